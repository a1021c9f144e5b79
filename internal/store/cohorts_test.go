package store_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/cohort"
	"peerpath/internal/core"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
	"peerpath/internal/workforce"
)

// cpsCohort makes a CPS cohort trained by tm.Trainer with n training days,
// one a week, all before the test clock's today.
func cpsCohort(t *testing.T, db *testkit.DB, tm testkit.Team, capacity, n int) (store.Cohort, []store.CohortSession) {
	t.Helper()
	tr := testkit.Actor(tm.Trainer)
	c := testkit.Must[store.Cohort](t)(db.CreateCohort(ctx, tr, store.CohortInput{Programme: "cps", Name: "Autumn 2026, Worcester", Term: "Autumn 2026",
		Location: "Worcester", StartsOn: "2026-09-01", EndsOn: "2026-11-20", Capacity: capacity}))
	c = confirmRule(t, db, tm, c)
	var sessions []store.CohortSession
	for i := range n {
		on := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 7*i).Format(time.DateOnly)
		cs := testkit.Must[store.CohortSession](t)(db.CreateCohortSession(ctx, tr, c.ID, store.SessionInput{Kind: cohort.SessionTraining, On: on, StartTime: "09:30", EndTime: "16:00", Topic: fmt.Sprintf("Day %d", i+1)}))
		sessions = append(sessions, cs)
	}
	return c, sessions
}

// confirmRule has the team's administrator confirm the cohort's rule as it
// is, as the organisation's.
func confirmRule(t *testing.T, db *testkit.DB, tm testkit.Team, c store.Cohort) store.Cohort {
	t.Helper()
	r := c.Rule
	r.Confirmed = true
	return testkit.Must[store.Cohort](t)(db.ConfirmCohortRule(ctx, testkit.Actor(tm.Admin), c.ID, r))
}

func add(t *testing.T, db *testkit.DB, a store.Actor, cohortID int64, name string) store.Participant {
	t.Helper()
	return testkit.Must[store.Participant](t)(db.AddParticipant(ctx, a, cohortID, store.ParticipantInput{Name: name}))
}

func intp(v int) *int    { return &v }
func boolp(v bool) *bool { return &v }
func TestProgrammesAndTheRuleACohortKeeps(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Programmes")
	admin := testkit.Actor(tm.Admin)
	ps := testkit.Must[[]store.Programme](t)(db.Programmes(ctx, admin))
	if len(ps) != 2 || ps[0].Key != "cps" || ps[0].Rule.WrittenPassMark != 80 || ps[0].Rule.Attempts != 2 || ps[0].Rule.AttendancePercent != 85 ||
		ps[1].Key != "ican" || ps[1].Rule.AttendancePercent != 80 || ps[1].Rule.HasExams() {
		t.Fatalf("built-in programmes: %+v", ps)
	}
	// A trainer may not change programmes.
	if _, err := db.UpdateProgramme(ctx, testkit.Actor(tm.Trainer), "cps", store.ProgrammeInput{Name: "x", Rule: ps[0].Rule}); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("trainer editing a programme: %v", err)
	}
	// A cohort created now keeps 80 % even when the organisation raises it.
	c1, _ := cpsCohort(t, db, tm, 10, 1)
	rule := ps[0].Rule
	rule.WrittenPassMark = 90
	rule.Confirmed = true
	if _, err := db.UpdateProgramme(ctx, admin, "cps", store.ProgrammeInput{Name: ps[0].Name, Rule: rule}); err != nil {
		t.Fatal(err)
	}
	c2, _ := cpsCohort(t, db, tm, 10, 1)
	c1, _ = db.Cohort(ctx, admin, c1.ID)
	if c1.Rule.WrittenPassMark != 80 || c2.Rule.WrittenPassMark != 90 || !c2.Rule.Confirmed {
		t.Fatalf("pass marks: old cohort %d, new cohort %d", c1.Rule.WrittenPassMark, c2.Rule.WrittenPassMark)
	}
	// A custom programme: its kinds and rule are copied onto its cohorts.
	bad := store.ProgrammeInput{Name: "", SessionKinds: []cohort.SessionKind{cohort.SessionGraduation}, Rule: cohort.Rule{AttendancePercent: 0}}
	_, err := db.CreateProgramme(ctx, admin, bad)
	if e, ok := core.As(err); !ok || e.Fields["name"] == "" || e.Fields["session_kinds"] == "" || e.Fields["attendance_percent"] == "" {
		t.Fatalf("invalid custom programme: %v", err)
	}
	wrap := testkit.Must[store.Programme](t)(db.CreateProgramme(ctx, admin, store.ProgrammeInput{Name: "WRAP facilitator training",
		SessionKinds: []cohort.SessionKind{cohort.SessionClass}, Rule: cohort.Rule{AttendancePercent: 100, OralExam: true, Attempts: 3, Confirmed: true}}))
	if _, err := db.CreateProgramme(ctx, admin, store.ProgrammeInput{Name: "wrap FACILITATOR training", SessionKinds: []cohort.SessionKind{cohort.SessionClass}, Rule: cohort.Rule{AttendancePercent: 90}}); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("duplicate programme name: %v", err)
	}
	c3 := testkit.Must[store.Cohort](t)(db.CreateCohort(ctx, testkit.Actor(tm.Trainer), store.CohortInput{Programme: wrap.Key, Name: "WRAP spring", StartsOn: "2027-03-01", EndsOn: "2027-04-01", Capacity: 12}))
	if c3.ProgrammeKey() != wrap.Key || !c3.Rule.Confirmed || c3.Rule.AttendancePercent != 100 || !c3.Rule.OralExam || c3.Rule.WrittenExam || !c3.AllowsKind(cohort.SessionClass) || c3.AllowsKind(cohort.SessionRetreat) {
		t.Fatalf("custom cohort: %+v", c3)
	}
	// Another organisation's programme cannot be used.
	other := db.NewTeam(t, "Elsewhere")
	if _, err := db.CreateCohort(ctx, testkit.Actor(other.Trainer), store.CohortInput{Programme: wrap.Key, Name: "x", StartsOn: "2027-03-01", EndsOn: "2027-04-01", Capacity: 5}); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("another organisation's programme: %v", err)
	}
}

