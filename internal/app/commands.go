package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/auth"
	"peerpath/internal/backup"
	"peerpath/internal/core"
	"peerpath/internal/demo"
	"peerpath/internal/framework"
	"peerpath/internal/store"
	"peerpath/internal/web"
)

func serve(ctx context.Context, args []string, io stdio, getenv env) error {
	var cfg Config
	fs := flags("serve", io)
	fs.StringVar(&cfg.Addr, "addr", envOr(getenv, "PEERPATH_ADDR", "127.0.0.1:8080"), "address to listen on (PEERPATH_ADDR)")
	dbFlags(fs, &cfg, getenv)
	fs.BoolVar(&cfg.Demo, "demo", envBool(getenv, "PEERPATH_DEMO"), "load a fictional demo organisation and print its logins (PEERPATH_DEMO)")
	fs.BoolVar(&cfg.BehindTLSProxy, "behind-tls-proxy", envBool(getenv, "PEERPATH_BEHIND_TLS_PROXY"), "a TLS proxy forwards requests: trust X-Forwarded-For/-Proto and use Secure cookies (PEERPATH_BEHIND_TLS_PROXY)")
	fs.StringVar(&cfg.BaseURL, "base-url", getenv("PEERPATH_BASE_URL"), "peerpath's public address, e.g. https://peerpath.example.org, used in links it hands out and prints on certificates; default: the address each request came to (PEERPATH_BASE_URL)")
	fs.StringVar(&cfg.LogFormat, "log-format", envOr(getenv, "PEERPATH_LOG_FORMAT", "text"), "log format: text or json (PEERPATH_LOG_FORMAT)")
	mailFlags(fs, &cfg, getenv) // email (issue 16)
	smsFlags(fs, &cfg, getenv)  // text messages (issue 18)
	var backups backupPlan      // scheduled SQLite copies (issue 19)
	backupFlags(fs, &backups, getenv)
	var tlsp tlsPlan // HTTPS without a proxy (issue 19)
	tlsFlags(fs, &tlsp, getenv)
	var replica replicaPlan // a PostgreSQL standby for reports (issue 19)
	replicaFlags(fs, &replica, getenv)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := replica.check(fs, cfg.DB); err != nil {
		return err
	}
	if err := backups.check(fs, cfg.DB); err != nil {
		return err
	}
	cfg.BackupDir, cfg.notices = backups.dir, io.err // the copy before a migration (issue 19)
	if err := tlsp.check(fs, cfg.BehindTLSProxy); err != nil {
		return err
	}
	if tlsp.on() && getenv("PEERPATH_ADDR") == "" && !flagSet(fs, "addr") {
		cfg.Addr = ":443"
	}
	var handler slog.Handler
	switch cfg.LogFormat {
	case "text":
		handler = slog.NewTextHandler(io.err, nil)
	case "json":
		handler = slog.NewJSONHandler(io.err, nil)
	default:
		return usagef("--log-format must be text or json, not %q", cfg.LogFormat)
	}
	if cfg.BaseURL != "" {
		if u, err := url.Parse(cfg.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return usagef("--base-url must be an address such as https://peerpath.example.org, not %q", cfg.BaseURL)
		}
	}
	sender, err := newSender(cfg)
	if err != nil {
		return err
	}
	texter, err := newSMSSender(cfg)
	if err != nil {
		return err
	}
	log := slog.New(handler)
	// Said at once, so a first start (migrations, the demo's loading) is
	// not a silent wait after a long first compile (issue 16).
	fmt.Fprintf(io.err, "peerpath %s is starting (database: %s)…\n", Version, describeDB(cfg.DB))
	clock := core.SystemClock{}
	// Issue 19: the lock that tells restore this SQLite database is in use.
	if !store.IsPostgres(cfg.DB) {
		release, err := lockDB(cfg.DB)
		if err != nil {
			return err
		}
		defer release()
	}
	s, err := open(ctx, cfg, clock, true)
	if err != nil {
		return err
	}
	// Continuous copies (issue 19) are stopped after the store closes:
	// Litestream must outlive the application's connections to the file.
	var cont *backup.Continuous
	defer func() {
		s.Close()
		if cont != nil {
			if err := cont.Close(context.Background()); err != nil {
				log.Error("stopping continuous copies", "err", err)
			}
		}
	}()
	if backups.dir != "" || backups.continuous != "" {
		if backups.key, err = backup.LoadOrCreateKey(cfg.dataDir()); err != nil {
			return err
		}
		backups.scratch = filepath.Dir(cfg.DB)
	}
	if backups.continuous != "" {
		if cont, err = backup.Start(ctx, cfg.DB, backups.continuous, backups.key, backup.Options{Keep: backups.keepFor, Logger: log}); err != nil {
			return err
		}
		fmt.Fprintf(io.err, "peerpath ships every transaction, encrypted, to %s (restore with peerpath restore --from %s [--at TIME])\n", backups.continuous, backups.continuous)
	}
	// A standby of this primary for reports, or nothing (issue 19).
	if replica.dsn != "" {
		if err := s.UseReplica(ctx, replica.dsn, replica.maxLag); err != nil {
			return fmt.Errorf("--db-replica %s: %w", describeDB(replica.dsn), err)
		}
		fmt.Fprintln(io.err, describeReplica(replica, s.ReplicaStatus()))
		go watchReplica(ctx, s, log, replicaEvery)
	}

	var demoLogins *web.DemoLogins
	if cfg.Demo {
		d, err := demo.Load(ctx, s)
		if err != nil {
			return err
		}
		fmt.Fprintf(io.err, "\nDemo organisation %q is loaded. Sign in as any of these, with the password %q:\n", d.Org.Name, demo.Password)
		for _, l := range d.Logins {
			fmt.Fprintf(io.err, "  %-15s %-18s %s\n", l.Role, l.Name, l.Email)
		}
		fmt.Fprintln(io.err, "Everything in the demo is made up. Do not keep real records in it.")
		demoLogins = &web.DemoLogins{Password: demo.Password}
		for _, l := range d.Logins {
			demoLogins.Logins = append(demoLogins.Logins, web.DemoLogin{Role: l.Role, Name: l.Name, Email: l.Email})
		}
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.Addr, err)
	}
	base := "http://" + ln.Addr().String()
	// HTTPS without a proxy (issue 19).
	var tlsOn tlsSetup
	if tlsp.on() {
		_, port, _ := net.SplitHostPort(ln.Addr().String())
		if tlsOn, err = tlsp.setup(cfg.dataDir(), port, log); err != nil {
			ln.Close()
			return err
		}
		base = "https://" + ln.Addr().String()
		if len(tlsp.domains) > 0 {
			base = "https://" + tlsp.domains[0]
			if port != "443" {
				base = "https://" + net.JoinHostPort(tlsp.domains[0], port)
			}
		}
	}
	if has, err := s.HasUsers(ctx); err != nil {
		return err
	} else if !has {
		token, err := s.CreateSetupToken(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(io.err, "\nNobody can sign in yet. Open this link within an hour to create your organisation and its first administrator (it works once):\n  %s/setup?token=%s\n\n", base, token)
	}

	srv, err := web.New(web.Config{Store: s, Clock: clock, Logger: log, BehindTLSProxy: cfg.BehindTLSProxy, BaseURL: cfg.BaseURL, Version: Version, Demo: demoLogins, Mail: sender != nil, SMS: texter != nil})
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(handler, slog.LevelWarn),
		TLSConfig:         tlsOn.config,
	}
	go housekeeping(ctx, s, log)
	// Email (issue 16): the outbox sender.
	if sender != nil {
		link := cfg.BaseURL
		if link == "" {
			link = base
		}
		s.EnableMail(link)
		go sendMail(ctx, s, sender, log, outboxEvery)
		fmt.Fprintf(io.err, "peerpath sends email through %s\n", sender.Describe())
	} else {
		fmt.Fprintln(io.err, "peerpath sends no email (no --smtp-url): invitation and reset links are shown once to the administrator.")
	}
	// Text messages (issue 18): sign-in codes by SMS.
	if texter != nil {
		s.EnableSMS()
		go sendSMS(ctx, s, texter, log, outboxEvery)
		fmt.Fprintf(io.err, "peerpath sends sign-in codes by text message through %s\n", texter.Describe())
	}
	// Scheduled SQLite copies (issue 19).
	if backups.dir != "" {
		go runBackups(ctx, s, backups, log)
		fmt.Fprintf(io.err, "peerpath copies the database, encrypted, to %s every %s and keeps the last %d copies\n", backups.dir, backups.every, backups.keep)
	}
	// Audit anchors (issue 15): the chains' heads, outside the database.
	anchors := newAnchorer(s, cfg.anchorPath(), s.AuditKey(), log)
	anchorCtx, stopAnchoring := context.WithCancel(ctx)
	anchored := make(chan struct{})
	go func() { anchors.run(anchorCtx, anchorEvery); close(anchored) }()
	defer func() { stopAnchoring(); <-anchored; anchors.anchorOrLog(context.Background()) }()
	errc := make(chan error, 2)
	if tlsOn.config != nil {
		go func() { errc <- hs.ServeTLS(ln, "", "") }()
	} else {
		go func() { errc <- hs.Serve(ln) }()
	}
	// With TLS on, plain HTTP redirects to HTTPS and answers ACME challenges.
	var redirector *http.Server
	if tlsOn.http != nil && tlsp.httpAddr != httpAddrNone {
		hln, err := net.Listen("tcp", tlsp.httpAddr)
		if err != nil {
			hs.Close()
			return fmt.Errorf("listening for plain HTTP on %s (--http-addr; none turns it off): %w", tlsp.httpAddr, err)
		}
		redirector = &http.Server{Handler: tlsOn.http, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second, ErrorLog: hs.ErrorLog}
		go func() {
			if err := redirector.Serve(hln); !errors.Is(err, http.ErrServerClosed) {
				errc <- err
			}
		}()
		fmt.Fprintf(io.err, "peerpath redirects plain HTTP on http://%s to HTTPS\n", hln.Addr())
	}
	if tlsOn.manager != nil {
		fmt.Fprintf(io.err, "peerpath obtains and renews the certificate for %s from %s (kept in %s)\n", strings.Join(tlsp.domains, ", "), tlsp.acmeDir, filepath.Join(cfg.dataDir(), acmeCacheDir))
	}
	fmt.Fprintf(io.err, "peerpath %s is listening on %s (database: %s)\n", Version, base, describeDB(cfg.DB))
	select {
	case err := <-errc:
		hs.Close()
		if redirector != nil {
			redirector.Close()
		}
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(io.err, "peerpath is stopping: finishing requests in progress…")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if redirector != nil {
		redirector.Shutdown(shutdownCtx)
	}
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(io.err, "peerpath stopped.")
	return nil
}

