// Package app is peerpath's command line: it reads configuration from flags
// and PEERPATH_* variables, opens the database and the secret key, and wires
// the pieces together for each command (serve, migrate, user add, token
// create, backup, audit verify, version, framework …).
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

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
		{"backup", "write a consistent copy of a SQLite database", backup},
		{"audit verify", "check the audit log's chain of MACs", auditVerify},
		{"framework check", "validate a career-chart file", frameworkCheck},
		{"framework requirements", "list a stage's effective requirements", frameworkRequirements},
		{"version", "print the version", version},
		// The API's contract (issue 15): for the OpenAPI linter in CI.
		{"openapi", "print the API's OpenAPI document (JSON)", openAPI},
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

// dbFlags adds --db and --data-dir, with the same defaults and variables for
// every command that opens the database.
func dbFlags(fs *flag.FlagSet, cfg *Config, getenv env) {
	fs.StringVar(&cfg.DB, "db", envOr(getenv, "PEERPATH_DB", "peerpath.db"), "SQLite file, or a postgres:// URL (PEERPATH_DB)")
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

// loadKeys reads the master key, creating it (mode 0600) when create is set
// and it does not exist yet. Losing this file means the audit log can no
// longer be verified and second factors must be set up again: back it up.
func loadKeys(cfg Config, create bool) (auth.Keys, error) {
	path := filepath.Join(cfg.dataDir(), keyFile)
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && create {
		if err := os.MkdirAll(cfg.dataDir(), 0o700); err != nil {
			return auth.Keys{}, err
		}
		key := auth.NewCode(32)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return auth.Keys{}, fmt.Errorf("creating the secret key: %w", err)
		}
		if _, err := f.WriteString(key + "\n"); err != nil {
			f.Close()
			return auth.Keys{}, err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return auth.Keys{}, err
		}
		if err := f.Close(); err != nil {
			return auth.Keys{}, err
		}
		raw = []byte(key)
	} else if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return auth.Keys{}, fmt.Errorf("no secret key at %s: give the --data-dir that holds this installation's %s", path, keyFile)
		}
		return auth.Keys{}, err
	}
	if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
		return auth.Keys{}, fmt.Errorf("%s can be read by other users of this machine: run chmod 600 %s", path, path)
	}
	return auth.DeriveKeys([]byte(strings.TrimSpace(string(raw))))
}

// open opens and migrates the database with the installation's keys.
func open(ctx context.Context, cfg Config, clock core.Clock, createKey bool) (*store.Store, error) {
	keys, err := loadKeys(cfg, createKey)
	if err != nil {
		return nil, err
	}
	s, err := store.Open(ctx, cfg.DB, store.Options{Clock: clock, Keys: keys})
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}