func TestCohortValidation(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Valid")
	_, err := db.CreateCohort(ctx, testkit.Actor(tm.Trainer), store.CohortInput{Programme: "nope", StartsOn: "2026-13-01", EndsOn: "2026-01-01", Capacity: 0, TrainerIDs: []int64{tm.Peer.ID}})
	e, ok := core.As(err)
	if !ok {
		t.Fatalf("got %v", err)
	}
	for _, f := range []string{"programme", "name", "starts_on", "capacity"} {
		if e.Fields[f] == "" {
			t.Errorf("no message for %s: %v", f, e.Fields)
		}
	}
	_, err = db.CreateCohort(ctx, testkit.Actor(tm.Trainer), store.CohortInput{Programme: "cps", Name: "x", StartsOn: "2026-10-01", EndsOn: "2026-09-01", Capacity: 5})
	if e, _ := core.As(err); e == nil || e.Fields["ends_on"] == "" {
		t.Errorf("end before start: %v", err)
	}
	_, err = db.CreateCohort(ctx, testkit.Actor(tm.Trainer), store.CohortInput{Programme: "cps", Name: "x", StartsOn: "2026-09-01", EndsOn: "2026-10-01", Capacity: 5, TrainerIDs: []int64{tm.Peer.ID}})
	if e, _ := core.As(err); e == nil || e.Fields["trainers"] == "" {
		t.Errorf("a peer worker as trainer: %v", err)
	}
	if _, err := db.CreateCohort(ctx, testkit.Actor(tm.Peer), store.CohortInput{Programme: "cps", Name: "x", StartsOn: "2026-09-01", EndsOn: "2026-10-01", Capacity: 5}); core.KindOf(err) != core.KindForbidden {
		t.Errorf("a peer worker creating a cohort: %v", err)
	}
}

