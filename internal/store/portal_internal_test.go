package store

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestAccessHistoryCoversEveryRecordOfThePerson: a change audited with the
// person named in its detail ("person 12", the store's convention for a
// record that belongs to someone) is about the person's record, so "who
// has looked at my record" must find it: its record type is one of
// personKeyed or personRecords.
func TestAccessHistoryCoversEveryRecordOfThePerson(t *testing.T) {
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, r := range personRecords {
		covered[r.recordType] = true
	}
	for _, k := range strings.Split(personKeyed, ",") {
		covered[strings.Trim(strings.TrimSpace(k), "'")] = true
	}
	call := regexp.MustCompile(`record\(ctx, tx, a, audit\.\w+, "([a-z_]+)", [^\n]*"[^"\n]*person "`)
	found := 0
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		src, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllSubmatch(src, -1) {
			found++
			if typ := string(m[1]); !covered[typ] {
				t.Errorf("%s audits %q records with the person named in the detail, but the access history does not look for them: add them to personRecords (portal.go) and give them words (portal.access.part.%s)", n, typ, typ)
			}
		}
	}
	if found < 10 {
		t.Fatalf("found only %d audited changes naming a person: is the pattern still right?", found)
	}
}
