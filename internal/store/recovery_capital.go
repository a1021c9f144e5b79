package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/core"
	"peerpath/internal/recovery"
)

// This file holds recovery capital (issue 13): the instruments an
// organisation may use (peerpath's, such as the BARC-10, and its own, each a
// JSON file), the assessments taken with a person over time, the
// organisation's recovery settings, and the home page's list of people due
// a check. Who may read or add an assessment is who may see the person
// (visiblePerson); every read is audited.

// ---- Settings ----

// DefaultRecoveryCheckDays is how long after the last recovery capital
// assessment a person is listed as due another, until an administrator sets
// the organisation's own number.
const DefaultRecoveryCheckDays = 90

// Limits of the recovery settings.
const (
	MinRecoveryCheckDays = 7
	MaxRecoveryCheckDays = 730
	MaxNeedAreas         = 40
)

// RecoverySettings are an organisation's settings for recovery pictures.
type RecoverySettings struct {
	CheckDays int
	Areas     []recovery.Area // the areas of need, in order
	OwnAreas  bool            // the organisation set its own list
}

func (s *Store) recoverySettings(ctx context.Context, q querier, orgID int64) (RecoverySettings, error) {
	st := RecoverySettings{CheckDays: DefaultRecoveryCheckDays, Areas: recovery.DefaultAreas}
	var areas string
	err := q.QueryRowContext(ctx, "SELECT recovery_check_days, need_areas FROM organisations WHERE id = $1", orgID).Scan(&st.CheckDays, &areas)
	if errors.Is(err, sql.ErrNoRows) {
		return st, core.NotFound("The organisation")
	}
	if err != nil || areas == "" {
		return st, err
	}
	var own []recovery.Area
	if err := json.Unmarshal([]byte(areas), &own); err != nil {
		return st, fmt.Errorf("reading the organisation's areas of need: %w", err)
	}
	st.Areas, st.OwnAreas = own, true
	return st, nil
}

// RecoverySettings returns the organisation's recovery settings.
func (s *Store) RecoverySettings(ctx context.Context, orgID int64) (RecoverySettings, error) {
	return s.recoverySettings(ctx, s.rdb, orgID)
}

// RecoverySettingsInput changes the settings: the days between checks, and
// the areas of need, one label a line with an optional life area after a
// bar ("Child care | home"). No lines go back to peerpath's list.
type RecoverySettingsInput struct {
	CheckDays int
	Areas     []string
}

// UpdateRecoverySettings changes the actor's organisation's recovery
// settings (administrators).
func (s *Store) UpdateRecoverySettings(ctx context.Context, a Actor, in RecoverySettingsInput) (RecoverySettings, error) {
	if !a.MayChangeOrgSettings() {
		return RecoverySettings{}, core.Forbidden("Only an administrator changes the organisation's settings.")
	}
	f := map[string]string{}
	if in.CheckDays < MinRecoveryCheckDays || in.CheckDays > MaxRecoveryCheckDays {
		f["recovery_check_days"] = fmt.Sprintf("Enter a number of days from %d to %d.", MinRecoveryCheckDays, MaxRecoveryCheckDays)
	}
	var areas []recovery.Area
	seen := map[string]bool{}
	for n, line := range cleanItems(in.Areas) {
		label, life, _ := strings.Cut(line, "|")
		ar := recovery.Area{Label: strings.TrimSpace(label), LifeArea: strings.TrimSpace(strings.ToLower(life))}
		ar.Key = recovery.AreaKey(ar.Label)
		switch {
		case ar.Key == "" || len(ar.Label) > 80:
			f["need_areas"] = fmt.Sprintf("Line %d: write an area in at most 80 characters, with letters or digits.", n+1)
		case seen[ar.Key]:
			f["need_areas"] = fmt.Sprintf("Line %d: %q is already in the list.", n+1, ar.Label)
		case ar.LifeArea != "" && !contains(LifeAreas, ar.LifeArea):
			f["need_areas"] = fmt.Sprintf("Line %d: after the bar, write a life area of the goals (health, home, purpose or community), or nothing.", n+1)
		}
		seen[ar.Key] = true
		areas = append(areas, ar)
	}
	if len(areas) > MaxNeedAreas {
		f["need_areas"] = fmt.Sprintf("Keep to %d areas or fewer.", MaxNeedAreas)
	}
	if err := core.Invalid(f); err != nil {
		return RecoverySettings{}, err
	}
	stored := ""
	if len(areas) > 0 && !sameAreas(areas, recovery.DefaultAreas) {
		b, err := json.Marshal(areas)
		if err != nil {
			return RecoverySettings{}, err
		}
		stored = string(b)
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE organisations SET recovery_check_days = $1, need_areas = $2 WHERE id = $3", in.CheckDays, stored, a.OrgID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "organisation", a.OrgID, "recovery settings")
	})
	if err != nil {
		return RecoverySettings{}, err
	}
	return s.RecoverySettings(ctx, a.OrgID)
}

