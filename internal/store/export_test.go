package store

import (
	"context"
	"io/fs"

	"github.com/pressly/goose/v3"
)

// Hooks for the store's external tests.

// AuditBatches is how many batch transactions the audit writer committed.
func (s *Store) AuditBatches() int64 { return s.audit.batches.Load() }

// MigrateTo applies the migrations up to and including version, to build a
// database as an older peerpath left it.
func (s *Store) MigrateTo(ctx context.Context, version int64) error {
	sub, err := fs.Sub(migrations, "migrations/"+string(s.dialect))
	if err != nil {
		return err
	}
	d := goose.DialectSQLite3
	if s.dialect == Postgres {
		d = goose.DialectPostgres
	}
	p, err := goose.NewProvider(d, s.wdb, sub)
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, version)
	return err
}

// Exec runs a statement on the write connection, for tests that play an
// older peerpath.
func (s *Store) Exec(ctx context.Context, q string, args ...any) error {
	_, err := s.wdb.ExecContext(ctx, q, args...)
	return err
}

// IsUniqueViolation exposes isUniqueViolation to the store's tests.
var IsUniqueViolation = isUniqueViolation
