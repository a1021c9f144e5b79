package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"peerpath/internal/cohort"
	"peerpath/internal/core"
	"peerpath/internal/store"
)

// This file serves a cohort's participants: adding and editing them, and a
// participant's page, where their progress is recorded (exams, withdrawal,
// outcomes) and their certificate issued, printed or revoked.

type participantFormView struct {
	Form        *form
	Cohort      store.Cohort
	Participant store.Participant // zero when new
	Users       []store.User
}

func (s *Server) participantFormData(r *http.Request, f *form, c store.Cohort, p store.Participant) (participantFormView, error) {
	users, err := s.store.ListUsers(r.Context(), c.OrgID, store.Page{Limit: store.MaxLimit})
	if err != nil {
		return participantFormView{}, err
	}
	var active []store.User
	for _, u := range users.Items {
		if u.Active {
			active = append(active, u)
		}
	}
	return participantFormView{Form: f, Cohort: c, Participant: p, Users: active}, nil
}

func participantInput(f *form) store.ParticipantInput {
	uid, _ := strconv.ParseInt(f.Get("user"), 10, 64)
	return store.ParticipantInput{Name: f.Get("name"), Email: f.Get("email"), UserID: uid, Apply: f.Get("start") == "apply",
		School: f.Get("school"), Grade: f.Get("grade"), Accommodations: f.Raw("accommodations"), Minor: f.Checked("minor"),
		GuardianName: f.Get("guardian_name"), GuardianContact: f.Get("guardian_contact"), GuardianConsentOn: f.Get("guardian_consent_on")}
}

func (s *Server) newParticipantPage(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.store.Cohort(r.Context(), s.actor(r), cid)
	if err != nil {
		return err
	}
	f := newForm(url.Values{"start": {"enrol"}})
	if d, ok := s.draftForm(r); ok {
		f = d
	}
	v, err := s.participantFormData(r, f, c, store.Participant{})
	if err != nil {
		return err
	}
	return s.render(w, r, "participant_form.html", v)
}

func (s *Server) addParticipant(w http.ResponseWriter, r *http.Request) error {
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
	p, err := s.store.AddParticipant(r.Context(), a, cid, participantInput(f))
	if f.Fail(err) {
		v, verr := s.participantFormData(r, f, c, store.Participant{})
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "participant_form.html", v)
	}
	if err != nil {
		return err
	}
	msg := map[cohort.Status]string{
		cohort.Enrolled:   localizer(r).T("messages.participants.enrolled"),
		cohort.Waitlisted: localizer(r).T("messages.participants.waitlisted_on_add"),
		cohort.Applied:    localizer(r).T("messages.participants.applied"),
	}[p.Status]
	if f.Get("next") == "another" {
		return redirect(w, r, "/cohorts/"+id(cid)+"/participants/new", msg+" "+localizer(r).T("messages.participants.add_next"))
	}
	return redirect(w, r, "/cohorts/"+id(cid), msg)
}

func (s *Server) editParticipantPage(w http.ResponseWriter, r *http.Request) error {
	cid, pid, err := cohortPath(r)
	if err != nil {
		return err
	}
	rec, err := s.store.Participant(r.Context(), s.actor(r), cid, pid)
	if err != nil {
		return err
	}
	p := rec.Participant
	f := newForm(url.Values{"name": {p.Name}, "email": {p.Email}, "user": {strconv.FormatInt(p.UserID, 10)}, "school": {p.School}, "grade": {p.Grade},
		"accommodations": {p.Accommodations}, "guardian_name": {p.GuardianName}, "guardian_contact": {p.GuardianContact}, "guardian_consent_on": {p.GuardianConsentOn}})
	if p.Minor {
		f.Values.Set("minor", "on")
	}
	v, err := s.participantFormData(r, f, rec.Cohort, p)
	if err != nil {
		return err
	}
	return s.render(w, r, "participant_form.html", v)
}