// TestCohortAccess: the cohort's trainer and the organisation's admin see
// it and its participants; another trainer of the organisation, a
// supervisor, a peer worker and everyone of another organisation get "not
// found", for reads and for every change.
func TestCohortAccess(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Access")
	c, sessions := cpsCohort(t, db, tm, 10, 2)
	trainer := testkit.Actor(tm.Trainer)
	p := add(t, db, trainer, c.ID, "Rosa Méndez")
	otherTrainer := db.MakeUser(t, tm.Org.ID, "tomas@access.test", "Tomas Trainer", "trainer")
	other := db.NewTeam(t, "Other org")
	for name, a := range map[string]store.Actor{"trainer": trainer, "admin": testkit.Actor(tm.Admin)} {
		if _, err := db.Participant(ctx, a, c.ID, p.ID); err != nil {
			t.Errorf("%s reading the participant: %v", name, err)
		}
		if l, err := db.ListCohorts(ctx, a, store.Page{}); err != nil || len(l.Items) != 1 {
			t.Errorf("%s listing cohorts: %v %d", name, err, len(l.Items))
		}
	}
	outsiders := map[string]store.Actor{
		"another trainer":        testkit.Actor(otherTrainer),
		"supervisor":             testkit.Actor(tm.Supervisor),
		"peer worker":            testkit.Actor(tm.Peer),
		"admin of another org":   testkit.Actor(other.Admin),
		"trainer of another org": testkit.Actor(other.Trainer),
	}
	for name, a := range outsiders {
		checks := map[string]error{}
		_, checks["cohort"] = db.Cohort(ctx, a, c.ID)
		_, checks["participant"] = db.Participant(ctx, a, c.ID, p.ID)
		_, checks["participants"] = db.CohortParticipants(ctx, a, c.ID, store.Page{})
		_, checks["roster"] = db.SessionRoster(ctx, a, c.ID, sessions[0].ID)
		_, _, checks["update"] = db.UpdateCohort(ctx, a, c.ID, store.CohortInput{Name: "x", StartsOn: "2026-09-01", EndsOn: "2026-11-20", Capacity: 10, TrainerIDs: []int64{a.UserID}})
		_, checks["add"] = db.AddParticipant(ctx, a, c.ID, store.ParticipantInput{Name: "Intruder"})
		_, checks["edit participant"] = db.UpdateParticipant(ctx, a, c.ID, p.ID, store.ParticipantInput{Name: "Changed"})
		_, checks["session"] = db.CreateCohortSession(ctx, a, c.ID, store.SessionInput{Kind: cohort.SessionTraining, On: "2026-10-01"})
		checks["attendance"] = db.RecordAttendance(ctx, a, c.ID, sessions[0].ID, map[int64]cohort.Mark{p.ID: cohort.Present})
		_, checks["exam"] = db.RecordExam(ctx, a, c.ID, p.ID, store.ExamInput{Exam: cohort.Written, TakenOn: "2026-11-01", Score: intp(90)})
		_, _, checks["withdraw"] = db.WithdrawParticipant(ctx, a, c.ID, p.ID, "2026-11-01")
		_, checks["certificate"] = db.IssueCertificate(ctx, a, c.ID, p.ID, "")
		_, checks["print"] = db.CertificateToPrint(ctx, a, c.ID, p.ID)
		for what, err := range checks {
			if core.KindOf(err) != core.KindNotFound {
				t.Errorf("%s, %s: %v, want not found", name, what, err)
			}
		}
		if l, err := db.ListCohorts(ctx, a, store.Page{}); err != nil || len(l.Items) != 0 {
			t.Errorf("%s lists %d cohorts (%v)", name, len(l.Items), err)
		}
	}
	// Nothing changed.
	rec, _ := db.Participant(ctx, trainer, c.ID, p.ID)
	if rec.Name != "Rosa Méndez" || len(rec.Attempts) != 0 || len(rec.Marks) != 0 || rec.Status != cohort.Enrolled {
		t.Fatalf("an outsider changed the record: %+v", rec.Participant)
	}
	// Handing over: the admin adds the other trainer, who then sees it.
	if _, _, err := db.UpdateCohort(ctx, testkit.Actor(tm.Admin), c.ID, store.CohortInput{Name: c.Name, StartsOn: c.StartsOn, EndsOn: c.EndsOn, Capacity: c.Capacity, TrainerIDs: []int64{otherTrainer.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Participant(ctx, testkit.Actor(otherTrainer), c.ID, p.ID); err != nil {
		t.Fatalf("the new trainer: %v", err)
	}
	if _, err := db.Cohort(ctx, trainer, c.ID); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("the trainer handed off still sees the cohort: %v", err)
	}
}

func TestTrainerCannotDropThemselves(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Drop")
	c, _ := cpsCohort(t, db, tm, 10, 0)
	_, _, err := db.UpdateCohort(ctx, testkit.Actor(tm.Trainer), c.ID, store.CohortInput{Name: c.Name, StartsOn: c.StartsOn, EndsOn: c.EndsOn, Capacity: 10})
	if e, _ := core.As(err); e == nil || !strings.Contains(e.Fields["trainers"], "hand it over") {
		t.Fatalf("trainer dropping themselves: %v", err)
	}
}

func TestWaitlistPromotion(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Waitlist")
	tr := testkit.Actor(tm.Trainer)
	c, _ := cpsCohort(t, db, tm, 2, 1)
	ana := add(t, db, tr, c.ID, "Ana")
	ben := add(t, db, tr, c.ID, "Ben")
	db.Clock.Advance(time.Minute)
	cy := add(t, db, tr, c.ID, "Cy")
	db.Clock.Advance(time.Minute)
	dee := add(t, db, tr, c.ID, "Dee")
	if ana.Status != cohort.Enrolled || ben.Status != cohort.Enrolled || cy.Status != cohort.Waitlisted || dee.Status != cohort.Waitlisted {
		t.Fatalf("statuses: %s %s %s %s", ana.Status, ben.Status, cy.Status, dee.Status)
	}
	page := testkit.Must[store.CohortPage](t)(db.CohortParticipants(ctx, tr, c.ID, store.Page{}))
	pos := map[string]int{}
	for _, p := range page.Participants.Items {
		pos[p.Name] = p.WaitlistPosition
	}
	if pos["Cy"] != 1 || pos["Dee"] != 2 || pos["Ana"] != 0 {
		t.Fatalf("waitlist positions: %v", pos)
	}
	// An application takes no place.
	eve := testkit.Must[store.Participant](t)(db.AddParticipant(ctx, tr, c.ID, store.ParticipantInput{Name: "Eve", Apply: true}))
	if eve.Status != cohort.Applied {
		t.Fatalf("application: %s", eve.Status)
	}
	// Withdrawing someone waiting frees no place.
	if _, n, err := db.WithdrawParticipant(ctx, tr, c.ID, dee.ID, "2026-11-20"); err != nil || n != 0 {
		t.Fatalf("withdrawing from the waitlist: %d %v", n, err)
	}
	// Withdrawing someone enrolled gives the first in line the place, at once.
	p, n, err := db.WithdrawParticipant(ctx, tr, c.ID, ana.ID, "2026-11-21")
	if err != nil || n != 1 || p.Status != cohort.Withdrawn || p.WithdrawnOn != "2026-11-21" {
		t.Fatalf("withdrawal: %+v %d %v", p, n, err)
	}
	rec := testkit.Must[store.ParticipantRecord](t)(db.Participant(ctx, tr, c.ID, cy.ID))
	if rec.Status != cohort.Enrolled || rec.EnrolledOn != "2026-11-23" {
		t.Fatalf("Cy after the withdrawal: %s %s", rec.Status, rec.EnrolledOn)
	}
	l, _ := db.ListAudit(ctx, tm.Org.ID, store.AuditFilter{RecordType: "participant", RecordID: fmt.Sprint(cy.ID)}, store.Page{})
	found := false
	for _, e := range l.Items {
		found = found || (e.Action == audit.ActionUpdate && e.Detail == "promoted from the waitlist")
	}
	if !found {
		t.Error("the promotion is not in the audit log")
	}
	// Dates in the future and double withdrawals are refused.
	if _, _, err := db.WithdrawParticipant(ctx, tr, c.ID, ben.ID, "2027-01-01"); core.KindOf(err) != core.KindInvalid {
		t.Errorf("withdrawal in the future: %v", err)
	}
	if _, _, err := db.WithdrawParticipant(ctx, tr, c.ID, ana.ID, "2026-11-22"); core.KindOf(err) != core.KindConflict {
		t.Errorf("withdrawing twice: %v", err)
	}
	// The cohort is full: an accepted application waits; raising the capacity promotes it.
	eve = testkit.Must[store.Participant](t)(db.EnrolParticipant(ctx, tr, c.ID, eve.ID))
	if eve.Status != cohort.Waitlisted {
		t.Fatalf("accepted into a full cohort: %s", eve.Status)
	}
	if _, _, err := db.UpdateCohort(ctx, tr, c.ID, store.CohortInput{Name: c.Name, StartsOn: c.StartsOn, EndsOn: c.EndsOn, Capacity: 1, TrainerIDs: []int64{tm.Trainer.ID}}); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("capacity below the places taken: %v", err)
	}
	if _, n, err := db.UpdateCohort(ctx, tr, c.ID, store.CohortInput{Name: c.Name, StartsOn: c.StartsOn, EndsOn: c.EndsOn, Capacity: 3, TrainerIDs: []int64{tm.Trainer.ID}}); err != nil || n != 1 {
		t.Fatalf("raising the capacity: %d %v", n, err)
	}
	rec = testkit.Must[store.ParticipantRecord](t)(db.Participant(ctx, tr, c.ID, eve.ID))
	if rec.Status != cohort.Enrolled {
		t.Fatalf("Eve after the capacity rose: %s", rec.Status)
	}
}

func TestAttendanceRules(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Attendance")
	tr := testkit.Actor(tm.Trainer)
	c, sessions := cpsCohort(t, db, tm, 1, 2)
	ana := add(t, db, tr, c.ID, "Ana")
	ben := add(t, db, tr, c.ID, "Ben") // waitlisted: no place, no mark
	future := testkit.Must[store.CohortSession](t)(db.CreateCohortSession(ctx, tr, c.ID, store.SessionInput{Kind: cohort.SessionTraining, On: "2026-12-01"}))
	if err := db.RecordAttendance(ctx, tr, c.ID, future.ID, map[int64]cohort.Mark{ana.ID: cohort.Present}); core.KindOf(err) != core.KindConflict {
		t.Errorf("attendance for a session still to come: %v", err)
	}
	err := db.RecordAttendance(ctx, tr, c.ID, sessions[0].ID, map[int64]cohort.Mark{ana.ID: "asleep", ben.ID: cohort.Present})
	if e, _ := core.As(err); e == nil || e.Fields[fmt.Sprintf("mark_%d", ana.ID)] == "" || e.Fields[fmt.Sprintf("mark_%d", ben.ID)] == "" {
		t.Fatalf("bad marks: %v", err)
	}
	if err := db.RecordAttendance(ctx, tr, c.ID, sessions[0].ID, map[int64]cohort.Mark{ana.ID: cohort.Absent}); err != nil {
		t.Fatal(err)
	}
	// Recording again replaces the mark.
	if err := db.RecordAttendance(ctx, tr, c.ID, sessions[0].ID, map[int64]cohort.Mark{ana.ID: cohort.Late}); err != nil {
		t.Fatal(err)
	}
	r := testkit.Must[store.Roster](t)(db.SessionRoster(ctx, tr, c.ID, sessions[0].ID))
	if len(r.Entries) != 1 || r.Entries[0].Name != "Ana" || r.Entries[0].Mark != cohort.Late {
		t.Fatalf("roster: %+v", r.Entries)
	}
	// A session of another cohort is not found through this one.
	c2, s2 := cpsCohort(t, db, tm, 5, 1)
	if err := db.RecordAttendance(ctx, tr, c.ID, s2[0].ID, map[int64]cohort.Mark{ana.ID: cohort.Present}); core.KindOf(err) != core.KindNotFound {
		t.Errorf("another cohort's session: %v", err)
	}
	_ = c2
	// Make-up sessions replace a session of the same cohort that counts.
	_, err = db.CreateCohortSession(ctx, tr, c.ID, store.SessionInput{Kind: cohort.SessionMakeUp, On: "2026-11-10", MakesUpID: s2[0].ID})
	if e, _ := core.As(err); e == nil || e.Fields["makes_up"] == "" {
		t.Errorf("make-up for another cohort's session: %v", err)
	}
	mu := testkit.Must[store.CohortSession](t)(db.CreateCohortSession(ctx, tr, c.ID, store.SessionInput{Kind: cohort.SessionMakeUp, On: "2026-11-10", MakesUpID: sessions[1].ID}))
	if mu.MakesUpID != sessions[1].ID {
		t.Fatalf("make-up: %+v", mu)
	}
	// A company visit is not a kind the CPS course has.
	if _, err := db.CreateCohortSession(ctx, tr, c.ID, store.SessionInput{Kind: cohort.SessionVisit, On: "2026-11-10"}); core.KindOf(err) != core.KindInvalid {
		t.Errorf("a company visit in the CPS course: %v", err)
	}
	// The kind of a session with marks cannot change.
	if _, err := db.UpdateCohortSession(ctx, tr, c.ID, sessions[0].ID, store.SessionInput{Kind: cohort.SessionRetreat, On: sessions[0].On}); core.KindOf(err) != core.KindInvalid {
		t.Errorf("changing the kind of a marked session: %v", err)
	}
	// Removing: a marked session and one a make-up replaces stay; the make-up
	// itself, then the session it replaced, go; another cohort's is not found.
	for what, sid := range map[string]int64{"marked": sessions[0].ID, "made up": sessions[1].ID} {
		if err := db.DeleteCohortSession(ctx, tr, c.ID, sid); core.KindOf(err) != core.KindConflict {
			t.Errorf("removing the %s session: %v", what, err)
		}
	}
	if err := db.DeleteCohortSession(ctx, tr, c.ID, s2[0].ID); core.KindOf(err) != core.KindNotFound {
		t.Errorf("removing another cohort's session through this one: %v", err)
	}
	for _, sid := range []int64{mu.ID, sessions[1].ID} {
		if err := db.DeleteCohortSession(ctx, tr, c.ID, sid); err != nil {
			t.Fatal(err)
		}
	}
	if left := testkit.Must[[]store.CohortSession](t)(db.CohortSessions(ctx, tr, c.ID)); len(left) != len(sessions) { // the two, and the future one, less the one removed
		t.Errorf("%d sessions left of %d", len(left), len(sessions))
	}
}

func TestExamsAndAttempts(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Exams")
	tr := testkit.Actor(tm.Trainer)
	c, _ := cpsCohort(t, db, tm, 5, 1)
	p := add(t, db, tr, c.ID, "Ana")
	_, err := db.RecordExam(ctx, tr, c.ID, p.ID, store.ExamInput{Exam: cohort.Written, TakenOn: "2027-01-01"})
	if e, _ := core.As(err); e == nil || e.Fields["score"] == "" || e.Fields["taken_on"] == "" {
		t.Fatalf("written exam without a score, in the future: %v", err)
	}
	if _, err := db.RecordExam(ctx, tr, c.ID, p.ID, store.ExamInput{Exam: cohort.Oral, TakenOn: "2026-11-01"}); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("oral exam without a result: %v", err)
	}
	a1 := testkit.Must[store.ExamAttempt](t)(db.RecordExam(ctx, tr, c.ID, p.ID, store.ExamInput{Exam: cohort.Written, TakenOn: "2026-11-01", Score: intp(72)}))
	if a1.Passed || a1.Score != 72 {
		t.Fatalf("72 of 80: %+v", a1)
	}
	a2 := testkit.Must[store.ExamAttempt](t)(db.RecordExam(ctx, tr, c.ID, p.ID, store.ExamInput{Exam: cohort.Written, TakenOn: "2026-11-15", Score: intp(80)}))
	if !a2.Passed {
		t.Fatalf("80 of 80: %+v", a2)
	}
	if _, err := db.RecordExam(ctx, tr, c.ID, p.ID, store.ExamInput{Exam: cohort.Written, TakenOn: "2026-11-16", Score: intp(99)}); core.KindOf(err) != core.KindConflict {
		t.Fatalf("an attempt after passing: %v", err)
	}
	for _, d := range []string{"2026-11-01", "2026-11-08"} {
		testkit.Must[store.ExamAttempt](t)(db.RecordExam(ctx, tr, c.ID, p.ID, store.ExamInput{Exam: cohort.Oral, TakenOn: d, Passed: boolp(false)}))
	}
	_, err = db.RecordExam(ctx, tr, c.ID, p.ID, store.ExamInput{Exam: cohort.Oral, TakenOn: "2026-11-20", Passed: boolp(true)})
	if e, _ := core.As(err); e == nil || e.Kind != core.KindConflict || !strings.Contains(e.Message, "All 2 attempts") {
		t.Fatalf("a third attempt: %v", err)
	}
	rec := testkit.Must[store.ParticipantRecord](t)(db.Participant(ctx, tr, c.ID, p.ID))
	if !rec.Result.Written.Passed || !rec.Result.Oral.Exhausted() || len(rec.Attempts) != 4 {
		t.Fatalf("record: %+v %+v %d", rec.Result.Written, rec.Result.Oral, len(rec.Attempts))
	}
	// A result recorded by mistake is taken back with a reason, and frees its attempt.
	if err := db.RemoveExamAttempt(ctx, tr, c.ID, p.ID, rec.Attempts[2].ID, " "); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("removing without a reason: %v", err)
	}
	other := db.NewTeam(t, "Exams elsewhere")
	if err := db.RemoveExamAttempt(ctx, testkit.Actor(other.Trainer), c.ID, p.ID, rec.Attempts[2].ID, "typo"); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("another organisation removing a result: %v", err)
	}
	var oral int64
	for _, at := range rec.Attempts {
		if at.Exam == cohort.Oral {
			oral = at.ID
			break
		}
	}
	testkit.Must[struct{}](t)(struct{}{}, db.RemoveExamAttempt(ctx, tr, c.ID, p.ID, oral, "Entered for the wrong person"))
	if err := db.RemoveExamAttempt(ctx, tr, c.ID, p.ID, oral, "again"); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("removing twice: %v", err)
	}
	testkit.Must[store.ExamAttempt](t)(db.RecordExam(ctx, tr, c.ID, p.ID, store.ExamInput{Exam: cohort.Oral, TakenOn: "2026-11-20", Passed: boolp(true)}))
	rec = testkit.Must[store.ParticipantRecord](t)(db.Participant(ctx, tr, c.ID, p.ID))
	if !rec.Result.Oral.Passed || len(rec.Attempts) != 4 {
		t.Fatalf("after correcting: %+v, %d attempts", rec.Result.Oral, len(rec.Attempts))
	}
	if len(rec.TakenBack) != 1 || rec.TakenBack[0].ID != oral || rec.TakenBack[0].Reason != "Entered for the wrong person" || rec.TakenBack[0].ByName != tm.Trainer.Name {
		t.Fatalf("taken back: %+v", rec.TakenBack)
	}
	// The audit log says it happened, never why (the reason is the record's own).
	if l, _ := db.ListAudit(ctx, tm.Org.ID, store.AuditFilter{RecordType: "exam_attempt", RecordID: fmt.Sprint(oral)}, store.Page{}); len(l.Items) != 2 ||
		l.Items[0].Action != "update" || l.Items[0].Detail != "taken back" {
		t.Fatalf("audit of the removal: %+v", l.Items)
	}

	// ICAN has no exams.
	ican := testkit.Must[store.Cohort](t)(db.CreateCohort(ctx, tr, store.CohortInput{Programme: "ican", Name: "ICAN", StartsOn: "2026-09-01", EndsOn: "2026-12-01", Capacity: 10}))
	s := testkit.Must[store.Participant](t)(db.AddParticipant(ctx, tr, ican.ID, store.ParticipantInput{Name: "Kai", School: "Somerville High School"}))
	_, err = db.RecordExam(ctx, tr, ican.ID, s.ID, store.ExamInput{Exam: cohort.Written, TakenOn: "2026-11-01", Score: intp(90)})
	if e, _ := core.As(err); e == nil || e.Fields["exam"] == "" {
		t.Fatalf("a written exam in ICAN: %v", err)
	}
}

