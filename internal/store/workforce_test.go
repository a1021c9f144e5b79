package store_test

import (
	"strings"
	"testing"

	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/framework"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
	"peerpath/internal/workforce"
)

// Chart keys used below, from the shipped Massachusetts chart.
const (
	compListening = "s1.comp.empathic-listening" // a competency, both tracks
	prereqCORI    = "v.prereq.cori"              // a required prerequisite, both tracks
	prereqCPSEth  = "s1.prereq.cps-ethics"       // met by a signed code of ethics (mental health)
	prereqCPS     = "s3.prereq.cps"              // met by holding the CPS credential (mental health)
	trainWRAP     = "v.train.wrap"               // a training (mental health)
)

func statusOf(t *testing.T, r store.Readiness, stage framework.Stage, key string) framework.RequirementStatus {
	t.Helper()
	sr, ok := r.Stage(stage)
	if !ok {
		t.Fatalf("no stage %s", stage)
	}
	for _, req := range sr.Requirements {
		if req.Key == key {
			return req
		}
	}
	t.Fatalf("%s is not in effect at stage %s", key, stage)
	return framework.RequirementStatus{}
}

// TestDevelopmentRecordAccess tries every branch of the access rule, for a
// read and a change: the worker, their supervisor and an administrator may;
// another worker of the organisation, another supervisor who is not theirs,
// and anyone of another organisation are told the record does not exist.
func TestDevelopmentRecordAccess(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Access Dev")
	otherSup := db.MakeUser(t, tm.Org.ID, "osup@accessdev.test", "Other Supervisor", auth.RoleSupervisor)
	other := db.NewTeam(t, "Elsewhere Dev")
	day := db.Today()
	for _, c := range []struct {
		who  string
		u    store.User
		rel  store.Relation
		seen bool
	}{
		{"self", tm.Peer, store.RelSelf, true},
		{"supervisor", tm.Supervisor, store.RelSupervisor, true},
		{"admin", tm.Admin, store.RelAdmin, true},
		{"other peer", tm.OtherPeer, store.RelNone, false},
		{"other supervisor", otherSup, store.RelNone, false},
		{"trainer", tm.Trainer, store.RelNone, false},
		{"other organisation's admin", other.Admin, store.RelNone, false},
		{"other organisation's supervisor", other.Supervisor, store.RelNone, false},
	} {
		t.Run(c.who, func(t *testing.T) {
			a := testkit.Actor(c.u)
			w, err := db.Worker(ctx, a, tm.Peer.ID)
			if c.seen != (err == nil) || (!c.seen && core.KindOf(err) != core.KindNotFound) {
				t.Fatalf("read: %v", err)
			}
			if c.seen && w.Relation != c.rel {
				t.Fatalf("relation %v, want %v", w.Relation, c.rel)
			}
			if _, err := db.DevelopmentRecord(ctx, a, tm.Peer.ID); c.seen != (err == nil) {
				t.Fatalf("whole record: %v", err)
			}
			_, err = db.AddTraining(ctx, a, tm.Peer.ID, store.NewTraining{Title: "Boundaries workshop", CompletedOn: day, Hours: 300})
			if c.seen != (err == nil) || (!c.seen && core.KindOf(err) != core.KindNotFound) {
				t.Fatalf("change: %v", err)
			}
			// Invalid input to a record they may not see is still "not
			// found", never a validation error that would confirm it exists.
			if !c.seen {
				if _, err := db.AddTraining(ctx, a, tm.Peer.ID, store.NewTraining{}); core.KindOf(err) != core.KindNotFound {
					t.Fatalf("invalid change: %v", err)
				}
			}
		})
	}
}

func TestSignoffsAndWaiversNeedTheSupervisorOrAnAdmin(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Vouching")
	in := store.NewSignoff{ItemKey: compListening, ObservedOn: db.Today(), Note: "Listened without fixing in Tuesday's group."}
	// The worker cannot sign off themselves: they can see the record, so
	// it is forbidden, not "not found".
	if _, err := db.SignOff(ctx, testkit.Actor(tm.Peer), tm.Peer.ID, in); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("self sign-off: %v", err)
	}
	if _, err := db.Waive(ctx, testkit.Actor(tm.Peer), tm.Peer.ID, prereqCORI, "I say so"); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("self waiver: %v", err)
	}
	// Nor can an administrator on their own record.
	if _, err := db.SignOff(ctx, testkit.Actor(tm.Admin), tm.Admin.ID, in); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("an admin signing off themselves: %v", err)
	}
	if _, err := db.SignOff(ctx, testkit.Actor(tm.OtherPeer), tm.Peer.ID, in); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("another peer: %v", err)
	}
	if _, err := db.SignOff(ctx, testkit.Actor(tm.Supervisor), tm.Peer.ID, in); err != nil {
		t.Fatalf("supervisor: %v", err)
	}
	if _, err := db.SignOff(ctx, testkit.Actor(tm.Admin), tm.OtherPeer.ID, in); err != nil {
		t.Fatalf("admin: %v", err)
	}
	// Only competencies are signed off, only prerequisites and
	// competencies waived, and only keys of the active chart.
	for key, field := range map[string]string{prereqCORI: "item_key", "no.such.item": "item_key"} {
		_, err := db.SignOff(ctx, testkit.Actor(tm.Supervisor), tm.Peer.ID, store.NewSignoff{ItemKey: key, Note: "x"})
		if e, ok := core.As(err); !ok || e.Fields[field] == "" {
			t.Errorf("signing off %s: %v", key, err)
		}
	}
	if _, err := db.Waive(ctx, testkit.Actor(tm.Supervisor), tm.Peer.ID, trainWRAP, "trainings never block"); core.KindOf(err) != core.KindInvalid {
		t.Errorf("waiving a training: %v", err)
	}
	if _, err := db.Waive(ctx, testkit.Actor(tm.Supervisor), tm.Peer.ID, prereqCORI, ""); core.KindOf(err) != core.KindInvalid {
		t.Errorf("a waiver without a reason: %v", err)
	}
	// The stage is confirmed by the supervisor, not the worker.
	if _, err := db.ConfirmStage(ctx, testkit.Actor(tm.Peer), tm.Peer.ID, "2", ""); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("confirming one's own stage: %v", err)
	}
	w, err := db.ConfirmStage(ctx, testkit.Actor(tm.Supervisor), tm.Peer.ID, "Stage I", "")
	if err != nil || w.ConfirmedStage != framework.Stage1 || w.ConfirmedOn != db.Today() || w.ConfirmedByName != "Sam Supervisor" {
		t.Fatalf("confirming: %+v %v", w, err)
	}
}

