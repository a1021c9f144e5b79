package web

import (
	"net/http"

	"peerpath/internal/cohort"
	"peerpath/internal/core"
	"peerpath/internal/store"
)

// This file is the JSON API of cohorts, on the same store operations as the
// pages. Issuing a certificate while the completion rule does not hold
// answers 409 with {"error": {"code": "conflict", "message": …,
// "fields": {"missing": "Attendance 78 % — your organisation's rule: 85 %;
// Written exam not yet passed (1 of 2 attempts used)"}}}: what is missing,
// separated by "; ".

type ruleJSON struct {
	AttendancePercent int    `json:"attendance_percent" doc:"share of the sessions that count a participant must attend"`
	WrittenExam       bool   `json:"written_exam"`
	WrittenPassMark   int    `json:"written_pass_mark,omitempty" doc:"percent, when there is a written exam"`
	OralExam          bool   `json:"oral_exam"`
	Attempts          int    `json:"attempts,omitempty" doc:"attempts allowed per exam"`
	Confirmed         bool   `json:"confirmed" doc:"an administrator confirmed these numbers as the organisation's rule; until then they are peerpath's suggestion (no source document sets them), nobody completes and no certificate is issued"`
	Owner             string `json:"owner" enum:"organisation,suggestion" doc:"whose rule it is: the organisation's (confirmed) or peerpath's suggestion"`
	Description       string `json:"description" doc:"the rule in plain words, labelled with whose it is"`
}

func toRuleJSON(r cohort.Rule) ruleJSON {
	owner := "suggestion"
	if r.Confirmed {
		owner = "organisation"
	}
	return ruleJSON{AttendancePercent: r.AttendancePercent, WrittenExam: r.WrittenExam, WrittenPassMark: r.WrittenPassMark, OralExam: r.OralExam,
		Attempts: r.Attempts, Confirmed: r.Confirmed, Owner: owner, Description: r.Describe()}
}

// confirmRuleJSON is an administrator confirming a cohort's completion
// numbers as the organisation's rule.
type confirmRuleJSON struct {
	AttendancePercent int  `json:"attendance_percent" doc:"1–100"`
	WrittenPassMark   int  `json:"written_pass_mark,omitempty" doc:"1–100; only where the cohort has a written exam"`
	Attempts          int  `json:"attempts,omitempty" doc:"1–10; only where the cohort has an exam"`
	Confirm           bool `json:"confirm" doc:"must be true: these numbers are the organisation's rule for this cohort"`
}

func (s *Server) apiConfirmCohortRule(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in confirmRuleJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a := s.actor(r)
	_, err = s.store.ConfirmCohortRule(r.Context(), a, cid, cohort.Rule{AttendancePercent: in.AttendancePercent, WrittenPassMark: in.WrittenPassMark, Attempts: in.Attempts, Confirmed: in.Confirm})
	if e, ok := core.As(err); ok && e.Fields["rule_confirmed"] != "" {
		e.Fields["confirm"] = e.Fields["rule_confirmed"]
		delete(e.Fields, "rule_confirmed")
	}
	if err != nil {
		return err
	}
	l, err := s.store.CohortParticipants(r.Context(), a, cid, store.Page{Limit: 1})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toCohortJSON(l.Summary))
	return nil
}

type cohortJSON struct {
	ID            string   `json:"id"`
	Programme     string   `json:"programme" doc:"cps, ican, or a custom programme's id"`
	ProgrammeName string   `json:"programme_name"`
	Name          string   `json:"name"`
	Term          string   `json:"term,omitempty"`
	Location      string   `json:"location,omitempty"`
	StartsOn      string   `json:"starts_on" doc:"YYYY-MM-DD"`
	EndsOn        string   `json:"ends_on" doc:"YYYY-MM-DD"`
	Capacity      int      `json:"capacity"`
	SessionKinds  []string `json:"session_kinds" doc:"kinds of session the cohort may have besides make-up sessions"`
	Rule          ruleJSON `json:"rule" doc:"the completion rule, as it was when the cohort was created or as an administrator confirmed it since"`
	TrainerIDs    []string `json:"trainer_ids"`
	Enrolled      int      `json:"enrolled" doc:"holding a place (enrolled or completed)"`
	Completed     int      `json:"completed"`
	Waitlisted    int      `json:"waitlisted"`
	Applied       int      `json:"applied"`
}

