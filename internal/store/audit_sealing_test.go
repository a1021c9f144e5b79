package store_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// waitingEntries counts the audit entries waiting for their place.
func waitingEntries(t *testing.T, db *testkit.DB) int {
	t.Helper()
	var n int
	if err := rawDB(t, db).QueryRow("SELECT count(*) FROM audit_log WHERE org_seq < 0").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAuditChangesTakeTheirPlaceInTheChain: changes made side by side in one
// organisation each leave an entry; on PostgreSQL they are written waiting
// and placed by the audit writer just after, on SQLite placed at once.
// Either way the chain ends up holding every one of them, and verifies.
func TestAuditChangesTakeTheirPlaceInTheChain(t *testing.T) {
	db := testkit.NewStore(t)
	team := db.NewTeam(t, "Side by side")
	before := chainSizes(t, db.Store)
	const writers, each = 8, 6
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := db.CreatePerson(ctx, testkit.Actor(team.Peer), store.PersonInput{PreferredName: fmt.Sprintf("Writer %d person %d", w, i)}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for waitingEntries(t, db) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d entries still wait for their place after 10 s", waitingEntries(t, db))
		}
		time.Sleep(20 * time.Millisecond)
	}
	rep, err := db.VerifyAuditChains(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Chains {
		if c.Err != nil {
			t.Fatalf("%s: %v", c.Label(), c.Err)
		}
		if c.OrgID == team.Org.ID && c.Entries-before[team.Org.ID] < writers*each {
			t.Fatalf("the chain gained %d entries for %d changes", c.Entries-before[team.Org.ID], writers*each)
		}
	}
}

// TestAuditEntriesLeftWaiting: on PostgreSQL, an entry a stopped process
// left waiting is reported by verify as waiting (and checked), placed by
// SealWaitingAudit; a forged waiting entry (no key) is reported as changed
// and never placed; and the log refuses updates other than placing.
func TestAuditEntriesLeftWaiting(t *testing.T) {
	if !testkit.Postgres() {
		t.Skip("entries wait only on PostgreSQL; on SQLite they are placed at once (TestAuditChangesTakeTheirPlaceInTheChain)")
	}
	db := testkit.NewStore(t)
	team := db.NewTeam(t, "Left waiting")
	p := addPerson(t, db, testkit.Actor(team.Peer), "Wren")
	before := chainSizes(t, db.Store)
	if err := db.LeaveAuditEntryWaiting(ctx, testkit.Actor(team.Peer), "person", p.ID); err != nil {
		t.Fatal(err)
	}
	rep, err := db.VerifyAuditChains(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range rep.Chains {
		if c.Err != nil {
			t.Fatalf("%s: %v", c.Label(), c.Err)
		}
		if c.OrgID == team.Org.ID {
			found = true
			if c.Waiting != 1 || c.Entries != before[team.Org.ID] {
				t.Fatalf("verify: %d in the chain and %d waiting; want %d and 1", c.Entries, c.Waiting, before[team.Org.ID])
			}
		}
	}
	if !found {
		t.Fatal("the organisation's chain is not in the report")
	}
	if err := db.SealWaitingAudit(ctx); err != nil {
		t.Fatal(err)
	}
	if n := waitingEntries(t, db); n != 0 {
		t.Fatalf("%d entries still wait after SealWaitingAudit", n)
	}
	if got := chainSizes(t, db.Store)[team.Org.ID]; got != before[team.Org.ID]+1 {
		t.Fatalf("the chain has %d entries, want %d", got, before[team.Org.ID]+1)
	}

	raw := rawDB(t, db)
	// Append-only still: a placed entry cannot change, nor a waiting one.
	if _, err := raw.Exec(`UPDATE audit_log SET detail = 'rewritten' WHERE org_id = $1 AND org_seq > 0`, team.Org.ID); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("rewriting a placed entry: %v", err)
	}
	if _, err := raw.Exec(`INSERT INTO audit_log (org_seq, at, org_id, user_id, ip, action, record_type, record_id, detail, prev_mac, mac)
		VALUES (-1, $1, $2, $3, '192.0.2.9', 'read', 'person', $4, 'forged', 'waiting:00', 'not-a-mac')`,
		time.Now().UnixMilli(), team.Org.ID, team.Peer.ID, fmt.Sprint(p.ID)); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE audit_log SET detail = 'other' WHERE org_seq < 0`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("rewriting a waiting entry: %v", err)
	}
	// A change after the forgery is still placed; the forgery is not.
	if _, err := db.CreatePerson(ctx, testkit.Actor(team.Peer), store.PersonInput{PreferredName: "After"}); err != nil {
		t.Fatal(err)
	}
	if err := db.SealWaitingAudit(ctx); err != nil {
		t.Fatal(err)
	}
	if n := waitingEntries(t, db); n != 1 {
		t.Fatalf("%d entries wait; want only the forged one", n)
	}
	rep, err = db.VerifyAuditChains(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	broken := false
	for _, c := range rep.Chains {
		if c.OrgID == team.Org.ID {
			broken = c.Err != nil && strings.Contains(c.Err.Error(), "does not match its MAC")
			if c.Entries != before[team.Org.ID]+2 {
				t.Errorf("the chain has %d entries, want %d", c.Entries, before[team.Org.ID]+2)
			}
		}
	}
	if !broken {
		t.Fatalf("verify did not report the forged waiting entry: %+v", rep)
	}
}