func TestReadinessWithEvidenceAndWaivers(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Readiness")
	peer, sup := testkit.Actor(tm.Peer), testkit.Actor(tm.Supervisor)
	track := "mental-health"
	if _, err := db.UpdateWorker(ctx, peer, tm.Peer.ID, store.WorkerUpdate{Track: &track, Languages: &[]string{"English, Spanish"}}); err != nil {
		t.Fatal(err)
	}
	_, r, err := db.WorkerReadiness(ctx, peer, tm.Peer.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Track != framework.TrackMentalHealth || len(r.Profile.Stages) != 6 || r.Target != framework.StageVolunteer {
		t.Fatalf("an empty record: track %s, %d stages, target %q", r.Track, len(r.Profile.Stages), r.Target)
	}
	// CORI applies only where the organisation asks for it.
	if st := statusOf(t, r, framework.StageVolunteer, prereqCORI); st.Status != framework.StatusNotApplicable || st.Blocking {
		t.Fatalf("CORI before the organisation asks for it: %s", st.Status)
	}
	yes := true
	if err := db.SetFrameworkChoices(ctx, testkit.Actor(tm.Admin), []store.FrameworkChoiceInput{{ItemKey: prereqCORI, Applies: &yes}}); err != nil {
		t.Fatal(err)
	}
	_, r, _ = db.WorkerReadiness(ctx, peer, tm.Peer.ID)
	if st := statusOf(t, r, framework.StageVolunteer, prereqCORI); st.Status != framework.StatusNotMet || !st.Blocking {
		t.Fatalf("CORI once asked for: %s", st.Status)
	}

	// A waiver (the grandfather clause) turns the item "waived", with who, when and why.
	db.Clock.Advance(24 * 3600e9)
	if _, err := db.Waive(ctx, sup, tm.Peer.ID, prereqCORI, "Grandfather clause: cleared under the old RSC policy"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SignOff(ctx, sup, tm.Peer.ID, store.NewSignoff{ItemKey: compListening, Note: "Listened well in group"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddTraining(ctx, peer, tm.Peer.ID, store.NewTraining{ItemKey: trainWRAP, CompletedOn: "2025-04-02", Provider: "Riverbend RLC", Hours: 1200}); err != nil {
		t.Fatal(err)
	}
	_, r, _ = db.WorkerReadiness(ctx, peer, tm.Peer.ID)
	cori := statusOf(t, r, framework.Stage2, prereqCORI) // carried forward
	if cori.Status != framework.StatusWaived || cori.Waiver == nil || cori.Waiver.ByName != "Sam Supervisor" || cori.Waiver.On != db.Today() || !strings.Contains(cori.Waiver.Reason, "Grandfather") {
		t.Fatalf("waived CORI: %+v %+v", cori, cori.Waiver)
	}
	listen := statusOf(t, r, framework.Stage1, compListening)
	if listen.Status != framework.StatusMet || len(listen.Evidence) != 1 || !strings.Contains(listen.Evidence[0].Label, "Sam Supervisor") {
		t.Fatalf("signed-off competency: %+v", listen)
	}
	if wrap := statusOf(t, r, framework.StageVolunteer, trainWRAP); wrap.Status != framework.StatusMet || wrap.Evidence[0].On != "2025-04-02" {
		t.Fatalf("training: %+v", wrap)
	}
	// Evidence arriving after a waiver shows as met, keeping the waiver.
	if _, err := db.AddPrerequisiteRecord(ctx, peer, tm.Peer.ID, store.NewPrerequisiteRecord{ItemKey: prereqCORI, Statement: "CORI cleared for the RLC", On: db.Today()}); err != nil {
		t.Fatal(err)
	}
	_, r, _ = db.WorkerReadiness(ctx, peer, tm.Peer.ID)
	if cori := statusOf(t, r, framework.StageVolunteer, prereqCORI); cori.Status != framework.StatusMet || cori.Waiver == nil {
		t.Fatalf("CORI with evidence and a waiver: %+v", cori)
	}
	// A withdrawn waiver or sign-off stops counting.
	d, _ := db.DevelopmentRecord(ctx, sup, tm.Peer.ID)
	if len(d.Waivers) != 1 || len(d.Signoffs) != 1 {
		t.Fatalf("record: %d waivers, %d sign-offs", len(d.Waivers), len(d.Signoffs))
	}
	if err := db.RemoveRecord(ctx, peer, tm.Peer.ID, store.RecordSignoff, d.Signoffs[0].ID); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a worker withdrawing a sign-off: %v", err)
	}
	if err := db.RemoveRecord(ctx, sup, tm.Peer.ID, store.RecordSignoff, d.Signoffs[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := db.RemoveRecord(ctx, sup, tm.Peer.ID, store.RecordSignoff, d.Signoffs[0].ID); core.KindOf(err) != core.KindConflict {
		t.Fatalf("withdrawing twice: %v", err)
	}
	_, r, _ = db.WorkerReadiness(ctx, peer, tm.Peer.ID)
	if st := statusOf(t, r, framework.Stage1, compListening); st.Status != framework.StatusNotMet {
		t.Fatalf("after withdrawal: %s", st.Status)
	}

	// Experience from peer roles meets "experience preferred" as an
	// advantage; a non-peer role does not count.
	if _, err := db.AddRoleHeld(ctx, peer, tm.Peer.ID, store.NewRoleHeld{Title: "Line cook", From: "2020-01-01", To: "2023-01-01"}); err != nil {
		t.Fatal(err)
	}
	_, r, _ = db.WorkerReadiness(ctx, peer, tm.Peer.ID)
	if r.Facts.ExperienceMonths != 0 {
		t.Fatalf("a non-peer role counted: %d", r.Facts.ExperienceMonths)
	}
	if _, err := db.AddRoleHeld(ctx, peer, tm.Peer.ID, store.NewRoleHeld{Title: "Peer Specialist", Organisation: "Riverbend RLC", From: "2025-11-23", Peer: true}); err != nil {
		t.Fatal(err)
	}
	_, r, _ = db.WorkerReadiness(ctx, peer, tm.Peer.ID)
	if r.Facts.ExperienceMonths != 12 {
		t.Fatalf("experience: %d months", r.Facts.ExperienceMonths)
	}
	// The current role is not "previous" experience; one that ended
	// before it began is.
	if st := statusOf(t, r, framework.Stage1, "s1.prereq.peer-experience"); st.Status != framework.StatusNotMet {
		t.Fatalf("the current role counted as previous experience: %s", st.Status)
	}
	if _, err := db.AddRoleHeld(ctx, peer, tm.Peer.ID, store.NewRoleHeld{Title: "Volunteer peer", Organisation: "Harbor RSC", From: "2024-01-01", To: "2024-06-30", Peer: true}); err != nil {
		t.Fatal(err)
	}
	_, r, _ = db.WorkerReadiness(ctx, peer, tm.Peer.ID)
	st := statusOf(t, r, framework.Stage1, "s1.prereq.peer-experience")
	if st.Status != framework.StatusAdvantage || r.Facts.PreviousRoles != 1 || r.Facts.PreviousMonths != 6 ||
		!strings.Contains(st.Evidence[0].Label, "ended before the current one began on 2025-11-23") {
		t.Fatalf("experience preferred: %s %+v %+v", st.Status, st.Evidence, r.Facts)
	}

	// A current CPS credential meets "CPS required"; an expired one does not.
	if _, err := db.AddCredential(ctx, peer, tm.Peer.ID, store.NewCredential{Kind: workforce.CredentialCPS, Number: "CPS-1", Issuer: "Transformation Center", IssuedOn: "2020-01-01", ExpiresOn: "2026-01-01"}); err != nil {
		t.Fatal(err)
	}
	_, r, _ = db.WorkerReadiness(ctx, peer, tm.Peer.ID)
	if st := statusOf(t, r, framework.Stage3, prereqCPS); st.Status != framework.StatusExpired || st.ExpiredOn != "2026-01-01" {
		t.Fatalf("an expired CPS counted: %s %q", st.Status, st.ExpiredOn)
	}
	if _, err := db.AddCredential(ctx, peer, tm.Peer.ID, store.NewCredential{Kind: workforce.CredentialCPS, Number: "CPS-2", Issuer: "Transformation Center", IssuedOn: "2026-01-02", ExpiresOn: "2028-01-01"}); err != nil {
		t.Fatal(err)
	}
	_, r, _ = db.WorkerReadiness(ctx, peer, tm.Peer.ID)
	// "CPS required or preferred" reads as preferred until the
	// organisation chooses: a CPS held is an advantage.
	if st := statusOf(t, r, framework.Stage3, prereqCPS); st.Status != framework.StatusAdvantage {
		t.Fatalf("a current CPS: %s", st.Status)
	}
	// Validation keeps every field's message.
	_, err = db.AddTraining(ctx, peer, tm.Peer.ID, store.NewTraining{ItemKey: compListening, CompletedOn: "2999-01-01", HoursError: "Enter the hours"})
	if e, ok := core.As(err); !ok || e.Fields["item_key"] == "" || e.Fields["completed_on"] == "" || e.Fields["hours"] == "" {
		t.Fatalf("bad training: %v", err)
	}
}

func TestEvidenceOutsideTheActiveChartIsKept(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Chart change")
	peer := testkit.Actor(tm.Peer)
	if _, err := db.AddTraining(ctx, peer, tm.Peer.ID, store.NewTraining{ItemKey: trainWRAP, CompletedOn: "2025-01-10", Hours: 800}); err != nil {
		t.Fatal(err)
	}
	// On the addiction track the WRAP training (mental health) shows at no stage.
	track := "addiction"
	db.UpdateWorker(ctx, peer, tm.Peer.ID, store.WorkerUpdate{Track: &track})
	_, r, _ := db.WorkerReadiness(ctx, peer, tm.Peer.ID)
	if len(r.Stray) != 1 || r.Stray[0].Reason != "not on this worker's track" {
		t.Fatalf("off-track evidence: %+v", r.Stray)
	}
	// A new chart without the item: the evidence is kept and said to be outside it.
	v, err := db.ImportChart(ctx, testkit.Actor(tm.Admin), []byte(smallChart))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChart(ctx, testkit.Actor(tm.Admin), v.ID); err != nil {
		t.Fatal(err)
	}
	_, r, _ = db.WorkerReadiness(ctx, peer, tm.Peer.ID)
	if len(r.Stray) != 1 || r.Stray[0].Reason != "not in the active chart" || r.Stray[0].ItemKey != trainWRAP {
		t.Fatalf("evidence outside the chart: %+v", r.Stray)
	}
	if len(r.Profile.Stages) != 2 {
		t.Fatalf("readiness is not measured against the active chart: %d stages", len(r.Profile.Stages))
	}
}

func TestReattestationAfterANewEthicsVersion(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Ethics")
	peer, admin := testkit.Actor(tm.Peer), testkit.Actor(tm.Admin)
	track := "mental-health"
	db.UpdateWorker(ctx, peer, tm.Peer.ID, store.WorkerUpdate{Track: &track})
	first, err := db.CurrentEthics(ctx, tm.Org.ID)
	if err != nil || !first.Shipped || first.Hash != workforce.EthicsHash(workforce.DefaultEthicsText) {
		t.Fatalf("the shipped summary is not the first version: %+v %v", first, err)
	}
	// The name must be the one on record; case, accents and spaces do not matter.
	if _, _, err := db.Attest(ctx, peer, first.Hash, "Pat Smith"); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("a wrong name: %v", err)
	}
	at, created, err := db.Attest(ctx, peer, first.Hash, "  pat   PEER ")
	if err != nil || !created || at.VersionHash != first.Hash {
		t.Fatalf("attesting: %+v %v", at, err)
	}
	if _, created, _ := db.Attest(ctx, peer, first.Hash, "Pat Peer"); created {
		t.Fatal("signing the same version twice made a second signature")
	}
	_, r, _ := db.WorkerReadiness(ctx, peer, tm.Peer.ID)
	if st := statusOf(t, r, framework.Stage1, prereqCPSEth); st.Status != framework.StatusMet {
		t.Fatalf("ethics prerequisite after signing: %s", st.Status)
	}
	if _, err := db.PublishEthics(ctx, peer, "Mine", "My own code"); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a peer publishing: %v", err)
	}
	db.Clock.Advance(3600e9)
	second, err := db.PublishEthics(ctx, admin, "MA CPS Code of Ethics (official)", "The official text.\r\nLine two.  ")
	if err != nil || second.Hash == first.Hash || second.Hash != workforce.EthicsHash("The official text.\nLine two.") {
		t.Fatalf("publishing: %+v %v", second, err)
	}
	if _, err := db.PublishEthics(ctx, admin, "Again", "The official text.\nLine two."); core.KindOf(err) != core.KindConflict {
		t.Fatalf("the same text twice: %v", err)
	}
	// Everyone is asked again: the old signature no longer counts.
	st, _ := db.EthicsStatusOf(ctx, peer, tm.Peer.ID)
	if !st.Needed() || st.Previous == nil || st.Previous.VersionHash != first.Hash {
		t.Fatalf("status after a new version: %+v", st)
	}
	_, r, _ = db.WorkerReadiness(ctx, peer, tm.Peer.ID)
	if st := statusOf(t, r, framework.Stage1, prereqCPSEth); st.Status != framework.StatusNotMet {
		t.Fatalf("ethics prerequisite after a new version: %s", st.Status)
	}
	_, list, err := db.NotAttested(ctx, admin, store.Page{})
	if err != nil || len(list.Items) != 5 { // the whole team, none signed the new version
		t.Fatalf("not attested: %d %v", len(list.Items), err)
	}
	// Signing the old version now is a conflict; an unknown hash is invalid.
	if _, _, err := db.Attest(ctx, peer, first.Hash, "Pat Peer"); core.KindOf(err) != core.KindConflict {
		t.Fatalf("signing the old version: %v", err)
	}
	if _, _, err := db.Attest(ctx, peer, strings.Repeat("ab", 32), "Pat Peer"); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("an unknown hash: %v", err)
	}
	if _, _, err := db.Attest(ctx, peer, second.Hash, "Pat Peer"); err != nil {
		t.Fatal(err)
	}
	_, list, _ = db.NotAttested(ctx, admin, store.Page{Limit: 2})
	if len(list.Items) != 2 || list.Next == "" {
		t.Fatalf("first page: %d", len(list.Items))
	}
	_, rest, _ := db.NotAttested(ctx, admin, store.Page{Limit: 10, Cursor: list.Next})
	for _, u := range append(list.Items, rest.Items...) {
		if u.ID == tm.Peer.ID {
			t.Fatal("a worker who signed is listed as not signed")
		}
	}
	if len(list.Items)+len(rest.Items) != 4 {
		t.Fatalf("not attested after signing: %d", len(list.Items)+len(rest.Items))
	}
	_, r, _ = db.WorkerReadiness(ctx, peer, tm.Peer.ID)
	if st := statusOf(t, r, framework.Stage1, prereqCPSEth); st.Status != framework.StatusMet {
		t.Fatalf("ethics prerequisite after signing again: %s", st.Status)
	}
}

func TestSignoffRequests(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Requests")
	peer, sup := testkit.Actor(tm.Peer), testkit.Actor(tm.Supervisor)
	if _, err := db.RequestSignoff(ctx, sup, tm.Peer.ID, compListening, ""); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a supervisor asking for the worker: %v", err)
	}
	rid, err := db.RequestSignoff(ctx, peer, tm.Peer.ID, compListening, "I co-facilitated the Thursday group for two months.")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RequestSignoff(ctx, peer, tm.Peer.ID, compListening, ""); core.KindOf(err) != core.KindConflict {
		t.Fatalf("asking twice: %v", err)
	}
	other, err := db.RequestSignoff(ctx, peer, tm.Peer.ID, "s1.comp.share-lived-experience", "")
	if err != nil {
		t.Fatal(err)
	}
	alerts, err := db.TeamDevelopmentAlerts(ctx, sup)
	if err != nil || len(alerts.Requests) != 2 || alerts.Requests[0].WorkerName != "Pat Peer" {
		t.Fatalf("alerts: %+v %v", alerts, err)
	}
	if _, err := db.AnswerRequestSignOff(ctx, peer, tm.Peer.ID, rid, "", "I did it"); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("answering one's own request: %v", err)
	}
	if _, err := db.AnswerRequestSignOff(ctx, sup, tm.Peer.ID, rid, "", "Listened closely and reflected back."); err != nil {
		t.Fatal(err)
	}
	if err := db.DeclineRequest(ctx, sup, tm.Peer.ID, rid, "already answered"); core.KindOf(err) != core.KindConflict {
		t.Fatalf("declining an answered request: %v", err)
	}
	if err := db.DeclineRequest(ctx, sup, tm.Peer.ID, other, ""); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("declining without a reason: %v", err)
	}
	if err := db.DeclineRequest(ctx, sup, tm.Peer.ID, other, "Let's talk about it in supervision first."); err != nil {
		t.Fatal(err)
	}
	_, req, err := db.SignoffRequest(ctx, peer, tm.Peer.ID, other)
	if err != nil || req.Status != store.RequestDeclined || req.DeclineReason == "" || req.DecidedByName != "Sam Supervisor" {
		t.Fatalf("declined request: %+v %v", req, err)
	}
	_, r, _ := db.WorkerReadiness(ctx, peer, tm.Peer.ID)
	if st := statusOf(t, r, framework.Stage1, compListening); st.Status != framework.StatusMet {
		t.Fatalf("the signed-off request's competency: %s", st.Status)
	}
	if alerts, _ := db.TeamDevelopmentAlerts(ctx, sup); len(alerts.Requests) != 0 {
		t.Fatalf("answered requests still open: %d", len(alerts.Requests))
	}
	// Another worker cannot see the requests.
	if _, _, err := db.SignoffRequest(ctx, testkit.Actor(tm.OtherPeer), tm.Peer.ID, rid); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("another worker reading a request: %v", err)
	}
}

