package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// part2TemplateSteps renders every Part 2 page, for TestEveryTemplateRenders.
func part2TemplateSteps(t *testing.T, app *testkit.App) {
	tm := app.NewTeam(t, "Part 2 pages")
	p := addPerson(t, app, tm.Peer, "Journey Part Two")
	pa := testkit.Actor(tm.Peer)
	c, err := app.RecordPart2Consent(t.Context(), pa, p.ID, store.Part2ConsentInput{Discloser: "Us", Information: "Attendance dates",
		Recipient: "Court clinic", Purpose: "Court plan", HowToRevoke: "Tell us", ExpiresOn: "2027-01-31", SignedOn: "2026-11-20",
		SignatureMethod: "typed", SignedName: "J P T"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.RecordDisclosure(t.Context(), pa, p.ID, store.DisclosureInput{Recipient: "Court clinic", Purpose: "Court plan", Information: "Dates", ConsentID: c.ID}); err != nil {
		t.Fatal(err)
	}
	peer := app.SignIn(t, tm.Peer)
	base := "/people/" + itoa(p.ID)
	for _, path := range []string{base + "/consents", base + "/consents/new", base + "/consents/new?replaces=" + itoa(c.ID), base + "/disclosures", base + "/disclosures/accounting"} {
		if res := peer.Get(path); res.Status != http.StatusOK {
			t.Errorf("%s: %d", path, res.Status)
		}
	}
}

func TestPart2ConsentAndDisclosureThroughTheAPI(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Part Two API")
	p := addPerson(t, app, tm.Peer, "Maria Santos")
	c := app.APIClient(t, tm.Peer)
	base := "/api/v1/people/" + itoa(p.ID)
	disclosure := map[string]any{"recipient": "Dorchester Drug Court", "purpose": "Confirm attendance for my court plan",
		"information": "Attendance in November", "disclosed_on": "2026-11-23"}

	// No consent: refused, naming what is missing.
	res := c.Send(http.MethodPost, base+"/disclosures", disclosure)
	var refused struct {
		Error struct {
			Code    string            `json:"code"`
			Message string            `json:"message"`
			Fields  map[string]string `json:"fields"`
		} `json:"error"`
	}
	res.JSON(t, &refused)
	if res.Status != http.StatusConflict || refused.Error.Fields["missing"] != "a Part 2 consent on the person's record" {
		t.Fatalf("without consent: %d %s", res.Status, res.Body)
	}

	// A consent missing elements: 422 naming each.
	res = c.Send(http.MethodPost, base+"/consents", map[string]any{"kind": "part2", "signed_on": "2026-11-20", "recipient": "Dorchester Drug Court"})
	var invalid struct {
		Error struct {
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	res.JSON(t, &invalid)
	for _, k := range []string{"discloser", "information", "purpose", "expires_on", "signature_method"} {
		if res.Status != http.StatusUnprocessableEntity || invalid.Error.Fields[k] == "" {
			t.Errorf("missing %s: %d %s", k, res.Status, res.Body)
		}
	}

	res = c.Send(http.MethodPost, base+"/consents", map[string]any{"kind": "part2", "discloser": "Harbor Peer Support",
		"information": "Dates I attended peer support", "recipient": "Dorchester Drug Court", "purpose": "Confirm attendance for my court plan",
		"expiry_event": "When my court case closes", "signed_on": "2026-11-20", "signature": map[string]any{"method": "witnessed", "name": "Maria Santos", "witness": "Pat Peer"}})
	var consent struct {
		ID, State, HowToRevoke string
		Version                int
	}
	res.JSON(t, &consent)
	if res.Status != http.StatusCreated || consent.State != "active" || consent.Version != 1 {
		t.Fatalf("consent: %d %s", res.Status, res.Body)
	}
	if !strings.Contains(res.Body, `"how_to_revoke":"You may revoke this consent at any time`) {
		t.Fatalf("no statement of the right to revoke: %s", res.Body)
	}

	// Accepted with it.
	res = c.Send(http.MethodPost, base+"/disclosures", disclosure)
	var d struct {
		ID        string `json:"id"`
		ConsentID string `json:"consent_id"`
		NoticeURL string `json:"notice_url"`
	}
	res.JSON(t, &d)
	if res.Status != http.StatusCreated || d.ConsentID != consent.ID {
		t.Fatalf("with consent: %d %s", res.Status, res.Body)
	}

	// The notice printed with it carries the §2.32 statement and a copy of the consent.
	pdf := app.SignIn(t, tm.Peer).Get(d.NoticeURL)
	if pdf.Status != http.StatusOK || pdf.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("notice: %d %s", pdf.Status, pdf.Header)
	}
	text := pdfText(t, []byte(pdf.Body))
	for _, want := range []string{"42 CFR part 2 prohibits unauthorized use or disclosure of these records.", "Dorchester Drug Court",
		"A copy of the consent this was shared under", "Dates I attended peer support", "When my court case closes", "Pat Peer"} {
		if !strings.Contains(text, want) {
			t.Errorf("the notice lacks %q: %s", want, text)
		}
	}
	es := pdfText(t, []byte(app.SignIn(t, tm.Peer).Get(d.NoticeURL+"?lang=es").Body))
	if !strings.Contains(es, "42 CFR part 2 prohibits unauthorized use or disclosure of these records.") || !strings.Contains(es, "Copia del consentimiento") {
		t.Errorf("the Spanish notice: %s", es)
	}

	// Revoked: a disclosure is refused at once.
	res = c.Send(http.MethodPost, base+"/consents/"+consent.ID+"/revoke", map[string]any{"note": "Phoned"})
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `"state":"revoked"`) || !strings.Contains(res.Body, `"revoked_by":"worker"`) {
		t.Fatalf("revoke: %d %s", res.Status, res.Body)
	}
	res = c.Send(http.MethodPost, base+"/disclosures", disclosure)
	if res.Status != http.StatusConflict || !strings.Contains(res.Body, "revoked") {
		t.Fatalf("after revocation: %d %s", res.Status, res.Body)
	}
	if res := c.Send(http.MethodPost, base+"/consents/"+consent.ID+"/revoke", nil); res.Status != http.StatusConflict {
		t.Fatalf("revoking twice: %d %s", res.Status, res.Body)
	}

	// A medical emergency: recorded as such, without consent.
	res = c.Send(http.MethodPost, base+"/disclosures", map[string]any{"recipient": "Dr. A. Rivera", "purpose": "Emergency treatment",
		"information": "Medicines she takes", "emergency": map[string]any{"nature": "Unresponsive at the drop-in",
			"recipient_affiliation": "Boston Medical Center", "disclosed_by": "Pat Peer", "disclosed_time": "13:40"}})
	if res.Status != http.StatusCreated || !strings.Contains(res.Body, `"nature":"Unresponsive at the drop-in"`) || strings.Contains(res.Body, "consent_id") {
		t.Fatalf("emergency: %d %s", res.Status, res.Body)
	}

	// The list, the consents, the accounting.
	var list struct {
		Items []map[string]any `json:"items"`
	}
	c.Send(http.MethodGet, base+"/disclosures", nil).JSON(t, &list)
	if len(list.Items) != 2 {
		t.Fatalf("disclosures: %+v", list)
	}
	c.Send(http.MethodGet, base+"/consents", nil).JSON(t, &list)
	if len(list.Items) != 1 {
		t.Fatalf("consents: %+v", list)
	}
	res = c.Send(http.MethodGet, base+"/disclosures/accounting", nil)
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `"from":"2023-11-23"`) {
		t.Fatalf("accounting: %d %s", res.Status, res.Body)
	}
	acc := pdfText(t, []byte(app.SignIn(t, tm.Peer).Get("/people/"+itoa(p.ID)+"/disclosures/accounting.pdf?lang=pt").Body))
	if !strings.Contains(acc, "Com quem seus registros foram compartilhados") || !strings.Contains(acc, "Dorchester Drug Court") {
		t.Errorf("the accounting in Portuguese: %s", acc)
	}

	// Another peer worker, and another organisation, get 404.
	other := app.APIClient(t, tm.OtherPeer)
	for _, path := range []string{base + "/consents", base + "/disclosures", base + "/disclosures/accounting"} {
		if res := other.Send(http.MethodGet, path, nil); res.Status != http.StatusNotFound {
			t.Errorf("other peer %s: %d", path, res.Status)
		}
	}
}

func TestPart2ThroughThePages(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Part Two pages")
	p := addPerson(t, app, tm.Peer, "Ana Lima")
	c := app.SignIn(t, tm.Peer)
	base := "/people/" + itoa(p.ID)

	// A consent missing elements: 422 with messages beside the fields and typed values kept.
	bad := c.PostForm(base+"/consents/new", url.Values{"recipient": {"Codman Square Health Center"}, "signature_method": {"typed"}, "signed_on": {"2026-11-20"}})
	if bad.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad consent: %d", bad.Status)
	}
	for _, want := range []string{`href="#f-discloser"`, `href="#f-purpose"`, `href="#f-expires_on"`, `href="#f-signed_name"`, `value="Codman Square Health Center"`} {
		if !strings.Contains(bad.Body, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	good := url.Values{"discloser": {"Harbor Peer Support"}, "information": {"My goals and how they are going"}, "recipient": {"Codman Square Health Center"},
		"purpose": {"Coordinate my care"}, "how_to_revoke": {"Tell my peer worker"}, "expires_on": {"2027-05-31"},
		"signature_method": {"typed"}, "signed_name": {"Ana Lima"}, "signed_on": {"2026-11-20"}}
	if res := c.PostForm(base+"/consents/new", good); res.Status != http.StatusSeeOther {
		t.Fatalf("consent: %d %s", res.Status, testkit.Text(res.Body))
	}

	// A disclosure to someone the consent does not name: 409 on the form, values kept.
	d := url.Values{"recipient": {"Boston Housing Authority"}, "purpose": {"Coordinate my care"}, "information": {"Goals"}, "disclosed_on": {"2026-11-23"}}
	res := c.PostForm(base+"/disclosures", d)
	if res.Status != http.StatusConflict || !strings.Contains(res.Body, "Boston Housing Authority") || !strings.Contains(res.Body, `value="Boston Housing Authority"`) {
		t.Fatalf("uncovered disclosure: %d %s", res.Status, testkit.Text(res.Body))
	}
	d.Set("recipient", "Codman Square Health Center")
	if res := c.PostForm(base+"/disclosures", d); res.Status != http.StatusSeeOther {
		t.Fatalf("disclosure: %d %s", res.Status, testkit.Text(res.Body))
	}
	page := c.Get(base + "/disclosures")
	if !strings.Contains(page.Body, "Codman Square Health Center") || !strings.Contains(page.Body, "/notice.pdf") {
		t.Fatalf("the list: %s", testkit.Text(page.Body))
	}
	acc := c.Get(base + "/disclosures/accounting")
	if acc.Status != http.StatusOK || !strings.Contains(acc.Body, "Codman Square Health Center") {
		t.Fatalf("accounting: %d", acc.Status)
	}
}
