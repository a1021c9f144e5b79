package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"peerpath/internal/auth"
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

var clockTime = regexp.MustCompile(`\d{1,2}:\d\d [ap]m`)

// Issue 15, defect 7: through the sign-in page, an email nobody uses gets
// the same statuses, in the same order, with the same words, as a user's.
func TestSignInPageAnswersUnknownEmailsAsKnownOnes(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Enumerate")
	run := func(email string) []string {
		var out []string
		for i := 0; i < 7; i++ {
			res := app.Client(t).PostForm("/login", url.Values{"email": {email}, "password": {"a wrong guess here"}})
			body := clockTime.ReplaceAllString(strings.ReplaceAll(testkit.Text(res.Body), email, "EMAIL"), "TIME")
			out = append(out, itoa(int64(res.Status))+" "+res.Header.Get("Retry-After")+" "+body)
			if res.Status == http.StatusTooManyRequests {
				app.Clock.Advance(time.Minute)
			}
		}
		return out
	}
	known, unknown := run(tm.Peer.Email), run("nobody@enumerate.test")
	for i := range known {
		if known[i] != unknown[i] {
			t.Fatalf("answer %d differs:\nknown   %s\nunknown %s", i, known[i], unknown[i])
		}
	}
	if !strings.HasPrefix(known[4], "429 30 ") {
		t.Fatalf("the fifth failure: %s", known[4])
	}
}

// Issue 15, defect 9: wrong second-factor codes count towards the account's
// wait, and the user hears of them at their next sign-in.
func TestSecondFactorGuessesCountAndAreReported(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Guesses")
	owner := app.SignIn(t, tm.Peer)
	secret, _ := enrolTOTP(t, app, owner)
	// Someone with the password guesses codes.
	thief := app.Client(t)
	thief.PostForm("/login", url.Values{"email": {tm.Peer.Email}, "password": {testkit.Password}})
	var res testkit.Response
	for i := 0; i < 5; i++ {
		res = thief.PostForm("/login/second-factor", url.Values{"code": {"00000" + itoa(int64(i))}})
	}
	if res.Status != http.StatusTooManyRequests || !strings.Contains(res.Body, "Too many wrong codes") {
		t.Fatalf("the fifth wrong code: %d %s", res.Status, testkit.Text(res.Body))
	}
	// Now even the right code waits, and so does the password from there.
	code, _ := auth.TOTPCode(secret, app.Clock.Now().Add(30*time.Second))
	if res := thief.PostForm("/login/second-factor", url.Values{"code": {code}}); res.Status != http.StatusTooManyRequests {
		t.Fatalf("the right code during the wait: %d", res.Status)
	}
	if res := app.Client(t).PostForm("/login", url.Values{"email": {tm.Peer.Email}, "password": {testkit.Password}}); res.Status != http.StatusTooManyRequests {
		t.Fatalf("the password from the same address during the wait: %d", res.Status)
	}
	// The owner signs in later and is told.
	app.Clock.Advance(time.Minute)
	c := app.Client(t)
	if res := c.PostForm("/login", url.Values{"email": {tm.Peer.Email}, "password": {testkit.Password}}); !strings.HasPrefix(res.Location(), "/login/second-factor") {
		t.Fatalf("owner's password: %d %q", res.Status, res.Location())
	}
	code, _ = auth.TOTPCode(secret, app.Clock.Now())
	done := c.PostForm("/login/second-factor", url.Values{"code": {code}})
	if done.Status != http.StatusSeeOther {
		t.Fatalf("owner's code: %d %s", done.Status, testkit.Text(done.Body))
	}
	if home := c.Follow(done); !strings.Contains(testkit.Text(home.Body), "5 wrong second-factor codes were entered for your account") {
		t.Fatalf("the owner is not told: %s", testkit.Text(home.Body))
	}
	// Told once.
	app.Clock.Advance(time.Minute)
	c2 := app.Client(t)
	c2.PostForm("/login", url.Values{"email": {tm.Peer.Email}, "password": {testkit.Password}})
	code, _ = auth.TOTPCode(secret, app.Clock.Now())
	if home := c2.Follow(c2.PostForm("/login/second-factor", url.Values{"code": {code}})); strings.Contains(home.Body, "wrong second-factor") {
		t.Fatal("the owner is told twice")
	}
}

