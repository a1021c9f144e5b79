package web

import (
	"net/http"
	"net/url"
	"strconv"

	"peerpath/internal/cohort"
	"peerpath/internal/store"
)

// This file serves a cohort's sessions: adding and editing them, and each
// session's attendance list.

type sessionFormView struct {
	Form      *form
	Cohort    store.Cohort
	Session   store.CohortSession // zero when new
	Sessions  []store.CohortSession
	Companies []store.HostCompany
	Covers    []cohort.Covered
	Problem   string // a refused removal, in plain words
}

func (s *Server) sessionFormData(r *http.Request, f *form, c store.Cohort, cs store.CohortSession) (sessionFormView, error) {
	a := s.actor(r)
	v := sessionFormView{Form: f, Cohort: c, Session: cs, Covers: cohort.VisitCovers}
	all, err := s.store.CohortSessions(r.Context(), a, c.ID)
	if err != nil {
		return v, err
	}
	for _, o := range all {
		if o.Kind.Counts() && o.ID != cs.ID {
			v.Sessions = append(v.Sessions, o)
		}
	}
	if c.AllowsKind(cohort.SessionVisit) {
		hs, err := s.store.HostCompanies(r.Context(), a, store.Page{Limit: store.MaxLimit})
		if err != nil {
			return v, err
		}
		v.Companies = hs.Items
	}
	return v, nil
}

func sessionInput(f *form) store.SessionInput {
	host, _ := strconv.ParseInt(f.Get("host_company"), 10, 64)
	makesUp, _ := strconv.ParseInt(f.Get("makes_up"), 10, 64)
	return store.SessionInput{Kind: cohort.SessionKind(f.Get("kind")), On: f.Get("on"), StartTime: f.Get("start_time"), EndTime: f.Get("end_time"),
		Place: f.Get("place"), Topic: f.Get("topic"), HostCompanyID: host, MakesUpID: makesUp, Covered: f.Values["covered"], VisitNotes: f.Raw("visit_notes")}
}

func (s *Server) newSessionPage(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.store.Cohort(r.Context(), s.actor(r), cid)
	if err != nil {
		return err
	}
	f := newForm(url.Values{"kind": {string(c.SessionKinds[0])}})
	if k := r.URL.Query().Get("kind"); k != "" {
		f.Values.Set("kind", k)
	}
	if m := r.URL.Query().Get("makes_up"); m != "" {
		f.Values.Set("kind", string(cohort.SessionMakeUp))
		f.Values.Set("makes_up", m)
	}
	if d, ok := s.draftForm(r); ok {
		f = d
	}
	v, err := s.sessionFormData(r, f, c, store.CohortSession{})
	if err != nil {
		return err
	}
	return s.render(w, r, "session_form.html", v)
}

func (s *Server) createSession(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := s.actor(r)
	c, err := s.store.Cohort(r.Context(), a, cid)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	_, err = s.store.CreateCohortSession(r.Context(), a, cid, sessionInput(f))
	if f.Fail(err) {
		v, verr := s.sessionFormData(r, f, c, store.CohortSession{})
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "session_form.html", v)
	}
	if err != nil {
		return err
	}
	if f.Get("next") == "another" {
		return redirect(w, r, "/cohorts/"+id(cid)+"/sessions/new?kind="+url.QueryEscape(f.Get("kind")), localizer(r).T("messages.cohorts.session_added_add"))
	}
	return redirect(w, r, "/cohorts/"+id(cid), localizer(r).T("messages.cohorts.session_added"))
}

func sessionPath(r *http.Request) (cid, sid int64, err error) {
	if cid, err = pathID(r, "id"); err != nil {
		return 0, 0, err
	}
	sid, err = pathID(r, "sid")
	return cid, sid, err
}

func (s *Server) editSessionPage(w http.ResponseWriter, r *http.Request) error {
	cid, sid, err := sessionPath(r)
	if err != nil {
		return err
	}
	c, cs, err := s.store.CohortSession(r.Context(), s.actor(r), cid, sid)
	if err != nil {
		return err
	}
	f := cohortSessionForm(cs)
	v, err := s.sessionFormData(r, f, c, cs)
	if err != nil {
		return err
	}
	return s.render(w, r, "session_form.html", v)
}

