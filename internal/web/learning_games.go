package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"peerpath/internal/core"
	"peerpath/internal/i18n"
	"peerpath/internal/learning"
	"peerpath/internal/store"
)

// Classroom games. The trainer hosts on their own device (the host view,
// theirs alone); the class watches the projector view at /play/{code},
// which needs no sign-in: the game's random code is the capability, and the
// view shows only learning.Game.Snapshot (team names, scores, the board).
// The projector polls a small fragment every two seconds with htmx; the
// poll carries the version it shows and gets 204 No Content while nothing
// has changed, so a slow connection carries almost nothing between moves.

type gamesView struct {
	Games []store.GameRecord
	Next  string
}

func (s *Server) gamesPage(w http.ResponseWriter, r *http.Request) error {
	l, err := s.store.ListGames(r.Context(), s.actor(r), store.Page{Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		return err
	}
	return s.render(w, r, "learning_games.html", gamesView{Games: l.Items, Next: l.Next})
}

type gameNewView struct {
	Form  *form
	Board store.StoredBoard
	Teams []teamField // the team name fields shown
}

type teamField struct {
	Name     string
	Number   int
	Required bool // a game needs at least learning.MinTeams
}

func teamFields() []teamField {
	out := make([]teamField, learning.MaxTeams)
	for i := range out {
		out[i] = teamField{Name: fmt.Sprintf("team%d", i), Number: i + 1, Required: i < learning.MinTeams}
	}
	return out
}

func (s *Server) newGamePage(w http.ResponseWriter, r *http.Request) error {
	f, ok := s.draftForm(r)
	if !ok {
		f = newForm(url.Values{"team0": {"Team 1"}, "team1": {"Team 2"}})
	}
	ref := r.URL.Query().Get("board")
	if ref == "" {
		ref = f.Get("board")
	}
	if ref == "" {
		ref = store.DefaultBoardRef
	}
	b, err := s.store.Board(r.Context(), s.actor(r), ref)
	if err != nil {
		return err
	}
	f.Values.Set("board", b.Ref)
	return s.render(w, r, "learning_game_new.html", gameNewView{Form: f, Board: b, Teams: teamFields()})
}

func (s *Server) startGame(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	b, err := s.store.Board(r.Context(), s.actor(r), f.Get("board"))
	if err != nil {
		return err
	}
	var teams []string
	for i := range learning.MaxTeams {
		teams = append(teams, f.Get(fmt.Sprintf("team%d", i)))
	}
	g, err := s.store.StartGame(r.Context(), s.actor(r), b.Ref, teams)
	if f.Fail(err) {
		// The store names "teams" as a whole; the summary links to the first.
		if msg, ok := f.Errors["teams"]; ok {
			delete(f.Errors, "teams")
			f.Errors["team0"] = msg
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "learning_game_new.html", gameNewView{Form: f, Board: b, Teams: teamFields()})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/learning/games/%d", g.ID), localizer(r).T("messages.learning.game_has_started"))
}

// hostView is the trainer's view of a game they host.
type hostView struct {
	Rec          store.GameRecord
	G            *learning.Game
	Rows         []hostRow
	Current      *hostClue
	Final        *hostFinal
	ProjectorURL string
	CodeShown    string
	Form         *form
	CanStartEnd  bool
	Teams        []hostTeam
}

type hostRow struct {
	Value int
	Cells []hostCell
}

type hostCell struct {
	Cat, Index int
	Has, Used  bool
	Category   string
}

type hostTeam struct {
	Index    int
	Name     string
	Score    int
	CanJudge bool // may be given or lose the open clue's points
}

type hostClue struct {
	Category    string
	Value       int
	Clue        learning.Clue
	Revealed    bool
	DailyDouble bool
	WagerNeeded bool
	Wager       int
	Team        string
	MaxWager    int
}

type hostFinal struct {
	Category string
	Clue     learning.Clue
	Teams    []hostFinalTeam
	Revealed bool
}

type hostFinalTeam struct {
	Index                    int
	Name                     string
	Score                    int
	Playing, Wagered, Judged bool
	Correct                  bool
	Wager                    int
}

// groupCode writes a code in groups of four, easier to read out and type.
func groupGameCode(code string) string {
	var parts []string
	for len(code) > 4 {
		parts = append(parts, code[:4])
		code = code[4:]
	}
	return strings.Join(append(parts, code), "-")
}

func (s *Server) hostViewOf(r *http.Request, rec store.GameRecord, f *form) hostView {
	g := rec.Game
	v := hostView{Rec: rec, G: g, Form: f, ProjectorURL: s.baseURL(r) + "/play/" + rec.Code, CodeShown: groupGameCode(rec.Code), CanStartEnd: g.Phase == learning.PhaseBoard}
	for _, val := range learning.ClueValues {
		row := hostRow{Value: val}
		found := false
		for ci, c := range g.Board.Categories {
			cell := hostCell{Cat: ci, Index: -1, Category: c.Name}
			for j, cl := range c.Clues {
				if cl.Value == val {
					cell.Index, cell.Has, cell.Used, found = j, true, g.Used[ci][j], true
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		if found {
			v.Rows = append(v.Rows, row)
		}
	}
	for i, t := range g.Teams {
		v.Teams = append(v.Teams, hostTeam{Index: i, Name: t.Name, Score: t.Score})
	}
	if cur := g.Current; cur != nil {
		cl := g.Board.Categories[cur.Category].Clues[cur.Index]
		hc := &hostClue{Category: g.Board.Categories[cur.Category].Name, Value: cl.Value, Clue: cl, Revealed: cur.Revealed,
			DailyDouble: cur.DailyDouble, WagerNeeded: g.Phase == learning.PhaseWager, Wager: cur.Wager, MaxWager: g.Board.MaxValue()}
		if cur.DailyDouble && cur.Team >= 0 {
			hc.Team = g.Teams[cur.Team].Name
		}
		for i := range v.Teams {
			t := &v.Teams[i]
			switch {
			case g.Phase != learning.PhaseClue:
			case cur.DailyDouble:
				t.CanJudge = i == cur.Team
			default:
				t.CanJudge = !teamIn(cur.Missed, i)
			}
			if hc.WagerNeeded {
				hc.MaxWager = max(hc.MaxWager, g.MaxDailyDoubleWager(i))
			}
		}
		v.Current = hc
	}
	if fr := g.Final; fr != nil && g.Board.Final != nil {
		hf := &hostFinal{Category: g.Board.FinalCategory, Clue: *g.Board.Final, Revealed: fr.Revealed}
		for i, t := range g.Teams {
			hf.Teams = append(hf.Teams, hostFinalTeam{Index: i, Name: t.Name, Score: t.Score, Playing: fr.Playing[i], Wagered: fr.Wagered[i],
				Judged: fr.Judged[i], Correct: fr.Correct[i], Wager: fr.Wagers[i]})
		}
		v.Final = hf
	}
	return v
}

func teamIn(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func (s *Server) hostGame(w http.ResponseWriter, r *http.Request) error {
	gid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rec, err := s.store.Game(r.Context(), s.actor(r), gid)
	if err != nil {
		return err
	}
	return s.render(w, r, "learning_game_host.html", s.hostViewOf(r, rec, newForm(nil)))
}

// gameMove reads a move from the host's form. Numbers that do not parse are
// out of range for the game, which then refuses the move.
func gameMove(f *form) store.GameMove {
	num := func(k string) int {
		n, err := strconv.Atoi(f.Get(k))
		if err != nil {
			return -1
		}
		return n
	}
	m := store.GameMove{Action: f.Get("action"), Category: num("c"), Index: num("i"), Team: num("team"), Amount: num("amount"), Correct: f.Get("correct") == "yes"}
	if m.Action == store.MoveFinalWager {
		m.Amount = num(fmt.Sprintf("amount%d", m.Team))
	}
	return m
}

func (s *Server) playGame(w http.ResponseWriter, r *http.Request) error {
	gid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	version, _ := strconv.ParseInt(f.Get("v"), 10, 64)
	m := gameMove(f)
	to := fmt.Sprintf("/learning/games/%d", gid)
	_, err = s.store.PlayGame(r.Context(), s.actor(r), gid, version, m)
	if err == nil {
		return redirect(w, r, to+"#current", "")
	}
	e, ok := core.As(err)
	if !ok {
		return err
	}
	switch e.Kind {
	case core.KindConflict:
		// A move the game refuses now (a second click, another window):
		// show the game as it is, with the reason.
		return redirect(w, r, to, e.Message)
	case core.KindInvalid, core.KindMalformed:
		rec, gerr := s.store.Game(r.Context(), s.actor(r), gid)
		if gerr != nil {
			return gerr
		}
		field := ""
		switch m.Action {
		case store.MoveWager:
			field = "amount"
		case store.MoveFinalWager:
			field = fmt.Sprintf("amount%d", m.Team)
		}
		f.Errors[field] = e.Message
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "learning_game_host.html", s.hostViewOf(r, rec, f))
	}
	return err
}

// The projector view (public; the code is the capability).

type projectorView struct {
	Code    string
	Version int64
	S       learning.Snapshot
	Rows    []projectorRow
	L       *i18n.Localizer // the reader's language: the board fragment is rendered without the page around it
}

type projectorRow struct {
	Value int
	Cells []projectorCell
}

type projectorCell struct {
	Has, Used bool
	Category  string
}

func projectorOf(code string, p store.ProjectorGame, l *i18n.Localizer) projectorView {
	v := projectorView{Code: code, Version: p.Version, S: p.Snapshot, L: l}
	for _, val := range learning.ClueValues {
		row := projectorRow{Value: val}
		found := false
		for _, c := range p.Snapshot.Categories {
			cell := projectorCell{Category: c.Name}
			for _, cl := range c.Clues {
				if cl.Value == val {
					cell.Has, cell.Used, found = true, cl.Used, true
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		if found {
			v.Rows = append(v.Rows, row)
		}
	}
	return v
}

// projectorAllowed applies the projector's own rate limit: generous enough
// for a screen polling every two seconds (and a few more in the room), far
// too low to guess 96-bit codes.
func (s *Server) projectorAllowed(r *http.Request) error {
	if !s.limits.projector.allow(s.clientIP(r)) {
		return rateLimited()
	}
	return nil
}

type playCodeView struct {
	Form *form
}

// playCode is where a projector is pointed: type the code the host sees.
func (s *Server) playCode(w http.ResponseWriter, r *http.Request) error {
	if err := s.projectorAllowed(r); err != nil {
		return err
	}
	f := newForm(r.URL.Query())
	if code := store.NormaliseGameCode(f.Get("code")); code != "" {
		if _, err := s.store.GameVersionByCode(r.Context(), code); err == nil {
			http.Redirect(w, r, "/play/"+code, http.StatusSeeOther)
			return nil
		}
		f.Errors["code"] = "No game has this code. Check it against the code on the host's screen."
		return s.renderStatus(w, r, http.StatusNotFound, "learning_play_code.html", playCodeView{Form: f})
	}
	return s.render(w, r, "learning_play_code.html", playCodeView{Form: f})
}

func (s *Server) projector(w http.ResponseWriter, r *http.Request) error {
	if err := s.projectorAllowed(r); err != nil {
		return err
	}
	code := store.NormaliseGameCode(r.PathValue("code"))
	p, err := s.store.GameByCode(r.Context(), code)
	if err != nil {
		return err
	}
	if code != r.PathValue("code") {
		http.Redirect(w, r, "/play/"+code, http.StatusSeeOther)
		return nil
	}
	w.Header().Set("X-Robots-Tag", "noindex")
	return s.render(w, r, "learning_projector.html", projectorOf(code, p, localizer(r)))
}

// projectorBoard is the fragment the projector polls. With ?v= (what htmx
// sends) it answers 204 while the game is still at that version; a client
// that sends If-None-Match with the ETag gets 304.
func (s *Server) projectorBoard(w http.ResponseWriter, r *http.Request) error {
	if err := s.projectorAllowed(r); err != nil {
		return err
	}
	code := store.NormaliseGameCode(r.PathValue("code"))
	version, err := s.store.GameVersionByCode(r.Context(), code)
	if err != nil {
		return err
	}
	etag := fmt.Sprintf(`"g%d"`, version)
	w.Header().Set("ETag", etag)
	w.Header().Set("X-Robots-Tag", "noindex")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	if v := r.URL.Query().Get("v"); v == strconv.FormatInt(version, 10) {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	p, err := s.store.GameByCode(r.Context(), code)
	if err != nil {
		return err
	}
	return s.renderFragment(w, r, "learning_projector.html", "projector-board", projectorOf(code, p, localizer(r)))
}
