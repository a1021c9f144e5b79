package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// barcForm is a BARC-10 as the form sends it; "skip" is "prefer not to answer".
func barcForm(takenOn string, vals ...string) url.Values {
	v := url.Values{"taken_on": {takenOn}, "instrument": {"barc10"}}
	for i, a := range vals {
		v.Set("answers."+itoa(int64(i)), a)
	}
	return v
}

func ints(vs ...int) []*int {
	out := make([]*int, len(vs))
	for i := range vs {
		out[i] = &vs[i]
	}
	return out
}

// recoveryTemplateSteps renders every recovery page, for TestEveryTemplateRenders.
func recoveryTemplateSteps(t *testing.T, app *testkit.App) {
	tm := app.NewTeam(t, "Recovery pages")
	p := addPerson(t, app, tm.Peer, "Journey Recovery")
	pa := testkit.Actor(tm.Peer)
	app.TakeAssessment(t.Context(), pa, p.ID, store.AssessmentInput{TakenOn: "2026-06-01", Answers: ints(3, 3, 3, 3, 3, 3, 3, 3, 3, 3)})
	app.TakeAssessment(t.Context(), pa, p.ID, store.AssessmentInput{TakenOn: "2026-11-01", Answers: ints(4, 4, 4, 4, 4, 4, 4, 4, 4, 4)})
	sup, _ := app.AddSupport(t.Context(), pa, p.ID, store.SupportInput{Name: "Ana", Relationship: "sister", OkayToInvolve: true})
	app.RaiseRightsConcern(t.Context(), pa, p.ID, store.RightsInput{Kind: "privacy"})
	app.AddMedicationQuestion(t.Context(), pa, p.ID, store.MedicationInput{Kind: "side_effect", Text: "Dry mouth"})
	app.RecordNeeds(t.Context(), pa, p.ID, store.NeedsInput{Areas: []store.NeedInput{{Area: "housing", InTheirWords: "My own place"}}})
	peer := app.SignIn(t, tm.Peer)
	base := "/people/" + itoa(p.ID)
	for _, path := range []string{base, base + "/strengths", base + "/recovery-capital", base + "/recovery-capital/new", base + "/stages-of-change",
		base + "/needs", base + "/supports", "/supports/" + itoa(sup.ID), base + "/advocacy", base + "/medication-questions"} {
		if res := peer.Get(path); res.Status != http.StatusOK {
			t.Errorf("%s: %d", path, res.Status)
		}
	}
	app.SignIn(t, tm.Admin).Get("/admin/recovery")
}

