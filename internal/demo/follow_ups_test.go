package demo_test

import (
	"context"
	"strings"
	"testing"

	"peerpath/internal/demo"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

func TestDemoFollowUps(t *testing.T) {
	db := testkit.NewStore(t)
	ctx := context.Background()
	d, err := demo.Load(ctx, db.Store)
	if err != nil {
		t.Fatal(err)
	}
	sup := d.Users["supervisor"].Actor("test")
	names := func(status string) string {
		l, err := db.FollowUps(ctx, sup, store.FollowUpFilter{Status: status}, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, u := range l.Items {
			out = append(out, u.PreferredName+" "+u.Label())
		}
		return strings.Join(out, ", ")
	}
	if got := names(store.FollowUpsDue); got != "Grace Kim 6-month reassessment, Jamal Brooks Baseline" && got != "Jamal Brooks Baseline, Grace Kim 6-month reassessment" {
		t.Errorf("due: %q", got)
	}
	if got := names(store.FollowUpsOverdue); got != "Hector Silva 6-month reassessment" {
		t.Errorf("overdue: %q", got)
	}
	today := db.Today()
	c, err := db.FollowUpCompletion(ctx, d.Users["admin"].Actor("test"), store.CompletionOrg, 0, "2020-01-01", today)
	if err != nil || c.Due != 3 || c.OnTime != 2 || c.TargetLabel != "target 80 % (SAMHSA SUPRT)" {
		t.Errorf("completion %+v %q %v", c.CompletionCounts, c.TargetLabel, err)
	}
}
