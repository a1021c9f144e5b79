package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"peerpath/internal/sms"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// getIn fetches a path with an Accept-Language header.
func getIn(c *testkit.Client, app *testkit.App, path, lang string) testkit.Response {
	req, _ := http.NewRequest(http.MethodGet, app.HTTP.URL+path, nil)
	req.Header.Set("Accept-Language", lang)
	return c.Do(req)
}

// TestLoginInTheReadersLanguage: /login speaks the browser's language, or
// the one chosen with the switcher, and so do the messages it shows; in
// English its words are those it always had.
func TestLoginInTheReadersLanguage(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Login languages")
	c := app.Client(t)
	en := c.Get("/login")
	for _, want := range []string{"Sign in to peerpath", "Email address", "Password", "Forgot your password? Ask an administrator of your organisation for a reset link."} {
		if !strings.Contains(en.Body, want) {
			t.Fatalf("English sign-in page lacks %q:\n%s", want, testkit.Text(en.Body))
		}
	}
	if strings.Contains(en.Body, "Email me a sign-in code") {
		t.Error("codes are offered without email sending")
	}
	if res := c.Get("/login/code"); res.Status != http.StatusOK || !strings.Contains(res.Body, "cannot send sign-in codes") {
		t.Errorf("/login/code without email sending: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	if res := c.PostForm("/login/code", url.Values{"login": {tm.Peer.Email}}); res.Status != http.StatusNotFound {
		t.Errorf("asking for a code without email sending: %d", res.Status)
	}
	es := getIn(c, app, "/login", "es-US,es;q=0.9,en;q=0.5")
	if !strings.Contains(es.Body, `lang="es"`) || !strings.Contains(es.Body, "Inicia sesión en peerpath") || !strings.Contains(es.Body, "Contraseña") {
		t.Fatalf("Spanish by the browser:\n%s", testkit.Text(es.Body))
	}
	// The switcher: Portuguese, whatever the browser says.
	c.Get("/language?to=pt&next=/login")
	pt := getIn(c, app, "/login", "es")
	if !strings.Contains(pt.Body, `lang="pt"`) || !strings.Contains(pt.Body, "Entre no peerpath") {
		t.Fatalf("Portuguese by the switcher:\n%s", testkit.Text(pt.Body))
	}
	res := c.PostForm("/login", url.Values{"email": {""}, "password": {""}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Digite seu e-mail.") || !strings.Contains(res.Body, "Há um problema") {
		t.Fatalf("missing fields in Portuguese: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	res = c.PostForm("/login", url.Values{"email": {tm.Peer.Email}, "password": {"not the right one"}})
	if res.Status != http.StatusUnauthorized || !strings.Contains(res.Body, "O e-mail ou a senha não estão certos.") {
		t.Fatalf("a wrong password in Portuguese: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	for range store.PairFreeFailures {
		res = c.PostForm("/login", url.Values{"email": {tm.Peer.Email}, "password": {"not the right one"}})
	}
	if res.Status != http.StatusTooManyRequests || !strings.Contains(res.Body, "Muitas tentativas sem sucesso") {
		t.Fatalf("locked out in Portuguese: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	// A staff member signed in reads English, as before.
	staff := app.SessionClient(t, tm.Admin)
	if res := getIn(staff, app, "/", "es"); strings.Contains(res.Body, `lang="es"`) {
		t.Error("a staff page in Spanish")
	}
}

var emailedCode = regexp.MustCompile(`\b\d{6}\b`)

// TestSignInWithAnEmailedCode: with email sending set up, a person with a
// portal account asks for a code on /login, gets it by email in their
// language, and signs in with it once. Staff and unknown logins get the
// same page and no email.
func TestSignInWithAnEmailedCode(t *testing.T) {
	smtp := testkit.NewSMTP(t)
	app := testkit.NewMailApp(t)
	tm := app.NewTeam(t, "Login codes")
	p := testkit.Must[store.Person](t)(app.CreatePerson(t.Context(), testkit.Actor(tm.Peer), store.PersonInput{PreferredName: "María", PreferredLanguage: "Spanish", Email: "maria@mail.test"}))
	u := app.NewPortalUser(t, testkit.Actor(tm.Peer), p.ID)
	app.DeliverMail(t.Context(), 10, mailSender(t, smtp).Send)
	before := len(smtp.Messages())

	c := app.Client(t)
	page := getIn(c, app, "/login", "es")
	if !strings.Contains(page.Body, "Envíame un código por correo") {
		t.Fatalf("the code link on /login:\n%s", testkit.Text(page.Body))
	}
	if res := getIn(c, app, "/login/code", "es"); res.Status != http.StatusOK || !strings.Contains(res.Body, "Inicia sesión con un código") ||
		strings.Contains(res.Body, "mensaje de texto") {
		t.Fatalf("code page (email only, no word of texts): %d\n%s", res.Status, testkit.Text(res.Body))
	}
	// The same answer for staff, nobody, and the person.
	var answers []string
	for _, login := range []string{tm.Peer.Email, "nobody@nowhere.test", u.Email} {
		res := c.PostForm("/login/code", url.Values{"login": {login}})
		if res.Status != http.StatusOK {
			t.Fatalf("asking for a code for %s: %d", login, res.Status)
		}
		answers = append(answers, strings.ReplaceAll(testkit.Text(res.Body), login, ""))
	}
	if answers[0] != answers[1] || answers[1] != answers[2] {
		t.Fatalf("the answers differ:\n%s\n---\n%s\n---\n%s", answers[0], answers[1], answers[2])
	}
	if n, err := app.DeliverMail(t.Context(), 10, mailSender(t, smtp).Send); err != nil || n != 1 {
		t.Fatalf("delivered %d (%v), want the person's code only", n, err)
	}
	m := smtp.Messages()[before]
	if m.To != "maria@mail.test" || !strings.Contains(m.Subject, "Tu código para entrar") || !strings.Contains(m.Text, "Hola María") {
		t.Fatalf("the code email is not in Spanish: %s\n%s", m.Subject, m.Text)
	}
	code := emailedCode.FindString(m.Text)
	res := c.PostForm("/login/code/verify", url.Values{"login": {u.Email}, "code": {"12345x"}})
	if res.Status != http.StatusUnauthorized {
		t.Fatalf("a wrong code: %d", res.Status)
	}
	res = c.PostForm("/login/code/verify", url.Values{"login": {u.Email}, "code": {code}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("signing in with the code: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	if res := c.Follow(c.Follow(res)); !strings.Contains(res.Body, "Hola, María") {
		t.Fatalf("after signing in:\n%s", testkit.Text(res.Body))
	}
	again := app.Client(t)
	if res := again.PostForm("/login/code/verify", url.Values{"login": {u.Email}, "code": {code}}); res.Status != http.StatusUnauthorized {
		t.Fatalf("the code used twice: %d", res.Status)
	}
}

// TestSignInWithATextedCode: with text messages set up, the sign-in pages
// say "email or text message"; a person with no email address, a phone and
// texts okay gets the code by SMS, in their language; the answer is the
// same for staff, nobody and the person.
func TestSignInWithATextedCode(t *testing.T) {
	app := testkit.NewTextApp(t)
	tm := app.NewTeam(t, "Texted codes")
	p := testkit.Must[store.Person](t)(app.CreatePerson(t.Context(), testkit.Actor(tm.Peer), store.PersonInput{PreferredName: "Lucía", PreferredLanguage: "Spanish",
		Phone: "617 555 0150", OkayToContact: []string{"text"}}))
	u := app.NewPortalUser(t, testkit.Actor(tm.Peer), p.ID)
	var texts []sms.Message
	deliver := func() int {
		t.Helper()
		n, err := app.DeliverSMS(t.Context(), 10, func(_ context.Context, m sms.Message) error { texts = append(texts, m); return nil })
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	deliver()

	c := app.Client(t)
	if page := getIn(c, app, "/login", "es"); !strings.Contains(page.Body, "Envíame un código para entrar") || strings.Contains(page.Body, "por correo") {
		t.Fatalf("the code link on /login:\n%s", testkit.Text(page.Body))
	}
	if page := getIn(c, app, "/login/code", "en"); !strings.Contains(page.Body, "by email or text message") {
		t.Fatalf("the code page:\n%s", testkit.Text(page.Body))
	}
	var answers []string
	for _, login := range []string{tm.Peer.Email, "nobody@nowhere.test", u.Email} {
		res := c.PostForm("/login/code", url.Values{"login": {login}})
		if res.Status != http.StatusOK {
			t.Fatalf("asking for a code for %s: %d", login, res.Status)
		}
		answers = append(answers, strings.ReplaceAll(testkit.Text(res.Body), login, ""))
	}
	if answers[0] != answers[1] || answers[1] != answers[2] || !strings.Contains(answers[2], "text message") {
		t.Fatalf("the answers differ:\n%s\n---\n%s\n---\n%s", answers[0], answers[1], answers[2])
	}
	if n := deliver(); n != 1 || texts[0].To != "+16175550150" || !strings.HasPrefix(texts[0].Body, "Tu código para entrar es ") {
		t.Fatalf("texted %d: %+v", n, texts)
	}
	code := emailedCode.FindString(texts[0].Body)
	res := c.PostForm("/login/code/verify", url.Values{"login": {u.Email}, "code": {code}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("signing in with the texted code: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	// The administrator sees that texts are on, and nothing about whom.
	page := testkit.Text(app.SessionClient(t, tm.Admin).Get("/admin/users").Body)
	if !strings.Contains(page, "peerpath sends sign-in codes by text message") || strings.Contains(page, "555") {
		t.Fatalf("the users page:\n%s", page)
	}
	// Nothing of the person went to the log (request ids are random hex,
	// which may hold any digits: they are left out of the check).
	logs := regexp.MustCompile(`request_id=[0-9a-f]+`).ReplaceAllString(app.Logs(), "")
	if strings.Contains(logs, "0150") || strings.Contains(logs, code) || strings.Contains(logs, "código") {
		t.Fatalf("the log holds the number or the code:\n%s", logs)
	}
}
