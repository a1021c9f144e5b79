package app

import (
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"
)

// HTTPS without a proxy (issue 19): serve with a certificate the
// organisation already has (--tls-cert/--tls-key), or one obtained and
// renewed by ACME (--tls-domain). With TLS on, an HTTP listener redirects to
// HTTPS (and answers ACME's http-01 challenges); the web server then sees
// r.TLS and sends HSTS and __Host- Secure cookies.

// tlsPlan is serve's TLS configuration.
type tlsPlan struct {
	cert, key string   // --tls-cert, --tls-key
	domains   []string // --tls-domain (comma-separated)
	acmeDir   string   // --acme-directory
	acmeEmail string   // --acme-email
	acmeCA    string   // --acme-ca-cert: trust this CA for the ACME server's own HTTPS
	httpAddr  string   // --http-addr; "none": no HTTP listener
}

// httpAddrNone turns the HTTP listener off.
const httpAddrNone = "none"

// acmeCacheDir is where ACME accounts and certificates are kept, inside the
// data directory.
const acmeCacheDir = "acme"

func (p tlsPlan) on() bool { return p.cert != "" || len(p.domains) > 0 }

// tlsFlags adds serve's TLS flags.
func tlsFlags(fs *flag.FlagSet, p *tlsPlan, getenv env) {
	fs.StringVar(&p.cert, "tls-cert", getenv("PEERPATH_TLS_CERT"), "serve HTTPS with this certificate (PEM, the full chain); needs --tls-key (PEERPATH_TLS_CERT)")
	fs.StringVar(&p.key, "tls-key", getenv("PEERPATH_TLS_KEY"), "the private key (PEM) of --tls-cert (PEERPATH_TLS_KEY)")
	fs.Func("tls-domain", "serve HTTPS with a certificate obtained and renewed by ACME (Let's Encrypt) for this domain, e.g. rlc.example.org; several are separated by commas (PEERPATH_TLS_DOMAIN)", func(v string) error {
		p.domains = splitDomains(v)
		return nil
	})
	p.domains = splitDomains(getenv("PEERPATH_TLS_DOMAIN"))
	fs.StringVar(&p.acmeDir, "acme-directory", envOr(getenv, "PEERPATH_ACME_DIRECTORY", autocert.DefaultACMEDirectory), "the ACME server's directory URL, for --tls-domain (PEERPATH_ACME_DIRECTORY)")
	fs.StringVar(&p.acmeEmail, "acme-email", getenv("PEERPATH_ACME_EMAIL"), "an address the ACME server may write to about the certificate, for --tls-domain (PEERPATH_ACME_EMAIL)")
	fs.StringVar(&p.acmeCA, "acme-ca-cert", getenv("PEERPATH_ACME_CA_CERT"), "for a private ACME server (--acme-directory): the CA certificate (PEM) its own HTTPS certificate is signed by; default: the system's trusted CAs (PEERPATH_ACME_CA_CERT)")
	fs.StringVar(&p.httpAddr, "http-addr", getenv("PEERPATH_HTTP_ADDR"), "with TLS on: where to listen for plain HTTP, which redirects to HTTPS and answers ACME challenges; default :80; none: do not listen (PEERPATH_HTTP_ADDR)")
}

func splitDomains(v string) []string {
	var out []string
	for d := range strings.SplitSeq(v, ",") {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" {
			out = append(out, d)
		}
	}
	return out
}

// check validates the plan; proxy says --behind-tls-proxy was given. It
// returns the TLS configuration to serve with (nil: plain HTTP).
func (p *tlsPlan) check(fs *flag.FlagSet, proxy bool) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !p.on() {
		for _, name := range []string{"tls-key", "http-addr"} {
			if set[name] || (name == "tls-key" && p.key != "") {
				return usagef("--%s needs --tls-cert or --tls-domain", name)
			}
		}
		for _, name := range []string{"acme-directory", "acme-email", "acme-ca-cert"} {
			if set[name] {
				return usagef("--%s needs --tls-domain", name)
			}
		}
		return nil
	}
	if proxy {
		return usagef("--behind-tls-proxy is for a proxy that does TLS in front of peerpath; with --tls-cert or --tls-domain peerpath does TLS itself. Choose one")
	}
	if p.cert != "" && len(p.domains) > 0 {
		return usagef("--tls-cert and --tls-domain both give a certificate: choose one")
	}
	if p.httpAddr == "" {
		p.httpAddr = ":80"
	}
	if p.httpAddr != httpAddrNone {
		if _, _, err := net.SplitHostPort(p.httpAddr); err != nil {
			return usagef("--http-addr must be an address such as :80 or 127.0.0.1:8081, or none, not %q", p.httpAddr)
		}
	}
	if p.cert != "" {
		if p.key == "" {
			return usagef("--tls-cert needs --tls-key, the certificate's private key")
		}
		_, err := loadKeyPair(p.cert, p.key)
		return err
	}
	if p.key != "" {
		return usagef("--tls-key needs --tls-cert")
	}
	for _, d := range p.domains {
		if strings.ContainsAny(d, ":/ ") || !strings.Contains(d, ".") || net.ParseIP(d) != nil {
			return usagef("--tls-domain must be a domain name such as rlc.example.org (no scheme, port or path, not an IP address), not %q", d)
		}
	}
	if p.acmeDir != autocert.DefaultACMEDirectory && !strings.HasPrefix(p.acmeDir, "https://") {
		return usagef("--acme-directory must be an https:// URL, not %q", p.acmeDir)
	}
	if p.acmeEmail != "" && !strings.Contains(p.acmeEmail, "@") {
		return usagef("--acme-email must be an email address, not %q", p.acmeEmail)
	}
	if p.acmeCA != "" {
		if _, err := p.acmeHTTPClient(); err != nil {
			return err
		}
	}
	return nil
}

