package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// planTemplateSteps renders every plan page, for TestEveryTemplateRenders.
func planTemplateSteps(t *testing.T, app *testkit.App) {
	tm := app.NewTeam(t, "Plan pages")
	p := addPerson(t, app, tm.Peer, "Journey Plan")
	peer := app.SignIn(t, tm.Peer)
	base := "/people/" + itoa(p.ID) + "/safety-plan"
	peer.Get(base)
	peer.Get(base + "/edit")
	peer.PostForm(base+"/edit", url.Values{"base_version": {"0"}, "warning_signs": {"Not sleeping"}, "people_to_ask.0.name": {"Ana"}, "people_to_ask.0.phone": {"617-555-0101"}})
	peer.Get(base + "/versions")
	peer.Get(base + "/versions/1")
	app.SignIn(t, tm.Admin).Get("/admin/plans")
}

func TestWritingASafetyPlanThroughThePages(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Plan RLC")
	p := addPerson(t, app, tm.Peer, "José Ñúñez")
	c := app.SignIn(t, tm.Peer)
	base := "/people/" + itoa(p.ID) + "/safety-plan"

	// The person's page says there is none yet, and links to it.
	rec := c.Get("/people/" + itoa(p.ID))
	if !strings.Contains(rec.Body, `href="`+base+`"`) || !strings.Contains(testkit.Text(rec.Body), "Not written yet No safety plan") {
		t.Fatalf("the person's page: %s", testkit.Text(rec.Body))
	}
	// The caseload flags them.
	if list := c.Get("/people"); !strings.Contains(list.Body, "No safety plan") {
		t.Fatalf("the caseload does not flag a missing plan: %s", testkit.Text(list.Body))
	}
	page := c.Get(base)
	if page.Status != 200 || !strings.Contains(testkit.Text(page.Body), "Not written yet") {
		t.Fatalf("no plan yet: %d %s", page.Status, testkit.Text(page.Body))
	}
	// The form starts with the crisis lines.
	form := c.Get(base + "/edit")
	for _, want := range []string{`name="professionals_and_crisis_lines.0.phone" type="tel" inputmode="tel" value="988"`, `value="833-773-2445"`, `name="base_version" value="0"`, "Save as version 1"} {
		if !strings.Contains(form.Body, want) {
			t.Fatalf("the form lacks %s", want)
		}
	}

	// A phone that is not one is refused beside its row; nothing typed is lost.
	typed := url.Values{
		"base_version":                           {"0"},
		"warning_signs":                          {"Not sleeping\nSkipping meals"},
		"what_matters":                           {"Mi hija"},
		"people_to_ask.0.name":                   {"Ana (sister)"},
		"people_to_ask.0.phone":                  {"call me"},
		"people_to_ask.1.name":                   {""},
		"people_to_ask.1.phone":                  {""},
		"professionals_and_crisis_lines.0.name":  {"988 Suicide & Crisis Lifeline"},
		"professionals_and_crisis_lines.0.phone": {"988"},
	}
	bad := c.PostForm(base+"/edit", typed)
	if bad.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad phone: %d", bad.Status)
	}
	for _, want := range []string{`id="f-people_to_ask.0.phone-error"`, "Enter a phone number such as", `href="#f-people_to_ask.0.phone"`,
		`value="call me"`, `value="Ana (sister)"`, "Not sleeping\nSkipping meals", "Mi hija", `aria-invalid="true"`} {
		if !strings.Contains(bad.Body, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	if vs, _ := app.PlanVersions(t.Context(), testkit.Actor(tm.Peer), store.SafetyPlan, p.ID, store.Page{}); len(vs.Items) != 0 {
		t.Fatal("a refused plan was saved")
	}
	// "Add more rows" brings the form back with room for more, saving nothing.
	typed.Set("more", "people_to_ask")
	more := c.PostForm(base+"/edit", typed)
	if more.Status != 200 || !strings.Contains(more.Body, `name="people_to_ask.4.name"`) || !strings.Contains(more.Body, `value="call me"`) {
		t.Fatalf("more rows: %d", more.Status)
	}
	typed.Del("more")

	typed.Set("people_to_ask.0.phone", "617-555-0101")
	saved := c.PostForm(base+"/edit", typed)
	if saved.Status != http.StatusSeeOther || saved.Location() != base {
		t.Fatalf("saving: %d %q %s", saved.Status, saved.Location(), testkit.Text(saved.Body))
	}
	view := c.Follow(saved)
	for _, want := range []string{"Version 1 of the safety plan is saved.", "Not sleeping", "Skipping meals", "Ana (sister) — 617-555-0101", "Mi hija", "Nothing written here yet"} {
		if !strings.Contains(testkit.Text(view.Body), want) {
			t.Errorf("the plan page lacks %q", want)
		}
	}
	if !strings.Contains(view.Body, `href="tel:6175550101"`) {
		t.Error("the phone number is not a link that dials it")
	}

	// The second version, a few days later, by the supervisor.
	app.Clock.Advance(3 * 24 * time.Hour)
	c = app.SessionClient(t, tm.Peer) // the last session ended while the clock moved
	sup := app.SessionClient(t, tm.Supervisor)
	typed.Set("base_version", "1")
	typed.Set("warning_signs", "Not sleeping\nStaying in bed all day")
	if res := sup.PostForm(base+"/edit", typed); res.Status != http.StatusSeeOther || res.Location() != base {
		t.Fatalf("the second save: %d %s", res.Status, testkit.Text(res.Body))
	}
	// Pat saves from the first version: a conflict that keeps Pat's words.
	typed.Set("base_version", "1")
	typed.Set("what_matters", "Mi hija\nMy garden")
	stale := c.PostForm(base+"/edit", typed)
	if stale.Status != http.StatusConflict || !strings.Contains(testkit.Text(stale.Body), "version 2, by Sam Supervisor") ||
		!strings.Contains(stale.Body, "My garden") || !strings.Contains(stale.Body, `name="base_version" value="2"`) {
		t.Fatalf("a stale save: %d %s", stale.Status, testkit.Text(stale.Body))
	}

	// The versions page says who changed what, and when.
	versions := testkit.Text(c.Get(base + "/versions").Body)
	for _, want := range []string{"Version 2", "Sam Supervisor", "Warning signs and triggers", "Added Staying in bed all day", "Removed Skipping meals", "Version 1", "Pat Peer"} {
		if !strings.Contains(versions, want) {
			t.Errorf("the versions page lacks %q: %s", want, versions)
		}
	}
	old := c.Get(base + "/versions/1")
	if old.Status != 200 || !strings.Contains(old.Body, "Skipping meals") || !strings.Contains(testkit.Text(old.Body), "The latest is version 2") {
		t.Fatalf("version 1: %d %s", old.Status, testkit.Text(old.Body))
	}
	if res := c.Get(base + "/versions/9"); res.Status != 404 {
		t.Fatalf("a version that does not exist: %d", res.Status)
	}

	// Reviewed with the person, no changes: version 3, same words.
	app.Clock.Advance(100 * 24 * time.Hour)
	c = app.SessionClient(t, tm.Peer)
	if !strings.Contains(c.Get(base).Body, "Review due") {
		t.Fatal("a plan not reviewed for 100 days is not flagged")
	}
	if res := c.PostForm(base+"/review", url.Values{"base_version": {"2"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("review: %d %s", res.Status, testkit.Text(res.Body))
	}
	after := testkit.Text(c.Get(base).Body)
	if !strings.Contains(after, "Latest version 3: reviewed with José Ñúñez (no changes)") || strings.Contains(after, "Review due") {
		t.Fatalf("after the review: %s", after)
	}
	if v := testkit.Text(c.Get(base + "/versions").Body); !strings.Contains(v, "reviewed with the person, no changes") {
		t.Fatalf("the versions page after a review: %s", v)
	}
}

func TestAPlanSurvivesAnExpiredSession(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Plan drafts")
	p := addPerson(t, app, tm.Peer, "Kim")
	for _, k := range store.PlanKinds {
		path := "/people/" + itoa(p.ID) + "/" + k.Slug + "/edit"
		first := k.Sections[1].Key
		c := app.SignIn(t, tm.Peer)
		app.Clock.Advance(store.IdleTimeout + time.Minute)
		if res := c.PostForm(path, url.Values{"base_version": {"0"}, first: {"Written as the session ended"}}); !strings.Contains(res.Location(), "draft=1") {
			t.Fatalf("%s after expiry: %d %q", path, res.Status, res.Location())
		}
		c.PostForm("/login", url.Values{"email": {tm.Peer.Email}, "password": {testkit.Password}})
		ds, _ := app.Drafts(t.Context(), tm.Peer.ID)
		page := c.Get(ds[0].Path + "?draft=" + itoa(ds[0].ID))
		if !strings.Contains(page.Body, "Written as the session ended") || !strings.Contains(page.Body, "before your session ended") {
			t.Fatalf("%s: the draft page (%d) lacks the words: %s", path, page.Status, testkit.Text(page.Body))
		}
		save := c.PostForm(path, url.Values{"base_version": {"0"}, first: {"Written as the session ended"}, "draft": {itoa(ds[0].ID)}})
		if save.Status != http.StatusSeeOther {
			t.Fatalf("saving the draft: %d", save.Status)
		}
		if ds, _ := app.Drafts(t.Context(), tm.Peer.ID); len(ds) != 0 {
			t.Fatal("the draft stayed after it was saved")
		}
	}
}

// planPaths are every address of one person's plans, pages and API.
func planPaths(pid int64) []string {
	var out []string
	for _, k := range store.PlanKinds {
		base := "/people/" + itoa(pid) + "/" + k.Slug
		out = append(out, base, base+"/edit", base+"/versions", base+"/versions/1", base+".pdf", "/api/v1"+base, "/api/v1"+base+"/versions")
	}
	return append(out, "/people/"+itoa(pid)+"/safety-plan/pocket-card.pdf")
}

func TestPlanAccessFollowsThePerson(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Access RLC")
	other := app.NewTeam(t, "Harbor RLC")
	p := addPerson(t, app, tm.Peer, "Maria")
	for _, k := range store.PlanKinds {
		if _, err := app.SavePlan(t.Context(), testkit.Actor(tm.Peer), k, p.ID, store.PlanInput{}); err != nil {
			t.Fatal(err)
		}
	}
	client := func(u store.User, api bool) *testkit.Client {
		if api {
			return app.APIClient(t, u)
		}
		return app.SessionClient(t, u)
	}
	for _, path := range planPaths(p.ID) {
		api := strings.HasPrefix(path, "/api/")
		for who, u := range map[string]store.User{"another peer worker": tm.OtherPeer, "another organisation's admin": other.Admin, "another organisation's peer": other.Peer} {
			if res := client(u, api).Get(path); res.Status != http.StatusNotFound {
				t.Errorf("%s GET %s: %d, want 404", who, path, res.Status)
			}
		}
		for who, u := range map[string]store.User{"assigned worker": tm.Peer, "their supervisor": tm.Supervisor, "administrator": tm.Admin} {
			if res := client(u, api).Get(path); res.Status != http.StatusOK {
				t.Errorf("%s GET %s: %d, want 200", who, path, res.Status)
			}
		}
		if res := client(tm.Trainer, api).Get(path); res.Status != http.StatusForbidden {
			t.Errorf("a trainer GET %s: %d, want 403", path, res.Status)
		}
	}
	// Writes too: nothing is saved for an outsider.
	base := "/people/" + itoa(p.ID) + "/safety-plan"
	if res := app.SessionClient(t, tm.OtherPeer).PostForm(base+"/edit", url.Values{"warning_signs": {"x"}}); res.Status != http.StatusNotFound {
		t.Errorf("another peer worker saving: %d", res.Status)
	}
	if res := app.SessionClient(t, tm.OtherPeer).PostForm(base+"/review", nil); res.Status != http.StatusNotFound {
		t.Errorf("another peer worker reviewing: %d", res.Status)
	}
	if res := app.APIClient(t, other.Admin).Send(http.MethodPut, "/api/v1"+base, map[string]any{"sections": map[string]any{}}); res.Status != http.StatusNotFound {
		t.Errorf("another organisation's PUT: %d %s", res.Status, res.Body)
	}
	if vs, _ := app.PlanVersions(t.Context(), testkit.Actor(tm.Admin), store.SafetyPlan, p.ID, store.Page{}); len(vs.Items) != 1 {
		t.Fatalf("%d versions after the outsiders", len(vs.Items))
	}
	// Every read by the supervisor, page, PDF or API, is in the audit log.
	l, _ := app.ListAudit(t.Context(), tm.Org.ID, store.AuditFilter{UserID: tm.Supervisor.ID, RecordType: "safety_plan", RecordID: itoa(p.ID)}, store.Page{})
	var details []string
	for _, e := range l.Items {
		details = append(details, e.Detail)
	}
	for _, want := range []string{"version 1", "versions", "printed version 1 (one page)", "printed version 1 (pocket card)"} {
		found := false
		for _, d := range details {
			found = found || d == want
		}
		if !found {
			t.Errorf("no audit entry %q for the supervisor: %q", want, details)
		}
	}
}

func TestPrintingPlans(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Print RLC")
	a := testkit.Actor(tm.Peer)
	names := []string{"José Ñúñez", "Ἀλέξανδρος Παπαδόπουλος", "Анна Петрова"}
	for i, name := range names {
		p, err := app.CreatePerson(t.Context(), a, store.PersonInput{PreferredName: name})
		if err != nil {
			t.Fatal(err)
		}
		items := []string{"Não dormir bem", "Όταν μένω μόνος", "Когда не сплю"}
		if _, err := app.SavePlan(t.Context(), a, store.SafetyPlan, p.ID, store.PlanInput{
			Items:    map[string][]string{"warning_signs": {items[i]}, "what_matters": {"Mi familia, señor Muñoz"}},
			Contacts: map[string][]store.PlanContact{"people_to_ask": {{Name: "Ελένη", Phone: "617-555-0101"}}, "professionals_and_crisis_lines": store.DefaultCrisisLines},
		}); err != nil {
			t.Fatal(err)
		}
		c := app.SignIn(t, tm.Peer)
		for _, card := range []bool{false, true} {
			path := "/people/" + itoa(p.ID) + "/safety-plan.pdf"
			if card {
				path = "/people/" + itoa(p.ID) + "/safety-plan/pocket-card.pdf"
			}
			res := c.Get(path)
			if res.Status != 200 || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(res.Body, "%PDF-") {
				t.Fatalf("%s: %d %q", path, res.Status, res.Header.Get("Content-Type"))
			}
			if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("%s: Cache-Control %q", path, cc)
			}
			disp := res.Header.Get("Content-Disposition")
			if !strings.Contains(disp, `filename="safety-plan`) || strings.ContainsAny(disp, "JjéÑАἈ") {
				t.Errorf("%s: Content-Disposition %q names the person", path, disp)
			}
			text := pdfText(t, []byte(res.Body))
			for _, want := range []string{name, items[i], "Ελένη — 617-555-0101", "988"} {
				if !strings.Contains(text, norm.NFC.String(want)) {
					t.Errorf("%s (card %v) lacks %q: %s", name, card, want, text)
				}
			}
		}
	}
	// The wellness plan and crisis preferences print too, the latter with the
	// word on advance directives.
	p := addPerson(t, app, tm.Peer, "Dmitri Иванов")
	if _, err := app.SavePlan(t.Context(), a, store.WellnessPlan, p.ID, store.PlanInput{Items: map[string][]string{"staying_well": {"Прогулка у реки каждое утро"}}}); err != nil {
		t.Fatal(err)
	}
	c := app.SignIn(t, tm.Peer)
	text := pdfText(t, []byte(c.Get("/people/"+itoa(p.ID)+"/wellness-plan.pdf").Body))
	for _, want := range []string{"My wellness plan", "Dmitri Иванов", "Прогулка у реки каждое утро", "What keeps me well"} {
		if !strings.Contains(text, want) {
			t.Errorf("the wellness plan lacks %q: %s", want, text)
		}
	}
	text = pdfText(t, []byte(c.Get("/people/"+itoa(p.ID)+"/crisis-preferences.pdf").Body))
	if !strings.Contains(text, "Not written yet") || !strings.Contains(text, "no law that makes a psychiatric advance directive binding") {
		t.Errorf("crisis preferences: %s", text)
	}
}

func TestPlanAPI(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "API RLC")
	p := addPerson(t, app, tm.Peer, "Lin")
	c := app.APIClient(t, tm.Peer)
	path := "/api/v1/people/" + itoa(p.ID) + "/safety-plan"

	// No plan: 200, version 0, the sections a new plan starts with.
	var doc struct {
		Version   int                        `json:"version"`
		UpdatedAt *time.Time                 `json:"updated_at"`
		UpdatedBy string                     `json:"updated_by"`
		Sections  map[string]json.RawMessage `json:"sections"`
	}
	res := c.Get(path)
	res.JSON(t, &doc)
	if res.Status != 200 || doc.Version != 0 || doc.UpdatedAt != nil || doc.UpdatedBy != "" || len(doc.Sections) != 7 ||
		!strings.Contains(string(doc.Sections["professionals_and_crisis_lines"]), `"phone":"988"`) || string(doc.Sections["warning_signs"]) != "[]" {
		t.Fatalf("no plan: %d %s", res.Status, res.Body)
	}

	body := map[string]any{"version": 0, "sections": map[string]any{
		"warning_signs": []string{"Not sleeping"},
		"people_to_ask": []map[string]string{{"name": "Ana", "phone": "617-555-0101"}, {"name": "Sam", "phone": "text me"}},
	}}
	res = c.Send(http.MethodPut, path, body)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"sections.people_to_ask.1.phone"`) {
		t.Fatalf("a bad phone: %d %s", res.Status, res.Body)
	}
	body["sections"].(map[string]any)["people_to_ask"] = []map[string]string{{"name": "Ana", "phone": "617-555-0101"}}
	res = c.Send(http.MethodPut, path, body)
	res.JSON(t, &doc)
	if res.Status != 200 || doc.Version != 1 || doc.UpdatedBy != itoa(tm.Peer.ID) || doc.UpdatedAt == nil || string(doc.Sections["professionals_and_crisis_lines"]) != "[]" {
		t.Fatalf("PUT: %d %s", res.Status, res.Body)
	}
	// GET, change, PUT back the same document: version 2.
	var got map[string]any
	c.Get(path).JSON(t, &got)
	got["sections"].(map[string]any)["what_matters"] = []string{"My cat"}
	res = c.Send(http.MethodPut, path, got)
	res.JSON(t, &doc)
	if res.Status != 200 || doc.Version != 2 {
		t.Fatalf("a round trip: %d %s", res.Status, res.Body)
	}
	// The same document again is stale now.
	if res := c.Send(http.MethodPut, path, got); res.Status != http.StatusConflict || !strings.Contains(res.Body, `"code":"conflict"`) {
		t.Fatalf("a stale PUT: %d %s", res.Status, res.Body)
	}
	for name, bad := range map[string]struct {
		body   any
		status int
		field  string
	}{
		"no sections":     {map[string]any{"version": 2}, 400, "sections"},
		"unknown section": {map[string]any{"sections": map[string]any{"favourite_colour": []string{"blue"}}}, 422, "sections.favourite_colour"},
		"a string list":   {map[string]any{"sections": map[string]any{"warning_signs": "Not sleeping"}}, 400, "sections.warning_signs"},
		"a contact field": {map[string]any{"sections": map[string]any{"people_to_ask": []map[string]string{{"nom": "Ana"}}}}, 400, "sections.people_to_ask"},
		"unknown field":   {map[string]any{"sections": map[string]any{}, "colour": "blue"}, 400, "colour"},
	} {
		res := c.Send(http.MethodPut, path, bad.body)
		if res.Status != bad.status || !strings.Contains(res.Body, `"`+bad.field+`"`) {
			t.Errorf("%s: %d %s, want %d naming %s", name, res.Status, res.Body, bad.status, bad.field)
		}
	}
	// The versions, newest first, with what changed.
	var versions struct {
		Items []struct {
			Version       int    `json:"version"`
			UpdatedByName string `json:"updated_by_name"`
			Changes       []struct {
				Section string   `json:"section"`
				Added   []string `json:"added"`
				Removed []string `json:"removed"`
			} `json:"changes"`
			Sections map[string]json.RawMessage `json:"sections"`
		} `json:"items"`
		NextCursor string `json:"next_cursor"`
	}
	res = c.Get(path + "/versions")
	res.JSON(t, &versions)
	if res.Status != 200 || len(versions.Items) != 2 || versions.Items[0].Version != 2 || versions.Items[0].UpdatedByName != "Pat Peer" ||
		len(versions.Items[0].Changes) != 1 || versions.Items[0].Changes[0].Section != "what_matters" || versions.Items[0].Changes[0].Added[0] != "My cat" ||
		len(versions.Items[1].Sections) != 7 {
		t.Fatalf("versions: %d %s", res.Status, res.Body)
	}
	// Crisis preferences hold the health care proxy as text.
	cp := "/api/v1/people/" + itoa(p.ID) + "/crisis-preferences"
	res = c.Send(http.MethodPut, cp, map[string]any{"sections": map[string]any{"health_care_proxy": "Maria Lopes", "health_care_proxy_contact": "617-555-0110",
		"who_to_contact": []map[string]string{{"name": "Maria", "phone": "+1 617 555 0110"}}}})
	if res.Status != 200 || !strings.Contains(res.Body, `"health_care_proxy":"Maria Lopes"`) {
		t.Fatalf("crisis preferences: %d %s", res.Status, res.Body)
	}
	if res := c.Send(http.MethodPut, cp, map[string]any{"sections": map[string]any{"health_care_proxy": []string{"Maria"}}}); res.Status != 400 {
		t.Fatalf("a list for the proxy: %d %s", res.Status, res.Body)
	}
	// The caseload says where each safety plan stands.
	var caseload struct {
		Items []struct {
			ID         string `json:"id"`
			SafetyPlan struct {
				Version        int    `json:"version"`
				ReviewBy       string `json:"review_by"`
				NeedsAttention bool   `json:"needs_attention"`
			} `json:"safety_plan"`
		} `json:"items"`
	}
	c.Get("/api/v1/caseload").JSON(t, &caseload)
	if len(caseload.Items) != 1 || caseload.Items[0].SafetyPlan.Version != 2 || caseload.Items[0].SafetyPlan.NeedsAttention || caseload.Items[0].SafetyPlan.ReviewBy != "2027-02-21" {
		t.Fatalf("the caseload: %+v", caseload)
	}
	// Reads through the API are audited.
	l, _ := app.ListAudit(t.Context(), tm.Org.ID, store.AuditFilter{UserID: tm.Peer.ID, RecordType: "safety_plan", RecordID: itoa(p.ID)}, store.Page{})
	reads := 0
	for _, e := range l.Items {
		if e.Action == "read" {
			reads++
		}
	}
	if reads < 3 {
		t.Fatalf("%d audited reads of the safety plan through the API", reads)
	}
	// The OpenAPI document describes the plan routes with their sections.
	doc2 := app.Client(t).Get("/api/v1/openapi.json").Body
	for _, want := range []string{`"/api/v1/people/{id}/safety-plan"`, `"/api/v1/people/{id}/wellness-plan/versions"`, `"/api/v1/people/{id}/crisis-preferences"`,
		`"professionals_and_crisis_lines"`, `"health_care_proxy"`, `"after_a_crisis"`} {
		if !strings.Contains(doc2, want) {
			t.Errorf("the OpenAPI document lacks %s", want)
		}
	}
}

func TestPlanSettingsPage(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Settings RLC")
	c := app.SignIn(t, tm.Admin)
	page := c.Get("/admin/plans")
	if page.Status != 200 || !strings.Contains(page.Body, `value="90"`) || !strings.Contains(page.Body, `value="833-773-2445"`) {
		t.Fatalf("the settings page: %d %s", page.Status, testkit.Text(page.Body))
	}
	form := url.Values{"plan_review_days": {"3"}, "crisis_lines.0.name": {"Warm line"}, "crisis_lines.0.phone": {"ask us"}}
	bad := c.PostForm("/admin/plans", form)
	if bad.Status != 422 || !strings.Contains(bad.Body, `id="f-crisis_lines.0.phone-error"`) || !strings.Contains(bad.Body, `value="ask us"`) || !strings.Contains(testkit.Text(bad.Body), "from 7 to 730") {
		t.Fatalf("bad settings: %d %s", bad.Status, testkit.Text(bad.Body))
	}
	form = url.Values{"plan_review_days": {"30"}, "crisis_lines.0.name": {"Riverbend warm line"}, "crisis_lines.0.phone": {"617-555-0120"}, "crisis_lines.1.name": {"988 Lifeline"}, "crisis_lines.1.phone": {"988"}}
	if res := c.PostForm("/admin/plans", form); res.Status != http.StatusSeeOther {
		t.Fatalf("saving the settings: %d %s", res.Status, testkit.Text(res.Body))
	}
	set, _ := app.PlanSettings(t.Context(), tm.Org.ID)
	if set.ReviewDays != 30 || len(set.CrisisLines) != 2 || set.CrisisLines[0].Name != "Riverbend warm line" {
		t.Fatalf("saved: %+v", set)
	}
	if res := c.PostForm("/admin/plans", url.Values{"plan_review_days": {"30"}, "defaults": {"1"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("back to peerpath's lines: %d", res.Status)
	}
	if set, _ := app.PlanSettings(t.Context(), tm.Org.ID); set.OwnLines {
		t.Fatal("the organisation's lines stayed")
	}
	if res := app.SignIn(t, tm.Supervisor).Get("/admin/plans"); res.Status != http.StatusForbidden {
		t.Fatalf("a supervisor: %d", res.Status)
	}
}

func TestTeamViewCountsPlansDue(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Team plans")
	a := testkit.Actor(tm.Peer)
	withPlan := addPerson(t, app, tm.Peer, "Ann")
	addPerson(t, app, tm.Peer, "Ben")
	if _, err := app.SavePlan(t.Context(), a, store.SafetyPlan, withPlan.ID, store.PlanInput{}); err != nil {
		t.Fatal(err)
	}
	c := app.SignIn(t, tm.Supervisor)
	team := c.Get("/team")
	if !strings.Contains(team.Body, fmt.Sprintf(`href="/team?worker=%d&amp;plans=due"`, tm.Peer.ID)) {
		t.Fatalf("the team view: %s", testkit.Text(team.Body))
	}
	due := testkit.Text(c.Get(fmt.Sprintf("/team?worker=%d&plans=due", tm.Peer.ID)).Body)
	if !strings.Contains(due, "Ben") || strings.Contains(due, "Ann ") || !strings.Contains(due, "safety plans to write or review") {
		t.Fatalf("plans due: %s", due)
	}
	home := testkit.Text(c.Get("/").Body)
	if !strings.Contains(home, "Safety plans due") {
		t.Fatalf("home: %s", home)
	}
	mine := testkit.Text(app.SignIn(t, tm.Peer).Get("/people?plans=due").Body)
	if !strings.Contains(mine, "Ben") || strings.Contains(mine, "Ann") {
		t.Fatalf("the peer worker's plans due: %s", mine)
	}
}
