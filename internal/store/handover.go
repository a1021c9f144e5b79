package store

import (
	"context"
	"database/sql"
	"fmt"

	"peerpath/internal/audit"
	"peerpath/internal/core"
)

// This file hands a worker's people over to another worker. Peer workers
// move on; when one is deactivated, the people they supported would keep no
// active worker, and nobody's list would show their check-ins as due. The
// administrator pages name such workers and move their people in one step.

// openPeople is the condition for people still supported: active or on
// hold. Closed records keep the worker who supported them, as history.
const openPeople = "p.status <> 'closed'"

// StrandedWorker is a deactivated worker to whom open people are still
// assigned.
type StrandedWorker struct {
	ID     int64
	Name   string
	People int
}

// StrandedWorkers lists the organisation's deactivated workers who are still
// assigned to people, most people first. It reads only deactivated users'
// assignments (the person_workers user index), so it stays cheap at scale.
func (s *Store) StrandedWorkers(ctx context.Context, orgID int64) ([]StrandedWorker, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT u.id, u.name, COUNT(*) FROM users u
		JOIN person_workers pw ON pw.user_id = u.id
		JOIN people p ON p.id = pw.person_id AND p.org_id = $1
		WHERE u.org_id = $1 AND NOT u.active AND `+openPeople+`
		GROUP BY u.id, u.name ORDER BY COUNT(*) DESC, u.name, u.id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StrandedWorker
	for rows.Next() {
		var w StrandedWorker
		if err := rows.Scan(&w.ID, &w.Name, &w.People); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// OpenPeopleCount counts the open people assigned to a worker of the
// organisation.
func (s *Store) OpenPeopleCount(ctx context.Context, orgID, userID int64) (int, error) {
	var n int
	err := s.rdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM person_workers pw JOIN people p ON p.id = pw.person_id
		WHERE pw.user_id = $1 AND pw.org_id = $2 AND p.org_id = $2 AND `+openPeople, userID, orgID).Scan(&n)
	return n, err
}

// HandOver moves every open person assigned to worker from onto worker to,
// who must be active and assignable (peer worker, supervisor or
// administrator) in the same organisation. People already supported by both
// simply lose from. Each person's change is audited. It returns how many people moved.
//
// An administrator hands over anyone's people to anyone assignable. A
// supervisor (issue 16) hands over the people of a worker they supervised
// who has left, to themselves or to an active worker they supervise: the
// people were already theirs to see, and stay so. Another supervisor's
// worker is "not found" to them.
func (s *Store) HandOver(ctx context.Context, a Actor, from, to int64) (int, error) {
	admin := a.HandsOverAnyone()
	if !a.MayHandOver() {
		return 0, core.Forbidden("Only a supervisor or an administrator hands people over to another worker.")
	}
	if to == 0 {
		return 0, core.Invalid(map[string]string{"to": "Choose who takes them on."})
	}
	if to == from {
		return 0, core.Invalid(map[string]string{"to": "Choose someone else: these people are already theirs."})
	}
	var moved []int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if !admin {
			// The supervisor's own departed worker, or nobody they may name.
			w, err := s.userWhere(ctx, tx, "u.id = $1 AND u.org_id = $2 AND u.supervisor_id = $3", from, a.OrgID, a.UserID)
			if err != nil {
				return err
			}
			if w.Active {
				return core.Forbidden("Only an administrator hands over the people of a worker who is still here.")
			}
		} else if _, err := s.userWhere(ctx, tx, "u.id = $1 AND u.org_id = $2", from, a.OrgID); err != nil {
			return err
		}
		var ok int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id
			WHERE u.id = $1 AND u.org_id = $2 AND u.active AND r.role IN `+rolesWorkingWithPeople+`
			AND ($3 OR u.id = $4 OR u.supervisor_id = $4)`, to, a.OrgID, admin, a.UserID).Scan(&ok)
		if err != nil {
			return err
		}
		if ok == 0 && !admin {
			return core.Invalid(map[string]string{"to": "Choose yourself or an active worker on your team."})
		}
		if ok == 0 {
			return core.Invalid(map[string]string{"to": "Choose an active peer worker, supervisor or administrator of your organisation."})
		}
		rows, err := tx.QueryContext(ctx, `SELECT pw.person_id FROM person_workers pw JOIN people p ON p.id = pw.person_id
			WHERE pw.user_id = $1 AND pw.org_id = $2 AND p.org_id = $2 AND `+openPeople+` ORDER BY pw.person_id`, from, a.OrgID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			moved = append(moved, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(moved) == 0 {
			return nil
		}
		now := ms(s.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO person_workers (person_id, user_id, org_id, assigned_at)
			SELECT pw.person_id, $1, $2, $3 FROM person_workers pw JOIN people p ON p.id = pw.person_id
			WHERE pw.user_id = $4 AND pw.org_id = $2 AND p.org_id = $2 AND `+openPeople+`
			ON CONFLICT (person_id, user_id) DO NOTHING`, to, a.OrgID, now, from); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM person_workers WHERE user_id = $1 AND org_id = $2
			AND person_id IN (SELECT p.id FROM people p WHERE p.org_id = $2 AND `+openPeople+`)`, from, a.OrgID); err != nil {
			return err
		}
		detail := fmt.Sprintf("handed over from worker %d to worker %d", from, to)
		for _, id := range moved {
			if err := s.record(ctx, tx, a, audit.ActionUpdate, "person", id, detail); err != nil {
				return err
			}
		}
		return nil
	})
	return len(moved), err
}

// DepartedWorkers lists the deactivated workers still named as supporting
// open people whom the actor may hand over: every one for an administrator,
// those they supervised for a supervisor, nobody for anyone else.
func (s *Store) DepartedWorkers(ctx context.Context, a Actor) ([]StrandedWorker, error) {
	switch {
	case a.HandsOverAnyone():
		return s.StrandedWorkers(ctx, a.OrgID)
	case !a.MayHandOver():
		return nil, nil
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT u.id, u.name, COUNT(*) FROM users u
		JOIN person_workers pw ON pw.user_id = u.id
		JOIN people p ON p.id = pw.person_id AND p.org_id = $1
		WHERE u.org_id = $1 AND NOT u.active AND u.supervisor_id = $2 AND `+openPeople+`
		GROUP BY u.id, u.name ORDER BY COUNT(*) DESC, u.name, u.id`, a.OrgID, a.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StrandedWorker
	for rows.Next() {
		var w StrandedWorker
		if err := rows.Scan(&w.ID, &w.Name, &w.People); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}
