package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"peerpath/internal/testkit"
)

// privateTab opens a tab in a browser context of its own, sharing no
// cookies with the other tabs: the computer by the projector, which nobody
// has signed in on.
func privateTab(t *testing.T, base string) *Tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	tctx, tcancel := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(tcancel)
	return &Tab{t: t, ctx: tctx, base: base}
}

// TestClassroomGameJourney: a trainer starts a classroom game with two
// teams; the projector view, in a tab nobody signed in on, shows the board;
// the host opens a clue, reveals it and awards a team, and the projector
// shows the answer and the new score without reloading.
func TestClassroomGameJourney(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Classroom RLC")
	host := browser.NewTab(t, app.HTTP.URL)
	host.SignIn(tm.Trainer.Email)

	host.Visit("/learning/games/new")
	host.Fill("#f-team0", "Table 1")
	host.Fill("#f-team1", "Table 2")
	host.Submit("main form button[type=submit]")
	host.MustSee("Projector view", "Scores", "Table 1", "Table 2")
	href := host.Eval(`document.querySelector(".projector-link a").getAttribute("href")`)
	path := strings.TrimPrefix(href, app.HTTP.URL)
	if !strings.HasPrefix(path, "/play/") {
		t.Fatalf("projector link %q", href)
	}

	proj := privateTab(t, app.HTTP.URL)
	proj.Visit(path)
	proj.MustSee("Peer Support Review", "Table 1", "Table 2", "Core Concepts")
	if proj.Text("header nav") != "" {
		t.Fatal("the projector tab is signed in")
	}
	// A mark that a reload would wipe out; htmx swaps keep it.
	proj.Eval(`window.ppMark = "still here"; "ok"`)

	host.Submit(`table.board.host form.move button`) // Core Concepts for 100
	host.MustSee("Core Concepts for 100", "only you see it until you reveal it")
	proj.WaitText("#projector", "give-and-take relationship")
	if strings.Contains(proj.Text("#projector"), "What is") {
		t.Fatal("the projector shows the answer before it is revealed")
	}
	host.Submit(`form.move:has(input[name=action][value=reveal]) button`)
	proj.WaitText("#projector", "What is Mutuality?")
	host.Submit(`form.move:has(input[name=action][value=award]):has(input[name=team][value="1"]) button`)
	host.MustSee("Played")
	proj.WaitText(".pscores", "Table 2 100")
	if got := proj.Eval(`String(window.ppMark)`); got != "still here" {
		t.Fatalf("the projector reloaded (mark %q)", got)
	}
	proj.Axe()

	// The host ends the game; the projector announces the winner.
	host.Submit(`form[data-confirm] button.danger`)
	host.MustSee("The game has ended", "Winning: Table 2")
	proj.WaitText("#projector", "The winner: Table 2!")
	proj.Axe()

	// On a phone, the host view still works.
	host.Phone()
	host.Visit("/learning/games")
	host.Visit(strings.TrimPrefix(host.Eval(`document.querySelector("main table a").href`), app.HTTP.URL))
}

// TestSoloPlayAndFlashcards: a peer worker plays a clue on their own, adds
// a term to their cards and reviews it, and visits the learning pages, on a
// desktop and a phone.
func TestSoloPlayAndFlashcards(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Learner RLC")
	tab := browser.NewTab(t, app.HTTP.URL)
	tab.SignIn(tm.Peer.Email)

	tab.Visit("/learning/play/default")
	tab.Submit("table.board a.square")
	tab.MustSee("Core Concepts for 100")
	tab.Fill("#f-answer", "what's mutuality")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("Right! +100 points")
	tab.Submit("main a.button")
	tab.MustSee("Score: 100")

	// A wrong choice from the list of answers.
	tab.Submit("table.board a.square")
	tab.Submit(`a[href*="mode=choices"]`)
	tab.Submit("main form button[type=submit]")
	tab.MustSee("There is a problem", "Choose one of the answers")

	tab.Visit("/learning/glossary/rlc")
	tab.Submit(`main form[action="/learning/cards/add"] button`)
	tab.MustSee("In your cards")
	tab.Visit("/learning/review")
	tab.MustSee("RLC", "Show the answer")
	tab.Submit("a.show-answer")
	tab.MustSee("Recovery Learning Community", "How well did you remember it?")
	tab.Submit(`button[data-key="3"]`)
	tab.MustSee("All done for now")

	for _, phone := range []bool{false, true} {
		if phone {
			tab.Phone()
		}
		for _, p := range []string{"/", "/learning", "/learning/glossary", "/learning/glossary/wrap", "/learning/boards", "/learning/boards/default",
			"/learning/cards", "/learning/progress", "/learning/quiz", "/learning/play/default/clue?c=1&r=2"} {
			tab.Visit(p)
		}
	}
	tab.Visit("/learning/quiz")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("Question 1.")
	tab.Submit("main form.quiz button[type=submit]")
	tab.MustSee("There is a problem")
}

// TestTrainerLearningPages visits the trainer's pages with axe: the term
// form with its errors, the glossary changes, building and editing a board.
func TestTrainerLearningPages(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Trainer RLC")
	tab := browser.NewTab(t, app.HTTP.URL)
	tab.SignIn(tm.Trainer.Email)
	tab.Visit("/learning/terms/new")
	tab.Fill("#f-term", "Harbor Drop-In")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("There is a problem", "Write a definition in your own words.")
	// An empty textarea has no text node for Fill to clear; type into it.
	tab.do(chromedp.SendKeys(chromedp.CSS("#f-definition"), "Our evening drop-in for anyone in the harbour towns."))
	tab.Check("#category-practices")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("Harbor Drop-In", "Practices")
	tab.Visit("/learning/terms")
	tab.Visit("/learning/boards/new")
	tab.Fill("#f-title", "Week 3 review")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("Edit the board")
	tab.Fill("#f-c0_0_term", "Nobody in particular")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("There is a problem", "We could not find this in the glossary")
	tab.Visit("/learning/games")
	tab.Visit("/play")
}
