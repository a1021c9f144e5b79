package store

import (
	"context"
	crand "crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/core"
	"peerpath/internal/learning"
)

// DefaultBoardRef names the board shipped with peerpath in addresses and the
// API. Every organisation has it; nobody can change it (trainers copy it).
const DefaultBoardRef = "default"

// StoredBoard is a review-game board: the shipped default or one a trainer
// of the organisation built.
type StoredBoard struct {
	Ref           string // DefaultBoardRef or the id
	ID            int64  // 0 for the default board
	Board         learning.Board
	CreatedBy     int64
	CreatedByName string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Shipped reports whether this is peerpath's default board.
func (b StoredBoard) Shipped() bool { return b.ID == 0 }

// Clues counts the board's clues (the final one not included).
func (b StoredBoard) Clues() int {
	n := 0
	for _, c := range b.Board.Categories {
		n += len(c.Clues)
	}
	return n
}

// defaultBoard is the shipped board under its public reference.
func defaultBoard() StoredBoard {
	b := learning.DefaultBoard()
	b.ID = DefaultBoardRef
	return StoredBoard{Ref: DefaultBoardRef, Board: b}
}

// newRand is a random source for boards and quizzes, seeded from the
// operating system so two classes never get the same board by accident.
func newRand() *rand.Rand {
	var b [16]byte
	if _, err := crand.Read(b[:]); err != nil {
		panic("store: no randomness: " + err.Error())
	}
	return rand.New(rand.NewPCG(binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])))
}

// Board returns a board the actor's organisation can use: the default one
// (ref DefaultBoardRef) or one of its own.
func (s *Store) Board(ctx context.Context, a Actor, ref string) (StoredBoard, error) {
	if ref == DefaultBoardRef {
		return defaultBoard(), nil
	}
	id, err := parseRef(ref)
	if err != nil {
		return StoredBoard{}, core.NotFound("The board")
	}
	return s.boardByID(ctx, s.rdb, a.OrgID, id)
}

func parseRef(ref string) (int64, error) {
	var id int64
	if _, err := fmt.Sscan(ref, &id); err != nil || id <= 0 || fmt.Sprint(id) != ref {
		return 0, errors.New("not an id")
	}
	return id, nil
}

const boardColumns = `b.id, b.title, b.board, b.created_by, COALESCE(u.name, ''), b.created_at, b.updated_at`

func scanBoard(sc interface{ Scan(...any) error }, withBoard bool) (StoredBoard, error) {
	var b StoredBoard
	var raw string
	var created, updated int64
	if err := sc.Scan(&b.ID, &b.Board.Title, &raw, &b.CreatedBy, &b.CreatedByName, &created, &updated); err != nil {
		return b, err
	}
	b.Ref, b.CreatedAt, b.UpdatedAt = idString(b.ID), fromMS(created), fromMS(updated)
	if withBoard {
		title := b.Board.Title
		if err := json.Unmarshal([]byte(raw), &b.Board); err != nil {
			return b, fmt.Errorf("board %d: %w", b.ID, err)
		}
		b.Board.Title = title
	}
	b.Board.ID = b.Ref
	return b, nil
}

func (s *Store) boardByID(ctx context.Context, q querier, orgID, id int64) (StoredBoard, error) {
	b, err := scanBoard(q.QueryRowContext(ctx, "SELECT "+boardColumns+" FROM learning_boards b LEFT JOIN users u ON u.id = b.created_by WHERE b.id = $1 AND b.org_id = $2", id, orgID), true)
	if errors.Is(err, sql.ErrNoRows) {
		return StoredBoard{}, core.NotFound("The board")
	}
	return b, err
}

// ListBoards lists the organisation's own boards by title (the default
// board is not in the list: every organisation has it).
func (s *Store) ListBoards(ctx context.Context, a Actor, p Page) (List[StoredBoard], error) {
	var afterTitle string
	var afterID int64
	has, err := decodeCursor(p.Cursor, &afterTitle, &afterID)
	if err != nil {
		return List[StoredBoard]{}, err
	}
	limit := p.limit()
	// The board JSON is not needed for a list; '' stands in for it.
	q := `SELECT b.id, b.title, '', b.created_by, COALESCE(u.name, ''), b.created_at, b.updated_at
		FROM learning_boards b LEFT JOIN users u ON u.id = b.created_by WHERE b.org_id = $1`
	args := []any{a.OrgID}
	if has {
		q += " AND (b.title > $2 OR (b.title = $2 AND b.id > $3))"
		args = append(args, afterTitle, afterID)
	}
	q += fmt.Sprintf(" ORDER BY b.title, b.id LIMIT %d", limit+1)
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return List[StoredBoard]{}, err
	}
	defer rows.Close()
	var out []StoredBoard
	for rows.Next() {
		b, err := scanBoard(rows, false)
		if err != nil {
			return List[StoredBoard]{}, err
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return List[StoredBoard]{}, err
	}
	out, more := trim(out, limit)
	res := List[StoredBoard]{Items: out}
	if more {
		last := out[len(out)-1]
		res.Next = encodeCursor(last.Board.Title, last.ID)
	}
	return res, nil
}

