package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"peerpath/internal/core"
	"peerpath/internal/workforce"
)

// Supervision sessions: who supervised whom, when, for how long, how, about
// what, and whether the supervisor held a peer credential (the guidelines
// hope supervision comes from a CPS or a Recovery Coach).

// SupervisionSession is one supervision session.
type SupervisionSession struct {
	ID             int64
	SuperviseeID   int64
	SupervisorID   int64
	SupervisorName string
	HeldOn         string
	Minutes        int
	Mode           string
	Topics         string
	PeerCredential bool
}

// The ways a session can be held.
const (
	ModeInPerson = "in-person"
	ModePhone    = "phone"
	ModeVideo    = "video"
)

// SupervisionModes lists the modes in the order forms show them.
var SupervisionModes = []struct{ Value, Label string }{
	{ModeInPerson, "In person"},
	{ModePhone, "Phone"},
	{ModeVideo, "Video"},
}

// ModeLabel names a mode in plain words.
func ModeLabel(m string) string {
	for _, x := range SupervisionModes {
		if x.Value == m {
			return x.Label
		}
	}
	return m
}

// NewSupervisionSession is what recording a session needs. SupervisorID 0
// means the worker's current supervisor; PeerCredential nil means "look at
// the supervisor's own credentials".
type NewSupervisionSession struct {
	SupervisorID   int64
	HeldOn         string
	Minutes        int
	MinutesError   string
	Mode           string
	Topics         string
	PeerCredential *bool
}

// AddSupervisionSession records a supervision session for a worker (the
// supervisee). The worker, their supervisor and administrators may.
func (s *Store) AddSupervisionSession(ctx context.Context, a Actor, workerID int64, in NewSupervisionSession) (int64, error) {
	in.Topics, in.Mode = strings.TrimSpace(in.Topics), strings.TrimSpace(in.Mode)
	today := s.today()
	f := map[string]string{}
	checkDate(f, "held_on", in.HeldOn, today, true, "Enter the date of the session.")
	switch {
	case in.MinutesError != "":
		f["minutes"] = in.MinutesError
	case in.Minutes < 1 || in.Minutes > 600:
		f["minutes"] = "Enter how long the session lasted, in minutes (1 to 600)."
	}
	if in.Mode != ModeInPerson && in.Mode != ModePhone && in.Mode != ModeVideo {
		f["mode"] = "Choose how the session was held: in person, phone or video."
	}
	checkText(f, "topics", in.Topics, 500, "")
	return s.changeWorker(ctx, a, workerID, false, "supervision session added", func(tx *sql.Tx, w Worker) (int64, error) {
		sup := in.SupervisorID
		if sup == 0 {
			sup = w.SupervisorID
		}
		switch {
		case sup == 0:
			f["supervisor"] = "Choose the supervisor who held the session."
		case sup == w.ID:
			f["supervisor"] = "A worker cannot supervise themselves."
		default:
			if err := s.checkSupervisor(ctx, tx, a.OrgID, w.ID, sup); err != nil {
				if e, ok := core.As(err); ok && e.Kind == core.KindInvalid {
					f["supervisor"] = "Choose an active supervisor or administrator of the organisation."
				} else {
					return 0, err
				}
			}
		}
		if err := core.Invalid(f); err != nil {
			return 0, err
		}
		peer := false
		if in.PeerCredential != nil {
			peer = *in.PeerCredential
		} else {
			var err error
			if peer, err = s.holdsPeerCredential(ctx, tx, a.OrgID, sup, in.HeldOn); err != nil {
				return 0, err
			}
		}
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO supervision_sessions (org_id, supervisee_id, supervisor_id, held_on, minutes, mode, topics, peer_credential, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			a.OrgID, w.ID, sup, in.HeldOn, in.Minutes, in.Mode, in.Topics, peer, ms(s.now()), a.UserID).Scan(&id)
		return id, err
	})
}

// SupervisionSessions lists a worker's supervision sessions, latest first.
func (s *Store) SupervisionSessions(ctx context.Context, a Actor, workerID int64, p Page) (Worker, List[SupervisionSession], error) {
	var afterOn string
	var afterID int64
	has, err := decodeCursor(p.Cursor, &afterOn, &afterID)
	if err != nil {
		return Worker{}, List[SupervisionSession]{}, err
	}
	w, err := s.readWorker(ctx, a, workerID, "supervision sessions")
	if err != nil {
		return w, List[SupervisionSession]{}, err
	}
	limit := p.limit()
	q := `SELECT x.id, x.supervisee_id, x.supervisor_id, COALESCE(u.name, ''), x.held_on, x.minutes, x.mode, x.topics, x.peer_credential
		FROM supervision_sessions x LEFT JOIN users u ON u.id = x.supervisor_id WHERE x.org_id = $1 AND x.supervisee_id = $2`
	args := []any{a.OrgID, w.ID}
	if has {
		q += " AND (x.held_on < $3 OR (x.held_on = $3 AND x.id < $4))"
		args = append(args, afterOn, afterID)
	}
	q += fmt.Sprintf(" ORDER BY x.held_on DESC, x.id DESC LIMIT %d", limit+1)
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return w, List[SupervisionSession]{}, err
	}
	ss, err := collect(rows, func(sc interface{ Scan(...any) error }) (SupervisionSession, error) {
		var x SupervisionSession
		err := sc.Scan(&x.ID, &x.SuperviseeID, &x.SupervisorID, &x.SupervisorName, &x.HeldOn, &x.Minutes, &x.Mode, &x.Topics, &x.PeerCredential)
		return x, err
	})
	if err != nil {
		return w, List[SupervisionSession]{}, err
	}
	ss, more := trim(ss, limit)
	res := List[SupervisionSession]{Items: ss}
	if more {
		last := ss[len(ss)-1]
		res.Next = encodeCursor(last.HeldOn, last.ID)
	}
	return w, res, nil
}

