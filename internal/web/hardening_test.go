package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

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
