package browsertest

import (
	"strings"
	"testing"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestPersonUsesTheirPortalInSpanish is issue 18's journey on a phone: a
// peer worker invites a person whose language is Spanish and reads their
// safety plan; the person opens the invitation, sets a password (in
// Spanish), signs in at /login like everyone else, writes a line of their
// safety plan, and sees the worker's read in "who has looked at my record".
// axe (with best practice) checks every page.
func TestPersonUsesTheirPortalInSpanish(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Portal RLC")
	p, err := app.CreatePerson(t.Context(), testkit.Actor(tm.Peer), store.PersonInput{PreferredName: "María Gómez", PreferredLanguage: "Spanish"})
	if err != nil {
		t.Fatal(err)
	}
	tab := browser.NewTab(t, app.HTTP.URL)
	tab.BestPractice()
	tab.Phone()

	// The worker invites María and reads her safety plan.
	signIn(tab, tm.Peer)
	tab.Visit("/people/" + itoa(p.ID))
	tab.MustSee("María Gómez's portal", "no portal account yet")
	tab.Submit("form[action='/people/" + itoa(p.ID) + "/portal-invitation'] button")
	tab.MustSee("Tu propio espacio en peerpath", "Abre este enlace")
	link := tab.Eval(`document.querySelector("main ol a").getAttribute("href")`)
	code := tab.Text("main strong.code")
	if !strings.Contains(link, "/portal/accept?token=") || len(code) != 9 {
		t.Fatalf("invitation: %q %q", link, code)
	}
	login := tab.Eval(`document.querySelector("main ol li:last-child strong").textContent`)
	tab.Visit("/people/" + itoa(p.ID) + "/safety-plan")
	tab.SignOut()

	// María opens the link on her phone and sets her password, in Spanish.
	tab.Visit(strings.TrimPrefix(link, app.HTTP.URL))
	tab.MustSee("Crea tu cuenta", "Bienvenido o bienvenida, María Gómez", login)
	tab.Fill("#f-password", testkit.Password)
	tab.Fill("#f-password_again", "not the same at all, sorry")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("Hay algo que corregir", "Las dos contraseñas no coinciden")
	tab.Fill("#f-password", testkit.Password)
	tab.Fill("#f-password_again", testkit.Password)
	tab.Submit("main form button[type=submit]")
	tab.MustSee("Tu cuenta está lista", "Entra con "+login)

	// The invitation used twice says so plainly.
	tab.Visit(strings.TrimPrefix(link, app.HTTP.URL))
	tab.MustSee("Esta invitación ya se usó")

	// She signs in at /login like everyone else.
	tab.Visit("/login")
	tab.Fill("#f-email", login)
	tab.Fill("#f-password", testkit.Password)
	tab.Submit("main form button[type=submit]")
	tab.MustSee("Hola, María Gómez", "Mis planes", "Mis próximas reuniones de grupo")
	if lang := tab.Eval(`document.documentElement.lang`); lang != "es" {
		t.Fatalf("page language %q", lang)
	}

	// Her safety plan, in her own words.
	tab.Submit("main a[href='/portal/safety-plan']")
	tab.MustSee("Mi plan de seguridad", "Todavía no hay nada escrito")
	tab.Submit("main .actions a.button")
	tab.MustSee("Plan de seguridad: con mis propias palabras", "Señales de alerta y lo que me afecta")
	typeInto(tab, "#f-warning_signs", "Cuando no duermo\nCuando dejo de contestar el teléfono")
	tab.Fill("[name='people_to_ask.0.name']", "Ana, mi hermana")
	tab.Fill("[name='people_to_ask.0.phone']", "617-555-0101")
	tab.Submit("main form.plan-form .actions button[type=submit]")
	tab.MustSee("Guardado. Tu compañero o compañera de apoyo verá lo que cambiaste.", "Cuando dejo de contestar el teléfono", "Lo cambiaste tú")

	// Who has looked at her record: the worker's read of her safety plan.
	tab.Visit("/portal/access")
	tab.MustSee("Quién ha consultado mi expediente", "Pat Peer", "Compañero/a de apoyo", "Consultó tu plan de seguridad")

	// A staff page is not there for her.
	tab.Visit("/people")
	if strings.Contains(tab.Text("main"), "María Gómez") {
		t.Fatal("a staff page answered the portal account")
	}
	tab.SignOut()

	// The worker sees her version, marked as hers, with what changed.
	signIn(tab, tm.Peer)
	tab.Visit("/people/" + itoa(p.ID) + "/safety-plan/versions")
	tab.MustSee("written by the person in their portal", "Cuando no duermo")
}
