package learning

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"peerpath/internal/core"
)

// Team limits for a classroom game.
const (
	MinTeams       = 2
	MaxTeams       = 6
	MaxTeamNameLen = 40
)

// Phase is where a game is.
type Phase string

// The phases of a game, in the order they normally come.
const (
	PhaseBoard      Phase = "board"       // the host picks a clue
	PhaseWager      Phase = "wager"       // a daily double is waiting for its team's wager
	PhaseClue       Phase = "clue"        // a clue is open
	PhaseFinalWager Phase = "final_wager" // teams with a positive score wager
	PhaseFinalClue  Phase = "final_clue"  // the final clue is shown and answers are judged
	PhaseOver       Phase = "over"
)

// Team is a team in the game. Teams are named by the class ("Table 3",
// "The Snippets"); the game stores nothing else about who is playing.
type Team struct {
	Name  string `json:"name"`
	Score int    `json:"score"`
}

// OpenClue is the clue currently in play.
type OpenClue struct {
	Category    int  `json:"category"`
	Index       int  `json:"index"`
	Revealed    bool `json:"revealed"`
	DailyDouble bool `json:"daily_double"`
	// Team and Wager are set for a daily double once the wager is placed;
	// Team is -1 until then.
	Team  int `json:"team"`
	Wager int `json:"wager"`
	// Missed lists the teams that already answered this clue wrongly and
	// lost its value; they may not answer it again.
	Missed []int `json:"missed,omitempty"`
}

// FinalRound tracks the final clue. Only teams with a positive score when it
// starts may play, as on television.
type FinalRound struct {
	Playing  []bool `json:"playing"`
	Wagered  []bool `json:"wagered"`
	Wagers   []int  `json:"wagers"`
	Judged   []bool `json:"judged"`
	Correct  []bool `json:"correct"`
	Revealed bool   `json:"revealed"`
}

// Game is the state of a classroom review game. It is plain data with
// exported fields so a server can store it as JSON between moves; every
// method checks the move against the state and changes nothing when it
// refuses one.
type Game struct {
	Board   Board       `json:"board"`
	Teams   []Team      `json:"teams"`
	Used    [][]bool    `json:"used"`
	Phase   Phase       `json:"phase"`
	Current *OpenClue   `json:"current,omitempty"`
	Final   *FinalRound `json:"final,omitempty"`
}

// NewGame starts a game on board b with 2–6 uniquely named teams at zero.
func NewGame(b Board, teamNames []string) (*Game, error) {
	if err := ValidateBoard(b); err != nil {
		return nil, err
	}
	f := map[string]string{}
	if n := len(teamNames); n < MinTeams || n > MaxTeams {
		f["teams"] = fmt.Sprintf("a game needs %d to %d teams", MinTeams, MaxTeams)
	}
	seen := map[string]bool{}
	teams := make([]Team, 0, len(teamNames))
	for i, n := range teamNames {
		n = strings.TrimSpace(n)
		field := fmt.Sprintf("teams[%d]", i)
		switch {
		case n == "":
			f[field] = "needs a name"
		case utf8.RuneCountInString(n) > MaxTeamNameLen:
			f[field] = fmt.Sprintf("must be at most %d characters", MaxTeamNameLen)
		case seen[fold(n)]:
			f[field] = "has the same name as another team"
		}
		seen[fold(n)] = true
		teams = append(teams, Team{Name: n})
	}
	if err := core.Invalid(f); err != nil {
		return nil, err
	}
	used := make([][]bool, len(b.Categories))
	for i, c := range b.Categories {
		used[i] = make([]bool, len(c.Clues))
	}
	return &Game{Board: b, Teams: teams, Used: used, Phase: PhaseBoard}, nil
}

func invalid(format string, args ...any) error { return core.Errorf(core.KindInvalid, format, args...) }
func conflict(format string, args ...any) error {
	return core.Errorf(core.KindConflict, format, args...)
}

func (g *Game) team(i int) error {
	if i < 0 || i >= len(g.Teams) {
		return invalid("There is no team %d.", i+1)
	}
	return nil
}

func (g *Game) openClue() *Clue {
	return &g.Board.Categories[g.Current.Category].Clues[g.Current.Index]
}

// Remaining is the number of clues not yet played.
func (g *Game) Remaining() int {
	n := 0
	for _, col := range g.Used {
		for _, u := range col {
			if !u {
				n++
			}
		}
	}
	return n
}

