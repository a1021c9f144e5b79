package store

import (
	"context"
	"fmt"
	"os"
	"strconv"
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

// forUpdateOf is forUpdate for the rows of one table (alias) of a query
// with outer joins, which PostgreSQL cannot lock as a whole.
func (s *Store) forUpdateOf(alias string) string {
	if s.dialect == Postgres {
		return " FOR UPDATE OF " + alias
	}
	return ""
}

// bulkPlaceholder is the n-th placeholder of a bulk insert (scale.go). On
// SQLite it is a plain "?": the driver looks each "$n" up by name, which
// for thousands of parameters in one statement costs more than the insert.
func (s *Store) bulkPlaceholder(n int) string {
	if s.dialect == SQLite {
		return "?"
	}
	return "$" + strconv.Itoa(n)
}

// Analyze refreshes the query planner's statistics after a bulk load
// (scale.go), as the database's own maintenance would in time: PostgreSQL's
// autovacuum does not analyse until a table has been written to for a
// while, and until then it plans the caseload as if the tables were empty.
func (s *Store) Analyze(ctx context.Context) error {
	q := "ANALYZE"
	if s.dialect == SQLite {
		q = "PRAGMA optimize=0x10002" // analyse what needs it, within limits
	}
	_, err := s.wdb.ExecContext(ctx, q)
	return err
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
