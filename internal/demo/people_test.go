package demo_test

import (
	"context"
	"testing"

	"peerpath/internal/demo"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

func TestDemoPeopleLoadOnceAndShowTheWork(t *testing.T) {
	db := testkit.NewStore(t)
	ctx := context.Background()
	d, err := demo.Load(ctx, db.Store)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db.Store); err != nil {
		t.Fatalf("loading twice: %v", err)
	}
	admin := d.Users["admin"].Actor("test")
	all, err := db.ListPeople(ctx, admin, store.PeopleFilter{Status: store.ShowAll}, store.Page{})
	if err != nil || len(all.Items) != 19 { // 14, one added twice (duplicates.go), 4 in the SUPRT programme (follow_ups.go)
		t.Fatalf("%d demo people after two loads (%v), want 19", len(all.Items), err)
	}
	// A worker moved on; the administrator is asked to hand over their two people.
	stranded, err := db.StrandedWorkers(ctx, d.Org.ID)
	if err != nil || len(stranded) != 1 || stranded[0].People != 2 || d.Users["departed"].ID != stranded[0].ID {
		t.Errorf("stranded workers: %+v %v", stranded, err)
	}
	for _, l := range d.Logins {
		if l.Name == "Chris Dalton" {
			t.Error("the worker who moved on is offered as a login")
		}
	}
	pat := d.Users["peer"].Actor("test")
	overdue, _ := db.ListPeople(ctx, pat, store.PeopleFilter{Overdue: true}, store.Page{})
	if len(overdue.Items) == 0 {
		t.Error("nobody is overdue for the demo peer worker")
	}
	due, _ := db.FollowUpsDue(ctx, pat, 0, 10)
	if len(due) != 1 {
		t.Errorf("%d follow-ups due for the demo peer worker, want 1", len(due))
	}
	review := 0
	for _, r := range all.Items {
		rec, err := db.PersonRecord(ctx, admin, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c, ok := rec.OpenCycle(); ok && c.NeedsReview(db.Today()) {
			review++
		}
	}
	if review != 1 {
		t.Errorf("%d cycles waiting for review, want 1", review)
	}
	res, _ := db.ListResources(ctx, admin, store.ResourceFilter{}, store.Page{})
	if len(res.Items) < 15 {
		t.Errorf("%d resources in the demo directory", len(res.Items))
	}
}
