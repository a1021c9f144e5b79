package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/core"
)

// This file holds possible duplicates and the merge of two records about the
// same person (issue 15, security defect 5).
//
// Adding a person never tells the worker that someone alike is recorded:
// under 42 CFR Part 2, "X is supported here" is itself protected, and a
// worker with no relationship to X has no business learning it. The person
// is added, and when a record in the organisation looks like the same person
// a flag is written for a supervisor or an administrator. They compare the
// two, then dismiss the flag ("not the same person") or merge the records.

// Duplicate flag statuses.
const (
	FlagOpen      = "open"
	FlagDismissed = "dismissed"
	FlagMerged    = "merged"
)

// DuplicateSide is one of the two records of a flag. ID and Name are set
// only when the actor may see the record.
type DuplicateSide struct {
	ID        int64
	Name      string
	BornOn    string
	CreatedAt time.Time
	Visible   bool
}

// DuplicateFlag is a possible duplicate: a record just added (Person) that
// looks like one already recorded (Other).
type DuplicateFlag struct {
	ID        int64
	Person    DuplicateSide
	Other     DuplicateSide
	FlaggedAt time.Time
	Status    string
}

// CanResolve reports whether the actor who listed the flag may dismiss it or
// merge its records: they see both.
func (f DuplicateFlag) CanResolve() bool { return f.Person.Visible && f.Other.Visible }

// flagDuplicates writes a flag, with its audit entry, for each record of the
// organisation that may be the person p just added (id): the same name
// (preferred or legal, compared accent- and case-blind) and no date of
// birth that tells them apart. It runs in the transaction that adds the
// person (or changes their name or date of birth), and tells the caller
// nothing. A pair flagged once, whatever became of the flag, is not flagged
// again.
func (s *Store) flagDuplicates(ctx context.Context, tx *sql.Tx, a Actor, p Person, id int64) error {
	pref, legal := searchKey(p.PreferredName), searchKey(p.LegalName)
	rows, err := tx.QueryContext(ctx, `SELECT p.id FROM people p
		WHERE p.org_id = $1 AND p.id <> $2 AND p.merged_into_id IS NULL
		AND (p.preferred_key = $3 OR p.legal_key = $3 OR ($4 <> '' AND (p.preferred_key = $4 OR p.legal_key = $4)))
		AND (p.born_on = '' OR $5 = '' OR p.born_on = $5)
		AND NOT EXISTS (SELECT 1 FROM person_duplicate_flags g
			WHERE (g.person_id = $2 AND g.other_person_id = p.id) OR (g.person_id = p.id AND g.other_person_id = $2))
		ORDER BY p.id LIMIT 5`, a.OrgID, id, pref, legal, p.BornOn)
	if err != nil {
		return err
	}
	var others []int64
	for rows.Next() {
		var o int64
		if err := rows.Scan(&o); err != nil {
			rows.Close()
			return err
		}
		others = append(others, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	now := ms(s.now())
	for _, o := range others {
		var fid int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO person_duplicate_flags (org_id, person_id, other_person_id, flagged_at, flagged_by)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, a.OrgID, id, o, now, a.UserID).Scan(&fid); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, audit.ActionCreate, "person_duplicate_flag", fid, fmt.Sprintf("%d,%d", id, o)); err != nil {
			return err
		}
	}
	return nil
}

