package demo_test

import (
	"testing"

	"peerpath/internal/demo"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

func TestDemoTokensLoadOnce(t *testing.T) {
	db := testkit.NewStore(t)
	ctx := t.Context()
	for range 2 {
		if _, err := demo.Load(ctx, db.Store); err != nil {
			t.Fatal(err)
		}
	}
	d, err := demo.Load(ctx, db.Store)
	if err != nil {
		t.Fatal(err)
	}
	sup := d.Users["supervisor"]
	l, err := db.APITokens(ctx, d.Users["admin"].Actor("test"), sup.ID, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Items) != 2 || l.Items[0].Active(db.Clock.Now()) == l.Items[1].Active(db.Clock.Now()) {
		t.Fatalf("the supervisor's demo tokens: %+v", l.Items)
	}
}