// Issue 15, defect 8: inviting an address that another organisation uses
// gets an answer that says nothing about that organisation or its user.
func TestInvitingAnotherOrganisationsEmailIsNeutral(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Inviting")
	other := app.NewTeam(t, "Quiet Harbour Recovery Center")
	admin := app.SessionClient(t, tm.Admin)
	invite := func(email string) testkit.Response {
		return admin.PostForm("/admin/users/new", url.Values{"email": {email}, "name": {"Someone New"}, "roles": {"peer"}})
	}
	taken := invite(other.Peer.Email)
	text := testkit.Text(taken.Body)
	if taken.Status != http.StatusUnprocessableEntity || !strings.Contains(text, "peerpath cannot use this email address for a new user here") {
		t.Fatalf("another organisation's address: %d %s", taken.Status, text)
	}
	for _, leak := range []string{other.Org.Name, other.Peer.Name, "already exists", "deactivated", "Invited"} {
		if strings.Contains(text, leak) {
			t.Errorf("the answer mentions %q", leak)
		}
	}
	// The typed values come back for correcting.
	if !strings.Contains(taken.Body, `value="Someone New"`) {
		t.Error("the name typed was not kept")
	}
	// An address of this organisation is named as such.
	own := invite(tm.OtherPeer.Email)
	if own.Status != http.StatusConflict || !strings.Contains(testkit.Text(own.Body), "A user of this organisation already has this email address") {
		t.Fatalf("this organisation's address: %d %s", own.Status, testkit.Text(own.Body))
	}
	// Nothing was written to the other organisation's audit log.
	l, err := app.ListAudit(t.Context(), other.Org.ID, store.AuditFilter{}, store.Page{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range l.Items {
		if e.UserID == tm.Admin.ID {
			t.Fatalf("the other organisation's log has an entry by this admin: %+v", e)
		}
	}
}

// Issue 15, defect 4: the token API and pages. A user lists and revokes their
// own tokens; an administrator anyone's of the organisation; a password
// change revokes them all.
func TestTokenAPIAndPages(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Token pages")
	other := app.NewTeam(t, "Token pages elsewhere")
	peer := app.SignIn(t, tm.Peer)
	page := peer.PostForm("/settings/tokens", url.Values{"name": {"report script"}, "expires_days": {"30"}})
	m := regexp.MustCompile(`id="new-token">(pp_[a-z2-7]+)<`).FindStringSubmatch(page.Body)
	if page.Status != http.StatusOK || m == nil {
		t.Fatalf("creating a token: %d %s", page.Status, testkit.Text(page.Body))
	}
	api := app.Client(t)
	api.Token = m[1]
	var list struct {
		Items []struct {
			ID        string    `json:"id"`
			Name      string    `json:"name"`
			ExpiresAt time.Time `json:"expires_at"`
			Active    bool      `json:"active"`
		} `json:"items"`
	}
	res := api.Get("/api/v1/tokens")
	res.JSON(t, &list)
	if res.Status != http.StatusOK || len(list.Items) != 1 || list.Items[0].Name != "report script" || !list.Items[0].Active ||
		!list.Items[0].ExpiresAt.Equal(app.Clock.Now().Add(30*24*time.Hour).UTC().Truncate(time.Millisecond)) {
		t.Fatalf("GET /api/v1/tokens: %d %s", res.Status, res.Body)
	}
	if strings.Contains(res.Body, m[1]) {
		t.Fatal("the list shows the token itself")
	}
	if res := peer.PostForm("/settings/tokens", url.Values{"name": {"forever"}, "expires_days": {"9999"}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `value="forever"`) {
		t.Fatalf("a lifetime beyond a year: %d", res.Status)
	}
	tokID := list.Items[0].ID
	// Nobody else sees or revokes it; another organisation's administrator
	// least of all.
	if res := app.APIClient(t, tm.OtherPeer).Get("/api/v1/tokens?user_id=" + itoa(tm.Peer.ID)); res.Status != http.StatusNotFound {
		t.Fatalf("a peer lists another's tokens: %d", res.Status)
	}
	if res := app.APIClient(t, tm.OtherPeer).Send(http.MethodDelete, "/api/v1/tokens/"+tokID, nil); res.Status != http.StatusNotFound {
		t.Fatalf("a peer revokes another's token: %d", res.Status)
	}
	if res := app.APIClient(t, other.Admin).Send(http.MethodDelete, "/api/v1/tokens/"+tokID, nil); res.Status != http.StatusNotFound {
		t.Fatalf("another organisation's administrator revokes the token: %d", res.Status)
	}
	if res := app.SessionClient(t, other.Admin).Get("/admin/users/" + itoa(tm.Peer.ID) + "/tokens"); res.Status != http.StatusNotFound {
		t.Fatalf("another organisation's administrator sees the tokens page: %d", res.Status)
	}
	// The administrator of the organisation sees and revokes it.
	admin := app.SessionClient(t, tm.Admin)
	if res := admin.Get("/admin/users/" + itoa(tm.Peer.ID)); !strings.Contains(res.Body, "/admin/users/"+itoa(tm.Peer.ID)+"/tokens") {
		t.Fatal("the user's page does not link to their tokens")
	}
	tp := admin.Get("/admin/users/" + itoa(tm.Peer.ID) + "/tokens")
	if tp.Status != http.StatusOK || !strings.Contains(tp.Body, "report script") || !strings.Contains(tp.Body, "/tokens/"+tokID+"/revoke") {
		t.Fatalf("the administrator's view: %d %s", tp.Status, testkit.Text(tp.Body))
	}
	adminAPI := app.APIClient(t, tm.Admin)
	if res := adminAPI.Get("/api/v1/tokens?user_id=" + itoa(tm.Peer.ID)); res.Status != http.StatusOK || !strings.Contains(res.Body, "report script") {
		t.Fatalf("the administrator's API list: %d %s", res.Status, res.Body)
	}
	if res := admin.PostForm("/admin/users/"+itoa(tm.Peer.ID)+"/tokens/"+tokID+"/revoke", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("the administrator revokes: %d", res.Status)
	}
	if res := api.Get("/api/v1/me"); res.Status != http.StatusUnauthorized {
		t.Fatalf("a revoked token: %d", res.Status)
	}
	// A user revokes their own by the API; a password change revokes the rest.
	own := app.APIClient(t, tm.Peer)
	res = own.Get("/api/v1/tokens")
	res.JSON(t, &list)
	if res := own.Send(http.MethodDelete, "/api/v1/tokens/"+list.Items[0].ID, nil); res.Status != http.StatusNoContent {
		t.Fatalf("DELETE own token: %d %s", res.Status, res.Body)
	}
	if res := own.Get("/api/v1/me"); res.Status != http.StatusUnauthorized {
		t.Fatalf("after DELETE: %d", res.Status)
	}
	kept := app.APIClient(t, tm.Peer)
	if res := peer.PostForm("/settings/password", url.Values{"current": {testkit.Password}, "password": {"a brand new passphrase"}, "password_again": {"a brand new passphrase"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("changing the password: %d", res.Status)
	}
	if res := kept.Get("/api/v1/me"); res.Status != http.StatusUnauthorized {
		t.Fatalf("a token after the password change: %d", res.Status)
	}
}
