package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
)

// peerpath backup on PostgreSQL (issue 19): pg_dump in its custom format,
// which pg_restore reads, when pg_dump is installed.

// errNoPgDump says that pg_dump is not installed, and how to install it.
var errNoPgDump = errors.New("peerpath backup on PostgreSQL runs pg_dump, which is not installed (or not on PATH). Install the PostgreSQL client tools of the server's major version or newer, for example on Debian: apt-get install postgresql-client. See docs/deploy.md")

// pgDumpArgs turns peerpath's postgres:// URL into pg_dump's arguments and
// environment. The password moves to PGPASSWORD so that it does not show
// in the process list; search_path, which libpq does not accept in a URL,
// becomes --schema, so the dump holds peerpath's schema; parameters only
// pgx knows are dropped.
func pgDumpArgs(dsn, to string) (args, env []string, err error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("the database URL cannot be read: %w", err)
	}
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	args = []string{"--format=custom", "--file=" + to}
	q := u.Query()
	if sp := q.Get("search_path"); sp != "" {
		for _, schema := range strings.Split(sp, ",") {
			if schema = strings.TrimSpace(schema); schema != "" && schema != "public" {
				args = append(args, "--schema="+schema)
			}
		}
	}
	for k := range q {
		if k == "search_path" || k == "password" || strings.HasPrefix(k, "pool_") || k == "statement_cache_capacity" || k == "description_cache_capacity" || k == "default_query_exec_mode" {
			if k == "password" {
				env = append(env, "PGPASSWORD="+q.Get(k))
			}
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return append(args, "--dbname="+u.String()), env, nil
}

// pgDump writes a custom-format dump of the PostgreSQL database dsn to the
// new file to, and checks that pg_restore can read its table of contents.
func pgDump(ctx context.Context, dsn, to string, io stdio) error {
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		return errNoPgDump
	}
	if _, err := os.Stat(to); err == nil {
		return fmt.Errorf("%s already exists: choose a new file name", to)
	}
	args, env, err := pgDumpArgs(dsn, to)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = io.err, io.err
	if err := cmd.Run(); err != nil {
		os.Remove(to)
		return fmt.Errorf("pg_dump failed (%v); nothing was kept", err)
	}
	if err := os.Chmod(to, 0o600); err != nil {
		return err
	}
	checked := ""
	if restore, err := exec.LookPath("pg_restore"); err == nil {
		if out, err := exec.CommandContext(ctx, restore, "--list", to).CombinedOutput(); err != nil {
			return fmt.Errorf("pg_restore --list cannot read the dump at %s (%v): %s", to, err, strings.TrimSpace(string(out)))
		}
		checked = " (pg_restore --list: ok)"
	}
	fmt.Fprintf(io.out, "wrote a pg_dump custom-format copy of %s to %s%s\n", describeDB(dsn), to, checked)
	fmt.Fprintln(io.err, "Restore it into a new, empty database with: pg_restore --no-owner --dbname=NEW_DATABASE_URL "+to)
	return nil
}