// describeDB names the database without any password a URL may hold.
func describeDB(dsn string) string {
	if store.IsPostgres(dsn) {
		if r := redactURL(dsn); r != dsn {
			return r
		}
		return "PostgreSQL"
	}
	return dsn
}

// housekeeping removes old sessions and drafts, expired idempotency keys
// and one-time form tokens every hour.
func housekeeping(ctx context.Context, s *store.Store, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		// Audit entries of changes a stopped process had not yet placed in
		// their chains (PostgreSQL).
		if err := s.SealWaitingAudit(ctx); err != nil && ctx.Err() == nil {
			log.Error("placing waiting audit entries", "err", err)
		}
		if err := s.PurgeSessions(ctx); err != nil && ctx.Err() == nil {
			log.Error("purging old sessions", "err", err)
		}
		if err := s.PurgeRequestRecords(ctx); err != nil && ctx.Err() == nil {
			log.Error("purging expired idempotency keys and form tokens", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func migrate(ctx context.Context, args []string, io stdio, getenv env) error {
	var cfg Config
	fs := flags("migrate", io)
	dbFlags(fs, &cfg, getenv)
	if err := parse(fs, args); err != nil {
		return err
	}
	s, err := store.Open(ctx, cfg.DB, store.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	cfg.notices = io.err
	n, err := migrateWithCopy(ctx, s, cfg, time.Now())
	if err != nil {
		return err
	}
	if _, err := loadKeys(ctx, cfg, s, true); err != nil {
		return err
	}
	fmt.Fprintf(io.out, "applied %d migration(s); the database is up to date\n", n)
	return nil
}

func userAdd(ctx context.Context, args []string, io stdio, getenv env) error {
	var cfg Config
	var org, email, name, roles, supervisor, track string
	var pwStdin bool
	fs := flags("user add", io)
	dbFlags(fs, &cfg, getenv)
	fs.StringVar(&org, "org", "", "the organisation's name; created if it does not exist (required)")
	fs.StringVar(&email, "email", "", "the user's email address (required)")
	fs.StringVar(&name, "name", "", "the user's name (required)")
	fs.StringVar(&roles, "role", "", "one or more of peer, supervisor, trainer, admin, comma-separated (required)")
	fs.StringVar(&supervisor, "supervisor", "", "email address of the user's supervisor")
	fs.StringVar(&track, "track", "", "the field they work in: mental-health, addiction or both; left out, they choose at first sign-in")
	fs.BoolVar(&pwStdin, "password-stdin", false, "read the password from standard input; without it the user is invited and a one-time link is printed")
	if err := parse(fs, args); err != nil {
		return err
	}
	var missing []string
	for flagName, v := range map[string]string{"--org": org, "--email": email, "--name": name, "--role": roles} {
		if strings.TrimSpace(v) == "" {
			missing = append(missing, flagName)
		}
	}
	if len(missing) > 0 {
		return usagef("missing %s", strings.Join(sortStrings(missing), ", "))
	}
	rs, err := auth.ParseRoles(roles)
	if err != nil {
		return usageError{err.Error()}
	}
	if track != "" {
		t, err := framework.ParseTrack(track)
		if err != nil {
			return usageError{"--track: " + message(err)}
		}
		track = string(t)
	}
	in := store.NewUser{OrgName: org, Email: email, Name: name, Roles: rs, SupervisorEmail: supervisor, Track: track}
	if pwStdin {
		pw, err := readPassword(io.in)
		if err != nil {
			return err
		}
		in.Password = pw
	}
	s, err := open(ctx, cfg, core.SystemClock{}, true)
	if err != nil {
		return err
	}
	defer s.Close()
	u, err := s.CreateUser(ctx, store.System(), in)
	if err != nil {
		return describe(err)
	}
	var rnames []string
	for _, r := range u.Roles {
		rnames = append(rnames, string(r))
	}
	fmt.Fprintf(io.out, "created user %s (%s) with role %s in %q\n", u.Email, u.Name, strings.Join(rnames, ","), org)
	if !pwStdin {
		o, err := s.Organisation(ctx, u.OrgID)
		if err != nil {
			return err
		}
		token, err := s.CreateAccountLink(ctx, store.Actor{OrgID: o.ID, IP: "local"}, u.ID, store.LinkInvite)
		if err != nil {
			return err
		}
		fmt.Fprintf(io.out, "they choose a password at this link (on your peerpath address), valid for 7 days:\n  /account/password?token=%s\n", token)
	}
	return nil
}

func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", usagef("--password-stdin: standard input held no password")
	}
	return line, nil
}

// describe turns a validation error into one readable line per field.
func describe(err error) error {
	e, ok := core.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	var keys []string
	for k := range e.Fields {
		keys = append(keys, k)
	}
	var b strings.Builder
	b.WriteString(strings.TrimSuffix(e.Message, "."))
	for _, k := range sortStrings(keys) {
		fmt.Fprintf(&b, "\n  --%s: %s", strings.ReplaceAll(k, "_", "-"), e.Fields[k])
	}
	return errors.New(b.String())
}

func sortStrings(s []string) []string {
	slices.Sort(s)
	return s
}

func tokenCreate(ctx context.Context, args []string, io stdio, getenv env) error {
	var cfg Config
	var email, name string
	fs := flags("token create", io)
	dbFlags(fs, &cfg, getenv)
	fs.StringVar(&email, "email", "", "the user the token acts as (required)")
	fs.StringVar(&name, "name", "", "a label saying what the token is for (required)")
	var expiresIn string
	fs.StringVar(&expiresIn, "expires", "90d", "how long the token works: days (30d), hours (12h) or a date (2027-03-31); at most a year")
	if err := parse(fs, args); err != nil {
		return err
	}
	if email == "" || name == "" {
		return usagef("both --email and --name are required")
	}
	expires, err := tokenExpiry(expiresIn, time.Now())
	if err != nil {
		return usagef("--expires: %v", err)
	}
	s, err := open(ctx, cfg, core.SystemClock{}, true)
	if err != nil {
		return err
	}
	defer s.Close()
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return fmt.Errorf("no user with the email %s", email)
	}
	if !u.Active {
		return fmt.Errorf("%s is deactivated", email)
	}
	token, t, err := s.CreateAPITokenUntil(ctx, u.Actor("local"), name, expires)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintln(io.out, token)
	fmt.Fprintln(io.err, "This token is shown once. It acts as "+u.Email+" with their permissions until "+core.DateTime(t.ExpiresAt)+" (Massachusetts time)"+
		"; revoke it under Settings → API tokens. Changing or resetting the password, or signing out everywhere, revokes it too.")
	return nil
}

// tokenExpiry reads --expires: a number of days ("30d"), a Go duration
// ("12h") or a date ("2027-03-31", the token then works until the start of
// that day, UTC).
func tokenExpiry(v string, now time.Time) (time.Time, error) {
	v = strings.TrimSpace(v)
	if d, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 {
			return time.Time{}, fmt.Errorf("%q is not a number of days such as 30d", v)
		}
		return now.Add(time.Duration(n) * 24 * time.Hour), nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return time.Time{}, fmt.Errorf("%q is not a lifetime: use days (30d), hours (12h) or a date (2027-03-31)", v)
	}
	return now.Add(d), nil
}