// checkBoard validates a trainer's board: its shape (learning.ValidateBoard)
// and that every clue names an entry of the organisation's glossary, so
// answers can be checked. Answers left empty are filled from the entry.
func (s *Store) checkBoard(ctx context.Context, a Actor, b *learning.Board) error {
	b.Title = strings.TrimSpace(b.Title)
	f := map[string]string{}
	if e, ok := core.As(learning.ValidateBoard(*b)); ok {
		for k, v := range e.Fields {
			f[k] = v
		}
	}
	g, err := s.Glossary(ctx, a.OrgID)
	if err != nil {
		return err
	}
	fill := func(field string, c *learning.Clue) {
		if strings.TrimSpace(c.Slug) == "" {
			return
		}
		e, ok := g.Lookup(c.Slug)
		if !ok {
			f[field+".slug"] = "is not in your organisation's glossary"
			return
		}
		c.Slug = e.Slug
		if strings.TrimSpace(c.Answer) == "" {
			c.Answer = e.Display()
		}
		c.Clue = strings.TrimSpace(c.Clue)
	}
	for i := range b.Categories {
		b.Categories[i].Name = strings.TrimSpace(b.Categories[i].Name)
		for j := range b.Categories[i].Clues {
			fill(fmt.Sprintf("categories[%d].clues[%d]", i, j), &b.Categories[i].Clues[j])
		}
	}
	if b.Final != nil {
		fill("final", b.Final)
		b.FinalCategory = strings.TrimSpace(b.FinalCategory)
		if b.FinalCategory == "" {
			f["final_category"] = "is required with a final clue"
		}
	}
	return core.Invalid(f)
}

// CreateBoard saves a new board for the organisation.
func (s *Store) CreateBoard(ctx context.Context, a Actor, b learning.Board) (StoredBoard, error) {
	if err := mustTeach(a); err != nil {
		return StoredBoard{}, err
	}
	if err := s.checkBoard(ctx, a, &b); err != nil {
		return StoredBoard{}, err
	}
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		b.ID = ""
		raw, err := json.Marshal(b)
		if err != nil {
			return err
		}
		now := ms(s.now())
		if err := tx.QueryRowContext(ctx, `INSERT INTO learning_boards (org_id, title, board, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
			a.OrgID, b.Title, string(raw), a.UserID, now).Scan(&id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "board", id, "")
	})
	if err != nil {
		return StoredBoard{}, err
	}
	return s.boardByID(ctx, s.rdb, a.OrgID, id)
}

// BuildBoard makes and saves a board from the organisation's glossary:
// up to five random entries for each chosen category (all five when none
// is chosen), a daily double and a final clue (learning.BuildBoard).
func (s *Store) BuildBoard(ctx context.Context, a Actor, title string, categories []string) (StoredBoard, error) {
	if err := mustTeach(a); err != nil {
		return StoredBoard{}, err
	}
	f := map[string]string{}
	if strings.TrimSpace(title) == "" {
		f["title"] = "Give the board a title, such as “Week 3 review”."
	} else if len([]rune(title)) > learning.MaxBoardTitleLen {
		f["title"] = fmt.Sprintf("Use at most %d characters.", learning.MaxBoardTitleLen)
	}
	if len(categories) == 0 {
		f["categories"] = "Choose at least one category."
	}
	if err := core.Invalid(f); err != nil {
		return StoredBoard{}, err
	}
	g, err := s.Glossary(ctx, a.OrgID)
	if err != nil {
		return StoredBoard{}, err
	}
	b, err := learning.BuildBoard(title, g.entries, categories, newRand())
	if e, ok := core.As(err); ok && e.Kind == core.KindInvalid {
		// learning names the failing category by position; the form has one
		// list of categories.
		for _, v := range e.Fields {
			return StoredBoard{}, core.Invalid(map[string]string{"categories": fmt.Sprintf("Choose categories from the list: %s.", v)})
		}
	}
	if err != nil {
		return StoredBoard{}, err
	}
	return s.CreateBoard(ctx, a, b)
}

// UpdateBoard replaces one of the organisation's boards. Games already
// played on it keep the board they were played with.
func (s *Store) UpdateBoard(ctx context.Context, a Actor, id int64, b learning.Board) (StoredBoard, error) {
	if err := mustTeach(a); err != nil {
		return StoredBoard{}, err
	}
	if _, err := s.boardByID(ctx, s.rdb, a.OrgID, id); err != nil {
		return StoredBoard{}, err
	}
	if err := s.checkBoard(ctx, a, &b); err != nil {
		return StoredBoard{}, err
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		b.ID = ""
		raw, err := json.Marshal(b)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "UPDATE learning_boards SET title = $1, board = $2, updated_at = $3 WHERE id = $4 AND org_id = $5",
			b.Title, string(raw), ms(s.now()), id, a.OrgID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return core.NotFound("The board")
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "board", id, "")
	})
	if err != nil {
		return StoredBoard{}, err
	}
	return s.boardByID(ctx, s.rdb, a.OrgID, id)
}

// DeleteBoard deletes one of the organisation's boards. Games keep their
// own copy, so none is affected.
func (s *Store) DeleteBoard(ctx context.Context, a Actor, id int64) error {
	if err := mustTeach(a); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM learning_boards WHERE id = $1 AND org_id = $2", id, a.OrgID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return core.NotFound("The board")
		}
		return s.record(ctx, tx, a, audit.ActionDelete, "board", id, "")
	})
}
