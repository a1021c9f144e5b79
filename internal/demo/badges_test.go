package demo_test

import (
	"encoding/json"
	"testing"

	"peerpath/internal/credential"
	"peerpath/internal/demo"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestDemoCertificatesCarryCredentials loads the demo twice and checks that
// every valid demo certificate's credential verifies, and that the one
// revoked certificate's bit is set.
func TestDemoCertificatesCarryCredentials(t *testing.T) {
	db := testkit.NewStore(t)
	ctx := t.Context()
	var d demo.Demo
	for range 2 {
		var err error
		if d, err = demo.Load(ctx, db.Store); err != nil {
			t.Fatal(err)
		}
	}
	admin := d.Users["admin"].Actor("test")
	const base = "https://demo.peerpath.example"
	res := db.LocalResolver(base)
	valid, revoked := 0, 0
	cohorts, err := db.ListCohorts(ctx, admin, store.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cohorts.Items {
		page := testkit.Must[store.CohortPage](t)(db.CohortParticipants(ctx, admin, c.ID, store.Page{Limit: 100}))
		for _, p := range page.Participants.Items {
			rec := testkit.Must[store.ParticipantRecord](t)(db.Participant(ctx, admin, c.ID, p.ID))
			for _, cert := range rec.Certificates {
				if cert.Revoked() {
					revoked++
					continue
				}
				ic := testkit.Must[store.IssuedCredential](t)(db.CertificateCredential(ctx, cert.Code, base, ""))
				doc, err := ic.JSONLD()
				if err != nil {
					t.Fatal(err)
				}
				raw, _ := json.Marshal(doc)
				if rep := credential.Verify(ctx, raw, res, db.Clock.Now()); !rep.OK() {
					t.Errorf("%s: %+v", cert.GroupedCode(), rep.Checks)
				}
				valid++
			}
		}
	}
	if valid == 0 || revoked != 1 {
		t.Errorf("%d valid demo certificates, %d revoked; want some and one", valid, revoked)
	}
}
