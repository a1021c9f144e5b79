package store_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"peerpath/internal/auth"
	"peerpath/internal/cohort"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// Benchmark scale: a large training organisation's decade of cohorts. 400
// cohorts of 25 people with 12 sessions each gives 10,000 participants,
// 120,000 attendance marks, 20,000 exam attempts and 5,000 certificates in
// one organisation; the trainer benchmarked trains 40 of the cohorts.
const (
	benchCohorts      = 400
	benchPerCohort    = 25
	benchSessions     = 12
	benchTrainerEvery = 10
)

type benchData struct {
	db       *testkit.DB
	trainer  store.Actor
	cohortID int64  // one of the trainer's cohorts
	code     string // a certificate's code
}

// insertRows inserts rows in batches with multi-row INSERTs.
func insertRows(b *testing.B, tx *sql.Tx, table string, cols []string, rows [][]any) {
	b.Helper()
	const batch = 400
	for start := 0; start < len(rows); start += batch {
		end := min(start+batch, len(rows))
		var ph []string
		var args []any
		for _, r := range rows[start:end] {
			p := make([]string, len(r))
			for i := range r {
				args = append(args, r[i])
				p[i] = fmt.Sprintf("$%d", len(args))
			}
			ph = append(ph, "("+strings.Join(p, ",")+")")
		}
		q := "INSERT INTO " + table + " (" + strings.Join(cols, ",") + ") VALUES " + strings.Join(ph, ",")
		if _, err := tx.Exec(q, args...); err != nil {
			b.Fatalf("%s: %v", table, err)
		}
	}
}

func loadBench(b *testing.B) benchData {
	b.Helper()
	db := testkit.NewStore(b)
	tm := db.NewTeam(b, "Bench Training Center")
	other := db.MakeUser(b, tm.Org.ID, "trainer2@bench.test", "Other Trainer", auth.RoleTrainer)
	driver := "sqlite"
	if testkit.Postgres() {
		driver = "pgx"
	}
	raw, err := sql.Open(driver, db.DSN)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	tx, err := raw.Begin()
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UnixMilli()
	var cohorts, trainers, sessions, participants, marks, exams, certs [][]any
	pid, sid, eid := int64(0), int64(0), int64(0)
	start := time.Date(2016, 1, 4, 0, 0, 0, 0, time.UTC)
	var code string
	for c := int64(1); c <= benchCohorts; c++ {
		begin := start.AddDate(0, 0, int(c)*9)
		cohorts = append(cohorts, []any{c, tm.Org.ID, "cps", "Certified Peer Specialist course", fmt.Sprintf("Cohort %d", c), begin.Format(time.DateOnly),
			begin.AddDate(0, 0, 80).Format(time.DateOnly), 30, "training,retreat", false, 85, true, 80, true, 2, tm.Trainer.ID, now, now})
		t := other.ID
		if c%benchTrainerEvery == 0 {
			t = tm.Trainer.ID
		}
		trainers = append(trainers, []any{tm.Org.ID, c, t})
		var sids []int64
		for s := range benchSessions {
			sid++
			sids = append(sids, sid)
			sessions = append(sessions, []any{sid, tm.Org.ID, c, "training", begin.AddDate(0, 0, 7*s).Format(time.DateOnly), "Day", now, now})
		}
		for p := range benchPerCohort {
			pid++
			status := "enrolled"
			if p%2 == 0 {
				status = "completed"
			}
			participants = append(participants, []any{pid, tm.Org.ID, c, fmt.Sprintf("Participant %05d", pid), status, begin.Format(time.DateOnly), begin.Format(time.DateOnly), now, now})
			for i, s := range sids {
				m := "present"
				if (int(pid)+i)%9 == 0 {
					m = "absent"
				}
				marks = append(marks, []any{tm.Org.ID, c, s, pid, m, now, tm.Trainer.ID})
			}
			for _, ex := range []string{"written", "oral"} {
				eid++
				var score any
				if ex == "written" {
					score = 70 + int(pid%30)
				}
				exams = append(exams, []any{eid, tm.Org.ID, c, pid, ex, begin.AddDate(0, 0, 85).Format(time.DateOnly), score, true, now, tm.Trainer.ID})
			}
			if status == "completed" {
				cc := fmt.Sprintf("%020d", pid)
				cc = strings.NewReplacer("0", "A", "1", "B", "8", "C", "9", "D").Replace(cc)
				if code == "" {
					code = cc
				}
				certs = append(certs, []any{pid, tm.Org.ID, c, pid, cc, fmt.Sprintf("Participant %05d", pid), "Certified Peer Specialist course", "Bench Training Center",
					begin.AddDate(0, 0, 90).Format(time.DateOnly), tm.Trainer.ID, now})
			}
		}
	}
	insertRows(b, tx, "cohorts", []string{"id", "org_id", "programme_kind", "programme_name", "name", "starts_on", "ends_on", "capacity", "session_kinds", "students",
		"attendance_percent", "written_exam", "written_pass_mark", "oral_exam", "attempts", "created_by", "created_at", "updated_at"}, cohorts)
	insertRows(b, tx, "cohort_trainers", []string{"org_id", "cohort_id", "user_id"}, trainers)
	insertRows(b, tx, "cohort_sessions", []string{"id", "org_id", "cohort_id", "kind", "held_on", "topic", "created_at", "updated_at"}, sessions)
	insertRows(b, tx, "participants", []string{"id", "org_id", "cohort_id", "name", "status", "applied_on", "enrolled_on", "created_at", "updated_at"}, participants)
	insertRows(b, tx, "attendance", []string{"org_id", "cohort_id", "session_id", "participant_id", "mark", "recorded_at", "recorded_by"}, marks)
	insertRows(b, tx, "exam_attempts", []string{"id", "org_id", "cohort_id", "participant_id", "exam", "taken_on", "score", "passed", "recorded_at", "recorded_by"}, exams)
	insertRows(b, tx, "certificates", []string{"id", "org_id", "cohort_id", "participant_id", "code", "recipient", "programme_name", "issuer", "issued_on", "issued_by", "issued_at"}, certs)
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	// Fresh statistics, as a long-running database would have.
	if _, err := raw.Exec("ANALYZE"); err != nil {
		b.Fatal(err)
	}
	return benchData{db: db, trainer: testkit.Actor(tm.Trainer), cohortID: benchCohorts / 2, code: code}
}

