// Package app is peerpath's command line: it reads configuration from flags
// and PEERPATH_* variables, opens the database and the secret key, and wires
// the pieces together for each command (serve, migrate, user add, token
// create, backup, audit verify, version, framework …).
package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/store"
)

// Version is set at build time with -ldflags "-X peerpath/internal/app.Version=…".
var Version = "dev"

// env is how the application reads its environment (os.Getenv, or a map in tests).
type env func(string) string

// Config is peerpath's configuration, filled from flags and from PEERPATH_*
// variables (a flag given on the command line wins).
type Config struct {
	Addr           string // serve: where to listen
	DB             string // SQLite file, or a postgres:// URL
	DataDir        string // secrets (the master key); default: beside the SQLite file
	Demo           bool   // serve: load the demo organisation
	BehindTLSProxy bool   // serve: a TLS proxy forwards requests
	BaseURL        string // serve: the public address, for links peerpath hands out
	LogFormat      string // serve: text or json
	SMTPURL        string // serve: smtp:// or smtps:// address of the mail server; empty: no email
	SMTPFrom       string // serve: the From address of the email peerpath sends
	SMSURL         string // serve: the text message provider's Messages endpoint, with credentials; empty: no SMS
	SMSFrom        string // serve: the number text messages come from, in E.164
	BackupDir      string // serve: where scheduled copies and the copy before a migration go (issue 19)

	notices io.Writer // where the copy taken before a migration is announced; nil: nowhere
}

// io bundles the streams a command uses.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// usageError is a wrong use of a command: the message is printed with the
// command's usage, and the exit status is 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// command is one subcommand.
type command struct {
	name    string // e.g. "user add"
	summary string
	run     func(ctx context.Context, args []string, io stdio, getenv env) error
}

func commands() []command {
	return []command{
		{"serve", "run the web application and API", serve},
		{"migrate", "apply database migrations", migrate},
		{"user add", "create a user (and their organisation if new)", userAdd},
		{"token create", "create a personal API token for a user", tokenCreate},
		{"backup", "write a consistent, encrypted copy of the database", backupCommand},
		{"audit verify", "check the audit log's chain of MACs", auditVerify},
		{"framework check", "validate a career-chart file", frameworkCheck},
		{"framework requirements", "list a stage's effective requirements", frameworkRequirements},
		{"version", "print the version, commit and migration version", version},
		// Generated data and the benchmark of a worker's day (issue 14).
		{"demo", "load the demo organisation, or generate a data set with --scale", demoCmd},
		{"bench", "benchmark a worker's day against a bare baseline on generated data", benchCmd},
		// The API's contract (issue 15): for the OpenAPI linter in CI.
		{"openapi", "print the API's OpenAPI document (JSON)", openAPI},
		// Backups and restore (issue 19).
		{"restore", "replace a SQLite database with a checked copy, or with continuous copies as at a time", restore},
		{"decrypt", "write an encrypted copy in the clear, e.g. for pg_restore", decrypt},
		// Open Badges credentials (issue 20).
		{"credential verify", "check a credential file: signature, dates and revocation", credentialVerify},
		// Moving in from spreadsheets (issue 19).
		{"import", "import people, contacts, goals or resources from a CSV or .xlsx file", importCmd},
	}
}

