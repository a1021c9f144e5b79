package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"peerpath/internal/core"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

func portalPart2Consent(recipient string) store.Part2ConsentInput {
	return store.Part2ConsentInput{Discloser: "Harbor Peer Support", Information: "Las fechas en que asistí al apoyo entre pares",
		Recipient: recipient, Purpose: "Coordinar mi atención", HowToRevoke: store.DefaultHowToRevoke, ExpiresOn: "2027-06-30",
		SignedOn: "2026-11-20", SignatureMethod: "typed", SignedName: "María"}
}

// TestPortalListsAndWithdrawsPart2Consents: the person reads their Part 2
// consents in their language (to whom, what, why, until when, whether it
// stands), withdraws one after a page that says what withdrawing means, and
// the withdrawal takes effect at once, is audited as theirs, and stops the
// next disclosure. Another person's consent is not found, on the pages and
// in the API.
func TestPortalListsAndWithdrawsPart2Consents(t *testing.T) {
	app := testkit.NewApp(t)
	f := makePortal(t, app, "Portal Part 2")
	pat := testkit.Actor(f.tm.Peer)
	mine := testkit.Must[store.Consent](t)(app.RecordPart2Consent(t.Context(), pat, f.me.ID, portalPart2Consent("Dr. Lena Park, Riverbend CHC")))
	second := testkit.Must[store.Consent](t)(app.RecordPart2Consent(t.Context(), pat, f.me.ID, portalPart2Consent("Dorchester Drug Court")))
	theirs := testkit.Must[store.Consent](t)(app.RecordPart2Consent(t.Context(), pat, f.other.ID, portalPart2Consent("Dr. Lena Park, Riverbend CHC")))
	c := app.SessionClient(t, f.user)

	page := testkit.Text(c.Get("/portal/consents").Body)
	for _, want := range []string{"Compartir con Dr. Lena Park, Riverbend CHC", "Qué se puede compartir", "Las fechas en que asistí",
		"Para qué", "Coordinar mi atención", "Hasta", "30 de junio de 2027", "Vigente", "Consentimiento para el apoyo entre pares", "Peer support"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the consents page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "Quinn") {
		t.Fatal("the page shows another person's consent")
	}

	// Confirming first, in plain words.
	path := "/portal/consents/" + itoa(mine.ID) + "/withdraw"
	confirm := c.Get(path)
	if confirm.Status != http.StatusOK {
		t.Fatalf("confirmation page: %d", confirm.Status)
	}
	for _, want := range []string{"¿Retirar este consentimiento?", "Deja de valer en el acto", "No deshace lo que ya se compartió", "Sí, retirarlo ahora", "No, mantenerlo"} {
		if !strings.Contains(testkit.Text(confirm.Body), want) {
			t.Fatalf("the confirmation page lacks %q:\n%s", want, testkit.Text(confirm.Body))
		}
	}
	for _, p := range []string{"/portal/consents/" + itoa(theirs.ID) + "/withdraw", "/portal/consents/" + itoa(f.otherConsent.ID) + "/withdraw"} {
		if res := c.Get(p); res.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, res.Status)
		}
		if res := c.PostForm(p, url.Values{"note": {""}}); res.Status != http.StatusNotFound {
			t.Errorf("POST %s: %d, want 404", p, res.Status)
		}
	}
	res := c.PostForm(path, url.Values{"note": {"Ya no quiero"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("withdrawing: %d %s", res.Status, testkit.Text(res.Body))
	}
	if page := testkit.Text(c.Follow(res).Body); !strings.Contains(page, "Desde ahora ya no permite compartir nada") || !strings.Contains(page, "Lo retiraste el") {
		t.Fatalf("after withdrawing:\n%s", page)
	}
	// At once: the next disclosure under it is refused.
	_, err := app.RecordDisclosure(t.Context(), pat, f.me.ID, store.DisclosureInput{Recipient: "Dr. Lena Park, Riverbend CHC",
		Purpose: "Coordinar mi atención", Information: "Fechas", DisclosedOn: app.Today(), ConsentID: mine.ID})
	if core.KindOf(err) != core.KindConflict {
		t.Fatalf("a disclosure after the person withdrew the consent: %v", err)
	}
	// Audited, as the person's.
	l, err := app.ListAudit(t.Context(), f.tm.Org.ID, store.AuditFilter{RecordType: "consent", RecordID: itoa(mine.ID), UserID: f.user.ID}, store.Page{Limit: 20})
	if err != nil || len(l.Items) == 0 || !strings.Contains(l.Items[0].Detail, "withdrawn") {
		t.Fatalf("audit of the withdrawal: %v %+v", err, l.Items)
	}
	// Withdrawing it again says so.
	if res := c.PostForm(path, url.Values{"note": {""}}); res.Status != http.StatusSeeOther || !strings.Contains(testkit.Text(c.Follow(res).Body), "ya estaba retirado") {
		t.Fatalf("again: %d", res.Status)
	}

	// Their downloaded record holds them too.
	if res := c.Get("/portal/my-record.json"); !strings.Contains(res.Body, `"recipient": "Dorchester Drug Court"`) || !strings.Contains(res.Body, `"kind": "part2"`) {
		t.Fatalf("my record as JSON: %s", res.Body)
	}
	if res := c.Get("/portal/my-record.pdf"); res.Status != http.StatusOK {
		t.Fatalf("my record as PDF: %d", res.Status)
	}

	// The API: both kinds, each with what it is and whether it stands.
	api := app.SessionClient(t, f.user)
	var list struct {
		Items []struct {
			ID, Kind, State, Recipient, Purpose string
			ExpiresOn                           string `json:"expires_on"`
			WithdrawnBy                         string `json:"withdrawn_by"`
		} `json:"items"`
	}
	res = api.Send("GET", "/api/v1/me/consents", nil)
	res.JSON(t, &list)
	got := map[string]string{}
	for _, it := range list.Items {
		got[it.ID] = it.Kind + " " + it.State + " " + it.WithdrawnBy
		if it.ID == itoa(second.ID) && (it.Recipient != "Dorchester Drug Court" || it.ExpiresOn != "2027-06-30") {
			t.Errorf("a Part 2 consent in the API: %+v", it)
		}
	}
	if got[itoa(mine.ID)] != "part2 withdrawn person" || got[itoa(second.ID)] != "part2 in_effect " || got[itoa(f.consent.ID)] != "peer_support in_effect " || got[itoa(theirs.ID)] != "" {
		t.Fatalf("GET /api/v1/me/consents: %v\n%s", got, res.Body)
	}
	res = api.Send("POST", "/api/v1/me/consents/"+itoa(second.ID)+"/withdraw", map[string]any{"note": "por teléfono no"})
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `"state":"withdrawn"`) || !strings.Contains(res.Body, `"withdrawn_by":"person"`) {
		t.Fatalf("withdrawing by API: %d %s", res.Status, res.Body)
	}
	if res := api.Send("POST", "/api/v1/me/consents/"+itoa(second.ID)+"/withdraw", nil); res.Status != http.StatusConflict {
		t.Errorf("withdrawing twice by API: %d %s", res.Status, res.Body)
	}
	if res := api.Send("POST", "/api/v1/me/consents/"+itoa(theirs.ID)+"/withdraw", nil); res.Status != http.StatusNotFound {
		t.Errorf("withdrawing another person's Part 2 consent by API: %d %s", res.Status, res.Body)
	}
}

