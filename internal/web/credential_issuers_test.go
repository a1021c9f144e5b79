package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
	"peerpath/internal/workforce"
)

// An administrator says whether the organisation certifies each credential
// (off by default) and enters its renewal rules (peerpath ships none); a
// credential recorded afterwards follows them, one recorded before keeps its
// dates and says its rule is not set.
func TestCredentialIssuersAndRenewalRules(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Issuers")
	admin := app.SessionClient(t, tm.Admin)
	ctx := t.Context()
	oldID, err := app.AddCredential(ctx, testkit.Actor(tm.Peer), tm.Peer.ID, store.NewCredential{Kind: workforce.CredentialCPS, Issuer: "Transformation Center", IssuedOn: "2024-03-01", ExpiresOn: "2027-03-01"})
	if err != nil {
		t.Fatal(err)
	}

	page := testkit.Text(admin.Get("/admin/credentials").Body)
	if strings.Count(page, "Renewal rule not set") != len(workforce.CredentialKinds) || strings.Contains(page, "20 hours") {
		t.Fatalf("peerpath ships no renewal rule, yet the page says:\n%s", page)
	}
	if strings.Contains(admin.Get("/admin/credentials").Body, "checked") {
		t.Fatal("the organisation starts as the certifying body of something")
	}

	// A period without hours is refused beside the field, with what was typed kept.
	res := admin.PostForm("/admin/credentials", url.Values{"cps.period_months": {"24"}, "cps.hours": {"lots"}, "cps.ethics_hours": {"6"}, "cps.certifies": {"on"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `value="lots"`) || !strings.Contains(res.Body, "Enter the hours as a number") {
		t.Fatalf("a bad rule: %d %s", res.Status, testkit.Text(res.Body))
	}
	if strings.Count(res.Body, "checked") != 1 {
		t.Fatal("the certifying-body choice was not kept")
	}
	res = admin.PostForm("/admin/credentials", url.Values{"cps.period_months": {"24"}, "cps.hours": {"20"}, "cps.ethics_hours": {"6"}, "cps.certifies": {"on"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("saving: %d %s", res.Status, testkit.Text(res.Body))
	}
	page = testkit.Text(admin.Follow(res).Body)
	for _, want := range []string{"Your organisation's rule: 20 hours of continuing education every 24 months, 6 of them on ethics", "On: completing one of your course cohorts records this credential"} {
		if !strings.Contains(page, want) {
			t.Errorf("the saved settings lack %q:\n%s", want, page)
		}
	}
	if n := strings.Count(page, "Renewal rule not set"); n != len(workforce.CredentialKinds)-1 {
		t.Errorf("%d kinds without a rule, want %d", n, len(workforce.CredentialKinds)-1)
	}
	bodies, _ := app.CertifyingBodies(ctx, tm.Org.ID)
	if !bodies[workforce.CredentialCPS] || bodies[workforce.CredentialRecoveryCoach] {
		t.Fatalf("certifying bodies: %v", bodies)
	}
	if res := app.SessionClient(t, tm.Peer).PostForm("/admin/credentials", url.Values{"cps.period_months": {"0"}}); res.Status != http.StatusForbidden {
		t.Fatalf("a peer changing the settings: %d", res.Status)
	}

	// The credential recorded before keeps its dates, and its rule is "not set".
	base := "/workers/" + itoa(tm.Peer.ID)
	peer := app.SessionClient(t, tm.Peer)
	old := testkit.Text(peer.Get(base + "/credentials/" + itoa(oldID)).Body)
	for _, want := range []string{"Renewal rule Renewal rule not set", "by Transformation Center", "1 Mar 2027"} {
		if !strings.Contains(old, want) {
			t.Errorf("the older credential lacks %q:\n%s", want, old)
		}
	}
	// One recorded now, without an expiry date, gets it from the rule.
	api := app.APIClient(t, tm.Peer)
	res = api.Send(http.MethodPost, "/api/v1"+base+"/credentials", map[string]any{"kind": "cps", "issuer": "Transformation Center", "issued_on": "2026-02-01"})
	if res.Status != http.StatusCreated || !strings.Contains(res.Body, `"expires_on":"2028-02-01"`) || !strings.Contains(res.Body, `"renewal_rule_set":true`) {
		t.Fatalf("a credential under the rule: %d %s", res.Status, res.Body)
	}
	// The form asks for the issuer and keeps what was typed.
	res = peer.PostForm(base+"/credentials/new", url.Values{"kind": {"cps"}, "number": {"CPS-77"}, "issued_on": {"2026-01-02"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Name the body that granted the credential") || !strings.Contains(res.Body, `value="CPS-77"`) {
		t.Fatalf("a credential without its issuer: %d %s", res.Status, testkit.Text(res.Body))
	}
}
