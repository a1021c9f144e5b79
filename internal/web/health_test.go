package web_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
	"peerpath/internal/web"
)

// TestHealthNeedsAWriteToCommit: /healthz says "ok" only when a write can
// commit. A database that still answers reads but refuses writes gets 503
// with a line saying what is wrong.
func TestHealthNeedsAWriteToCommit(t *testing.T) {
	db := testkit.NewStore(t)
	get := func(s *store.Store) (int, string) {
		srv, err := web.New(web.Config{Store: s, Clock: db.Clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
		return rec.Code, rec.Body.String()
	}
	if code, body := get(db.Store); code != 200 || body != "ok\n" {
		t.Fatalf("healthy: %d %q", code, body)
	}
	if testkit.Postgres() {
		// A server that accepts only reads (as a standby does).
		ro, err := store.Open(t.Context(), db.DSN+"&default_transaction_read_only=on", store.Options{Clock: db.Clock, Keys: testkit.Keys()})
		if err != nil {
			t.Fatal(err)
		}
		defer ro.Close()
		code, body := get(ro)
		if code != http.StatusServiceUnavailable || !strings.Contains(body, "accepts only reads") {
			t.Fatalf("read-only database: %d %q", code, body)
		}
		return
	}
	// Another program holds the SQLite file's write lock: reads go on, no
	// write can commit.
	raw, err := sql.Open("sqlite", db.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	conn, err := raw.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(context.Background(), "ROLLBACK")
	code, body := get(db.Store)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "refuses writes") {
		t.Fatalf("locked database: %d %q", code, body)
	}
}
