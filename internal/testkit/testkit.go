// Package testkit gives tests real parts: a fresh, migrated database per test
// (SQLite by default; PostgreSQL when PEERPATH_TEST_POSTGRES holds a URL, each
// test in a database of its own, copied from a migrated template), a clock
// that only moves when told, and fixtures for organisations and users. Only
// tests import it.
package testkit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"peerpath/internal/auth"
	"peerpath/internal/store"
)

// PostgresEnv names the variable holding a PostgreSQL URL for tests.
const PostgresEnv = "PEERPATH_TEST_POSTGRES"

// Clock is a clock for tests: it starts at a fixed time and moves only when
// Advance or Set is called.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Start is when every test clock starts: a Monday morning in Boston.
var Start = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

// NewClock returns a clock at Start.
func NewClock() *Clock { return &Clock{now: Start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Keys are fixed keys for tests.
func Keys() auth.Keys {
	k, err := auth.DeriveKeys([]byte("peerpath test master key 0123456789abcdef"))
	if err != nil {
		panic(err)
	}
	k.Credential = []byte("peerpath test credential key 0123456789abcdef")
	return k
}

// Postgres reports whether tests run against PostgreSQL.
func Postgres() bool { return os.Getenv(PostgresEnv) != "" }

// DB is a fresh database for one test.
type DB struct {
	*store.Store
	DSN   string // what a second Open (a command, a server) would use
	Clock *Clock
}

// NewStore returns a fresh, migrated database, closed and removed when the
// test ends.
func NewStore(t testing.TB) *DB {
	t.Helper()
	clock := NewClock()
	dsn := freshDSN(t)
	s, err := store.Open(context.Background(), dsn, store.Options{Clock: clock, Keys: Keys()})
	if err != nil {
		t.Fatalf("opening test database: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrating test database: %v", err)
	}
	return &DB{Store: s, DSN: dsn, Clock: clock}
}

// FreshDSN returns the name of a new, migrated database for a test that
// wants to open it itself (commands, the server).
func FreshDSN(t testing.TB) string { return freshDSN(t) }

// EmptyDSN returns the name of a new database with no tables at all, for the
// tests that build an old version of the schema themselves: an empty SQLite
// file, or an empty schema on PostgreSQL.
func EmptyDSN(t testing.TB) string {
	t.Helper()
	if base := os.Getenv(PostgresEnv); base != "" {
		return postgresSchema(t, base)
	}
	return filepath.Join(t.TempDir(), "empty.db")
}

func freshDSN(t testing.TB) string {
	t.Helper()
	if base := os.Getenv(PostgresEnv); base != "" {
		return postgresDatabase(t, base)
	}
	path := filepath.Join(t.TempDir(), "test.db")
	if err := copyFile(sqliteTemplate(t), path); err != nil {
		t.Fatal(err)
	}
	return path
}

var (
	templateOnce sync.Once
	templatePath string
	templateErr  error
)

// sqliteTemplate migrates one database per test binary; each test copies it,
// which is much faster than migrating again.
func sqliteTemplate(t testing.TB) string {
	templateOnce.Do(func() {
		dir, err := os.MkdirTemp("", "peerpath-template-")
		if err != nil {
			templateErr = err
			return
		}
		templatePath = filepath.Join(dir, "template.db")
		s, err := store.Open(context.Background(), templatePath, store.Options{Keys: Keys()})
		if err != nil {
			templateErr = err
			return
		}
		if _, err := s.Migrate(context.Background()); err != nil {
			templateErr = err
		}
		s.Close() // checkpoints the WAL into the file
	})
	if templateErr != nil {
		t.Fatalf("making the SQLite template: %v", templateErr)
	}
	return templatePath
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// On PostgreSQL every test gets a database of its own, copied from a
// template database that one migration per test binary made: CREATE
// DATABASE … TEMPLATE takes well under a tenth of a second, where migrating
// a new schema took half a second per test and most of CI's PostgreSQL time.
// Inside each database the tables live in the schema pgSchema, not public, so
// the tests still exercise a search_path as a shared server would need.
const pgSchema = "peerpath"

var (
	pgTemplateOnce sync.Once
	pgTemplateName string
	pgTemplateErr  error
)

// pgNames are the names of the test databases for the base URL: the
// template is <base>_tpl_<pid>, a test's own database <base>_t_<pid>_<random>.
func pgNames(base string) (admin *url.URL, prefix string, err error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, "", err
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" {
		name = "postgres"
	}
	return u, name, nil
}

// pgURL is base pointed at database name and schema pgSchema.
func pgURL(base *url.URL, name string) string {
	u := *base
	u.Path = "/" + name
	q := u.Query()
	q.Set("search_path", pgSchema)
	u.RawQuery = q.Encode()
	return u.String()
}

// pgTemplate migrates this test binary's template database, once. It first
// drops the test databases that binaries no longer running left behind (a
// test killed half way never ran its cleanup).
func pgTemplate(base string) (string, error) {
	pgTemplateOnce.Do(func() {
		u, prefix, err := pgNames(base)
		if err != nil {
			pgTemplateErr = err
			return
		}
		admin, err := sql.Open("pgx", base)
		if err != nil {
			pgTemplateErr = err
			return
		}
		defer admin.Close()
		dropOrphans(admin, base, prefix)
		pgTemplateName = fmt.Sprintf("%s_tpl_%d", prefix, os.Getpid())
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + pgTemplateName + " WITH (FORCE)"); err != nil {
			pgTemplateErr = err
			return
		}
		if _, err := admin.Exec("CREATE DATABASE " + pgTemplateName); err != nil {
			pgTemplateErr = fmt.Errorf("creating the template database (is PostgreSQL running at %s?): %w", u.Redacted(), err)
			return
		}
		dsn := pgURL(u, pgTemplateName)
		tpl, err := sql.Open("pgx", dsn)
		if err != nil {
			pgTemplateErr = err
			return
		}
		_, err = tpl.Exec("CREATE SCHEMA " + pgSchema)
		tpl.Close()
		if err != nil {
			pgTemplateErr = err
			return
		}
		s, err := store.Open(context.Background(), dsn, store.Options{Keys: Keys()})
		if err != nil {
			pgTemplateErr = err
			return
		}
		_, pgTemplateErr = s.Migrate(context.Background())
		s.Close()
	})
	return pgTemplateName, pgTemplateErr
}

// dropOrphans drops test databases whose binary (named by the pid in the
// database's name) is no longer running on this machine.
func dropOrphans(admin *sql.DB, base, prefix string) {
	rows, err := admin.Query(`SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname LIKE $2`,
		prefix+`\_tpl\_%`, prefix+`\_t\_%`)
	if err != nil {
		return
	}
	var names []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) == nil {
			names = append(names, n)
		}
	}
	rows.Close()
	for _, n := range names {
		parts := strings.Split(strings.TrimPrefix(n, prefix+"_"), "_") // tpl,<pid> or t,<pid>,<random>
		if len(parts) < 2 {
			continue
		}
		pid, err := strconv.Atoi(parts[1])
		if err != nil || pid == os.Getpid() || processRunning(pid) {
			continue
		}
		dropInBackground(base, n)
	}
}

