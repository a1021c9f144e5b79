package web_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"peerpath/internal/auth"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
	"peerpath/internal/workforce"
)

const (
	compListening = "s1.comp.empathic-listening"
	prereqCORI    = "v.prereq.cori"
	trainWRAP     = "v.train.wrap"
)

// pngBytes is the smallest PNG there is: a real image by content.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// upload sends a multipart form with one file field.
func upload(t *testing.T, app *testkit.App, c *testkit.Client, path string, fields url.Values, file string, data []byte) testkit.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if file != "" {
		fw, _ := mw.CreateFormFile("certificate", file)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, app.HTTP.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Do(req)
}

// developmentSteps render every template of issue 5, with data and with
// the errors of a bad form.
func developmentSteps(t *testing.T, app *testkit.App) []func() {
	var tm testkit.Team
	var peer, sup, admin *testkit.Client
	var base string
	var reqID, credID, consultID int64
	ctx := t.Context()
	return []func(){
		func() {
			tm = app.NewTeam(t, "Journey Development")
			peer, sup, admin = app.SessionClient(t, tm.Peer), app.SessionClient(t, tm.Supervisor), app.SessionClient(t, tm.Admin)
			base = "/workers/" + itoa(tm.Peer.ID)
			a := testkit.Actor(tm.Peer)
			app.AddTraining(ctx, a, tm.Peer.ID, store.NewTraining{ItemKey: trainWRAP, CompletedOn: "2026-01-10", Hours: 1200, Certificate: &store.Upload{Filename: "wrap.png", ContentType: "image/png", Data: pngBytes}})
			app.AddRoleHeld(ctx, a, tm.Peer.ID, store.NewRoleHeld{Title: "Peer Specialist", From: "2024-01-01", Peer: true})
			app.AddPrerequisiteRecord(ctx, a, tm.Peer.ID, store.NewPrerequisiteRecord{ItemKey: prereqCORI, Statement: "CORI cleared for the RLC", On: "2026-03-02"})
			app.Waive(ctx, testkit.Actor(tm.Supervisor), tm.Peer.ID, "s2.prereq.recovery-coach", "Grandfather clause")
			app.SignOff(ctx, testkit.Actor(tm.Supervisor), tm.Peer.ID, store.NewSignoff{ItemKey: "s1.comp.share-lived-experience", Note: "Shared her story with care"})
			credID, _ = app.AddCredential(ctx, a, tm.Peer.ID, store.NewCredential{Kind: workforce.CredentialCPS, Issuer: "Transformation Center", IssuedOn: "2025-01-05", ExpiresOn: workforce.AddDays(app.Today(), 40)})
			app.AddCEHours(ctx, a, tm.Peer.ID, credID, store.NewCEHours{CompletedOn: "2026-02-01", Title: "Ethics refresher", Hours: 300, EthicsHours: 300})
			app.AddSupervisionSession(ctx, a, tm.Peer.ID, store.NewSupervisionSession{HeldOn: app.Today(), Minutes: 60, Mode: store.ModeVideo, Topics: "Boundaries"})
			reqID, _ = app.RequestSignoff(ctx, a, tm.Peer.ID, compListening, "Thursday group")
			consultID, _ = app.AddConsultation(ctx, a, tm.Peer.ID, "A task that conflicts with mutuality.")
			app.AddPlanNote(ctx, a, tm.Peer.ID, "Co-facilitate Hearing Voices by spring.")
		},
		func() { peer.Get("/") },
		func() { sup.Get("/") },
		func() { peer.Get("/development") },
		func() { sup.Get(base) },
		func() { peer.Get(base + "/readiness") },
		func() { peer.Get(base + "/plan") },
		func() { peer.PostForm(base+"/plan", nil) },
		func() { peer.Get(base + "/profile") },
		func() { sup.Get(base + "/profile") },
		func() { sup.PostForm(base+"/stage", url.Values{"confirmed_stage": {"9"}}) },
		func() { peer.Get(base + "/roles/new") },
		func() { peer.PostForm(base+"/roles/new", url.Values{"title": {""}}) },
		func() { peer.Get(base + "/trainings") },
		func() { peer.Get(base + "/trainings/new") },
		func() { peer.Get(base + "/prerequisites/new") },
		func() { sup.Get(base + "/signoffs/new?item=" + compListening) },
		func() { peer.Get(base + "/signoff-requests/new") },
		func() { sup.Get(base + "/signoff-requests/" + itoa(reqID)) },
		func() { sup.Get(base + "/waivers/new") },
		func() { peer.Get(base + "/credentials/new") },
		func() { peer.Get(base + "/credentials/" + itoa(credID)) },
		func() { peer.Get(base + "/supervision?per=quarter") },
		func() { peer.Get(base + "/supervision/new") },
		func() { peer.Get(base + "/consultations") },
		func() { sup.Get(base + "/consultations/" + itoa(consultID)) },
		func() { peer.Get("/ethics") },
		func() { admin.Get("/admin/ethics") },
		func() { admin.Get("/admin/credentials") },
		func() { sup.Get("/team/development") },
		func() { admin.Get("/team/development?scope=organisation") },
	}
}