func TestCourseCompletionIsIdempotent(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Cohorts")
	trainer := testkit.Actor(tm.Trainer)
	c := store.CourseCompletion{CohortID: 7, Title: "Certified Peer Specialist Training (CPS)", ItemKey: "s2.train.cps", CompletedOn: "2026-10-30", Provider: "Transformation Center", Hours: 6400}
	for range 2 {
		if err := db.RecordCourseCompletion(ctx, trainer, tm.Peer.ID, c); err != nil {
			t.Fatal(err)
		}
	}
	ts, _ := db.Trainings(ctx, testkit.Actor(tm.Peer), tm.Peer.ID, store.Page{})
	if len(ts.Items) != 1 || ts.Items[0].Source != "cohort:7" || ts.Items[0].Hours.String() != "64" {
		t.Fatalf("trainings after two calls: %+v", ts.Items)
	}
	// A course is not a certification: while the organisation is not the
	// certifying body for CPS (the default), the credential is not recorded.
	c.Credential = &store.CourseCredential{Kind: workforce.CredentialCPS, Number: "CPS-2026-118", Issuer: "Cohorts", IssuedOn: "2026-11-20", ExpiresOn: "2028-11-20"}
	if err := db.RecordCourseCompletion(ctx, trainer, tm.Peer.ID, c); err != nil {
		t.Fatal(err)
	}
	if cs, _ := db.Credentials(ctx, testkit.Actor(tm.Peer), tm.Peer.ID, store.Page{}); len(cs.Items) != 0 {
		t.Fatalf("a credential from an organisation that does not certify: %+v", cs.Items)
	}
	// Once an administrator sets the organisation up as the certifying body,
	// the credential comes on a later call, once.
	on := true
	if err := db.SetCredentialRules(ctx, testkit.Actor(tm.Admin), []store.RuleUpdate{{Kind: workforce.CredentialCPS, Certifies: &on}}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := db.RecordCourseCompletion(ctx, trainer, tm.Peer.ID, c); err != nil {
			t.Fatal(err)
		}
	}
	cs, _ := db.Credentials(ctx, testkit.Actor(tm.Peer), tm.Peer.ID, store.Page{})
	ts, _ = db.Trainings(ctx, testkit.Actor(tm.Peer), tm.Peer.ID, store.Page{})
	if len(cs.Items) != 1 || len(ts.Items) != 1 || cs.Items[0].Number != "CPS-2026-118" || cs.Items[0].Issuer != "Cohorts" {
		t.Fatalf("after the credential: %d credentials, %d trainings", len(cs.Items), len(ts.Items))
	}
	// Another organisation's user is not found.
	other := db.NewTeam(t, "Other cohorts")
	if err := db.RecordCourseCompletion(ctx, trainer, other.Peer.ID, c); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("another organisation's user: %v", err)
	}
	if err := db.RecordCourseCompletion(ctx, trainer, tm.Peer.ID, store.CourseCompletion{}); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("an empty completion: %v", err)
	}
}