// Open puts the clue in row index of category cat in play. A daily double
// waits for a wager before its text is shown.
func (g *Game) Open(cat, index int) error {
	if g.Phase != PhaseBoard {
		return conflict("Finish the current clue before opening another.")
	}
	if cat < 0 || cat >= len(g.Board.Categories) || index < 0 || index >= len(g.Board.Categories[cat].Clues) {
		return invalid("There is no such clue on the board.")
	}
	if g.Used[cat][index] {
		return conflict("That clue has already been played.")
	}
	c := g.Board.Categories[cat].Clues[index]
	g.Current = &OpenClue{Category: cat, Index: index, DailyDouble: c.DailyDouble, Team: -1}
	g.Phase = PhaseClue
	if c.DailyDouble {
		g.Phase = PhaseWager
	}
	return nil
}

// MaxDailyDoubleWager is the most team may wager on a daily double: their
// score, or the board's top value if that is more (so a team at zero or below
// can still play).
func (g *Game) MaxDailyDoubleWager(team int) int {
	if team < 0 || team >= len(g.Teams) {
		return 0
	}
	return max(g.Teams[team].Score, g.Board.MaxValue())
}

// Wager records the wager of the team that found the daily double.
func (g *Game) Wager(team, amount int) error {
	if g.Phase != PhaseWager {
		return conflict("There is no daily double waiting for a wager.")
	}
	if err := g.team(team); err != nil {
		return err
	}
	if m := g.MaxDailyDoubleWager(team); amount < 0 || amount > m {
		return invalid("The wager must be between 0 and %d.", m)
	}
	g.Current.Team, g.Current.Wager = team, amount
	g.Phase = PhaseClue
	return nil
}

// Reveal shows the open clue's answer.
func (g *Game) Reveal() error {
	if g.Phase != PhaseClue {
		return conflict("There is no open clue to reveal.")
	}
	g.Current.Revealed = true
	return nil
}

// Award gives team the clue's value (or, on a daily double, their wager) for
// a right answer, and closes the clue.
func (g *Game) Award(team int) error {
	pts, err := g.judge(team)
	if err != nil {
		return err
	}
	g.Teams[team].Score += pts
	g.close()
	return nil
}

// Deduct takes the clue's value (or the daily double wager) from team for a
// wrong answer. A normal clue stays open for the other teams; a daily double
// closes, since only its team may answer.
func (g *Game) Deduct(team int) error {
	pts, err := g.judge(team)
	if err != nil {
		return err
	}
	g.Teams[team].Score -= pts
	if g.Current.DailyDouble {
		g.close()
		return nil
	}
	g.Current.Missed = append(g.Current.Missed, team)
	return nil
}

func (g *Game) judge(team int) (int, error) {
	if g.Phase != PhaseClue {
		if g.Phase == PhaseWager {
			return 0, conflict("The daily double needs a wager first.")
		}
		return 0, conflict("There is no open clue to score.")
	}
	if err := g.team(team); err != nil {
		return 0, err
	}
	if g.Current.DailyDouble {
		if team != g.Current.Team {
			return 0, conflict("Only %s may answer this daily double.", g.Teams[g.Current.Team].Name)
		}
		return g.Current.Wager, nil
	}
	if slices.Contains(g.Current.Missed, team) {
		return 0, conflict("%s has already answered this clue.", g.Teams[team].Name)
	}
	return g.openClue().Value, nil
}

// Close ends the open clue with no (further) points, for when nobody gets it.
func (g *Game) Close() error {
	if g.Phase != PhaseClue && g.Phase != PhaseWager {
		return conflict("There is no open clue to close.")
	}
	g.close()
	return nil
}

func (g *Game) close() {
	g.Used[g.Current.Category][g.Current.Index] = true
	g.Current = nil
	g.Phase = PhaseBoard
}

// StartFinal begins the final round. Clues may be left unplayed (classes run
// out of time). Teams with a score above zero play; if none has, the game
// ends.
func (g *Game) StartFinal() error {
	if g.Phase != PhaseBoard {
		return conflict("Finish the current clue before the final round.")
	}
	if g.Board.Final == nil {
		return conflict("This board has no final clue.")
	}
	n := len(g.Teams)
	fr := &FinalRound{Playing: make([]bool, n), Wagered: make([]bool, n), Wagers: make([]int, n), Judged: make([]bool, n), Correct: make([]bool, n)}
	anyone := false
	for i, t := range g.Teams {
		fr.Playing[i] = t.Score > 0
		anyone = anyone || fr.Playing[i]
	}
	g.Final = fr
	g.Phase = PhaseFinalWager
	if !anyone {
		g.Phase = PhaseOver
	}
	return nil
}