// TestDevelopmentPagesFollowTheAccessRule opens a worker's pages and API
// as every kind of reader: the worker, their supervisor and an
// administrator see them; another worker, another supervisor and another
// organisation are told they do not exist.
func TestDevelopmentPagesFollowTheAccessRule(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "HTTP access")
	otherSup := app.MakeUser(t, tm.Org.ID, "osup@httpaccess.test", "Other Supervisor", auth.RoleSupervisor)
	other := app.NewTeam(t, "HTTP elsewhere")
	cid, _ := app.AddConsultation(t.Context(), testkit.Actor(tm.Peer), tm.Peer.ID, "A gift of significant value was offered.")
	base := "/workers/" + itoa(tm.Peer.ID)
	pages := []string{base, base + "/readiness", base + "/plan", base + "/plan.pdf", base + "/trainings", base + "/supervision", base + "/consultations", base + "/consultations/" + itoa(cid), base + "/profile", base + "/trainings/new"}
	apis := []string{"/api/v1/workers/" + itoa(tm.Peer.ID), "/api/v1/workers/" + itoa(tm.Peer.ID) + "/readiness", "/api/v1/workers/" + itoa(tm.Peer.ID) + "/credentials", "/api/v1/workers/" + itoa(tm.Peer.ID) + "/trainings"}
	for _, c := range []struct {
		who  string
		u    store.User
		want int
	}{
		{"self", tm.Peer, 200}, {"supervisor", tm.Supervisor, 200}, {"admin", tm.Admin, 200},
		{"other peer", tm.OtherPeer, 404}, {"other supervisor", otherSup, 404}, {"trainer", tm.Trainer, 404},
		{"other organisation's admin", other.Admin, 404},
	} {
		web, api := app.SessionClient(t, c.u), app.APIClient(t, c.u)
		for _, p := range pages {
			res := web.Get(p)
			if c.who == "self" && p == base {
				if res.Status != http.StatusSeeOther || res.Location() != "/development" {
					t.Errorf("%s: %s: %d, want a redirect to /development", c.who, p, res.Status)
				}
				continue
			}
			if res.Status != c.want {
				t.Errorf("%s: GET %s: %d, want %d", c.who, p, res.Status, c.want)
			}
		}
		for _, p := range apis {
			if res := api.Get(p); res.Status != c.want {
				t.Errorf("%s: GET %s: %d, want %d", c.who, p, res.Status, c.want)
			}
		}
		res := api.Send(http.MethodPost, "/api/v1/workers/"+itoa(tm.Peer.ID)+"/trainings", map[string]any{"title": "Boundaries", "completed_on": "2026-11-01", "hours": 2})
		want := map[int]int{200: 201, 404: 404}[c.want]
		if res.Status != want {
			t.Errorf("%s: POST a training: %d, want %d (%s)", c.who, res.Status, want, res.Body)
		}
	}
	// The plan prints as a PDF.
	pdf := app.SessionClient(t, tm.Peer).Get(base + "/plan.pdf")
	if pdf.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.Body, "%PDF") {
		t.Fatalf("plan PDF: %q", pdf.Header.Get("Content-Type"))
	}
	// Reads by others are audited; nothing about the consultation reaches the logs.
	if strings.Contains(app.Logs(), "significant value") || strings.Contains(app.Logs(), "Pat Peer") {
		t.Fatal("the logs hold details of a worker's record")
	}
}