func TestStudentsDetails(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Students")
	tr := testkit.Actor(tm.Trainer)
	ican := testkit.Must[store.Cohort](t)(db.CreateCohort(ctx, tr, store.CohortInput{Programme: "ican", Name: "Somerville ICAN", StartsOn: "2026-09-01", EndsOn: "2026-12-01", Capacity: 10}))
	_, err := db.AddParticipant(ctx, tr, ican.ID, store.ParticipantInput{Name: "Kai", Minor: true})
	e, _ := core.As(err)
	if e == nil {
		t.Fatal("a minor without a guardian was accepted")
	}
	for _, f := range []string{"school", "guardian_name", "guardian_contact", "guardian_consent_on"} {
		if e.Fields[f] == "" {
			t.Errorf("no message for %s", f)
		}
	}
	kai := testkit.Must[store.Participant](t)(db.AddParticipant(ctx, tr, ican.ID, store.ParticipantInput{Name: "Kai", School: "Somerville High School", Grade: "11",
		Accommodations: "Extra time to read written material", Minor: true, GuardianName: "Lee Ortiz", GuardianContact: "617-555-0134", GuardianConsentOn: "2026-08-20"}))
	if kai.GuardianName != "Lee Ortiz" || kai.School != "Somerville High School" {
		t.Fatalf("student: %+v", kai)
	}
	// An adult student keeps no guardian details.
	adult := testkit.Must[store.Participant](t)(db.AddParticipant(ctx, tr, ican.ID, store.ParticipantInput{Name: "Mo", School: "Full Circle", GuardianName: "Someone", GuardianContact: "x"}))
	if adult.GuardianName != "" || adult.GuardianContact != "" {
		t.Fatalf("an adult's guardian was kept: %+v", adult)
	}
	// The CPS course keeps nothing about school or family.
	c, _ := cpsCohort(t, db, tm, 5, 0)
	p := testkit.Must[store.Participant](t)(db.AddParticipant(ctx, tr, c.ID, store.ParticipantInput{Name: "Ana", School: "X", Accommodations: "Y", Minor: true, GuardianName: "Z"}))
	if p.School != "" || p.Accommodations != "" || p.Minor || p.GuardianName != "" {
		t.Fatalf("CPS participant kept student details: %+v", p)
	}
	// A user of the organisation may be linked once per cohort; another organisation's user not at all.
	other := db.NewTeam(t, "Other")
	if _, err := db.AddParticipant(ctx, tr, c.ID, store.ParticipantInput{Name: "X", UserID: other.Peer.ID}); core.KindOf(err) != core.KindInvalid {
		t.Errorf("linking another organisation's user: %v", err)
	}
	testkit.Must[store.Participant](t)(db.AddParticipant(ctx, tr, c.ID, store.ParticipantInput{Name: "Pat", UserID: tm.Peer.ID}))
	if _, err := db.AddParticipant(ctx, tr, c.ID, store.ParticipantInput{Name: "Pat again", UserID: tm.Peer.ID}); core.KindOf(err) != core.KindInvalid {
		t.Errorf("linking the same user twice: %v", err)
	}
	// Outcomes are for students who took part.
	if _, err := db.SaveOutcome(ctx, tr, c.ID, p.ID, store.OutcomeInput{Kind: "job", Employer: "X", OfferedOn: "2026-11-01"}); core.KindOf(err) != core.KindConflict {
		t.Errorf("an outcome in the CPS course: %v", err)
	}
	_, err = db.SaveOutcome(ctx, tr, ican.ID, kai.ID, store.OutcomeInput{Kind: "job", Employer: "CVS Health", OfferedOn: "2026-11-10", AcceptedOn: "2026-11-01", StartedOn: "2026-11-20"})
	if e, _ := core.As(err); e == nil || e.Fields["accepted_on"] == "" {
		t.Errorf("accepted before offered: %v", err)
	}
	o := testkit.Must[store.Outcome](t)(db.SaveOutcome(ctx, tr, ican.ID, kai.ID, store.OutcomeInput{Kind: "internship", Employer: "CVS Health", OfferedOn: "2026-11-10"}))
	o.AcceptedOn = "2026-11-12"
	o = testkit.Must[store.Outcome](t)(db.SaveOutcome(ctx, tr, ican.ID, kai.ID, o))
	if o.AcceptedOn != "2026-11-12" {
		t.Fatalf("outcome update: %+v", o)
	}
}

