package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"peerpath/internal/store"
)

// Backups, restore and the version (issue 19). Backups and restore copy
// SQLite files, so these tests use a SQLite file even when the suite runs
// on PostgreSQL.

// sqliteEnv is an environment with a new SQLite file and data directory.
func sqliteEnv(t *testing.T) map[string]string {
	dir := t.TempDir()
	return map[string]string{"PEERPATH_DB": filepath.Join(dir, "peerpath.db"), "PEERPATH_DATA_DIR": filepath.Join(dir, "data")}
}

// withAdmin makes the first organisation and an administrator who also
// works with people.
func withAdmin(t *testing.T, env map[string]string) store.User {
	t.Helper()
	if r := run(t, env, "a sturdy long passphrase\n", "user", "add", "--org", "Backups RLC", "--email", "b@x.test", "--name", "B", "--role", "peer,admin", "--password-stdin"); r.code != 0 {
		t.Fatalf("user add: %+v", r)
	}
	s := openStore(t, env)
	u, err := s.UserByEmail(t.Context(), "b@x.test")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// peopleIn lists the ids of the people in a SQLite file.
func peopleIn(t *testing.T, path string) map[int64]bool {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT id FROM people")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	ids := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids[id] = true
	}
	return ids
}

// TestBackupRestoreRoundTripWithWrites: writers add people as fast as they
// can while a backup is taken; the copy, restored to a new file, holds
// every person whose creation was acknowledged before the backup began,
// and its audit log verifies.
func TestBackupRestoreRoundTripWithWrites(t *testing.T) {
	env := sqliteEnv(t)
	u := withAdmin(t, env)
	s := openStore(t, env)
	actor := u.Actor("192.0.2.1")

	var mu sync.Mutex
	var acked []int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				p, err := s.CreatePerson(context.Background(), actor, store.PersonInput{PreferredName: fmt.Sprintf("Writer %d person %d", w, i)})
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				acked = append(acked, p.ID)
				mu.Unlock()
			}
		}()
	}
	ackedSoFar := func() []int64 { mu.Lock(); defer mu.Unlock(); return append([]int64(nil), acked...) }
	for deadline := time.Now().Add(30 * time.Second); len(ackedSoFar()) < 40; {
		if time.Now().After(deadline) {
			t.Fatal("the writers did not get going")
		}
		time.Sleep(10 * time.Millisecond)
	}
	before := ackedSoFar() // acknowledged before the copy began
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	r := run(t, env, "", "backup", "--to", copyPath)
	during := len(ackedSoFar()) - len(before)
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("a writer failed: %v", err)
	}
	if r.code != 0 || !strings.Contains(r.out, "integrity_check: ok") {
		t.Fatalf("backup: %+v", r)
	}
	if info, err := os.Stat(copyPath); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the copy is readable by others: %v %v", info, err)
	}
	t.Logf("%d people acknowledged before the backup, %d while it ran, %d in all", len(before), during, len(ackedSoFar()))

	restored := filepath.Join(t.TempDir(), "restored.db")
	renv := map[string]string{"PEERPATH_DB": restored, "PEERPATH_DATA_DIR": env["PEERPATH_DATA_DIR"]}
	r = run(t, renv, "", "restore", "--from", copyPath)
	if r.code != 0 || !strings.Contains(r.out, "audit log intact") {
		t.Fatalf("restore: %+v", r)
	}
	have := peopleIn(t, restored)
	for _, id := range before {
		if !have[id] {
			t.Fatalf("person %d was acknowledged before the backup began but is not in the restored database", id)
		}
	}
	if r := run(t, renv, "", "audit", "verify"); r.code != 0 || !strings.Contains(r.out, "audit log intact") {
		t.Fatalf("audit verify on the restored database: %+v", r)
	}
	if info, err := os.Stat(restored); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the restored file: %v %v", info, err)
	}
	// The restored database serves: it opens, migrates and reads.
	if r := run(t, renv, "", "migrate"); r.code != 0 {
		t.Fatalf("migrate the restored database: %+v", r)
	}
}

