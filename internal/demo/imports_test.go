package demo_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"peerpath/internal/demo"
	"peerpath/internal/spreadsheet"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// The demo holds one import, and the sample files in docs/import-samples
// import into the demo organisation as they are, in order.
func TestDemoImportAndTheSampleFiles(t *testing.T) {
	db := testkit.NewStore(t)
	ctx := context.Background()
	d, err := demo.Load(ctx, db.Store)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db.Store); err != nil {
		t.Fatalf("loading twice: %v", err)
	}
	dana := d.Users["admin"].Actor("test")
	bs, err := db.ImportBatches(ctx, dana, 10)
	if err != nil || len(bs) != 1 || bs[0].Created != 3 || bs[0].Kind != store.ImportResources {
		t.Fatalf("the demo's imports: %+v %v", bs, err)
	}
	for _, kind := range store.ImportKinds {
		data, err := os.ReadFile(filepath.Join("..", "..", "docs", "import-samples", kind+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		table, err := spreadsheet.Read(kind+".csv", data)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := db.ImportRecords(ctx, dana, store.ImportInput{Kind: kind, Table: table})
		if err != nil || rep.Created != len(table.Rows) {
			t.Fatalf("sample %s: %+v %v", kind, rep.Problems, err)
		}
	}
}