// TestPortalShowsTheirDisclosures: before anything is shared the person
// reads plainly that nothing was; afterwards their page, PDF and API list
// each disclosure of their own records in the last 3 years (when, to whom,
// what, why, and the consent that allowed it, or the medical emergency),
// newest first, linked from home and from "who has looked at my record".
// Another person's disclosures never show, and a staff route for them is
// not found.
func TestPortalShowsTheirDisclosures(t *testing.T) {
	app := testkit.NewApp(t)
	f := makePortal(t, app, "Portal disclosures")
	pat := testkit.Actor(f.tm.Peer)
	c := app.SessionClient(t, f.user)

	page := testkit.Text(c.Get("/portal/disclosures").Body)
	if !strings.Contains(page, "Con quién se compartieron mis registros") || !strings.Contains(page, "No se compartió nada") {
		t.Fatalf("the empty page:\n%s", page)
	}
	for _, p := range []string{"/portal", "/portal/access"} {
		if res := c.Get(p); !strings.Contains(res.Body, `href="/portal/disclosures"`) {
			t.Errorf("%s does not link to the disclosures", p)
		}
	}

	mine := testkit.Must[store.Consent](t)(app.RecordPart2Consent(t.Context(), pat, f.me.ID, portalPart2Consent("Dr. Lena Park, Riverbend CHC")))
	theirs := testkit.Must[store.Consent](t)(app.RecordPart2Consent(t.Context(), pat, f.other.ID, portalPart2Consent("Dorchester Drug Court")))
	must := testkit.Must[store.Disclosure](t)
	d := must(app.RecordDisclosure(t.Context(), pat, f.me.ID, store.DisclosureInput{Recipient: "Dr. Lena Park, Riverbend CHC",
		Purpose: "Coordinar mi atención", Information: "Fechas de asistencia", DisclosedOn: "2026-11-21", ConsentID: mine.ID}))
	must(app.RecordDisclosure(t.Context(), pat, f.me.ID, store.DisclosureInput{Recipient: "Dra. Ruiz, urgencias del Boston Medical Center",
		Purpose: "Tratamiento de urgencia", Information: "Medicación actual", DisclosedOn: "2026-11-22", Emergency: true,
		EmergencyNature: "Sobredosis; no podía dar su consentimiento", RecipientAffiliation: "Boston Medical Center", DisclosedTime: "02:15", DisclosedByName: "Pat Peer"}))
	must(app.RecordDisclosure(t.Context(), pat, f.other.ID, store.DisclosureInput{Recipient: "Dorchester Drug Court",
		Purpose: "Coordinar mi atención", Information: "Quinn's attendance", DisclosedOn: "2026-11-22", ConsentID: theirs.ID}))

	page = testkit.Text(c.Get("/portal/disclosures").Body)
	for _, want := range []string{"Compartido con Dr. Lena Park, Riverbend CHC", "21 de noviembre de 2026", "Fechas de asistencia", "Coordinar mi atención",
		"Tu consentimiento para compartir con Dr. Lena Park, Riverbend CHC, firmado el 20 de noviembre de 2026", "Vigente",
		"Una emergencia médica.", "Sobredosis", "Boston Medical Center", "22 de noviembre de 2026 a las 2:15", "Pat Peer"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the disclosures page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "No se compartió nada") || strings.Contains(page, "Dorchester") || strings.Contains(page, "Quinn") {
		t.Fatalf("the page shows the empty state or another person's disclosure:\n%s", page)
	}
	if strings.Index(page, "Dra. Ruiz") > strings.Index(page, "Dr. Lena Park") {
		t.Errorf("not newest first:\n%s", page)
	}
	if res := c.Get("/portal/disclosures.pdf"); res.Status != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("the PDF: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	// Their downloaded record holds them too.
	if res := c.Get("/portal/my-record.json"); !strings.Contains(res.Body, `"disclosures": [`) || !strings.Contains(res.Body, "Fechas de asistencia") || strings.Contains(res.Body, "Quinn's attendance") {
		t.Fatalf("my record as JSON: %s", res.Body)
	}
	if res := c.Get("/portal/my-record.pdf"); res.Status != http.StatusOK {
		t.Fatalf("my record as PDF: %d", res.Status)
	}
	// A staff route for anyone's disclosures is not found for the person.
	for _, p := range []string{"/people/" + itoa(f.other.ID) + "/disclosures/accounting", "/people/" + itoa(f.me.ID) + "/disclosures",
		"/disclosures/" + itoa(d.ID) + "/notice.pdf", "/api/v1/people/" + itoa(f.other.ID) + "/disclosures"} {
		if res := c.Get(p); res.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, res.Status)
		}
	}

	// The API: their own, newest first, the consent or the emergency.
	api := app.SessionClient(t, f.user)
	type disclosure struct {
		ID, Recipient, Purpose, Information string
		DisclosedOn                         string `json:"disclosed_on"`
		Consent                             *struct {
			ID, State string
			SignedOn  string `json:"signed_on"`
		}
		Emergency *struct{ Nature string }
	}
	var got struct {
		From, To    string
		Disclosures []disclosure
	}
	res := api.Send("GET", "/api/v1/me/disclosures", nil)
	res.JSON(t, &got)
	if res.Status != http.StatusOK || len(got.Disclosures) != 2 || got.To != app.Today() || got.From != "2023-11-23" {
		t.Fatalf("GET /api/v1/me/disclosures: %d %s", res.Status, res.Body)
	}
	if e := got.Disclosures[0]; e.Emergency == nil || e.Consent != nil || !strings.Contains(e.Emergency.Nature, "Sobredosis") {
		t.Errorf("the emergency: %+v", e)
	}
	if e := got.Disclosures[1]; e.ID != itoa(d.ID) || e.Consent == nil || e.Consent.ID != itoa(mine.ID) || e.Consent.State != "in_effect" || e.Consent.SignedOn != "2026-11-20" || e.Emergency != nil {
		t.Errorf("the disclosure under consent: %+v", e)
	}
	// Beside who has looked at the record.
	var hist struct {
		Items       []map[string]any
		Disclosures []disclosure
	}
	res = api.Send("GET", "/api/v1/me/access-history", nil)
	res.JSON(t, &hist)
	if res.Status != http.StatusOK || len(hist.Items) == 0 || len(hist.Disclosures) != 2 || hist.Disclosures[1].ID != itoa(d.ID) {
		t.Fatalf("GET /api/v1/me/access-history: %d %s", res.Status, res.Body)
	}
	if strings.Contains(res.Body, "Dorchester") {
		t.Fatalf("another person's disclosure in the access history: %s", res.Body)
	}
	// One entry a page, following next_cursor, gives the same entries.
	var paged []map[string]any
	for next, pages := "", 0; ; pages++ {
		var pg struct {
			Items      []map[string]any
			NextCursor string `json:"next_cursor"`
		}
		res = api.Send("GET", "/api/v1/me/access-history?limit=1&cursor="+next, nil)
		res.JSON(t, &pg)
		if res.Status != http.StatusOK || len(pg.Items) > 1 || pages > len(hist.Items) {
			t.Fatalf("page %d of the access history: %d %s", pages, res.Status, res.Body)
		}
		paged = append(paged, pg.Items...)
		if next = pg.NextCursor; next == "" {
			break
		}
	}
	if len(paged) != len(hist.Items) || fmt.Sprint(paged) != fmt.Sprint(hist.Items) {
		t.Fatalf("paged %d entries, at once %d", len(paged), len(hist.Items))
	}
	if res = api.Send("GET", "/api/v1/me/access-history?cursor=nonsense", nil); res.Status != http.StatusBadRequest {
		t.Fatalf("a made-up cursor: %d %s", res.Status, res.Body)
	}
	// Each read is audited as the person's.
	l, err := app.ListAudit(t.Context(), f.tm.Org.ID, store.AuditFilter{RecordType: "person", RecordID: itoa(f.me.ID), UserID: f.user.ID}, store.Page{Limit: 50})
	n := 0
	for _, e := range l.Items {
		if strings.Contains(e.Detail, "accounting of disclosures") {
			n++
		}
	}
	if err != nil || n < 4 {
		t.Fatalf("audited reads of the accounting: %d %v", n, err)
	}
	// The consent changed since (a new version): the disclosure says so.
	in := portalPart2Consent("Dr. Lena Park, Riverbend CHC")
	in.Information, in.Replaces = "Fechas y metas", mine.ID
	testkit.Must[store.Consent](t)(app.RecordPart2Consent(t.Context(), pat, f.me.ID, in))
	if page := testkit.Text(c.Get("/portal/disclosures").Body); !strings.Contains(page, "Cambió después: la versión más reciente está en Mis consentimientos") {
		t.Fatalf("a disclosure under a consent changed since:\n%s", page)
	}
	res = api.Send("GET", "/api/v1/me/disclosures", nil)
	res.JSON(t, &got)
	if e := got.Disclosures[1]; e.Consent == nil || e.Consent.State != "changed" {
		t.Fatalf("the consent changed since, by API: %s", res.Body)
	}
	// A worker has no /api/v1/me/disclosures of their own.
	if res := app.APIClient(t, f.tm.Peer).Send("GET", "/api/v1/me/disclosures", nil); res.Status != http.StatusNotFound && res.Status != http.StatusForbidden {
		t.Errorf("staff on the person's API: %d", res.Status)
	}
}

