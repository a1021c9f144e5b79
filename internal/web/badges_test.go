package web_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"peerpath/internal/credential"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// checkFile posts a credential file to the public check page.
func checkFile(t *testing.T, app *testkit.App, c *testkit.Client, data []byte) testkit.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", "credential.json")
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, app.HTTP.URL+"/credentials/check", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Do(req)
}

// TestCertificateCredentialEndpoints downloads a certificate's credential
// in both forms, verifies them over HTTP against the published issuer
// profile and status list as any verifier would, drops a tampered copy on
// the check page, and revokes the certificate.
func TestCertificateCredentialEndpoints(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Badge RLC")
	f := makeCohort(t, app, tm)
	f.complete(t, app, tm)
	cert := testkit.Must[store.Certificate](t)(app.IssueCertificate(t.Context(), testkit.Actor(tm.Trainer), f.Cohort.ID, f.Participant.ID, ""))
	anon := app.Client(t)
	code := cert.GroupedCode()

	res := anon.Get("/api/v1/certificates/" + code + "/credential")
	if res.Status != 200 || res.Header.Get("Content-Type") != "application/ld+json" || !strings.Contains(res.Header.Get("Content-Disposition"), "certificate-"+code+".json") {
		t.Fatalf("credential: %d %v %s", res.Status, res.Header, res.Body)
	}
	jwtRes := anon.Get("/api/v1/certificates/" + strings.ToLower(cert.Code) + "/credential.jwt")
	if jwtRes.Status != 200 || jwtRes.Header.Get("Content-Type") != "application/vc+jwt" {
		t.Fatalf("JWT: %d %s", jwtRes.Status, jwtRes.Body)
	}
	var doc map[string]any
	res.JSON(t, &doc)
	issuer := doc["issuer"].(map[string]any)["id"].(string)
	if issuer != app.HTTP.URL+"/credentials/issuers/"+itoa(tm.Org.ID) {
		t.Fatalf("issuer %s", issuer)
	}
	profile := anon.Get(strings.TrimPrefix(issuer, app.HTTP.URL))
	if profile.Status != 200 || !strings.Contains(profile.Body, `"publicKeyMultibase": "z6Mk`) || !strings.Contains(profile.Body, `"Multikey"`) {
		t.Fatalf("issuer profile: %d %s", profile.Status, profile.Body)
	}

	// Any verifier: keys and the status list fetched over HTTP.
	web := credential.WebResolver{Client: app.HTTP.Client()}
	now := app.Clock.Now()
	for _, raw := range []string{res.Body, jwtRes.Body} {
		if rep := credential.Verify(t.Context(), []byte(raw), web, now); !rep.OK() || rep.Recipient != "José Ñúñez" {
			t.Fatalf("verifying over HTTP: %+v", rep.Checks)
		}
	}

	// The check page: valid, then one character changed.
	page := testkit.Text(checkFile(t, app, anon, []byte(res.Body)).Body)
	if !strings.Contains(page, "This credential is valid.") || !strings.Contains(page, "José Ñúñez") {
		t.Fatalf("check page: %s", page)
	}
	tampered := strings.Replace(res.Body, "José Ñúñez", "José Ñúñex", 1)
	if rep := credential.Verify(t.Context(), []byte(tampered), web, now); rep.Failed() != "signature" {
		t.Errorf("tampered: %+v", rep.Checks)
	}
	bad := checkFile(t, app, anon, []byte(tampered))
	if text := testkit.Text(bad.Body); bad.Status != 200 || !strings.Contains(text, "the signature check failed") {
		t.Errorf("check page with a tampered credential: %d %s", bad.Status, text)
	}
	if empty := checkFile(t, app, anon, nil); empty.Status != http.StatusUnprocessableEntity || !strings.Contains(empty.Body, "Choose a credential file") {
		t.Errorf("check page without a file: %d", empty.Status)
	}

	// The verification page offers the downloads.
	v := anon.Get("/verify/" + code)
	for _, want := range []string{"Download credential", "Add to wallet", "/api/v1/certificates/" + code + "/credential"} {
		if !strings.Contains(v.Body, want) {
			t.Errorf("verification page lacks %q", want)
		}
	}

	// Revoked: 410 with a JSON error; the list says so to every verifier.
	admin := app.APIClient(t, tm.Admin)
	if r := admin.Send(http.MethodPost, "/api/v1/cohorts/"+itoa(f.Cohort.ID)+"/participants/"+itoa(f.Participant.ID)+"/certificate/revoke", map[string]string{"reason": "Name misspelt"}); r.Status != 200 {
		t.Fatalf("revoking: %d %s", r.Status, r.Body)
	}
	for _, p := range []string{"/credential", "/credential.jwt"} {
		if r := anon.Get("/api/v1/certificates/" + code + p); r.Status != http.StatusGone || !strings.Contains(r.Body, `"code":"gone"`) {
			t.Errorf("revoked %s: %d %s", p, r.Status, r.Body)
		}
	}
	if rep := credential.Verify(t.Context(), []byte(res.Body), web, now); rep.Failed() != "status" {
		t.Errorf("revoked credential: %+v", rep.Checks)
	}
	if text := testkit.Text(checkFile(t, app, anon, []byte(jwtRes.Body)).Body); !strings.Contains(text, "the status check failed") || !strings.Contains(text, "revoked") {
		t.Errorf("check page, revoked: %s", text)
	}
	var api map[string]any
	anon.Get("/api/v1/certificates/"+code).JSON(t, &api)
	if api["status"] != "revoked" {
		t.Errorf("verification API after revoking: %v", api)
	}
	list := anon.Get("/credentials/status/" + itoa(tm.Org.ID))
	var l map[string]any
	if err := json.Unmarshal([]byte(list.Body), &l); err != nil || list.Status != 200 {
		t.Fatalf("status list: %d %v", list.Status, err)
	}
	bits, err := credential.DecodeList(l["credentialSubject"].(map[string]any)["encodedList"].(string))
	if on, _ := credential.BitSet(bits, cert.StatusIndex); err != nil || !on {
		t.Errorf("the certificate's bit is not set: %v", err)
	}

	// Unknown codes and issuers.
	for _, p := range []string{"/api/v1/certificates/AAAA-AAAA-AAAA-AAAA-AAAA/credential", "/api/v1/certificates/nonsense/credential.jwt"} {
		if r := anon.Get(p); r.Status != http.StatusNotFound || !strings.Contains(r.Body, `"code":"not_found"`) {
			t.Errorf("%s: %d %s", p, r.Status, r.Body)
		}
	}
	for _, p := range []string{"/credentials/issuers/99999", "/credentials/status/x"} {
		if r := anon.Get(p); r.Status != http.StatusNotFound {
			t.Errorf("%s: %d", p, r.Status)
		}
	}
}

