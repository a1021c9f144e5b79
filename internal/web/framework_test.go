package web_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"peerpath/internal/framework"
	"peerpath/internal/testkit"
)

const mhOnly = "Demonstrate understanding and adherence to MA CPS code of ethics"

func TestFrameworkBrowser(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Browse")
	c := app.SessionClient(t, tm.Peer)
	page := c.Get("/framework?track=addiction")
	text := testkit.Text(page.Body)
	for _, want := range []string{"Volunteer Peer Worker", "Stage V", "Competencies", "Prerequisites", "Recovery Coach required or preferred", "from Volunteer Peer Worker"} {
		if !strings.Contains(text, want) {
			t.Errorf("the addiction track page lacks %q", want)
		}
	}
	if strings.Contains(text, mhOnly) {
		t.Error("a mental-health item shows on the addiction track")
	}
	if mh := testkit.Text(c.Get("/framework?track=mental-health").Body); !strings.Contains(mh, mhOnly) {
		t.Error("the mental-health track lacks its own item")
	}
	if res := c.Get("/framework?track=sideways"); res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "both, mental-health or addiction") {
		t.Errorf("unknown track: %d", res.Status)
	}

	item := testkit.Text(c.Get("/framework/items/s2.prereq.peer-experience").Body)
	for _, want := range []string{"Previous peer support experience expected", "Replaces Previous peer support experience preferred", "Stage I", "must be met"} {
		if !strings.Contains(item, want) {
			t.Errorf("the item page lacks %q:\n%s", want, item)
		}
	}
	if res := c.Get("/framework/items/no.such.item"); res.Status != http.StatusNotFound {
		t.Errorf("unknown item: %d", res.Status)
	}

	cmp := c.Get("/framework/compare?from=1&to=2&track=addiction")
	if cmp.Status != 200 || !strings.Contains(testkit.Text(cmp.Body), "Recovery Coach required or preferred") {
		t.Errorf("compare 1→2 addiction: %d %s", cmp.Status, testkit.Text(cmp.Body))
	}
	back := c.Get("/framework/compare?from=3&to=1&track=both")
	if back.Status != http.StatusUnprocessableEntity || !strings.Contains(back.Body, "Choose a stage after the first one") {
		t.Errorf("compare backwards: %d", back.Status)
	}
}

func chartUpload(t *testing.T, c *testkit.Client, app *testkit.App, chart string) testkit.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", "chart.json")
	fw.Write([]byte(chart))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, app.HTTP.URL+"/admin/frameworks", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Do(req)
}

const webChart = `{"id":"harbor","title":"Harbor chart","version":"3","published":"2026-02","source":"ours",
 "stages":[{"key":"volunteer","name":"Volunteer"},{"key":"1","name":"Stage I"}],
 "items":[{"key":"v.c","kind":"competency","stage":"volunteer","track":"both","label":"Listens with care","carries_forward":true},
          {"key":"s1.p","kind":"prerequisite","stage":"1","track":"both","label":"Six months volunteering","strength":"expected"}]}`

func TestChartImportPage(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Import")
	c := app.SessionClient(t, tm.Admin)
	bad := strings.Replace(webChart, `"strength":"expected"`, `"strength":"essential"`, 1)
	res := chartUpload(t, c, app, bad)
	text := testkit.Text(res.Body)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(text, "s1.p") || !strings.Contains(text, "strength") {
		t.Fatalf("a bad chart: %d %s", res.Status, text)
	}
	if res := chartUpload(t, c, app, webChart); res.Status != http.StatusSeeOther {
		t.Fatalf("a good chart: %d %s", res.Status, testkit.Text(res.Body))
	}
	if res := chartUpload(t, c, app, webChart); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "already loaded") {
		t.Fatalf("the same chart twice: %d", res.Status)
	}
	admin := c.Get("/admin/frameworks")
	if !strings.Contains(admin.Body, "Harbor chart") || !strings.Contains(admin.Body, "Shipped with peerpath") {
		t.Fatal("the versions list lacks a chart")
	}
	vs, _ := app.ChartVersions(t.Context(), tm.Org.ID)
	if res := c.PostForm("/admin/frameworks/"+itoa(vs[0].ID)+"/activate", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("activate: %d", res.Status)
	}
	if page := app.SessionClient(t, tm.Peer).Get("/framework"); !strings.Contains(page.Body, "Listens with care") {
		t.Fatal("the framework page does not show the newly active chart")
	}
	// Pasted text works too.
	res = c.PostForm("/admin/frameworks", map[string][]string{"text": {strings.Replace(webChart, `"version":"3"`, `"version":"4"`, 1)}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("a pasted chart: %d %s", res.Status, testkit.Text(res.Body))
	}
}