// TestRestoreRefuses: restore refuses, with exit 1 and a reason, a database
// in use (by serve, or by a program writing to it), a copy made with
// another key, a damaged copy, and a copy from a newer peerpath; the
// database it would have replaced is left as it was.
func TestRestoreRefuses(t *testing.T) {
	env := sqliteEnv(t)
	withAdmin(t, env)
	copyPath := filepath.Join(t.TempDir(), "copy.db.age")
	if r := run(t, env, "", "backup", "--to", copyPath); r.code != 0 {
		t.Fatalf("backup: %+v", r)
	}
	// The tampering below needs the copy in the clear: peerpath decrypt
	// gives it, and restore takes plain copies too (those from before
	// copies were encrypted).
	plainPath := filepath.Join(t.TempDir(), "copy.db")
	if r := run(t, env, "", "decrypt", "--from", copyPath, "--to", plainPath); r.code != 0 {
		t.Fatalf("decrypt: %+v", r)
	}
	refused := func(t *testing.T, r result, why string) {
		t.Helper()
		if r.code != 1 || !strings.Contains(r.errOut, "refusing to restore") || !strings.Contains(r.errOut, why) {
			t.Fatalf("want exit 1 saying %q: %+v", why, r)
		}
	}

	t.Run("in use by serve", func(t *testing.T) {
		_, _, stop := startServe(t, env)
		before, _ := os.ReadFile(env["PEERPATH_DB"])
		refused(t, run(t, env, "", "restore", "--from", copyPath), "is in use")
		after, _ := os.ReadFile(env["PEERPATH_DB"])
		if string(before) != string(after) {
			t.Fatal("the database in use was changed")
		}
		stop()
		if r := run(t, env, "", "restore", "--from", copyPath); r.code != 0 {
			t.Fatalf("restore once serve has stopped: %+v", r)
		}
		// And serve refuses to start while another serve holds the lock.
		_, _, stop = startServe(t, env)
		defer stop()
		if r := run(t, env, "", "serve", "--addr", "127.0.0.1:0"); r.code != 1 || !strings.Contains(r.errOut, "is in use") {
			t.Fatalf("a second serve on the same file: %+v", r)
		}
	})

	t.Run("in use by a writer", func(t *testing.T) {
		db, err := sql.Open("sqlite", "file:"+env["PEERPATH_DB"]+"?_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		conn, err := db.Conn(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
			t.Fatal(err)
		}
		refused(t, run(t, env, "", "restore", "--from", copyPath), "another program is writing")
		conn.ExecContext(t.Context(), "ROLLBACK")
	})

	t.Run("wrong key", func(t *testing.T) {
		other := sqliteEnv(t)
		if r := run(t, other, "", "migrate"); r.code != 0 {
			t.Fatalf("another installation: %+v", r)
		}
		target := filepath.Join(t.TempDir(), "new.db")
		oenv := map[string]string{"PEERPATH_DB": target, "PEERPATH_DATA_DIR": other["PEERPATH_DATA_DIR"]}
		// An encrypted copy needs its own installation's backup key…
		refused(t, run(t, oenv, "", "restore", "--from", copyPath), "no backup key")
		if r := run(t, other, "", "backup", "--to", filepath.Join(t.TempDir(), "other.age")); r.code != 0 {
			t.Fatalf("a backup of the other installation (which makes its backup key): %+v", r)
		}
		refused(t, run(t, oenv, "", "restore", "--from", copyPath), "not the one they were made with")
		// …and a plain one its secret.key.
		refused(t, run(t, oenv, "", "restore", "--from", plainPath), "wrong key")
		if _, err := os.Stat(target); err == nil {
			t.Fatal("a copy with the wrong key was restored")
		}
		// No key at all.
		refused(t, run(t, map[string]string{"PEERPATH_DB": target, "PEERPATH_DATA_DIR": t.TempDir()}, "", "restore", "--from", plainPath), "secret.key")
	})

	t.Run("damaged copy", func(t *testing.T) {
		raw, err := os.ReadFile(plainPath)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		truncated := filepath.Join(dir, "truncated.db")
		os.WriteFile(truncated, raw[:len(raw)/2], 0o600)
		scribbled := filepath.Join(dir, "scribbled.db")
		bad := append([]byte(nil), raw...)
		for i := 4096 * 2; i < 4096*2+3000 && i < len(bad); i++ {
			bad[i] = byte(i * 7)
		}
		os.WriteFile(scribbled, bad, 0o600)
		notDB := filepath.Join(dir, "notes.db")
		os.WriteFile(notDB, []byte(strings.Repeat("not a database\n", 500)), 0o600)
		before, _ := os.ReadFile(env["PEERPATH_DB"])
		for _, f := range []string{truncated, scribbled, notDB} {
			refused(t, run(t, env, "", "restore", "--from", f), "is damaged")
		}
		after, _ := os.ReadFile(env["PEERPATH_DB"])
		if string(before) != string(after) {
			t.Fatal("a damaged copy changed the database")
		}
		refused(t, run(t, env, "", "restore", "--from", filepath.Join(dir, "missing.db")), "no file")
		// An encrypted copy changed by one byte is refused too.
		enc, _ := os.ReadFile(copyPath)
		enc[len(enc)-100] ^= 1
		changed := filepath.Join(dir, "changed.age")
		os.WriteFile(changed, enc, 0o600)
		refused(t, run(t, env, "", "restore", "--from", changed), "is damaged")
		if after, _ := os.ReadFile(env["PEERPATH_DB"]); string(before) != string(after) {
			t.Fatal("a damaged encrypted copy changed the database")
		}
	})

	t.Run("audit log broken", func(t *testing.T) {
		tampered := filepath.Join(t.TempDir(), "tampered.db")
		raw, _ := os.ReadFile(plainPath)
		os.WriteFile(tampered, raw, 0o600)
		db, err := sql.Open("sqlite", tampered)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"DROP TRIGGER audit_log_no_update", "UPDATE audit_log SET record_id = '999' WHERE seq = 2"} {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
		before, _ := os.ReadFile(env["PEERPATH_DB"])
		r := run(t, env, "", "restore", "--from", tampered)
		refused(t, r, "does not verify")
		if !strings.Contains(r.out, "BROKEN") {
			t.Fatalf("the broken chain is not named: %+v", r)
		}
		after, _ := os.ReadFile(env["PEERPATH_DB"])
		if string(before) != string(after) {
			t.Fatal("a copy whose audit log does not verify replaced the database")
		}
		if left, _ := filepath.Glob(filepath.Join(filepath.Dir(env["PEERPATH_DB"]), ".peerpath-restore-*")); len(left) > 0 {
			t.Fatalf("a refused restore left %v", left)
		}
	})

	t.Run("newer migration version", func(t *testing.T) {
		newer := filepath.Join(t.TempDir(), "newer.db")
		raw, _ := os.ReadFile(plainPath)
		os.WriteFile(newer, raw, 0o600)
		db, err := sql.Open("sqlite", newer)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, 1)"); err != nil {
			t.Fatal(err)
		}
		db.Close()
		refused(t, run(t, env, "", "restore", "--from", newer), "newer than this peerpath")
	})
}

