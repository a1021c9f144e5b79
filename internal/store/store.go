// Package store is the only place peerpath speaks SQL. It is also the service
// layer: each exported method is one operation (validated, scoped to the
// organisation and the actor's relationship with the record, audited, and
// committed in one transaction), so that pages and API handlers share it.
//
// Conventions, the same on SQLite and PostgreSQL:
//   - placeholders are $1, $2, … (SQLite accepts them too);
//   - times are integer milliseconds since 1970 UTC in columns named *_at;
//   - dates are text YYYY-MM-DD in columns named *_on;
//   - every query about people or workers filters by org_id;
//   - the few statements that differ between the two live in dialect.go.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"peerpath/internal/auth"
	"peerpath/internal/core"
)

// Dialect names the database in use.
type Dialect string

// The two databases peerpath runs on.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

//go:embed migrations
var migrations embed.FS

// Store is an open database. It is safe for concurrent use.
type Store struct {
	dialect Dialect
	wdb     *sql.DB // all writes and transactions; one connection on SQLite
	rdb     *sql.DB // reads outside transactions; several connections
	clock   core.Clock
	keys    auth.Keys
	dsn     string

	glossaries glossaryCache // each organisation's merged glossary (learning_glossary.go)

	auth          authCache // resolved sessions and API tokens (authcache.go)
	commitHooksMu sync.Mutex
	commitHooks   map[*sql.Tx][]func()
	audit         *auditWriter // appends audited reads in batches (audit_writer.go)

	mailBase atomic.Pointer[string] // email is on: peerpath's address for links in messages (outbox.go)
	smsOn    atomic.Bool            // text messages are on: sign-in codes may go by SMS (sms_outbox.go)

	replica atomic.Pointer[replica] // a PostgreSQL standby for reports and exports (replica.go)
}

// Options configures Open.
type Options struct {
	Clock core.Clock // defaults to the system clock
	Keys  auth.Keys  // the installation's derived keys; required for audit and second factors
}

// IsPostgres reports whether dsn names a PostgreSQL database rather than a
// SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens (creating, for SQLite) the database named by dsn: a postgres://
// URL or the path of a SQLite file. It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	if opt.Clock == nil {
		opt.Clock = core.SystemClock{}
	}
	s := &Store{clock: opt.Clock, keys: opt.Keys, dsn: dsn}
	s.audit = newAuditWriter(s)
	if IsPostgres(dsn) {
		s.dialect = Postgres
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(10)
		db.SetConnMaxIdleTime(5 * time.Minute)
		s.wdb, s.rdb = db, db
	} else {
		s.dialect = SQLite
		if strings.ContainsAny(dsn, "?#") {
			return nil, fmt.Errorf("the SQLite file name %q may not contain ? or #", dsn)
		}
		// Settings live in the DSN so every connection gets them: WAL lets
		// readers work while one writer writes; synchronous=FULL makes a
		// commit durable before it is acknowledged; busy_timeout makes a
		// second process (a command run while serving) wait rather than fail.
		// busy_timeout comes first: setting journal_mode can itself need a
		// lock another process holds, and must wait for it too.
		base := "file:" + (&url.URL{Path: dsn}).EscapedPath() +
			"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"
		wc, err := newSQLiteConnector(base + "&_txlock=immediate")
		if err != nil {
			return nil, err
		}
		rc, err := newSQLiteConnector(base + "&_pragma=query_only(1)")
		if err != nil {
			return nil, err
		}
		w := sql.OpenDB(wc)
		w.SetMaxOpenConns(1) // SQLite has one writer; queueing here beats SQLITE_BUSY
		w.SetConnMaxIdleTime(0)
		r := sql.OpenDB(rc)
		r.SetMaxOpenConns(max(4, runtime.NumCPU()))
		s.wdb, s.rdb = w, r
	}
	if err := s.wdb.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("opening the database: %w", err)
	}
	return s, nil
}

// Close waits for the audit batches in flight and closes the database.
func (s *Store) Close() error {
	s.audit.close()
	err := errors.Join(s.wdb.Close(), s.closeReplica())
	if s.rdb != s.wdb {
		err = errors.Join(err, s.rdb.Close())
	}
	return err
}

// Dialect tells which database is open.
func (s *Store) Dialect() Dialect { return s.dialect }

// Clock is the store's clock.
func (s *Store) Clock() core.Clock { return s.clock }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.rdb.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Migrate applies every migration not yet applied and returns how many ran.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(s.dialect))
	if err != nil {
		return 0, err
	}
	d := goose.DialectSQLite3
	if s.dialect == Postgres {
		d = goose.DialectPostgres
	}
	p, err := goose.NewProvider(d, s.wdb, sub)
	if err != nil {
		return 0, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("migrating the database: %w", err)
	}
	for _, r := range res {
		// Migration 00022 made the contacts' daily counts; the contacts
		// recorded before it are counted once, in Go, which knows
		// Massachusetts days on both databases.
		if r.Source != nil && r.Source.Version == 22 {
			if err := s.backfillContactDays(ctx); err != nil {
				return len(res), err
			}
		}
	}
	return len(res), nil
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// tx runs fn in a write transaction and commits it when fn returns nil.
func (s *Store) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	err = fn(tx)
	if err == nil {
		err = tx.Commit()
	}
	hooks := s.takeCommitHooks(tx)
	if err != nil {
		return err
	}
	for _, f := range hooks {
		f()
	}
	return nil
}

// now is the store clock's time, to the millisecond (what the database keeps).
func (s *Store) now() time.Time { return s.clock.Now().UTC().Truncate(time.Millisecond) }

// ms converts a time to the stored integer; the zero time is stored as 0.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS converts a stored integer back; 0 is the zero time.
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// nullID stores 0 as NULL, for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// pgUniqueViolation is PostgreSQL's SQLSTATE for a unique-constraint failure.
const pgUniqueViolation = "23505"

// isUniqueViolation reports whether err is a unique-constraint failure, in
// either database. It asks the drivers for the error code, never the message
// text, which changes between versions and languages: PostgreSQL's SQLSTATE
// 23505 (unique_violation), SQLite's extended codes 2067
// (SQLITE_CONSTRAINT_UNIQUE) and 1555 (SQLITE_CONSTRAINT_PRIMARYKEY, which
// PostgreSQL also reports as 23505).
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == pgUniqueViolation
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}
