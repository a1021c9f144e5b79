package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/auth"
	"peerpath/internal/calendar"
	"peerpath/internal/cohort"
	"peerpath/internal/core"
)

// CalendarTokenPrefix starts every calendar feed token.
const CalendarTokenPrefix = "cal_"

// The feed covers sessions from CalendarPastDays ago to CalendarAheadDays
// ahead, at most MaxCalendarEvents of each kind.
const (
	CalendarPastDays  = 180
	CalendarAheadDays = 400
	MaxCalendarEvents = 2000
)

// CalendarToken returns the actor's feed token, making one the first time.
// The database keeps the token's hash (to find the feed) and the token
// sealed with the installation's key (to show the address again).
func (s *Store) CalendarToken(ctx context.Context, a Actor) (string, error) {
	var sealed string
	err := s.rdb.QueryRowContext(ctx, "SELECT token_sealed FROM calendar_feeds WHERE user_id = $1 AND org_id = $2", a.UserID, a.OrgID).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		var token string
		if token, err = s.ResetCalendarToken(ctx, a); !isUniqueViolation(err) {
			return token, err
		}
		// Another request made the feed at the same moment: use theirs.
		err = s.rdb.QueryRowContext(ctx, "SELECT token_sealed FROM calendar_feeds WHERE user_id = $1 AND org_id = $2", a.UserID, a.OrgID).Scan(&sealed)
	}
	if err != nil {
		return "", err
	}
	return s.keys.OpenString(sealed)
}

// ResetCalendarToken gives the actor a new feed token; the old address
// stops working at once.
func (s *Store) ResetCalendarToken(ctx context.Context, a Actor) (string, error) {
	if a.UserID == 0 {
		return "", core.NotFound("The user")
	}
	token := auth.NewToken(CalendarTokenPrefix)
	sealed, err := s.keys.SealString(token)
	if err != nil {
		return "", err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE calendar_feeds SET token_hash = $1, token_sealed = $2, created_at = $3 WHERE user_id = $4 AND org_id = $5",
			auth.HashToken(token), sealed, ms(s.now()), a.UserID, a.OrgID)
		if err != nil {
			return err
		}
		action, detail := audit.ActionUpdate, "reset"
		if n, _ := res.RowsAffected(); n == 0 {
			action, detail = audit.ActionCreate, "made"
			if _, err := tx.ExecContext(ctx, "INSERT INTO calendar_feeds (user_id, org_id, token_hash, token_sealed, created_at) VALUES ($1, $2, $3, $4, $5)",
				a.UserID, a.OrgID, auth.HashToken(token), sealed, ms(s.now())); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, action, "calendar_feed", a.UserID, detail)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// CalendarFeed returns the events of the feed with this token, for an
// active user, or "not found" for an unknown or replaced token. The events
// name no person: check-ins due are a count per day.
func (s *Store) CalendarFeed(ctx context.Context, token string) ([]calendar.Event, error) {
	if !strings.HasPrefix(token, CalendarTokenPrefix) {
		return nil, core.NotFound("The calendar")
	}
	var userID, orgID int64
	err := s.rdb.QueryRowContext(ctx, `SELECT f.user_id, f.org_id FROM calendar_feeds f JOIN users u ON u.id = f.user_id AND u.org_id = f.org_id
		WHERE f.token_hash = $1 AND u.active`, auth.HashToken(token)).Scan(&userID, &orgID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, core.NotFound("The calendar")
	}
	if err != nil {
		return nil, err
	}
	today := s.Today()
	from, to := s.dayOffset(-CalendarPastDays), s.dayOffset(CalendarAheadDays)
	var out []calendar.Event
	for _, load := range []func() ([]calendar.Event, error){
		func() ([]calendar.Event, error) {
			return s.cohortEvents(ctx, `cs.org_id = $1 AND cs.held_on >= $2 AND cs.held_on <= $3 AND (
				EXISTS (SELECT 1 FROM cohort_trainers ct WHERE ct.org_id = cs.org_id AND ct.cohort_id = cs.cohort_id AND ct.user_id = $4)
				OR EXISTS (SELECT 1 FROM participants pa WHERE pa.org_id = cs.org_id AND pa.cohort_id = cs.cohort_id AND pa.user_id = $4 AND pa.status <> $5))`,
				orgID, from, to, userID, string(cohort.Withdrawn))
		},
		func() ([]calendar.Event, error) { return s.groupEvents(ctx, orgID, userID, from, to) },
		func() ([]calendar.Event, error) { return s.supervisionEvents(ctx, orgID, userID, from, to) },
		func() ([]calendar.Event, error) { return s.checkInEvents(ctx, orgID, userID, today, to) },
	} {
		evs, err := load()
		if err != nil {
			return nil, err
		}
		out = append(out, evs...)
	}
	return out, nil
}

// CohortSchedule returns a cohort's name and its sessions as calendar
// events, for its trainers, the administrators who see every cohort, and
// its participants who have an account; anyone else gets "not found".
func (s *Store) CohortSchedule(ctx context.Context, a Actor, cohortID int64) (string, []calendar.Event, error) {
	args := []any{cohortID}
	scope := cohortScope(a, &args)
	args = append(args, a.UserID)
	var name string
	err := s.rdb.QueryRowContext(ctx, fmt.Sprintf(`SELECT c.programme_name || ': ' || c.name FROM cohorts c WHERE c.id = $1 AND c.org_id = $2 AND ((%s)
		OR EXISTS (SELECT 1 FROM participants pa WHERE pa.org_id = c.org_id AND pa.cohort_id = c.id AND pa.user_id = $%d))`, scope, len(args)), args...).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, core.NotFound("The cohort")
	}
	if err != nil {
		return "", nil, err
	}
	evs, err := s.cohortEvents(ctx, "cs.org_id = $1 AND cs.cohort_id = $2", a.OrgID, cohortID)
	return name, evs, err
}

