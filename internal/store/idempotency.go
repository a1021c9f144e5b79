package store

import (
	"context"
	"database/sql"
	"time"
	"unicode/utf8"

	"peerpath/internal/core"
)

// Idempotency keys of the API: a client that sends POST with an
// Idempotency-Key header may send it again (after a timeout, a lost
// connection, a retry) and is answered with the first response instead of
// creating the thing twice. Keys belong to the user who sent them, live in
// the database (so they survive a restart and hold across processes) and
// expire after IdempotencyTTL.

// IdempotencyTTL is how long a key is remembered.
const IdempotencyTTL = 24 * time.Hour

// MaxIdempotentBody is the largest response kept for replay; a larger one
// is not kept, and its key is released.
const MaxIdempotentBody = 1 << 20

// IdempotentResponse is a response kept for replay.
type IdempotentResponse struct {
	Status      int
	ContentType string
	Location    string
	Body        string
}

// ClaimIdempotencyKey claims key for a request of userID whose method, path
// and body hash to requestHash. It returns claimed when the request should
// run now (the key is new, or had expired); otherwise the kept response to
// replay. A key used for another request, or whose first request is still
// running, is a conflict.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, userID int64, key, requestHash string) (kept *IdempotentResponse, claimed bool, err error) {
	now := s.now()
	err = s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, key, request_hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, key) DO NOTHING`, userID, key, requestHash, ms(now), ms(now.Add(IdempotencyTTL)))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			claimed = true
			return nil
		}
		var hash string
		var status int
		var expires int64
		var r IdempotentResponse
		err = tx.QueryRowContext(ctx, "SELECT request_hash, status, content_type, location, body, expires_at FROM idempotency_keys WHERE user_id = $1 AND key = $2"+s.forUpdate(),
			userID, key).Scan(&hash, &status, &r.ContentType, &r.Location, &r.Body, &expires)
		if err != nil {
			return err
		}
		if expires <= ms(now) {
			// Forgotten: the key starts again with this request.
			_, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET request_hash = $1, status = 0, content_type = '', location = '', body = '',
				created_at = $2, expires_at = $3 WHERE user_id = $4 AND key = $5`, requestHash, ms(now), ms(now.Add(IdempotencyTTL)), userID, key)
			claimed = err == nil
			return err
		}
		if hash != requestHash {
			return &core.Error{Kind: core.KindConflict, Message: "This Idempotency-Key was already used for a different request. Use a new key for a new request.",
				Fields: map[string]string{"Idempotency-Key": "Used already, with another method, path or body."}}
		}
		if status == 0 {
			return &core.Error{Kind: core.KindConflict, Message: "The first request with this Idempotency-Key is still being answered. Send it again in a moment to get its answer."}
		}
		r.Status = status
		kept = &r
		return nil
	})
	return kept, claimed, err
}

// KeepIdempotentResponse stores the response to a claimed key, for replay.
// A response too large to keep, or not text, releases the key instead.
func (s *Store) KeepIdempotentResponse(ctx context.Context, userID int64, key string, r IdempotentResponse) error {
	if len(r.Body) > MaxIdempotentBody || !utf8.ValidString(r.Body) || r.Status < 100 {
		return s.ReleaseIdempotencyKey(ctx, userID, key)
	}
	_, err := s.wdb.ExecContext(ctx, "UPDATE idempotency_keys SET status = $1, content_type = $2, location = $3, body = $4 WHERE user_id = $5 AND key = $6",
		r.Status, r.ContentType, r.Location, r.Body, userID, key)
	return err
}

// ReleaseIdempotencyKey forgets a claimed key whose request failed in a way
// worth trying again (a server error), so that the retry runs.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, userID int64, key string) error {
	_, err := s.wdb.ExecContext(ctx, "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2", userID, key)
	return err
}

// PurgeRequestRecords removes expired idempotency keys and one-time form
// tokens (housekeeping).
func (s *Store) PurgeRequestRecords(ctx context.Context) error {
	now := s.now()
	if _, err := s.wdb.ExecContext(ctx, "DELETE FROM idempotency_keys WHERE expires_at <= $1", ms(now)); err != nil {
		return err
	}
	_, err := s.wdb.ExecContext(ctx, "DELETE FROM form_tokens WHERE created_at <= $1", ms(now.Add(-FormTokenTTL)))
	return err
}
