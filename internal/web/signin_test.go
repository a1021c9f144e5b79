package web_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"peerpath/internal/auth"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
	"peerpath/internal/web"
)

func TestSignInAndOut(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Sign in")
	c := app.Client(t)
	if res := c.Get("/"); res.Status != http.StatusSeeOther || res.Location() != "/login?next=%2F" {
		t.Fatalf("home without a session: %d %q", res.Status, res.Location())
	}
	res := c.PostForm("/login", url.Values{"email": {tm.Peer.Email}, "password": {testkit.Password}, "next": {"/settings"}})
	if res.Status != http.StatusSeeOther || res.Location() != "/settings" {
		t.Fatalf("sign in: %d %q", res.Status, res.Location())
	}
	cookie := res.Header.Get("Set-Cookie")
	for _, want := range []string{"peerpath_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Errorf("plain-HTTP cookie is Secure, so local use would break: %q", cookie)
	}
	if home := c.Get("/"); home.Status != 200 || !strings.Contains(home.Body, "Hello, Pat Peer") {
		t.Fatalf("home after sign-in: %d", home.Status)
	}
	// An open redirect is refused: next must stay on the site.
	res = app.Client(t).PostForm("/login", url.Values{"email": {tm.Peer.Email}, "password": {testkit.Password}, "next": {"//evil.example/"}})
	if res.Location() != "/" {
		t.Fatalf("next=//evil.example went to %q", res.Location())
	}
	if res := c.PostForm("/logout", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("sign out: %d", res.Status)
	}
	if res := c.Get("/"); res.Status != http.StatusSeeOther {
		t.Fatalf("home after sign-out: %d", res.Status)
	}
}

