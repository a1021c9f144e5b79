package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/cohort"
	"peerpath/internal/core"
)

// Participant is a person in a cohort. They need not be a user: the CPS
// course trains people from anywhere, and ICAN students never sign in. A
// participant who is a user of the organisation can see their own progress.
// Participant records are personal data: they are reached only through a
// cohort the actor may see (or, for the participant themselves, through
// their own user), and every read and change is audited.
type Participant struct {
	ID           int64
	CohortID     int64
	UserID       int64 // 0 when not linked to a user
	Name         string
	Email        string
	Status       cohort.Status
	AppliedOn    string
	EnrolledOn   string // the day they first held a place
	WaitlistedAt time.Time
	WithdrawnOn  string
	CompletedOn  string
	// Students only (ICAN and student programmes).
	School            string
	Grade             string
	Accommodations    string // only what the student chooses to share
	Minor             bool
	GuardianName      string
	GuardianContact   string
	GuardianConsentOn string
	CreatedAt         time.Time
}

// ParticipantInput is what adding or editing a participant takes.
type ParticipantInput struct {
	Name   string
	Email  string
	UserID int64
	// Apply records an application to be decided later; otherwise the
	// person is enrolled, or waitlisted when the cohort is full. Used when
	// adding only.
	Apply             bool
	School            string
	Grade             string
	Accommodations    string
	Minor             bool
	GuardianName      string
	GuardianContact   string
	GuardianConsentOn string
}

const participantColumns = `p.id, p.cohort_id, p.user_id, p.name, p.email, p.status, p.applied_on, p.enrolled_on, p.waitlisted_at, p.withdrawn_on, p.completed_on,
	p.school, p.grade, p.accommodations, p.minor, p.guardian_name, p.guardian_contact, p.guardian_consent_on, p.created_at`

func scanParticipant(sc interface{ Scan(...any) error }) (Participant, error) {
	var p Participant
	var user sql.NullInt64
	var st string
	var waitlisted, created int64
	err := sc.Scan(&p.ID, &p.CohortID, &user, &p.Name, &p.Email, &st, &p.AppliedOn, &p.EnrolledOn, &waitlisted, &p.WithdrawnOn, &p.CompletedOn,
		&p.School, &p.Grade, &p.Accommodations, &p.Minor, &p.GuardianName, &p.GuardianContact, &p.GuardianConsentOn, &created)
	p.UserID, p.Status, p.WaitlistedAt, p.CreatedAt = user.Int64, cohort.Status(st), fromMS(waitlisted), fromMS(created)
	return p, err
}

func (s *Store) queryParticipants(ctx context.Context, q querier, query string, args ...any) ([]Participant, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Participant
	for rows.Next() {
		p, err := scanParticipant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *Store) participantOf(ctx context.Context, q querier, orgID, cohortID, id int64) (Participant, error) {
	p, err := scanParticipant(q.QueryRowContext(ctx, "SELECT "+participantColumns+" FROM participants p WHERE p.id = $1 AND p.org_id = $2 AND p.cohort_id = $3", id, orgID, cohortID))
	if errors.Is(err, sql.ErrNoRows) {
		return Participant{}, core.NotFound("The participant")
	}
	return p, err
}

func (s *Store) validateParticipant(ctx context.Context, q querier, a Actor, c Cohort, in *ParticipantInput) error {
	for _, p := range []*string{&in.Name, &in.Email, &in.School, &in.Grade, &in.Accommodations, &in.GuardianName, &in.GuardianContact, &in.GuardianConsentOn} {
		*p = strings.TrimSpace(*p)
	}
	in.Email = normaliseEmail(in.Email)
	f := map[string]string{}
	checkText(f, "name", in.Name, 200, "Enter the person's name as it should print on the certificate.")
	if in.Email != "" && !validEmail(in.Email) {
		f["email"] = "Enter an email address such as name@example.org, or leave it empty."
	}
	if in.UserID != 0 {
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE id = $1 AND org_id = $2 AND active", in.UserID, a.OrgID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			f["user"] = "Choose an active user of this organisation, or no one."
		}
	}
	if !c.Students {
		// Store only what the programme needs: nothing about school or family.
		in.School, in.Grade, in.Accommodations, in.Minor = "", "", "", false
		in.GuardianName, in.GuardianContact, in.GuardianConsentOn = "", "", ""
		return core.Invalid(f)
	}
	checkText(f, "school", in.School, 200, "Enter the student's school.")
	checkText(f, "grade", in.Grade, 20, "")
	checkText(f, "accommodations", in.Accommodations, 2000, "")
	if !in.Minor {
		// An adult student speaks for themselves: no guardian is kept.
		in.GuardianName, in.GuardianContact, in.GuardianConsentOn = "", "", ""
		return core.Invalid(f)
	}
	checkText(f, "guardian_name", in.GuardianName, 200, "Enter the name of the student's parent or guardian.")
	checkText(f, "guardian_contact", in.GuardianContact, 200, "Enter a phone number or email address for the parent or guardian.")
	checkDay(f, "guardian_consent_on", in.GuardianConsentOn, "Enter the date the parent or guardian gave consent. A student under 18 takes part only with it.")
	if f["guardian_consent_on"] == "" && in.GuardianConsentOn > cohort.Today(s.now()) {
		f["guardian_consent_on"] = "The date of consent cannot be in the future."
	}
	return core.Invalid(f)
}

