package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/i18n"
	"peerpath/internal/store"
)

// handler is what route handlers are: they return an error instead of
// writing error responses themselves.
type handler func(w http.ResponseWriter, r *http.Request) error

// route is one line of the route table.
type route struct {
	Method  string
	Pattern string
	Perm    auth.Permission
	Handler handler
	// MaxBody limits the request body; 0 means the default of 1 MiB.
	MaxBody int64
	// API documents a JSON API route for the OpenAPI document.
	API *apiDoc
}

// DefaultMaxBody is the largest request body accepted unless a route says
// otherwise.
const DefaultMaxBody = 1 << 20

func (rt route) valid() bool { return auth.Known(rt.Perm) && rt.Handler != nil }

func (rt route) isAPI() bool { return strings.HasPrefix(rt.Pattern, "/api/") }

// wrap applies a route's rules: body limit, authentication, permission, and
// the error mapping. Deny by default: anything not public needs a principal
// whose roles grant the route's permission.
func (s *Server) wrap(rt route) http.Handler {
	limit := rt.MaxBody
	if limit == 0 {
		limit = DefaultMaxBody
	}
	api := rt.isAPI()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		w.Header().Set("Cache-Control", "no-store")
		p, state, err := s.authenticate(r, api)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if p != nil {
			r = r.WithContext(context.WithValue(r.Context(), keyPrincipal, p))
		}
		if rt.Perm != auth.PermPublic {
			if p == nil {
				s.unauthenticated(w, r, api, state)
				return
			}
			// A person in their own portal reaches the portal and nothing
			// else: every staff route answers them "not found", as if it
			// did not exist. Staff do not reach the portal (403 below).
			if p.User.IsPortal() {
				if !portalReaches(rt) {
					s.fail(w, r, core.NotFound("This page"))
					return
				}
			} else if !auth.Allows(p.User.Roles, rt.Perm) {
				s.fail(w, r, core.Forbidden("Your roles do not include this page. Ask an administrator if you need it."))
				return
			}
			if needsSecondFactorFirst(p, r.Pattern) {
				s.secondFactorFirst(w, r, api)
				return
			}
		}
		// One audit entry per page view (issue 14); sending twice saves once:
		// Idempotency-Key, one-time form tokens (reliability.go).
		s.withPageView(w, r, func(w http.ResponseWriter, r *http.Request) {
			if err := s.reliably(rt, p, rt.Handler)(w, r); err != nil {
				s.fail(w, r, err)
			}
		})
	})
}

// secondFactorSetup are the routes a user whose organisation requires a
// second factor may reach before they have one: setting it up, and signing
// out. Everything else, by session or by token, waits until it is set up.
var secondFactorSetup = map[string]bool{
	"GET /settings/security":               true,
	"POST /settings/security/totp":         true,
	"POST /settings/security/totp/confirm": true,
	"POST /logout":                         true,
}

// needsSecondFactorFirst reports whether p must set up a second factor
// before reaching the route with this pattern.
func needsSecondFactorFirst(p *store.Principal, pattern string) bool {
	return !p.User.TOTPEnabled && p.Org.SecondFactorRequired(p.User.Roles) && !secondFactorSetup[pattern]
}

// secondFactorFirst answers a request from a user who must set up a second
// factor first: pages send them to the set-up, everything else is refused.
func (s *Server) secondFactorFirst(w http.ResponseWriter, r *http.Request, api bool) {
	l := localizer(r)
	if api {
		l = i18n.In("en") // the API's messages stay English
	}
	msg := l.T("messages.settings.second_factor_required")
	if !api && r.Method == http.MethodGet && r.Header.Get("HX-Request") != "true" {
		redirect(w, r, "/settings/security", msg) //nolint:errcheck // redirect never fails
		return
	}
	s.fail(w, r, core.Forbidden(msg))
}

