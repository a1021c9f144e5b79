package browsertest

import (
	"fmt"
	"strings"
	"testing"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestTakeABARC10WithAPersonOnAPhone is issue 13's journey: on a phone, a
// peer worker opens a person's record, finds the recovery picture, takes
// the BARC-10 with them (a statement left unanswered is pointed out beside
// it, and every answer already chosen is kept), saves, and sees the chart
// and its table with the change since the first. axe checks every page.
func TestTakeABARC10WithAPersonOnAPhone(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Recovery RLC")
	p, err := app.CreatePerson(t.Context(), testkit.Actor(tm.Peer), store.PersonInput{PreferredName: "Maria Santos"})
	if err != nil {
		t.Fatal(err)
	}
	// An earlier assessment, so the change since the first shows.
	first := []int{3, 3, 2, 2, 3, 3, 2, 4, 3, 3}
	in := store.AssessmentInput{TakenOn: "2026-06-01"}
	for i := range first {
		in.Answers = append(in.Answers, &first[i])
	}
	if _, err := app.TakeAssessment(t.Context(), testkit.Actor(tm.Peer), p.ID, in); err != nil {
		t.Fatal(err)
	}
	tab := browser.NewTab(t, app.HTTP.URL)
	tab.Phone()
	signIn(tab, tm.Peer)

	tab.Visit("/people/" + itoa(p.ID))
	tab.MustSee("Maria Santos's strengths", "Recovery picture", "Recovery capital", "Stages of change", "Areas of need")
	tab.Submit("#recovery a.button[href$='/recovery-capital/new']")
	tab.MustSee("BARC-10 with Maria Santos", "There are more important things to me in life than using substances.", "Vilsaint")

	answers := []string{"5", "4", "4", "4", "4", "5", "3", "5", "4", "5"}
	radio := func(n int, v string) string { return fmt.Sprintf("[id='f-answers.%d-%s']", n, v) }
	for n, v := range answers {
		if n == 3 {
			continue // left unanswered for now
		}
		tab.Check(radio(n, v))
	}
	tab.Submit("main form.assessment button[type=submit]")
	tab.MustSee("There is a problem", "Choose an answer, or “prefer not to answer”.")
	if !strings.Contains(tab.Text("[id='f-answers.3']"), "Choose an answer") {
		t.Fatal("the message is not beside the statement")
	}
	for n, v := range answers {
		if n == 3 {
			continue
		}
		if got := tab.Eval(fmt.Sprintf(`String(document.querySelector(%q).checked)`, radio(n, v))); got != "true" {
			t.Fatalf("answer %d was not kept", n+1)
		}
	}
	tab.Check(radio(3, "4"))
	tab.Submit("main form.assessment button[type=submit]")
	tab.MustSee("The BARC-10 is saved.", "Change since the first", "43 out of 60", "+15 since the first", "The same figures as a table")
	if n := tab.Eval(`String(document.querySelectorAll("figure.capital-chart svg circle").length)`); n != "2" {
		t.Fatalf("the chart has %s dots, want 2", n)
	}
	if tab.Eval(`document.querySelector("figure.capital-chart svg").getAttribute("role")`) != "img" {
		t.Fatal("the chart is not an image to assistive technology")
	}
	if rows := tab.Eval(`String(document.querySelectorAll("table.capital-table tbody tr").length)`); rows != "2" {
		t.Fatalf("the table has %s rows", rows)
	}
	// The chart fits the phone's width.
	if w := tab.Eval(`String(document.querySelector("figure.capital-chart svg").getBoundingClientRect().width <= window.innerWidth)`); w != "true" {
		t.Fatal("the chart is wider than the phone")
	}
	// And the record shows it too.
	tab.Visit("/people/" + itoa(p.ID))
	tab.MustSee("Recovery picture", "out of 60", "The history, with a table of totals")
}

// TestEveryRecoveryPageIsAccessibleOnAPhone visits each page of the recovery
// picture on a phone, with data and with a refused form, so axe checks them
// all; it starts a referral from an area of need in one step.
func TestEveryRecoveryPageIsAccessibleOnAPhone(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Recovery pages RLC")
	pa := testkit.Actor(tm.Peer)
	p, err := app.CreatePerson(t.Context(), pa, store.PersonInput{PreferredName: "Lou Díaz"})
	if err != nil {
		t.Fatal(err)
	}
	sup, _ := app.AddSupport(t.Context(), pa, p.ID, store.SupportInput{Name: "Ana", Relationship: "sister", Phone: "617-555-0101", OkayToInvolve: true})
	app.RaiseRightsConcern(t.Context(), pa, p.ID, store.RightsInput{Kind: "privacy", Note: "Mail opened"})
	app.AddAdvocacy(t.Context(), pa, p.ID, store.AdvocacyInput{What: "Called the housing office together", Skill: "Making a phone call"})
	app.AddMedicationQuestion(t.Context(), pa, p.ID, store.MedicationInput{Kind: "side_effect", Text: "Dry mouth"})
	app.NoteStage(t.Context(), pa, p.ID, store.StageInput{LifeArea: "home", Stage: "preparation"})
	tab := browser.NewTab(t, app.HTTP.URL)
	tab.Phone()
	signIn(tab, tm.Peer)
	base := "/people/" + itoa(p.ID)

	tab.Visit(base + "/strengths")
	tab.Check("[id='f-strength-Caring']")
	tab.Fill("#f-good_at", "Fixing bikes")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("The strengths are saved.", "Caring", "Fixing bikes")

	tab.Visit(base + "/stages-of-change")
	tab.MustSee("Getting ready", "Not talked about yet")
	tab.Submit("main form button[type=submit]") // nothing chosen
	tab.MustSee("There is a problem", "Choose a life area")

	tab.Visit(base + "/needs")
	tab.Check("[id='f-area-housing']")
	tab.Fill("[id='f-words.housing']", "A place of my own")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("The areas of need are saved.", "A place of my own")
	tab.Submit("main a[href*='/referrals/new?need=']")
	tab.MustSee("This referral starts from an area of need", "Housing")
	if v := tab.Eval(`document.querySelector("#f-reason").value`); v != "Housing: A place of my own" {
		t.Fatalf("the referral's reason: %q", v)
	}

	tab.Visit(base + "/supports")
	tab.Submit("main form button[type=submit]") // empty
	tab.MustSee("There is a problem", "Write a name or a few words")
	tab.Visit("/supports/" + itoa(sup.ID))
	tab.Visit(base + "/advocacy")
	tab.MustSee("Advocacy log", "Called the housing office together", "Rights concerns", "Open")
	tab.Visit(base + "/medication-questions")
	tab.MustSee("Peer workers don't give medication advice.", "Dry mouth")
	tab.Visit(base + "/safety-plan/edit")
	tab.MustSee("From their natural supports", "Add Ana")
	tab.Submit("button[name=offer]")
	if v := tab.Eval(`document.querySelector("[name='people_to_ask.0.name']").value`); v != "Ana (sister)" {
		t.Fatalf("the offered support: %q", v)
	}
	signOut(tab)
	signIn(tab, tm.Admin)
	tab.Visit("/admin/recovery")
	tab.MustSee("Days between recovery capital checks", "your organisation's setting", "BARC-10")
}
