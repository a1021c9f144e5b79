package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/cohort"
	"peerpath/internal/core"
)

// This file holds programmes and cohorts, and the rule of who may see a
// cohort: an administrator of its organisation sees every cohort of it; a
// trainer sees the cohorts they train. Everyone else gets "not found". Every
// record of a cohort (sessions, participants, attendance, exams,
// certificates, outcomes) is reached through cohortFor, which applies it.

// Limits that keep a cohort's pages one query each.
const (
	MaxCapacity       = 1000
	MaxCohortSessions = 200
)

// Programme is a programme template: a built-in one (CPS, ICAN) with the
// organisation's settings, or one the organisation defined.
type Programme struct {
	Key          string // "cps", "ican", or a custom programme's id
	Kind         cohort.Kind
	ID           int64 // 0 for a built-in programme still on its defaults
	Name         string
	Description  string
	SessionKinds []cohort.SessionKind
	Students     bool
	// Rule is the organisation's once an administrator confirmed it
	// (Rule.Confirmed); a built-in programme nobody has confirmed carries
	// peerpath's suggestion.
	Rule            cohort.Rule
	RuleConfirmedAt time.Time
}

// BuiltIn reports whether the programme is one of the built-in templates.
func (p Programme) BuiltIn() bool { return p.Kind != cohort.KindCustom }

// ProgrammeInput is what an administrator sets on a programme.
type ProgrammeInput struct {
	Name         string
	Description  string
	SessionKinds []cohort.SessionKind
	Students     bool
	Rule         cohort.Rule
}

func fromTemplate(t cohort.Template) Programme {
	return Programme{Key: string(t.Kind), Kind: t.Kind, Name: t.Name, Description: t.Description,
		SessionKinds: t.SessionKinds, Students: t.Students, Rule: t.Rule}
}

const programmeColumns = `id, kind, name, description, session_kinds, students, attendance_percent, written_exam, written_pass_mark, oral_exam, attempts, rule_confirmed_at`

func scanProgramme(sc interface{ Scan(...any) error }) (Programme, error) {
	var p Programme
	var kind, kinds string
	var confirmed int64
	err := sc.Scan(&p.ID, &kind, &p.Name, &p.Description, &kinds, &p.Students,
		&p.Rule.AttendancePercent, &p.Rule.WrittenExam, &p.Rule.WrittenPassMark, &p.Rule.OralExam, &p.Rule.Attempts, &confirmed)
	if confirmed != 0 {
		p.Rule.Confirmed, p.RuleConfirmedAt = true, fromMS(confirmed)
	}
	p.Kind, p.SessionKinds = cohort.Kind(kind), splitKinds(kinds)
	p.Key = kind
	if p.Kind == cohort.KindCustom {
		p.Key = idString(p.ID)
	}
	return p, err
}

func splitKinds(s string) []cohort.SessionKind {
	var out []cohort.SessionKind
	for _, k := range strings.Split(s, ",") {
		if k != "" {
			out = append(out, cohort.SessionKind(k))
		}
	}
	return out
}

func joinKinds(ks []cohort.SessionKind) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = string(k)
	}
	return strings.Join(parts, ",")
}

