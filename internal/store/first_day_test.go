package store_test

import (
	"testing"

	"peerpath/internal/auth"
	"peerpath/internal/cohort"
	"peerpath/internal/core"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// A supervisor hands over the people of a worker of theirs who has left, to
// themselves or to someone on their team; not an active worker's people,
// not another supervisor's worker, not to someone off their team (issue 16).
func TestSupervisorHandsOverADepartedWorkersPeople(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Departures")
	other := db.NewTeam(t, "Departures elsewhere")
	admin, sup := testkit.Actor(tm.Admin), testkit.Actor(tm.Supervisor)
	// A second supervisor in the same organisation, with a worker of their own.
	sup2 := db.MakeUser(t, tm.Org.ID, "sid@departures.test", "Sid Second", auth.RoleSupervisor)
	theirs := db.MakeUserWith(t, store.NewUser{OrgID: tm.Org.ID, Email: "tia@departures.test", Name: "Tia Theirs", Roles: []auth.Role{auth.RolePeer}, SupervisorID: sup2.ID})
	ana := testkit.Must[store.Person](t)(db.CreatePerson(ctx, admin, store.PersonInput{PreferredName: "Ana", WorkerIDs: []int64{tm.Peer.ID}}))
	testkit.Must[store.Person](t)(db.CreatePerson(ctx, admin, store.PersonInput{PreferredName: "Bea", WorkerIDs: []int64{theirs.ID}}))

	if got := testkit.Must[[]store.StrandedWorker](t)(db.DepartedWorkers(ctx, sup)); len(got) != 0 {
		t.Fatalf("departed before anyone left: %+v", got)
	}
	if _, err := db.HandOver(ctx, sup, tm.Peer.ID, tm.OtherPeer.ID); core.KindOf(err) != core.KindForbidden {
		t.Errorf("a supervisor handing over a worker who is still here: %v", err)
	}
	for _, u := range []int64{tm.Peer.ID, theirs.ID} {
		if err := db.SetUserActive(ctx, admin, u, false); err != nil {
			t.Fatal(err)
		}
	}
	got := testkit.Must[[]store.StrandedWorker](t)(db.DepartedWorkers(ctx, sup))
	if len(got) != 1 || got[0].ID != tm.Peer.ID || got[0].People != 1 {
		t.Fatalf("the supervisor's departed workers: %+v (want Pat with Ana only)", got)
	}
	if l := testkit.Must[[]store.StrandedWorker](t)(db.DepartedWorkers(ctx, admin)); len(l) != 2 {
		t.Fatalf("the administrator's departed workers: %+v (want both)", l)
	}
	if l := testkit.Must[[]store.StrandedWorker](t)(db.DepartedWorkers(ctx, testkit.Actor(tm.OtherPeer))); len(l) != 0 {
		t.Fatalf("a peer worker's departed workers: %+v", l)
	}
	if _, err := db.HandOver(ctx, sup, theirs.ID, tm.OtherPeer.ID); core.KindOf(err) != core.KindNotFound {
		t.Errorf("another supervisor's worker: %v", err)
	}
	if _, err := db.HandOver(ctx, testkit.Actor(other.Supervisor), tm.Peer.ID, other.Peer.ID); core.KindOf(err) != core.KindNotFound {
		t.Errorf("another organisation's supervisor: %v", err)
	}
	for name, to := range map[string]int64{"someone off the team": sup2.ID, "an administrator": tm.Admin.ID, "a trainer": tm.Trainer.ID, "another organisation's": other.Peer.ID} {
		if _, err := db.HandOver(ctx, sup, tm.Peer.ID, to); core.KindOf(err) != core.KindInvalid {
			t.Errorf("handing over to %s: %v", name, err)
		}
	}
	if n := testkit.Must[int](t)(db.HandOver(ctx, sup, tm.Peer.ID, tm.OtherPeer.ID)); n != 1 {
		t.Fatalf("moved %d people, want 1", n)
	}
	p := testkit.Must[store.Person](t)(db.Person(ctx, testkit.Actor(tm.OtherPeer), ana.ID))
	if len(p.Workers) != 1 || p.Workers[0].ID != tm.OtherPeer.ID {
		t.Fatalf("Ana's workers after the handover: %+v", p.Workers)
	}
	if got := testkit.Must[[]store.StrandedWorker](t)(db.DepartedWorkers(ctx, sup)); len(got) != 0 {
		t.Fatalf("still departed: %+v", got)
	}
	// The supervisor may also take the people on themselves.
	testkit.Must[store.Person](t)(db.CreatePerson(ctx, admin, store.PersonInput{PreferredName: "Cy", WorkerIDs: []int64{tm.OtherPeer.ID}}))
	if err := db.SetUserActive(ctx, admin, tm.OtherPeer.ID, false); err != nil {
		t.Fatal(err)
	}
	if n := testkit.Must[int](t)(db.HandOver(ctx, sup, tm.OtherPeer.ID, tm.Supervisor.ID)); n != 2 {
		t.Fatalf("moved %d people to the supervisor, want 2", n)
	}
}

// The setup checklist ticks itself as the data it asks for appears, and only
// administrators read it (issue 16).
func TestSetupChecklist(t *testing.T) {
	db := testkit.NewStore(t)
	admin := db.MakeUser(t, 0, "first@setup.test", "Fran First", auth.RoleAdmin, "Setup RLC")
	a := testkit.Actor(admin)
	c := testkit.Must[store.SetupChecklist](t)(db.SetupChecklist(ctx, a))
	if c.Done() || c.Left() != 4 {
		t.Fatalf("a new organisation's checklist: %+v", c)
	}
	other := db.NewTeam(t, "Setup elsewhere") // another organisation's data counts for nothing here
	if _, err := db.SetupChecklist(ctx, testkit.Actor(other.Supervisor)); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a supervisor reading the checklist: %v", err)
	}

	settings := testkit.Must[store.PlanSettings](t)(db.PlanSettings(ctx, admin.OrgID))
	settings.CrisisLines = append(settings.CrisisLines, store.PlanContact{Name: "Riverside crisis team", Phone: "413-555-0100"})
	testkit.Must[store.PlanSettings](t)(db.UpdatePlanSettings(ctx, a, settings))
	db.MakeUser(t, admin.OrgID, "pia@setup.test", "Pia Peer", auth.RolePeer)
	c = testkit.Must[store.SetupChecklist](t)(db.SetupChecklist(ctx, a))
	if !c.CrisisLines || !c.Invitations || c.Programmes || c.Groups || c.Left() != 2 {
		t.Fatalf("after crisis lines and an invitation: %+v", c)
	}
	testkit.Must[store.Programme](t)(db.CreateProgramme(ctx, a, store.ProgrammeInput{Name: "Wellness workshop series",
		SessionKinds: []cohort.SessionKind{cohort.SessionClass}, Rule: cohort.Rule{AttendancePercent: 80, Confirmed: true}}))
	testkit.Must[store.Group](t)(db.CreateGroup(ctx, a, hearingVoices(admin.ID)))
	if c = testkit.Must[store.SetupChecklist](t)(db.SetupChecklist(ctx, a)); !c.Done() {
		t.Fatalf("everything set up, yet: %+v", c)
	}
}
