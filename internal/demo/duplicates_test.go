package demo_test

import (
	"context"
	"testing"

	"peerpath/internal/demo"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

func TestDemoHasOnePossibleDuplicateForTheAdministrator(t *testing.T) {
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
	l, err := db.DuplicateFlags(ctx, admin, store.Page{})
	if err != nil || len(l.Items) != 1 || l.Items[0].Person.Name != "Keisha Brown" || l.Items[0].Other.Name != "Keisha Brown" || !l.Items[0].CanResolve() {
		t.Fatalf("the demo's possible duplicates: %+v %v", l.Items, err)
	}
	// Merged, the demo loads again without adding her a third time.
	if _, err := db.MergePeople(ctx, admin, l.Items[0].Other.ID, l.Items[0].Person.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db.Store); err != nil {
		t.Fatal(err)
	}
	if l, _ := db.DuplicateFlags(ctx, admin, store.Page{}); len(l.Items) != 0 {
		t.Fatalf("after a merge and a reload: %+v", l.Items)
	}
}