// Main runs peerpath with the given arguments and streams and returns the
// exit status: 0 success, 1 failure, 2 wrong usage.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	io := stdio{in: stdin, out: stdout, err: stderr}
	rest := args[1:]
	if len(rest) == 0 || rest[0] == "help" || rest[0] == "-h" || rest[0] == "--help" {
		printHelp(stderr)
		if len(rest) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		words := strings.Fields(c.name)
		if len(rest) >= len(words) && strings.Join(rest[:len(words)], " ") == c.name {
			err := c.run(ctx, rest[len(words):], io, getenv)
			var ue usageError
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.As(err, &ue):
				fmt.Fprintf(stderr, "peerpath %s: %s\nRun 'peerpath %s -h' for help.\n", c.name, ue.msg, c.name)
				return 2
			case errors.Is(err, errExit1):
				return 1
			default:
				fmt.Fprintf(stderr, "peerpath %s: %v\n", c.name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(stderr, "peerpath: unknown command %q\n\n", strings.Join(rest, " "))
	printHelp(stderr)
	return 2
}

// errExit1 ends a command with status 1 after it has said why itself.
var errExit1 = errors.New("exit 1")

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "peerpath: peer support records, workforce development and learning, in one program.")
	fmt.Fprintln(w, "\nUsage: peerpath <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-24s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery flag can also be set with an environment variable PEERPATH_<FLAG>, e.g. PEERPATH_DB.")
	fmt.Fprintln(w, "Run 'peerpath <command> -h' for a command's flags.")
}

// flags makes a flag set whose errors are returned, not printed and exited on.
func flags(name string, io stdio) *flag.FlagSet {
	fs := flag.NewFlagSet("peerpath "+name, flag.ContinueOnError)
	fs.SetOutput(io.err)
	return fs
}

// urlVar defines a flag holding an address that may carry credentials (a
// database's, a mail server's, a text-message provider's), with its value
// from the environment as the default. Its help shows that default without
// the credentials, so `--help` never prints a password set in the
// environment.
func urlVar(fs *flag.FlagSet, p *string, name, value, usage string) {
	*p = value
	fs.Var(secretURL{p}, name, usage)
}

type secretURL struct{ p *string }

func (s secretURL) String() string {
	if s.p == nil {
		return ""
	}
	return redactURL(*s.p)
}

func (s secretURL) Set(v string) error {
	*s.p = v
	return nil
}

// redactURL leaves out what comes between a URL's scheme and its host: the
// user name and password ("postgres://…@db.example.org/peerpath").
func redactURL(v string) string {
	scheme, rest, ok := strings.Cut(v, "://")
	at := strings.LastIndex(rest, "@")
	if !ok || at < 0 {
		return v
	}
	return scheme + "://…" + rest[at:]
}

// dbFlags adds --db and --data-dir, with the same defaults and variables for
// every command that opens the database.
func dbFlags(fs *flag.FlagSet, cfg *Config, getenv env) {
	urlVar(fs, &cfg.DB, "db", envOr(getenv, "PEERPATH_DB", "peerpath.db"), "SQLite file, or a postgres:// URL (PEERPATH_DB)")
	fs.StringVar(&cfg.DataDir, "data-dir", getenv("PEERPATH_DATA_DIR"), "directory for secrets such as the audit key; default: beside the SQLite file, or the working directory for PostgreSQL (PEERPATH_DATA_DIR)")
}

// parse parses flags and turns their errors into usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

