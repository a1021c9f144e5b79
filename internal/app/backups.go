package app

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"filippo.io/age"

	"peerpath/internal/backup"
	"peerpath/internal/core"
	"peerpath/internal/store"
)

// Backups that happen by themselves, restore, and the version (issue 19).

// errDBInUse says that another peerpath holds a SQLite database's lock.
type errDBInUse struct{ db, lock string }

func (e errDBInUse) Error() string {
	return fmt.Sprintf("%s is in use: a peerpath serve (or restore) holds its lock %s. Stop it first", e.db, e.lock)
}

// backupPlan is serve's schedule of SQLite copies.
type backupPlan struct {
	dir        string
	every      time.Duration
	keep       int
	continuous string        // a directory or URL Litestream ships every transaction to
	keepFor    time.Duration // how long Litestream keeps snapshots there

	scratch string              // where a copy is made before it is encrypted: beside the database
	key     *age.X25519Identity // the backup key copies are encrypted to
}

// backupFlags adds serve's --backup-dir, --backup-every and --backup-keep.
func backupFlags(fs *flag.FlagSet, p *backupPlan, getenv env) {
	fs.StringVar(&p.dir, "backup-dir", getenv("PEERPATH_BACKUP_DIR"), "SQLite: write a checked copy of the database to this directory on a schedule (PEERPATH_BACKUP_DIR)")
	every, err := time.ParseDuration(envOr(getenv, "PEERPATH_BACKUP_EVERY", "1h"))
	if err != nil {
		every = -1 // reported by check
	}
	fs.DurationVar(&p.every, "backup-every", every, "how often to copy the database to --backup-dir, e.g. 1h or 30m (PEERPATH_BACKUP_EVERY)")
	fs.IntVar(&p.keep, "backup-keep", envInt(getenv, "PEERPATH_BACKUP_KEEP", 48), "how many copies to keep in --backup-dir; older ones are removed (PEERPATH_BACKUP_KEEP)")
	keepFor, err := time.ParseDuration(envOr(getenv, "PEERPATH_BACKUP_CONTINUOUS_KEEP", "168h"))
	if err != nil {
		keepFor = -1 // reported by check
	}
	fs.DurationVar(&p.keepFor, "backup-continuous-keep", keepFor, "how long the continuous copies keep their snapshots, and so how far back a restore can go, e.g. 168h for a week (PEERPATH_BACKUP_CONTINUOUS_KEEP)")
	fs.StringVar(&p.continuous, "backup-continuous", getenv("PEERPATH_BACKUP_CONTINUOUS"), "SQLite: ship every transaction, encrypted, to this directory or s3://bucket/path (Litestream), so a restore can go to any point in time (PEERPATH_BACKUP_CONTINUOUS)")
}

func envInt(getenv env, key string, def int) int {
	v := getenv(key)
	if v == "" {
		return def
	}
	var n int
	if _, err := fmt.Sscan(v, &n); err != nil {
		return -1 // reported by check
	}
	return n
}

// check validates the plan for the database db.
func (p backupPlan) check(fs *flag.FlagSet, db string) error {
	if p.continuous != "" && store.IsPostgres(db) {
		return usagef("--backup-continuous follows a SQLite file; for PostgreSQL use WAL archiving (archive_mode, archive_command). See docs/deploy.md")
	}
	if p.continuous == "" && flagSet(fs, "backup-continuous-keep") {
		return usagef("--backup-continuous-keep needs --backup-continuous")
	}
	if p.continuous != "" && p.keepFor < time.Hour {
		return usagef("--backup-continuous-keep must be a duration of at least 1h, such as 168h")
	}
	if p.dir == "" {
		var stray []string
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "backup-every" || f.Name == "backup-keep" {
				stray = append(stray, "--"+f.Name)
			}
		})
		if len(stray) > 0 {
			return usagef("%s needs --backup-dir", strings.Join(stray, " and "))
		}
		return nil
	}
	if store.IsPostgres(db) {
		return usagef("--backup-dir copies SQLite files; back up PostgreSQL with its own tools: pg_dump --format=custom for copies, and WAL archiving (archive_mode, archive_command) for continuous ones. See docs/deploy.md")
	}
	if p.every < time.Second {
		return usagef("--backup-every must be a duration of at least 1s, such as 1h or 30m")
	}
	if p.keep < 1 {
		return usagef("--backup-keep must be a number of copies, at least 1")
	}
	if info, err := os.Stat(p.dir); err == nil && !info.IsDir() {
		return usagef("--backup-dir %s is a file, not a directory", p.dir)
	}
	return nil
}

