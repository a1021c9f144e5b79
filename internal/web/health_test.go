package web_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

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

// TestHealthSaysWhetherTheReplicaIsUsed: with a replica, /healthz adds a
// line saying whether reports read from it; when it goes down the status
// stays 200 (peerpath works on the primary) and the line says why.
func TestHealthSaysWhetherTheReplicaIsUsed(t *testing.T) {
	db := testkit.NewStore(t)
	rdsn := testkit.ReplicaDSN(t, db.DSN)
	u, err := url.Parse(rdsn)
	if err != nil {
		t.Fatal(err)
	}
	var cut func()
	u.Host, cut = testkit.Proxy(t, u.Host)
	if err := db.UseReplica(t.Context(), u.String(), 10*time.Second); err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Store: db.Store, Clock: db.Clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	get := func() (int, string) {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
		return rec.Code, rec.Body.String()
	}
	for deadline := time.Now().Add(20 * time.Second); !db.CheckReplica(t.Context()).InUse; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the replica is never in use: %+v", db.ReplicaStatus())
		}
	}
	if code, body := get(); code != 200 || !regexp.MustCompile(`^ok\nreplica: in use, [0-9.]+m?s behind\n$`).MatchString(body) {
		t.Fatalf("replica in use: %d %q", code, body)
	}
	cut()
	db.CheckReplica(t.Context())
	if code, body := get(); code != 200 || body != "ok\nreplica: not in use, reports read from the primary: the replica does not answer\n" {
		t.Fatalf("replica down: %d %q", code, body)
	}
}