// acmeHTTPClient is the HTTP client that talks to the ACME server: nil (the
// default, trusting the system's CAs) unless --acme-ca-cert names the CA of
// a private ACME server.
func (p tlsPlan) acmeHTTPClient() (*http.Client, error) {
	if p.acmeCA == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(p.acmeCA)
	if err != nil {
		return nil, usagef("--acme-ca-cert: cannot read the CA certificate: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, usagef("--acme-ca-cert %s holds no certificate in PEM", p.acmeCA)
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: t, Timeout: time.Minute}, nil
}

// loadKeyPair reads a certificate and its key, saying plainly which part is
// wrong. Its errors are usage errors: they are about the flags given.
func loadKeyPair(certFile, keyFile string) (tls.Certificate, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return tls.Certificate{}, usagef("--tls-cert: cannot read the certificate: %v", err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return tls.Certificate{}, usagef("--tls-key: cannot read the private key: %v", err)
	}
	c, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, usagef("--tls-cert %s and --tls-key %s are not a certificate and its private key in PEM (or the key is not this certificate's): %v", certFile, keyFile, err)
	}
	if c.Leaf == nil {
		if c.Leaf, err = x509.ParseCertificate(c.Certificate[0]); err != nil {
			return tls.Certificate{}, usagef("--tls-cert %s: %v", certFile, err)
		}
	}
	return c, nil
}

// fileCert serves a certificate from files and picks up a renewed pair
// (the files replaced in place) at the next handshake after they change.
type fileCert struct {
	certFile, keyFile string
	log               *slog.Logger
	mu                sync.Mutex
	cert              *tls.Certificate
	mod               time.Time
}

func (f *fileCert) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	mod := latestMod(f.certFile, f.keyFile)
	if f.cert == nil || mod.After(f.mod) {
		c, err := loadKeyPair(f.certFile, f.keyFile)
		switch {
		case err == nil:
			f.cert, f.mod = &c, mod
			if f.log != nil {
				f.log.Info("TLS certificate loaded", "file", f.certFile, "not_after", c.Leaf.NotAfter)
			}
		case f.cert == nil:
			return nil, err
		default:
			// A pair half-replaced: keep the one that works until both files agree.
			f.log.Warn("TLS certificate not reloaded; still serving the previous one", "err", err)
		}
	}
	return f.cert, nil
}

func latestMod(files ...string) time.Time {
	var t time.Time
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil && fi.ModTime().After(t) {
			t = fi.ModTime()
		}
	}
	return t
}

// newACMEManager is the autocert manager for --tls-domain, its cache in
// <data-dir>/acme.
func (p tlsPlan) newACMEManager(dataDir string) (*autocert.Manager, error) {
	dir := filepath.Join(dataDir, acmeCacheDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("making the ACME cache directory: %w", err)
	}
	hc, err := p.acmeHTTPClient()
	if err != nil {
		return nil, err
	}
	return &autocert.Manager{
		Prompt:     autocert.AcceptTOS,
		Cache:      autocert.DirCache(dir),
		HostPolicy: autocert.HostWhitelist(p.domains...),
		Email:      p.acmeEmail,
		Client:     &acme.Client{DirectoryURL: p.acmeDir, HTTPClient: hc},
	}, nil
}

// tlsSetup is what serve needs to serve HTTPS: the TLS configuration and
// the handler of the plain-HTTP listener.
type tlsSetup struct {
	config  *tls.Config
	http    http.Handler
	manager *autocert.Manager // --tls-domain only
}

// setup builds the TLS configuration; httpsPort is the port the HTTPS
// listener has, for redirects.
func (p tlsPlan) setup(dataDir, httpsPort string, log *slog.Logger) (tlsSetup, error) {
	redirect := redirectToHTTPS(httpsPort, p.domains)
	if p.cert != "" {
		fc := &fileCert{certFile: p.cert, keyFile: p.key, log: log}
		if _, err := fc.get(nil); err != nil {
			return tlsSetup{}, err
		}
		if fc.cert.Leaf != nil && time.Now().After(fc.cert.Leaf.NotAfter) {
			log.Warn("the TLS certificate has expired: browsers will refuse it", "file", p.cert, "not_after", fc.cert.Leaf.NotAfter)
		}
		return tlsSetup{config: &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: fc.get}, http: redirect}, nil
	}
	m, err := p.newACMEManager(dataDir)
	if err != nil {
		return tlsSetup{}, err
	}
	c := m.TLSConfig()
	c.MinVersion = tls.VersionTLS12
	return tlsSetup{config: c, http: m.HTTPHandler(redirect), manager: m}, nil
}

// redirectToHTTPS sends every plain-HTTP request to the same path over
// HTTPS. With domains (ACME) a request for another host goes to the first.
func redirectToHTTPS(httpsPort string, domains []string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.Trim(host, "[]")
		if len(domains) > 0 && !slices.Contains(domains, strings.ToLower(host)) {
			host = domains[0]
		}
		if host == "" {
			http.Error(w, "peerpath answers over HTTPS only.", http.StatusBadRequest)
			return
		}
		if httpsPort != "443" {
			host = net.JoinHostPort(host, httpsPort)
		} else if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		code := http.StatusMovedPermanently
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			code = http.StatusPermanentRedirect // keeps the method and body
		}
		http.Redirect(w, r, "https://"+host+r.URL.RequestURI(), code)
	})
}

// flagSet says whether the flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
