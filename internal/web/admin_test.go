package web_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
	"peerpath/internal/web"
)

func TestInviteJourney(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Invite")
	admin := app.SessionClient(t, tm.Admin)
	if res := admin.Get("/admin/users/new"); !strings.Contains(res.Body, "Sam Supervisor") {
		t.Fatal("the invite form does not offer the supervisor")
	}
	bad := admin.PostForm("/admin/users/new", url.Values{"name": {"Rosa Diaz"}, "email": {"not-an-email"}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, `value="Rosa Diaz"`) || !strings.Contains(bad.Body, "Choose at least one role.") {
		t.Fatalf("bad invite: %d %s", bad.Status, testkit.Text(bad.Body))
	}
	res := admin.PostForm("/admin/users/new", url.Values{"name": {"Rosa Diaz"}, "email": {"rosa@invite.test"}, "roles": {"peer"}, "supervisor": {itoa(tm.Supervisor.ID)}})
	link := regexp.MustCompile(`value="(http://[^"]+/account/password\?token=[^"]+)"`).FindStringSubmatch(res.Body)
	if res.Status != 200 || link == nil {
		t.Fatalf("invite: %d %s", res.Status, testkit.Text(res.Body))
	}
	path := strings.TrimPrefix(strings.ReplaceAll(link[1], "&amp;", "&"), app.HTTP.URL)
	rosa := app.Client(t)
	if page := rosa.Get(path); !strings.Contains(page.Body, "You are invited as Rosa Diaz") {
		t.Fatalf("invitation page: %s", testkit.Text(page.Body))
	}
	token := strings.TrimPrefix(path, "/account/password?token=")
	mismatch := rosa.PostForm("/account/password", url.Values{"token": {token}, "password": {"tulips and lanterns glow"}, "password_again": {"something else"}})
	if mismatch.Status != http.StatusUnprocessableEntity || !strings.Contains(mismatch.Body, "not the same") {
		t.Fatalf("mismatched passwords: %d", mismatch.Status)
	}
	if res := rosa.PostForm("/account/password", url.Values{"token": {token}, "password": {"tulips and lanterns glow"}, "password_again": {"tulips and lanterns glow"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("accepting: %d %s", res.Status, testkit.Text(res.Body))
	}
	if res := rosa.PostForm("/login", url.Values{"email": {"rosa@invite.test"}, "password": {"tulips and lanterns glow"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("signing in: %d", res.Status)
	}
	if again := app.Client(t).Get(path); !strings.Contains(again.Body, "This link does not work") {
		t.Fatal("the invitation link worked twice")
	}
}

func TestDeactivationEndsAccessAtOnce(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Leaving")
	peer := app.SignIn(t, tm.Peer)
	api := app.APIClient(t, tm.Peer)
	if res := api.Get("/api/v1/me"); res.Status != 200 {
		t.Fatalf("token before deactivation: %d", res.Status)
	}
	admin := app.SessionClient(t, tm.Admin)
	if res := admin.PostForm("/admin/users/"+itoa(tm.Peer.ID)+"/deactivate", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", res.Status)
	}
	if res := peer.Get("/"); res.Status != http.StatusSeeOther {
		t.Fatalf("session after deactivation: %d", res.Status)
	}
	if res := api.Get("/api/v1/me"); res.Status != http.StatusUnauthorized {
		t.Fatalf("token after deactivation: %d", res.Status)
	}
	if res := admin.PostForm("/admin/users/"+itoa(tm.Admin.ID)+"/deactivate", nil); res.Status != http.StatusConflict {
		t.Fatalf("deactivating oneself: %d", res.Status)
	}
}

func TestHandingOverWhenSomeoneLeaves(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Moving on")
	sup := testkit.Actor(tm.Supervisor)
	for _, name := range []string{"Ana", "Ben"} {
		if _, err := app.CreatePerson(t.Context(), sup, store.PersonInput{PreferredName: name, WorkerIDs: []int64{tm.Peer.ID}}); err != nil {
			t.Fatal(err)
		}
	}
	admin := app.SessionClient(t, tm.Admin)
	page := testkit.Text(admin.Get("/admin/users/" + itoa(tm.Peer.ID)).Body)
	if !strings.Contains(page, "2 people (active or on hold) are assigned to Pat Peer") {
		t.Fatalf("the user page does not say who Pat supports: %s", page)
	}
	admin.PostForm("/admin/users/"+itoa(tm.Peer.ID)+"/deactivate", nil)
	if page := testkit.Text(admin.Get("/admin/users").Body); !strings.Contains(page, "People without an active worker") || !strings.Contains(page, ": 2 people") {
		t.Fatalf("the users page does not flag Pat's people: %s", page)
	}
	// Nobody chosen: the message is beside the field.
	res := admin.PostForm("/admin/users/"+itoa(tm.Peer.ID)+"/hand-over", url.Values{"to": {""}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="f-to-error"`) || !strings.Contains(res.Body, "still assigned to Pat Peer") {
		t.Fatalf("handing over to nobody: %d %s", res.Status, testkit.Text(res.Body))
	}
	// Not for a supervisor, nor through another organisation.
	if res := app.SessionClient(t, tm.Supervisor).PostForm("/admin/users/"+itoa(tm.Peer.ID)+"/hand-over", url.Values{"to": {itoa(tm.OtherPeer.ID)}}); res.Status != http.StatusForbidden {
		t.Fatalf("a supervisor handing over: %d", res.Status)
	}
	other := app.NewTeam(t, "Elsewhere")
	if res := app.APIClient(t, other.Admin).Send("POST", "/api/v1/workers/"+itoa(tm.Peer.ID)+"/hand-over", map[string]any{"to": itoa(other.Peer.ID)}); res.Status != http.StatusNotFound {
		t.Fatalf("another organisation's admin: %d %s", res.Status, res.Body)
	}
	res = admin.PostForm("/admin/users/"+itoa(tm.Peer.ID)+"/hand-over", url.Values{"to": {itoa(tm.OtherPeer.ID)}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("handing over: %d %s", res.Status, testkit.Text(res.Body))
	}
	if page := testkit.Text(admin.Follow(res).Body); !strings.Contains(page, "2 people are now supported by their new worker") {
		t.Fatalf("after the handover: %s", page)
	}
	if page := testkit.Text(admin.Get("/admin/users").Body); strings.Contains(page, "People without an active worker") {
		t.Fatalf("still flagged: %s", page)
	}
	olu := app.SessionClient(t, tm.OtherPeer)
	if page := testkit.Text(olu.Get("/people").Body); !strings.Contains(page, "Ana") || !strings.Contains(page, "Ben") {
		t.Fatalf("Olu's list after the handover: %s", page)
	}
	// The API: nothing left to move; a bad id is a 422 on the field.
	res = app.APIClient(t, tm.Admin).Send("POST", "/api/v1/workers/"+itoa(tm.Peer.ID)+"/hand-over", map[string]any{"to": itoa(tm.Supervisor.ID)})
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `"moved":0`) {
		t.Fatalf("API hand-over: %d %s", res.Status, res.Body)
	}
	if res := app.APIClient(t, tm.Admin).Send("POST", "/api/v1/workers/"+itoa(tm.OtherPeer.ID)+"/hand-over", map[string]any{"to": "x"}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"to"`) {
		t.Fatalf("API hand-over to a bad id: %d %s", res.Status, res.Body)
	}
}

func TestAdminsSeeOnlyTheirOrganisation(t *testing.T) {
	app := testkit.NewApp(t)
	a := app.NewTeam(t, "Org A")
	b := app.NewTeam(t, "Org B")
	admin := app.SessionClient(t, a.Admin)
	for _, path := range []string{"/admin/users/" + itoa(b.Peer.ID)} {
		if res := admin.Get(path); res.Status != http.StatusNotFound {
			t.Errorf("GET %s of another organisation: %d", path, res.Status)
		}
	}
	for _, action := range []string{"", "/deactivate", "/unlock", "/sign-out-everywhere", "/reset-link"} {
		res := admin.PostForm("/admin/users/"+itoa(b.Peer.ID)+action, url.Values{"name": {"x"}, "roles": {"peer"}})
		if res.Status != http.StatusNotFound {
			t.Errorf("POST %s on another organisation's user: %d", action, res.Status)
		}
	}
	list := admin.Get("/admin/users")
	if strings.Contains(list.Body, b.Peer.Email) {
		t.Error("the user list shows another organisation's user")
	}
	audit := admin.Get("/admin/audit")
	if strings.Contains(audit.Body, "Org B") {
		t.Error("the audit log shows another organisation")
	}
}

func TestAuditPage(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Audit")
	app.SignIn(t, tm.Peer)
	admin := app.SessionClient(t, tm.Admin)
	res := admin.Get("/admin/audit?user=" + itoa(tm.Peer.ID))
	text := testkit.Text(res.Body[strings.Index(res.Body, "<tbody>"):])
	if res.Status != 200 || !strings.Contains(text, "sign_in") || !strings.Contains(text, "Pat Peer") {
		t.Fatalf("audit filtered by user: %d %s", res.Status, text)
	}
	if strings.Contains(text, "Olu Otherpeer") {
		t.Error("the user filter let other users' entries through")
	}
	bad := admin.Get("/admin/audit?from=yesterday")
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "Use a date such as") || !strings.Contains(bad.Body, `value="yesterday"`) {
		t.Fatalf("bad date: %d", bad.Status)
	}
	dated := admin.Get("/admin/audit?from=2026-11-23&to=2026-11-23&record_type=user")
	if dated.Status != 200 || !strings.Contains(testkit.Text(dated.Body), "sign_in") {
		t.Fatalf("by date and type: %d %s", dated.Status, testkit.Text(dated.Body))
	}
}

func TestSettingsPasswordChange(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Passwords")
	c := app.SignIn(t, tm.Peer)
	other := app.SignIn(t, tm.Peer) // the same person on another device
	bad := c.PostForm("/settings/password", url.Values{"current": {"wrong one entirely"}, "password": {"a new long passphrase"}, "password_again": {"a new long passphrase"}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "This is not your current password.") {
		t.Fatalf("wrong current password: %d", bad.Status)
	}
	ok := c.PostForm("/settings/password", url.Values{"current": {testkit.Password}, "password": {"a new long passphrase"}, "password_again": {"a new long passphrase"}})
	if ok.Status != http.StatusSeeOther {
		t.Fatalf("change: %d %s", ok.Status, testkit.Text(ok.Body))
	}
	if res := c.Get("/settings"); res.Status != 200 {
		t.Fatal("this browser lost its session after changing the password")
	}
	if res := other.Get("/settings"); res.Status != http.StatusSeeOther {
		t.Fatal("the other device kept its session after a password change")
	}
}

func TestHomePagesPerRole(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Homes")
	want := map[string][]string{
		"peer":       {"People you support", "Nothing overdue"},
		"supervisor": {"Your team", "Pat Peer", "Olu Otherpeer"},
		"trainer":    {"Your cohorts", "No cohorts yet"},
		"admin":      {"Your organisation", "Manage users"},
	}
	users := map[string]testkit.Response{
		"peer":       app.SessionClient(t, tm.Peer).Get("/"),
		"supervisor": app.SessionClient(t, tm.Supervisor).Get("/"),
		"trainer":    app.SessionClient(t, tm.Trainer).Get("/"),
		"admin":      app.SessionClient(t, tm.Admin).Get("/"),
	}
	for role, res := range users {
		text := testkit.Text(res.Body)
		for _, w := range want[role] {
			if !strings.Contains(text, w) {
				t.Errorf("%s home lacks %q", role, w)
			}
		}
		if role != "admin" && strings.Contains(text, "Administration") {
			t.Errorf("%s sees the Administration link", role)
		}
	}
}

func TestLinksUseTheConfiguredBaseURL(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Base")
	srv, err := web.New(web.Config{Store: db.Store, Clock: db.Clock, Logger: slog.New(slog.DiscardHandler), BaseURL: "https://peerpath.example.org/"})
	if err != nil {
		t.Fatal(err)
	}
	token, _ := db.CreateSession(t.Context(), tm.Admin.ID, false, "")
	req := httptest.NewRequest(http.MethodPost, "/admin/users/"+itoa(tm.Peer.ID)+"/reset-link", nil)
	req.AddCookie(&http.Cookie{Name: "peerpath_session", Value: token})
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, req)
	if !strings.Contains(w.Body.String(), `value="https://peerpath.example.org/account/password?token=`) {
		t.Fatalf("the reset link does not use the base URL:\n%s", testkit.Text(w.Body.String()))
	}
}
