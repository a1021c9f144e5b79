package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"peerpath/internal/core"
)

// This file lists people for the pages a peer worker and a supervisor use
// all day ("People you support", the team view, the home page). Each list is
// one query for the page of people, ordered overdue first, with each
// person's safety plan version and date, plus one IN query per kind of
// related row for that page (workers, open referrals).

// People list filters: which statuses to show.
const (
	ShowAll = "all"
)

// PeopleFilter narrows a list of people.
type PeopleFilter struct {
	Status   string // active (the default), on_hold, closed, or all
	Query    string // part of a preferred or legal name, any case, accents ignored
	WorkerID int64  // only people assigned to this worker
	Overdue  bool   // only active people whose check-in is overdue
	// PlanDue keeps only active people whose safety plan is missing or not
	// reviewed within the organisation's number of days (plans.go).
	PlanDue bool
}

// CaseloadRow is one person as the lists show them: their check-in, who
// supports them, and their open referrals.
type CaseloadRow struct {
	Person
	FollowUps  []Referral // open referrals, the earliest follow-up first
	SafetyPlan PlanStatus // flagged when missing or not reviewed lately
}

// FollowUpsDue counts the open referrals whose follow-up falls on or before
// today.
func (r CaseloadRow) FollowUpsDue(today string) int {
	n := 0
	for _, f := range r.FollowUps {
		if f.FollowUpDue(today) {
			n++
		}
	}
	return n
}

// escapeLike makes s a literal inside a LIKE pattern (with ESCAPE '\').
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ListPeople lists the people the actor may see, overdue check-ins first,
// then by the next check-in due, soonest first. The read is audited with the
// ids of the people shown.
func (s *Store) ListPeople(ctx context.Context, a Actor, f PeopleFilter, p Page) (List[CaseloadRow], error) {
	l, err := s.listPeople(ctx, a, f, p)
	if err != nil {
		return l, err
	}
	people := make([]Person, len(l.Items))
	for i, r := range l.Items {
		people[i] = r.Person
	}
	return l, s.auditList(ctx, a, "people", people)
}

// listPeople is ListPeople without the audit entry: the queries alone, for
// the benchmark.
func (s *Store) listPeople(ctx context.Context, a Actor, f PeopleFilter, p Page) (List[CaseloadRow], error) {
	var afterDue string
	var afterID int64
	has, err := decodeCursor(p.Cursor, &afterDue, &afterID)
	if err != nil {
		return List[CaseloadRow]{}, err
	}
	status := f.Status
	if status == "" {
		status = StatusActive
	}
	if status != ShowAll && !contains(PersonStatuses, status) {
		return List[CaseloadRow]{}, core.Malformed("status", "Use active, on_hold, closed or all.")
	}
	set, err := s.planSettings(ctx, s.rdb, a.OrgID)
	if err != nil {
		return List[CaseloadRow]{}, err
	}
	cutoff := s.planCutoff(set.ReviewDays)
	cond, args := visibleTo(a, "p", nil)
	q := "SELECT " + personColumns + " FROM people p WHERE " + cond
	add := func(c string, vs ...any) {
		for _, v := range vs {
			args = append(args, v)
			c = strings.Replace(c, "$?", fmt.Sprintf("$%d", len(args)), 1)
		}
		q += " AND " + c
	}
	if status != ShowAll {
		add("p.status = $?", status)
	}
	if k := searchKey(f.Query); k != "" {
		pat := "%" + escapeLike(k) + "%"
		add(`(p.preferred_key LIKE $? ESCAPE '\' OR p.legal_key LIKE $? ESCAPE '\')`, pat, pat)
	}
	if f.WorkerID != 0 {
		add("p.id IN (SELECT pw2.person_id FROM person_workers pw2 WHERE pw2.user_id = $?)", f.WorkerID)
	}
	if f.Overdue {
		add("p.status = 'active' AND p.check_in_due_on < $?", s.Today())
	}
	if f.PlanDue {
		add(safetyPlanDue("$?"), ms(cutoff))
	}
	if has {
		add("(p.check_in_due_on > $? OR (p.check_in_due_on = $? AND p.id > $?))", afterDue, afterDue, afterID)
	}
	limit := p.limit()
	q += fmt.Sprintf(" ORDER BY p.check_in_due_on, p.id LIMIT %d", limit+1)
	// The page is chosen and sorted first; only then are the safety plan
	// columns looked up, for the rows of the page alone.
	q = "SELECT q.*, " + safetyPlanColumns + " FROM (" + q + ") q ORDER BY q.check_in_due_on, q.id"
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return List[CaseloadRow]{}, err
	}
	var people []Person
	var plans []PlanStatus
	for rows.Next() {
		var version int
		var savedAt int64
		pr, err := scanPerson(scanWith{rows, []any{&version, &savedAt}})
		if err != nil {
			rows.Close()
			return List[CaseloadRow]{}, err
		}
		people = append(people, pr)
		plans = append(plans, planStatus(SafetyPlan, version, fromMS(savedAt), pr.Status, set.ReviewDays, cutoff))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return List[CaseloadRow]{}, err
	}
	people, more := trim(people, limit)
	if err := s.loadWorkers(ctx, s.rdb, people); err != nil {
		return List[CaseloadRow]{}, err
	}
	out := make([]CaseloadRow, len(people))
	for i, pr := range people {
		out[i] = CaseloadRow{Person: pr, SafetyPlan: plans[i]}
	}
	if err := s.loadOpenReferrals(ctx, a.OrgID, out); err != nil {
		return List[CaseloadRow]{}, err
	}
	res := List[CaseloadRow]{Items: out}
	if more {
		last := people[len(people)-1]
		res.Next = encodeCursor(last.CheckInDueOn, last.ID)
	}
	return res, nil
}