// FinalWager records a playing team's final wager, 0 up to their score. A
// team may change it until the final clue is shown.
func (g *Game) FinalWager(team, amount int) error {
	if g.Phase != PhaseFinalWager {
		return conflict("Final wagers are not open.")
	}
	if err := g.team(team); err != nil {
		return err
	}
	if !g.Final.Playing[team] {
		return conflict("%s does not have a score above zero, so sits out the final round.", g.Teams[team].Name)
	}
	if s := g.Teams[team].Score; amount < 0 || amount > s {
		return invalid("The wager must be between 0 and %d.", s)
	}
	g.Final.Wagers[team], g.Final.Wagered[team] = amount, true
	return nil
}

// ShowFinal shows the final clue once every playing team has wagered.
func (g *Game) ShowFinal() error {
	if g.Phase != PhaseFinalWager {
		return conflict("Final wagers are not open.")
	}
	for i, p := range g.Final.Playing {
		if p && !g.Final.Wagered[i] {
			return conflict("%s has not placed a wager yet.", g.Teams[i].Name)
		}
	}
	g.Phase = PhaseFinalClue
	return nil
}

// RevealFinal shows the final answer.
func (g *Game) RevealFinal() error {
	if g.Phase != PhaseFinalClue {
		return conflict("The final clue is not showing.")
	}
	g.Final.Revealed = true
	return nil
}

// JudgeFinal applies the host's judgement of a team's final answer. When the
// last playing team is judged the answer is revealed and the game ends.
func (g *Game) JudgeFinal(team int, correct bool) error {
	if g.Phase != PhaseFinalClue {
		return conflict("The final clue is not showing.")
	}
	if err := g.team(team); err != nil {
		return err
	}
	if !g.Final.Playing[team] {
		return conflict("%s is not playing the final round.", g.Teams[team].Name)
	}
	if g.Final.Judged[team] {
		return conflict("%s has already been judged.", g.Teams[team].Name)
	}
	g.Final.Judged[team], g.Final.Correct[team] = true, correct
	if correct {
		g.Teams[team].Score += g.Final.Wagers[team]
	} else {
		g.Teams[team].Score -= g.Final.Wagers[team]
	}
	for i, p := range g.Final.Playing {
		if p && !g.Final.Judged[i] {
			return nil
		}
	}
	g.Final.Revealed = true
	g.Phase = PhaseOver
	return nil
}

// End finishes the game early, from the board.
func (g *Game) End() error {
	if g.Phase != PhaseBoard {
		return conflict("Finish the current clue before ending the game.")
	}
	g.Phase = PhaseOver
	return nil
}

// Leaders are the names of the team or teams with the highest score.
func (g *Game) Leaders() []string {
	if len(g.Teams) == 0 {
		return nil
	}
	best := g.Teams[0].Score
	for _, t := range g.Teams {
		best = max(best, t.Score)
	}
	var out []string
	for _, t := range g.Teams {
		if t.Score == best {
			out = append(out, t.Name)
		}
	}
	return out
}

// Snapshot is what the projector shows. It holds team names and scores and
// the board, and nothing about the people playing; daily doubles stay hidden
// until found, answers until revealed, and final wagers until judged.
type Snapshot struct {
	Title      string         `json:"title"`
	Phase      Phase          `json:"phase"`
	Teams      []Team         `json:"teams"`
	Categories []CategoryView `json:"categories"`
	Current    *CurrentView   `json:"current,omitempty"`
	Final      *FinalView     `json:"final,omitempty"`
	Winners    []string       `json:"winners,omitempty"`
	Remaining  int            `json:"remaining"`
}

// CategoryView is a board column as shown.
type CategoryView struct {
	Name  string     `json:"name"`
	Clues []ClueView `json:"clues"`
}

// ClueView is a board square as shown.
type ClueView struct {
	Value int  `json:"value"`
	Used  bool `json:"used"`
}

// CurrentView is the clue in play as shown.
type CurrentView struct {
	Category    string `json:"category"`
	Value       int    `json:"value"`
	DailyDouble bool   `json:"daily_double"`
	Team        string `json:"team,omitempty"`
	Wager       int    `json:"wager,omitempty"`
	Text        string `json:"text,omitempty"`
	Answer      string `json:"answer,omitempty"`
}

// FinalView is the final round as shown.
type FinalView struct {
	Category string          `json:"category"`
	Text     string          `json:"text,omitempty"`
	Answer   string          `json:"answer,omitempty"`
	Teams    []FinalTeamView `json:"teams"`
}

