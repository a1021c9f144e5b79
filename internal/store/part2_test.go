package store_test

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"testing"

	"peerpath/internal/core"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// part2Consent is a complete Part 2 consent to disclose to a named
// recipient for a purpose.
func part2Consent(recipient, purpose string) store.Part2ConsentInput {
	return store.Part2ConsentInput{
		Discloser:       "Harbor Peer Support",
		Information:     "Dates I attended peer support and whether I am engaged",
		Recipient:       recipient,
		Purpose:         purpose,
		HowToRevoke:     store.DefaultHowToRevoke,
		ExpiresOn:       "2027-06-30",
		SignedOn:        "2026-11-20",
		SignatureMethod: "typed",
		SignedName:      "Maria Santos",
	}
}

func conflictMissing(t *testing.T, err error) string {
	t.Helper()
	e, ok := core.As(err)
	if !ok || e.Kind != core.KindConflict {
		t.Fatalf("want a conflict, got %v", err)
	}
	return e.Fields["missing"]
}

func TestPart2ConsentAndDisclosures(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Part Two")
	pat := testkit.Actor(tm.Peer)
	p := addPerson(t, db, pat, "Maria")
	court := "Dorchester Drug Court, probation officer J. Lee"
	why := "Confirm attendance for my court plan"
	d := store.DisclosureInput{Recipient: court, Purpose: why, Information: "Attendance in November", DisclosedOn: "2026-11-23"}

	// No consent yet: refused, naming what is missing.
	_, err := db.RecordDisclosure(ctx, pat, p.ID, d)
	if m := conflictMissing(t, err); m != "a Part 2 consent on the person's record" {
		t.Fatalf("missing: %q", m)
	}

	// A consent missing elements names each of them.
	_, err = db.RecordPart2Consent(ctx, pat, p.ID, store.Part2ConsentInput{SignatureMethod: "witnessed", Information: "all records"})
	f := fieldsOf(t, err)
	for _, k := range []string{"discloser", "information", "recipient", "purpose", "how_to_revoke", "expires_on", "signed_on", "signed_name", "witness"} {
		if f[k] == "" {
			t.Errorf("no message for %s: %v", k, f)
		}
	}
	both := part2Consent(court, why)
	both.ExpiryEvent = "when my court case closes"
	if f := fieldsOf(t, mustErr(db.RecordPart2Consent(ctx, pat, p.ID, both))); f["expires_on"] == "" {
		t.Fatalf("a date and an event: %v", f)
	}

	c, err := db.RecordPart2Consent(ctx, pat, p.ID, part2Consent(court, why))
	if err != nil || c.Kind != store.ConsentPart2 || c.Version != 1 || c.SeriesID != c.ID || c.PersonName != "Maria" {
		t.Fatalf("consent: %+v %v", c, err)
	}
	// It is not the consent to peer support.
	if rec, err := db.PersonRecord(ctx, pat, p.ID); err != nil || len(rec.Consents) != 0 {
		t.Fatalf("peer support consents: %d %v", len(rec.Consents), err)
	}

	// Another recipient, or another purpose, is not covered.
	other := d
	other.Recipient = "Boston Housing Authority"
	if m := conflictMissing(t, mustErr(db.RecordDisclosure(ctx, pat, p.ID, other))); m != "consent to disclose to “Boston Housing Authority”" {
		t.Fatalf("missing: %q", m)
	}
	other = d
	other.Purpose = "Anything they ask"
	other.ConsentID = c.ID
	if m := conflictMissing(t, mustErr(db.RecordDisclosure(ctx, pat, p.ID, other))); m != "consent for the purpose “Anything they ask”" {
		t.Fatalf("missing: %q", m)
	}

	// Covered: recorded, with case and punctuation not mattering.
	d.Recipient = "dorchester drug court probation officer j lee"
	got, err := db.RecordDisclosure(ctx, pat, p.ID, d)
	if err != nil || got.ConsentID != c.ID || got.Emergency {
		t.Fatalf("disclosure: %+v %v", got, err)
	}

	// A new version keeps the old one, superseded; a disclosure names the new.
	v2in := part2Consent(court, why)
	v2in.Information = "Dates I attended peer support"
	v2in.Replaces = c.ID
	v2, err := db.RecordPart2Consent(ctx, pat, p.ID, v2in)
	if err != nil || v2.Version != 2 || v2.SeriesID != c.ID {
		t.Fatalf("version 2: %+v %v", v2, err)
	}
	d.ConsentID = c.ID
	if m := conflictMissing(t, mustErr(db.RecordDisclosure(ctx, pat, p.ID, d))); m == "" {
		t.Fatal("a superseded version covered a disclosure")
	}
	d.ConsentID = v2.ID
	if _, err := db.RecordDisclosure(ctx, pat, p.ID, d); err != nil {
		t.Fatal(err)
	}

	// Access: another peer worker of the organisation does not see it.
	other2 := testkit.Actor(tm.OtherPeer)
	if _, err := db.RevokeConsent(ctx, other2, p.ID, v2.ID, store.Revocation{}); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("other peer revoking: %v", err)
	}
	if _, err := db.ListDisclosures(ctx, other2, p.ID, store.Page{}); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("other peer listing: %v", err)
	}

	// Revoked: refused at once, and a second revocation is a conflict.
	r, err := db.RevokeConsent(ctx, pat, p.ID, v2.ID, store.Revocation{Note: "Told me on the phone", ByPerson: false})
	if err != nil || r.WithdrawnOn != "2026-11-23" || r.RevokedAt.IsZero() || r.RevokedBy != "worker" {
		t.Fatalf("revoked: %+v %v", r, err)
	}
	if m := conflictMissing(t, mustErr(db.RecordDisclosure(ctx, pat, p.ID, d))); m != "an active consent (this one was revoked on 2026-11-23)" {
		t.Fatalf("missing after revocation: %q", m)
	}
	d.ConsentID = 0
	if _, err := db.RecordDisclosure(ctx, pat, p.ID, d); core.KindOf(err) != core.KindConflict {
		t.Fatalf("after revocation, any consent: %v", err)
	}
	if _, err := db.RevokeConsent(ctx, pat, p.ID, v2.ID, store.Revocation{}); core.KindOf(err) != core.KindConflict {
		t.Fatalf("revoking twice: %v", err)
	}

	// A medical emergency: recorded without consent, with §2.51's details.
	em := store.DisclosureInput{Recipient: "Dr. A. Rivera", Purpose: "Emergency treatment", Information: "Medicines she told me she takes", Emergency: true}
	f = fieldsOf(t, mustErr(db.RecordDisclosure(ctx, pat, p.ID, em)))
	for _, k := range []string{"emergency.nature", "emergency.recipient_affiliation", "emergency.disclosed_by", "emergency.disclosed_time"} {
		if f[k] == "" {
			t.Errorf("no message for %s: %v", k, f)
		}
	}
	em.EmergencyNature, em.RecipientAffiliation, em.DisclosedByName, em.DisclosedTime = "Unresponsive at the drop-in", "Boston Medical Center", "Pat Peer", "13:40"
	e, err := db.RecordDisclosure(ctx, pat, p.ID, em)
	if err != nil || !e.Emergency || e.ConsentID != 0 {
		t.Fatalf("emergency: %+v %v", e, err)
	}

	// The list and the accounting.
	l, err := db.ListDisclosures(ctx, pat, p.ID, store.Page{})
	if err != nil || len(l.Items) != 3 {
		t.Fatalf("list: %d %v", len(l.Items), err)
	}
	acc, err := db.DisclosureAccounting(ctx, testkit.Actor(tm.Supervisor), p.ID, "")
	if err != nil || len(acc.Disclosures) != 3 || acc.From != "2023-11-23" || acc.To != "2026-11-23" || acc.Consents[v2.ID].Version != 2 {
		t.Fatalf("accounting: %+v %v", acc, err)
	}
	pr, err := db.DisclosureForPrinting(ctx, pat, got.ID)
	if err != nil || pr.Consent == nil || pr.Consent.ID != c.ID || pr.Person.ID != p.ID {
		t.Fatalf("printing: %+v %v", pr, err)
	}
	all, err := db.Consents(ctx, pat, p.ID)
	if err != nil || len(all) != 2 || !all[1].Superseded() {
		t.Fatalf("consents: %+v %v", all, err)
	}
}

