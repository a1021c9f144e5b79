package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/store"
)

// API tokens: a user lists, creates and revokes their own on
// /settings/tokens; an administrator sees and revokes anyone's of their
// organisation from the user's page. The API offers the same lists and
// revocation (GET /api/v1/tokens, DELETE /api/v1/tokens/{id}).

type tokensView struct {
	Tokens   []store.APIToken
	Next     string
	Form     *form
	NewToken string
	Owner    *store.User // set when an administrator looks at someone else's tokens
	Now      time.Time
	// Lifetimes are the choices of how long a new token works, in days.
	Lifetimes []int
}

// tokenLifetimes are the choices the settings page offers, in days.
var tokenLifetimes = []int{30, 90, 180, 365}

func (s *Server) tokensOf(r *http.Request, userID int64) (store.List[store.APIToken], error) {
	return s.store.APITokens(r.Context(), s.actor(r), userID, store.Page{Cursor: r.URL.Query().Get("cursor")})
}

func (s *Server) tokensView(r *http.Request, f *form) (tokensView, error) {
	l, err := s.tokensOf(r, principal(r).User.ID)
	if f.Get("expires_days") == "" {
		f.Values.Set("expires_days", strconv.Itoa(int(store.DefaultTokenLifetime/(24*time.Hour))))
	}
	return tokensView{Tokens: l.Items, Next: l.Next, Form: f, Now: s.clock.Now(), Lifetimes: tokenLifetimes}, err
}

func (s *Server) tokens(w http.ResponseWriter, r *http.Request) error {
	v, err := s.tokensView(r, newForm(url.Values{}))
	if err != nil {
		return err
	}
	return s.render(w, r, "tokens.html", v)
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	var expires time.Time
	if d := f.Get("expires_days"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 {
			f.Errors["expires_days"] = "Choose how long the token works."
		} else {
			expires = s.clock.Now().Add(time.Duration(n) * 24 * time.Hour)
		}
	}
	var token string
	if len(f.Errors) == 0 {
		token, _, err = s.store.CreateAPITokenUntil(r.Context(), s.actor(r), f.Get("name"), expires)
		if e, ok := asInvalid(err); ok && e.Fields["expires"] != "" {
			e.Fields["expires_days"] = e.Fields["expires"]
		}
		if !f.Fail(err) && err != nil {
			return err
		}
	}
	if len(f.Errors) > 0 {
		v, err := s.tokensView(r, f)
		if err != nil {
			return err
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "tokens.html", v)
	}
	v, err := s.tokensView(r, newForm(url.Values{}))
	if err != nil {
		return err
	}
	v.NewToken = token
	return s.render(w, r, "tokens.html", v)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	tid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.store.RevokeAPIToken(r.Context(), s.actor(r), tid); err != nil {
		return err
	}
	return redirect(w, r, "/settings/tokens", localizer(r).T("messages.tokens.token_revoked"))
}

// adminUserTokens shows an administrator a user's tokens.
func (s *Server) adminUserTokens(w http.ResponseWriter, r *http.Request) error {
	u, err := s.adminUser(r)
	if err != nil {
		return err
	}
	l, err := s.tokensOf(r, u.ID)
	if err != nil {
		return err
	}
	return s.render(w, r, "tokens.html", tokensView{Tokens: l.Items, Next: l.Next, Form: newForm(nil), Owner: &u, Now: s.clock.Now()})
}

func (s *Server) adminRevokeToken(w http.ResponseWriter, r *http.Request) error {
	u, err := s.adminUser(r)
	if err != nil {
		return err
	}
	tid, err := pathID(r, "tid")
	if err != nil {
		return err
	}
	owner, err := s.store.RevokeAPIToken(r.Context(), s.actor(r), tid)
	if err != nil {
		return err
	}
	if owner != u.ID {
		return core.NotFound("The token")
	}
	return redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10)+"/tokens", localizer(r).T("messages.tokens.token_revoked"))
}

// tokenJSON is an API token as the API shows it: never the token itself.
type tokenJSON struct {
	ID         string     `json:"id"`
	UserID     string     `json:"user_id"`
	Name       string     `json:"name"`
	CreatedAt  *time.Time `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	Active     bool       `json:"active" doc:"false once the token is revoked or has expired"`
}

func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	userID := p.User.ID
	if v := r.URL.Query().Get("user_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return core.NotFound("The user")
		}
		userID = n
	}
	page, err := listPage(r)
	if err != nil {
		return err
	}
	l, err := s.store.APITokens(r.Context(), s.actor(r), userID, page)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	writeJSON(w, http.StatusOK, toList(l, func(t store.APIToken) tokenJSON {
		return tokenJSON{ID: id(t.ID), UserID: id(t.UserID), Name: t.Name, CreatedAt: rfc3339(t.CreatedAt), LastUsedAt: rfc3339(t.LastUsedAt),
			ExpiresAt: rfc3339(t.ExpiresAt), RevokedAt: rfc3339(t.RevokedAt), Active: t.Active(now)}
	}))
	return nil
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request) error {
	tid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.store.RevokeAPIToken(r.Context(), s.actor(r), tid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
