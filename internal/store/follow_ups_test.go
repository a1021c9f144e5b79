package store_test

import (
	"strings"
	"testing"

	"peerpath/internal/core"
	"peerpath/internal/followup"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

const grant = "Recovery support (SUPRT grant)"

// followUpWorld is a team with people in a SUPRT programme, on the test
// clock's day 2026-11-23:
//
//	Ana (Pat)  since 2026-05-01, baseline 05-10: 6-month (window 10-02…12-01) due
//	Ben (Pat)  since 2026-03-01, nothing: 6-month (closed 10-01) overdue until 2027-01-29
//	Dee (Pat)  since 2025-11-01: baseline on time, 6-month late (06-10), annual on time (10-15)
//	Fay (Pat)  since 2025-06-01: 6-month missed, annual on time (2026-06-20), 18-month due
//	Cara (Olu) since 2026-05-01: 6-month due
//	Eve (Olu)  since 2025-12-01: 6-month on time (2026-06-01), annual due
type followUpWorld struct {
	db          *testkit.DB
	tm          testkit.Team
	programme   int64
	ana, ben    store.Person
	dee, fay    store.Person
	cara, eve   store.Person
	pat, olu    store.Actor
	sup, admin  store.Actor
	otherWorker store.Actor
}

func newFollowUpWorld(t *testing.T) followUpWorld {
	t.Helper()
	db := testkit.NewStore(t)
	w := followUpWorld{db: db, tm: db.NewTeam(t, "Follow")}
	w.pat, w.olu, w.sup, w.admin = testkit.Actor(w.tm.Peer), testkit.Actor(w.tm.OtherPeer), testkit.Actor(w.tm.Supervisor), testkit.Actor(w.tm.Admin)
	other := db.NewTeam(t, "Elsewhere")
	w.otherWorker = testkit.Actor(other.Peer)
	add := func(a store.Actor, name, since string, taken ...string) store.Person {
		p, err := db.CreatePerson(ctx, a, store.PersonInput{PreferredName: name, Programmes: []string{grant}, SupportedSince: since})
		if err != nil {
			t.Fatalf("adding %s: %v", name, err)
		}
		for _, on := range taken {
			if _, err := db.TakeAssessment(ctx, a, p.ID, store.AssessmentInput{TakenOn: on, Answers: answers(4, 4, 4, 4, 4, 4, 4, 4, 4, 4)}); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	// The schedule is set after some people are in the programme and some
	// assessments were taken: setting it works out their points.
	w.ana = add(w.pat, "Ana", "2026-05-01", "2026-05-10")
	w.ben = add(w.pat, "Ben", "2026-03-01")
	ps, err := db.FollowUpSchedules(ctx, w.admin)
	if err != nil || len(ps) != 1 || ps[0].Name != grant || ps[0].Schedule.Set() || ps[0].People != 2 {
		t.Fatalf("programmes: %+v %v", ps, err)
	}
	w.programme = ps[0].ID
	p, err := db.SetFollowUpSchedule(ctx, w.admin, w.programme, followup.Schedule{Kind: followup.SUPRT, BaselineDays: 3})
	if err != nil || p.Schedule != followup.SUPRTSchedule() {
		t.Fatalf("setting SUPRT: %+v %v", p, err)
	}
	w.dee = add(w.pat, "Dee", "2025-11-01", "2025-11-20", "2026-06-10", "2026-10-15")
	w.fay = add(w.pat, "Fay", "2025-06-01", "2026-06-20")
	w.cara = add(w.olu, "Cara", "2026-05-01")
	w.eve = add(w.olu, "Eve", "2025-12-01", "2026-06-01")
	return w
}

func followUpNames(t *testing.T, db *testkit.DB, a store.Actor, f store.FollowUpFilter) []string {
	t.Helper()
	var out []string
	pg := store.Page{Limit: 2}
	for {
		l, err := db.FollowUps(ctx, a, f, pg)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range l.Items {
			out = append(out, u.PreferredName+" "+u.Label())
		}
		if l.Next == "" {
			return out
		}
		pg.Cursor = l.Next
	}
}

func TestFollowUpLists(t *testing.T) {
	w := newFollowUpWorld(t)
	due := store.FollowUpFilter{Status: store.FollowUpsDue}
	overdue := store.FollowUpFilter{Status: store.FollowUpsOverdue}
	for _, c := range []struct {
		who          string
		a            store.Actor
		due, overdue string
	}{
		{"Pat, their own people only", w.pat, "Ana 6-month reassessment, Fay 18-month reassessment", "Ben 6-month reassessment"},
		{"Olu", w.olu, "Cara 6-month reassessment, Eve Annual (12 months)", ""},
		{"their supervisor: both workers' people", w.sup, "Ana 6-month reassessment, Cara 6-month reassessment, Fay 18-month reassessment, Eve Annual (12 months)", "Ben 6-month reassessment"},
		{"the administrator: everyone", w.admin, "Ana 6-month reassessment, Cara 6-month reassessment, Fay 18-month reassessment, Eve Annual (12 months)", "Ben 6-month reassessment"},
		{"a worker of another organisation", w.otherWorker, "", ""},
	} {
		if got := strings.Join(followUpNames(t, w.db, c.a, due), ", "); got != c.due {
			t.Errorf("%s, due: %q, want %q", c.who, got, c.due)
		}
		if got := strings.Join(followUpNames(t, w.db, c.a, overdue), ", "); got != c.overdue {
			t.Errorf("%s, overdue: %q, want %q", c.who, got, c.overdue)
		}
	}
	// Mine: a supervisor's home lists only people assigned to them.
	if got := followUpNames(t, w.db, w.sup, store.FollowUpFilter{Status: store.FollowUpsDue, Mine: true}); len(got) != 0 {
		t.Errorf("the supervisor supports nobody themselves: %v", got)
	}
	if _, err := w.db.FollowUps(ctx, w.pat, store.FollowUpFilter{Status: "late"}, store.Page{}); fieldsOf(t, err)["status"] == "" {
		t.Error("an unknown status names the field")
	}

	// Ana's 6-month point is due; an assessment today completes it.
	if _, err := w.db.TakeAssessment(ctx, w.pat, w.ana.ID, store.AssessmentInput{Answers: answers(5, 5, 5, 5, 5, 5, 5, 5, 5, 5)}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(followUpNames(t, w.db, w.pat, due), ", "); got != "Fay 18-month reassessment" {
		t.Errorf("after Ana's assessment: %q", got)
	}
	pts, err := w.db.PersonFollowUps(ctx, w.pat, w.ana.ID)
	if err != nil || len(pts) < 3 || pts[1].Outcome != followup.OnTime || pts[1].DoneOn != "2026-11-23" {
		t.Fatalf("Ana's points: %+v %v", pts, err)
	}
	if _, err := w.db.PersonFollowUps(ctx, w.pat, w.cara.ID); core.KindOf(err) != core.KindNotFound {
		t.Errorf("Pat reading Cara's points: %v", err)
	}
}

func TestFollowUpDischargeAndJoining(t *testing.T) {
	w := newFollowUpWorld(t)
	closed, reason := store.StatusClosed, "Moved to Worcester"
	if _, err := w.db.UpdatePerson(ctx, w.pat, w.ben.ID, store.PersonPatch{Status: &closed, ClosedReason: &reason}); err != nil {
		t.Fatal(err)
	}
	// Ben closed today: his 6-month point is still overdue (until the
	// discharge window opens, it is missed), and the discharge point
	// (±30 days around today) is due; nothing after it is laid out.
	pts, err := w.db.PersonFollowUps(ctx, w.pat, w.ben.ID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, p := range pts {
		kinds = append(kinds, p.Kind)
	}
	if strings.Join(kinds, ",") != "baseline,reassessment,discharge" {
		t.Fatalf("Ben's points after closing: %v", kinds)
	}
	if d := pts[2]; d.Target != "2026-11-23" || d.Opens != "2026-10-24" || d.Closes != "2026-12-23" || d.Status("2026-11-23") != "due" {
		t.Errorf("discharge point %+v", d)
	}
	if got := strings.Join(followUpNames(t, w.db, w.pat, store.FollowUpFilter{Status: store.FollowUpsDue}), ", "); !strings.Contains(got, "Ben Discharge") {
		t.Errorf("due after closing: %q", got)
	}
	// Reopening takes the discharge point away again.
	active := store.StatusActive
	if _, err := w.db.UpdatePerson(ctx, w.pat, w.ben.ID, store.PersonPatch{Status: &active}); err != nil {
		t.Fatal(err)
	}
	if pts, _ := w.db.PersonFollowUps(ctx, w.pat, w.ben.ID); pts[len(pts)-1].Kind == followup.Discharge {
		t.Error("a discharge point after reopening")
	}

	// Someone who joins the programme today has a baseline due within 30 days.
	gus := addPerson(t, w.db, w.pat, "Gus")
	progs := []string{grant}
	if _, err := w.db.UpdatePerson(ctx, w.pat, gus.ID, store.PersonPatch{Programmes: &progs}); err != nil {
		t.Fatal(err)
	}
	pts, err = w.db.PersonFollowUps(ctx, w.pat, gus.ID)
	if err != nil || len(pts) == 0 || pts[0].Kind != followup.Baseline || pts[0].Opens != "2026-11-23" || pts[0].Closes != "2026-12-23" {
		t.Fatalf("Gus's points: %+v %v", pts, err)
	}
	// Leaving the programme takes the points away; the day joined is kept
	// for programmes one stays in.
	none := []string{}
	if _, err := w.db.UpdatePerson(ctx, w.pat, gus.ID, store.PersonPatch{Programmes: &none}); err != nil {
		t.Fatal(err)
	}
	if pts, _ := w.db.PersonFollowUps(ctx, w.pat, gus.ID); len(pts) != 0 {
		t.Errorf("points after leaving: %d", len(pts))
	}
	both := []string{grant, "Peer support"}
	if _, err := w.db.UpdatePerson(ctx, w.pat, w.dee.ID, store.PersonPatch{Programmes: &both}); err != nil {
		t.Fatal(err)
	}
	if pts, _ := w.db.PersonFollowUps(ctx, w.pat, w.dee.ID); pts[0].Opens != "2025-11-01" {
		t.Errorf("Dee's start moved when she joined another programme: %+v", pts[0])
	}
}

func TestFollowUpCompletion(t *testing.T) {
	w := newFollowUpWorld(t)
	type want struct{ due, onTime, late, overdue, missed, rate int }
	from, to := "2025-01-01", "2026-11-30"
	for _, c := range []struct {
		who   string
		a     store.Actor
		kind  string
		id    int64
		want  want
		label string
	}{
		// Windows closed before today: Ben 6-month (overdue), Dee 6-month
		// (late), Fay 6-month (missed) and annual (on time), Eve 6-month
		// (on time). Baselines are not follow-ups.
		{"the organisation", w.admin, store.CompletionOrg, 0, want{5, 2, 1, 1, 1, 40}, "target 80 % (SAMHSA SUPRT)"},
		{"the programme", w.admin, store.CompletionProgramme, w.programme, want{5, 2, 1, 1, 1, 40}, "target 80 % (SAMHSA SUPRT)"},
		{"the team, by its supervisor", w.sup, store.CompletionTeam, w.tm.Supervisor.ID, want{5, 2, 1, 1, 1, 40}, "target 80 % (SAMHSA SUPRT)"},
		{"Pat, by Pat", w.pat, store.CompletionWorker, w.tm.Peer.ID, want{4, 1, 1, 1, 1, 25}, "target 80 % (SAMHSA SUPRT)"},
		{"Olu, by the supervisor", w.sup, store.CompletionWorker, w.tm.OtherPeer.ID, want{1, 1, 0, 0, 0, 100}, "target 80 % (SAMHSA SUPRT)"},
	} {
		got, err := w.db.FollowUpCompletion(ctx, c.a, c.kind, c.id, from, to)
		if err != nil {
			t.Fatalf("%s: %v", c.who, err)
		}
		g := want{got.Due, got.OnTime, got.Late, got.Overdue, got.Missed, got.RatePercent()}
		if g != c.want || got.TargetLabel != c.label || got.TargetPercent != 80 || got.TargetOwner != "SAMHSA SUPRT" {
			t.Errorf("%s: %+v %q, want %+v %q", c.who, g, got.TargetLabel, c.want, c.label)
		}
	}
	c, _ := w.db.FollowUpCompletion(ctx, w.admin, store.CompletionOrg, 0, from, to)
	if c.Summary() != "Completed on time: 40 % — target 80 % (SAMHSA SUPRT)" || len(c.ByProgramme) != 1 || c.ByProgramme[0].Name != grant {
		t.Errorf("summary %q, by programme %+v", c.Summary(), c.ByProgramme)
	}
	// The period decides: only 2026 leaves Fay's 6-month point out.
	if c, _ := w.db.FollowUpCompletion(ctx, w.admin, store.CompletionOrg, 0, "2026-01-01", "2026-11-30"); c.Due != 4 || c.Missed != 0 {
		t.Errorf("2026 only: %+v", c.CompletionCounts)
	}

	// Who may ask: 404 for a scope the actor may not see, or none.
	for _, c := range []struct {
		who  string
		a    store.Actor
		kind string
		id   int64
	}{
		{"a worker, the organisation", w.pat, store.CompletionOrg, 0},
		{"a worker, the programme", w.pat, store.CompletionProgramme, w.programme},
		{"a worker, the team", w.pat, store.CompletionTeam, w.tm.Supervisor.ID},
		{"a worker, another worker", w.pat, store.CompletionWorker, w.tm.OtherPeer.ID},
		{"the supervisor, the organisation", w.sup, store.CompletionOrg, 0},
		{"another organisation's worker, themselves in this programme", w.otherWorker, store.CompletionProgramme, w.programme},
		{"another organisation's worker, Pat", w.otherWorker, store.CompletionWorker, w.tm.Peer.ID},
		{"an unknown scope", w.admin, "galaxy", 1},
		{"an unknown programme", w.admin, store.CompletionProgramme, 999999},
	} {
		if _, err := w.db.FollowUpCompletion(ctx, c.a, c.kind, c.id, from, to); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s: %v, want not found", c.who, err)
		}
	}
	if _, err := w.db.FollowUpCompletion(ctx, w.admin, store.CompletionOrg, 0, "2026-05-01", "2026-04-01"); fieldsOf(t, err)["to"] == "" {
		t.Error("a period ending before it starts names to")
	}
	if _, err := w.db.FollowUpCompletion(ctx, w.admin, store.CompletionOrg, 0, "May", "2026-04-01"); fieldsOf(t, err)["from"] == "" {
		t.Error("a bad first day names from")
	}

	// The organisation's own schedule: its target is labelled as its setting.
	custom := followup.Schedule{Kind: followup.Custom, BaselineDays: 30, EveryMonths: 6, WindowDays: 30, Annual: true, AtDischarge: true, TargetPercent: 75}
	if _, err := w.db.SetFollowUpSchedule(ctx, w.admin, w.programme, custom); err != nil {
		t.Fatal(err)
	}
	if c, _ := w.db.FollowUpCompletion(ctx, w.admin, store.CompletionOrg, 0, from, to); c.TargetLabel != "target 75 % (your organisation's setting)" || c.TargetOwner != "Your organisation's setting" || c.Due != 5 {
		t.Errorf("custom: %+v %q", c.CompletionCounts, c.TargetLabel)
	}
	if _, err := w.db.SetFollowUpSchedule(ctx, w.sup, w.programme, custom); core.KindOf(err) != core.KindForbidden {
		t.Errorf("a supervisor setting a schedule: %v", err)
	}
	if _, err := w.db.SetFollowUpSchedule(ctx, testkit.Actor(w.tm.Admin), 999999, custom); core.KindOf(err) != core.KindNotFound {
		t.Errorf("an unknown programme: %v", err)
	}
	bad := custom
	bad.WindowDays = 200
	if _, err := w.db.SetFollowUpSchedule(ctx, w.admin, w.programme, bad); fieldsOf(t, err)["window_days"] == "" {
		t.Error("a window too wide names window_days")
	}
	// No schedule: no points, nothing due.
	if _, err := w.db.SetFollowUpSchedule(ctx, w.admin, w.programme, followup.Schedule{}); err != nil {
		t.Fatal(err)
	}
	if got := followUpNames(t, w.db, w.admin, store.FollowUpFilter{Status: store.FollowUpsDue}); len(got) != 0 {
		t.Errorf("due without a schedule: %v", got)
	}
}