// DuplicateFlags lists the open possible duplicates the actor may see,
// newest first: an administrator sees all of the organisation's; a
// supervisor those where at least one record is visible to them, with the
// other named only when they may see it too. The read is audited with the
// ids of the records shown.
func (s *Store) DuplicateFlags(ctx context.Context, a Actor, page Page) (List[DuplicateFlag], error) {
	if !a.mayResolveDuplicates() {
		return List[DuplicateFlag]{}, core.Forbidden("Only supervisors and administrators see possible duplicates.")
	}
	limit := page.limit()
	var after int64
	if _, err := decodeCursor(page.Cursor, &after); err != nil {
		return List[DuplicateFlag]{}, err
	}
	args := []any{a.OrgID}
	var c1, c2 string
	c1, args = visibleTo(a, "p1", args)
	c2, args = visibleTo(a, "p2", args)
	where := "f.org_id = $1 AND f.status = 'open' AND p1.merged_into_id IS NULL AND p2.merged_into_id IS NULL AND ((" + c1 + ") OR (" + c2 + "))"
	if after > 0 {
		args = append(args, after)
		where += fmt.Sprintf(" AND f.id < $%d", len(args))
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT f.id, f.flagged_at, f.status,
		p1.id, p1.preferred_name, p1.born_on, p1.created_at, CASE WHEN `+c1+` THEN 1 ELSE 0 END,
		p2.id, p2.preferred_name, p2.born_on, p2.created_at, CASE WHEN `+c2+` THEN 1 ELSE 0 END
		FROM person_duplicate_flags f JOIN people p1 ON p1.id = f.person_id JOIN people p2 ON p2.id = f.other_person_id
		WHERE `+where+fmt.Sprintf(" ORDER BY f.id DESC LIMIT %d", limit+1), args...)
	if err != nil {
		return List[DuplicateFlag]{}, err
	}
	defer rows.Close()
	var out []DuplicateFlag
	for rows.Next() {
		var f DuplicateFlag
		var at, c1At, c2At int64
		var v1, v2 int
		if err := rows.Scan(&f.ID, &at, &f.Status, &f.Person.ID, &f.Person.Name, &f.Person.BornOn, &c1At, &v1,
			&f.Other.ID, &f.Other.Name, &f.Other.BornOn, &c2At, &v2); err != nil {
			return List[DuplicateFlag]{}, err
		}
		f.FlaggedAt = fromMS(at)
		f.Person.CreatedAt, f.Person.Visible = fromMS(c1At), v1 == 1
		f.Other.CreatedAt, f.Other.Visible = fromMS(c2At), v2 == 1
		if !f.Person.Visible {
			f.Person = DuplicateSide{}
		}
		if !f.Other.Visible {
			f.Other = DuplicateSide{}
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return List[DuplicateFlag]{}, err
	}
	items, more := trim(out, limit)
	l := List[DuplicateFlag]{Items: items}
	if more {
		l.Next = encodeCursor(items[len(items)-1].ID)
	}
	var ids []string
	for _, f := range items {
		for _, side := range []DuplicateSide{f.Person, f.Other} {
			if side.Visible {
				ids = append(ids, idString(side.ID))
			}
		}
	}
	if len(ids) > 0 {
		if err := s.recordRead(ctx, a, "person_list", 0, "duplicates: "+strings.Join(ids, ",")); err != nil {
			return List[DuplicateFlag]{}, err
		}
	}
	return l, nil
}

// errNoFlag is the answer for a flag the actor may not resolve.
func errNoFlag() error { return core.NotFound("The possible duplicate") }

// openFlag reads an open flag of the organisation whose two records the
// actor may see (a supervisor who sees one only, or nobody, gets NotFound).
func (s *Store) openFlag(ctx context.Context, q querier, a Actor, flagID int64) (person, other int64, err error) {
	if !a.mayResolveDuplicates() {
		return 0, 0, errNoFlag()
	}
	err = q.QueryRowContext(ctx, "SELECT person_id, other_person_id FROM person_duplicate_flags WHERE id = $1 AND org_id = $2 AND status = 'open'",
		flagID, a.OrgID).Scan(&person, &other)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, errNoFlag()
	}
	if err != nil {
		return 0, 0, err
	}
	for _, id := range []int64{person, other} {
		if s.visiblePerson(ctx, q, a, id) != nil {
			return 0, 0, errNoFlag()
		}
	}
	return person, other, nil
}

// DuplicatePair returns the two records of an open flag, whole, for the page
// that compares them side by side; both reads are audited.
func (s *Store) DuplicatePair(ctx context.Context, a Actor, flagID int64) (PersonRecord, PersonRecord, error) {
	pid, oid, err := s.openFlag(ctx, s.rdb, a, flagID)
	if err != nil {
		return PersonRecord{}, PersonRecord{}, err
	}
	p, err := s.PersonRecord(ctx, a, pid)
	if err != nil {
		return PersonRecord{}, PersonRecord{}, err
	}
	o, err := s.PersonRecord(ctx, a, oid)
	return p, o, err
}

// DismissDuplicate records that a flag's two records are different people.
func (s *Store) DismissDuplicate(ctx context.Context, a Actor, flagID int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, _, err := s.openFlag(ctx, tx, a, flagID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE person_duplicate_flags SET status = 'dismissed', resolved_at = $1, resolved_by = $2
			WHERE id = $3 AND org_id = $4`, ms(s.now()), a.UserID, flagID, a.OrgID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "person_duplicate_flag", flagID, FlagDismissed)
	})
}