// authenticate finds the principal of a request: a bearer token for the API,
// or a session cookie. A session waiting for its second factor is not a
// principal; only the second-factor page looks at it.
func (s *Server) authenticate(r *http.Request, api bool) (*store.Principal, store.SessionState, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		if !api {
			return nil, store.SessionNone, nil
		}
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, store.SessionNone, &core.Error{Kind: core.KindUnauthenticated, Message: "Send the token as: Authorization: Bearer <token>."}
		}
		p, ok, err := s.store.TokenPrincipal(r.Context(), strings.TrimSpace(token))
		if err != nil || !ok {
			return nil, store.SessionNone, err
		}
		return &p, store.SessionLive, nil
	}
	c, err := r.Cookie(s.sessionCookieName(r))
	if err != nil {
		return nil, store.SessionNone, nil
	}
	p, state, err := s.store.Session(r.Context(), c.Value)
	if err != nil {
		return nil, store.SessionNone, err
	}
	switch {
	case state == store.SessionLive && !p.MFAPending:
		return &p, state, nil
	case state == store.SessionLive: // waiting for its second factor: not signed in yet
		return nil, store.SessionNone, nil
	}
	return nil, state, nil // expired or none: never a principal
}

// unauthenticated answers a request that needs a sign-in. The API gets 401
// JSON; a page gets a redirect to the sign-in page. A form sent as its
// session ran out is kept as a draft for its writer, so nothing typed is lost.
func (s *Server) unauthenticated(w http.ResponseWriter, r *http.Request, api bool, state store.SessionState) {
	if api {
		s.fail(w, r, &core.Error{Kind: core.KindUnauthenticated, Message: "Sign in first: send a personal access token as Authorization: Bearer <token>."})
		return
	}
	// An htmx request (the wording helper asking as someone types) is not a
	// form being sent: it never becomes a draft, and a bare 401 makes htmx
	// leave the page as it is. The form itself is rescued when it is sent.
	if r.Header.Get("HX-Request") == "true" {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	next := r.URL.Path
	if r.Method == http.MethodGet && r.URL.RawQuery != "" {
		next += "?" + r.URL.RawQuery
	}
	q := url.Values{}
	if r.Method == http.MethodGet {
		q.Set("next", next)
	}
	if state == store.SessionExpired {
		q.Set("expired", "1")
		if r.Method == http.MethodPost {
			if err := s.rescueDraft(r); err == nil {
				q.Set("draft", "1")
			} else {
				s.log.Error("saving a draft", "request_id", requestID(r), "err", err)
			}
		}
	}
	http.Redirect(w, r, "/login?"+q.Encode(), http.StatusSeeOther)
}

// rescueDraft keeps the form of a request whose session had expired, for the
// user that session belonged to. Passwords and codes are never kept.
func (s *Server) rescueDraft(r *http.Request) error {
	c, err := r.Cookie(s.sessionCookieName(r))
	if err != nil {
		return err
	}
	p, state, err := s.store.Session(r.Context(), c.Value)
	if err != nil {
		return err
	}
	if state != store.SessionExpired {
		return errors.New("no expired session to rescue from")
	}
	// Upload forms are multipart: their text fields are kept like any
	// other, and the files chosen (which a draft cannot hold) are named so
	// the form can ask for them again.
	if _, err := readForm(r); err != nil {
		return err
	}
	form := url.Values{}
	for k, v := range r.PostForm {
		switch k {
		case "password", "current", "code", "token", formTokenField, draftFilesKey:
			continue
		}
		form[k] = v
	}
	if r.MultipartForm != nil {
		for k, fs := range r.MultipartForm.File {
			if len(fs) > 0 && fs[0].Filename != "" {
				form.Add(draftFilesKey, k)
			}
		}
	}
	if len(form) == 0 {
		return errors.New("empty form")
	}
	return s.store.SaveDraft(r.Context(), p.User.ID, r.URL.Path, form)
}

// sessionCookieName is __Host-peerpath over HTTPS (the prefix makes browsers
// insist on Secure, Path=/ and no Domain), and a plain name for local use
// over plain HTTP, where Secure cookies would not be sent back.
func (s *Server) sessionCookieName(r *http.Request) string {
	if s.secure(r) {
		return "__Host-peerpath"
	}
	return "peerpath_session"
}

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: s.sessionCookieName(r), Value: token, Path: "/",
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
		MaxAge: int(store.AbsoluteTimeout.Seconds()),
	})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookieName(r), Value: "", Path: "/", HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode, MaxAge: -1})
}
