package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"peerpath/internal/auth"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// portalFixture is a person with a portal account, and another person the
// same worker supports.
type portalFixture struct {
	tm                    testkit.Team
	me, other             store.Person
	user                  store.User
	goal, otherGoal       store.Goal
	consent, otherConsent store.Consent
}

func makePortal(t *testing.T, app *testkit.App, name string) portalFixture {
	t.Helper()
	tm := app.NewTeam(t, name)
	pat := testkit.Actor(tm.Peer)
	f := portalFixture{tm: tm}
	must := testkit.Must[store.Person](t)
	f.me = must(app.CreatePerson(t.Context(), pat, store.PersonInput{PreferredName: "María", PreferredLanguage: "Spanish"}))
	f.other = must(app.CreatePerson(t.Context(), pat, store.PersonInput{PreferredName: "Quinn"}))
	f.goal = testkit.Must[store.Goal](t)(app.AddGoal(t.Context(), pat, f.me.ID, store.GoalInput{Text: "Volver a nadar", LifeArea: "health"}))
	f.otherGoal = testkit.Must[store.Goal](t)(app.AddGoal(t.Context(), pat, f.other.ID, store.GoalInput{Text: "Quinn's goal", LifeArea: "home"}))
	f.consent = testkit.Must[store.Consent](t)(app.RecordConsent(t.Context(), pat, f.me.ID, store.ConsentInput{GivenOn: app.Today(), Covers: "Peer support"}))
	f.otherConsent = testkit.Must[store.Consent](t)(app.RecordConsent(t.Context(), pat, f.other.ID, store.ConsentInput{GivenOn: app.Today(), Covers: "Peer support"}))
	f.user = app.NewPortalUser(t, pat, f.me.ID)
	return f
}

// portalTemplateSteps renders every portal template, for
// TestEveryTemplateRenders.
func portalTemplateSteps(t *testing.T, app *testkit.App) {
	f := makePortal(t, app, "Journey portal")
	c := app.SessionClient(t, f.user)
	for _, p := range []string{"/portal", "/portal/safety-plan", "/portal/safety-plan/edit", "/portal/goals", "/portal/consents",
		"/portal/consents/" + itoa(f.consent.ID) + "/withdraw", "/portal/corrections", "/portal/access", "/portal/disclosures"} {
		if res := c.Get(p); res.Status != http.StatusOK {
			t.Errorf("GET %s: %d", p, res.Status)
		}
	}
	staff := app.SessionClient(t, f.tm.Peer)
	if res := staff.PostForm("/people/"+itoa(f.other.ID)+"/portal-invitation", nil); res.Status != http.StatusOK {
		t.Errorf("invitation page: %d", res.Status)
	}
	app.Client(t).Get("/portal/accept")
	app.Client(t).Get("/login/code") // without email sending: says codes cannot be sent
}