// mergeStep moves one column's references from the merged record (from) to
// the kept one (keep), inside the merge's transaction. Statements name
// their arguments :org, :keep, :from, :now (ms) and :by (the actor).
type mergeStep struct {
	column string // table.column: TestMergeHandlesEveryPersonColumn checks the schema against these
	why    string
	sql    []string
}

// mergeSteps is every column that refers to a person, and what a merge does
// with it. A new table with a person_id column must add its step here (a
// test reads the schema and fails otherwise). Nothing is deleted that holds
// a record about the person: only an assignment, a programme name, a group
// membership or an attendance mark that both records already share becomes
// one, and an audit entry is never rewritten (audit_log names records by
// type and id, and the merged record's row stays).
var mergeSteps = []mergeStep{
	{column: "users.person_id", why: "the merged record's portal account now opens the kept record (a person may hold more than one account; each still signs in)", sql: []string{
		`UPDATE users SET person_id = :keep WHERE org_id = :org AND person_id = :from`}},
	{column: "portal_invitations.person_id", why: "every portal invitation moves", sql: []string{
		`UPDATE portal_invitations SET person_id = :keep WHERE org_id = :org AND person_id = :from`}},
	{column: "correction_requests.person_id", why: "every correction request moves", sql: []string{
		`UPDATE correction_requests SET person_id = :keep WHERE org_id = :org AND person_id = :from`}},
	{column: "contacts.person_id", why: "every contact moves; a group contact both records have for one session keeps the kept record's link to it", sql: []string{
		`UPDATE contacts SET group_session_id = NULL WHERE org_id = :org AND person_id = :from AND group_session_id IN
			(SELECT k.group_session_id FROM contacts k WHERE k.org_id = :org AND k.person_id = :keep AND k.group_session_id IS NOT NULL)`,
		`UPDATE contacts SET person_id = :keep WHERE org_id = :org AND person_id = :from`,
	}},
	{column: "contact_days.person_id", why: "the contacts' daily counts move with them (contact_days.go)", sql: contactDaysMergeSQL},
	{column: "consents.person_id", why: "every consent moves (the newest still stands)", sql: []string{
		`UPDATE consents SET person_id = :keep WHERE org_id = :org AND person_id = :from`}},
	{column: "disclosures.person_id", why: "every disclosure moves, so the accounting of disclosures stays whole", sql: []string{
		`UPDATE disclosures SET person_id = :keep WHERE org_id = :org AND person_id = :from`}},
	{column: "goal_cycles.person_id", why: "every goal cycle moves", sql: []string{
		`UPDATE goal_cycles SET person_id = :keep WHERE org_id = :org AND person_id = :from`}},
	{column: "goals.person_id", why: "every goal moves, with its progress notes (which hang on the goal)", sql: []string{
		`UPDATE goals SET person_id = :keep WHERE org_id = :org AND person_id = :from`}},
	{column: "referrals.person_id", why: "every referral moves", sql: []string{
		`UPDATE referrals SET person_id = :keep WHERE org_id = :org AND person_id = :from`}},
	{column: "plan_versions.person_id", why: "every plan version moves; each kind's versions of both records are numbered again in the order they were saved, so the latest saved is the current plan", sql: []string{
		// Park both records' versions out of the way of the unique index
		// (negative, distinct), then number them 1, 2, 3… by time saved.
		`UPDATE plan_versions SET version = -id WHERE org_id = :org AND person_id = :keep
			AND kind IN (SELECT f.kind FROM plan_versions f WHERE f.org_id = :org AND f.person_id = :from)`,
		`UPDATE plan_versions SET person_id = :keep, version = -id WHERE org_id = :org AND person_id = :from`,
		`UPDATE plan_versions SET version = (SELECT COUNT(*) FROM plan_versions v WHERE v.org_id = plan_versions.org_id
			AND v.person_id = plan_versions.person_id AND v.kind = plan_versions.kind
			AND (v.created_at < plan_versions.created_at OR (v.created_at = plan_versions.created_at AND v.id <= plan_versions.id)))
			WHERE org_id = :org AND person_id = :keep AND version < 0`,
	}},
	{column: "person_workers.person_id", why: "whoever supported either record supports the kept one", sql: []string{
		`INSERT INTO person_workers (person_id, user_id, org_id, assigned_at)
			SELECT :keep, f.user_id, f.org_id, f.assigned_at FROM person_workers f WHERE f.org_id = :org AND f.person_id = :from
			AND NOT EXISTS (SELECT 1 FROM person_workers k WHERE k.person_id = :keep AND k.user_id = f.user_id)`,
		`DELETE FROM person_workers WHERE org_id = :org AND person_id = :from`,
	}},
	{column: "person_programmes.person_id", why: "the kept record is in the programmes of both", sql: []string{
		`INSERT INTO person_programmes (person_id, org_id, name, started_on)
			SELECT :keep, f.org_id, f.name, f.started_on FROM person_programmes f WHERE f.org_id = :org AND f.person_id = :from
			AND NOT EXISTS (SELECT 1 FROM person_programmes k WHERE k.person_id = :keep AND k.name = f.name)`,
		`DELETE FROM person_programmes WHERE org_id = :org AND person_id = :from`,
	}},
	{column: "follow_up_points.person_id", why: "the merged record's points go; the kept record's are worked out again from both records' assessments and programmes (refreshFollowUps)", sql: []string{
		`DELETE FROM follow_up_points WHERE org_id = :org AND person_id = :from`}},
	{column: "group_members.person_id", why: "memberships move; a group both records belong to keeps one membership from the earlier joining, current if either is", sql: []string{
		`UPDATE group_members SET
			joined_on = (SELECT MIN(m.joined_on) FROM group_members m WHERE m.group_id = group_members.group_id AND m.person_id IN (:keep, :from)),
			left_on = CASE WHEN EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = group_members.group_id AND m.person_id IN (:keep, :from) AND m.left_on = '')
				THEN '' ELSE (SELECT MAX(m.left_on) FROM group_members m WHERE m.group_id = group_members.group_id AND m.person_id IN (:keep, :from)) END
			WHERE org_id = :org AND person_id = :keep AND group_id IN (SELECT f.group_id FROM group_members f WHERE f.person_id = :from)`,
		`DELETE FROM group_members WHERE org_id = :org AND person_id = :from AND group_id IN (SELECT k.group_id FROM group_members k WHERE k.person_id = :keep)`,
		`UPDATE group_members SET person_id = :keep WHERE org_id = :org AND person_id = :from`,
	}},
	{column: "group_attendance.person_id", why: "attendance moves; for a session both records were marked at, the kept record's mark stays and the session's counts are worked out again", sql: []string{
		`DELETE FROM group_attendance WHERE org_id = :org AND person_id = :from AND session_id IN (SELECT k.session_id FROM group_attendance k WHERE k.person_id = :keep)`,
		`UPDATE group_attendance SET person_id = :keep WHERE org_id = :org AND person_id = :from`,
		`UPDATE group_sessions SET
			present = (SELECT COUNT(*) FROM group_attendance a WHERE a.session_id = group_sessions.id AND a.status = 'present'),
			late = (SELECT COUNT(*) FROM group_attendance a WHERE a.session_id = group_sessions.id AND a.status = 'late'),
			excused = (SELECT COUNT(*) FROM group_attendance a WHERE a.session_id = group_sessions.id AND a.status = 'excused'),
			absent = (SELECT COUNT(*) FROM group_attendance a WHERE a.session_id = group_sessions.id AND a.status = 'absent')
			WHERE org_id = :org AND id IN (SELECT k.session_id FROM group_attendance k WHERE k.person_id = :keep)`,
	}},
	{column: "person_duplicate_flags.person_id", why: "the flag between the two is resolved as merged; other open flags naming the merged record now name the kept one (or close, when the kept one is already flagged with the same record)", sql: mergeFlagSQL("person_id", "other_person_id")},
	{column: "person_duplicate_flags.other_person_id", why: "as person_id", sql: mergeFlagSQL("other_person_id", "person_id")},
	// Recovery picture (issue 13): every entry moves with its dates, so the
	// kept record's history holds both; strengths, one row a person, are
	// joined line by line.
	{column: "recovery_assessments.person_id", why: "every assessment moves, so the history and its change figure cover both", sql: []string{
		`UPDATE recovery_assessments SET person_id = :keep WHERE org_id = :org AND person_id = :from`}},
	{column: "stage_notes.person_id", why: "every stage of change noted moves, with its date", sql: []string{
		`UPDATE stage_notes SET person_id = :keep WHERE org_id = :org AND person_id = :from`}},
	{column: "need_checks.person_id", why: "every check of needs moves", sql: []string{
		`UPDATE need_checks SET person_id = :keep WHERE org_id = :org AND person_id = :from`}},
	{column: "needs.person_id", why: "every need named moves, with the goal or referral it started", sql: []string{
		`UPDATE needs SET person_id = :keep WHERE org_id = :org AND person_id = :from`}},
	{column: "natural_supports.person_id", why: "every natural support moves", sql: []string{
		`UPDATE natural_supports SET person_id = :keep WHERE org_id = :org AND person_id = :from`}},
	{column: "advocacy_entries.person_id", why: "every advocacy entry moves", sql: []string{
		`UPDATE advocacy_entries SET person_id = :keep WHERE org_id = :org AND person_id = :from`}},
	{column: "rights_concerns.person_id", why: "every rights concern moves", sql: []string{
		`UPDATE rights_concerns SET person_id = :keep WHERE org_id = :org AND person_id = :from`}},
	{column: "medication_questions.person_id", why: "every medication question moves", sql: []string{
		`UPDATE medication_questions SET person_id = :keep WHERE org_id = :org AND person_id = :from`}},
	{column: "person_strengths.person_id", why: "strengths are one row a person: where both records have them, the merged record's words are added below the kept record's, nothing dropped", sql: []string{
		joinStrengthsSQL(),
		`DELETE FROM person_strengths WHERE org_id = :org AND person_id = :from AND EXISTS (SELECT 1 FROM person_strengths k WHERE k.person_id = :keep)`,
		`UPDATE person_strengths SET person_id = :keep WHERE org_id = :org AND person_id = :from`,
	}},
	{column: "people.merged_into_id", why: "records merged earlier into the merged record now point at the kept one, so every old link reaches it in one step", sql: []string{
		`UPDATE people SET merged_into_id = :keep WHERE org_id = :org AND merged_into_id = :from`}},
}

