package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"peerpath/internal/i18n"
	"peerpath/internal/testkit"
)

// TestStoreMessagesInThePersonsLanguage: a validation message of the store,
// catalogued under its English text (internal/i18n/errors.*.toml), reaches
// a portal form in the person's language, and a not-found page says the
// store's message in it too. Staff pages are in the language the member of
// staff chose in their settings, English without a choice.
func TestStoreMessagesInThePersonsLanguage(t *testing.T) {
	app := testkit.NewApp(t)
	f := makePortal(t, app, "Store messages")
	c := app.SessionClient(t, f.user)

	// The person's record says Spanish: an empty progress note.
	res := c.PostForm("/portal/goals/"+itoa(f.goal.ID)+"/progress", url.Values{"note": {"  "}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(res.Body), "Escribe cómo va la meta.") {
		t.Fatalf("the store's message in Spanish: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	// A correction request with nothing in it.
	res = c.PostForm("/portal/corrections", url.Values{"request": {""}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(res.Body), "Di qué está mal y qué debería decir.") {
		t.Fatalf("the correction form in Spanish: %d\n%s", res.Status, testkit.Text(res.Body))
	}

	// In Portuguese, chosen with the switcher.
	c.Get("/language?to=pt&next=/portal")
	res = c.PostForm("/portal/goals/"+itoa(f.goal.ID)+"/progress", url.Values{"note": {""}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(res.Body), "Escreva como a meta está indo.") {
		t.Fatalf("the store's message in Portuguese: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	// A message built with a number in it is not catalogued: the portal's
	// own message stands in for it.
	res = c.PostForm("/portal/goals/"+itoa(f.goal.ID)+"/progress", url.Values{"note": {strings.Repeat("a", 20001)}})
	if res.Status != http.StatusUnprocessableEntity || strings.Contains(res.Body, "Use at most") {
		t.Fatalf("a built message does not show in English: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	// Another person's goal: the not-found page says the store's message.
	res = c.PostForm("/portal/goals/"+itoa(f.otherGoal.ID)+"/progress", url.Values{"note": {"Hola"}})
	if res.Status != http.StatusNotFound || !strings.Contains(html.UnescapeString(res.Body), "não foi encontrad") {
		t.Fatalf("not found in Portuguese: %d\n%s", res.Status, testkit.Text(res.Body))
	}

	// Staff pages are English without a choice, whatever the browser prefers.
	staff := app.SessionClient(t, f.tm.Peer)
	req, _ := http.NewRequest(http.MethodGet, app.HTTP.URL+"/goals/999999", nil)
	req.Header.Set("Accept-Language", "es-US,es;q=0.9")
	if res := staff.Do(req); res.Status != http.StatusNotFound || !strings.Contains(res.Body, "The goal was not found.") {
		t.Fatalf("staff read English: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	// A member of staff who chose Portuguese reads the store's message in it.
	if res := staff.PostForm("/settings/language", url.Values{"language": {"pt"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("choosing Portuguese: %d", res.Status)
	}
	if res := staff.Get("/goals/999999"); res.Status != http.StatusNotFound || !strings.Contains(html.UnescapeString(res.Body), i18n.In("pt").Message("The goal was not found.")) {
		t.Fatalf("staff who chose Portuguese: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	// The API keeps English: its messages are part of its contract.
	api := app.APIClient(t, f.tm.Peer)
	req, _ = http.NewRequest(http.MethodGet, app.HTTP.URL+"/api/v1/people/999999", nil)
	req.Header.Set("Accept-Language", "es")
	if res := api.Do(req); res.Status != http.StatusNotFound || !strings.Contains(res.Body, "The person was not found.") {
		t.Fatalf("API in English: %d\n%s", res.Status, res.Body)
	}
}