func backupCommand(ctx context.Context, args []string, io stdio, getenv env) error {
	var cfg Config
	var to string
	fs := flags("backup", io)
	dbFlags(fs, &cfg, getenv)
	fs.StringVar(&to, "to", "", "the file to write the encrypted copy to; must not exist (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if to == "" {
		return usagef("--to is required")
	}
	if _, err := os.Stat(to); err == nil {
		return fmt.Errorf("%s already exists: choose a new file name", to)
	}
	// Issue 19: every copy is encrypted to the backup key, which stays in
	// the data directory beside secret.key.
	key, err := backup.LoadOrCreateKey(cfg.dataDir())
	if err != nil {
		return err
	}
	keep := func() {
		fmt.Fprintf(io.err, "The copy is encrypted to %s. Keep %s and %s from %s safe, apart from the copies: without %s the copy cannot be read, and without %s its audit log cannot be verified.\n",
			backup.KeyFile, backup.KeyFile, keyFile, cfg.dataDir(), backup.KeyFile, keyFile)
	}
	if store.IsPostgres(cfg.DB) { // pg_dump, when it is installed
		scratch, err := os.MkdirTemp(cfg.dataDir(), ".peerpath-dump-*")
		if err != nil {
			return err
		}
		defer os.RemoveAll(scratch)
		plain := filepath.Join(scratch, "peerpath.dump")
		if err := pgDump(ctx, cfg.DB, plain, io); err != nil {
			return err
		}
		if err := backup.EncryptFile(plain, to, key); err != nil {
			return err
		}
		fmt.Fprintf(io.out, "wrote it, encrypted, to %s\n", to)
		fmt.Fprintf(io.err, "Restore it with: peerpath decrypt --from %s --to peerpath.dump --data-dir %s, then pg_restore --no-owner --dbname=NEW_DATABASE_URL peerpath.dump\n", to, cfg.dataDir())
		keep()
		return nil
	}
	s, err := openDB(ctx, cfg, core.SystemClock{}, false, false)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := writeCheckedCopy(ctx, s, to, filepath.Dir(cfg.DB), key); err != nil {
		return fmt.Errorf("the copy to %s failed: %w", to, err)
	}
	fmt.Fprintf(io.out, "wrote a consistent copy of %s to %s (integrity_check: ok), encrypted\n", cfg.DB, to)
	keep()
	return nil
}