// joinStrengthsSQL adds the merged record's strengths, field by field, on a
// new line below the kept record's (or in place of an empty one).
func joinStrengthsSQL() string {
	var sets []string
	for _, col := range []string{"good_at", "what_matters", "helped_before", "strengths"} {
		from := "(SELECT f." + col + " FROM person_strengths f WHERE f.person_id = :from)"
		sets = append(sets, col+" = CASE WHEN "+from+" = '' THEN "+col+" WHEN "+col+" = '' THEN "+from+" ELSE "+col+" || '\n' || "+from+" END")
	}
	return "UPDATE person_strengths SET " + strings.Join(sets, ", ") +
		" WHERE org_id = :org AND person_id = :keep AND EXISTS (SELECT 1 FROM person_strengths f WHERE f.person_id = :from)"
}

// mergeFlagSQL moves open flags whose column col names the merged record.
func mergeFlagSQL(col, other string) []string {
	return []string{
		`UPDATE person_duplicate_flags SET status = 'merged', resolved_at = :now, resolved_by = :by
			WHERE org_id = :org AND status = 'open' AND ((person_id = :from AND other_person_id = :keep) OR (person_id = :keep AND other_person_id = :from))`,
		`UPDATE person_duplicate_flags SET status = 'merged', resolved_at = :now, resolved_by = :by
			WHERE org_id = :org AND status = 'open' AND ` + col + ` = :from AND EXISTS (SELECT 1 FROM person_duplicate_flags g
			WHERE (g.` + col + ` = :keep AND g.` + other + ` = person_duplicate_flags.` + other + `)
			OR (g.` + other + ` = :keep AND g.` + col + ` = person_duplicate_flags.` + other + `))`,
		`UPDATE person_duplicate_flags SET ` + col + ` = :keep WHERE org_id = :org AND status = 'open' AND ` + col + ` = :from`,
	}
}

