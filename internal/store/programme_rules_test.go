package store_test

import (
	"strings"
	"testing"

	"peerpath/internal/cohort"
	"peerpath/internal/core"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// Pass marks, attempts and attendance thresholds are the organisation's:
// peerpath suggests them, an administrator confirms them, and until then
// they decide nothing.
func TestProgrammeRulesTheOrganisationConfirms(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Rules")
	admin, tr := testkit.Actor(tm.Admin), testkit.Actor(tm.Trainer)

	// The built-in programmes carry peerpath's suggestions, unconfirmed.
	ps := testkit.Must[[]store.Programme](t)(db.Programmes(ctx, admin))
	for _, p := range ps {
		if p.Rule.Confirmed || !strings.HasPrefix(p.Rule.Describe(), "peerpath suggests") {
			t.Fatalf("%s: a rule nobody confirmed: %+v", p.Key, p.Rule)
		}
	}
	// Saving a programme asks for the confirmation.
	if _, err := db.UpdateProgramme(ctx, admin, "cps", store.ProgrammeInput{Name: ps[0].Name, Rule: ps[0].Rule}); !hasField(err, "rule_confirmed") {
		t.Fatalf("saving without confirming: %v", err)
	}

	// A cohort of an unconfirmed programme: everyone lacks the confirmation,
	// and no certificate is issued, even to someone who meets the numbers.
	c := testkit.Must[store.Cohort](t)(db.CreateCohort(ctx, tr, store.CohortInput{Programme: "ican", Name: "Somerville ICAN", StartsOn: "2026-09-15", EndsOn: "2026-11-01", Capacity: 10}))
	if c.Rule.Confirmed {
		t.Fatal("a cohort of an unconfirmed programme starts confirmed")
	}
	host := testkit.Must[store.HostCompany](t)(db.SaveHostCompany(ctx, tr, 0, store.HostCompanyInput{Name: "CVS Health"}))
	visit := testkit.Must[store.CohortSession](t)(db.CreateCohortSession(ctx, tr, c.ID, store.SessionInput{Kind: cohort.SessionVisit, On: "2026-10-01", HostCompanyID: host.ID}))
	kai := testkit.Must[store.Participant](t)(db.AddParticipant(ctx, tr, c.ID, store.ParticipantInput{Name: "Kai", School: "Somerville High School"}))
	if err := db.RecordAttendance(ctx, tr, c.ID, visit.ID, map[int64]cohort.Mark{kai.ID: cohort.Present}); err != nil {
		t.Fatal(err)
	}
	_, err := db.IssueCertificate(ctx, tr, c.ID, kai.ID, "")
	e, _ := core.As(err)
	if e == nil || e.Kind != core.KindConflict || !strings.Contains(e.Message, "not confirmed") || e.Fields["missing"] != cohort.NotConfirmed {
		t.Fatalf("a certificate under an unconfirmed rule: %v", err)
	}

	// Only an administrator confirms, and must say so.
	r := c.Rule
	r.AttendancePercent = 100
	if _, err := db.ConfirmCohortRule(ctx, tr, c.ID, store.ConfirmedRule(r)); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a trainer confirming: %v", err)
	}
	if _, err := db.ConfirmCohortRule(ctx, admin, c.ID, r); !hasField(err, "rule_confirmed") {
		t.Fatalf("confirming without saying so: %v", err)
	}
	if _, err := db.ConfirmCohortRule(ctx, admin, c.ID, store.ConfirmedRule(cohort.Rule{AttendancePercent: 0})); !hasField(err, "attendance_percent") {
		t.Fatalf("a threshold of 0: %v", err)
	}
	other := db.NewTeam(t, "Elsewhere")
	if _, err := db.ConfirmCohortRule(ctx, testkit.Actor(other.Admin), c.ID, store.ConfirmedRule(r)); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("another organisation's administrator: %v", err)
	}
	c = testkit.Must[store.Cohort](t)(db.ConfirmCohortRule(ctx, admin, c.ID, store.ConfirmedRule(r)))
	if !c.Rule.Confirmed || c.Rule.AttendancePercent != 100 || c.Rule.HasExams() {
		t.Fatalf("after confirming: %+v", c.Rule)
	}
	cert := testkit.Must[store.Certificate](t)(db.IssueCertificate(ctx, tr, c.ID, kai.ID, ""))
	// Once a certificate stands under the rule, its numbers stay.
	r.AttendancePercent = 90
	if _, err := db.ConfirmCohortRule(ctx, admin, c.ID, store.ConfirmedRule(r)); core.KindOf(err) != core.KindConflict {
		t.Fatalf("changing a rule certificates were issued under: %v", err)
	}
	testkit.Must[store.Cohort](t)(db.ConfirmCohortRule(ctx, admin, c.ID, store.ConfirmedRule(c.Rule)))
	if cert.ID == 0 {
		t.Fatal("no certificate")
	}
	// The confirmation is audited.
	l, _ := db.ListAudit(ctx, tm.Org.ID, store.AuditFilter{RecordType: "cohort"}, store.Page{})
	found := false
	for _, en := range l.Items {
		found = found || en.Detail == "completion rule confirmed"
	}
	if !found {
		t.Fatal("confirming the rule is not audited")
	}
}
