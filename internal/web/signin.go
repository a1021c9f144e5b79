package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/store"
)

type loginView struct {
	Form    *form
	Next    string
	Notice  string
	Problem string
	Demo    *DemoLogins // serve --demo only
	Langs   []option    // the language switcher
	Here    string      // this page's address, for the switcher to come back to
	Codes   bool        // sign-in codes are offered (email or text message sending is set up)
	Ways    string      // how codes are sent (codeWays)
}

// CodeKey is the catalogue key, for how this peerpath sends codes, of
// words about sign-in codes (codeKey).
func (v loginView) CodeKey(key string) string { return codeKey(v.Ways, key) }

// newLoginView is the sign-in page's view. The page is in the reader's
// language: the switcher's choice (the "lang" cookie), else the browser's
// (localizer); its words are the login.* keys of the catalogue.
func (s *Server) newLoginView(r *http.Request, f *form, next string) loginView {
	here := "/login"
	if next != "/" {
		here += "?next=" + url.QueryEscape(next)
	}
	return loginView{Form: f, Next: next, Demo: s.demo, Langs: languageOptions(), Here: here, Codes: s.mail || s.sms, Ways: s.codeWays()}
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	if principal(r) != nil {
		return redirect(w, r, "/", "")
	}
	q := r.URL.Query()
	v := s.newLoginView(r, newForm(nil), safeNext(q.Get("next")))
	l := localizer(r)
	switch {
	case q.Get("draft") == "1":
		v.Notice = l.T("login.notice.draft")
	case q.Get("expired") == "1":
		v.Notice = l.T("login.notice.expired")
	}
	return s.render(w, r, "login.html", v)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	v := s.newLoginView(r, f, safeNext(f.Get("next")))
	l := localizer(r)
	ip := s.clientIP(r)
	if !s.limits.login.allow(ip) {
		return rateLimited()
	}
	if f.Get("email") == "" || f.Raw("password") == "" {
		if f.Get("email") == "" {
			f.Errors["email"] = l.T("login.error.email")
		}
		if f.Raw("password") == "" {
			f.Errors["password"] = l.T("login.error.password")
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "login.html", v)
	}
	res, err := s.store.SignIn(r.Context(), f.Get("email"), f.Raw("password"), ip)
	if err != nil {
		return err
	}
	switch res.Outcome {
	case store.SignInBad:
		v.Problem = l.T("login.problem.bad")
		return s.renderStatus(w, r, http.StatusUnauthorized, "login.html", v)
	case store.SignInLocked:
		// The same answer whether or not anyone uses this email.
		v.Problem = l.T("login.problem.locked", "Until", core.TimeOfDayUntil(res.LockedUntil))
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(res.LockedUntil.Sub(s.clock.Now()).Seconds()))))
		return s.renderStatus(w, r, http.StatusTooManyRequests, "login.html", v)
	}
	return s.startSession(w, r, res, v.Next)
}

// startSession opens the session of a sign-in that succeeded (by password
// or by a code sent by email), and sends the user on: to their second
// factor when they have one.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, res store.SignInResult, next string) error {
	token, err := s.store.CreateSession(r.Context(), res.User.ID, res.NeedsSecondFactor, s.clientIP(r))
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, token)
	if res.NeedsSecondFactor {
		return redirect(w, r, "/login/second-factor?next="+url.QueryEscape(next), "")
	}
	return s.afterSignIn(w, r, res.User, next)
}

// afterSignIn sends the user on: to their drafts if a form of theirs was
// rescued, otherwise where they were going.
// They are told of wrong second-factor codes entered for their account
// since they last signed in: someone who tried them knew the password.
func (s *Server) afterSignIn(w http.ResponseWriter, r *http.Request, u store.User, next string) error {
	userID := u.ID
	drafts, err := s.store.Drafts(r.Context(), userID)
	if err != nil {
		return err
	}
	failed, err := s.store.TakeFailedSecondFactors(r.Context(), userID)
	if err != nil {
		return err
	}
	flash := ""
	if failed > 0 {
		l := localizer(r)
		flash = l.N("n.messages.signin.failed_factors", failed) + " " + l.T("messages.signin.failed_factors_advice")
	}
	if len(drafts) > 0 && !u.IsPortal() { // the drafts page is a staff page; the portal has none
		return redirect(w, r, "/drafts", flash)
	}
	return redirect(w, r, next, flash)
}