// SupervisionTotal is the supervision of one period.
type SupervisionTotal struct {
	Start    string // first day of the period
	Label    string
	Sessions int
	Minutes  int
	// PeerMinutes are the minutes with a supervisor who held a peer credential.
	PeerMinutes int
}

// SupervisionTotals totals a worker's supervision for the last n periods of
// length per (month, quarter or year), latest first, including periods
// without any.
func (s *Store) SupervisionTotals(ctx context.Context, a Actor, workerID int64, per workforce.Per, n int) ([]SupervisionTotal, error) {
	if !per.Valid() {
		per = workforce.PerMonth
	}
	n = min(max(n, 1), 60)
	w, err := s.worker(ctx, s.rdb, a, workerID)
	if err != nil {
		return nil, err
	}
	today := s.today()
	start := workforce.PeriodStart(today, per)
	first := start
	for i := 1; i < n; i++ {
		first = workforce.PreviousPeriod(first, per)
	}
	// Months are summed in SQL; quarters and years are sums of months.
	rows, err := s.rdb.QueryContext(ctx, `SELECT substr(held_on, 1, 7), COUNT(*), SUM(minutes), SUM(CASE WHEN peer_credential THEN minutes ELSE 0 END)
		FROM supervision_sessions WHERE org_id = $1 AND supervisee_id = $2 AND held_on >= $3 GROUP BY substr(held_on, 1, 7)`, a.OrgID, w.ID, first)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byStart := map[string]*SupervisionTotal{}
	var out []SupervisionTotal
	for p, i := start, 0; i < n; p, i = workforce.PreviousPeriod(p, per), i+1 {
		out = append(out, SupervisionTotal{Start: p, Label: workforce.PeriodLabel(p, per)})
	}
	for i := range out {
		byStart[out[i].Start] = &out[i]
	}
	for rows.Next() {
		var month string
		var count, minutes, peer int
		if err := rows.Scan(&month, &count, &minutes, &peer); err != nil {
			return nil, err
		}
		if t := byStart[workforce.PeriodStart(month+"-01", per)]; t != nil {
			t.Sessions += count
			t.Minutes += minutes
			t.PeerMinutes += peer
		}
	}
	return out, rows.Err()
}

// periodMinutes is supervision time in the current month, quarter and year.
type periodMinutes struct {
	Month, Quarter, Year int
}

// supervisionFor sums the supervision of many workers in the current
// month, quarter and year, in one query.
func (s *Store) supervisionFor(ctx context.Context, orgID int64, workerIDs []int64, today string) (map[int64]periodMinutes, error) {
	out := map[int64]periodMinutes{}
	if len(workerIDs) == 0 {
		return out, nil
	}
	ph, args := inList(workerIDs, []any{orgID, workforce.PeriodStart(today, workforce.PerMonth), workforce.PeriodStart(today, workforce.PerQuarter), workforce.PeriodStart(today, workforce.PerYear)})
	rows, err := s.rdb.QueryContext(ctx, `SELECT supervisee_id,
		SUM(CASE WHEN held_on >= $2 THEN minutes ELSE 0 END),
		SUM(CASE WHEN held_on >= $3 THEN minutes ELSE 0 END),
		SUM(minutes)
		FROM supervision_sessions WHERE org_id = $1 AND held_on >= $4 AND supervisee_id IN (`+ph+`) GROUP BY supervisee_id`,
		args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var m periodMinutes
		if err := rows.Scan(&id, &m.Month, &m.Quarter, &m.Year); err != nil {
			return nil, err
		}
		out[id] = m
	}
	return out, rows.Err()
}

// SupervisionSession returns one of a worker's supervision sessions.
func (s *Store) SupervisionSession(ctx context.Context, a Actor, workerID, sessionID int64) (SupervisionSession, error) {
	w, err := s.readWorker(ctx, a, workerID, fmt.Sprintf("supervision session %d", sessionID))
	if err != nil {
		return SupervisionSession{}, err
	}
	var x SupervisionSession
	err = s.rdb.QueryRowContext(ctx, `SELECT x.id, x.supervisee_id, x.supervisor_id, COALESCE(u.name, ''), x.held_on, x.minutes, x.mode, x.topics, x.peer_credential
		FROM supervision_sessions x LEFT JOIN users u ON u.id = x.supervisor_id WHERE x.id = $1 AND x.org_id = $2 AND x.supervisee_id = $3`, sessionID, a.OrgID, w.ID).
		Scan(&x.ID, &x.SuperviseeID, &x.SupervisorID, &x.SupervisorName, &x.HeldOn, &x.Minutes, &x.Mode, &x.Topics, &x.PeerCredential)
	if errors.Is(err, sql.ErrNoRows) {
		return x, core.NotFound("The supervision session")
	}
	return x, err
}
