package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"peerpath/internal/auth"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// The career framework's organisation rules over HTTP (issue 12).

// frameworkRulesSteps renders the templates of issue 12 for
// TestEveryTemplateRenders.
func frameworkRulesSteps(t *testing.T, app *testkit.App) []func() {
	var admin *testkit.Client
	var newbie store.User
	return []func(){
		func() {
			tm := app.NewTeam(t, "Journey Rules")
			admin = app.SessionClient(t, tm.Admin)
			newbie = app.MakeUserWith(t, store.NewUser{OrgID: tm.Org.ID, Email: "nia@rules.test", Name: "Nia New", Roles: []auth.Role{auth.RolePeer}, Track: testkit.NoTrack})
		},
		func() { admin.Get("/admin/framework-choices") },
		func() { admin.PostForm("/admin/framework-choices", url.Values{}) },
		func() { app.SessionClient(t, newbie).Get("/workers/" + itoa(newbie.ID) + "/readiness") },
	}
}

type codeJSON struct {
	Key     string   `json:"key"`
	Title   string   `json:"title"`
	Tracks  []string `json:"tracks"`
	Applies bool     `json:"applies"`
	Signed  bool     `json:"signed"`
	Current struct {
		Hash        string `json:"hash"`
		PublishedAt string `json:"published_at"`
		Text        string `json:"text"`
	} `json:"current"`
}

