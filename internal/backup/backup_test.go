package backup

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

func TestKeyIsMadeOnceAndKeptPrivate(t *testing.T) {
	dir := t.TempDir()
	a, err := LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Fatal("a second call made a new key")
	}
	info, err := os.Stat(filepath.Join(dir, KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("backup.key has mode %v, want 0600", info.Mode().Perm())
	}
	if _, err := LoadKey(t.TempDir()); !errors.Is(err, ErrNoKey) {
		t.Fatalf("LoadKey of an empty directory = %v, want ErrNoKey", err)
	}
}

func TestEncryptedFileRoundTripAndWrongKey(t *testing.T) {
	dir := t.TempDir()
	key, _ := LoadOrCreateKey(filepath.Join(dir, "k1"))
	other, _ := LoadOrCreateKey(filepath.Join(dir, "k2"))
	plain := filepath.Join(dir, "plain")
	secret := bytes.Repeat([]byte("Maria Santos, safety plan. "), 5000)
	os.WriteFile(plain, secret, 0o600)
	enc := filepath.Join(dir, "copy.age")
	if err := EncryptFile(plain, enc, key); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(enc)
	if bytes.Contains(raw, []byte("Maria")) {
		t.Fatal("the encrypted copy holds the plain text")
	}
	if ok, err := IsEncrypted(enc); !ok || err != nil {
		t.Fatalf("IsEncrypted(copy) = %v, %v", ok, err)
	}
	if ok, _ := IsEncrypted(plain); ok {
		t.Fatal("IsEncrypted(plain) = true")
	}
	out := filepath.Join(dir, "out")
	if err := DecryptFile(enc, out, key); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(out); !bytes.Equal(got, secret) {
		t.Fatal("decrypted copy differs")
	}
	if err := DecryptFile(enc, filepath.Join(dir, "out2"), other); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("decrypting with another key = %v, want ErrWrongKey", err)
	}
	// One changed byte is caught, and nothing is left behind.
	raw[len(raw)-40] ^= 1
	os.WriteFile(enc, raw, 0o600)
	if err := DecryptFile(enc, filepath.Join(dir, "out3"), key); err == nil {
		t.Fatal("a damaged copy decrypted")
	}
	if _, err := os.Stat(filepath.Join(dir, "out3")); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a damaged copy left a file")
	}
}

// TestContinuousCopiesRestoreToAnyPointInTime writes rows while Litestream
// ships them, then restores the latest state and a point in the middle.
func TestContinuousCopiesRestoreToAnyPointInTime(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	key, err := LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(dir, "peerpath.db")
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, at INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "continuous")
	c, err := Start(ctx, dbPath, target, key, Options{Interval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}

	// Writers record when each row was acknowledged.
	type ack struct {
		id        int64
		start, at time.Time
	}
	var (
		mu   sync.Mutex
		acks []ack
		stop = make(chan struct{})
		wg   sync.WaitGroup
	)
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				start := time.Now()
				var id int64
				err := db.QueryRow(`INSERT INTO notes (body, at) VALUES ($1, $2) RETURNING id`, fmt.Sprintf("secret note %d-%d", w, i), start.UnixMilli()).Scan(&id)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acks = append(acks, ack{id, start, time.Now()})
				mu.Unlock()
				time.Sleep(2 * time.Millisecond)
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	middle := time.Now()
	time.Sleep(2000 * time.Millisecond)
	close(stop)
	wg.Wait()
	if err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := c.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if len(acks) < 50 {
		t.Fatalf("only %d rows written", len(acks))
	}

	// The shipped files never hold a row in the clear.
	filepath.WalkDir(target, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if raw, _ := os.ReadFile(p); bytes.Contains(raw, []byte("secret note")) {
				t.Errorf("%s holds a row in the clear", p)
			}
		}
		return nil
	})

	ids := func(path string) map[int64]bool {
		t.Helper()
		rdb, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer rdb.Close()
		rows, err := rdb.Query(`SELECT id FROM notes`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		got := map[int64]bool{}
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			got[id] = true
		}
		return got
	}

	if !IsTarget(target) {
		t.Fatal("IsTarget(continuous directory) = false")
	}
	latest := filepath.Join(dir, "latest.db")
	if err := Restore(ctx, target, time.Time{}, latest, key); err != nil {
		t.Fatal(err)
	}
	got := ids(latest)
	for _, a := range acks {
		if !got[a.id] {
			t.Fatalf("row %d, acknowledged before the last sync, is missing from the restored copy", a.id)
		}
	}

	atMiddle := filepath.Join(dir, "middle.db")
	if err := Restore(ctx, target, middle, atMiddle, key); err != nil {
		t.Fatal(err)
	}
	got = ids(atMiddle)
	var before, after int
	for _, a := range acks {
		switch {
		case a.at.Before(middle.Add(-500 * time.Millisecond)):
			before++
			if !got[a.id] {
				t.Fatalf("row %d, acknowledged well before %v, is missing from the copy restored to that time", a.id, middle)
			}
		case a.start.After(middle.Add(500 * time.Millisecond)):
			// Litestream dates each file by when its sync began, so a
			// commit made while a sync ran can carry a time a little
			// before it: the point in time is exact to within a sync.
			after++
			if got[a.id] {
				t.Fatalf("row %d, written after %v, is in the copy restored to that time", a.id, middle)
			}
		}
	}
	if before == 0 || after == 0 {
		t.Fatalf("the test wrote %d rows well before the middle and %d after it; want some of each", before, after)
	}

	other, _ := LoadOrCreateKey(filepath.Join(dir, "other"))
	err = Restore(ctx, target, time.Time{}, filepath.Join(dir, "wrong.db"), other)
	if !errors.Is(err, ErrWrongKey) {
		t.Fatalf("restoring with another key = %v, want ErrWrongKey", err)
	}
	if err := Restore(ctx, target, time.Now().Add(-24*time.Hour), filepath.Join(dir, "early.db"), key); err == nil || !strings.Contains(err.Error(), "no copy from") {
		t.Fatalf("restoring to a time before the first copy = %v", err)
	}
}