func sameAreas(x, y []recovery.Area) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}

// ---- Instruments ----

// Instruments lists the instruments the organisation may use: peerpath's,
// then its own, each in key order.
func (s *Store) Instruments(ctx context.Context, orgID int64) ([]recovery.Instrument, error) {
	out := recovery.Shipped()
	rows, err := s.rdb.QueryContext(ctx, "SELECT body FROM recovery_instruments WHERE org_id = $1 ORDER BY instrument_key", orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		in, err := recovery.Parse([]byte(body))
		if err != nil {
			return nil, fmt.Errorf("reading a stored instrument: %w", err)
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// Instrument returns the organisation's instrument key (the default one
// when key is empty), or NotFound.
func (s *Store) Instrument(ctx context.Context, orgID int64, key string) (recovery.Instrument, error) {
	if key == "" {
		key = recovery.DefaultInstrument
	}
	all, err := s.Instruments(ctx, orgID)
	if err != nil {
		return recovery.Instrument{}, err
	}
	for _, in := range all {
		if in.Key == key {
			return in, nil
		}
	}
	return recovery.Instrument{}, core.NotFound("The instrument")
}

// AddInstrument adds an organisation's own instrument from its JSON file
// (administrators). Its key must differ from every other instrument's:
// assessments name the instrument they were taken with.
func (s *Store) AddInstrument(ctx context.Context, a Actor, body []byte) (recovery.Instrument, error) {
	if !a.MayChangeOrgSettings() {
		return recovery.Instrument{}, core.Forbidden("Only an administrator adds instruments.")
	}
	in, err := recovery.Parse(body)
	if err != nil {
		return in, core.Invalid(map[string]string{"instrument": fmt.Sprintf("This is not an instrument peerpath can use: %s.", err)})
	}
	if _, err := s.Instrument(ctx, a.OrgID, in.Key); err == nil {
		return in, core.Invalid(map[string]string{"instrument": fmt.Sprintf("An instrument with the key %q is already in use: give this one another key.", in.Key)})
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, "INSERT INTO recovery_instruments (org_id, instrument_key, body, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id",
			a.OrgID, in.Key, string(body), ms(s.now()), a.UserID).Scan(&id)
		if isUniqueViolation(err) {
			return core.Invalid(map[string]string{"instrument": fmt.Sprintf("An instrument with the key %q is already in use.", in.Key)})
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "recovery_instrument", id, in.Key)
	})
	return in, err
}

// ---- Assessments ----

// Assessment is one recovery capital assessment taken with a person.
type Assessment struct {
	ID         int64
	PersonID   int64
	Instrument string
	TakenOn    string
	Answers    []*int // nil for "prefer not to answer"
	Total      int
	Complete   bool // every statement answered; partial totals are left out of change figures
	CreatedAt  time.Time
	CreatedBy  int64
}

// Answered counts the statements answered.
func (as Assessment) Answered() int {
	n := 0
	for _, v := range as.Answers {
		if v != nil {
			n++
		}
	}
	return n
}

// AssessmentInput is an assessment as taken.
type AssessmentInput struct {
	Instrument string // the default instrument when empty
	TakenOn    string // YYYY-MM-DD; today when empty
	Answers    []*int
}

// checkPastDate records in f a message for a date that is not one, or is
// in the future.
func checkPastDate(f map[string]string, field, v, today, what string) {
	switch {
	case !validDate(v) || v < "1900-01-01":
		f[field] = fmt.Sprintf("Enter the day %s, such as %s.", what, today)
	case v > today:
		f[field] = "The date cannot be in the future."
	}
}

// validateAssessment checks an assessment and scores it.
func (s *Store) validateAssessment(ctx context.Context, orgID int64, personID int64, in *AssessmentInput) (Assessment, error) {
	in.TakenOn, in.Instrument = strings.TrimSpace(in.TakenOn), strings.TrimSpace(in.Instrument)
	today := s.Today()
	if in.TakenOn == "" {
		in.TakenOn = today
	}
	f := map[string]string{}
	checkPastDate(f, "taken_on", in.TakenOn, today, "it was taken")
	ins, err := s.Instrument(ctx, orgID, in.Instrument)
	if core.KindOf(err) == core.KindNotFound {
		f["instrument"] = "Choose one of the organisation's instruments."
	} else if err != nil {
		return Assessment{}, err
	}
	as := Assessment{PersonID: personID, Instrument: ins.Key, TakenOn: in.TakenOn, Answers: in.Answers}
	if ins.Key != "" {
		var af map[string]string
		as.Total, as.Complete, af = ins.Score(in.Answers)
		for k, v := range af {
			f[k] = v
		}
		if len(af) == 0 && as.Answered() == 0 {
			f["answers"] = "Answer at least one statement: an assessment with every statement left out says nothing."
		}
	}
	return as, core.Invalid(f)
}

// CheckAssessment reports what is wrong with an assessment, without
// recording it: a form with statements not yet answered still hears about
// its other fields.
func (s *Store) CheckAssessment(ctx context.Context, a Actor, in AssessmentInput) error {
	_, err := s.validateAssessment(ctx, a.OrgID, 0, &in)
	return err
}

// TakeAssessment records an assessment taken with a person.
func (s *Store) TakeAssessment(ctx context.Context, a Actor, personID int64, in AssessmentInput) (Assessment, error) {
	as, err := s.validateAssessment(ctx, a.OrgID, personID, &in)
	if err != nil {
		return Assessment{}, err
	}
	body, err := json.Marshal(in.Answers)
	if err != nil {
		return Assessment{}, err
	}
	as.CreatedAt, as.CreatedBy = s.now(), a.UserID
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.visiblePerson(ctx, tx, a, personID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO recovery_assessments (org_id, person_id, instrument, taken_on, answers, total, complete, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			a.OrgID, personID, as.Instrument, as.TakenOn, string(body), as.Total, as.Complete, ms(as.CreatedAt), a.UserID).Scan(&as.ID); err != nil {
			return err
		}
		if err := s.refreshFollowUps(ctx, tx, a.OrgID, []int64{personID}); err != nil { // follow_ups.go: it may complete a point
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "recovery_assessment", as.ID, "person "+idString(personID))
	})
	return as, err
}

