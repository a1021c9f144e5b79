package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"peerpath/internal/audit"
	"peerpath/internal/core"
	"peerpath/internal/framework"
	"peerpath/internal/workforce"
)

// This file holds the heart of workforce development records (issue 5):
// who a worker is, and who may see and change their record.
//
// Every user of an organisation has a development record: peer workers
// mostly, but supervisors, trainers and administrators are often peer
// professionals too. The worker's id is their user id.

// Relation is how an actor stands to a worker's development record.
type Relation int

// The relations. RelNone never comes back with a record: the store answers
// "not found" instead.
const (
	RelNone       Relation = iota
	RelSelf                // the worker themselves
	RelSupervisor          // the worker's supervisor (users.supervisor_id)
	RelAdmin               // an administrator of the organisation
)

// CanVouch reports whether the actor may vouch for the worker: sign off
// competencies, grant waivers, confirm a stage, give ethics guidance. Only
// the worker's supervisor or an administrator may, and never the worker
// themselves, whatever their roles.
func (r Relation) CanVouch() bool { return r == RelSupervisor || r == RelAdmin }

// Self reports whether the actor is the worker.
func (r Relation) Self() bool { return r == RelSelf }

// Worker is a user seen through their development record.
type Worker struct {
	ID              int64
	Name            string
	Active          bool
	SupervisorID    int64
	SupervisorName  string
	Track           framework.Track // "" until someone chooses it
	Languages       []string
	Specialisations []string
	ConfirmedStage  framework.Stage // "" until a supervisor or administrator confirms one
	ConfirmedOn     string
	ConfirmedByName string
	// Relation is how the actor who loaded the worker stands to them.
	Relation Relation
}

// Specialisations peerpath knows by name; others may be typed.
var Specialisations = []struct{ Key, Label string }{
	{"young-adult", "Young adult peer mentor"},
	{"older-adult", "Older adult peer specialist"},
	{"forensic", "Forensic peer specialist"},
	{"deaf", "Deaf peer specialist"},
}

// SpecialisationLabel names a specialisation: the known label, or the text
// as typed.
func SpecialisationLabel(s string) string {
	for _, k := range Specialisations {
		if k.Key == s {
			return k.Label
		}
	}
	return s
}

// workerSelect reads a worker with their supervisor and profile; a worker
// without a profile row has no track yet (a track is chosen, never
// assumed) and nothing confirmed.
const workerSelect = `SELECT u.id, u.name, u.active, COALESCE(u.supervisor_id, 0), COALESCE(sup.name, ''),
	COALESCE(p.track, ''), COALESCE(p.languages, ''), COALESCE(p.specialisations, ''),
	COALESCE(p.confirmed_stage, ''), COALESCE(p.confirmed_on, ''), COALESCE(cb.name, '')
	FROM users u
	LEFT JOIN users sup ON sup.id = u.supervisor_id
	LEFT JOIN worker_profiles p ON p.user_id = u.id
	LEFT JOIN users cb ON cb.id = p.confirmed_by `

func scanWorker(sc interface{ Scan(...any) error }) (Worker, error) {
	var w Worker
	var track, langs, specs, stage string
	err := sc.Scan(&w.ID, &w.Name, &w.Active, &w.SupervisorID, &w.SupervisorName, &track, &langs, &specs, &stage, &w.ConfirmedOn, &w.ConfirmedByName)
	w.Track, w.ConfirmedStage = framework.Track(track), framework.Stage(stage)
	w.Languages, w.Specialisations = linesOf(langs), linesOf(specs)
	return w, err
}

// errNoRecord is what anyone who may not see a record is told.
func errNoRecord() error { return core.NotFound("The development record") }