// dropInBackground drops database name without waiting: a drop waits for a
// checkpoint, seconds on a busy machine. A drop cut short when the binary
// exits is finished by the next binary (dropOrphans) or by .ci/run.
func dropInBackground(base, name string) {
	go func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	}()
}

// postgresDatabase copies the template into a database of the test's own,
// dropped when the test ends, and returns its URL.
func postgresDatabase(t testing.TB, base string) string {
	t.Helper()
	tpl, err := pgTemplate(base)
	if err != nil {
		t.Fatalf("making the PostgreSQL template: %v", err)
	}
	u, prefix, _ := pgNames(base)
	b := make([]byte, 6)
	rand.Read(b)
	name := fmt.Sprintf("%s_t_%d_%s", prefix, os.Getpid(), hex.EncodeToString(b))
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE " + name + " TEMPLATE " + tpl); err != nil {
		t.Fatalf("copying the template database: %v", err)
	}
	t.Cleanup(func() { dropInBackground(base, name) })
	return pgURL(u, name)
}

// postgresSchema makes a schema of its own for the test and returns a URL
// whose search_path selects it.
func postgresSchema(t testing.TB, base string) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("creating test schema (is PostgreSQL running at %s?): %v", base, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Password is every fixture user's password.
const Password = "correct battery staple horse"

var passwordHash = sync.OnceValue(func() string {
	h, err := auth.HashPassword(Password)
	if err != nil {
		panic(err)
	}
	return h
})

// MakeOrg creates an organisation (through its first user, as the command line does).
func (db *DB) MakeOrg(t testing.TB, name string) store.Organisation {
	t.Helper()
	u := db.MakeUser(t, 0, "admin@"+slug(name)+".test", "Admin of "+name, auth.RoleAdmin, name)
	o, err := db.Organisation(context.Background(), u.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// MakeUser creates a user with Password. Give orgID, or 0 and an organisation
// name as the last argument.
func (db *DB) MakeUser(t testing.TB, orgID int64, email, name string, role auth.Role, orgName ...string) store.User {
	t.Helper()
	return db.MakeUserWith(t, store.NewUser{OrgID: orgID, Email: email, Name: name, Roles: []auth.Role{role}, OrgName: strings.Join(orgName, "")})
}

// NoTrack, as NewUser.Track, makes a user whose track nobody has chosen
// yet. Test users are otherwise on both tracks, as every worker was before
// tracks had to be chosen.
const NoTrack = "-"

// MakeUserWith creates a user from a full description, with Password. An
// empty Track means both tracks; NoTrack leaves it unchosen.
func (db *DB) MakeUserWith(t testing.TB, in store.NewUser) store.User {
	t.Helper()
	switch in.Track {
	case NoTrack:
		in.Track = ""
	case "":
		in.Track = "both"
	}
	in.PasswordHash = passwordHash()
	u, err := db.CreateUser(context.Background(), store.System(), in)
	if err != nil {
		t.Fatalf("creating user %s: %v", in.Email, err)
	}
	return u
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Team is a small organisation: an admin, a supervisor, two peer workers
// supervised by the supervisor, and a trainer.
type Team struct {
	Org                      store.Organisation
	Admin, Supervisor        store.User
	Peer, OtherPeer, Trainer store.User
}

// NewTeam creates a Team in a new organisation called name.
func (db *DB) NewTeam(t testing.TB, name string) Team {
	t.Helper()
	s := slug(name)
	var tm Team
	tm.Admin = db.MakeUser(t, 0, "admin@"+s+".test", "Alex Admin", auth.RoleAdmin, name)
	tm.Org, _ = db.Organisation(context.Background(), tm.Admin.OrgID)
	tm.Supervisor = db.MakeUser(t, tm.Org.ID, "sam@"+s+".test", "Sam Supervisor", auth.RoleSupervisor)
	tm.Peer = db.MakeUserWith(t, store.NewUser{OrgID: tm.Org.ID, Email: "pat@" + s + ".test", Name: "Pat Peer", Roles: []auth.Role{auth.RolePeer}, SupervisorID: tm.Supervisor.ID})
	tm.OtherPeer = db.MakeUserWith(t, store.NewUser{OrgID: tm.Org.ID, Email: "olu@" + s + ".test", Name: "Olu Otherpeer", Roles: []auth.Role{auth.RolePeer}, SupervisorID: tm.Supervisor.ID})
	tm.Trainer = db.MakeUser(t, tm.Org.ID, "tess@"+s+".test", "Tess Trainer", auth.RoleTrainer)
	return tm
}

// Actor is u acting from a test address.
func Actor(u store.User) store.Actor { return u.Actor("192.0.2.1") }

// Must fails the test on err.
func Must[T any](t testing.TB) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// Name returns a label for the database in use, for test output.
func Name() string {
	if Postgres() {
		return "postgres"
	}
	return "sqlite"
}

// Raw opens the test database directly, as someone with database access
// would, for tests that look up or change rows behind the store's back. It is
// closed when the test ends.
func (db *DB) Raw(t testing.TB) *sql.DB {
	t.Helper()
	driver := "sqlite"
	if Postgres() {
		driver = "pgx"
	}
	raw, err := sql.Open(driver, db.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// ReplicaEnv names the variable holding the URL of a PostgreSQL streaming
// standby of PEERPATH_TEST_POSTGRES's cluster (.ci/replica starts one).
const ReplicaEnv = "PEERPATH_TEST_REPLICA"

// ReplicaDSN returns the standby's URL for the database of primaryDSN (the
// same database and schema, read on the standby), and skips the test when
// PEERPATH_TEST_REPLICA is unset or the tests do not run on PostgreSQL.
func ReplicaDSN(t testing.TB, primaryDSN string) string {
	t.Helper()
	base := os.Getenv(ReplicaEnv)
	if base == "" || !store.IsPostgres(primaryDSN) {
		t.Skip("needs " + PostgresEnv + " and " + ReplicaEnv + " (a standby of it; .ci/replica start makes one)")
	}
	r, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", ReplicaEnv, err)
	}
	p, err := url.Parse(primaryDSN)
	if err != nil {
		t.Fatal(err)
	}
	p.Host, p.User = r.Host, r.User
	waitForStandby(t, p.String())
	return p.String()
}

// waitForStandby waits until the standby has replayed the creation of the
// test's database (a fresh database reaches a standby a moment after the
// primary made it), for up to 30 s.
func waitForStandby(t testing.TB, dsn string) {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		err := db.QueryRow("SELECT COUNT(*) FROM goose_db_version").Scan(&n)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the standby has not got the test database after 30 s: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Proxy forwards TCP connections to target (host:port) and returns its own
// address and a function that closes it and every connection through it, so
// a test can take a database away (a replica that goes down) without
// stopping the real one.
func Proxy(t testing.TB, target string) (addr string, cut func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	cut = func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
		conns = nil
	}
	t.Cleanup(cut)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			d, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, c, d)
			mu.Unlock()
			go func() { io.Copy(d, c); d.Close() }()
			go func() { io.Copy(c, d); c.Close() }()
		}
	}()
	return ln.Addr().String(), cut
}

// NewPortalUser gives person personID a portal account through an
// invitation made by a, with the test password, and returns it.
func (db *DB) NewPortalUser(t testing.TB, a store.Actor, personID int64) store.User {
	t.Helper()
	inv, err := db.InviteToPortal(context.Background(), a, personID)
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.AcceptPortalInvitation(context.Background(), inv.Token, Password, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	return u
}
