// Package web serves peerpath's pages and its JSON API from one router. Every
// route is declared in routes.go with the permission it needs; handlers are
// methods on Server that parse input, call the store and render, and return
// errors to one function (fail) that turns them into the right status, page
// or JSON body.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/store"
)

// Config is what the server needs from the application.
type Config struct {
	Store  *store.Store
	Clock  core.Clock
	Logger *slog.Logger
	// BehindTLSProxy says a TLS-terminating proxy forwards requests: the
	// client address comes from X-Forwarded-For and cookies are Secure.
	BehindTLSProxy bool
	// BaseURL is the public address of peerpath (https://peerpath.example.org),
	// used in links it hands out and prints (invitations, certificates).
	// When empty, links are built from the address of the request.
	BaseURL string
	Version string
	// Mail says an SMTP server is set up: invitations and reset links are
	// emailed to the user (through the outbox) instead of shown to the
	// administrator.
	Mail bool
	// SMS, when set, says text messages are set up (--sms-url): a portal
	// account with no email address may get its sign-in code by text.
	SMS bool
	// Static, when set, replaces the embedded static files (tests).
	Static fs.FS
	// Demo, when set, holds the demo organisation's logins, shown on the
	// sign-in page. Only `serve --demo` sets it: a real deployment never
	// shows a hint (issue 16).
	Demo *DemoLogins
}

// DemoLogins is what the sign-in page of a demo shows: one password and
// a login for each role.
type DemoLogins struct {
	Password string
	Logins   []DemoLogin
}

// DemoLogin is one demo user: the role it shows, a name and its email.
type DemoLogin struct {
	Role, Name, Email string
}

// Server is the HTTP side of peerpath.
type Server struct {
	store   *store.Store
	clock   core.Clock
	log     *slog.Logger
	proxy   bool
	base    string
	version string
	demo    *DemoLogins
	mail    bool
	sms     bool
	routes  []route
	pages   *pages
	assets  *assets
	limits  *limiters
	handler http.Handler

	renderedMu sync.Mutex
	rendered   map[string]bool // template names rendered so far, for tests

	wordLists wordingCache // each organisation's word list for the wording helper

	imports importJobs // files waiting for their import, and imports running (imports.go)
}

// New builds the server and its router.
func New(cfg Config) (*Server, error) {
	if cfg.Clock == nil {
		cfg.Clock = core.SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{store: cfg.Store, clock: cfg.Clock, log: cfg.Logger, proxy: cfg.BehindTLSProxy, base: strings.TrimRight(cfg.BaseURL, "/"), version: cfg.Version, demo: cfg.Demo, mail: cfg.Mail, sms: cfg.SMS}
	var err error
	if s.assets, err = newAssets(cfg.Static); err != nil {
		return nil, err
	}
	if s.pages, err = parsePages(s.funcs()); err != nil {
		return nil, err
	}
	s.limits = newLimiters(cfg.Clock)
	s.routes = s.routeTable()
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		if !rt.valid() {
			return nil, fmt.Errorf("route %s %s declares no known permission", rt.Method, rt.Pattern)
		}
		mux.Handle(rt.Method+" "+rt.Pattern, s.wrap(rt))
	}
	mux.Handle("/", s.wrap(route{Method: "", Pattern: "/", Perm: "public", Handler: s.notFound}))
	// Cross-site request forgery: browsers send Sec-Fetch-Site (or Origin)
	// with every request; a state-changing request from another origin is
	// refused before it reaches a handler. API clients using a bearer token
	// send neither header and are unaffected.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, core.Forbidden("This request came from another site and was refused. Go back to peerpath and try again."))
	}))
	s.handler = s.withBasics(cop.Handler(mux))
	return s, nil
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Rendered lists the page templates this server has rendered, and all it
// has; a test uses it to make sure every template is exercised.
func (s *Server) Rendered() (done map[string]bool, all []string) {
	s.renderedMu.Lock()
	defer s.renderedMu.Unlock()
	done = map[string]bool{}
	for k := range s.rendered {
		done[k] = true
	}
	return done, s.pages.Names()
}

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyPrincipal
)

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(keyRequestID).(string)
	return id
}

// principal returns who is signed in, or nil.
func principal(r *http.Request) *store.Principal {
	p, _ := r.Context().Value(keyPrincipal).(*store.Principal)
	return p
}

// statusWriter remembers the status for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withBasics adds what every response gets: a request id, security headers,
// recovery from panics and an access log line. The log line carries the
// route's pattern, never the raw URL: paths and query strings can hold ids
// and searched names, which do not belong in logs.
func (s *Server) withBasics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		b := make([]byte, 8)
		rand.Read(b)
		id := hex.EncodeToString(b)
		r = r.WithContext(context.WithValue(r.Context(), keyRequestID, id))
		h := w.Header()
		h.Set("X-Request-Id", id)
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		if s.secure(r) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "request_id", id, "pattern", r.Pattern, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if sw.status == 0 {
					s.fail(sw, r, fmt.Errorf("panic: %v", v))
				}
			}
			attrs := []any{"request_id", id, "method", r.Method, "pattern", r.Pattern, "status", sw.status, "duration_ms", time.Since(start).Milliseconds()}
			if p := principal(r); p != nil {
				attrs = append(attrs, "user_id", p.User.ID)
			}
			s.log.Info("request", attrs...)
		}()
		next.ServeHTTP(sw, r)
	})
}

// secure reports whether the browser reached peerpath over HTTPS.
func (s *Server) secure(r *http.Request) bool {
	return r.TLS != nil || (s.proxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"))
}

// clientIP is the address a request came from. Behind a proxy, the last
// X-Forwarded-For entry is the one the proxy itself added.
func (s *Server) clientIP(r *http.Request) string {
	if s.proxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// actor is the signed-in user acting through this request.
func (s *Server) actor(r *http.Request) store.Actor {
	p := principal(r)
	if p == nil {
		return store.Actor{IP: s.clientIP(r)}
	}
	return p.Actor(s.clientIP(r))
}