func (s *Server) updateParticipant(w http.ResponseWriter, r *http.Request) error {
	cid, pid, err := cohortPath(r)
	if err != nil {
		return err
	}
	a := s.actor(r)
	rec, err := s.store.Participant(r.Context(), a, cid, pid)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	_, err = s.store.UpdateParticipant(r.Context(), a, cid, pid, participantInput(f))
	if f.Fail(err) {
		v, verr := s.participantFormData(r, f, rec.Cohort, rec.Participant)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "participant_form.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, participantURL(cid, pid), localizer(r).T("messages.participants.changes_saved"))
}

func participantURL(cid, pid int64) string { return "/cohorts/" + id(cid) + "/participants/" + id(pid) }

// participantView is a participant's page. Each of its forms keeps its own
// values and errors, so a mistake in one comes back beside its fields.
type participantView struct {
	Rec          store.ParticipantRecord
	ByID         map[int64]store.CohortSession
	Rule         string
	Today        string
	IsAdmin      bool
	ExamForm     *form
	WithdrawForm *form
	OutcomeForm  *form
	RevokeForm   *form
	IssueForm    *form
	RemoveForm   *form // taking back an exam result; its "attempt" value says which
	Companies    []store.HostCompany
	EditOutcome  int64
	Problem      string // a refused action, in plain words
	CanWritten   bool   // an attempt at the written exam can still be recorded
	CanOral      bool
	Marks        []cohort.Mark
	Covers       []cohort.Covered
}

func (s *Server) participantData(r *http.Request, cid, pid int64) (participantView, error) {
	a := s.actor(r)
	rec, err := s.store.Participant(r.Context(), a, cid, pid)
	if err != nil {
		return participantView{}, err
	}
	today := cohort.Today(s.clock.Now())
	v := participantView{Rec: rec, ByID: map[int64]store.CohortSession{}, Rule: rec.Cohort.Rule.Describe(), Today: today, IsAdmin: a.MayRevokeCertificates(),
		ExamForm: newForm(url.Values{"taken_on": {today}}), WithdrawForm: newForm(url.Values{"withdrawn_on": {today}}),
		OutcomeForm: newForm(nil), RevokeForm: newForm(nil), RemoveForm: newForm(nil), IssueForm: newForm(url.Values{"completed_on": {today}}), Marks: cohort.AllMarks, Covers: cohort.VisitCovers}
	open := func(e cohort.ExamResult) bool {
		return rec.Status == cohort.Enrolled && e.Applies && !e.Passed && !e.Exhausted()
	}
	v.CanWritten, v.CanOral = open(rec.Result.Written), open(rec.Result.Oral)
	if v.CanWritten {
		v.ExamForm.Values.Set("exam", string(cohort.Written))
	} else if v.CanOral {
		v.ExamForm.Values.Set("exam", string(cohort.Oral))
	}
	for _, cs := range rec.Sessions {
		v.ByID[cs.ID] = cs
	}
	if rec.Cohort.Students {
		cs, err := s.store.HostCompanies(r.Context(), a, store.Page{Limit: store.MaxLimit})
		if err != nil {
			return v, err
		}
		v.Companies = cs.Items
		if oid, err := strconv.ParseInt(r.URL.Query().Get("outcome"), 10, 64); err == nil {
			for _, o := range rec.Outcomes {
				if o.ID == oid {
					v.EditOutcome = o.ID
					v.OutcomeForm.Values = url.Values{"outcome_id": {id(o.ID)}, "kind": {o.Kind}, "employer": {o.Employer},
						"host_company": {strconv.FormatInt(o.HostCompanyID, 10)}, "offered_on": {o.OfferedOn}, "accepted_on": {o.AcceptedOn}, "started_on": {o.StartedOn}}
				}
			}
		}
	}
	return v, nil
}

func (s *Server) participantPage(w http.ResponseWriter, r *http.Request) error {
	cid, pid, err := cohortPath(r)
	if err != nil {
		return err
	}
	v, err := s.participantData(r, cid, pid)
	if err != nil {
		return err
	}
	return s.render(w, r, "participant.html", v)
}

// participantAction runs a form of the participant page. On a validation
// error or a refusal, the page comes back with what was typed, the
// messages, and the status (422 or 409); on success it redirects to the page.
func (s *Server) participantAction(w http.ResponseWriter, r *http.Request, which func(*participantView) **form, do func(cid, pid int64, f *form) (string, error)) error {
	cid, pid, err := cohortPath(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	done, err := do(cid, pid, f)
	if err == nil {
		return redirect(w, r, participantURL(cid, pid), done)
	}
	status := http.StatusUnprocessableEntity
	invalid := f.Fail(err)
	msg, conflict := conflictMessage(err)
	if !invalid && !conflict {
		return err
	}
	v, verr := s.participantData(r, cid, pid)
	if verr != nil {
		return verr
	}
	if which != nil {
		*which(&v) = f
	}
	if conflict {
		status, v.Problem = http.StatusConflict, msg
	}
	return s.renderStatus(w, r, status, "participant.html", v)
}

func (s *Server) enrolParticipant(w http.ResponseWriter, r *http.Request) error {
	return s.participantAction(w, r, nil, func(cid, pid int64, f *form) (string, error) {
		p, err := s.store.EnrolParticipant(r.Context(), s.actor(r), cid, pid)
		if p.Status == cohort.Waitlisted {
			return localizer(r).T("messages.participants.waitlisted"), err
		}
		return localizer(r).T("messages.participants.enrolled"), err
	})
}

func (s *Server) withdrawParticipant(w http.ResponseWriter, r *http.Request) error {
	return s.participantAction(w, r, func(v *participantView) **form { return &v.WithdrawForm }, func(cid, pid int64, f *form) (string, error) {
		_, promoted, err := s.store.WithdrawParticipant(r.Context(), s.actor(r), cid, pid, f.Get("withdrawn_on"))
		if promoted > 0 {
			return localizer(r).T("messages.participants.withdrawn_place_passed"), err
		}
		return localizer(r).T("messages.participants.withdrawn"), err
	})
}

func examInput(f *form) store.ExamInput {
	in := store.ExamInput{Exam: cohort.Exam(f.Get("exam")), TakenOn: f.Get("taken_on")}
	if v := f.Get("score"); v != "" {
		if n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), "%")); err == nil {
			in.Score = &n
		} else {
			bad := -1 // not a number: the store says what to enter
			in.Score = &bad
		}
	}
	switch f.Get("result") {
	case "passed":
		in.Passed = boolPtr(true)
	case "failed":
		in.Passed = boolPtr(false)
	}
	return in
}

