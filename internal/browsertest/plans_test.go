package browsertest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestWriteASafetyPlanWithAPerson is issue 7's journey, on a desktop and on
// a phone: a peer worker opens a person, writes their safety plan with them
// (a phone that is not one is refused beside its row and everything typed
// is kept), saves, changes it again (version 2, with a row added without
// JavaScript), reads the versions page, and prints the one-page plan. axe
// checks every page.
func TestWriteASafetyPlanWithAPerson(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Plan RLC")
	tab := browser.NewTab(t, app.HTTP.URL)
	signIn(tab, tm.Peer)
	for _, phone := range []bool{false, true} {
		name := "José Ñúñez"
		if phone {
			name = "Анна Петрова"
			tab.Phone()
		}
		p, err := app.CreatePerson(t.Context(), testkit.Actor(tm.Peer), store.PersonInput{PreferredName: name})
		if err != nil {
			t.Fatal(err)
		}
		base := "/people/" + itoa(p.ID) + "/safety-plan"

		tab.Visit("/people")
		tab.MustSee(name, "No safety plan")
		tab.Visit("/people/" + itoa(p.ID))
		tab.MustSee("Plans", "Safety plan", "Not written yet")
		tab.Submit("#plans a[href='" + base + "']")
		tab.MustSee("Safety plan", "Not written yet", "No safety plan yet")
		tab.Submit("main .actions a.button")
		tab.MustSee("Safety plan with "+name, "Warning signs and triggers", "Professionals and crisis lines")
		if v := tab.Eval(`document.querySelector("[name='professionals_and_crisis_lines.0.phone']").value`); v != "988" {
			t.Fatalf("the crisis line is not filled in: %q", v)
		}

		// Written with the person; a phone that is not one.
		typeInto(tab, "#f-warning_signs", "Not sleeping\nSkipping meals")
		typeInto(tab, "#f-what_matters", "Mi hija")
		tab.Fill("[name='people_to_ask.0.name']", "Ana (sister)")
		tab.Fill("[name='people_to_ask.0.phone']", "call me")
		tab.Submit("main form.plan-form .actions button[type=submit]")
		tab.MustSee("There is a problem", "Enter a phone number such as 617-555-0142")
		if !strings.Contains(tab.Text("main form.plan-form"), "Enter a phone number") {
			t.Fatal("the message is not beside the field")
		}
		for sel, want := range map[string]string{"#f-warning_signs": "Not sleeping\nSkipping meals", "[name='people_to_ask.0.phone']": "call me",
			"[name='people_to_ask.0.name']": "Ana (sister)", "#f-what_matters": "Mi hija"} {
			if v := tab.Eval(fmt.Sprintf(`document.querySelector(%q).value`, sel)); v != want {
				t.Fatalf("%s was not kept: %q", sel, v)
			}
		}
		tab.Fill("[name='people_to_ask.0.phone']", "617-555-0101")
		tab.Submit("main form.plan-form .actions button[type=submit]")
		tab.MustSee("Version 1 of the safety plan is saved.", "Ana (sister) — 617-555-0101", "Not sleeping", "Mi hija")

		// Again, a little later: a second person to ask, in a row added
		// with the form's own button (no JavaScript needed).
		tab.Submit("main .actions a.button")
		tab.MustSee("Save as version 2")
		before := tab.Eval(`String(document.querySelectorAll("#f-people_to_ask .contact-row").length)`)
		tab.Submit("button[name=more][value=people_to_ask]")
		after := tab.Eval(`String(document.querySelectorAll("#f-people_to_ask .contact-row").length)`)
		if after <= before {
			t.Fatalf("Add more rows: %s rows, then %s", before, after)
		}
		tab.Fill("[name='people_to_ask.1.name']", "Ελένη, my neighbour")
		tab.Fill("[name='people_to_ask.1.phone']", "617-555-0102 ext. 4")
		typeInto(tab, "#f-coping_on_my_own", "Walk by the river")
		tab.Submit("main form.plan-form .actions button[type=submit]")
		tab.MustSee("Version 2 of the safety plan is saved.", "Ελένη, my neighbour — 617-555-0102 ext. 4", "Walk by the river")

		// The versions page: who changed what, and when.
		tab.Submit("main .actions a[href='" + base + "/versions']")
		tab.MustSee("Version 2", "Version 1", "Pat Peer", "Added", "Ελένη, my neighbour — 617-555-0102 ext. 4", "Things I can do on my own")
		tab.Submit("a[href='" + base + "/versions/1']")
		tab.MustSee("version 1", "Skipping meals", "The latest is version 2")

		// Print: the link gives a PDF.
		tab.Visit(base)
		href := tab.Eval(`document.querySelector(".print-links a").getAttribute("href")`)
		if href != base+".pdf" {
			t.Fatalf("the print link: %q", href)
		}
		got := eval[string](tab, fmt.Sprintf(`fetch(%q).then(async r => {
			const b = new Uint8Array(await r.arrayBuffer());
			return r.status + " " + r.headers.get("content-type") + " " + r.headers.get("cache-control") + " " + String.fromCharCode(...b.slice(0, 5));
		})`, href), chromedp.EvalAwaitPromise)
		if got != "200 application/pdf no-store %PDF-" {
			t.Fatalf("printing: %q", got)
		}
		card := eval[string](tab, fmt.Sprintf(`fetch(%q).then(r => r.status + " " + r.headers.get("content-type"))`, base+"/pocket-card.pdf"), chromedp.EvalAwaitPromise)
		if card != "200 application/pdf" {
			t.Fatalf("the pocket card: %q", card)
		}
		// The flag is gone from the caseload.
		tab.Visit("/people")
		if strings.Contains(tab.Text("#person-"+itoa(p.ID)), "safety plan") {
			t.Fatalf("still flagged: %s", tab.Text("#person-"+itoa(p.ID)))
		}
	}
	vs, _ := app.PlanVersions(t.Context(), testkit.Actor(tm.Peer), store.SafetyPlan, 2, store.Page{})
	if len(vs.Items) != 2 || vs.Items[0].Section("people_to_ask").Contacts[1].Phone != "617-555-0102 ext. 4" {
		t.Fatalf("saved on the phone: %+v", vs.Items)
	}
}