func TestSignoffsAndWaiversOverTheAPI(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "API vouching")
	path := "/api/v1/workers/" + itoa(tm.Peer.ID)
	signoff := map[string]any{"item_key": compListening, "observed_on": "2026-11-20", "note": "Listened and reflected back."}
	waiver := map[string]any{"item_key": prereqCORI, "reason": "Grandfather clause"}
	for _, c := range []struct {
		who  string
		u    store.User
		want int
	}{
		{"the worker themselves", tm.Peer, 403},
		{"another peer", tm.OtherPeer, 404},
		{"the supervisor", tm.Supervisor, 201},
		{"an admin", tm.Admin, 201},
	} {
		api := app.APIClient(t, c.u)
		if res := api.Send(http.MethodPost, path+"/signoffs", signoff); res.Status != c.want {
			t.Errorf("%s signing off: %d %s", c.who, res.Status, res.Body)
		}
		if res := api.Send(http.MethodPost, path+"/waivers", waiver); res.Status != c.want {
			t.Errorf("%s waiving: %d %s", c.who, res.Status, res.Body)
		}
	}
	// A worker signing themselves off is refused even with a bad body: the
	// refusal comes first. Bad input from the supervisor is 422 with fields.
	if res := app.APIClient(t, tm.Peer).Send(http.MethodPost, path+"/signoffs", map[string]any{"item_key": ""}); res.Status != 403 {
		t.Errorf("self, bad body: %d", res.Status)
	}
	res := app.APIClient(t, tm.Supervisor).Send(http.MethodPost, path+"/signoffs", map[string]any{"item_key": prereqCORI, "observed_on": "2999-01-01"})
	var e struct {
		Error struct {
			Code   string            `json:"code"`
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	res.JSON(t, &e)
	if res.Status != 422 || e.Error.Fields["item_key"] == "" || e.Error.Fields["observed_on"] == "" || e.Error.Fields["note"] == "" {
		t.Fatalf("bad sign-off: %d %s", res.Status, res.Body)
	}
	if res := app.APIClient(t, tm.Supervisor).Send(http.MethodPost, path+"/signoffs", `{"item_key": 5}`); res.Status != 400 {
		t.Fatalf("unreadable body: %d", res.Status)
	}
}

func TestReadinessAPI(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "API readiness")
	sup := app.APIClient(t, tm.Supervisor)
	path := "/api/v1/workers/" + itoa(tm.Peer.ID)
	if res := sup.Send(http.MethodPatch, path, map[string]any{"track": "addiction"}); res.Status != 200 || !strings.Contains(res.Body, `"track":"addiction"`) {
		t.Fatalf("patch track: %d %s", res.Status, res.Body)
	}
	if res := sup.Send(http.MethodPatch, path, map[string]any{"track": "sideways"}); res.Status != 422 || !strings.Contains(res.Body, `"track"`) {
		t.Fatalf("bad track: %d %s", res.Status, res.Body)
	}
	if res := app.APIClient(t, tm.Peer).Send(http.MethodPatch, path, map[string]any{"confirmed_stage": "2"}); res.Status != 403 {
		t.Fatalf("a worker confirming their own stage: %d", res.Status)
	}
	if res := sup.Send(http.MethodPost, path+"/waivers", map[string]any{"item_key": prereqCORI, "reason": "Grandfather clause"}); res.Status != 201 {
		t.Fatalf("waiver: %d %s", res.Status, res.Body)
	}
	peer := app.APIClient(t, tm.Peer)
	if res := peer.Send(http.MethodPost, path+"/trainings", map[string]any{"item_key": "v.train.narcan", "completed_on": "2026-10-01", "hours": 1.5, "provider": "Harbor RSC"}); res.Status != 201 || !strings.Contains(res.Body, `"title":"NARCAN"`) || !strings.Contains(res.Body, `"hours":1.5`) {
		t.Fatalf("keyed training: %d %s", res.Status, res.Body)
	}
	if res := peer.Send(http.MethodPost, path+"/trainings", map[string]any{"title": "x", "completed_on": "2026-10-01"}); res.Status != 422 || !strings.Contains(res.Body, `"hours"`) {
		t.Fatalf("a training without hours: %d %s", res.Status, res.Body)
	}
	res := peer.Get(path + "/readiness")
	var raw map[string]any
	res.JSON(t, &raw)
	if keys(raw) != "needs_track,stages,track" || raw["track"] != "addiction" || raw["needs_track"] != false {
		t.Fatalf("readiness keys: %s", keys(raw))
	}
	stages := raw["stages"].([]any)
	if len(stages) != 6 {
		t.Fatalf("%d stages", len(stages))
	}
	var names []string
	found := 0
	for _, s := range stages {
		st := s.(map[string]any)
		names = append(names, st["stage"].(string))
		if keys(st) != "ready,requirements,stage" {
			t.Fatalf("stage keys: %s", keys(st))
		}
		for _, r := range st["requirements"].([]any) {
			req := r.(map[string]any)
			for k := range req {
				if !strings.Contains(",blocking,evidence,key,kind,label,status,strength,expired_on,question,waiver,", ","+k+",") {
					t.Fatalf("requirement keys: %s", keys(req))
				}
			}
			switch req["key"] {
			case prereqCORI:
				// CORI applies only where the organisation asks for it
				// (issue 12); the waiver still shows.
				ev := req["evidence"].([]any)
				if req["status"] != "not_applicable" || req["blocking"] != false || len(ev) != 1 || !strings.Contains(ev[0].(map[string]any)["label"].(string), "Sam Supervisor: Grandfather clause") {
					t.Fatalf("CORI: %v", req)
				}
				found++
			case "v.train.narcan":
				if req["status"] != "met" {
					t.Fatalf("NARCAN: %v", req)
				}
			}
		}
	}
	if strings.Join(names, ",") != "volunteer,1,2,3,4,5" || found == 0 {
		t.Fatalf("stages %v, CORI found %d times", names, found)
	}
}

