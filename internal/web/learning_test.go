package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"peerpath/internal/learning"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// learningJourney renders every learning template, for
// TestEveryTemplateRenders.
func learningJourney(t *testing.T, app *testkit.App, admin *testkit.Client, tm testkit.Team) {
	t.Helper()
	must := func(res testkit.Response, want int) testkit.Response {
		t.Helper()
		if res.Status != want {
			t.Fatalf("status %d, want %d:\n%s", res.Status, want, testkit.Text(res.Body))
		}
		return res
	}
	must(admin.Get("/learning"), 200)
	must(admin.Get("/learning/glossary?q=peer"), 200)
	must(admin.Get("/learning/glossary/rlc"), 200)
	must(admin.Get("/learning/terms/new"), 200)
	must(admin.PostForm("/learning/terms/new", url.Values{"term": {"Open Door Hours"}, "definition": {"Drop-in hours at the centre."}, "category": {"practices"}}), http.StatusSeeOther)
	must(admin.Get("/learning/terms"), 200)
	must(admin.Get("/learning/boards"), 200)
	must(admin.Get("/learning/boards/default"), 200)
	must(admin.Get("/learning/boards/new"), 200)
	built := must(admin.PostForm("/learning/boards/new", url.Values{"title": {"Journey board"}, "categories": {"roles", "organisations"}}), http.StatusSeeOther)
	must(admin.Get(built.Location()), 200)
	must(admin.Get("/learning/play/default"), 200)
	must(admin.Get("/learning/play/default/clue?c=0&r=0"), 200)
	must(admin.Get("/learning/games/new"), 200)
	started := must(admin.PostForm("/learning/games/new", url.Values{"board": {"default"}, "team0": {"Table 1"}, "team1": {"Table 2"}}), http.StatusSeeOther)
	must(admin.Get(started.Location()), 200)
	must(admin.Get("/learning/games"), 200)
	games, err := app.ListGames(t.Context(), testkit.Actor(tm.Admin), store.Page{})
	if err != nil || len(games.Items) == 0 {
		t.Fatalf("games: %v", err)
	}
	anon := app.Client(t)
	must(anon.Get("/play"), 200)
	must(anon.Get("/play/"+games.Items[0].Code), 200)
	must(admin.PostForm("/learning/cards/add", url.Values{"slug": {"rlc"}}), http.StatusSeeOther)
	own, err := app.AddOwnCard(t.Context(), testkit.Actor(tm.Admin), store.CardInput{Front: "What are the five ethics principles?", Back: "Autonomy, beneficence, fidelity, justice, non-maleficence."})
	if err != nil {
		t.Fatal(err)
	}
	must(admin.Get("/learning/cards"), 200)
	must(admin.Get(fmt.Sprintf("/learning/cards/%d/edit", own.ID)), 200)
	must(admin.Get("/learning/review?show=1"), 200)
	must(admin.Get("/learning/progress"), 200)
	must(admin.Get("/learning/quiz"), 200)
	quiz := must(admin.PostForm("/learning/quiz", url.Values{"category": {""}, "size": {"5"}}), http.StatusSeeOther)
	must(admin.Get(quiz.Location()), 200)
}

