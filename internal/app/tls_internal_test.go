package app

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"golang.org/x/crypto/acme/autocert"
)

// TestACMEWiring: --tls-domain makes an autocert manager that keeps its
// cache in <data-dir>/acme (0700), asks only for the domains given, talks to
// --acme-directory with --acme-email, offers tls-alpn-01, and whose HTTP
// listener answers http-01 challenges and redirects everything else. No CA
// is contacted: this checks the configuration, not an issuance.
func TestACMEWiring(t *testing.T) {
	dataDir := t.TempDir()
	p := tlsPlan{domains: []string{"rlc.example.org", "www.rlc.example.org"}, acmeDir: "https://127.0.0.1:14000/dir", acmeEmail: "it@rlc.example.org"}
	got, err := p.setup(dataDir, "443", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	m := got.manager
	if m == nil {
		t.Fatal("no ACME manager for --tls-domain")
	}
	if c, ok := m.Cache.(autocert.DirCache); !ok || string(c) != filepath.Join(dataDir, "acme") {
		t.Errorf("cache: %#v", m.Cache)
	}
	if fi, err := os.Stat(filepath.Join(dataDir, "acme")); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("cache directory: %v %v", fi, err)
	}
	if m.Email != "it@rlc.example.org" || m.Client == nil || m.Client.DirectoryURL != "https://127.0.0.1:14000/dir" {
		t.Errorf("account: email %q, client %+v", m.Email, m.Client)
	}
	for host, ok := range map[string]bool{"rlc.example.org": true, "www.rlc.example.org": true, "evil.example.org": false, "127.0.0.1": false} {
		if err := m.HostPolicy(t.Context(), host); (err == nil) != ok {
			t.Errorf("host policy for %s: %v", host, err)
		}
	}
	if !slices.Contains(got.config.NextProtos, "acme-tls/1") || got.config.GetCertificate == nil {
		t.Errorf("TLS config does not serve ACME certificates: %+v", got.config.NextProtos)
	}

	get := func(host, path string) *http.Response {
		r := httptest.NewRequest("GET", "http://"+host+path, nil)
		w := httptest.NewRecorder()
		got.http.ServeHTTP(w, r)
		return w.Result()
	}
	if res := get("rlc.example.org", "/people?q=a"); res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "https://rlc.example.org/people?q=a" {
		t.Errorf("redirect: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res := get("evil.example.org", "/"); res.Header.Get("Location") != "https://rlc.example.org/" {
		t.Errorf("another host is sent to %q, want the first domain", res.Header.Get("Location"))
	}
	// A challenge is answered by autocert (an unknown token: 404), not redirected.
	if res := get("rlc.example.org", "/.well-known/acme-challenge/unknown-token"); res.StatusCode != http.StatusNotFound {
		t.Errorf("http-01 challenge path: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
}

// TestRedirectKeepsPort: on a test port the redirect names the HTTPS port.
func TestRedirectKeepsPort(t *testing.T) {
	h := redirectToHTTPS("8443", nil)
	r := httptest.NewRequest("GET", "http://127.0.0.1:8080/a?b=c", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if loc := w.Result().Header.Get("Location"); loc != "https://127.0.0.1:8443/a?b=c" {
		t.Fatalf("redirect to %q", loc)
	}
}

// TestCertificateFilesReloaded: a renewed pair written over the files is
// served from the next handshake; a half-replaced pair (a new certificate
// with the old key) keeps the previous certificate.
func TestCertificateFilesReloaded(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	pair := func(cn string) (certPEM, keyPEM []byte) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{"localhost"}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			t.Fatal(err)
		}
		kder, _ := x509.MarshalPKCS8PrivateKey(key)
		return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})
	}
	write := func(name string, b []byte, at time.Time) {
		if err := os.WriteFile(name, b, 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(name, at, at)
	}
	c1, k1 := pair("first")
	start := time.Now().Add(-time.Hour)
	write(certFile, c1, start)
	write(keyFile, k1, start)
	fc := &fileCert{certFile: certFile, keyFile: keyFile, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	name := func() string {
		c, err := fc.get(nil)
		if err != nil {
			t.Fatal(err)
		}
		return c.Leaf.Subject.CommonName
	}
	if got := name(); got != "first" {
		t.Fatalf("served %q", got)
	}
	c2, k2 := pair("renewed")
	write(certFile, c2, start.Add(time.Minute)) // the key not yet replaced
	if got := name(); got != "first" {
		t.Fatalf("a half-replaced pair: served %q, want the previous certificate", got)
	}
	write(keyFile, k2, start.Add(2*time.Minute))
	if got := name(); got != "renewed" {
		t.Fatalf("after renewal: served %q", got)
	}
}