func TestCredentialsRenewalAndReminders(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Credentials")
	peer := testkit.Actor(tm.Peer)
	today := db.Today() // 2026-11-23
	id, err := db.AddCredential(ctx, peer, tm.Peer.ID, store.NewCredential{Kind: workforce.CredentialCPS, Number: "CPS-9", Issuer: "Transformation Center", IssuedOn: "2024-12-20", ExpiresOn: workforce.AddDays(today, 45)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddCredential(ctx, peer, tm.Peer.ID, store.NewCredential{Kind: workforce.CredentialOther, IssuedOn: today}); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("an other credential without a name: %v", err)
	}
	for _, h := range []store.NewCEHours{
		{CompletedOn: "2025-06-01", Title: "Ethics and boundaries", Hours: 600, EthicsHours: 600},
		{CompletedOn: "2026-02-01", Title: "WRAP refresher", Hours: 1000},
		{CompletedOn: "2020-02-01", Title: "Before the period", Hours: 1000},
	} {
		if _, err := db.AddCEHours(ctx, peer, tm.Peer.ID, id, h); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.AddCEHours(ctx, peer, tm.Peer.ID, id, store.NewCEHours{CompletedOn: today, Title: "x", Hours: 100, EthicsHours: 200}); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("more ethics hours than hours: %v", err)
	}
	d, err := db.Credential(ctx, peer, tm.Peer.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	// peerpath ships no renewal rule: until the organisation sets one, the
	// credential keeps the expiry date it was given and says so.
	if d.Renewal.HasRule || d.Credential.RenewalRuleLabel() != "Renewal rule not set" || d.Credential.ExpiresOn != workforce.AddDays(today, 45) {
		t.Fatalf("without a rule: %+v %+v", d.Renewal, d.Credential)
	}
	admin := testkit.Actor(tm.Admin)
	if err := db.SetCredentialRules(ctx, admin, []store.RuleUpdate{{Kind: workforce.CredentialCPS, Rule: workforce.RenewalRule{Hours: 2000, EthicsHours: 600, PeriodMonths: 24}}}); err != nil {
		t.Fatal(err)
	}
	d, _ = db.Credential(ctx, peer, tm.Peer.ID, id)
	rn := d.Renewal
	if !rn.HasRule || rn.Hours != 1600 || rn.Ethics != 600 || rn.HoursLeft != 400 || rn.EthicsLeft != 0 || rn.Met {
		t.Fatalf("renewal progress: %+v", rn)
	}
	if !d.Credential.Reminder.Due || d.Credential.Reminder.Threshold != 60 {
		t.Fatalf("a credential expiring in 45 days: %+v", d.Credential.Reminder)
	}
	// A credential recorded under the rule without an expiry date gets one
	// from the rule, and names the rule.
	id2, err := db.AddCredential(ctx, peer, tm.Peer.ID, store.NewCredential{Kind: workforce.CredentialCPS, Number: "CPS-10", Issuer: "Transformation Center", IssuedOn: "2026-01-31"})
	if err != nil {
		t.Fatal(err)
	}
	d2, _ := db.Credential(ctx, peer, tm.Peer.ID, id2)
	if d2.Credential.ExpiresOn != "2028-01-31" || d2.Credential.RenewalRule != "Your organisation's rule: 20 hours of continuing education every 24 months, 6 of them on ethics" {
		t.Fatalf("a credential recorded under a rule: %+v", d2.Credential)
	}
	if _, err := db.AddCredential(ctx, peer, tm.Peer.ID, store.NewCredential{Kind: workforce.CredentialCPS, IssuedOn: today}); !hasField(err, "issuer") {
		t.Fatalf("a credential without its issuer: %v", err)
	}
	// An administrator changes the organisation's own rule.
	if err := db.SetCredentialRules(ctx, peer, []store.RuleUpdate{{Kind: workforce.CredentialCPS}}); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a peer setting a rule: %v", err)
	}
	if err := db.SetCredentialRules(ctx, testkit.Actor(tm.Admin), []store.RuleUpdate{{Kind: workforce.CredentialCPS, Rule: workforce.RenewalRule{Hours: 1500, EthicsHours: 300, PeriodMonths: 24}}}); err != nil {
		t.Fatal(err)
	}
	d, _ = db.Credential(ctx, peer, tm.Peer.ID, id)
	if !d.Renewal.Met {
		t.Fatalf("the organisation's rule was not used: %+v", d.Renewal)
	}
	m, err := db.MyDevelopmentSummary(ctx, peer)
	if err != nil || len(m.Reminders) != 1 || !m.EthicsDue {
		t.Fatalf("home summary: %+v %v", m, err)
	}
	alerts, _ := db.TeamDevelopmentAlerts(ctx, testkit.Actor(tm.Supervisor))
	if len(alerts.Expiring) != 1 || alerts.NotSigned != 2 {
		t.Fatalf("supervisor alerts: %+v", alerts)
	}
	// Someone else's credential is not found, even by id.
	if _, err := db.Credential(ctx, testkit.Actor(tm.OtherPeer), tm.Peer.ID, id); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("another worker's credential: %v", err)
	}
	if _, err := db.Credential(ctx, testkit.Actor(tm.OtherPeer), tm.OtherPeer.ID, id); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("a credential under the wrong worker: %v", err)
	}
	// Removing the credential removes its hours.
	if err := db.RemoveRecord(ctx, peer, tm.Peer.ID, store.RecordCredential, id); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Credential(ctx, peer, tm.Peer.ID, id); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("a removed credential: %v", err)
	}
}