func ethicsCodes(t *testing.T, c *testkit.Client) map[string]codeJSON {
	t.Helper()
	var out struct {
		Items []codeJSON `json:"items"`
	}
	res := c.Get("/api/v1/ethics/codes")
	if res.Status != 200 {
		t.Fatalf("codes: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &out)
	m := map[string]codeJSON{}
	for _, c := range out.Items {
		m[c.Key] = c
	}
	return m
}

type reqJSON struct {
	Key       string `json:"key"`
	Status    string `json:"status"`
	Blocking  bool   `json:"blocking"`
	ExpiredOn string `json:"expired_on"`
	Question  string `json:"question"`
	Waiver    *struct {
		ByName           string `json:"by_name"`
		Reason           string `json:"reason"`
		CarriedFrom      string `json:"carried_from"`
		CarriedFromStage string `json:"carried_from_stage"`
	} `json:"waiver"`
}

type readinessResp struct {
	Track      string `json:"track"`
	NeedsTrack bool   `json:"needs_track"`
	Stages     []struct {
		Stage        string    `json:"stage"`
		Ready        bool      `json:"ready"`
		Requirements []reqJSON `json:"requirements"`
	} `json:"stages"`
}

func (r readinessResp) req(stage, key string) reqJSON {
	for _, s := range r.Stages {
		if s.Stage != stage {
			continue
		}
		for _, q := range s.Requirements {
			if q.Key == key {
				return q
			}
		}
	}
	return reqJSON{}
}

func readinessOver(t *testing.T, c *testkit.Client, workerID int64) readinessResp {
	t.Helper()
	res := c.Get("/api/v1/workers/" + itoa(workerID) + "/readiness")
	if res.Status != 200 {
		t.Fatalf("readiness: %d %s", res.Status, res.Body)
	}
	var out readinessResp
	res.JSON(t, &out)
	return out
}

func TestEthicsCodesAPI(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Harbor RSC")
	track := "addiction"
	app.UpdateWorker(t.Context(), testkit.Actor(tm.Peer), tm.Peer.ID, store.WorkerUpdate{Track: &track})
	peer := app.APIClient(t, tm.Peer)
	codes := ethicsCodes(t, peer)
	cps, rsc := codes["cps"], codes["rsc"]
	if len(codes) != 2 || cps.Applies || !rsc.Applies || rsc.Signed || len(rsc.Tracks) != 1 || rsc.Tracks[0] != "addiction" || cps.Current.Hash == "" || rsc.Current.Text == "" || rsc.Current.PublishedAt == "" {
		t.Fatalf("codes: %+v", codes)
	}
	// A missing code means cps, as before codes had keys.
	res := peer.Send(http.MethodPost, "/api/v1/ethics/attestations", map[string]any{"version_hash": cps.Current.Hash, "typed_name": "Pat Peer"})
	if res.Status != 201 || !strings.Contains(res.Body, `"code":"cps"`) {
		t.Fatalf("signing without a code: %d %s", res.Status, res.Body)
	}
	// An addiction-track worker who signed only the CPS code: the RSC item is not met.
	if q := readinessOver(t, peer, tm.Peer.ID).req("1", "s1.prereq.rsc-ethics"); q.Status != "not_met" || !q.Blocking {
		t.Fatalf("RSC item after the CPS code: %+v", q)
	}
	res = peer.Send(http.MethodPost, "/api/v1/ethics/attestations", map[string]any{"code": "rsc", "version_hash": cps.Current.Hash, "typed_name": "Pat Peer"})
	if res.Status != 422 || !strings.Contains(res.Body, `"version_hash"`) {
		t.Fatalf("the CPS hash under the RSC code: %d %s", res.Status, res.Body)
	}
	res = peer.Send(http.MethodPost, "/api/v1/ethics/attestations", map[string]any{"code": "aa", "version_hash": rsc.Current.Hash, "typed_name": "Pat Peer"})
	if res.Status != 422 || !strings.Contains(res.Body, `"code"`) {
		t.Fatalf("an unknown code: %d %s", res.Status, res.Body)
	}
	res = peer.Send(http.MethodPost, "/api/v1/ethics/attestations", map[string]any{"code": "rsc", "version_hash": rsc.Current.Hash, "typed_name": "pat peer"})
	if res.Status != 201 || !strings.Contains(res.Body, `"code":"rsc"`) {
		t.Fatalf("signing the RSC code: %d %s", res.Status, res.Body)
	}
	if q := readinessOver(t, peer, tm.Peer.ID).req("1", "s1.prereq.rsc-ethics"); q.Status != "met" {
		t.Fatalf("RSC item after signing it: %+v", q)
	}
	if !ethicsCodes(t, peer)["rsc"].Signed {
		t.Error("the code list does not say it is signed")
	}

	// The web page: one code at a time, each signed on its own.
	web := app.SessionClient(t, tm.OtherPeer)
	page := web.Get("/ethics?code=rsc")
	if page.Status != 200 || !strings.Contains(page.Body, `name="code" value="rsc"`) || !strings.Contains(testkit.Text(page.Body), "placeholder") {
		t.Fatalf("the RSC page: %d %s", page.Status, testkit.Text(page.Body))
	}
	if res := web.Get("/ethics?code=nope"); res.Status != 404 {
		t.Fatalf("an unknown code's page: %d", res.Status)
	}
	bad := web.PostForm("/ethics", url.Values{"code": {"rsc"}, "version_hash": {rsc.Current.Hash}, "confirm": {"yes"}, "typed_name": {"Someone Else"}})
	if bad.Status != 422 || !strings.Contains(bad.Body, `name="code" value="rsc"`) || !strings.Contains(bad.Body, "Someone Else") {
		t.Fatalf("a wrong name: %d %s", bad.Status, testkit.Text(bad.Body))
	}
	ok := web.PostForm("/ethics", url.Values{"code": {"rsc"}, "version_hash": {rsc.Current.Hash}, "confirm": {"yes"}, "typed_name": {"Olu Otherpeer"}})
	if ok.Status != http.StatusSeeOther || !strings.Contains(ok.Header.Get("Location"), "code=rsc") {
		t.Fatalf("signing on the page: %d", ok.Status)
	}
	if !ethicsCodes(t, app.APIClient(t, tm.OtherPeer))["rsc"].Signed {
		t.Error("the page did not sign the RSC code")
	}

	// The administrator edits the RSC code's text.
	admin := app.SessionClient(t, tm.Admin)
	if page := admin.Get("/admin/ethics?code=rsc"); !strings.Contains(page.Body, `name="code" value="rsc"`) || !strings.Contains(page.Body, "placeholder shipped with peerpath") {
		t.Fatalf("admin RSC page: %s", testkit.Text(page.Body))
	}
	if res := admin.PostForm("/admin/ethics", url.Values{"code": {"rsc"}, "title": {"Harbor RSC code of conduct"}, "text": {"We keep to our code."}}); res.Status != http.StatusSeeOther {
		t.Fatalf("publishing the RSC code: %d %s", res.Status, testkit.Text(res.Body))
	}
	after := ethicsCodes(t, peer)
	if after["rsc"].Current.Hash == rsc.Current.Hash || after["rsc"].Signed || after["cps"].Current.Hash != cps.Current.Hash {
		t.Fatalf("after publishing: %+v", after)
	}
}

func TestTrackChoiceOverHTTP(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "New starters")
	nia := app.MakeUserWith(t, store.NewUser{OrgID: tm.Org.ID, Email: "nia@starters.test", Name: "Nia New", Roles: []auth.Role{auth.RolePeer}, SupervisorID: tm.Supervisor.ID, Track: testkit.NoTrack})
	api := app.APIClient(t, nia)
	res := api.Get("/api/v1/workers/" + itoa(nia.ID) + "/readiness")
	if res.Status != 200 || !strings.Contains(res.Body, `"track":""`) || !strings.Contains(res.Body, `"needs_track":true`) || !strings.Contains(res.Body, `"stages":[]`) {
		t.Fatalf("readiness without a track: %d %s", res.Status, res.Body)
	}
	web := app.SessionClient(t, nia)
	if home := testkit.Text(web.Get("/").Body); !strings.Contains(home, "Choose your track") {
		t.Errorf("the home page does not ask for the track: %s", home)
	}
	path := "/workers/" + itoa(nia.ID)
	if page := testkit.Text(web.Get(path + "/readiness").Body); !strings.Contains(page, "Choose a track") || strings.Contains(page, "Every stage") {
		t.Fatalf("readiness page without a track: %s", page)
	}
	if res := web.PostForm(path+"/track", url.Values{}); res.Status != 422 || !strings.Contains(res.Body, "Choose a track: mental health, addiction, or both.") {
		t.Fatalf("no choice: %d %s", res.Status, testkit.Text(res.Body))
	}
	// Others may not: another peer, and another organisation.
	if res := app.SessionClient(t, tm.OtherPeer).PostForm(path+"/track", url.Values{"track": {"both"}}); res.Status != 404 {
		t.Fatalf("another peer choosing: %d", res.Status)
	}
	other := app.NewTeam(t, "Elsewhere")
	if res := app.SessionClient(t, other.Admin).PostForm(path+"/track", url.Values{"track": {"both"}}); res.Status != 404 {
		t.Fatalf("another organisation choosing: %d", res.Status)
	}
	if res := web.PostForm(path+"/track", url.Values{"track": {"addiction"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("choosing: %d %s", res.Status, testkit.Text(res.Body))
	}
	if r := readinessOver(t, api, nia.ID); r.Track != "addiction" || r.NeedsTrack || len(r.Stages) != 6 {
		t.Fatalf("after choosing: %+v", r)
	}
	// The supervisor chooses at invitation.
	admin := app.SessionClient(t, tm.Admin)
	if res := admin.PostForm("/admin/users/new", url.Values{"name": {"Mo Invited"}, "email": {"mo@starters.test"}, "roles": {"peer"}, "track": {"sideways"}}); res.Status != 422 || !strings.Contains(res.Body, "Choose a track") {
		t.Fatalf("an unknown track at invitation: %d", res.Status)
	}
	if res := admin.PostForm("/admin/users/new", url.Values{"name": {"Mo Invited"}, "email": {"mo@starters.test"}, "roles": {"peer"}, "track": {"mental-health"}}); res.Status != 200 {
		t.Fatalf("invitation with a track: %d", res.Status)
	}
	mo, _ := app.UserByEmail(t.Context(), "mo@starters.test")
	if r := readinessOver(t, app.APIClient(t, tm.Admin), mo.ID); r.Track != "mental-health" {
		t.Fatalf("invited worker's track: %q", r.Track)
	}
}

func TestFrameworkChoicesOverHTTP(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Choices RLC")
	admin := app.SessionClient(t, tm.Admin)
	if res := app.SessionClient(t, tm.Peer).Get("/admin/framework-choices"); res.Status != 403 && res.Status != 404 {
		t.Fatalf("a peer on the admin page: %d", res.Status)
	}
	page := testkit.Text(admin.Get("/admin/framework-choices").Body)
	for _, want := range []string{"CORI, as indicated by specific RSC, RLC or other program", "ask for a CORI check?", "Certified Peer Specialist required or preferred with Grandfather Clause to be considered", "peerpath suggests preferred"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// CORI switched off: not applicable, never blocking.
	api := app.APIClient(t, tm.Peer)
	if q := readinessOver(t, api, tm.Peer.ID).req("volunteer", "v.prereq.cori"); q.Status != "not_applicable" || q.Blocking || !strings.Contains(q.Question, "CORI check") {
		t.Fatalf("CORI off: %+v", q)
	}
	form := url.Values{"strength-s3.prereq.cps": {"required"}}
	res := admin.PostForm("/admin/framework-choices", form)
	if res.Status != 422 || !strings.Contains(res.Body, "Answer yes or no.") || !strings.Contains(res.Body, `value="required" checked`) {
		t.Fatalf("without the CORI answer: %d %s", res.Status, testkit.Text(res.Body))
	}
	form.Set("applies-v.prereq.cori", "yes")
	if res := admin.PostForm("/admin/framework-choices", form); res.Status != http.StatusSeeOther {
		t.Fatalf("saving: %d %s", res.Status, testkit.Text(res.Body))
	}
	r := readinessOver(t, api, tm.Peer.ID)
	if q := r.req("volunteer", "v.prereq.cori"); q.Status != "not_met" || !q.Blocking {
		t.Fatalf("CORI on: %+v", q)
	}
	if q := r.req("3", "s3.prereq.cps"); !q.Blocking {
		t.Fatalf("CPS read as required: %+v", q)
	}
	// The API.
	var list struct {
		Items []struct {
			ItemKey  string `json:"item_key"`
			Applies  bool   `json:"applies"`
			Question string `json:"question"`
			Strength string `json:"strength"`
			Chosen   bool   `json:"chosen"`
		} `json:"items"`
	}
	api.Get("/api/v1/framework-choices").JSON(t, &list)
	if len(list.Items) != 8 || list.Items[0].ItemKey != "v.prereq.cori" || !list.Items[0].Applies || list.Items[0].Question == "" || list.Items[2].Strength != "required" || !list.Items[2].Chosen {
		t.Fatalf("choices: %+v", list.Items)
	}
	adminAPI := app.APIClient(t, tm.Admin)
	if res := api.Send(http.MethodPut, "/api/v1/framework-choices/v.prereq.cori", map[string]any{"applies": false}); res.Status != 403 {
		t.Fatalf("a peer deciding: %d", res.Status)
	}
	if res := adminAPI.Send(http.MethodPut, "/api/v1/framework-choices/s1.comp.empathic-listening", map[string]any{"strength": "required"}); res.Status != 404 {
		t.Fatalf("an item with no choice: %d", res.Status)
	}
	if res := adminAPI.Send(http.MethodPut, "/api/v1/framework-choices/s3.prereq.cps", map[string]any{"strength": "expected"}); res.Status != 422 || !strings.Contains(res.Body, `"strength"`) {
		t.Fatalf("a strength not offered: %d %s", res.Status, res.Body)
	}
	res = adminAPI.Send(http.MethodPut, "/api/v1/framework-choices/v.prereq.cori", map[string]any{"applies": false})
	if res.Status != 200 || !strings.Contains(res.Body, `"applies":false`) {
		t.Fatalf("switching CORI off: %d %s", res.Status, res.Body)
	}
	if q := readinessOver(t, api, tm.Peer.ID).req("volunteer", "v.prereq.cori"); q.Status != "not_applicable" {
		t.Fatalf("CORI off again: %+v", q)
	}
}

func TestGrandfatherCarriedOverHTTP(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Grandfather RLC")
	track := "mental-health"
	app.UpdateWorker(t.Context(), testkit.Actor(tm.Peer), tm.Peer.ID, store.WorkerUpdate{Track: &track})
	sup := app.APIClient(t, tm.Supervisor)
	if res := sup.Send(http.MethodPost, "/api/v1/workers/"+itoa(tm.Peer.ID)+"/waivers", map[string]any{"item_key": "s3.prereq.cps", "reason": "Grandfather clause: peer specialist since 2004"}); res.Status != 201 {
		t.Fatalf("waiver: %d %s", res.Status, res.Body)
	}
	q := readinessOver(t, sup, tm.Peer.ID).req("5", "s5.prereq.cps")
	if q.Status != "waived" || q.Waiver == nil || q.Waiver.CarriedFrom != "s3.prereq.cps" || q.Waiver.CarriedFromStage != "3" || q.Waiver.ByName != "Sam Supervisor" {
		t.Fatalf("carried waiver: %+v %+v", q, q.Waiver)
	}
	page := testkit.Text(app.SessionClient(t, tm.Peer).Get("/workers/" + itoa(tm.Peer.ID) + "/readiness").Body)
	if !strings.Contains(page, "Grandfathered by Sam Supervisor") || !strings.Contains(page, "carried from Stage III") {
		t.Fatalf("the page does not show the carried waiver: %s", page)
	}
}

// The development record says how previous experience was counted.
func TestPreviousExperienceExplained(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Experience RLC")
	a := testkit.Actor(tm.Peer)
	web := app.SessionClient(t, tm.Peer)
	app.AddRoleHeld(t.Context(), a, tm.Peer.ID, store.NewRoleHeld{Title: "Peer specialist", From: "2025-03-03", Peer: true})
	if page := testkit.Text(web.Get("/development").Body); !strings.Contains(page, "The current role is not counted as previous experience.") {
		t.Fatalf("no previous role: %s", page)
	}
	app.AddRoleHeld(t.Context(), a, tm.Peer.ID, store.NewRoleHeld{Title: "Warmline volunteer", From: "2023-01-01", To: "2023-12-31", Peer: true})
	page := testkit.Text(web.Get("/development").Body)
	if !strings.Contains(page, "1 peer role that ended before the current one began on 2025-03-03 (12 whole months)") {
		t.Fatalf("a previous role: %s", page)
	}
	if q := readinessOver(t, app.APIClient(t, tm.Peer), tm.Peer.ID).req("2", "s2.prereq.peer-experience"); q.Status != "met" {
		t.Fatalf("Stage II experience: %+v", q)
	}
}