// backupPrefix and backupLayout name a scheduled copy by the UTC time it
// was taken: peerpath-20261206T083000Z.db.age (encrypted to the backup
// key; copies from before encryption end in .db).
const (
	backupPrefix    = "peerpath-"
	backupLayout    = "20060102T150405Z"
	backupSuffix    = ".db"
	encryptedSuffix = ".age"
)

// takeBackup writes a consistent copy of s into dir under a temporary name,
// runs integrity_check on it, makes it readable by its owner only, and
// gives it its final name, so that a file with a final name is always a
// checked copy.
func takeBackup(ctx context.Context, s *store.Store, p backupPlan, now time.Time) (string, error) {
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		return "", err
	}
	final := filepath.Join(p.dir, backupPrefix+now.UTC().Format(backupLayout)+backupSuffix+encryptedSuffix)
	if err := writeCheckedCopy(ctx, s, final, p.scratch, p.key); err != nil {
		return "", err
	}
	return final, nil
}

// writeCheckedCopy writes a consistent copy of s to final. The copy is made
// under a temporary name and checked with integrity_check; with a key, it
// is made in scratch (beside the database, which holds the same records in
// the clear) and final is that copy encrypted to the key; without one, it
// is made beside final and made readable by its owner only. Either way the
// final name only ever names a whole, checked copy.
func writeCheckedCopy(ctx context.Context, s *store.Store, final, scratch string, key *age.X25519Identity) error {
	if _, err := os.Stat(final); err == nil {
		return fmt.Errorf("%s already exists", final)
	}
	tmp := final + ".tmp"
	if key != nil {
		tmp = filepath.Join(scratch, ".peerpath-copy-"+filepath.Base(final)+".tmp")
	}
	os.Remove(tmp) // a copy left by a process that was stopped mid-way
	defer os.Remove(tmp)
	if err := s.Backup(ctx, tmp); err != nil {
		return err
	}
	if _, err := store.CheckCopy(ctx, tmp); err != nil {
		return err
	}
	if key != nil {
		return backup.EncryptFile(tmp, final, key)
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		return err
	}
	syncDir(filepath.Dir(final))
	return nil
}

// preMigrationCopy names the copy taken before migrating a SQLite database
// at migration version v: in the backup directory when there is one
// (peerpath-before-0020-20261206T083000Z.db, a name the pruning of
// scheduled copies leaves alone), else beside the database
// (peerpath.before-0020-20261206T083000Z.db for peerpath.db).
func preMigrationCopy(cfg Config, v int64, now time.Time) string {
	tail := fmt.Sprintf("before-%04d-%s%s", v, now.UTC().Format(backupLayout), backupSuffix)
	if cfg.BackupDir != "" {
		return filepath.Join(cfg.BackupDir, backupPrefix+tail+encryptedSuffix)
	}
	return strings.TrimSuffix(cfg.DB, backupSuffix) + "." + tail
}

// migrateWithCopy migrates s. A SQLite database that has migrations to
// apply is first copied (consistent, checked, owner-only) to
// preMigrationCopy, so an upgrade that goes wrong can be undone with
// peerpath restore and the older binary. A new, empty database, one that
// is up to date, and PostgreSQL (back it up with pg_dump before
// upgrading) are migrated without a copy.
func migrateWithCopy(ctx context.Context, s *store.Store, cfg Config, now time.Time) (int, error) {
	if s.Dialect() == store.SQLite {
		v, err := s.SchemaVersion(ctx)
		if err != nil {
			return 0, err
		}
		carried, err := store.CarriedVersion()
		if err != nil {
			return 0, err
		}
		if v > 0 && v < carried {
			path := preMigrationCopy(cfg, v, now)
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				return 0, err
			}
			// In the backup directory the copy is encrypted like the
			// scheduled ones; beside the database it is not, as the
			// database itself is not.
			var key *age.X25519Identity
			if cfg.BackupDir != "" {
				if key, err = backup.LoadOrCreateKey(cfg.dataDir()); err != nil {
					return 0, err
				}
			}
			if err := writeCheckedCopy(ctx, s, path, filepath.Dir(cfg.DB), key); err != nil {
				return 0, fmt.Errorf("copying the database before migrating it from version %d to %d (nothing was migrated): %w", v, carried, err)
			}
			if cfg.notices != nil {
				fmt.Fprintf(cfg.notices, "before migrating from version %d to %d, the database was copied to %s (integrity_check: ok)\n", v, carried, path)
			}
		}
	}
	return s.Migrate(ctx)
}

