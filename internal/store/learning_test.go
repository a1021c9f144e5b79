package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/learning"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

func kindOf(t *testing.T, err error, want core.Kind) *core.Error {
	t.Helper()
	e, ok := core.As(err)
	if !ok || e.Kind != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	return e
}

func auditDetails(t *testing.T, db *testkit.DB, orgID int64, recordType string) []string {
	t.Helper()
	l, err := db.ListAudit(ctx, orgID, store.AuditFilter{RecordType: recordType}, store.Page{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range l.Items {
		out = append(out, string(e.Action)+" "+e.Detail)
	}
	return out
}

func TestGlossaryOwnTerms(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Glossary RLC")
	other := db.NewTeam(t, "Elsewhere RSC")
	trainer := testkit.Actor(tm.Trainer)

	bridger := store.TermInput{Term: "Peer Bridger Team", Definition: "Our own bridging team, who meet people leaving hospital.", Category: learning.CategoryRoles,
		Related: []string{"RLC", "mutuality"}, Aliases: []string{"bridging team"}}
	e, err := db.AddTerm(ctx, trainer, bridger)
	if err != nil {
		t.Fatal(err)
	}
	if e.Slug != "peer-bridger-team" || !slices.Equal(e.Related, []string{"rlc", "mutuality"}) {
		t.Fatalf("added entry: %+v", e)
	}
	g, _ := db.Glossary(ctx, tm.Org.ID)
	if got, ok := g.Lookup("bridging team"); !ok || got.Slug != e.Slug || g.Origin(e.Slug) != store.OriginAdded {
		t.Fatalf("lookup by alias: %+v %v", got, ok)
	}
	if g2, _ := db.Glossary(ctx, other.Org.ID); g2.Len() != len(learning.Shipped()) {
		t.Fatal("another organisation sees the entry")
	}
	if _, ok := mustGlossary(t, db, other.Org.ID).Lookup("bridging team"); ok {
		t.Fatal("another organisation can look the entry up")
	}

	// Only trainers and administrators change the glossary.
	for _, u := range []store.User{tm.Peer, tm.Supervisor} {
		if _, err := db.AddTerm(ctx, testkit.Actor(u), store.TermInput{Term: "X", Definition: "Y", Category: "concepts"}); core.KindOf(err) != core.KindForbidden {
			t.Errorf("%s added a term: %v", u.Name, err)
		}
	}
	if _, err := db.AddTerm(ctx, testkit.Actor(tm.Admin), store.TermInput{Term: "Warmline shift", Definition: "An evening shift answering the peer warm line.", Category: "practices"}); err != nil {
		t.Fatalf("an administrator adding a term: %v", err)
	}

	// Bad input: a message per field, in plain words.
	cases := []struct {
		name  string
		in    store.TermInput
		field string
	}{
		{"no term", store.TermInput{Definition: "x", Category: "concepts"}, "term"},
		{"no term, no slug message", store.TermInput{Definition: "x", Category: "concepts"}, "!slug"},
		{"no definition", store.TermInput{Term: "Something new", Category: "concepts"}, "definition"},
		{"no category", store.TermInput{Term: "Something new", Definition: "x"}, "category"},
		{"unknown related", store.TermInput{Term: "Something new", Definition: "x", Category: "concepts", Related: []string{"no such entry"}}, "related"},
		{"taken name", store.TermInput{Term: "Regional Centre", Definition: "x", Category: "organisations", Aliases: []string{"Recovery Learning Community"}}, "aliases"},
		{"taken term", store.TermInput{Term: "Mutuality!", Slug: "mutuality-2", Definition: "x", Category: "concepts"}, "term"},
		{"shipped slug", store.TermInput{Term: "Trauma informed thing", Slug: "trauma", Definition: "x", Category: "concepts"}, "slug"},
		{"bad slug", store.TermInput{Term: "Odd", Slug: "Not A Slug", Definition: "x", Category: "concepts"}, "slug"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := db.AddTerm(ctx, trainer, c.in)
			e := kindOf(t, err, core.KindInvalid)
			if absent, ok := strings.CutPrefix(c.field, "!"); ok {
				if e.Fields[absent] != "" {
					t.Fatalf("a message for %s, which was left to peerpath: %v", absent, e.Fields)
				}
				return
			}
			if e.Fields[c.field] == "" || !strings.HasSuffix(e.Fields[c.field], ".") {
				t.Fatalf("fields %v, want a sentence for %s", e.Fields, c.field)
			}
		})
	}

	// Rewrite a shipped entry: the organisation's text replaces it.
	if _, err := db.UpdateTerm(ctx, trainer, "snippet", store.TermInput{Term: "Snippet", Definition: "A short, hopeful piece of one's own story, shared when it helps the other person.", Category: "practices", Aliases: []string{"story snippet"}}); err != nil {
		t.Fatal(err)
	}
	g = mustGlossary(t, db, tm.Org.ID)
	if s, _ := g.Lookup("story snippet"); !strings.HasPrefix(s.Definition, "A short, hopeful") || g.Origin("snippet") != store.OriginChanged {
		t.Fatalf("rewritten entry: %+v %s", s, g.Origin("snippet"))
	}
	if _, err := db.UpdateTerm(ctx, trainer, "no-such-entry", bridger); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("editing a missing entry: %v", err)
	}
	if _, err := db.UpdateTerm(ctx, testkit.Actor(other.Trainer), e.Slug, bridger); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("another organisation editing our entry: %v", err)
	}

	// Hide a shipped entry that ours relates to: the link is dropped, the
	// entry can be shown again.
	if err := db.HideTerm(ctx, trainer, "mutuality"); err != nil {
		t.Fatal(err)
	}
	g = mustGlossary(t, db, tm.Org.ID)
	if _, ok := g.Lookup("mutuality"); ok {
		t.Fatal("a hidden entry is still found")
	}
	if b, _ := g.Lookup(e.Slug); slices.Contains(b.Related, "mutuality") {
		t.Fatal("a related link to a hidden entry remains")
	}
	if h := g.Hidden(); len(h) != 1 || h[0].Slug != "mutuality" {
		t.Fatalf("hidden: %+v", h)
	}
	if err := db.ShowTerm(ctx, trainer, "mutuality"); err != nil {
		t.Fatal(err)
	}
	if _, ok := mustGlossary(t, db, tm.Org.ID).Lookup("mutuality"); !ok {
		t.Fatal("a shown entry is not found")
	}

	// Going back to peerpath's text, and deleting an own entry.
	if err := db.DeleteOwnTerm(ctx, trainer, "snippet"); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteOwnTerm(ctx, trainer, e.Slug); err != nil {
		t.Fatal(err)
	}
	g = mustGlossary(t, db, tm.Org.ID)
	if s, _ := g.Lookup("snippet"); g.Origin("snippet") != store.OriginShipped || strings.HasPrefix(s.Definition, "A short, hopeful") {
		t.Fatal("the shipped text did not come back")
	}
	if _, ok := g.Lookup(e.Slug); ok {
		t.Fatal("a deleted entry is still found")
	}
	details := strings.Join(auditDetails(t, db, tm.Org.ID, "glossary_term"), "; ")
	for _, want := range []string{"create peer-bridger-team", "create snippet", "update mutuality: hidden", "update mutuality: shown", "delete snippet: back to peerpath's text", "delete peer-bridger-team: deleted"} {
		if !strings.Contains(details, want) {
			t.Errorf("audit lacks %q: %s", want, details)
		}
	}
}

