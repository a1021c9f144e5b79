package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"peerpath/internal/audit"
	"peerpath/internal/cohort"
)

// ReportRow is one cohort's numbers (or a year's totals).
type ReportRow struct {
	CohortID      int64 // 0 for totals
	Name          string
	ProgrammeName string
	ProgrammeKind cohort.Kind
	StartsOn      string
	EndsOn        string
	Students      bool
	Rule          cohort.Rule // the completion rule the numbers are counted under; zero for totals
	Cohorts       int         // totals: how many cohorts
	Enrolled      int         // ever held a place
	Withdrawn     int         // withdrew after holding a place
	Completed     int
	Certified     int // hold a valid certificate
	// Students who completed a student programme: what outcome rates are
	// shares of (a CPS graduate's job is not an ICAN outcome).
	StudentsCompleted int
	Offered           int // students with at least one offer
	Accepted          int
	Started           int
}

// Rate is n as a whole percentage of of; 0 when of is 0.
func Rate(n, of int) int {
	if of == 0 {
		return 0
	}
	return n * 100 / of
}

// CompletionRate is the share of those who held a place who completed.
func (r ReportRow) CompletionRate() int { return Rate(r.Completed, r.Enrolled) }

// OfferRate, AcceptRate and StartRate are shares of the students who
// completed a student programme.
func (r ReportRow) OfferRate() int  { return Rate(r.Offered, r.StudentsCompleted) }
func (r ReportRow) AcceptRate() int { return Rate(r.Accepted, r.StudentsCompleted) }
func (r ReportRow) StartRate() int  { return Rate(r.Started, r.StudentsCompleted) }

// Report is a year's cohorts (a page of them) and the year's totals.
type Report struct {
	Year  int
	Rows  []ReportRow
	Total ReportRow
	Next  string
}

func yearRange(year int) (string, string) {
	return fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-01-01", year+1)
}

// CohortReport returns the numbers of the cohorts the actor may see that
// started in year: a page of cohorts by start date, and the year's totals.
// Counts are of participants and certificates, so no person is named.
func (s *Store) CohortReport(ctx context.Context, a Actor, year int, p Page) (Report, error) {
	var afterStart string
	var afterID int64
	has, err := decodeCursor(p.Cursor, &afterStart, &afterID)
	if err != nil {
		return Report{}, err
	}
	from, to := yearRange(year)
	var args []any
	scope := cohortScope(a, &args)
	args = append(args, from, to)
	scope += fmt.Sprintf(" AND c.starts_on >= $%d AND c.starts_on < $%d", len(args)-1, len(args))
	q := "SELECT " + cohortColumns + " FROM cohorts c WHERE " + scope
	pageArgs := append([]any{}, args...)
	if has {
		pageArgs = append(pageArgs, afterStart, afterID)
		q += fmt.Sprintf(" AND (c.starts_on > $%d OR (c.starts_on = $%d AND c.id > $%d))", len(pageArgs)-1, len(pageArgs)-1, len(pageArgs))
	}
	limit := p.limit()
	db := s.staleOK(a) // a report: the replica may answer (replica.go)
	cs, err := queryCohortsOn(ctx, db, q+fmt.Sprintf(" ORDER BY c.starts_on, c.id LIMIT %d", limit+1), pageArgs...)
	if err != nil {
		return Report{}, err
	}
	cs, more := trim(cs, limit)
	rep := Report{Year: year, Rows: make([]ReportRow, len(cs))}
	idx := map[int64]int{}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		idx[c.ID], ids[i] = i, c.ID
		rep.Rows[i] = ReportRow{CohortID: c.ID, Name: c.Name, ProgrammeName: c.ProgrammeName, ProgrammeKind: c.ProgrammeKind, StartsOn: c.StartsOn, EndsOn: c.EndsOn, Students: c.Students, Rule: c.Rule}
	}
	if len(ids) > 0 {
		ph, inArgs := inList(ids, []any{a.OrgID})
		err := aggregate(ctx, db, a.OrgID, "IN ("+ph+")", inArgs[1:], func(cid int64, add func(*ReportRow)) {
			if i, ok := idx[cid]; ok {
				add(&rep.Rows[i])
			}
		})
		if err != nil {
			return Report{}, err
		}
	}
	// The year's totals, over every cohort of the year, not only this page.
	// The condition is built again after a first argument, because the
	// aggregate queries put org_id first.
	targs := []any{a.OrgID}
	tscope := cohortScope(a, &targs)
	targs = append(targs, from, to)
	tscope += fmt.Sprintf(" AND c.starts_on >= $%d AND c.starts_on < $%d", len(targs)-1, len(targs))
	rep.Total = ReportRow{Name: "All cohorts of " + strconv.Itoa(year)}
	err = aggregate(ctx, db, a.OrgID, "IN (SELECT c.id FROM cohorts c WHERE "+tscope+")", targs[1:], func(_ int64, add func(*ReportRow)) {
		add(&rep.Total)
	})
	if err != nil {
		return Report{}, err
	}
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM cohorts c WHERE "+scope, args...).Scan(&rep.Total.Cohorts); err != nil {
		return Report{}, err
	}
	if more {
		last := cs[len(cs)-1]
		rep.Next = encodeCursor(last.StartsOn, last.ID)
	}
	return rep, nil
}

