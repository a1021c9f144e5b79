package store

import (
	"database/sql"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestWriteProblemNamesTheCause: /healthz's sentence comes from the real
// error codes SQLite gives for a read-only database and a full one.
func TestWriteProblemNamesTheCause(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	rw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	if _, err := rw.Exec("CREATE TABLE t (b BLOB)"); err != nil {
		t.Fatal(err)
	}

	ro, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	_, err = ro.Exec("INSERT INTO t VALUES (x'00')")
	if err == nil || !strings.Contains(WriteProblem(err), "read-only") {
		t.Fatalf("read-only: %v gives %q", err, WriteProblem(err))
	}

	// A database that may not grow is full, as on a full disk.
	conn, err := rw.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var pages int
	if err := conn.QueryRowContext(t.Context(), "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(t.Context(), "PRAGMA max_page_count = "+strconv.Itoa(pages)); err != nil {
		t.Fatal(err)
	}
	_, err = conn.ExecContext(t.Context(), "INSERT INTO t VALUES (zeroblob(1000000))")
	if err == nil || !strings.Contains(WriteProblem(err), "disk is full") {
		t.Fatalf("full: %v gives %q", err, WriteProblem(err))
	}
}
