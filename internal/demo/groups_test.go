package demo_test

import (
	"context"
	"testing"

	"peerpath/internal/demo"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

func TestDemoGroupsLoadOnceWithSessions(t *testing.T) {
	db := testkit.NewStore(t)
	ctx := context.Background()
	d, err := demo.Load(ctx, db.Store)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db.Store); err != nil {
		t.Fatalf("loading twice: %v", err)
	}
	pat := d.Users["peer"].Actor("test")
	gs, err := db.ListGroups(ctx, pat, store.GroupFilter{Status: store.ShowAll}, store.Page{})
	if err != nil || len(gs.Items) != 3 {
		t.Fatalf("%d demo groups after two loads (%v), want 3", len(gs.Items), err)
	}
	sessions, guests, kinds := 0, 0, map[string]bool{}
	for _, g := range gs.Items {
		if !g.Roster {
			continue // Jordan's dual recovery group: Pat does not facilitate it
		}
		l, err := db.GroupSessions(ctx, pat, g.ID, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range l.Items {
			sessions++
			guests += s.Guests
			for st, n := range map[string]int{"present": s.Present, "late": s.Late, "excused": s.Excused, "absent": s.Absent} {
				if n > 0 {
					kinds[st] = true
				}
			}
		}
	}
	if sessions != 7 || guests == 0 || len(kinds) != 4 {
		t.Errorf("Pat's groups: %d sessions, %d guests, statuses %v", sessions, guests, kinds)
	}
	// The demo still shows someone overdue, and group contacts in histories.
	overdue, _ := db.ListPeople(ctx, pat, store.PeopleFilter{Overdue: true}, store.Page{})
	if len(overdue.Items) == 0 {
		t.Error("the groups made nobody overdue for the demo peer worker")
	}
	dev, err := db.DevelopmentRecord(ctx, pat, d.Users["peer"].ID)
	if err != nil || dev.Groups.Sessions != 7 {
		t.Errorf("Pat facilitated %d sessions (%v), want 7", dev.Groups.Sessions, err)
	}
}
