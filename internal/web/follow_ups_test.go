package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"peerpath/internal/followup"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

const suprtGrant = "Recovery support (SUPRT grant)"

// followUpTeam puts people of both peer workers in a SUPRT programme (the
// test clock's day is 2026-11-23): Ana (Pat) has her 6-month point due, Ben
// (Pat) his overdue, Cara (Olu) hers due; Eve (Olu) did her 6-month on time.
func followUpTeam(t *testing.T, app *testkit.App, name string) (testkit.Team, int64, map[string]store.Person) {
	t.Helper()
	tm := app.NewTeam(t, name)
	people := map[string]store.Person{}
	add := func(u store.User, name, since string, taken ...string) {
		p, err := app.CreatePerson(t.Context(), testkit.Actor(u), store.PersonInput{PreferredName: name, Programmes: []string{suprtGrant}, SupportedSince: since})
		if err != nil {
			t.Fatal(err)
		}
		for _, on := range taken {
			if _, err := app.TakeAssessment(t.Context(), testkit.Actor(u), p.ID, store.AssessmentInput{TakenOn: on, Answers: ints(4, 4, 4, 4, 4, 4, 4, 4, 4, 4)}); err != nil {
				t.Fatal(err)
			}
		}
		people[name] = p
	}
	add(tm.Peer, "Ana", "2026-05-01", "2026-05-10")
	add(tm.Peer, "Ben", "2026-03-01")
	add(tm.OtherPeer, "Cara", "2026-05-01")
	add(tm.OtherPeer, "Eve", "2025-12-01", "2025-12-05", "2026-06-01")
	ps, err := app.FollowUpSchedules(t.Context(), testkit.Actor(tm.Admin))
	if err != nil || len(ps) != 1 {
		t.Fatalf("programmes %+v %v", ps, err)
	}
	if _, err := app.SetFollowUpSchedule(t.Context(), testkit.Actor(tm.Admin), ps[0].ID, followup.Schedule{Kind: followup.SUPRT}); err != nil {
		t.Fatal(err)
	}
	return tm, ps[0].ID, people
}

// followUpTemplateSteps renders the follow-up pages (TestEveryTemplateRenders).
func followUpTemplateSteps(t *testing.T, app *testkit.App) {
	tm, pid, _ := followUpTeam(t, app, "Follow-up pages")
	admin := app.SignIn(t, tm.Admin)
	for _, path := range []string{"/admin/follow-ups", "/admin/follow-ups/" + itoa(pid), "/follow-ups"} {
		if res := admin.Get(path); res.Status != http.StatusOK {
			t.Errorf("%s: %d", path, res.Status)
		}
	}
}

