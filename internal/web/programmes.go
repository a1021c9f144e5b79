package web

import (
	"net/http"
	"net/url"
	"strconv"

	"peerpath/internal/cohort"
	"peerpath/internal/store"
)

// This file serves programmes (built-in and the organisation's own) and the
// host company directory.

type programmesView struct {
	Programmes []store.Programme
	IsAdmin    bool
}

func (s *Server) programmesPage(w http.ResponseWriter, r *http.Request) error {
	a := s.actor(r)
	ps, err := s.store.Programmes(r.Context(), a)
	if err != nil {
		return err
	}
	return s.render(w, r, "programmes.html", programmesView{Programmes: ps, IsAdmin: a.MayDefineProgrammes()})
}

type programmeFormView struct {
	Form      *form
	Programme store.Programme // zero Key when new
	Kinds     []cohort.SessionKind
	Suggested cohort.Rule // peerpath's suggestion, shown beside each number
}

// suggestedRule is peerpath's suggestion for a programme: its template's
// for a built-in one, a general one for the organisation's own.
func suggestedRule(p store.Programme) cohort.Rule {
	if t, ok := cohort.TemplateFor(p.Kind); ok {
		return t.Rule
	}
	return cohort.SuggestedCustomRule
}

func (s *Server) programmeFormView(f *form, p store.Programme) programmeFormView {
	return programmeFormView{Form: f, Programme: p, Kinds: programmeKinds(), Suggested: suggestedRule(p)}
}

func programmeKinds() []cohort.SessionKind {
	var out []cohort.SessionKind
	for _, k := range cohort.AllSessionKinds {
		if k != cohort.SessionMakeUp {
			out = append(out, k)
		}
	}
	return out
}

func programmeForm(p store.Programme) *form {
	f := newForm(url.Values{"name": {p.Name}, "description": {p.Description}, "attendance_percent": {strconv.Itoa(p.Rule.AttendancePercent)},
		"written_pass_mark": {strconv.Itoa(p.Rule.WrittenPassMark)}, "attempts": {strconv.Itoa(p.Rule.Attempts)}})
	for _, k := range p.SessionKinds {
		f.Values.Add("session_kinds", string(k))
	}
	for k, on := range map[string]bool{"written_exam": p.Rule.WrittenExam, "oral_exam": p.Rule.OralExam, "students": p.Students, "rule_confirmed": p.Rule.Confirmed} {
		if on {
			f.Values.Set(k, "on")
		}
	}
	return f
}

func programmeInput(f *form) store.ProgrammeInput {
	var kinds []cohort.SessionKind
	for _, k := range f.Values["session_kinds"] {
		kinds = append(kinds, cohort.SessionKind(k))
	}
	return store.ProgrammeInput{Name: f.Get("name"), Description: f.Raw("description"), SessionKinds: kinds, Students: f.Checked("students"),
		Rule: cohort.Rule{AttendancePercent: formInt(f, "attendance_percent", 0), WrittenExam: f.Checked("written_exam"), WrittenPassMark: formInt(f, "written_pass_mark", 0),
			OralExam: f.Checked("oral_exam"), Attempts: formInt(f, "attempts", 0), Confirmed: f.Checked("rule_confirmed")}}
}

func (s *Server) newProgrammePage(w http.ResponseWriter, r *http.Request) error {
	p := store.Programme{Kind: cohort.KindCustom, Rule: cohort.SuggestedCustomRule, SessionKinds: []cohort.SessionKind{cohort.SessionClass}}
	return s.render(w, r, "programme_form.html", s.programmeFormView(programmeForm(p), store.Programme{Kind: cohort.KindCustom}))
}

func (s *Server) createProgramme(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	_, err = s.store.CreateProgramme(r.Context(), s.actor(r), programmeInput(f))
	if f.Fail(err) {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "programme_form.html", s.programmeFormView(f, store.Programme{Kind: cohort.KindCustom}))
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/programmes", localizer(r).T("messages.programmes.programme_added"))
}

func (s *Server) programmePage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.store.Programme(r.Context(), s.actor(r), r.PathValue("key"))
	if err != nil {
		return err
	}
	return s.render(w, r, "programme_form.html", s.programmeFormView(programmeForm(p), p))
}

func (s *Server) updateProgramme(w http.ResponseWriter, r *http.Request) error {
	a := s.actor(r)
	p, err := s.store.Programme(r.Context(), a, r.PathValue("key"))
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	_, err = s.store.UpdateProgramme(r.Context(), a, p.Key, programmeInput(f))
	if f.Fail(err) {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "programme_form.html", s.programmeFormView(f, p))
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/programmes", localizer(r).T("messages.programmes.programme_changed"))
}

type hostCompaniesView struct {
	Companies []store.HostCompany
	Next      string
}

func (s *Server) hostCompaniesPage(w http.ResponseWriter, r *http.Request) error {
	l, err := s.store.HostCompanies(r.Context(), s.actor(r), store.Page{Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		return err
	}
	return s.render(w, r, "host_companies.html", hostCompaniesView{Companies: l.Items, Next: l.Next})
}

type hostCompanyFormView struct {
	Form    *form
	Company store.HostCompany
}

func hostCompanyInput(f *form) store.HostCompanyInput {
	return store.HostCompanyInput{Name: f.Get("name"), Industry: f.Get("industry"), ContactName: f.Get("contact_name"), ContactEmail: f.Get("contact_email"),
		ContactPhone: f.Get("contact_phone"), Address: f.Raw("address")}
}

func (s *Server) newHostCompanyPage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, "host_company_form.html", hostCompanyFormView{Form: newForm(nil)})
}

func (s *Server) hostCompanyPage(w http.ResponseWriter, r *http.Request) error {
	hid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	h, err := s.store.HostCompany(r.Context(), s.actor(r), hid)
	if err != nil {
		return err
	}
	f := newForm(url.Values{"name": {h.Name}, "industry": {h.Industry}, "contact_name": {h.ContactName}, "contact_email": {h.ContactEmail},
		"contact_phone": {h.ContactPhone}, "address": {h.Address}})
	return s.render(w, r, "host_company_form.html", hostCompanyFormView{Form: f, Company: h})
}

func (s *Server) saveHostCompany(w http.ResponseWriter, r *http.Request) error {
	var hid int64
	var h store.HostCompany
	a := s.actor(r)
	if r.PathValue("id") != "" {
		var err error
		if hid, err = pathID(r, "id"); err != nil {
			return err
		}
		if h, err = s.store.HostCompany(r.Context(), a, hid); err != nil {
			return err
		}
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	_, err = s.store.SaveHostCompany(r.Context(), a, hid, hostCompanyInput(f))
	if f.Fail(err) {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "host_company_form.html", hostCompanyFormView{Form: f, Company: h})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/host-companies", localizer(r).T("messages.programmes.host_company_saved"))
}