// Programmes lists the organisation's programmes: the built-in ones first,
// then its own by name. An organisation has a handful, so this is not paged.
func (s *Store) Programmes(ctx context.Context, a Actor) ([]Programme, error) {
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+programmeColumns+" FROM programmes WHERE org_id = $1 ORDER BY name, id LIMIT 500", a.OrgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	builtIn := map[cohort.Kind]Programme{}
	var custom []Programme
	for rows.Next() {
		p, err := scanProgramme(rows)
		if err != nil {
			return nil, err
		}
		if p.BuiltIn() {
			builtIn[p.Kind] = p
		} else {
			custom = append(custom, p)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Programme
	for _, t := range cohort.Templates {
		p, ok := builtIn[t.Kind]
		if !ok {
			p = fromTemplate(t)
		}
		out = append(out, p)
	}
	return append(out, custom...), nil
}

// Programme returns one programme by key: "cps", "ican" or a custom id.
func (s *Store) Programme(ctx context.Context, a Actor, key string) (Programme, error) {
	return s.programme(ctx, s.rdb, a.OrgID, key)
}

func (s *Store) programme(ctx context.Context, q querier, orgID int64, key string) (Programme, error) {
	notFound := core.NotFound("The programme")
	if t, ok := cohort.TemplateFor(cohort.Kind(key)); ok {
		p, err := scanProgramme(q.QueryRowContext(ctx, "SELECT "+programmeColumns+" FROM programmes WHERE org_id = $1 AND kind = $2", orgID, key))
		if errors.Is(err, sql.ErrNoRows) {
			return fromTemplate(t), nil
		}
		return p, err
	}
	id, err := strconv.ParseInt(key, 10, 64)
	if err != nil || id <= 0 {
		return Programme{}, notFound
	}
	p, err := scanProgramme(q.QueryRowContext(ctx, "SELECT "+programmeColumns+" FROM programmes WHERE org_id = $1 AND id = $2 AND kind = 'custom'", orgID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Programme{}, notFound
	}
	return p, err
}

func validateProgramme(in *ProgrammeInput, builtIn bool) map[string]string {
	in.Name, in.Description = strings.TrimSpace(in.Name), strings.TrimSpace(in.Description)
	f := in.Rule.Check()
	if !in.Rule.Confirmed {
		f["rule_confirmed"] = "Confirm that these numbers are your organisation's rule: peerpath only suggests them, and no source document sets them."
	}
	checkText(f, "name", in.Name, 200, "Enter the programme's name, as certificates will print it.")
	checkText(f, "description", in.Description, 1000, "")
	if builtIn {
		return f
	}
	counting := false
	for _, k := range in.SessionKinds {
		if !cohort.ValidSessionKind(k) || k == cohort.SessionMakeUp {
			f["session_kinds"] = "Choose from the kinds listed."
		}
		counting = counting || k.Counts()
	}
	if !counting && f["session_kinds"] == "" {
		f["session_kinds"] = "Choose at least one kind of session that counts toward attendance (training day, retreat day, company visit or class)."
	}
	if !in.Rule.WrittenExam {
		in.Rule.WrittenPassMark = 0
	}
	if !in.Rule.HasExams() {
		in.Rule.Attempts = 0
	}
	return f
}

// CreateProgramme defines a custom programme (administrators only).
func (s *Store) CreateProgramme(ctx context.Context, a Actor, in ProgrammeInput) (Programme, error) {
	if !a.MayDefineProgrammes() {
		return Programme{}, core.Forbidden("Only an administrator can define programmes.")
	}
	if err := core.Invalid(validateProgramme(&in, false)); err != nil {
		return Programme{}, err
	}
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		now := ms(s.now())
		err := tx.QueryRowContext(ctx, `INSERT INTO programmes (org_id, kind, name, description, session_kinds, students, attendance_percent, written_exam, written_pass_mark, oral_exam, attempts,
				rule_confirmed_at, rule_confirmed_by, created_at, updated_at)
			VALUES ($1, 'custom', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11, $11) RETURNING id`,
			a.OrgID, in.Name, in.Description, joinKinds(in.SessionKinds), in.Students, in.Rule.AttendancePercent, in.Rule.WrittenExam, in.Rule.WrittenPassMark, in.Rule.OralExam, in.Rule.Attempts, now, a.UserID).Scan(&id)
		if isUniqueViolation(err) {
			return core.Invalid(map[string]string{"name": "Another programme already has this name."})
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "programme", id, "")
	})
	if err != nil {
		return Programme{}, err
	}
	return s.Programme(ctx, a, idString(id))
}

// UpdateProgramme changes a programme's settings (administrators only). For
// a built-in programme only the name, description and rule change; its kinds
// of session and whether participants are students stay as built. Cohorts
// already created keep the rule they were created with.
func (s *Store) UpdateProgramme(ctx context.Context, a Actor, key string, in ProgrammeInput) (Programme, error) {
	if !a.MayDefineProgrammes() {
		return Programme{}, core.Forbidden("Only an administrator can change programmes.")
	}
	var p Programme
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if p, err = s.programme(ctx, tx, a.OrgID, key); err != nil {
			return err
		}
		if p.BuiltIn() {
			in.SessionKinds, in.Students = p.SessionKinds, p.Students
		}
		if err := core.Invalid(validateProgramme(&in, p.BuiltIn())); err != nil {
			return err
		}
		now := ms(s.now())
		if p.ID == 0 {
			err = tx.QueryRowContext(ctx, `INSERT INTO programmes (org_id, kind, name, description, session_kinds, students, attendance_percent, written_exam, written_pass_mark, oral_exam, attempts,
					rule_confirmed_at, rule_confirmed_by, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $12, $12) RETURNING id`,
				a.OrgID, string(p.Kind), in.Name, in.Description, joinKinds(in.SessionKinds), in.Students, in.Rule.AttendancePercent, in.Rule.WrittenExam, in.Rule.WrittenPassMark, in.Rule.OralExam, in.Rule.Attempts, now, a.UserID).Scan(&p.ID)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE programmes SET name = $1, description = $2, session_kinds = $3, students = $4, attendance_percent = $5, written_exam = $6,
				written_pass_mark = $7, oral_exam = $8, attempts = $9, updated_at = $10, rule_confirmed_at = $10, rule_confirmed_by = $13 WHERE id = $11 AND org_id = $12`,
				in.Name, in.Description, joinKinds(in.SessionKinds), in.Students, in.Rule.AttendancePercent, in.Rule.WrittenExam, in.Rule.WrittenPassMark, in.Rule.OralExam, in.Rule.Attempts, now, p.ID, a.OrgID, a.UserID)
		}
		if isUniqueViolation(err) {
			return core.Invalid(map[string]string{"name": "Another programme already has this name."})
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "programme", p.ID, string(p.Kind))
	})
	if err != nil {
		return Programme{}, err
	}
	return s.Programme(ctx, a, key)
}

// Trainer is a trainer of a cohort.
type Trainer struct {
	ID   int64
	Name string
}

// Cohort is one run of a programme.
type Cohort struct {
	ID            int64
	OrgID         int64
	ProgrammeKind cohort.Kind
	ProgrammeID   int64 // custom programmes only
	ProgrammeName string
	Name          string
	Term          string
	Location      string
	StartsOn      string
	EndsOn        string
	Capacity      int
	SessionKinds  []cohort.SessionKind // the kinds of session it may have (make-ups always)
	Students      bool
	Rule          cohort.Rule // Rule.Confirmed: the organisation's, not peerpath's suggestion
	Trainers      []Trainer
	CreatedAt     time.Time
	// RuleConfirmedAt is when the rule became the organisation's for this
	// cohort (copied from a confirmed programme, or confirmed for it).
	RuleConfirmedAt time.Time
}

// ProgrammeKey is the programme as the API names it: cps, ican or an id.
func (c Cohort) ProgrammeKey() string {
	if c.ProgrammeKind == cohort.KindCustom {
		return idString(c.ProgrammeID)
	}
	return string(c.ProgrammeKind)
}

// AllowsKind reports whether sessions of kind k belong in the cohort.
func (c Cohort) AllowsKind(k cohort.SessionKind) bool {
	return k == cohort.SessionMakeUp || slices.Contains(c.SessionKinds, k)
}

// KindsOffered are the kinds a new session of the cohort may have.
func (c Cohort) KindsOffered() []cohort.SessionKind {
	return append(slices.Clone(c.SessionKinds), cohort.SessionMakeUp)
}

// HasTrainer reports whether the user trains the cohort.
func (c Cohort) HasTrainer(userID int64) bool {
	return slices.ContainsFunc(c.Trainers, func(t Trainer) bool { return t.ID == userID })
}

// CohortInput is what creating or editing a cohort takes. Programme is
// fixed at creation and ignored by UpdateCohort.
type CohortInput struct {
	Programme  string
	Name       string
	Term       string
	Location   string
	StartsOn   string
	EndsOn     string
	Capacity   int
	TrainerIDs []int64
	// ConfirmRule: an administrator confirms, on creating the cohort, the
	// programme's rule as the organisation's for this cohort. Ignored by
	// UpdateCohort (ConfirmCohortRule changes a cohort's rule).
	ConfirmRule bool
}

const cohortColumns = `c.id, c.org_id, c.programme_kind, c.programme_id, c.programme_name, c.name, c.term, c.location, c.starts_on, c.ends_on, c.capacity,
	c.session_kinds, c.students, c.attendance_percent, c.written_exam, c.written_pass_mark, c.oral_exam, c.attempts, c.created_at, c.rule_confirmed_at`

func scanCohort(sc interface{ Scan(...any) error }) (Cohort, error) {
	var c Cohort
	var kind, kinds string
	var prog sql.NullInt64
	var created, confirmed int64
	err := sc.Scan(&c.ID, &c.OrgID, &kind, &prog, &c.ProgrammeName, &c.Name, &c.Term, &c.Location, &c.StartsOn, &c.EndsOn, &c.Capacity,
		&kinds, &c.Students, &c.Rule.AttendancePercent, &c.Rule.WrittenExam, &c.Rule.WrittenPassMark, &c.Rule.OralExam, &c.Rule.Attempts, &created, &confirmed)
	if confirmed != 0 {
		c.Rule.Confirmed, c.RuleConfirmedAt = true, fromMS(confirmed)
	}
	c.ProgrammeKind, c.ProgrammeID, c.SessionKinds, c.CreatedAt = cohort.Kind(kind), prog.Int64, splitKinds(kinds), fromMS(created)
	return c, err
}

// cohortFor returns a cohort the actor may see, with its trainers, or "not
// found". With lock, the row is locked for the rest of the transaction, so
// that enrolments and withdrawals of one cohort take turns.
func (s *Store) cohortFor(ctx context.Context, q querier, a Actor, id int64, lock bool) (Cohort, error) {
	args := []any{id}
	where := "c.id = $1 AND " + cohortScope(a, &args)
	suffix := ""
	if lock {
		suffix = s.forUpdate()
	}
	c, err := scanCohort(q.QueryRowContext(ctx, "SELECT "+cohortColumns+" FROM cohorts c WHERE "+where+suffix, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Cohort{}, core.NotFound("The cohort")
	}
	if err != nil {
		return Cohort{}, err
	}
	cs := []Cohort{c}
	if err := s.loadTrainers(ctx, q, a.OrgID, cs); err != nil {
		return Cohort{}, err
	}
	return cs[0], nil
}

// Cohort returns a cohort the actor may see.
func (s *Store) Cohort(ctx context.Context, a Actor, id int64) (Cohort, error) {
	return s.cohortFor(ctx, s.rdb, a, id, false)
}

// loadTrainers fills in the trainers of cohorts with one query.
func (s *Store) loadTrainers(ctx context.Context, q querier, orgID int64, cs []Cohort) error {
	if len(cs) == 0 {
		return nil
	}
	idx := map[int64]int{}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		idx[c.ID], ids[i] = i, c.ID
		cs[i].Trainers = nil
	}
	ph, args := inList(ids, []any{orgID})
	rows, err := q.QueryContext(ctx, `SELECT ct.cohort_id, u.id, u.name FROM cohort_trainers ct JOIN users u ON u.id = ct.user_id
		WHERE ct.org_id = $1 AND ct.cohort_id IN (`+ph+`) ORDER BY u.name, u.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var cid int64
		var t Trainer
		if err := rows.Scan(&cid, &t.ID, &t.Name); err != nil {
			return err
		}
		i := idx[cid]
		cs[i].Trainers = append(cs[i].Trainers, t)
	}
	return rows.Err()
}

// checkDay checks a YYYY-MM-DD date; required names the message for an
// empty one, or "" when the date is optional.
func checkDay(f map[string]string, field, v, required string) {
	if v == "" {
		if required != "" {
			f[field] = required
		}
		return
	}
	if _, ok := cohort.ParseDay(v); !ok {
		f[field] = "Enter a date such as 2026-11-23."
	}
}

func validateCohort(in *CohortInput) map[string]string {
	in.Name, in.Term, in.Location = strings.TrimSpace(in.Name), strings.TrimSpace(in.Term), strings.TrimSpace(in.Location)
	in.StartsOn, in.EndsOn = strings.TrimSpace(in.StartsOn), strings.TrimSpace(in.EndsOn)
	f := map[string]string{}
	checkText(f, "name", in.Name, 200, "Enter a name for the cohort, such as “Spring 2027, Worcester”.")
	checkText(f, "term", in.Term, 100, "")
	checkText(f, "location", in.Location, 300, "")
	checkDay(f, "starts_on", in.StartsOn, "Enter the date of the first session.")
	checkDay(f, "ends_on", in.EndsOn, "Enter the date the cohort ends.")
	if f["starts_on"] == "" && f["ends_on"] == "" && in.EndsOn < in.StartsOn {
		f["ends_on"] = "The end date must be on or after the start date."
	}
	if in.Capacity < 1 || in.Capacity > MaxCapacity {
		f["capacity"] = fmt.Sprintf("Enter how many places the cohort has, from 1 to %d.", MaxCapacity)
	}
	return f
}

// checkTrainers refuses trainers who are not active trainers or
// administrators of the organisation.
func (s *Store) checkTrainers(ctx context.Context, q querier, orgID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	ph, args := inList(ids, []any{orgID})
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(DISTINCT u.id) FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role IN `+rolesRunningCohorts+`
		WHERE u.org_id = $1 AND u.active AND u.id IN (`+ph+`)`, args...).Scan(&n)
	if err != nil {
		return err
	}
	if n != len(ids) {
		return core.Invalid(map[string]string{"trainers": "Choose trainers from the list: active trainers of this organisation."})
	}
	return nil
}

func setTrainers(ctx context.Context, tx *sql.Tx, orgID, cohortID int64, ids []int64) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM cohort_trainers WHERE cohort_id = $1 AND org_id = $2", cohortID, orgID); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, "INSERT INTO cohort_trainers (org_id, cohort_id, user_id) VALUES ($1, $2, $3)", orgID, cohortID, id); err != nil {
			return err
		}
	}
	return nil
}

// CreateCohort starts a cohort of a programme, copying the programme's rule
// onto it. A trainer who creates a cohort is one of its trainers.
func (s *Store) CreateCohort(ctx context.Context, a Actor, in CohortInput) (Cohort, error) {
	if !a.MayRunCohorts() {
		return Cohort{}, core.Forbidden("Only trainers and administrators run cohorts.")
	}
	if in.ConfirmRule && !a.MayConfirmCohortRule() {
		return Cohort{}, core.Forbidden("Only an administrator confirms a completion rule as the organisation's.")
	}
	f := validateCohort(&in)
	if a.TrainsCohorts() && !slices.Contains(in.TrainerIDs, a.UserID) {
		in.TrainerIDs = append(in.TrainerIDs, a.UserID)
	}
	in.TrainerIDs = uniqueIDs(in.TrainerIDs)
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		p, err := s.programme(ctx, tx, a.OrgID, strings.TrimSpace(in.Programme))
		if core.KindOf(err) == core.KindNotFound {
			f["programme"] = "Choose a programme from the list."
		} else if err != nil {
			return err
		}
		if err := core.Invalid(f); err != nil {
			return err
		}
		if err := s.checkTrainers(ctx, tx, a.OrgID, in.TrainerIDs); err != nil {
			return err
		}
		var progID int64 // built-in programmes are named by kind, not by a row
		if p.Kind == cohort.KindCustom {
			progID = p.ID
		}
		now := ms(s.now())
		// The cohort's rule is the organisation's when its programme's is,
		// or when the administrator creating it confirms it now.
		var confirmedAt int64
		var confirmedBy any
		if p.Rule.Confirmed || in.ConfirmRule {
			confirmedAt = now
		}
		if in.ConfirmRule {
			confirmedBy = a.UserID
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO cohorts (org_id, programme_kind, programme_id, programme_name, name, term, location, starts_on, ends_on, capacity,
			session_kinds, students, attendance_percent, written_exam, written_pass_mark, oral_exam, attempts, created_by, created_at, updated_at, rule_confirmed_at, rule_confirmed_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19, $20, $21) RETURNING id`,
			a.OrgID, string(p.Kind), nullID(progID), p.Name, in.Name, in.Term, in.Location, in.StartsOn, in.EndsOn, in.Capacity,
			joinKinds(p.SessionKinds), p.Students, p.Rule.AttendancePercent, p.Rule.WrittenExam, p.Rule.WrittenPassMark, p.Rule.OralExam, p.Rule.Attempts, a.UserID, now,
			confirmedAt, confirmedBy).Scan(&id)
		if err != nil {
			return err
		}
		if err := setTrainers(ctx, tx, a.OrgID, id, in.TrainerIDs); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "cohort", id, string(p.Kind))
	})
	if err != nil {
		return Cohort{}, err
	}
	return s.Cohort(ctx, a, id)
}