// worker loads a worker the actor may see, with the actor's relation to
// them, or "not found". Every operation on a development record starts here.
func (s *Store) worker(ctx context.Context, q querier, a Actor, workerID int64) (Worker, error) {
	if a.OrgID == 0 || a.UserID == 0 {
		return Worker{}, errNoRecord()
	}
	args := append(visibleArgs(a), workerID)
	w, err := scanWorker(q.QueryRowContext(ctx, workerSelect+"WHERE"+visibleWorker+"AND u.id = $4", args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Worker{}, errNoRecord()
	}
	if err != nil {
		return Worker{}, err
	}
	w.Relation = relationOf(a, w)
	if w.Relation == RelNone { // cannot happen: the WHERE clause is the same rule
		return Worker{}, errNoRecord()
	}
	return w, nil
}

// readWorker loads a worker for display and audits the read when the
// reader is someone else (a supervisor or administrator).
func (s *Store) readWorker(ctx context.Context, a Actor, workerID int64, detail string) (Worker, error) {
	w, err := s.worker(ctx, s.rdb, a, workerID)
	if err != nil {
		return w, err
	}
	if !w.Relation.Self() {
		if err := s.recordRead(ctx, a, "development", w.ID, detail); err != nil {
			return w, err
		}
	}
	return w, nil
}

// Worker returns a worker's profile, for the actor's eyes.
func (s *Store) Worker(ctx context.Context, a Actor, workerID int64) (Worker, error) {
	return s.readWorker(ctx, a, workerID, "profile")
}

// changeWorker runs fn on a worker the actor may change, inside a write
// transaction, and audits the change on the worker's record. vouch says the
// change is one only a supervisor or administrator may make.
func (s *Store) changeWorker(ctx context.Context, a Actor, workerID int64, vouch bool, detail string, fn func(tx *sql.Tx, w Worker) (int64, error)) (int64, error) {
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		w, err := s.worker(ctx, tx, a, workerID)
		if err != nil {
			return err
		}
		if vouch && !w.Relation.CanVouch() {
			return core.Forbidden(forbiddenVouch(w))
		}
		if id, err = fn(tx, w); err != nil {
			return err
		}
		d := detail
		if id != 0 {
			d = fmt.Sprintf("%s %d", detail, id)
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "development", w.ID, d)
	})
	return id, err
}

func forbiddenVouch(w Worker) string {
	if w.Relation.Self() {
		return "You cannot vouch for your own development: your supervisor or an administrator does this."
	}
	return "Only this worker's supervisor or an administrator can do this."
}

// WorkerUpdate changes a worker's profile; nil fields stay as they are.
type WorkerUpdate struct {
	Track           *string
	Languages       *[]string
	Specialisations *[]string
}

