package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/core"
)

// Life areas, after SAMHSA's four dimensions of recovery, and goal statuses.
var (
	LifeAreas    = []string{"health", "home", "purpose", "community"}
	GoalStatuses = []string{"active", "achieved", "changed", "set_aside"}
)

// CycleMonths is how long a goal cycle runs.
const CycleMonths = 3

// Cycle is a stretch of three months in which a person works on their goals.
type Cycle struct {
	ID         int64
	PersonID   int64
	StartsOn   string
	EndsOn     string // StartsOn plus three months: the day the review is due
	ReviewedAt time.Time
	ReviewNote string
	Goals      []Goal
}

// Ended reports whether the cycle's three months are over on day today.
func (c Cycle) Ended(today string) bool { return today >= c.EndsOn }

// Reviewed reports whether the cycle's review is done.
func (c Cycle) Reviewed() bool { return !c.ReviewedAt.IsZero() }

// NeedsReview reports whether the cycle is over and not yet reviewed.
func (c Cycle) NeedsReview(today string) bool { return c.Ended(today) && !c.Reviewed() }

// Goal is something a person wants, in their own words.
type Goal struct {
	ID          int64
	PersonID    int64
	CycleID     int64
	Text        string
	LifeArea    string
	Steps       string
	TargetOn    string
	Status      string
	CarriedFrom int64 // the goal of an earlier cycle this one continues
	CarriedOn   bool  // a later cycle continues this goal
	Progress    []ProgressNote
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ProgressNote is a dated note on how a goal is going.
type ProgressNote struct {
	ID            int64
	GoalID        int64
	Note          string
	CreatedAt     time.Time
	CreatedBy     int64
	CreatedByName string
}

// cycleEnd is three months after start, on the same day of the month or the
// month's last day (30 November runs to 28 February, not 2 March).
func cycleEnd(start string) (string, error) {
	t, err := time.Parse(dateLayout, start)
	if err != nil {
		return "", err
	}
	y, m, d := t.Date()
	first := time.Date(y, m+CycleMonths, 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, time.UTC).Format(dateLayout), nil
}

const cycleColumns = "c.id, c.person_id, c.starts_on, c.ends_on, c.reviewed_at, c.review_note"

func scanCycle(sc interface{ Scan(...any) error }) (Cycle, error) {
	var c Cycle
	var reviewed int64
	err := sc.Scan(&c.ID, &c.PersonID, &c.StartsOn, &c.EndsOn, &reviewed, &c.ReviewNote)
	c.ReviewedAt = fromMS(reviewed)
	return c, err
}

// insertCycle starts a cycle on startsOn, refusing a date that is not one
// and a second open cycle.
func (s *Store) insertCycle(ctx context.Context, tx *sql.Tx, a Actor, personID int64, startsOn string) (Cycle, error) {
	if startsOn == "" {
		startsOn = s.Today()
	}
	end, err := cycleEnd(startsOn)
	if err != nil || startsOn < "2000-01-01" {
		return Cycle{}, core.Invalid(map[string]string{"starts_on": "Enter the day the cycle starts, such as 2026-11-23."})
	}
	var open int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM goal_cycles WHERE org_id = $1 AND person_id = $2 AND reviewed_at = 0", a.OrgID, personID).Scan(&open); err != nil {
		return Cycle{}, err
	}
	if open > 0 {
		return Cycle{}, core.Conflict("This person's current goal cycle is still open. Review it to start the next one.")
	}
	c := Cycle{PersonID: personID, StartsOn: startsOn, EndsOn: end}
	if err := tx.QueryRowContext(ctx, `INSERT INTO goal_cycles (org_id, person_id, starts_on, ends_on, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, a.OrgID, personID, startsOn, end, ms(s.now()), a.UserID).Scan(&c.ID); err != nil {
		return Cycle{}, err
	}
	return c, s.record(ctx, tx, a, audit.ActionCreate, "goal_cycle", c.ID, "person "+idString(personID))
}

// StartCycle starts a person's first goal cycle (or a new one after the last
// was reviewed) on startsOn (today when empty).
func (s *Store) StartCycle(ctx context.Context, a Actor, personID int64, startsOn string) (Cycle, error) {
	var c Cycle
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.visiblePerson(ctx, tx, a, personID); err != nil {
			return err
		}
		var err error
		c, err = s.insertCycle(ctx, tx, a, personID, strings.TrimSpace(startsOn))
		return err
	})
	return c, err
}

// GoalInput is a goal's details.
type GoalInput struct {
	CycleID  int64 // adding: 0 means the person's open cycle (one starts today if none)
	Text     string
	LifeArea string
	Steps    string
	TargetOn string
	Status   string // updating only
	// NeedID, adding: the area of need (recovery_needs.go) the goal starts
	// from, which remembers it; 0 for none.
	NeedID int64
}

func (s *Store) validateGoal(in *GoalInput, updating bool) map[string]string {
	f := map[string]string{}
	in.Text, in.Steps = strings.TrimSpace(in.Text), strings.TrimSpace(in.Steps)
	in.LifeArea, in.TargetOn, in.Status = strings.TrimSpace(in.LifeArea), strings.TrimSpace(in.TargetOn), strings.TrimSpace(in.Status)
	if in.Text == "" {
		f["text"] = "Write the goal, in the person's own words."
	}
	tooLong(f, "text", in.Text, 1000)
	if !contains(LifeAreas, in.LifeArea) {
		f["life_area"] = "Choose a life area: health, home, purpose or community."
	}
	tooLong(f, "steps", in.Steps, 4000)
	if in.TargetOn != "" && !validDate(in.TargetOn) {
		f["target_date"] = "Enter a target date such as 2027-02-01, or leave it empty."
	}
	if updating && !contains(GoalStatuses, in.Status) {
		f["status"] = "Choose active, achieved, changed or set aside."
	}
	return f
}

// AddGoal adds a goal to one of a person's cycles.
func (s *Store) AddGoal(ctx context.Context, a Actor, personID int64, in GoalInput) (Goal, error) {
	if err := core.Invalid(s.validateGoal(&in, false)); err != nil {
		return Goal{}, err
	}
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.visiblePerson(ctx, tx, a, personID); err != nil {
			return err
		}
		cycleID := in.CycleID
		if cycleID == 0 {
			var err error
			if cycleID, err = s.openCycleID(ctx, tx, a, personID); err != nil {
				return err
			}
		} else {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM goal_cycles WHERE id = $1 AND org_id = $2 AND person_id = $3", cycleID, a.OrgID, personID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return core.Invalid(map[string]string{"cycle_id": "This is not one of the person's goal cycles."})
			}
		}
		var err error
		if id, err = s.insertGoal(ctx, tx, a, personID, cycleID, in, 0); err != nil {
			return err
		}
		return s.linkNeed(ctx, tx, a, personID, in.NeedID, "goal_id", id) // areas of need (issue 13)
	})
	if err != nil {
		return Goal{}, err
	}
	return s.goal(ctx, s.rdb, a, id)
}

// openCycleID is the person's open goal cycle, started today if they have none.
func (s *Store) openCycleID(ctx context.Context, tx *sql.Tx, a Actor, personID int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, "SELECT id FROM goal_cycles WHERE org_id = $1 AND person_id = $2 AND reviewed_at = 0 ORDER BY starts_on DESC, id DESC LIMIT 1",
		a.OrgID, personID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		c, err := s.insertCycle(ctx, tx, a, personID, "")
		return c.ID, err
	}
	return id, err
}

func (s *Store) insertGoal(ctx context.Context, tx *sql.Tx, a Actor, personID, cycleID int64, in GoalInput, from int64) (int64, error) {
	now := ms(s.now())
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO goals (org_id, person_id, cycle_id, text, life_area, steps, target_on, status, carried_from, created_at, created_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, $10, $9) RETURNING id`,
		a.OrgID, personID, cycleID, in.Text, in.LifeArea, in.Steps, in.TargetOn, nullID(from), now, a.UserID).Scan(&id); err != nil {
		return 0, err
	}
	return id, s.record(ctx, tx, a, audit.ActionCreate, "goal", id, "person "+idString(personID))
}

