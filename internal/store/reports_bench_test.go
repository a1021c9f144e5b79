//go:build unix

package store_test

import (
	"context"
	"io"
	"os"
	"syscall"
	"testing"
	"time"

	"peerpath/internal/auth"
	"peerpath/internal/demo"
	"peerpath/internal/followup"
	"peerpath/internal/reporting"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// BenchmarkReportOrgYear times a one-year report for a whole organisation
// (each of activity, outcomes and workforce), and the follow-up completion
// figure of a supervisor's team over the same year. By default it generates the
// "smoke" scale into a fresh database; to time it on real volumes, point it
// at a database made by `peerpath demo --scale org` (or state):
//
//	PEERPATH_REPORT_BENCH_DB=/tmp/org.db go test ./internal/store -run '^$' -bench ReportOrgYear -benchtime 20x
//	PEERPATH_REPORT_BENCH_DB='postgres://…/peerpath_scale?sslmode=disable' PEERPATH_REPORT_BENCH_KEYS=/tmp/pgkey go test …
//
// It reads as the administrator of generated organisation 01. Besides the
// wall time it reports cpu-ms/op, the process's CPU time per report (the
// database's share included on SQLite, which runs in the process): on a
// machine shared with other work the wall time mostly measures the wait
// for a core.
func BenchmarkReportOrgYear(b *testing.B) {
	ctx := context.Background()
	var s *store.Store
	if dsn := os.Getenv("PEERPATH_REPORT_BENCH_DB"); dsn != "" {
		var err error
		s, err = store.Open(ctx, dsn, store.Options{Keys: testkit.Keys()})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
	} else {
		db := testkit.NewStore(b)
		sc, _ := demo.ScaleByName("smoke")
		if _, err := demo.Generate(ctx, db.Store, sc, io.Discard); err != nil {
			b.Fatal(err)
		}
		s = db.Store
	}
	u, err := s.UserByEmail(ctx, demo.ScaleEmail(1, auth.RoleAdmin, 1))
	if err != nil {
		b.Fatal(err)
	}
	admin := u.Actor("192.0.2.1")
	today := s.Today()
	p := reporting.Period{From: reporting.AddDays(today, -364), To: today}
	if os.Getenv("PEERPATH_REPORT_BENCH_DB") == "" || os.Getenv("PEERPATH_REPORT_BENCH_SUPRT") != "" {
		// Generated data has programmes without follow-up schedules: put the
		// organisation's on SUPRT's (every person's points worked out), so
		// the completion figures have points to count. On a database of
		// your own this changes it, hence the variable.
		suprt(ctx, b, s, admin)
	}
	for _, kind := range store.ReportKinds {
		b.Run(kind, func(b *testing.B) {
			before := cpuTime()
			for b.Loop() {
				if _, err := s.Report(ctx, admin, kind, reporting.Scope{Kind: reporting.ScopeOrg}, p, store.ReportOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((cpuTime()-before).Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
	// The activity report of the organisation's first programme (every
	// person of a generated organisation is in it): its contacts are read
	// from its people's day rows, not the organisation's.
	ps, err := s.FollowUpSchedules(ctx, admin)
	if err != nil || len(ps) == 0 {
		b.Fatal(ps, err)
	}
	b.Run("activity-programme", func(b *testing.B) {
		before := cpuTime()
		for b.Loop() {
			if _, err := s.Report(ctx, admin, store.ReportActivity, reporting.Scope{Kind: reporting.ScopeProgramme, ID: ps[0].ID}, p, store.ReportOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64((cpuTime()-before).Milliseconds())/float64(b.N), "cpu-ms/op")
	})
	// The follow-up completion figure of supervisor 001's team (its
	// workers' people, about 200), as the supervisor: the figure their
	// outcomes report shows.
	su, err := s.UserByEmail(ctx, demo.ScaleEmail(1, auth.RoleSupervisor, 1))
	if err != nil {
		b.Fatal(err)
	}
	sup := su.Actor("192.0.2.1")
	b.Run("completion-team", func(b *testing.B) {
		before := cpuTime()
		var due int
		for b.Loop() {
			c, err := s.FollowUpCompletion(ctx, sup, store.CompletionTeam, sup.UserID, p.From, p.To)
			if err != nil {
				b.Fatal(err)
			}
			due = c.Due
		}
		b.ReportMetric(float64((cpuTime()-before).Milliseconds())/float64(b.N), "cpu-ms/op")
		b.ReportMetric(float64(due), "due")
	})
}

// suprt puts the organisation's service programmes without a schedule on
// SUPRT's.
func suprt(ctx context.Context, b *testing.B, s *store.Store, admin store.Actor) {
	ps, err := s.FollowUpSchedules(ctx, admin)
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range ps {
		if p.Schedule.Kind != followup.None {
			continue
		}
		start := time.Now()
		if _, err := s.SetFollowUpSchedule(ctx, admin, p.ID, followup.Schedule{Kind: followup.SUPRT}); err != nil {
			b.Fatal(err)
		}
		b.Logf("programme %q put on SUPRT's schedule (%d people) in %s", p.Name, p.People, time.Since(start).Round(time.Millisecond))
	}
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