func mustGlossary(t *testing.T, db *testkit.DB, orgID int64) *store.OrgGlossary {
	t.Helper()
	g, err := db.Glossary(ctx, orgID)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestGlossaryCacheFollowsOtherProcesses opens the same database twice, as
// two server processes would: a change through one is seen by the other.
func TestGlossaryCacheFollowsOtherProcesses(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Two Processes")
	second, err := store.Open(ctx, db.DSN, store.Options{Clock: db.Clock, Keys: testkit.Keys()})
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if g, _ := second.Glossary(ctx, tm.Org.ID); g.Len() != len(learning.Shipped()) {
		t.Fatal("fresh glossary size")
	}
	if _, err := db.AddTerm(ctx, testkit.Actor(tm.Trainer), store.TermInput{Term: "Open Door Hours", Definition: "Drop-in hours at the centre.", Category: "practices"}); err != nil {
		t.Fatal(err)
	}
	g, err := second.Glossary(ctx, tm.Org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := g.Lookup("open door hours"); !ok {
		t.Fatal("the second process kept a stale glossary")
	}
}

func TestSearchGlossaryPages(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Search RLC")
	var all []string
	next := ""
	for i := 0; i < 10; i++ {
		l, err := db.SearchGlossary(ctx, tm.Org.ID, "", store.Page{Limit: 40, Cursor: next})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range l.Items {
			all = append(all, e.Slug)
		}
		if next = l.Next; next == "" {
			break
		}
	}
	if len(all) != len(learning.Shipped()) {
		t.Fatalf("paged through %d entries", len(all))
	}
	l, _ := db.SearchGlossary(ctx, tm.Org.ID, "recovery learning community", store.Page{})
	if len(l.Items) == 0 || l.Items[0].Slug != "rlc" {
		t.Fatalf("search by expansion: %+v", l.Items)
	}
	first, _ := db.SearchGlossary(ctx, tm.Org.ID, "peer", store.Page{Limit: 2})
	if _, err := db.SearchGlossary(ctx, tm.Org.ID, "trauma", store.Page{Cursor: first.Next}); core.KindOf(err) != core.KindMalformed {
		t.Fatalf("a cursor of another search: %v", err)
	}
}

func TestBoardsBelongToTheirOrganisation(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Boards RLC")
	other := db.NewTeam(t, "Other Boards")
	trainer := testkit.Actor(tm.Trainer)

	def, err := db.Board(ctx, testkit.Actor(tm.Peer), store.DefaultBoardRef)
	if err != nil || !def.Shipped() || def.Clues() != 25 || def.Board.Final == nil {
		t.Fatalf("default board: %+v %v", def, err)
	}
	b, err := db.BuildBoard(ctx, trainer, "Week 3 review", []string{"roles", "Organisations"})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Board.Categories) != 2 || b.Board.Categories[0].Name != "Roles" || b.Ref == "" {
		t.Fatalf("built board: %+v", b.Board)
	}
	if _, err := db.BuildBoard(ctx, testkit.Actor(tm.Peer), "Mine", []string{"roles"}); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a peer worker building a board: %v", err)
	}
	e := kindOf(t, func() error { _, err := db.BuildBoard(ctx, trainer, "", nil); return err }(), core.KindInvalid)
	if e.Fields["title"] == "" || e.Fields["categories"] == "" {
		t.Fatalf("empty board form: %v", e.Fields)
	}

	// Everyone in the organisation may open it; nobody outside.
	for _, u := range []store.User{tm.Peer, tm.OtherPeer, tm.Supervisor, tm.Admin, tm.Trainer} {
		if _, err := db.Board(ctx, testkit.Actor(u), b.Ref); err != nil {
			t.Errorf("%s opening the board: %v", u.Name, err)
		}
	}
	for _, u := range []store.User{other.Trainer, other.Admin} {
		if _, err := db.Board(ctx, testkit.Actor(u), b.Ref); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s of another organisation opening the board: %v", u.Name, err)
		}
		if _, err := db.UpdateBoard(ctx, testkit.Actor(u), b.ID, b.Board); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s of another organisation changing the board: %v", u.Name, err)
		}
		if err := db.DeleteBoard(ctx, testkit.Actor(u), b.ID); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s of another organisation deleting the board: %v", u.Name, err)
		}
	}
	if l, _ := db.ListBoards(ctx, testkit.Actor(other.Trainer), store.Page{}); len(l.Items) != 0 {
		t.Fatal("another organisation lists the board")
	}

	// A clue must name an entry of the glossary; the answer is filled in.
	nb := b.Board
	nb.Categories[0].Clues[0] = learning.Clue{Value: 100, Slug: "no-such-entry", Clue: "A made-up clue."}
	e = kindOf(t, func() error { _, err := db.UpdateBoard(ctx, trainer, b.ID, nb); return err }(), core.KindInvalid)
	if e.Fields["categories[0].clues[0].slug"] == "" {
		t.Fatalf("unknown entry on a board: %v", e.Fields)
	}
	nb.Categories[0].Clues[0] = learning.Clue{Value: 100, Slug: "RLC", Clue: "A regional peer-run centre."}
	up, err := db.UpdateBoard(ctx, trainer, b.ID, nb)
	if err != nil {
		t.Fatal(err)
	}
	if c := up.Board.Categories[0].Clues[0]; c.Slug != "rlc" || c.Answer != "RLC (Recovery Learning Community)" {
		t.Fatalf("clue after saving: %+v", c)
	}
	if err := db.DeleteBoard(ctx, trainer, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Board(ctx, trainer, b.Ref); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("a deleted board: %v", err)
	}
	if got := strings.Join(auditDetails(t, db, tm.Org.ID, "board"), ";"); !strings.Contains(got, "create") || !strings.Contains(got, "update") || !strings.Contains(got, "delete") {
		t.Fatalf("board audit: %s", got)
	}
}