func TestTakingABARC10ThroughThePages(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Capital pages")
	p := addPerson(t, app, tm.Peer, "Maria Santos")
	c := app.SignIn(t, tm.Peer)
	base := "/people/" + itoa(p.ID)

	rec := c.Get(base)
	if !strings.Contains(rec.Body, `id="h-recovery"`) || !strings.Contains(rec.Body, base+"/recovery-capital/new") {
		t.Fatalf("the record has no recovery picture: %s", testkit.Text(rec.Body))
	}
	form := c.Get(base + "/recovery-capital/new")
	for _, want := range []string{"There are more important things to me in life than using substances.", "Strongly agree", "Prefer not to answer", "Vilsaint"} {
		if !strings.Contains(form.Body, want) {
			t.Fatalf("the form lacks %q", want)
		}
	}
	// A statement left without an answer, a date in the future: 422, with
	// every answer given still chosen.
	bad := c.PostForm(base+"/recovery-capital/new", barcForm("2027-01-01", "3", "4", "", "2", "skip", "5", "6", "1", "2", "3"))
	if bad.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad assessment: %d", bad.Status)
	}
	for _, want := range []string{`href="#f-answers.2"`, `href="#f-taken_on"`, `value="2027-01-01"`, `id="f-answers.0-3" name="answers.0" value="3" checked`,
		`id="f-answers.4-skip" name="answers.4" value="skip" checked`, `id="f-answers.9-3" name="answers.9" value="3" checked`} {
		if !strings.Contains(bad.Body, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	// A value off the scale, sent by hand, is named too.
	if off := c.PostForm(base+"/recovery-capital/new", barcForm("2026-11-01", "3", "4", "9", "2", "3", "5", "6", "1", "2", "3")); off.Status != 422 || !strings.Contains(off.Body, `href="#f-answers.2"`) {
		t.Fatalf("a nine: %d", off.Status)
	}
	ok := c.PostForm(base+"/recovery-capital/new", barcForm("2026-06-01", "3", "3", "2", "2", "3", "3", "2", "4", "3", "3"))
	if ok.Status != http.StatusSeeOther || ok.Location() != base+"/recovery-capital" {
		t.Fatalf("saving: %d %s", ok.Status, ok.Location())
	}
	c.PostForm(base+"/recovery-capital/new", barcForm("2026-09-01", "4", "4", "skip", "3", "4", "4", "3", "5", "4", "4"))
	c.PostForm(base+"/recovery-capital/new", barcForm("2026-11-20", "5", "4", "4", "4", "4", "5", "4", "5", "4", "5"))
	hist := c.Get(base + "/recovery-capital")
	text := html.UnescapeString(testkit.Text(hist.Body))
	for _, want := range []string{"<svg", `role="img"`, "<polyline", "<table", "Partial", "Left out: partial"} {
		if !strings.Contains(hist.Body, want) {
			t.Errorf("the history lacks %q", want)
		}
	}
	if !strings.Contains(text, "44 out of 60") || !strings.Contains(text, "+16 since the first") || !strings.Contains(text, "Vilsaint") {
		t.Errorf("the change: %s", text)
	}
	if strings.Count(hist.Body, "<circle") != 3 {
		t.Errorf("three assessments, three dots: %d", strings.Count(hist.Body, "<circle"))
	}
	// The record shows the same summary.
	if rec := html.UnescapeString(testkit.Text(c.Get(base).Body)); !strings.Contains(rec, "+16 since the first") {
		t.Errorf("the record: %s", rec)
	}
}

func TestRecoveryAPI(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Recovery API")
	p := addPerson(t, app, tm.Peer, "Dee")
	api := app.APIClient(t, tm.Peer)
	base := "/api/v1/people/" + itoa(p.ID)

	res := api.Send(http.MethodPost, base+"/recovery-capital", map[string]any{"taken_on": "2026-06-01", "answers": []any{3, 3, 3, 3, 3, 3, 3, 3, 3, 3}})
	var created map[string]any
	res.JSON(t, &created)
	if res.Status != http.StatusCreated || created["total"] != float64(30) || created["complete"] != true || created["taken_on"] != "2026-06-01" || created["id"] == "" || len(created) != 4 {
		t.Fatalf("created: %d %v", res.Status, created)
	}
	res = api.Send(http.MethodPost, base+"/recovery-capital", map[string]any{"taken_on": "2026-05-01", "answers": []any{4, 4, nil, 4, 4, 4, 4, 4, 4, 4}})
	res.JSON(t, &created)
	if created["complete"] != false || created["total"] != float64(36) {
		t.Fatalf("partial: %v", created)
	}
	wantFields(t, api.Send(http.MethodPost, base+"/recovery-capital", map[string]any{"answers": []any{1, 2, 3}}), 422, "answers")
	wantFields(t, api.Send(http.MethodPost, base+"/recovery-capital", map[string]any{"answers": []any{1, 2, 3, 7, 1, 1, 1, 1, 1, 1}}), 422, "answers.3")
	wantFields(t, api.Send(http.MethodPost, base+"/recovery-capital", map[string]any{"taken_on": "2030-01-01", "answers": []any{1, 2, 3, 4, 1, 1, 1, 1, 1, 1}}), 422, "taken_on")
	var list struct {
		Items []struct {
			TakenOn  string `json:"taken_on"`
			Complete bool   `json:"complete"`
			Answers  []*int `json:"answers"`
		} `json:"items"`
	}
	api.Get(base+"/recovery-capital").JSON(t, &list)
	if len(list.Items) != 2 || list.Items[0].TakenOn != "2026-05-01" || list.Items[0].Answers[2] != nil || !list.Items[1].Complete {
		t.Fatalf("history oldest first: %+v", list)
	}

	// Stages of change.
	res = api.Send(http.MethodPut, base+"/stages-of-change/home", map[string]any{"stage": "preparation", "noted_on": "2026-11-01"})
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `"words":"Getting ready`) {
		t.Fatalf("put stage: %d %s", res.Status, res.Body)
	}
	api.Send(http.MethodPut, base+"/stages-of-change/home", map[string]any{"stage": "action", "noted_on": "2026-11-20"})
	wantFields(t, api.Send(http.MethodPut, base+"/stages-of-change/moon", map[string]any{"stage": "action"}), 422, "area")
	wantFields(t, api.Send(http.MethodPut, base+"/stages-of-change/home", map[string]any{"stage": "finished"}), 422, "stage")
	wantFields(t, api.Send(http.MethodPut, base+"/stages-of-change/home", map[string]any{"stage": "action", "noted_on": "2027-01-01"}), 422, "noted_on")
	var stages struct {
		Current map[string]*struct{ Stage string } `json:"current"`
		History []struct{ Stage string }           `json:"history"`
	}
	api.Get(base+"/stages-of-change").JSON(t, &stages)
	if stages.Current["home"] == nil || stages.Current["home"].Stage != "action" || stages.Current["health"] != nil || len(stages.History) != 2 {
		t.Fatalf("stages: %+v", stages)
	}

	// Areas of need.
	res = api.Send(http.MethodPost, base+"/needs", map[string]any{"noted_on": "2026-11-20", "areas": []any{map[string]any{"area": "housing", "in_their_words": "A place of my own"}}})
	if res.Status != http.StatusCreated || !strings.Contains(res.Body, `"area_label":"Housing"`) {
		t.Fatalf("needs: %d %s", res.Status, res.Body)
	}
	wantFields(t, api.Send(http.MethodPost, base+"/needs", map[string]any{"areas": []any{map[string]any{"area": "moon"}}}), 422, "areas.0.area")
	if l := api.Get(base + "/needs"); !strings.Contains(l.Body, "A place of my own") {
		t.Fatalf("needs list: %s", l.Body)
	}

	// Strengths, supports, advocacy, rights, medication.
	if r := api.Send(http.MethodPut, base+"/strengths", map[string]any{"good_at": "Cooking", "what_matters": "", "helped_before": "", "strengths": []string{"Brave"}}); r.Status != 200 {
		t.Fatalf("strengths: %d %s", r.Status, r.Body)
	}
	if r := api.Get(base + "/strengths"); !strings.Contains(r.Body, `"strengths":["Brave"]`) {
		t.Fatalf("strengths: %s", r.Body)
	}
	if r := api.Send(http.MethodPost, base+"/natural-supports", map[string]any{"name": "Ana", "okay_to_involve": true}); r.Status != 201 {
		t.Fatalf("support: %d %s", r.Status, r.Body)
	}
	wantFields(t, api.Send(http.MethodPost, base+"/natural-supports", map[string]any{"name": "", "phone": "call me", "okay_to_involve": false}), 422, "name", "phone")
	if r := api.Send(http.MethodPost, base+"/advocacy", map[string]any{"done_on": "2026-11-20", "what": "Went to the DTA office together", "skill": "Asking questions"}); r.Status != 201 {
		t.Fatalf("advocacy: %d %s", r.Status, r.Body)
	}
	var rc map[string]any
	r := api.Send(http.MethodPost, base+"/rights-concerns", map[string]any{"kind": "privacy", "raised_on": "2026-11-01"})
	r.JSON(t, &rc)
	if r.Status != 201 || rc["resolved"] != false {
		t.Fatalf("rights: %d %s", r.Status, r.Body)
	}
	wantFields(t, api.Send(http.MethodPost, base+"/rights-concerns", map[string]any{"kind": "weather"}), 422, "kind")
	if r := api.Send(http.MethodPost, "/api/v1/rights-concerns/"+rc["id"].(string)+"/resolve", map[string]any{"resolved_on": "2026-11-10"}); r.Status != 200 || !strings.Contains(r.Body, `"resolved":true`) {
		t.Fatalf("resolve: %d %s", r.Status, r.Body)
	}
	if r := api.Send(http.MethodPost, "/api/v1/rights-concerns/"+rc["id"].(string)+"/resolve", map[string]any{}); r.Status != http.StatusConflict {
		t.Fatalf("resolve twice: %d", r.Status)
	}
	if r := api.Send(http.MethodPost, base+"/medication-questions", map[string]any{"kind": "side_effect", "text": "Dry mouth at night"}); r.Status != 201 {
		t.Fatalf("medication: %d %s", r.Status, r.Body)
	}
	for _, path := range []string{"/natural-supports", "/advocacy", "/rights-concerns", "/medication-questions"} {
		if r := api.Get(base + path); r.Status != 200 || !strings.Contains(r.Body, `"items":[{`) {
			t.Errorf("GET %s: %d %s", path, r.Status, r.Body)
		}
	}
	if r := api.Get("/api/v1/recovery-instruments"); !strings.Contains(r.Body, `"key":"barc10"`) || !strings.Contains(r.Body, "Vilsaint") {
		t.Errorf("instruments: %s", r.Body)
	}
	// The OpenAPI document describes the routes.
	if doc := api.Get("/api/v1/openapi.json"); !strings.Contains(doc.Body, "/api/v1/people/{id}/stages-of-change/{area}") || !strings.Contains(doc.Body, "/api/v1/people/{id}/recovery-capital") {
		t.Error("the OpenAPI document lacks the recovery routes")
	}
}

