package app_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportCommand(t *testing.T) {
	env := fresh(t)
	for _, u := range [][]string{{"ada@example.org", "Ada Admin", "admin"}, {"pat@example.org", "Pat Peer", "peer"}} {
		if r := run(t, env, "a sturdy long passphrase\n", "user", "add", "--org", "Metro Boston RLC", "--email", u[0], "--name", u[1], "--role", u[2], "--password-stdin"); r.code != 0 {
			t.Fatalf("user add: %+v", r)
		}
	}
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var b strings.Builder
	b.WriteString("Person ID,Known as,Worker\n")
	for i := 1; i <= 60; i++ {
		fmt.Fprintf(&b, "P-%d,Person %d,pat@example.org\n", i, i)
	}
	people := write("people.csv", b.String())
	args := func(extra ...string) []string {
		return append([]string{"import", "people", "--from", people, "--org", "Metro Boston RLC", "--map", "Person ID=source_id", "--map", "Known as=preferred_name", "--map", "Worker=worker_emails"}, extra...)
	}

	r := run(t, env, "", args("--dry-run")...)
	if r.code != 0 || !strings.Contains(r.out, "60 would be added, 0 were imported before") || !strings.Contains(r.out, "line 2: Preferred name: Person 1;") {
		t.Fatalf("dry run: %+v", r)
	}
	if !strings.Contains(r.errOut, "progress: 83% (checked 50 of 60 rows)") || !strings.Contains(r.errOut, "progress: 100% (checked 60 of 60 rows)") {
		t.Errorf("no progress on stderr: %s", r.errOut)
	}
	r = run(t, env, "", args()...)
	if !strings.Contains(r.errOut, "progress: 41% (checked 50 of 60 rows)") || !strings.Contains(r.errOut, "progress: 100% (saved 60 of 60 rows)") {
		t.Errorf("no progress on stderr: %s", r.errOut)
	}
	if r.code != 0 || !strings.Contains(r.out, "60 people added, 0 imported before and skipped") {
		t.Fatalf("import: %+v", r)
	}
	r = run(t, env, "", args()...)
	if r.code != 0 || !strings.Contains(r.out, "0 people added, 60 imported before and skipped") {
		t.Fatalf("second run: %+v", r)
	}

	contacts := write("contacts.csv", "person_source_id,date,minutes\nP-1,2026-11-20 10:00,30\nP-2,20.11.2026,30\nP-99,2026-11-20,x\n")
	r = run(t, env, "", "import", "contacts", "--from", contacts, "--org", "Metro Boston RLC")
	want := []string{
		`line 3, column "date": "20.11.2026" is not a date and time peerpath can read.`,
		`line 4, column "minutes": Enter how many minutes it took, as a whole number.`,
		`line 4, column "person_source_id": No person was imported with the id "P-99". Import the people file first.`,
	}
	if r.code != 1 || !strings.Contains(r.errOut, "nothing was imported") {
		t.Fatalf("bad contacts: %+v", r)
	}
	for _, w := range want {
		if !strings.Contains(r.errOut, w) {
			t.Errorf("stderr lacks %s:\n%s", w, r.errOut)
		}
	}
	latin := write("latin1.csv", "name,kind\nCaf\xe9 Centro,food\n")
	if r = run(t, env, "", "import", "resources", "--from", latin, "--org", "Metro Boston RLC"); r.code != 1 || !strings.Contains(r.errOut, "line 2: This line is not UTF-8 text") {
		t.Fatalf("latin-1 file: %+v", r)
	}
	if r = run(t, env, "", "import", "pets", "--from", latin, "--org", "Metro Boston RLC"); r.code != 2 {
		t.Fatalf("unknown kind: %+v", r)
	}
	if r = run(t, env, "", "import", "contacts", "--from", contacts, "--org", "Nowhere"); r.code != 1 || !strings.Contains(r.errOut, `no organisation called "Nowhere"`) {
		t.Fatalf("unknown organisation: %+v", r)
	}
}