func toCohortJSON(c store.CohortSummary) cohortJSON {
	out := cohortJSON{ID: id(c.ID), Programme: c.ProgrammeKey(), ProgrammeName: c.ProgrammeName, Name: c.Name, Term: c.Term, Location: c.Location,
		StartsOn: c.StartsOn, EndsOn: c.EndsOn, Capacity: c.Capacity, Rule: toRuleJSON(c.Rule), TrainerIDs: []string{}, SessionKinds: []string{},
		Enrolled: c.Enrolled, Completed: c.Completed, Waitlisted: c.Waitlisted, Applied: c.Applied}
	for _, t := range c.Trainers {
		out.TrainerIDs = append(out.TrainerIDs, id(t.ID))
	}
	for _, k := range c.SessionKinds {
		out.SessionKinds = append(out.SessionKinds, string(k))
	}
	return out
}

type newCohortJSON struct {
	Programme  string   `json:"programme" doc:"cps, ican, or a custom programme's id"`
	Name       string   `json:"name"`
	Term       string   `json:"term,omitempty"`
	Location   string   `json:"location,omitempty"`
	StartsOn   string   `json:"starts_on" doc:"YYYY-MM-DD"`
	EndsOn     string   `json:"ends_on" doc:"YYYY-MM-DD"`
	Capacity   int      `json:"capacity"`
	TrainerIDs []string `json:"trainer_ids,omitempty" doc:"users with the trainer role; a trainer creating a cohort is always one"`
	// ConfirmRule is for administrators only (403 otherwise).
	ConfirmRule bool `json:"confirm_rule,omitempty" doc:"administrators: confirm the programme's rule as the organisation's for this cohort (needed where it is peerpath's suggestion); 403 for others"`
}

func (s *Server) apiCreateCohort(w http.ResponseWriter, r *http.Request) error {
	var in newCohortJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	trainers, err := parseIDs("trainer_ids", in.TrainerIDs)
	if err != nil {
		return err
	}
	a := s.actor(r)
	c, err := s.store.CreateCohort(r.Context(), a, store.CohortInput{Programme: in.Programme, Name: in.Name, Term: in.Term, Location: in.Location,
		StartsOn: in.StartsOn, EndsOn: in.EndsOn, Capacity: in.Capacity, TrainerIDs: trainers, ConfirmRule: in.ConfirmRule})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toCohortJSON(store.CohortSummary{Cohort: c}))
	return nil
}

func (s *Server) apiCohorts(w http.ResponseWriter, r *http.Request) error {
	page, err := listPage(r)
	if err != nil {
		return err
	}
	l, err := s.store.ListCohorts(r.Context(), s.actor(r), page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(l, toCohortJSON))
	return nil
}

func (s *Server) apiCohort(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	l, err := s.store.CohortParticipants(r.Context(), s.actor(r), cid, store.Page{Limit: 1})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toCohortJSON(l.Summary))
	return nil
}

type sessionJSON struct {
	ID               string   `json:"id"`
	Kind             string   `json:"kind" enum:"training,retreat,visit,class,graduation,makeup"`
	Date             string   `json:"date" doc:"YYYY-MM-DD"`
	StartTime        string   `json:"start_time,omitempty" doc:"HH:MM"`
	EndTime          string   `json:"end_time,omitempty" doc:"HH:MM"`
	Place            string   `json:"place,omitempty"`
	Topic            string   `json:"topic,omitempty"`
	HostCompanyID    string   `json:"host_company_id,omitempty" doc:"company visits"`
	MakesUpSessionID string   `json:"makes_up_session_id,omitempty" doc:"make-up sessions: the session attending this one replaces"`
	Covered          []string `json:"covered,omitempty" doc:"company visits: tour, hiring, openings, skills"`
	VisitNotes       string   `json:"visit_notes,omitempty"`
}

