package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/core"
	"peerpath/internal/recovery"
)

// Areas of need (issue 13): a guided check across the organisation's list
// of life areas, in which the person names what they want help with now, in
// their words. A need can start a goal or a referral, which remembers it.

// NeedCheck is one guided check, with the areas the person named.
type NeedCheck struct {
	ID        int64
	PersonID  int64
	NotedOn   string
	Needs     []Need
	CreatedAt time.Time
	CreatedBy int64
}

// Need is one area the person wants help with.
type Need struct {
	ID           int64
	CheckID      int64
	PersonID     int64
	Area         string // the area's key
	AreaLabel    string // its label when the need was named
	InTheirWords string
	GoalID       int64 // the goal it started, if any
	ReferralID   int64 // the referral it started, if any
}

// NeedInput is one area named.
type NeedInput struct {
	Area         string
	InTheirWords string
}

// NeedsInput is a check of needs.
type NeedsInput struct {
	NotedOn string // today when empty
	Areas   []NeedInput
}

// Limits of a check of needs.
const MaxNeedWords = 2000

// RecordNeeds records a check of needs with a person. Field errors name
// "areas" for none at all, and "areas.<n>.area" or "areas.<n>.in_their_words"
// (n from 0) for one entry.
func (s *Store) RecordNeeds(ctx context.Context, a Actor, personID int64, in NeedsInput) (NeedCheck, error) {
	set, err := s.recoverySettings(ctx, s.rdb, a.OrgID)
	if err != nil {
		return NeedCheck{}, err
	}
	today := s.Today()
	in.NotedOn = strings.TrimSpace(in.NotedOn)
	if in.NotedOn == "" {
		in.NotedOn = today
	}
	f := map[string]string{}
	checkPastDate(f, "noted_on", in.NotedOn, today, "you talked about it")
	c := NeedCheck{PersonID: personID, NotedOn: in.NotedOn, CreatedAt: s.now(), CreatedBy: a.UserID}
	seen := map[string]bool{}
	for i, n := range in.Areas {
		n.Area, n.InTheirWords = strings.TrimSpace(n.Area), strings.TrimSpace(n.InTheirWords)
		field := fmt.Sprintf("areas.%d.", i)
		var area recovery.Area
		for _, ar := range set.Areas {
			if ar.Key == n.Area {
				area = ar
			}
		}
		switch {
		case area.Key == "":
			f[field+"area"] = "Choose an area from the organisation's list."
		case seen[area.Key]:
			f[field+"area"] = "This area is named twice: say everything about it once."
		}
		seen[n.Area] = true
		checkText(f, field+"in_their_words", n.InTheirWords, MaxNeedWords, "")
		c.Needs = append(c.Needs, Need{PersonID: personID, Area: area.Key, AreaLabel: area.Label, InTheirWords: n.InTheirWords})
	}
	if len(in.Areas) == 0 {
		f["areas"] = "Choose at least one area the person wants help with now."
	}
	if len(in.Areas) > MaxNeedAreas {
		f["areas"] = fmt.Sprintf("Name at most %d areas.", MaxNeedAreas)
	}
	if err := core.Invalid(f); err != nil {
		return NeedCheck{}, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.visiblePerson(ctx, tx, a, personID); err != nil {
			return err
		}
		now := ms(c.CreatedAt)
		if err := tx.QueryRowContext(ctx, "INSERT INTO need_checks (org_id, person_id, noted_on, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id",
			a.OrgID, personID, c.NotedOn, now, a.UserID).Scan(&c.ID); err != nil {
			return err
		}
		for i := range c.Needs {
			n := &c.Needs[i]
			n.CheckID = c.ID
			if err := tx.QueryRowContext(ctx, `INSERT INTO needs (org_id, person_id, check_id, area, area_label, in_their_words, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, a.OrgID, personID, c.ID, n.Area, n.AreaLabel, n.InTheirWords, now).Scan(&n.ID); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "need_check", c.ID, fmt.Sprintf("person %d; %d areas", personID, len(c.Needs)))
	})
	return c, err
}

const needSelect = "SELECT n.id, n.check_id, n.person_id, n.area, n.area_label, n.in_their_words, COALESCE(n.goal_id, 0), COALESCE(n.referral_id, 0) FROM needs n "

func (s *Store) queryNeeds(ctx context.Context, q querier, where string, args ...any) ([]Need, error) {
	rows, err := q.QueryContext(ctx, needSelect+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Need
	for rows.Next() {
		var n Need
		if err := rows.Scan(&n.ID, &n.CheckID, &n.PersonID, &n.Area, &n.AreaLabel, &n.InTheirWords, &n.GoalID, &n.ReferralID); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// needChecks reads checks, newest first, with their needs (two queries).
func (s *Store) needChecks(ctx context.Context, q querier, orgID int64, where string, args ...any) ([]NeedCheck, error) {
	rows, err := q.QueryContext(ctx, "SELECT c.id, c.person_id, c.noted_on, c.created_at, c.created_by FROM need_checks c "+where, args...)
	if err != nil {
		return nil, err
	}
	var out []NeedCheck
	for rows.Next() {
		var c NeedCheck
		var created int64
		if err := rows.Scan(&c.ID, &c.PersonID, &c.NotedOn, &created, &c.CreatedBy); err != nil {
			rows.Close()
			return nil, err
		}
		c.CreatedAt = fromMS(created)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	idx := map[int64]int{}
	ids := make([]int64, len(out))
	for i, c := range out {
		ids[i], idx[c.ID] = c.ID, i
	}
	in, nargs := inList(ids, []any{orgID})
	needs, err := s.queryNeeds(ctx, q, "WHERE n.org_id = $1 AND n.check_id IN ("+in+") ORDER BY n.id", nargs...)
	if err != nil {
		return nil, err
	}
	for _, n := range needs {
		out[idx[n.CheckID]].Needs = append(out[idx[n.CheckID]].Needs, n)
	}
	return out, nil
}

// ListNeeds lists a person's checks of needs, newest first, and audits the read.
func (s *Store) ListNeeds(ctx context.Context, a Actor, personID int64, p Page) (List[NeedCheck], error) {
	var beforeOn string
	var beforeID int64
	has, err := decodeCursor(p.Cursor, &beforeOn, &beforeID)
	if err != nil {
		return List[NeedCheck]{}, err
	}
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return List[NeedCheck]{}, err
	}
	where := "WHERE c.org_id = $1 AND c.person_id = $2"
	args := []any{a.OrgID, personID}
	if has {
		where += " AND (c.noted_on < $3 OR (c.noted_on = $3 AND c.id < $4))"
		args = append(args, beforeOn, beforeID)
	}
	limit := p.limit()
	checks, err := s.needChecks(ctx, s.rdb, a.OrgID, where+fmt.Sprintf(" ORDER BY c.noted_on DESC, c.id DESC LIMIT %d", limit+1), args...)
	if err != nil {
		return List[NeedCheck]{}, err
	}
	checks, more := trim(checks, limit)
	res := List[NeedCheck]{Items: checks}
	if more {
		last := checks[len(checks)-1]
		res.Next = encodeCursor(last.NotedOn, last.ID)
	}
	return res, s.recordRead(ctx, a, "person", personID, "areas of need")
}

// Need returns one need of a person the actor may see, and audits the read
// (a goal or referral form started from it shows it).
func (s *Store) Need(ctx context.Context, a Actor, id int64) (Need, error) {
	cond, args := visibleTo(a, "p", []any{id, a.OrgID})
	ns, err := s.queryNeeds(ctx, s.rdb, "JOIN people p ON p.id = n.person_id WHERE n.id = $1 AND n.org_id = $2 AND "+cond, args...)
	if err != nil {
		return Need{}, err
	}
	if len(ns) == 0 {
		return Need{}, core.NotFound("The need")
	}
	return ns[0], s.recordRead(ctx, a, "need", id, "person "+idString(ns[0].PersonID))
}

// linkNeed records, inside tx, that need id of person led to a goal or a
// referral. A need of another person is refused, naming the field need_id.
func (s *Store) linkNeed(ctx context.Context, tx *sql.Tx, a Actor, personID, needID int64, column string, recordID int64) error {
	if needID == 0 {
		return nil
	}
	res, err := tx.ExecContext(ctx, "UPDATE needs SET "+column+" = $1 WHERE id = $2 AND org_id = $3 AND person_id = $4", recordID, needID, a.OrgID, personID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err == nil {
			err = core.Invalid(map[string]string{"need_id": "This is not one of the person's needs."})
		}
		return err
	}
	return s.record(ctx, tx, a, audit.ActionUpdate, "need", needID, strings.TrimSuffix(column, "_id")+" "+idString(recordID))
}

// NeedLifeArea is the goals' life area a goal started from need n takes in
// the organisation's list, or empty.
func (s *Store) NeedLifeArea(ctx context.Context, orgID int64, n Need) (string, error) {
	set, err := s.recoverySettings(ctx, s.rdb, orgID)
	if err != nil {
		return "", err
	}
	for _, ar := range set.Areas {
		if ar.Key == n.Area {
			return ar.LifeArea, nil
		}
	}
	return "", nil
}

// LinkNeed records that an existing goal or referral of the person (0 for
// none) answers one of their needs: for a goal or referral made before the
// need was written down.
func (s *Store) LinkNeed(ctx context.Context, a Actor, needID, goalID, referralID int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		cond, args := visibleTo(a, "p", []any{needID, a.OrgID})
		ns, err := s.queryNeeds(ctx, tx, "JOIN people p ON p.id = n.person_id WHERE n.id = $1 AND n.org_id = $2 AND "+cond, args...)
		if err != nil {
			return err
		}
		if len(ns) == 0 {
			return core.NotFound("The need")
		}
		check := func(table, field string, id int64) error {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table+" WHERE id = $1 AND org_id = $2 AND person_id = $3", id, a.OrgID, ns[0].PersonID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return core.Invalid(map[string]string{field: "This is not one of the person's."})
			}
			return nil
		}
		if goalID != 0 {
			if err := check("goals", "goal_id", goalID); err != nil {
				return err
			}
			if err := s.linkNeed(ctx, tx, a, ns[0].PersonID, needID, "goal_id", goalID); err != nil {
				return err
			}
		}
		if referralID != 0 {
			if err := check("referrals", "referral_id", referralID); err != nil {
				return err
			}
			return s.linkNeed(ctx, tx, a, ns[0].PersonID, needID, "referral_id", referralID)
		}
		return nil
	})
}

// HasRecoveryPictures reports whether anyone in the organisation has a
// recovery capital assessment (the demo loads its pictures once).
func (s *Store) HasRecoveryPictures(ctx context.Context, orgID int64) (bool, error) {
	var n int
	err := s.rdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM recovery_assessments WHERE org_id = $1 LIMIT 1) t", orgID).Scan(&n)
	return n > 0, err
}