func TestSupervisionSessions(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Supervision")
	peer, sup := testkit.Actor(tm.Peer), testkit.Actor(tm.Supervisor)
	// The supervisor holds a CPS, so sessions default to "peer credential".
	db.AddCredential(ctx, sup, tm.Supervisor.ID, store.NewCredential{Kind: workforce.CredentialCPS, Issuer: "Transformation Center", IssuedOn: "2019-05-01"})
	for _, s := range []store.NewSupervisionSession{
		{HeldOn: "2026-11-02", Minutes: 60, Mode: store.ModeInPerson, Topics: "Boundaries"},
		{HeldOn: "2026-10-15", Minutes: 45, Mode: store.ModeVideo},
		{HeldOn: "2026-07-01", Minutes: 30, Mode: store.ModePhone, PeerCredential: new(bool)},
	} {
		if _, err := db.AddSupervisionSession(ctx, peer, tm.Peer.ID, s); err != nil {
			t.Fatal(err)
		}
	}
	_, err := db.AddSupervisionSession(ctx, peer, tm.Peer.ID, store.NewSupervisionSession{SupervisorID: tm.OtherPeer.ID, HeldOn: "2026-11-02", Minutes: 0, Mode: "carrier pigeon"})
	if e, ok := core.As(err); !ok || e.Fields["supervisor"] == "" || e.Fields["minutes"] == "" || e.Fields["mode"] == "" {
		t.Fatalf("a bad session: %v", err)
	}
	_, list, err := db.SupervisionSessions(ctx, sup, tm.Peer.ID, store.Page{Limit: 2})
	if err != nil || len(list.Items) != 2 || list.Items[0].HeldOn != "2026-11-02" || !list.Items[0].PeerCredential || list.Items[0].SupervisorName != "Sam Supervisor" {
		t.Fatalf("sessions: %+v %v", list.Items, err)
	}
	_, rest, _ := db.SupervisionSessions(ctx, sup, tm.Peer.ID, store.Page{Limit: 2, Cursor: list.Next})
	if len(rest.Items) != 1 || rest.Items[0].PeerCredential {
		t.Fatalf("second page: %+v", rest.Items)
	}
	months, _ := db.SupervisionTotals(ctx, peer, tm.Peer.ID, workforce.PerMonth, 3)
	if len(months) != 3 || months[0].Minutes != 60 || months[1].Minutes != 45 || months[2].Minutes != 0 || months[0].PeerMinutes != 60 {
		t.Fatalf("months: %+v", months)
	}
	quarters, _ := db.SupervisionTotals(ctx, peer, tm.Peer.ID, workforce.PerQuarter, 2)
	if quarters[0].Minutes != 105 || quarters[0].Sessions != 2 || quarters[1].Minutes != 30 {
		t.Fatalf("quarters: %+v", quarters)
	}
	years, _ := db.SupervisionTotals(ctx, peer, tm.Peer.ID, workforce.PerYear, 1)
	if years[0].Minutes != 135 || years[0].PeerMinutes != 105 {
		t.Fatalf("year: %+v", years)
	}
	if _, _, err := db.SupervisionSessions(ctx, testkit.Actor(tm.OtherPeer), tm.Peer.ID, store.Page{}); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("another worker: %v", err)
	}
}

