package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/cohort"
	"peerpath/internal/core"
)

// CohortSession is one session of a cohort: a training day, a retreat day, a
// company visit, a class, a graduation, or a make-up for another session.
type CohortSession struct {
	ID              int64
	CohortID        int64
	Kind            cohort.SessionKind
	On              string // YYYY-MM-DD
	StartTime       string // HH:MM, optional
	EndTime         string // HH:MM, optional
	Place           string
	Topic           string
	HostCompanyID   int64 // company visits
	HostCompanyName string
	MakesUpID       int64 // make-up sessions: the session it replaces
	Covered         []string
	VisitNotes      string
	Marked          int // attendance marks recorded
}

// Rule returns what the completion rule needs of the session.
func (cs CohortSession) Rule() cohort.Session {
	return cohort.Session{ID: cs.ID, Kind: cs.Kind, On: cs.On, MakesUp: cs.MakesUpID}
}

// CoveredLabels says in plain words what a company visit covered.
func (cs CohortSession) CoveredLabels() []string {
	out := make([]string, len(cs.Covered))
	for i, k := range cs.Covered {
		out[i] = cohort.CoveredLabel(k)
	}
	return out
}

// SessionInput is what creating or editing a session takes.
type SessionInput struct {
	Kind          cohort.SessionKind
	On            string
	StartTime     string
	EndTime       string
	Place         string
	Topic         string
	HostCompanyID int64
	MakesUpID     int64
	Covered       []string
	VisitNotes    string
}

const sessionColumns = `cs.id, cs.cohort_id, cs.kind, cs.held_on, cs.start_time, cs.end_time, cs.place, cs.topic, cs.host_company_id, COALESCE(h.name, ''),
	cs.makes_up_id, cs.covered, cs.visit_notes`

const sessionFrom = ` FROM cohort_sessions cs LEFT JOIN host_companies h ON h.id = cs.host_company_id AND h.org_id = cs.org_id `

func scanSession(sc interface{ Scan(...any) error }) (CohortSession, error) {
	var cs CohortSession
	var kind, covered string
	var host, makesUp sql.NullInt64
	err := sc.Scan(&cs.ID, &cs.CohortID, &kind, &cs.On, &cs.StartTime, &cs.EndTime, &cs.Place, &cs.Topic, &host, &cs.HostCompanyName, &makesUp, &covered, &cs.VisitNotes)
	cs.Kind, cs.HostCompanyID, cs.MakesUpID = cohort.SessionKind(kind), host.Int64, makesUp.Int64
	if covered != "" {
		cs.Covered = strings.Split(covered, ",")
	}
	return cs, err
}