func TestFollowUpPages(t *testing.T) {
	app := testkit.NewApp(t)
	tm, pid, people := followUpTeam(t, app, "Follow pages")

	// The worker's home page: their own people's points, never Olu's.
	pat := app.SessionClient(t, tm.Peer)
	home := testkit.Text(pat.Get("/").Body)
	for _, want := range []string{"Assessment follow-ups", "Ana : 6-month reassessment", "Ben : 6-month reassessment", "Overdue"} {
		if !strings.Contains(home, want) {
			t.Errorf("Pat's home page lacks %q: %s", want, home)
		}
	}
	if strings.Contains(home, "Cara") || strings.Contains(home, "Eve :") {
		t.Error("Pat's home page names another worker's people")
	}

	// Ana's record shows her points.
	rec := testkit.Text(pat.Get("/people/" + itoa(people["Ana"].ID)).Body)
	for _, want := range []string{"Assessment follow-ups", "Baseline (Recovery support (SUPRT grant)) : 1 May 2026 to 31 May 2026 · Done on time 10 May 2026", "6-month reassessment (Recovery support (SUPRT grant)) : 2 Oct 2026 to 1 Dec 2026 · Due"} {
		if !strings.Contains(rec, want) {
			t.Errorf("Ana's record lacks %q: %s", want, rec)
		}
	}

	// The supervisor's list: both workers' people, and the team's figure.
	// Windows closed in the last year: Ben's 6-month (not done) and Eve's
	// 6-month (on time): 50 %.
	sup := app.SessionClient(t, tm.Supervisor)
	list := testkit.Text(sup.Get("/follow-ups").Body)
	for _, want := range []string{"Ana", "Cara", "Completed on time: 50 % — target 80 % (SAMHSA SUPRT)", "2 due, 1 on time, 0 late, 1 still to do, 0 missed"} {
		if !strings.Contains(list, want) {
			t.Errorf("the supervisor's list lacks %q: %s", want, list)
		}
	}
	if over := testkit.Text(sup.Get("/follow-ups?status=overdue").Body); !strings.Contains(over, "Ben") || strings.Contains(over, "Ana") {
		t.Errorf("overdue: %s", over)
	}
	// Pat's list and figure are their own.
	mine := testkit.Text(pat.Get("/follow-ups").Body)
	if !strings.Contains(mine, "Ana") || strings.Contains(mine, "Cara") || !strings.Contains(mine, "Completed on time: 0 % — target 80 % (SAMHSA SUPRT)") {
		t.Errorf("Pat's list: %s", mine)
	}

	// One audit entry for the page, naming the people listed.
	before, _ := app.ListAudit(t.Context(), tm.Org.ID, store.AuditFilter{UserID: tm.Supervisor.ID}, store.Page{Limit: 200})
	sup.Get("/follow-ups")
	after, _ := app.ListAudit(t.Context(), tm.Org.ID, store.AuditFilter{UserID: tm.Supervisor.ID}, store.Page{Limit: 200})
	if len(after.Items)-len(before.Items) != 1 || !strings.HasPrefix(after.Items[0].Detail, "assessment follow-ups due: ") {
		t.Errorf("audit after the list: %d new, newest %+v", len(after.Items)-len(before.Items), after.Items[0])
	}

	// The administrator sets a custom schedule; a bad one comes back with the
	// message beside the field and the typed values kept.
	admin := app.SessionClient(t, tm.Admin)
	path := "/admin/follow-ups/" + itoa(pid)
	res := admin.PostForm(path, url.Values{"kind": {"custom"}, "baseline_days": {"14"}, "every_months": {"3"}, "window_days": {"60"}, "target_percent": {"75"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "The window is wider than the time between reassessments") || !strings.Contains(res.Body, `value="75"`) {
		t.Fatalf("bad schedule: %d %s", res.Status, testkit.Text(res.Body))
	}
	res = admin.PostForm(path, url.Values{"kind": {"custom"}, "baseline_days": {"14"}, "every_months": {"3"}, "window_days": {"14"}, "target_percent": {"75"}, "at_discharge": {"on"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("saving: %d %s", res.Status, testkit.Text(res.Body))
	}
	if page := testkit.Text(admin.Get("/admin/follow-ups").Body); !strings.Contains(page, "Your organisation's setting: a baseline within 14 days") || !strings.Contains(page, "target 75 % (your organisation's setting)") {
		t.Errorf("the schedules page: %s", page)
	}
	if res := app.SessionClient(t, tm.Supervisor).PostForm(path, url.Values{"kind": {"suprt"}}); res.Status != http.StatusForbidden {
		t.Errorf("a supervisor posting a schedule: %d", res.Status)
	}
}

func TestFollowUpAPI(t *testing.T) {
	app := testkit.NewApp(t)
	tm, pid, people := followUpTeam(t, app, "Follow API")
	other := app.NewTeam(t, "Another org")
	sched := "/api/v1/programmes/" + itoa(pid) + "/follow-up-schedule"

	pat := app.APIClient(t, tm.Peer)
	res := pat.Get("/api/v1/programmes")
	var ps struct {
		Items []struct {
			ID, Name, Owner string
			People          int
		}
	}
	if err := json.Unmarshal([]byte(res.Body), &ps); err != nil || res.Status != http.StatusOK || len(ps.Items) != 1 || ps.Items[0].Owner != "SAMHSA SUPRT" || ps.Items[0].People != 4 {
		t.Fatalf("programmes: %d %s", res.Status, res.Body)
	}
	if res := pat.Get(sched); res.Status != http.StatusOK || !strings.Contains(res.Body, `"kind":"suprt"`) || !strings.Contains(res.Body, `"target_percent":80`) {
		t.Errorf("schedule: %d %s", res.Status, res.Body)
	}
	if res := app.APIClient(t, other.Admin).Get(sched); res.Status != http.StatusNotFound {
		t.Errorf("another organisation's administrator: %d", res.Status)
	}

	// Due and overdue: Pat's people only.
	var list struct {
		Items []struct {
			PersonID   string `json:"person_id"`
			PersonName string `json:"person_name"`
			Label      string `json:"label"`
			Status     string `json:"status"`
			ClosesOn   string `json:"closes_on"`
		} `json:"items"`
		NextCursor string `json:"next_cursor"`
	}
	res = pat.Get("/api/v1/follow-ups?status=due")
	if err := json.Unmarshal([]byte(res.Body), &list); err != nil || len(list.Items) != 1 || list.Items[0].PersonName != "Ana" || list.Items[0].Status != "due" || list.Items[0].ClosesOn != "2026-12-01" {
		t.Fatalf("due: %d %s", res.Status, res.Body)
	}
	res = pat.Get("/api/v1/follow-ups?status=overdue")
	if err := json.Unmarshal([]byte(res.Body), &list); err != nil || len(list.Items) != 1 || list.Items[0].PersonID != itoa(people["Ben"].ID) || list.Items[0].Status != "overdue" {
		t.Fatalf("overdue: %d %s", res.Status, res.Body)
	}
	// The supervisor's, a page at a time.
	sup := app.APIClient(t, tm.Supervisor)
	res = sup.Get("/api/v1/follow-ups?limit=1")
	if err := json.Unmarshal([]byte(res.Body), &list); err != nil || len(list.Items) != 1 || list.NextCursor == "" {
		t.Fatalf("first page: %s", res.Body)
	}
	first := list.Items[0].PersonName
	res = sup.Get("/api/v1/follow-ups?limit=1&cursor=" + url.QueryEscape(list.NextCursor))
	if err := json.Unmarshal([]byte(res.Body), &list); err != nil || len(list.Items) != 1 || list.Items[0].PersonName == first {
		t.Fatalf("second page: %s", res.Body)
	}
	if res := app.APIClient(t, other.Peer).Get("/api/v1/follow-ups"); res.Status != http.StatusOK || strings.Contains(res.Body, "Ana") {
		t.Errorf("another organisation's worker: %d %s", res.Status, res.Body)
	}
	if res := pat.Get("/api/v1/follow-ups?status=late"); res.Status != http.StatusUnprocessableEntity && res.Status != http.StatusBadRequest {
		t.Errorf("an unknown status: %d", res.Status)
	}

	// Setting a schedule: administrators only; a custom one is checked.
	body := map[string]any{"kind": "custom", "baseline_days": 30, "every_months": 3, "window_days": 14, "annual": true, "at_discharge": true, "target_percent": 85}
	if res := pat.Send(http.MethodPut, sched, body); res.Status != http.StatusForbidden {
		t.Errorf("a worker setting a schedule: %d", res.Status)
	}
	if res := app.APIClient(t, other.Admin).Send(http.MethodPut, sched, body); res.Status != http.StatusNotFound {
		t.Errorf("another organisation's administrator setting it: %d", res.Status)
	}
	admin := app.APIClient(t, tm.Admin)
	res = admin.Send(http.MethodPut, sched, body)
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `"owner":"Your organisation's setting"`) || !strings.Contains(res.Body, `"target_percent":85`) {
		t.Fatalf("custom: %d %s", res.Status, res.Body)
	}
	bad := map[string]any{"kind": "custom", "every_months": 3, "window_days": 60}
	if res := admin.Send(http.MethodPut, sched, bad); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "window_days") {
		t.Errorf("a window too wide: %d %s", res.Status, res.Body)
	}
	// SUPRT's figures are SAMHSA's whatever else is sent.
	res = admin.Send(http.MethodPut, sched, map[string]any{"kind": "suprt", "baseline_days": 5, "every_months": 0, "window_days": 0, "annual": false, "at_discharge": false, "target_percent": 50})
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `"baseline_days":30`) || !strings.Contains(res.Body, `"target_percent":80`) {
		t.Errorf("SUPRT: %d %s", res.Status, res.Body)
	}
	if res := admin.Send(http.MethodPut, sched, map[string]any{"kind": "none", "baseline_days": 0, "every_months": 0, "window_days": 0, "annual": false, "at_discharge": false, "target_percent": 0}); res.Status != http.StatusOK || !strings.Contains(res.Body, `"kind":"none"`) {
		t.Errorf("none: %d %s", res.Status, res.Body)
	}
	if res := pat.Get("/api/v1/follow-ups"); !strings.Contains(res.Body, `"items":[]`) {
		t.Errorf("without a schedule nothing is due: %s", res.Body)
	}
}
