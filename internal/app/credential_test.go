package app_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestCredentialVerifyCommand loads the demo, downloads a certificate's
// credential in both forms and checks them with `peerpath credential
// verify`, offline against this installation's database: valid, altered by
// one character, and revoked.
func TestCredentialVerifyCommand(t *testing.T) {
	env := fresh(t)
	if r := run(t, env, "", "demo"); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	info, err := os.Stat(filepath.Join(env["PEERPATH_DATA_DIR"], "credential.key"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("credential key: %v %v", info, err)
	}
	s := openStore(t, env)
	ctx := t.Context()
	adminUser, err := s.UserByEmail(ctx, "dana.admin@riverbend.demo")
	if err != nil {
		t.Fatal(err)
	}
	admin := testkit.Actor(adminUser)
	var cohortID, pid int64
	var cert store.Certificate
	cohorts := testkit.Must[store.List[store.CohortSummary]](t)(s.ListCohorts(ctx, admin, store.Page{Limit: 100}))
	for _, c := range cohorts.Items {
		page := testkit.Must[store.CohortPage](t)(s.CohortParticipants(ctx, admin, c.ID, store.Page{Limit: 100}))
		for _, p := range page.Participants.Items {
			if p.Certificate != nil && cert.Code == "" {
				cohortID, pid, cert = c.ID, p.ID, *p.Certificate
			}
		}
	}
	if cert.Code == "" {
		t.Fatal("the demo has no certificate")
	}
	const base = "https://peerpath.example.org"
	ic := testkit.Must[store.IssuedCredential](t)(s.CertificateCredential(ctx, cert.Code, base, ""))
	doc, err := ic.JSONLD()
	if err != nil {
		t.Fatal(err)
	}
	jwt, err := ic.JWT()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	raw := string(testkit.Must[[]byte](t)(json.MarshalIndent(doc, "", "  ")))
	ld, jw := write("c.json", raw), write("c.jwt", jwt)
	for _, f := range []string{ld, jw} {
		if r := run(t, env, "", "credential", "verify", "--base-url", base, "--offline", f); r.code != 0 || !strings.Contains(r.out, "VALID") || !strings.Contains(r.out, cert.Recipient) {
			t.Fatalf("verify %s: %+v", filepath.Base(f), r)
		}
	}
	tampered := write("t.json", strings.Replace(raw, cert.Recipient, cert.Recipient+".", 1))
	if r := run(t, env, "", "credential", "verify", "--base-url", base, "--offline", tampered); r.code != 1 || !strings.Contains(r.out, "NOT VALID: the signature check failed") {
		t.Fatalf("tampered: %+v", r)
	}
	// Offline, a credential naming another server cannot be checked.
	if r := run(t, env, "", "credential", "verify", "--base-url", "https://other.example.org", "--offline", ld); r.code != 1 || !strings.Contains(r.out, "FAILED signature") {
		t.Fatalf("another server's credential offline: %+v", r)
	}
	if r := run(t, env, "", "credential", "verify", "--offline", ld); r.code != 2 {
		t.Fatalf("--offline without --base-url: %+v", r)
	}
	if r := run(t, env, "", "credential", "verify"); r.code != 2 {
		t.Fatalf("no file: %+v", r)
	}
	testkit.Must[store.Certificate](t)(s.RevokeCertificate(ctx, admin, cohortID, pid, "Issued to the wrong cohort"))
	if r := run(t, env, "", "credential", "verify", "--base-url", base, "--offline", jw); r.code != 1 || !strings.Contains(r.out, "NOT VALID: the status check failed") || !strings.Contains(r.out, "revoked") {
		t.Fatalf("revoked: %+v", r)
	}

	// A credential key that is not the one credentials were signed with
	// stops the server from starting; so does a missing one.
	keyPath := filepath.Join(env["PEERPATH_DATA_DIR"], "credential.key")
	if err := os.Rename(keyPath, keyPath+".bak"); err != nil {
		t.Fatal(err)
	}
	if r := run(t, env, "", "token", "create", "--email", "dana.admin@riverbend.demo", "--name", "t"); r.code != 1 || !strings.Contains(r.errOut, "no credential key") {
		t.Fatalf("missing credential key: %+v", r)
	}
	if err := os.WriteFile(keyPath, []byte("another credential key, quite long enough 0123456789\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := run(t, env, "", "token", "create", "--email", "dana.admin@riverbend.demo", "--name", "t"); r.code != 1 || !strings.Contains(r.errOut, "is not the one organisation") {
		t.Fatalf("another credential key: %+v", r)
	}
}
