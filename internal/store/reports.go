package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/framework"
	"peerpath/internal/recovery"
	"peerpath/internal/reporting"
)

// The organisation's reports (issue 17): what the organisation did
// (activity), what changed for the people it supports (outcomes) and its
// workforce, for a period and a scope (the organisation, a programme, a
// supervisor's team, a worker). Reports hold counts, never names. Contacts
// are read from their daily counts (contact_days.go): the organisation's
// from contact_org_days (tens of thousands of rows a year), a scope's people one
// seek at a time, a team's or worker's from their own rows; everything else
// through indexes that start with the organisation. Every report read is
// audited with its scope and period. Timed by BenchmarkReportOrgYear
// (docs/performance.md).

// Report kinds.
const (
	ReportActivity  = "activity"
	ReportOutcomes  = "outcomes"
	ReportWorkforce = "workforce"
)

// ReportKinds lists the reports.
var ReportKinds = []string{ReportActivity, ReportOutcomes, ReportWorkforce}

// ReportOptions are a report's settings beyond its period and scope.
type ReportOptions struct {
	// Shared marks a report for sharing outside the organisation (a funder
	// export): small numbers are hidden (reporting.Report.Protect).
	Shared bool
	// ExpiringDays is the organisation's window for "expiring" credentials
	// in the workforce report; DefaultExpiringDays when 0.
	ExpiringDays int
}

// DefaultExpiringDays is the window for expiring credentials until the
// person asking chooses another: the first of peerpath's credential
// reminders (workforce.ReminderFor).
const DefaultExpiringDays = 90

// MaxExpiringDays bounds the window.
const MaxExpiringDays = 730

// reportDB is where reports read: the PostgreSQL standby when one is
// configured and caught up with what this actor last changed (staleOK,
// replica.go), else the primary.
func (s *Store) reportDB(a Actor) querier { return s.staleOK(a) }

// followUpTable is where the completion of programme follow-ups joins the
// outcomes report (follow-up schedules are built separately); nil leaves
// the table out.
var followUpTable func(ctx context.Context, s *Store, q querier, a Actor, sc reportScope, p reporting.Period) (*reporting.Table, error)

// reportScope is a scope resolved for an actor: how its people and its
// workers are chosen in SQL.
type reportScope struct {
	reporting.Scope
	orgID int64
	label string
	args  reporting.Args // the values label carries beyond the scope (a team's size)
	// workers are the team's or the worker's ids; nil for the organisation
	// and a programme.
	workers []int64
}

// args builds the arguments of one query, numbering placeholders.
type args struct{ list []any }

func (x *args) p(v any) string {
	x.list = append(x.list, v)
	return fmt.Sprintf("$%d", len(x.list))
}

// people is the condition that col (a person id) is one of the scope's
// people: the programme's, or those assigned to the team or worker.
func (sc reportScope) people(x *args, col string) string {
	switch sc.Kind {
	case reporting.ScopeProgramme:
		return fmt.Sprintf(" AND %s IN (SELECT pp.person_id FROM person_programmes pp WHERE pp.org_id = %s AND pp.name = %s)", col, x.p(sc.orgID), x.p(sc.Name))
	case reporting.ScopeTeam, reporting.ScopeWorker:
		return fmt.Sprintf(" AND %s IN (SELECT pw.person_id FROM person_workers pw WHERE pw.org_id = %s AND pw.user_id IN (%s))", col, x.p(sc.orgID), sc.in(x))
	}
	return ""
}

// madeBy is the condition that a record's author col is one of the team's
// or the worker's ids, or for the organisation and a programme, that the
// record is about one of the scope's people (personCol).
func (sc reportScope) madeBy(x *args, col, personCol string) string {
	switch sc.Kind {
	case reporting.ScopeTeam, reporting.ScopeWorker:
		return fmt.Sprintf(" AND %s IN (%s)", col, sc.in(x))
	}
	return sc.people(x, personCol)
}

func (sc reportScope) in(x *args) string {
	if len(sc.workers) == 0 {
		return "0"
	}
	ph := make([]string, len(sc.workers))
	for i, id := range sc.workers {
		ph[i] = x.p(id)
	}
	return strings.Join(ph, ", ")
}

// DefaultReportScope is the scope a report opens on for the actor: the
// organisation for an administrator, their team for a supervisor, their
// own for a worker.
func DefaultReportScope(a Actor) reporting.Scope {
	switch {
	case a.MaySeeOrgReports():
		return reporting.Scope{Kind: reporting.ScopeOrg}
	case a.MaySeeTeamReport(a.UserID):
		return reporting.Scope{Kind: reporting.ScopeTeam, ID: a.UserID}
	}
	return reporting.Scope{Kind: reporting.ScopeWorker, ID: a.UserID}
}