func toSessionJSON(cs store.CohortSession) sessionJSON {
	return sessionJSON{ID: id(cs.ID), Kind: string(cs.Kind), Date: cs.On, StartTime: cs.StartTime, EndTime: cs.EndTime, Place: cs.Place, Topic: cs.Topic,
		HostCompanyID: id(cs.HostCompanyID), MakesUpSessionID: id(cs.MakesUpID), Covered: cs.Covered, VisitNotes: cs.VisitNotes}
}

type newSessionJSON struct {
	Kind             string   `json:"kind" enum:"training,retreat,visit,class,graduation,makeup"`
	Date             string   `json:"date" doc:"YYYY-MM-DD"`
	StartTime        string   `json:"start_time,omitempty" doc:"HH:MM"`
	EndTime          string   `json:"end_time,omitempty" doc:"HH:MM"`
	Place            string   `json:"place,omitempty"`
	Topic            string   `json:"topic,omitempty"`
	HostCompanyID    string   `json:"host_company_id,omitempty" doc:"required for a company visit"`
	MakesUpSessionID string   `json:"makes_up_session_id,omitempty" doc:"required for a make-up session"`
	Covered          []string `json:"covered,omitempty" doc:"company visits: tour, hiring, openings, skills"`
	VisitNotes       string   `json:"visit_notes,omitempty"`
}

func optionalID(field, v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	return parseID(field, v)
}

func (s *Server) apiCreateSession(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in newSessionJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	host, err := optionalID("host_company_id", in.HostCompanyID)
	if err != nil {
		return err
	}
	makesUp, err := optionalID("makes_up_session_id", in.MakesUpSessionID)
	if err != nil {
		return err
	}
	cs, err := s.store.CreateCohortSession(r.Context(), s.actor(r), cid, store.SessionInput{Kind: cohort.SessionKind(in.Kind), On: in.Date, StartTime: in.StartTime,
		EndTime: in.EndTime, Place: in.Place, Topic: in.Topic, HostCompanyID: host, MakesUpID: makesUp, Covered: in.Covered, VisitNotes: in.VisitNotes})
	if e, ok := asInvalid(err); ok {
		renameField(e, "on", "date")
		renameField(e, "makes_up", "makes_up_session_id")
		renameField(e, "host_company", "host_company_id")
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toSessionJSON(cs))
	return nil
}

