package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/learning"
)

// A classroom game is hosted by one trainer on their own device; the class
// watches a projector view that anyone holding the game's code can open
// without signing in. The code is the capability, so it is long and random
// (auth.NewCode(12): 96 bits) and the projector view shows only
// learning.Game.Snapshot, which holds team names and scores and nothing
// about the people in the room.

// GameRecord is a stored classroom game.
type GameRecord struct {
	ID        int64
	HostID    int64
	BoardRef  string
	Title     string
	Code      string
	Phase     learning.Phase
	Version   int64
	Game      *learning.Game // nil in lists
	CreatedAt time.Time
	UpdatedAt time.Time
	EndedAt   time.Time
}

// Over reports whether the game has ended.
func (g GameRecord) Over() bool { return g.Phase == learning.PhaseOver }

// The moves a host makes, as GameMove.Action.
const (
	MoveOpen        = "open"         // Category, Index
	MoveWager       = "wager"        // Team, Amount (daily double)
	MoveReveal      = "reveal"       //
	MoveAward       = "award"        // Team
	MoveDeduct      = "deduct"       // Team
	MoveClose       = "close"        // nobody (else) answered
	MoveStartFinal  = "start_final"  //
	MoveFinalWager  = "final_wager"  // Team, Amount
	MoveShowFinal   = "show_final"   //
	MoveRevealFinal = "reveal_final" //
	MoveJudgeFinal  = "judge_final"  // Team, Correct
	MoveEnd         = "end"          //
)

// GameMove is one move of the host.
type GameMove struct {
	Action          string
	Category, Index int
	Team            int
	Amount          int
	Correct         bool
}

func (m GameMove) apply(g *learning.Game) error {
	switch m.Action {
	case MoveOpen:
		return g.Open(m.Category, m.Index)
	case MoveWager:
		return g.Wager(m.Team, m.Amount)
	case MoveReveal:
		return g.Reveal()
	case MoveAward:
		return g.Award(m.Team)
	case MoveDeduct:
		return g.Deduct(m.Team)
	case MoveClose:
		return g.Close()
	case MoveStartFinal:
		return g.StartFinal()
	case MoveFinalWager:
		return g.FinalWager(m.Team, m.Amount)
	case MoveShowFinal:
		return g.ShowFinal()
	case MoveRevealFinal:
		return g.RevealFinal()
	case MoveJudgeFinal:
		return g.JudgeFinal(m.Team, m.Correct)
	case MoveEnd:
		return g.End()
	}
	return core.Malformed("action", "This is not a move of the game.")
}