// pruneBackups removes the oldest scheduled copies in dir beyond keep and
// returns the names removed. Only files named like scheduled copies are
// considered; anything else in the directory is left alone.
func pruneBackups(dir string, keep int) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var copies []string
	for _, e := range ents {
		name := e.Name()
		stamp, ok := strings.CutPrefix(name, backupPrefix)
		if !ok || e.IsDir() {
			continue
		}
		stamp = strings.TrimSuffix(stamp, encryptedSuffix)
		if stamp, ok = strings.CutSuffix(stamp, backupSuffix); !ok {
			continue
		}
		if _, err := time.Parse(backupLayout, stamp); err != nil {
			continue
		}
		copies = append(copies, name)
	}
	slices.Sort(copies) // the names sort by time
	var removed []string
	for len(copies) > keep {
		if err := os.Remove(filepath.Join(dir, copies[0])); err != nil {
			return removed, err
		}
		removed = append(removed, copies[0])
		copies = copies[1:]
	}
	return removed, nil
}

// runBackups copies the database every p.every until ctx ends.
func runBackups(ctx context.Context, s *store.Store, p backupPlan, log *slog.Logger) {
	// A copy a stopped server was still writing is unfinished and unchecked.
	left, _ := filepath.Glob(filepath.Join(p.dir, backupPrefix+"*"+backupSuffix+"*.tmp"))
	scratch, _ := filepath.Glob(filepath.Join(p.scratch, ".peerpath-copy-*.tmp"))
	{
		for _, f := range append(left, scratch...) {
			if err := os.Remove(f); err == nil {
				log.Info("removed an unfinished backup", "file", f)
			}
		}
	}
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		start := time.Now()
		path, err := takeBackup(ctx, s, p, start)
		if err != nil {
			if ctx.Err() == nil {
				log.Error("scheduled backup failed", "dir", p.dir, "err", err)
			}
			continue
		}
		removed, err := pruneBackups(p.dir, p.keep)
		if err != nil {
			log.Error("removing old backups", "dir", p.dir, "err", err)
		}
		log.Info("backup written and checked", "file", path, "took", time.Since(start).Round(time.Millisecond), "removed", len(removed))
	}
}

// syncDir makes a rename in dir durable (best effort: not every system
// can sync a directory).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync() //nolint:errcheck // best effort
		d.Close()
	}
}

