package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"peerpath/internal/auth"
	"peerpath/internal/cohort"
	"peerpath/internal/core"
	"peerpath/internal/store"
)

// This file serves the cohort pages: the list, creating and editing a
// cohort, and a cohort's own page with its rule, sessions and participants.

type cohortsView struct {
	Cohorts []store.CohortSummary
	Next    string
	IsAdmin bool
	Today   string
}

func (s *Server) cohortsPage(w http.ResponseWriter, r *http.Request) error {
	a := s.actor(r)
	l, err := s.store.ListCohorts(r.Context(), a, store.Page{Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		return err
	}
	return s.render(w, r, "cohorts.html", cohortsView{Cohorts: l.Items, Next: l.Next, IsAdmin: a.SeesEveryCohort(), Today: cohort.Today(s.clock.Now())})
}

type cohortFormView struct {
	Form       *form
	Cohort     store.Cohort // zero when new
	Programmes []store.Programme
	Trainers   []store.User
	IsAdmin    bool // may confirm the programme's rule for the new cohort
}

func (s *Server) cohortFormData(r *http.Request, f *form, c store.Cohort) (cohortFormView, error) {
	a := s.actor(r)
	v := cohortFormView{Form: f, Cohort: c, IsAdmin: a.MayConfirmCohortRule()}
	var err error
	if c.ID == 0 {
		if v.Programmes, err = s.store.Programmes(r.Context(), a); err != nil {
			return v, err
		}
	}
	v.Trainers, err = s.store.UsersWithRole(r.Context(), a.OrgID, auth.RoleTrainer)
	return v, err
}

func (s *Server) newCohortPage(w http.ResponseWriter, r *http.Request) error {
	a := s.actor(r)
	f := newForm(url.Values{"programme": {r.URL.Query().Get("programme")}, "capacity": {"20"}})
	if d, ok := s.draftForm(r); ok {
		f = d
	} else if a.TrainsCohorts() {
		f.Values.Set("trainers", id(a.UserID))
	}
	v, err := s.cohortFormData(r, f, store.Cohort{})
	if err != nil {
		return err
	}
	return s.render(w, r, "cohort_form.html", v)
}

func cohortInput(f *form) store.CohortInput {
	return store.CohortInput{Programme: f.Get("programme"), Name: f.Get("name"), Term: f.Get("term"), Location: f.Get("location"),
		StartsOn: f.Get("starts_on"), EndsOn: f.Get("ends_on"), Capacity: formInt(f, "capacity", 0), TrainerIDs: formIDs(f, "trainers"), ConfirmRule: f.Checked("confirm_rule")}
}

func (s *Server) createCohort(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	c, err := s.store.CreateCohort(r.Context(), s.actor(r), cohortInput(f))
	if f.Fail(err) {
		v, verr := s.cohortFormData(r, f, store.Cohort{})
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "cohort_form.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/cohorts/"+id(c.ID), localizer(r).T("messages.cohorts.cohort_created_add"))
}

func (s *Server) editCohortPage(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.store.Cohort(r.Context(), s.actor(r), cid)
	if err != nil {
		return err
	}
	f := newForm(url.Values{"name": {c.Name}, "term": {c.Term}, "location": {c.Location}, "starts_on": {c.StartsOn}, "ends_on": {c.EndsOn},
		"capacity": {strconv.Itoa(c.Capacity)}})
	for _, t := range c.Trainers {
		f.Values.Add("trainers", id(t.ID))
	}
	v, err := s.cohortFormData(r, f, c)
	if err != nil {
		return err
	}
	return s.render(w, r, "cohort_form.html", v)
}

func (s *Server) updateCohort(w http.ResponseWriter, r *http.Request) error {
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
	_, promoted, err := s.store.UpdateCohort(r.Context(), a, cid, cohortInput(f))
	if f.Fail(err) {
		v, verr := s.cohortFormData(r, f, c)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "cohort_form.html", v)
	}
	if err != nil {
		return err
	}
	msg := localizer(r).T("messages.cohorts.changes_saved")
	if promoted > 0 {
		msg += " " + localizer(r).T("messages.cohorts.waitlist_promoted")
	}
	if !a.SeesEveryCohort() && !slices.Contains(formIDs(f, "trainers"), a.UserID) {
		return redirect(w, r, "/cohorts", msg)
	}
	return redirect(w, r, "/cohorts/"+id(cid), msg)
}