func TestEthicsConsultationsStayBetweenTheWorkerTheirSupervisorAndAdmins(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Consults")
	otherSup := db.MakeUser(t, tm.Org.ID, "osup@consults.test", "Other Supervisor", auth.RoleSupervisor)
	peer, sup := testkit.Actor(tm.Peer), testkit.Actor(tm.Supervisor)
	cid, err := db.AddConsultation(ctx, peer, tm.Peer.ID, "I was asked to deliver medication to someone who may be committed if she refuses it.")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.User{tm.OtherPeer, otherSup, tm.Trainer} {
		if _, _, err := db.Consultation(ctx, testkit.Actor(u), tm.Peer.ID, cid); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s read it: %v", u.Name, err)
		}
	}
	if err := db.GiveGuidance(ctx, peer, tm.Peer.ID, cid, "I'll guide myself"); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a worker guiding themselves: %v", err)
	}
	if err := db.RecordOutcome(ctx, peer, tm.Peer.ID, cid, "too early"); core.KindOf(err) != core.KindConflict {
		t.Fatalf("an outcome before guidance: %v", err)
	}
	if err := db.GiveGuidance(ctx, sup, tm.Peer.ID, cid, "This conflicts with mutuality; talk with the director about another way."); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordOutcome(ctx, peer, tm.Peer.ID, cid, "The nurse delivers medication; I accompany when asked."); err != nil {
		t.Fatal(err)
	}
	_, c, err := db.Consultation(ctx, testkit.Actor(tm.Admin), tm.Peer.ID, cid)
	if err != nil || c.Status() != "Closed" || c.GuidanceByName != "Sam Supervisor" {
		t.Fatalf("consultation: %+v %v", c, err)
	}
	// The supervisor's and the admin's reads are audited; the worker's own are not.
	entries, _ := db.ListAudit(ctx, tm.Org.ID, store.AuditFilter{RecordType: "development", RecordID: itoa(tm.Peer.ID)}, store.Page{Limit: 100})
	reads := map[int64]int{}
	for _, e := range entries.Items {
		if e.Action == "read" {
			reads[e.UserID]++
		}
		if strings.Contains(e.Detail, "medication") {
			t.Fatal("the audit log holds the consultation's words")
		}
	}
	if reads[tm.Admin.ID] == 0 || reads[tm.Peer.ID] != 0 {
		t.Fatalf("audited reads: %v", reads)
	}
}

