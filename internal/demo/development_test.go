package demo_test

import (
	"testing"

	"peerpath/internal/demo"
	"peerpath/internal/framework"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestDemoDevelopment loads the demo twice: the development records are
// there, plausible, and not doubled.
func TestDemoDevelopment(t *testing.T) {
	db := testkit.NewStore(t)
	ctx := t.Context()
	d, err := demo.Load(ctx, db.Store)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db.Store); err != nil {
		t.Fatalf("loading again: %v", err)
	}
	sam := d.Users["supervisor"].Actor("local")
	team, err := db.TeamDevelopment(ctx, sam, store.ScopeTeam, store.Page{})
	if err != nil || len(team.Members) != 2 {
		t.Fatalf("Samuel's team: %+v %v", team.Members, err)
	}
	jordan, pat := team.Members[0], team.Members[1]
	if jordan.EthicsSigned || !pat.EthicsSigned || len(pat.Requests) != 1 || pat.ConfirmedName != "Stage I" {
		t.Fatalf("team: Jordan %+v, Pat %+v", jordan, pat)
	}
	ts, _ := db.Trainings(ctx, sam, d.Users["peer"].ID, store.Page{})
	if len(ts.Items) != 5 {
		t.Fatalf("Pat's trainings after two loads: %d", len(ts.Items))
	}
	_, r, err := db.WorkerReadiness(ctx, sam, d.Users["peer2"].ID)
	if err != nil {
		t.Fatal(err)
	}
	sr, _ := r.Stage(framework.Stage2)
	waived := false
	for _, req := range sr.Requirements {
		if req.Key == "s2.prereq.recovery-coach" {
			waived = req.Status == framework.StatusWaived && req.Waiver.ByName == "Samuel Ortiz"
		}
	}
	if !waived {
		t.Fatal("Jordan's grandfather-clause waiver does not show")
	}
	m, _ := db.MyDevelopmentSummary(ctx, sam)
	if len(m.Reminders) != 1 || m.Reminders[0].Reminder.Threshold != 60 {
		t.Fatalf("Samuel's CPS should expire within 60 days: %+v", m.Reminders)
	}
	_, l, _ := db.SupervisionSessions(ctx, sam, d.Users["peer"].ID, store.Page{})
	if len(l.Items) != 8 {
		t.Fatalf("Pat's supervision sessions: %d", len(l.Items))
	}
}