func (s *Server) updateSession(w http.ResponseWriter, r *http.Request) error {
	cid, sid, err := sessionPath(r)
	if err != nil {
		return err
	}
	a := s.actor(r)
	c, cs, err := s.store.CohortSession(r.Context(), a, cid, sid)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	_, err = s.store.UpdateCohortSession(r.Context(), a, cid, sid, sessionInput(f))
	if f.Fail(err) {
		v, verr := s.sessionFormData(r, f, c, cs)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "session_form.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/cohorts/"+id(cid)+"/sessions/"+id(sid), localizer(r).T("messages.cohorts.session_saved"))
}

type rosterView struct {
	Roster  store.Roster
	Form    *form
	Marks   []cohort.Mark
	Future  bool
	MakesUp *store.CohortSession
	Problem string
}

func (s *Server) rosterData(r *http.Request, cid, sid int64, f *form) (rosterView, error) {
	a := s.actor(r)
	ro, err := s.store.SessionRoster(r.Context(), a, cid, sid)
	if err != nil {
		return rosterView{}, err
	}
	v := rosterView{Roster: ro, Form: f, Marks: cohort.AllMarks, Future: ro.Session.On > cohort.Today(s.clock.Now())}
	if f == nil {
		v.Form = newForm(nil)
		for _, e := range ro.Entries {
			if e.Mark != "" {
				v.Form.Values.Set("mark_"+id(e.ParticipantID), string(e.Mark))
			}
		}
	}
	if ro.Session.MakesUpID != 0 {
		if _, orig, err := s.store.CohortSession(r.Context(), a, cid, ro.Session.MakesUpID); err == nil {
			v.MakesUp = &orig
		}
	}
	return v, nil
}

func (s *Server) sessionPage(w http.ResponseWriter, r *http.Request) error {
	cid, sid, err := sessionPath(r)
	if err != nil {
		return err
	}
	v, err := s.rosterData(r, cid, sid, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, "session.html", v)
}

func (s *Server) recordAttendance(w http.ResponseWriter, r *http.Request) error {
	cid, sid, err := sessionPath(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	marks := map[int64]cohort.Mark{}
	for k, vs := range f.Values {
		if rest, ok := cutPrefix(k, "mark_"); ok && len(vs) > 0 && vs[0] != "" {
			if pid, err := strconv.ParseInt(rest, 10, 64); err == nil {
				marks[pid] = cohort.Mark(vs[0])
			}
		}
	}
	err = s.store.RecordAttendance(r.Context(), s.actor(r), cid, sid, marks)
	if err == nil {
		return redirect(w, r, "/cohorts/"+id(cid)+"/sessions/"+id(sid), localizer(r).T("messages.cohorts.attendance_saved"))
	}
	invalid := f.Fail(err)
	msg, conflict := conflictMessage(err)
	if !invalid && !conflict {
		return err
	}
	v, verr := s.rosterData(r, cid, sid, f)
	if verr != nil {
		return verr
	}
	status := http.StatusUnprocessableEntity
	if conflict {
		status, v.Problem = http.StatusConflict, msg
	}
	return s.renderStatus(w, r, status, "session.html", v)
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):], true
	}
	return "", false
}

// deleteSession removes a session that will not happen; a session with
// attendance, or one a make-up replaces, is kept and the edit page says why.
func (s *Server) deleteSession(w http.ResponseWriter, r *http.Request) error {
	cid, sid, err := sessionPath(r)
	if err != nil {
		return err
	}
	a := s.actor(r)
	c, cs, err := s.store.CohortSession(r.Context(), a, cid, sid)
	if err != nil {
		return err
	}
	err = s.store.DeleteCohortSession(r.Context(), a, cid, sid)
	if msg, conflict := conflictMessage(err); conflict {
		f := cohortSessionForm(cs)
		v, verr := s.sessionFormData(r, f, c, cs)
		if verr != nil {
			return verr
		}
		v.Problem = msg
		return s.renderStatus(w, r, http.StatusConflict, "session_form.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/cohorts/"+id(cid), localizer(r).T("messages.cohorts.session_removed"))
}

// cohortSessionForm is the edit form filled with a session as it is.
func cohortSessionForm(cs store.CohortSession) *form {
	return newForm(url.Values{"kind": {string(cs.Kind)}, "on": {cs.On}, "start_time": {cs.StartTime}, "end_time": {cs.EndTime}, "place": {cs.Place},
		"topic": {cs.Topic}, "host_company": {strconv.FormatInt(cs.HostCompanyID, 10)}, "makes_up": {strconv.FormatInt(cs.MakesUpID, 10)},
		"covered": cs.Covered, "visit_notes": {cs.VisitNotes}})
}
