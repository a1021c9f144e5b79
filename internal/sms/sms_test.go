package sms_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"peerpath/internal/sms"
)

func TestNewSenderChecksItsSettings(t *testing.T) {
	good := "https://AC1:tok@api.example.com/2010-04-01/Accounts/AC1/Messages.json"
	for _, c := range []struct{ url, from, want string }{
		{"http://AC1:tok@api.example.com/Messages.json", "+16175550100", "https://"},
		{"ftp://AC1:tok@api.example.com/", "+16175550100", "https://"},
		{"https://api.example.com/Messages.json", "+16175550100", "credentials"},
		{"https://AC1@api.example.com/Messages.json", "+16175550100", "secret"},
		{"https://AC1:tok@api.example.com/Messages.json?x=1", "+16175550100", "query"},
		{"not a url", "+16175550100", "must look like"},
		{good, "6175550100", "E.164"},
		{good, "", "E.164"},
	} {
		if _, err := sms.NewSender(c.url, c.from); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s from %q: %v, want an error about %s", c.url, c.from, err, c.want)
		} else if strings.Contains(err.Error(), "tok") {
			t.Errorf("the error shows the secret: %v", err)
		}
	}
	for _, u := range []string{good, "http://AC1:tok@127.0.0.1:8080/Messages.json", "http://AC1:tok@localhost/Messages.json"} {
		s, err := sms.NewSender(u, "+16175550100")
		if err != nil {
			t.Errorf("%s: %v", u, err)
			continue
		}
		if d := s.Describe(); strings.Contains(d, "tok") || strings.Contains(d, "AC1") {
			t.Errorf("Describe shows the credentials: %s", d)
		}
	}
}

func TestNumber(t *testing.T) {
	for in, want := range map[string]string{
		"(617) 555-0100":    "+16175550100",
		"617.555.0100":      "+16175550100",
		"1 617 555 0100":    "+16175550100",
		"+55 11 91234 5678": "+5511912345678",
		"617 555 0100 x12":  "",
		"555-0100":          "",
		"ext 12":            "",
		"":                  "",
	} {
		got, ok := sms.Number(in)
		if got != want || ok != (want != "") {
			t.Errorf("Number(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
}

// TestSendPostsAFormWithBasicAuth: the request is the provider's Messages
// API, and answers sort into sent, refused and try-again.
func TestSendPostsAFormWithBasicAuth(t *testing.T) {
	status := http.StatusCreated
	var got *http.Request
	var form url.Values
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		b, _ := io.ReadAll(r.Body)
		form, _ = url.ParseQuery(string(b))
		w.WriteHeader(status)
		io.WriteString(w, `{"code": 20003, "message": "+16175550199 says no"}`)
	}))
	t.Cleanup(hs.Close)
	s, err := sms.NewSender(strings.Replace(hs.URL, "http://", "http://AC9:s3cret@", 1)+"/Accounts/AC9/Messages.json", "+16175550100")
	if err != nil {
		t.Fatal(err)
	}
	m := sms.Message{To: "+16175550199", Body: "Your sign-in code is 123456."}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	user, pass, ok := got.BasicAuth()
	if got.Method != "POST" || got.URL.Path != "/Accounts/AC9/Messages.json" || !ok || user != "AC9" || pass != "s3cret" || got.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Fatalf("request: %s %s %q %q", got.Method, got.URL, user, pass)
	}
	if len(form) != 3 || form.Get("To") != m.To || form.Get("From") != "+16175550100" || form.Get("Body") != m.Body {
		t.Fatalf("form: %v", form)
	}
	for _, c := range []struct {
		status   int
		rejected bool
	}{{400, true}, {401, true}, {404, true}, {429, false}, {500, false}, {503, false}} {
		status = c.status
		err := s.Send(context.Background(), m)
		if err == nil || errors.Is(err, sms.ErrRejected) != c.rejected {
			t.Errorf("%d: %v", c.status, err)
		}
		if err != nil && (strings.Contains(err.Error(), "555") || strings.Contains(err.Error(), "123456")) {
			t.Errorf("%d: the error holds the number or message: %v", c.status, err)
		}
	}
	// No answer at all: try again later.
	hs.Close()
	if err := s.Send(context.Background(), m); err == nil || errors.Is(err, sms.ErrRejected) {
		t.Fatalf("provider gone: %v", err)
	}
	// A number not in E.164 is refused before sending.
	if err := s.Send(context.Background(), sms.Message{To: "617", Body: "x"}); !errors.Is(err, sms.ErrRejected) {
		t.Fatalf("a bad number: %v", err)
	}
}
