package store_test

import (
	"context"
	"database/sql"
	"net/url"
	"strings"
	"testing"
	"time"

	"peerpath/internal/auth"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// Tests against a real PostgreSQL streaming standby (.ci/replica start).
// They skip unless PEERPATH_TEST_POSTGRES and PEERPATH_TEST_REPLICA are set.

// waitReplica checks the replica until ok says its status is the one
// wanted, and fails after 20 seconds.
func waitReplica(t *testing.T, s *store.Store, what string, ok func(store.ReplicaStatus) bool) store.ReplicaStatus {
	t.Helper()
	var st store.ReplicaStatus
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if st = s.CheckReplica(t.Context()); ok(st) {
			return st
		}
	}
	t.Fatalf("the replica never became %s: %+v", what, st)
	return st
}

func inUse(st store.ReplicaStatus) bool { return st.InUse }

// TestReplicaServesReportsAndFallsBack: a write on the primary appears on
// the standby; reports read from the standby while it keeps up, except for
// an actor whose own change it does not hold yet; when its replay is paused
// and it falls behind the limit, reports read from the primary and the
// status says why; once replay resumes it is used again.
func TestReplicaServesReportsAndFallsBack(t *testing.T) {
	db := testkit.NewStore(t)
	rdsn := testkit.ReplicaDSN(t, db.DSN)
	ctx := t.Context()
	team := db.NewTeam(t, "Replica RLC")
	admin, peer := team.Admin.Actor("ip"), team.Peer.Actor("ip")
	const limit = 2 * time.Second
	if err := db.UseReplica(ctx, rdsn, limit); err != nil {
		t.Fatal(err)
	}
	waitReplica(t, db.Store, "in use", inUse)

	// A write on the primary becomes visible on the standby.
	standby, err := sql.Open("pgx", rdsn)
	if err != nil {
		t.Fatal(err)
	}
	defer standby.Close()
	u := db.MakeUser(t, team.Org.ID, "new@replica.test", "New Worker", auth.RolePeer)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var n int
		if err := standby.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE id = $1", u.ID).Scan(&n); err == nil && n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a user made on the primary never appeared on the standby")
		}
	}
	if !db.ReadsFromReplica(admin) || !db.ReadsFromReplica(peer) {
		t.Fatal("reports do not read from a replica that keeps up")
	}

	// What an actor just changed is read from the primary until the
	// standby holds it; other actors go on reading from the standby.
	if _, err := db.CreateUser(ctx, admin, store.NewUser{OrgID: team.Org.ID, Email: "second@replica.test", Name: "Second Worker", Roles: []auth.Role{auth.RolePeer}, Track: "both"}); err != nil {
		t.Fatal(err)
	}
	if db.ReadsFromReplica(admin) {
		t.Error("right after their change, the administrator's report reads from the standby")
	}
	if !db.ReadsFromReplica(peer) {
		t.Error("another actor's change sends this actor's reports to the primary")
	}
	waitReplica(t, db.Store, "fresh for the administrator", func(store.ReplicaStatus) bool { return db.ReadsFromReplica(admin) })

	// Replay paused: the standby falls behind, and past the limit reports
	// read from the primary.
	if _, err := standby.ExecContext(ctx, "SELECT pg_wal_replay_pause()"); err != nil {
		t.Fatal(err)
	}
	resumed := false
	resume := func() {
		if !resumed {
			resumed = true
			standby.ExecContext(context.Background(), "SELECT pg_wal_replay_resume()")
		}
	}
	defer resume()
	db.MakeUser(t, team.Org.ID, "third@replica.test", "Third Worker", auth.RolePeer)
	paused := time.Now()
	st := waitReplica(t, db.Store, "lagging", func(st store.ReplicaStatus) bool { return !st.InUse })
	if since := time.Since(paused); since < limit-time.Second {
		t.Errorf("the replica was left after %s, well before the limit of %s", since, limit)
	}
	if st.Lag < limit || !strings.Contains(st.Problem, "behind") || !strings.Contains(st.Problem, "limit of 2s") {
		t.Errorf("a lagging replica's status: %+v", st)
	}
	if db.ReadsFromReplica(peer) {
		t.Error("reports still read from a replica beyond the limit")
	}
	if _, err := db.ReportYears(ctx, admin); err != nil {
		t.Fatalf("a report while the replica lags: %v", err)
	}
	resume()
	waitReplica(t, db.Store, "in use again", inUse)
	if !db.ReadsFromReplica(peer) {
		t.Error("reports do not go back to a replica that caught up")
	}
}

// TestReplicaDownFallsBack: when the standby stops answering, reports read
// from the primary and still work, and the status says so.
func TestReplicaDownFallsBack(t *testing.T) {
	db := testkit.NewStore(t)
	rdsn := testkit.ReplicaDSN(t, db.DSN)
	team := db.NewTeam(t, "Down RLC")
	a := team.Admin.Actor("ip")
	u, err := url.Parse(rdsn)
	if err != nil {
		t.Fatal(err)
	}
	var cut func()
	u.Host, cut = testkit.Proxy(t, u.Host)
	if err := db.UseReplica(t.Context(), u.String(), 5*time.Second); err != nil {
		t.Fatal(err)
	}
	waitReplica(t, db.Store, "in use", inUse)
	if !db.ReadsFromReplica(a) {
		t.Fatal("reports do not read from the replica")
	}
	cut()
	st := db.CheckReplica(t.Context())
	if st.InUse || !strings.Contains(st.Problem, "does not answer") {
		t.Fatalf("a replica that is down: %+v", st)
	}
	if db.ReadsFromReplica(a) {
		t.Error("reports read from a replica that is down")
	}
	if _, err := db.CohortReport(t.Context(), a, 2026, store.Page{}); err != nil {
		t.Fatalf("a report while the replica is down: %v", err)
	}
}

// TestNotAReplicaIsRefused: the primary itself (not in recovery) and a
// SQLite database are refused as replicas.
func TestNotAReplicaIsRefused(t *testing.T) {
	db := testkit.NewStore(t)
	testkit.ReplicaDSN(t, db.DSN) // skips without a standby
	err := db.UseReplica(t.Context(), db.DSN, 0)
	if err == nil || !strings.Contains(err.Error(), "not a standby") {
		t.Fatalf("the primary given as its own replica: %v", err)
	}
	if st := db.ReplicaStatus(); st.Configured {
		t.Errorf("a refused replica is configured: %+v", st)
	}
}
