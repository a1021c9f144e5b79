package demo_test

import (
	"testing"

	"peerpath/internal/demo"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
	"peerpath/internal/workforce"
)

// TestDemoCredentialsAndProgrammeRules loads the demo twice: credentials
// name their issuer, the organisation's renewal rule is its own, it does not
// certify what it teaches, and every programme rule is confirmed.
func TestDemoCredentialsAndProgrammeRules(t *testing.T) {
	db := testkit.NewStore(t)
	var d demo.Demo
	for range 2 {
		var err error
		if d, err = demo.Load(t.Context(), db.Store); err != nil {
			t.Fatal(err)
		}
	}
	admin := d.Users["admin"].Actor("test")
	rules := testkit.Must[map[workforce.CredentialKind]workforce.RenewalRule](t)(db.CredentialRules(t.Context(), d.Org.ID))
	if r := rules[workforce.CredentialCPS]; r.PeriodMonths != 24 || rules[workforce.CredentialRecoveryCoach].PeriodMonths != 0 {
		t.Fatalf("demo renewal rules: %+v", rules)
	}
	bodies := testkit.Must[map[workforce.CredentialKind]bool](t)(db.CertifyingBodies(t.Context(), d.Org.ID))
	for k, on := range bodies {
		if on {
			t.Errorf("the demo organisation certifies %s", k)
		}
	}
	sam := d.Users["supervisor"]
	creds := testkit.Must[store.List[store.Credential]](t)(db.Credentials(t.Context(), admin, sam.ID, store.Page{}))
	if len(creds.Items) != 1 || creds.Items[0].Issuer != "Transformation Center" || creds.Items[0].RenewalRuleLabel() != "Renewal rule not set" || creds.Items[0].ExpiresOn == "" {
		t.Fatalf("Samuel's credentials: %+v", creds.Items)
	}
	for _, p := range testkit.Must[[]store.Programme](t)(db.Programmes(t.Context(), admin)) {
		if !p.Rule.Confirmed {
			t.Errorf("programme %s: rule not confirmed", p.Name)
		}
	}
	cs := testkit.Must[store.List[store.CohortSummary]](t)(db.ListCohorts(t.Context(), admin, store.Page{}))
	for _, c := range cs.Items {
		if !c.Rule.Confirmed {
			t.Errorf("cohort %s: rule not confirmed", c.Name)
		}
	}
}
