package store

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"peerpath/internal/auth"
	"peerpath/internal/followup"
)

// BenchmarkFollowUps builds an organisation with 10,000 people in one
// programme on SUPRT's schedule, who started over the past three years, each
// with a few assessments; 50 peer workers (200 people each), 5 supervisors. It times setting
// the schedule (every person's points worked out again: about 200,000
// points), the due and overdue lists for a worker, a supervisor and an
// administrator (without the audit entry, which the audit benchmark times),
// and the completion figure for the organisation, a team and a worker.
//
//	go test ./internal/store -run '^$' -bench FollowUps -benchtime 20x -v
//
// (On PostgreSQL when PEERPATH_TEST_POSTGRES is set.)
func BenchmarkFollowUps(b *testing.B) {
	const people, peers, supers = 10000, 50, 5
	ctx := context.Background()
	s := openBenchStore(b)
	now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	sys := System()
	mk := func(email, name string, role auth.Role, orgID, sup int64) User {
		u, err := s.CreateUser(ctx, sys, NewUser{OrgID: orgID, OrgName: "Bench RLC", Email: email, Name: name, Roles: []auth.Role{role}, SupervisorID: sup, PasswordHash: "x"})
		if err != nil {
			b.Fatal(err)
		}
		return u
	}
	admin := mk("admin@bench.test", "Admin", auth.RoleAdmin, 0, 0)
	org := admin.OrgID
	var sups, workers []User
	for i := range supers {
		sups = append(sups, mk(fmt.Sprintf("sup%d@bench.test", i), fmt.Sprintf("Supervisor %d", i), auth.RoleSupervisor, org, 0))
	}
	for i := range peers {
		workers = append(workers, mk(fmt.Sprintf("peer%d@bench.test", i), fmt.Sprintf("Peer %02d", i), auth.RolePeer, org, sups[i%supers].ID))
	}
	const grant = "Recovery support (SUPRT grant)"
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var ps, pw, pp, as [][]any
		for i := range people {
			id := int64(i + 1)
			since := now.AddDate(0, 0, -(i % 1095))
			name := fmt.Sprintf("Person %05d", i)
			status := StatusActive
			if i%10 == 9 {
				status = StatusClosed
			}
			ps = append(ps, []any{id, org, name, searchKey(name), status, 7, 0, ms(since), checkInDue(time.Time{}, since, 7), ms(since), admin.ID, ms(now)})
			pw = append(pw, []any{id, workers[i%peers].ID, org, ms(since)})
			pp = append(pp, []any{id, org, grant, since.Format(dateLayout)})
			// Most do their baseline; two in three their reassessments, a little late now and then.
			for k := 0; k*182 < i%1095; k++ {
				if k > 0 && (i+k)%3 == 0 {
					continue
				}
				on := since.AddDate(0, 0, k*182+(i%45)-10+10*min(k, 1))
				if on.After(now) {
					break
				}
				as = append(as, []any{org, id, "barc10", on.Format(dateLayout), "[4,4,4,4,4,4,4,4,4,4]", 40, true, ms(now), admin.ID})
			}
		}
		if err := insertRows(ctx, tx, `INSERT INTO people (id, org_id, preferred_name, preferred_key, status, check_in_every_days, last_contact_at,
			active_since_at, check_in_due_on, created_at, created_by, updated_at) VALUES `, 12, ps); err != nil {
			return err
		}
		if err := insertRows(ctx, tx, "INSERT INTO person_workers (person_id, user_id, org_id, assigned_at) VALUES ", 4, pw); err != nil {
			return err
		}
		if err := insertRows(ctx, tx, "INSERT INTO person_programmes (person_id, org_id, name, started_on) VALUES ", 4, pp); err != nil {
			return err
		}
		if err := insertRows(ctx, tx, "INSERT INTO recovery_assessments (org_id, person_id, instrument, taken_on, answers, total, complete, created_at, created_by) VALUES ", 9, as); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO service_programmes (org_id, name) VALUES ($1, $2)", org, grant)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	if s.dialect == Postgres {
		if _, err := s.wdb.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence('people', 'id'), $1)", people); err != nil {
			b.Fatal(err)
		}
	}
	a := admin.Actor("bench")
	progs, err := s.FollowUpSchedules(ctx, a)
	if err != nil || len(progs) != 1 {
		b.Fatal(progs, err)
	}
	start := time.Now()
	if _, err := s.SetFollowUpSchedule(ctx, a, progs[0].ID, followup.Schedule{Kind: followup.SUPRT}); err != nil {
		b.Fatal(err)
	}
	var points int
	s.rdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM follow_up_points").Scan(&points)
	b.Logf("setting SUPRT on %d people: %d points in %s", people, points, time.Since(start).Round(time.Millisecond))
	if s.dialect == Postgres {
		if _, err := s.wdb.ExecContext(ctx, "ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
	peer, sup := workers[7].Actor("bench"), sups[0].Actor("bench")
	for _, c := range []struct {
		name   string
		a      Actor
		status string
	}{
		{"due-peer", peer, FollowUpsDue}, {"overdue-peer", peer, FollowUpsOverdue},
		{"due-supervisor", sup, FollowUpsDue}, {"overdue-supervisor", sup, FollowUpsOverdue},
		{"due-admin", a, FollowUpsDue}, {"overdue-admin", a, FollowUpsOverdue},
	} {
		b.Run(c.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				l, err := s.followUps(ctx, c.a, FollowUpFilter{Status: c.status}, Page{})
				if err != nil {
					b.Fatal(err)
				}
				n = len(l.Items)
			}
			if n == 0 {
				b.Fatal("an empty page")
			}
		})
	}
	for _, c := range []struct {
		name, kind string
		a          Actor
		id         int64
	}{
		{"completion-org", CompletionOrg, a, 0}, {"completion-team", CompletionTeam, sup, sup.UserID}, {"completion-worker", CompletionWorker, peer, peer.UserID},
	} {
		b.Run(c.name, func(b *testing.B) {
			var due int
			for b.Loop() {
				got, err := s.FollowUpCompletion(ctx, c.a, c.kind, c.id, "2025-11-23", "2026-11-22")
				if err != nil {
					b.Fatal(err)
				}
				due = got.Due
			}
			if due == 0 {
				b.Fatal("nothing due")
			}
		})
	}
	// One person's assessment: their points worked out again in its transaction.
	b.Run("take-assessment", func(b *testing.B) {
		v := 4
		answers := []*int{&v, &v, &v, &v, &v, &v, &v, &v, &v, &v}
		i := 0
		for b.Loop() {
			i++
			if _, err := s.TakeAssessment(ctx, a, int64(1+i%people), AssessmentInput{TakenOn: "2026-11-20", Answers: answers}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
