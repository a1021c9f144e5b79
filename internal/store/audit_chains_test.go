package store_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// chainSizes verifies every chain, failing the test if one is broken, and
// returns each organisation's number of entries.
func chainSizes(t *testing.T, s *store.Store) map[int64]int64 {
	t.Helper()
	// Changes' entries still waiting for their place (PostgreSQL) are
	// placed first, so the sizes do not depend on the audit writer's timing.
	if err := s.SealWaitingAudit(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := s.VerifyAuditChains(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]int64{}
	for _, c := range rep.Chains {
		if c.Err != nil {
			t.Fatalf("%s: %v", c.Label(), c.Err)
		}
		out[c.OrgID] = c.Entries + c.Waiting
	}
	return out
}

func TestAuditChainsPerOrganisation(t *testing.T) {
	db := testkit.NewStore(t)
	a, b := db.NewTeam(t, "Chain A"), db.NewTeam(t, "Chain B")
	pa := addPerson(t, db, testkit.Actor(a.Peer), "Ana")
	pb := addPerson(t, db, testkit.Actor(b.Peer), "Ben")
	before := chainSizes(t, db.Store)
	for range 3 {
		if _, err := db.Person(ctx, testkit.Actor(a.Peer), pa.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Person(ctx, testkit.Actor(b.Peer), pb.ID); err != nil {
		t.Fatal(err)
	}
	after := chainSizes(t, db.Store)
	if after[a.Org.ID]-before[a.Org.ID] != 3 || after[b.Org.ID]-before[b.Org.ID] != 1 {
		t.Fatalf("reads went to the wrong chains: before %v, after %v", before, after)
	}
	// Breaking one organisation's chain names that one and leaves the other intact.
	tamper(t, db, fmt.Sprintf("UPDATE audit_log SET record_id = '999' WHERE org_id = %d AND org_seq = 2", b.Org.ID))
	rep, err := db.VerifyAuditChains(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Chains {
		switch c.OrgID {
		case a.Org.ID:
			if c.Err != nil {
				t.Errorf("the intact chain is reported broken: %v", c.Err)
			}
		case b.Org.ID:
			if c.Err == nil || !strings.HasPrefix(c.Err.Error(), "entry 2") || c.Label() != fmt.Sprintf("organisation %d (Chain B)", b.Org.ID) {
				t.Errorf("the broken chain: %s: %v", c.Label(), c.Err)
			}
		}
	}
	if err := rep.FirstError(); err == nil || !strings.Contains(err.Error(), "(Chain B): entry 2") {
		t.Fatalf("first error: %v", err)
	}
}

func TestAuditReadsAreBatched(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Batched")
	p := addPerson(t, db, testkit.Actor(tm.Peer), "Bea")
	before := chainSizes(t, db.Store)
	batches := db.AuditBatches()
	const readers, reads = 32, 10
	var wg sync.WaitGroup
	errs := make(chan error, readers*reads)
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range reads {
				if _, err := db.Person(ctx, testkit.Actor(tm.Peer), p.ID); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got := chainSizes(t, db.Store)[tm.Org.ID] - before[tm.Org.ID]
	if got != readers*reads {
		t.Fatalf("%d read entries, want %d", got, readers*reads)
	}
	// Readers that arrive while a batch is being written share the next one.
	if n := db.AuditBatches() - batches; n >= readers*reads || n == 0 {
		t.Fatalf("%d batch transactions for %d concurrent reads", n, readers*reads)
	}
}

// readAndChange has goroutines reading and changing records in both teams'
// organisations through each of stores at once, and returns how many read
// entries each organisation should have gained.
func readAndChange(t *testing.T, stores []*store.Store, teams []testkit.Team, people []store.Person) map[int64]int64 {
	t.Helper()
	const workers, rounds = 6, 8
	var wg sync.WaitGroup
	errs := make(chan error, len(stores)*len(teams)*workers*rounds*2)
	for _, s := range stores {
		for i, tm := range teams {
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					a := testkit.Actor(tm.Peer)
					for r := range rounds {
						if _, err := s.Person(ctx, a, people[i].ID); err != nil {
							errs <- err
						}
						if (w+r)%4 == 0 { // a change, with its entry in its own transaction
							if _, err := s.AddContact(ctx, a, people[i].ID, store.ContactInput{OccurredAt: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC), DurationMinutes: 10, Format: "individual", Mode: "phone", Kind: "check_in"}); err != nil {
								errs <- err
							}
						}
					}
				}()
			}
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	want := map[int64]int64{}
	for _, tm := range teams {
		changes := 0
		for w := range workers {
			for r := range rounds {
				if (w+r)%4 == 0 {
					changes++
				}
			}
		}
		want[tm.Org.ID] = int64(len(stores) * (workers*rounds + changes))
	}
	return want
}

func TestAuditConcurrentReadsInTwoOrganisations(t *testing.T) {
	db := testkit.NewStore(t)
	teams := []testkit.Team{db.NewTeam(t, "Concurrent A"), db.NewTeam(t, "Concurrent B")}
	people := []store.Person{addPerson(t, db, testkit.Actor(teams[0].Peer), "Cal"), addPerson(t, db, testkit.Actor(teams[1].Peer), "Dee")}
	before := chainSizes(t, db.Store)
	want := readAndChange(t, []*store.Store{db.Store}, teams, people)
	after := chainSizes(t, db.Store)
	for org, n := range want {
		if got := after[org] - before[org]; got != n {
			t.Errorf("organisation %d gained %d entries, want %d", org, got, n)
		}
	}
}

// TestAuditTwoProcesses runs two stores, as two peerpath processes would,
// on one database, both appending to the same chains at once.
func TestAuditTwoProcesses(t *testing.T) {
	db := testkit.NewStore(t)
	second, err := store.Open(ctx, db.DSN, store.Options{Clock: db.Clock, Keys: testkit.Keys()})
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	teams := []testkit.Team{db.NewTeam(t, "Two A"), db.NewTeam(t, "Two B")}
	people := []store.Person{addPerson(t, db, testkit.Actor(teams[0].Peer), "Eve"), addPerson(t, db, testkit.Actor(teams[1].Peer), "Fay")}
	before := chainSizes(t, db.Store)
	want := readAndChange(t, []*store.Store{db.Store, second}, teams, people)
	after := chainSizes(t, second)
	for org, n := range want {
		if got := after[org] - before[org]; got != n {
			t.Errorf("organisation %d gained %d entries, want %d", org, got, n)
		}
	}
}

// TestAuditLegacyChainAfterUpgrade builds a database as peerpath left it
// before the chains were split (one chain for the whole installation),
// upgrades it, writes on, and verifies both.
func TestAuditLegacyChainAfterUpgrade(t *testing.T) {
	dsn := testkit.EmptyDSN(t)
	clock := testkit.NewClock()
	s, err := store.Open(ctx, dsn, store.Options{Clock: clock, Keys: testkit.Keys()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.MigrateTo(ctx, 13); err != nil {
		t.Fatal(err)
	}
	key := testkit.Keys().AuditMAC
	prev := ""
	for i := int64(1); i <= 5; i++ {
		e := audit.Entry{Seq: i, At: clock.Now().Truncate(time.Millisecond), OrgID: i % 2, UserID: i, IP: "192.0.2.9", Action: audit.ActionSignInFailed, RecordType: "session", Detail: "bad password"}
		audit.Seal(key, &e, prev)
		prev = e.MAC
		if err := s.Exec(ctx, `INSERT INTO audit_log (seq, at, org_id, user_id, ip, action, record_type, record_id, detail, prev_mac, mac) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			e.Seq, e.At.UnixMilli(), e.OrgID, e.UserID, e.IP, string(e.Action), e.RecordType, e.RecordID, e.Detail, e.PrevMAC, e.MAC); err != nil {
			t.Fatal(err)
		}
		if err := s.Exec(ctx, "UPDATE audit_head SET seq = $1, mac = $2, head_mac = $3 WHERE id = 1", e.Seq, e.MAC, audit.HeadSum(key, e.Seq, e.MAC)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	db := &testkit.DB{Store: s, DSN: dsn, Clock: clock}
	tm := db.NewTeam(t, "Upgraded")
	addPerson(t, db, testkit.Actor(tm.Peer), "Gil")
	rep, err := s.VerifyAuditChains(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || len(rep.Chains) < 2 || rep.Chains[0].OrgID != store.LegacyChain || rep.Chains[0].Entries != 5 {
		t.Fatalf("after the upgrade: %+v", rep)
	}
	tamper(t, db, "UPDATE audit_log SET detail = 'locked' WHERE seq = 3 AND org_seq = 0")
	rep, _ = s.VerifyAuditChains(ctx, nil)
	for _, c := range rep.Chains {
		if (c.OrgID == store.LegacyChain) != (c.Err != nil) {
			t.Errorf("%s: %v", c.Label(), c.Err)
		}
	}
	if err := rep.FirstError(); err == nil || !strings.Contains(err.Error(), "before per-organisation chains: entry 3") {
		t.Fatalf("a changed legacy entry: %v", err)
	}
}

// TestAuditAnchorsCatchARestoredHead restores an older head row after
// removing the entries written since, which the chain alone cannot tell
// from a log that simply ended there; the anchor file can.
func TestAuditAnchorsCatchARestoredHead(t *testing.T) {
	for _, carryOn := range []bool{false, true} {
		t.Run(fmt.Sprintf("written on after the restore %v", carryOn), func(t *testing.T) {
			db := testkit.NewStore(t)
			tm := db.NewTeam(t, "Anchored")
			a := testkit.Actor(tm.Peer)
			p := addPerson(t, db, a, "Hal")
			if err := db.SealWaitingAudit(ctx); err != nil { // the head row exists once the changes' entries are placed
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), audit.AnchorFile)
			anchor := func() {
				heads, err := db.AuditHeads(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if err := audit.AppendAnchors(path, testkit.Keys().AuditMAC, heads); err != nil {
					t.Fatal(err)
				}
			}
			anchor()
			raw := rawDB(t, db)
			var oldSeq int64
			var oldMAC, oldSum string
			if err := raw.QueryRow("SELECT seq, mac, head_mac FROM audit_head WHERE org_id = $1", tm.Org.ID).Scan(&oldSeq, &oldMAC, &oldSum); err != nil {
				t.Fatal(err)
			}
			for range 5 {
				db.Person(ctx, a, p.ID)
			}
			anchor()
			anchors, err := audit.ReadAnchors(path, testkit.Keys().AuditMAC)
			if err != nil {
				t.Fatal(err)
			}
			if rep, err := db.VerifyAuditChains(ctx, anchors); err != nil || !rep.OK() {
				t.Fatalf("intact and anchored: %v %v", err, rep.FirstError())
			}
			// The older head comes back, and the entries after it go.
			tamper(t, db, fmt.Sprintf("DELETE FROM audit_log WHERE org_id = %d AND org_seq > %d", tm.Org.ID, oldSeq),
				fmt.Sprintf("UPDATE audit_head SET seq = %d, mac = '%s', head_mac = '%s' WHERE org_id = %d", oldSeq, oldMAC, oldSum, tm.Org.ID))
			want := "entries were removed from the end"
			if carryOn {
				db.Clock.Advance(time.Hour) // later reads: not the entries that were removed
				for range 8 {               // past the anchored entry
					db.Person(ctx, a, p.ID)
				}
				want = "is not the entry anchored"
			}
			if _, err := db.VerifyAudit(ctx); err != nil {
				t.Fatalf("without anchors the chain looks whole, yet: %v", err)
			}
			rep, err := db.VerifyAuditChains(ctx, anchors)
			if err != nil {
				t.Fatal(err)
			}
			if err := rep.FirstError(); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "(Anchored)") || !strings.Contains(err.Error(), "anchor file line 2") {
				t.Fatalf("got %v, want %q", err, want)
			}
		})
	}
}

func TestAuditAnchorFileIsChecked(t *testing.T) {
	key := testkit.Keys().AuditMAC
	path := filepath.Join(t.TempDir(), audit.AnchorFile)
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	if err := audit.AppendAnchors(path, key, []audit.Anchor{{At: at, OrgID: 1, Seq: 40, MAC: "ab"}, {At: at, OrgID: 2, Seq: 7, MAC: "cd"}}); err != nil {
		t.Fatal(err)
	}
	if err := audit.AppendAnchors(path, key, []audit.Anchor{{At: at.Add(time.Minute), OrgID: 1, Seq: 45, MAC: "ef"}}); err != nil {
		t.Fatal(err)
	}
	as, err := audit.ReadAnchors(path, key)
	if err != nil || len(as) != 3 {
		t.Fatalf("read %d anchors: %v", len(as), err)
	}
	if l := audit.LatestAnchors(as); l[1].Seq != 45 || l[1].Line != 3 || l[2].Seq != 7 {
		t.Fatalf("latest: %+v", l)
	}
	// A line cut short by a crash is skipped; an edited line is refused.
	appendRaw(t, path, "anchor1 1763629200000 1 9")
	if as, err := audit.ReadAnchors(path, key); err != nil || len(as) != 3 {
		t.Fatalf("a torn last line: %d %v", len(as), err)
	}
	edited := filepath.Join(t.TempDir(), audit.AnchorFile)
	audit.AppendAnchors(edited, key, []audit.Anchor{{At: at, OrgID: 1, Seq: 40, MAC: "ab"}})
	raw := readRaw(t, edited)
	writeRaw(t, edited, strings.Replace(raw, " 40 ", " 4 ", 1))
	if _, err := audit.ReadAnchors(edited, key); err == nil || !strings.Contains(err.Error(), "line 1: its MAC does not match") {
		t.Fatalf("an edited anchor: %v", err)
	}
}

// rawDB opens the test database directly, as an operator's own tools would.
func rawDB(t *testing.T, db *testkit.DB) *sql.DB {
	t.Helper()
	driver := "sqlite"
	if testkit.Postgres() {
		driver = "pgx"
	}
	raw, err := sql.Open(driver, db.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// TestSQLiteSecondProcessWaits: while another process holds the write
// lock, a second peerpath opening the same file waits for it (busy_timeout
// is set before anything else) instead of failing with "database is locked".
func TestSQLiteSecondProcessWaits(t *testing.T) {
	if testkit.Postgres() {
		t.Skip("SQLite's file lock")
	}
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Waits")
	raw := rawDB(t, db)
	conn, err := raw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	go func() {
		time.Sleep(300 * time.Millisecond)
		conn.ExecContext(ctx, "COMMIT")
		close(released)
	}()
	second, err := store.Open(ctx, db.DSN, store.Options{Clock: db.Clock, Keys: testkit.Keys()})
	if err != nil {
		t.Fatalf("opening while another process writes: %v", err)
	}
	defer second.Close()
	if _, err := second.CreatePerson(ctx, testkit.Actor(tm.Peer), store.PersonInput{PreferredName: "Ivy"}); err != nil {
		t.Fatalf("writing while another process writes: %v", err)
	}
	select {
	case <-released:
	default:
		t.Fatal("the write did not wait for the other process")
	}
	chainSizes(t, second)
}

// TestAuditReadsAtTheRememberedHead: on PostgreSQL, once a process knows
// where an organisation's chain ends, a batch of reads is appended in one
// statement; when another process has moved the head since, that statement
// writes nothing and the locking path appends instead. Either way every
// read is on the chain and the chain verifies.
func TestAuditReadsAtTheRememberedHead(t *testing.T) {
	if !testkit.Postgres() {
		t.Skip("PostgreSQL only: SQLite has one writer and no head to share")
	}
	db := testkit.NewStore(t)
	second, err := store.Open(ctx, db.DSN, store.Options{Clock: db.Clock, Keys: testkit.Keys()})
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	tm := db.NewTeam(t, "At the head")
	a := testkit.Actor(tm.Peer)
	p := addPerson(t, db, a, "Gil")
	before := chainSizes(t, db.Store)[tm.Org.ID]
	read := func(s *store.Store) {
		t.Helper()
		if _, err := s.Person(ctx, a, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	for range 5 {
		read(db.Store)
	}
	if n := db.AuditBatchesAtHead(); n < 3 {
		t.Errorf("%d of 5 reads in a row were appended at the remembered head, want at least 3", n)
	}
	// The second process moves the head; the first's next read must not
	// fork the chain.
	for range 3 {
		read(second)
		read(db.Store)
	}
	if got := chainSizes(t, db.Store)[tm.Org.ID] - before; got != 11 {
		t.Errorf("the chain gained %d entries, want 11", got)
	}
	if _, err := db.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}