// aggregate counts participants, certificates and outcomes per cohort for
// the cohorts matched by "cohort_id <in>" (three grouped queries), and hands
// each cohort's numbers to into.
func aggregate(ctx context.Context, db querier, orgID int64, in string, inArgs []any, into func(cohortID int64, add func(*ReportRow))) error {
	args := append([]any{orgID}, inArgs...)
	run := func(q string, scan func(*sql.Rows) (int64, func(*ReportRow), error)) error {
		rows, err := db.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			cid, add, err := scan(rows)
			if err != nil {
				return err
			}
			into(cid, add)
		}
		return rows.Err()
	}
	err := run(`SELECT p.cohort_id,
			SUM(CASE WHEN p.enrolled_on <> '' THEN 1 ELSE 0 END),
			SUM(CASE WHEN p.status = 'withdrawn' AND p.enrolled_on <> '' THEN 1 ELSE 0 END),
			SUM(CASE WHEN p.status = 'completed' THEN 1 ELSE 0 END),
			SUM(CASE WHEN p.status = 'completed' AND c.students THEN 1 ELSE 0 END)
		FROM participants p JOIN cohorts c ON c.id = p.cohort_id AND c.org_id = p.org_id
		WHERE p.org_id = $1 AND p.cohort_id `+in+` GROUP BY p.cohort_id`,
		func(rows *sql.Rows) (int64, func(*ReportRow), error) {
			var cid int64
			var enrolled, withdrawn, completed, students int
			err := rows.Scan(&cid, &enrolled, &withdrawn, &completed, &students)
			return cid, func(r *ReportRow) {
				r.Enrolled += enrolled
				r.Withdrawn += withdrawn
				r.Completed += completed
				r.StudentsCompleted += students
			}, err
		})
	if err != nil {
		return err
	}
	err = run(`SELECT cohort_id, COUNT(*) FROM certificates WHERE org_id = $1 AND revoked_at = 0 AND cohort_id `+in+` GROUP BY cohort_id`,
		func(rows *sql.Rows) (int64, func(*ReportRow), error) {
			var cid int64
			var n int
			err := rows.Scan(&cid, &n)
			return cid, func(r *ReportRow) { r.Certified += n }, err
		})
	if err != nil {
		return err
	}
	return run(`SELECT cohort_id,
			COUNT(DISTINCT CASE WHEN offered_on <> '' THEN participant_id END),
			COUNT(DISTINCT CASE WHEN accepted_on <> '' THEN participant_id END),
			COUNT(DISTINCT CASE WHEN started_on <> '' THEN participant_id END)
		FROM outcomes WHERE org_id = $1 AND cohort_id `+in+` GROUP BY cohort_id`,
		func(rows *sql.Rows) (int64, func(*ReportRow), error) {
			var cid int64
			var offered, accepted, started int
			err := rows.Scan(&cid, &offered, &accepted, &started)
			return cid, func(r *ReportRow) { r.Offered += offered; r.Accepted += accepted; r.Started += started }, err
		})
}

