package demo_test

import (
	"context"
	"testing"

	"peerpath/internal/demo"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

func TestDemoPlansLoadOnceAndShowTheFlags(t *testing.T) {
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
	byName := map[string]store.CaseloadRow{}
	for _, r := range all.Items {
		byName[r.PreferredName] = r
	}
	versions := func(name string, k *store.PlanKind) []store.PlanVersion {
		l, err := db.PlanVersions(ctx, admin, k, byName[name].ID, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		return l.Items
	}
	marcus := versions("Marcus Hill", store.SafetyPlan)
	if len(marcus) != 3 || marcus[0].SavedByName != "Samuel Ortiz" || len(marcus[0].Changes) == 0 {
		t.Fatalf("Marcus's safety plan after two loads: %d versions", len(marcus))
	}
	if got := marcus[2].Section("professionals_and_crisis_lines").Contacts; len(got) == 0 || got[0].Phone != "988" {
		t.Errorf("the demo plan does not start with the crisis lines: %+v", got)
	}
	// Maria's wellness plan: written with her worker, then a line she added
	// herself in her portal (portal.go).
	if w := versions("Maria Santos", store.WellnessPlan); len(w) != 2 || !w[0].ByPerson || len(versions("Maria Santos", store.CrisisPreferences)) != 1 {
		t.Error("Maria has no wellness plan with her own version, or no crisis preferences")
	}
	if sam := versions("Sam Nguyen", store.SafetyPlan); len(sam) != 2 || !sam[0].Reviewed {
		t.Error("Sam's plan was not reviewed without changes")
	}
	// The flags: someone active with none, and someone with a stale plan.
	missing, stale := 0, 0
	for _, r := range all.Items {
		switch {
		case r.SafetyPlan.NeedsAttention && r.SafetyPlan.Missing():
			missing++
		case r.SafetyPlan.NeedsAttention:
			stale++
			if r.PreferredName != "Tomás Rivera" {
				t.Errorf("%s's plan is flagged as stale", r.PreferredName)
			}
		}
	}
	if missing == 0 || stale != 1 {
		t.Errorf("%d people without a plan and %d with a stale one flagged", missing, stale)
	}
}