// placesTaken counts the people holding a place in a cohort.
func placesTaken(ctx context.Context, q querier, orgID, cohortID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM participants WHERE org_id = $1 AND cohort_id = $2 AND status IN ('enrolled', 'completed')", orgID, cohortID).Scan(&n)
	return n, err
}

// AddParticipant adds a person to a cohort: as an application, or enrolled
// when there is a place and waitlisted when there is not.
func (s *Store) AddParticipant(ctx context.Context, a Actor, cohortID int64, in ParticipantInput) (Participant, error) {
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		c, err := s.cohortFor(ctx, tx, a, cohortID, true)
		if err != nil {
			return err
		}
		if err := s.validateParticipant(ctx, tx, a, c, &in); err != nil {
			return err
		}
		now := s.now()
		today := cohort.Today(now)
		status, enrolledOn, waitlistedAt := cohort.Applied, "", int64(0)
		if !in.Apply {
			taken, err := placesTaken(ctx, tx, a.OrgID, c.ID)
			if err != nil {
				return err
			}
			if taken < c.Capacity {
				status, enrolledOn = cohort.Enrolled, today
			} else {
				status, waitlistedAt = cohort.Waitlisted, ms(now)
			}
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO participants (org_id, cohort_id, user_id, name, email, status, applied_on, enrolled_on, waitlisted_at,
			school, grade, accommodations, minor, guardian_name, guardian_contact, guardian_consent_on, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id`,
			a.OrgID, c.ID, nullID(in.UserID), in.Name, in.Email, string(status), today, enrolledOn, waitlistedAt,
			in.School, in.Grade, in.Accommodations, in.Minor, in.GuardianName, in.GuardianContact, in.GuardianConsentOn, ms(now)).Scan(&id)
		if isUniqueViolation(err) {
			return core.Invalid(map[string]string{"user": "This user is already a participant of the cohort."})
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "participant", id, "cohort "+idString(c.ID)+"; "+string(status))
	})
	if err != nil {
		return Participant{}, err
	}
	return s.participantOf(ctx, s.rdb, a.OrgID, cohortID, id)
}

// UpdateParticipant corrects a participant's details (not their status).
func (s *Store) UpdateParticipant(ctx context.Context, a Actor, cohortID, id int64, in ParticipantInput) (Participant, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		c, err := s.cohortFor(ctx, tx, a, cohortID, false)
		if err != nil {
			return err
		}
		if _, err := s.participantOf(ctx, tx, a.OrgID, c.ID, id); err != nil {
			return err
		}
		if err := s.validateParticipant(ctx, tx, a, c, &in); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE participants SET user_id = $1, name = $2, email = $3, school = $4, grade = $5, accommodations = $6, minor = $7,
			guardian_name = $8, guardian_contact = $9, guardian_consent_on = $10, updated_at = $11 WHERE id = $12 AND org_id = $13 AND cohort_id = $14`,
			nullID(in.UserID), in.Name, in.Email, in.School, in.Grade, in.Accommodations, in.Minor, in.GuardianName, in.GuardianContact, in.GuardianConsentOn,
			ms(s.now()), id, a.OrgID, c.ID)
		if isUniqueViolation(err) {
			return core.Invalid(map[string]string{"user": "This user is already a participant of the cohort."})
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "participant", id, "details")
	})
	if err != nil {
		return Participant{}, err
	}
	return s.participantOf(ctx, s.rdb, a.OrgID, cohortID, id)
}