// BenchmarkCohortPage is the cohort page's store work: the cohort, its
// sessions and counts, a page of participants with their marks, exams and
// certificates, the rule applied to each, and the audit entry of the read.
func BenchmarkCohortPage(b *testing.B) {
	d := loadBench(b)
	if _, err := d.db.CohortParticipants(ctx, d.trainer, d.cohortID, store.Page{Limit: 100}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		p, err := d.db.CohortParticipants(ctx, d.trainer, d.cohortID, store.Page{Limit: 100})
		if err != nil || len(p.Participants.Items) != benchPerCohort || p.Participants.Items[0].Result.Counting != benchSessions {
			b.Fatalf("%v %d", err, len(p.Participants.Items))
		}
	}
}

// BenchmarkTrainerCohortList is /cohorts for a trainer of 40 cohorts among 400.
func BenchmarkTrainerCohortList(b *testing.B) {
	d := loadBench(b)
	b.ResetTimer()
	for b.Loop() {
		l, err := d.db.ListCohorts(ctx, d.trainer, store.Page{})
		if err != nil || len(l.Items) != benchCohorts/benchTrainerEvery {
			b.Fatalf("%v %d", err, len(l.Items))
		}
	}
}

// BenchmarkVerifyCertificate is a public lookup, with its audit entry.
func BenchmarkVerifyCertificate(b *testing.B) {
	d := loadBench(b)
	b.ResetTimer()
	for b.Loop() {
		c, err := d.db.VerifyCertificate(ctx, cohort.GroupCode(d.code), "198.51.100.9")
		if err != nil || c.Revoked {
			b.Fatal(err)
		}
	}
}
