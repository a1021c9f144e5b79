package testkit

import (
	"log/slog"
	"net/http/httptest"
	"testing"

	"peerpath/internal/demo"
	"peerpath/internal/web"
)

// NewDemoApp starts peerpath as `serve --demo` does: the demo organisation
// loaded, and its logins handed to the server for the sign-in page.
func NewDemoApp(t testing.TB) (*App, demo.Demo) {
	t.Helper()
	db := NewStore(t)
	d, err := demo.Load(t.Context(), db.Store)
	if err != nil {
		t.Fatal(err)
	}
	hint := &web.DemoLogins{Password: demo.Password}
	for _, l := range d.Logins {
		hint.Logins = append(hint.Logins, web.DemoLogin{Role: l.Role, Name: l.Name, Email: l.Email})
	}
	logs := &logBuffer{}
	srv, err := web.New(web.Config{Store: db.Store, Clock: db.Clock, Logger: slog.New(slog.NewTextHandler(logs, nil)), Version: "test", Demo: hint})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &App{DB: db, Server: srv, HTTP: hs, logs: logs}, d
}
