package store_test

import (
	"context"
	"io"
	"os"
	"testing"

	"peerpath/internal/auth"
	"peerpath/internal/demo"
	"peerpath/internal/reporting"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// BenchmarkReportOrgYear times a one-year report for a whole organisation
// (each of activity, outcomes and workforce). By default it generates the
// "smoke" scale into a fresh database; to time it on real volumes, point it
// at a database made by `peerpath demo --scale org` (or state):
//
//	PEERPATH_REPORT_BENCH_DB=/tmp/org.db go test ./internal/store -run '^$' -bench ReportOrgYear -benchtime 20x
//	PEERPATH_REPORT_BENCH_DB='postgres://…/peerpath_scale?sslmode=disable' PEERPATH_REPORT_BENCH_KEYS=/tmp/pgkey go test …
//
// It reads as the administrator of generated organisation 01.
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
	for _, kind := range store.ReportKinds {
		b.Run(kind, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Report(ctx, admin, kind, reporting.Scope{Kind: reporting.ScopeOrg}, p, store.ReportOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
