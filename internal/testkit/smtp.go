package testkit

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTP is a real SMTP server on 127.0.0.1 for tests of the email peerpath
// sends. It keeps every message it accepts. Stop and Start take it down and
// bring it back on the same port, to test retries.
type SMTP struct {
	t    testing.TB
	Addr string
	// ClientTLS trusts the server's certificate (TLS servers only): give it
	// to mail.Sender.TLSConfig.
	ClientTLS *tls.Config
	implicit  bool
	serverTLS *tls.Config

	mu       sync.Mutex
	srv      *smtp.Server
	ln       net.Listener
	messages []Mail
}

// Mail is a message the test server received, decoded.
type Mail struct {
	From, To, Subject string
	Text, HTML        string // the plain-text and HTML parts
	Raw               string
	TLS               bool   // the message came over TLS
	User              string // who logged in, if anyone
}

// SMTPUser and SMTPPassword are the login of a TLS test server.
const (
	SMTPUser     = "peerpath"
	SMTPPassword = "mail-secret"
)

// NewSMTPTLS starts a test SMTP server with a certificate for 127.0.0.1
// (trusted by ClientTLS) that asks for a login (SMTPUser, SMTPPassword):
// over STARTTLS, or with implicit set, TLS from the first byte (smtps).
func NewSMTPTLS(t testing.TB, implicit bool) *SMTP {
	t.Helper()
	cert, pool := selfSigned(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m := &SMTP{t: t, Addr: ln.Addr().String(), implicit: implicit,
		serverTLS: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ClientTLS: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}}
	m.serve(ln)
	t.Cleanup(m.Stop)
	return m
}

func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "peerpath test mail server"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// NewSMTP starts a test SMTP server.
func NewSMTP(t testing.TB) *SMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m := &SMTP{t: t, Addr: ln.Addr().String()}
	m.serve(ln)
	t.Cleanup(m.Stop)
	return m
}

// URL is the server's address as peerpath's --smtp-url takes it, with the
// login for a TLS server.
func (m *SMTP) URL() string {
	switch {
	case m.serverTLS == nil:
		return "smtp://" + m.Addr
	case m.implicit:
		return "smtps://" + SMTPUser + ":" + SMTPPassword + "@" + m.Addr
	}
	return "smtp://" + SMTPUser + ":" + SMTPPassword + "@" + m.Addr
}

func (m *SMTP) serve(ln net.Listener) {
	srv := smtp.NewServer(smtpBackend{m})
	srv.Domain = "localhost"
	if m.serverTLS != nil {
		srv.TLSConfig = m.serverTLS // offers STARTTLS
		if m.implicit {
			ln = tls.NewListener(ln, m.serverTLS)
		}
	}
	m.mu.Lock()
	m.srv, m.ln = srv, ln
	m.mu.Unlock()
	go srv.Serve(ln) //nolint:errcheck // ends when the test stops it
}

// Stop takes the server down: connections are refused until Start.
func (m *SMTP) Stop() {
	m.mu.Lock()
	srv, ln := m.srv, m.ln
	m.srv, m.ln = nil, nil
	m.mu.Unlock()
	if srv != nil {
		ln.Close() // before Serve may have taken it
		srv.Close()
	}
}

// Start brings a stopped server back on the same address.
func (m *SMTP) Start() {
	m.t.Helper()
	ln, err := net.Listen("tcp", m.Addr)
	if err != nil {
		m.t.Fatal(err)
	}
	m.serve(ln)
}

// Messages returns the messages received so far.
func (m *SMTP) Messages() []Mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Mail(nil), m.messages...)
}

type smtpBackend struct{ m *SMTP }

func (b smtpBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	s := &smtpSession{m: b.m, conn: c}
	if b.m.serverTLS != nil {
		return &authSession{s}, nil
	}
	return s, nil
}

type smtpSession struct {
	m        *SMTP
	conn     *smtp.Conn
	from, to string
	user     string
}

// authSession is a session of a TLS server: it asks for a login.
type authSession struct{ *smtpSession }

func (s *authSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *authSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != SMTPUser || pass != SMTPPassword {
			return errors.New("wrong login")
		}
		s.user = user
		return nil
	}), nil
}
func (s *authSession) Mail(from string, o *smtp.MailOptions) error {
	if s.user == "" {
		return errors.New("log in first")
	}
	return s.smtpSession.Mail(from, o)
}

func (s *smtpSession) Reset()        { s.from, s.to = "", "" }
func (s *smtpSession) Logout() error { return nil }
func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}
func (s *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, tlsOn := s.conn.TLSConnectionState()
	msg := Mail{From: s.from, To: s.to, Raw: string(raw), TLS: tlsOn, User: s.user}
	if pm, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		msg.Subject, _ = new(mime.WordDecoder).DecodeHeader(pm.Header.Get("Subject"))
		collectParts(pm.Header.Get("Content-Type"), pm.Header.Get("Content-Transfer-Encoding"), pm.Body, &msg)
	}
	s.m.mu.Lock()
	s.m.messages = append(s.m.messages, msg)
	s.m.mu.Unlock()
	return nil
}

// collectParts finds the text and HTML parts of a MIME body.
func collectParts(contentType, encoding string, body io.Reader, msg *Mail) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return
			}
			collectParts(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, msg)
		}
	}
	var r = body
	if strings.EqualFold(encoding, "quoted-printable") {
		r = quotedprintable.NewReader(body)
	}
	b, _ := io.ReadAll(r)
	switch mt {
	case "text/plain":
		msg.Text = string(b)
	case "text/html":
		msg.HTML = string(b)
	}
}