func TestListBoardsPages(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Many Boards")
	a := testkit.Actor(tm.Trainer)
	for i := range 5 {
		if _, err := db.BuildBoard(ctx, a, fmt.Sprintf("Board %d", 5-i), []string{"roles"}); err != nil {
			t.Fatal(err)
		}
	}
	var titles []string
	next := ""
	for {
		l, err := db.ListBoards(ctx, a, store.Page{Limit: 2, Cursor: next})
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range l.Items {
			titles = append(titles, b.Board.Title)
		}
		if next = l.Next; next == "" {
			break
		}
	}
	if strings.Join(titles, ",") != "Board 1,Board 2,Board 3,Board 4,Board 5" {
		t.Fatalf("pages: %v", titles)
	}
}

func TestClassroomGameIsTheHostsAlone(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Game RLC")
	other := db.NewTeam(t, "Game Elsewhere")
	host := testkit.Actor(tm.Trainer)
	g, err := db.StartGame(ctx, host, store.DefaultBoardRef, []string{"Table 1", "Table 2", " "})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Code) < 20 || len(g.Game.Teams) != 2 || g.Version != 1 {
		t.Fatalf("new game: %+v", g)
	}
	e := kindOf(t, func() error {
		_, err := db.StartGame(ctx, host, store.DefaultBoardRef, []string{"Only one"})
		return err
	}(), core.KindInvalid)
	if e.Fields["teams"] == "" {
		t.Fatalf("one team: %v", e.Fields)
	}
	if _, err := db.StartGame(ctx, testkit.Actor(tm.Peer), store.DefaultBoardRef, []string{"A", "B"}); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a peer worker hosting: %v", err)
	}

	// The host alone: another trainer or the administrator of the same
	// organisation, and anyone elsewhere, are told there is no such game.
	second := db.MakeUser(t, tm.Org.ID, "trainer2@gamerlc.test", "Tomas Trainer", "trainer")
	for _, u := range []store.User{second, tm.Admin, tm.Peer, other.Trainer, other.Admin} {
		if _, err := db.Game(ctx, testkit.Actor(u), g.ID); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s opening the game: %v", u.Name, err)
		}
		if _, err := db.PlayGame(ctx, testkit.Actor(u), g.ID, g.Version, store.GameMove{Action: store.MoveEnd}); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s moving in the game: %v", u.Name, err)
		}
		if l, _ := db.ListGames(ctx, testkit.Actor(u), store.Page{}); len(l.Items) != 0 {
			t.Errorf("%s lists the game", u.Name)
		}
	}

	// Open, reveal, award: the version guards against a double click.
	g, err = db.PlayGame(ctx, host, g.ID, g.Version, store.GameMove{Action: store.MoveOpen, Category: 0, Index: 0})
	if err != nil {
		t.Fatal(err)
	}
	g, err = db.PlayGame(ctx, host, g.ID, g.Version, store.GameMove{Action: store.MoveReveal})
	if err != nil {
		t.Fatal(err)
	}
	g, err = db.PlayGame(ctx, host, g.ID, g.Version, store.GameMove{Action: store.MoveAward, Team: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PlayGame(ctx, host, g.ID, g.Version-1, store.GameMove{Action: store.MoveAward, Team: 1}); core.KindOf(err) != core.KindConflict {
		t.Fatalf("a second click: %v", err)
	}
	if _, err := db.PlayGame(ctx, host, g.ID, g.Version, store.GameMove{Action: store.MoveOpen, Category: 0, Index: 0}); core.KindOf(err) != core.KindConflict {
		t.Fatalf("a played clue opened again: %v", err)
	}
	if _, err := db.PlayGame(ctx, host, g.ID, g.Version, store.GameMove{Action: "cheat"}); core.KindOf(err) != core.KindMalformed {
		t.Fatalf("an unknown move: %v", err)
	}
	g, _ = db.Game(ctx, host, g.ID)
	if g.Game.Teams[1].Score != 100 || g.Game.Teams[0].Score != 0 || g.Version != 4 {
		t.Fatalf("after the award: %+v v%d", g.Game.Teams, g.Version)
	}

	// The projector sees the snapshot by code, in any case and grouping.
	code := strings.ToLower(g.Code[:4]) + "-" + g.Code[4:]
	p, err := db.GameByCode(ctx, code)
	if err != nil || p.Version != g.Version || p.Snapshot.Teams[1].Score != 100 || !p.Snapshot.Categories[0].Clues[0].Used {
		t.Fatalf("projector: %+v %v", p, err)
	}
	if _, err := db.GameByCode(ctx, "AAAAAAAAAAAAAAAAAAAA"); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("unknown code: %v", err)
	}
	g, err = db.PlayGame(ctx, host, g.ID, g.Version, store.GameMove{Action: store.MoveEnd})
	if err != nil || !g.Over() || g.EndedAt.IsZero() {
		t.Fatalf("ending: %+v %v", g, err)
	}
	if got := auditDetails(t, db, tm.Org.ID, "game"); len(got) != 5 {
		t.Fatalf("game audit: %v", got)
	}
}

