package app

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/credential"
	"peerpath/internal/store"
)

// credentialKeyFile is the credential key's file in the data directory:
// each organisation's Ed25519 signing key is derived from it.
const credentialKeyFile = "credential.key"

// loadCredentialKey reads the installation's credential key, beside
// secret.key and kept the same way (mode 0600, back it up with it). A key is
// made when create is set and no organisation has issued a credential yet;
// once one has, a missing key is refused, because a new one would make
// every credential issued so far fail verification. Without create and
// without a file, nothing can be signed (nil).
func loadCredentialKey(ctx context.Context, cfg Config, s *store.Store, create bool) ([]byte, error) {
	dir := cfg.dataDir()
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	path := filepath.Join(dir, credentialKeyFile)
	raw, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist) && !create:
		return nil, nil
	case errors.Is(err, os.ErrNotExist):
		issued, qerr := s.HasIssuedCredentials(ctx)
		if qerr != nil {
			return nil, qerr
		}
		if issued {
			return nil, fmt.Errorf("no credential key at %s: this database's organisations have issued credentials signed with it, and a new key would make them all fail verification. Searched %s; give the --data-dir (PEERPATH_DATA_DIR) that holds this installation's %s", path, dir, credentialKeyFile)
		}
		if raw, err = makeKey(dir, path); err != nil {
			return nil, fmt.Errorf("creating the credential key: %w", err)
		}
	case err != nil:
		return nil, err
	}
	if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s can be read by other users of this machine: run chmod 600 %s", path, path)
	}
	key := []byte(strings.TrimSpace(string(raw)))
	if len(key) < 32 {
		return nil, fmt.Errorf("the credential key at %s is shorter than 32 characters", path)
	}
	return key, nil
}

// credentialVerify checks a credential file: its signature, its dates and
// its revocation status, saying which check failed. Keys and status lists
// are fetched from the issuer's URLs; with --base-url, those of this
// installation are read from its own database instead (offline), and with
// --offline nothing else is fetched either.
func credentialVerify(ctx context.Context, args []string, io stdio, getenv env) error {
	var cfg Config
	fs := flags("credential verify", io)
	dbFlags(fs, &cfg, getenv)
	fs.StringVar(&cfg.BaseURL, "base-url", getenv("PEERPATH_BASE_URL"), "this installation's public address: credentials it issued are checked against its own database, without the network (PEERPATH_BASE_URL)")
	offline := fs.Bool("offline", false, "never use the network: only credentials issued by this installation (--base-url) can be checked")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: peerpath credential verify [flags] FILE\n\nFILE holds a credential as JSON-LD (with an embedded proof) or as a JWT. Exit status 0 when every check passes, 1 when one fails.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() != 1 {
		return usagef("give one credential file (flags go before it)")
	}
	raw, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	res := localOrWeb{web: credential.WebResolver{}, offline: *offline}
	if cfg.BaseURL != "" {
		res.base = strings.TrimSuffix(cfg.BaseURL, "/")
		s, err := openDB(ctx, cfg, core.SystemClock{}, false, false)
		if err != nil {
			return err
		}
		defer s.Close()
		res.local = s.LocalResolver(res.base)
	} else if *offline {
		return usagef("--offline needs --base-url: without it there is nothing to check a credential against")
	}
	rep := credential.Verify(ctx, raw, res, time.Now())
	if rep.Name != "" {
		fmt.Fprintf(io.out, "%s\n", rep.Name)
	}
	if rep.Recipient != "" || rep.Issuer != "" {
		fmt.Fprintf(io.out, "awarded to %s by %s (%s)\n", rep.Recipient, rep.Issuer, rep.Format)
	}
	for _, c := range rep.Checks {
		mark := "ok    "
		if !c.OK {
			mark = "FAILED"
		}
		fmt.Fprintf(io.out, "%s %-9s %s\n", mark, c.Name, c.Detail)
	}
	if !rep.OK() {
		fmt.Fprintf(io.out, "NOT VALID: the %s check failed\n", rep.Failed())
		return errExit1
	}
	fmt.Fprintln(io.out, "VALID")
	return nil
}

// localOrWeb resolves this installation's URLs from its database and
// everything else over the network (unless offline).
type localOrWeb struct {
	base    string
	local   credential.Resolver
	web     credential.WebResolver
	offline bool
}

func (r localOrWeb) pick(u string) (credential.Resolver, error) {
	if r.local != nil && strings.HasPrefix(u, r.base+"/") {
		return r.local, nil
	}
	if r.offline {
		return nil, fmt.Errorf("%s is not this installation's (%s), and --offline fetches nothing", u, r.base)
	}
	return r.web, nil
}

func (r localOrWeb) Key(ctx context.Context, vm string) (ed25519.PublicKey, error) {
	res, err := r.pick(vm)
	if err != nil {
		return nil, err
	}
	return res.Key(ctx, vm)
}

func (r localOrWeb) StatusList(ctx context.Context, u string) (map[string]any, error) {
	res, err := r.pick(u)
	if err != nil {
		return nil, err
	}
	return res.StatusList(ctx, u)
}