// completeAll marks every session present and passes both exams.
func completeAll(t *testing.T, db *testkit.DB, a store.Actor, c store.Cohort, sessions []store.CohortSession, p store.Participant) {
	t.Helper()
	for _, s := range sessions {
		if err := db.RecordAttendance(ctx, a, c.ID, s.ID, map[int64]cohort.Mark{p.ID: cohort.Present}); err != nil {
			t.Fatal(err)
		}
	}
	testkit.Must[store.ExamAttempt](t)(db.RecordExam(ctx, a, c.ID, p.ID, store.ExamInput{Exam: cohort.Written, TakenOn: "2026-11-20", Score: intp(91)}))
	testkit.Must[store.ExamAttempt](t)(db.RecordExam(ctx, a, c.ID, p.ID, store.ExamInput{Exam: cohort.Oral, TakenOn: "2026-11-21", Passed: boolp(true)}))
}

func TestCertificateIssueVerifyRevoke(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Certificates")
	tr := testkit.Actor(tm.Trainer)
	c, sessions := cpsCohort(t, db, tm, 5, 3)
	p := testkit.Must[store.Participant](t)(db.AddParticipant(ctx, tr, c.ID, store.ParticipantInput{Name: "José Ñúñez", Email: "jose@example.org"}))

	// Not yet: 409 with exactly what is missing.
	_, err := db.IssueCertificate(ctx, tr, c.ID, p.ID, "")
	e, _ := core.As(err)
	if e == nil || e.Kind != core.KindConflict || !strings.Contains(e.Message, "Your organisation's completion rule") || !strings.Contains(e.Fields["missing"], "Attendance 0 % — your organisation's rule: 85 %") || !strings.Contains(e.Fields["missing"], "Written exam not yet passed (0 of 2 attempts used)") {
		t.Fatalf("issuing too early: %v", err)
	}
	completeAll(t, db, tr, c, sessions, p)
	for _, bad := range []string{"2026-11-24", "2026-08-31", "23/11/2026"} {
		if _, err := db.IssueCertificate(ctx, tr, c.ID, p.ID, bad); core.KindOf(err) != core.KindInvalid {
			t.Errorf("completion dated %s: %v", bad, err)
		}
	}
	cert := testkit.Must[store.Certificate](t)(db.IssueCertificate(ctx, tr, c.ID, p.ID, ""))
	if len(cert.Code) != cohort.CodeLength || cert.Recipient != "José Ñúñez" || cert.Programme != "Certified Peer Specialist course" || cert.Issuer != "Certificates" || cert.IssuedOn != "2026-11-23" {
		t.Fatalf("certificate: %+v", cert)
	}
	if _, err := db.IssueCertificate(ctx, tr, c.ID, p.ID, ""); core.KindOf(err) != core.KindConflict {
		t.Fatalf("issuing twice: %v", err)
	}
	rec := testkit.Must[store.ParticipantRecord](t)(db.Participant(ctx, tr, c.ID, p.ID))
	if rec.Status != cohort.Completed || rec.CompletedOn != "2026-11-23" || rec.Certificate == nil {
		t.Fatalf("after issue: %+v", rec.Participant)
	}
	if err := db.RemoveExamAttempt(ctx, tr, c.ID, p.ID, rec.Attempts[0].ID, "typo"); core.KindOf(err) != core.KindConflict {
		t.Fatalf("removing a result under a valid certificate: %v", err)
	}

	// Anyone can verify, however they type the code.
	typed := strings.ToLower(cohort.GroupCode(cert.Code))
	v := testkit.Must[store.PublicCertificate](t)(db.VerifyCertificate(ctx, typed, "198.51.100.4"))
	if v.Recipient != "José Ñúñez" || v.Revoked || v.Issuer != "Certificates" || v.IssuedOn != "2026-11-23" || v.Code != cohort.GroupCode(cert.Code) {
		t.Fatalf("verification: %+v", v)
	}
	for _, bad := range []string{"", "nonsense", strings.Repeat("A", cohort.CodeLength)} {
		if _, err := db.VerifyCertificate(ctx, bad, "198.51.100.4"); core.KindOf(err) != core.KindNotFound {
			t.Errorf("verifying %q: %v", bad, err)
		}
	}
	// The lookup is audited with the certificate's id, never the name.
	l, _ := db.ListAudit(ctx, tm.Org.ID, store.AuditFilter{RecordType: "certificate", RecordID: fmt.Sprint(cert.ID)}, store.Page{})
	var public *store.AuditEntry
	for i, en := range l.Items {
		if en.Detail == "public verification" {
			public = &l.Items[i]
		}
		if strings.Contains(en.Detail, "José") {
			t.Errorf("an audit entry names the person: %q", en.Detail)
		}
	}
	if public == nil || public.UserID != 0 || public.IP != "198.51.100.4" {
		t.Fatalf("public verification audit entry: %+v", public)
	}

	// Only an administrator revokes, with a reason.
	if _, err := db.RevokeCertificate(ctx, tr, c.ID, p.ID, "issued by mistake"); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a trainer revoking: %v", err)
	}
	admin := testkit.Actor(tm.Admin)
	if _, err := db.RevokeCertificate(ctx, admin, c.ID, p.ID, " "); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("revoking without a reason: %v", err)
	}
	db.Clock.Advance(48 * time.Hour)
	testkit.Must[store.Certificate](t)(db.RevokeCertificate(ctx, admin, c.ID, p.ID, "The name was misspelt"))
	v = testkit.Must[store.PublicCertificate](t)(db.VerifyCertificate(ctx, cert.Code, "198.51.100.4"))
	if !v.Revoked || v.RevokedOn != "2026-11-25" {
		t.Fatalf("after revocation: %+v", v)
	}
	if _, err := db.RevokeCertificate(ctx, admin, c.ID, p.ID, "again"); core.KindOf(err) != core.KindConflict {
		t.Fatalf("revoking twice: %v", err)
	}
	// A corrected certificate gets a new code; the old one stays revoked.
	rec = testkit.Must[store.ParticipantRecord](t)(db.Participant(ctx, tr, c.ID, p.ID))
	if rec.Status != cohort.Enrolled || rec.Certificate != nil || len(rec.Certificates) != 1 {
		t.Fatalf("after revocation: %+v", rec.Participant)
	}
	again := testkit.Must[store.Certificate](t)(db.IssueCertificate(ctx, tr, c.ID, p.ID, ""))
	if again.Code == cert.Code {
		t.Fatal("the new certificate reused the revoked code")
	}
	if v, _ := db.VerifyCertificate(ctx, again.Code, "x"); v.Revoked {
		t.Fatal("the new certificate shows as revoked")
	}
	if v, _ := db.VerifyCertificate(ctx, cert.Code, "x"); !v.Revoked {
		t.Fatal("the old certificate is valid again")
	}
}