// pendingSession returns the session waiting for a second factor, if any.
func (s *Server) pendingSession(r *http.Request) (*store.Principal, error) {
	c, err := r.Cookie(s.sessionCookieName(r))
	if err != nil {
		return nil, nil
	}
	p, state, err := s.store.Session(r.Context(), c.Value)
	if err != nil || state != store.SessionLive || !p.MFAPending {
		return nil, err
	}
	return &p, nil
}

type secondFactorView struct {
	Form *form
	Next string
}

func (s *Server) secondFactorPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pendingSession(r)
	if err != nil {
		return err
	}
	if p == nil {
		return redirect(w, r, "/login", "")
	}
	return s.render(w, r, "second_factor.html", secondFactorView{Form: newForm(nil), Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *Server) secondFactor(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pendingSession(r)
	if err != nil {
		return err
	}
	if p == nil {
		return redirect(w, r, "/login?expired=1", "")
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	v := secondFactorView{Form: f, Next: safeNext(f.Get("next"))}
	if !s.limits.secondFactor.allow(fmt.Sprint(p.User.ID)) || !s.limits.login.allow(s.clientIP(r)) {
		return rateLimited()
	}
	token, err := s.store.CompleteSecondFactor(r.Context(), *p, f.Get("code"), s.clientIP(r))
	if f.Fail(err) {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "second_factor.html", v)
	}
	if e, ok := core.As(err); ok && e.Kind == core.KindRateLimited {
		f.Errors["code"] = e.Message
		w.Header().Set("Retry-After", "60")
		return s.renderStatus(w, r, http.StatusTooManyRequests, "second_factor.html", v)
	}
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, token)
	return s.afterSignIn(w, r, p.User, v.Next)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	if p.SessionID != 0 {
		if err := s.store.EndSession(r.Context(), s.actor(r), p.SessionID); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w, r)
	return redirect(w, r, "/login", localizer(r).T("messages.signin.signed_out"))
}

type setupView struct {
	Form  *form
	Token string
	Valid bool
}

func (s *Server) setupPage(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	ok, err := s.store.SetupTokenValid(r.Context(), token)
	if err != nil {
		return err
	}
	return s.render(w, r, "setup.html", setupView{Form: newForm(nil), Token: token, Valid: ok})
}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	v := setupView{Form: f, Token: f.Get("token"), Valid: true}
	if f.Raw("password") != f.Raw("password_again") {
		f.Errors["password_again"] = "The two passwords are not the same."
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "setup.html", v)
	}
	u, err := s.store.CompleteSetup(r.Context(), v.Token, store.Setup{OrgName: f.Get("org"), Name: f.Get("name"), Email: f.Get("email"), Password: f.Raw("password")}, s.clientIP(r))
	if f.Fail(err) {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "setup.html", v)
	}
	if core.KindOf(err) == core.KindNotFound {
		v.Valid = false
		return s.renderStatus(w, r, http.StatusNotFound, "setup.html", v)
	}
	if err != nil {
		return err
	}
	token, err := s.store.CreateSession(r.Context(), u.ID, false, s.clientIP(r))
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, token)
	return redirect(w, r, "/", localizer(r).T("messages.signin.set_up"))
}

type accountLinkView struct {
	Form    *form
	Token   string
	User    store.User
	Purpose string
	Valid   bool
}

func (s *Server) accountLinkPage(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	u, purpose, err := s.store.AccountLink(r.Context(), token)
	v := accountLinkView{Form: newForm(nil), Token: token, User: u, Purpose: purpose, Valid: err == nil}
	if err != nil && core.KindOf(err) != core.KindNotFound {
		return err
	}
	return s.render(w, r, "account_password.html", v)
}

func (s *Server) accountLink(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	token := f.Get("token")
	u, purpose, err := s.store.AccountLink(r.Context(), token)
	v := accountLinkView{Form: f, Token: token, User: u, Purpose: purpose, Valid: err == nil}
	if err != nil {
		if core.KindOf(err) == core.KindNotFound {
			return s.renderStatus(w, r, http.StatusNotFound, "account_password.html", v)
		}
		return err
	}
	if f.Raw("password") != f.Raw("password_again") {
		f.Errors["password_again"] = "The two passwords are not the same."
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "account_password.html", v)
	}
	_, err = s.store.UseAccountLink(r.Context(), token, f.Raw("password"), s.clientIP(r))
	if f.Fail(err) {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "account_password.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/login", localizer(r).T("messages.signin.password_set"))
}

// ---- Signing in with a code sent by email or text message (portal accounts) ----

// codeWays is how this peerpath sends sign-in codes: "email", "text" (text
// messages only), "any" (both), or "" (neither: no codes).
func (s *Server) codeWays() string {
	switch {
	case s.mail && s.sms:
		return "any"
	case s.sms:
		return "text"
	case s.mail:
		return "email"
	}
	return ""
}

