package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/core"
)

// Advocacy, rights concerns and medication questions (issue 13). Advocacy
// and rights concerns are kept apart from contact notes so they can be
// counted. Medication questions are what the person wants to remember or
// ask, in their words: not a medication list, not an administration record.

// ---- Advocacy ----

// AdvocacyEntry is advocacy done with or for a person.
type AdvocacyEntry struct {
	ID        int64
	PersonID  int64
	DoneOn    string
	What      string
	WithWhom  string // the office, agency or person it was with
	Outcome   string
	Skill     string // the self-advocacy skill the person practised
	CreatedAt time.Time
	CreatedBy int64
}

// AdvocacyInput is advocacy as recorded.
type AdvocacyInput struct {
	DoneOn, What, WithWhom, Outcome, Skill string
}

// SuggestedSkills are self-advocacy skills a worker may pick from.
var SuggestedSkills = []string{"Saying what I need", "Knowing my rights", "Asking questions", "Keeping records", "Making a phone call",
	"Writing a letter or email", "Bringing someone with me", "Following up", "Saying no"}

// AddAdvocacy records advocacy done with or for a person.
func (s *Store) AddAdvocacy(ctx context.Context, a Actor, personID int64, in AdvocacyInput) (AdvocacyEntry, error) {
	today := s.Today()
	e := AdvocacyEntry{PersonID: personID, DoneOn: strings.TrimSpace(in.DoneOn), What: strings.TrimSpace(in.What), WithWhom: strings.TrimSpace(in.WithWhom),
		Outcome: strings.TrimSpace(in.Outcome), Skill: strings.TrimSpace(in.Skill), CreatedAt: s.now(), CreatedBy: a.UserID}
	if e.DoneOn == "" {
		e.DoneOn = today
	}
	f := map[string]string{}
	checkPastDate(f, "done_on", e.DoneOn, today, "it happened")
	checkText(f, "what", e.What, 2000, "Say what the advocacy was.")
	checkText(f, "with_whom", e.WithWhom, 200, "")
	checkText(f, "outcome", e.Outcome, 2000, "")
	checkText(f, "skill", e.Skill, 200, "")
	if err := core.Invalid(f); err != nil {
		return AdvocacyEntry{}, err
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.visiblePerson(ctx, tx, a, personID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO advocacy_entries (org_id, person_id, done_on, what, with_whom, outcome, skill, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, a.OrgID, personID, e.DoneOn, e.What, e.WithWhom, e.Outcome, e.Skill, ms(e.CreatedAt), a.UserID).Scan(&e.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "advocacy", e.ID, "person "+idString(personID))
	})
	return e, err
}

// datePage reads a newest-first cursor over (date, id) and returns the
// condition to add (with its arguments appended) and the page's limit.
func datePage(p Page, dateCol, idCol string, args []any) (string, []any, int, error) {
	var on string
	var id int64
	has, err := decodeCursor(p.Cursor, &on, &id)
	if err != nil {
		return "", nil, 0, err
	}
	cond := ""
	if has {
		args = append(args, on, id)
		n := len(args)
		cond = fmt.Sprintf(" AND (%s < $%d OR (%s = $%d AND %s < $%d))", dateCol, n-1, dateCol, n-1, idCol, n)
	}
	return cond, args, p.limit(), nil
}