func TestWithdrawnAndWaitlistedCannotComplete(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "No certificate")
	tr := testkit.Actor(tm.Trainer)
	c, sessions := cpsCohort(t, db, tm, 1, 1)
	p := add(t, db, tr, c.ID, "Ana")
	w := add(t, db, tr, c.ID, "Ben")
	completeAll(t, db, tr, c, sessions, p)
	if _, _, err := db.WithdrawParticipant(ctx, tr, c.ID, p.ID, "2026-11-22"); err != nil {
		t.Fatal(err)
	}
	_, err := db.IssueCertificate(ctx, tr, c.ID, p.ID, "")
	if e, _ := core.As(err); e == nil || !strings.Contains(e.Fields["missing"], "Withdrew on 22 Nov 2026") {
		t.Fatalf("certificate after withdrawal: %v", err)
	}
	// Ben was promoted by the withdrawal, but has attended nothing.
	_, err = db.IssueCertificate(ctx, tr, c.ID, w.ID, "")
	if e, _ := core.As(err); e == nil || !strings.Contains(e.Fields["missing"], "Attendance 0 %") {
		t.Fatalf("certificate without attendance: %v", err)
	}
}

func TestReportsAndMyCourses(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Reports")
	tr := testkit.Actor(tm.Trainer)
	c, sessions := cpsCohort(t, db, tm, 10, 1)
	pat := testkit.Must[store.Participant](t)(db.AddParticipant(ctx, tr, c.ID, store.ParticipantInput{Name: "Pat Peer", UserID: tm.Peer.ID}))
	ana := add(t, db, tr, c.ID, "Ana")
	add(t, db, tr, c.ID, "Ben")
	completeAll(t, db, tr, c, sessions, pat)
	testkit.Must[store.Certificate](t)(db.IssueCertificate(ctx, tr, c.ID, pat.ID, ""))
	if _, _, err := db.WithdrawParticipant(ctx, tr, c.ID, ana.ID, "2026-10-01"); err != nil {
		t.Fatal(err)
	}
	// An administrator starting a cohort confirms its rule there and then;
	// a trainer may not.
	if _, err := db.CreateCohort(ctx, tr, store.CohortInput{Programme: "ican", Name: "x", StartsOn: "2026-09-15", EndsOn: "2026-11-01", Capacity: 10, ConfirmRule: true}); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a trainer confirming a rule: %v", err)
	}
	ican := testkit.Must[store.Cohort](t)(db.CreateCohort(ctx, testkit.Actor(tm.Admin), store.CohortInput{Programme: "ican", Name: "Somerville ICAN", StartsOn: "2026-09-15", EndsOn: "2026-11-01",
		Capacity: 10, TrainerIDs: []int64{tm.Trainer.ID}, ConfirmRule: true}))
	if !ican.Rule.Confirmed || ican.RuleConfirmedAt.IsZero() {
		t.Fatalf("a rule confirmed when the cohort was created: %+v", ican.Rule)
	}
	visit := testkit.Must[store.HostCompany](t)(db.SaveHostCompany(ctx, tr, 0, store.HostCompanyInput{Name: "CVS Health", Industry: "Pharmacy and retail"}))
	vs := testkit.Must[store.CohortSession](t)(db.CreateCohortSession(ctx, tr, ican.ID, store.SessionInput{Kind: cohort.SessionVisit, On: "2026-10-01", HostCompanyID: visit.ID, Covered: []string{"tour", "skills"}}))
	if vs.HostCompanyName != "CVS Health" || len(vs.Covered) != 2 {
		t.Fatalf("visit: %+v", vs)
	}
	kai := testkit.Must[store.Participant](t)(db.AddParticipant(ctx, tr, ican.ID, store.ParticipantInput{Name: "Kai", School: "Somerville High School"}))
	if err := db.RecordAttendance(ctx, tr, ican.ID, vs.ID, map[int64]cohort.Mark{kai.ID: cohort.Present}); err != nil {
		t.Fatal(err)
	}
	graduated := testkit.Must[store.Certificate](t)(db.IssueCertificate(ctx, tr, ican.ID, kai.ID, "2026-10-30"))
	if graduated.IssuedOn != "2026-10-30" {
		t.Fatalf("a certificate dated the graduation day: %+v", graduated)
	}
	testkit.Must[store.Outcome](t)(db.SaveOutcome(ctx, tr, ican.ID, kai.ID, store.OutcomeInput{Kind: "internship", HostCompanyID: visit.ID, OfferedOn: "2026-11-05", AcceptedOn: "2026-11-06"}))
	// A cohort of another year is not counted.
	testkit.Must[store.Cohort](t)(db.CreateCohort(ctx, tr, store.CohortInput{Programme: "cps", Name: "Next year", StartsOn: "2027-02-01", EndsOn: "2027-04-01", Capacity: 10}))

	rep := testkit.Must[store.Report](t)(db.CohortReport(ctx, tr, 2026, store.Page{Limit: 1}))
	if len(rep.Rows) != 1 || rep.Next == "" || rep.Rows[0].Name != c.Name {
		t.Fatalf("first page: %+v", rep.Rows)
	}
	r := rep.Rows[0]
	if r.Enrolled != 3 || r.Completed != 1 || r.Certified != 1 || r.Withdrawn != 1 || r.CompletionRate() != 33 {
		t.Fatalf("CPS row: %+v", r)
	}
	if rep.Total.Cohorts != 2 || rep.Total.Enrolled != 4 || rep.Total.Completed != 2 || rep.Total.Certified != 2 || rep.Total.Offered != 1 || rep.Total.Accepted != 1 || rep.Total.Started != 0 {
		t.Fatalf("totals: %+v", rep.Total)
	}
	rep2 := testkit.Must[store.Report](t)(db.CohortReport(ctx, tr, 2026, store.Page{Limit: 1, Cursor: rep.Next}))
	if len(rep2.Rows) != 1 || rep2.Rows[0].Name != "Somerville ICAN" || rep2.Rows[0].OfferRate() != 100 || rep2.Rows[0].StartRate() != 0 || rep2.Next != "" {
		t.Fatalf("second page: %+v", rep2.Rows)
	}
	years := testkit.Must[[]int](t)(db.ReportYears(ctx, tr))
	if len(years) != 2 || years[0] != 2027 || years[1] != 2026 {
		t.Fatalf("years: %v", years)
	}
	// Another trainer's report is empty.
	other := db.MakeUser(t, tm.Org.ID, "tomas@reports.test", "Tomas", "trainer")
	if rep := testkit.Must[store.Report](t)(db.CohortReport(ctx, testkit.Actor(other), 2026, store.Page{})); len(rep.Rows) != 0 || rep.Total.Enrolled != 0 {
		t.Fatalf("another trainer's report: %+v", rep)
	}

	// Pat sees their own course and certificate, nothing of anyone else.
	mine := testkit.Must[[]store.MyCourse](t)(db.MyCourses(ctx, testkit.Actor(tm.Peer)))
	if len(mine) != 1 || mine[0].Progress.Name != "Pat Peer" || mine[0].Progress.Certificate == nil || !mine[0].Progress.Result.Holds {
		t.Fatalf("my courses: %+v", mine)
	}
	if none := testkit.Must[[]store.MyCourse](t)(db.MyCourses(ctx, testkit.Actor(tm.OtherPeer))); len(none) != 0 {
		t.Fatalf("another worker's courses: %+v", none)
	}
	if _, err := db.MyCertificate(ctx, testkit.Actor(tm.OtherPeer), pat.ID); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("another worker printing Pat's certificate: %v", err)
	}
	if _, err := db.MyCertificate(ctx, testkit.Actor(tm.Peer), pat.ID); err != nil {
		t.Fatalf("Pat printing their certificate: %v", err)
	}
	// The trainer's home page lists cohorts that have not ended.
	home := testkit.Must[[]store.CohortSummary](t)(db.TrainerCohorts(ctx, tr, 10))
	if len(home) != 1 || home[0].Name != "Next year" {
		t.Fatalf("trainer's current cohorts: %+v", home)
	}
}