func TestPart2TPOConsent(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "TPO")
	pat := testkit.Actor(tm.Peer)
	p := addPerson(t, db, pat, "Ana")
	in := part2Consent("", "")
	in.TPO = true
	in.ExpiresOn, in.ExpiryEvent = "", "end of my time with this program"
	c, err := db.RecordPart2Consent(ctx, pat, p.ID, in)
	if err != nil || c.Recipient != store.TPORecipient || c.Purpose != store.TPOPurpose {
		t.Fatalf("tpo consent: %+v %v", c, err)
	}
	if _, err := db.RecordDisclosure(ctx, pat, p.ID, store.DisclosureInput{Recipient: "Dr. Chen, Codman Square Health Center", Purpose: "Treatment", Information: "Goals we set"}); err != nil {
		t.Fatalf("treatment under TPO: %v", err)
	}
	if _, err := db.RecordDisclosure(ctx, pat, p.ID, store.DisclosureInput{Recipient: "Dr. Chen", Purpose: "Research", Information: "Goals"}); core.KindOf(err) != core.KindConflict {
		t.Fatalf("research under TPO: %v", err)
	}
}

func TestPart2DrawnSignature(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Drawn")
	pat := testkit.Actor(tm.Peer)
	p := addPerson(t, db, pat, "Dev")
	in := part2Consent("Riverbend Clinic", "Coordinate care")
	in.SignatureMethod, in.SignedName, in.SignatureImage = "drawn", "", "data:image/png;base64,bm90IGEgcG5n"
	if f := fieldsOf(t, mustErr(db.RecordPart2Consent(ctx, pat, p.ID, in))); f["signature_image"] == "" {
		t.Fatalf("not a PNG: %v", f)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 60, 18))); err != nil {
		t.Fatal(err)
	}
	in.SignatureImage = "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
	c, err := db.RecordPart2Consent(ctx, pat, p.ID, in)
	if err != nil || c.SignatureMethod != "drawn" || c.SignatureImage != in.SignatureImage {
		t.Fatalf("drawn: %+v %v", c.Part2.SignatureMethod, err)
	}
}

func mustErr[T any](_ T, err error) error { return err }
