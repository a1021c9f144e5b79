package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// Issue 15, defect 1: next= after sign-in and after the second factor must
// never leave the site, whatever a browser forgives in a Location header.
func TestSignInNextStaysOnTheSite(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Next")
	bad := []string{
		"//evil.example/", "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/\\evil.example",
		"/\\\\evil.example", "\\/evil.example", "/x\\y", "https://evil.example/", "http:/evil.example",
		"/\x00/evil.example", "/\x7f/evil.example", "evil.example", "javascript:alert(1)", "/\u200b/evil.example",
		"/%2F/evil.example", "/\u2028/evil.example",
	}
	for _, next := range bad {
		res := app.Client(t).PostForm("/login", url.Values{"email": {tm.Peer.Email}, "password": {testkit.Password}, "next": {next}})
		if res.Status != http.StatusSeeOther || res.Location() != "/" {
			t.Errorf("next=%q: %d went to %q", next, res.Status, res.Location())
		}
		page := app.Client(t).Get("/login?next=" + url.QueryEscape(next))
		if strings.Contains(page.Body, "evil.example") {
			t.Errorf("next=%q is carried into the sign-in form", next)
		}
	}
	for _, good := range []string{"/settings", "/people?q=ann", "/people/12#goals"} {
		res := app.Client(t).PostForm("/login", url.Values{"email": {tm.Peer.Email}, "password": {testkit.Password}, "next": {good}})
		if res.Location() != good {
			t.Errorf("next=%q went to %q", good, res.Location())
		}
	}
}

// Issue 15, defect 3: when the organisation requires it, an administrator
// without a second factor reaches only its set-up, by session and by token;
// and the organisation may require one of everyone who sees records about
// people.
func TestSecondFactorRequiredGuardsEverything(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Guarded")
	admin := app.SessionClient(t, tm.Admin)
	adminAPI := app.APIClient(t, tm.Admin)
	if res := admin.PostForm("/admin/organisation", url.Values{"name": {tm.Org.Name}, "require_admin_mfa": {"on"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("turning the rule on: %d", res.Status)
	}
	pages := []string{"/", "/people", "/team", "/team/development.csv", "/cohorts", "/cohorts/reports.csv", "/admin/users", "/settings/tokens", "/resources/export.csv"}
	for _, path := range pages {
		if res := admin.Get(path); res.Status != http.StatusSeeOther || res.Location() != "/settings/security" {
			t.Errorf("admin without a second factor, %s: %d %q", path, res.Status, res.Location())
		}
	}
	for _, path := range []string{"/api/v1/people", "/api/v1/me", "/api/v1/users", "/api/v1/tokens"} {
		if res := adminAPI.Get(path); res.Status != http.StatusForbidden || !strings.Contains(res.Body, "second factor") {
			t.Errorf("admin token without a second factor, %s: %d %s", path, res.Status, res.Body)
		}
	}
	if res := admin.PostForm("/settings/tokens", url.Values{"name": {"sneaky"}}); res.Status != http.StatusForbidden {
		t.Errorf("a form from an admin without a second factor: %d", res.Status)
	}
	// Others are not asked by this rule.
	if res := app.SessionClient(t, tm.Peer).Get("/people"); res.Status != http.StatusOK {
		t.Fatalf("a peer worker under the administrators' rule: %d", res.Status)
	}
	// The set-up itself and signing out stay reachable; with a second
	// factor everything opens again, at once.
	if res := admin.Get("/settings/security"); res.Status != http.StatusOK {
		t.Fatalf("the set-up page: %d", res.Status)
	}
	enrolTOTP(t, app, admin)
	if res := admin.Get("/people"); res.Status != http.StatusOK {
		t.Fatalf("after setting up a second factor: %d", res.Status)
	}
	if res := adminAPI.Get("/api/v1/people"); res.Status != http.StatusOK {
		t.Fatalf("the token after setting up a second factor: %d", res.Status)
	}

	// Everyone who sees records about people.
	if res := admin.PostForm("/admin/organisation", url.Values{"name": {tm.Org.Name}, "require_admin_mfa": {"on"}, "require_people_mfa": {"on"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("turning the people rule on: %d", res.Status)
	}
	if page := admin.Get("/admin/organisation"); !strings.Contains(page.Body, `id="f-require_people_mfa" name="require_people_mfa" checked`) {
		t.Error("the settings page does not show the people rule as on")
	}
	for _, u := range []store.User{tm.Peer, tm.Supervisor} {
		if res := app.SessionClient(t, u).Get("/people"); res.Status != http.StatusSeeOther || res.Location() != "/settings/security" {
			t.Errorf("%s without a second factor: %d %q", u.Name, res.Status, res.Location())
		}
		if res := app.APIClient(t, u).Get("/api/v1/people"); res.Status != http.StatusForbidden {
			t.Errorf("%s's token without a second factor: %d", u.Name, res.Status)
		}
	}
	// A trainer sees no records about people: not asked.
	if res := app.SessionClient(t, tm.Trainer).Get("/cohorts"); res.Status != http.StatusOK {
		t.Fatalf("a trainer under the people rule: %d", res.Status)
	}
	if res := app.SessionClient(t, tm.Peer).PostForm("/logout", nil); res.Status != http.StatusSeeOther || res.Location() != "/login" {
		t.Fatalf("signing out without a second factor: %d %q", res.Status, res.Location())
	}
}