// ListAdvocacy lists advocacy with or for a person, newest first, and audits the read.
func (s *Store) ListAdvocacy(ctx context.Context, a Actor, personID int64, p Page) (List[AdvocacyEntry], error) {
	cond, args, limit, err := datePage(p, "done_on", "id", []any{a.OrgID, personID})
	if err != nil {
		return List[AdvocacyEntry]{}, err
	}
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return List[AdvocacyEntry]{}, err
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT id, person_id, done_on, what, with_whom, outcome, skill, created_at, created_by FROM advocacy_entries
		WHERE org_id = $1 AND person_id = $2`+cond+fmt.Sprintf(" ORDER BY done_on DESC, id DESC LIMIT %d", limit+1), args...)
	if err != nil {
		return List[AdvocacyEntry]{}, err
	}
	defer rows.Close()
	var out []AdvocacyEntry
	for rows.Next() {
		var e AdvocacyEntry
		var created int64
		if err := rows.Scan(&e.ID, &e.PersonID, &e.DoneOn, &e.What, &e.WithWhom, &e.Outcome, &e.Skill, &created, &e.CreatedBy); err != nil {
			return List[AdvocacyEntry]{}, err
		}
		e.CreatedAt = fromMS(created)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return List[AdvocacyEntry]{}, err
	}
	out, more := trim(out, limit)
	res := List[AdvocacyEntry]{Items: out}
	if more {
		res.Next = encodeCursor(out[len(out)-1].DoneOn, out[len(out)-1].ID)
	}
	return res, s.recordRead(ctx, a, "person", personID, "advocacy")
}

// ---- Rights concerns ----

// RightsKinds are the kinds of rights concern.
var RightsKinds = []string{"privacy", "informed_choice", "restraint_or_seclusion", "discrimination", "access_to_services", "housing",
	"benefits", "work", "communication_and_visitors", "dignity_and_respect", "other"}

// RightsConcern is a concern about a person's rights, raised on a day, and
// resolved or not.
type RightsConcern struct {
	ID         int64
	PersonID   int64
	RaisedOn   string
	Kind       string
	Note       string
	ResolvedOn string // empty while open
	Resolution string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Resolved reports whether the concern is resolved.
func (c RightsConcern) Resolved() bool { return c.ResolvedOn != "" }

// RightsInput is a concern as raised.
type RightsInput struct {
	RaisedOn, Kind, Note string
}

// RaiseRightsConcern records a rights concern.
func (s *Store) RaiseRightsConcern(ctx context.Context, a Actor, personID int64, in RightsInput) (RightsConcern, error) {
	today := s.Today()
	c := RightsConcern{PersonID: personID, RaisedOn: strings.TrimSpace(in.RaisedOn), Kind: strings.TrimSpace(in.Kind), Note: strings.TrimSpace(in.Note), CreatedAt: s.now()}
	c.UpdatedAt = c.CreatedAt
	if c.RaisedOn == "" {
		c.RaisedOn = today
	}
	f := map[string]string{}
	checkPastDate(f, "raised_on", c.RaisedOn, today, "it was raised")
	if !contains(RightsKinds, c.Kind) {
		f["kind"] = fmt.Sprintf("Choose the kind of concern: %s.", strings.Join(RightsKinds, ", "))
	}
	checkText(f, "note", c.Note, 2000, "")
	if err := core.Invalid(f); err != nil {
		return RightsConcern{}, err
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.visiblePerson(ctx, tx, a, personID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO rights_concerns (org_id, person_id, raised_on, kind, note, created_at, created_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $6) RETURNING id`, a.OrgID, personID, c.RaisedOn, c.Kind, c.Note, ms(c.CreatedAt), a.UserID).Scan(&c.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "rights_concern", c.ID, "person "+idString(personID)+"; "+c.Kind)
	})
	return c, err
}

const rightsSelect = `SELECT r.id, r.person_id, r.raised_on, r.kind, r.note, r.resolved_on, r.resolution, r.created_at, r.updated_at FROM rights_concerns r `

func (s *Store) queryRights(ctx context.Context, q querier, where string, args ...any) ([]RightsConcern, error) {
	rows, err := q.QueryContext(ctx, rightsSelect+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RightsConcern
	for rows.Next() {
		var c RightsConcern
		var created, updated int64
		if err := rows.Scan(&c.ID, &c.PersonID, &c.RaisedOn, &c.Kind, &c.Note, &c.ResolvedOn, &c.Resolution, &created, &updated); err != nil {
			return nil, err
		}
		c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
		out = append(out, c)
	}
	return out, rows.Err()
}

// ListRightsConcerns lists a person's rights concerns, newest first, and
// audits the read.
func (s *Store) ListRightsConcerns(ctx context.Context, a Actor, personID int64, p Page) (List[RightsConcern], error) {
	cond, args, limit, err := datePage(p, "r.raised_on", "r.id", []any{a.OrgID, personID})
	if err != nil {
		return List[RightsConcern]{}, err
	}
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return List[RightsConcern]{}, err
	}
	out, err := s.queryRights(ctx, s.rdb, "WHERE r.org_id = $1 AND r.person_id = $2"+cond+fmt.Sprintf(" ORDER BY r.raised_on DESC, r.id DESC LIMIT %d", limit+1), args...)
	if err != nil {
		return List[RightsConcern]{}, err
	}
	out, more := trim(out, limit)
	res := List[RightsConcern]{Items: out}
	if more {
		res.Next = encodeCursor(out[len(out)-1].RaisedOn, out[len(out)-1].ID)
	}
	return res, s.recordRead(ctx, a, "person", personID, "rights concerns")
}

