package store

import (
	"context"
	"database/sql"
	"fmt"

	"peerpath/internal/audit"
	"peerpath/internal/cohort"
	"peerpath/internal/core"
)

// Programme rules the organisation confirms. Pass marks, attempts and
// attendance thresholds come from no source document: peerpath suggests
// numbers, and an administrator confirms them (or others) as the
// organisation's rule, on the programme for its new cohorts or on one
// cohort. Until a cohort's rule is confirmed nobody completes under it.

// ConfirmCohortRule sets a cohort's completion numbers (attendance
// threshold, written pass mark, attempts) and confirms them as the
// organisation's rule for it. Which exams apply stays as the programme set
// it. Administrators only. Once a certificate has been issued under the
// rule its numbers cannot change (409): they decided who completed.
func (s *Store) ConfirmCohortRule(ctx context.Context, a Actor, cohortID int64, in cohort.Rule) (Cohort, error) {
	var c Cohort
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if c, err = s.cohortFor(ctx, tx, a, cohortID, true); err != nil {
			return err
		}
		if !a.MayConfirmCohortRule() {
			return core.Forbidden("Only an administrator confirms a completion rule as the organisation's.")
		}
		rule := c.Rule
		rule.AttendancePercent = in.AttendancePercent
		if rule.WrittenExam {
			rule.WrittenPassMark = in.WrittenPassMark
		}
		if rule.HasExams() {
			rule.Attempts = in.Attempts
		}
		f := rule.Check()
		if !in.Confirmed {
			f["rule_confirmed"] = "Confirm that these numbers are your organisation's rule for this cohort."
		}
		if err := core.Invalid(f); err != nil {
			return err
		}
		if !rule.SameNumbers(c.Rule) {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM certificates WHERE org_id = $1 AND cohort_id = $2 AND revoked_at = 0", a.OrgID, c.ID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				if n == 1 {
					return core.Conflict("A certificate was issued under this cohort's rule, so its numbers cannot change. Confirm them as they are.")
				}
				return core.Conflict(fmt.Sprintf("%d certificates were issued under this cohort's rule, so its numbers cannot change. Confirm them as they are.", n))
			}
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE cohorts SET attendance_percent = $1, written_pass_mark = $2, attempts = $3, rule_confirmed_at = $4, rule_confirmed_by = $5, updated_at = $4
			WHERE id = $6 AND org_id = $7`, rule.AttendancePercent, rule.WrittenPassMark, rule.Attempts, ms(now), a.UserID, c.ID, a.OrgID); err != nil {
			return err
		}
		rule.Confirmed = true
		c.Rule, c.RuleConfirmedAt = rule, now
		return s.record(ctx, tx, a, audit.ActionUpdate, "cohort", c.ID, "completion rule confirmed")
	})
	return c, err
}

// ConfirmedRule is r confirmed: what an administrator's "these are our
// organisation's numbers" makes of the numbers they typed.
func ConfirmedRule(r cohort.Rule) cohort.Rule {
	r.Confirmed = true
	return r
}