// TestServeScheduledBackups: serve copies the database on its schedule,
// names each copy by the time it was taken, keeps only the last
// --backup-keep, and each copy restores.
func TestServeScheduledBackups(t *testing.T) {
	env := sqliteEnv(t)
	withAdmin(t, env)
	dir := filepath.Join(t.TempDir(), "backups")
	// Something else kept in the directory is left alone.
	os.MkdirAll(dir, 0o700)
	os.WriteFile(filepath.Join(dir, "README"), []byte("copies of peerpath\n"), 0o600)
	// A copy an earlier server was writing when it stopped is removed.
	os.WriteFile(filepath.Join(dir, "peerpath-20261206T070000Z.db.tmp"), []byte("half a copy"), 0o600)
	_, stderr, stop := startServe(t, env, "--backup-dir", dir, "--backup-every", "1s", "--backup-keep", "2")
	for deadline := time.Now().Add(30 * time.Second); strings.Count(stderr.String(), "backup written and checked") < 3; {
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("serve did not take 3 backups:\n%s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d:\n%s", code, stderr.String())
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`^peerpath-\d{8}T\d{6}Z\.db\.age$`)
	var copies []string
	for _, e := range ents {
		switch {
		case name.MatchString(e.Name()):
			copies = append(copies, e.Name())
		case e.Name() != "README":
			t.Errorf("unexpected file in the backup directory: %s", e.Name())
		}
	}
	if len(copies) != 2 {
		t.Fatalf("want the last 2 copies after 3 backups, got %v\n%s", copies, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "README")); err != nil {
		t.Fatal("pruning removed a file that is not a copy")
	}
	info, _ := os.Stat(filepath.Join(dir, copies[1]))
	if info.Mode().Perm() != 0o600 {
		t.Errorf("a copy is readable by others: %v", info.Mode())
	}
	renv := map[string]string{"PEERPATH_DB": filepath.Join(t.TempDir(), "r.db"), "PEERPATH_DATA_DIR": env["PEERPATH_DATA_DIR"]}
	if r := run(t, renv, "", "restore", "--from", filepath.Join(dir, copies[1])); r.code != 0 {
		t.Fatalf("restore a scheduled copy: %+v", r)
	}
	s := openStore(t, renv)
	if _, err := s.UserByEmail(t.Context(), "b@x.test"); err != nil {
		t.Fatalf("the restored copy: %v", err)
	}
}

