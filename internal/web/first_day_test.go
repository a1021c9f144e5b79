package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"peerpath/internal/auth"
	"peerpath/internal/demo"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// navLinks returns the main navigation's link labels on a page.
func navLinks(t *testing.T, page string) []string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<nav aria-label="Main".*?</nav>`).FindString(page)
	if m == "" {
		t.Fatalf("no main navigation in:\n%s", page)
	}
	var out []string
	for _, l := range regexp.MustCompile(`<a href="[^"]*"[^>]*>([^<]*)</a>`).FindAllStringSubmatch(m, -1) {
		out = append(out, l[1])
	}
	return out
}

// Each role's navigation shows what it works on; an administrator's stays
// short, their organisation-wide views behind Administration (issue 16).
func TestNavigationFollowsTheRole(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Nav RLC")
	for _, tc := range []struct {
		name    string
		user    store.User
		want    []string
		notWant []string
	}{
		{"peer worker", tm.Peer, []string{"People", "Groups", "My development", "Learning"}, []string{"Team", "Cohorts", "Administration"}},
		{"supervisor", tm.Supervisor, []string{"People", "Team", "Learning"}, []string{"My development", "Cohorts", "Administration"}},
		{"trainer", tm.Trainer, []string{"Cohorts", "Learning"}, []string{"People", "Team", "My development", "Administration"}},
		{"administrator", tm.Admin, []string{"People", "Administration"}, []string{"Team", "Cohorts", "My development"}},
	} {
		links := navLinks(t, app.SessionClient(t, tc.user).Get("/").Body)
		for _, w := range tc.want {
			if !slicesContains(links, w) {
				t.Errorf("%s: no %q in %v", tc.name, w, links)
			}
		}
		for _, w := range tc.notWant {
			if slicesContains(links, w) {
				t.Errorf("%s: %q in %v", tc.name, w, links)
			}
		}
		if tc.user.ID == tm.Admin.ID && len(links) > 7 {
			t.Errorf("the administrator has %d navigation links: %v", len(links), links)
		}
	}
	// An administrator who also supervises gets the team view back.
	both := app.MakeUserWith(t, store.NewUser{OrgID: tm.Org.ID, Email: "bo@nav.test", Name: "Bo Both", Roles: []auth.Role{auth.RoleSupervisor, auth.RoleAdmin}})
	if links := navLinks(t, app.SessionClient(t, both).Get("/").Body); !slicesContains(links, "Team") {
		t.Errorf("an administrator who supervises: %v", links)
	}
	// The administration page reaches what the navigation left out.
	page := app.SessionClient(t, tm.Admin).Get("/admin").Body
	for _, href := range []string{`href="/team"`, `href="/cohorts"`, `href="/programmes"`} {
		if !strings.Contains(page, href) {
			t.Errorf("the administration page has no %s", href)
		}
	}
}

func slicesContains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// Development and ethics are for the roles the framework charts: a peer
// worker's home shows them in plain words, an administrator's or trainer's
// does not (issue 16).
func TestHomeFollowsTheRole(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Home RLC")
	peer := testkit.Text(app.SessionClient(t, tm.Peer).Get("/").Body)
	for _, want := range []string{"Your development", "Codes of ethics", "things left before"} {
		if !strings.Contains(peer, want) {
			t.Errorf("the peer worker's home does not say %q:\n%s", want, peer)
		}
	}
	if regexp.MustCompile(`requirements? to go|\b[a-z0-9]+\.(comp|prereq|train)\.[a-z-]+`).MatchString(peer) {
		t.Errorf("the peer worker's home shows chart jargon:\n%s", peer)
	}
	for name, u := range map[string]store.User{"administrator": tm.Admin, "trainer": tm.Trainer, "supervisor": tm.Supervisor} {
		page := testkit.Text(app.SessionClient(t, u).Get("/").Body)
		for _, not := range []string{"Your development", "Codes of ethics", "sign the current version"} {
			if strings.Contains(page, not) {
				t.Errorf("the %s's home says %q", name, not)
			}
		}
	}
	for _, path := range []string{"/development", "/ethics"} {
		if page := testkit.Text(app.SessionClient(t, tm.Admin).Get(path).Body); !strings.Contains(page, "You hold no peer worker role") {
			t.Errorf("%s does not tell an administrator it asks nothing of them:\n%s", path, page)
		}
		if page := testkit.Text(app.SessionClient(t, tm.Peer).Get(path).Body); strings.Contains(page, "You hold no peer worker role") {
			t.Errorf("%s tells a peer worker it asks nothing of them", path)
		}
	}
	if page := testkit.Text(app.SessionClient(t, tm.Supervisor).Get("/").Body); !strings.Contains(page, "Your team") {
		t.Errorf("the supervisor's home has no team:\n%s", page)
	}
	if page := testkit.Text(app.SessionClient(t, tm.Trainer).Get("/").Body); !strings.Contains(page, "Your cohorts") {
		t.Errorf("the trainer's home has no cohorts:\n%s", page)
	}
}