func keys(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

func TestTrainingFormKeepsWhatWasTypedAndChecksTheFile(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Training form")
	c := app.SessionClient(t, tm.Peer)
	path := "/workers/" + itoa(tm.Peer.ID) + "/trainings/new"
	// A text file named .pdf is refused by content; every field keeps its value.
	res := upload(t, app, c, path, url.Values{"title": {"Hearing Voices facilitator"}, "completed_on": {"2026-09-01"}, "provider": {"=HYPERLINK(\"x\")"}, "hours": {"lots"}}, "certificate.pdf", []byte("this is not a PDF at all"))
	text := testkit.Text(res.Body)
	if res.Status != 422 || !strings.Contains(text, "whatever its name says") || !strings.Contains(text, "as a number") || !strings.Contains(res.Body, `value="Hearing Voices facilitator"`) || !strings.Contains(res.Body, `value="lots"`) {
		t.Fatalf("bad training: %d %s", res.Status, text)
	}
	if l, _ := app.Trainings(t.Context(), testkit.Actor(tm.Peer), tm.Peer.ID, store.Page{}); len(l.Items) != 0 {
		t.Fatal("a refused form saved a training")
	}
	res = upload(t, app, c, path, url.Values{"item_key": {trainWRAP}, "completed_on": {"2026-09-01"}, "provider": {"Riverbend RLC"}, "hours": {"12,5"}}, "wrap.png", pngBytes)
	if res.Status != http.StatusSeeOther {
		t.Fatalf("good training: %d %s", res.Status, testkit.Text(res.Body))
	}
	l, _ := app.Trainings(t.Context(), testkit.Actor(tm.Peer), tm.Peer.ID, store.Page{})
	if len(l.Items) != 1 || l.Items[0].Title != "Wellness Recovery Action Plan classes (WRAP)" || l.Items[0].Hours.String() != "12.5" || l.Items[0].DocumentID == 0 {
		t.Fatalf("saved: %+v", l.Items)
	}
	cert := app.SessionClient(t, tm.Supervisor).Get("/workers/" + itoa(tm.Peer.ID) + "/trainings/" + itoa(l.Items[0].ID) + "/certificate")
	if cert.Status != 200 || cert.Header.Get("Content-Type") != "image/png" || cert.Body != string(pngBytes) {
		t.Fatalf("certificate: %d %q", cert.Status, cert.Header.Get("Content-Type"))
	}
	if res := app.SessionClient(t, tm.OtherPeer).Get("/workers/" + itoa(tm.Peer.ID) + "/trainings/" + itoa(l.Items[0].ID) + "/certificate"); res.Status != 404 {
		t.Fatalf("another worker downloading: %d", res.Status)
	}
}

func TestSignoffRequestJourneyOverHTTP(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Request journey")
	peer, sup := app.SessionClient(t, tm.Peer), app.SessionClient(t, tm.Supervisor)
	base := "/workers/" + itoa(tm.Peer.ID)
	if res := sup.Get(base + "/signoff-requests/new"); res.Status != 403 {
		t.Fatalf("a supervisor opening the request form: %d", res.Status)
	}
	if res := peer.Get(base + "/signoffs/new"); res.Status != 403 {
		t.Fatalf("a worker opening the sign-off form: %d", res.Status)
	}
	if res := peer.PostForm(base+"/signoff-requests/new", url.Values{"item_key": {compListening}, "note": {"Thursday group"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("request: %d %s", res.Status, testkit.Text(res.Body))
	}
	again := peer.PostForm(base+"/signoff-requests/new", url.Values{"item_key": {compListening}, "note": {"again"}})
	if again.Status != 422 || !strings.Contains(again.Body, "already asked") || !strings.Contains(again.Body, ">again</textarea>") {
		t.Fatalf("asking twice: %d", again.Status)
	}
	home := testkit.Text(sup.Get("/").Body)
	if !strings.Contains(home, "Pat Peer asks for a sign-off") {
		t.Fatalf("the supervisor's home page lacks the request: %s", home)
	}
	team := testkit.Text(sup.Get("/team/development").Body)
	if !strings.Contains(team, "Review the request from Pat Peer") {
		t.Fatalf("the team page lacks the request: %s", team)
	}
	alerts, _ := app.TeamDevelopmentAlerts(t.Context(), testkit.Actor(tm.Supervisor))
	rq := base + "/signoff-requests/" + itoa(alerts.Requests[0].ID)
	if res := sup.PostForm(rq+"/sign-off", url.Values{"observed_on": {app.Today()}, "note": {""}}); res.Status != 422 || !strings.Contains(res.Body, "Write a short observation") {
		t.Fatalf("sign-off without a note: %d", res.Status)
	}
	if res := peer.PostForm(rq+"/sign-off", url.Values{"note": {"me"}}); res.Status != 403 {
		t.Fatalf("a worker answering their own request: %d", res.Status)
	}
	if res := sup.PostForm(rq+"/sign-off", url.Values{"observed_on": {app.Today()}, "note": {"Reflected back with care."}}); res.Status != http.StatusSeeOther {
		t.Fatalf("sign-off: %d %s", res.Status, testkit.Text(res.Body))
	}
	page := testkit.Text(peer.Get(base + "/readiness").Body)
	if !strings.Contains(page, "Signed off by Sam Supervisor: Reflected back with care.") {
		t.Fatalf("readiness after the sign-off lacks the evidence")
	}
}

func TestEthicsOverHTTP(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Ethics pages")
	peer := app.SessionClient(t, tm.Peer)
	page := peer.Get("/ethics")
	text := testkit.Text(page.Body)
	for _, want := range []string{"Autonomy", "Non-maleficence", "Fourteen commitments", "Dual relationships"} {
		if !strings.Contains(text, want) {
			t.Errorf("the code lacks %q", want)
		}
	}
	cur, _ := app.CurrentEthics(t.Context(), tm.Org.ID)
	bad := peer.PostForm("/ethics", url.Values{"version_hash": {cur.Hash}, "typed_name": {"Somebody Else"}})
	if bad.Status != 422 || !strings.Contains(bad.Body, "Tick the box") || !strings.Contains(bad.Body, "as peerpath has it: Pat Peer") || !strings.Contains(bad.Body, `value="Somebody Else"`) {
		t.Fatalf("bad signature: %d %s", bad.Status, testkit.Text(bad.Body))
	}
	if res := peer.PostForm("/ethics", url.Values{"version_hash": {cur.Hash}, "typed_name": {"pat  peer"}, "confirm": {"yes"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("signing: %d %s", res.Status, testkit.Text(res.Body))
	}
	// A new version asks everyone again; the admin page lists who has not.
	admin := app.SessionClient(t, tm.Admin)
	if res := admin.PostForm("/admin/ethics", url.Values{"title": {"Official"}, "text": {"The organisation's official code."}}); res.Status != http.StatusSeeOther {
		t.Fatalf("publishing: %d %s", res.Status, testkit.Text(res.Body))
	}
	if res := admin.PostForm("/admin/ethics", url.Values{"title": {"Official again"}, "text": {"The organisation's official code."}}); res.Status != 422 || !strings.Contains(res.Body, "published before") {
		t.Fatalf("publishing the same text: %d", res.Status)
	}
	list := testkit.Text(admin.Get("/admin/ethics").Body)
	if !strings.Contains(list, "Pat Peer") {
		t.Fatal("the admin page does not list a worker who must sign again")
	}
	api := app.APIClient(t, tm.Peer)
	var cj struct {
		Hash   string `json:"hash"`
		Signed bool   `json:"signed"`
	}
	api.Get("/api/v1/ethics/current").JSON(t, &cj)
	if cj.Signed || cj.Hash == cur.Hash {
		t.Fatalf("current after a new version: %+v", cj)
	}
	if res := api.Send(http.MethodPost, "/api/v1/ethics/attestations", map[string]any{"version_hash": cur.Hash, "typed_name": "Pat Peer"}); res.Status != 409 {
		t.Fatalf("signing the old version: %d", res.Status)
	}
	if res := api.Send(http.MethodPost, "/api/v1/ethics/attestations", map[string]any{"version_hash": cj.Hash, "typed_name": "Pat Peer"}); res.Status != 201 {
		t.Fatalf("signing the new version: %d %s", res.Status, res.Body)
	}
	if res := api.Send(http.MethodPost, "/api/v1/ethics/attestations", map[string]any{"version_hash": cj.Hash, "typed_name": "Pat Peer"}); res.Status != 200 {
		t.Fatalf("signing again: %d", res.Status)
	}
	if strings.Contains(testkit.Text(admin.Get("/admin/ethics").Body), "Pat Peer") {
		t.Fatal("a worker who signed again is still listed")
	}
}

func TestTeamExportIsSafeCSV(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Export")
	app.AddTraining(t.Context(), testkit.Actor(tm.Peer), tm.Peer.ID, store.NewTraining{Title: "=cmd|' /C calc'!A0", CompletedOn: "2026-05-01", Provider: "@evil", Hours: 100})
	app.AddCredential(t.Context(), testkit.Actor(tm.OtherPeer), tm.OtherPeer.ID, store.NewCredential{Kind: workforce.CredentialOther, Name: "+Forensic peer specialist", Issuer: "DMH", IssuedOn: "2025-01-01", Number: "-12"})
	res := app.SessionClient(t, tm.Supervisor).Get("/team/development.csv")
	if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d", res.Status)
	}
	for _, want := range []string{"'=cmd", "'@evil", "'+Forensic", "'-12", "Pat Peer", "Olu Otherpeer"} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("the export lacks %q:\n%s", want, res.Body)
		}
	}
	if res := app.SessionClient(t, tm.Supervisor).Get("/team/development.csv?scope=organisation"); res.Status != 403 {
		t.Fatalf("a supervisor exporting the organisation: %d", res.Status)
	}
	if res := app.SessionClient(t, tm.Peer).Get("/team/development.csv"); res.Status != 403 {
		t.Fatalf("a peer exporting: %d", res.Status)
	}
	entries, _ := app.ListAudit(t.Context(), tm.Org.ID, store.AuditFilter{RecordType: "development"}, store.Page{})
	exported := false
	for _, e := range entries.Items {
		exported = exported || e.Action == "export"
	}
	if !exported {
		t.Fatal("the export is not audited")
	}
}

func TestHomeShowsDevelopment(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Home development")
	app.AddCredential(t.Context(), testkit.Actor(tm.Peer), tm.Peer.ID, store.NewCredential{Kind: workforce.CredentialCPS, Issuer: "Transformation Center", IssuedOn: "2024-01-01", ExpiresOn: workforce.AddDays(app.Today(), 25)})
	home := testkit.Text(app.SessionClient(t, tm.Peer).Get("/").Body)
	for _, want := range []string{"Your development", "Volunteer Peer Worker", "things left before Volunteer Peer Worker", "Please read and sign the current version of each code of ethics", "Certified Peer Specialist (CPS): Expires in 25 days"} {
		if !strings.Contains(home, want) {
			t.Errorf("the peer's home lacks %q:\n%s", want, home)
		}
	}
	app.Clock.Advance(30 * 24 * 3600e9)
	if home := testkit.Text(app.SessionClient(t, tm.Peer).Get("/").Body); !strings.Contains(home, "Expired") {
		t.Error("an expired credential is not shown as expired")
	}
	sup := testkit.Text(app.SessionClient(t, tm.Supervisor).Get("/").Body)
	for _, want := range []string{"Team development", "Pat Peer: Certified Peer Specialist (CPS) Expired", "2 people on your team have not signed"} {
		if !strings.Contains(sup, want) {
			t.Errorf("the supervisor's home lacks %q:\n%s", want, sup)
		}
	}
}

func TestSupervisionAndCredentialAPI(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "API sessions")
	peer := app.APIClient(t, tm.Peer)
	path := "/api/v1/workers/" + itoa(tm.Peer.ID)
	res := peer.Send(http.MethodPost, path+"/credentials", map[string]any{"kind": "recovery-coach", "number": "RC-7", "issuer": "MBSACC", "issued_on": "2025-02-01", "expires_on": "2027-02-01"})
	if res.Status != 201 || !strings.Contains(res.Body, `"current":true`) || !strings.Contains(res.Body, `"issuer":"MBSACC"`) ||
		!strings.Contains(res.Body, `"renewal_rule_set":false`) || !strings.Contains(res.Body, `"renewal_rule":"Renewal rule not set"`) {
		t.Fatalf("credential: %d %s", res.Status, res.Body)
	}
	if res := peer.Send(http.MethodPost, path+"/credentials", map[string]any{"kind": "wizard", "issued_on": "later"}); res.Status != 422 || !strings.Contains(res.Body, `"kind"`) || !strings.Contains(res.Body, `"issued_on"`) {
		t.Fatalf("bad credential: %d %s", res.Status, res.Body)
	}
	if res := peer.Send(http.MethodPost, path+"/credentials", map[string]any{"kind": "cps", "issued_on": "2025-02-01"}); res.Status != 422 || !strings.Contains(res.Body, `"issuer"`) {
		t.Fatalf("a credential without its issuer: %d %s", res.Status, res.Body)
	}
	var list struct {
		Items []map[string]any `json:"items"`
	}
	peer.Get(path+"/credentials").JSON(t, &list)
	if len(list.Items) != 1 {
		t.Fatalf("credentials: %+v", list)
	}
	res = peer.Send(http.MethodPost, path+"/supervision-sessions", map[string]any{"held_on": app.Today(), "minutes": 50, "mode": "phone", "topics": "A hard week"})
	var s struct {
		SupervisorID string `json:"supervisor_id"`
		Peer         bool   `json:"supervisor_peer_credential"`
	}
	res.JSON(t, &s)
	if res.Status != 201 || s.SupervisorID != itoa(tm.Supervisor.ID) || s.Peer {
		t.Fatalf("session: %d %s", res.Status, res.Body)
	}
	if res := peer.Send(http.MethodPost, path+"/supervision-sessions", map[string]any{"held_on": app.Today(), "minutes": 50, "mode": "fax"}); res.Status != 422 {
		t.Fatalf("bad session: %d", res.Status)
	}
	peer.Get(path+"/supervision-sessions").JSON(t, &list)
	if len(list.Items) != 1 {
		t.Fatalf("sessions: %+v", list)
	}
	// The OpenAPI document describes the routes with their real types.
	var doc map[string]any
	json.Unmarshal([]byte(app.Client(t).Get("/api/v1/openapi.json").Body), &doc)
	paths := doc["paths"].(map[string]any)
	for _, p := range []string{"/api/v1/workers/{id}/readiness", "/api/v1/workers/{id}/signoffs", "/api/v1/ethics/attestations"} {
		if paths[p] == nil {
			t.Errorf("OpenAPI lacks %s", p)
		}
	}
}