// UpdateWorker changes a worker's track, languages and specialisations. The
// worker, their supervisor and administrators may.
func (s *Store) UpdateWorker(ctx context.Context, a Actor, workerID int64, in WorkerUpdate) (Worker, error) {
	f := map[string]string{}
	var track framework.Track
	if in.Track != nil {
		t, err := framework.ParseTrack(*in.Track)
		if err != nil {
			f["track"] = "Choose a track: both, mental-health or addiction."
		}
		track = t
	}
	var langs, specs []string
	if in.Languages != nil {
		langs = parseList(*in.Languages)
		if msg := checkList(langs, 20, 60); msg != "" {
			f["languages"] = msg
		}
	}
	if in.Specialisations != nil {
		specs = parseList(*in.Specialisations)
		if msg := checkList(specs, 20, 60); msg != "" {
			f["specialisations"] = msg
		}
	}
	verr := core.Invalid(f)
	_, err := s.changeWorker(ctx, a, workerID, false, "profile", func(tx *sql.Tx, w Worker) (int64, error) {
		if verr != nil {
			return 0, verr
		}
		if in.Track == nil {
			track = w.Track
		}
		if in.Languages == nil {
			langs = w.Languages
		}
		if in.Specialisations == nil {
			specs = w.Specialisations
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO worker_profiles (user_id, org_id, track, languages, specialisations, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (user_id) DO UPDATE SET track = excluded.track, languages = excluded.languages,
				specialisations = excluded.specialisations, updated_at = excluded.updated_at`,
			w.ID, a.OrgID, string(track), joinList(langs), joinList(specs), ms(s.now()))
		return 0, err
	})
	if err != nil {
		return Worker{}, err
	}
	return s.worker(ctx, s.rdb, a, workerID)
}

// ConfirmStage records the stage a supervisor or administrator confirms the
// worker is working at, on a date (today when empty). An empty stage clears
// it. The stage must be one of the active chart's.
func (s *Store) ConfirmStage(ctx context.Context, a Actor, workerID int64, stage, on string) (Worker, error) {
	cv, err := s.ActiveChart(ctx, a.OrgID)
	if err != nil {
		return Worker{}, err
	}
	today := s.today()
	f := map[string]string{}
	var st framework.Stage
	if strings.TrimSpace(stage) != "" {
		if st, err = cv.Chart.LookupStage(stage); err != nil {
			f["confirmed_stage"] = "Choose one of the chart's stages."
		}
	}
	if on == "" {
		on = today
	}
	checkDate(f, "confirmed_on", on, today, true, "Enter the date the stage was confirmed.")
	verr := core.Invalid(f)
	if st == "" {
		on = ""
	}
	_, err = s.changeWorker(ctx, a, workerID, true, "stage confirmed", func(tx *sql.Tx, w Worker) (int64, error) {
		if verr != nil {
			return 0, verr
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO worker_profiles (user_id, org_id, track, confirmed_stage, confirmed_on, confirmed_by, updated_at)
			VALUES ($1, $2, '', $3, $4, $5, $6)
			ON CONFLICT (user_id) DO UPDATE SET confirmed_stage = excluded.confirmed_stage, confirmed_on = excluded.confirmed_on,
				confirmed_by = excluded.confirmed_by, updated_at = excluded.updated_at`,
			w.ID, a.OrgID, string(st), on, nullID(a.UserID), ms(s.now()))
		return 0, err
	})
	if err != nil {
		return Worker{}, err
	}
	return s.worker(ctx, s.rdb, a, workerID)
}

// today is the store clock's civil date in Massachusetts.
func (s *Store) today() string { return s.Today() }

// Lists (languages, specialisations) are stored one entry a line.
func linesOf(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func joinList(l []string) string { return strings.Join(l, "\n") }

// cleanList trims entries, splits any with commas or line breaks, and drops
// empty and repeated ones (ignoring case).
func parseList(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range in {
		for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' || r == ';' }) {
			part = strings.Join(strings.Fields(part), " ")
			if part == "" || seen[strings.ToLower(part)] {
				continue
			}
			seen[strings.ToLower(part)] = true
			out = append(out, part)
		}
	}
	return out
}

func checkList(l []string, maxItems, maxLen int) string {
	if len(l) > maxItems {
		return fmt.Sprintf("Give at most %d.", maxItems)
	}
	for _, v := range l {
		if utf8.RuneCountInString(v) > maxLen {
			return fmt.Sprintf("Keep each one to %d characters.", maxLen)
		}
	}
	return ""
}

// checkDate validates a YYYY-MM-DD date field; notFuture refuses dates
// after today (things that have happened).
func checkDate(f map[string]string, field, v, today string, notFuture bool, empty string) {
	switch _, ok := workforce.ParseDate(v); {
	case v == "":
		f[field] = empty
	case !ok:
		f[field] = "Enter a date such as 2026-03-02."
	case v < "1950-01-01":
		f[field] = "Enter a date after 1950."
	case notFuture && v > today:
		f[field] = "This date is in the future. Enter the date it happened."
	}
}

// chartItem checks that key names an item of the chart of one of the
// kinds, and returns it.
func chartItem(c *framework.Chart, key string, kinds ...framework.Kind) (framework.Item, bool) {
	it, ok := c.Item(key)
	if !ok || !slices.Contains(kinds, it.Kind) {
		return framework.Item{}, false
	}
	return it, true
}