// A new organisation's administrator sees a setup checklist whose items tick
// themselves as the data appears, until it goes away (issue 16).
func TestSetupChecklistOnTheAdministratorsHome(t *testing.T) {
	app := testkit.NewApp(t)
	admin := app.MakeUser(t, 0, "first@checklist.test", "Fran First", auth.RoleAdmin, "Checklist RLC")
	c := app.SessionClient(t, admin)
	page := testkit.Text(c.Get("/").Body)
	for _, want := range []string{"Set up your organisation", "4 steps are left", "Add your local crisis lines", "Set up your programmes", "Start a group", "Invite your team"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the new administrator's home does not say %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "Done") {
		t.Fatalf("an item is done in a new organisation:\n%s", page)
	}
	// Inviting someone ticks one item.
	res := c.PostForm("/admin/users/new", url.Values{"email": {"pia@checklist.test"}, "name": {"Pia Peer"}, "roles": {"peer"}})
	if res.Status != http.StatusSeeOther && res.Status != http.StatusOK {
		t.Fatalf("inviting: %d\n%s", res.Status, res.Body)
	}
	if page = testkit.Text(c.Get("/").Body); !strings.Contains(page, "3 steps are left") || !strings.Contains(page, "Done Invite your team") {
		t.Fatalf("after an invitation:\n%s", page)
	}
	// Nobody else sees it.
	peer := app.MakeUser(t, admin.OrgID, "pat@checklist.test", "Pat Peer", auth.RolePeer)
	if page := testkit.Text(app.SessionClient(t, peer).Get("/").Body); strings.Contains(page, "Set up your organisation") {
		t.Fatalf("a peer worker sees the checklist")
	}
	// Everything set up: the checklist goes away.
	a := testkit.Actor(admin)
	settings, err := app.PlanSettings(t.Context(), admin.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	settings.CrisisLines = append(settings.CrisisLines, store.PlanContact{Name: "Riverside crisis team", Phone: "413-555-0100"})
	if _, err := app.UpdatePlanSettings(t.Context(), a, settings); err != nil {
		t.Fatal(err)
	}
	if res := c.PostForm("/programmes/new", url.Values{"name": {"Wellness workshops"}, "session_kinds": {"class"}, "attendance_percent": {"80"}, "rule_confirmed": {"1"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("defining a programme: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	if _, err := app.CreateGroup(t.Context(), a, store.GroupInput{Name: "Thursday Hearing Voices", Kind: "hearing_voices", Meets: "in_person", Place: "Community room",
		Schedule: "Thursdays", Weekday: 4, StartTime: "18:00", DurationMinutes: 90, FacilitatorIDs: []int64{peer.ID}}); err != nil {
		t.Fatal(err)
	}
	if page := testkit.Text(c.Get("/").Body); strings.Contains(page, "Set up your organisation") {
		t.Fatalf("the checklist stays once everything is set up:\n%s", page)
	}
}

// The sign-in page lists the demo logins only when peerpath serves the demo
// (issue 16).
func TestDemoLoginsOnTheSignInPageOnlyInTheDemo(t *testing.T) {
	plain := testkit.NewApp(t)
	if page := testkit.Text(plain.Client(t).Get("/login").Body); strings.Contains(page, "Try the demo") || strings.Contains(page, demo.Password) {
		t.Fatalf("a real peerpath shows a demo hint:\n%s", page)
	}
	app, d := testkit.NewDemoApp(t)
	page := testkit.Text(app.Client(t).Get("/login").Body)
	for _, want := range []string{"Try the demo", demo.Password, "pat.peer@riverbend.demo", "sam.supervisor@riverbend.demo", "dana.admin@riverbend.demo"} {
		if !strings.Contains(page, want) {
			t.Errorf("the demo sign-in page does not say %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, d.Users["departed"].Email) {
		t.Errorf("the sign-in page offers the departed worker's login")
	}
	// The hint's login works.
	res := app.Client(t).PostForm("/login", url.Values{"email": {"pat.peer@riverbend.demo"}, "password": {demo.Password}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("signing in with the hint: %d", res.Status)
	}
}

// A departed worker is marked wherever they are named, and their supervisor
// hands their people over from the team view (issue 16).
func TestDepartedWorkerHandedOverByTheirSupervisor(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Departed RLC")
	admin := testkit.Actor(tm.Admin)
	ana, err := app.CreatePerson(t.Context(), admin, store.PersonInput{PreferredName: "Ana Reyes", Phone: "413-555-0199", OkayToContact: []string{"text"}, WorkerIDs: []int64{tm.Peer.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.SetUserActive(t.Context(), admin, tm.Peer.ID, false); err != nil {
		t.Fatal(err)
	}
	sup := app.SessionClient(t, tm.Supervisor)
	if home := testkit.Text(sup.Get("/").Body); !strings.Contains(home, "Pat Peer No longer here · 1 person Hand their people over") {
		t.Errorf("the supervisor's home does not ask for the hand-over:\n%s", home)
	}
	if home := testkit.Text(app.SessionClient(t, tm.OtherPeer).Get("/").Body); strings.Contains(home, "Hand their people over") {
		t.Errorf("a peer worker is asked to hand over")
	}
	team := testkit.Text(sup.Get("/team").Body)
	for _, want := range []string{"Workers who have left", "Pat Peer No longer here", "1 person (active or on hold) to hand over", "Ana Reyes"} {
		if !strings.Contains(team, want) {
			t.Fatalf("the team view does not say %q:\n%s", want, team)
		}
	}
	people := testkit.Text(sup.Get("/people").Body)
	if !strings.Contains(people, "Pat Peer No longer here") {
		t.Errorf("the People list does not mark Pat as gone:\n%s", people)
	}
	record := sup.Get("/people/" + itoa(ana.ID)).Body
	text := testkit.Text(record)
	if !strings.Contains(text, "Pat Peer No longer here Hand over Pat Peer's people") {
		t.Errorf("the person record does not offer the hand-over:\n%s", text)
	}
	// How to reach the person comes before everything else on the record.
	reach, checkIns := strings.Index(record, `id="h-reach"`), strings.Index(record, `id="h-checkin"`)
	if reach < 0 || checkIns < 0 || reach > checkIns || !strings.Contains(text, "Okay to contact by Text message Phone 413-555-0199") {
		t.Errorf("how to reach Ana is not first:\n%s", text)
	}
	if !strings.Contains(record, `<nav aria-label="On this page"`) {
		t.Errorf("the person record has no in-page menu")
	}

	// Nobody chosen: 422 with the message beside the field.
	res := sup.PostForm("/team/hand-over", url.Values{"from": {itoa(tm.Peer.ID)}, "to": {""}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="f-to-error"`) {
		t.Fatalf("handing over to nobody: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	// A peer worker may not; another organisation's supervisor finds nothing.
	if res := app.SessionClient(t, tm.OtherPeer).PostForm("/team/hand-over", url.Values{"from": {itoa(tm.Peer.ID)}, "to": {itoa(tm.OtherPeer.ID)}}); res.Status != http.StatusForbidden {
		t.Errorf("a peer worker handing over: %d", res.Status)
	}
	other := app.NewTeam(t, "Departed elsewhere")
	if res := app.SessionClient(t, other.Supervisor).PostForm("/team/hand-over", url.Values{"from": {itoa(tm.Peer.ID)}, "to": {itoa(other.Peer.ID)}}); res.Status != http.StatusNotFound {
		t.Errorf("another organisation's supervisor: %d", res.Status)
	}
	res = sup.PostForm("/team/hand-over", url.Values{"from": {itoa(tm.Peer.ID)}, "to": {itoa(tm.OtherPeer.ID)}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("handing over: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	if page := testkit.Text(sup.Follow(res).Body); !strings.Contains(page, "1 person is now supported by their new worker") || strings.Contains(page, "Workers who have left") {
		t.Fatalf("after the hand-over:\n%s", page)
	}
	p, err := app.Person(t.Context(), admin, ana.ID)
	if err != nil || len(p.Workers) != 1 || p.Workers[0].ID != tm.OtherPeer.ID {
		t.Fatalf("Ana's workers: %+v %v", p.Workers, err)
	}
	// The API answers a supervisor too.
	if err := app.SetUserActive(t.Context(), admin, tm.OtherPeer.ID, false); err != nil {
		t.Fatal(err)
	}
	api := app.APIClient(t, tm.Supervisor)
	if res := api.Send("POST", "/api/v1/workers/"+itoa(tm.OtherPeer.ID)+"/hand-over", map[string]string{"to": itoa(tm.Supervisor.ID)}); res.Status != http.StatusOK || !strings.Contains(res.Body, `"moved":1`) {
		t.Fatalf("the API hand-over by a supervisor: %d %s", res.Status, res.Body)
	}
}
