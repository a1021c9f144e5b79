package bench_test

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"peerpath/internal/bench"
	"peerpath/internal/demo"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// The benchmark runs end to end, very briefly, on the smoke scale: every
// scenario reports, and nothing fails on either server. (The real figures
// come from `peerpath bench`, never from this test.)
func TestBenchRunsEveryScenarioWithoutErrors(t *testing.T) {
	db := testkit.NewStore(t)
	db.Clock.Set(time.Now()) // the servers save contacts "now"
	ctx := context.Background()
	sc, _ := demo.ScaleByName("smoke")
	if _, err := demo.Generate(ctx, db.Store, sc, io.Discard); err != nil {
		t.Fatal(err)
	}
	base, err := store.Open(ctx, db.DSN, store.Options{Keys: testkit.Keys()})
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	var out bytes.Buffer
	err = bench.Run(ctx, bench.Config{Store: db.Store, Baseline: base, Org: 1, Concurrency: []int{1, 2}, Duration: 300 * time.Millisecond,
		Savers: 3, Sessions: 4, SessionTime: 300 * time.Millisecond, Readers: 2, Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	report := out.String()
	t.Log(report)
	for _, want := range append(bench.Pages, "Contact saves from 3 clients", "4 sessions", "with CPU burners") {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
	// Which pages get baseline requests in so short a run depends on the
	// machine's load; that some comparison is made does not.
	if !strings.Contains(report, "×") {
		t.Errorf("no comparison with the baseline:\n%s", report)
	}
	if strings.Contains(report, "error (") || !strings.Contains(report, "errors: 0") {
		t.Errorf("errors in the report:\n%s", report)
	}
	if n, err := db.VerifyAudit(ctx); err != nil {
		t.Errorf("audit verify after the benchmark: %v (%d entries)", err, n)
	}
}

// store.Bare reads without audit entries: only the benchmark may use it.
func TestOnlyTheBenchmarkUsesBare(t *testing.T) {
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if strings.HasPrefix(rel, "bench"+string(filepath.Separator)) || rel == filepath.Join("store", "bare.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), ".Bare()") {
			t.Errorf("%s uses store.Bare, which skips the audit log: only internal/bench may", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