// sessionsOf lists a cohort's sessions in date order, with how many marks
// each has. A cohort has at most MaxCohortSessions sessions, so the list is
// whole: the completion rule needs every one.
func (s *Store) sessionsOf(ctx context.Context, q querier, orgID, cohortID int64) ([]CohortSession, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+sessionColumns+sessionFrom+"WHERE cs.org_id = $1 AND cs.cohort_id = $2 ORDER BY cs.held_on, cs.start_time, cs.id", orgID, cohortID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CohortSession
	idx := map[int64]int{}
	for rows.Next() {
		cs, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		idx[cs.ID] = len(out)
		out = append(out, cs)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	rows, err = q.QueryContext(ctx, "SELECT session_id, COUNT(*) FROM attendance WHERE org_id = $1 AND cohort_id = $2 GROUP BY session_id", orgID, cohortID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var sid int64
		var n int
		if err := rows.Scan(&sid, &n); err != nil {
			return nil, err
		}
		if i, ok := idx[sid]; ok {
			out[i].Marked = n
		}
	}
	return out, rows.Err()
}

// CohortSessions lists the sessions of a cohort the actor may see.
func (s *Store) CohortSessions(ctx context.Context, a Actor, cohortID int64) ([]CohortSession, error) {
	c, err := s.Cohort(ctx, a, cohortID)
	if err != nil {
		return nil, err
	}
	return s.sessionsOf(ctx, s.rdb, a.OrgID, c.ID)
}

func (s *Store) sessionOf(ctx context.Context, q querier, orgID, cohortID, id int64) (CohortSession, error) {
	cs, err := scanSession(q.QueryRowContext(ctx, "SELECT "+sessionColumns+sessionFrom+"WHERE cs.id = $1 AND cs.org_id = $2 AND cs.cohort_id = $3", id, orgID, cohortID))
	if errors.Is(err, sql.ErrNoRows) {
		return CohortSession{}, core.NotFound("The session")
	}
	return cs, err
}

// CohortSession returns one session of a cohort the actor may see.
func (s *Store) CohortSession(ctx context.Context, a Actor, cohortID, id int64) (Cohort, CohortSession, error) {
	c, err := s.Cohort(ctx, a, cohortID)
	if err != nil {
		return Cohort{}, CohortSession{}, err
	}
	cs, err := s.sessionOf(ctx, s.rdb, a.OrgID, c.ID, id)
	return c, cs, err
}

func validTime(v string) bool {
	_, err := time.Parse(core.HHMM, v)
	return err == nil && len(v) == 5
}

func (s *Store) validateSession(ctx context.Context, q querier, a Actor, c Cohort, id int64, in *SessionInput) error {
	for _, p := range []*string{&in.On, &in.StartTime, &in.EndTime, &in.Place, &in.Topic, &in.VisitNotes} {
		*p = strings.TrimSpace(*p)
	}
	f := map[string]string{}
	if !c.AllowsKind(in.Kind) {
		f["kind"] = "Choose one of the kinds of session this programme has."
	}
	checkDay(f, "on", in.On, "Enter the date of the session.")
	for _, t := range []struct{ field, v string }{{"start_time", in.StartTime}, {"end_time", in.EndTime}} {
		if t.v != "" && !validTime(t.v) {
			f[t.field] = "Enter a time such as 09:30, or leave it empty."
		}
	}
	if in.StartTime != "" && in.EndTime != "" && f["start_time"] == "" && f["end_time"] == "" && in.EndTime <= in.StartTime {
		f["end_time"] = "The end time must be after the start time."
	}
	checkText(f, "place", in.Place, 300, "")
	checkText(f, "topic", in.Topic, 300, "")
	checkText(f, "visit_notes", in.VisitNotes, 2000, "")
	if in.Kind == cohort.SessionVisit {
		if in.HostCompanyID == 0 {
			f["host_company"] = "Choose the host company. Add it to the directory first if it is not there."
		} else if _, err := s.hostCompany(ctx, q, a, in.HostCompanyID); err != nil {
			f["host_company"] = "Choose a host company from the list."
		}
		var keep []string
		for _, k := range cohort.VisitCovers {
			if slices.Contains(in.Covered, k.Key) {
				keep = append(keep, k.Key)
			}
		}
		if len(keep) != len(uniqueStrings(in.Covered)) {
			f["covered"] = "Choose from the things listed."
		}
		in.Covered = keep
	} else {
		in.HostCompanyID, in.Covered, in.VisitNotes = 0, nil, ""
	}
	if in.Kind == cohort.SessionMakeUp {
		if in.MakesUpID == 0 || in.MakesUpID == id {
			f["makes_up"] = "Choose the session this make-up replaces."
		} else if orig, err := s.sessionOf(ctx, q, a.OrgID, c.ID, in.MakesUpID); err != nil || orig.Kind == cohort.SessionMakeUp || !orig.Kind.Counts() {
			f["makes_up"] = "Choose a session of this cohort that counts toward attendance."
		}
	} else {
		in.MakesUpID = 0
	}
	return core.Invalid(f)
}

func uniqueStrings(v []string) []string {
	out := slices.Clone(v)
	sort.Strings(out)
	return slices.Compact(out)
}

// CreateCohortSession adds a session to a cohort.
func (s *Store) CreateCohortSession(ctx context.Context, a Actor, cohortID int64, in SessionInput) (CohortSession, error) {
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		c, err := s.cohortFor(ctx, tx, a, cohortID, true)
		if err != nil {
			return err
		}
		if err := s.validateSession(ctx, tx, a, c, 0, &in); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM cohort_sessions WHERE org_id = $1 AND cohort_id = $2", a.OrgID, c.ID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxCohortSessions {
			return core.Conflict(fmt.Sprintf("A cohort can have at most %d sessions.", MaxCohortSessions))
		}
		now := ms(s.now())
		err = tx.QueryRowContext(ctx, `INSERT INTO cohort_sessions (org_id, cohort_id, kind, held_on, start_time, end_time, place, topic, host_company_id, makes_up_id, covered, visit_notes, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
			a.OrgID, c.ID, string(in.Kind), in.On, in.StartTime, in.EndTime, in.Place, in.Topic, nullID(in.HostCompanyID), nullID(in.MakesUpID), strings.Join(in.Covered, ","), in.VisitNotes, now).Scan(&id)
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "cohort_session", id, "cohort "+idString(c.ID))
	})
	if err != nil {
		return CohortSession{}, err
	}
	_, cs, err := s.CohortSession(ctx, a, cohortID, id)
	return cs, err
}

// UpdateCohortSession changes a session. Its kind may change only while no
// attendance is recorded for it, so that marks always mean what they meant.
func (s *Store) UpdateCohortSession(ctx context.Context, a Actor, cohortID, id int64, in SessionInput) (CohortSession, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		c, err := s.cohortFor(ctx, tx, a, cohortID, true)
		if err != nil {
			return err
		}
		before, err := s.sessionOf(ctx, tx, a.OrgID, c.ID, id)
		if err != nil {
			return err
		}
		if err := s.validateSession(ctx, tx, a, c, id, &in); err != nil {
			return err
		}
		if in.Kind != before.Kind {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM attendance WHERE org_id = $1 AND session_id = $2", a.OrgID, id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return core.Invalid(map[string]string{"kind": "Attendance is already recorded for this session, so its kind cannot change."})
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cohort_sessions SET kind = $1, held_on = $2, start_time = $3, end_time = $4, place = $5, topic = $6, host_company_id = $7,
			makes_up_id = $8, covered = $9, visit_notes = $10, updated_at = $11 WHERE id = $12 AND org_id = $13 AND cohort_id = $14`,
			string(in.Kind), in.On, in.StartTime, in.EndTime, in.Place, in.Topic, nullID(in.HostCompanyID), nullID(in.MakesUpID), strings.Join(in.Covered, ","), in.VisitNotes,
			ms(s.now()), id, a.OrgID, c.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "cohort_session", id, "cohort "+idString(c.ID))
	})
	if err != nil {
		return CohortSession{}, err
	}
	_, cs, err := s.CohortSession(ctx, a, cohortID, id)
	return cs, err
}

