package store

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"
)

// A person's recovery picture at the scale of BenchmarkCaseload's
// organisation (5,000 people, 500,000 contacts), where every person has a
// recovery picture of 20 assessments (100,000 in all), 12 stage notes, two
// checks of needs, natural supports, advocacy and a rights concern. It times
// what the person's page asks of the store (the record, then the recovery
// picture) for the person's peer worker and for an administrator, the
// history page, and the home page's list of people due a check.
//
//	go test ./internal/store -run '^$' -bench RecoveryPicture -benchtime 200x
//
// (It runs on PostgreSQL when PEERPATH_TEST_POSTGRES is set.)

const benchAssessments = 20

var recoveryBenchOnce struct {
	err  error
	done bool
}

func addRecoveryBenchRows(fx *benchFixture) error {
	ctx := context.Background()
	s := fx.s
	now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	by := fx.admin.UserID
	org := fx.admin.OrgID
	return s.tx(ctx, func(tx *sql.Tx) error {
		var assess, stages, checks, supports, advocacy, rights [][]any
		for i := range benchPeople {
			pid := int64(i + 1)
			for n := range benchAssessments {
				on := now.AddDate(0, 0, -90*(benchAssessments-n)+i%30).Format(dateLayout)
				v := 2 + (n+i)%4
				answers := fmt.Sprintf("[%d,%d,%d,%d,%d,%d,%d,%d,%d,%d]", v, v, v, v, v, v, v, v, v, v)
				assess = append(assess, []any{org, pid, "barc10", on, answers, 10 * v, true, ms(now), by})
			}
			for n := range 12 {
				stages = append(stages, []any{org, pid, LifeAreas[n%4], "action", now.AddDate(0, 0, -30*n).Format(dateLayout), "", ms(now), by})
			}
			for n := range 2 {
				checks = append(checks, []any{org, pid, now.AddDate(0, 0, -60*n).Format(dateLayout), ms(now), by})
			}
			supports = append(supports, []any{org, pid, "Ana", "sister", "Listens", "617-555-0101", true, ms(now), by, ms(now)})
			advocacy = append(advocacy, []any{org, pid, now.AddDate(0, 0, -10).Format(dateLayout), "Went to the housing clinic together", ms(now), by})
			rights = append(rights, []any{org, pid, now.AddDate(0, 0, -20).Format(dateLayout), "privacy", ms(now), by, ms(now)})
		}
		for _, ins := range []struct {
			head string
			cols int
			rows [][]any
		}{
			{"INSERT INTO recovery_assessments (org_id, person_id, instrument, taken_on, answers, total, complete, created_at, created_by) VALUES ", 9, assess},
			{"INSERT INTO stage_notes (org_id, person_id, life_area, stage, noted_on, note, created_at, created_by) VALUES ", 8, stages},
			{"INSERT INTO need_checks (org_id, person_id, noted_on, created_at, created_by) VALUES ", 5, checks},
			{"INSERT INTO natural_supports (org_id, person_id, name, relationship, how_they_help, phone, okay_to_involve, created_at, created_by, updated_at) VALUES ", 10, supports},
			{"INSERT INTO advocacy_entries (org_id, person_id, done_on, what, created_at, created_by) VALUES ", 6, advocacy},
			{"INSERT INTO rights_concerns (org_id, person_id, raised_on, kind, created_at, created_by, updated_at) VALUES ", 7, rights},
		} {
			if err := insertRows(ctx, tx, ins.head, ins.cols, ins.rows); err != nil {
				return err
			}
		}
		// Three needs in each check.
		_, err := tx.ExecContext(ctx, `INSERT INTO needs (org_id, person_id, check_id, area, area_label, in_their_words, created_at)
			SELECT c.org_id, c.person_id, c.id, a.area, a.label, 'In their words', c.created_at FROM need_checks c
			CROSS JOIN (SELECT 'housing' AS area, 'Housing' AS label UNION ALL SELECT 'food', 'Food' UNION ALL SELECT 'transport', 'Transport') a`)
		if err != nil {
			return err
		}
		if s.dialect == Postgres {
			_, err = tx.ExecContext(ctx, "ANALYZE")
		}
		return err
	})
}

func BenchmarkRecoveryPicture(b *testing.B) {
	if !benchOnce.done {
		benchOnce.fx, benchOnce.err = buildBenchFixture(b)
		benchOnce.done = true
	}
	if benchOnce.err != nil {
		b.Fatal(benchOnce.err)
	}
	fx := benchOnce.fx
	if !recoveryBenchOnce.done {
		recoveryBenchOnce.err = addRecoveryBenchRows(fx)
		recoveryBenchOnce.done = true
	}
	if recoveryBenchOnce.err != nil {
		b.Fatal(recoveryBenchOnce.err)
	}
	ctx := context.Background()
	// One of the peer worker's people (peers[7] supports every 50th person from 8).
	pid := int64(8)
	for _, c := range []struct {
		name string
		a    Actor
	}{{"peer", fx.peer}, {"admin", fx.admin}} {
		b.Run("person-page-"+c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := fx.s.PersonRecord(ctx, c.a, pid); err != nil {
					b.Fatal(err)
				}
				rp, err := fx.s.RecoveryPicture(ctx, c.a, pid)
				if err != nil {
					b.Fatal(err)
				}
				if len(rp.Capital.History) != benchAssessments || rp.Needs == nil || len(rp.Needs.Needs) != 3 {
					b.Fatalf("the picture: %d assessments", len(rp.Capital.History))
				}
			}
		})
	}
	// The two halves of the peer's page apart: the record as it was before
	// the recovery picture, and the picture alone. Each includes its
	// audited read (a write transaction).
	b.Run("record-alone", func(b *testing.B) {
		for b.Loop() {
			if _, err := fx.s.PersonRecord(ctx, fx.peer, pid); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("picture-alone", func(b *testing.B) {
		for b.Loop() {
			if _, err := fx.s.RecoveryPicture(ctx, fx.peer, pid); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The picture's queries without the audit write.
	b.Run("picture-queries", func(b *testing.B) {
		for b.Loop() {
			if _, err := fx.s.recoveryPicture(ctx, fx.peer, pid); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("history-page", func(b *testing.B) {
		for b.Loop() {
			if _, err := fx.s.RecoveryCapital(ctx, fx.peer, pid, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("home-checks-due", func(b *testing.B) {
		for b.Loop() {
			if _, _, _, err := fx.s.RecoveryChecksDue(ctx, fx.peer, 5); err != nil {
				b.Fatal(err)
			}
		}
	})
}
