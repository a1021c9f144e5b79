package store_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/credential"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestCertificateCredentialSignsAndRevokes issues two certificates, checks
// their credentials against this installation's own keys and status list,
// revokes one and sees its bit set for the list, the verification lookup
// and the credential endpoint alike.
func TestCertificateCredentialSignsAndRevokes(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Credentials")
	other := db.NewTeam(t, "Elsewhere")
	tr, admin := testkit.Actor(tm.Trainer), testkit.Actor(tm.Admin)
	c, sessions := cpsCohort(t, db, tm, 5, 2)
	p1 := add(t, db, tr, c.ID, "Amal Haddad")
	p2 := add(t, db, tr, c.ID, "Minji Park")
	completeAll(t, db, tr, c, sessions, p1)
	completeAll(t, db, tr, c, sessions, p2)
	cert1 := testkit.Must[store.Certificate](t)(db.IssueCertificate(ctx, tr, c.ID, p1.ID, ""))
	cert2 := testkit.Must[store.Certificate](t)(db.IssueCertificate(ctx, tr, c.ID, p2.ID, ""))
	if cert1.StatusIndex != 0 || cert2.StatusIndex != 1 {
		t.Fatalf("status indexes %d, %d: each organisation numbers its own from 0", cert1.StatusIndex, cert2.StatusIndex)
	}
	const base = "https://peerpath.example"
	res := db.LocalResolver(base)
	now := time.Now()

	ic := testkit.Must[store.IssuedCredential](t)(db.CertificateCredential(ctx, cert1.GroupedCode(), base, "203.0.113.9"))
	signed, err := ic.JSONLD()
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(signed)
	for _, want := range []string{`"OpenBadgeCredential"`, `"AchievementSubject"`, `"identityHash":"Amal Haddad"`, `"BitstringStatusListEntry"`,
		`"statusListIndex":"0"`, `"eddsa-rdfc-2022"`, "Credentials's rule: to complete, a participant must attend at least 85 %"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("credential lacks %s: %s", want, raw)
		}
	}
	if rep := credential.Verify(ctx, raw, res, now); !rep.OK() {
		t.Fatalf("fresh credential: %+v", rep.Checks)
	}
	jwt, err := ic.JWT()
	if err != nil {
		t.Fatal(err)
	}
	if rep := credential.Verify(ctx, []byte(jwt), res, now); !rep.OK() {
		t.Fatalf("fresh JWT: %+v", rep.Checks)
	}
	// The other organisation's resolver key is another key: its profile
	// cannot vouch for this credential.
	profile := testkit.Must[credential.IssuerProfile](t)(db.IssuerProfile(ctx, other.Org.ID, base))
	mine := testkit.Must[credential.IssuerProfile](t)(db.IssuerProfile(ctx, tm.Org.ID, base))
	if profile.VerificationMethod[0].PublicKeyMultibase == mine.VerificationMethod[0].PublicKeyMultibase {
		t.Error("two organisations share a key")
	}
	if _, err := db.IssuerProfile(ctx, 987654, base); core.KindOf(err) != core.KindNotFound {
		t.Errorf("unknown issuer: %v", err)
	}
	if err := db.CheckCredentialKey(ctx); err != nil {
		t.Errorf("the key the credentials were signed with: %v", err)
	}

	// Revoking flips the bit: the credential now fails its status check,
	// verification says revoked, and the credential is no longer given.
	testkit.Must[store.Certificate](t)(db.RevokeCertificate(ctx, admin, c.ID, p1.ID, "Name misspelt"))
	if rep := credential.Verify(ctx, raw, res, now); rep.Failed() != "status" {
		t.Errorf("revoked credential: %+v", rep.Checks)
	}
	if rep := credential.Verify(ctx, []byte(jwt), res, now); rep.Failed() != "status" {
		t.Errorf("revoked JWT: %+v", rep.Checks)
	}
	if v := testkit.Must[store.PublicCertificate](t)(db.VerifyCertificate(ctx, cert1.GroupedCode(), "")); !v.Revoked || v.RevokedOn == "" {
		t.Errorf("verification after revoking: %+v", v)
	}
	if _, err := db.CertificateCredential(ctx, cert1.GroupedCode(), base, ""); core.KindOf(err) != core.KindGone {
		t.Errorf("revoked credential: %v", err)
	}
	if _, err := db.CertificateCredential(ctx, "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ", base, ""); core.KindOf(err) != core.KindNotFound {
		t.Errorf("unknown code: %v", err)
	}
	list := testkit.Must[map[string]any](t)(db.StatusList(ctx, tm.Org.ID, base))
	bits, err := credential.DecodeList(list["credentialSubject"].(map[string]any)["encodedList"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if on, _ := credential.BitSet(bits, 0); !on {
		t.Error("bit 0 not set after revoking")
	}
	if on, _ := credential.BitSet(bits, 1); on {
		t.Error("bit 1 set though its certificate stands")
	}
	ic2 := testkit.Must[store.IssuedCredential](t)(db.CertificateCredential(ctx, cert2.GroupedCode(), base, ""))
	signed2, _ := ic2.JSONLD()
	raw2, _ := json.Marshal(signed2)
	if rep := credential.Verify(ctx, raw2, res, now); !rep.OK() {
		t.Errorf("the other certificate: %+v", rep.Checks)
	}
	// A credential naming another server is not checked against ours.
	foreign := strings.ReplaceAll(string(raw2), base, "https://elsewhere.example")
	if rep := credential.Verify(ctx, []byte(foreign), res, now); rep.Failed() != "signature" || !strings.Contains(rep.Checks[len(rep.Checks)-1].Detail, "not issued by this peerpath") {
		t.Errorf("foreign: %+v", rep.Checks)
	}

	// Issuing again after the revocation takes the next bit.
	again := testkit.Must[store.Certificate](t)(db.IssueCertificate(ctx, tr, c.ID, p1.ID, ""))
	if again.StatusIndex != 2 {
		t.Errorf("reissued certificate's index %d", again.StatusIndex)
	}
}