// dayOffset is the date n days from today in the organisation's zone.
func (s *Store) dayOffset(n int) string {
	return s.now().In(core.Local).AddDate(0, 0, n).Format(core.DateLayout)
}

// cohortEvents lists cohort sessions matching where ($1 is the organisation)
// as events: the programme and cohort, the kind of session and its topic,
// and for a company visit the company (a business, never a person).
func (s *Store) cohortEvents(ctx context.Context, where string, args ...any) ([]calendar.Event, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT cs.id, cs.kind, cs.held_on, cs.start_time, cs.end_time, cs.place, cs.topic, COALESCE(h.name, ''), COALESCE(h.address, ''),
		c.programme_name, c.name, c.location, cs.updated_at
		FROM cohort_sessions cs JOIN cohorts c ON c.id = cs.cohort_id AND c.org_id = cs.org_id
		LEFT JOIN host_companies h ON h.id = cs.host_company_id AND h.org_id = cs.org_id
		WHERE `+where+` ORDER BY cs.held_on, cs.start_time, cs.id LIMIT `+strconv.Itoa(MaxCalendarEvents), args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc interface{ Scan(...any) error }) (calendar.Event, error) {
		var id, updated int64
		var kind, place, topic, company, address, programme, name, location string
		var e calendar.Event
		err := sc.Scan(&id, &kind, &e.On, &e.Start, &e.End, &place, &topic, &company, &address, &programme, &name, &location, &updated)
		k := cohort.SessionKind(kind)
		e.UID, e.Updated = "cohort-session-"+idString(id), fromMS(updated)
		e.Summary = programme + ": " + k.Label()
		if company != "" {
			e.Summary += " at " + company
		}
		if topic != "" {
			e.Summary += " (" + topic + ")"
		}
		e.Description = name
		e.Location = firstNonEmpty(place, address, location)
		return e, err
	})
}

// groupEvents lists the group sessions the user facilitated, and for each
// active group they facilitate that has a weekly slot, its regular meeting
// as a weekly event (from the first slot on or after the group began). A
// recorded session at the regular slot is that meeting already, so it is
// not listed twice.
func (s *Store) groupEvents(ctx context.Context, orgID, userID int64, from, to string) ([]calendar.Event, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT g.id, g.name, g.place, g.weekday, g.start_time, g.duration_minutes, g.created_at, g.updated_at
		FROM group_facilitators f JOIN peer_groups g ON g.id = f.group_id AND g.org_id = f.org_id
		WHERE f.org_id = $1 AND f.user_id = $2 AND g.status = 'active' AND g.weekday BETWEEN 1 AND 7 AND g.start_time <> ''
		ORDER BY g.id LIMIT `+strconv.Itoa(MaxCalendarEvents), orgID, userID)
	if err != nil {
		return nil, err
	}
	slots := map[int64]calendar.Event{}
	weekly, err := collect(rows, func(sc interface{ Scan(...any) error }) (calendar.Event, error) {
		var id, created, updated int64
		var weekday int
		var name string
		var e calendar.Event
		err := sc.Scan(&id, &name, &e.Location, &weekday, &e.Start, &e.Minutes, &created, &updated)
		first := fromMS(created).In(core.Local)
		for int(first.Weekday()+6)%7+1 != weekday { // ISO weekday: Monday 1 … Sunday 7
			first = first.AddDate(0, 0, 1)
		}
		e.UID, e.Summary, e.On, e.Weekly, e.Updated = "group-"+idString(id)+"-weekly", "Group: "+name, first.Format(core.DateLayout), true, fromMS(updated)
		slots[id] = e
		return e, err
	})
	if err != nil {
		return nil, err
	}
	rows, err = s.rdb.QueryContext(ctx, `SELECT gs.id, gs.group_id, gs.held_on, gs.start_time, gs.duration_minutes, g.name, g.place, gs.updated_at
		FROM group_session_facilitators f JOIN group_sessions gs ON gs.id = f.session_id AND gs.org_id = f.org_id
		JOIN peer_groups g ON g.id = gs.group_id AND g.org_id = gs.org_id
		WHERE f.org_id = $1 AND f.user_id = $2 AND gs.held_on >= $3 AND gs.held_on <= $4
		ORDER BY gs.held_on, gs.start_time, gs.id LIMIT `+strconv.Itoa(MaxCalendarEvents), orgID, userID, from, to)
	if err != nil {
		return nil, err
	}
	held, err := collect(rows, func(sc interface{ Scan(...any) error }) (calendar.Event, error) {
		var id, groupID, updated int64
		var name string
		var e calendar.Event
		err := sc.Scan(&id, &groupID, &e.On, &e.Start, &e.Minutes, &name, &e.Location, &updated)
		e.UID, e.Summary, e.Updated = "group-session-"+idString(id), "Group: "+name, fromMS(updated)
		if slot, ok := slots[groupID]; ok && slot.Start == e.Start && e.On >= slot.On && sameWeekday(slot.On, e.On) {
			e.UID = "" // the weekly event covers it
		}
		return e, err
	})
	if err != nil {
		return nil, err
	}
	for _, e := range held {
		if e.UID != "" {
			weekly = append(weekly, e)
		}
	}
	return weekly, nil
}