// TestStaffSeeWhoWithdrewAConsent: on the staff consents page, a consent
// the person withdrew in their portal says so; one a worker recorded as
// revoked says "Revoked on".
func TestStaffSeeWhoWithdrewAConsent(t *testing.T) {
	app := testkit.NewApp(t)
	f := makePortal(t, app, "Portal withdrawn by whom")
	pat := testkit.Actor(f.tm.Peer)
	byPerson := testkit.Must[store.Consent](t)(app.RecordPart2Consent(t.Context(), pat, f.me.ID, portalPart2Consent("Dr. Lena Park, Riverbend CHC")))
	byWorker := testkit.Must[store.Consent](t)(app.RecordPart2Consent(t.Context(), pat, f.me.ID, portalPart2Consent("Dorchester Drug Court")))
	if res := app.SessionClient(t, f.user).PostForm("/portal/consents/"+itoa(byPerson.ID)+"/withdraw", url.Values{"note": {""}}); res.Status != http.StatusSeeOther {
		t.Fatalf("the person withdraws: %d", res.Status)
	}
	if _, err := app.RevokeConsent(t.Context(), pat, f.me.ID, byWorker.ID, store.Revocation{Note: "By phone"}); err != nil {
		t.Fatal(err)
	}
	page := testkit.Text(app.SessionClient(t, f.tm.Peer).Get("/people/" + itoa(f.me.ID) + "/consents").Body)
	if strings.Count(page, "Withdrawn by the person in their portal on") != 1 || strings.Count(page, "Revoked on") != 1 {
		t.Fatalf("the staff consents page:\n%s", page)
	}
	// The consent to peer support, withdrawn in the portal, says so too.
	if res := app.SessionClient(t, f.user).PostForm("/portal/consents/"+itoa(f.consent.ID)+"/withdraw", url.Values{"note": {""}}); res.Status != http.StatusSeeOther {
		t.Fatalf("the person withdraws their consent to peer support: %d", res.Status)
	}
	page = testkit.Text(app.SessionClient(t, f.tm.Peer).Get("/people/" + itoa(f.me.ID) + "/consents").Body)
	if strings.Count(page, "Withdrawn by the person in their portal on") != 2 {
		t.Fatalf("the staff consents page after the consent to peer support was withdrawn:\n%s", page)
	}
}
