package demo

import (
	"context"
	"fmt"

	"peerpath/internal/store"
)

// loadTokens gives the supervisor two API tokens, so Settings → API tokens
// and the administrator's view of a user's tokens show something: one in
// use for a weekly report, one revoked when a laptop was replaced. The
// tokens themselves are thrown away; nobody can use them.
func loadTokens(ctx context.Context, s *store.Store, d *Demo) error {
	sup := d.Users["supervisor"]
	a := sup.Actor("demo")
	have, err := s.APITokens(ctx, a, sup.ID, store.Page{})
	if err != nil || len(have.Items) > 0 {
		return err
	}
	_, old, err := s.CreateAPIToken(ctx, a, "Script on the old office laptop")
	if err != nil {
		return fmt.Errorf("demo token: %w", err)
	}
	if _, err := s.RevokeAPIToken(ctx, a, old.ID); err != nil {
		return fmt.Errorf("demo token: %w", err)
	}
	if _, _, err := s.CreateAPIToken(ctx, a, "Weekly team report for the board"); err != nil {
		return fmt.Errorf("demo token: %w", err)
	}
	return nil
}
