package store_test

import (
	"testing"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
	"peerpath/internal/workforce"
)

// Migration 00012 leaves today's credentials as they are, dates and all,
// with their renewal rule "not set", and every programme and cohort rule
// unconfirmed: they were peerpath's suggestions.
func TestCredentialIssuersMigrationKeepsWhatIsThere(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Before the migration")
	admin := testkit.Actor(tm.Admin)
	if err := db.SetCredentialRules(ctx, admin, []store.RuleUpdate{{Kind: workforce.CredentialCPS, Rule: workforce.RenewalRule{Hours: 2000, PeriodMonths: 24}}}); err != nil {
		t.Fatal(err)
	}
	id := testkit.Must[int64](t)(db.AddCredential(ctx, testkit.Actor(tm.Peer), tm.Peer.ID, store.NewCredential{Kind: workforce.CredentialCPS, Number: "CPS-3",
		Issuer: "Transformation Center", IssuedOn: "2024-05-01", ExpiresOn: "2026-05-01"}))
	c := testkit.Must[store.Cohort](t)(db.CreateCohort(ctx, admin, store.CohortInput{Programme: "ican", Name: "Old cohort", StartsOn: "2026-09-01", EndsOn: "2026-12-01",
		Capacity: 5, TrainerIDs: []int64{tm.Trainer.ID}, ConfirmRule: true}))

	if err := db.MigrateDownTo(ctx, 11); err != nil {
		t.Fatalf("down: %v", err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}

	d := testkit.Must[store.CredentialDetail](t)(db.Credential(ctx, testkit.Actor(tm.Peer), tm.Peer.ID, id))
	cr := d.Credential
	if cr.IssuedOn != "2024-05-01" || cr.ExpiresOn != "2026-05-01" || cr.Number != "CPS-3" || cr.Issuer != "Transformation Center" || cr.RenewalRuleLabel() != "Renewal rule not set" {
		t.Fatalf("a credential from before the migration: %+v", cr)
	}
	if bodies := testkit.Must[map[workforce.CredentialKind]bool](t)(db.CertifyingBodies(ctx, tm.Org.ID)); bodies[workforce.CredentialCPS] {
		t.Fatal("the organisation certifies CPS after the migration")
	}
	if c = testkit.Must[store.Cohort](t)(db.Cohort(ctx, admin, c.ID)); c.Rule.Confirmed || c.Rule.AttendancePercent != 80 {
		t.Fatalf("a cohort from before the migration: %+v", c.Rule)
	}
}