// TestBackupFlagsAreChecked: nonsense backup flags are usage errors
// (exit 2), and PostgreSQL is pointed to pg_dump.
func TestBackupFlagsAreChecked(t *testing.T) {
	env := sqliteEnv(t)
	file := filepath.Join(t.TempDir(), "a-file")
	os.WriteFile(file, nil, 0o600)
	for name, args := range map[string][]string{
		"every without dir":                  {"--backup-every", "1h"},
		"keep without dir":                   {"--backup-keep", "3"},
		"every zero":                         {"--backup-dir", t.TempDir(), "--backup-every", "0s"},
		"every nonsense":                     {"--backup-dir", t.TempDir(), "--backup-every", "hourly"},
		"every too often":                    {"--backup-dir", t.TempDir(), "--backup-every", "10ms"},
		"keep zero":                          {"--backup-dir", t.TempDir(), "--backup-keep", "0"},
		"keep negative":                      {"--backup-dir", t.TempDir(), "--backup-keep", "-4"},
		"dir is a file":                      {"--backup-dir", file},
		"continuous keep without continuous": {"--backup-continuous-keep", "48h"},
		"continuous keep too short":          {"--backup-continuous", t.TempDir(), "--backup-continuous-keep", "5m"},
		"continuous keep nonsense":           {"--backup-continuous", t.TempDir(), "--backup-continuous-keep", "weekly"},
	} {
		t.Run(name, func(t *testing.T) {
			if r := run(t, env, "", append([]string{"serve"}, args...)...); r.code != 2 || r.errOut == "" {
				t.Fatalf("exit %d: %q", r.code, r.errOut)
			}
		})
	}
	r := run(t, env, "", "serve", "--db", "postgres://u@127.0.0.1:1/none", "--backup-dir", t.TempDir())
	if r.code != 2 || !strings.Contains(r.errOut, "pg_dump") || !strings.Contains(r.errOut, "docs/deploy.md") {
		t.Fatalf("PostgreSQL with --backup-dir: %+v", r)
	}
	r = run(t, env, "", "serve", "--db", "postgres://u@127.0.0.1:1/none", "--backup-continuous", t.TempDir())
	if r.code != 2 || !strings.Contains(r.errOut, "WAL archiving") {
		t.Fatalf("PostgreSQL with --backup-continuous: %+v", r)
	}
	if r := run(t, env, "", "restore", "--from", file, "--db", "postgres://u@127.0.0.1:1/none"); r.code != 1 || !strings.Contains(r.errOut, "pg_restore") {
		t.Fatalf("restore onto PostgreSQL: %+v", r)
	}
	if r := run(t, env, "", "restore"); r.code != 2 {
		t.Fatalf("restore without --from: %+v", r)
	}
}

// TestVersionCommand: version names the commit and the migration version
// the binary carries, and with --db the database's.
func TestVersionCommand(t *testing.T) {
	env := fresh(t)
	r := run(t, env, "", "version")
	m := regexp.MustCompile(`(?m)^migration version: (\d+)$`).FindStringSubmatch(r.out)
	if r.code != 0 || !regexp.MustCompile(`(?m)^commit: \S+`).MatchString(r.out) || m == nil || m[1] == "0" {
		t.Fatalf("version: %+v", r)
	}
	if r := run(t, env, "", "migrate"); r.code != 0 {
		t.Fatalf("migrate: %+v", r)
	}
	r = run(t, env, "", "version", "--db", env["PEERPATH_DB"])
	if r.code != 0 || !strings.Contains(r.out, "database migration version: "+m[1]+" ") {
		t.Fatalf("version --db: %+v", r)
	}
	if r := run(t, env, "", "version", "--db", filepath.Join(t.TempDir(), "none.db")); r.code != 1 || !strings.Contains(r.errOut, "no database") {
		t.Fatalf("version --db with no database: %+v", r)
	}
}