func TestSecureCookieBehindTLSProxy(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Proxy")
	srv, err := web.New(web.Config{Store: db.Store, Clock: db.Clock, Logger: slog.New(slog.DiscardHandler), BehindTLSProxy: true})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(url.Values{"email": {tm.Peer.Email}, "password": {testkit.Password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, req)
	cookie := w.Header().Get("Set-Cookie")
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(cookie, "__Host-peerpath=") || !strings.Contains(cookie, "Secure") {
		t.Fatalf("behind a TLS proxy: %d cookie %q", w.Code, cookie)
	}
	if !strings.Contains(w.Header().Get("Strict-Transport-Security"), "max-age") {
		t.Error("no HSTS over HTTPS")
	}
	l, _ := db.ListAudit(t.Context(), tm.Org.ID, store.AuditFilter{UserID: tm.Peer.ID}, store.Page{})
	if len(l.Items) == 0 || l.Items[0].IP != "203.0.113.9" {
		t.Fatalf("audit should record the forwarded address: %+v", l.Items)
	}
}

func TestSignInFailureIsGeneric(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Generic")
	wrong := app.Client(t).PostForm("/login", url.Values{"email": {tm.Peer.Email}, "password": {"not the right one"}})
	unknown := app.Client(t).PostForm("/login", url.Values{"email": {"nobody@nowhere.test"}, "password": {"not the right one"}})
	msg := "The email address or password is not right."
	for name, res := range map[string]testkit.Response{"wrong password": wrong, "unknown email": unknown} {
		if res.Status != http.StatusUnauthorized || !strings.Contains(res.Body, msg) {
			t.Errorf("%s: %d %s", name, res.Status, testkit.Text(res.Body))
		}
	}
	if !strings.Contains(wrong.Body, `value="`+tm.Peer.Email+`"`) {
		t.Error("the email typed was not kept in the form")
	}
	if strings.Contains(wrong.Body, "not the right one") {
		t.Error("the password typed was sent back into the page")
	}
	empty := app.Client(t).PostForm("/login", url.Values{"email": {""}, "password": {""}})
	if empty.Status != http.StatusUnprocessableEntity || !strings.Contains(empty.Body, "Enter your email address.") || !strings.Contains(empty.Body, `aria-invalid="true"`) {
		t.Errorf("empty form: %d %s", empty.Status, testkit.Text(empty.Body))
	}
}

func TestLockoutPage(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Lock")
	var res testkit.Response
	for i := 0; i < store.PairFreeFailures; i++ {
		res = app.Client(t).PostForm("/login", url.Values{"email": {tm.Peer.Email}, "password": {"wrong password!!"}})
	}
	if res.Status != http.StatusTooManyRequests || !strings.Contains(res.Body, "Too many failed sign-ins") || res.Header.Get("Retry-After") != "30" {
		t.Fatalf("after %d failures: %d %q %s", store.PairFreeFailures, res.Status, res.Header.Get("Retry-After"), testkit.Text(res.Body))
	}
	// While it waits, even the right password is not checked.
	if res := app.Client(t).PostForm("/login", url.Values{"email": {tm.Peer.Email}, "password": {testkit.Password}}); res.Status != http.StatusTooManyRequests {
		t.Fatalf("the right password during the wait: %d", res.Status)
	}
	admin := app.SessionClient(t, tm.Admin)
	page := admin.Get("/admin/users/" + itoa(tm.Peer.ID))
	if !strings.Contains(page.Body, "Sign-in waits until") || !strings.Contains(page.Body, "/unlock") {
		t.Fatal("the admin page does not show the wait and a button to lift it")
	}
	if res := admin.PostForm("/admin/users/"+itoa(tm.Peer.ID)+"/unlock", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("unlock: %d", res.Status)
	}
	app.SignIn(t, tm.Peer)
}

func TestSignInIsRateLimitedByAddress(t *testing.T) {
	app := testkit.NewApp(t)
	var last testkit.Response
	for i := 0; i < 21; i++ {
		last = app.Client(t).PostForm("/login", url.Values{"email": {"someone" + itoa(int64(i)) + "@x.test"}, "password": {"guessing guessing"}})
	}
	if last.Status != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Fatalf("21st attempt from one address: %d", last.Status)
	}
	// The address is slowed, not shut out: once the wait is over, a right
	// password from it works.
	tm := app.NewTeam(t, "Shared address")
	app.Clock.Advance(16 * time.Minute)
	app.SignIn(t, tm.Peer)
}

func TestExpiredSessionKeepsTheForm(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Drafts")
	c := app.SignIn(t, tm.Peer)
	app.Clock.Advance(store.IdleTimeout + time.Minute)
	if res := c.Get("/settings"); res.Status != http.StatusSeeOther || !strings.Contains(res.Location(), "expired=1") {
		t.Fatalf("after 30 idle minutes: %d %q", res.Status, res.Location())
	}
	// A form sent now is kept as a draft for this user; passwords never are.
	res := c.PostForm("/settings/tokens", url.Values{"name": {"my words, typed carefully"}, "password": {"never kept"}})
	if res.Status != http.StatusSeeOther || !strings.Contains(res.Location(), "draft=1") {
		t.Fatalf("post after expiry: %d %q", res.Status, res.Location())
	}
	page := c.Follow(res)
	if !strings.Contains(page.Body, "kept what you wrote as a draft") {
		t.Fatalf("the sign-in page does not mention the draft: %s", testkit.Text(page.Body))
	}
	res = c.PostForm("/login", url.Values{"email": {tm.Peer.Email}, "password": {testkit.Password}})
	if res.Location() != "/drafts" {
		t.Fatalf("after signing in again: %q, want /drafts", res.Location())
	}
	drafts := c.Get("/drafts")
	if !strings.Contains(drafts.Body, "/settings/tokens?draft=") {
		t.Fatalf("drafts page: %s", testkit.Text(drafts.Body))
	}
	ds, _ := app.Drafts(t.Context(), tm.Peer.ID)
	if len(ds) != 1 || ds[0].Form.Get("name") != "my words, typed carefully" || ds[0].Form.Has("password") {
		t.Fatalf("draft kept: %+v", ds)
	}
	// Another user never sees it.
	if other, _ := app.Drafts(t.Context(), tm.OtherPeer.ID); len(other) != 0 {
		t.Fatal("another user sees the draft")
	}
	if res := c.PostForm("/drafts/"+itoa(ds[0].ID)+"/discard", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("discard: %d", res.Status)
	}
}

func TestSetupJourney(t *testing.T) {
	app := testkit.NewApp(t)
	token, err := app.CreateSetupToken(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	c := app.Client(t)
	if res := c.Get("/setup?token=" + token); !strings.Contains(res.Body, "Create the organisation") {
		t.Fatalf("setup page: %s", testkit.Text(res.Body))
	}
	bad := c.PostForm("/setup", url.Values{"token": {token}, "org": {"North Shore RLC"}, "name": {"Ana"}, "email": {"ana@x.test"}, "password": {"short"}, "password_again": {"short"}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, `value="North Shore RLC"`) || !strings.Contains(bad.Body, "Use at least 12 characters") {
		t.Fatalf("bad setup: %d %s", bad.Status, testkit.Text(bad.Body))
	}
	ok := c.PostForm("/setup", url.Values{"token": {token}, "org": {"North Shore RLC"}, "name": {"Ana Admin"}, "email": {"ana@x.test"}, "password": {"a good long passphrase"}, "password_again": {"a good long passphrase"}})
	if ok.Status != http.StatusSeeOther {
		t.Fatalf("setup: %d %s", ok.Status, testkit.Text(ok.Body))
	}
	if home := c.Get("/"); !strings.Contains(home.Body, "Hello, Ana Admin") || !strings.Contains(home.Body, "invite your team") {
		t.Fatalf("home after setup: %s", testkit.Text(home.Body))
	}
	again := app.Client(t).Get("/setup?token=" + token)
	if !strings.Contains(again.Body, "This setup link does not work") {
		t.Fatal("the setup link worked twice")
	}
}

var secretRE = regexp.MustCompile(`id="totp-key">([A-Z2-7]+)<`)

func enrolTOTP(t *testing.T, app *testkit.App, c *testkit.Client) (secret string, codes []string) {
	t.Helper()
	page := c.PostForm("/settings/security/totp", nil)
	m := secretRE.FindStringSubmatch(page.Body)
	if m == nil || !strings.Contains(page.Body, "data:image/png;base64,") {
		t.Fatalf("set-up page lacks the key or the QR code: %s", testkit.Text(page.Body))
	}
	secret = m[1]
	wrong := c.PostForm("/settings/security/totp/confirm", url.Values{"code": {"000000"}})
	if wrong.Status != http.StatusUnprocessableEntity || !strings.Contains(wrong.Body, secret) {
		t.Fatalf("wrong code at set-up: %d", wrong.Status)
	}
	code, _ := auth.TOTPCode(secret, app.Clock.Now())
	done := c.PostForm("/settings/security/totp/confirm", url.Values{"code": {code}})
	if done.Status != 200 || !strings.Contains(done.Body, "only time peerpath shows them") {
		t.Fatalf("confirming: %d %s", done.Status, testkit.Text(done.Body))
	}
	codes = regexp.MustCompile(`<li>([A-Z2-7]{5}-[A-Z2-7]{5})</li>`).FindAllString(done.Body, -1)
	for i, c := range codes {
		codes[i] = strings.TrimSuffix(strings.TrimPrefix(c, "<li>"), "</li>")
	}
	if len(codes) != store.RecoveryCodeCount {
		t.Fatalf("%d recovery codes shown", len(codes))
	}
	return secret, codes
}

func TestSecondFactorJourney(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "TOTP")
	c := app.SignIn(t, tm.Peer)
	secret, codes := enrolTOTP(t, app, c)

	// Signing in now takes a code; the password alone is not a session.
	c2 := app.Client(t)
	res := c2.PostForm("/login", url.Values{"email": {tm.Peer.Email}, "password": {testkit.Password}})
	if !strings.HasPrefix(res.Location(), "/login/second-factor") {
		t.Fatalf("after the password: %q", res.Location())
	}
	if home := c2.Get("/"); home.Status != http.StatusSeeOther {
		t.Fatal("a session waiting for its second factor reached the home page")
	}
	bad := c2.PostForm("/login/second-factor", url.Values{"code": {"123456"}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "This code is not right") {
		t.Fatalf("wrong code: %d", bad.Status)
	}
	app.Clock.Advance(30 * time.Second)
	code, _ := auth.TOTPCode(secret, app.Clock.Now())
	if res := c2.PostForm("/login/second-factor", url.Values{"code": {code}}); res.Status != http.StatusSeeOther || res.Location() != "/" {
		t.Fatalf("right code: %d %q", res.Status, res.Location())
	}
	if home := c2.Get("/"); home.Status != 200 {
		t.Fatal("no session after the second factor")
	}
	// The same code does not work twice.
	c3 := app.Client(t)
	c3.PostForm("/login", url.Values{"email": {tm.Peer.Email}, "password": {testkit.Password}})
	if res := c3.PostForm("/login/second-factor", url.Values{"code": {code}}); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a replayed code: %d", res.Status)
	}
	// A recovery code works once, written any way.
	rc := strings.ToLower(strings.ReplaceAll(codes[0], "-", " "))
	if res := c3.PostForm("/login/second-factor", url.Values{"code": {rc}}); res.Status != http.StatusSeeOther {
		t.Fatalf("recovery code: %d", res.Status)
	}
	c4 := app.Client(t)
	c4.PostForm("/login", url.Values{"email": {tm.Peer.Email}, "password": {testkit.Password}})
	if res := c4.PostForm("/login/second-factor", url.Values{"code": {codes[0]}}); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a recovery code used twice: %d", res.Status)
	}
	sec := c2.Get("/settings/security")
	if !strings.Contains(sec.Body, "9 recovery codes left") {
		t.Fatalf("security page: %s", testkit.Text(sec.Body))
	}
}

func TestAdminsMustUseASecondFactorWhenRequired(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Strict")
	c := app.SignIn(t, tm.Admin)
	if res := c.PostForm("/admin/organisation", url.Values{"name": {tm.Org.Name}, "require_admin_mfa": {"on"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("turning the rule on: %d", res.Status)
	}
	res := c.Get("/admin/users")
	if res.Status != http.StatusSeeOther || res.Location() != "/settings/security" {
		t.Fatalf("admin page without a second factor: %d %q", res.Status, res.Location())
	}
	if sec := c.Follow(res); !strings.Contains(sec.Body, "asks you to use a second factor") {
		t.Fatal("the security page does not explain the rule")
	}
	secret, _ := enrolTOTP(t, app, c)
	// With a second factor, signing in again opens the admin pages.
	c = app.Client(t)
	c.PostForm("/login", url.Values{"email": {tm.Admin.Email}, "password": {testkit.Password}})
	app.Clock.Advance(time.Minute)
	code, _ := auth.TOTPCode(secret, app.Clock.Now())
	c.PostForm("/login/second-factor", url.Values{"code": {code}})
	if res := c.Get("/admin/users"); res.Status != http.StatusOK {
		t.Fatalf("admin page with a second factor: %d", res.Status)
	}
}
