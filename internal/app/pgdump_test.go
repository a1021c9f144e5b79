package app_test

import (
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"peerpath/internal/testkit"
)

// peerpath backup on PostgreSQL (issue 19).

// TestBackupPostgresPgDump: on the real PostgreSQL, backup runs pg_dump
// and encrypts its output; decrypted, pg_restore --list reads the file,
// which holds peerpath's tables and the
// rows of its schema, and is readable by its owner only.
func TestBackupPostgresPgDump(t *testing.T) {
	if !testkit.Postgres() {
		t.Skip("runs on PostgreSQL: set " + testkit.PostgresEnv)
	}
	if _, err := exec.LookPath("pg_dump"); err != nil {
		t.Skip("pg_dump is not installed")
	}
	env := fresh(t)
	if r := run(t, env, "a sturdy long passphrase\n", "user", "add", "--org", "Dump RLC", "--email", "d@x.test", "--name", "D", "--role", "admin", "--password-stdin"); r.code != 0 {
		t.Fatalf("user add: %+v", r)
	}
	to := filepath.Join(t.TempDir(), "peerpath.dump")
	r := run(t, env, "", "backup", "--to", to)
	if r.code != 0 {
		t.Fatalf("backup: %+v", r)
	}
	if !strings.Contains(r.out, "pg_restore --list: ok") {
		t.Errorf("backup did not say the dump was checked: %+v", r)
	}
	info, err := os.Stat(to)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("the dump is readable by others: %v", info.Mode())
	}
	// The dump is encrypted to the backup key; peerpath decrypt gives it
	// back for pg_restore.
	if out, err := exec.Command("pg_restore", "--list", to).CombinedOutput(); err == nil {
		t.Fatalf("pg_restore reads the dump without decrypting it: it is in the clear\n%s", out)
	}
	plain := filepath.Join(t.TempDir(), "plain.dump")
	if r := run(t, env, "", "decrypt", "--from", to, "--to", plain); r.code != 0 {
		t.Fatalf("decrypt: %+v", r)
	}
	out, err := exec.Command("pg_restore", "--list", plain).CombinedOutput()
	if err != nil {
		t.Fatalf("pg_restore --list: %v\n%s", err, out)
	}
	list := string(out)
	for _, want := range []string{"TABLE DATA", " users ", " people ", " audit_log ", " goose_db_version "} {
		if !strings.Contains(list, want) {
			t.Errorf("the dump's table of contents lacks %q:\n%s", want, list)
		}
	}
	// Only peerpath's schema, not every schema in the database.
	u, err := url.Parse(env["PEERPATH_DB"])
	if err != nil {
		t.Fatal(err)
	}
	schema := u.Query().Get("search_path")
	if schema == "" {
		t.Fatalf("the test database has no search_path: %s", u.Redacted())
	}
	for _, line := range strings.Split(list, "\n") {
		if strings.Contains(line, "TABLE DATA") && !strings.Contains(line, " "+schema+" ") {
			t.Errorf("the dump holds a table outside %s: %s", schema, line)
			break
		}
	}
	// A second backup to the same file is refused, the first kept.
	if r := run(t, env, "", "backup", "--to", to); r.code != 1 || !strings.Contains(r.errOut, "already exists") {
		t.Fatalf("backup over an existing file: %+v", r)
	}
}

// TestBackupPostgresWithoutPgDump: without pg_dump on PATH, backup on
// PostgreSQL exits 1 saying pg_dump is needed and how to install it, and
// writes nothing.
func TestBackupPostgresWithoutPgDump(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	to := filepath.Join(t.TempDir(), "peerpath.dump")
	r := run(t, map[string]string{"PEERPATH_DATA_DIR": t.TempDir()}, "", "backup", "--db", "postgres://u@127.0.0.1:1/none", "--to", to)
	if r.code != 1 || !strings.Contains(r.errOut, "pg_dump, which is not installed") || !strings.Contains(r.errOut, "postgresql-client") {
		t.Fatalf("want exit 1 saying pg_dump is not installed: %+v", r)
	}
	if _, err := os.Stat(to); err == nil {
		t.Fatal("a file was written")
	}
}