// TestCredentialsAreRateLimitedLikeVerification: the credential, its JWT,
// the issuer profile and the status list count against the same public
// allowance per address as verification.
func TestCredentialsAreRateLimitedLikeVerification(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Limited RLC")
	f := makeCohort(t, app, tm)
	f.complete(t, app, tm)
	cert := testkit.Must[store.Certificate](t)(app.IssueCertificate(t.Context(), testkit.Actor(tm.Trainer), f.Cohort.ID, f.Participant.ID, ""))
	anon := app.Client(t)
	paths := []string{"/api/v1/certificates/" + cert.Code + "/credential", "/api/v1/certificates/" + cert.Code + "/credential.jwt",
		"/credentials/issuers/" + itoa(tm.Org.ID), "/credentials/status/" + itoa(tm.Org.ID), "/verify/" + cert.GroupedCode()}
	for i := range 30 {
		if r := anon.Get(paths[i%len(paths)]); r.Status != 200 {
			t.Fatalf("lookup %d (%s): %d", i+1, paths[i%len(paths)], r.Status)
		}
	}
	r := anon.Get(paths[0])
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || !strings.Contains(r.Body, `"code":"rate_limited"`) {
		t.Fatalf("lookup 31: %d %s", r.Status, r.Body)
	}
	if r := anon.Get(paths[2]); r.Status != http.StatusTooManyRequests {
		t.Fatalf("issuer profile over the limit: %d", r.Status)
	}
}