// decrypt writes a copy made by peerpath backup or serve --backup-dir in
// the clear, with the backup key in the data directory: to hand a
// PostgreSQL dump to pg_restore, or to look inside a SQLite copy.
func decrypt(ctx context.Context, args []string, io stdio, getenv env) error {
	var cfg Config
	var from, to string
	fs := flags("decrypt", io)
	dbFlags(fs, &cfg, getenv)
	fs.StringVar(&from, "from", "", "the encrypted copy (required)")
	fs.StringVar(&to, "to", "", "the file to write the decrypted copy to; must not exist (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if from == "" || to == "" {
		return usagef("--from and --to are required")
	}
	if _, err := os.Stat(to); err == nil {
		return fmt.Errorf("%s already exists: choose a new file name", to)
	}
	if ok, err := backup.IsEncrypted(from); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("%s is not an encrypted copy", from)
	}
	key, err := backup.LoadKey(cfg.dataDir())
	if err != nil {
		return fmt.Errorf("%w. Give the --data-dir that holds the %s of the installation the copy came from", err, backup.KeyFile)
	}
	if err := backup.DecryptFile(from, to, key); err != nil {
		return err
	}
	fmt.Fprintf(io.out, "wrote %s decrypted to %s (readable by its owner only). It holds people's records in the clear: remove it when done.\n", from, to)
	return nil
}

