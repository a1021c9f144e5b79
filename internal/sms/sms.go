// Package sms sends text messages through a provider's HTTP API: the
// Messages resource of Twilio's REST API (POST …/Messages.json with To,
// From and Body, form-encoded, with HTTP basic authentication), which
// several other providers offer too. peerpath uses it for one-time sign-in
// codes only (issue 18), when an installation sets --sms-url and
// --sms-from.
//
// Nothing about a person goes into an error: not the number, not the
// message, not the provider's own explanation (which may quote the
// number). Errors say the HTTP status and the provider's numeric error
// code, no more.
package sms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Message is one text message to send.
type Message struct {
	To   string // the number, in E.164 (+16175550100)
	Body string
}

// Sender posts messages to a provider's Messages endpoint.
type Sender struct {
	endpoint   string // without the credentials
	user, pass string
	from       string
	client     *http.Client
}

// ErrRejected is wrapped by errors for messages the provider refused (a 4xx
// answer: a bad number, an unpaid account, wrong credentials). Sending the
// same message again would not help.
var ErrRejected = errors.New("the SMS provider refused the message")

// NewSender reads the Messages endpoint, with the account's credentials as
// its user and password
// (https://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com/2010-04-01/Accounts/ACCOUNT_SID/Messages.json),
// and the number messages come from, in E.164. The endpoint must be https,
// except http to this machine (a test stand-in for the provider).
func NewSender(endpoint, from string) (*Sender, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return nil, errors.New("the SMS address must look like https://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com/2010-04-01/Accounts/ACCOUNT_SID/Messages.json")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && isLocal(u.Hostname()):
	default:
		return nil, errors.New("the SMS address must start with https:// (http:// only to 127.0.0.1 or localhost, for testing)")
	}
	if u.User == nil || u.User.Username() == "" {
		return nil, errors.New("the SMS address needs the account's credentials, as https://ACCOUNT_SID:AUTH_TOKEN@…")
	}
	pass, ok := u.User.Password()
	if !ok || pass == "" {
		return nil, errors.New("the SMS address needs the account's secret after its name, as https://ACCOUNT_SID:AUTH_TOKEN@…")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("the SMS address takes no query (?…) or fragment (#…)")
	}
	if !IsE164(from) {
		return nil, fmt.Errorf("the number text messages come from must be in E.164 form, a + and up to 15 digits, e.g. +16175550100 (not %q)", from)
	}
	s := &Sender{user: u.User.Username(), pass: pass, from: from,
		client: &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	u.User = nil
	s.endpoint = u.String()
	return s, nil
}

func isLocal(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Describe names the provider for serve's start-up message, without the
// credentials or the path (which holds the account's id).
func (s *Sender) Describe() string {
	u, _ := url.Parse(s.endpoint)
	return u.Scheme + "://" + u.Host + ", from " + s.from
}

// Send posts m. A 2xx answer is sent. A 4xx answer is an error wrapping
// ErrRejected; any other failure (5xx, no answer) is worth trying again.
func (s *Sender) Send(ctx context.Context, m Message) error {
	if !IsE164(m.To) {
		return fmt.Errorf("%w: the number is not in E.164 form", ErrRejected)
	}
	form := url.Values{"To": {m.To}, "From": {s.from}, "Body": {m.Body}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.SetBasicAuth(s.user, s.pass)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	res, err := s.client.Do(req)
	if err != nil {
		// The error names the endpoint only (no credentials: they are
		// not in it), never the message.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("the SMS provider could not be reached: %v", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		return nil
	}
	what := res.Status
	// Twilio's error answer: {"code": 21211, "message": "The 'To' number
	// … is not valid", …}. The message may quote the number: only the code
	// is kept.
	var e struct {
		Code int `json:"code"`
	}
	if json.Unmarshal(body, &e) == nil && e.Code != 0 {
		what += fmt.Sprintf(" (provider error %d)", e.Code)
	}
	if res.StatusCode >= 400 && res.StatusCode < 500 && res.StatusCode != http.StatusTooManyRequests && res.StatusCode != http.StatusRequestTimeout {
		return fmt.Errorf("%w: %s", ErrRejected, what)
	}
	return fmt.Errorf("the SMS provider answered %s", what)
}

// IsE164 reports whether v is a number in E.164 form: a + and 8 to 15
// digits, the first not 0.
func IsE164(v string) bool {
	if len(v) < 9 || len(v) > 16 || v[0] != '+' || v[1] == '0' {
		return false
	}
	for _, r := range v[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Number turns a phone number as people write it into E.164, reading
// numbers without a country code as North American (peerpath serves
// Massachusetts): "(617) 555-0100" is +16175550100. ok is false for
// anything that cannot take a text: too few or too many digits, or an
// extension ("x12").
func Number(v string) (e164 string, ok bool) {
	v = strings.TrimSpace(v)
	var b strings.Builder
	plus := false
	for i, r := range v {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			plus = true
		case strings.ContainsRune(" -().", r):
		default:
			return "", false // an extension, or words
		}
	}
	d := b.String()
	switch {
	case plus:
		e164 = "+" + d
	case len(d) == 10 && d[0] >= '2':
		e164 = "+1" + d
	case len(d) == 11 && d[0] == '1':
		e164 = "+" + d
	default:
		return "", false
	}
	return e164, IsE164(e164)
}
