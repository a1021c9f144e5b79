package browsertest

import (
	"strings"
	"testing"

	"peerpath/internal/auth"
	"peerpath/internal/demo"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// First day (issue 16): the journeys a newcomer takes, checked by axe with
// its best-practice rules (landmarks, unique region labels) as well as WCAG.

// TestDemoLoginHint: a newcomer runs the demo, reads which login to try on
// the sign-in page itself, signs in with it and, on a phone, opens a person
// the demo's peer worker supports: how to reach them comes first.
func TestDemoLoginHint(t *testing.T) {
	need(t)
	app, _ := testkit.NewDemoApp(t)
	tab := browser.NewTab(t, app.HTTP.URL)
	tab.BestPractice()
	tab.Phone()
	tab.Visit("/login")
	tab.MustSee("Try the demo", demo.Password, "pat.peer@riverbend.demo")
	tab.Fill("#f-email", "pat.peer@riverbend.demo")
	tab.Fill("#f-password", demo.Password)
	tab.Submit("main form button[type=submit]")
	tab.MustSee("Hello, Pat Lee", "People you support")
	if banner := tab.Text("header .demo-banner"); !strings.Contains(banner, "demo organisation") {
		t.Fatalf("the demo banner is not in the header: %q", banner)
	}
	tab.Visit("/people")
	tab.Submit("table.people tbody tr th a")
	tab.MustSee("How to reach", "Okay to contact by")
	tab.visible(`nav.page-menu[aria-label="On this page"]`)
	// On a phone, the way to reach the person is on the first screen.
	if top := tab.Eval(`String(Math.round(document.getElementById("h-reach").getBoundingClientRect().top))`); top == "" || len(top) > 3 {
		t.Fatalf("how to reach the person starts %spx down the page", top)
	}
	tab.Click(`nav.page-menu a[href="#h-goals"]`)
	tab.Visit("/development")
	tab.MustSee("things left before")
	tab.visible(`nav.page-menu[aria-label="On this page"]`)
}

// TestAdministratorSetupChecklist: a new organisation's administrator finds
// the setup checklist at home, follows "Invite your team", and sees the item
// ticked; the navigation stays short and Administration holds the rest.
func TestAdministratorSetupChecklist(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	admin := app.MakeUser(t, 0, "first@checklist.test", "Fran First", auth.RoleAdmin, "Checklist RLC")
	tab := browser.NewTab(t, app.HTTP.URL)
	tab.BestPractice()
	tab.SignIn(admin.Email)
	tab.MustSee("Set up your organisation", "4 steps are left", "Add your local crisis lines", "Invite your team")
	if n := tab.Eval(`String(document.querySelectorAll("nav[aria-label=Main] a").length)`); n > "7" || len(n) > 1 {
		t.Fatalf("the administrator has %s navigation links", n)
	}
	tab.Submit(`.setup-checklist a[href="/admin/users/new"]`)
	tab.Fill("#f-name", "Pia Peer")
	tab.Fill("#f-email", "pia@checklist.test")
	tab.Check("#role-peer")
	tab.Submit("main form button[type=submit]")
	tab.Visit("/")
	tab.MustSee("3 steps are left", "Done Invite your team")
	tab.Submit(`nav[aria-label=Main] a[href="/admin"]`)
	tab.MustSee("Across the organisation", "Team", "Cohorts", "Programmes")
	tab.Submit(`main a[href="/team"]`)
	tab.MustSee("Your team")
	tab.Visit("/cohorts")
	tab.Visit("/groups")
}

// TestSupervisorHandsOverDepartedWorker: a worker has left; their supervisor
// sees them marked on the team view, the People list and the person record,
// and hands their people over to someone still on the team.
func TestSupervisorHandsOverDepartedWorker(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Departures RLC")
	admin := testkit.Actor(tm.Admin)
	ana, err := app.CreatePerson(t.Context(), admin, store.PersonInput{PreferredName: "Ana Reyes", Phone: "413-555-0199", OkayToContact: []string{"text"}, WorkerIDs: []int64{tm.Peer.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.SetUserActive(t.Context(), admin, tm.Peer.ID, false); err != nil {
		t.Fatal(err)
	}
	tab := browser.NewTab(t, app.HTTP.URL)
	tab.BestPractice()
	tab.SignIn(tm.Supervisor.Email)
	tab.MustSee("Pat Peer No longer here", "Hand their people over")
	tab.Visit("/people/" + itoa(ana.ID))
	tab.MustSee("How to reach Ana Reyes", "Pat Peer No longer here")
	tab.Submit(`.reach a[href="/team#h-departed"]`)
	tab.MustSee("Workers who have left", "Pat Peer No longer here")
	// Nobody chosen: the message is beside the field.
	tab.Submit(`form[action="/team/hand-over"] button[type=submit]`)
	tab.MustSee("There is a problem", "Choose who takes them on.")
	tab.Select("#f-to", itoa(tm.OtherPeer.ID))
	tab.Submit(`form[action="/team/hand-over"] button[type=submit]`)
	tab.MustSee("1 person is now supported by their new worker")
	if strings.Contains(tab.Text("main"), "Workers who have left") {
		t.Fatal("the departed worker is still listed after the hand-over")
	}
	tab.Visit("/people/" + itoa(ana.ID))
	tab.MustSee("Olu Otherpeer")
}

// TestLandmarksOnDemoPages walks the demo's groups, cohorts and classroom
// games, with the pages that list and show them, under axe's best-practice
// rules: every part of a page inside a landmark, and no two regions with the
// same label (issue 16).
func TestLandmarksOnDemoPages(t *testing.T) {
	need(t)
	app, _ := testkit.NewDemoApp(t)
	tab := browser.NewTab(t, app.HTTP.URL)
	tab.BestPractice()
	signIn := func(email string) {
		tab.Visit("/login")
		tab.Fill("#f-email", email)
		tab.Fill("#f-password", demo.Password)
		tab.Submit("main form button[type=submit]")
	}
	first := func(sel string) string {
		href := tab.Eval(`(() => { const a = document.querySelector(` + "`" + sel + "`" + `); return a ? a.getAttribute("href") : ""; })()`)
		if href == "" {
			t.Fatalf("no %s at %s", sel, tab.Path())
		}
		return href
	}
	signIn("dana.admin@riverbend.demo")
	tab.Visit("/groups")
	group := first(`.group-list a[href^="/groups/"]`)
	tab.Visit(group)
	tab.Visit(group + "/sessions")
	tab.Visit("/cohorts")
	cohort := first(`main table a[href^="/cohorts/"]`)
	tab.Visit(cohort)
	tab.Visit("/cohorts/reports")
	tab.Visit("/team")
	tab.Visit("/admin")
	tab.SignOut()
	signIn("tess.trainer@riverbend.demo")
	tab.Visit("/learning")
	tab.Visit("/learning/games")
	if href := tab.Eval(`(() => { const a = document.querySelector("main table a[href^='/learning/games/']"); return a ? a.getAttribute("href") : ""; })()`); href != "" {
		tab.Visit(href)
	}
	tab.Visit("/learning/boards")
	tab.Visit("/learning/games/new")
}