const assessmentSelect = `SELECT a.id, a.person_id, a.instrument, a.taken_on, a.answers, a.total, a.complete, a.created_at, a.created_by FROM recovery_assessments a `

func (s *Store) queryAssessments(ctx context.Context, q querier, where string, args ...any) ([]Assessment, error) {
	rows, err := q.QueryContext(ctx, assessmentSelect+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Assessment
	for rows.Next() {
		var as Assessment
		var answers string
		var created int64
		if err := rows.Scan(&as.ID, &as.PersonID, &as.Instrument, &as.TakenOn, &answers, &as.Total, &as.Complete, &created, &as.CreatedBy); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(answers), &as.Answers); err != nil {
			return nil, fmt.Errorf("reading assessment %d: %w", as.ID, err)
		}
		as.CreatedAt = fromMS(created)
		out = append(out, as)
	}
	return out, rows.Err()
}

// ListAssessments lists a person's assessments, oldest first, and audits
// the read.
func (s *Store) ListAssessments(ctx context.Context, a Actor, personID int64, p Page) (List[Assessment], error) {
	var afterOn string
	var afterID int64
	has, err := decodeCursor(p.Cursor, &afterOn, &afterID)
	if err != nil {
		return List[Assessment]{}, err
	}
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return List[Assessment]{}, err
	}
	where := "WHERE a.org_id = $1 AND a.person_id = $2"
	args := []any{a.OrgID, personID}
	if has {
		where += " AND (a.taken_on > $3 OR (a.taken_on = $3 AND a.id > $4))"
		args = append(args, afterOn, afterID)
	}
	limit := p.limit()
	items, err := s.queryAssessments(ctx, s.rdb, where+fmt.Sprintf(" ORDER BY a.taken_on, a.id LIMIT %d", limit+1), args...)
	if err != nil {
		return List[Assessment]{}, err
	}
	items, more := trim(items, limit)
	res := List[Assessment]{Items: items}
	if more {
		last := items[len(items)-1]
		res.Next = encodeCursor(last.TakenOn, last.ID)
	}
	return res, s.recordRead(ctx, a, "person", personID, "recovery capital")
}

// CapitalSummary sums up a person's assessments with one instrument.
type CapitalSummary struct {
	Instrument recovery.Instrument
	History    []Assessment // oldest first
	First      *Assessment  // the first complete assessment
	Latest     *Assessment  // the latest complete assessment
	Partial    int          // assessments left out of the change for being partial
	Due        bool         // a check is due by the organisation's setting
	DueOn      string       // YYYY-MM-DD the next check falls due; empty when none was taken
	CheckDays  int          // the organisation's setting
}

// Change is the latest complete total less the first, and whether there
// are two complete assessments to compare.
func (c CapitalSummary) Change() (int, bool) {
	if c.First == nil || c.Latest == nil || c.First.ID == c.Latest.ID {
		return 0, false
	}
	return c.Latest.Total - c.First.Total, true
}