// RightsConcern returns one rights concern, and audits the read.
func (s *Store) RightsConcern(ctx context.Context, a Actor, id int64) (RightsConcern, error) {
	cond, args := visibleTo(a, "p", []any{id, a.OrgID})
	cs, err := s.queryRights(ctx, s.rdb, "JOIN people p ON p.id = r.person_id WHERE r.id = $1 AND r.org_id = $2 AND "+cond, args...)
	if err != nil {
		return RightsConcern{}, err
	}
	if len(cs) == 0 {
		return RightsConcern{}, core.NotFound("The rights concern")
	}
	return cs[0], s.recordRead(ctx, a, "rights_concern", id, "person "+idString(cs[0].PersonID))
}

// ResolveRightsConcern records that a concern is resolved, on a day and how.
func (s *Store) ResolveRightsConcern(ctx context.Context, a Actor, id int64, resolvedOn, resolution string) (RightsConcern, error) {
	resolvedOn, resolution = strings.TrimSpace(resolvedOn), strings.TrimSpace(resolution)
	today := s.Today()
	if resolvedOn == "" {
		resolvedOn = today
	}
	var c RightsConcern
	err := s.tx(ctx, func(tx *sql.Tx) error {
		cond, args := visibleTo(a, "p", []any{id, a.OrgID})
		cs, err := s.queryRights(ctx, tx, "JOIN people p ON p.id = r.person_id WHERE r.id = $1 AND r.org_id = $2 AND "+cond, args...)
		if err != nil {
			return err
		}
		if len(cs) == 0 {
			return core.NotFound("The rights concern")
		}
		c = cs[0]
		if c.Resolved() {
			return core.Conflict("This concern is already resolved.")
		}
		f := map[string]string{}
		checkPastDate(f, "resolved_on", resolvedOn, today, "it was resolved")
		if f["resolved_on"] == "" && resolvedOn < c.RaisedOn {
			f["resolved_on"] = "A concern cannot be resolved before it was raised."
		}
		checkText(f, "resolution", resolution, 2000, "")
		if err := core.Invalid(f); err != nil {
			return err
		}
		c.ResolvedOn, c.Resolution, c.UpdatedAt = resolvedOn, resolution, s.now()
		if _, err := tx.ExecContext(ctx, "UPDATE rights_concerns SET resolved_on = $1, resolution = $2, updated_at = $3 WHERE id = $4 AND org_id = $5",
			resolvedOn, resolution, ms(c.UpdatedAt), id, a.OrgID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "rights_concern", id, "resolved; person "+idString(c.PersonID))
	})
	return c, err
}

// ---- Medication questions ----

// MedicationKinds are the kinds of medication question.
var MedicationKinds = []string{"side_effect", "question_for_prescriber", "to_remember"}

// MedicationQuestion is something the person wants to remember or ask
// about their medication, in their words.
type MedicationQuestion struct {
	ID        int64
	PersonID  int64
	NotedOn   string
	Kind      string
	Text      string
	SettledOn string // the day the person said it was asked or no longer matters
	CreatedAt time.Time
}

// MedicationInput is a question as written.
type MedicationInput struct {
	NotedOn, Kind, Text string
}

