package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"peerpath/internal/core"
)

// Upload is a file a user sent, already checked by content (see the web
// layer's readUpload): its type is what its bytes say, not what its name says.
type Upload struct {
	Filename    string
	ContentType string // application/pdf, image/png or image/jpeg
	Data        []byte
}

// Document is a stored upload, without its bytes.
type Document struct {
	ID          int64
	Kind        string
	Filename    string
	ContentType string
	Size        int64
	SHA256      string
	CreatedAt   time.Time
	CreatedBy   int64
}

// insertDocument stores an upload inside the caller's transaction. The
// caller links it to its record and has already checked the actor may write
// that record.
func (s *Store) insertDocument(ctx context.Context, tx *sql.Tx, a Actor, kind string, u Upload) (int64, error) {
	sum := sha256.Sum256(u.Data)
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO documents (org_id, kind, filename, content_type, size, sha256, data, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		a.OrgID, kind, u.Filename, u.ContentType, len(u.Data), hex.EncodeToString(sum[:]), u.Data, ms(s.now()), a.UserID).Scan(&id)
	return id, err
}

// documentData returns a document of the organisation with its bytes. The
// caller has already checked the actor may see the record it belongs to.
func (s *Store) documentData(ctx context.Context, orgID, id int64) (Document, []byte, error) {
	var d Document
	var data []byte
	var created int64
	err := s.rdb.QueryRowContext(ctx, `SELECT id, kind, filename, content_type, size, sha256, created_at, created_by, data
		FROM documents WHERE id = $1 AND org_id = $2`, id, orgID).
		Scan(&d.ID, &d.Kind, &d.Filename, &d.ContentType, &d.Size, &d.SHA256, &created, &d.CreatedBy, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return d, nil, core.NotFound("The document")
	}
	d.CreatedAt = fromMS(created)
	return d, data, err
}
