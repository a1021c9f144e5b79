package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/reporting"
)

// contact_days (migration 00022) counts contacts per day, worker, person,
// kind, mode and format. Every statement that adds, changes or removes a
// contact calls dayCount in the same transaction, so reports (reports.go)
// read a period's summary rows and never the contacts themselves. A merge of
// two records moves the merged record's rows (duplicates.go); the scale
// generator fills the table from the contacts it writes (scale.go).

// dayKey is one row of contact_days.
type dayKey struct {
	day, kind, mode, format string
	worker, person          int64
}

// dayCount is what a contact adds to (sign +1) or takes from (-1) its row.
type dayCount struct {
	key              dayKey
	contacts, minute int64
}

func contactDay(orgID, personID, workerID int64, at time.Time, kind, mode, format string, minutes int) dayCount {
	return dayCount{key: dayKey{day: core.Today(at), kind: kind, mode: mode, format: format, worker: workerID, person: personID}, contacts: 1, minute: int64(minutes)}
}

// countContactDay adds sign times one contact to its day's row, and to the
// organisation's day row for its worker's shard (contact_org_days, migration
// 00031), deleting a row that reaches nothing. Adding is one upsert, so two workers saving a
// contact for the same row at once both count (on PostgreSQL the second
// waits for the first's row instead of failing on the key).
func countContactDay(ctx context.Context, tx *sql.Tx, orgID int64, c dayCount, sign int64) error {
	if err := countPersonDay(ctx, tx, orgID, c, sign); err != nil {
		return err
	}
	return countOrgDay(ctx, tx, orgID, c, sign)
}

// orgDayShards is how many rows an organisation's day is split into, by
// worker (migration 00031): workers saving at once rarely wait for each
// other's row.
const orgDayShards = 16

func orgDayShard(workerID int64) int64 { return workerID % orgDayShards }

func countOrgDay(ctx context.Context, tx *sql.Tx, orgID int64, c dayCount, sign int64) error {
	k := c.key
	shard := orgDayShard(k.worker)
	if sign > 0 {
		_, err := tx.ExecContext(ctx, `INSERT INTO contact_org_days (org_id, day_on, week_on, kind, mode, format, shard, contacts, minutes)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (org_id, day_on, kind, mode, format, shard)
			DO UPDATE SET contacts = contact_org_days.contacts + excluded.contacts, minutes = contact_org_days.minutes + excluded.minutes`,
			orgID, k.day, reporting.WeekOf(k.day), k.kind, k.mode, k.format, shard, c.contacts, c.minute)
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE contact_org_days SET contacts = contacts - $1, minutes = minutes - $2
		WHERE org_id = $3 AND day_on = $4 AND kind = $5 AND mode = $6 AND format = $7 AND shard = $8`,
		c.contacts, c.minute, orgID, k.day, k.kind, k.mode, k.format, shard)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("contact_org_days: no row to take a contact from")
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM contact_org_days WHERE org_id = $1 AND day_on = $2 AND kind = $3 AND mode = $4 AND format = $5
		AND shard = $6 AND contacts <= 0`, orgID, k.day, k.kind, k.mode, k.format, shard)
	return err
}

func countPersonDay(ctx context.Context, tx *sql.Tx, orgID int64, c dayCount, sign int64) error {
	k := c.key
	if sign > 0 {
		_, err := tx.ExecContext(ctx, `INSERT INTO contact_days (org_id, day_on, week_on, worker_id, person_id, kind, mode, format, contacts, minutes)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (org_id, day_on, worker_id, person_id, kind, mode, format)
			DO UPDATE SET contacts = contact_days.contacts + excluded.contacts, minutes = contact_days.minutes + excluded.minutes`,
			orgID, k.day, reporting.WeekOf(k.day), k.worker, k.person, k.kind, k.mode, k.format, c.contacts, c.minute)
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE contact_days SET contacts = contacts - $1, minutes = minutes - $2
		WHERE org_id = $3 AND day_on = $4 AND worker_id = $5 AND person_id = $6 AND kind = $7 AND mode = $8 AND format = $9`,
		c.contacts, c.minute, orgID, k.day, k.worker, k.person, k.kind, k.mode, k.format)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("contact_days: no row to take a contact from")
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM contact_days WHERE org_id = $1 AND day_on = $2 AND worker_id = $3 AND person_id = $4
		AND kind = $5 AND mode = $6 AND format = $7 AND contacts <= 0`, orgID, k.day, k.worker, k.person, k.kind, k.mode, k.format)
	return err
}

