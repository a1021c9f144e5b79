package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/url"
	"time"

	"peerpath/internal/core"
)

// DraftKeep is how long an unsaved form is kept for its writer.
const DraftKeep = 30 * 24 * time.Hour

// Draft is a form that could not be saved because its writer's session had
// ended. It belongs to that user alone and is offered back after sign-in.
type Draft struct {
	ID        int64
	UserID    int64
	Path      string // where the form was sent
	Form      url.Values
	CreatedAt time.Time
}

// SaveDraft keeps a form for userID.
func (s *Store) SaveDraft(ctx context.Context, userID int64, path string, form url.Values) error {
	b, err := json.Marshal(form)
	if err != nil {
		return err
	}
	_, err = s.wdb.ExecContext(ctx, "INSERT INTO drafts (user_id, path, form, created_at) VALUES ($1, $2, $3, $4)", userID, path, string(b), ms(s.now()))
	return err
}

// Drafts lists a user's drafts, newest first.
func (s *Store) Drafts(ctx context.Context, userID int64) ([]Draft, error) {
	rows, err := s.rdb.QueryContext(ctx, "SELECT id, user_id, path, form, created_at FROM drafts WHERE user_id = $1 ORDER BY id DESC LIMIT 50", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Draft
	for rows.Next() {
		d, err := scanDraft(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Draft returns one of a user's drafts.
func (s *Store) Draft(ctx context.Context, userID, id int64) (Draft, error) {
	d, err := scanDraft(s.rdb.QueryRowContext(ctx, "SELECT id, user_id, path, form, created_at FROM drafts WHERE id = $1 AND user_id = $2", id, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return Draft{}, core.NotFound("The draft")
	}
	return d, err
}

// DeleteDraft discards one of a user's drafts.
func (s *Store) DeleteDraft(ctx context.Context, userID, id int64) error {
	_, err := s.wdb.ExecContext(ctx, "DELETE FROM drafts WHERE id = $1 AND user_id = $2", id, userID)
	return err
}

func scanDraft(sc interface{ Scan(...any) error }) (Draft, error) {
	var d Draft
	var form string
	var created int64
	if err := sc.Scan(&d.ID, &d.UserID, &d.Path, &form, &created); err != nil {
		return d, err
	}
	d.CreatedAt = fromMS(created)
	return d, json.Unmarshal([]byte(form), &d.Form)
}
