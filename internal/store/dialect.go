package store

import (
	"context"
	"fmt"
	"os"
)

// This file holds every statement that differs between SQLite and PostgreSQL.

// forUpdate locks the selected rows until the transaction ends. SQLite has no
// row locks and needs none: its write transactions already exclude each other.
func (s *Store) forUpdate() string {
	if s.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// Backup writes a consistent copy of a live SQLite database to path. It uses
// VACUUM INTO, which reads inside one transaction, so writers may carry on.
// PostgreSQL is backed up with its own tools; the error says how.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.dialect == Postgres {
		return fmt.Errorf("peerpath backs up SQLite files only; for PostgreSQL use its own tools, for example:\n  pg_dump --format=custom --file=peerpath.dump %q\nand restore with pg_restore", "DATABASE_URL")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s already exists: choose a new file name", path)
	}
	_, err := s.wdb.ExecContext(ctx, "VACUUM INTO $1", path)
	return err
}

// hasTable reports whether the database has a table of that name (in the
// current schema, on PostgreSQL).
func (s *Store) hasTable(ctx context.Context, name string) (bool, error) {
	q := "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1"
	if s.dialect == Postgres {
		q = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1"
	}
	var n int
	err := s.rdb.QueryRowContext(ctx, q, name).Scan(&n)
	return n > 0, err
}