// UpdateCohort changes a cohort's name, term, place, dates, capacity and
// trainers. Raising the capacity gives waiting people their places at once,
// in waitlist order; it reports how many were given one. A trainer cannot
// take themselves off a cohort (they would lose sight of it): an
// administrator hands it over.
func (s *Store) UpdateCohort(ctx context.Context, a Actor, id int64, in CohortInput) (Cohort, int, error) {
	f := validateCohort(&in)
	in.TrainerIDs = uniqueIDs(in.TrainerIDs)
	if !a.SeesEveryCohort() && !slices.Contains(in.TrainerIDs, a.UserID) {
		f["trainers"] = "You cannot take yourself off this cohort: you would no longer see it. Ask an administrator to hand it over."
	}
	var promoted int
	err := s.tx(ctx, func(tx *sql.Tx) error {
		c, err := s.cohortFor(ctx, tx, a, id, true)
		if err != nil {
			return err
		}
		if err := core.Invalid(f); err != nil {
			return err
		}
		if err := s.checkTrainers(ctx, tx, a.OrgID, in.TrainerIDs); err != nil {
			return err
		}
		taken, err := placesTaken(ctx, tx, a.OrgID, c.ID)
		if err != nil {
			return err
		}
		if in.Capacity < taken {
			msg := fmt.Sprintf("%d people already hold places. Withdraw someone first, or keep at least %d places.", taken, taken)
			if taken == 1 {
				msg = "One person already holds a place. Withdraw them first, or keep at least one place."
			}
			return core.Invalid(map[string]string{"capacity": msg})
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cohorts SET name = $1, term = $2, location = $3, starts_on = $4, ends_on = $5, capacity = $6, updated_at = $7
			WHERE id = $8 AND org_id = $9`, in.Name, in.Term, in.Location, in.StartsOn, in.EndsOn, in.Capacity, ms(s.now()), c.ID, a.OrgID); err != nil {
			return err
		}
		if err := setTrainers(ctx, tx, a.OrgID, c.ID, in.TrainerIDs); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, audit.ActionUpdate, "cohort", c.ID, ""); err != nil {
			return err
		}
		c.Capacity = in.Capacity
		promoted, err = s.promoteWaitlist(ctx, tx, a, c)
		return err
	})
	if err != nil {
		return Cohort{}, 0, err
	}
	c, err := s.Cohort(ctx, a, id)
	return c, promoted, err
}

// CohortSummary is a cohort with its numbers, for lists.
type CohortSummary struct {
	Cohort
	Enrolled    int // holding a place (enrolled or completed)
	Completed   int
	Waitlisted  int
	Applied     int
	NextSession string // the date of the next session from today, if any
}

// ListCohorts lists the cohorts the actor may see, the latest start first.
func (s *Store) ListCohorts(ctx context.Context, a Actor, p Page) (List[CohortSummary], error) {
	var afterStart string
	var afterID int64
	has, err := decodeCursor(p.Cursor, &afterStart, &afterID)
	if err != nil {
		return List[CohortSummary]{}, err
	}
	limit := p.limit()
	var args []any
	q := "SELECT " + cohortColumns + " FROM cohorts c WHERE " + cohortScope(a, &args)
	if has {
		args = append(args, afterStart, afterID)
		q += fmt.Sprintf(" AND (c.starts_on < $%d OR (c.starts_on = $%d AND c.id < $%d))", len(args)-1, len(args)-1, len(args))
	}
	q += fmt.Sprintf(" ORDER BY c.starts_on DESC, c.id DESC LIMIT %d", limit+1)
	cs, err := s.queryCohorts(ctx, q, args...)
	if err != nil {
		return List[CohortSummary]{}, err
	}
	cs, more := trim(cs, limit)
	out, err := s.summarise(ctx, a.OrgID, cs, false)
	if err != nil {
		return List[CohortSummary]{}, err
	}
	res := List[CohortSummary]{Items: out}
	if more {
		last := cs[len(cs)-1]
		res.Next = encodeCursor(last.StartsOn, last.ID)
	}
	return res, nil
}

// TrainerCohorts lists the cohorts the actor trains that have not ended,
// soonest first, for their home page.
func (s *Store) TrainerCohorts(ctx context.Context, a Actor, limit int) ([]CohortSummary, error) {
	today := cohort.Today(s.now())
	cs, err := s.queryCohorts(ctx, "SELECT "+cohortColumns+` FROM cohort_trainers ct JOIN cohorts c ON c.id = ct.cohort_id AND c.org_id = ct.org_id
		WHERE ct.org_id = $1 AND ct.user_id = $2 AND c.ends_on >= $3 ORDER BY c.starts_on, c.id LIMIT `+strconv.Itoa(limit), a.OrgID, a.UserID, today)
	if err != nil {
		return nil, err
	}
	return s.summarise(ctx, a.OrgID, cs, false)
}

func (s *Store) queryCohorts(ctx context.Context, q string, args ...any) ([]Cohort, error) {
	return queryCohortsOn(ctx, s.rdb, q, args...)
}

// queryCohortsOn is queryCohorts on a given database (a report's, staleOK).
func queryCohortsOn(ctx context.Context, db querier, q string, args ...any) ([]Cohort, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Cohort
	for rows.Next() {
		c, err := scanCohort(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// summarise adds trainers (unless the cohorts have them already), counts
// and the next session to a page of cohorts: three queries for the page.
func (s *Store) summarise(ctx context.Context, orgID int64, cs []Cohort, haveTrainers bool) ([]CohortSummary, error) {
	out := make([]CohortSummary, len(cs))
	if len(cs) == 0 {
		return out, nil
	}
	if !haveTrainers {
		if err := s.loadTrainers(ctx, s.rdb, orgID, cs); err != nil {
			return nil, err
		}
	}
	idx := map[int64]int{}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		out[i].Cohort, idx[c.ID], ids[i] = c, i, c.ID
	}
	ph, args := inList(ids, []any{orgID})
	rows, err := s.rdb.QueryContext(ctx, `SELECT cohort_id, status, COUNT(*) FROM participants WHERE org_id = $1 AND cohort_id IN (`+ph+`) GROUP BY cohort_id, status`,
		args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var cid int64
		var st string
		var n int
		if err := rows.Scan(&cid, &st, &n); err != nil {
			return nil, err
		}
		c := &out[idx[cid]]
		switch cohort.Status(st) {
		case cohort.Enrolled:
			c.Enrolled += n
		case cohort.Completed:
			c.Enrolled += n
			c.Completed += n
		case cohort.Waitlisted:
			c.Waitlisted = n
		case cohort.Applied:
			c.Applied = n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	today := cohort.Today(s.now())
	rows, err = s.rdb.QueryContext(ctx, `SELECT cohort_id, MIN(held_on) FROM cohort_sessions WHERE org_id = $1 AND cohort_id IN (`+ph+`) AND held_on >= $`+strconv.Itoa(len(ids)+2)+` GROUP BY cohort_id`,
		append(args, today)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var cid int64
		var on string
		if err := rows.Scan(&cid, &on); err != nil {
			return nil, err
		}
		out[idx[cid]].NextSession = on
	}
	return out, rows.Err()
}

// CohortByName finds a cohort the actor may see by its exact name (the demo
// loader uses it to stay idempotent).
func (s *Store) CohortByName(ctx context.Context, a Actor, name string) (Cohort, error) {
	args := []any{name}
	c, err := scanCohort(s.rdb.QueryRowContext(ctx, "SELECT "+cohortColumns+" FROM cohorts c WHERE c.name = $1 AND "+cohortScope(a, &args)+" ORDER BY c.id LIMIT 1", args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Cohort{}, core.NotFound("The cohort")
	}
	if err != nil {
		return Cohort{}, err
	}
	return s.Cohort(ctx, a, c.ID)
}
