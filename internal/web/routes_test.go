package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"peerpath/internal/auth"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// concrete fills a route pattern's wildcards with values that name nothing,
// so a sweep exercises the permission check without changing any record.
func concrete(pattern string) string {
	r := strings.NewReplacer("{$}", "", "{hash}", "0", "{path...}", "app.css", "{code}", "NOSUCHCODE", "{term}", "nosuchterm", "{key}", "nosuchkey")
	// Any other wildcard is a record id ({id}, {pid}, {sid}, …): one that does not exist.
	return wildcard.ReplaceAllString(r.Replace(pattern), "999999")
}

var wildcard = regexp.MustCompile(`\{[a-z_]+\}`)

func TestEveryRouteDeclaresAKnownPermission(t *testing.T) {
	app := testkit.NewApp(t)
	for _, r := range app.Server.RouteList() {
		if !auth.Known(r.Perm) {
			t.Errorf("%s %s: permission %q is not declared", r.Method, r.Pattern, r.Perm)
		}
		if r.API && !r.Documented {
			t.Errorf("%s %s: an API route without OpenAPI documentation", r.Method, r.Pattern)
		}
	}
}

// TestDenyByDefault walks every route: without a sign-in, pages redirect to
// the sign-in page and the API answers 401; with a sign-in, a role without
// the route's permission gets 403 and a role with it never does.
func TestDenyByDefault(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Sweep")
	anon := app.Client(t)
	for _, r := range app.Server.RouteList() {
		if r.Perm == auth.PermPublic {
			continue
		}
		path := concrete(r.Pattern)
		res := anon.Send(r.Method, path, nil)
		if r.API {
			if res.Status != http.StatusUnauthorized || !strings.Contains(res.Body, `"code":"unauthenticated"`) {
				t.Errorf("anonymous %s %s: %d %s, want 401 JSON", r.Method, path, res.Status, res.Body)
			}
		} else if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location(), "/login") {
			t.Errorf("anonymous %s %s: %d to %q, want 303 to /login", r.Method, path, res.Status, res.Location())
		}
	}
	users := map[auth.Role]store.User{auth.RolePeer: tm.Peer, auth.RoleSupervisor: tm.Supervisor, auth.RoleTrainer: tm.Trainer, auth.RoleAdmin: tm.Admin}
	for role, u := range users {
		for _, r := range app.Server.RouteList() {
			if r.Perm == auth.PermPublic || strings.HasSuffix(r.Pattern, "/logout") || strings.HasSuffix(r.Pattern, "sign-out-everywhere") {
				continue
			}
			// A fresh session per request: some routes end sessions.
			c := app.SessionClient(t, u)
			if r.API {
				c = app.APIClient(t, u)
			}
			path := concrete(r.Pattern)
			res := c.Send(r.Method, path, nil)
			allowed := auth.Allows([]auth.Role{role}, r.Perm)
			if allowed && res.Status == http.StatusForbidden {
				t.Errorf("%s: %s %s refused (403) but the role has %s", role, r.Method, path, r.Perm)
			}
			if !allowed && res.Status != http.StatusForbidden {
				t.Errorf("%s: %s %s answered %d, want 403 (needs %s)", role, r.Method, path, res.Status, r.Perm)
			}
			if res.Status >= 500 {
				t.Errorf("%s: %s %s answered %d:\n%s", role, r.Method, path, res.Status, testkit.Text(res.Body))
			}
		}
	}
}

// TestPortalAccountReachesOnlyThePortal sweeps every route as a person
// signed in to their own portal: every staff route answers 404 (as if it did
// not exist), the portal's routes never refuse them, and staff get 403 on
// the portal (TestDenyByDefault).
func TestPortalAccountReachesOnlyThePortal(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Portal sweep")
	p := testkit.Must[store.Person](t)(app.CreatePerson(t.Context(), testkit.Actor(tm.Peer), store.PersonInput{PreferredName: "Sweep Person"}))
	u := app.NewPortalUser(t, testkit.Actor(tm.Peer), p.ID)
	shared := map[string]bool{"GET /{$}": true, "POST /logout": true, "GET /settings/security": true, "POST /settings/security/totp": true,
		"POST /settings/security/totp/confirm": true, "POST /settings/security/totp/disable": true, "POST /settings/security/recovery-codes": true,
		"POST /settings/security/sign-out-everywhere": true, "POST /settings/password": true}
	portal := 0
	for _, r := range app.Server.RouteList() {
		if r.Perm == auth.PermPublic || shared[r.Method+" "+r.Pattern] {
			continue
		}
		c := app.SessionClient(t, u)
		if r.API {
			c = app.APIClient(t, u)
		}
		path := concrete(r.Pattern)
		res := c.Send(r.Method, path, nil)
		if r.Perm == auth.PermPortal {
			portal++
			if res.Status == http.StatusForbidden || res.Status >= 500 {
				t.Errorf("portal: %s %s answered %d", r.Method, path, res.Status)
			}
			continue
		}
		if res.Status != http.StatusNotFound {
			t.Errorf("portal account: staff route %s %s answered %d, want 404", r.Method, path, res.Status)
		}
	}
	if portal < 20 {
		t.Errorf("only %d portal routes swept", portal)
	}
}

func TestUnknownPathsAreNotFoundPages(t *testing.T) {
	app := testkit.NewApp(t)
	res := app.Client(t).Get("/no/such/page")
	if res.Status != http.StatusNotFound || !strings.Contains(res.Body, "We could not find that") {
		t.Fatalf("unknown page: %d %s", res.Status, testkit.Text(res.Body))
	}
	res = app.Client(t).Get("/api/v1/no-such-thing")
	if res.Status != http.StatusNotFound || !strings.Contains(res.Body, `"code":"not_found"`) {
		t.Fatalf("unknown API path: %d %s", res.Status, res.Body)
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Headers")
	c := app.SessionClient(t, tm.Admin)
	for _, path := range []string{"/", "/login", "/healthz", "/admin/users", "/no/such/page", "/api/v1/me"} {
		res := c.Get(path)
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("%s: missing nosniff or referrer policy", path)
		}
		if res.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s: no request id", path)
		}
		if path != "/healthz" && res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", path, res.Header.Get("Cache-Control"))
		}
	}
	// Static files are cached for a year under their hashed name.
	res := app.Client(t).Get("/login")
	start := strings.Index(res.Body, "/static/")
	href := res.Body[start : start+strings.Index(res.Body[start:], `"`)]
	st := c.Get(href)
	if st.Status != 200 || !strings.Contains(st.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("static %s: %d %q", href, st.Status, st.Header.Get("Cache-Control"))
	}
}

func TestCrossOriginPostsAreRefused(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "CSRF")
	c := app.SessionClient(t, tm.Admin)
	form := strings.NewReader("name=Hijacked&require_admin_mfa=on")
	req, _ := http.NewRequest(http.MethodPost, app.HTTP.URL+"/admin/organisation", form)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	res := c.Do(req)
	if res.Status != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d", res.Status)
	}
	o, _ := app.Organisation(t.Context(), tm.Org.ID)
	if o.Name != tm.Org.Name {
		t.Fatal("a cross-site POST changed the organisation")
	}
	// The same form from the same origin goes through.
	req, _ = http.NewRequest(http.MethodPost, app.HTTP.URL+"/admin/organisation", strings.NewReader("name=Renamed+RLC"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if res := c.Do(req); res.Status != http.StatusSeeOther {
		t.Fatalf("same-origin POST: %d %s", res.Status, testkit.Text(res.Body))
	}
}
