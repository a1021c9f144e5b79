package browsertest

import (
	"strings"
	"testing"

	"peerpath/internal/core"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestPersonUsesTheirPortalInSpanish is issue 18's journey on a phone: a
// peer worker invites a person whose language is Spanish and reads their
// safety plan; the person opens the invitation, sets a password (in
// Spanish), signs in at /login like everyone else, writes a line of their
// safety plan, and sees the worker's read in "who has looked at my record",
// and from there who her records were shared with. Then she withdraws her Part 2 consent to share with a clinic, after the
// page that says what withdrawing means: it shows as withdrawn by her, and
// the next disclosure under it is refused at once. axe (with best
// practice) checks every page.
func TestPersonUsesTheirPortalInSpanish(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Portal RLC")
	p, err := app.CreatePerson(t.Context(), testkit.Actor(tm.Peer), store.PersonInput{PreferredName: "María Gómez", PreferredLanguage: "Spanish"})
	if err != nil {
		t.Fatal(err)
	}
	// She signed a Part 2 consent with her worker, and one disclosure was
	// made under it.
	pat := testkit.Actor(tm.Peer)
	consent, err := app.RecordPart2Consent(t.Context(), pat, p.ID, store.Part2ConsentInput{Discloser: "Portal RLC",
		Information: "Las fechas en que asistí al apoyo entre pares", Recipient: "Codman Square Health Center",
		Purpose: "Coordinar mi atención", HowToRevoke: store.DefaultHowToRevoke, ExpiresOn: "2027-06-30",
		SignedOn: "2026-11-20", SignatureMethod: "typed", SignedName: "María Gómez"})
	if err != nil {
		t.Fatal(err)
	}
	disclosure := store.DisclosureInput{Recipient: "Codman Square Health Center", Purpose: "Coordinar mi atención",
		Information: "Fechas de asistencia", DisclosedOn: app.Today(), ConsentID: consent.ID}
	if _, err := app.RecordDisclosure(t.Context(), pat, p.ID, disclosure); err != nil {
		t.Fatalf("a disclosure under her consent: %v", err)
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

	// Who her records were shared with, from the access page: the
	// disclosure, and the consent that allowed it.
	tab.Submit("main a[href='/portal/disclosures']")
	tab.MustSee("Con quién se compartieron mis registros", "Compartido con Codman Square Health Center", "Fechas de asistencia",
		"Qué lo permitió", "Tu consentimiento para compartir con Codman Square Health Center, firmado el 20 de noviembre de 2026", "Vigente")

	// Her consents: the Part 2 one stands, and she may withdraw it.
	tab.Visit("/portal")
	tab.Submit("main a[href='/portal/consents']")
	tab.MustSee("Mis consentimientos", "Compartir tus registros (42 CFR Parte 2)", "Compartir con Codman Square Health Center",
		"Qué se puede compartir", "Las fechas en que asistí al apoyo entre pares", "Para qué", "Coordinar mi atención",
		"Hasta", "30 de junio de 2027", "Lo firmaste el", "20 de noviembre de 2026", "Vigente")
	withdraw := "main a[href='/portal/consents/" + itoa(consent.ID) + "/withdraw']"
	// The confirmation says what withdrawing means; keeping it changes nothing.
	tab.Submit(withdraw)
	tab.MustSee("¿Retirar este consentimiento?", "Qué significa retirarlo", "Deja de valer en el acto",
		"este consentimiento ya no permite a nadie compartir tus registros con Codman Square Health Center", "No deshace lo que ya se compartió",
		"puedes firmar un consentimiento nuevo", "Sí, retirarlo ahora", "No, mantenerlo")
	tab.Submit("main form .actions a[href='/portal/consents']")
	tab.MustSee("Mis consentimientos", "Vigente")
	tab.Submit(withdraw)
	tab.Fill("#f-note", "Ya no quiero que lo compartan")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("Tu consentimiento queda retirado. Desde ahora ya no permite compartir nada.", "Compartir con Codman Square Health Center", "Lo retiraste el 23 de noviembre de 2026")
	if strings.Contains(tab.Text("main"), "Vigente") || tab.Eval(`String(!!document.querySelector("`+withdraw+`"))`) != "false" {
		t.Fatal("the withdrawn consent still shows as standing, or as one to withdraw")
	}
	// At once: the store holds it revoked by her, and refuses the next
	// disclosure under it.
	c, err := app.Consent(t.Context(), pat, consent.ID)
	if err != nil || c.Current() || c.RevokedBy != "person" || c.WithdrawnOn != app.Today() {
		t.Fatalf("the consent after she withdrew it: %v current %v, revoked by %q on %q", err, c.Current(), c.RevokedBy, c.WithdrawnOn)
	}
	if _, err := app.RecordDisclosure(t.Context(), pat, p.ID, disclosure); core.KindOf(err) != core.KindConflict {
		t.Fatalf("a disclosure after she withdrew the consent: %v, want a conflict", err)
	}
	// What was shared while it stood is still listed, with the consent now withdrawn.
	tab.Visit("/portal/disclosures")
	tab.MustSee("Compartido con Codman Square Health Center", "Lo retiraste el 23 de noviembre de 2026")

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
	// And her consent as withdrawn by her.
	tab.Visit("/people/" + itoa(p.ID) + "/consents")
	tab.MustSee("Codman Square Health Center", "Withdrawn by the person in their portal on")
}
