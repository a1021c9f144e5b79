package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Sender sends messages through one SMTP server. Its zero value is not
// usable; make one with NewSender.
type Sender struct {
	host     string
	port     int
	implicit bool // smtps://: TLS from the first byte
	local    bool // the server is on this machine: STARTTLS when offered
	user     string
	pass     string
	from     string
	// TLSConfig, when set, replaces the default TLS settings (tests use
	// it to trust their own server's certificate).
	TLSConfig *tls.Config
}

// NewSender reads an SMTP address such as smtp://user:pass@host:587 or
// smtps://user:pass@host:465 and the From address. smtps:// speaks TLS from
// the start; smtp:// requires STARTTLS, except to a mail relay on this
// machine (localhost, 127.0.0.1, ::1), which may not offer it.
func NewSender(rawURL, from string) (*Sender, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, errors.New("the SMTP address must look like smtp://user:password@mail.example.org:587 or smtps://user:password@mail.example.org:465")
	}
	addr, err := mail.ParseAddress(from)
	if err != nil || from == "" {
		return nil, errors.New("the From address must be an email address, such as peerpath@example.org")
	}
	s := &Sender{host: u.Hostname(), implicit: u.Scheme == "smtps", from: addr.String()}
	s.port = 587
	if s.implicit {
		s.port = 465
	}
	if p := u.Port(); p != "" {
		if s.port, err = strconv.Atoi(p); err != nil || s.port <= 0 || s.port > 65535 {
			return nil, fmt.Errorf("the SMTP port %q is not a port number", p)
		}
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	if s.host == "localhost" {
		s.local = true
	} else if ip := net.ParseIP(s.host); ip != nil && ip.IsLoopback() {
		s.local = true
	}
	return s, nil
}

// Describe names the server without its password, for logs.
func (s *Sender) Describe() string {
	scheme := "smtp"
	if s.implicit {
		scheme = "smtps"
	}
	return fmt.Sprintf("%s://%s:%d", scheme, s.host, s.port)
}

// Send delivers one message, or returns why the server did not take it.
func (s *Sender) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return err
	}
	if err := msg.To(m.To); err != nil {
		return err
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	opts := []gomail.Option{gomail.WithPort(s.port), gomail.WithTimeout(30 * time.Second)}
	tc := s.TLSConfig
	if tc == nil {
		tc = &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
	}
	opts = append(opts, gomail.WithTLSConfig(tc))
	switch {
	case s.implicit:
		opts = append(opts, gomail.WithSSL())
	case s.local:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.user), gomail.WithPassword(s.pass))
	}
	c, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, msg)
}
