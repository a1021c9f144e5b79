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

// This file writes generated data sets (internal/demo/scale.go: `peerpath
// demo --scale …`) in bulk: thousands of people and millions of contacts in
// minutes, where one AddContact per contact would take hours. What is bulk
// is only the inserting. Every derived column comes from the code the
// application itself runs: search keys (searchKey), the first check-in
// (checkInDue), a cycle's end (cycleEnd), a referral's follow-up
// (FollowUpDays), a plan's stored body (planFromInput, encodeBody), and last
// contact and next check-in (refreshCheckIns, which a contact save calls
// too). Each batch is one transaction with one audit entry, through the same
// record call as every change.

// maxInList bounds the ids of one IN (…) list in bulk work.
const maxInList = 500

// GeneratedPerson is one person of a generated data set with their records.
// The first of WorkerIDs added them and records their contacts, goals,
// referrals and plans.
type GeneratedPerson struct {
	PreferredName     string
	Pronouns          string
	PreferredLanguage string
	OkayToContact     []string
	Programmes        []string
	Status            string // active, on_hold or closed
	ClosedReason      string
	ClosedAt          time.Time // when a closed person's support ended; their last contact when zero
	CheckInEveryDays  int
	Since             time.Time // when support began
	WorkerIDs         []int64
	Contacts          []ContactInput
	Cycles            []GeneratedCycle // oldest first; all but the last reviewed
	Referrals         []GeneratedReferral
	SafetyPlan        []GeneratedPlanVersion // versions, oldest first
}

// GeneratedCycle is a goal cycle with its goals (GoalInput.Status set).
type GeneratedCycle struct {
	StartsOn   string
	Reviewed   bool
	ReviewNote string
	Goals      []GoalInput
}

// GeneratedReferral is a referral to a directory resource.
type GeneratedReferral struct {
	ResourceID   int64
	ResourceName string
	Reason       string
	MadeOn       string
	Status       string
	OutcomeNote  string
}

// GeneratedPlanVersion is one saved version of a safety plan.
type GeneratedPlanVersion struct {
	Input   PlanInput
	SavedAt time.Time
}

// GeneratedCounts counts what a batch wrote.
type GeneratedCounts struct {
	People, Contacts, Cycles, Goals, Referrals, PlanVersions int64
}

// Add adds o to c.
func (c *GeneratedCounts) Add(o GeneratedCounts) {
	c.People += o.People
	c.Contacts += o.Contacts
	c.Cycles += o.Cycles
	c.Goals += o.Goals
	c.Referrals += o.Referrals
	c.PlanVersions += o.PlanVersions
}