func auditVerify(ctx context.Context, args []string, io stdio, getenv env) error {
	var cfg Config
	fs := flags("audit verify", io)
	dbFlags(fs, &cfg, getenv)
	if err := parse(fs, args); err != nil {
		return err
	}
	s, err := openDB(ctx, cfg, core.SystemClock{}, false, false)
	if err != nil {
		return err
	}
	defer s.Close()
	// The anchor file, written by serve, tells a chain cut back to an older
	// head from one that ended there.
	anchors, err := audit.ReadAnchors(cfg.anchorPath(), s.AuditKey())
	switch {
	case errors.Is(err, os.ErrNotExist):
		fmt.Fprintf(io.err, "No anchor file at %s (serve writes it): entries removed from the end of a chain together with its head cannot be detected.\n", cfg.anchorPath())
	case err != nil:
		fmt.Fprintf(io.out, "anchor file BROKEN: %v\n", err)
		return errExit1
	}
	rep, err := s.VerifyAuditChains(ctx, anchors)
	if err != nil {
		return err
	}
	for _, c := range rep.Chains {
		if c.Err != nil {
			fmt.Fprintf(io.out, "%s: BROKEN after %d good entries: %v\n", c.Label(), c.Entries, c.Err)
		} else {
			if c.Waiting > 0 {
				fmt.Fprintf(io.out, "%s: intact, %d entries, and %d written by changes waiting for their place in the chain (each checked)\n", c.Label(), c.Entries, c.Waiting)
			} else {
				fmt.Fprintf(io.out, "%s: intact, %d entries\n", c.Label(), c.Entries)
			}
		}
	}
	if !rep.OK() {
		fmt.Fprintln(io.out, "audit log BROKEN: see the chains above")
		return errExit1
	}
	chains := "chains"
	if len(rep.Chains) == 1 {
		chains = "chain"
	}
	fmt.Fprintf(io.out, "audit log intact: %d entries in %d %s\n", rep.Entries(), len(rep.Chains), chains)
	return nil
}