// MergeColumns lists the columns the merge moves (for the schema test).
func MergeColumns() []string {
	out := make([]string, len(mergeSteps))
	for i, m := range mergeSteps {
		out[i] = m.column
	}
	return out
}

// MergePeople merges the record fromID into keepID: every contact, consent,
// goal, referral, plan version, group membership and attendance mark,
// assignment and programme of the merged record moves onto the kept one in
// one transaction. The merged record's row stays, marked as merged into the
// kept one (closed, seen by nobody), so old audit entries still name a real
// record and old links lead to the kept one. Audit entries are never
// rewritten; the merge writes one entry on each record naming both ids.
//
// Only an administrator, or a supervisor who may see both records, may
// merge; for anyone else either record is "not found".
func (s *Store) MergePeople(ctx context.Context, a Actor, keepID, fromID int64) (Person, error) {
	if !a.mayResolveDuplicates() {
		return Person{}, core.NotFound("The person")
	}
	if keepID == fromID {
		return Person{}, core.Invalid(map[string]string{"from_id": "Choose the other record: a record cannot be merged into itself."})
	}
	var kept Person
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, id := range []int64{keepID, fromID} {
			if err := s.visiblePerson(ctx, tx, a, id); err != nil {
				return err
			}
		}
		now := ms(s.now())
		// Lock both rows in id order (PostgreSQL), so two merges of the same
		// pair, either way round, take turns instead of deadlocking; the one
		// that waited then finds a record merged and answers "not found".
		rows, err := tx.QueryContext(ctx, "SELECT id FROM people WHERE id IN ($1, $2) AND org_id = $3 ORDER BY id"+s.forUpdate(), keepID, fromID, a.OrgID)
		if err != nil {
			return err
		}
		rows.Close()
		res, err := tx.ExecContext(ctx, `UPDATE people SET merged_into_id = $1, merged_at = $2, status = 'closed',
			closed_reason = 'Merged into another record.', updated_at = $2 WHERE id = $3 AND org_id = $4 AND merged_into_id IS NULL`,
			keepID, now, fromID, a.OrgID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return core.NotFound("The person")
		}
		res, err = tx.ExecContext(ctx, "UPDATE people SET updated_at = $1 WHERE id = $2 AND org_id = $3 AND merged_into_id IS NULL", now, keepID, a.OrgID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return core.NotFound("The person")
		}
		vals := map[string]any{"org": a.OrgID, "keep": keepID, "from": fromID, "now": now, "by": a.UserID}
		for _, step := range mergeSteps {
			for _, q := range step.sql {
				q, args := bindNamed(q, vals)
				if _, err := tx.ExecContext(ctx, q, args...); err != nil {
					return fmt.Errorf("merging %s: %w", step.column, err)
				}
			}
		}
		// A draft kept for a page of the merged record continues on the kept one.
		oldPath, newPath := "/people/"+idString(fromID), "/people/"+idString(keepID)
		if _, err := tx.ExecContext(ctx, `UPDATE drafts SET path = $1 || substr(path, $2)
			WHERE (path = $3 OR path LIKE $4) AND user_id IN (SELECT id FROM users WHERE org_id = $5)`,
			newPath, len(oldPath)+1, oldPath, oldPath+"/%", a.OrgID); err != nil {
			return err
		}
		if err := s.refreshCheckIn(ctx, tx, a.OrgID, keepID); err != nil {
			return err
		}
		if err := s.refreshFollowUps(ctx, tx, a.OrgID, []int64{keepID}); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, audit.ActionUpdate, "person", keepID, "merged:"+idString(fromID)); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, audit.ActionUpdate, "person", fromID, "merged_into:"+idString(keepID)); err != nil {
			return err
		}
		kept, err = s.personWhere(ctx, tx, "p.id = $1 AND p.org_id = $2", keepID, a.OrgID)
		return err
	})
	return kept, err
}