const goalSelect = `SELECT g.id, g.person_id, g.cycle_id, g.text, g.life_area, g.steps, g.target_on, g.status, COALESCE(g.carried_from, 0),
	EXISTS (SELECT 1 FROM goals n WHERE n.carried_from = g.id), g.created_at, g.updated_at
	FROM goals g JOIN people p ON p.id = g.person_id `

func (s *Store) queryGoals(ctx context.Context, q querier, where string, args ...any) ([]Goal, error) {
	rows, err := q.QueryContext(ctx, goalSelect+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Goal
	for rows.Next() {
		var g Goal
		var created, updated int64
		if err := rows.Scan(&g.ID, &g.PersonID, &g.CycleID, &g.Text, &g.LifeArea, &g.Steps, &g.TargetOn, &g.Status, &g.CarriedFrom,
			&g.CarriedOn, &created, &updated); err != nil {
			return nil, err
		}
		g.CreatedAt, g.UpdatedAt = fromMS(created), fromMS(updated)
		out = append(out, g)
	}
	return out, rows.Err()
}

// loadGoalProgress fills in the progress notes of goals with one query.
func (s *Store) loadGoalProgress(ctx context.Context, q querier, orgID int64, goals []Goal) error {
	if len(goals) == 0 {
		return nil
	}
	idx := map[int64]int{}
	ids := make([]int64, len(goals))
	for i, g := range goals {
		idx[g.ID], ids[i] = i, g.ID
	}
	in, args := inList(ids, []any{orgID})
	rows, err := q.QueryContext(ctx, `SELECT n.id, n.goal_id, n.note, n.created_at, n.created_by, COALESCE(u.name, '')
		FROM goal_progress n LEFT JOIN users u ON u.id = n.created_by WHERE n.org_id = $1 AND n.goal_id IN (`+in+`) ORDER BY n.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var n ProgressNote
		var created int64
		if err := rows.Scan(&n.ID, &n.GoalID, &n.Note, &created, &n.CreatedBy, &n.CreatedByName); err != nil {
			return err
		}
		n.CreatedAt = fromMS(created)
		goals[idx[n.GoalID]].Progress = append(goals[idx[n.GoalID]].Progress, n)
	}
	return rows.Err()
}

func (s *Store) goal(ctx context.Context, q querier, a Actor, id int64) (Goal, error) {
	cond, args := visibleTo(a, "p", []any{id, a.OrgID})
	gs, err := s.queryGoals(ctx, q, "WHERE g.id = $1 AND g.org_id = $2 AND "+cond, args...)
	if err != nil {
		return Goal{}, err
	}
	if len(gs) == 0 {
		return Goal{}, core.NotFound("The goal")
	}
	return gs[0], s.loadGoalProgress(ctx, q, a.OrgID, gs)
}

// Goal returns a goal with its progress notes, and audits the read.
func (s *Store) Goal(ctx context.Context, a Actor, id int64) (Goal, error) {
	g, err := s.goal(ctx, s.rdb, a, id)
	if err != nil {
		return Goal{}, err
	}
	return g, s.recordRead(ctx, a, "goal", id, "")
}

// UpdateGoal changes a goal's words, life area, steps, target and status.
func (s *Store) UpdateGoal(ctx context.Context, a Actor, id int64, in GoalInput) (Goal, error) {
	if err := core.Invalid(s.validateGoal(&in, true)); err != nil {
		return Goal{}, err
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		g, err := s.goal(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE goals SET text = $1, life_area = $2, steps = $3, target_on = $4, status = $5, updated_at = $6
			WHERE id = $7 AND org_id = $8`, in.Text, in.LifeArea, in.Steps, in.TargetOn, in.Status, ms(s.now()), id, a.OrgID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "goal", id, "person "+idString(g.PersonID)+"; status "+in.Status)
	})
	if err != nil {
		return Goal{}, err
	}
	return s.goal(ctx, s.rdb, a, id)
}

