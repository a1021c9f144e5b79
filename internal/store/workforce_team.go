package store

import (
	"context"
	"database/sql"
	"fmt"

	"peerpath/internal/audit"
	"peerpath/internal/core"
	"peerpath/internal/workforce"
)

// A supervisor's view of their team's development (and an administrator's
// of the whole organisation), the CSV export of it, and the alerts the home
// page shows a supervisor.

// TeamScope says whose development a team view covers.
type TeamScope string

// The scopes.
const (
	ScopeTeam         TeamScope = "team"         // the actor's supervisees
	ScopeOrganisation TeamScope = "organisation" // every active user (administrators only)
)

// DevelopmentMember is one worker on the team page.
type DevelopmentMember struct {
	Worker        Worker
	ConfirmedName string
	TargetName    string
	Missing       int  // blocking requirements still missing at the target stage
	AtTop         bool // nothing further to work towards
	NeedsTrack    bool // nobody has chosen the worker's track yet
	Requests      []SignoffRequest
	Expiring      []Credential // due within 90 days, or expired
	EthicsSigned  bool         // every code that applies to the worker's track
	Supervision   periodMinutes
}

// SupervisionMonth, …Quarter and …Year are the member's supervision minutes
// in the current periods.
func (m DevelopmentMember) SupervisionMonth() int   { return m.Supervision.Month }
func (m DevelopmentMember) SupervisionQuarter() int { return m.Supervision.Quarter }
func (m DevelopmentMember) SupervisionYear() int    { return m.Supervision.Year }

// Team is one page of a team view.
type Team struct {
	Scope      TeamScope
	Members    []DevelopmentMember
	Next       string
	Ethics     EthicsVersion
	ChartTitle string
	Today      string
}

// teamWhere selects the workers of a scope; $1 is the organisation, $2 the
// actor. The team scope is the access rule's "supervisor" branch; the
// organisation scope is its "administrator" branch, checked before use.
func teamWhere(scope TeamScope) string {
	if scope == ScopeOrganisation {
		return "WHERE u.org_id = $1 AND u.active AND $2 > 0"
	}
	return "WHERE u.org_id = $1 AND u.supervisor_id = $2 AND u.active"
}

func checkScope(a Actor, scope TeamScope) error {
	switch scope {
	case ScopeTeam:
		return nil
	case ScopeOrganisation:
		if a.SeesEveryWorker() {
			return nil
		}
		return core.Forbidden("Only administrators see the whole organisation's development.")
	}
	return core.Malformed("scope", "Use team or organisation.")
}

// TeamDevelopment returns one page of a team's development, by name: each
// worker's confirmed stage, how far they are from the next, their open
// sign-off requests, credentials expiring within 90 days or expired, and
// whether they have signed the current Code of Ethics. The whole page is
// computed from a dozen queries whatever its size. Reading it is audited
// on each worker's record.
func (s *Store) TeamDevelopment(ctx context.Context, a Actor, scope TeamScope, p Page) (Team, error) {
	if err := checkScope(a, scope); err != nil {
		return Team{}, err
	}
	var afterName string
	var afterID int64
	has, err := decodeCursor(p.Cursor, &afterName, &afterID)
	if err != nil {
		return Team{}, err
	}
	cv, err := s.ActiveChart(ctx, a.OrgID)
	if err != nil {
		return Team{}, err
	}
	codes, err := s.EthicsCodes(ctx, a.OrgID)
	if err != nil {
		return Team{}, err
	}
	choices, err := s.frameworkChoices(ctx, a.OrgID)
	if err != nil {
		return Team{}, err
	}
	today := s.today()
	t := Team{Scope: scope, Ethics: defaultCode(codes).Current, ChartTitle: cv.Title, Today: today}
	limit := p.limit()
	q := workerSelect + teamWhere(scope)
	args := []any{a.OrgID, a.UserID}
	if has {
		q += " AND (u.name > $3 OR (u.name = $3 AND u.id > $4))"
		args = append(args, afterName, afterID)
	}
	q += fmt.Sprintf(" ORDER BY u.name, u.id LIMIT %d", limit+1)
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return Team{}, err
	}
	workers, err := collect(rows, scanWorker)
	if err != nil {
		return Team{}, err
	}
	workers, more := trim(workers, limit)
	if more {
		last := workers[len(workers)-1]
		t.Next = encodeCursor(last.Name, last.ID)
	}
	ids := make([]int64, len(workers))
	for i := range workers {
		workers[i].Relation = relationOf(a, workers[i])
		ids[i] = workers[i].ID
	}
	bs, evidence, waived, err := s.loadSummaries(ctx, a.OrgID, workers, codes, today, cv.Chart.CountsGroupSessions())
	if err != nil {
		return Team{}, err
	}
	reqs, err := s.openRequestsFor(ctx, a.OrgID, ids)
	if err != nil {
		return Team{}, err
	}
	sup, err := s.supervisionFor(ctx, a.OrgID, ids, today)
	if err != nil {
		return Team{}, err
	}
	for _, w := range workers {
		b := bs[w.ID]
		target, name, missing := summaryOf(cv.Chart, b, evidence[w.ID], waived[w.ID], today, choices)
		m := DevelopmentMember{Worker: w, TargetName: name, Missing: missing, AtTop: target == "" && w.Track.Valid(), NeedsTrack: !w.Track.Valid(),
			Requests: reqs[w.ID], EthicsSigned: w.Track.Valid(), Supervision: sup[w.ID]}
		for _, c := range codes {
			if _, ok := b.signed[c.Key]; w.Track.Valid() && c.AppliesTo(w.Track) && !ok {
				m.EthicsSigned = false
			}
		}
		if st, ok := cv.Chart.StageByKey(w.ConfirmedStage); ok {
			m.ConfirmedName = st.Name
		}
		for _, c := range b.credentials {
			if c.Reminder.Due {
				m.Expiring = append(m.Expiring, c)
			}
		}
		t.Members = append(t.Members, m)
	}
	return t, s.recordReads(ctx, a, ids, "team summary")
}

