package demo_test

import (
	"testing"

	"peerpath/internal/demo"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestDemoPortalLoadsOnce: Maria signs in to her portal with the demo
// password, in Spanish, and loading twice makes nothing twice.
func TestDemoPortalLoadsOnce(t *testing.T) {
	db := testkit.NewStore(t)
	for range 2 {
		if _, err := demo.Load(t.Context(), db.Store); err != nil {
			t.Fatal(err)
		}
	}
	res, err := db.SignIn(t.Context(), demo.PortalEmail, demo.Password, "192.0.2.1")
	if err != nil || res.Outcome != store.SignInOK || !res.User.IsPortal() || res.User.Language != "es" {
		t.Fatalf("Maria's sign-in: %+v %v", res, err)
	}
	me := res.User.Actor("192.0.2.1")
	cs, err := db.Corrections(t.Context(), me, res.User.PersonID)
	if err != nil || len(cs) != 1 {
		t.Fatalf("one correction request after two loads: %d %v", len(cs), err)
	}
	// Her consent to share her records under Part 2 is in her portal, in
	// effect (part2.go), beside her consent to peer support.
	consents, err := db.Consents(t.Context(), me, res.User.PersonID)
	if err != nil {
		t.Fatal(err)
	}
	var part2 *store.Consent
	for i, c := range consents {
		if c.Kind == store.ConsentPart2 && !c.Superseded() {
			part2 = &consents[i]
		}
	}
	if part2 == nil || !part2.Current() || part2.Recipient == "" {
		t.Fatalf("Maria's Part 2 consent in her portal: %+v", consents)
	}
	// And a disclosure under it, so her "who my records were shared with"
	// is not empty.
	acc, err := db.MyDisclosures(t.Context(), me)
	if err != nil || len(acc.Disclosures) != 1 || acc.Disclosures[0].ConsentID != part2.ID {
		t.Fatalf("Maria's disclosures in her portal: %+v %v", acc.Disclosures, err)
	}
}
