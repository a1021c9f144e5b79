package browsertest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestRecordAContactOnAPhone is a peer worker's most frequent journey: on a
// phone, open People you support, see someone overdue, record a contact in
// a few taps (the wording helper points out "non-compliant" as they type),
// and see the check-in no longer overdue.
func TestRecordAContactOnAPhone(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Phone RLC")
	a := testkit.Actor(tm.Peer)
	overdue, err := app.CreatePerson(t.Context(), a, store.PersonInput{PreferredName: "Maria Santos", Pronouns: "she/her"})
	if err != nil {
		t.Fatal(err)
	}
	app.Clock.Advance(9 * 24 * time.Hour)
	if _, err := app.CreatePerson(t.Context(), a, store.PersonInput{PreferredName: "Dev Patel"}); err != nil {
		t.Fatal(err)
	}
	if _, err := app.CreateReferral(t.Context(), a, store.ReferralInput{PersonID: overdue.ID, ResourceName: "Housing search clinic", MadeOn: "2026-11-23"}); err != nil {
		t.Fatal(err)
	}

	tab := browser.NewTab(t, app.HTTP.URL)
	tab.Phone()
	tab.Visit("/login")
	tab.Fill("#f-email", tm.Peer.Email)
	tab.Fill("#f-password", testkit.Password)
	tab.Submit("main form button[type=submit]")

	tab.Visit("/people")
	tab.MustSee("People you support", "Maria Santos", "Overdue", "Referral follow-ups due")
	row := "#person-" + itoa(overdue.ID)
	if !strings.Contains(tab.Text(row), "Overdue") {
		t.Fatalf("Maria's row does not say overdue: %s", tab.Text(row))
	}
	// The first row is the overdue one.
	if first := tab.Text("table.people tbody tr"); !strings.Contains(first, "Maria Santos") {
		t.Fatalf("the overdue person is not first: %s", first)
	}

	// One tap to the form, which has sensible defaults: only the note to type.
	tab.Submit(row + " .row-action a")
	tab.MustSee("Record a contact with Maria Santos", "What kind of contact?")
	if v := tab.Eval(`document.querySelector("input[name=kind]:checked").value`); v != "check_in" {
		t.Fatalf("default kind %q", v)
	}
	tab.Check("#f-mode-phone")
	typeInto(tab, "#f-note", "She said staff called her non-compliant and that it hurt.")
	tab.WaitText("#f-note-hints", "non-compliant")
	tab.MustSee("Wording suggestions")
	tab.Axe() // the page with its hints showing
	tab.Submit("main form.contact-form button[type=submit]:not([name])")

	// Back on the list: saved, and Maria is no longer overdue.
	tab.MustSee("The contact is saved.")
	if !strings.HasPrefix(tab.Path(), "/people") {
		t.Fatalf("after saving: %s", tab.Path())
	}
	if text := tab.Text(row); strings.Contains(text, "Overdue") || !strings.Contains(text, "Maria Santos") {
		t.Fatalf("Maria's row after the contact: %s", text)
	}
	cs, _ := app.ListContacts(t.Context(), a, overdue.ID, store.Page{})
	if len(cs.Items) != 1 || cs.Items[0].Mode != "phone" || !strings.Contains(cs.Items[0].Note, "non-compliant") {
		t.Fatalf("saved: %+v", cs.Items)
	}

	// The person's record and the other pages of the day are accessible on a phone too.
	tab.Visit("/people/" + itoa(overdue.ID))
	tab.MustSee("Maria Santos", "Check-ins", "No consent to peer support is recorded")
	for _, p := range []string{"/people/new", "/people/" + itoa(overdue.ID) + "/edit", "/people/" + itoa(overdue.ID) + "/contacts",
		"/people/" + itoa(overdue.ID) + "/goals/new", "/people/" + itoa(overdue.ID) + "/referrals/new", "/people/" + itoa(overdue.ID) + "/consent",
		"/resources", "/resources/new", "/"} {
		tab.Visit(p)
	}
	// A form that fails keeps the note and is accessible with its errors.
	tab.Visit("/people/" + itoa(overdue.ID) + "/contacts/new")
	tab.Fill("#f-duration_minutes", "-5")
	typeInto(tab, "#f-note", "Kept, whatever happens.")
	tab.Submit("main form.contact-form button[type=submit]:not([name])")
	tab.MustSee("There is a problem", "0 or more")
	if v := tab.Eval(`document.querySelector("#f-note").value`); v != "Kept, whatever happens." {
		t.Fatalf("the note was lost: %q", v)
	}
}

// TestSupervisorPagesAreAccessible visits the team view, a person with
// goals and referrals, and the administrator's word list.
func TestSupervisorPagesAreAccessible(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Team RLC")
	a := testkit.Actor(tm.Peer)
	p, _ := app.CreatePerson(t.Context(), a, store.PersonInput{PreferredName: "Tomás Rivera", PreferredLanguage: "Spanish"})
	g, _ := app.AddGoal(t.Context(), a, p.ID, store.GoalInput{Text: "Find part-time work outdoors", LifeArea: "purpose"})
	app.AddProgress(t.Context(), a, g.ID, "Asked at the garden centre.")
	ref, _ := app.CreateReferral(t.Context(), a, store.ReferralInput{PersonID: p.ID, ResourceName: "Benefits help desk"})
	app.Clock.Advance(95 * 24 * time.Hour)

	tab := browser.NewTab(t, app.HTTP.URL)
	tab.Visit("/login")
	tab.Fill("#f-email", tm.Supervisor.Email)
	tab.Fill("#f-password", testkit.Password)
	tab.Submit("main form button[type=submit]")
	for _, phone := range []bool{false, true} {
		if phone {
			tab.Phone()
		}
		for _, path := range []string{"/", "/team", "/people", "/people/" + itoa(p.ID), "/goals/" + itoa(g.ID), "/cycles/" + itoa(g.CycleID) + "/review",
			"/referrals/" + itoa(ref.ID), "/resources/import"} {
			tab.Visit(path)
		}
	}
	tab.Visit("/people/" + itoa(p.ID))
	tab.MustSee("This three-month cycle ended", "Review the cycle")

	// Tabs share cookies: sign out before signing in as the administrator.
	tab.SignOut()
	admin := tab
	admin.Visit("/login")
	admin.Fill("#f-email", tm.Admin.Email)
	admin.Fill("#f-password", testkit.Password)
	admin.Submit("main form button[type=submit]")
	admin.Visit("/admin/users/" + itoa(tm.Peer.ID)) // with the people Pat supports, and the hand-over form
	admin.MustSee("People Pat Peer supports", "Hand them over to")
	admin.Visit("/admin/wording")
	admin.Visit("/admin/wording/new?from=client")
	admin.Visit("/admin/wording/new")
	admin.Submit("main form button[type=submit]")
	admin.MustSee("There is a problem")
}

// typeInto types into a field that may be an empty textarea (Fill's Clear
// needs a text node to clear), key by key so htmx sees the keyups.
func typeInto(tab *Tab, sel, text string) {
	tab.t.Helper()
	css := chromedp.CSS(sel)
	tab.do(chromedp.WaitVisible(css))
	tab.Eval(fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = ""; e.focus(); return ""; })()`, sel))
	tab.do(chromedp.SendKeys(css, text))
}
