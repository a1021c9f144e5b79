package app_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestKeyIsMadeOnlyForANewDatabase: a database that holds records and cannot
// find its secret.key is refused, naming the key it expects and the
// directory searched; no new key is made up beside it (which would break the
// audit chain and every second factor). A key that is not the database's is
// refused too.
func TestKeyIsMadeOnlyForANewDatabase(t *testing.T) {
	env := fresh(t)
	if r := run(t, env, "a sturdy long passphrase\n", "user", "add", "--org", "Key", "--email", "k@x.test", "--name", "K", "--role", "admin", "--password-stdin"); r.code != 0 {
		t.Fatalf("first user: %+v", r)
	}
	fp := regexp.MustCompile(`[0-9a-f]{16}`)

	// The wrong --data-dir: nothing there.
	elsewhere := t.TempDir()
	wrong := map[string]string{"PEERPATH_DB": env["PEERPATH_DB"], "PEERPATH_DATA_DIR": elsewhere}
	for _, args := range [][]string{
		{"user", "add", "--org", "Key", "--email", "j@x.test", "--name", "J", "--role", "peer"},
		{"token", "create", "--email", "k@x.test", "--name", "script"},
		{"migrate"},
		{"audit", "verify"},
	} {
		r := run(t, wrong, "", args...)
		if r.code != 1 || !strings.Contains(r.errOut, filepath.Join(elsewhere, "secret.key")) || !strings.Contains(r.errOut, "Searched "+elsewhere) || !fp.MatchString(r.errOut) {
			t.Fatalf("%v with the wrong data directory: %+v", args, r)
		}
		if _, err := os.Stat(filepath.Join(elsewhere, "secret.key")); err == nil {
			t.Fatalf("%v made up a new key for a database with records", args)
		}
	}

	// Another installation's key.
	other := fresh(t)
	if r := run(t, other, "", "migrate"); r.code != 0 {
		t.Fatalf("migrate a new database: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(other["PEERPATH_DATA_DIR"], "secret.key")); err != nil {
		t.Fatalf("a new, empty database gets a key: %v", err)
	}
	foreign := map[string]string{"PEERPATH_DB": env["PEERPATH_DB"], "PEERPATH_DATA_DIR": other["PEERPATH_DATA_DIR"]}
	if r := run(t, foreign, "", "token", "create", "--email", "k@x.test", "--name", "script"); r.code != 1 || !strings.Contains(r.errOut, "is not this database's") {
		t.Fatalf("another installation's key: %+v", r)
	}

	// The right key still works.
	if r := run(t, env, "", "audit", "verify"); r.code != 0 {
		t.Fatalf("the right key: %+v", r)
	}
}
