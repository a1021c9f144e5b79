package testkit

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"peerpath/internal/store"
	"peerpath/internal/web"
)

// App is the real peerpath server over a fresh database, for HTTP tests.
type App struct {
	*DB
	Server *web.Server
	HTTP   *httptest.Server
	logs   *logBuffer
}

// NewApp starts peerpath on a fresh database.
func NewApp(t testing.TB) *App { t.Helper(); return newApp(t, false, false) }

// NewMailApp starts peerpath with email on: invitations, reset links and
// notices go to the outbox (deliver it with DeliverMail and an SMTP sender).
func NewMailApp(t testing.TB) *App { t.Helper(); return newApp(t, true, false) }

// NewTextApp starts peerpath with email and text messages on: sign-in
// codes for people with no email address go to sms_outbox (deliver it
// with DeliverSMS).
func NewTextApp(t testing.TB) *App { t.Helper(); return newApp(t, true, true) }

func newApp(t testing.TB, mail, texts bool) *App {
	t.Helper()
	db := NewStore(t)
	logs := &logBuffer{}
	srv, err := web.New(web.Config{Store: db.Store, Clock: db.Clock, Logger: slog.New(slog.NewTextHandler(logs, nil)), Version: "test", Mail: mail, SMS: texts})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	if mail {
		db.Store.EnableMail(hs.URL)
	}
	if texts {
		db.Store.EnableSMS()
	}
	return &App{DB: db, Server: srv, HTTP: hs, logs: logs}
}

// Logs returns everything the server has logged so far.
func (a *App) Logs() string { return a.logs.String() }

// Client is a browser-like client: it keeps cookies and does not follow
// redirects, so tests see them.
type Client struct {
	t     testing.TB
	app   *App
	http  *http.Client
	Token string // when set, sent as a bearer token
}

// Client returns a new client with no session.
func (a *App) Client(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, app: a, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// SignIn returns a client signed in as u (who has Password and no second factor).
func (a *App) SignIn(t testing.TB, u store.User) *Client {
	t.Helper()
	c := a.Client(t)
	res := c.PostForm("/login", url.Values{"email": {u.Email}, "password": {Password}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("signing in as %s: status %d\n%s", u.Email, res.Status, res.Body)
	}
	return c
}

// APIClient returns a client holding a fresh API token for u.
func (a *App) APIClient(t testing.TB, u store.User) *Client {
	t.Helper()
	token, _, err := a.CreateAPIToken(t.Context(), Actor(u), "test")
	if err != nil {
		t.Fatal(err)
	}
	c := a.Client(t)
	c.Token = token
	return c
}

// Response is a finished response with its body read.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// Location is where a redirect points.
func (r Response) Location() string { return r.Header.Get("Location") }

// JSON decodes the body into v.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("decoding %q: %v", r.Body, err)
	}
}

// Do sends a request.
func (c *Client) Do(req *http.Request) Response {
	c.t.Helper()
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	// Keep the request body: API calls are checked against the OpenAPI
	// document once answered (contract.go).
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	out := Response{Status: res.StatusCode, Header: res.Header, Body: string(b)}
	c.checkContract(c.t, req.Method, req.URL.String(), req.Header, reqBody, out)
	return out
}

// Get fetches a path.
func (c *Client) Get(path string) Response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.app.HTTP.URL+path, nil)
	return c.Do(req)
}

// PostForm sends a form.
func (c *Client) PostForm(path string, form url.Values) Response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.app.HTTP.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

// Send sends a JSON body (nil for none) with any method.
func (c *Client) Send(method, path string, body any) Response {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			r = strings.NewReader(s)
		} else {
			b, err := json.Marshal(body)
			if err != nil {
				c.t.Fatal(err)
			}
			r = bytes.NewReader(b)
		}
	}
	req, _ := http.NewRequest(method, c.app.HTTP.URL+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.Do(req)
}

// Follow fetches where a redirect points.
func (c *Client) Follow(r Response) Response {
	c.t.Helper()
	if r.Status/100 != 3 {
		c.t.Fatalf("expected a redirect, got %d", r.Status)
	}
	return c.Get(r.Location())
}

// Text returns a page's visible text with tags removed and spaces folded,
// for assertions that should not depend on markup.
func Text(html string) string {
	html = regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>`).ReplaceAllString(html, " ")
	html = regexp.MustCompile(`<[^>]+>`).ReplaceAllString(html, " ")
	for _, e := range [][2]string{{"&amp;", "&"}, {"&#39;", "'"}, {"&quot;", `"`}, {"&lt;", "<"}, {"&gt;", ">"}, {"&#34;", `"`}} {
		html = strings.ReplaceAll(html, e[0], e[1])
	}
	return strings.Join(strings.Fields(html), " ")
}

// logBuffer collects the server's log lines; the server writes from many
// goroutines while a test reads.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// SessionClient returns a client with a session for u made directly in the
// store: no password check, so sweeps over many routes stay fast.
func (a *App) SessionClient(t testing.TB, u store.User) *Client {
	t.Helper()
	token, err := a.CreateSession(t.Context(), u.ID, false, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	c := a.Client(t)
	base, _ := url.Parse(a.HTTP.URL)
	c.http.Jar.SetCookies(base, []*http.Cookie{{Name: "peerpath_session", Value: token, Path: "/"}})
	return c
}