func TestPortalPagesInTheirLanguage(t *testing.T) {
	app := testkit.NewApp(t)
	f := makePortal(t, app, "Portal pages")
	c := app.SessionClient(t, f.user)
	res := c.Get("/")
	if res.Status != http.StatusSeeOther || res.Location() != "/portal" {
		t.Fatalf("home sends the person to their portal: %d %s", res.Status, res.Location())
	}
	res = c.Get("/portal")
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `lang="es"`) || !strings.Contains(res.Body, "Hola, María") || !strings.Contains(res.Body, "Cerrar sesión") {
		t.Fatalf("portal home in Spanish:\n%s", testkit.Text(res.Body))
	}
	// The switcher changes the language.
	c.Get("/language?to=pt&next=/portal")
	if res := c.Get("/portal/goals"); !strings.Contains(res.Body, "Minhas metas") && !strings.Contains(res.Body, "Mis metas") {
		t.Fatalf("goals page:\n%s", testkit.Text(res.Body))
	}

	// Editing the safety plan: a version marked as the person's.
	res = c.PostForm("/portal/safety-plan/edit", url.Values{"base_version": {"0"}, "warning_signs": {"No duermo\nMe aíslo"}, "people_to_ask.0.name": {"Ana"}, "people_to_ask.0.phone": {"617-555-0101"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("saving the plan: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	res = c.PostForm("/portal/safety-plan/edit", url.Values{"base_version": {"1"}, "people_to_ask.0.name": {"Ana"}, "people_to_ask.0.phone": {"call her"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Escribe un número") && !strings.Contains(res.Body, "Escreva um número") {
		t.Fatalf("a bad phone number is said in their language: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	staff := app.SessionClient(t, f.tm.Peer)
	if res := staff.Get("/people/" + itoa(f.me.ID) + "/safety-plan/versions"); !strings.Contains(res.Body, "written by the person in their portal") || !strings.Contains(res.Body, "Me aíslo") {
		t.Fatalf("the worker sees the person's version and what changed:\n%s", testkit.Text(res.Body))
	}
	// The printout is in the person's language.
	res = staff.Get("/people/" + itoa(f.me.ID) + "/safety-plan.pdf")
	if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("printout: %d", res.Status)
	}
	for _, p := range []string{"/portal/safety-plan.pdf", "/portal/safety-plan/pocket-card.pdf", "/portal/my-record.pdf", "/portal/my-record.json"} {
		if res := c.Get(p); res.Status != http.StatusOK {
			t.Errorf("GET %s: %d", p, res.Status)
		}
	}

	// A progress note, a correction request the worker answers, a consent withdrawn.
	if res := c.PostForm("/portal/goals/"+itoa(f.goal.ID)+"/progress", url.Values{"note": {"Fui a la piscina"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("progress: %d %s", res.Status, testkit.Text(res.Body))
	}
	if res := c.PostForm("/portal/corrections", url.Values{"request": {"Mi apellido es Gómez"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("correction: %d", res.Status)
	}
	page := staff.Get("/people/" + itoa(f.me.ID))
	if !strings.Contains(page.Body, "Mi apellido es Gómez") {
		t.Fatalf("the worker sees the request:\n%s", testkit.Text(page.Body))
	}
	cs, _ := app.Corrections(t.Context(), testkit.Actor(f.tm.Peer), f.me.ID)
	if res := staff.PostForm("/people/"+itoa(f.me.ID)+"/corrections/"+itoa(cs[0].ID)+"/answer", url.Values{"status": {"made"}, "answer": {"Corregido, gracias."}}); res.Status != http.StatusSeeOther {
		t.Fatalf("answer: %d", res.Status)
	}
	if res := c.Get("/portal/corrections"); !strings.Contains(res.Body, "Corregido, gracias.") {
		t.Fatal("the person sees the answer")
	}
	if res := c.PostForm("/portal/consents/"+itoa(f.consent.ID)+"/withdraw", url.Values{"note": {""}}); res.Status != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", res.Status)
	}
	// Who has looked: the worker's read of the record.
	if res := c.Get("/portal/access"); !strings.Contains(res.Body, "Pat Peer") {
		t.Fatalf("access history:\n%s", testkit.Text(res.Body))
	}
}

// TestPortalUserReachesOnlyTheirOwn: guessing another person's ids gives
// 404, and so does every staff route.
func TestPortalUserReachesOnlyTheirOwn(t *testing.T) {
	app := testkit.NewApp(t)
	f := makePortal(t, app, "Portal access")
	c := app.SessionClient(t, f.user)
	for _, tc := range []struct{ method, path string }{
		{"POST", "/portal/goals/" + itoa(f.otherGoal.ID) + "/progress"},
		{"POST", "/portal/consents/" + itoa(f.otherConsent.ID) + "/withdraw"},
		{"GET", "/people/" + itoa(f.other.ID)},
		{"GET", "/people/" + itoa(f.me.ID)},
		{"GET", "/people/" + itoa(f.me.ID) + "/safety-plan"},
		{"GET", "/goals/" + itoa(f.goal.ID)},
	} {
		var res testkit.Response
		if tc.method == "POST" {
			res = c.PostForm(tc.path, url.Values{"note": {"x"}})
		} else {
			res = c.Get(tc.path)
		}
		if res.Status != http.StatusNotFound {
			t.Errorf("%s %s: %d, want 404", tc.method, tc.path, res.Status)
		}
	}
	api := app.SessionClient(t, f.user)
	if res := api.Send("POST", "/api/v1/me/consents/"+itoa(f.otherConsent.ID)+"/withdraw", map[string]any{}); res.Status != http.StatusNotFound {
		t.Errorf("withdrawing another person's consent by API: %d", res.Status)
	}
	if res := api.Send("GET", "/api/v1/people/"+itoa(f.other.ID), nil); res.Status != http.StatusNotFound {
		t.Errorf("staff API: %d", res.Status)
	}
	// Their own data in the API.
	for _, p := range []string{"/api/v1/me/safety-plan", "/api/v1/me/wellness-plan", "/api/v1/me/crisis-preferences", "/api/v1/me/goals", "/api/v1/me/consents", "/api/v1/me/access-history"} {
		if res := api.Send("GET", p, nil); res.Status != http.StatusOK {
			t.Errorf("GET %s: %d %s", p, res.Status, res.Body)
		}
	}
	res := api.Send("PUT", "/api/v1/me/safety-plan", map[string]any{"sections": map[string]any{"warning_signs": []string{"No duermo"}}})
	if res.Status != http.StatusOK || !strings.Contains(res.Body, "No duermo") {
		t.Errorf("PUT my safety plan: %d %s", res.Status, res.Body)
	}
	if res := api.Send("POST", "/api/v1/me/correction-requests", map[string]any{"request": "Mi fecha de nacimiento"}); res.Status != http.StatusCreated {
		t.Errorf("correction request: %d %s", res.Status, res.Body)
	}
	// Staff do not reach the portal.
	if res := app.SessionClient(t, f.tm.Peer).Get("/portal"); res.Status != http.StatusForbidden {
		t.Errorf("staff on the portal: %d", res.Status)
	}
}

// TestPortalInvitationHTTP: invitation by API, acceptance by API and by form,
// used twice or expired said plainly, then signing in at /login.
func TestPortalInvitationHTTP(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Portal invite")
	p := testkit.Must[store.Person](t)(app.CreatePerson(t.Context(), testkit.Actor(tm.Peer), store.PersonInput{PreferredName: "Maria", PreferredLanguage: "es"}))
	staff := app.APIClient(t, tm.Peer)
	res := staff.Send("POST", "/api/v1/people/"+itoa(p.ID)+"/portal-invitation", nil)
	if res.Status != http.StatusCreated {
		t.Fatalf("invitation: %d %s", res.Status, res.Body)
	}
	var inv struct{ Link, Code, Login string }
	res.JSON(t, &inv)
	if !strings.Contains(inv.Link, "/portal/accept?token=") || len(inv.Code) != 9 {
		t.Fatalf("invitation: %+v", inv)
	}
	// Another organisation's admin cannot invite this person.
	other := app.NewTeam(t, "Portal elsewhere")
	if res := app.APIClient(t, other.Admin).Send("POST", "/api/v1/people/"+itoa(p.ID)+"/portal-invitation", nil); res.Status != http.StatusNotFound {
		t.Errorf("another organisation: %d", res.Status)
	}
	anon := app.Client(t)
	token := strings.SplitN(inv.Link, "token=", 2)[1]
	page := anon.Get("/portal/accept?token=" + token)
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "Crea tu cuenta") {
		t.Fatalf("acceptance page in the person's language:\n%s", testkit.Text(page.Body))
	}
	if res := anon.PostForm("/portal/accept", url.Values{"token": {inv.Code}, "password": {"short"}, "password_again": {"short"}}); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("weak password: %d", res.Status)
	}
	res = anon.Send("POST", "/api/v1/portal/accept", map[string]string{"token": inv.Code, "password": "el mar de Revere por la tarde"})
	if res.Status != http.StatusOK || !strings.Contains(res.Body, inv.Login) {
		t.Fatalf("accepted by API: %d %s", res.Status, res.Body)
	}
	res = anon.PostForm("/portal/accept", url.Values{"token": {token}, "password": {"el mar de Revere por la tarde"}, "password_again": {"el mar de Revere por la tarde"}})
	if res.Status != http.StatusGone || !strings.Contains(res.Body, "ya se usó") {
		t.Fatalf("used twice, said plainly: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	if res := anon.Send("POST", "/api/v1/portal/accept", map[string]string{"token": token, "password": "el mar de Revere por la tarde"}); res.Status != http.StatusConflict || !strings.Contains(res.Body, "already been used") {
		t.Fatalf("used twice by API: %d %s", res.Status, res.Body)
	}
	// Expired.
	res = staff.Send("POST", "/api/v1/people/"+itoa(p.ID)+"/portal-invitation", nil)
	res.JSON(t, &inv)
	app.Clock.Advance(store.PortalInviteTTL + 1)
	if res := anon.Get("/portal/accept?token=" + strings.SplitN(inv.Link, "token=", 2)[1]); res.Status != http.StatusGone || !strings.Contains(res.Body, "ha caducado") {
		t.Fatalf("expired: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	// Signing in like everyone else.
	c := app.Client(t)
	res = c.PostForm("/login", url.Values{"email": {inv.Login}, "password": {"el mar de Revere por la tarde"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", res.Status)
	}
	if res := c.Follow(c.Follow(res)); !strings.Contains(res.Body, "Hola, Maria") {
		t.Fatalf("after sign-in:\n%s", testkit.Text(res.Body))
	}
	_ = auth.PermPortal
}

// TestPortalInvitationByEmailInTheirLanguage: with sending set up, the
// invitation also goes to the person's email, in Portuguese for a person
// whose record says Portuguese, and its link opens the acceptance page.
func TestPortalInvitationByEmailInTheirLanguage(t *testing.T) {
	smtp := testkit.NewSMTP(t)
	app := testkit.NewMailApp(t)
	tm := app.NewTeam(t, "Portal mail")
	p := testkit.Must[store.Person](t)(app.CreatePerson(t.Context(), testkit.Actor(tm.Peer), store.PersonInput{PreferredName: "Joana", PreferredLanguage: "Português", Email: "joana@mail.test"}))
	staff := app.SessionClient(t, tm.Peer)
	res := staff.PostForm("/people/"+itoa(p.ID)+"/portal-invitation", nil)
	if res.Status != http.StatusOK || !strings.Contains(res.Body, "joana@mail.test") || !strings.Contains(res.Body, `lang="pt"`) {
		t.Fatalf("invitation page: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	if n, err := app.DeliverMail(t.Context(), 10, mailSender(t, smtp).Send); err != nil || n != 1 {
		t.Fatalf("delivering: %d %v", n, err)
	}
	m := smtp.Messages()[0]
	if m.To != "joana@mail.test" || !strings.Contains(m.Subject, "Seu próprio espaço") || !strings.Contains(m.Text, "Olá Joana") || !strings.Contains(m.HTML, `lang="pt"`) {
		t.Fatalf("the email is not in Portuguese: %s\n%s", m.Subject, m.Text)
	}
	link := regexp.MustCompile(`http://[^\s"<]+/portal/accept\?token=[a-z0-9]+`).FindString(m.Text)
	if page := app.Client(t).Get(strings.TrimPrefix(link, app.HTTP.URL)); !strings.Contains(page.Body, "Crie sua conta") {
		t.Fatalf("the emailed link: %q\n%s", link, testkit.Text(page.Body))
	}
}