// ReportYears lists the years in which cohorts the actor may see started,
// newest first.
func (s *Store) ReportYears(ctx context.Context, a Actor) ([]int, error) {
	var args []any
	rows, err := s.staleOK(a).QueryContext(ctx, "SELECT DISTINCT substr(c.starts_on, 1, 4) FROM cohorts c WHERE "+cohortScope(a, &args)+" ORDER BY 1 DESC LIMIT 100", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y string
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		if n, err := strconv.Atoi(y); err == nil {
			out = append(out, n)
		}
	}
	return out, rows.Err()
}

// RecordReportExport audits the export of a year's report.
func (s *Store) RecordReportExport(ctx context.Context, a Actor, year int) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		return s.record(ctx, tx, a, audit.ActionExport, "cohort_report", 0, "year "+strconv.Itoa(year))
	})
}

// MyCourse is one of the actor's own participations, as they see it.
type MyCourse struct {
	Cohort      Cohort
	Progress    ParticipantProgress
	Sessions    []CohortSession
	NextSession *CohortSession
}

// MaxOwnCourses bounds the list of a person's own courses; nobody takes
// more than a few.
const MaxOwnCourses = 100

// MyCourses lists the cohorts in which the actor is a participant, newest
// first, with their progress. Only the actor's own participations are
// returned, whatever their roles. Each record shown is audited as read.
func (s *Store) MyCourses(ctx context.Context, a Actor) ([]MyCourse, error) {
	if a.UserID == 0 {
		return nil, nil
	}
	ps, err := s.queryParticipants(ctx, s.rdb, "SELECT "+participantColumns+" FROM participants p WHERE p.org_id = $1 AND p.user_id = $2 ORDER BY p.id DESC LIMIT "+strconv.Itoa(MaxOwnCourses), a.OrgID, a.UserID)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	cids := make([]int64, len(ps))
	pids := make([]int64, len(ps))
	for i, p := range ps {
		cids[i], pids[i] = p.CohortID, p.ID
	}
	cids = uniqueIDs(cids)
	ph, args := inList(cids, []any{a.OrgID})
	cs, err := s.queryCohorts(ctx, "SELECT "+cohortColumns+" FROM cohorts c WHERE c.org_id = $1 AND c.id IN ("+ph+")", args...)
	if err != nil {
		return nil, err
	}
	if err := s.loadTrainers(ctx, s.rdb, a.OrgID, cs); err != nil {
		return nil, err
	}
	byID := map[int64]Cohort{}
	for _, c := range cs {
		byID[c.ID] = c
	}
	sessions := map[int64][]CohortSession{}
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+sessionColumns+sessionFrom+"WHERE cs.org_id = $1 AND cs.cohort_id IN ("+ph+") ORDER BY cs.held_on, cs.start_time, cs.id",
		args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		cs, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		sessions[cs.CohortID] = append(sessions[cs.CohortID], cs)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	d, err := s.loadProgress(ctx, s.rdb, a.OrgID, pids)
	if err != nil {
		return nil, err
	}
	today := cohort.Today(s.now())
	out := make([]MyCourse, 0, len(ps))
	for _, p := range ps {
		c := byID[p.CohortID]
		mc := MyCourse{Cohort: c, Sessions: sessions[c.ID], Progress: evaluate(c, sessions[c.ID], p, d, today)}
		for i := range mc.Sessions {
			if mc.Sessions[i].On >= today {
				mc.NextSession = &mc.Sessions[i]
				break
			}
		}
		out = append(out, mc)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		for _, p := range ps {
			if err := s.record(ctx, tx, a, audit.ActionRead, "participant", p.ID, "own progress"); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// CountMyCourses counts the cohorts in which the actor is a participant, for
// the home page's link to them (cheaper than loading their progress).
func (s *Store) CountMyCourses(ctx context.Context, a Actor) (int, error) {
	var n int
	err := s.rdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM participants WHERE org_id = $1 AND user_id = $2", a.OrgID, a.UserID).Scan(&n)
	return n, err
}