func boolPtr(b bool) *bool { return &b }

func (s *Server) recordExam(w http.ResponseWriter, r *http.Request) error {
	return s.participantAction(w, r, func(v *participantView) **form { return &v.ExamForm }, func(cid, pid int64, f *form) (string, error) {
		in := examInput(f)
		at, err := s.store.RecordExam(r.Context(), s.actor(r), cid, pid, in)
		if err != nil {
			if e, ok := asInvalid(err); ok && e.Fields["passed"] != "" {
				e.Fields["result"] = e.Fields["passed"]
				delete(e.Fields, "passed")
			}
			return "", err
		}
		if at.Passed {
			return localizer(r).T("messages.participants.exam_passed"), nil
		}
		return localizer(r).T("messages.participants.exam_not_passed"), nil
	})
}

// removeExam takes back an exam result recorded by mistake.
func (s *Server) removeExam(w http.ResponseWriter, r *http.Request) error {
	return s.participantAction(w, r, func(v *participantView) **form { return &v.RemoveForm }, func(cid, pid int64, f *form) (string, error) {
		eid, err := pathID(r, "eid")
		if err != nil {
			return "", err
		}
		f.Values.Set("attempt", strconv.FormatInt(eid, 10))
		return localizer(r).T("messages.participants.exam_removed"), s.store.RemoveExamAttempt(r.Context(), s.actor(r), cid, pid, eid, f.Get("reason"))
	})
}

func (s *Server) saveOutcome(w http.ResponseWriter, r *http.Request) error {
	return s.participantAction(w, r, func(v *participantView) **form { return &v.OutcomeForm }, func(cid, pid int64, f *form) (string, error) {
		oid, _ := strconv.ParseInt(f.Get("outcome_id"), 10, 64)
		host, _ := strconv.ParseInt(f.Get("host_company"), 10, 64)
		_, err := s.store.SaveOutcome(r.Context(), s.actor(r), cid, pid, store.OutcomeInput{ID: oid, Kind: f.Get("kind"), Employer: f.Get("employer"),
			HostCompanyID: host, OfferedOn: f.Get("offered_on"), AcceptedOn: f.Get("accepted_on"), StartedOn: f.Get("started_on")})
		return localizer(r).T("messages.participants.outcome_saved"), err
	})
}

func (s *Server) issueCertificate(w http.ResponseWriter, r *http.Request) error {
	return s.participantAction(w, r, func(v *participantView) **form { return &v.IssueForm }, func(cid, pid int64, f *form) (string, error) {
		_, err := s.store.IssueCertificate(r.Context(), s.actor(r), cid, pid, f.Get("completed_on"))
		if e, ok := core.As(err); ok && e.Kind == core.KindConflict && e.Fields["missing"] != "" {
			return "", core.Errorf(core.KindConflict, "%s Still missing: %s.", e.Message, e.Fields["missing"])
		}
		return localizer(r).T("messages.participants.certificate_issued"), err
	})
}

func (s *Server) revokeCertificate(w http.ResponseWriter, r *http.Request) error {
	return s.participantAction(w, r, func(v *participantView) **form { return &v.RevokeForm }, func(cid, pid int64, f *form) (string, error) {
		_, err := s.store.RevokeCertificate(r.Context(), s.actor(r), cid, pid, f.Get("reason"))
		return localizer(r).T("messages.participants.certificate_revoked"), err
	})
}
