package web_test

import (
	"net/url"
	"sort"
	"testing"
	"time"

	"peerpath/internal/auth"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestEveryTemplateRenders walks one server through every page, so that each
// template is executed with real data at least once. A new template fails
// this test until a step here renders it.
func TestEveryTemplateRenders(t *testing.T) {
	app := testkit.NewApp(t)
	steps := journeySteps(t, app)
	for _, step := range steps {
		step()
	}
	done, all := app.Server.Rendered()
	sort.Strings(all)
	for _, name := range all {
		if !done[name] {
			t.Errorf("template %s was never rendered: add a step that shows it", name)
		}
	}
}

// journeySteps lists the steps; features add theirs with their templates.
func journeySteps(t *testing.T, app *testkit.App) []func() {
	token, _ := app.CreateSetupToken(t.Context())
	anon := app.Client(t)
	var admin *testkit.Client
	tm := testkit.Team{}
	steps := []func(){
		func() { anon.Get("/setup?token=" + token) },
		func() {
			anon.PostForm("/setup", url.Values{"token": {token}, "org": {"Journey RLC"}, "name": {"Ana Admin"}, "email": {"ana@journey.test"}, "password": {"a good long passphrase"}, "password_again": {"a good long passphrase"}})
			admin = anon
			u, _ := app.UserByEmail(t.Context(), "ana@journey.test")
			tm.Admin = u
			tm.Org, _ = app.Organisation(t.Context(), u.OrgID)
			tm.Peer = app.MakeUser(t, tm.Org.ID, "pat@journey.test", "Pat Peer", auth.RolePeer)
		},
		func() { app.Client(t).Get("/login") },
		func() { app.Client(t).Get("/no/such/page") },
		func() { admin.Get("/") },
		func() { admin.Get("/drafts") },
		func() { admin.Get("/settings") },
		func() { admin.Get("/settings/security") },
		func() { admin.PostForm("/settings/security/totp", nil) },
		func() { admin.Get("/settings/tokens") },
		func() { admin.Get("/admin") },
		func() { admin.Get("/reports/outcomes") },
		func() { admin.Get("/admin/users") },
		func() { admin.Get("/admin/users/new") },
		func() { admin.Get("/admin/users/" + itoa(tm.Peer.ID)) },
		func() { admin.PostForm("/admin/users/"+itoa(tm.Peer.ID)+"/reset-link", nil) },
		func() { admin.Get("/admin/organisation") },
		func() { admin.Get("/admin/audit") },
		func() { admin.Get("/framework") },
		func() { admin.Get("/framework/items/s2.prereq.peer-experience") },
		func() { admin.Get("/framework/compare?from=1&to=3&track=both") },
		func() { admin.Get("/admin/frameworks") },
		func() { admin.Get("/admin/import") },
		func() {
			res := importUpload(t, admin, app, "resources", "r.csv", "name,kind\nJourney Pantry,food\n")
			admin.Get(res.Location())
		},
		func() {
			link, _ := app.CreateAccountLink(t.Context(), testkit.Actor(tm.Admin), tm.Peer.ID, "reset")
			app.Client(t).Get("/account/password?token=" + link)
		},
		func() {
			c := app.SignIn(t, tm.Peer)
			secret, _ := enrolTOTP(t, app, c)
			c2 := app.Client(t)
			c2.PostForm("/login", url.Values{"email": {tm.Peer.Email}, "password": {testkit.Password}})
			c2.Get("/login/second-factor")
			app.Clock.Advance(time.Minute)
			code, _ := auth.TOTPCode(secret, app.Clock.Now())
			c2.PostForm("/login/second-factor", url.Values{"code": {code}})
		},
		func() { learningJourney(t, app, admin, tm) }, // learning_test.go
		func() { groupTemplateSteps(t, app) },         // groups (issue 7): groups_test.go
		// Cohorts and certificates (issue 8).
		func() { cohortTemplateSteps(t, app) },
		// People supported, contacts, goals, referrals (issue 6).
		func() {
			peer := app.SessionClient(t, tm.Peer)
			pa := testkit.Actor(tm.Peer)
			peer.Get("/people/new")
			peer.PostForm("/people/new", url.Values{"preferred_name": {"Journey Person"}, "check_in_every_days": {"7"}})
			people, _ := app.ListPeople(t.Context(), pa, store.PeopleFilter{}, store.Page{})
			pid := itoa(people.Items[0].ID)
			peer.Get("/people")
			peer.Get("/people/" + pid)
			peer.Get("/people/" + pid + "/edit")
			peer.Get("/people/" + pid + "/contacts/new")
			peer.PostForm("/people/"+pid+"/contacts/new", url.Values{"occurred_at": {"2026-11-23T08:30"}, "duration_minutes": {"20"},
				"kind": {"check_in"}, "mode": {"phone"}, "format": {"individual"}, "note": {"The client was non-compliant."}})
			peer.Get("/people/" + pid + "/contacts")
			peer.Get("/people/" + pid + "/consent")
			peer.Get("/people/" + pid + "/goals/new")
			peer.PostForm("/people/"+pid+"/goals/new", url.Values{"text": {"Get my own place"}, "life_area": {"home"}})
			goals, _ := app.ListGoals(t.Context(), pa, people.Items[0].ID, store.Page{})
			peer.Get("/goals/" + itoa(goals.Items[0].ID))
			peer.Get("/cycles/" + itoa(goals.Items[0].CycleID) + "/review")
			peer.Get("/people/" + pid + "/referrals/new")
			peer.PostForm("/people/"+pid+"/referrals/new", url.Values{"resource_name": {"Food pantry"}, "made_on": {"2026-11-23"}})
			refs, _ := app.ListReferrals(t.Context(), pa, people.Items[0].ID)
			peer.Get("/referrals/" + itoa(refs[0].ID))
			peer.Get("/resources")
			peer.Get("/resources/new")
		},
		func() { admin.Get("/resources/import") },
		func() { admin.Get("/team") },
		func() { admin.Get("/admin/wording") },
		func() { admin.Get("/admin/wording/new?from=client") },
		func() { planTemplateSteps(t, app) },   // plans (issue 7): plans_test.go
		func() { portalTemplateSteps(t, app) }, // the person's portal (issue 18): portal_test.go
		// Recovery picture (issue 13): recovery_test.go.
		func() { recoveryTemplateSteps(t, app) },
		// Part 2 consent and disclosures (issue 18): part2_test.go.
		func() { part2TemplateSteps(t, app) },
		func() { followUpTemplateSteps(t, app) }, // follow-up schedules (issue 17): follow_ups_test.go
		func() { // possible duplicates (issue 15, defect 5): duplicates_test.go
			if _, err := app.CreatePerson(t.Context(), testkit.Actor(tm.Peer), store.PersonInput{PreferredName: "JOURNEY PERSON"}); err != nil {
				t.Fatal(err)
			}
			admin.Get("/team/duplicates")
			flags, _ := app.DuplicateFlags(t.Context(), testkit.Actor(tm.Admin), store.Page{})
			admin.Get("/team/duplicates/" + itoa(flags.Items[0].ID))
		},
	}
	steps = append(steps, developmentSteps(t, app)...) // issue 5
	// The career framework's organisation rules (issue 12): framework_rules_test.go.
	steps = append(steps, frameworkRulesSteps(t, app)...)
	return steps
}