// codeKey is the catalogue key of words about sign-in codes that say how a
// code is sent, for ways (codeWays). With email only, the key itself
// ("Email me a code"). With text messages, key.any or key.text when the
// words name the ways (login.code.lead, login.code.sent: "by email or
// text message", "by text message"), else key.sms, words that name
// neither ("Send me a code").
func codeKey(ways, key string) string {
	switch {
	case ways == "email" || ways == "":
		return key
	case key == "login.code.lead" || key == "login.code.sent":
		return key + "." + ways
	}
	return key + ".sms"
}

type loginCodeView struct {
	Form    *form
	Next    string
	Sent    bool   // the code was asked for: the page asks for it
	Off     bool   // neither email nor text messages are set up: no codes
	Ways    string // how codes are sent (codeWays)
	Problem string
	Minutes int
	Digits  int
	Langs   []option
	Here    string
}

func (s *Server) newLoginCodeView(f *form, next string) loginCodeView {
	here := "/login/code"
	if next != "/" {
		here += "?next=" + url.QueryEscape(next)
	}
	return loginCodeView{Form: f, Next: next, Minutes: int(store.SignInCodeTTL / time.Minute), Digits: store.SignInCodeDigits,
		Langs: languageOptions(), Here: here, Ways: s.codeWays()}
}

// CodeKey is the catalogue key, for how this peerpath sends codes, of
// words about sign-in codes (codeKey).
func (v loginCodeView) CodeKey(key string) string { return codeKey(v.Ways, key) }

// loginCodePage asks for the login to send a code to. Codes go by email
// or text message: without either set up the page says so and points to
// the password (and sending and checking codes answer 404).
func (s *Server) loginCodePage(w http.ResponseWriter, r *http.Request) error {
	if principal(r) != nil {
		return redirect(w, r, "/", "")
	}
	v := s.newLoginCodeView(newForm(nil), safeNext(r.URL.Query().Get("next")))
	v.Off = !s.mail && !s.sms
	return s.render(w, r, "login_code.html", v)
}

// sendLoginCode sends a code, by email or text message, to the portal
// account signing in as the login typed, and asks for it. The answer is the same whether or not such an
// account exists.
func (s *Server) sendLoginCode(w http.ResponseWriter, r *http.Request) error {
	if !s.mail && !s.sms {
		return core.NotFound("This page")
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	v := s.newLoginCodeView(f, safeNext(f.Get("next")))
	if !s.limits.login.allow(s.clientIP(r)) {
		return rateLimited()
	}
	if f.Get("login") == "" {
		f.Errors["login"] = localizer(r).T("login.code.error.login")
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "login_code.html", v)
	}
	if err := s.store.RequestSignInCode(r.Context(), f.Get("login"), s.clientIP(r)); err != nil {
		return err
	}
	v.Sent = true
	return s.render(w, r, "login_code.html", v)
}

// loginWithCode signs in with the code from the email or text message: the same outcomes,
// throttle and answers as a password at /login.
func (s *Server) loginWithCode(w http.ResponseWriter, r *http.Request) error {
	if !s.mail && !s.sms {
		return core.NotFound("This page")
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	v := s.newLoginCodeView(f, safeNext(f.Get("next")))
	v.Sent = true
	l := localizer(r)
	ip := s.clientIP(r)
	if !s.limits.login.allow(ip) {
		return rateLimited()
	}
	if f.Get("login") == "" || f.Get("code") == "" {
		if f.Get("login") == "" {
			f.Errors["login"] = l.T("login.code.error.login")
		}
		if f.Get("code") == "" {
			f.Errors["code"] = l.T(v.CodeKey("login.code.error.code"))
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "login_code.html", v)
	}
	res, err := s.store.SignInWithCode(r.Context(), f.Get("login"), f.Get("code"), ip)
	if err != nil {
		return err
	}
	switch res.Outcome {
	case store.SignInBad:
		v.Problem = l.T("login.code.wrong")
		return s.renderStatus(w, r, http.StatusUnauthorized, "login_code.html", v)
	case store.SignInLocked:
		v.Problem = l.T("login.problem.locked", "Until", core.TimeOfDayUntil(res.LockedUntil))
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(res.LockedUntil.Sub(s.clock.Now()).Seconds()))))
		return s.renderStatus(w, r, http.StatusTooManyRequests, "login_code.html", v)
	}
	return s.startSession(w, r, res, v.Next)
}