// EnrolParticipant accepts an application (or takes back someone who
// withdrew): they get a place if there is one, or join the end of the
// waitlist.
func (s *Store) EnrolParticipant(ctx context.Context, a Actor, cohortID, id int64) (Participant, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		c, err := s.cohortFor(ctx, tx, a, cohortID, true)
		if err != nil {
			return err
		}
		p, err := s.participantOf(ctx, tx, a.OrgID, c.ID, id)
		if err != nil {
			return err
		}
		if p.Status != cohort.Applied && p.Status != cohort.Withdrawn {
			return core.Conflict(fmt.Sprintf("This person's status is already “%s”.", strings.ToLower(p.Status.Label())))
		}
		taken, err := placesTaken(ctx, tx, a.OrgID, c.ID)
		if err != nil {
			return err
		}
		now := s.now()
		status := cohort.Waitlisted
		if taken < c.Capacity {
			status = cohort.Enrolled
			_, err = tx.ExecContext(ctx, `UPDATE participants SET status = 'enrolled', enrolled_on = CASE WHEN enrolled_on = '' THEN $1 ELSE enrolled_on END,
				withdrawn_on = '', updated_at = $2 WHERE id = $3 AND org_id = $4`, cohort.Today(now), ms(now), id, a.OrgID)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE participants SET status = 'waitlisted', waitlisted_at = $1, withdrawn_on = '', updated_at = $1 WHERE id = $2 AND org_id = $3`,
				ms(now), id, a.OrgID)
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "participant", id, string(status))
	})
	if err != nil {
		return Participant{}, err
	}
	return s.participantOf(ctx, s.rdb, a.OrgID, cohortID, id)
}

// WithdrawParticipant records that a person withdrew on a date. When they
// held a place, the first person on the waitlist gets it in the same
// transaction; the number promoted is returned.
func (s *Store) WithdrawParticipant(ctx context.Context, a Actor, cohortID, id int64, on string) (Participant, int, error) {
	on = strings.TrimSpace(on)
	f := map[string]string{}
	checkDay(f, "withdrawn_on", on, "Enter the date the person withdrew.")
	if f["withdrawn_on"] == "" && on > cohort.Today(s.now()) {
		f["withdrawn_on"] = "Enter today's date or an earlier one."
	}
	if err := core.Invalid(f); err != nil {
		return Participant{}, 0, err
	}
	var promoted int
	err := s.tx(ctx, func(tx *sql.Tx) error {
		c, err := s.cohortFor(ctx, tx, a, cohortID, true)
		if err != nil {
			return err
		}
		p, err := s.participantOf(ctx, tx, a.OrgID, c.ID, id)
		if err != nil {
			return err
		}
		switch p.Status {
		case cohort.Withdrawn:
			return core.Conflict("This person has already withdrawn.")
		case cohort.Completed:
			return core.Conflict("This person has completed the programme, so cannot withdraw. Revoke the certificate if it was issued by mistake.")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE participants SET status = 'withdrawn', withdrawn_on = $1, updated_at = $2 WHERE id = $3 AND org_id = $4",
			on, ms(s.now()), id, a.OrgID); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, audit.ActionUpdate, "participant", id, "withdrawn from "+string(p.Status)); err != nil {
			return err
		}
		if p.Status.TakesPlace() {
			promoted, err = s.promoteWaitlist(ctx, tx, a, c)
		}
		return err
	})
	if err != nil {
		return Participant{}, 0, err
	}
	p, err := s.participantOf(ctx, s.rdb, a.OrgID, cohortID, id)
	return p, promoted, err
}

// promoteWaitlist gives free places to waiting people, first come first
// served, inside the caller's transaction (which holds the cohort's lock).
func (s *Store) promoteWaitlist(ctx context.Context, tx *sql.Tx, a Actor, c Cohort) (int, error) {
	taken, err := placesTaken(ctx, tx, a.OrgID, c.ID)
	if err != nil {
		return 0, err
	}
	room := c.Capacity - taken
	if room <= 0 {
		return 0, nil
	}
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(`SELECT id FROM participants WHERE org_id = $1 AND cohort_id = $2 AND status = 'waitlisted'
		ORDER BY waitlisted_at, id LIMIT %d`, room), a.OrgID, c.ID)
	if err != nil {
		return 0, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	now := s.now()
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE participants SET status = 'enrolled', enrolled_on = CASE WHEN enrolled_on = '' THEN $1 ELSE enrolled_on END, updated_at = $2
			WHERE id = $3 AND org_id = $4`, cohort.Today(now), ms(now), id, a.OrgID); err != nil {
			return 0, err
		}
		if err := s.record(ctx, tx, a, audit.ActionUpdate, "participant", id, "promoted from the waitlist"); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// ExamAttempt is one sitting of an exam.
type ExamAttempt struct {
	ID            int64
	ParticipantID int64
	Exam          cohort.Exam
	TakenOn       string
	Score         int // written exam
	HasScore      bool
	Passed        bool
	RecordedAt    time.Time
}

func (e ExamAttempt) rule() cohort.Attempt {
	return cohort.Attempt{Exam: e.Exam, On: e.TakenOn, Seq: e.ID, Score: e.Score, Passed: e.Passed}
}

// ExamInput is an exam result to record: a score for the written exam, a
// pass or fail for the oral one.
type ExamInput struct {
	Exam    cohort.Exam
	TakenOn string
	Score   *int
	Passed  *bool
}

// RecordExam records an attempt at an exam. It is refused once the exam is
// passed or every allowed attempt is used.
func (s *Store) RecordExam(ctx context.Context, a Actor, cohortID, pid int64, in ExamInput) (ExamAttempt, error) {
	in.TakenOn = strings.TrimSpace(in.TakenOn)
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		c, err := s.cohortFor(ctx, tx, a, cohortID, true)
		if err != nil {
			return err
		}
		p, err := s.participantOf(ctx, tx, a.OrgID, c.ID, pid)
		if err != nil {
			return err
		}
		f := map[string]string{}
		switch {
		case in.Exam == cohort.Written && c.Rule.WrittenExam, in.Exam == cohort.Oral && c.Rule.OralExam:
		case in.Exam == cohort.Written, in.Exam == cohort.Oral:
			f["exam"] = fmt.Sprintf("This programme has no %s.", strings.ToLower(in.Exam.Label()))
		default:
			f["exam"] = "Choose the written or the oral exam."
		}
		checkDay(f, "taken_on", in.TakenOn, "Enter the date of the exam.")
		if f["taken_on"] == "" && in.TakenOn > cohort.Today(s.now()) {
			f["taken_on"] = "Enter today's date or an earlier one: results are recorded after the exam."
		}
		score, passed := 0, false
		switch in.Exam {
		case cohort.Written:
			if in.Score == nil {
				f["score"] = "Enter the score, from 0 to 100."
			} else if *in.Score < 0 || *in.Score > 100 {
				f["score"] = "Enter a score from 0 to 100."
			} else {
				score, passed = *in.Score, *in.Score >= c.Rule.WrittenPassMark
			}
		case cohort.Oral:
			if in.Passed == nil {
				f["passed"] = "Choose whether the person passed."
			} else {
				passed = *in.Passed
			}
		}
		if err := core.Invalid(f); err != nil {
			return err
		}
		if p.Status != cohort.Enrolled {
			return core.Conflict(fmt.Sprintf("Exams are recorded for enrolled participants; this person's status is “%s”.", strings.ToLower(p.Status.Label())))
		}
		attempts, err := s.attemptsOf(ctx, tx, a.OrgID, []int64{p.ID})
		if err != nil {
			return err
		}
		var rs []cohort.Attempt
		for _, at := range attempts[p.ID] {
			rs = append(rs, at.rule())
		}
		res := cohort.Evaluate(c.Rule, nil, cohort.Participant{Status: p.Status, Attempts: rs}, "")
		er := res.Written
		if in.Exam == cohort.Oral {
			er = res.Oral
		}
		switch {
		case er.Passed:
			return core.Conflict(fmt.Sprintf("The %s is already passed.", strings.ToLower(in.Exam.Label())))
		case er.Exhausted():
			return core.Conflict(fmt.Sprintf("All %d attempts at the %s are used.", er.Allowed, strings.ToLower(in.Exam.Label())))
		}
		var scoreArg any
		if in.Exam == cohort.Written {
			scoreArg = score
		}
		now := ms(s.now())
		if err := tx.QueryRowContext(ctx, `INSERT INTO exam_attempts (org_id, cohort_id, participant_id, exam, taken_on, score, passed, recorded_at, recorded_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, a.OrgID, c.ID, p.ID, string(in.Exam), in.TakenOn, scoreArg, passed, now, a.UserID).Scan(&id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "exam_attempt", id, "participant "+idString(p.ID))
	})
	if err != nil {
		return ExamAttempt{}, err
	}
	all, err := s.attemptsOf(ctx, s.rdb, a.OrgID, []int64{pid})
	if err != nil {
		return ExamAttempt{}, err
	}
	for _, at := range all[pid] {
		if at.ID == id {
			return at, nil
		}
	}
	return ExamAttempt{}, core.NotFound("The exam result")
}

// RemoveExamAttempt takes back an exam result recorded by mistake (a score
// mistyped, the wrong person or exam), so that it no longer uses an attempt;
// the right result is then recorded as usual. The reason is required and
// kept with the result, which the participant's page still lists as taken
// back. It is refused while a valid certificate stands on the
// participant's results: revoke it first.
func (s *Store) RemoveExamAttempt(ctx context.Context, a Actor, cohortID, pid, attemptID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	f := map[string]string{}
	checkText(f, "reason", reason, 500, "Say what was wrong with this result, for the record.")
	if err := core.Invalid(f); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		c, err := s.cohortFor(ctx, tx, a, cohortID, true)
		if err != nil {
			return err
		}
		p, err := s.participantOf(ctx, tx, a.OrgID, c.ID, pid)
		if err != nil {
			return err
		}
		certs, err := s.certificatesOf(ctx, tx, a.OrgID, []int64{p.ID}, true)
		if err != nil {
			return err
		}
		if len(certs[p.ID]) > 0 {
			return core.Conflict("A certificate stands on these results. An administrator revokes it first; then the result can be corrected.")
		}
		res, err := tx.ExecContext(ctx, `UPDATE exam_attempts SET taken_back_at = $1, taken_back_by = $2, taken_back_reason = $3
			WHERE id = $4 AND org_id = $5 AND participant_id = $6 AND taken_back_at = 0`, ms(s.now()), a.UserID, reason, attemptID, a.OrgID, p.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return core.NotFound("The exam result")
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "exam_attempt", attemptID, "taken back")
	})
}

// attemptsOf loads the exam attempts of participants that stand (not taken
// back), in order, with one query.
func (s *Store) attemptsOf(ctx context.Context, q querier, orgID int64, pids []int64) (map[int64][]ExamAttempt, error) {
	out := map[int64][]ExamAttempt{}
	if len(pids) == 0 {
		return out, nil
	}
	ph, args := inList(pids, []any{orgID})
	rows, err := q.QueryContext(ctx, `SELECT id, participant_id, exam, taken_on, score, passed, recorded_at FROM exam_attempts
		WHERE org_id = $1 AND taken_back_at = 0 AND participant_id IN (`+ph+`) ORDER BY taken_on, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e ExamAttempt
		var exam string
		var score sql.NullInt64
		var recorded int64
		if err := rows.Scan(&e.ID, &e.ParticipantID, &exam, &e.TakenOn, &score, &e.Passed, &recorded); err != nil {
			return nil, err
		}
		e.Exam, e.Score, e.HasScore, e.RecordedAt = cohort.Exam(exam), int(score.Int64), score.Valid, fromMS(recorded)
		out[e.ParticipantID] = append(out[e.ParticipantID], e)
	}
	return out, rows.Err()
}

// TakenBack is an exam result taken back because it was recorded by mistake.
type TakenBack struct {
	ExamAttempt
	At     time.Time
	ByName string
	Reason string
}

func (s *Store) takenBackOf(ctx context.Context, q querier, orgID, pid int64) ([]TakenBack, error) {
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.exam, e.taken_on, e.score, e.passed, e.taken_back_at, COALESCE(u.name, ''), e.taken_back_reason
		FROM exam_attempts e LEFT JOIN users u ON u.id = e.taken_back_by
		WHERE e.org_id = $1 AND e.participant_id = $2 AND e.taken_back_at > 0 ORDER BY e.taken_back_at, e.id`, orgID, pid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TakenBack
	for rows.Next() {
		var t TakenBack
		var exam string
		var score sql.NullInt64
		var at int64
		if err := rows.Scan(&t.ID, &exam, &t.TakenOn, &score, &t.Passed, &at, &t.ByName, &t.Reason); err != nil {
			return nil, err
		}
		t.ParticipantID, t.Exam, t.Score, t.HasScore, t.At = pid, cohort.Exam(exam), int(score.Int64), score.Valid, fromMS(at)
		out = append(out, t)
	}
	return out, rows.Err()
}

// marksOf loads the attendance marks of participants with one query.
func (s *Store) marksOf(ctx context.Context, q querier, orgID int64, pids []int64) (map[int64]map[int64]cohort.Mark, error) {
	out := map[int64]map[int64]cohort.Mark{}
	if len(pids) == 0 {
		return out, nil
	}
	ph, args := inList(pids, []any{orgID})
	rows, err := q.QueryContext(ctx, "SELECT participant_id, session_id, mark FROM attendance WHERE org_id = $1 AND participant_id IN ("+ph+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pid, sid int64
		var m string
		if err := rows.Scan(&pid, &sid, &m); err != nil {
			return nil, err
		}
		if out[pid] == nil {
			out[pid] = map[int64]cohort.Mark{}
		}
		out[pid][sid] = cohort.Mark(m)
	}
	return out, rows.Err()
}

// ParticipantProgress is a participant with the completion rule applied.
type ParticipantProgress struct {
	Participant
	Result           cohort.Result
	WaitlistPosition int          // 1 for the first in line; 0 when not waiting
	Certificate      *Certificate // the valid certificate, if issued
}

// progressData is what applying the rule needs beyond the cohort and its
// sessions, loaded for many participants at once.
type progressData struct {
	marks    map[int64]map[int64]cohort.Mark
	attempts map[int64][]ExamAttempt
	certs    map[int64][]Certificate // valid ones only
}

// loadProgress loads marks, exam attempts and valid certificates of
// participants: one query each, whatever their number.
func (s *Store) loadProgress(ctx context.Context, q querier, orgID int64, pids []int64) (progressData, error) {
	var d progressData
	var err error
	if d.marks, err = s.marksOf(ctx, q, orgID, pids); err != nil {
		return d, err
	}
	if d.attempts, err = s.attemptsOf(ctx, q, orgID, pids); err != nil {
		return d, err
	}
	d.certs, err = s.certificatesOf(ctx, q, orgID, pids, true)
	return d, err
}

// evaluate applies a cohort's rule to one participant.
func evaluate(c Cohort, sessions []CohortSession, p Participant, d progressData, today string) ParticipantProgress {
	rs := make([]cohort.Session, len(sessions))
	for i, cs := range sessions {
		rs[i] = cs.Rule()
	}
	var ra []cohort.Attempt
	for _, at := range d.attempts[p.ID] {
		ra = append(ra, at.rule())
	}
	out := ParticipantProgress{Participant: p,
		Result: cohort.Evaluate(c.Rule, rs, cohort.Participant{Status: p.Status, WithdrawnOn: p.WithdrawnOn, Marks: d.marks[p.ID], Attempts: ra}, today)}
	if cs := d.certs[p.ID]; len(cs) > 0 {
		out.Certificate = &cs[0]
	}
	return out
}

// progress applies the rule to a page of participants of one cohort.
func (s *Store) progress(ctx context.Context, q querier, orgID int64, c Cohort, sessions []CohortSession, ps []Participant) ([]ParticipantProgress, error) {
	out := make([]ParticipantProgress, len(ps))
	if len(ps) == 0 {
		return out, nil
	}
	pids := make([]int64, len(ps))
	for i, p := range ps {
		pids[i] = p.ID
	}
	d, err := s.loadProgress(ctx, q, orgID, pids)
	if err != nil {
		return nil, err
	}
	positions, err := s.waitlistPositions(ctx, q, orgID, c.ID, ps)
	if err != nil {
		return nil, err
	}
	today := cohort.Today(s.now())
	for i, p := range ps {
		out[i] = evaluate(c, sessions, p, d, today)
		out[i].WaitlistPosition = positions[p.ID]
	}
	return out, nil
}

// waitlistPositions numbers the waiting people among ps, counting everyone
// waiting ahead of them (one query, only when someone on the page waits).
func (s *Store) waitlistPositions(ctx context.Context, q querier, orgID, cohortID int64, ps []Participant) (map[int64]int, error) {
	out := map[int64]int{}
	waiting := false
	for _, p := range ps {
		waiting = waiting || p.Status == cohort.Waitlisted
	}
	if !waiting {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, "SELECT id FROM participants WHERE org_id = $1 AND cohort_id = $2 AND status = 'waitlisted' ORDER BY waitlisted_at, id", orgID, cohortID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		n++
		out[id] = n
	}
	return out, rows.Err()
}

// CohortPage is what the cohort page shows: the cohort, its sessions, and a
// page of participants with their progress.
type CohortPage struct {
	Cohort       Cohort
	Summary      CohortSummary // counts over every participant, not only this page
	Sessions     []CohortSession
	Participants List[ParticipantProgress]
}

// CohortParticipants returns a cohort with its sessions and a page of its
// participants by name, each with what they still need to complete. It
// names people, so the read is audited.
func (s *Store) CohortParticipants(ctx context.Context, a Actor, cohortID int64, p Page) (CohortPage, error) {
	c, err := s.Cohort(ctx, a, cohortID)
	if err != nil {
		return CohortPage{}, err
	}
	var afterName string
	var afterID int64
	has, err := decodeCursor(p.Cursor, &afterName, &afterID)
	if err != nil {
		return CohortPage{}, err
	}
	sessions, err := s.sessionsOf(ctx, s.rdb, a.OrgID, c.ID)
	if err != nil {
		return CohortPage{}, err
	}
	limit := p.limit()
	q := "SELECT " + participantColumns + " FROM participants p WHERE p.org_id = $1 AND p.cohort_id = $2"
	args := []any{a.OrgID, c.ID}
	if has {
		q += " AND (p.name > $3 OR (p.name = $3 AND p.id > $4))"
		args = append(args, afterName, afterID)
	}
	q += fmt.Sprintf(" ORDER BY p.name, p.id LIMIT %d", limit+1)
	ps, err := s.queryParticipants(ctx, s.rdb, q, args...)
	if err != nil {
		return CohortPage{}, err
	}
	ps, more := trim(ps, limit)
	prog, err := s.progress(ctx, s.rdb, a.OrgID, c, sessions, ps)
	if err != nil {
		return CohortPage{}, err
	}
	sum, err := s.summarise(ctx, a.OrgID, []Cohort{c}, true)
	if err != nil {
		return CohortPage{}, err
	}
	if err := s.recordRead(ctx, a, "cohort", c.ID, "participant list"); err != nil {
		return CohortPage{}, err
	}
	page := CohortPage{Cohort: sum[0].Cohort, Summary: sum[0], Sessions: sessions, Participants: List[ParticipantProgress]{Items: prog}}
	if more {
		last := ps[len(ps)-1]
		page.Participants.Next = encodeCursor(last.Name, last.ID)
	}
	return page, nil
}

// ParticipantRecord is everything about one participant in a cohort.
type ParticipantRecord struct {
	ParticipantProgress
	Cohort       Cohort
	Sessions     []CohortSession
	Marks        map[int64]cohort.Mark
	Attempts     []ExamAttempt // those that stand
	TakenBack    []TakenBack   // recorded by mistake and taken back
	Certificates []Certificate // newest first, revoked ones included
	Outcomes     []Outcome
}

func (s *Store) participantRecord(ctx context.Context, a Actor, c Cohort, p Participant) (ParticipantRecord, error) {
	sessions, err := s.sessionsOf(ctx, s.rdb, a.OrgID, c.ID)
	if err != nil {
		return ParticipantRecord{}, err
	}
	prog, err := s.progress(ctx, s.rdb, a.OrgID, c, sessions, []Participant{p})
	if err != nil {
		return ParticipantRecord{}, err
	}
	marks, err := s.marksOf(ctx, s.rdb, a.OrgID, []int64{p.ID})
	if err != nil {
		return ParticipantRecord{}, err
	}
	attempts, err := s.attemptsOf(ctx, s.rdb, a.OrgID, []int64{p.ID})
	if err != nil {
		return ParticipantRecord{}, err
	}
	certs, err := s.certificatesOf(ctx, s.rdb, a.OrgID, []int64{p.ID}, false)
	if err != nil {
		return ParticipantRecord{}, err
	}
	outcomes, err := s.outcomesOf(ctx, s.rdb, a.OrgID, p.ID)
	if err != nil {
		return ParticipantRecord{}, err
	}
	takenBack, err := s.takenBackOf(ctx, s.rdb, a.OrgID, p.ID)
	if err != nil {
		return ParticipantRecord{}, err
	}
	return ParticipantRecord{ParticipantProgress: prog[0], Cohort: c, Sessions: sessions, Marks: marks[p.ID],
		Attempts: attempts[p.ID], TakenBack: takenBack, Certificates: certs[p.ID], Outcomes: outcomes}, nil
}

// Participant returns everything about a participant of a cohort the actor
// may see. The read is audited.
func (s *Store) Participant(ctx context.Context, a Actor, cohortID, id int64) (ParticipantRecord, error) {
	c, err := s.Cohort(ctx, a, cohortID)
	if err != nil {
		return ParticipantRecord{}, err
	}
	p, err := s.participantOf(ctx, s.rdb, a.OrgID, c.ID, id)
	if err != nil {
		return ParticipantRecord{}, err
	}
	rec, err := s.participantRecord(ctx, a, c, p)
	if err != nil {
		return ParticipantRecord{}, err
	}
	return rec, s.recordRead(ctx, a, "participant", p.ID, "")
}

// Outcome is what happened for a participant after the programme: an
// internship or a job offered, accepted and started.
type Outcome struct {
	ID            int64
	ParticipantID int64
	Kind          string // internship or job
	Employer      string
	HostCompanyID int64
	OfferedOn     string
	AcceptedOn    string
	StartedOn     string
}

// OutcomeKinds are the kinds of outcome, with their labels.
var OutcomeKinds = []struct{ Key, Label string }{{"internship", "Internship"}, {"job", "Job"}}

// OutcomeInput is an outcome to add (ID 0) or update.
type OutcomeInput = Outcome

func (s *Store) outcomesOf(ctx context.Context, q querier, orgID, pid int64) ([]Outcome, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, participant_id, kind, employer, host_company_id, offered_on, accepted_on, started_on FROM outcomes
		WHERE org_id = $1 AND participant_id = $2 ORDER BY id`, orgID, pid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Outcome
	for rows.Next() {
		var o Outcome
		var host sql.NullInt64
		if err := rows.Scan(&o.ID, &o.ParticipantID, &o.Kind, &o.Employer, &host, &o.OfferedOn, &o.AcceptedOn, &o.StartedOn); err != nil {
			return nil, err
		}
		o.HostCompanyID = host.Int64
		out = append(out, o)
	}
	return out, rows.Err()
}

// SaveOutcome adds or updates an outcome for a student who took part in a
// student programme. A host company chosen from the directory names the
// employer; otherwise the employer is typed.
func (s *Store) SaveOutcome(ctx context.Context, a Actor, cohortID, pid int64, in OutcomeInput) (Outcome, error) {
	for _, p := range []*string{&in.Kind, &in.Employer, &in.OfferedOn, &in.AcceptedOn, &in.StartedOn} {
		*p = strings.TrimSpace(*p)
	}
	id := in.ID
	err := s.tx(ctx, func(tx *sql.Tx) error {
		c, err := s.cohortFor(ctx, tx, a, cohortID, false)
		if err != nil {
			return err
		}
		p, err := s.participantOf(ctx, tx, a.OrgID, c.ID, pid)
		if err != nil {
			return err
		}
		if !c.Students {
			return core.Conflict("Outcomes are recorded for student programmes such as ICAN.")
		}
		if p.Status == cohort.Applied || p.Status == cohort.Waitlisted {
			return core.Conflict("Outcomes are recorded for students who took part.")
		}
		f := map[string]string{}
		if in.Kind != "internship" && in.Kind != "job" {
			f["kind"] = "Choose internship or job."
		}
		if in.HostCompanyID != 0 {
			h, err := s.hostCompany(ctx, tx, a, in.HostCompanyID)
			if err != nil {
				f["host_company"] = "Choose a host company from the list."
			} else {
				in.Employer = h.Name
			}
		}
		checkText(f, "employer", in.Employer, 200, "Choose a host company or type the employer's name.")
		checkDay(f, "offered_on", in.OfferedOn, "Enter the date the offer was made.")
		checkDay(f, "accepted_on", in.AcceptedOn, "")
		checkDay(f, "started_on", in.StartedOn, "")
		today := cohort.Today(s.now())
		for _, d := range []struct{ field, v string }{{"offered_on", in.OfferedOn}, {"accepted_on", in.AcceptedOn}, {"started_on", in.StartedOn}} {
			if f[d.field] == "" && d.v > today {
				f[d.field] = "Enter today's date or an earlier one."
			}
		}
		if in.AcceptedOn != "" && f["accepted_on"] == "" && in.AcceptedOn < in.OfferedOn {
			f["accepted_on"] = "An offer is accepted on or after the day it is made."
		}
		if in.StartedOn != "" && f["started_on"] == "" {
			if in.AcceptedOn == "" {
				f["started_on"] = "Enter the date the offer was accepted first."
			} else if in.StartedOn < in.AcceptedOn {
				f["started_on"] = "The start date must be on or after the date of acceptance."
			}
		}
		if err := core.Invalid(f); err != nil {
			return err
		}
		now := ms(s.now())
		action := audit.ActionCreate
		if id == 0 {
			err = tx.QueryRowContext(ctx, `INSERT INTO outcomes (org_id, cohort_id, participant_id, kind, employer, host_company_id, offered_on, accepted_on, started_on, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`, a.OrgID, c.ID, p.ID, in.Kind, in.Employer, nullID(in.HostCompanyID),
				in.OfferedOn, in.AcceptedOn, in.StartedOn, now).Scan(&id)
		} else {
			action = audit.ActionUpdate
			var res sql.Result
			res, err = tx.ExecContext(ctx, `UPDATE outcomes SET kind = $1, employer = $2, host_company_id = $3, offered_on = $4, accepted_on = $5, started_on = $6, updated_at = $7
				WHERE id = $8 AND org_id = $9 AND participant_id = $10`, in.Kind, in.Employer, nullID(in.HostCompanyID), in.OfferedOn, in.AcceptedOn, in.StartedOn, now, id, a.OrgID, p.ID)
			if err == nil {
				if n, _ := res.RowsAffected(); n == 0 {
					return core.NotFound("The outcome")
				}
			}
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, action, "outcome", id, "participant "+idString(p.ID))
	})
	if err != nil {
		return Outcome{}, err
	}
	os, err := s.outcomesOf(ctx, s.rdb, a.OrgID, pid)
	if err != nil {
		return Outcome{}, err
	}
	for _, o := range os {
		if o.ID == id {
			return o, nil
		}
	}
	return Outcome{}, core.NotFound("The outcome")
}
