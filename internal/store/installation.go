package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"peerpath/internal/auth"
)

// The installation: which secret key this database belongs to, and whether
// it can still commit a write (for /healthz).

// KeyFingerprint returns the fingerprint of the secret key this database was
// set up with ("" when none is recorded: a new database, or one from before
// fingerprints were kept), and whether the database is empty (no
// organisation yet), the only case in which a new key may be made for it.
// A database not yet migrated this far has no fingerprint.
func (s *Store) KeyFingerprint(ctx context.Context) (fingerprint string, empty bool, err error) {
	if ok, err := s.hasTable(ctx, "organisations"); err != nil || !ok {
		return "", true, err
	}
	var n int
	if err := s.rdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM organisations LIMIT 1) t").Scan(&n); err != nil {
		return "", false, err
	}
	empty = n == 0
	if ok, err := s.hasTable(ctx, "installation"); err != nil || !ok {
		return "", empty, err
	}
	err = s.rdb.QueryRowContext(ctx, "SELECT key_fingerprint FROM installation WHERE id = 1").Scan(&fingerprint)
	if errors.Is(err, sql.ErrNoRows) {
		return "", empty, nil
	}
	return fingerprint, empty, err
}

// RecordKeyFingerprint keeps the fingerprint of the key the database is
// used with, unless one is recorded already (which it never replaces).
func (s *Store) RecordKeyFingerprint(ctx context.Context, fingerprint string) error {
	if fingerprint == "" {
		return errors.New("no key fingerprint to record")
	}
	if ok, err := s.hasTable(ctx, "installation"); err != nil || !ok {
		return err // a database not migrated this far keeps none yet
	}
	_, err := s.wdb.ExecContext(ctx, "INSERT INTO installation (id, key_fingerprint, created_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING",
		fingerprint, ms(s.now()))
	return err
}

// UseKeys sets the installation's keys on a store opened without them, once
// the key has been checked against the database's fingerprint. Call it
// before the store serves anything.
func (s *Store) UseKeys(k auth.Keys) { s.keys = k }

// AuditKey is the key that seals the audit chains, for the anchor file that
// serve writes and audit verify reads.
func (s *Store) AuditKey() []byte { return s.keys.AuditMAC }

// CheckWrite proves that the database can commit a write now: it rewrites
// the one row of health_probe in a transaction of its own. A read-only file,
// a full disk or a database that refuses writes for any other reason fails
// here while reads still work.
func (s *Store) CheckWrite(ctx context.Context) error {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("starting a write: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	if _, err := tx.ExecContext(ctx, `INSERT INTO health_probe (id, checked_at) VALUES (1, $1)
		ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at`, ms(s.now())); err != nil {
		return fmt.Errorf("writing: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	return nil
}

// WriteProblem says in plain words why a write failed, from the database's
// error code: a read-only file or database, a full disk, an input/output
// error, or (otherwise) the database's own message.
func WriteProblem(err error) string {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_READONLY:
			return "the database is read-only: peerpath cannot write to the SQLite file or its directory (check their owner and permissions, and that the disk is not mounted read-only)"
		case sqlite3.SQLITE_FULL:
			return "the disk is full: free space where the SQLite file lives"
		case sqlite3.SQLITE_IOERR:
			return "the disk reported an input/output error while writing the SQLite file"
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return "another program holds the SQLite file locked"
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
			return "the SQLite file cannot be opened for writing"
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "25006":
			return "the PostgreSQL database accepts only reads (a read-only transaction or a standby server)"
		case pe.Code == "53100":
			return "the PostgreSQL server's disk is full"
		case len(pe.Code) == 5 && pe.Code[:2] == "53":
			return "the PostgreSQL server is out of resources (" + pe.Message + ")"
		case len(pe.Code) == 5 && pe.Code[:2] == "57":
			return "the PostgreSQL server is shutting down or refusing connections"
		}
	}
	return "the database refuses writes: " + err.Error()
}