// restore replaces a SQLite database with a copy, after checking the copy
// and the key, and with nobody using the database. The copy is a file
// (encrypted to the backup key, or a plain one from before encryption), or
// continuous copies restored to their latest state or to --at.
func restore(ctx context.Context, args []string, io stdio, getenv env) error {
	var cfg Config
	var from, at string
	fs := flags("restore", io)
	fs.StringVar(&from, "from", "", "the copy to restore: a file written by peerpath backup or serve --backup-dir, or the directory or URL of serve --backup-continuous (required)")
	fs.StringVar(&at, "at", "", "with continuous copies: restore the database as it was at this time, e.g. 2026-12-06T09:30:00Z or 2026-12-06T09:30:00-05:00 (default: the latest)")
	dbFlags(fs, &cfg, getenv)
	if err := parse(fs, args); err != nil {
		return err
	}
	if from == "" {
		return usagef("--from is required")
	}
	continuous := backup.IsTarget(from)
	var when time.Time
	if at != "" {
		if !continuous {
			return usagef("--at needs continuous copies: give --from the directory or URL that serve --backup-continuous writes to")
		}
		t, err := time.Parse(time.RFC3339, at)
		if err != nil {
			return usagef("--at must be a time such as 2026-12-06T09:30:00Z or 2026-12-06T09:30:00-05:00, not %q", at)
		}
		when = t
	}
	refuse := func(format string, a ...any) error {
		fmt.Fprintf(io.err, "peerpath restore: refusing to restore: "+format+"\n", a...)
		return errExit1
	}
	if store.IsPostgres(cfg.DB) {
		return refuse("peerpath restores SQLite files; restore PostgreSQL with its own tools: peerpath decrypt, then pg_restore --dbname=NEW_DATABASE_URL peerpath.dump (see docs/deploy.md)")
	}
	if same(from, cfg.DB) {
		return refuse("--from and --db are the same file")
	}
	dir := cfg.dataDir()

	// 0. Encrypted copies and continuous ones are first made a plain file
	// beside the database, with the backup key in the data directory.
	src := from
	encrypted := false
	if !continuous {
		var err error
		encrypted, err = backup.IsEncrypted(from)
		if errors.Is(err, os.ErrNotExist) {
			return refuse("there is no file %s", from)
		} else if err != nil {
			return refuse("%s cannot be read: %v", from, err)
		}
	}
	if continuous || encrypted {
		key, err := backup.LoadKey(dir)
		if err != nil {
			return refuse("%v. Copies are encrypted to the backup key of the installation they came from: give the --data-dir that holds its %s", err, backup.KeyFile)
		}
		if err := os.MkdirAll(filepath.Dir(cfg.DB), 0o700); err != nil {
			return err
		}
		plain, err := os.CreateTemp(filepath.Dir(cfg.DB), ".peerpath-restore-plain-*")
		if err != nil {
			return err
		}
		plain.Close()
		os.Remove(plain.Name()) // Litestream and DecryptFile want to make it themselves
		defer removeDB(plain.Name())
		if continuous {
			err = backup.Restore(ctx, from, when, plain.Name(), key)
		} else {
			err = backup.DecryptFile(from, plain.Name(), key)
		}
		switch {
		case errors.Is(err, backup.ErrWrongKey):
			return refuse("%v; the backup key in %s is not the one they were made with", err, dir)
		case err != nil:
			return refuse("%v", err)
		}
		src = plain.Name()
		if continuous {
			desc := "its latest state"
			if !when.IsZero() {
				desc = "its state at " + when.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(io.out, "rebuilt the database from the continuous copies in %s, as %s\n", from, desc)
		}
	}

	// 1. The copy: sound, and not from a newer peerpath.
	info, err := store.CheckCopy(ctx, src)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return refuse("there is no file %s", from)
	case errors.Is(err, store.ErrDamagedCopy):
		return refuse("%s is damaged (%v). Use another copy", from, err)
	case err != nil:
		return refuse("%s cannot be read: %v", from, err)
	}
	carried, err := store.CarriedVersion()
	if err != nil {
		return err
	}
	if info.Version > carried {
		return refuse("%s is at migration version %d, newer than this peerpath, which knows versions up to %d. Restore it with the peerpath that made it, or a newer one", from, info.Version, carried)
	}

	// 2. The key: the copy must belong to the secret.key in the data directory.
	keyPath := filepath.Join(dir, keyFile)
	raw, err := os.ReadFile(keyPath)
	if err != nil {
		return refuse("cannot read %s (%v). The copy can only be used with the secret.key of the installation it came from: give that --data-dir", keyPath, err)
	}
	got := keyFingerprint([]byte(strings.TrimSpace(string(raw))))
	switch info.KeyFingerprint {
	case got:
	case "":
		fmt.Fprintf(io.err, "%s keeps no key fingerprint (it is from before peerpath kept one): the audit check after the restore proves the key instead.\n", from)
	default:
		return refuse("%s was made with the secret key whose fingerprint is %s, but %s has the fingerprint %s: this is the wrong key. Give the --data-dir that holds the key of the installation the copy came from", from, info.KeyFingerprint, keyPath, got)
	}

	// 3. Nobody uses the database: serve's lock, then a write attempt for
	// any other program (a command such as user add running now).
	release, err := lockDB(cfg.DB)
	if err != nil {
		var inUse errDBInUse
		if errors.As(err, &inUse) {
			return refuse("%v", err)
		}
		return err
	}
	defer release()
	if _, err := os.Stat(cfg.DB); err == nil {
		if err := store.CheckNotInUse(ctx, cfg.DB); err != nil {
			return refuse("%v", err)
		}
	}

	// 4. Copy beside the target and prove the copy's audit log with this
	// key there, before anything is replaced.
	tmp, err := stageCopy(src, cfg.DB)
	if err != nil {
		return fmt.Errorf("copying %s beside %s: %w", from, cfg.DB, err)
	}
	defer removeDB(tmp) // a no-op once it is renamed
	staged := cfg
	staged.DB = tmp
	staged.DataDir = dir
	s, err := openDB(ctx, staged, core.SystemClock{}, false, false)
	if err != nil {
		return refuse("%v", err)
	}
	rep, err := s.VerifyAuditChains(ctx, nil)
	s.Close()
	if err != nil {
		return err
	}
	if !rep.OK() {
		for _, c := range rep.Chains {
			if c.Err != nil {
				fmt.Fprintf(io.out, "%s: BROKEN after %d good entries: %v\n", c.Label(), c.Entries, c.Err)
			}
		}
		return refuse("the audit log of %s does not verify with %s (see the chains above); %s is unchanged", from, keyPath, cfg.DB)
	}

	// 5. Rename it over the database.
	if err := replaceDB(tmp, cfg.DB); err != nil {
		return fmt.Errorf("replacing %s: %w", cfg.DB, err)
	}
	fmt.Fprintf(io.out, "restored %s (migration version %d) to %s\n", from, info.Version, cfg.DB)

	// The anchor file records the chain heads of the database replaced:
	// the restored chains end earlier, which audit verify would report as
	// a cut. It is kept aside, not deleted.
	if _, err := os.Stat(cfg.anchorPath()); err == nil {
		aside := cfg.anchorPath() + ".before-restore-" + time.Now().UTC().Format(backupLayout)
		if err := os.Rename(cfg.anchorPath(), aside); err != nil {
			return err
		}
		fmt.Fprintf(io.out, "the audit anchor file of the database replaced is kept as %s\n", aside)
	}
	fmt.Fprintf(io.out, "audit log intact: %d entries\n", rep.Entries())
	if info.Version < carried {
		fmt.Fprintf(io.out, "peerpath serve (or migrate) will bring it from migration version %d to %d\n", info.Version, carried)
	}
	return nil
}