type cohortView struct {
	Page     store.CohortPage
	ByID     map[int64]store.CohortSession
	Rule     string
	Today    string
	IsAdmin  bool
	NextURL  string
	Counting int
	RuleForm *form // an administrator's form to confirm the rule, while it is unconfirmed
}

func (s *Server) cohortPage(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := s.actor(r)
	page, err := s.store.CohortParticipants(r.Context(), a, cid, store.Page{Limit: 100, Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		return err
	}
	v := cohortView{Page: page, ByID: map[int64]store.CohortSession{}, Rule: page.Cohort.Rule.Describe(), Today: cohort.Today(s.clock.Now()), IsAdmin: a.MayConfirmCohortRule()}
	for _, cs := range page.Sessions {
		v.ByID[cs.ID] = cs
		if cs.Kind.Counts() {
			v.Counting++
		}
	}
	if page.Participants.Next != "" {
		v.NextURL = "/cohorts/" + id(cid) + "?cursor=" + url.QueryEscape(page.Participants.Next)
	}
	if v.IsAdmin && !page.Cohort.Rule.Confirmed {
		v.RuleForm = ruleForm(page.Cohort.Rule)
	}
	return s.render(w, r, "cohort.html", v)
}

// ruleForm is the confirmation form filled with a cohort's rule.
func ruleForm(rule cohort.Rule) *form {
	return newForm(url.Values{"attendance_percent": {strconv.Itoa(rule.AttendancePercent)}, "written_pass_mark": {strconv.Itoa(rule.WrittenPassMark)},
		"attempts": {strconv.Itoa(rule.Attempts)}})
}

// confirmCohortRule is an administrator confirming (and perhaps changing)
// a cohort's completion numbers as the organisation's rule.
func (s *Server) confirmCohortRule(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := s.actor(r)
	f, err := postForm(r)
	if err != nil {
		return err
	}
	_, err = s.store.ConfirmCohortRule(r.Context(), a, cid, cohort.Rule{AttendancePercent: formInt(f, "attendance_percent", 0), WrittenPassMark: formInt(f, "written_pass_mark", 0),
		Attempts: formInt(f, "attempts", 0), Confirmed: f.Checked("rule_confirmed")})
	if msg, ok := conflictMessage(err); ok {
		f.Errors = map[string]string{"": msg}
		err = nil
	}
	if f.Fail(err) || len(f.Errors) > 0 {
		page, perr := s.store.CohortParticipants(r.Context(), a, cid, store.Page{Limit: 100})
		if perr != nil {
			return perr
		}
		v := cohortView{Page: page, ByID: map[int64]store.CohortSession{}, Rule: page.Cohort.Rule.Describe(), Today: cohort.Today(s.clock.Now()), IsAdmin: true, RuleForm: f}
		for _, cs := range page.Sessions {
			v.ByID[cs.ID] = cs
			if cs.Kind.Counts() {
				v.Counting++
			}
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "cohort.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/cohorts/"+id(cid), localizer(r).T("messages.cohorts.completion_rule_confirmed"))
}

// cohortPath reads the {id} and {pid} of a participant's path.
func cohortPath(r *http.Request) (cid, pid int64, err error) {
	if cid, err = pathID(r, "id"); err != nil {
		return 0, 0, err
	}
	pid, err = pathID(r, "pid")
	return cid, pid, err
}

// statusOK turns a store conflict into a page problem rather than an error
// page, for actions shown on a page that explains them.
func conflictMessage(err error) (string, bool) {
	e, ok := core.As(err)
	if !ok || e.Kind != core.KindConflict {
		return "", false
	}
	return e.Message, true
}
