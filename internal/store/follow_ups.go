package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/core"
	"peerpath/internal/followup"
)

// Follow-up schedules (issue 17). A service programme — a name people are
// in (person_programmes) — may set assessment points (followup.Schedule):
// SAMHSA's SUPRT preset or the organisation's own. Every person's points
// live in follow_up_points, worked out again (refreshFollowUps) in the
// transaction of whatever changes them: an assessment taken, a programme
// joined or left, support closed or reopened, a merge, the schedule. So
// the due and overdue lists and the completion figures are index reads,
// never a pass over every person.

// ServiceProgramme is a programme people are in, with its follow-up schedule.
type ServiceProgramme struct {
	ID       int64
	Name     string
	Schedule followup.Schedule
	People   int // people in it (merged records left out)
}

const serviceProgrammeColumns = `sp.id, sp.name, sp.schedule, sp.baseline_days, sp.every_months, sp.window_days, sp.annual, sp.at_discharge, sp.target_percent`

// programmePeople counts the people in programme sp (merged records left out).
const programmePeople = `(SELECT COUNT(*) FROM person_programmes pp JOIN people p ON p.id = pp.person_id WHERE pp.org_id = sp.org_id AND pp.name = sp.name AND p.merged_into_id IS NULL)`

func scanSchedule(sc interface{ Scan(...any) error }, id *int64, name *string, sch *followup.Schedule, extra ...any) error {
	return sc.Scan(append([]any{id, name, &sch.Kind, &sch.BaselineDays, &sch.EveryMonths, &sch.WindowDays, &sch.Annual, &sch.AtDischarge, &sch.TargetPercent}, extra...)...)
}

