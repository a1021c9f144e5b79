package demo

import (
	"context"
	"fmt"

	"peerpath/internal/store"
)

// loadBadges (issue 20): every demo certificate is already an Open Badges
// credential. So that the organisation's revocation list has a bit set and
// a revoked credential can be tried, one ICAN graduate's first certificate
// was revoked (issued before her last visit was confirmed) and issued again
// with a new code, once.
func loadBadges(ctx context.Context, s *store.Store, d *Demo) error {
	admin := d.Users["admin"].Actor("demo")
	tr := d.Users["trainer"].Actor("demo")
	c, err := s.CohortByName(ctx, tr, demoICANName)
	if err != nil {
		return fmt.Errorf("demo credentials: %w", err)
	}
	page, err := s.CohortParticipants(ctx, admin, c.ID, store.Page{Limit: 100})
	if err != nil {
		return err
	}
	for _, p := range page.Participants.Items {
		if p.Name != "Emily Tran" {
			continue
		}
		rec, err := s.Participant(ctx, admin, c.ID, p.ID)
		if err != nil || len(rec.Certificates) != 1 || rec.Certificate == nil {
			return err // revoked and issued again already (or never issued)
		}
		first := rec.Certificates[0]
		if _, err := s.RevokeCertificate(ctx, admin, c.ID, p.ID, "Issued before her last company visit was confirmed; issued again once it was."); err != nil {
			return fmt.Errorf("demo credentials: %w", err)
		}
		if _, err := s.IssueCertificate(ctx, tr, c.ID, p.ID, first.IssuedOn); err != nil {
			return fmt.Errorf("demo credentials: %w", err)
		}
	}
	return nil
}