// A worker who completes the CPS course finds it in their development
// record: the training (keyed to the chart) and the CPS credential, once.
func TestCPSCompletionReachesTheDevelopmentRecord(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Course to record")
	tr := testkit.Actor(tm.Trainer)
	c, sessions := cpsCohort(t, db, tm, 5, 3)
	worker := testkit.Must[store.Participant](t)(db.AddParticipant(ctx, tr, c.ID, store.ParticipantInput{Name: "Pat Peer", UserID: tm.Peer.ID}))
	outsider := add(t, db, tr, c.ID, "Someone Else")
	completeAll(t, db, tr, c, sessions, worker)
	completeAll(t, db, tr, c, sessions, outsider)
	cert := testkit.Must[store.Certificate](t)(db.IssueCertificate(ctx, tr, c.ID, worker.ID, ""))
	testkit.Must[store.Certificate](t)(db.IssueCertificate(ctx, tr, c.ID, outsider.ID, ""))

	me := testkit.Actor(tm.Peer)
	trainings := testkit.Must[store.List[store.Training]](t)(db.Trainings(ctx, me, tm.Peer.ID, store.Page{}))
	if len(trainings.Items) != 1 {
		t.Fatalf("%d trainings on the record, want 1", len(trainings.Items))
	}
	tg := trainings.Items[0]
	// Three sessions of 09:30–16:00 attended: 19.5 hours.
	if tg.ItemKey != "s2.train.cps" || tg.CompletedOn != cert.IssuedOn || tg.Hours != 1950 || !strings.Contains(tg.Title, c.Name) {
		t.Fatalf("training: %+v", tg)
	}
	// Teaching the course is not certifying: the CPS credential is the
	// certifying body's to grant, so none is recorded by default.
	creds := testkit.Must[store.List[store.Credential]](t)(db.Credentials(ctx, me, tm.Peer.ID, store.Page{}))
	if len(creds.Items) != 0 {
		t.Fatalf("a credential from a course whose organisation does not certify: %+v", creds.Items)
	}
	// An organisation set up as the certifying body for CPS, with its own
	// renewal rule, records the credential with itself as the issuer and
	// the expiry its rule gives.
	admin := testkit.Actor(tm.Admin)
	on := true
	if err := db.SetCredentialRules(ctx, admin, []store.RuleUpdate{{Kind: workforce.CredentialCPS, Certifies: &on, Rule: workforce.RenewalRule{Hours: 2000, PeriodMonths: 24}}}); err != nil {
		t.Fatal(err)
	}
	// Revoking and issuing a corrected certificate adds the training once.
	testkit.Must[store.Certificate](t)(db.RevokeCertificate(ctx, admin, c.ID, worker.ID, "Name misspelt"))
	cert = testkit.Must[store.Certificate](t)(db.IssueCertificate(ctx, tr, c.ID, worker.ID, ""))
	if again := testkit.Must[store.List[store.Training]](t)(db.Trainings(ctx, me, tm.Peer.ID, store.Page{})); len(again.Items) != 1 {
		t.Fatalf("%d trainings after reissuing", len(again.Items))
	}
	creds = testkit.Must[store.List[store.Credential]](t)(db.Credentials(ctx, me, tm.Peer.ID, store.Page{}))
	if len(creds.Items) != 1 || creds.Items[0].Number != cert.GroupedCode() || creds.Items[0].IssuedOn != cert.IssuedOn ||
		creds.Items[0].Issuer != cert.Issuer || creds.Items[0].ExpiresOn != workforce.AddMonths(cert.IssuedOn, 24) || creds.Items[0].RenewalRule == "" {
		t.Fatalf("credentials: %+v", creds.Items)
	}
}
