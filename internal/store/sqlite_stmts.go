package store

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"
	"reflect"
	"sync/atomic"

	"modernc.org/sqlite"
)

// SQLite compiles every statement it runs. The driver does so on each query
// (prepare, step, finalize), and for peerpath's short indexed reads the
// compiling is most of the work: a third of a person page's CPU went to
// SQLite's parser. PostgreSQL needs none of this: pgx keeps its own cache
// of prepared statements per connection.
//
// So each SQLite connection keeps its most recently used statements
// compiled (stmtCacheSize of them) and runs a query it has seen again on
// the compiled statement. A statement whose rows are still open is not
// shared: running the same SQL again meanwhile (a query inside a loop over
// the same query's rows) compiles a one-off statement, as before. A cached
// statement is reset when its rows close, so it holds no read snapshot
// between queries. Schema changes (migrations) are safe: SQLite recompiles a
// statement whose schema changed when it next runs.

// stmtCacheSize is how many compiled statements one connection keeps.
const stmtCacheSize = 256

// stmtCacheHits counts queries run on a statement compiled earlier, for a
// test to see the cache working.
var stmtCacheHits atomic.Int64

// sqliteConnector opens SQLite connections that keep their statements.
type sqliteConnector struct {
	driver.Connector // the driver's own
}

func newSQLiteConnector(dsn string) (*sqliteConnector, error) {
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return &sqliteConnector{c}, nil
}

func (c *sqliteConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	inner, ok := conn.(sqliteDriverConn)
	if !ok {
		conn.Close()
		return nil, errors.New("store: the SQLite driver's connection lacks the methods peerpath needs")
	}
	return &cachingConn{sqliteDriverConn: inner, stmts: map[string]*list.Element{}, lru: list.New()}, nil
}

// sqliteDriverConn is what modernc.org/sqlite's connection offers and
// database/sql uses; cachingConn passes all of it on.
type sqliteDriverConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.QueryerContext
	driver.ExecerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// cachingConn is one SQLite connection with its compiled statements.
// database/sql uses a connection from one goroutine at a time, so it needs
// no lock of its own.
type cachingConn struct {
	sqliteDriverConn
	stmts map[string]*list.Element // of *cachedStmt, most recent first in lru
	lru   *list.List
}

type cachedStmt struct {
	query string
	stmt  driver.Stmt
	busy  bool // its rows are open
}

type stmtRunner interface {
	driver.StmtQueryContext
	driver.StmtExecContext
}

// take returns the connection's compiled statement for query, compiling
// and keeping it if need be; nil when it is in use or cannot be kept.
func (c *cachingConn) take(ctx context.Context, query string) (*cachedStmt, stmtRunner) {
	if e, ok := c.stmts[query]; ok {
		cs := e.Value.(*cachedStmt)
		if cs.busy {
			return nil, nil
		}
		c.lru.MoveToFront(e)
		stmtCacheHits.Add(1)
		cs.busy = true
		return cs, cs.stmt.(stmtRunner)
	}
	st, err := c.PrepareContext(ctx, query)
	if err != nil {
		return nil, nil // the uncached path reports the error
	}
	run, ok := st.(stmtRunner)
	if !ok {
		st.Close()
		return nil, nil
	}
	cs := &cachedStmt{query: query, stmt: st, busy: true}
	c.stmts[query] = c.lru.PushFront(cs)
	for c.lru.Len() > stmtCacheSize {
		old := c.lru.Back()
		ocs := old.Value.(*cachedStmt)
		if ocs.busy {
			break // closed when it is no longer in use and the list is trimmed again
		}
		c.lru.Remove(old)
		delete(c.stmts, ocs.query)
		ocs.stmt.Close()
	}
	return cs, run
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, run := c.take(ctx, query)
	if cs == nil {
		return c.sqliteDriverConn.QueryContext(ctx, query, args)
	}
	rows, err := run.QueryContext(ctx, args)
	if err != nil {
		cs.busy = false
		return nil, err
	}
	return &cachedRows{Rows: rows, cs: cs}, nil
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, run := c.take(ctx, query)
	if cs == nil {
		return c.sqliteDriverConn.ExecContext(ctx, query, args)
	}
	defer func() { cs.busy = false }()
	return run.ExecContext(ctx, args)
}

// Close closes the kept statements, then the connection.
func (c *cachingConn) Close() error {
	var errs []error
	for e := c.lru.Front(); e != nil; e = e.Next() {
		errs = append(errs, e.Value.(*cachedStmt).stmt.Close())
	}
	c.stmts, c.lru = nil, list.New()
	return errors.Join(append(errs, c.sqliteDriverConn.Close())...)
}

// cachedRows gives its statement back when closed (the driver resets it).
type cachedRows struct {
	driver.Rows
	cs *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.cs.busy = false
	return err
}

// sqliteRows is what the driver's rows offer beyond driver.Rows, for
// database/sql's ColumnTypes; cachedRows passes it on.
type sqliteRows interface {
	driver.RowsColumnTypeDatabaseTypeName
	driver.RowsColumnTypeLength
	driver.RowsColumnTypeNullable
	driver.RowsColumnTypePrecisionScale
	driver.RowsColumnTypeScanType
}

func (r *cachedRows) ColumnTypeDatabaseTypeName(i int) string {
	return r.Rows.(sqliteRows).ColumnTypeDatabaseTypeName(i)
}

func (r *cachedRows) ColumnTypeLength(i int) (int64, bool) {
	return r.Rows.(sqliteRows).ColumnTypeLength(i)
}

func (r *cachedRows) ColumnTypeNullable(i int) (bool, bool) {
	return r.Rows.(sqliteRows).ColumnTypeNullable(i)
}

func (r *cachedRows) ColumnTypePrecisionScale(i int) (int64, int64, bool) {
	return r.Rows.(sqliteRows).ColumnTypePrecisionScale(i)
}

func (r *cachedRows) ColumnTypeScanType(i int) reflect.Type {
	return r.Rows.(sqliteRows).ColumnTypeScanType(i)
}
