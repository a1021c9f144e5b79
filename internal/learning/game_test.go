package learning

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"peerpath/internal/core"
)

func newTestGame(t *testing.T, teams ...string) *Game {
	t.Helper()
	g, err := NewGame(DefaultBoard(), teams)
	if err != nil {
		t.Fatalf("NewGame: %v", err)
	}
	return g
}

func mustOK(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func mustKind(t *testing.T, what string, err error, kind core.Kind) {
	t.Helper()
	if got := core.KindOf(err); err == nil || got != kind {
		t.Fatalf("%s: got %v (%s), want %s", what, err, got, kind)
	}
}

func scores(g *Game) []int {
	var out []int
	for _, t := range g.Teams {
		out = append(out, t.Score)
	}
	return out
}

func TestNewGameValidatesTeams(t *testing.T) {
	b := DefaultBoard()
	for name, teams := range map[string][]string{
		"one team":       {"A"},
		"seven teams":    {"A", "B", "C", "D", "E", "F", "G"},
		"blank name":     {"A", "  "},
		"same name":      {"Table 1", "table 1"},
		"very long name": {"A", strings.Repeat("x", MaxTeamNameLen+1)},
	} {
		if _, err := NewGame(b, teams); core.KindOf(err) != core.KindInvalid {
			t.Errorf("%s: got %v, want invalid", name, err)
		}
	}
	bad := b
	bad.Categories = nil
	if _, err := NewGame(bad, []string{"A", "B"}); core.KindOf(err) != core.KindInvalid {
		t.Errorf("invalid board accepted: %v", err)
	}
	g, err := NewGame(b, []string{" Table 1 ", "Table 2", "C", "D", "E", "F"})
	if err != nil {
		t.Fatalf("six teams rejected: %v", err)
	}
	if g.Teams[0].Name != "Table 1" || g.Phase != PhaseBoard || g.Remaining() != 25 {
		t.Errorf("new game: %+v phase %s remaining %d", g.Teams[0], g.Phase, g.Remaining())
	}
}

// A whole classroom game: two teams, normal clues, both daily doubles, the
// final round, and the illegal moves in between.
func TestGamePlaysThrough(t *testing.T) {
	g := newTestGame(t, "Table 1", "Table 2")

	// Nothing is open yet.
	mustKind(t, "award with no clue", g.Award(0), core.KindConflict)
	mustKind(t, "deduct with no clue", g.Deduct(0), core.KindConflict)
	mustKind(t, "reveal with no clue", g.Reveal(), core.KindConflict)
	mustKind(t, "close with no clue", g.Close(), core.KindConflict)
	mustKind(t, "wager with no daily double", g.Wager(0, 100), core.KindConflict)
	mustKind(t, "open off the board", g.Open(9, 0), core.KindInvalid)
	mustKind(t, "open off the column", g.Open(0, 5), core.KindInvalid)
	mustKind(t, "open negative", g.Open(-1, 0), core.KindInvalid)

	// Core Concepts 100: Table 1 is right.
	mustOK(t, "open", g.Open(0, 0))
	if s := g.Snapshot(); s.Current == nil || s.Current.Text != g.Board.Categories[0].Clues[0].Clue || s.Current.Answer != "" {
		t.Fatalf("open clue snapshot: %+v", s.Current)
	}
	mustKind(t, "open a second clue", g.Open(0, 1), core.KindConflict)
	mustKind(t, "award a team that does not exist", g.Award(2), core.KindInvalid)
	mustOK(t, "award", g.Award(0))
	mustKind(t, "reopen a played clue", g.Open(0, 0), core.KindConflict)

	// Core Concepts 200: Table 2 misses, cannot answer again, Table 1 gets it.
	mustOK(t, "open", g.Open(0, 1))
	mustOK(t, "deduct", g.Deduct(1))
	mustKind(t, "deduct the same team twice", g.Deduct(1), core.KindConflict)
	mustKind(t, "award a team that already missed", g.Award(1), core.KindConflict)
	mustOK(t, "reveal", g.Reveal())
	if s := g.Snapshot(); s.Current.Answer != "Self-determination" {
		t.Errorf("revealed answer %q", s.Current.Answer)
	}
	mustOK(t, "award", g.Award(0))
	if want := []int{300, -200}; !slices.Equal(scores(g), want) {
		t.Fatalf("scores %v, want %v", scores(g), want)
	}

	// Trainings 300 is a daily double, found by Table 2 with -200.
	mustOK(t, "open daily double", g.Open(3, 2))
	if g.Phase != PhaseWager {
		t.Fatalf("phase %s, want wager", g.Phase)
	}
	s := g.Snapshot()
	if !s.Current.DailyDouble || s.Current.Text != "" {
		t.Errorf("daily double shows its text before the wager: %+v", s.Current)
	}
	mustKind(t, "award before wager", g.Award(1), core.KindConflict)
	mustKind(t, "reveal before wager", g.Reveal(), core.KindConflict)
	mustKind(t, "negative wager", g.Wager(1, -1), core.KindInvalid)
	mustKind(t, "wager over the board maximum", g.Wager(1, 501), core.KindInvalid)
	if got := g.MaxDailyDoubleWager(1); got != 500 {
		t.Errorf("max wager at -200 is %d, want 500", got)
	}
	mustOK(t, "wager", g.Wager(1, 500))
	if s := g.Snapshot(); s.Current.Text == "" || s.Current.Team != "Table 2" || s.Current.Wager != 500 {
		t.Errorf("daily double after wager: %+v", s.Current)
	}
	mustKind(t, "other team answers the daily double", g.Award(0), core.KindConflict)
	mustOK(t, "award daily double", g.Award(1))
	if want := []int{300, 300}; !slices.Equal(scores(g), want) {
		t.Fatalf("scores %v, want %v", scores(g), want)
	}

	// Score above the board maximum: Table 1 builds to 1,300 and may wager it.
	for _, rc := range [][2]int{{2, 3}, {2, 4}} {
		mustOK(t, "open", g.Open(rc[0], rc[1]))
		mustOK(t, "award", g.Award(0))
	}
	if g.Teams[0].Score != 1200 {
		t.Fatalf("Table 1 has %d, want 1200", g.Teams[0].Score)
	}
	mustOK(t, "open second daily double", g.Open(4, 3))
	mustKind(t, "wager over score", g.Wager(0, 1201), core.KindInvalid)
	mustOK(t, "wager whole score", g.Wager(0, 1200))
	mustOK(t, "miss daily double", g.Deduct(0))
	if g.Phase != PhaseBoard || !g.Used[4][3] {
		t.Errorf("a missed daily double should close: phase %s used %v", g.Phase, g.Used[4][3])
	}
	if want := []int{0, 300}; !slices.Equal(scores(g), want) {
		t.Fatalf("scores %v, want %v", scores(g), want)
	}

	// Nobody gets Roles 500; the host closes it.
	mustOK(t, "open", g.Open(1, 4))
	mustOK(t, "close", g.Close())
	if !g.Used[1][4] || g.Current != nil {
		t.Error("closed clue not marked used")
	}
	if got := g.Remaining(); got != 25-7 {
		t.Errorf("remaining %d, want %d", got, 25-7)
	}

	// Final round: Table 1 has 0 and sits out.
	mustOK(t, "open", g.Open(1, 0))
	mustKind(t, "final with a clue open", g.StartFinal(), core.KindConflict)
	mustOK(t, "close", g.Close())
	mustKind(t, "final wager before the final", g.FinalWager(1, 100), core.KindConflict)
	mustOK(t, "start final", g.StartFinal())
	mustKind(t, "open during the final", g.Open(0, 2), core.KindConflict)
	mustKind(t, "team at zero wagers", g.FinalWager(0, 0), core.KindConflict)
	mustKind(t, "final wager over score", g.FinalWager(1, 301), core.KindInvalid)
	mustKind(t, "show final before wagers", g.ShowFinal(), core.KindConflict)
	mustKind(t, "judge before the clue shows", g.JudgeFinal(1, true), core.KindConflict)
	mustOK(t, "final wager", g.FinalWager(1, 100))
	mustOK(t, "change final wager", g.FinalWager(1, 250))
	s = g.Snapshot()
	if s.Final == nil || s.Final.Text != "" || s.Final.Teams[1].Wager != 0 || !s.Final.Teams[1].Wagered {
		t.Errorf("final wager phase shows too much: %+v", s.Final)
	}
	mustOK(t, "show final", g.ShowFinal())
	s = g.Snapshot()
	if s.Final.Text != g.Board.Final.Clue || s.Final.Answer != "" {
		t.Errorf("final clue: %+v", s.Final)
	}
	mustKind(t, "judge a team not playing", g.JudgeFinal(0, true), core.KindConflict)
	mustOK(t, "judge", g.JudgeFinal(1, true))
	mustKind(t, "judge twice", g.JudgeFinal(1, false), core.KindConflict)
	if g.Phase != PhaseOver {
		t.Fatalf("phase %s, want over", g.Phase)
	}
	if want := []int{0, 550}; !slices.Equal(scores(g), want) {
		t.Fatalf("final scores %v, want %v", scores(g), want)
	}
	s = g.Snapshot()
	if !slices.Equal(s.Winners, []string{"Table 2"}) || s.Final.Answer == "" || s.Final.Teams[1].Wager != 250 || !s.Final.Teams[1].Correct {
		t.Errorf("game over snapshot: winners %v final %+v", s.Winners, s.Final)
	}
	mustKind(t, "open after the game", g.Open(0, 2), core.KindConflict)
}

func TestFinalWithNobodyAboveZeroEndsTheGame(t *testing.T) {
	g := newTestGame(t, "A", "B")
	mustOK(t, "open", g.Open(0, 0))
	mustOK(t, "deduct", g.Deduct(0))
	mustOK(t, "close", g.Close())
	mustOK(t, "start final", g.StartFinal())
	if g.Phase != PhaseOver {
		t.Errorf("phase %s, want over", g.Phase)
	}
	if got := g.Leaders(); !slices.Equal(got, []string{"B"}) {
		t.Errorf("leaders %v", got)
	}
}

func TestFinalLosingWagerAndTies(t *testing.T) {
	g := newTestGame(t, "A", "B", "C")
	for team, rc := range [][2]int{{0, 4}, {1, 4}} {
		mustOK(t, "open", g.Open(rc[0], rc[1]))
		mustOK(t, "award", g.Award(team))
	}
	mustOK(t, "start final", g.StartFinal())
	mustOK(t, "wager A", g.FinalWager(0, 500))
	mustOK(t, "wager B", g.FinalWager(1, 0))
	mustKind(t, "C sits out", g.FinalWager(2, 0), core.KindConflict)
	mustOK(t, "show", g.ShowFinal())
	mustOK(t, "reveal", g.RevealFinal())
	mustOK(t, "judge A", g.JudgeFinal(0, false))
	if g.Phase != PhaseFinalClue {
		t.Fatal("game ended before every playing team was judged")
	}
	mustOK(t, "judge B", g.JudgeFinal(1, false))
	if want := []int{0, 500, 0}; !slices.Equal(scores(g), want) {
		t.Errorf("scores %v, want %v", scores(g), want)
	}
	if got := g.Leaders(); !slices.Equal(got, []string{"B"}) {
		t.Errorf("leaders %v", got)
	}
}

func TestBoardWithoutFinalAndEarlyEnd(t *testing.T) {
	b := DefaultBoard()
	b.Final = nil
	g, err := NewGame(b, []string{"A", "B"})
	mustOK(t, "new game", err)
	mustKind(t, "final without a final clue", g.StartFinal(), core.KindConflict)
	mustOK(t, "open", g.Open(0, 0))
	mustKind(t, "end with a clue open", g.End(), core.KindConflict)
	mustOK(t, "award", g.Award(1))
	mustOK(t, "end", g.End())
	if s := g.Snapshot(); s.Phase != PhaseOver || !slices.Equal(s.Winners, []string{"B"}) {
		t.Errorf("ended game: %+v", s)
	}
}

// A refused move must leave the game exactly as it was.
func TestIllegalMovesChangeNothing(t *testing.T) {
	g := newTestGame(t, "A", "B")
	mustOK(t, "open", g.Open(3, 2))
	before, _ := json.Marshal(g)
	_ = g.Wager(0, 10_000)
	_ = g.Award(0)
	_ = g.Open(0, 0)
	_ = g.StartFinal()
	after, _ := json.Marshal(g)
	if string(before) != string(after) {
		t.Errorf("refused moves changed the game:\n%s\n%s", before, after)
	}
}

// The server stores the game as JSON between moves: a game restored halfway
// must carry on exactly like the original.
func TestGameJSONRoundTrip(t *testing.T) {
	play := func(g *Game) {
		mustOK(t, "open", g.Open(1, 1))
		mustOK(t, "deduct", g.Deduct(0))
		mustOK(t, "award", g.Award(1))
		mustOK(t, "open dd", g.Open(3, 2))
	}
	finish := func(g *Game) {
		mustOK(t, "wager", g.Wager(0, 300))
		mustOK(t, "reveal", g.Reveal())
		mustOK(t, "award", g.Award(0))
		mustOK(t, "final", g.StartFinal())
	}
	a := newTestGame(t, "A", "B")
	play(a)
	data, err := json.Marshal(a)
	mustOK(t, "marshal", err)
	var b Game
	mustOK(t, "unmarshal", json.Unmarshal(data, &b))
	mustOK(t, "validate restored", b.Validate())
	if !reflect.DeepEqual(*a, b) {
		t.Fatalf("restored game differs:\n%+v\n%+v", *a, b)
	}
	finish(a)
	finish(&b)
	sa, _ := json.Marshal(a.Snapshot())
	sb, _ := json.Marshal(b.Snapshot())
	if string(sa) != string(sb) {
		t.Errorf("restored game played differently:\n%s\n%s", sa, sb)
	}
}

func TestGameValidateCatchesCorruptState(t *testing.T) {
	cases := map[string]func(*Game){
		"used shape":       func(g *Game) { g.Used = g.Used[:2] },
		"open off board":   func(g *Game) { g.Phase = PhaseClue; g.Current = &OpenClue{Category: 9} },
		"open in board":    func(g *Game) { g.Current = &OpenClue{} },
		"unknown phase":    func(g *Game) { g.Phase = "lunch" },
		"one team":         func(g *Game) { g.Teams = g.Teams[:1] },
		"final mismatched": func(g *Game) { g.Final = &FinalRound{Playing: []bool{true}} },
		"final missing":    func(g *Game) { g.Phase = PhaseFinalWager },
	}
	for name, corrupt := range cases {
		g := newTestGame(t, "A", "B")
		mustOK(t, name+" fresh", g.Validate())
		corrupt(g)
		if err := g.Validate(); core.KindOf(err) != core.KindInvalid {
			t.Errorf("%s: got %v, want invalid", name, err)
		}
	}
}

// The projector view carries team names and scores and the board, nothing
// more: no slugs, no hidden daily doubles, no unrevealed answers.
func TestSnapshotShowsOnlyWhatTheRoomMaySee(t *testing.T) {
	g := newTestGame(t, "Table 1", "Table 2")
	data, err := json.Marshal(g.Snapshot())
	mustOK(t, "marshal", err)
	allowed := map[string]bool{
		"title": true, "phase": true, "teams": true, "name": true, "score": true, "categories": true,
		"clues": true, "value": true, "used": true, "current": true, "final": true, "winners": true,
		"remaining": true, "category": true, "daily_double": true, "team": true, "wager": true,
		"text": true, "answer": true, "playing": true, "wagered": true, "judged": true, "correct": true,
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, vv := range x {
				if !allowed[k] {
					t.Errorf("snapshot has unexpected field %q", k)
				}
				walk(vv)
			}
		case []any:
			for _, vv := range x {
				walk(vv)
			}
		}
	}
	var v any
	mustOK(t, "unmarshal", json.Unmarshal(data, &v))
	walk(v)
	text := string(data)
	for _, leak := range []string{"daily_double", "slug", "Recovery Learning Community", g.Board.Categories[0].Clues[0].Clue} {
		if strings.Contains(text, leak) {
			t.Errorf("fresh snapshot leaks %q", leak)
		}
	}
	// Played squares are marked.
	mustOK(t, "open", g.Open(2, 0))
	mustOK(t, "award", g.Award(0))
	s := g.Snapshot()
	if !s.Categories[2].Clues[0].Used || s.Categories[2].Clues[1].Used || s.Remaining != 24 {
		t.Errorf("used marks wrong: %+v remaining %d", s.Categories[2], s.Remaining)
	}
}