func TestTeamDevelopment(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Team page")
	sup := testkit.Actor(tm.Supervisor)
	db.ConfirmStage(ctx, sup, tm.Peer.ID, "1", "")
	db.RequestSignoff(ctx, testkit.Actor(tm.Peer), tm.Peer.ID, compListening, "")
	db.AddCredential(ctx, testkit.Actor(tm.OtherPeer), tm.OtherPeer.ID, store.NewCredential{Kind: workforce.CredentialRecoveryCoach, Issuer: "MBSACC", IssuedOn: "2024-01-01", ExpiresOn: "2026-11-01"})
	team, err := db.TeamDevelopment(ctx, sup, store.ScopeTeam, store.Page{})
	if err != nil || len(team.Members) != 2 {
		t.Fatalf("team: %+v %v", team, err)
	}
	olu, pat := team.Members[0], team.Members[1] // by name
	if pat.Worker.Name != "Pat Peer" || pat.ConfirmedName != "Stage I" || pat.TargetName != "Stage II" || pat.Missing == 0 || len(pat.Requests) != 1 || pat.EthicsSigned {
		t.Fatalf("Pat: %+v", pat)
	}
	if len(olu.Expiring) != 1 || !olu.Expiring[0].Reminder.Expired {
		t.Fatalf("Olu's expired credential: %+v", olu.Expiring)
	}
	if _, err := db.TeamDevelopment(ctx, sup, store.ScopeOrganisation, store.Page{}); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a supervisor asking for the organisation: %v", err)
	}
	org, err := db.TeamDevelopment(ctx, testkit.Actor(tm.Admin), store.ScopeOrganisation, store.Page{Limit: 4})
	if err != nil || len(org.Members) != 4 || org.Next == "" {
		t.Fatalf("organisation: %d %v", len(org.Members), err)
	}
	// A peer's "team" is empty: nobody is supervised by them.
	if mine, err := db.TeamDevelopment(ctx, testkit.Actor(tm.Peer), store.ScopeTeam, store.Page{}); err != nil || len(mine.Members) != 0 {
		t.Fatalf("a peer's team: %+v %v", mine, err)
	}
	var rows []store.ExportRow
	if err := db.ExportTeamDevelopment(ctx, sup, store.ScopeTeam, func(r store.ExportRow) error { rows = append(rows, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Record != "credential" || rows[0].Title != "Recovery Coach (CARC)" {
		t.Fatalf("export: %+v", rows)
	}
}

// hasField reports whether err is a validation error naming field.
func hasField(err error, field string) bool {
	e, ok := core.As(err)
	return ok && e.Fields[field] != ""
}