// The assigned worker, their supervisor and the administrator see every
// recovery page and answer; another peer worker and another organisation
// get 404.
func TestRecoveryPagesFollowTheVisibilityRule(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Recovery access")
	other := app.NewTeam(t, "Recovery elsewhere")
	p := addPerson(t, app, tm.Peer, "Rae")
	pa := testkit.Actor(tm.Peer)
	sup, _ := app.AddSupport(t.Context(), pa, p.ID, store.SupportInput{Name: "Ana", OkayToInvolve: true})
	check, _ := app.RecordNeeds(t.Context(), pa, p.ID, store.NeedsInput{Areas: []store.NeedInput{{Area: "housing"}}})
	base := "/people/" + itoa(p.ID)
	api := "/api/v1/people/" + itoa(p.ID)
	pages := []string{base + "/strengths", base + "/recovery-capital", base + "/recovery-capital/new", base + "/stages-of-change", base + "/needs",
		base + "/supports", "/supports/" + itoa(sup.ID), base + "/advocacy", base + "/medication-questions", base + "/goals/new?need=" + itoa(check.Needs[0].ID),
		base + "/referrals/new?need=" + itoa(check.Needs[0].ID)}
	apis := []string{api + "/recovery-capital", api + "/stages-of-change", api + "/needs", api + "/strengths", api + "/natural-supports", api + "/advocacy",
		api + "/rights-concerns", api + "/medication-questions"}
	for who, u := range map[string]store.User{"assigned worker": tm.Peer, "supervisor": tm.Supervisor, "admin": tm.Admin} {
		c, a := app.SignIn(t, u), app.APIClient(t, u)
		for _, path := range pages {
			if res := c.Get(path); res.Status != http.StatusOK {
				t.Errorf("%s GET %s: %d", who, path, res.Status)
			}
		}
		for _, path := range apis {
			if res := a.Get(path); res.Status != http.StatusOK {
				t.Errorf("%s GET %s: %d", who, path, res.Status)
			}
		}
	}
	for who, u := range map[string]store.User{"another peer worker": tm.OtherPeer, "another organisation's admin": other.Admin, "another organisation's peer": other.Peer} {
		c, a := app.SignIn(t, u), app.APIClient(t, u)
		for _, path := range pages {
			if res := c.Get(path); res.Status != http.StatusNotFound {
				t.Errorf("%s GET %s: %d", who, path, res.Status)
			}
		}
		for _, path := range apis {
			if res := a.Get(path); res.Status != http.StatusNotFound {
				t.Errorf("%s GET %s: %d", who, path, res.Status)
			}
		}
		if res := a.Send(http.MethodPost, api+"/recovery-capital", map[string]any{"answers": []any{3, 3, 3, 3, 3, 3, 3, 3, 3, 3}}); res.Status != http.StatusNotFound {
			t.Errorf("%s takes an assessment: %d", who, res.Status)
		}
		if res := a.Send(http.MethodPut, api+"/stages-of-change/home", map[string]any{"stage": "action"}); res.Status != http.StatusNotFound {
			t.Errorf("%s notes a stage: %d", who, res.Status)
		}
		if res := c.PostForm(base+"/needs", url.Values{"noted_on": {"2026-11-20"}, "area": {"food"}}); res.Status != http.StatusNotFound {
			t.Errorf("%s records needs: %d", who, res.Status)
		}
	}
}