// resolveScope checks that the scope exists in the actor's organisation and
// that they may see its report; either failing is "not found".
func (s *Store) resolveScope(ctx context.Context, q querier, a Actor, sc reporting.Scope) (reportScope, error) {
	out := reportScope{Scope: sc, orgID: a.OrgID}
	notFound := core.NotFound("The report")
	switch sc.Kind {
	case reporting.ScopeOrg:
		if !a.MaySeeOrgReports() {
			return out, notFound
		}
		out.label = "the whole organisation"
	case reporting.ScopeProgramme:
		if !a.MaySeeOrgReports() {
			return out, notFound
		}
		// A programme is named by its id (service_programmes); people's
		// programmes are kept by name (person_programmes.name), so the
		// report's conditions use the name found here.
		var name string
		err := q.QueryRowContext(ctx, "SELECT name FROM service_programmes WHERE id = $1 AND org_id = $2", sc.ID, a.OrgID).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return out, notFound
		}
		if err != nil {
			return out, err
		}
		out.Name, out.label = name, "the programme "+name
	case reporting.ScopeTeam, reporting.ScopeWorker:
		var w Worker
		var sup sql.NullInt64
		err := q.QueryRowContext(ctx, "SELECT id, name, supervisor_id FROM users WHERE id = $1 AND org_id = $2", sc.ID, a.OrgID).Scan(&w.ID, &w.Name, &sup)
		if errors.Is(err, sql.ErrNoRows) {
			return out, notFound
		}
		if err != nil {
			return out, err
		}
		w.SupervisorID = sup.Int64
		if sc.Kind == reporting.ScopeWorker {
			if !a.MaySeeWorkerReport(w) {
				return out, notFound
			}
			out.workers, out.label = []int64{w.ID}, "one worker"
			break
		}
		if !a.MaySeeTeamReport(w.ID) {
			return out, notFound
		}
		rows, err := q.QueryContext(ctx, "SELECT id FROM users WHERE org_id = $1 AND supervisor_id = $2 ORDER BY id", a.OrgID, w.ID)
		if err != nil {
			return out, err
		}
		if out.workers, err = collect(rows, scanID); err != nil {
			return out, err
		}
		out.label = fmt.Sprintf("a supervisor's team of %d", len(out.workers))
		out.args = reporting.Args{"Count": len(out.workers)}
	default:
		return out, notFound
	}
	return out, nil
}

func scanID(sc interface{ Scan(...any) error }) (int64, error) {
	var id int64
	return id, sc.Scan(&id)
}

func scanString(sc interface{ Scan(...any) error }) (string, error) {
	var v string
	return v, sc.Scan(&v)
}

// Report builds one report (activity, outcomes or workforce) for a period
// and a scope, and audits its read with both. An unknown kind or a scope
// the actor may not see is "not found".
func (s *Store) Report(ctx context.Context, a Actor, kind string, sc reporting.Scope, p reporting.Period, opt ReportOptions) (*reporting.Report, error) {
	if opt.ExpiringDays == 0 {
		opt.ExpiringDays = DefaultExpiringDays
	}
	if opt.ExpiringDays < 1 || opt.ExpiringDays > MaxExpiringDays {
		return nil, core.Invalid(map[string]string{"expiring_days": fmt.Sprintf("Enter a number of days from 1 to %d.", MaxExpiringDays)})
	}
	if _, err := reporting.ParsePeriod(p.From, p.To, s.Today()); err != nil {
		return nil, err
	}
	q := s.reportDB(a)
	rs, err := s.resolveScope(ctx, q, a, sc)
	if err != nil {
		return nil, err
	}
	r := &reporting.Report{Kind: kind, Scope: rs.Scope, ScopeFor: rs.label, ScopeArgs: rs.args, Period: p}
	switch kind {
	case ReportActivity:
		r.Title = "Activity"
		err = s.activityReport(ctx, q, rs, p, r)
	case ReportOutcomes:
		r.Title = "Outcomes"
		err = s.outcomesReport(ctx, q, a, rs, p, r)
	case ReportWorkforce:
		r.Title = "Workforce"
		err = s.workforceReport(ctx, q, rs, p, opt, r)
	default:
		return nil, core.NotFound("The report")
	}
	if err != nil {
		return nil, err
	}
	if opt.Shared {
		r.Protect()
	}
	detail := fmt.Sprintf("%s report, scope %s, %s to %s", kind, rs.Scope.String(), p.From, p.To)
	if opt.Shared {
		detail += ", shared"
	}
	return r, s.recordRead(ctx, a, "report", 0, detail)
}

func count(n int) float64 { return float64(n) }

// noReason stands for the reason support ended when none was written.
const noReason = "(no reason written)"

func newTable(key, title string, cols ...reporting.Column) *reporting.Table {
	return &reporting.Table{Key: key, Title: title, Columns: cols}
}

var (
	colCount = func(key, label string) reporting.Column {
		return reporting.Column{Key: key, Label: label, Kind: reporting.KindCount}
	}
	colHours = reporting.Column{Key: "hours", Label: "Hours", Kind: reporting.KindHours}
)

// ---- Activity ----

