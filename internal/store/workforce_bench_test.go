package store_test

import (
	"database/sql"
	"fmt"
	"testing"

	"peerpath/internal/auth"
	"peerpath/internal/framework"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// BenchmarkTeamDevelopment measures the team page's store work for a
// supervisor with 25 supervisees, each with about 100 evidence records
// (40 trainings, 30 sign-offs, 15 prerequisite facts, 5 waivers, 5 roles,
// 3 credentials, an ethics signature), against the shipped chart. It
// includes auditing the 25 reads. Run with
//
//	go test ./internal/store -run '^$' -bench TeamDevelopment
//
// and with PEERPATH_TEST_POSTGRES set for PostgreSQL.
func BenchmarkTeamDevelopment(b *testing.B) {
	db := testkit.NewStore(b)
	tm := db.NewTeam(b, "Bench RLC")
	sup := testkit.Actor(tm.Supervisor)
	cur, err := db.CurrentEthics(ctx, tm.Org.ID)
	if err != nil {
		b.Fatal(err)
	}
	driver := "sqlite"
	if store.IsPostgres(db.DSN) {
		driver = "pgx"
	}
	raw, err := sql.Open(driver, db.DSN)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	var comps, prereqs, trains []string
	for _, it := range framework.MA2014().Items() {
		switch it.Kind {
		case framework.KindCompetency:
			comps = append(comps, it.Key)
		case framework.KindPrerequisite:
			prereqs = append(prereqs, it.Key)
		case framework.KindTraining:
			trains = append(trains, it.Key)
		}
	}
	var users []store.User
	for i := range 25 {
		users = append(users, db.MakeUserWith(b, store.NewUser{OrgID: tm.Org.ID, Email: fmt.Sprintf("w%d@bench.test", i), Name: fmt.Sprintf("Worker %02d", i), Roles: []auth.Role{auth.RolePeer}, SupervisorID: tm.Supervisor.ID}))
	}
	tx, err := raw.Begin()
	if err != nil {
		b.Fatal(err)
	}
	exec := func(q string, args ...any) {
		if _, err := tx.Exec(q, args...); err != nil {
			b.Fatal(err)
		}
	}
	for i, u := range users {
		exec("INSERT INTO worker_profiles (user_id, org_id, track, confirmed_stage, confirmed_on, updated_at) VALUES ($1, $2, $3, '1', '2026-01-01', 0)",
			u.ID, tm.Org.ID, []string{"both", "mental-health", "addiction"}[i%3])
		for j := range 40 {
			exec("INSERT INTO training_completions (org_id, user_id, item_key, title, completed_on, provider, hours_x100, created_at, created_by) VALUES ($1, $2, $3, $4, $5, 'Bench', 600, 0, $2)",
				tm.Org.ID, u.ID, trains[(i+j)%len(trains)], fmt.Sprintf("Training %d", j), fmt.Sprintf("2025-%02d-%02d", j%12+1, j%28+1))
		}
		for j := range 30 {
			exec("INSERT INTO competency_signoffs (org_id, user_id, item_key, observed_on, note, signed_by, created_at) VALUES ($1, $2, $3, '2026-02-01', 'Seen in group', $4, 0)",
				tm.Org.ID, u.ID, comps[(i+j)%len(comps)], tm.Supervisor.ID)
		}
		for j := range 15 {
			exec("INSERT INTO prerequisite_records (org_id, user_id, item_key, statement, recorded_on, created_at, created_by) VALUES ($1, $2, $3, 'Fact on file', '2026-03-01', 0, $2)",
				tm.Org.ID, u.ID, prereqs[(i+j)%len(prereqs)])
		}
		for j := range 5 {
			exec("INSERT INTO waivers (org_id, user_id, item_key, reason, waived_on, waived_by, created_at) VALUES ($1, $2, $3, 'Grandfather clause', '2026-04-01', $4, 0)",
				tm.Org.ID, u.ID, prereqs[(i+j+7)%len(prereqs)], tm.Supervisor.ID)
			exec("INSERT INTO worker_roles (org_id, user_id, title, organisation, from_on, to_on, peer, created_at, created_by) VALUES ($1, $2, 'Peer specialist', 'Bench', $3, $4, $5, 0, $2)",
				tm.Org.ID, u.ID, fmt.Sprintf("20%02d-01-01", 15+j*2), fmt.Sprintf("20%02d-06-30", 16+j*2), j%2 == 0)
		}
		for j := range 3 {
			exec("INSERT INTO credentials (org_id, user_id, kind, issued_on, expires_on, created_at, created_by) VALUES ($1, $2, $3, '2024-01-01', $4, 0, $2)",
				tm.Org.ID, u.ID, []string{"cps", "recovery-coach", "other"}[j], []string{"2027-01-01", "2026-12-20", ""}[j])
		}
		if i%4 != 0 {
			exec("INSERT INTO ethics_attestations (org_id, user_id, version_hash, typed_name, attested_at) VALUES ($1, $2, $3, $4, 0)", tm.Org.ID, u.ID, cur.Hash, u.Name)
		}
		exec("INSERT INTO signoff_requests (org_id, user_id, item_key, note, status, requested_at) VALUES ($1, $2, $3, '', 'open', 0)", tm.Org.ID, u.ID, comps[i%len(comps)])
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	team, err := db.TeamDevelopment(ctx, sup, store.ScopeTeam, store.Page{})
	if err != nil || len(team.Members) != 27 { // the 25, and the team's own two peers
		b.Fatalf("team: %d members, %v", len(team.Members), err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := db.TeamDevelopment(ctx, sup, store.ScopeTeam, store.Page{}); err != nil {
			b.Fatal(err)
		}
	}
}
