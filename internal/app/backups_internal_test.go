package app

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestPruneBackupsKeepsTheNewest: pruning removes the oldest copies by the
// time in their names and leaves files that are not copies alone.
func TestPruneBackupsKeepsTheNewest(t *testing.T) {
	dir := t.TempDir()
	names := []string{
		"peerpath-20261206T080000Z.db", "peerpath-20261205T230000Z.db", "peerpath-20261206T090000Z.db",
		"peerpath-20251231T235959Z.db", "peerpath-20261206T083000Z.db",
		"peerpath-20261206T093000Z.db.tmp", "peerpath-notatime.db", "notes.txt", "peerpath-20240101T000000Z.db.keep",
	}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	removed, err := pruneBackups(dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"peerpath-20251231T235959Z.db", "peerpath-20261205T230000Z.db", "peerpath-20261206T080000Z.db"}; !slices.Equal(removed, want) {
		t.Fatalf("removed %v, want %v", removed, want)
	}
	ents, _ := os.ReadDir(dir)
	var left []string
	for _, e := range ents {
		left = append(left, e.Name())
	}
	want := []string{"notes.txt", "peerpath-20240101T000000Z.db.keep", "peerpath-20261206T083000Z.db", "peerpath-20261206T090000Z.db", "peerpath-20261206T093000Z.db.tmp", "peerpath-notatime.db"}
	if !slices.Equal(left, want) {
		t.Fatalf("left %v, want %v", left, want)
	}
	if removed, err := pruneBackups(dir, 2); err != nil || len(removed) != 0 {
		t.Fatalf("a second prune removed %v %v", removed, err)
	}
}