func TestFrameworkAPI(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "API charts")
	c := app.APIClient(t, tm.Peer)
	var list struct {
		Items []struct {
			ID      string `json:"id"`
			ChartID string `json:"chart_id"`
			Active  bool   `json:"active"`
		} `json:"items"`
	}
	c.Get("/api/v1/frameworks").JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0].ChartID != "ma-2014" || !list.Items[0].Active {
		t.Fatalf("list: %+v", list)
	}
	shippedID := list.Items[0].ID
	var whole struct {
		Title  string           `json:"title"`
		Stages []map[string]any `json:"stages"`
		Items  []map[string]any `json:"items"`
	}
	c.Get("/api/v1/frameworks/"+shippedID).JSON(t, &whole)
	if len(whole.Stages) != 6 || len(whole.Items) != len(framework.MA2014().Items()) {
		t.Fatalf("whole chart: %d stages, %d items", len(whole.Stages), len(whole.Items))
	}
	res := c.Get("/api/v1/frameworks/active/requirements?stage=2&track=addiction")
	want, _ := json.Marshal(framework.ToJSON(framework.EffectiveRequirements(framework.MA2014(), framework.Stage2, framework.TrackAddiction)))
	if res.Status != 200 || strings.TrimSpace(res.Body) != string(want) {
		t.Fatalf("requirements differ from the engine's: %d", res.Status)
	}
	for q, field := range map[string]string{"?stage=9&track=both": "stage", "?stage=1&track=sideways": "track", "?track=both": "stage"} {
		res := c.Get("/api/v1/frameworks/" + shippedID + "/requirements" + q)
		var e struct {
			Error struct {
				Code   string            `json:"code"`
				Fields map[string]string `json:"fields"`
			} `json:"error"`
		}
		res.JSON(t, &e)
		if res.Status != http.StatusBadRequest || e.Error.Code != "invalid" || e.Error.Fields[field] == "" {
			t.Errorf("%s: %d %s", q, res.Status, res.Body)
		}
	}
	if !strings.Contains(c.Get("/api/v1/frameworks/"+shippedID+"/requirements?stage=9&track=both").Body, "volunteer, 1, 2, 3, 4, 5") {
		t.Error("the bad-stage message does not list the stages")
	}

	admin := app.APIClient(t, tm.Admin)
	res = admin.Send(http.MethodPost, "/api/v1/frameworks", webChart)
	var created struct {
		ID     string `json:"id"`
		Active bool   `json:"active"`
	}
	res.JSON(t, &created)
	if res.Status != http.StatusCreated || created.Active {
		t.Fatalf("import: %d %s", res.Status, res.Body)
	}
	if res := admin.Send(http.MethodPost, "/api/v1/frameworks", webChart); res.Status != http.StatusConflict {
		t.Fatalf("import twice: %d", res.Status)
	}
	bad := admin.Send(http.MethodPost, "/api/v1/frameworks", strings.Replace(webChart, `"stage":"1"`, `"stage":"9"`, 1))
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, `"items.s1.p.stage"`) {
		t.Fatalf("import bad: %d %s", bad.Status, bad.Body)
	}
	if res := admin.Send(http.MethodPost, "/api/v1/frameworks/"+created.ID+"/activate", nil); res.Status != 200 {
		t.Fatalf("activate: %d", res.Status)
	}
	// Another organisation cannot see or activate it.
	other := app.NewTeam(t, "Other charts")
	oc := app.APIClient(t, other.Admin)
	if res := oc.Get("/api/v1/frameworks/" + created.ID); res.Status != http.StatusNotFound {
		t.Fatalf("another organisation reads it: %d", res.Status)
	}
	if res := oc.Send(http.MethodPost, "/api/v1/frameworks/"+created.ID+"/activate", nil); res.Status != http.StatusNotFound {
		t.Fatalf("another organisation activates it: %d", res.Status)
	}
}

// The glossary and the chart link to each other, through the active chart.
func TestFrameworkAndGlossaryLinkBothWays(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Links")
	c := app.SessionClient(t, tm.Peer)
	item := c.Get("/framework/items/v.train.narcan")
	if !strings.Contains(item.Body, `href="/learning/glossary/narcan"`) {
		t.Fatalf("the item page does not link to the glossary:\n%s", testkit.Text(item.Body))
	}
	entry := c.Get("/learning/glossary/narcan")
	if !strings.Contains(entry.Body, `href="/framework/items/v.train.narcan?track=addiction"`) {
		t.Fatalf("the glossary entry does not link to the item:\n%s", testkit.Text(entry.Body))
	}
	// With another chart active, the links follow it.
	admin := app.APIClient(t, tm.Admin)
	res := admin.Send(http.MethodPost, "/api/v1/frameworks", webChart)
	var created struct {
		ID string `json:"id"`
	}
	res.JSON(t, &created)
	admin.Send(http.MethodPost, "/api/v1/frameworks/"+created.ID+"/activate", nil)
	if entry := c.Get("/learning/glossary/narcan"); strings.Contains(entry.Body, "/framework/items/v.train.narcan") {
		t.Fatal("the glossary still links to an item of the inactive chart")
	}
}