// TestPlanPagesAreAccessible visits the wellness plan and crisis
// preferences, their forms with errors, the team view with its counts and
// the administrator's plan settings, on a desktop and on a phone.
func TestPlanPagesAreAccessible(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Plan pages RLC")
	a := testkit.Actor(tm.Peer)
	p, _ := app.CreatePerson(t.Context(), a, store.PersonInput{PreferredName: "Maria Santos"})
	app.CreatePerson(t.Context(), a, store.PersonInput{PreferredName: "Dev Patel"})
	if _, err := app.SavePlan(t.Context(), a, store.CrisisPreferences, p.ID, store.PlanInput{Texts: map[string]string{"health_care_proxy": "Ana Santos"},
		Contacts: map[string][]store.PlanContact{"who_to_contact": {{Name: "Ana", Phone: "617-555-0144"}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := app.SavePlan(t.Context(), a, store.WellnessPlan, p.ID, store.PlanInput{Items: map[string][]string{"staying_well": {"Walk in the park"}}}); err != nil {
		t.Fatal(err)
	}
	tab := browser.NewTab(t, app.HTTP.URL)
	signIn(tab, tm.Supervisor)
	for _, phone := range []bool{false, true} {
		if phone {
			tab.Phone()
		}
		for _, path := range []string{"/", "/team", "/team?worker=" + itoa(tm.Peer.ID) + "&plans=due", "/people?plans=due",
			"/people/" + itoa(p.ID) + "/wellness-plan", "/people/" + itoa(p.ID) + "/wellness-plan/versions", "/people/" + itoa(p.ID) + "/wellness-plan/edit",
			"/people/" + itoa(p.ID) + "/crisis-preferences", "/people/" + itoa(p.ID) + "/crisis-preferences/versions/1", "/people/" + itoa(p.ID) + "/crisis-preferences/edit"} {
			tab.Visit(path)
		}
	}
	tab.Visit("/people/" + itoa(p.ID) + "/crisis-preferences")
	tab.MustSee("no law that makes a psychiatric advance directive binding", "health care proxy", "Ana Santos")
	tab.Visit("/people/" + itoa(p.ID) + "/crisis-preferences/edit")
	tab.Fill("[name='who_to_contact.0.phone']", "ask Ana")
	tab.Submit("main form.plan-form .actions button[type=submit]")
	tab.MustSee("There is a problem")
	tab.SignOut()

	signIn(tab, tm.Admin)
	tab.Visit("/admin/plans")
	tab.Fill("#f-plan_review_days", "3")
	tab.Submit("main form .actions button[type=submit]")
	tab.MustSee("There is a problem", "from 7 to 730")
}