// DeleteCohortSession removes a session that did not and will not happen (a
// date entered twice, a day cancelled for snow). A session with attendance
// recorded, or that a make-up session replaces, stays: its history counts.
func (s *Store) DeleteCohortSession(ctx context.Context, a Actor, cohortID, id int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		c, err := s.cohortFor(ctx, tx, a, cohortID, true)
		if err != nil {
			return err
		}
		if _, err := s.sessionOf(ctx, tx, a.OrgID, c.ID, id); err != nil {
			return err
		}
		var marks, makeUps int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM attendance WHERE org_id = $1 AND session_id = $2),
			(SELECT COUNT(*) FROM cohort_sessions WHERE org_id = $1 AND cohort_id = $3 AND makes_up_id = $2)`, a.OrgID, id, c.ID).Scan(&marks, &makeUps); err != nil {
			return err
		}
		switch {
		case marks > 0:
			return core.Conflict("Attendance is recorded for this session, so it stays: its marks count. Correct them on the session page if they are wrong.")
		case makeUps > 0:
			return core.Conflict("A make-up session replaces this one, so it stays. Remove the make-up first.")
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM cohort_sessions WHERE id = $1 AND org_id = $2 AND cohort_id = $3", id, a.OrgID, c.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionDelete, "cohort_session", id, "cohort "+idString(c.ID))
	})
}

// RosterEntry is one participant on a session's attendance list.
type RosterEntry struct {
	ParticipantID int64
	Name          string
	Status        cohort.Status
	Mark          cohort.Mark // empty when not recorded
}

// Roster is a session with its attendance list: everyone holding a place in
// the cohort, and anyone else already marked (someone who withdrew later).
type Roster struct {
	Cohort  Cohort
	Session CohortSession
	Entries []RosterEntry
}

func (s *Store) roster(ctx context.Context, q querier, orgID, cohortID, sessionID int64) ([]RosterEntry, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.name, p.status, COALESCE(at.mark, '') FROM participants p
		LEFT JOIN attendance at ON at.session_id = $3 AND at.participant_id = p.id
		WHERE p.org_id = $1 AND p.cohort_id = $2 AND (p.status IN ('enrolled', 'completed') OR at.mark IS NOT NULL)
		ORDER BY p.name, p.id`, orgID, cohortID, sessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RosterEntry
	for rows.Next() {
		var e RosterEntry
		var st, mark string
		if err := rows.Scan(&e.ParticipantID, &e.Name, &st, &mark); err != nil {
			return nil, err
		}
		e.Status, e.Mark = cohort.Status(st), cohort.Mark(mark)
		out = append(out, e)
	}
	return out, rows.Err()
}

