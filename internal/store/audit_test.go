package store_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"peerpath/internal/audit"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// tamper runs SQL as someone with direct database access would: the
// append-only triggers are dropped first.
func tamper(t *testing.T, db *testkit.DB, stmts ...string) {
	t.Helper()
	// On PostgreSQL the changes' entries take their place in the chain just
	// after their commits, from the audit writer: place them all now, so
	// none lands between the statements below (a race, not a tampering).
	if err := db.SealWaitingAudit(ctx); err != nil {
		t.Fatal(err)
	}
	driver := "sqlite"
	if testkit.Postgres() {
		driver = "pgx"
	}
	raw, err := sql.Open(driver, db.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	drop := []string{"DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"}
	if testkit.Postgres() {
		drop = []string{"DROP TRIGGER audit_log_no_change ON audit_log"}
	}
	for _, s := range append(drop, stmts...) {
		if _, err := raw.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func auditedTeam(t *testing.T) *testkit.DB {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Audited")
	for i := 0; i < 3; i++ {
		db.SignIn(ctx, tm.Peer.Email, "not the password!", "192.0.2.7")
	}
	return db
}

func TestAuditChain(t *testing.T) {
	db := auditedTeam(t)
	n, err := db.VerifyAudit(ctx)
	if err != nil {
		t.Fatalf("intact log: %v", err)
	}
	if n < 9 {
		t.Fatalf("only %d audit entries", n)
	}
	// The team's organisation is the first one made in a fresh database.
	chain := "org_id = (SELECT MIN(id) FROM organisations)"
	cases := map[string]struct {
		stmts []string
		want  string
	}{
		"changed": {[]string{"UPDATE audit_log SET ip = '10.0.0.1' WHERE org_seq = 4 AND " + chain}, "entry 4"},
		"removed": {[]string{"DELETE FROM audit_log WHERE org_seq = 4 AND " + chain}, "entry 5"},
		"inserted": {[]string{
			"UPDATE audit_log SET org_seq = org_seq + 1000 WHERE org_seq >= 4 AND " + chain,
			"INSERT INTO audit_log (org_seq, at, org_id, user_id, ip, action, record_type, record_id, detail, prev_mac, mac) SELECT 4, at, org_id, user_id, ip, action, record_type, record_id, detail, prev_mac, mac FROM audit_log WHERE org_seq = 1004 AND " + chain,
			"UPDATE audit_log SET org_seq = org_seq - 999 WHERE org_seq >= 1004 AND " + chain,
		}, "entry 5"},
		"truncated":      {[]string{"DELETE FROM audit_log WHERE org_seq = (SELECT MAX(org_seq) FROM audit_log WHERE " + chain + ") AND " + chain}, "entry"},
		"moved to chain": {[]string{"UPDATE audit_log SET org_id = 0 WHERE org_seq = 2 AND " + chain}, "entry"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			db := auditedTeam(t)
			tamper(t, db, c.stmts...)
			rep, err := db.VerifyAuditChains(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got error
			for _, ch := range rep.Chains {
				if ch.Name == "Audited" {
					got = ch.Err
				}
			}
			if got == nil || !strings.HasPrefix(got.Error(), c.want) {
				t.Fatalf("got %v, want an error in the organisation's chain starting %q", got, c.want)
			}
			if _, err := db.VerifyAudit(ctx); err == nil {
				t.Fatal("VerifyAudit passed a broken chain")
			}
		})
	}
}

func TestAuditIsAppendOnly(t *testing.T) {
	db := auditedTeam(t)
	driver := "sqlite"
	if testkit.Postgres() {
		driver = "pgx"
	}
	raw, err := sql.Open(driver, db.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec("UPDATE audit_log SET ip = 'x'"); err == nil {
		t.Error("the audit log accepted an UPDATE")
	}
	if _, err := raw.Exec("DELETE FROM audit_log"); err == nil {
		t.Error("the audit log accepted a DELETE")
	}
}

func TestAuditRecordsSignInsWithoutSecrets(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Signins")
	db.SignIn(ctx, tm.Peer.Email, "wrong-password-typed", "192.0.2.5")
	db.SignIn(ctx, tm.Peer.Email, testkit.Password, "192.0.2.5")
	db.SignIn(ctx, "stranger@x.test", "whatever-they-typed", "192.0.2.6")
	l, err := db.ListAudit(ctx, tm.Org.ID, store.AuditFilter{UserID: tm.Peer.ID}, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var ok, failed bool
	for _, e := range l.Items {
		ok = ok || e.Action == audit.ActionSignIn
		failed = failed || e.Action == audit.ActionSignInFailed
		for _, field := range []string{e.Detail, e.RecordID, e.IP} {
			if strings.Contains(field, "wrong-password") || strings.Contains(field, "@") {
				t.Errorf("audit entry holds a secret or an email: %+v", e)
			}
		}
	}
	if !ok || !failed {
		t.Fatalf("sign-ins not both recorded: ok=%v failed=%v", ok, failed)
	}
	// Filters narrow the list, and another organisation's entries never show.
	other := db.NewTeam(t, "Other")
	l2, _ := db.ListAudit(ctx, other.Org.ID, store.AuditFilter{UserID: tm.Peer.ID}, store.Page{})
	if len(l2.Items) != 0 {
		t.Fatalf("another organisation sees %d entries", len(l2.Items))
	}
}

func TestBackup(t *testing.T) {
	if testkit.Postgres() {
		t.Skip("backup copies SQLite files; PostgreSQL uses pg_dump")
	}
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Backed Up")
	to := filepath.Join(t.TempDir(), "copy.db")
	if err := db.Backup(ctx, to); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, to); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	if _, err := os.Stat(to); err != nil {
		t.Fatal(err)
	}
	copyDB, err := store.Open(ctx, to, store.Options{Keys: testkit.Keys()})
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	a, _ := db.ListUsers(ctx, tm.Org.ID, store.Page{})
	b, err := copyDB.ListUsers(ctx, tm.Org.ID, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Items) != len(b.Items) || len(b.Items) == 0 {
		t.Fatalf("copy holds %d users, original %d", len(b.Items), len(a.Items))
	}
	if n, err := copyDB.VerifyAudit(ctx); err != nil || n == 0 {
		t.Fatalf("copy's audit log: %d %v", n, err)
	}
}