// MergedInto returns the record that record id was merged into, when the
// actor may see that one; otherwise NotFound, exactly as for a record that
// never existed. Old links to a merged record use it to redirect.
func (s *Store) MergedInto(ctx context.Context, a Actor, id int64) (int64, error) {
	var into sql.NullInt64
	err := s.rdb.QueryRowContext(ctx, "SELECT merged_into_id FROM people WHERE id = $1 AND org_id = $2", id, a.OrgID).Scan(&into)
	if errors.Is(err, sql.ErrNoRows) || !into.Valid {
		return 0, core.NotFound("The person")
	}
	if err != nil {
		return 0, err
	}
	if err := s.visiblePerson(ctx, s.rdb, a, into.Int64); err != nil {
		return 0, err
	}
	return into.Int64, nil
}

// bindNamed turns :name arguments into $1, $2, … (each name once, in order of
// first use) with their values, so that a statement passes PostgreSQL only
// the arguments it uses.
func bindNamed(q string, vals map[string]any) (string, []any) {
	var args []any
	num := map[string]int{}
	out := namedArg.ReplaceAllStringFunc(q, func(m string) string {
		name := m[1:]
		n, ok := num[name]
		if !ok {
			args = append(args, vals[name])
			n = len(args)
			num[name] = n
		}
		return fmt.Sprintf("$%d", n)
	})
	return out, args
}

var namedArg = regexp.MustCompile(`:[a-z]+`)

// FlagPair returns the two records of an open flag the actor may resolve
// (both visible to them), without reading or auditing either.
func (s *Store) FlagPair(ctx context.Context, a Actor, flagID int64) (person, other int64, err error) {
	return s.openFlag(ctx, s.rdb, a, flagID)
}
