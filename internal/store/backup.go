package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strconv"
	"strings"
)

// Backups and restores of a SQLite file (issue 19): which migration a
// binary carries, which one a database is at, and what a copy holds.

// CarriedVersion is the highest migration this binary carries: a database
// at a higher version was written by a newer peerpath.
func CarriedVersion() (int64, error) {
	ents, err := fs.ReadDir(migrations, "migrations/"+string(SQLite))
	if err != nil {
		return 0, err
	}
	var top int64
	for _, e := range ents {
		num, _, ok := strings.Cut(e.Name(), "_")
		if !ok {
			continue
		}
		if n, err := strconv.ParseInt(num, 10, 64); err == nil && n > top {
			top = n
		}
	}
	return top, nil
}

// SchemaVersion is the highest migration applied to the database (0 for a
// database never migrated).
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	return schemaVersion(ctx, s.rdb, s.hasTable)
}

func schemaVersion(ctx context.Context, q querier, hasTable func(context.Context, string) (bool, error)) (int64, error) {
	if ok, err := hasTable(ctx, "goose_db_version"); err != nil || !ok {
		return 0, err
	}
	var v sql.NullInt64
	err := q.QueryRowContext(ctx, "SELECT MAX(version_id) FROM goose_db_version WHERE is_applied").Scan(&v)
	return v.Int64, err
}

// CopyInfo is what CheckCopy found in a SQLite copy.
type CopyInfo struct {
	Version        int64  // the highest migration applied to the copy
	KeyFingerprint string // the fingerprint of the key it was set up with; "" if it keeps none
}

// ErrDamagedCopy is returned by CheckCopy for a file that is not a sound
// SQLite database.
var ErrDamagedCopy = errors.New("damaged copy")

// CheckCopy opens the SQLite file at path read-only (without touching it:
// no journal, no lock), runs PRAGMA integrity_check, and reads its
// migration version and key fingerprint. A file that is not a database, or
// fails the check, gives an error wrapping ErrDamagedCopy.
func CheckCopy(ctx context.Context, path string) (CopyInfo, error) {
	if _, err := os.Stat(path); err != nil {
		return CopyInfo{}, err
	}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro&immutable=1")
	if err != nil {
		return CopyInfo{}, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return CopyInfo{}, fmt.Errorf("%w: %v", ErrDamagedCopy, err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return CopyInfo{}, fmt.Errorf("%w: %v", ErrDamagedCopy, err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return CopyInfo{}, fmt.Errorf("%w: %v", ErrDamagedCopy, err)
	}
	rows.Close()
	if len(problems) > 0 {
		if len(problems) > 3 {
			problems = append(problems[:3], "…")
		}
		return CopyInfo{}, fmt.Errorf("%w: integrity_check found %s", ErrDamagedCopy, strings.Join(problems, "; "))
	}
	has := func(ctx context.Context, name string) (bool, error) {
		var n int
		err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1", name).Scan(&n)
		return n > 0, err
	}
	var info CopyInfo
	if info.Version, err = schemaVersion(ctx, db, has); err != nil {
		return CopyInfo{}, fmt.Errorf("%w: reading its migration version: %v", ErrDamagedCopy, err)
	}
	if ok, err := has(ctx, "installation"); err != nil {
		return CopyInfo{}, fmt.Errorf("%w: %v", ErrDamagedCopy, err)
	} else if ok {
		err := db.QueryRowContext(ctx, "SELECT key_fingerprint FROM installation WHERE id = 1").Scan(&info.KeyFingerprint)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return CopyInfo{}, fmt.Errorf("%w: reading its key fingerprint: %v", ErrDamagedCopy, err)
		}
	}
	return info, nil
}

// CheckNotInUse opens the SQLite file at path and tries to start a write
// (BEGIN IMMEDIATE) with a short busy timeout: a program writing to it
// right now makes this fail. It is the second of restore's two checks; the
// first is the serve lock (see app.lockDB), which also covers a server that
// is idle.
func CheckNotInUse(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_pragma=busy_timeout(200)")
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("%s is in use: another program is writing to it (%v)", path, err)
	}
	_, err = conn.ExecContext(ctx, "ROLLBACK")
	return err
}
