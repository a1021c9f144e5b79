package web_test

import (
	"html"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"peerpath/internal/testkit"
)

// catalogue reads one file of the message catalogue as it is written, so
// the words a test expects come from the catalogue, not from the code under
// test.
func catalogue(t *testing.T, file string) map[string]string {
	t.Helper()
	var raw map[string]any
	if _, err := toml.DecodeFile(filepath.Join("..", "i18n", file), &raw); err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for k, v := range raw {
		if s, ok := v.(string); ok { // plural messages are tables: left out
			m[k] = s
		}
	}
	return m
}

// title is a page's <title>, unescaped.
func title(body string) string {
	_, after, _ := strings.Cut(body, "<title>")
	t, _, _ := strings.Cut(after, "</title>")
	return html.UnescapeString(t)
}

// TestStaffLanguageSetting: a member of staff who chooses Spanish in their
// settings reads peerpath's pages, navigation and the store's messages in
// Spanish; one who chose nothing reads English whatever their browser asks.
func TestStaffLanguageSetting(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Language Settings")
	navES, navEN := catalogue(t, "nav.es.toml"), catalogue(t, "nav.en.toml")
	peopleES, peopleEN := catalogue(t, "people.es.toml"), catalogue(t, "people.en.toml")
	settingsES := catalogue(t, "settings.es.toml")
	messagesES := catalogue(t, "messages.es.toml")
	errorsES := catalogue(t, "errors.es.toml")
	if navES["nav.people"] == navEN["nav.people"] || peopleES["people.list.title"] == peopleEN["people.list.title"] {
		t.Fatal("the Spanish words under test are the same as the English")
	}

	c := app.SignIn(t, tm.Peer)
	page := c.Get("/settings")
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `<html lang="en">`) {
		t.Fatalf("settings before a choice: %d", page.Status)
	}
	// Each choice is named in its own language, marked as such.
	for _, want := range []string{`lang="en">English</label>`, `lang="es">Español</label>`, `lang="pt">Português</label>`, `id="language-en" name="language" value="" checked`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("settings page lacks %s", want)
		}
	}
	if !strings.Contains(page.Body, `<form class="stack" method="post" action="/settings/language" novalidate aria-labelledby="h-language"><input type="hidden" name="form_token"`) {
		t.Error("the language form carries no one-time token")
	}

	saved := c.PostForm("/settings/language", url.Values{"language": {"es"}})
	if saved.Status != http.StatusSeeOther {
		t.Fatalf("choosing Spanish: %d %s", saved.Status, testkit.Text(saved.Body))
	}
	page = c.Follow(saved)
	text := testkit.Text(page.Body)
	if !strings.Contains(page.Body, `<html lang="es">`) || !strings.Contains(text, messagesES["messages.settings.language_saved"]) ||
		!strings.Contains(page.Body, `value="es" checked`) || title(page.Body) != settingsES["settings.title"]+" · peerpath" {
		t.Fatalf("settings after choosing Spanish: %s\n%s", title(page.Body), text)
	}

	people := c.Get("/people")
	if people.Status != http.StatusOK {
		t.Fatalf("people: %d", people.Status)
	}
	if got := title(people.Body); got != peopleES["people.list.title"]+" · peerpath" {
		t.Errorf("people page title in Spanish: %q", got)
	}
	for _, key := range []string{"nav.home", "nav.people", "nav.development", "nav.settings"} {
		if !strings.Contains(people.Body, `">`+navES[key]+`</a></li>`) {
			t.Errorf("navigation lacks %s = %q", key, navES[key])
		}
	}

	// A value outside the catalogue's languages: the store's message, in
	// Spanish, beside the field, and the form stays.
	bad := c.PostForm("/settings/language", url.Values{"language": {"fr"}})
	msg := errorsES["Choose one of the languages offered."]
	if bad.Status != http.StatusUnprocessableEntity || msg == "" {
		t.Fatalf("a language outside the catalogue: %d", bad.Status)
	}
	if !strings.Contains(testkit.Text(bad.Body), msg) || !strings.Contains(bad.Body, `id="f-language-error"`) ||
		!strings.Contains(bad.Body, `action="/settings/language"`) {
		t.Errorf("the refusal is not shown beside the field in Spanish: %s", testkit.Text(bad.Body))
	}
	// Another store message on the same page, in Spanish too.
	wrong := c.PostForm("/settings/password", url.Values{"current": {"not the password at all"}, "password": {"a new long passphrase"}, "password_again": {"a new long passphrase"}})
	if want := errorsES["This is not your current password."]; wrong.Status != http.StatusUnprocessableEntity || want == "" || !strings.Contains(testkit.Text(wrong.Body), want) {
		t.Errorf("wrong password in Spanish: %d, want %q", wrong.Status, want)
	}

	// The API says which language was chosen; its messages stay English.
	var me struct {
		Language string `json:"language"`
	}
	app.APIClient(t, tm.Peer).Get("/api/v1/me").JSON(t, &me)
	if me.Language != "es" {
		t.Errorf("/api/v1/me language: %q", me.Language)
	}

	// A colleague who chose nothing reads English, even when their browser
	// asks for Spanish.
	other := app.SignIn(t, tm.OtherPeer)
	req, _ := http.NewRequest(http.MethodGet, app.HTTP.URL+"/people", nil)
	req.Header.Set("Accept-Language", "es")
	req.AddCookie(&http.Cookie{Name: "lang", Value: "es"})
	en := other.Do(req)
	if !strings.Contains(en.Body, `<html lang="en">`) || title(en.Body) != peopleEN["people.list.title"]+" · peerpath" ||
		!strings.Contains(en.Body, `">`+navEN["nav.people"]+`</a></li>`) {
		t.Errorf("a colleague without a choice: %s", title(en.Body))
	}

	// Back to the default: English again.
	back := c.PostForm("/settings/language", url.Values{"language": {""}})
	if back.Status != http.StatusSeeOther {
		t.Fatalf("choosing English: %d", back.Status)
	}
	if page := c.Follow(back); !strings.Contains(page.Body, `<html lang="en">`) || !strings.Contains(page.Body, `id="language-en" name="language" value="" checked`) {
		t.Errorf("after choosing English again: %s", testkit.Text(page.Body))
	}
}