// SessionRoster returns a session and its attendance list. The list names
// participants, so reading it is audited.
func (s *Store) SessionRoster(ctx context.Context, a Actor, cohortID, sessionID int64) (Roster, error) {
	c, cs, err := s.CohortSession(ctx, a, cohortID, sessionID)
	if err != nil {
		return Roster{}, err
	}
	entries, err := s.roster(ctx, s.rdb, a.OrgID, c.ID, cs.ID)
	if err != nil {
		return Roster{}, err
	}
	if err := s.recordRead(ctx, a, "cohort_session", cs.ID, "attendance list"); err != nil {
		return Roster{}, err
	}
	return Roster{Cohort: c, Session: cs, Entries: entries}, nil
}

// RecordAttendance sets the marks of a session for the participants given
// (others keep theirs). Only people holding a place, or already marked,
// can be marked; a session still to come cannot be.
func (s *Store) RecordAttendance(ctx context.Context, a Actor, cohortID, sessionID int64, marks map[int64]cohort.Mark) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		c, err := s.cohortFor(ctx, tx, a, cohortID, false)
		if err != nil {
			return err
		}
		cs, err := s.sessionOf(ctx, tx, a.OrgID, c.ID, sessionID)
		if err != nil {
			return err
		}
		if cs.On > cohort.Today(s.now()) {
			return core.Conflict("This session has not happened yet. Record attendance on the day or after it.")
		}
		if len(marks) == 0 {
			return core.Invalid(map[string]string{"attendance": "Mark at least one person."})
		}
		entries, err := s.roster(ctx, tx, a.OrgID, c.ID, cs.ID)
		if err != nil {
			return err
		}
		onList := map[int64]bool{}
		for _, e := range entries {
			onList[e.ParticipantID] = true
		}
		f := map[string]string{}
		ids := make([]int64, 0, len(marks))
		for pid, m := range marks {
			if !onList[pid] {
				f["mark_"+idString(pid)] = "This person does not hold a place in the cohort."
			} else if !cohort.ValidMark(m) {
				f["mark_"+idString(pid)] = "Choose present, late, excused or absent."
			}
			ids = append(ids, pid)
		}
		if err := core.Invalid(f); err != nil {
			return err
		}
		slices.Sort(ids)
		now := ms(s.now())
		for _, pid := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO attendance (org_id, cohort_id, session_id, participant_id, mark, recorded_at, recorded_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7)
				ON CONFLICT (session_id, participant_id) DO UPDATE SET mark = excluded.mark, recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by`,
				a.OrgID, c.ID, cs.ID, pid, string(marks[pid]), now, a.UserID); err != nil {
				return err
			}
		}
		parts := make([]string, len(ids))
		for i, pid := range ids {
			parts[i] = idString(pid)
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "cohort_session", cs.ID, "attendance for participants "+strings.Join(parts, ", "))
	})
}