func (s *Store) activityReport(ctx context.Context, q querier, sc reportScope, p reporting.Period, r *reporting.Report) error {
	from, to := p.Bounds()
	people := &reporting.Section{Key: "people", Title: "People served"}
	served := newTable("people_served", "People served", colCount("people", "People"))
	served.Note = "New: support began in the period. Active: had at least one contact in the period. Closed: support ended in the period."

	x := &args{}
	var newPeople int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM people p WHERE p.org_id = `+x.p(sc.orgID)+` AND p.merged_into_id IS NULL
		AND p.created_at >= `+x.p(ms(from))+` AND p.created_at < `+x.p(ms(to))+sc.people(x, "p.id"), x.list...).Scan(&newPeople); err != nil {
		return err
	}
	x = &args{}
	rows, err := q.QueryContext(ctx, `SELECT p.closed_reason FROM people p WHERE p.org_id = `+x.p(sc.orgID)+` AND p.merged_into_id IS NULL
		AND p.status = 'closed' AND p.closed_at >= `+x.p(ms(from))+` AND p.closed_at < `+x.p(ms(to))+sc.people(x, "p.id"), x.list...)
	if err != nil {
		return err
	}
	reasons, err := collect(rows, scanString)
	if err != nil {
		return err
	}

	// Contacts, from their daily counts.
	x = &args{}
	where := `org_id = ` + x.p(sc.orgID) + ` AND day_on >= ` + x.p(p.From) + ` AND day_on <= ` + x.p(p.To) + sc.madeBy(x, "worker_id", "person_id")
	type agg struct{ n, min int64 }
	byKind, byMode, byFormat, byWeek := map[string]*agg{}, map[string]*agg{}, map[string]*agg{}, map[string]*agg{}
	add := func(m map[string]*agg, k string, n, min int64) {
		if m[k] == nil {
			m[k] = &agg{}
		}
		m[k].n += n
		m[k].min += min
	}
	// The breakdowns and the weekly chart: for the organisation, from its
	// day rows (contact_org_days, its shards summed); for a
	// programme, a team or a worker, from the day rows of its people or
	// its workers.
	byWeekKind := `SELECT week_on, kind, mode, format, SUM(contacts), SUM(minutes) FROM contact_days WHERE ` + where + ` GROUP BY week_on, kind, mode, format`
	weekArgs := x.list
	if sc.Kind == reporting.ScopeOrg {
		byWeekKind = `SELECT week_on, kind, mode, format, SUM(contacts), SUM(minutes) FROM contact_org_days
			WHERE org_id = $1 AND day_on >= $2 AND day_on <= $3 GROUP BY week_on, kind, mode, format`
		weekArgs = []any{sc.orgID, p.From, p.To}
	}
	rows, err = q.QueryContext(ctx, byWeekKind, weekArgs...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var week, kind, mode, format string
		var n, min int64
		if err := rows.Scan(&week, &kind, &mode, &format, &n, &min); err != nil {
			rows.Close()
			return err
		}
		add(byKind, kind, n, min)
		add(byMode, mode, n, min)
		add(byFormat, format, n, min)
		add(byWeek, week, n, 0)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// People active, and each person's weeks with a contact (for check-ins
	// kept). A team or a worker: one grouped read of their day rows (a
	// contact counts for whoever made it). The organisation or a programme:
	// a seek per person in the day rows by person (contact_days_person),
	// never a sort of the organisation's year of rows; the weeks are
	// counted for the people checked in with weekly only (checkInTable).
	var active int
	var contactWeeks map[int64]int
	if sc.workers != nil {
		rows, err = q.QueryContext(ctx, `SELECT person_id, COUNT(DISTINCT week_on) FROM contact_days WHERE `+where+` GROUP BY person_id`, x.list...)
		if err != nil {
			return err
		}
		contactWeeks = map[int64]int{}
		for rows.Next() {
			var person int64
			var weeks int
			if err := rows.Scan(&person, &weeks); err != nil {
				rows.Close()
				return err
			}
			contactWeeks[person] = weeks
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		active = len(contactWeeks)
	} else {
		x := &args{}
		org := x.p(sc.orgID)
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM people p WHERE p.org_id = `+org+` AND EXISTS (SELECT 1 FROM contact_days d
			WHERE d.org_id = `+org+` AND d.person_id = p.id AND d.day_on >= `+x.p(p.From)+` AND d.day_on <= `+x.p(p.To)+`)`+sc.people(x, "p.id"), x.list...).Scan(&active); err != nil {
			return err
		}
	}
	served.Add("new", "New", count(newPeople))
	served.Add("active", "Active", count(active))
	served.Add("closed", "Closed", count(len(reasons)))
	people.Tables = append(people.Tables, served)

	closed := newTable("closed_reasons", "Why support ended", colCount("people", "People"))
	closed.Note = "Reasons as written when support ended, grouped when the words are the same."
	byReason := map[string]int{}
	var order []string
	for _, why := range reasons {
		k := strings.ToLower(strings.Join(strings.Fields(why), " "))
		if k == "" {
			k = noReason
		}
		if byReason[k] == 0 {
			order = append(order, k)
		}
		byReason[k]++
	}
	slices.SortFunc(order, func(a, b string) int {
		if byReason[a] != byReason[b] {
			return byReason[b] - byReason[a]
		}
		return strings.Compare(a, b)
	})
	for i, k := range order {
		closed.Add(fmt.Sprintf("reason_%d", i+1), k, count(byReason[k]))
		if k == noReason {
			closed.Rows[i].LabelKey = "no_reason" // the reasons themselves are people's words
		}
	}
	closed.Sum("All closed")
	people.Tables = append(people.Tables, closed)
	r.Sections = append(r.Sections, people)

	contacts := &reporting.Section{Key: "contacts", Title: "Contacts"}
	breakdown := func(key, title string, keys []string, m map[string]*agg) *reporting.Table {
		t := newTable(key, title, colCount("contacts", "Contacts"), colHours)
		for _, k := range keys {
			a := m[k]
			if a == nil {
				a = &agg{}
			}
			t.Add(k, k, float64(a.n), float64(a.min)/60)
		}
		t.Sum("All contacts")
		return t
	}
	contacts.Tables = append(contacts.Tables,
		breakdown("contacts_by_kind", "Contacts by kind", ContactKinds, byKind),
		breakdown("contacts_by_mode", "Contacts by how they happened", ContactModes, byMode),
		breakdown("contacts_by_format", "One-to-one and group contacts", ContactFormats, byFormat))
	weeks := newTable("contacts_per_week", "Contacts per week", colCount("contacts", "Contacts"))
	weeks.Note = "Weeks start on Monday; the first and last weeks may be partly outside the period."
	for _, w := range p.Weeks() {
		n := int64(0)
		if a := byWeek[w]; a != nil {
			n = a.n
		}
		weeks.Add(w, "Week of "+reporting.LongDate(w), float64(n))
		weeks.Rows[len(weeks.Rows)-1].LabelKey, weeks.Rows[len(weeks.Rows)-1].Args = "week", reporting.Args{"Day": reporting.Day(w)}
	}
	weeks.Sum("All weeks")
	contacts.Tables = append(contacts.Tables, weeks)

	checkIns, err := s.checkInTable(ctx, q, sc, p, contactWeeks)
	if err != nil {
		return err
	}
	contacts.Tables = append(contacts.Tables, checkIns)
	r.Sections = append(r.Sections, contacts)

	more := &reporting.Section{Key: "groups_referrals_plans", Title: "Groups, referrals and safety plans"}
	groups, err := s.groupTable(ctx, q, sc, p)
	if err != nil {
		return err
	}
	refs, err := s.referralTable(ctx, q, sc, p, from, to)
	if err != nil {
		return err
	}
	plans, err := s.safetyPlanTable(ctx, q, sc, from, to)
	if err != nil {
		return err
	}
	more.Tables = append(more.Tables, groups, refs, plans)
	r.Sections = append(r.Sections, more)
	return nil
}