// FollowUpSchedules lists the organisation's service programmes with their
// schedules and how many people are in each, by name. Anyone who works
// with people may read them (they hold nothing about a person).
func (s *Store) FollowUpSchedules(ctx context.Context, a Actor) ([]ServiceProgramme, error) {
	if !a.WorksWithPeople() {
		return nil, core.Forbidden("Only those who work with people see the programmes' schedules.")
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+serviceProgrammeColumns+`, `+programmePeople+`
		FROM service_programmes sp WHERE sp.org_id = $1 ORDER BY sp.name, sp.id LIMIT 500`, a.OrgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ServiceProgramme
	for rows.Next() {
		var p ServiceProgramme
		if err := scanSchedule(rows, &p.ID, &p.Name, &p.Schedule, &p.People); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// FollowUpSchedule reads one service programme's schedule; core.NotFound
// for a programme of another organisation or none.
func (s *Store) FollowUpSchedule(ctx context.Context, a Actor, programmeID int64) (ServiceProgramme, error) {
	if !a.WorksWithPeople() {
		return ServiceProgramme{}, core.NotFound("The programme")
	}
	return s.serviceProgramme(ctx, s.rdb, a.OrgID, programmeID)
}

func (s *Store) serviceProgramme(ctx context.Context, q querier, orgID, programmeID int64) (ServiceProgramme, error) {
	var p ServiceProgramme
	err := scanSchedule(q.QueryRowContext(ctx, `SELECT `+serviceProgrammeColumns+`, `+programmePeople+`
		FROM service_programmes sp WHERE sp.id = $1 AND sp.org_id = $2`, programmeID, orgID), &p.ID, &p.Name, &p.Schedule, &p.People)
	if errors.Is(err, sql.ErrNoRows) {
		return p, core.NotFound("The programme")
	}
	return p, err
}

// SetFollowUpSchedule sets a service programme's schedule: SUPRT's preset
// (its figures are SAMHSA's, whatever else in is), the organisation's own
// (custom, checked), or none. Administrators only. Every person in the
// programme has their points worked out again in the same transaction, past
// ones included, so the figures always measure against one schedule.
func (s *Store) SetFollowUpSchedule(ctx context.Context, a Actor, programmeID int64, in followup.Schedule) (ServiceProgramme, error) {
	switch in.Kind {
	case followup.SUPRT:
		in = followup.SUPRTSchedule()
	case followup.None:
		in = followup.Schedule{}
	}
	var out ServiceProgramme
	err := s.tx(ctx, func(tx *sql.Tx) error {
		p, err := s.serviceProgramme(ctx, tx, a.OrgID, programmeID)
		if err != nil {
			return err
		}
		if !a.MaySetFollowUpSchedules() {
			return core.Forbidden("Only an administrator sets a programme's follow-up schedule.")
		}
		if err := core.Invalid(in.Check()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE service_programmes SET schedule = $1, baseline_days = $2, every_months = $3, window_days = $4,
			annual = $5, at_discharge = $6, target_percent = $7, updated_at = $8, updated_by = $9 WHERE id = $10 AND org_id = $11`,
			in.Kind, in.BaselineDays, in.EveryMonths, in.WindowDays, in.Annual, in.AtDischarge, in.TargetPercent, ms(s.now()), a.UserID, p.ID, a.OrgID); err != nil {
			return err
		}
		ids, err := queryIDs(ctx, tx, `SELECT pp.person_id FROM person_programmes pp WHERE pp.org_id = $1 AND pp.name = $2`, a.OrgID, p.Name)
		if err != nil {
			return err
		}
		if err := s.refreshFollowUps(ctx, tx, a.OrgID, ids); err != nil {
			return err
		}
		p.Schedule = in
		out = p
		return s.record(ctx, tx, a, audit.ActionUpdate, "service_programme", p.ID, "follow-up schedule: "+in.Kind)
	})
	return out, err
}

func queryIDs(ctx context.Context, q querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// ensureServiceProgrammes gives every programme name a person is in its
// service_programmes row, inside the transaction that put them in it.
func ensureServiceProgrammes(ctx context.Context, tx *sql.Tx, orgID, personID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO service_programmes (org_id, name)
		SELECT DISTINCT pp.org_id, pp.name FROM person_programmes pp WHERE pp.org_id = $1 AND pp.person_id = $2
		ON CONFLICT (org_id, name) DO NOTHING`, orgID, personID)
	return err
}

// refreshFollowUps works out again the follow-up points of people of one
// organisation, inside the transaction that changed something they depend
// on: a few queries per 500 people, whatever the number of points.
func (s *Store) refreshFollowUps(ctx context.Context, tx *sql.Tx, orgID int64, personIDs []int64) error {
	for start := 0; start < len(personIDs); start += maxInList {
		if err := s.refreshFollowUpBatch(ctx, tx, orgID, personIDs[start:min(start+maxInList, len(personIDs))]); err != nil {
			return err
		}
	}
	return nil
}

type pointRow struct {
	personID, programmeID int64
	followup.Point
}

func (s *Store) refreshFollowUpBatch(ctx context.Context, tx *sql.Tx, orgID int64, ids []int64) error {
	in, args := inList(ids, []any{orgID})
	if _, err := tx.ExecContext(ctx, "DELETE FROM follow_up_points WHERE org_id = $1 AND person_id IN ("+in+")", args...); err != nil {
		return err
	}
	type member struct {
		personID, programmeID int64
		sch                   followup.Schedule
		start, closed         string
	}
	var members []member
	rows, err := tx.QueryContext(ctx, `SELECT pp.person_id, sp.id, sp.schedule, sp.baseline_days, sp.every_months, sp.window_days, sp.annual, sp.at_discharge, sp.target_percent,
		pp.started_on, p.active_since_at, p.status, p.closed_on, p.updated_at
		FROM person_programmes pp JOIN service_programmes sp ON sp.org_id = pp.org_id AND sp.name = pp.name JOIN people p ON p.id = pp.person_id
		WHERE pp.org_id = $1 AND pp.person_id IN (`+in+`) AND sp.schedule <> '' AND p.merged_into_id IS NULL`, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var m member
		var since, updated int64
		var status string
		if err := rows.Scan(&m.personID, &m.programmeID, &m.sch.Kind, &m.sch.BaselineDays, &m.sch.EveryMonths, &m.sch.WindowDays, &m.sch.Annual, &m.sch.AtDischarge, &m.sch.TargetPercent,
			&m.start, &since, &status, &m.closed, &updated); err != nil {
			rows.Close()
			return err
		}
		if m.start == "" { // joined before start days were kept: support began then
			m.start = core.Today(fromMS(since))
		}
		if status != StatusClosed {
			m.closed = ""
		} else if m.closed == "" { // closed before closing days were kept
			m.closed = core.Today(fromMS(updated))
		}
		members = append(members, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(members) == 0 {
		return err
	}
	taken := map[int64][]string{}
	rows, err = tx.QueryContext(ctx, "SELECT person_id, taken_on FROM recovery_assessments WHERE org_id = $1 AND person_id IN ("+in+")", args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var pid int64
		var on string
		if err := rows.Scan(&pid, &on); err != nil {
			rows.Close()
			return err
		}
		taken[pid] = append(taken[pid], on)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var points []pointRow
	for _, m := range members {
		for _, p := range followup.Points(m.sch, m.start, m.closed, taken[m.personID]) {
			points = append(points, pointRow{m.personID, m.programmeID, p})
		}
	}
	const per = 50 // rows per INSERT (11 arguments each)
	for start := 0; start < len(points); start += per {
		chunk := points[start:min(start+per, len(points))]
		var vals []string
		var iargs []any
		for _, p := range chunk {
			n := len(iargs)
			vals = append(vals, fmt.Sprintf("($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9, n+10, n+11))
			iargs = append(iargs, orgID, p.personID, p.programmeID, p.Kind, p.Months, p.Target, p.Opens, p.Closes, p.LateUntil, p.DoneOn, p.Outcome)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO follow_up_points (org_id, person_id, programme_id, kind, months, target_on, opens_on, closes_on, late_until, done_on, outcome)
			VALUES `+strings.Join(vals, ", "), iargs...); err != nil {
			return err
		}
	}
	return nil
}

// FollowUp is one assessment point due or overdue for a person.
type FollowUp struct {
	ID            int64
	PersonID      int64
	PreferredName string
	ProgrammeID   int64
	Programme     string
	followup.Point
}

// Statuses a follow-up list asks for.
const (
	FollowUpsDue     = "due"     // the window is open today
	FollowUpsOverdue = "overdue" // the window has closed; it can still be done late
)

// FollowUpFilter chooses a follow-up list.
type FollowUpFilter struct {
	Status string // FollowUpsDue or FollowUpsOverdue
	Mine   bool   // only people assigned to the actor (their home page)
}

// FollowUps lists the assessment points due (window open today, earliest
// closing first) or overdue (window closed, not done, the soonest past
// doing late first) for the people the actor may see, or only their own;
// names follow the visibility rule and the people listed are audited (one
// entry per page view). Keyset-paginated.
func (s *Store) FollowUps(ctx context.Context, a Actor, f FollowUpFilter, pg Page) (List[FollowUp], error) {
	res, err := s.followUps(ctx, a, f, pg)
	if err != nil {
		return res, err
	}
	people := make([]Person, len(res.Items))
	for i, u := range res.Items {
		people[i] = Person{ID: u.PersonID}
	}
	if f.Status == "" {
		f.Status = FollowUpsDue
	}
	return res, s.auditList(ctx, a, "assessment follow-ups "+f.Status, people)
}

// followUps is FollowUps without its audit entry.
func (s *Store) followUps(ctx context.Context, a Actor, f FollowUpFilter, pg Page) (List[FollowUp], error) {
	order := "f.closes_on"
	var where string
	switch f.Status {
	case FollowUpsDue, "":
		f.Status = FollowUpsDue
		where = "f.opens_on <= $2 AND f.closes_on >= $2"
	case FollowUpsOverdue:
		order = "f.late_until"
		where = "f.closes_on < $2 AND f.late_until >= $2 AND f.opens_on <= $2" // opening day: a seek in a person's open points
	default:
		return List[FollowUp]{}, core.Invalid(map[string]string{"status": "Choose due or overdue."})
	}
	var afterOn string
	var afterID int64
	has, err := decodeCursor(pg.Cursor, &afterOn, &afterID)
	if err != nil {
		return List[FollowUp]{}, err
	}
	args := []any{a.OrgID, s.Today()}
	from := "follow_up_points f JOIN people p ON p.id = f.person_id"
	if people, ok := ownPeople(a, f.Mine, &args); ok {
		// A worker's or a team's list starts from their people (a seek per
		// person), not from the organisation's points.
		from = "(" + people + ") mine CROSS JOIN follow_up_points f CROSS JOIN people p"
		where += " AND f.person_id = mine.person_id AND p.id = f.person_id"
	}
	q := `SELECT f.id, f.person_id, p.preferred_name, f.programme_id, sp.name, f.kind, f.months, f.target_on, f.opens_on, f.closes_on, f.late_until
		FROM ` + from + ` JOIN service_programmes sp ON sp.id = f.programme_id
		WHERE f.org_id = $1 AND f.outcome = '' AND ` + where
	if has {
		args = append(args, afterOn, afterID)
		q += fmt.Sprintf(" AND (%s > $%d OR (%s = $%d AND f.id > $%d))", order, len(args)-1, order, len(args)-1, len(args))
	}
	cond, args := visibleTo(a, "p", args)
	limit := pg.limit()
	q += " AND " + cond + fmt.Sprintf(" ORDER BY %s, f.id LIMIT %d", order, limit+1)
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return List[FollowUp]{}, err
	}
	defer rows.Close()
	var items []FollowUp
	for rows.Next() {
		var u FollowUp
		if err := rows.Scan(&u.ID, &u.PersonID, &u.PreferredName, &u.ProgrammeID, &u.Programme, &u.Kind, &u.Months, &u.Target, &u.Opens, &u.Closes, &u.LateUntil); err != nil {
			return List[FollowUp]{}, err
		}
		items = append(items, u)
	}
	if err := rows.Err(); err != nil {
		return List[FollowUp]{}, err
	}
	items, more := trim(items, limit)
	res := List[FollowUp]{Items: items}
	if more {
		last := items[len(items)-1]
		key := last.Closes
		if f.Status == FollowUpsOverdue {
			key = last.LateUntil
		}
		res.Next = encodeCursor(key, last.ID)
	}
	return res, nil
}

// ownPeople is the SQL for the ids of the people a list of follow-ups
// starts from when it is not the whole organisation's: the actor's own
// (mine, or a peer worker), or a supervisor's own and their supervisees'.
// Its argument is appended to args. The list still applies visibleTo.
func ownPeople(a Actor, mine bool, args *[]any) (string, bool) {
	if a.SeesEveryPerson() && !mine {
		return "", false
	}
	*args = append(*args, a.UserID)
	me := len(*args)
	q := fmt.Sprintf("SELECT pw.person_id FROM person_workers pw WHERE pw.user_id = $%d", me)
	if !mine && a.oversees() {
		q += fmt.Sprintf(" UNION SELECT pw.person_id FROM person_workers pw JOIN users w ON w.id = pw.user_id WHERE w.supervisor_id = $%d", me)
	}
	return q, true
}

// PersonFollowUps lists a person's assessment points in every programme
// with a schedule, in date order, for their page; the read is audited.
func (s *Store) PersonFollowUps(ctx context.Context, a Actor, personID int64) ([]FollowUp, error) {
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT f.id, f.person_id, f.programme_id, sp.name, f.kind, f.months, f.target_on, f.opens_on, f.closes_on, f.late_until, f.done_on, f.outcome
		FROM follow_up_points f JOIN service_programmes sp ON sp.id = f.programme_id
		WHERE f.org_id = $1 AND f.person_id = $2 ORDER BY f.opens_on, f.id LIMIT 200`, a.OrgID, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FollowUp
	for rows.Next() {
		var u FollowUp
		if err := rows.Scan(&u.ID, &u.PersonID, &u.ProgrammeID, &u.Programme, &u.Kind, &u.Months, &u.Target, &u.Opens, &u.Closes, &u.LateUntil, &u.DoneOn, &u.Outcome); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.recordRead(ctx, a, "person", personID, "follow-ups")
}

// Completion scopes.
const (
	CompletionOrg       = "org"
	CompletionProgramme = "programme"
	CompletionTeam      = "team"
	CompletionWorker    = "worker"
)

// CompletionCounts are the follow-ups (every point after the baseline)
// whose window closed in a period, before today.
type CompletionCounts struct {
	Due     int // windows that closed in the period
	OnTime  int // an assessment inside the window
	Late    int // an assessment after the window, before the next one opened
	Overdue int // not done, can still be done late
	Missed  int // not done, and the next window has opened
}

// RatePercent is the share done on time, rounded down (so 79.6 % never
// reads as a target of 80 % met); -1 when nothing was due.
func (c CompletionCounts) RatePercent() int {
	if c.Due == 0 {
		return -1
	}
	return int(math.Floor(100 * float64(c.OnTime) / float64(c.Due)))
}

// ProgrammeCompletion is one programme's part of a completion figure.
type ProgrammeCompletion struct {
	ProgrammeID int64
	Name        string
	Schedule    followup.Schedule
	CompletionCounts
}

// FollowUpCompletion is how many follow-ups were completed on time in a
// scope and period, against the target and whose target it is.
type FollowUpCompletion struct {
	ScopeKind string
	ScopeID   int64
	From, To  string
	CompletionCounts
	Rate          float64 // OnTime / Due, 0 to 1; 0 when nothing was due
	TargetPercent int     // 0: no target (none set, or the programmes' targets differ)
	TargetOwner   string  // "SAMHSA SUPRT", "Your organisation's setting", or ""
	TargetLabel   string  // "target 80 % (SAMHSA SUPRT)"
	ByProgramme   []ProgrammeCompletion
}

// Summary is the figure in a line: "Completed on time: 83 % — target 80 % (SAMHSA SUPRT)".
func (c FollowUpCompletion) Summary() string {
	if c.Due == 0 {
		return "No follow-ups were due in this period."
	}
	return fmt.Sprintf("Completed on time: %d %% — %s", c.RatePercent(), c.TargetLabel)
}

// FollowUpCompletion counts the follow-ups (every assessment point after
// the baseline) whose window closed from from to to (YYYY-MM-DD, both
// included) and before today, in a scope: the organisation (scopeID
// ignored) or a programme (administrators), a team (scopeID: the
// supervisor; their supervisees' people), a worker (their people). The
// target is the programmes' (SAMHSA's 80 % for SUPRT, or the
// organisation's setting), labelled whose it is. An unknown scope, or one
// the actor may not see, is core.NotFound. Counts only: no names.
func (s *Store) FollowUpCompletion(ctx context.Context, a Actor, scopeKind string, scopeID int64, from, to string) (FollowUpCompletion, error) {
	out := FollowUpCompletion{ScopeKind: scopeKind, ScopeID: scopeID, From: from, To: to}
	f := map[string]string{}
	if _, err := time.Parse(dateLayout, from); err != nil {
		f["from"] = "Enter the first day of the period, such as 2026-01-01."
	}
	if _, err := time.Parse(dateLayout, to); err != nil {
		f["to"] = "Enter the last day of the period, such as 2026-12-31."
	} else if len(f) == 0 && to < from {
		f["to"] = "Enter a last day on or after the first day."
	}
	if err := core.Invalid(f); err != nil {
		return out, err
	}
	notFound := core.NotFound("The scope")
	args := []any{a.OrgID, from, to, s.Today()}
	where := "f.org_id = $1 AND f.kind <> 'baseline' AND f.closes_on >= $2 AND f.closes_on <= $3 AND f.closes_on < $4"
	points := "follow_up_points f"
	var supervisor int64
	switch scopeKind {
	case CompletionOrg:
		out.ScopeID = 0
	case CompletionProgramme:
		if _, err := s.serviceProgramme(ctx, s.rdb, a.OrgID, scopeID); err != nil {
			return out, err
		}
		args = append(args, scopeID)
		where += fmt.Sprintf(" AND f.programme_id = $%d", len(args))
	case CompletionTeam:
		var n int
		if err := s.rdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE id = $1 AND org_id = $2", scopeID, a.OrgID).Scan(&n); err != nil {
			return out, err
		} else if n == 0 {
			return out, notFound
		}
		args = append(args, scopeID)
		points = fmt.Sprintf("(SELECT DISTINCT pw.person_id FROM person_workers pw JOIN users w ON w.id = pw.user_id WHERE w.org_id = $1 AND w.supervisor_id = $%d) team CROSS JOIN follow_up_points f", len(args))
		where += " AND f.person_id = team.person_id"
	case CompletionWorker:
		var sup sql.NullInt64
		err := s.rdb.QueryRowContext(ctx, "SELECT supervisor_id FROM users WHERE id = $1 AND org_id = $2", scopeID, a.OrgID).Scan(&sup)
		if errors.Is(err, sql.ErrNoRows) {
			return out, notFound
		} else if err != nil {
			return out, err
		}
		supervisor = sup.Int64
		args = append(args, scopeID)
		points = fmt.Sprintf("(SELECT pw.person_id FROM person_workers pw WHERE pw.user_id = $%d) theirs CROSS JOIN follow_up_points f", len(args))
		where += " AND f.person_id = theirs.person_id"
	default:
		return out, notFound
	}
	if !a.MaySeeFollowUpCompletion(scopeKind, scopeID, supervisor) {
		return out, notFound
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT f.programme_id, COUNT(*),
		SUM(CASE WHEN f.outcome = 'on_time' THEN 1 ELSE 0 END),
		SUM(CASE WHEN f.outcome = 'late' THEN 1 ELSE 0 END),
		SUM(CASE WHEN f.outcome = '' AND f.late_until >= $4 THEN 1 ELSE 0 END)
		FROM `+points+` WHERE `+where+` GROUP BY f.programme_id`, args...)
	if err != nil {
		return out, err
	}
	byID := map[int64]*ProgrammeCompletion{}
	var ids []int64
	for rows.Next() {
		var pc ProgrammeCompletion
		if err := rows.Scan(&pc.ProgrammeID, &pc.Due, &pc.OnTime, &pc.Late, &pc.Overdue); err != nil {
			rows.Close()
			return out, err
		}
		pc.Missed = pc.Due - pc.OnTime - pc.Late - pc.Overdue
		out.ByProgramme = append(out.ByProgramme, pc)
		ids = append(ids, pc.ProgrammeID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	if scopeKind == CompletionProgramme && len(ids) == 0 {
		out.ByProgramme = []ProgrammeCompletion{{ProgrammeID: scopeID}}
		ids = []int64{scopeID}
	}
	for i := range out.ByProgramme {
		byID[out.ByProgramme[i].ProgrammeID] = &out.ByProgramme[i]
	}
	if len(ids) > 0 {
		in, pargs := inList(ids, []any{a.OrgID})
		prows, err := s.rdb.QueryContext(ctx, `SELECT `+serviceProgrammeColumns+` FROM service_programmes sp WHERE sp.org_id = $1 AND sp.id IN (`+in+`) ORDER BY sp.name, sp.id`, pargs...)
		if err != nil {
			return out, err
		}
		for prows.Next() {
			var id int64
			var name string
			var sch followup.Schedule
			if err := scanSchedule(prows, &id, &name, &sch); err != nil {
				prows.Close()
				return out, err
			}
			if pc := byID[id]; pc != nil {
				pc.Name, pc.Schedule = name, sch
			}
		}
		prows.Close()
		if err := prows.Err(); err != nil {
			return out, err
		}
	}
	for i, pc := range out.ByProgramme {
		out.Due += pc.Due
		out.OnTime += pc.OnTime
		out.Late += pc.Late
		out.Overdue += pc.Overdue
		out.Missed += pc.Missed
		if i == 0 {
			out.TargetPercent, out.TargetOwner, out.TargetLabel = pc.Schedule.TargetPercent, pc.Schedule.Owner(), pc.Schedule.TargetLabel()
		} else if pc.Schedule.TargetPercent != out.TargetPercent || pc.Schedule.Owner() != out.TargetOwner {
			out.TargetPercent, out.TargetOwner, out.TargetLabel = 0, "", "the programmes' targets differ: see each programme"
		}
	}
	if len(out.ByProgramme) == 0 {
		out.TargetLabel = "no programme with a schedule had follow-ups due"
	}
	if out.Due > 0 {
		out.Rate = float64(out.OnTime) / float64(out.Due)
	}
	return out, nil
}
