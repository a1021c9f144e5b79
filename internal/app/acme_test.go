package app_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/letsencrypt/pebble/v2/ca"
	pebbledb "github.com/letsencrypt/pebble/v2/db"
	"github.com/letsencrypt/pebble/v2/va"
	"github.com/letsencrypt/pebble/v2/wfe"
)

// startPebble runs Let's Encrypt's ACME test server, Pebble, in the test:
// its CA, validation authority and web front end, serving HTTPS on
// 127.0.0.1. Challenges are taken as passed (PEBBLE_VA_ALWAYS_VALID), as
// the domain's DNS does not point here. It returns the directory URL, a
// PEM file with the CA of Pebble's own HTTPS certificate, and the root that
// signs the certificates it issues.
func startPebble(t *testing.T) (dir, httpsCA string, root *x509.Certificate) {
	t.Helper()
	t.Setenv("PEBBLE_VA_ALWAYS_VALID", "1")
	t.Setenv("PEBBLE_VA_NOSLEEP", "1")
	t.Setenv("PEBBLE_WFE_NONCEREJECT", "0") // no deliberately refused nonces: deterministic
	logger := log.New(io.Discard, "", 0)
	db := pebbledb.NewMemoryStore()
	authority := ca.New(logger, db, "", "ecdsa", 0, 1, map[string]ca.Profile{"default": {Description: "peerpath tests"}})
	validator := va.New(logger, 80, 443, false, "", db)
	front := wfe.New(logger, db, validator, authority, []string{"pebble.letsencrypt.org"}, false, false, 0, 0)
	srv := httptest.NewTLSServer(front.Handler())
	t.Cleanup(srv.Close)
	httpsCA = filepath.Join(t.TempDir(), "pebble-https-ca.pem")
	if err := os.WriteFile(httpsCA, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return srv.URL + wfe.DirectoryPath, httpsCA, authority.GetRootCert(0).Cert
}

// TestServeObtainsACertificateFromACME: serve --tls-domain obtains a real
// certificate from an ACME server (Pebble) at the first HTTPS connection,
// serves the page with it (the client trusts only Pebble's root), keeps it
// in <data-dir>/acme, redirects plain HTTP to HTTPS, sends HSTS, and sets a
// __Host- Secure session cookie.
func TestServeObtainsACertificateFromACME(t *testing.T) {
	env := sqliteEnv(t)
	withAdmin(t, env)
	dir, httpsCA, root := startPebble(t)
	const domain = "rlc.example.org"
	_, stderr, stopServe := startServeOn(t, env, `listening on https://`+regexp.QuoteMeta(domain)+`:(\d+)`,
		"--tls-domain", domain, "--acme-directory", dir, "--acme-ca-cert", httpsCA, "--acme-email", "it@rlc.example.org", "--http-addr", "127.0.0.1:0")
	stop := sync.OnceValue(stopServe)
	defer stop()
	port := regexp.MustCompile(`listening on https://` + regexp.QuoteMeta(domain) + `:(\d+)`).FindStringSubmatch(stderr.String())[1]
	base := "https://" + domain + ":" + port

	roots := x509.NewCertPool()
	roots.AddCert(root)
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	client := &http.Client{
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: roots},
			// The domain is the test's: its address is this machine.
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				_, p, _ := net.SplitHostPort(addr)
				return dialer.DialContext(ctx, network, net.JoinHostPort("127.0.0.1", p))
			},
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       15 * time.Second,
	}
	res, err := client.Get(base + "/healthz")
	if err != nil {
		t.Fatalf("HTTPS with a certificate from ACME: %v\n%s", err, stderr.String())
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != "ok\n" {
		t.Fatalf("healthz over HTTPS: %d %q", res.StatusCode, body)
	}
	leaf := res.TLS.PeerCertificates[0]
	if err := leaf.VerifyHostname(domain); err != nil {
		t.Errorf("the certificate served: %v", err)
	}
	if got := res.Header.Get("Strict-Transport-Security"); got != "max-age=31536000" {
		t.Errorf("HSTS: %q", got)
	}
	if _, err := os.Stat(filepath.Join(env["PEERPATH_DATA_DIR"], "acme", domain)); err != nil {
		t.Errorf("the certificate is not kept in the data directory's ACME cache: %v", err)
	}

	checkRedirectAndCookie(t, client, stderr.String(), base)
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d: %s", code, stderr.String())
	}
}
