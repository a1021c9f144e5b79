package testkit

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"
)

// SMTP is a real SMTP server on 127.0.0.1 for tests of the email peerpath
// sends. It keeps every message it accepts. Stop and Start take it down and
// bring it back on the same port, to test retries.
type SMTP struct {
	t    testing.TB
	Addr string

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

// URL is the server's address as peerpath's --smtp-url takes it.
func (m *SMTP) URL() string { return "smtp://" + m.Addr }

func (m *SMTP) serve(ln net.Listener) {
	srv := smtp.NewServer(smtpBackend{m})
	srv.Domain = "localhost"
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

func (b smtpBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{m: b.m}, nil }

type smtpSession struct {
	m        *SMTP
	from, to string
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
	msg := Mail{From: s.from, To: s.to, Raw: string(raw)}
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