// NormaliseGameCode reads a projector code as a person may type it: in
// capitals or small letters, with spaces or hyphens between groups.
func NormaliseGameCode(code string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(code) {
		if (r >= 'A' && r <= 'Z') || (r >= '2' && r <= '7') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// StartGame starts a classroom game on a board with 2–6 teams, hosted by
// the actor.
func (s *Store) StartGame(ctx context.Context, a Actor, boardRef string, teams []string) (GameRecord, error) {
	if err := mustTeach(a); err != nil {
		return GameRecord{}, err
	}
	b, err := s.Board(ctx, a, boardRef)
	if err != nil {
		return GameRecord{}, err
	}
	var names []string
	for _, t := range teams {
		if t = strings.TrimSpace(t); t != "" {
			names = append(names, t)
		}
	}
	g, err := learning.NewGame(b.Board, names)
	if e, ok := core.As(err); ok && e.Kind == core.KindInvalid {
		f := map[string]string{}
		for k, v := range e.Fields {
			switch {
			case k == "teams":
				f["teams"] = fmt.Sprintf("Name %d to %d teams.", learning.MinTeams, learning.MaxTeams)
			case strings.HasPrefix(k, "teams["):
				f["teams"] = "Each team " + strings.TrimSuffix(v, ".") + "."
			default:
				f["board"] = fmt.Sprintf("This board cannot be played: %s.", v)
			}
		}
		return GameRecord{}, core.Invalid(f)
	}
	if err != nil {
		return GameRecord{}, err
	}
	raw, err := json.Marshal(g)
	if err != nil {
		return GameRecord{}, err
	}
	rec := GameRecord{HostID: a.UserID, BoardRef: b.Ref, Title: b.Board.Title, Code: auth.NewCode(12), Phase: g.Phase, Version: 1, Game: g}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		now := ms(s.now())
		if err := tx.QueryRowContext(ctx, `INSERT INTO learning_games (org_id, host_id, board_ref, title, code, state, phase, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			a.OrgID, a.UserID, rec.BoardRef, rec.Title, rec.Code, string(raw), string(rec.Phase), rec.Version, now).Scan(&rec.ID); err != nil {
			return err
		}
		rec.CreatedAt, rec.UpdatedAt = fromMS(now), fromMS(now)
		return s.record(ctx, tx, a, audit.ActionCreate, "game", rec.ID, fmt.Sprintf("%d teams", len(names)))
	})
	return rec, err
}

const gameColumns = "id, host_id, board_ref, title, code, phase, version, created_at, updated_at, ended_at"

func scanGame(sc interface{ Scan(...any) error }, extra ...any) (GameRecord, error) {
	var g GameRecord
	var phase string
	var created, updated, ended int64
	dest := append([]any{&g.ID, &g.HostID, &g.BoardRef, &g.Title, &g.Code, &phase, &g.Version, &created, &updated, &ended}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return g, err
	}
	g.Phase, g.CreatedAt, g.UpdatedAt, g.EndedAt = learning.Phase(phase), fromMS(created), fromMS(updated), fromMS(ended)
	return g, nil
}

func decodeGame(raw string) (*learning.Game, error) {
	var g learning.Game
	if err := json.Unmarshal([]byte(raw), &g); err != nil {
		return nil, err
	}
	if err := g.Validate(); err != nil {
		return nil, fmt.Errorf("stored game does not validate: %w", err)
	}
	return &g, nil
}

// gameFor loads a game the actor hosts. Everyone else, in the organisation
// or outside it, is told it does not exist.
func (s *Store) gameFor(ctx context.Context, q querier, a Actor, id int64, lock string) (GameRecord, error) {
	var raw string
	g, err := scanGame(q.QueryRowContext(ctx, "SELECT "+gameColumns+", state FROM learning_games WHERE id = $1 AND org_id = $2 AND host_id = $3"+lock, id, a.OrgID, a.UserID), &raw)
	if errors.Is(err, sql.ErrNoRows) {
		return GameRecord{}, core.NotFound("The game")
	}
	if err != nil {
		return GameRecord{}, err
	}
	g.Game, err = decodeGame(raw)
	return g, err
}

// Game returns a game the actor hosts.
func (s *Store) Game(ctx context.Context, a Actor, id int64) (GameRecord, error) {
	return s.gameFor(ctx, s.rdb, a, id, "")
}

// ListGames lists the games the actor hosts, newest first.
func (s *Store) ListGames(ctx context.Context, a Actor, p Page) (List[GameRecord], error) {
	var before int64
	if _, err := decodeCursor(p.Cursor, &before); err != nil {
		return List[GameRecord]{}, err
	}
	limit := p.limit()
	q := "SELECT " + gameColumns + " FROM learning_games WHERE org_id = $1 AND host_id = $2"
	args := []any{a.OrgID, a.UserID}
	if before > 0 {
		q += " AND id < $3"
		args = append(args, before)
	}
	q += fmt.Sprintf(" ORDER BY id DESC LIMIT %d", limit+1)
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return List[GameRecord]{}, err
	}
	defer rows.Close()
	var out []GameRecord
	for rows.Next() {
		g, err := scanGame(rows)
		if err != nil {
			return List[GameRecord]{}, err
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return List[GameRecord]{}, err
	}
	out, more := trim(out, limit)
	res := List[GameRecord]{Items: out}
	if more {
		res.Next = encodeCursor(out[len(out)-1].ID)
	}
	return res, nil
}

// PlayGame applies the host's move to a game they host. version is the
// version the host's page showed: if the game has moved on since (a second
// click, another window), nothing is applied and a conflict says so, so a
// double-click never awards points twice. A move the rules refuse changes
// nothing either.
func (s *Store) PlayGame(ctx context.Context, a Actor, id, version int64, m GameMove) (GameRecord, error) {
	var rec GameRecord
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		rec, err = s.gameFor(ctx, tx, a, id, s.forUpdate())
		if err != nil {
			return err
		}
		if version != rec.Version {
			return core.Conflict("The game had already moved on (a second click, or another window), so nothing was changed. Here is where it is now.")
		}
		if rec.Over() {
			return core.Conflict("This game has ended.")
		}
		if err := m.apply(rec.Game); err != nil {
			return err
		}
		raw, err := json.Marshal(rec.Game)
		if err != nil {
			return err
		}
		now := ms(s.now())
		rec.Phase, rec.Version, rec.UpdatedAt = rec.Game.Phase, rec.Version+1, fromMS(now)
		ended := int64(0)
		if rec.Over() {
			ended, rec.EndedAt = now, fromMS(now)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE learning_games SET state = $1, phase = $2, version = $3, updated_at = $4, ended_at = $5 WHERE id = $6 AND org_id = $7",
			string(raw), string(rec.Phase), rec.Version, now, ended, id, a.OrgID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "game", id, m.Action)
	})
	return rec, err
}

// ProjectorGame is what the public projector view may know of a game.
type ProjectorGame struct {
	ID       int64
	Version  int64
	Snapshot learning.Snapshot
}

// GameByCode finds a game by its projector code, for the public projector
// view. It returns the snapshot only: team names, scores and the board.
func (s *Store) GameByCode(ctx context.Context, code string) (ProjectorGame, error) {
	code = NormaliseGameCode(code)
	if len(code) < 16 {
		return ProjectorGame{}, core.NotFound("The game")
	}
	var p ProjectorGame
	var raw string
	err := s.rdb.QueryRowContext(ctx, "SELECT id, version, state FROM learning_games WHERE code = $1", code).Scan(&p.ID, &p.Version, &raw)
	if errors.Is(err, sql.ErrNoRows) {
		return ProjectorGame{}, core.NotFound("The game")
	}
	if err != nil {
		return ProjectorGame{}, err
	}
	g, err := decodeGame(raw)
	if err != nil {
		return ProjectorGame{}, err
	}
	p.Snapshot = g.Snapshot()
	return p, nil
}

// GameVersionByCode is the cheap check the projector's polling makes: the
// game's current version, without reading its state.
func (s *Store) GameVersionByCode(ctx context.Context, code string) (int64, error) {
	code = NormaliseGameCode(code)
	var v int64
	err := s.rdb.QueryRowContext(ctx, "SELECT version FROM learning_games WHERE code = $1", code).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, core.NotFound("The game")
	}
	return v, err
}
