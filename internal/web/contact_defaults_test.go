package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// The contact form (issue 16): its defaults are always a contact that
// saves, the format follows the kind, and group sessions are recorded from
// the group.
func TestContactFormDefaultsSaveAsTheyAre(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Defaults")
	a := testkit.Actor(tm.Peer)
	p, err := app.CreatePerson(t.Context(), a, store.PersonInput{PreferredName: "Joe Brandt"})
	if err != nil {
		t.Fatal(err)
	}
	// Last time the worker met a group: the next check-in is still one-to-one.
	if _, err := app.AddContact(t.Context(), a, p.ID, store.ContactInput{OccurredAt: app.Clock.Now().Add(-time.Hour), DurationMinutes: 60, Format: "group", Mode: "video", Kind: "outreach"}); err != nil {
		t.Fatal(err)
	}
	c := app.SessionClient(t, tm.Peer)
	form := c.Get("/people/" + itoa(p.ID) + "/contacts/new")
	vals := url.Values{}
	for _, m := range regexp.MustCompile(`name="([a-z_]+)" value="([^"]*)" checked`).FindAllStringSubmatch(form.Body, -1) {
		vals.Set(m[1], m[2])
	}
	for _, m := range regexp.MustCompile(`name="(occurred_at|duration_minutes|form_token)"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="(form_token)"`).FindAllStringSubmatch(form.Body, -1) {
		if m[1] != "" {
			vals.Set(m[1], m[2])
		} else {
			vals.Set(m[4], m[3])
		}
	}
	if vals.Get("kind") != "check_in" || vals.Get("format") != "individual" || vals.Get("mode") != "video" || vals.Get("occurred_at") == "" {
		t.Fatalf("defaults: %v", vals)
	}
	if strings.Contains(form.Body, `value="group_session"`) || !strings.Contains(form.Body, `href="/groups"`) {
		t.Fatal("the form offers the group-session kind instead of pointing to the group")
	}
	if res := c.PostForm("/people/"+itoa(p.ID)+"/contacts/new", vals); res.Status != http.StatusSeeOther {
		t.Fatalf("the defaults do not save: %d %s", res.Status, testkit.Text(res.Body))
	}
	// The API: the format follows the kind when left out, and a group
	// session cannot be one-to-one.
	api := app.APIClient(t, tm.Peer)
	if res := api.Send("POST", "/api/v1/people/"+itoa(p.ID)+"/contacts", map[string]any{"duration_minutes": 60, "mode": "video", "kind": "outreach", "format": "group"}); res.Status != http.StatusCreated {
		t.Fatalf("a group outreach: %d %s", res.Status, res.Body)
	}
	res := api.Send("POST", "/api/v1/people/"+itoa(p.ID)+"/contacts", map[string]any{"occurred_at": app.Clock.Now().Format(time.RFC3339), "duration_minutes": 20, "mode": "phone", "kind": "check_in"})
	if res.Status != http.StatusCreated || !strings.Contains(res.Body, `"format":"individual"`) {
		t.Fatalf("a check-in without a format: %d %s", res.Status, res.Body)
	}
	res = api.Send("POST", "/api/v1/people/"+itoa(p.ID)+"/contacts", map[string]any{"occurred_at": app.Clock.Now().Format(time.RFC3339), "duration_minutes": 20, "mode": "phone", "kind": "group_session", "format": "individual"})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "group contact") {
		t.Fatalf("a one-to-one group session: %d %s", res.Status, res.Body)
	}
}