// countContactDays adds many contacts of one organisation at once (the scale
// generator and the backfill after migration 00022): summed per row in Go,
// then written in bulk.
func (s *Store) countContactDays(ctx context.Context, tx *sql.Tx, orgID int64, cs []dayCount) error {
	sum := map[dayKey]*dayCount{}
	var order []dayKey
	for _, c := range cs {
		if p, ok := sum[c.key]; ok {
			p.contacts += c.contacts
			p.minute += c.minute
			continue
		}
		cc := c
		sum[c.key] = &cc
		order = append(order, c.key)
	}
	// The organisation's day rows: the same counts without the person, and
	// the worker only as its shard.
	type orgKey struct {
		day, kind, mode, format string
		shard                   int64
	}
	orgSum := map[orgKey]*[2]int64{}
	var orgOrder []orgKey
	var rows [][]any
	for _, k := range order {
		c := sum[k]
		rows = append(rows, []any{orgID, k.day, reporting.WeekOf(k.day), k.worker, k.person, k.kind, k.mode, k.format, c.contacts, c.minute})
		ok := orgKey{k.day, k.kind, k.mode, k.format, orgDayShard(k.worker)}
		if orgSum[ok] == nil {
			orgSum[ok] = &[2]int64{}
			orgOrder = append(orgOrder, ok)
		}
		orgSum[ok][0] += c.contacts
		orgSum[ok][1] += c.minute
	}
	if err := s.bulkInsert(ctx, tx, "INSERT INTO contact_days (org_id, day_on, week_on, worker_id, person_id, kind, mode, format, contacts, minutes) VALUES ", rows); err != nil {
		return err
	}
	rows = rows[:0]
	for _, k := range orgOrder {
		v := orgSum[k]
		rows = append(rows, []any{orgID, k.day, reporting.WeekOf(k.day), k.kind, k.mode, k.format, k.shard, v[0], v[1]})
	}
	// Added to what the organisation's days already hold (the generator
	// writes an organisation's people in batches).
	return s.bulkInsert(ctx, tx, `INSERT INTO contact_org_days (org_id, day_on, week_on, kind, mode, format, shard, contacts, minutes) VALUES `, rows,
		` ON CONFLICT (org_id, day_on, kind, mode, format, shard)
		DO UPDATE SET contacts = contact_org_days.contacts + excluded.contacts, minutes = contact_org_days.minutes + excluded.minutes`)
}

// backfillContactDays fills contact_days from the contacts recorded before
// migration 00022 made it, one organisation at a time.
func (s *Store) backfillContactDays(ctx context.Context) error {
	rows, err := s.wdb.QueryContext(ctx, "SELECT DISTINCT org_id FROM contacts")
	if err != nil {
		return err
	}
	orgs, err := collect(rows, scanID)
	if err != nil {
		return err
	}
	for _, org := range orgs {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			for _, table := range []string{"contact_days", "contact_org_days"} {
				if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE org_id = $1", org); err != nil {
					return err
				}
			}
			rows, err := tx.QueryContext(ctx, `SELECT person_id, created_by, occurred_at, kind, mode, format, duration_minutes
				FROM contacts WHERE org_id = $1`, org)
			if err != nil {
				return err
			}
			cs, err := collect(rows, func(r interface{ Scan(...any) error }) (dayCount, error) {
				var person, worker, at int64
				var kind, mode, format string
				var minutes int
				err := r.Scan(&person, &worker, &at, &kind, &mode, &format, &minutes)
				return contactDay(org, person, worker, fromMS(at), kind, mode, format, minutes), err
			})
			if err != nil {
				return err
			}
			return s.countContactDays(ctx, tx, org, cs)
		})
		if err != nil {
			return fmt.Errorf("counting the contacts of organisation %d per day: %w", org, err)
		}
	}
	return nil
}

// contactDayOf reads what a stored contact counts for, inside tx.
func contactDayOf(ctx context.Context, tx *sql.Tx, orgID, id int64) (dayCount, error) {
	var person, worker, at int64
	var kind, mode, format string
	var minutes int
	err := tx.QueryRowContext(ctx, `SELECT person_id, created_by, occurred_at, kind, mode, format, duration_minutes
		FROM contacts WHERE id = $1 AND org_id = $2`, id, orgID).Scan(&person, &worker, &at, &kind, &mode, &format, &minutes)
	return contactDay(orgID, person, worker, fromMS(at), kind, mode, format, minutes), err
}

// contactDaysMergeSQL moves the merged record's rows onto the kept one,
// adding to a row the kept record already has for the same day, worker,
// kind, mode and format.
var contactDaysMergeSQL = []string{
	`UPDATE contact_days SET
		contacts = contacts + (SELECT f.contacts FROM contact_days f WHERE ` + sameDayRow + `),
		minutes = minutes + (SELECT f.minutes FROM contact_days f WHERE ` + sameDayRow + `)
		WHERE org_id = :org AND person_id = :keep AND EXISTS (SELECT 1 FROM contact_days f WHERE ` + sameDayRow + `)`,
	`UPDATE contact_days SET person_id = :keep WHERE org_id = :org AND person_id = :from AND NOT EXISTS
		(SELECT 1 FROM contact_days k WHERE k.org_id = contact_days.org_id AND k.person_id = :keep AND k.day_on = contact_days.day_on
		AND k.worker_id = contact_days.worker_id AND k.kind = contact_days.kind AND k.mode = contact_days.mode AND k.format = contact_days.format)`,
	`DELETE FROM contact_days WHERE org_id = :org AND person_id = :from`,
}

const sameDayRow = `f.org_id = contact_days.org_id AND f.person_id = :from AND f.day_on = contact_days.day_on AND f.worker_id = contact_days.worker_id
	AND f.kind = contact_days.kind AND f.mode = contact_days.mode AND f.format = contact_days.format`

// countContact adds (sign +1) or takes away (-1) stored contact id from
// its day's row: +1 after inserting or changing it, -1 before changing or
// deleting it.
func countContact(ctx context.Context, tx *sql.Tx, orgID, id, sign int64) error {
	c, err := contactDayOf(ctx, tx, orgID, id)
	if err != nil {
		return err
	}
	return countContactDay(ctx, tx, orgID, c, sign)
}

// HasContactsBefore reports whether the organisation has a contact dated
// before day (for the demo, which loads a year of activity once).
func (s *Store) HasContactsBefore(ctx context.Context, orgID int64, day string) (bool, error) {
	var n int
	err := s.rdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM contact_days WHERE org_id = $1 AND day_on < $2", orgID, day).Scan(&n)
	return n > 0, err
}