// HasChange reports whether there are two complete assessments to compare;
// ChangeTotal is the change (0 when there are not). For templates.
func (c CapitalSummary) HasChange() bool  { _, ok := c.Change(); return ok }
func (c CapitalSummary) ChangeTotal() int { v, _ := c.Change(); return v }

// MaxHistory is how many assessments a picture shows: some twenty years of
// quarterly checks.
const MaxHistory = 100

func summarise(ins recovery.Instrument, history []Assessment, checkDays int, today string) CapitalSummary {
	c := CapitalSummary{Instrument: ins, CheckDays: checkDays}
	for _, as := range history {
		if as.Instrument == ins.Key {
			c.History = append(c.History, as)
		}
	}
	for i := range c.History {
		if !c.History[i].Complete {
			c.Partial++
			continue
		}
		if c.First == nil {
			c.First = &c.History[i]
		}
		c.Latest = &c.History[i]
	}
	if n := len(history); n > 0 {
		c.DueOn = addDays(history[n-1].TakenOn, checkDays)
		c.Due = c.DueOn <= today
	} else {
		c.Due = true
	}
	return c
}

// RecoveryCapital returns a person's history with an instrument (the
// default when empty), summed up, and audits the read.
func (s *Store) RecoveryCapital(ctx context.Context, a Actor, personID int64, instrument string) (CapitalSummary, error) {
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return CapitalSummary{}, err
	}
	c, err := s.capitalOf(ctx, a.OrgID, personID, instrument)
	if err != nil {
		return c, err
	}
	return c, s.recordRead(ctx, a, "person", personID, "recovery capital")
}

func (s *Store) capitalOf(ctx context.Context, orgID, personID int64, instrument string) (CapitalSummary, error) {
	ins, err := s.Instrument(ctx, orgID, instrument)
	if err != nil {
		return CapitalSummary{}, err
	}
	set, err := s.recoverySettings(ctx, s.rdb, orgID)
	if err != nil {
		return CapitalSummary{}, err
	}
	// The latest MaxHistory, put back in date order.
	hist, err := s.queryAssessments(ctx, s.rdb, fmt.Sprintf("WHERE a.org_id = $1 AND a.person_id = $2 ORDER BY a.taken_on DESC, a.id DESC LIMIT %d", MaxHistory), orgID, personID)
	if err != nil {
		return CapitalSummary{}, err
	}
	for i, j := 0, len(hist)-1; i < j; i, j = i+1, j-1 {
		hist[i], hist[j] = hist[j], hist[i]
	}
	return summarise(ins, hist, set.CheckDays, s.Today()), nil
}

// DueCheck is a person due a recovery capital check.
type DueCheck struct {
	PersonID      int64
	PreferredName string
	LastTakenOn   string // empty when none was ever taken
}

// RecoveryChecksDue lists the active people assigned to the actor whose
// last recovery capital assessment is older than the organisation's number
// of days, or who have none, longest waiting first; more is set when there
// are more than limit.
func (s *Store) RecoveryChecksDue(ctx context.Context, a Actor, limit int) (rows []DueCheck, more bool, checkDays int, err error) {
	set, err := s.recoverySettings(ctx, s.rdb, a.OrgID)
	if err != nil {
		return nil, false, 0, err
	}
	cutoff := addDays(s.Today(), -set.CheckDays)
	cond, args := visibleTo(a, "p", []any{a.UserID, cutoff})
	q := `SELECT p.id, p.preferred_name, COALESCE((SELECT MAX(ra.taken_on) FROM recovery_assessments ra WHERE ra.org_id = p.org_id AND ra.person_id = p.id), '') AS last
		FROM people p
		WHERE p.status = 'active' AND p.id IN (SELECT pw.person_id FROM person_workers pw WHERE pw.user_id = $1)
		AND NOT EXISTS (SELECT 1 FROM recovery_assessments ra WHERE ra.org_id = p.org_id AND ra.person_id = p.id AND ra.taken_on > $2)
		AND ` + cond + fmt.Sprintf(" ORDER BY last, p.id LIMIT %d", limit+1)
	r, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, false, 0, err
	}
	defer r.Close()
	for r.Next() {
		var d DueCheck
		if err := r.Scan(&d.PersonID, &d.PreferredName, &d.LastTakenOn); err != nil {
			return nil, false, 0, err
		}
		rows = append(rows, d)
	}
	if err := r.Err(); err != nil {
		return nil, false, 0, err
	}
	rows, more = trim(rows, limit)
	return rows, more, set.CheckDays, nil
}