// TestFSRSOnTheStoreClock: a card rated Good is due later than one rated
// Again, with time from the store's (test) clock.
func TestFSRSOnTheStoreClock(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Cards RLC")
	other := db.NewTeam(t, "Cards Elsewhere")
	pat := testkit.Actor(tm.Peer)
	n, err := db.AddGlossaryCards(ctx, pat, []string{"mutuality", "RLC", "wrap"})
	if err != nil || n != 3 {
		t.Fatalf("adding: %d %v", n, err)
	}
	if n, _ := db.AddGlossaryCards(ctx, pat, []string{"Mutuality"}); n != 0 {
		t.Fatal("the same entry was added twice")
	}
	if _, err := db.AddGlossaryCards(ctx, pat, []string{"no such entry"}); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("unknown entry: %v", err)
	}
	own, err := db.AddOwnCard(ctx, pat, store.CardInput{Front: "What does HEL stand for?", Back: "Human Experience Language"})
	if err != nil {
		t.Fatal(err)
	}
	dayStart := testkit.Start.Add(-time.Hour)
	q, err := db.ReviewQueue(ctx, pat, dayStart)
	if err != nil || len(q.Cards) != 4 || q.Counts.New != 4 {
		t.Fatalf("first queue: %+v %v", q.Counts, err)
	}
	good, err := db.ReviewCard(ctx, pat, q.Cards[0].ID, learning.Good, 0)
	if err != nil {
		t.Fatal(err)
	}
	again, err := db.ReviewCard(ctx, pat, q.Cards[1].ID, learning.Again, 0)
	if err != nil {
		t.Fatal(err)
	}
	now := db.Clock.Now()
	if !good.Sched.Due.After(again.Sched.Due) || !again.Sched.Due.After(now) {
		t.Fatalf("good due %v, again due %v (now %v)", good.Sched.Due, again.Sched.Due, now)
	}
	if again.Sched.Due.Sub(now) != time.Minute || good.Sched.Due.Sub(now) != 10*time.Minute {
		t.Fatalf("learning steps: again +%v, good +%v", again.Sched.Due.Sub(now), good.Sched.Due.Sub(now))
	}
	if _, err := db.ReviewCard(ctx, pat, q.Cards[0].ID, learning.Good, 0); core.KindOf(err) != core.KindConflict {
		t.Fatalf("a second click: %v", err)
	}
	// Graduate the Good card and check the interval is in days.
	db.Clock.Advance(10 * time.Minute)
	grad, err := db.ReviewCard(ctx, pat, good.ID, learning.Good, -1)
	if err != nil || grad.Sched.State != learning.StateReview || grad.Sched.ScheduledDays < 1 {
		t.Fatalf("graduating: %+v %v", grad.Sched, err)
	}
	q, _ = db.ReviewQueue(ctx, pat, dayStart)
	if q.Counts.New != 2 || q.Counts.Learning != 1 || q.Counts.Review != 0 || q.Cards[0].ID != again.ID {
		t.Fatalf("queue after reviews: %+v first %d", q.Counts, q.Cards[0].ID)
	}
	db.Clock.Advance(time.Duration(grad.Sched.ScheduledDays) * 24 * time.Hour)
	if q, _ = db.ReviewQueue(ctx, pat, db.Clock.Now().Add(-time.Hour)); q.Counts.Review != 1 {
		t.Fatalf("the graduated card is not due on its day: %+v", q.Counts)
	}

	// The cards are Pat's alone.
	for _, u := range []store.User{tm.OtherPeer, tm.Supervisor, tm.Admin, other.Peer} {
		a := testkit.Actor(u)
		if _, err := db.Card(ctx, a, own.ID); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s reading Pat's card: %v", u.Name, err)
		}
		if _, err := db.ReviewCard(ctx, a, own.ID, learning.Easy, -1); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s rating Pat's card: %v", u.Name, err)
		}
		if _, err := db.UpdateOwnCard(ctx, a, own.ID, store.CardInput{Front: "x", Back: "y"}); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s editing Pat's card: %v", u.Name, err)
		}
		if err := db.DeleteCard(ctx, a, own.ID); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s deleting Pat's card: %v", u.Name, err)
		}
		if l, _ := db.ListCards(ctx, a, store.Page{}); len(l.Items) != 0 {
			t.Errorf("%s lists Pat's cards", u.Name)
		}
	}

	hist, err := db.ReviewHistory(ctx, pat, testkit.Start.Add(-time.Hour))
	if err != nil || len(hist) != 3 || hist[1].Rating != learning.Again {
		t.Fatalf("history: %+v %v", hist, err)
	}
	// A deleted card's reviews stay in the history.
	if err := db.DeleteCard(ctx, pat, again.ID); err != nil {
		t.Fatal(err)
	}
	if hist, _ = db.ReviewHistory(ctx, pat, testkit.Start.Add(-time.Hour)); len(hist) != 3 {
		t.Fatalf("history after deleting a card: %d", len(hist))
	}
	if _, err := db.ReviewCard(ctx, pat, own.ID, learning.Rating(9), -1); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("rating 9: %v", err)
	}
	e := kindOf(t, func() error { _, err := db.AddOwnCard(ctx, pat, store.CardInput{Front: " "}); return err }(), core.KindInvalid)
	if e.Fields["front"] == "" || e.Fields["back"] == "" {
		t.Fatalf("empty card: %v", e.Fields)
	}
	if _, err := db.UpdateOwnCard(ctx, pat, grad.ID, store.CardInput{Front: "x", Back: "y"}); core.KindOf(err) != core.KindConflict {
		t.Fatalf("editing a glossary card: %v", err)
	}
	if _, err := db.RecordPastReview(ctx, pat, own.ID, learning.Good, db.Clock.Now().Add(time.Hour)); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("a review in the future: %v", err)
	}
}

