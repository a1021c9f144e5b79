package demo

import (
	"context"
	"fmt"

	"peerpath/internal/store"
)

// One possible duplicate (issue 15, security defect 5): Keisha Brown, whom
// Pat supports, came to a drop-in that Jordan ran and Jordan added her
// again, not knowing she is supported here (and peerpath did not tell
// them). The pair waits for the administrator, or for Pat's and Jordan's
// supervisor, under Team → Possible duplicates.
func loadDuplicates(ctx context.Context, s *store.Store, d *Demo) error {
	jordan := d.Users["peer2"].Actor("demo")
	// Loaded once: Jordan already supports a Keisha Brown (this one, or,
	// after a merge, the record it was merged into).
	l, err := s.ListPeople(ctx, jordan, store.PeopleFilter{Status: store.ShowAll, Query: "Keisha Brown"}, store.Page{})
	if err != nil {
		return err
	}
	if len(l.Items) > 0 {
		return nil
	}
	p, err := s.CreatePerson(ctx, jordan, store.PersonInput{PreferredName: "Keisha Brown", Pronouns: "she/her", PreferredLanguage: "English"})
	if err != nil {
		return fmt.Errorf("demo possible duplicate: %w", err)
	}
	_, err = s.AddContact(ctx, jordan, p.ID, store.ContactInput{OccurredAt: workingHour(s.Clock().Now(), 1, 0), DurationMinutes: 20, Format: "individual",
		Mode: "in_person", Kind: "outreach", Note: "Came by the drop-in centre and asked about the Thursday group."})
	return err
}
