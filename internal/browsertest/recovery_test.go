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
