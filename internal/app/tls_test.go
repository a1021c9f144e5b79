package app_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"peerpath/internal/app"
)

// selfSigned writes a certificate for 127.0.0.1 and localhost and its key,
// made here with crypto/x509, and returns the files and the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "peerpath test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	if cert, err = x509.ParseCertificate(der); err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600)
	return certFile, keyFile, cert
}

// TestServeHTTPSWithCertificate: with --tls-cert/--tls-key serve answers
// over HTTPS with that certificate and sends HSTS, plain HTTP is redirected
// to the same path over HTTPS, and the session cookie after signing in is
// __Host- and Secure.
func TestServeHTTPSWithCertificate(t *testing.T) {
	env := sqliteEnv(t)
	withAdmin(t, env)
	certFile, keyFile, cert := selfSigned(t)
	base, stderr, stopServe := startServe(t, env, "--tls-cert", certFile, "--tls-key", keyFile, "--http-addr", "127.0.0.1:0")
	stop := sync.OnceValue(stopServe)
	defer stop()
	if !strings.HasPrefix(base, "https://") {
		t.Fatalf("serve listens on %s, not HTTPS", base)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	client := &http.Client{
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       10 * time.Second,
	}

	res, err := client.Get(base + "/healthz")
	if err != nil {
		t.Fatalf("HTTPS with the organisation's certificate: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != "ok\n" || res.TLS == nil {
		t.Fatalf("healthz over HTTPS: %d %q", res.StatusCode, body)
	}
	if got := res.Header.Get("Strict-Transport-Security"); got != "max-age=31536000" {
		t.Errorf("HSTS: %q", got)
	}
	if !res.TLS.PeerCertificates[0].Equal(cert) {
		t.Error("served another certificate than --tls-cert")
	}

	checkRedirectAndCookie(t, client, stderr.String(), base)
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d: %s", code, stderr.String())
	}
}

// TestServeTLSFlagsAreChecked: wrong TLS flags are usage errors (exit 2)
// with a plain message naming what is wrong.
func TestServeTLSFlagsAreChecked(t *testing.T) {
	env := sqliteEnv(t)
	certFile, keyFile, _ := selfSigned(t)
	_, otherKey, _ := selfSigned(t)
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	os.WriteFile(notPEM, []byte("hello"), 0o600)
	missing := filepath.Join(t.TempDir(), "missing.pem")
	for name, c := range map[string]struct {
		args []string
		say  string
	}{
		"cert without key":      {[]string{"--tls-cert", certFile}, "needs --tls-key"},
		"key without cert":      {[]string{"--tls-key", keyFile}, "--tls-key needs --tls-cert"},
		"cert unreadable":       {[]string{"--tls-cert", missing, "--tls-key", keyFile}, "cannot read the certificate"},
		"key unreadable":        {[]string{"--tls-cert", certFile, "--tls-key", missing}, "cannot read the private key"},
		"key of another cert":   {[]string{"--tls-cert", certFile, "--tls-key", otherKey}, "not this certificate's"},
		"not PEM":               {[]string{"--tls-cert", notPEM, "--tls-key", keyFile}, "PEM"},
		"cert and domain":       {[]string{"--tls-cert", certFile, "--tls-key", keyFile, "--tls-domain", "rlc.example.org"}, "choose one"},
		"behind a proxy too":    {[]string{"--tls-cert", certFile, "--tls-key", keyFile, "--behind-tls-proxy"}, "Choose one"},
		"http-addr without TLS": {[]string{"--http-addr", ":8081"}, "needs --tls-cert or --tls-domain"},
		"acme email alone":      {[]string{"--acme-email", "it@example.org"}, "needs --tls-domain"},
		"acme directory alone":  {[]string{"--acme-directory", "https://ca.example.org/dir"}, "needs --tls-domain"},
		"domain with scheme":    {[]string{"--tls-domain", "https://rlc.example.org"}, "domain name"},
		"domain an IP":          {[]string{"--tls-domain", "10.0.0.1"}, "domain name"},
		"acme CA alone":         {[]string{"--acme-ca-cert", certFile}, "needs --tls-domain"},
		"acme CA not PEM":       {[]string{"--tls-domain", "rlc.example.org", "--acme-ca-cert", notPEM}, "no certificate in PEM"},
		"acme CA unreadable":    {[]string{"--tls-domain", "rlc.example.org", "--acme-ca-cert", missing}, "cannot read the CA certificate"},
		"acme directory http":   {[]string{"--tls-domain", "rlc.example.org", "--acme-directory", "http://ca.example.org/dir"}, "https://"},
		"bad http-addr":         {[]string{"--tls-cert", certFile, "--tls-key", keyFile, "--http-addr", "eighty"}, "--http-addr"},
	} {
		t.Run(name, func(t *testing.T) {
			r := run(t, env, "", append([]string{"serve"}, c.args...)...)
			if r.code != 2 || !strings.Contains(r.errOut, c.say) {
				t.Fatalf("exit %d, want 2 saying %q: %q", r.code, c.say, r.errOut)
			}
		})
	}
}

// TestServeWithACMEDomain: serve --tls-domain starts without a certificate
// yet (none is asked for until a browser connects), keeps its ACME cache in
// <data-dir>/acme, and its HTTP listener redirects to the domain. The CA
// named is not running: no certificate is issued here.
func TestServeWithACMEDomain(t *testing.T) {
	env := sqliteEnv(t)
	ctx, cancel := context.WithCancel(t.Context())
	stderr := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- app.Main(ctx, []string{"peerpath", "serve", "--addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0",
			"--tls-domain", "rlc.example.org", "--acme-directory", "https://127.0.0.1:1/dir", "--acme-email", "it@rlc.example.org"},
			strings.NewReader(""), &bytes.Buffer{}, stderr, func(k string) string { return env[k] })
	}()
	re := regexp.MustCompile(`redirects plain HTTP on (http://127\.0\.0\.1:\d+)[\s\S]*listening on https://rlc\.example\.org:(\d+)`)
	var m []string
	for deadline := time.Now().Add(20 * time.Second); m == nil; m = re.FindStringSubmatch(stderr.String()) {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if fi, err := os.Stat(filepath.Join(env["PEERPATH_DATA_DIR"], "acme")); err != nil || !fi.IsDir() {
		t.Errorf("no ACME cache in the data directory: %v", err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(m[1] + "/people")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if want := "https://rlc.example.org:" + m[2] + "/people"; res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != want {
		t.Errorf("redirect: %d %q, want %s", res.StatusCode, res.Header.Get("Location"), want)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve exited %d: %s", code, stderr.String())
	}
}

// checkRedirectAndCookie checks what serve does with TLS on, after its
// output (stderr) announced the plain-HTTP listener: plain HTTP redirects to
// the same path at base over HTTPS (301 for GET, 308 for a form, no HSTS),
// and signing in over HTTPS (the administrator withAdmin made) sets a
// __Host- Secure session cookie.
func checkRedirectAndCookie(t *testing.T, client *http.Client, stderr, base string) {
	t.Helper()
	// Plain HTTP redirects to the same path over HTTPS.
	m := regexp.MustCompile(`redirects plain HTTP on (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no HTTP listener announced: %s", stderr)
	}
	res, err := client.Get(m[1] + "/people?q=a")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != base+"/people?q=a" {
		t.Fatalf("HTTP GET: %d to %q, want 301 to %s/people?q=a", res.StatusCode, res.Header.Get("Location"), base)
	}
	if res.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent over plain HTTP, where browsers ignore it")
	}
	res, err = client.PostForm(m[1]+"/login", url.Values{"email": {"b@x.test"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusPermanentRedirect || res.Header.Get("Location") != base+"/login" {
		t.Fatalf("HTTP POST: %d to %q, want 308 (keeps the method)", res.StatusCode, res.Header.Get("Location"))
	}

	// Signing in over HTTPS sets a __Host- Secure cookie.
	res, err = client.PostForm(base+"/login", url.Values{"email": {"b@x.test"}, "password": {"a sturdy long passphrase"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cookie := res.Header.Get("Set-Cookie")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(cookie, "__Host-peerpath=") || !strings.Contains(cookie, "; Secure") || !strings.Contains(cookie, "Path=/") || strings.Contains(cookie, "Domain=") {
		t.Fatalf("sign-in over HTTPS: %d, cookie %q", res.StatusCode, cookie)
	}
}
