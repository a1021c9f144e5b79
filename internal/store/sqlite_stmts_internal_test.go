package store

import (
	"database/sql"
	"path/filepath"
	"strconv"
	"testing"
)

// openCaching opens a SQLite file through the connector Open uses, on one
// connection so every query meets the same statement cache.
func openCaching(t *testing.T) *sql.DB {
	t.Helper()
	c, err := newSQLiteConnector("file:" + filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"a", "b", "c"} {
		if _, err := db.Exec("INSERT INTO t (v) VALUES ($1)", v); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func countRows(t *testing.T, db *sql.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSQLiteKeepsCompiledStatements(t *testing.T) {
	db := openCaching(t)
	const q = "SELECT COUNT(*) FROM t WHERE v >= $1"
	countRows(t, db, q, "a")
	before := stmtCacheHits.Load()
	if got := countRows(t, db, q, "b"); got != 2 {
		t.Fatalf("the kept statement gave %d rows for v >= b, want 2 (are its values bound afresh?)", got)
	}
	if stmtCacheHits.Load() == before {
		t.Fatal("the second run of the same query compiled it again")
	}

	// The same query inside a loop over its own rows gets a statement of
	// its own, and both give the right answers.
	const each = "SELECT v FROM t WHERE id >= $1 ORDER BY id"
	rows, err := db.Query(each, 1)
	if err != nil {
		t.Fatal(err)
	}
	var outer []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		outer = append(outer, v)
	}
	rows.Close()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	rows, err = tx.Query(each, 2)
	if err != nil {
		t.Fatal(err)
	}
	nested := 0
	for rows.Next() {
		var v, inner string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		if err := tx.QueryRow(each, 3).Scan(&inner); err != nil {
			t.Fatalf("the same query while its rows are open: %v", err)
		}
		if inner != "c" {
			t.Fatalf("inner query gave %q, want c", inner)
		}
		nested++
	}
	rows.Close()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if len(outer) != 3 || nested != 2 {
		t.Fatalf("outer %v, nested %d", outer, nested)
	}

	// A kept statement still works after the table changes shape.
	if _, err := db.Exec("ALTER TABLE t ADD COLUMN w TEXT NOT NULL DEFAULT 'x'"); err != nil {
		t.Fatal(err)
	}
	if got := countRows(t, db, q, "a"); got != 3 {
		t.Fatalf("after a schema change: %d rows, want 3", got)
	}

	// A failing statement leaves the connection usable.
	if _, err := db.Exec("INSERT INTO t (id, v) VALUES ($1, $2)", 1, "dup"); err == nil {
		t.Fatal("a duplicate key was accepted")
	}
	if _, err := db.Exec("INSERT INTO t (id, v) VALUES ($1, $2)", 1, "dup"); err == nil {
		t.Fatal("a duplicate key was accepted the second time")
	}
	if got := countRows(t, db, q, "a"); got != 3 {
		t.Fatalf("after a failed insert: %d rows, want 3", got)
	}
}

// TestSQLiteStatementCacheIsBounded: a connection keeps at most
// stmtCacheSize statements, however many different queries it runs.
func TestSQLiteStatementCacheIsBounded(t *testing.T) {
	db := openCaching(t)
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for i := range stmtCacheSize + 50 {
		var n int
		if err := conn.QueryRowContext(t.Context(), "SELECT COUNT(*) + "+strconv.Itoa(i)+" FROM t").Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	if err := conn.Raw(func(dc any) error {
		if c := dc.(*cachingConn); c.lru.Len() > stmtCacheSize || len(c.stmts) != c.lru.Len() {
			t.Errorf("the connection keeps %d statements (%d in its map), more than %d", c.lru.Len(), len(c.stmts), stmtCacheSize)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