// recordReads audits the reads of several workers' records in one
// transaction, skipping the actor's own.
func (s *Store) recordReads(ctx context.Context, a Actor, workerIDs []int64, detail string) error {
	var others []int64
	for _, id := range workerIDs {
		if id != a.UserID {
			others = append(others, id)
		}
	}
	if len(others) == 0 {
		return nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, id := range others {
			if err := s.record(ctx, tx, a, audit.ActionRead, "development", id, detail); err != nil {
				return err
			}
		}
		return nil
	})
}

// ExportRow is one line of a team's trainings-and-credentials export.
type ExportRow struct {
	WorkerName string
	Record     string // "training" or "credential"
	Title      string // the training's title, or the credential's name
	ItemKey    string
	Date       string // completed or issued
	Expires    string
	Provider   string // the training's provider, or the credential's issuer
	Number     string
	Hours      string
}

// ExportTeamDevelopment streams the trainings and credentials of a team (or
// the whole organisation, for an administrator), by worker, to emit. The
// export is audited once, with how many rows left.
func (s *Store) ExportTeamDevelopment(ctx context.Context, a Actor, scope TeamScope, emit func(ExportRow) error) error {
	if err := checkScope(a, scope); err != nil {
		return err
	}
	n := 0
	db := s.staleOK(a) // an export: the replica may answer (replica.go)
	rows, err := db.QueryContext(ctx, `SELECT u.name, t.title, t.item_key, t.completed_on, t.provider, t.hours_x100
		FROM training_completions t JOIN users u ON u.id = t.user_id `+teamWhere(scope)+` AND t.org_id = $1
		ORDER BY u.name, u.id, t.completed_on, t.id`, a.OrgID, a.UserID)
	if err != nil {
		return err
	}
	err = func() error {
		defer rows.Close()
		for rows.Next() {
			r := ExportRow{Record: "training"}
			var h int64
			if err := rows.Scan(&r.WorkerName, &r.Title, &r.ItemKey, &r.Date, &r.Provider, &h); err != nil {
				return err
			}
			r.Hours = workforce.Hours(h).String()
			if err := emit(r); err != nil {
				return err
			}
			n++
		}
		return rows.Err()
	}()
	if err != nil {
		return err
	}
	rows, err = db.QueryContext(ctx, `SELECT u.name, c.kind, c.name, c.issued_on, c.expires_on, c.issuer, c.number
		FROM credentials c JOIN users u ON u.id = c.user_id `+teamWhere(scope)+` AND c.org_id = $1
		ORDER BY u.name, u.id, c.issued_on, c.id`, a.OrgID, a.UserID)
	if err != nil {
		return err
	}
	err = func() error {
		defer rows.Close()
		for rows.Next() {
			r := ExportRow{Record: "credential"}
			var kind, name string
			if err := rows.Scan(&r.WorkerName, &kind, &name, &r.Date, &r.Expires, &r.Provider, &r.Number); err != nil {
				return err
			}
			r.Title = Credential{Kind: workforce.CredentialKind(kind), Name: name}.Label()
			if err := emit(r); err != nil {
				return err
			}
			n++
		}
		return rows.Err()
	}()
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		return s.record(ctx, tx, a, audit.ActionExport, "development", 0, fmt.Sprintf("%s trainings and credentials, %d rows", scope, n))
	})
}

// TeamAlerts is what the home page tells a supervisor about their team's
// development.
type TeamAlerts struct {
	Requests  []SignoffRequest // open, oldest first
	Expiring  []Credential     // within 90 days or expired, soonest first
	NotSigned int              // supervisees who have not signed the current code
}

// TeamDevelopmentAlerts returns the open sign-off requests, expiring
// credentials and missing ethics signatures of the actor's supervisees.
func (s *Store) TeamDevelopmentAlerts(ctx context.Context, a Actor) (TeamAlerts, error) {
	var t TeamAlerts
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+requestColumns+requestFrom+
		"WHERE r.org_id = $1 AND u.supervisor_id = $2 AND u.active AND r.status = 'open' ORDER BY r.id LIMIT 50", a.OrgID, a.UserID)
	if err != nil {
		return t, err
	}
	if t.Requests, err = collect(rows, scanRequest); err != nil {
		return t, err
	}
	today := s.today()
	rows, err = s.rdb.QueryContext(ctx, "SELECT "+credentialColumns+credentialFrom+
		"WHERE c.org_id = $1 AND u.supervisor_id = $2 AND u.active AND c.expires_on <> '' AND c.expires_on <= $3 ORDER BY c.expires_on, c.id LIMIT 50",
		a.OrgID, a.UserID, workforce.AddDays(today, 90))
	if err != nil {
		return t, err
	}
	if t.Expiring, err = collect(rows, scanCredential(today)); err != nil {
		return t, err
	}
	codes, err := s.EthicsCodes(ctx, a.OrgID)
	if err != nil {
		return t, err
	}
	args := []any{a.OrgID, a.UserID}
	cond := unsignedWhere(codes, &args)
	err = s.rdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM users u LEFT JOIN worker_profiles wp ON wp.user_id = u.id
		WHERE u.org_id = $1 AND u.supervisor_id = $2 AND u.active AND `+cond, args...).Scan(&t.NotSigned)
	return t, err
}
