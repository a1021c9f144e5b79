package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"peerpath/internal/auth"
)

// The People-you-support page is the one a peer worker opens all day. This
// benchmark builds one organisation at the scale of a large Recovery
// Learning Community over several years (5,000 people, 500,000 contacts, 50
// peer workers each supporting 100 people, 5 supervisors, open referrals,
// safety plans for seven people in ten, in up to four versions, some not
// reviewed for months) and times the page's store queries for a peer
// worker, a supervisor and an administrator, and the team view's counts.
//
//	go test ./internal/store -run '^$' -bench Caseload -benchtime 200x
//
// (It runs on PostgreSQL when PEERPATH_TEST_POSTGRES is set.) Building the
// fixture takes a few seconds; it is built once per run.

const (
	benchPeople    = 5000
	benchContacts  = 500000
	benchPeers     = 50
	benchSupers    = 5
	benchReferrals = 2000
)

type benchFixture struct {
	s                  *Store
	admin, super, peer Actor
}

var benchOnce struct {
	fx   *benchFixture
	err  error
	done bool
}

func openBenchStore(b *testing.B) *Store {
	b.Helper()
	keys, err := auth.DeriveKeys([]byte("peerpath benchmark master key 0123456789"))
	if err != nil {
		b.Fatal(err)
	}
	dsn := filepath.Join(b.TempDir(), "bench.db")
	if base := os.Getenv("PEERPATH_TEST_POSTGRES"); base != "" {
		buf := make([]byte, 6)
		rand.Read(buf)
		schema := "bench_" + hex.EncodeToString(buf)
		admin, err := sql.Open("pgx", base)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE"); admin.Close() })
		u, _ := url.Parse(base)
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		dsn = u.String()
	}
	s, err := Open(context.Background(), dsn, Options{Keys: keys})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	return s
}