// checkInTable: for the scope's people checked in with weekly, the weeks
// of the period their support was open, and how many of those weeks had a
// contact (from the scope's workers, for a team or a worker: contactWeeks;
// for the organisation or a programme, contactWeeks is nil and each
// person's weeks are counted here from their own day rows).
func (s *Store) checkInTable(ctx context.Context, q querier, sc reportScope, p reporting.Period, contactWeeks map[int64]int) (*reporting.Table, error) {
	from, to := p.Bounds()
	x := &args{}
	org := x.p(sc.orgID)
	weeks := "0"
	if contactWeeks == nil {
		weeks = `(SELECT COUNT(DISTINCT d.week_on) FROM contact_days d WHERE d.org_id = ` + org + ` AND d.person_id = p.id
			AND d.day_on >= ` + x.p(p.From) + ` AND d.day_on <= ` + x.p(p.To) + `)`
	}
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.created_at, p.closed_at, `+weeks+` FROM people p WHERE p.org_id = `+org+`
		AND p.merged_into_id IS NULL AND p.check_in_every_days = 7 AND p.status <> 'on_hold' AND p.created_at < `+x.p(ms(to))+`
		AND (p.closed_at = 0 OR p.closed_at >= `+x.p(ms(from))+`)`+sc.people(x, "p.id"), x.list...)
	if err != nil {
		return nil, err
	}
	type open struct {
		id, since, closed int64
		weeks             int
	}
	ps, err := collect(rows, func(sc interface{ Scan(...any) error }) (open, error) {
		var o open
		return o, sc.Scan(&o.id, &o.since, &o.closed, &o.weeks)
	})
	if err != nil {
		return nil, err
	}
	var due, kept int
	for _, o := range ps {
		first, last := reporting.WeekOf(p.From), reporting.WeekOf(p.To)
		if w := reporting.WeekOf(core.Today(fromMS(o.since))); w > first {
			first = w
		}
		if o.closed != 0 {
			if w := reporting.WeekOf(core.Today(fromMS(o.closed))); w < last {
				last = w
			}
		}
		weeks := 0
		for w := first; w <= last; w = reporting.AddDays(w, 7) {
			weeks++
		}
		due += weeks
		if contactWeeks != nil {
			o.weeks = contactWeeks[o.id]
		}
		kept += min(weeks, o.weeks)
	}
	t := newTable("check_ins", "Weekly check-ins kept",
		colCount("people", "People checked in with weekly"), colCount("weeks_due", "Weeks due"), colCount("weeks_kept", "Weeks with a contact"),
		reporting.Column{Key: "kept_percent", Label: "Kept", Kind: reporting.KindPercent, Of: "weeks_kept"})
	t.Note = "For people whose check-in rhythm is weekly: the weeks (Monday to Sunday) of the period their support was open, and how many of them had at least one contact (never more than the weeks due)."
	t.Add("weekly", "People checked in with weekly", count(len(ps)), count(due), count(kept), reporting.Ratio(float64(kept), float64(due)))
	return t, nil
}

func (s *Store) groupTable(ctx context.Context, q querier, sc reportScope, p reporting.Period) (*reporting.Table, error) {
	t := newTable("group_sessions", "Group sessions and attendance", colCount("count", "Number"))
	x := &args{}
	var sessions, present, late, excused, absent int
	var err error
	if sc.Kind == reporting.ScopeProgramme {
		// The programme's people: their marks, and the sessions they were marked at.
		err = q.QueryRowContext(ctx, `SELECT COUNT(DISTINCT ga.session_id),
			COALESCE(SUM(CASE WHEN ga.status = 'present' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN ga.status = 'late' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN ga.status = 'excused' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN ga.status = 'absent' THEN 1 ELSE 0 END), 0)
			FROM group_attendance ga JOIN group_sessions gs ON gs.id = ga.session_id
			WHERE gs.org_id = `+x.p(sc.orgID)+` AND gs.held_on >= `+x.p(p.From)+` AND gs.held_on <= `+x.p(p.To)+sc.people(x, "ga.person_id"), x.list...).
			Scan(&sessions, &present, &late, &excused, &absent)
	} else {
		cond := ""
		if sc.workers != nil {
			cond = ` AND gs.id IN (SELECT f.session_id FROM group_session_facilitators f WHERE f.org_id = ` + x.p(sc.orgID) + ` AND f.user_id IN (` + sc.in(x) + `))`
		}
		err = q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(gs.present), 0), COALESCE(SUM(gs.late), 0), COALESCE(SUM(gs.excused), 0), COALESCE(SUM(gs.absent), 0)
			FROM group_sessions gs WHERE gs.org_id = `+x.p(sc.orgID)+` AND gs.held_on >= `+x.p(p.From)+` AND gs.held_on <= `+x.p(p.To)+cond, x.list...).
			Scan(&sessions, &present, &late, &excused, &absent)
	}
	if err != nil {
		return nil, err
	}
	t.Note = "Sessions held in the period (for a team or a worker, those they facilitated), and the attendance marked at them."
	t.Add("sessions", "Sessions held", count(sessions))
	t.Add("attended", "Came (present or late)", count(present+late))
	t.Add("excused", "Excused", count(excused))
	t.Add("absent", "Absent", count(absent))
	return t, nil
}

