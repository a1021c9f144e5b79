package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/core"
)

// Strengths and resiliencies, and natural supports (issue 13): what the
// person is good at, values and has found helpful, and the people and
// places in their life that help. Both are written with the person, in
// their words.

// ---- Strengths ----

// Strengths is what a person is good at, values and has found helpful
// before, in their words, with short strengths they chose or wrote.
type Strengths struct {
	PersonID     int64
	GoodAt       string
	WhatMatters  string
	HelpedBefore string
	Items        []string
	UpdatedAt    time.Time // zero when nothing is written yet
	UpdatedBy    int64
}

// Empty reports whether nothing is written yet.
func (st Strengths) Empty() bool {
	return st.GoodAt == "" && st.WhatMatters == "" && st.HelpedBefore == "" && len(st.Items) == 0
}

// StrengthsInput is the strengths as written.
type StrengthsInput struct {
	GoodAt       string
	WhatMatters  string
	HelpedBefore string
	Items        []string // short strengths; line breaks split them
}

// Limits of the strengths.
const (
	MaxStrengthText  = 4000
	MaxStrengthItems = 40
	MaxStrengthItem  = 80
)

// SuggestedStrengths are short strengths a person may choose from, or not.
var SuggestedStrengths = []string{"Caring", "Determined", "Honest", "Creative", "Good listener", "Sense of humour", "Hard-working",
	"Resourceful", "Faith", "Patient", "Brave", "Curious", "Loyal", "Good with children", "Good with my hands"}

// SaveStrengths writes a person's strengths (replacing what was there).
func (s *Store) SaveStrengths(ctx context.Context, a Actor, personID int64, in StrengthsInput) (Strengths, error) {
	st := Strengths{PersonID: personID, GoodAt: strings.TrimSpace(in.GoodAt), WhatMatters: strings.TrimSpace(in.WhatMatters),
		HelpedBefore: strings.TrimSpace(in.HelpedBefore), Items: cleanItems(in.Items), UpdatedAt: s.now(), UpdatedBy: a.UserID}
	f := map[string]string{}
	checkText(f, "good_at", st.GoodAt, MaxStrengthText, "")
	checkText(f, "what_matters", st.WhatMatters, MaxStrengthText, "")
	checkText(f, "helped_before", st.HelpedBefore, MaxStrengthText, "")
	if len(st.Items) > MaxStrengthItems {
		f["strengths"] = fmt.Sprintf("Keep to %d short strengths or fewer.", MaxStrengthItems)
	}
	for _, it := range st.Items {
		if len([]rune(it)) > MaxStrengthItem {
			f["strengths"] = fmt.Sprintf("Keep each short strength to %d characters: “%s…” is longer. Longer words belong in the boxes above.", MaxStrengthItem, string([]rune(it)[:20]))
		}
	}
	if err := core.Invalid(f); err != nil {
		return Strengths{}, err
	}
	items := strings.Join(st.Items, "\n")
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.visiblePerson(ctx, tx, a, personID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE person_strengths SET good_at = $1, what_matters = $2, helped_before = $3, strengths = $4, updated_at = $5, updated_by = $6
			WHERE person_id = $7 AND org_id = $8`, st.GoodAt, st.WhatMatters, st.HelpedBefore, items, ms(st.UpdatedAt), a.UserID, personID, a.OrgID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO person_strengths (person_id, org_id, good_at, what_matters, helped_before, strengths, updated_at, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, personID, a.OrgID, st.GoodAt, st.WhatMatters, st.HelpedBefore, items, ms(st.UpdatedAt), a.UserID); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "strengths", personID, "")
	})
	return st, err
}

func (s *Store) strengthsOf(ctx context.Context, q querier, orgID, personID int64) (Strengths, error) {
	st := Strengths{PersonID: personID}
	var items string
	var updated int64
	err := q.QueryRowContext(ctx, "SELECT good_at, what_matters, helped_before, strengths, updated_at, updated_by FROM person_strengths WHERE org_id = $1 AND person_id = $2",
		orgID, personID).Scan(&st.GoodAt, &st.WhatMatters, &st.HelpedBefore, &items, &updated, &st.UpdatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	st.Items, st.UpdatedAt = commaFreeLines(items), fromMS(updated)
	return st, err
}

func commaFreeLines(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, "\n")
}

// Strengths returns a person's strengths, and audits the read.
func (s *Store) Strengths(ctx context.Context, a Actor, personID int64) (Strengths, error) {
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return Strengths{}, err
	}
	st, err := s.strengthsOf(ctx, s.rdb, a.OrgID, personID)
	if err != nil {
		return st, err
	}
	return st, s.recordRead(ctx, a, "strengths", personID, "")
}

// ---- Natural supports ----

// NaturalSupport is someone (or somewhere) in the person's life that helps.
type NaturalSupport struct {
	ID            int64
	PersonID      int64
	Name          string // a name or a description: "my sister Ana", "the Tuesday knitting circle"
	Relationship  string
	HowTheyHelp   string
	Phone         string
	OkayToInvolve bool // the person says it is okay for their peer worker to involve them
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// SupportInput is a natural support as written.
type SupportInput struct {
	Name          string
	Relationship  string
	HowTheyHelp   string
	Phone         string
	OkayToInvolve bool
}

func validateSupport(in *SupportInput) map[string]string {
	in.Name, in.Relationship, in.HowTheyHelp, in.Phone = strings.Join(strings.Fields(in.Name), " "), strings.TrimSpace(in.Relationship), strings.TrimSpace(in.HowTheyHelp), strings.TrimSpace(in.Phone)
	f := map[string]string{}
	checkText(f, "name", in.Name, MaxPlanNameLen, "Write a name or a few words that say who or where this is.")
	checkText(f, "relationship", in.Relationship, 200, "")
	checkText(f, "how_they_help", in.HowTheyHelp, 2000, "")
	if in.Phone != "" && !validPlanPhone(in.Phone) {
		f["phone"] = phoneMessage
	}
	checkText(f, "phone", in.Phone, MaxPlanPhoneLen, "")
	return f
}

// CheckSupport reports what is wrong with a natural support, without
// recording it (a form with another question unanswered still hears it).
func CheckSupport(in SupportInput) error { return core.Invalid(validateSupport(&in)) }

// AddSupport records a natural support.
func (s *Store) AddSupport(ctx context.Context, a Actor, personID int64, in SupportInput) (NaturalSupport, error) {
	if err := core.Invalid(validateSupport(&in)); err != nil {
		return NaturalSupport{}, err
	}
	ns := NaturalSupport{PersonID: personID, Name: in.Name, Relationship: in.Relationship, HowTheyHelp: in.HowTheyHelp, Phone: in.Phone,
		OkayToInvolve: in.OkayToInvolve, CreatedAt: s.now()}
	ns.UpdatedAt = ns.CreatedAt
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.visiblePerson(ctx, tx, a, personID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO natural_supports (org_id, person_id, name, relationship, how_they_help, phone, okay_to_involve, created_at, created_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8) RETURNING id`, a.OrgID, personID, ns.Name, ns.Relationship, ns.HowTheyHelp, ns.Phone, ns.OkayToInvolve,
			ms(ns.CreatedAt), a.UserID).Scan(&ns.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "natural_support", ns.ID, "person "+idString(personID))
	})
	return ns, err
}

