package mail

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

func TestNewSender(t *testing.T) {
	for raw, want := range map[string]string{
		"smtp://u:p@mail.example.org":      "smtp://mail.example.org:587",
		"smtp://mail.example.org:2525":     "smtp://mail.example.org:2525",
		"smtps://u:p@mail.example.org":     "smtps://mail.example.org:465",
		"smtps://mail.example.org:10465":   "smtps://mail.example.org:10465",
		"smtp://u%40example.org:p@host:25": "smtp://host:25",
	} {
		s, err := NewSender(raw, "peerpath@example.org")
		if err != nil || s.Describe() != want {
			t.Errorf("%s: %v %v, want %s", raw, s, err, want)
		}
		if strings.Contains(s.Describe(), ":p@") {
			t.Errorf("%s: the description shows the password", raw)
		}
	}
	if s, _ := NewSender("smtp://u%40example.org:p%2Fq@host", "a@b.org"); s.user != "u@example.org" || s.pass != "p/q" {
		t.Errorf("login %q %q", s.user, s.pass)
	}
	for _, raw := range []string{"", "mail.example.org", "http://mail.example.org", "smtp://", "smtp://host:99999", "smtp://host:abc"} {
		if _, err := NewSender(raw, "peerpath@example.org"); err == nil {
			t.Errorf("%q accepted", raw)
		}
	}
	if _, err := NewSender("smtp://host", "not an address"); err == nil {
		t.Error("a From that is not an address accepted")
	}
	for host, local := range map[string]bool{"localhost": true, "127.0.0.1": true, "[::1]": true, "mail.example.org": false, "10.0.0.5": false} {
		if s, _ := NewSender("smtp://"+host, "a@b.org"); s.local != local {
			t.Errorf("%s: local %v", host, s.local)
		}
	}
}

type discard struct{}

func (discard) NewSession(*smtp.Conn) (smtp.Session, error) { return discard{}, nil }
func (discard) Reset()                                      {}
func (discard) Logout() error                               { return nil }
func (discard) Mail(string, *smtp.MailOptions) error        { return nil }
func (discard) Rcpt(string, *smtp.RcptOptions) error        { return nil }
func (discard) Data(r io.Reader) error                      { _, err := io.Copy(io.Discard, r); return err }

// A mail server away from this machine that offers no STARTTLS is refused:
// peerpath never sends a link in the clear over the network.
func TestSTARTTLSIsRequiredAwayFromThisMachine(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(discard{})
	srv.Domain = "localhost"
	go srv.Serve(ln) //nolint:errcheck // closed below
	defer srv.Close()
	s, err := NewSender("smtp://"+ln.Addr().String(), "peerpath@example.org")
	if err != nil {
		t.Fatal(err)
	}
	m := Invitation("rosa@example.org", "Rosa", "Metro RLC", "https://peerpath.example.org/account/password?token=x", time.Now())
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("a relay on this machine without TLS: %v", err)
	}
	s.local = false // as if the server were elsewhere
	if err := s.Send(context.Background(), m); err == nil || !strings.Contains(strings.ToLower(err.Error()), "starttls") {
		t.Fatalf("sent without STARTTLS to a server elsewhere: %v", err)
	}
}

func TestMessagesHoldTextAndHTML(t *testing.T) {
	exp := time.Date(2026, 12, 13, 15, 0, 0, 0, time.UTC)
	m := Invitation("rosa@example.org", "Rosa <Diaz>", "Metro & Co", "https://p.example.org/account/password?token=a&b", exp)
	if !strings.Contains(m.Text, "Hello Rosa <Diaz>,") || !strings.Contains(m.Text, "https://p.example.org/account/password?token=a&b") || !strings.Contains(m.Text, "13 Dec 2026, 10:00 am") {
		t.Fatalf("text:\n%s", m.Text)
	}
	if !strings.Contains(m.HTML, "Hello Rosa &lt;Diaz&gt;,") || !strings.Contains(m.HTML, `href="https://p.example.org/account/password?token=a&amp;b"`) || strings.Contains(m.HTML, "<Diaz>") {
		t.Fatalf("HTML is not escaped:\n%s", m.HTML)
	}
	if r := Reset("a@b.org", "A", "Org", "https://x", exp); !strings.Contains(r.Subject, "new peerpath password") {
		t.Fatalf("reset subject %q", r.Subject)
	}
	c := CredentialExpiry("a@b.org", "A", "Org", "Tu credencial CPS vence el 31 de enero de 2027", "Tu credencial CPS vence pronto.", "https://x/development", "Ver tu desarrollo",
		Words{Lang: "es", Hello: "Hola", CopyLink: "Si el enlace no se abre, copia esta dirección:", From: "peerpath, para"})
	if c.Subject != "Tu credencial CPS vence el 31 de enero de 2027" || !strings.Contains(c.Text, "Hola A,") || !strings.Contains(c.HTML, `<html lang="es">`) || !strings.Contains(c.Text, "Ver tu desarrollo:\nhttps://x/development") {
		t.Fatalf("credential reminder in Spanish: %q\n%s", c.Subject, c.Text)
	}
}
