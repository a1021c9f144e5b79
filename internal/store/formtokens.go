package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// One-time form tokens: every form peerpath renders for a signed-in user
// carries a random token, claimed when the form is sent. A second send of
// the same form (a double click, a reload that re-posts, a retry after a
// slow answer) finds the claim and is led to what the first one saved
// instead of saving it again.

// FormTokenTTL is how long a claimed token is remembered.
const FormTokenTTL = 7 * 24 * time.Hour

// FormTokenDone is the result of a form whose first send answered with a
// page rather than a redirect: saved, but with no address to return to.
const FormTokenDone = "-"

// ClaimFormToken claims token for userID. claimed is true when the form
// should be handled now; otherwise result is where the first send led
// (FormTokenDone when it answered with a page, "" while it is still being
// handled).
func (s *Store) ClaimFormToken(ctx context.Context, userID int64, token string) (result string, claimed bool, err error) {
	res, err := s.wdb.ExecContext(ctx, "INSERT INTO form_tokens (token, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT (token) DO NOTHING",
		token, userID, ms(s.now()))
	if err != nil {
		return "", false, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return "", false, err
	} else if n == 1 {
		return "", true, nil
	}
	err = s.wdb.QueryRowContext(ctx, "SELECT result FROM form_tokens WHERE token = $1 AND user_id = $2", token, userID).Scan(&result)
	if errors.Is(err, sql.ErrNoRows) {
		// Another user's token (it cannot be guessed, so it was copied):
		// this user's form is handled as a form without a token.
		return "", true, nil
	}
	return result, false, err
}

// FinishFormToken records where the first send of a form led.
func (s *Store) FinishFormToken(ctx context.Context, userID int64, token, result string) error {
	_, err := s.wdb.ExecContext(ctx, "UPDATE form_tokens SET result = $1 WHERE token = $2 AND user_id = $3", result, token, userID)
	return err
}

// ReleaseFormToken forgets a claim whose form was not saved (it came back
// with errors to correct), so that the corrected form can be sent.
func (s *Store) ReleaseFormToken(ctx context.Context, userID int64, token string) error {
	_, err := s.wdb.ExecContext(ctx, "DELETE FROM form_tokens WHERE token = $1 AND user_id = $2", token, userID)
	return err
}