// scanWith scans a row into a scanner's columns followed by extra ones.
type scanWith struct {
	rows  *sql.Rows
	extra []any
}

func (w scanWith) Scan(dest ...any) error { return w.rows.Scan(append(dest, w.extra...)...) }

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// auditList records that the actor was shown a list of people: one entry
// per page, naming the ids shown (never names or search terms).
func (s *Store) auditList(ctx context.Context, a Actor, what string, people []Person) error {
	if len(people) == 0 {
		return nil
	}
	ids := make([]string, len(people))
	for i, p := range people {
		ids[i] = idString(p.ID)
	}
	return s.recordRead(ctx, a, "person_list", 0, what+": "+strings.Join(ids, ","))
}

// loadWorkers fills in the assigned workers of people with one query.
func (s *Store) loadWorkers(ctx context.Context, q querier, people []Person) error {
	if len(people) == 0 {
		return nil
	}
	idx := map[int64]int{}
	ids := make([]int64, len(people))
	for i, p := range people {
		idx[p.ID], ids[i] = i, p.ID
		people[i].Workers = nil
	}
	in, args := inList(ids, nil)
	rows, err := q.QueryContext(ctx, `SELECT pw.person_id, u.id, u.name, u.active FROM person_workers pw JOIN users u ON u.id = pw.user_id
		WHERE pw.person_id IN (`+in+`) ORDER BY u.name, u.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		var w WorkerRef
		if err := rows.Scan(&pid, &w.ID, &w.Name, &w.Active); err != nil {
			return err
		}
		people[idx[pid]].Workers = append(people[idx[pid]].Workers, w)
	}
	return rows.Err()
}

// loadOpenReferrals fills in the open referrals of a page of people with one
// query.
func (s *Store) loadOpenReferrals(ctx context.Context, orgID int64, rows []CaseloadRow) error {
	if len(rows) == 0 {
		return nil
	}
	idx := map[int64]int{}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		idx[r.ID], ids[i] = i, r.ID
	}
	in, args := inList(ids, []any{orgID})
	refs, err := s.queryReferrals(ctx, s.rdb, "WHERE r.org_id = $1 AND r.status IN ('made', 'contacted') AND r.person_id IN ("+in+") ORDER BY r.follow_up_on, r.id", args...)
	if err != nil {
		return err
	}
	for _, r := range refs {
		i := idx[r.PersonID]
		rows[i].FollowUps = append(rows[i].FollowUps, r)
	}
	return nil
}

// FollowUpsDue lists open referrals whose follow-up is due (today or
// earlier) for people the actor may see, the earliest first; workerID, when
// set, keeps only people assigned to that worker.
func (s *Store) FollowUpsDue(ctx context.Context, a Actor, workerID int64, limit int) ([]Referral, error) {
	refs, err := s.followUpsDue(ctx, a, workerID, limit)
	if err != nil {
		return nil, err
	}
	people := make([]Person, len(refs))
	for i, r := range refs {
		people[i] = Person{ID: r.PersonID}
	}
	return refs, s.auditList(ctx, a, "follow-ups due", people)
}

// followUpsDue is FollowUpsDue without its audit entry.
func (s *Store) followUpsDue(ctx context.Context, a Actor, workerID int64, limit int) ([]Referral, error) {
	cond, args := visibleTo(a, "p", []any{a.OrgID, s.Today()})
	q := "WHERE r.org_id = $1 AND r.status IN ('made', 'contacted') AND r.follow_up_on <= $2 AND " + cond
	if workerID != 0 {
		args = append(args, workerID)
		q += fmt.Sprintf(" AND p.id IN (SELECT pw2.person_id FROM person_workers pw2 WHERE pw2.user_id = $%d)", len(args))
	}
	q += fmt.Sprintf(" ORDER BY r.follow_up_on, r.id LIMIT %d", Page{Limit: limit}.limit())
	return s.queryReferrals(ctx, s.rdb, q, args...)
}

// TeamMember is one worker's numbers on the team view.
type TeamMember struct {
	Worker       WorkerRef
	People       int // active people assigned
	Overdue      int // of those, check-ins overdue
	FollowUpsDue int // open referrals of their people with a follow-up due
	PlansDue     int // active people whose safety plan is missing or due for review
}

// Team counts, for each worker the actor oversees, their active people,
// overdue check-ins, follow-ups due and safety plans to write or review. A
// supervisor oversees their supervisees (and themselves, if they also
// support people); an administrator, every worker of the organisation. One
// query, whatever the team's size: one pass over the team's assignments
// (each active person's safety plan a seek on plan_versions_saved), joined
// with the follow-ups due counted once per worker. BenchmarkCaseload/team-*
// measures it.
func (s *Store) Team(ctx context.Context, a Actor) ([]TeamMember, error) {
	set, err := s.planSettings(ctx, s.rdb, a.OrgID)
	if err != nil {
		return nil, err
	}
	args := []any{a.OrgID, s.Today(), ms(s.planCutoff(set.ReviewDays))}
	var who string
	switch {
	case a.SeesEveryWorker():
		who = "EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = u.id AND ur.role IN " + rolesWorkingWithPeople + ")"
	case a.SupervisesWorkers():
		args = append(args, a.UserID)
		who = "(u.supervisor_id = $4"
		if a.HasOwnPeople() {
			who += " OR u.id = $4"
		}
		who += ")"
	default:
		return nil, core.Forbidden("The team view is for supervisors and administrators.")
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT u.id, u.name, COUNT(p.id),
		COALESCE(SUM(CASE WHEN p.check_in_due_on < $2 THEN 1 ELSE 0 END), 0),
		COALESCE(MAX(f.n), 0),
		COALESCE(SUM(CASE WHEN p.id IS NOT NULL AND `+safetyPlanDue("$3")+` THEN 1 ELSE 0 END), 0)
		FROM users u
		LEFT JOIN person_workers pw ON pw.user_id = u.id
		LEFT JOIN people p ON p.id = pw.person_id AND p.org_id = $1 AND p.status = 'active'
		LEFT JOIN (SELECT fw.user_id, COUNT(*) AS n FROM person_workers fw JOIN referrals r ON r.person_id = fw.person_id
			WHERE r.org_id = $1 AND r.status IN ('made', 'contacted') AND r.follow_up_on <= $2 GROUP BY fw.user_id) f ON f.user_id = u.id
		WHERE u.org_id = $1 AND u.active AND `+who+`
		GROUP BY u.id, u.name ORDER BY u.name, u.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TeamMember
	for rows.Next() {
		m := TeamMember{Worker: WorkerRef{Active: true}}
		if err := rows.Scan(&m.Worker.ID, &m.Worker.Name, &m.People, &m.Overdue, &m.FollowUpsDue, &m.PlansDue); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