// sameWeekday reports whether two dates fall on the same day of the week.
func sameWeekday(a, b string) bool {
	ta, err1 := time.Parse(core.DateLayout, a)
	tb, err2 := time.Parse(core.DateLayout, b)
	return err1 == nil && err2 == nil && ta.Weekday() == tb.Weekday()
}

// supervisionEvents lists the user's supervision sessions, as supervisee or
// supervisor, as all-day events (a session records its day, not its hour).
// The topics stay out: they may be about people supported.
func (s *Store) supervisionEvents(ctx context.Context, orgID, userID int64, from, to string) ([]calendar.Event, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT id, held_on, minutes, created_at FROM supervision_sessions
		WHERE org_id = $1 AND (supervisee_id = $2 OR supervisor_id = $2) AND held_on >= $3 AND held_on <= $4
		ORDER BY held_on, id LIMIT `+strconv.Itoa(MaxCalendarEvents), orgID, userID, from, to)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc interface{ Scan(...any) error }) (calendar.Event, error) {
		var id, created int64
		var minutes int
		var e calendar.Event
		err := sc.Scan(&id, &e.On, &minutes, &created)
		e.UID, e.Updated = "supervision-"+idString(id), fromMS(created)
		e.Summary = "Supervision (" + strconv.Itoa(minutes) + " minutes)"
		return e, err
	})
}

// checkInEvents counts the check-ins due per day for the active people the
// user is assigned to, from today on; those already overdue are counted on
// today. No name leaves peerpath: calendars are read outside it.
func (s *Store) checkInEvents(ctx context.Context, orgID, userID int64, today, to string) ([]calendar.Event, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT q.due, COUNT(*) FROM (
		SELECT CASE WHEN p.check_in_due_on < $3 THEN $3 ELSE p.check_in_due_on END AS due
		FROM person_workers pw JOIN people p ON p.id = pw.person_id
		WHERE pw.user_id = $2 AND p.org_id = $1 AND p.status = 'active' AND p.merged_into_id IS NULL
			AND p.check_in_due_on <> '' AND p.check_in_due_on <= $4) q
		GROUP BY q.due ORDER BY q.due`, orgID, userID, today, to)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc interface{ Scan(...any) error }) (calendar.Event, error) {
		var n int
		var e calendar.Event
		err := sc.Scan(&e.On, &n)
		e.UID = "check-ins-due-" + e.On + "-user-" + idString(userID)
		e.Summary = strconv.Itoa(n) + " check-ins due"
		if n == 1 {
			e.Summary = "1 check-in due"
		}
		return e, err
	})
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
