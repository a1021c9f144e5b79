package app_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/pressly/goose/v3"

	"peerpath/internal/store"
)

// The copy taken before a migration (issue 19). Like the other backup
// tests, these use a SQLite file even when the suite runs on PostgreSQL.

// olderDB makes the SQLite file at path as the peerpath before the last
// migration left it: the repository's own migration files applied by goose
// up to the second-to-last one. It returns that version.
func olderDB(t *testing.T, path string) int64 {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectSQLite3, db, os.DirFS("../store/migrations/sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	src := p.ListSources()
	if len(src) < 2 {
		t.Fatalf("want at least two migrations, have %d", len(src))
	}
	old := src[len(src)-2].Version
	if _, err := p.UpTo(t.Context(), old); err != nil {
		t.Fatal(err)
	}
	return old
}

// preCopies lists the files in dir whose names match re.
func preCopies(t *testing.T, dir string, re *regexp.Regexp) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if re.MatchString(e.Name()) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

// checkPreCopy checks that the copy at path passes integrity_check, is at
// version old, and is readable by its owner only.
func checkPreCopy(t *testing.T, path string, old int64) {
	t.Helper()
	info, err := store.CheckCopy(t.Context(), path)
	if err != nil {
		t.Fatalf("the copy before migrating: %v", err)
	}
	if info.Version != old {
		t.Fatalf("the copy is at migration version %d, want %d (the version before migrating)", info.Version, old)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("the copy is readable by others: %v", st.Mode())
	}
}

// TestMigrateCopiesAnOlderDatabaseFirst: migrating a database an older
// peerpath left writes a checked copy at the old version beside it, named
// by that version; a database already up to date, and a new one, are not
// copied.
func TestMigrateCopiesAnOlderDatabaseFirst(t *testing.T) {
	env := sqliteEnv(t)
	old := olderDB(t, env["PEERPATH_DB"])
	r := run(t, env, "", "migrate")
	if r.code != 0 {
		t.Fatalf("migrate: %+v", r)
	}
	dir := filepath.Dir(env["PEERPATH_DB"])
	name := regexp.MustCompile(`^peerpath\.before-\d{4}-\d{8}T\d{6}Z\.db$`)
	copies := preCopies(t, dir, name)
	if len(copies) != 1 {
		t.Fatalf("want one copy beside the database, got %v (stderr: %s)", copies, r.errOut)
	}
	checkPreCopy(t, copies[0], old)
	if want := regexp.MustCompile(`peerpath\.before-0*` + strconv.FormatInt(old, 10) + `-`); !want.MatchString(copies[0]) {
		t.Errorf("the copy's name %s does not say version %d", copies[0], old)
	}
	if !regexp.MustCompile(`copied to .*` + regexp.QuoteMeta(filepath.Base(copies[0]))).MatchString(r.errOut) {
		t.Errorf("migrate did not say where the copy is: %s", r.errOut)
	}
	// The database itself is now up to date; migrating again copies nothing.
	carried, _ := store.CarriedVersion()
	if info, err := store.CheckCopy(t.Context(), env["PEERPATH_DB"]); err != nil || info.Version != carried {
		t.Fatalf("the database after migrate: %+v %v, want version %d", info, err, carried)
	}
	if r := run(t, env, "", "migrate"); r.code != 0 {
		t.Fatalf("migrate again: %+v", r)
	}
	if again := preCopies(t, dir, name); len(again) != 1 {
		t.Fatalf("an up-to-date database was copied: %v", again)
	}

	// A new database has nothing to keep.
	fresh := sqliteEnv(t)
	if r := run(t, fresh, "", "migrate"); r.code != 0 {
		t.Fatalf("migrate a new database: %+v", r)
	}
	if got := preCopies(t, filepath.Dir(fresh["PEERPATH_DB"]), regexp.MustCompile(`before-`)); len(got) != 0 {
		t.Fatalf("a new database was copied: %v", got)
	}
}

// TestServeCopiesAnOlderDatabaseToBackupDir: serve with --backup-dir puts
// the copy before a migration there, under a name the pruning of
// scheduled copies leaves alone.
func TestServeCopiesAnOlderDatabaseToBackupDir(t *testing.T) {
	env := sqliteEnv(t)
	old := olderDB(t, env["PEERPATH_DB"])
	dir := filepath.Join(t.TempDir(), "backups")
	_, stderr, stop := startServe(t, env, "--backup-dir", dir, "--backup-every", "1h", "--backup-keep", "1")
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d: %s", code, stderr.String())
	}
	copies := preCopies(t, dir, regexp.MustCompile(`^peerpath-before-\d{4}-\d{8}T\d{6}Z\.db\.age$`))
	if len(copies) != 1 {
		t.Fatalf("want one copy in the backup directory, got %v\n%s", copies, stderr.String())
	}
	// In the backup directory the copy is encrypted like the others.
	if st, _ := os.Stat(copies[0]); st.Mode().Perm() != 0o600 {
		t.Errorf("the copy is readable by others: %v", st.Mode())
	}
	plain := filepath.Join(t.TempDir(), "plain.db")
	if r := run(t, env, "", "decrypt", "--from", copies[0], "--to", plain); r.code != 0 {
		t.Fatalf("decrypt the copy: %+v", r)
	}
	checkPreCopy(t, plain, old)
	if beside := preCopies(t, filepath.Dir(env["PEERPATH_DB"]), regexp.MustCompile(`before-`)); len(beside) != 0 {
		t.Errorf("with --backup-dir, a copy was also written beside the database: %v", beside)
	}
}