func TestANeedStartsAGoalAndAReferralCarryingTheArea(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Needs pages")
	p := addPerson(t, app, tm.Peer, "Lou")
	c := app.SignIn(t, tm.Peer)
	base := "/people/" + itoa(p.ID)

	// Nothing ticked: 422, beside the areas; the words typed stay.
	bad := c.PostForm(base+"/needs", url.Values{"noted_on": {"2026-11-20"}, "words.housing": {"A place of my own"}})
	if bad.Status != 422 || !strings.Contains(bad.Body, `id="f-area-error"`) || !strings.Contains(bad.Body, `value="A place of my own"`) {
		t.Fatalf("nothing ticked: %d", bad.Status)
	}
	if r := c.PostForm(base+"/needs", url.Values{"noted_on": {"2026-11-20"}, "area": {"housing", "work_and_education"}, "words.housing": {"A place of my own"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("needs: %d %s", r.Status, testkit.Text(r.Body))
	}
	l, _ := app.ListNeeds(t.Context(), testkit.Actor(tm.Peer), p.ID, store.Page{})
	housing, work := l.Items[0].Needs[0], l.Items[0].Needs[1]
	page := c.Get(base + "/needs")
	if !strings.Contains(page.Body, "/goals/new?need="+itoa(housing.ID)) || !strings.Contains(page.Body, "/referrals/new?need="+itoa(housing.ID)) {
		t.Fatal("the needs page does not offer a goal and a referral")
	}
	// A goal in one step: the form comes filled with the words and the life area.
	gf := c.Get(base + "/goals/new?need=" + itoa(work.ID))
	if !strings.Contains(gf.Body, `name="need_id" value="`+itoa(work.ID)+`"`) || !strings.Contains(gf.Body, `value="purpose" checked`) || !strings.Contains(testkit.Text(gf.Body), "starts from an area of need: Work and education") {
		t.Fatalf("the goal form: %s", testkit.Text(gf.Body))
	}
	if r := c.PostForm(base+"/goals/new", url.Values{"need_id": {itoa(work.ID)}, "text": {"Finish my GED"}, "life_area": {"purpose"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("the goal: %d", r.Status)
	}
	rf := c.Get(base + "/referrals/new?need=" + itoa(housing.ID))
	if !strings.Contains(rf.Body, "Housing: A place of my own") || !strings.Contains(rf.Body, `name="need_id"`) {
		t.Fatalf("the referral form: %s", testkit.Text(rf.Body))
	}
	if r := c.PostForm(base+"/referrals/new", url.Values{"need_id": {itoa(housing.ID)}, "resource_name": {"Housing search"}, "reason": {"Housing: A place of my own"}, "made_on": {"2026-11-20"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("the referral: %d", r.Status)
	}
	l, _ = app.ListNeeds(t.Context(), testkit.Actor(tm.Peer), p.ID, store.Page{})
	if l.Items[0].Needs[0].ReferralID == 0 || l.Items[0].Needs[1].GoalID == 0 {
		t.Fatalf("the needs do not remember: %+v", l.Items[0].Needs)
	}
	if page := testkit.Text(c.Get(base + "/needs").Body); !strings.Contains(page, "The goal it started") || !strings.Contains(page, "The referral it started") {
		t.Fatalf("after: %s", page)
	}
	// Another person's need is refused, and nothing typed is lost.
	other := addPerson(t, app, tm.Peer, "Not Lou")
	r := c.PostForm("/people/"+itoa(other.ID)+"/goals/new", url.Values{"need_id": {itoa(housing.ID)}, "text": {"Mine"}, "life_area": {"home"}})
	if r.Status != http.StatusNotFound && r.Status != 422 {
		t.Fatalf("another person's need: %d", r.Status)
	}
}

func TestTheSafetyPlanOffersNaturalSupportsWithoutCopyingThem(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Offers")
	p := addPerson(t, app, tm.Peer, "Ines")
	pa := testkit.Actor(tm.Peer)
	ana, _ := app.AddSupport(t.Context(), pa, p.ID, store.SupportInput{Name: "Ana", Relationship: "sister", Phone: "617-555-0101", OkayToInvolve: true})
	app.AddSupport(t.Context(), pa, p.ID, store.SupportInput{Name: "Uncle Ray", OkayToInvolve: false})
	c := app.SignIn(t, tm.Peer)
	edit := "/people/" + itoa(p.ID) + "/safety-plan/edit"
	form := c.Get(edit)
	if !strings.Contains(form.Body, `name="offer" value="`+itoa(ana.ID)+`"`) || strings.Contains(form.Body, "Add Uncle Ray") {
		t.Fatalf("the offers: %s", testkit.Text(form.Body))
	}
	if strings.Contains(form.Body, `value="Ana (sister)"`) {
		t.Fatal("a natural support was copied into the plan unasked")
	}
	// Pressing "Add Ana" fills a row; nothing is saved until the plan is.
	added := c.PostForm(edit, url.Values{"base_version": {"0"}, "warning_signs": {"Not sleeping"}, "offer": {itoa(ana.ID)}})
	if added.Status != 200 || !strings.Contains(added.Body, `value="Ana (sister)"`) || !strings.Contains(added.Body, `value="617-555-0101"`) || !strings.Contains(added.Body, "Not sleeping") {
		t.Fatalf("after offering: %d %s", added.Status, testkit.Text(added.Body))
	}
	if strings.Contains(added.Body, `name="offer" value="`+itoa(ana.ID)+`"`) {
		t.Error("Ana is offered again once added")
	}
	if plan, _ := app.Plan(t.Context(), pa, store.SafetyPlan, p.ID); plan.Version != 0 {
		t.Fatal("offering saved the plan")
	}
	// Someone not okay to involve cannot be added by hand-made requests.
	var ray int64
	ss, _ := app.NaturalSupports(t.Context(), pa, p.ID)
	for _, s := range ss {
		if s.Name == "Uncle Ray" {
			ray = s.ID
		}
	}
	if r := c.PostForm(edit, url.Values{"base_version": {"0"}, "offer": {itoa(ray)}}); r.Status != http.StatusNotFound {
		t.Fatalf("adding someone not to be involved: %d", r.Status)
	}
}

func TestHomeListsPeopleDueARecoveryCapitalCheck(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Home checks")
	p := addPerson(t, app, tm.Peer, "Kim Due")
	c := app.SignIn(t, tm.Peer)
	home := testkit.Text(c.Get("/").Body)
	if !strings.Contains(home, "Recovery capital checks due") || !strings.Contains(home, "Kim Due") || !strings.Contains(home, "Every 90 days: your organisation's setting") {
		t.Fatalf("home: %s", home)
	}
	app.TakeAssessment(t.Context(), testkit.Actor(tm.Peer), p.ID, store.AssessmentInput{Answers: ints(3, 3, 3, 3, 3, 3, 3, 3, 3, 3)})
	if home := testkit.Text(c.Get("/").Body); strings.Contains(home, "Recovery capital checks due") {
		t.Fatalf("a person just assessed is still due: %s", home)
	}
	// An administrator sets another interval; a bad one is refused beside the field.
	admin := app.SignIn(t, tm.Admin)
	if r := admin.PostForm("/admin/recovery", url.Values{"recovery_check_days": {"3"}, "need_areas": {"Housing | home"}}); r.Status != 422 || !strings.Contains(r.Body, `id="f-recovery_check_days-error"`) || !strings.Contains(r.Body, "Housing | home") {
		t.Fatalf("bad settings: %d", r.Status)
	}
	if r := admin.PostForm("/admin/recovery", url.Values{"recovery_check_days": {"30"}, "need_areas": {""}}); r.Status != http.StatusSeeOther {
		t.Fatalf("settings: %d %s", r.Status, testkit.Text(r.Body))
	}
	app.Clock.Advance(31 * 24 * time.Hour)
	if home := testkit.Text(app.SignIn(t, tm.Peer).Get("/").Body); !strings.Contains(home, "Every 30 days: your organisation's setting") {
		t.Fatalf("home after 31 days: %s", home)
	}
}

func TestMedicationPageSaysPeerWorkersDontGiveAdvice(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Medication")
	p := addPerson(t, app, tm.Peer, "Mo")
	c := app.SignIn(t, tm.Peer)
	path := "/people/" + itoa(p.ID) + "/medication-questions"
	if page := testkit.Text(c.Get(path).Body); !strings.Contains(page, "Peer workers don't give medication advice.") || !strings.Contains(page, "not a medication list") {
		t.Fatalf("the page: %s", page)
	}
	bad := c.PostForm(path, url.Values{"noted_on": {"2026-11-20"}, "kind": {"dose"}, "text": {"Can I take it with food?"}})
	if bad.Status != 422 || !strings.Contains(bad.Body, "Can I take it with food?") || !strings.Contains(bad.Body, `href="#f-kind"`) {
		t.Fatalf("a bad kind: %d", bad.Status)
	}
	if r := c.PostForm(path, url.Values{"noted_on": {"2026-11-20"}, "kind": {"question_for_prescriber"}, "text": {"Can I take it with food?"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("saving: %d", r.Status)
	}
	// Advocacy and rights stay out of the contacts.
	adv := "/people/" + itoa(p.ID) + "/advocacy"
	if r := c.PostForm(adv, url.Values{"done_on": {"2026-11-20"}, "what": {"Called the housing office with Mo"}, "skill": {"Making a phone call"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("advocacy: %d", r.Status)
	}
	if r := c.PostForm("/people/"+itoa(p.ID)+"/rights-concerns", url.Values{"raised_on": {"2026-11-20"}, "kind": {""}, "note": {"Mail opened"}}); r.Status != 422 || !strings.Contains(r.Body, "Mail opened") {
		t.Fatalf("rights: %d", r.Status)
	}
	// A concern typed as the session ended comes back from its draft.
	if err := app.SaveDraft(t.Context(), tm.Peer.ID, "/people/"+itoa(p.ID)+"/rights-concerns", url.Values{"raised_on": {"2026-11-19"}, "kind": {"privacy"}, "note": {"Mail opened at the shelter"}}); err != nil {
		t.Fatal(err)
	}
	drafts, err := app.Drafts(t.Context(), tm.Peer.ID)
	if err != nil || len(drafts) != 1 {
		t.Fatalf("drafts: %v %v", drafts, err)
	}
	if page := c.Get("/people/" + itoa(p.ID) + "/rights-concerns?draft=" + itoa(drafts[0].ID)); page.Status != 200 || !strings.Contains(page.Body, "Mail opened at the shelter") || !strings.Contains(page.Body, `value="privacy" selected`) {
		t.Fatalf("the draft: %d", page.Status)
	}
	if contacts := testkit.Text(c.Get("/people/" + itoa(p.ID) + "/contacts").Body); strings.Contains(contacts, "housing office") {
		t.Fatal("advocacy shows among the contacts")
	}
}