func TestNewCardsPerDay(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Many Cards")
	a := testkit.Actor(tm.Peer)
	var all []string
	for _, e := range learning.Shipped() {
		all = append(all, e.Slug)
	}
	if n, err := db.AddGlossaryCards(ctx, a, all); err != nil || n != len(all) {
		t.Fatalf("adding the glossary: %d %v", n, err)
	}
	day := testkit.Start.Add(-time.Hour)
	q, _ := db.ReviewQueue(ctx, a, day)
	if q.Counts.New != store.NewCardsPerDay || len(q.Cards) != store.NewCardsPerDay {
		t.Fatalf("new cards on day one: %+v", q.Counts)
	}
	for _, c := range q.Cards[:5] {
		if _, err := db.ReviewCard(ctx, a, c.ID, learning.Easy, 0); err != nil {
			t.Fatal(err)
		}
	}
	if q, _ = db.ReviewQueue(ctx, a, day); q.Counts.New != store.NewCardsPerDay-5 {
		t.Fatalf("new cards after starting five: %+v", q.Counts)
	}
	if q.NextDue.IsZero() {
		t.Fatal("no next due date")
	}
}

func TestPracticeQuiz(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Quiz RLC")
	other := db.NewTeam(t, "Quiz Elsewhere")
	pat := testkit.Actor(tm.Peer)
	q, err := db.StartQuiz(ctx, pat, learning.CategoryRoles, 5)
	if err != nil || q.Total != 5 || len(q.Questions) != 5 {
		t.Fatalf("start: %+v %v", q, err)
	}
	g := mustGlossary(t, db, tm.Org.ID)
	for _, qu := range q.Questions {
		answer := qu.Choices[qu.Answer]
		e, _ := g.Lookup(qu.Slug)
		for i, c := range qu.Choices {
			if i != qu.Answer && (c == answer || learning.MatchAnswer(c, e)) {
				t.Fatalf("a distractor is the answer: %q for %s", c, qu.Slug)
			}
			if d, ok := g.Lookup(c); !ok || d.Category != learning.CategoryRoles {
				t.Fatalf("a choice from outside the category: %q", c)
			}
		}
	}
	kindOf(t, func() error { _, err := db.StartQuiz(ctx, pat, "gossip", 10); return err }(), core.KindInvalid)
	kindOf(t, func() error { _, err := db.StartQuiz(ctx, pat, "", 7); return err }(), core.KindInvalid)

	answers := make([]int, q.Total)
	for i, qu := range q.Questions {
		answers[i] = qu.Answer
	}
	answers[0], answers[1] = store.Unanswered, store.DontKnow
	e := kindOf(t, func() error { _, err := db.SubmitQuiz(ctx, pat, q.ID, answers); return err }(), core.KindInvalid)
	if e.Fields["q0"] == "" || e.Fields["q1"] != "" {
		t.Fatalf("unanswered: %v", e.Fields)
	}
	for _, u := range []store.User{tm.OtherPeer, tm.Admin, other.Peer} {
		if _, err := db.QuizAttempt(ctx, testkit.Actor(u), q.ID); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s reading Pat's quiz: %v", u.Name, err)
		}
		if _, err := db.SubmitQuiz(ctx, testkit.Actor(u), q.ID, answers); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s answering Pat's quiz: %v", u.Name, err)
		}
	}
	answers[0] = q.Questions[0].Answer
	done, err := db.SubmitQuiz(ctx, pat, q.ID, answers)
	if err != nil || done.Correct != 4 || done.Percent() != 80 {
		t.Fatalf("graded: %+v %v", done, err)
	}
	if _, err := db.SubmitQuiz(ctx, pat, q.ID, answers); core.KindOf(err) != core.KindConflict {
		t.Fatalf("handing in twice: %v", err)
	}
	if _, err := db.StartQuiz(ctx, pat, "", 5); err != nil {
		t.Fatal(err)
	}
	l, err := db.ListQuizAttempts(ctx, pat, store.Page{})
	if err != nil || len(l.Items) != 1 || l.Items[0].Correct != 4 {
		t.Fatalf("history (finished only): %+v %v", l.Items, err)
	}
	if l, _ := db.ListQuizAttempts(ctx, testkit.Actor(tm.OtherPeer), store.Page{}); len(l.Items) != 0 {
		t.Fatal("another worker sees Pat's history")
	}
}

