package demo

import (
	"context"
	"fmt"
	"time"

	"peerpath/internal/store"
)

// The demo's consents under 42 CFR Part 2 and disclosures (issue 18). Maria
// signed a consent for her peer worker to share her attendance with her
// primary care doctor, then changed it (version 2) to add the goals she
// chose to share; one disclosure was made under it, with its notice. She
// sees the consent in her portal (/portal/consents, in Spanish) and may
// withdraw it there, and the disclosure in "who my records were shared
// with" (/portal/disclosures). Every name is made up.

func loadPart2(ctx context.Context, s *store.Store, d *Demo) error {
	if has, err := s.HasDisclosures(ctx, d.Org.ID); err != nil || has {
		return err
	}
	admin := d.Users["admin"].Actor("demo")
	people, err := s.ListPeople(ctx, admin, store.PeopleFilter{Status: store.ShowAll}, store.Page{Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	var maria store.CaseloadRow
	for _, p := range people.Items {
		if p.PreferredName == "Maria Santos" {
			maria = p
		}
	}
	if maria.ID == 0 {
		return fmt.Errorf("demo Part 2: no Maria Santos")
	}
	a := d.Users[workerKey(d, maria)].Actor("demo")
	today, _ := time.Parse(time.DateOnly, s.Today())
	day := func(days int) string { return today.AddDate(0, 0, days).Format(time.DateOnly) }

	in := store.Part2ConsentInput{
		Discloser:       "Riverbend Peer Support: my peer worker and their supervisor",
		Information:     "The dates I attended peer support, and whether I am still taking part",
		Recipient:       "Dr. Lena Park, Riverbend Community Health Center",
		Purpose:         "Coordinate my care with my primary care doctor",
		HowToRevoke:     "You may revoke this consent at any time, by telling your peer worker or any staff member, in person, by phone or in writing, or in your portal. Revoking it does not undo what was already shared while it stood.",
		ExpiresOn:       day(330),
		SignedOn:        day(-40),
		SignatureMethod: "typed",
		SignedName:      "Maria Santos",
	}
	v1, err := s.RecordPart2Consent(ctx, a, maria.ID, in)
	if err != nil {
		return fmt.Errorf("demo Part 2 consent: %w", err)
	}
	in.Information = "The dates I attended peer support, whether I am still taking part, and the goals I chose to share"
	in.SignedOn, in.Replaces = day(-20), v1.ID
	v2, err := s.RecordPart2Consent(ctx, a, maria.ID, in)
	if err != nil {
		return fmt.Errorf("demo Part 2 consent, version 2: %w", err)
	}
	if _, err := s.RecordDisclosure(ctx, a, maria.ID, store.DisclosureInput{Recipient: in.Recipient, Purpose: in.Purpose,
		Information: "Attendance since the summer, and her goal about walking most mornings", DisclosedOn: day(-10), ConsentID: v2.ID}); err != nil {
		return fmt.Errorf("demo disclosure: %w", err)
	}
	return nil
}