// LoadGenerated writes a batch of generated people and their records into
// the actor's organisation, in one transaction with one audit entry. Only an
// administrator of the organisation may load generated data. Every contact
// passes the contact form's validation.
func (s *Store) LoadGenerated(ctx context.Context, a Actor, people []GeneratedPerson) (GeneratedCounts, error) {
	var n GeneratedCounts
	if !a.MayLoadGeneratedData() {
		return n, core.Forbidden("Only an administrator of the organisation loads generated data.")
	}
	var workers []int64
	for i := range people {
		p := &people[i]
		if len(p.WorkerIDs) == 0 {
			return n, core.Invalid(map[string]string{"assigned_worker_ids": fmt.Sprintf("Generated person %d has no worker.", i)})
		}
		if !contains(PersonStatuses, p.Status) || p.CheckInEveryDays < 1 || p.CheckInEveryDays > MaxCheckInDays {
			return n, core.Invalid(map[string]string{"status": fmt.Sprintf("Generated person %d has a wrong status or check-in rhythm.", i)})
		}
		workers = append(workers, p.WorkerIDs...)
		for j := range p.Contacts {
			c := &p.Contacts[j]
			c.OccurredAt = c.OccurredAt.UTC().Truncate(time.Millisecond)
			if err := core.Invalid(s.validateContact(c)); err != nil {
				return n, err
			}
		}
	}
	bodies := make([][]string, len(people))
	for i, p := range people {
		for _, v := range p.SafetyPlan {
			plan, f := planFromInput(SafetyPlan, 0, v.Input)
			if err := core.Invalid(f); err != nil {
				return n, err
			}
			body, err := encodeBody(plan)
			if err != nil {
				return n, err
			}
			bodies[i] = append(bodies[i], body)
		}
	}
	now := ms(s.now())
	err := s.tx(ctx, func(tx *sql.Tx) error {
		n = GeneratedCounts{}
		if err := s.checkWorkers(ctx, tx, a.OrgID, uniqueIDs(workers)); err != nil {
			return err
		}
		ids, err := s.insertGeneratedPeople(ctx, tx, a.OrgID, people, now)
		if err != nil {
			return err
		}
		n.People = int64(len(ids))
		var assigned, programmes, contacts, referrals, plans [][]any
		var days []dayCount
		for i, p := range people {
			pid, by := ids[i], p.WorkerIDs[0]
			for _, w := range uniqueIDs(p.WorkerIDs) {
				assigned = append(assigned, []any{pid, w, a.OrgID, ms(p.Since)})
			}
			for _, name := range p.Programmes {
				programmes = append(programmes, []any{pid, a.OrgID, name, core.Today(p.Since)})
			}
			for _, c := range p.Contacts {
				at := ms(c.OccurredAt)
				contacts = append(contacts, []any{a.OrgID, pid, at, c.DurationMinutes, c.Format, c.Mode, c.Kind, c.Participants, c.Note, at, by, at})
				days = append(days, contactDay(a.OrgID, pid, by, c.OccurredAt, c.Kind, c.Mode, c.Format, c.DurationMinutes))
			}
			for _, r := range p.Referrals {
				follow := addDays(r.MadeOn, FollowUpDays)
				var closed int64
				if r.Status == ReferralConnected || r.Status == ReferralNotConnected {
					t, _ := time.ParseInLocation(dateLayout, follow, Zone)
					closed = ms(t.Add(15 * time.Hour))
				}
				t, _ := time.ParseInLocation(dateLayout, r.MadeOn, Zone)
				made := ms(t.Add(14 * time.Hour))
				referrals = append(referrals, []any{a.OrgID, pid, nullID(r.ResourceID), r.ResourceName, r.Reason, r.MadeOn, follow, r.Status, r.OutcomeNote, closed, made, by, max(made, closed)})
			}
			for v, body := range bodies[i] {
				plans = append(plans, []any{a.OrgID, pid, SafetyPlan.Key, v + 1, body, "edit", ms(p.SafetyPlan[v].SavedAt), by})
			}
		}
		steps := []struct {
			head string
			rows [][]any
		}{
			{"INSERT INTO person_workers (person_id, user_id, org_id, assigned_at) VALUES ", assigned},
			{"INSERT INTO person_programmes (person_id, org_id, name, started_on) VALUES ", programmes},
			{`INSERT INTO contacts (org_id, person_id, occurred_at, duration_minutes, format, mode, kind, participants, note,
				created_at, created_by, updated_at) VALUES `, contacts},
			{`INSERT INTO referrals (org_id, person_id, resource_id, resource_name, reason, made_on, follow_up_on, status, outcome_note,
				closed_at, created_at, created_by, updated_at) VALUES `, referrals},
			{"INSERT INTO plan_versions (org_id, person_id, kind, version, body, change, created_at, created_by) VALUES ", plans},
		}
		for _, st := range steps {
			if err := s.bulkInsert(ctx, tx, st.head, st.rows); err != nil {
				return err
			}
		}
		if err := s.countContactDays(ctx, tx, a.OrgID, days); err != nil {
			return err
		}
		n.Contacts, n.Referrals, n.PlanVersions = int64(len(contacts)), int64(len(referrals)), int64(len(plans))
		cycles, goals, err := s.insertGeneratedGoals(ctx, tx, a.OrgID, people, ids)
		if err != nil {
			return err
		}
		n.Cycles, n.Goals = cycles, goals
		if err := s.refreshCheckIns(ctx, tx, a.OrgID, ids); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO service_programmes (org_id, name)
			SELECT DISTINCT pp.org_id, pp.name FROM person_programmes pp WHERE pp.org_id = $1 ON CONFLICT (org_id, name) DO NOTHING`, a.OrgID); err != nil {
			return err
		}
		if err := s.refreshFollowUps(ctx, tx, a.OrgID, ids); err != nil { // follow_ups.go
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "generated_data", 0, fmt.Sprintf("%d people, %d contacts, %d goal cycles, %d goals, %d referrals, %d plan versions",
			n.People, n.Contacts, n.Cycles, n.Goals, n.Referrals, n.PlanVersions))
	})
	return n, err
}

// insertGeneratedPeople inserts the people one prepared statement at a time
// (their ids are needed for their records) and returns their ids in order.
func (s *Store) insertGeneratedPeople(ctx context.Context, tx *sql.Tx, orgID int64, people []GeneratedPerson, now int64) ([]int64, error) {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO people (org_id, preferred_name, preferred_key, pronouns, preferred_language,
		okay_to_contact, status, closed_reason, check_in_every_days, active_since_at, check_in_due_on, created_at, created_by, updated_at, closed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10, $12, $13, $14) RETURNING id`)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	ids := make([]int64, len(people))
	for i, p := range people {
		var closed int64
		if p.Status == StatusClosed {
			closed = ms(p.ClosedAt)
			if p.ClosedAt.IsZero() {
				closed = ms(p.Since)
				for _, c := range p.Contacts {
					closed = max(closed, ms(c.OccurredAt))
				}
			}
		}
		if err := stmt.QueryRowContext(ctx, orgID, p.PreferredName, searchKey(p.PreferredName), p.Pronouns, p.PreferredLanguage,
			strings.Join(p.OkayToContact, ","), p.Status, p.ClosedReason, p.CheckInEveryDays, ms(p.Since),
			checkInDue(time.Time{}, p.Since, p.CheckInEveryDays), p.WorkerIDs[0], now, closed).Scan(&ids[i]); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// insertGeneratedGoals inserts each person's goal cycles (one statement per
// cycle, for its id) and their goals (in bulk).
func (s *Store) insertGeneratedGoals(ctx context.Context, tx *sql.Tx, orgID int64, people []GeneratedPerson, ids []int64) (cycles, goals int64, err error) {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO goal_cycles (org_id, person_id, starts_on, ends_on, reviewed_at, reviewed_by, review_note, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`)
	if err != nil {
		return 0, 0, err
	}
	defer stmt.Close()
	var rows [][]any
	for i, p := range people {
		by := p.WorkerIDs[0]
		for _, c := range p.Cycles {
			end, err := cycleEnd(c.StartsOn)
			if err != nil {
				return 0, 0, core.Invalid(map[string]string{"starts_on": "A generated cycle has no valid start: " + c.StartsOn})
			}
			start, _ := time.ParseInLocation(dateLayout, c.StartsOn, Zone)
			created := ms(start.Add(15 * time.Hour))
			var reviewedAt int64
			var reviewedBy any
			if c.Reviewed {
				t, _ := time.ParseInLocation(dateLayout, end, Zone)
				reviewedAt, reviewedBy = ms(t.Add(15*time.Hour)), by
			}
			var cid int64
			if err := stmt.QueryRowContext(ctx, orgID, ids[i], c.StartsOn, end, reviewedAt, reviewedBy, c.ReviewNote, created, by).Scan(&cid); err != nil {
				return 0, 0, err
			}
			cycles++
			for _, g := range c.Goals {
				status := g.Status
				if status == "" {
					status = "active"
				}
				if !contains(LifeAreas, g.LifeArea) || !contains(GoalStatuses, status) {
					return 0, 0, core.Invalid(map[string]string{"life_area": "A generated goal has a wrong life area or status."})
				}
				rows = append(rows, []any{orgID, ids[i], cid, g.Text, g.LifeArea, g.Steps, status, created, by, max(created, reviewedAt)})
			}
		}
	}
	goals = int64(len(rows))
	return cycles, goals, s.bulkInsert(ctx, tx, `INSERT INTO goals (org_id, person_id, cycle_id, text, life_area, steps, status, created_at, created_by, updated_at) VALUES `, rows)
}

// bulkInsert inserts rows (all of the same width) with multi-row INSERT
// statements of about 4,000 values each: one round trip per few hundred
// rows, well under either database's limit on parameters. The full-size
// statement is prepared once. Placeholders are bulkPlaceholder's. tail, if
// given, follows the values (an ON CONFLICT clause).
func (s *Store) bulkInsert(ctx context.Context, tx *sql.Tx, head string, rows [][]any, tail ...string) error {
	if len(rows) == 0 {
		return nil
	}
	cols := len(rows[0])
	per := max(1, 4000/cols)
	stmtFor := func(n int) string {
		var sb strings.Builder
		sb.WriteString(head)
		k := 0
		for i := range n {
			if i > 0 {
				sb.WriteString(",")
			}
			sb.WriteString("(")
			for c := range cols {
				if c > 0 {
					sb.WriteString(",")
				}
				k++
				sb.WriteString(s.bulkPlaceholder(k))
			}
			sb.WriteString(")")
		}
		sb.WriteString(strings.Join(tail, ""))
		return sb.String()
	}
	var full *sql.Stmt
	if len(rows) >= per {
		var err error
		if full, err = tx.PrepareContext(ctx, stmtFor(per)); err != nil {
			return err
		}
		defer full.Close()
	}
	args := make([]any, 0, per*cols)
	for start := 0; start < len(rows); start += per {
		end := min(start+per, len(rows))
		args = args[:0]
		for _, r := range rows[start:end] {
			args = append(args, r...)
		}
		var err error
		if end-start == per {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, stmtFor(end-start), args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