// AddMedicationQuestion records a medication question in the person's words.
func (s *Store) AddMedicationQuestion(ctx context.Context, a Actor, personID int64, in MedicationInput) (MedicationQuestion, error) {
	today := s.Today()
	m := MedicationQuestion{PersonID: personID, NotedOn: strings.TrimSpace(in.NotedOn), Kind: strings.TrimSpace(in.Kind), Text: strings.TrimSpace(in.Text), CreatedAt: s.now()}
	if m.NotedOn == "" {
		m.NotedOn = today
	}
	f := map[string]string{}
	checkPastDate(f, "noted_on", m.NotedOn, today, "the person said it")
	if !contains(MedicationKinds, m.Kind) {
		f["kind"] = "Choose a side effect, a question for the prescriber, or something to remember."
	}
	checkText(f, "text", m.Text, 2000, "Write it in the person's own words.")
	if err := core.Invalid(f); err != nil {
		return MedicationQuestion{}, err
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.visiblePerson(ctx, tx, a, personID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO medication_questions (org_id, person_id, noted_on, kind, text, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, a.OrgID, personID, m.NotedOn, m.Kind, m.Text, ms(m.CreatedAt), a.UserID).Scan(&m.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "medication_question", m.ID, "person "+idString(personID))
	})
	return m, err
}

const medicationSelect = `SELECT m.id, m.person_id, m.noted_on, m.kind, m.text, m.settled_on, m.created_at FROM medication_questions m `

func (s *Store) queryMedication(ctx context.Context, q querier, where string, args ...any) ([]MedicationQuestion, error) {
	rows, err := q.QueryContext(ctx, medicationSelect+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MedicationQuestion
	for rows.Next() {
		var m MedicationQuestion
		var created int64
		if err := rows.Scan(&m.ID, &m.PersonID, &m.NotedOn, &m.Kind, &m.Text, &m.SettledOn, &created); err != nil {
			return nil, err
		}
		m.CreatedAt = fromMS(created)
		out = append(out, m)
	}
	return out, rows.Err()
}

// ListMedicationQuestions lists a person's medication questions, newest
// first, and audits the read.
func (s *Store) ListMedicationQuestions(ctx context.Context, a Actor, personID int64, p Page) (List[MedicationQuestion], error) {
	cond, args, limit, err := datePage(p, "m.noted_on", "m.id", []any{a.OrgID, personID})
	if err != nil {
		return List[MedicationQuestion]{}, err
	}
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return List[MedicationQuestion]{}, err
	}
	out, err := s.queryMedication(ctx, s.rdb, "WHERE m.org_id = $1 AND m.person_id = $2"+cond+fmt.Sprintf(" ORDER BY m.noted_on DESC, m.id DESC LIMIT %d", limit+1), args...)
	if err != nil {
		return List[MedicationQuestion]{}, err
	}
	out, more := trim(out, limit)
	res := List[MedicationQuestion]{Items: out}
	if more {
		res.Next = encodeCursor(out[len(out)-1].NotedOn, out[len(out)-1].ID)
	}
	return res, s.recordRead(ctx, a, "person", personID, "medication questions")
}

// SettleMedicationQuestion marks a question as asked or no longer needed.
func (s *Store) SettleMedicationQuestion(ctx context.Context, a Actor, id int64) (MedicationQuestion, error) {
	var m MedicationQuestion
	err := s.tx(ctx, func(tx *sql.Tx) error {
		cond, args := visibleTo(a, "p", []any{id, a.OrgID})
		ms_, err := s.queryMedication(ctx, tx, "JOIN people p ON p.id = m.person_id WHERE m.id = $1 AND m.org_id = $2 AND "+cond, args...)
		if err != nil {
			return err
		}
		if len(ms_) == 0 {
			return core.NotFound("The medication question")
		}
		m = ms_[0]
		if m.SettledOn != "" {
			return nil
		}
		m.SettledOn = s.Today()
		if _, err := tx.ExecContext(ctx, "UPDATE medication_questions SET settled_on = $1 WHERE id = $2 AND org_id = $3", m.SettledOn, id, a.OrgID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "medication_question", id, "settled; person "+idString(m.PersonID))
	})
	return m, err
}