// same tells whether two paths name one file.
func same(a, b string) bool {
	ia, err1 := os.Stat(a)
	ib, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(ia, ib)
}

// stageCopy copies the file from to a new temporary file beside to,
// readable by its owner only and synced, and returns its name.
func stageCopy(from, to string) (string, error) {
	src, err := os.Open(from)
	if err != nil {
		return "", err
	}
	defer src.Close()
	tmp, err := os.CreateTemp(filepath.Dir(to), ".peerpath-restore-*")
	if err != nil {
		return "", err
	}
	_, err = io.Copy(tmp, src)
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return tmp.Name(), nil
}

// removeDB removes a SQLite file and its write-ahead log files.
func removeDB(path string) error {
	var errs []error
	for _, ext := range []string{"", "-wal", "-shm", "-journal"} {
		if err := os.Remove(path + ext); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// replaceDB renames the staged copy tmp over the database to, after
// removing the write-ahead log of the database it replaces (whose frames
// would otherwise be applied to the copy), and of the copy itself (empty
// once the store that checked it closed).
func replaceDB(tmp, to string) error {
	for _, p := range []string{tmp, to} {
		for _, ext := range []string{"-wal", "-shm", "-journal"} {
			if err := os.Remove(p + ext); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	if err := os.Rename(tmp, to); err != nil {
		return err
	}
	syncDir(filepath.Dir(to))
	return nil
}

// Commit may be set at build time with -ldflags "-X
// peerpath/internal/app.Commit=…" where the build has no version control
// information (a build from a tarball, or with -buildvcs=false).
var Commit = ""

// commit is the version control revision the binary was built from: the
// vcs.revision Go stamps into the binary, else Commit, else "unknown".
func commit() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return cmp.Or(Commit, "unknown")
	}
	rev, modified := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return cmp.Or(Commit, "unknown")
	}
	if modified {
		rev += " (with uncommitted changes)"
	}
	return rev
}

func version(ctx context.Context, args []string, io stdio, getenv env) error {
	var db string
	fs := flags("version", io)
	fs.StringVar(&db, "db", "", "also print the migration version of this database (a SQLite file or a postgres:// URL)")
	if err := parse(fs, args); err != nil {
		return err
	}
	carried, err := store.CarriedVersion()
	if err != nil {
		return err
	}
	fmt.Fprintf(io.out, "peerpath %s\ncommit: %s\nmigration version: %d\n", Version, commit(), carried)
	if db == "" {
		return nil
	}
	if !store.IsPostgres(db) {
		if _, err := os.Stat(db); err != nil {
			return fmt.Errorf("no database at %s", db)
		}
	}
	s, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.out, "database migration version: %d (%s)\n", v, describeDB(db))
	if v < carried {
		fmt.Fprintf(io.out, "peerpath serve (or migrate) will apply migrations %d to %d\n", v+1, carried)
	} else if v > carried {
		fmt.Fprintln(io.out, "the database was migrated by a newer peerpath than this one")
	}
	return nil
}