// TestGlossaryPages: search grouped by category, an entry page with related
// terms and the framework items that mention it, and redirects from a term
// or alias to the entry's one address.
func TestGlossaryPages(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Glossary Pages")
	c := app.SessionClient(t, tm.Peer)
	res := c.Get("/learning/glossary?q=wellness+recovery")
	text := testkit.Text(res.Body)
	if res.Status != 200 || !strings.Contains(text, "WRAP") || !strings.Contains(text, "Trainings") {
		t.Fatalf("search: %d %s", res.Status, text)
	}
	res = c.Get("/learning/glossary/wrap")
	text = testkit.Text(res.Body)
	for _, want := range []string{"Wellness Recovery Action Plan", "In the development framework", "WRAP Facilitator training", "Add to my cards"} {
		if !strings.Contains(text, want) {
			t.Errorf("the WRAP page lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Edit") {
		t.Error("a peer worker is offered to edit the glossary")
	}
	if res := c.Get("/learning/glossary/Recovery%20Learning%20Community"); res.Status != http.StatusSeeOther || res.Location() != "/learning/glossary/rlc" {
		t.Fatalf("by expansion: %d %s", res.Status, res.Location())
	}
	if res := c.Get("/learning/glossary/no-such-term"); res.Status != http.StatusNotFound {
		t.Fatalf("unknown term: %d", res.Status)
	}
	// Adding to cards from the entry page, then the page says so.
	if res := c.PostForm("/learning/cards/add", url.Values{"slug": {"wrap"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("add to cards: %d", res.Status)
	}
	if text := testkit.Text(c.Get("/learning/glossary/wrap").Body); !strings.Contains(text, "In your cards") {
		t.Fatal("the entry does not say it is in the cards")
	}
	if res := c.PostForm("/learning/cards/add", url.Values{"category": {"roles"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("add a category: %d", res.Status)
	}
	if tot, _ := app.CardTotals(t.Context(), testkit.Actor(tm.Peer)); tot.All != 1+len(mustGlossary(t, app, tm.Org.ID).InCategory("roles")) {
		t.Fatalf("cards after adding roles: %d", tot.All)
	}
}

func mustGlossary(t *testing.T, app *testkit.App, orgID int64) *store.OrgGlossary {
	t.Helper()
	g, err := app.Glossary(t.Context(), orgID)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGlossaryForAChartItem(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Both Ways")
	g := mustGlossary(t, app, tm.Org.ID)
	var items []learning.ItemRef
	for _, key := range []string{"v.mastery.community-experience"} {
		items = append(items, learning.ItemRef{Key: key, Label: "Experience in the community, including volunteering at RLCs or RSCs"})
	}
	var slugs []string
	for _, e := range g.MentionedIn("v.mastery.community-experience", items) {
		slugs = append(slugs, e.Slug)
	}
	if strings.Join(slugs, ",") != "rlc,rsc" {
		t.Fatalf("entries of the item: %v", slugs)
	}
}

func TestEditingTheGlossary(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Editing RLC")
	other := app.NewTeam(t, "Editing Elsewhere")
	trainer := app.SessionClient(t, tm.Trainer)
	if res := app.SessionClient(t, tm.Peer).Get("/learning/terms/new"); res.Status != http.StatusForbidden {
		t.Fatalf("a peer worker opening the form: %d", res.Status)
	}
	bad := trainer.PostForm("/learning/terms/new", url.Values{"term": {"Harbor Drop-In"}, "definition": {""}, "related": {"RLC, no such thing"}, "aliases": {"harbor hours"}})
	if bad.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad term: %d", bad.Status)
	}
	for _, want := range []string{`value="Harbor Drop-In"`, "Write a definition in your own words.", "Choose a category.", "harbor hours", "We could not find “no such thing”", `href="#f-category"`} {
		if !strings.Contains(bad.Body, want) {
			t.Errorf("the re-shown form lacks %q", want)
		}
	}
	ok := trainer.PostForm("/learning/terms/new", url.Values{"term": {"Harbor Drop-In"}, "definition": {"Our evening drop-in for anyone in the harbour towns, where no client is turned away."}, "category": {"practices"}, "related": {"RLC"}})
	if ok.Status != http.StatusSeeOther || ok.Location() != "/learning/glossary/harbor-drop-in" {
		t.Fatalf("adding: %d %s %s", ok.Status, ok.Location(), testkit.Text(ok.Body))
	}
	// Saved as written; the wording helper then points out “client”.
	if text := testkit.Text(trainer.Get(ok.Location()).Body); !strings.Contains(text, "Wording to look at again") || !strings.Contains(text, "“client”") {
		t.Fatalf("no wording hint: %s", text)
	}
	// The organisation's own entry is theirs alone.
	if res := app.SessionClient(t, other.Peer).Get("/learning/glossary/harbor-drop-in"); res.Status != http.StatusNotFound {
		t.Fatalf("another organisation sees the entry: %d", res.Status)
	}
	if res := app.APIClient(t, other.Peer).Get("/api/v1/glossary?q=harbor"); strings.Contains(res.Body, "harbor-drop-in") {
		t.Fatal("another organisation finds the entry through the API")
	}
	if res := app.SessionClient(t, other.Trainer).PostForm("/learning/terms/harbor-drop-in/hide", nil); res.Status != http.StatusNotFound {
		t.Fatalf("another organisation hiding the entry: %d", res.Status)
	}
	// Edit a shipped entry, keeping what was typed on a mistake.
	form := trainer.Get("/learning/terms/snippet/edit")
	if form.Status != 200 || !strings.Contains(form.Body, "This entry comes with peerpath") {
		t.Fatalf("edit form: %d", form.Status)
	}
	bad = trainer.PostForm("/learning/terms/snippet/edit", url.Values{"term": {"Snippet"}, "definition": {"A short piece of one's own story."}, "category": {"practices"}, "aliases": {"RLC"}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "already answers to") || !strings.Contains(bad.Body, "A short piece of one&#39;s own story.") {
		t.Fatalf("a name of another entry: %d %s", bad.Status, testkit.Text(bad.Body))
	}
	if res := trainer.PostForm("/learning/terms/snippet/edit", url.Values{"term": {"Snippet"}, "definition": {"A short piece of one's own story."}, "category": {"practices"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("saving: %d", res.Status)
	}
	if text := testkit.Text(trainer.Get("/learning/glossary/snippet").Body); !strings.Contains(text, "Your organisation's text") || !strings.Contains(text, "peerpath's own text") {
		t.Fatalf("rewritten entry page: %s", text)
	}
	if res := trainer.PostForm("/learning/terms/mutuality/hide", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("hide: %d", res.Status)
	}
	changes := testkit.Text(trainer.Get("/learning/terms").Body)
	for _, want := range []string{"Harbor Drop-In", "Added", "Snippet", "Rewritten", "Mutuality", "Hidden", "Show again"} {
		if !strings.Contains(changes, want) {
			t.Errorf("the changes page lacks %q", want)
		}
	}
	if res := app.SessionClient(t, tm.Peer).Get("/learning/glossary/mutuality"); res.Status != http.StatusNotFound {
		t.Fatalf("a hidden entry: %d", res.Status)
	}
}

func TestGlossaryAPI(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Glossary API")
	c := app.APIClient(t, tm.Peer)
	var page struct {
		Items []struct {
			Slug, Term, Expansion, Definition, Category string
			Related                                     []string
		} `json:"items"`
		Next string `json:"next_cursor"`
	}
	res := c.Get("/api/v1/glossary?q=learning+community")
	res.JSON(t, &page)
	found := false
	for _, e := range page.Items {
		if e.Slug == "rlc" && e.Expansion == "Recovery Learning Community" && e.Category == "organisations" && len(e.Related) > 0 {
			found = true
		}
	}
	if res.Status != 200 || !found {
		t.Fatalf("search by expansion: %d %s", res.Status, res.Body)
	}
	res = c.Get("/api/v1/glossary?q=power+differentials&limit=500")
	res.JSON(t, &page)
	if len(page.Items) == 0 {
		// The query matches definitions too.
		res = c.Get("/api/v1/glossary?q=give+and+receive")
		res.JSON(t, &page)
		if len(page.Items) == 0 || page.Items[0].Slug != "mutuality" {
			t.Fatalf("search in definitions: %s", res.Body)
		}
	}
	res = c.Get("/api/v1/glossary?limit=10")
	res.JSON(t, &page)
	if len(page.Items) != 10 || page.Next == "" {
		t.Fatalf("first page: %d %q", len(page.Items), page.Next)
	}
	var one struct {
		Slug           string                        `json:"slug"`
		Term           string                        `json:"term"`
		FrameworkItems []struct{ Key, Label string } `json:"framework_items"`
	}
	res = c.Get("/api/v1/glossary/Wellness%20Recovery%20Action%20Plan")
	res.JSON(t, &one)
	if res.Status != 200 || one.Slug != "wrap" || len(one.FrameworkItems) == 0 {
		t.Fatalf("one entry by expansion: %d %s", res.Status, res.Body)
	}
	if res := c.Get("/api/v1/glossary/nothing-like-this"); res.Status != http.StatusNotFound || !strings.Contains(res.Body, `"code":"not_found"`) {
		t.Fatalf("unknown entry: %d %s", res.Status, res.Body)
	}
	if res := c.Get("/api/v1/glossary?cursor=garbage"); res.Status != http.StatusBadRequest {
		t.Fatalf("bad cursor: %d", res.Status)
	}
}

func TestBoardsAPIAndPages(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Boards API")
	other := app.NewTeam(t, "Boards Elsewhere")
	var b struct {
		ID         string `json:"id"`
		Title      string `json:"title"`
		Categories []struct {
			Name  string `json:"name"`
			Clues []struct {
				Value  int    `json:"value"`
				Slug   string `json:"slug"`
				Answer string `json:"answer"`
			} `json:"clues"`
		} `json:"categories"`
		Final *struct{ Slug string } `json:"final"`
	}
	res := app.APIClient(t, tm.Peer).Get("/api/v1/boards/default")
	res.JSON(t, &b)
	if res.Status != 200 || b.ID != "default" || len(b.Categories) != 5 || len(b.Categories[0].Clues) != 5 || b.Final == nil {
		t.Fatalf("default board: %d %s", res.Status, res.Body)
	}
	built, err := app.BuildBoard(t.Context(), testkit.Actor(tm.Trainer), "Roles review", []string{"roles"})
	if err != nil {
		t.Fatal(err)
	}
	if res := app.APIClient(t, tm.Peer).Get("/api/v1/boards/" + built.Ref); res.Status != 200 || !strings.Contains(res.Body, "Roles review") {
		t.Fatalf("the organisation's board: %d", res.Status)
	}
	for _, path := range []string{"/api/v1/boards/" + built.Ref, "/learning/boards/" + built.Ref, "/learning/play/" + built.Ref} {
		c := app.SessionClient(t, other.Trainer)
		if strings.HasPrefix(path, "/api/") {
			c = app.APIClient(t, other.Trainer)
		}
		if res := c.Get(path); res.Status != http.StatusNotFound {
			t.Errorf("another organisation: %s answered %d", path, res.Status)
		}
	}
	// The answers show to trainers only.
	if text := testkit.Text(app.SessionClient(t, tm.Peer).Get("/learning/boards/default").Body); strings.Contains(text, "Mutuality") {
		t.Error("a player sees the answers on the board page")
	}
	if text := testkit.Text(app.SessionClient(t, tm.Trainer).Get("/learning/boards/default").Body); !strings.Contains(text, "Mutuality") {
		t.Error("a trainer does not see the answers")
	}
	// Editing: a wrong term is refused beside its field, everything typed kept.
	trainer := app.SessionClient(t, tm.Trainer)
	form := url.Values{"title": {"Roles review"}, "cat0": {"People"}, "c0_0_term": {"Recovery Coach"}, "c0_1_term": {"Nobody in particular"}, "c0_1_clue": {"My own clue text"}}
	bad := trainer.PostForm("/learning/boards/"+built.Ref+"/edit", form)
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "We could not find this in the glossary") || !strings.Contains(bad.Body, "My own clue text") || !strings.Contains(bad.Body, `href="#f-c0_1_term"`) {
		t.Fatalf("bad board: %d %s", bad.Status, testkit.Text(bad.Body))
	}
	form.Set("c0_1_term", "CPS")
	form.Set("c0_1_dd", "on")
	if res := trainer.PostForm("/learning/boards/"+built.Ref+"/edit", form); res.Status != http.StatusSeeOther {
		t.Fatalf("saving the board: %d %s", res.Status, testkit.Text(res.Body))
	}
	saved, _ := app.Board(t.Context(), testkit.Actor(tm.Peer), built.Ref)
	if len(saved.Board.Categories) != 1 || saved.Board.Categories[0].Clues[1].Clue != "My own clue text" || !saved.Board.Categories[0].Clues[1].DailyDouble || saved.Board.Categories[0].Clues[0].Slug != "recovery-coach" {
		t.Fatalf("saved board: %+v", saved.Board.Categories)
	}
	if res := app.SessionClient(t, tm.Peer).PostForm("/learning/boards/"+built.Ref+"/delete", nil); res.Status != http.StatusForbidden {
		t.Fatalf("a peer worker deleting a board: %d", res.Status)
	}
	// A copy leaves out the clues on entries the organisation has hidden.
	if err := app.HideTerm(t.Context(), testkit.Actor(tm.Trainer), "mutuality"); err != nil {
		t.Fatal(err)
	}
	res = trainer.PostForm("/learning/boards/default/copy", nil)
	if res.Status != http.StatusSeeOther || !strings.HasSuffix(res.Location(), "/edit") {
		t.Fatalf("copying the default board: %d %s", res.Status, testkit.Text(res.Body))
	}
	cp, _ := app.Board(t.Context(), testkit.Actor(tm.Trainer), strings.TrimSuffix(strings.TrimPrefix(res.Location(), "/learning/boards/"), "/edit"))
	if cp.Board.Title != "Copy of Peer Support Review" || cp.Clues() != 24 {
		t.Fatalf("the copy: %q with %d clues", cp.Board.Title, cp.Clues())
	}
}

// TestSoloPlay answers the default board's first clue (mutuality) the way
// people type, forgivingly, and from choices.
func TestSoloPlay(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Solo RLC")
	c := app.SessionClient(t, tm.Peer)
	page := c.Get("/learning/play/default")
	if page.Status != 200 || !strings.Contains(page.Body, "/learning/play/default/clue?c=0&amp;r=0&amp;s="+strings.Repeat("0", 26)) {
		t.Fatalf("board: %d", page.Status)
	}
	n := 26 // 25 clues and the final
	s := strings.Repeat("0", n)
	answer := func(v url.Values) testkit.Response {
		v.Set("s", s)
		v.Set("pts", "0")
		return c.PostForm("/learning/play/default/clue", v)
	}
	for _, typed := range []string{"What is mutuality?", "mutuality", "what's Mutaulity", "The mutuality"} {
		res := answer(url.Values{"c": {"0"}, "r": {"0"}, "answer": {typed}})
		if res.Status != 200 || !strings.Contains(testkit.Text(res.Body), "Right! +100 points") {
			t.Errorf("%q: %d %s", typed, res.Status, testkit.Text(res.Body))
		}
	}
	res := answer(url.Values{"c": {"0"}, "r": {"0"}, "answer": {"What is trauma?"}})
	text := testkit.Text(res.Body)
	if !strings.Contains(text, "Not quite. -100 points") || !strings.Contains(text, "What is Mutuality") {
		t.Fatalf("a wrong answer: %s", text)
	}
	if !strings.Contains(res.Body, "s=2"+strings.Repeat("0", 25)+"&amp;pts=-100") {
		t.Fatal("the next board address does not carry the result")
	}
	res = answer(url.Values{"c": {"0"}, "r": {"0"}, "answer": {"  "}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Type your answer") {
		t.Fatalf("an empty answer: %d", res.Status)
	}
	// Choices: four, the answer among them, no two the same.
	q := c.Get("/learning/play/default/clue?c=0&r=0&mode=choices&s=" + s + "&pts=0")
	choices := regexp.MustCompile(`name="choice" value="([^"]+)"`).FindAllStringSubmatch(q.Body, -1)
	seen := map[string]bool{}
	for _, m := range choices {
		if seen[m[1]] {
			t.Fatalf("a choice twice: %s", m[1])
		}
		seen[m[1]] = true
	}
	if len(choices) != 4 || !seen["Mutuality"] {
		t.Fatalf("choices: %v", choices)
	}
	res = answer(url.Values{"c": {"0"}, "r": {"0"}, "mode": {"choices"}, "choice": {"Mutuality"}})
	if !strings.Contains(testkit.Text(res.Body), "Right!") {
		t.Fatalf("the right choice: %s", testkit.Text(res.Body))
	}
	res = answer(url.Values{"c": {"0"}, "r": {"0"}, "mode": {"choices"}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("no choice: %d", res.Status)
	}
	res = answer(url.Values{"c": {"0"}, "r": {"0"}, "pass": {"1"}})
	if !strings.Contains(testkit.Text(res.Body), "Here is the answer") || !strings.Contains(res.Body, "s=3000") {
		t.Fatalf("passing: %s", testkit.Text(res.Body))
	}
	if res := c.Get("/learning/play/default/clue?c=9&r=0"); res.Status != http.StatusNotFound {
		t.Fatalf("no such clue: %d", res.Status)
	}
}

var codeRE = regexp.MustCompile(`/play/([A-Z2-7]{20})`)

// TestClassroomGame: the host runs the game; the projector view is public
// by code, shows no answers until revealed, and its polled fragment answers
// 204 (or 304) while nothing changes.
func TestClassroomGame(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Class RLC")
	other := app.NewTeam(t, "Class Elsewhere")
	host := app.SessionClient(t, tm.Trainer)
	bad := host.PostForm("/learning/games/new", url.Values{"board": {"default"}, "team0": {"Only team"}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "Name 2 to 6 teams.") || !strings.Contains(bad.Body, `value="Only team"`) {
		t.Fatalf("one team: %d %s", bad.Status, testkit.Text(bad.Body))
	}
	res := host.PostForm("/learning/games/new", url.Values{"board": {"default"}, "team0": {"Table 1"}, "team1": {"Table 2"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("start: %d %s", res.Status, testkit.Text(res.Body))
	}
	gamePath := res.Location()
	page := host.Get(gamePath)
	code := codeRE.FindStringSubmatch(page.Body)
	if page.Status != 200 || code == nil {
		t.Fatalf("host view: %d", page.Status)
	}
	// Only the host: another trainer or the admin of the organisation, and
	// everyone elsewhere, get 404; a peer worker is refused the page.
	second := app.MakeUser(t, tm.Org.ID, "t2@classrlc.test", "Tomas Trainer", "trainer")
	for _, u := range []store.User{second, tm.Admin, other.Trainer, other.Admin} {
		if res := app.SessionClient(t, u).Get(gamePath); res.Status != http.StatusNotFound {
			t.Errorf("%s opening the host view: %d", u.Email, res.Status)
		}
		if res := app.SessionClient(t, u).PostForm(gamePath, url.Values{"v": {"1"}, "action": {"end"}}); res.Status != http.StatusNotFound {
			t.Errorf("%s ending the game: %d", u.Email, res.Status)
		}
	}
	if res := app.SessionClient(t, tm.Peer).Get(gamePath); res.Status != http.StatusForbidden {
		t.Errorf("a peer worker opening the host view: %d", res.Status)
	}

	anon := app.Client(t)
	proj := anon.Get("/play/" + code[1])
	if proj.Status != 200 || !strings.Contains(proj.Body, `hx-get="/play/`+code[1]+`/board?v=1"`) || !strings.Contains(proj.Body, "Table 1") {
		t.Fatalf("projector: %d %s", proj.Status, testkit.Text(proj.Body))
	}
	if res := anon.Get("/play/" + strings.ToLower(code[1][:4]) + "-" + code[1][4:]); res.Status != http.StatusSeeOther || res.Location() != "/play/"+code[1] {
		t.Fatalf("a code typed in lower case with a hyphen: %d %s", res.Status, res.Location())
	}
	if res := anon.Get("/play?code=" + strings.ToLower(code[1])); res.Status != http.StatusSeeOther {
		t.Fatalf("the code form: %d", res.Status)
	}
	if res := anon.Get("/play?code=AAAA"); res.Status != http.StatusNotFound || !strings.Contains(res.Body, "No game has this code") {
		t.Fatalf("a wrong code: %d", res.Status)
	}
	if res := anon.Get("/play/AAAAAAAAAAAAAAAAAAAA"); res.Status != http.StatusNotFound {
		t.Fatalf("an unknown game: %d", res.Status)
	}
	poll := anon.Get("/play/" + code[1] + "/board?v=1")
	if poll.Status != http.StatusNoContent || poll.Body != "" {
		t.Fatalf("unchanged poll: %d %q", poll.Status, poll.Body)
	}
	etag := poll.Header.Get("ETag")
	req, _ := http.NewRequest(http.MethodGet, app.HTTP.URL+"/play/"+code[1]+"/board", nil)
	req.Header.Set("If-None-Match", etag)
	if res := anon.Do(req); res.Status != http.StatusNotModified {
		t.Fatalf("If-None-Match: %d", res.Status)
	}

	// Open the first clue, reveal, award Table 2.
	move := func(v url.Values) testkit.Response {
		t.Helper()
		page := host.Get(gamePath)
		ver := regexp.MustCompile(`name="v" value="(\d+)"`).FindStringSubmatch(page.Body)
		v.Set("v", ver[1])
		return host.PostForm(gamePath, v)
	}
	for _, m := range []url.Values{{"action": {"open"}, "c": {"0"}, "i": {"0"}}, {"action": {"reveal"}}, {"action": {"award"}, "team": {"1"}}} {
		if res := move(m); res.Status != http.StatusSeeOther {
			t.Fatalf("move %v: %d %s", m, res.Status, testkit.Text(res.Body))
		}
	}
	frag := anon.Get("/play/" + code[1] + "/board?v=1")
	if frag.Status != 200 || !strings.Contains(frag.Body, `hx-get="/play/`+code[1]+`/board?v=4"`) || !strings.Contains(testkit.Text(frag.Body), "Table 2 100") {
		t.Fatalf("changed poll: %d %s", frag.Status, testkit.Text(frag.Body))
	}
	if strings.Contains(frag.Body, "<html") || len(frag.Body) > 8000 {
		t.Fatalf("the fragment is a whole page, or large: %d bytes", len(frag.Body))
	}
	// A second click on the same form changes nothing.
	before, _ := app.Game(t.Context(), testkit.Actor(tm.Trainer), idOf(gamePath))
	res = host.PostForm(gamePath, url.Values{"v": {"3"}, "action": {"award"}, "team": {"1"}})
	after, _ := app.Game(t.Context(), testkit.Actor(tm.Trainer), idOf(gamePath))
	if res.Status != http.StatusSeeOther || after.Game.Teams[1].Score != before.Game.Teams[1].Score {
		t.Fatalf("a double click: %d, score %d then %d", res.Status, before.Game.Teams[1].Score, after.Game.Teams[1].Score)
	}
	// A daily double: the clue stays hidden until the wager; a bad wager is
	// refused beside the field.
	if res := move(url.Values{"action": {"open"}, "c": {"3"}, "i": {"2"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("open the daily double: %d", res.Status)
	}
	if text := testkit.Text(anon.Get("/play/" + code[1]).Body); !strings.Contains(text, "Daily double") || strings.Contains(text, "What is") {
		t.Fatalf("projector during the wager: %s", text)
	}
	res = move(url.Values{"action": {"wager"}, "team": {"0"}, "amount": {"5000"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "The wager must be between 0 and 500.") || !strings.Contains(res.Body, `value="5000"`) {
		t.Fatalf("a wager too high: %d %s", res.Status, testkit.Text(res.Body))
	}
	if res := move(url.Values{"action": {"wager"}, "team": {"0"}, "amount": {"300"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("a wager: %d", res.Status)
	}
	if res := move(url.Values{"action": {"deduct"}, "team": {"0"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("deduct: %d", res.Status)
	}
	if res := move(url.Values{"action": {"end"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("end: %d", res.Status)
	}
	if text := testkit.Text(anon.Get("/play/" + code[1]).Body); !strings.Contains(text, "The winner: Table 2!") || !strings.Contains(text, "Table 1 -300") {
		t.Fatalf("projector at the end: %s", text)
	}
	if strings.Contains(anon.Get("/play/"+code[1]).Body, "hx-trigger") {
		t.Error("the projector keeps polling a game that has ended")
	}
	if strings.Contains(app.Logs(), code[1]) {
		t.Error("the projector code is in the logs")
	}
}

func idOf(path string) int64 {
	var id int64
	fmt.Sscanf(path[strings.LastIndex(path, "/")+1:], "%d", &id)
	return id
}

func TestProjectorIsRateLimited(t *testing.T) {
	app := testkit.NewApp(t)
	anon := app.Client(t)
	for i := 0; i < 120; i++ {
		anon.Get("/play/AAAAAAAAAAAAAAAAAAAA/board")
	}
	if res := anon.Get("/play/AAAAAAAAAAAAAAAAAAAA/board"); res.Status != http.StatusTooManyRequests {
		t.Fatalf("the 121st request in a minute: %d", res.Status)
	}
	app.Clock.Advance(time.Minute)
	if res := anon.Get("/play/AAAAAAAAAAAAAAAAAAAA/board"); res.Status != http.StatusNotFound {
		t.Fatalf("a minute later: %d", res.Status)
	}
}

// TestFlashcardReview walks a review in pages and through the API, with the
// test clock: Good is due later than Again.
func TestFlashcardReview(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Review RLC")
	c := app.SessionClient(t, tm.Peer)
	if text := testkit.Text(c.Get("/learning/review").Body); !strings.Contains(text, "All done for now") {
		t.Fatalf("an empty review: %s", text)
	}
	bad := c.PostForm("/learning/cards", url.Values{"front": {"What does MAPWC stand for?"}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "Write the answer for the back of the card.") || !strings.Contains(bad.Body, "What does MAPWC stand for?") {
		t.Fatalf("a card without a back: %d", bad.Status)
	}
	c.PostForm("/learning/cards/add", url.Values{"slug": {"mutuality", "rlc"}})
	page := c.Get("/learning/review")
	text := testkit.Text(page.Body)
	if !strings.Contains(text, "Mutuality") || !strings.Contains(text, "Show the answer") || strings.Contains(text, "give and receive support") {
		t.Fatalf("the front: %s", text)
	}
	page = c.Get("/learning/review?show=1")
	if !strings.Contains(testkit.Text(page.Body), "give and receive support") || !strings.Contains(page.Body, `name="rating" value="3"`) {
		t.Fatalf("the back: %s", testkit.Text(page.Body))
	}
	cards, _ := app.ListCards(t.Context(), testkit.Actor(tm.Peer), store.Page{})
	first := cards.Items[0].ID
	if res := c.PostForm(fmt.Sprintf("/learning/cards/%d/review", first), url.Values{"rating": {"3"}, "reps": {"0"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("rating: %d", res.Status)
	}
	// The same form sent twice: the second is not counted.
	res := c.PostForm(fmt.Sprintf("/learning/cards/%d/review", first), url.Values{"rating": {"3"}, "reps": {"0"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("a second click: %d", res.Status)
	}
	if card, _ := app.Card(t.Context(), testkit.Actor(tm.Peer), first); card.Sched.Reps != 1 {
		t.Fatalf("reps after a double click: %d", card.Sched.Reps)
	}

	api := app.APIClient(t, tm.Peer)
	var out struct {
		CardID string    `json:"card_id"`
		State  string    `json:"state"`
		Due    time.Time `json:"due"`
	}
	second := fmt.Sprint(cards.Items[1].ID)
	res = api.Send(http.MethodPost, "/api/v1/reviews", map[string]any{"card_id": second, "rating": "again"})
	res.JSON(t, &out)
	againDue := out.Due
	if res.Status != 200 || out.State != "learning" || !againDue.Equal(app.Clock.Now().Add(time.Minute)) {
		t.Fatalf("again: %d %s", res.Status, res.Body)
	}
	app.Clock.Advance(10 * time.Minute)
	res = api.Send(http.MethodPost, "/api/v1/reviews", map[string]any{"card_id": fmt.Sprint(first), "rating": 3})
	res.JSON(t, &out)
	if res.Status != 200 || out.State != "review" || !out.Due.After(againDue.Add(24*time.Hour)) {
		t.Fatalf("good: %d %s", res.Status, res.Body)
	}
	for _, body := range []any{
		map[string]any{"card_id": second, "rating": "brilliant"},
		map[string]any{"card_id": second, "rating": 7},
		map[string]any{"card_id": "x", "rating": "good"},
	} {
		res := api.Send(http.MethodPost, "/api/v1/reviews", body)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"fields"`) {
			t.Errorf("%v: %d %s", body, res.Status, res.Body)
		}
	}
	if res := api.Send(http.MethodPost, "/api/v1/reviews", `{"card_id": "1", "rating": "good"`); res.Status != http.StatusBadRequest {
		t.Fatalf("broken JSON: %d", res.Status)
	}
	// Someone else's card, in the organisation or not, does not exist.
	other := app.NewTeam(t, "Review Elsewhere")
	for _, u := range []store.User{tm.OtherPeer, tm.Supervisor, tm.Admin, other.Peer} {
		if res := app.APIClient(t, u).Send(http.MethodPost, "/api/v1/reviews", map[string]any{"card_id": second, "rating": "good"}); res.Status != http.StatusNotFound {
			t.Errorf("%s rating Pat's card: %d", u.Email, res.Status)
		}
		if res := app.SessionClient(t, u).PostForm("/learning/cards/"+second+"/delete", nil); res.Status != http.StatusNotFound {
			t.Errorf("%s deleting Pat's card: %d", u.Email, res.Status)
		}
	}
	var due struct {
		New, Learning, Review int
		Cards                 []struct{ ID, Front string }
	}
	app.Clock.Advance(time.Minute)
	res = api.Get("/api/v1/cards/due")
	if err := json.Unmarshal([]byte(res.Body), &due); err != nil || due.Learning != 1 || len(due.Cards) != 1 || due.Cards[0].Front != "RLC" {
		t.Fatalf("due: %s", res.Body)
	}
	if text := testkit.Text(c.Get("/learning/progress").Body); !strings.Contains(text, "Reviews in the last 30 days 3") {
		t.Fatalf("progress: %s", text)
	}
}

func TestPracticeQuizPages(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Quiz Pages")
	c := app.SessionClient(t, tm.Peer)
	if res := c.PostForm("/learning/quiz", url.Values{"category": {"gossip"}, "size": {"7"}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Choose 5, 10 or 20 questions.") {
		t.Fatalf("a bad quiz: %d", res.Status)
	}
	res := c.PostForm("/learning/quiz", url.Values{"category": {"organisations"}, "size": {"5"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("start: %d", res.Status)
	}
	path := res.Location()
	a, err := app.QuizAttempt(t.Context(), testkit.Actor(tm.Peer), idOf(path))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range a.Questions {
		right := q.Choices[q.Answer]
		for i, ch := range q.Choices {
			if i != q.Answer && ch == right {
				t.Fatalf("a distractor equals the answer: %+v", q)
			}
		}
	}
	form := url.Values{"q0": {fmt.Sprint(a.Questions[0].Answer)}, "q1": {"dont-know"}}
	bad := c.PostForm(path, form)
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, `href="#f-q2"`) || !strings.Contains(bad.Body, fmt.Sprintf(`id="q0-%d" name="q0" value="%d" checked`, a.Questions[0].Answer, a.Questions[0].Answer)) {
		t.Fatalf("missing answers: %d %s", bad.Status, testkit.Text(bad.Body))
	}
	for i := 2; i < a.Total; i++ {
		form.Set(fmt.Sprintf("q%d", i), fmt.Sprint(a.Questions[i].Answer))
	}
	res = c.PostForm(path, form)
	if res.Status != http.StatusSeeOther {
		t.Fatalf("hand in: %d", res.Status)
	}
	text := testkit.Text(c.Follow(res).Body)
	if !strings.Contains(text, fmt.Sprintf("You scored %d out of %d", a.Total-1, a.Total)) || !strings.Contains(text, "You did not know yet.") {
		t.Fatalf("results: %s", text)
	}
	if text := testkit.Text(c.Get("/learning/quiz").Body); !strings.Contains(text, "Organisations") || !strings.Contains(text, fmt.Sprintf("%d of %d", a.Total-1, a.Total)) {
		t.Fatalf("history: %s", text)
	}
	if res := app.SessionClient(t, tm.OtherPeer).Get(path); res.Status != http.StatusNotFound {
		t.Fatalf("another worker's quiz: %d", res.Status)
	}
}

func TestHomeShowsLearning(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Home Learning")
	app.AddGlossaryCards(t.Context(), testkit.Actor(tm.Peer), []string{"rlc", "rsc"})
	text := testkit.Text(app.SessionClient(t, tm.Peer).Get("/").Body)
	if !strings.Contains(text, "2 flashcards to study today") || !strings.Contains(text, "Take a practice quiz") {
		t.Fatalf("home: %s", text)
	}
	if text := testkit.Text(app.SessionClient(t, tm.Trainer).Get("/").Body); !strings.Contains(text, "Host a classroom game") {
		t.Fatalf("trainer home: %s", text)
	}
}

// TestQuizAnswersOutliveTheSession: answers handed in after the session
// ended are kept as a draft and offered back on the quiz.
func TestQuizAnswersOutliveTheSession(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Quiz Drafts")
	c := app.SignIn(t, tm.Peer)
	start := c.PostForm("/learning/quiz", url.Values{"category": {""}, "size": {"5"}})
	path := start.Location()
	a, _ := app.QuizAttempt(t.Context(), testkit.Actor(tm.Peer), idOf(path))
	app.Clock.Advance(store.IdleTimeout + time.Minute)
	if res := c.PostForm(path, url.Values{"q0": {"2"}, "q1": {"dont-know"}}); res.Status != http.StatusSeeOther || !strings.Contains(res.Location(), "draft=1") {
		t.Fatalf("answers after the session ended: %d %s", res.Status, res.Location())
	}
	ds, _ := app.Drafts(t.Context(), tm.Peer.ID)
	if len(ds) != 1 || ds[0].Path != path {
		t.Fatalf("drafts: %+v", ds)
	}
	c = app.SignIn(t, tm.Peer)
	page := c.Get(path + "?draft=" + itoa(ds[0].ID))
	if !strings.Contains(page.Body, `id="q0-2" name="q0" value="2" checked`) || !strings.Contains(page.Body, `value="dont-know" checked`) {
		t.Fatalf("the kept answers are not offered back (%d questions)", a.Total)
	}
}
