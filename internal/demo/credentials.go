package demo

import (
	"context"

	"peerpath/internal/store"
	"peerpath/internal/workforce"
)

// loadCredentialSettings gives the demo organisation its own renewal rule
// for the CPS credential (issue 12). peerpath ships none; Riverbend entered
// the one it works to, as any organisation would. The organisation teaches
// the CPS course but does not certify (the Transformation Center does), so
// the certifying-body setting stays off: the demo's CPS graduates have the
// training on their records, not the credential. Samuel's and Dana's CPS
// credentials, recorded before the rule, keep their dates and say their
// renewal rule is not set, as credentials from before the rule do. It runs
// once: an organisation that already has a CPS rule keeps it.
func loadCredentialSettings(ctx context.Context, s *store.Store, d *Demo) error {
	rules, err := s.CredentialRules(ctx, d.Org.ID)
	if err != nil || !rules[workforce.CredentialCPS].IsZero() {
		return err
	}
	return s.SetCredentialRules(ctx, d.Users["admin"].Actor("demo"), []store.RuleUpdate{{Kind: workforce.CredentialCPS,
		Rule: workforce.RenewalRule{Hours: 2400, EthicsHours: 600, PeriodMonths: 24}}})
}