func envOr(getenv env, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func envBool(getenv env, key string) bool {
	b, _ := strconv.ParseBool(getenv(key))
	return b
}

func (c Config) dataDir() string {
	if c.DataDir != "" {
		return c.DataDir
	}
	if store.IsPostgres(c.DB) {
		return "."
	}
	return filepath.Dir(c.DB)
}

// keyFile is the master key's file in the data directory.
const keyFile = "secret.key"

// loadKeys reads the master key of the database s and checks it against the
// fingerprint the database keeps. A key is made (mode 0600) only when create
// is set and the database is new and empty; a database that holds records
// and cannot find its key is refused, naming the key it expects and the
// directory searched, because a new key would break the audit chain and
// every second factor. Losing this file means the audit log can no longer be
// verified and second factors must be set up again: back it up.
func loadKeys(ctx context.Context, cfg Config, s *store.Store, create bool) (auth.Keys, error) {
	dir := cfg.dataDir()
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	path := filepath.Join(dir, keyFile)
	want, empty, err := s.KeyFingerprint(ctx)
	if err != nil {
		return auth.Keys{}, fmt.Errorf("reading the key fingerprint: %w", err)
	}
	raw, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist) && want == "" && empty && create:
		if raw, err = makeKey(dir, path); err != nil {
			return auth.Keys{}, err
		}
	case errors.Is(err, os.ErrNotExist) && want != "":
		return auth.Keys{}, fmt.Errorf("no secret key at %s: this database was set up with the key whose fingerprint is %s. Searched %s; give the --data-dir (PEERPATH_DATA_DIR) that holds this installation's %s. peerpath makes a new key only for a new, empty database", path, want, dir, keyFile)
	case errors.Is(err, os.ErrNotExist) && !empty:
		return auth.Keys{}, fmt.Errorf("no secret key at %s: this database already holds records, so a new key would break its audit log and second factors. Searched %s; give the --data-dir (PEERPATH_DATA_DIR) that holds this installation's %s", path, dir, keyFile)
	case errors.Is(err, os.ErrNotExist):
		return auth.Keys{}, fmt.Errorf("no secret key at %s: give the --data-dir that holds this installation's %s", path, keyFile)
	case err != nil:
		return auth.Keys{}, err
	}
	if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
		return auth.Keys{}, fmt.Errorf("%s can be read by other users of this machine: run chmod 600 %s", path, path)
	}
	master := []byte(strings.TrimSpace(string(raw)))
	got := keyFingerprint(master)
	switch {
	case want == "":
		// A new database, or the first start after fingerprints were
		// introduced: from now on this key is the database's.
		if err := s.RecordKeyFingerprint(ctx, got); err != nil {
			return auth.Keys{}, fmt.Errorf("recording the key fingerprint: %w", err)
		}
	case want != got:
		return auth.Keys{}, fmt.Errorf("the secret key at %s (fingerprint %s) is not this database's: it was set up with the key whose fingerprint is %s. Searched %s; give the --data-dir (PEERPATH_DATA_DIR) that holds this installation's %s", path, got, want, dir, keyFile)
	}
	return auth.DeriveKeys(master)
}

// makeKey writes a new master key to path, readable by its owner only.
func makeKey(dir, path string) ([]byte, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	key := auth.NewCode(32)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("creating the secret key: %w", err)
	}
	if _, err := f.WriteString(key + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	return []byte(key), nil
}

// keyFingerprint names a master key without revealing it: the start of an
// HMAC-SHA256 of a fixed label under the key.
func keyFingerprint(master []byte) string {
	m := hmac.New(sha256.New, master)
	m.Write([]byte("peerpath secret key fingerprint v1"))
	return hex.EncodeToString(m.Sum(nil))[:16]
}

// open opens the database, migrates it when migrate is set, and checks the
// installation's key against it (making a key only for a new, empty
// database when createKey is set).
func openDB(ctx context.Context, cfg Config, clock core.Clock, createKey, migrate bool) (*store.Store, error) {
	s, err := store.Open(ctx, cfg.DB, store.Options{Clock: clock})
	if err != nil {
		return nil, err
	}
	if migrate {
		if _, err := migrateWithCopy(ctx, s, cfg, time.Now()); err != nil {
			s.Close()
			return nil, err
		}
	}
	keys, err := loadKeys(ctx, cfg, s, createKey)
	if err != nil {
		s.Close()
		return nil, err
	}
	// Issue 20: the credential key, checked against the public keys the
	// organisations' credentials were issued under.
	if keys.Credential, err = loadCredentialKey(ctx, cfg, s, createKey && migrate); err != nil {
		s.Close()
		return nil, err
	}
	s.UseKeys(keys)
	if migrate && keys.Credential != nil {
		if err := s.CheckCredentialKey(ctx); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// open opens and migrates the database with the installation's keys.
func open(ctx context.Context, cfg Config, clock core.Clock, createKey bool) (*store.Store, error) {
	return openDB(ctx, cfg, clock, createKey, true)
}
