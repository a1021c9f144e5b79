package demo_test

import (
	"context"
	"testing"

	"peerpath/internal/demo"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

func TestDemoPart2LoadsOnce(t *testing.T) {
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
	all, _ := db.ListPeople(ctx, admin, store.PeopleFilter{Status: store.ShowAll}, store.Page{})
	var maria int64
	for _, r := range all.Items {
		if r.PreferredName == "Maria Santos" {
			maria = r.ID
		}
	}
	cs, err := db.Consents(ctx, admin, maria)
	if err != nil || len(cs) < 2 || cs[0].Kind != store.ConsentPart2 || cs[0].Version != 2 || !cs[1].Superseded() {
		t.Fatalf("Maria's consents: %+v %v", cs, err)
	}
	acc, err := db.DisclosureAccounting(ctx, admin, maria, "")
	if err != nil || len(acc.Disclosures) != 1 || acc.Disclosures[0].ConsentID != cs[0].ID {
		t.Fatalf("Maria's accounting: %+v %v", acc, err)
	}
}
