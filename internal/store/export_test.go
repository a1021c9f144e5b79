package store

import (
	"context"
	"io/fs"

	"github.com/pressly/goose/v3"

	"peerpath/internal/audit"
)

// Hooks for the store's external tests.

// AuditBatches is how many batch transactions the audit writer committed.
func (s *Store) AuditBatches() int64 { return s.audit.batches.Load() }

// AuditBatchesAtHead counts the batches appended in one statement at the
// remembered head (PostgreSQL).
func (s *Store) AuditBatchesAtHead() int64 { return s.audit.atHead.Load() }

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

// CountRows counts the rows of table whose column equals v (merge tests).
func (s *Store) CountRows(ctx context.Context, table, column string, v int64) (int, error) {
	var n int
	err := s.rdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table+" WHERE "+column+" = $1", v).Scan(&n)
	return n, err
}

// PersonColumnsInSchema lists table.column for every column that names a
// person: called person_id or *_person_id, or a foreign key to people.
func (s *Store) PersonColumnsInSchema(ctx context.Context) ([]string, error) {
	q := `SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c
		WHERE m.type = 'table' AND (c.name = 'person_id' OR c.name LIKE '%\_person\_id' ESCAPE '\')
		UNION SELECT m.name, f."from" FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
		WHERE m.type = 'table' AND f."table" = 'people'`
	if s.dialect == Postgres {
		q = `SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND (column_name = 'person_id' OR column_name LIKE '%\_person\_id')
			UNION SELECT cl.relname, a.attname FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
			WHERE c.contype = 'f' AND c.confrelid = 'people'::regclass`
	}
	rows, err := s.rdb.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			return nil, err
		}
		out = append(out, t+"."+c)
	}
	return out, rows.Err()
}

// LeaveAuditEntryWaiting writes a change's audit entry the way a process
// that stopped just after the commit leaves it on PostgreSQL: committed,
// waiting for its place in the chain, with nobody asked to place it.
func (s *Store) LeaveAuditEntryWaiting(ctx context.Context, a Actor, recordType string, id int64) error {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	if err := s.record(ctx, tx, a, audit.ActionUpdate, recordType, id, "left waiting"); err != nil {
		return err
	}
	s.takeCommitHooks(tx) // the process "stops": nobody asks for it to be placed
	return tx.Commit()
}

// FailImportAfterSaving makes an import fail with err once its rows are
// written, before it commits.
func FailImportAfterSaving(in *ImportInput, err error) { in.onSaved = func() error { return err } }

// ReadsFromReplica reports whether a report read by a now goes to the
// replica (staleOK), not the primary.
func (s *Store) ReadsFromReplica(a Actor) bool {
	r := s.replica.Load()
	return r != nil && s.staleOK(a) == querier(r.db)
}
