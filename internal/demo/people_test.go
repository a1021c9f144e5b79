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
	if err != nil || len(all.Items) != 12 {
		t.Fatalf("%d demo people after two loads (%v), want 12", len(all.Items), err)
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