// TestServeContinuousCopiesRestoreToATime: serve --backup-continuous ships
// every transaction, encrypted; while writers add people, restore --at a
// time in the middle gives the database as it was then (everyone
// acknowledged well before it, nobody added well after it: Litestream's
// point in time is exact to within one sync, about a second), and a restore of
// the latest state holds everyone acknowledged before serve stopped. Both
// restored databases pass the audit check.
func TestServeContinuousCopiesRestoreToATime(t *testing.T) {
	env := sqliteEnv(t)
	u := withAdmin(t, env)
	target := filepath.Join(t.TempDir(), "continuous")
	_, stderr, stop := startServe(t, env, "--backup-continuous", target)
	s := openStore(t, env)
	actor := u.Actor("192.0.2.1")

	type ack struct {
		id        int64
		start, at time.Time
	}
	var (
		mu   sync.Mutex
		acks []ack
		halt = make(chan struct{})
		wg   sync.WaitGroup
	)
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-halt:
					return
				default:
				}
				start := time.Now()
				p, err := s.CreatePerson(context.Background(), actor, store.PersonInput{PreferredName: fmt.Sprintf("Stream %d person %d", w, i)})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acks = append(acks, ack{p.ID, start, time.Now()})
				mu.Unlock()
				time.Sleep(5 * time.Millisecond)
			}
		}()
	}
	time.Sleep(3 * time.Second)
	middle := time.Now()
	time.Sleep(4 * time.Second)
	close(halt)
	wg.Wait()
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d:\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "ships every transaction, encrypted, to "+target) {
		t.Fatalf("serve did not say where the continuous copies go:\n%s", stderr.String())
	}

	restoreTo := func(args ...string) map[int64]bool {
		t.Helper()
		renv := map[string]string{"PEERPATH_DB": filepath.Join(t.TempDir(), "r.db"), "PEERPATH_DATA_DIR": env["PEERPATH_DATA_DIR"]}
		r := run(t, renv, "", append([]string{"restore", "--from", target}, args...)...)
		if r.code != 0 || !strings.Contains(r.out, "audit log intact") || !strings.Contains(r.out, "continuous copies") {
			t.Fatalf("restore %v: %+v", args, r)
		}
		if r := run(t, renv, "", "audit", "verify"); r.code != 0 {
			t.Fatalf("audit verify after restore %v: %+v", args, r)
		}
		return peopleIn(t, renv["PEERPATH_DB"])
	}
	latest := restoreTo()
	for _, a := range acks {
		if !latest[a.id] {
			t.Fatalf("person %d was acknowledged before serve stopped but is not in the latest restore", a.id)
		}
	}
	atMiddle := restoreTo("--at", middle.UTC().Format(time.RFC3339Nano))
	var before, after int
	for _, a := range acks {
		switch {
		case a.at.Before(middle.Add(-2 * time.Second)): // Litestream ships every second
			before++
			if !atMiddle[a.id] {
				t.Fatalf("person %d, acknowledged well before %v, is missing from the restore to that time", a.id, middle)
			}
		case a.start.After(middle.Add(2 * time.Second)): // and a sync's length after it
			after++
			if atMiddle[a.id] {
				t.Fatalf("person %d, added after %v, is in the restore to that time", a.id, middle)
			}
		}
	}
	if before == 0 || after == 0 {
		t.Fatalf("%d people well before the middle and %d after: want some of each", before, after)
	}
	t.Logf("%d people in all; %d well before the middle, %d after it", len(acks), before, after)

	// --at needs continuous copies, and a time it can read.
	if r := run(t, env, "", "restore", "--from", filepath.Join(t.TempDir(), "x.db"), "--at", middle.Format(time.RFC3339)); r.code != 2 || !strings.Contains(r.errOut, "--at needs continuous copies") {
		t.Fatalf("--at with a copy file: %+v", r)
	}
	if r := run(t, env, "", "restore", "--from", target, "--at", "yesterday"); r.code != 2 || !strings.Contains(r.errOut, "--at must be a time") {
		t.Fatalf("--at yesterday: %+v", r)
	}
	// Without the backup key the copies cannot be read.
	r := run(t, map[string]string{"PEERPATH_DB": filepath.Join(t.TempDir(), "n.db"), "PEERPATH_DATA_DIR": t.TempDir()}, "", "restore", "--from", target)
	if r.code != 1 || !strings.Contains(r.errOut, "no backup key") {
		t.Fatalf("restore without the backup key: %+v", r)
	}
}
