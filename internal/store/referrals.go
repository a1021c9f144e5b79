package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/core"
)

// Referral statuses: a referral is made, the person (or the worker with
// them) gets in touch, and it ends connected or not connected.
const (
	ReferralMade         = "made"
	ReferralContacted    = "contacted"
	ReferralConnected    = "connected"
	ReferralNotConnected = "not_connected"
)

// ReferralStatuses lists the statuses in order.
var ReferralStatuses = []string{ReferralMade, ReferralContacted, ReferralConnected, ReferralNotConnected}

// FollowUpDays is how long after a referral its follow-up falls due unless
// the worker chooses another day.
const FollowUpDays = 7

// Referral is a link made from a person to a resource, followed up until
// it connects (or does not).
type Referral struct {
	ID           int64
	OrgID        int64
	PersonID     int64
	PersonName   string
	ResourceID   int64  // 0 for a resource named in free text
	ResourceName string // as it was when the referral was made
	Reason       string
	MadeOn       string
	FollowUpOn   string
	Status       string
	OutcomeNote  string // why it did not connect, or how it went
	ClosedAt     time.Time
	CreatedBy    int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Open reports whether the referral is still being followed up.
func (r Referral) Open() bool { return r.Status == ReferralMade || r.Status == ReferralContacted }

// FollowUpDue reports whether an open referral's follow-up falls on or
// before today.
func (r Referral) FollowUpDue(today string) bool { return r.Open() && r.FollowUpOn <= today }

const referralSelect = `SELECT r.id, r.org_id, r.person_id, p.preferred_name, COALESCE(r.resource_id, 0), r.resource_name, r.reason,
	r.made_on, r.follow_up_on, r.status, r.outcome_note, r.closed_at, r.created_by, r.created_at, r.updated_at
	FROM referrals r JOIN people p ON p.id = r.person_id `

func (s *Store) queryReferrals(ctx context.Context, q querier, where string, args ...any) ([]Referral, error) {
	rows, err := q.QueryContext(ctx, referralSelect+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Referral
	for rows.Next() {
		var r Referral
		var closed, created, updated int64
		if err := rows.Scan(&r.ID, &r.OrgID, &r.PersonID, &r.PersonName, &r.ResourceID, &r.ResourceName, &r.Reason,
			&r.MadeOn, &r.FollowUpOn, &r.Status, &r.OutcomeNote, &closed, &r.CreatedBy, &created, &updated); err != nil {
			return nil, err
		}
		r.ClosedAt, r.CreatedAt, r.UpdatedAt = fromMS(closed), fromMS(created), fromMS(updated)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReferralInput is what making a referral takes.
type ReferralInput struct {
	PersonID     int64
	ResourceID   int64  // from the directory, or
	ResourceName string // a resource not in the directory
	Reason       string
	MadeOn       string // YYYY-MM-DD; today when empty
	FollowUpOn   string // YYYY-MM-DD; FollowUpDays after MadeOn when empty
	// NeedID is the area of need (recovery_needs.go) the referral starts
	// from, which remembers it; 0 for none.
	NeedID int64
}

// addDays adds n days to a YYYY-MM-DD date.
func addDays(date string, n int) string {
	t, err := time.Parse(dateLayout, date)
	if err != nil {
		return date
	}
	return t.AddDate(0, 0, n).Format(dateLayout)
}

// CreateReferral refers a person the actor supports to a resource.
func (s *Store) CreateReferral(ctx context.Context, a Actor, in ReferralInput) (Referral, error) {
	f := map[string]string{}
	in.ResourceName, in.Reason = strings.TrimSpace(in.ResourceName), strings.TrimSpace(in.Reason)
	in.MadeOn, in.FollowUpOn = strings.TrimSpace(in.MadeOn), strings.TrimSpace(in.FollowUpOn)
	today := s.Today()
	if in.MadeOn == "" {
		in.MadeOn = today
	}
	switch {
	case !validDate(in.MadeOn):
		f["made_on"] = "Enter the date the referral was made, such as 2026-11-23."
	case in.MadeOn > today:
		f["made_on"] = "The referral date cannot be in the future."
	}
	if in.FollowUpOn == "" {
		in.FollowUpOn = addDays(in.MadeOn, FollowUpDays)
	}
	switch {
	case !validDate(in.FollowUpOn):
		f["follow_up_on"] = "Enter the day to follow up, such as 2026-11-30."
	case in.FollowUpOn < in.MadeOn:
		f["follow_up_on"] = "The follow-up cannot come before the referral."
	}
	if in.ResourceID == 0 && in.ResourceName == "" {
		f["resource"] = "Choose a resource from the directory, or name one that is not in it."
	}
	tooLong(f, "resource_name", in.ResourceName, 200)
	tooLong(f, "reason", in.Reason, 2000)
	if err := core.Invalid(f); err != nil {
		return Referral{}, err
	}
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.visiblePerson(ctx, tx, a, in.PersonID); err != nil {
			return err
		}
		if in.ResourceID != 0 {
			err := tx.QueryRowContext(ctx, "SELECT name FROM resources WHERE id = $1 AND org_id = $2", in.ResourceID, a.OrgID).Scan(&in.ResourceName)
			if errors.Is(err, sql.ErrNoRows) {
				return core.Invalid(map[string]string{"resource": "This resource is not in your organisation's directory."})
			}
			if err != nil {
				return err
			}
		}
		now := ms(s.now())
		if err := tx.QueryRowContext(ctx, `INSERT INTO referrals (org_id, person_id, resource_id, resource_name, reason, made_on, follow_up_on,
			status, created_at, created_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'made', $8, $9, $8) RETURNING id`,
			a.OrgID, in.PersonID, nullID(in.ResourceID), in.ResourceName, in.Reason, in.MadeOn, in.FollowUpOn, now, a.UserID).Scan(&id); err != nil {
			return err
		}
		if err := s.linkNeed(ctx, tx, a, in.PersonID, in.NeedID, "referral_id", id); err != nil { // areas of need (issue 13)
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "referral", id, "person "+idString(in.PersonID))
	})
	if err != nil {
		return Referral{}, err
	}
	return s.referral(ctx, s.rdb, a, id)
}

func (s *Store) referral(ctx context.Context, q querier, a Actor, id int64) (Referral, error) {
	cond, args := visibleTo(a, "p", []any{id, a.OrgID})
	refs, err := s.queryReferrals(ctx, q, "WHERE r.id = $1 AND r.org_id = $2 AND "+cond, args...)
	if err != nil {
		return Referral{}, err
	}
	if len(refs) == 0 {
		return Referral{}, core.NotFound("The referral")
	}
	return refs[0], nil
}

// Referral returns a referral of a person the actor may see, and audits the read.
func (s *Store) Referral(ctx context.Context, a Actor, id int64) (Referral, error) {
	r, err := s.referral(ctx, s.rdb, a, id)
	if err != nil {
		return Referral{}, err
	}
	return r, s.recordRead(ctx, a, "referral", id, "")
}

// ReferralUpdate moves a referral on: nil fields stay as they are.
type ReferralUpdate struct {
	Status      *string
	FollowUpOn  *string
	OutcomeNote *string
}

// UpdateReferral records what happened to a referral. It moves forward only
// (made → contacted → connected or not connected); a closed referral stays
// closed, and "not connected" needs a reason.
func (s *Store) UpdateReferral(ctx context.Context, a Actor, id int64, in ReferralUpdate) (Referral, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		r, err := s.referral(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if !r.Open() {
			return core.Conflict("This referral is closed. Make a new referral if the person wants to try again.")
		}
		next := r
		if in.Status != nil {
			next.Status = strings.TrimSpace(*in.Status)
		}
		if in.FollowUpOn != nil {
			next.FollowUpOn = strings.TrimSpace(*in.FollowUpOn)
		}
		if in.OutcomeNote != nil {
			next.OutcomeNote = strings.TrimSpace(*in.OutcomeNote)
		}
		f := map[string]string{}
		switch {
		case !contains(ReferralStatuses, next.Status):
			f["status"] = "Choose made, contacted, connected or not connected."
		case next.Status == ReferralMade && r.Status == ReferralContacted:
			f["status"] = "The person has already been in touch: choose contacted, connected or not connected."
		case next.Status == ReferralNotConnected && next.OutcomeNote == "":
			f["outcome_note"] = "Say why it did not connect, so the next referral can go better."
		}
		if !validDate(next.FollowUpOn) {
			f["follow_up_on"] = "Enter the day to follow up, such as 2026-11-30."
		} else if next.FollowUpOn < r.MadeOn {
			f["follow_up_on"] = "The follow-up cannot come before the referral."
		}
		tooLong(f, "outcome_note", next.OutcomeNote, 2000)
		if err := core.Invalid(f); err != nil {
			return err
		}
		now := s.now()
		var closed int64
		if !next.Open() {
			closed = ms(now)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE referrals SET status = $1, follow_up_on = $2, outcome_note = $3, closed_at = $4, updated_at = $5
			WHERE id = $6 AND org_id = $7`, next.Status, next.FollowUpOn, next.OutcomeNote, closed, ms(now), id, a.OrgID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "referral", id, "status "+next.Status)
	})
	if err != nil {
		return Referral{}, err
	}
	return s.referral(ctx, s.rdb, a, id)
}

// referralsOf lists a person's referrals, open ones first, newest first.
// The caller has checked visibility and audits.
func (s *Store) referralsOf(ctx context.Context, q querier, orgID, personID int64) ([]Referral, error) {
	return s.queryReferrals(ctx, q, `WHERE r.org_id = $1 AND r.person_id = $2
		ORDER BY CASE WHEN r.status IN ('made', 'contacted') THEN 0 ELSE 1 END, r.made_on DESC, r.id DESC LIMIT 200`, orgID, personID)
}

// ListReferrals lists a person's referrals, open ones first, and audits the read.
func (s *Store) ListReferrals(ctx context.Context, a Actor, personID int64) ([]Referral, error) {
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return nil, err
	}
	refs, err := s.referralsOf(ctx, s.rdb, a.OrgID, personID)
	if err != nil {
		return nil, err
	}
	return refs, s.recordRead(ctx, a, "person", personID, "referrals")
}