func (s *Store) referralTable(ctx context.Context, q querier, sc reportScope, p reporting.Period, from, to time.Time) (*reporting.Table, error) {
	x := &args{}
	var made, connected int
	if err := q.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN r.made_on >= `+x.p(p.From)+` AND r.made_on <= `+x.p(p.To)+` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN r.status = 'connected' AND r.closed_at >= `+x.p(ms(from))+` AND r.closed_at < `+x.p(ms(to))+` THEN 1 ELSE 0 END), 0)
		FROM referrals r WHERE r.org_id = `+x.p(sc.orgID)+` AND (r.made_on >= $1 OR r.closed_at >= $3)`+sc.madeBy(x, "r.created_by", "r.person_id"), x.list...).
		Scan(&made, &connected); err != nil {
		return nil, err
	}
	t := newTable("referrals", "Referrals", colCount("count", "Referrals"))
	t.Note = "Made: referrals made in the period. Connected: referrals marked connected in the period, whenever they were made."
	t.Add("made", "Made", count(made))
	t.Add("connected", "Connected", count(connected))
	return t, nil
}

func (s *Store) safetyPlanTable(ctx context.Context, q querier, sc reportScope, from, to time.Time) (*reporting.Table, error) {
	set, err := s.planSettings(ctx, q, sc.orgID)
	if err != nil {
		return nil, err
	}
	x := &args{}
	rows, err := q.QueryContext(ctx, `SELECT v.version, v.created_at, COALESCE(prev.created_at, 0) FROM plan_versions v
		LEFT JOIN plan_versions prev ON prev.org_id = v.org_id AND prev.person_id = v.person_id AND prev.kind = v.kind AND prev.version = v.version - 1
		WHERE v.org_id = `+x.p(sc.orgID)+` AND v.kind = 'safety_plan' AND v.created_at >= `+x.p(ms(from))+` AND v.created_at < `+x.p(ms(to))+
		sc.madeBy(x, "v.created_by", "v.person_id"), x.list...)
	if err != nil {
		return nil, err
	}
	var written, again, onTime int
	window := int64(set.ReviewDays) * 24 * 3600 * 1000
	for rows.Next() {
		var version int
		var at, prev int64
		if err := rows.Scan(&version, &at, &prev); err != nil {
			rows.Close()
			return nil, err
		}
		if version == 1 {
			written++
			continue
		}
		again++
		if at-prev <= window {
			onTime++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	t := newTable("safety_plans", "Safety plans", colCount("count", "Number"))
	t.Note = fmt.Sprintf("Your organisation's setting: a safety plan is looked at again within %d days. A review or change counts as on time when it came within that many days of the version before it.", set.ReviewDays)
	t.NoteArgs = reporting.Args{"Days": set.ReviewDays}
	t.Add("written", "Written (first version)", count(written))
	t.Add("reviewed", "Reviewed or changed", count(again))
	t.Add("on_time", "Of which on time", count(onTime))
	return t, nil
}

// ---- Outcomes ----

func (s *Store) outcomesReport(ctx context.Context, q querier, a Actor, sc reportScope, p reporting.Period, r *reporting.Report) error {
	from, to := p.Bounds()
	goals := &reporting.Section{Key: "goals", Title: "Goals"}
	x := &args{}
	rows, err := q.QueryContext(ctx, `SELECT g.life_area, g.status, g.created_at, g.updated_at, g.carried_from IS NULL FROM goals g
		WHERE g.org_id = `+x.p(sc.orgID)+` AND (g.created_at >= `+x.p(ms(from))+` OR g.updated_at >= $2)`+sc.people(x, "g.person_id"), x.list...)
	if err != nil {
		return err
	}
	set, achieved := map[string]int{}, map[string]int{}
	for rows.Next() {
		var area, status string
		var created, updated int64
		var fresh bool
		if err := rows.Scan(&area, &status, &created, &updated, &fresh); err != nil {
			rows.Close()
			return err
		}
		if fresh && created >= ms(from) && created < ms(to) {
			set[area]++
		}
		if status == "achieved" && updated >= ms(from) && updated < ms(to) {
			achieved[area]++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	gt := newTable("goals_by_area", "Goals set and achieved, by life area", colCount("set", "Set"), colCount("achieved", "Achieved"))
	gt.Note = "Set: goals written in the period (not those carried over from an earlier cycle). Achieved: goals marked achieved, whose last change falls in the period."
	for _, area := range LifeAreas {
		gt.Add(area, area, count(set[area]), count(achieved[area]))
	}
	gt.Sum("All life areas")
	goals.Tables = append(goals.Tables, gt)
	r.Sections = append(r.Sections, goals)

	capital, dist, err := s.capitalTables(ctx, q, sc, p)
	if err != nil {
		return err
	}
	r.Sections = append(r.Sections, &reporting.Section{Key: "recovery_capital", Title: "Recovery capital (BARC-10)", Tables: []*reporting.Table{capital, dist}})

	stages, err := s.stageTable(ctx, q, sc, p)
	if err != nil {
		return err
	}
	needs, err := s.needTable(ctx, q, sc, p)
	if err != nil {
		return err
	}
	r.Sections = append(r.Sections, &reporting.Section{Key: "change", Title: "Stages of change and areas of need", Tables: []*reporting.Table{stages, needs}})
	if followUpTable != nil {
		t, err := followUpTable(ctx, s, q, a, sc, p)
		if err != nil {
			return err
		}
		if t != nil {
			r.Sections = append(r.Sections, &reporting.Section{Key: "follow_ups", Title: "Follow-ups", Tables: []*reporting.Table{t}})
		}
	}
	return nil
}

// capitalBands are the score bands of the distribution chart (the BARC-10
// total runs from 10 to 60).
var capitalBands = []struct {
	key, label string
	lo, hi     int
}{{"10_19", "10 to 19", 10, 19}, {"20_29", "20 to 29", 20, 29}, {"30_39", "30 to 39", 30, 39}, {"40_49", "40 to 49", 40, 49}, {"50_60", "50 to 60", 50, 60}}

func (s *Store) capitalTables(ctx context.Context, q querier, sc reportScope, p reporting.Period) (*reporting.Table, *reporting.Table, error) {
	x := &args{}
	rows, err := q.QueryContext(ctx, `SELECT a.person_id, a.taken_on, a.total FROM recovery_assessments a
		WHERE a.org_id = `+x.p(sc.orgID)+` AND a.instrument = `+x.p(recovery.DefaultInstrument)+` AND a.complete = `+x.p(true)+`
		AND a.taken_on <= `+x.p(p.To)+sc.people(x, "a.person_id")+` ORDER BY a.person_id, a.taken_on, a.id`, x.list...)
	if err != nil {
		return nil, nil, err
	}
	type span struct {
		first, latest int
		latestOn      string
		n             int
	}
	by := map[int64]*span{}
	var order []int64
	for rows.Next() {
		var pid int64
		var on string
		var total int
		if err := rows.Scan(&pid, &on, &total); err != nil {
			rows.Close()
			return nil, nil, err
		}
		sp := by[pid]
		if sp == nil {
			sp = &span{first: total}
			by[pid] = sp
			order = append(order, pid)
		}
		sp.latest, sp.latestOn = total, on
		sp.n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	var n, sumFirst, sumLatest int
	firstBand, latestBand := make([]int, len(capitalBands)), make([]int, len(capitalBands))
	band := func(v int) int {
		for i, b := range capitalBands {
			if v >= b.lo && v <= b.hi {
				return i
			}
		}
		return -1
	}
	for _, pid := range order {
		sp := by[pid]
		if sp.n < 2 || !p.Contains(sp.latestOn) {
			continue
		}
		n++
		sumFirst += sp.first
		sumLatest += sp.latest
		if i := band(sp.first); i >= 0 {
			firstBand[i]++
		}
		if i := band(sp.latest); i >= 0 {
			latestBand[i]++
		}
	}
	mean := func(sum int) float64 {
		if n == 0 {
			return math.NaN()
		}
		return float64(sum) / float64(n)
	}
	ct := newTable("recovery_capital", "Recovery capital, first and latest",
		colCount("people", "People"),
		reporting.Column{Key: "first_mean", Label: "Mean first score", Kind: reporting.KindMean, Of: "people"},
		reporting.Column{Key: "latest_mean", Label: "Mean latest score", Kind: reporting.KindMean, Of: "people"},
		reporting.Column{Key: "mean_change", Label: "Mean change", Kind: reporting.KindMean, Of: "people"})
	ct.Note = "People with at least two complete BARC-10 assessments, the latest taken in the period: their first assessment against their latest. Scores run from 10 to 60."
	ct.Add("barc10", "BARC-10", count(n), mean(sumFirst), mean(sumLatest), mean(sumLatest-sumFirst))
	dt := newTable("recovery_capital_distribution", "Recovery capital scores, first and latest", colCount("first", "First"), colCount("latest", "Latest"))
	dt.Note = "The same people: how many scored in each band at their first and at their latest assessment."
	for i, b := range capitalBands {
		dt.Add(b.key, b.label, count(firstBand[i]), count(latestBand[i]))
	}
	dt.Sum("All people")
	return ct, dt, nil
}

func (s *Store) stageTable(ctx context.Context, q querier, sc reportScope, p reporting.Period) (*reporting.Table, error) {
	x := &args{}
	rows, err := q.QueryContext(ctx, `SELECT n.person_id, n.life_area, n.stage, n.noted_on FROM stage_notes n
		WHERE n.org_id = `+x.p(sc.orgID)+` AND n.noted_on <= `+x.p(p.To)+sc.people(x, "n.person_id")+` ORDER BY n.person_id, n.life_area, n.noted_on, n.id`, x.list...)
	if err != nil {
		return nil, err
	}
	type key struct {
		person int64
		area   string
	}
	type track struct {
		start, end string
		before     bool
		inPeriod   int
	}
	by := map[key]*track{}
	var order []key
	for rows.Next() {
		var k key
		var stage, on string
		if err := rows.Scan(&k.person, &k.area, &stage, &on); err != nil {
			rows.Close()
			return nil, err
		}
		tr := by[k]
		if tr == nil {
			tr = &track{}
			by[k] = tr
			order = append(order, k)
		}
		if on < p.From {
			tr.start, tr.before = stage, true
			continue
		}
		if !tr.before && tr.inPeriod == 0 {
			tr.start = stage
		}
		tr.end = stage
		tr.inPeriod++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var forward, same, back int
	for _, k := range order {
		tr := by[k]
		// Movement needs two notes: one before the period or early in it,
		// and a later one in it.
		if tr.inPeriod == 0 || (!tr.before && tr.inPeriod < 2) {
			continue
		}
		a, b := slices.Index(recovery.Stages, tr.start), slices.Index(recovery.Stages, tr.end)
		switch {
		case b > a:
			forward++
		case b < a:
			back++
		default:
			same++
		}
	}
	t := newTable("stage_movement", "Movement between stages of change", colCount("areas", "Life areas"))
	t.Note = "For each person and life area with two stages noted (the last before the period or the first in it, and a later one in it): the stage at the start against the latest in the period."
	t.Add("forward", "Moved forward", count(forward))
	t.Add("same", "Stayed at the same stage", count(same))
	t.Add("back", "Moved back", count(back))
	t.Sum("All life areas followed")
	return t, nil
}

func (s *Store) needTable(ctx context.Context, q querier, sc reportScope, p reporting.Period) (*reporting.Table, error) {
	x := &args{}
	rows, err := q.QueryContext(ctx, `SELECT n.area, n.area_label, COALESCE(g.status, ''), COALESCE(r.status, '') FROM needs n
		JOIN need_checks c ON c.id = n.check_id
		LEFT JOIN goals g ON g.id = n.goal_id LEFT JOIN referrals r ON r.id = n.referral_id
		WHERE n.org_id = `+x.p(sc.orgID)+` AND c.noted_on >= `+x.p(p.From)+` AND c.noted_on <= `+x.p(p.To)+sc.people(x, "n.person_id")+` ORDER BY n.id`, x.list...)
	if err != nil {
		return nil, err
	}
	named, met, labels := map[string]int{}, map[string]int{}, map[string]string{}
	var order []string
	for rows.Next() {
		var area, label, goal, ref string
		if err := rows.Scan(&area, &label, &goal, &ref); err != nil {
			rows.Close()
			return nil, err
		}
		if _, ok := labels[area]; !ok {
			order = append(order, area)
		}
		labels[area] = label
		named[area]++
		if goal == "achieved" || ref == ReferralConnected {
			met[area]++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(order, func(a, b string) int { return strings.Compare(labels[a], labels[b]) })
	t := newTable("needs_by_area", "Areas of need named and met", colCount("named", "Named"), colCount("met", "Met"))
	t.Note = "Named: needs named in a check in the period. Met: the goal the need started is achieved, or the referral it started is connected."
	for _, area := range order {
		t.Add(area, labels[area], count(named[area]), count(met[area]))
	}
	t.Sum("All areas")
	return t, nil
}

// ---- Workforce ----

func (s *Store) workforceReport(ctx context.Context, q querier, sc reportScope, p reporting.Period, opt ReportOptions, r *reporting.Report) error {
	x := &args{}
	var who string
	switch sc.Kind {
	case reporting.ScopeTeam, reporting.ScopeWorker:
		who = ` AND u.id IN (` + sc.in(x) + `)`
	case reporting.ScopeProgramme:
		who = ` AND u.id IN (SELECT pw.user_id FROM person_workers pw JOIN person_programmes pp ON pp.person_id = pw.person_id
			WHERE pp.org_id = ` + x.p(sc.orgID) + ` AND pp.name = ` + x.p(sc.Name) + `)`
	default:
		who = ` AND u.id IN (SELECT ur.user_id FROM user_roles ur WHERE ur.role = 'peer')`
	}
	rows, err := q.QueryContext(ctx, `SELECT u.id, COALESCE(wp.confirmed_stage, ''), COALESCE(wp.track, 'both') FROM users u
		LEFT JOIN worker_profiles wp ON wp.user_id = u.id
		WHERE u.org_id = `+x.p(sc.orgID)+` AND u.active = `+x.p(true)+who+` ORDER BY u.id`, x.list...)
	if err != nil {
		return err
	}
	type worker struct {
		id           int64
		stage, track string
	}
	ws, err := collect(rows, func(sc interface{ Scan(...any) error }) (worker, error) {
		var w worker
		return w, sc.Scan(&w.id, &w.stage, &w.track)
	})
	if err != nil {
		return err
	}
	stages := newTable("workers_by_stage", "Workers by stage", colCount("workers", "Workers"))
	stages.Note = "The stage each worker's supervisor last confirmed on their development record."
	tracks := newTable("workers_by_track", "Workers by track", colCount("workers", "Workers"))
	byStage, byTrack := map[string]int{}, map[string]int{}
	ids := make([]int64, len(ws))
	for i, w := range ws {
		byStage[w.stage]++
		byTrack[w.track]++
		ids[i] = w.id
	}
	for _, st := range []framework.Stage{framework.StageVolunteer, framework.Stage1, framework.Stage2, framework.Stage3, framework.Stage4, framework.Stage5} {
		stages.Add(string(st), string(st), count(byStage[string(st)]))
	}
	stages.Add("not_confirmed", "No stage confirmed yet", count(byStage[""]))
	stages.Sum("All workers")
	for _, tr := range []framework.Track{framework.TrackMentalHealth, framework.TrackAddiction, framework.TrackBoth} {
		tracks.Add(string(tr), string(tr), count(byTrack[string(tr)]))
	}
	tracks.Sum("All workers")

	creds := newTable("credentials", "Credentials", colCount("credentials", "Credentials"))
	creds.Note = fmt.Sprintf("As on %s, the last day of the period. Your organisation's window for expiring: %d days.", reporting.LongDate(p.To), opt.ExpiringDays)
	creds.NoteArgs = reporting.Args{"Day": reporting.Day(p.To), "Days": opt.ExpiringDays}
	sup := newTable("supervision", "Supervision", colCount("sessions", "Sessions"), colHours)
	sup.Note = "Supervision sessions the workers had in the period."
	var current, expiring, expired int
	bySupMode := map[string][2]int64{}
	for start := 0; start < len(ids); start += maxInList {
		in, xs := inList(ids[start:min(start+maxInList, len(ids))], []any{sc.orgID, p.To})
		rows, err := q.QueryContext(ctx, `SELECT expires_on FROM credentials WHERE org_id = $1 AND issued_on <= $2 AND user_id IN (`+in+`)`, xs...)
		if err != nil {
			return err
		}
		exp, err := collect(rows, scanString)
		if err != nil {
			return err
		}
		soon := reporting.AddDays(p.To, opt.ExpiringDays)
		for _, e := range exp {
			switch {
			case e != "" && e < p.To:
				expired++
			case e != "" && e <= soon:
				expiring++
			default:
				current++
			}
		}
		in, xs = inList(ids[start:min(start+maxInList, len(ids))], []any{sc.orgID, p.From, p.To})
		rows, err = q.QueryContext(ctx, `SELECT mode, COUNT(*), COALESCE(SUM(minutes), 0) FROM supervision_sessions
			WHERE org_id = $1 AND held_on >= $2 AND held_on <= $3 AND supervisee_id IN (`+in+`) GROUP BY mode`, xs...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var mode string
			var n, m int64
			if err := rows.Scan(&mode, &n, &m); err != nil {
				rows.Close()
				return err
			}
			v := bySupMode[mode]
			bySupMode[mode] = [2]int64{v[0] + n, v[1] + m}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	creds.Add("current", "Current", count(current))
	creds.Add("expiring", fmt.Sprintf("Expiring within %d days", opt.ExpiringDays), count(expiring))
	creds.Rows[len(creds.Rows)-1].Args = reporting.Args{"Days": opt.ExpiringDays}
	creds.Add("expired", "Expired", count(expired))
	creds.Sum("All credentials")
	for _, m := range SupervisionModes {
		v := bySupMode[m.Value]
		sup.Add(m.Value, m.Label, float64(v[0]), float64(v[1])/60)
	}
	sup.Sum("All supervision")
	r.Sections = append(r.Sections,
		&reporting.Section{Key: "workers", Title: "Workers", Tables: []*reporting.Table{stages, tracks}},
		&reporting.Section{Key: "credentials_supervision", Title: "Credentials and supervision", Tables: []*reporting.Table{creds, sup}})
	return nil
}

// ScopeChoice is one scope the actor may choose on the reports page.
type ScopeChoice struct {
	Value string // as the API writes it: org, programme:3, team:12, worker:7
	Label string
	Name  string // the programme's, the supervisor's or the worker's name, which Label carries
}

// ReportScopes lists the scopes the actor may see a report of: for an
// administrator the organisation, its programmes, every supervisor's team
// and every worker; for a supervisor their team and its workers; for a
// worker their own.
func (s *Store) ReportScopes(ctx context.Context, a Actor) ([]ScopeChoice, error) {
	q := s.reportDB(a)
	var out []ScopeChoice
	if a.MaySeeOrgReports() {
		out = append(out, ScopeChoice{Value: "org", Label: "The whole organisation"})
		rows, err := q.QueryContext(ctx, "SELECT id, name FROM service_programmes WHERE org_id = $1 ORDER BY name, id LIMIT 200", a.OrgID)
		if err != nil {
			return nil, err
		}
		type programme struct {
			id   int64
			name string
		}
		ps, err := collect(rows, func(sc interface{ Scan(...any) error }) (programme, error) {
			var p programme
			return p, sc.Scan(&p.id, &p.name)
		})
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			out = append(out, ScopeChoice{reporting.Scope{Kind: reporting.ScopeProgramme, ID: p.id}.String(), "Programme: " + p.name, p.name})
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT u.id, u.name, COALESCE(u.supervisor_id, 0),
		EXISTS (SELECT 1 FROM users s WHERE s.supervisor_id = u.id AND s.org_id = u.org_id),
		EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'peer')
		FROM users u WHERE u.org_id = $1 AND u.active = $2 ORDER BY u.name, u.id`, a.OrgID, true)
	if err != nil {
		return nil, err
	}
	type user struct {
		w             Worker
		leads, isPeer bool
	}
	us, err := collect(rows, func(sc interface{ Scan(...any) error }) (user, error) {
		var u user
		return u, sc.Scan(&u.w.ID, &u.w.Name, &u.w.SupervisorID, &u.leads, &u.isPeer)
	})
	if err != nil {
		return nil, err
	}
	for _, u := range us {
		if u.leads && a.MaySeeTeamReport(u.w.ID) {
			out = append(out, ScopeChoice{reporting.Scope{Kind: reporting.ScopeTeam, ID: u.w.ID}.String(), "Team of " + u.w.Name, u.w.Name})
		}
	}
	for _, u := range us {
		if u.isPeer && a.MaySeeWorkerReport(u.w) {
			out = append(out, ScopeChoice{reporting.Scope{Kind: reporting.ScopeWorker, ID: u.w.ID}.String(), "Worker: " + u.w.Name, u.w.Name})
		}
	}
	return out, nil
}