// AddProgress adds a progress note to a goal.
func (s *Store) AddProgress(ctx context.Context, a Actor, goalID int64, note string) (ProgressNote, error) {
	note = strings.TrimSpace(note)
	f := map[string]string{}
	if note == "" {
		f["progress"] = "Write how the goal is going."
	}
	tooLong(f, "progress", note, MaxNote)
	if err := core.Invalid(f); err != nil {
		return ProgressNote{}, err
	}
	n := ProgressNote{GoalID: goalID, Note: note, CreatedAt: s.now(), CreatedBy: a.UserID}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		g, err := s.goal(ctx, tx, a, goalID)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, "INSERT INTO goal_progress (org_id, goal_id, note, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id",
			a.OrgID, goalID, note, ms(n.CreatedAt), a.UserID).Scan(&n.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "goal_progress", n.ID, "goal "+idString(goalID)+"; person "+idString(g.PersonID))
	})
	return n, err
}

// cyclesOf lists a person's cycles, newest first, each with its goals and
// their progress notes (three queries however many there are). The caller
// has checked visibility and audits.
func (s *Store) cyclesOf(ctx context.Context, q querier, orgID, personID int64, limit int) ([]Cycle, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+cycleColumns+" FROM goal_cycles c WHERE c.org_id = $1 AND c.person_id = $2 ORDER BY c.starts_on DESC, c.id DESC LIMIT "+fmt.Sprint(limit), orgID, personID)
	if err != nil {
		return nil, err
	}
	var cycles []Cycle
	for rows.Next() {
		c, err := scanCycle(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		cycles = append(cycles, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(cycles) == 0 {
		return cycles, err
	}
	ids := make([]int64, len(cycles))
	idx := map[int64]int{}
	for i, c := range cycles {
		ids[i], idx[c.ID] = c.ID, i
	}
	in, args := inList(ids, []any{orgID})
	goals, err := s.queryGoals(ctx, q, "WHERE g.org_id = $1 AND g.cycle_id IN ("+in+") ORDER BY g.id", args...)
	if err != nil {
		return nil, err
	}
	if err := s.loadGoalProgress(ctx, q, orgID, goals); err != nil {
		return nil, err
	}
	for _, g := range goals {
		i := idx[g.CycleID]
		cycles[i].Goals = append(cycles[i].Goals, g)
	}
	return cycles, nil
}

// Cycle returns one of a person's goal cycles with its goals, and audits the read.
func (s *Store) Cycle(ctx context.Context, a Actor, id int64) (Cycle, error) {
	cond, args := visibleTo(a, "p", []any{id, a.OrgID})
	c, err := scanCycle(s.rdb.QueryRowContext(ctx, "SELECT "+cycleColumns+" FROM goal_cycles c JOIN people p ON p.id = c.person_id WHERE c.id = $1 AND c.org_id = $2 AND "+cond, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Cycle{}, core.NotFound("The goal cycle")
	}
	if err != nil {
		return Cycle{}, err
	}
	goals, err := s.queryGoals(ctx, s.rdb, "WHERE g.org_id = $1 AND g.cycle_id = $2 ORDER BY g.id", a.OrgID, id)
	if err != nil {
		return Cycle{}, err
	}
	c.Goals = goals
	return c, s.recordRead(ctx, a, "goal_cycle", id, "")
}

// CycleReview closes a cycle and, optionally, starts the next.
type CycleReview struct {
	Note         string
	StartNext    bool
	NextStartsOn string  // today when empty
	Carry        []int64 // goals of the reviewed cycle to carry into the next
}

// ReviewCycle records a cycle's review and, when asked, starts the next
// cycle, carrying the chosen goals over as active goals (each remembers the
// goal it continues; the old goal keeps its status as the record of what
// happened in its cycle). It returns the new cycle, or a zero Cycle when
// none was started.
func (s *Store) ReviewCycle(ctx context.Context, a Actor, cycleID int64, in CycleReview) (Cycle, error) {
	in.Note = strings.TrimSpace(in.Note)
	f := map[string]string{}
	tooLong(f, "review_note", in.Note, MaxNote)
	if len(in.Carry) > 0 && !in.StartNext {
		f["carry"] = "Goals can only be carried over into a next cycle."
	}
	if err := core.Invalid(f); err != nil {
		return Cycle{}, err
	}
	var next Cycle
	err := s.tx(ctx, func(tx *sql.Tx) error {
		cond, args := visibleTo(a, "p", []any{cycleID, a.OrgID})
		c, err := scanCycle(tx.QueryRowContext(ctx, "SELECT "+cycleColumns+" FROM goal_cycles c JOIN people p ON p.id = c.person_id WHERE c.id = $1 AND c.org_id = $2 AND "+cond, args...))
		if errors.Is(err, sql.ErrNoRows) {
			return core.NotFound("The goal cycle")
		}
		if err != nil {
			return err
		}
		if c.Reviewed() {
			return core.Conflict("This cycle has already been reviewed.")
		}
		goals, err := s.queryGoals(ctx, tx, "WHERE g.org_id = $1 AND g.cycle_id = $2 ORDER BY g.id", a.OrgID, cycleID)
		if err != nil {
			return err
		}
		for _, id := range in.Carry {
			if !slices.ContainsFunc(goals, func(g Goal) bool { return g.ID == id }) {
				return core.Invalid(map[string]string{"carry": "Carry over goals of this cycle only."})
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE goal_cycles SET reviewed_at = $1, reviewed_by = $2, review_note = $3 WHERE id = $4 AND org_id = $5",
			ms(s.now()), a.UserID, in.Note, cycleID, a.OrgID); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, audit.ActionUpdate, "goal_cycle", cycleID, "reviewed; person "+idString(c.PersonID)); err != nil {
			return err
		}
		if !in.StartNext {
			return nil
		}
		if next, err = s.insertCycle(ctx, tx, a, c.PersonID, strings.TrimSpace(in.NextStartsOn)); err != nil {
			return err
		}
		for _, g := range goals {
			if !slices.Contains(in.Carry, g.ID) {
				continue
			}
			target := g.TargetOn
			if target != "" && target < next.StartsOn {
				target = "" // a target already past means nothing in the new cycle
			}
			if _, err := s.insertGoal(ctx, tx, a, c.PersonID, next.ID, GoalInput{Text: g.Text, LifeArea: g.LifeArea, Steps: g.Steps, TargetOn: target}, g.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return next, err
}

// ListGoals lists a person's goals across cycles, newest first, and audits
// the read.
func (s *Store) ListGoals(ctx context.Context, a Actor, personID int64, p Page) (List[Goal], error) {
	var before int64
	has, err := decodeCursor(p.Cursor, &before)
	if err != nil {
		return List[Goal]{}, err
	}
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return List[Goal]{}, err
	}
	where := "WHERE g.org_id = $1 AND g.person_id = $2"
	args := []any{a.OrgID, personID}
	if has {
		where += " AND g.id < $3"
		args = append(args, before)
	}
	limit := p.limit()
	goals, err := s.queryGoals(ctx, s.rdb, where+fmt.Sprintf(" ORDER BY g.id DESC LIMIT %d", limit+1), args...)
	if err != nil {
		return List[Goal]{}, err
	}
	goals, more := trim(goals, limit)
	if err := s.loadGoalProgress(ctx, s.rdb, a.OrgID, goals); err != nil {
		return List[Goal]{}, err
	}
	res := List[Goal]{Items: goals}
	if more {
		res.Next = encodeCursor(goals[len(goals)-1].ID)
	}
	return res, s.recordRead(ctx, a, "person", personID, "goals")
}