const supportSelect = `SELECT n.id, n.person_id, n.name, n.relationship, n.how_they_help, n.phone, n.okay_to_involve, n.created_at, n.updated_at FROM natural_supports n `

func (s *Store) querySupports(ctx context.Context, q querier, where string, args ...any) ([]NaturalSupport, error) {
	rows, err := q.QueryContext(ctx, supportSelect+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []NaturalSupport
	for rows.Next() {
		var n NaturalSupport
		var created, updated int64
		if err := rows.Scan(&n.ID, &n.PersonID, &n.Name, &n.Relationship, &n.HowTheyHelp, &n.Phone, &n.OkayToInvolve, &created, &updated); err != nil {
			return nil, err
		}
		n.CreatedAt, n.UpdatedAt = fromMS(created), fromMS(updated)
		out = append(out, n)
	}
	return out, rows.Err()
}

// MaxSupports is how many natural supports a person's picture lists.
const MaxSupports = 200

func (s *Store) supportsOf(ctx context.Context, q querier, orgID, personID int64) ([]NaturalSupport, error) {
	return s.querySupports(ctx, q, fmt.Sprintf("WHERE n.org_id = $1 AND n.person_id = $2 ORDER BY n.id LIMIT %d", MaxSupports), orgID, personID)
}

// NaturalSupports lists a person's natural supports, first recorded first,
// and audits the read.
func (s *Store) NaturalSupports(ctx context.Context, a Actor, personID int64) ([]NaturalSupport, error) {
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return nil, err
	}
	out, err := s.supportsOf(ctx, s.rdb, a.OrgID, personID)
	if err != nil {
		return nil, err
	}
	return out, s.recordRead(ctx, a, "person", personID, "natural supports")
}

func (s *Store) support(ctx context.Context, q querier, a Actor, id int64) (NaturalSupport, error) {
	cond, args := visibleTo(a, "p", []any{id, a.OrgID})
	out, err := s.querySupports(ctx, q, "JOIN people p ON p.id = n.person_id WHERE n.id = $1 AND n.org_id = $2 AND "+cond, args...)
	if err != nil {
		return NaturalSupport{}, err
	}
	if len(out) == 0 {
		return NaturalSupport{}, core.NotFound("The natural support")
	}
	return out[0], nil
}

// NaturalSupport returns one natural support, and audits the read.
func (s *Store) NaturalSupport(ctx context.Context, a Actor, id int64) (NaturalSupport, error) {
	n, err := s.support(ctx, s.rdb, a, id)
	if err != nil {
		return n, err
	}
	return n, s.recordRead(ctx, a, "natural_support", id, "person "+idString(n.PersonID))
}

// UpdateSupport changes a natural support.
func (s *Store) UpdateSupport(ctx context.Context, a Actor, id int64, in SupportInput) (NaturalSupport, error) {
	if err := core.Invalid(validateSupport(&in)); err != nil {
		return NaturalSupport{}, err
	}
	var n NaturalSupport
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if n, err = s.support(ctx, tx, a, id); err != nil {
			return err
		}
		n.Name, n.Relationship, n.HowTheyHelp, n.Phone, n.OkayToInvolve, n.UpdatedAt = in.Name, in.Relationship, in.HowTheyHelp, in.Phone, in.OkayToInvolve, s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE natural_supports SET name = $1, relationship = $2, how_they_help = $3, phone = $4, okay_to_involve = $5, updated_at = $6
			WHERE id = $7 AND org_id = $8`, n.Name, n.Relationship, n.HowTheyHelp, n.Phone, n.OkayToInvolve, ms(n.UpdatedAt), id, a.OrgID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "natural_support", id, "person "+idString(n.PersonID))
	})
	return n, err
}