// BenchmarkReviewQueue measures the store query behind the page a learner
// opens most (the daily review, reloaded after every card) at state scale:
// 400 workers in one organisation with the whole glossary each, plus the
// learner's 500 own cards, 200 of them reviewed.
func BenchmarkReviewQueue(b *testing.B) {
	db := testkit.NewStore(b)
	tm := db.NewTeam(b, "Bench RLC")
	var all []string
	for _, e := range learning.Shipped() {
		all = append(all, e.Slug)
	}
	for i := range 400 {
		u := db.MakeUser(b, tm.Org.ID, fmt.Sprintf("w%d@bench.test", i), fmt.Sprintf("Worker %d", i), "peer")
		if _, err := db.AddGlossaryCards(context.Background(), testkit.Actor(u), all); err != nil {
			b.Fatal(err)
		}
	}
	pat := testkit.Actor(tm.Peer)
	db.AddGlossaryCards(context.Background(), pat, all)
	var ids []int64
	for i := range 500 {
		c, err := db.AddOwnCard(context.Background(), pat, store.CardInput{Front: fmt.Sprintf("Question %d", i), Back: "Answer"})
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	for _, id := range ids[:200] {
		db.ReviewCard(context.Background(), pat, id, learning.Good, -1)
	}
	db.Clock.Advance(30 * time.Minute)
	day := db.Clock.Now().Add(-time.Hour)
	b.ResetTimer()
	for b.Loop() {
		if _, err := db.ReviewQueue(context.Background(), pat, day); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGlossarySearch is the glossary page's work once the merged
// glossary is cached: one revision check and an in-memory search.
func BenchmarkGlossarySearch(b *testing.B) {
	db := testkit.NewStore(b)
	tm := db.NewTeam(b, "Bench Glossary")
	for i := range 200 {
		if _, err := db.AddTerm(context.Background(), testkit.Actor(tm.Trainer), store.TermInput{Term: fmt.Sprintf("Local programme %d", i), Definition: "A programme of our own.", Category: "trainings"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := db.SearchGlossary(context.Background(), tm.Org.ID, "peer support", store.Page{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProjectorPoll is what every projector in every classroom asks
// every two seconds: the version check (answered 204 when unchanged), and
// the full snapshot read when a move was made. 2,000 games are stored.
func BenchmarkProjectorPoll(b *testing.B) {
	db := testkit.NewStore(b)
	tm := db.NewTeam(b, "Bench Games")
	a := testkit.Actor(tm.Trainer)
	var code string
	for i := range 2000 {
		g, err := db.StartGame(context.Background(), a, store.DefaultBoardRef, []string{"Table 1", "Table 2", "Table 3"})
		if err != nil {
			b.Fatal(err)
		}
		if i == 1000 {
			code = g.Code
		}
	}
	b.Run("version", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.GameVersionByCode(context.Background(), code); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("snapshot", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.GameByCode(context.Background(), code); err != nil {
				b.Fatal(err)
			}
		}
	})
}