// FinalTeamView is one team's part in the final round as shown.
type FinalTeamView struct {
	Name    string `json:"name"`
	Playing bool   `json:"playing"`
	Wagered bool   `json:"wagered"`
	Judged  bool   `json:"judged"`
	Correct bool   `json:"correct,omitempty"`
	Wager   int    `json:"wager,omitempty"`
}

// Snapshot returns the projector view of the game.
func (g *Game) Snapshot() Snapshot {
	s := Snapshot{Title: g.Board.Title, Phase: g.Phase, Teams: slices.Clone(g.Teams), Remaining: g.Remaining()}
	for i, c := range g.Board.Categories {
		cv := CategoryView{Name: c.Name}
		for j, cl := range c.Clues {
			cv.Clues = append(cv.Clues, ClueView{Value: cl.Value, Used: g.Used[i][j]})
		}
		s.Categories = append(s.Categories, cv)
	}
	if g.Current != nil {
		cl := g.openClue()
		cur := &CurrentView{Category: g.Board.Categories[g.Current.Category].Name, Value: cl.Value, DailyDouble: g.Current.DailyDouble}
		if g.Phase == PhaseClue {
			cur.Text = cl.Clue
			if g.Current.DailyDouble {
				cur.Team, cur.Wager = g.Teams[g.Current.Team].Name, g.Current.Wager
			}
		}
		if g.Current.Revealed {
			cur.Answer = cl.Answer
		}
		s.Current = cur
	}
	if g.Final != nil && g.Board.Final != nil {
		fv := &FinalView{Category: g.Board.FinalCategory}
		if g.Phase == PhaseFinalClue || g.Phase == PhaseOver {
			fv.Text = g.Board.Final.Clue
		}
		if g.Final.Revealed {
			fv.Answer = g.Board.Final.Answer
		}
		for i, t := range g.Teams {
			ft := FinalTeamView{Name: t.Name, Playing: g.Final.Playing[i], Wagered: g.Final.Wagered[i], Judged: g.Final.Judged[i]}
			if ft.Judged {
				ft.Correct, ft.Wager = g.Final.Correct[i], g.Final.Wagers[i]
			}
			fv.Teams = append(fv.Teams, ft)
		}
		s.Final = fv
	}
	if g.Phase == PhaseOver {
		s.Winners = g.Leaders()
	}
	return s
}

// Validate checks that a game loaded from storage is consistent with itself
// (board shape, team count, used marks, open clue and final round), so the
// move methods can trust it. A server should call it after decoding a game.
func (g *Game) Validate() error {
	if err := ValidateBoard(g.Board); err != nil {
		return err
	}
	if n := len(g.Teams); n < MinTeams || n > MaxTeams {
		return invalid("A game needs %d to %d teams.", MinTeams, MaxTeams)
	}
	if len(g.Used) != len(g.Board.Categories) {
		return invalid("The game's record of played clues does not fit its board.")
	}
	for i, c := range g.Board.Categories {
		if len(g.Used[i]) != len(c.Clues) {
			return invalid("The game's record of played clues does not fit its board.")
		}
	}
	switch g.Phase {
	case PhaseBoard, PhaseFinalWager, PhaseFinalClue, PhaseOver:
		if g.Current != nil {
			return invalid("The game has an open clue outside a clue phase.")
		}
	case PhaseWager, PhaseClue:
		o := g.Current
		if o == nil || o.Category < 0 || o.Category >= len(g.Board.Categories) || o.Index < 0 || o.Index >= len(g.Board.Categories[o.Category].Clues) {
			return invalid("The game's open clue is not on its board.")
		}
		if g.Phase == PhaseClue && o.DailyDouble && (o.Team < 0 || o.Team >= len(g.Teams)) {
			return invalid("The game's daily double has no team.")
		}
		for _, t := range o.Missed {
			if t < 0 || t >= len(g.Teams) {
				return invalid("The game's open clue names a team that does not exist.")
			}
		}
	default:
		return invalid("The game is in an unknown phase %q.", g.Phase)
	}
	if g.Phase == PhaseFinalWager || g.Phase == PhaseFinalClue {
		if g.Final == nil || g.Board.Final == nil {
			return invalid("The game's final round is missing.")
		}
	}
	if f := g.Final; f != nil {
		n := len(g.Teams)
		if len(f.Playing) != n || len(f.Wagered) != n || len(f.Wagers) != n || len(f.Judged) != n || len(f.Correct) != n {
			return invalid("The game's final round does not fit its teams.")
		}
	}
	return nil
}
