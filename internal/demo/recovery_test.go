package demo_test

import (
	"context"
	"testing"

	"peerpath/internal/demo"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

func TestDemoRecoveryPictureLoadsOnce(t *testing.T) {
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
	rp, err := db.RecoveryPicture(ctx, admin, maria)
	if err != nil {
		t.Fatal(err)
	}
	c := rp.Capital
	change, ok := c.Change()
	if len(c.History) != 3 || !ok || change != 14 || c.Partial != 0 {
		t.Fatalf("Maria's BARC-10s after two loads: %d, change %d %v, partial %d", len(c.History), change, ok, c.Partial)
	}
	if span := c.History[2].TakenOn > c.History[0].TakenOn; !span || c.History[0].Total >= c.History[2].Total {
		t.Fatalf("not rising over time: %+v", c.History)
	}
	if len(rp.Stages.Current) != 4 || rp.Stages.Current["home"].Stage != "action" {
		t.Fatalf("stages: %+v", rp.Stages.Current)
	}
	if rp.Needs == nil || rp.Needs.Needs[0].Area != "housing" || rp.Needs.Needs[0].ReferralID == 0 || rp.Needs.Needs[1].GoalID == 0 {
		t.Fatalf("needs: %+v", rp.Needs)
	}
	ref, err := db.Referral(ctx, admin, rp.Needs.Needs[0].ReferralID)
	if err != nil || ref.ResourceName != "Riverbend Housing Search Clinic" {
		t.Fatalf("the housing referral: %+v %v", ref, err)
	}
	if rp.Strengths.Empty() || len(rp.Supports) != 3 || rp.Advocacy != 1 || rp.OpenMedication != 1 {
		t.Fatalf("the rest of the picture: %+v", rp)
	}
	due, _, _, err := db.RecoveryChecksDue(ctx, d.Users["peer"].Actor("test"), 20)
	if err != nil || len(due) == 0 {
		t.Fatalf("nobody due: %v", err)
	}
	for _, p := range due {
		if p.PersonID == maria {
			t.Error("Maria, assessed twelve days ago, is listed as due")
		}
	}
}
