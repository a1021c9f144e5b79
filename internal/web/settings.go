package web

import (
	"html/template"
	"net/http"
	"net/url"

	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/i18n"
	"peerpath/internal/store"
)

type settingsView struct {
	P           *store.Principal
	Form        *form // changing the password
	LangForm    *form // choosing the language of peerpath's pages
	Langs       []option
	CalendarURL string // the private calendar feed's address
}

// newSettingsView is the settings page with both forms empty but for the
// user's current language.
func (s *Server) newSettingsView(r *http.Request) (settingsView, error) {
	cal, err := s.calendarURL(r)
	if err != nil {
		return settingsView{}, err
	}
	p := principal(r)
	lang := p.User.Language
	if lang == "en" {
		lang = "" // English is the default: the same choice
	}
	return settingsView{P: p, Form: newForm(nil), LangForm: newForm(url.Values{"language": {lang}}), Langs: staffLanguages(), CalendarURL: cal}, nil
}

// staffLanguages are the choices of language in a staff member's settings,
// each named in its own language: English is the default (""), the others
// are the catalogue's.
func staffLanguages() []option {
	out := []option{{Value: "", Label: i18n.LanguageName("en")}}
	for _, l := range i18n.Languages {
		if l != "en" {
			out = append(out, option{Value: l, Label: i18n.LanguageName(l)})
		}
	}
	return out
}

func (s *Server) settings(w http.ResponseWriter, r *http.Request) error {
	v, err := s.newSettingsView(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "settings.html", v)
}

// setStaffLanguage keeps the language a member of staff chose for
// peerpath's pages (store.SetLanguage; the portal has its own switcher).
func (s *Server) setStaffLanguage(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	lang := f.Get("language")
	err = s.store.SetLanguage(r.Context(), s.actor(r), lang)
	if f.Fail(err) {
		v, verr := s.newSettingsView(r)
		if verr != nil {
			return verr
		}
		v.LangForm = f
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "settings.html", v)
	}
	if err != nil {
		return err
	}
	// Said in the language just chosen: the next page is in it.
	return redirect(w, r, "/settings", i18n.In(lang).T("messages.settings.language_saved"))
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	p := principal(r)
	v, err := s.newSettingsView(r)
	if err != nil {
		return err
	}
	v.Form = f
	if f.Raw("password") != f.Raw("password_again") {
		f.Errors["password_again"] = "The two new passwords are not the same."
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "settings.html", v)
	}
	err = s.store.ChangePassword(r.Context(), s.actor(r), f.Raw("current"), f.Raw("password"))
	if f.Fail(err) {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "settings.html", v)
	}
	if err != nil {
		return err
	}
	// Every session ended with the change; this browser gets a new one.
	token, err := s.store.CreateSession(r.Context(), p.User.ID, false, s.clientIP(r))
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, token)
	return redirect(w, r, "/settings", localizer(r).T("messages.settings.password_changed_were"))
}

type securityView struct {
	P             *store.Principal
	Form          *form
	Enrolment     *auth.TOTPEnrolment
	QR            template.URL // the enrolment's QR code, a data: URI peerpath made itself
	RecoveryLeft  int
	RecoveryCodes []string
}

const totpIssuer = "peerpath"

func (s *Server) security(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	left, err := s.store.UnusedRecoveryCodes(r.Context(), p.User.ID)
	if err != nil {
		return err
	}
	return s.render(w, r, "security.html", securityView{P: p, Form: newForm(nil), RecoveryLeft: left})
}

func (s *Server) startTOTP(w http.ResponseWriter, r *http.Request) error {
	en, err := s.store.StartTOTP(r.Context(), s.actor(r), totpIssuer)
	if err != nil {
		return err
	}
	return s.render(w, r, "totp_setup.html", securityView{P: principal(r), Form: newForm(nil), Enrolment: &en, QR: template.URL(en.QRDataURI)})
}

func (s *Server) confirmTOTP(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	a := s.actor(r)
	codes, err := s.store.ConfirmTOTP(r.Context(), a, f.Get("code"))
	if f.Fail(err) {
		en, perr := s.store.PendingTOTP(r.Context(), a, totpIssuer)
		if perr != nil {
			return perr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "totp_setup.html", securityView{P: principal(r), Form: f, Enrolment: &en, QR: template.URL(en.QRDataURI)})
	}
	if err != nil {
		return err
	}
	return s.render(w, r, "recovery_codes.html", securityView{P: principal(r), RecoveryCodes: codes})
}

func (s *Server) disableTOTP(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	p := principal(r)
	err = s.store.DisableTOTP(r.Context(), s.actor(r), f.Raw("password"))
	if f.Fail(err) {
		left, _ := s.store.UnusedRecoveryCodes(r.Context(), p.User.ID)
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "security.html", securityView{P: p, Form: f, RecoveryLeft: left})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/settings/security", localizer(r).T("messages.settings.second_factor_turned"))
}

func (s *Server) newRecoveryCodes(w http.ResponseWriter, r *http.Request) error {
	if !principal(r).User.TOTPEnabled {
		return core.Conflict("Set up a second factor first.")
	}
	codes, err := s.store.NewRecoveryCodes(r.Context(), s.actor(r))
	if err != nil {
		return err
	}
	return s.render(w, r, "recovery_codes.html", securityView{P: principal(r), RecoveryCodes: codes})
}

func (s *Server) signOutEverywhereSelf(w http.ResponseWriter, r *http.Request) error {
	a := s.actor(r)
	if err := s.store.SignOutEverywhere(r.Context(), a, a.UserID); err != nil {
		return err
	}
	s.clearSessionCookie(w, r)
	return redirect(w, r, "/login", localizer(r).T("messages.settings.signed_out_every"))
}

// meJSON is the signed-in user in the API.
type meJSON struct {
	ID           string   `json:"id"`
	Email        string   `json:"email"`
	Name         string   `json:"name"`
	Roles        []string `json:"roles" doc:"peer, supervisor, trainer, admin"`
	SupervisorID string   `json:"supervisor_id,omitempty"`
	Language     string   `json:"language" doc:"the language chosen for peerpath's pages (en, es, pt), or empty for the default (English for staff); chosen in Settings"`
	Organisation orgJSON  `json:"organisation"`
}

type orgJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	roles := make([]string, len(p.User.Roles))
	for i, ro := range p.User.Roles {
		roles[i] = string(ro)
	}
	writeJSON(w, http.StatusOK, meJSON{ID: id(p.User.ID), Email: p.User.Email, Name: p.User.Name, Roles: roles,
		SupervisorID: id(p.User.SupervisorID), Language: p.User.Language, Organisation: orgJSON{ID: id(p.Org.ID), Name: p.Org.Name}})
	return nil
}