// insertRows inserts rows in multi-row statements of up to 50 rows (larger
// statements are slower to prepare than they save).
func insertRows(ctx context.Context, tx *sql.Tx, head string, cols int, rows [][]any) error {
	const batch = 50
	for start := 0; start < len(rows); start += batch {
		end := min(start+batch, len(rows))
		var sb strings.Builder
		sb.WriteString(head)
		args := make([]any, 0, (end-start)*cols)
		for i, r := range rows[start:end] {
			if i > 0 {
				sb.WriteString(",")
			}
			sb.WriteString("(")
			for c := range cols {
				if c > 0 {
					sb.WriteString(",")
				}
				args = append(args, r[c])
				fmt.Fprintf(&sb, "$%d", len(args))
			}
			sb.WriteString(")")
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

func buildBenchFixture(b *testing.B) (*benchFixture, error) {
	ctx := context.Background()
	s := openBenchStore(b)
	now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	sys := System()
	mk := func(email, name string, role auth.Role, orgID, sup int64) (User, error) {
		return s.CreateUser(ctx, sys, NewUser{OrgID: orgID, OrgName: "Bench RLC", Email: email, Name: name, Roles: []auth.Role{role}, SupervisorID: sup, PasswordHash: "x"})
	}
	admin, err := mk("admin@bench.test", "Admin", auth.RoleAdmin, 0, 0)
	if err != nil {
		return nil, err
	}
	org := admin.OrgID
	var supers []User
	for i := range benchSupers {
		u, err := mk(fmt.Sprintf("sup%d@bench.test", i), fmt.Sprintf("Supervisor %d", i), auth.RoleSupervisor, org, 0)
		if err != nil {
			return nil, err
		}
		supers = append(supers, u)
	}
	var peers []User
	for i := range benchPeers {
		u, err := mk(fmt.Sprintf("peer%d@bench.test", i), fmt.Sprintf("Peer %02d", i), auth.RolePeer, org, supers[i%benchSupers].ID)
		if err != nil {
			return nil, err
		}
		peers = append(peers, u)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var people, workers, contacts, referrals, plans [][]any
		perPerson := benchContacts / benchPeople
		for i := range benchPeople {
			id := int64(i + 1)
			since := now.AddDate(-3, 0, 0)
			// The last contact is spread over the past three weeks, so some
			// people are overdue and some are not, as in life.
			last := now.Add(-time.Duration(i%(21*24)) * time.Hour)
			every := 7 + (i%3)*7
			status := StatusActive
			if i%10 == 9 {
				status = StatusClosed
			}
			name := fmt.Sprintf("Person %05d", i)
			people = append(people, []any{id, org, name, searchKey(name), status, every, ms(last), ms(since), checkInDue(last, since, every), ms(since), admin.ID, ms(now)})
			workers = append(workers, []any{id, peers[i%benchPeers].ID, org, ms(since)})
			for c := range perPerson {
				at := last.Add(-time.Duration(c) * 7 * 24 * time.Hour)
				contacts = append(contacts, []any{org, id, ms(at), 30, "individual", "in_person", "check_in", "Met for coffee and talked about the week.", ms(at), peers[i%benchPeers].ID, ms(at)})
			}
		}
		for i := range benchPeople {
			if i%10 >= 7 {
				continue // no safety plan yet
			}
			for v := range 1 + i%4 {
				at := now.Add(-time.Duration(200-v*40-i%50) * 24 * time.Hour)
				plans = append(plans, []any{org, int64(i + 1), "safety_plan", v + 1, `{"warning_signs":["Not sleeping"]}`, "edit", ms(at), admin.ID})
			}
		}
		for i := range benchReferrals {
			pid := int64(i*benchPeople/benchReferrals + 1)
			referrals = append(referrals, []any{org, pid, "Housing help", now.AddDate(0, 0, -10).Format(dateLayout), now.AddDate(0, 0, -3+i%7).Format(dateLayout), []string{"made", "contacted", "connected"}[i%3], ms(now), admin.ID, ms(now)})
		}
		if err := insertRows(ctx, tx, `INSERT INTO people (id, org_id, preferred_name, preferred_key, status, check_in_every_days, last_contact_at,
			active_since_at, check_in_due_on, created_at, created_by, updated_at) VALUES `, 12, people); err != nil {
			return err
		}
		if err := insertRows(ctx, tx, "INSERT INTO person_workers (person_id, user_id, org_id, assigned_at) VALUES ", 4, workers); err != nil {
			return err
		}
		if err := insertRows(ctx, tx, `INSERT INTO contacts (org_id, person_id, occurred_at, duration_minutes, format, mode, kind, note,
			created_at, created_by, updated_at) VALUES `, 11, contacts); err != nil {
			return err
		}
		if err := insertRows(ctx, tx, `INSERT INTO plan_versions (org_id, person_id, kind, version, body, change, created_at, created_by) VALUES `, 8, plans); err != nil {
			return err
		}
		return insertRows(ctx, tx, `INSERT INTO referrals (org_id, person_id, resource_name, made_on, follow_up_on, status,
			created_at, created_by, updated_at) VALUES `, 9, referrals)
	})
	if err != nil {
		return nil, err
	}
	if s.dialect == Postgres {
		if _, err := s.wdb.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence('people', 'id'), $1)", benchPeople); err != nil {
			return nil, err
		}
		if _, err := s.wdb.ExecContext(ctx, "ANALYZE"); err != nil {
			return nil, err
		}
	}
	return &benchFixture{s: s, admin: admin.Actor("bench"), super: supers[0].Actor("bench"), peer: peers[7].Actor("bench")}, nil
}

func BenchmarkCaseload(b *testing.B) {
	if !benchOnce.done {
		benchOnce.fx, benchOnce.err = buildBenchFixture(b)
		benchOnce.done = true
	}
	if benchOnce.err != nil {
		b.Fatal(benchOnce.err)
	}
	fx := benchOnce.fx
	ctx := context.Background()
	for _, c := range []struct {
		name string
		a    Actor
		f    PeopleFilter
	}{
		{"peer", fx.peer, PeopleFilter{}},
		{"peer-search", fx.peer, PeopleFilter{Query: "person 0"}},
		{"supervisor", fx.super, PeopleFilter{}},
		{"admin", fx.admin, PeopleFilter{}},
		{"admin-overdue", fx.admin, PeopleFilter{Overdue: true}},
		{"supervisor-plans-due", fx.super, PeopleFilter{PlanDue: true}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				l, err := fx.s.listPeople(ctx, c.a, c.f, Page{})
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
	// The team view's counts per worker, safety plans due among them.
	for _, c := range []struct {
		name string
		a    Actor
	}{{"team-supervisor", fx.super}, {"team-admin", fx.admin}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := fx.s.Team(ctx, c.a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// The page as served: the same queries plus its audit entry (a write,
	// with synchronous=FULL on SQLite: an fsync).
	b.Run("peer-with-audit", func(b *testing.B) {
		for b.Loop() {
			if _, err := fx.s.ListPeople(ctx, fx.peer, PeopleFilter{}, Page{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