// apiSessions lists a cohort's sessions in date order. A cohort has at most
// store.MaxCohortSessions, so the list is whole: it is not paged.
func (s *Server) apiSessions(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ss, err := s.store.CohortSessions(r.Context(), s.actor(r), cid)
	if err != nil {
		return err
	}
	out := sessionListJSON{Items: []sessionJSON{}}
	for _, cs := range ss {
		out.Items = append(out.Items, toSessionJSON(cs))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type sessionListJSON struct {
	Items []sessionJSON `json:"items" doc:"every session of the cohort, in date order (at most 200)"`
}

// renameField moves a store field message to the name the API uses.
func renameField(e *core.Error, from, to string) {
	if msg, ok := e.Fields[from]; ok {
		e.Fields[to] = msg
		delete(e.Fields, from)
	}
}

type studentJSON struct {
	School            string `json:"school"`
	Grade             string `json:"grade,omitempty"`
	Accommodations    string `json:"accommodations,omitempty" doc:"only what the student chooses to share"`
	Under18           bool   `json:"under_18"`
	GuardianName      string `json:"guardian_name,omitempty" doc:"required when under_18"`
	GuardianContact   string `json:"guardian_contact,omitempty" doc:"required when under_18"`
	GuardianConsentOn string `json:"guardian_consent_on,omitempty" doc:"YYYY-MM-DD; required when under_18"`
}

type examProgressJSON struct {
	Passed          bool `json:"passed"`
	AttemptsUsed    int  `json:"attempts_used"`
	AttemptsAllowed int  `json:"attempts_allowed"`
	BestScore       int  `json:"best_score,omitempty" doc:"written exam"`
}

type progressJSON struct {
	Complete          bool              `json:"complete" doc:"the completion rule holds"`
	Missing           []string          `json:"missing" doc:"what is still missing, in plain words"`
	AttendancePercent int               `json:"attendance_percent"`
	Attended          int               `json:"attended"`
	Counting          int               `json:"counting" doc:"sessions that count toward attendance"`
	WrittenExam       *examProgressJSON `json:"written_exam,omitempty"`
	OralExam          *examProgressJSON `json:"oral_exam,omitempty"`
	CertificateCode   string            `json:"certificate_code,omitempty" doc:"the valid certificate's code, once issued"`
}

func toExamProgress(e cohort.ExamResult) *examProgressJSON {
	if !e.Applies {
		return nil
	}
	return &examProgressJSON{Passed: e.Passed, AttemptsUsed: e.Used, AttemptsAllowed: e.Allowed, BestScore: e.Best}
}

func toProgressJSON(p store.ParticipantProgress) *progressJSON {
	out := &progressJSON{Complete: p.Result.Holds, Missing: p.Result.Missing, AttendancePercent: p.Result.Percent, Attended: p.Result.Attended,
		Counting: p.Result.Counting, WrittenExam: toExamProgress(p.Result.Written), OralExam: toExamProgress(p.Result.Oral)}
	if out.Missing == nil {
		out.Missing = []string{}
	}
	if p.Certificate != nil {
		out.CertificateCode = p.Certificate.GroupedCode()
	}
	return out
}

type participantJSON struct {
	ID               string        `json:"id"`
	Name             string        `json:"name" doc:"as it prints on the certificate"`
	Email            string        `json:"email,omitempty"`
	UserID           string        `json:"user_id,omitempty"`
	Status           string        `json:"status" enum:"applied,enrolled,waitlisted,withdrawn,completed"`
	WaitlistPosition int           `json:"waitlist_position,omitempty"`
	AppliedOn        string        `json:"applied_on,omitempty"`
	EnrolledOn       string        `json:"enrolled_on,omitempty"`
	WithdrawnOn      string        `json:"withdrawn_on,omitempty"`
	CompletedOn      string        `json:"completed_on,omitempty"`
	Student          *studentJSON  `json:"student,omitempty" doc:"student programmes only"`
	Progress         *progressJSON `json:"progress,omitempty"`
}

func toParticipantJSON(c store.Cohort, p store.Participant) participantJSON {
	out := participantJSON{ID: id(p.ID), Name: p.Name, Email: p.Email, UserID: id(p.UserID), Status: string(p.Status), AppliedOn: p.AppliedOn,
		EnrolledOn: p.EnrolledOn, WithdrawnOn: p.WithdrawnOn, CompletedOn: p.CompletedOn}
	if c.Students {
		out.Student = &studentJSON{School: p.School, Grade: p.Grade, Accommodations: p.Accommodations, Under18: p.Minor,
			GuardianName: p.GuardianName, GuardianContact: p.GuardianContact, GuardianConsentOn: p.GuardianConsentOn}
	}
	return out
}

type newParticipantJSON struct {
	Name    string       `json:"name" doc:"as it should print on the certificate"`
	Email   string       `json:"email,omitempty"`
	UserID  string       `json:"user_id,omitempty" doc:"a user of the organisation, who then sees their own progress"`
	Apply   bool         `json:"apply,omitempty" doc:"record an application only; otherwise enrol, or waitlist when the cohort is full"`
	Student *studentJSON `json:"student,omitempty" doc:"student programmes (ICAN): school, and a guardian's consent for a student under 18"`
}

func (s *Server) apiAddParticipant(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in newParticipantJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	uid, err := optionalID("user_id", in.UserID)
	if err != nil {
		return err
	}
	pin := store.ParticipantInput{Name: in.Name, Email: in.Email, UserID: uid, Apply: in.Apply}
	if st := in.Student; st != nil {
		pin.School, pin.Grade, pin.Accommodations, pin.Minor = st.School, st.Grade, st.Accommodations, st.Under18
		pin.GuardianName, pin.GuardianContact, pin.GuardianConsentOn = st.GuardianName, st.GuardianContact, st.GuardianConsentOn
	}
	a := s.actor(r)
	p, err := s.store.AddParticipant(r.Context(), a, cid, pin)
	if e, ok := asInvalid(err); ok {
		renameField(e, "user", "user_id")
		for _, f := range []string{"school", "grade", "accommodations", "guardian_name", "guardian_contact", "guardian_consent_on"} {
			renameField(e, f, "student."+f)
		}
	}
	if err != nil {
		return err
	}
	c, err := s.store.Cohort(r.Context(), a, cid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toParticipantJSON(c, p))
	return nil
}

func (s *Server) apiParticipants(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	page, err := listPage(r)
	if err != nil {
		return err
	}
	cp, err := s.store.CohortParticipants(r.Context(), s.actor(r), cid, page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(cp.Participants, func(p store.ParticipantProgress) participantJSON {
		out := toParticipantJSON(cp.Cohort, p.Participant)
		out.WaitlistPosition, out.Progress = p.WaitlistPosition, toProgressJSON(p)
		return out
	}))
	return nil
}

type attendanceMarkJSON struct {
	ParticipantID string `json:"participant_id"`
	Mark          string `json:"mark" enum:"present,late,excused,absent"`
}

type attendanceJSON struct {
	Marks []attendanceMarkJSON `json:"marks" doc:"marks to set; people not listed keep theirs. Late counts as present; excused counts as missed unless a make-up replaces it"`
}

type sessionAttendanceJSON struct {
	SessionID string               `json:"session_id"`
	Marks     []attendanceMarkJSON `json:"marks" doc:"everyone holding a place, and anyone already marked; mark is empty when not recorded"`
}

func (s *Server) apiRecordAttendance(w http.ResponseWriter, r *http.Request) error {
	cid, sid, err := sessionPath(r)
	if err != nil {
		return err
	}
	var in attendanceJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	marks := map[int64]cohort.Mark{}
	for _, m := range in.Marks {
		pid, err := parseID("marks", m.ParticipantID)
		if err != nil {
			return err
		}
		marks[pid] = cohort.Mark(m.Mark)
	}
	a := s.actor(r)
	if err := s.store.RecordAttendance(r.Context(), a, cid, sid, marks); err != nil {
		return err
	}
	ro, err := s.store.SessionRoster(r.Context(), a, cid, sid)
	if err != nil {
		return err
	}
	out := sessionAttendanceJSON{SessionID: id(sid), Marks: []attendanceMarkJSON{}}
	for _, e := range ro.Entries {
		out.Marks = append(out.Marks, attendanceMarkJSON{ParticipantID: id(e.ParticipantID), Mark: string(e.Mark)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type newExamJSON struct {
	Exam    string `json:"exam" enum:"written,oral"`
	TakenOn string `json:"taken_on" doc:"YYYY-MM-DD"`
	Score   *int   `json:"score,omitempty" doc:"written exam: 0 to 100"`
	Passed  *bool  `json:"passed,omitempty" doc:"oral exam"`
}

type examJSON struct {
	ID       string        `json:"id"`
	Exam     string        `json:"exam" enum:"written,oral"`
	TakenOn  string        `json:"taken_on"`
	Score    *int          `json:"score,omitempty"`
	Passed   bool          `json:"passed"`
	Progress *progressJSON `json:"progress" doc:"the participant's progress after this result"`
}

func (s *Server) apiRecordExam(w http.ResponseWriter, r *http.Request) error {
	cid, pid, err := cohortPath(r)
	if err != nil {
		return err
	}
	var in newExamJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a := s.actor(r)
	at, err := s.store.RecordExam(r.Context(), a, cid, pid, store.ExamInput{Exam: cohort.Exam(in.Exam), TakenOn: in.TakenOn, Score: in.Score, Passed: in.Passed})
	if err != nil {
		return err
	}
	rec, err := s.store.Participant(r.Context(), a, cid, pid)
	if err != nil {
		return err
	}
	out := examJSON{ID: id(at.ID), Exam: string(at.Exam), TakenOn: at.TakenOn, Passed: at.Passed, Progress: toProgressJSON(rec.ParticipantProgress)}
	if at.HasScore {
		out.Score = &at.Score
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) apiDeleteSession(w http.ResponseWriter, r *http.Request) error {
	cid, sid, err := sessionPath(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteCohortSession(r.Context(), s.actor(r), cid, sid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type removeExamJSON struct {
	Reason string `json:"reason" doc:"what was wrong with the result; kept in the audit log"`
}

// apiRemoveExam takes back a result and answers with the participant's
// progress as it now stands.
func (s *Server) apiRemoveExam(w http.ResponseWriter, r *http.Request) error {
	cid, pid, err := cohortPath(r)
	if err != nil {
		return err
	}
	eid, err := pathID(r, "eid")
	if err != nil {
		return err
	}
	var in removeExamJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a := s.actor(r)
	if err := s.store.RemoveExamAttempt(r.Context(), a, cid, pid, eid, in.Reason); err != nil {
		return err
	}
	rec, err := s.store.Participant(r.Context(), a, cid, pid)
	if err != nil {
		return err
	}
	out := toParticipantJSON(rec.Cohort, rec.Participant)
	out.Progress = toProgressJSON(rec.ParticipantProgress)
	writeJSON(w, http.StatusOK, out)
	return nil
}

type withdrawJSON struct {
	WithdrawnOn string `json:"withdrawn_on" doc:"YYYY-MM-DD, today or earlier"`
}

type withdrawalJSON struct {
	Participant participantJSON `json:"participant"`
	Promoted    int             `json:"promoted" doc:"how many people on the waitlist got a place as a result"`
}

func (s *Server) apiWithdraw(w http.ResponseWriter, r *http.Request) error {
	cid, pid, err := cohortPath(r)
	if err != nil {
		return err
	}
	var in withdrawJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a := s.actor(r)
	p, n, err := s.store.WithdrawParticipant(r.Context(), a, cid, pid, in.WithdrawnOn)
	if err != nil {
		return err
	}
	c, err := s.store.Cohort(r.Context(), a, cid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, withdrawalJSON{Participant: toParticipantJSON(c, p), Promoted: n})
	return nil
}

type certificateJSON struct {
	ID            string `json:"id"`
	Code          string `json:"code" doc:"the verification code, grouped for reading"`
	ParticipantID string `json:"participant_id"`
	Name          string `json:"name"`
	Programme     string `json:"programme"`
	IssuedOn      string `json:"issued_on" doc:"YYYY-MM-DD"`
	Issuer        string `json:"issuer"`
	Status        string `json:"status" enum:"valid,revoked"`
	RevokedOn     string `json:"revoked_on,omitempty"`
	VerifyURL     string `json:"verify_url" doc:"where anyone can check it, as printed on the certificate"`
}

func (s *Server) toCertificateJSON(r *http.Request, c store.Certificate) certificateJSON {
	out := certificateJSON{ID: id(c.ID), Code: c.GroupedCode(), ParticipantID: id(c.ParticipantID), Name: c.Recipient, Programme: c.Programme,
		IssuedOn: c.IssuedOn, Issuer: c.Issuer, Status: "valid", VerifyURL: s.verifyURL(r, c)}
	if c.Revoked() {
		out.Status, out.RevokedOn = "revoked", c.RevokedOn()
	}
	return out
}

type issueCertificateJSON struct {
	CompletedOn string `json:"completed_on,omitempty" doc:"YYYY-MM-DD, the date the certificate gives; today when absent. The body itself may be left out."`
}

func (s *Server) apiIssueCertificate(w http.ResponseWriter, r *http.Request) error {
	cid, pid, err := cohortPath(r)
	if err != nil {
		return err
	}
	var in issueCertificateJSON
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
	}
	c, err := s.store.IssueCertificate(r.Context(), s.actor(r), cid, pid, in.CompletedOn)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.toCertificateJSON(r, c))
	return nil
}

type revokeJSON struct {
	Reason string `json:"reason" doc:"kept inside the organisation; verification shows only that it was revoked, and when"`
}

func (s *Server) apiRevokeCertificate(w http.ResponseWriter, r *http.Request) error {
	cid, pid, err := cohortPath(r)
	if err != nil {
		return err
	}
	var in revokeJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.store.RevokeCertificate(r.Context(), s.actor(r), cid, pid, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.toCertificateJSON(r, c))
	return nil
}
