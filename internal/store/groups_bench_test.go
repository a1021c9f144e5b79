package store

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"peerpath/internal/auth"
)

// Groups at the scale of a large organisation over several years: 200
// groups of 40 members each (8,000 people, 50 peer workers facilitating in
// pairs, 5 supervisors), 100 past sessions per group (20,000 sessions,
// 800,000 attendance marks). It times a group's page (roster, latest
// sessions with their counts), the list of groups, the correction form's
// attendance list, a person's groups, the facilitation totals of the
// development pages, and recording a session of 40 members (their contacts
// and check-ins in the same transaction).
//
//	go test ./internal/store -run '^$' -bench Groups -benchtime 200x
//
// (It runs on PostgreSQL when PEERPATH_TEST_POSTGRES is set.)

const (
	benchGroups        = 200
	benchGroupMembers  = 40
	benchGroupSessions = 100
)

type groupBenchFixture struct {
	s                         *Store
	admin, super, peer, peer2 Actor
	group                     int64 // one of peer's groups
	session                   int64 // one of its sessions
	person                    int64 // one of its members
	team                      []int64
	members                   []int64
}

var groupBenchOnce struct {
	fx   *groupBenchFixture
	err  error
	done bool
}

func buildGroupBenchFixture(b *testing.B) (*groupBenchFixture, error) {
	ctx := context.Background()
	s := openBenchStore(b)
	now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	sys := System()
	mk := func(email, name string, role auth.Role, orgID, sup int64) (User, error) {
		return s.CreateUser(ctx, sys, NewUser{OrgID: orgID, OrgName: "Bench groups", Email: email, Name: name, Roles: []auth.Role{role}, SupervisorID: sup, PasswordHash: "x"})
	}
	admin, err := mk("admin@groups.test", "Admin", auth.RoleAdmin, 0, 0)
	if err != nil {
		return nil, err
	}
	org := admin.OrgID
	var supers, peers []User
	for i := range benchSupers {
		u, err := mk(fmt.Sprintf("sup%d@groups.test", i), fmt.Sprintf("Supervisor %d", i), auth.RoleSupervisor, org, 0)
		if err != nil {
			return nil, err
		}
		supers = append(supers, u)
	}
	for i := range benchPeers {
		u, err := mk(fmt.Sprintf("peer%d@groups.test", i), fmt.Sprintf("Peer %02d", i), auth.RolePeer, org, supers[i%benchSupers].ID)
		if err != nil {
			return nil, err
		}
		peers = append(peers, u)
	}
	statuses := []string{"present", "present", "present", "late", "excused", "absent", "present", "absent"}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var people, workers, groups, facs, members, sessions, sfacs, marks [][]any
		nPeople := benchGroups * benchGroupMembers
		since := now.AddDate(-3, 0, 0)
		for i := range nPeople {
			id := int64(i + 1)
			name := fmt.Sprintf("Person %05d", i)
			people = append(people, []any{id, org, name, searchKey(name), StatusActive, 7, 0, ms(since), checkInDue(time.Time{}, since, 7), ms(since), admin.ID, ms(now)})
			// Group g's members are people g*40 … g*40+39; each is supported
			// by one of the group's two facilitators.
			g := i / benchGroupMembers
			workers = append(workers, []any{id, peers[(2*g+i%2)%benchPeers].ID, org, ms(since)})
		}
		sid := int64(0)
		for g := range benchGroups {
			gid := int64(g + 1)
			name := fmt.Sprintf("Group %03d", g)
			groups = append(groups, []any{gid, org, name, searchKey(name), "hearing_voices", "Room 1", "Thursdays 6 pm", 1 + g%7, "18:00", 90, ms(now), admin.ID, ms(now)})
			facs = append(facs, []any{gid, peers[(2*g)%benchPeers].ID, org}, []any{gid, peers[(2*g+1)%benchPeers].ID, org})
			for m := range benchGroupMembers {
				members = append(members, []any{gid, int64(g*benchGroupMembers + m + 1), org, since.Format(dateLayout), admin.ID})
			}
			for k := range benchGroupSessions {
				sid++
				day := now.AddDate(0, 0, -7*(k+1)).Format(dateLayout)
				counts := map[string]int{}
				for m := range benchGroupMembers {
					st := statuses[(k+m)%len(statuses)]
					counts[st]++
					marks = append(marks, []any{sid, int64(g*benchGroupMembers + m + 1), org, gid, st})
				}
				sessions = append(sessions, []any{sid, org, gid, day, "18:00", 90, "We talked about the week.", k % 4,
					counts["present"], counts["late"], counts["excused"], counts["absent"], ms(now), peers[(2*g)%benchPeers].ID})
				sfacs = append(sfacs, []any{sid, peers[(2*g)%benchPeers].ID, org}, []any{sid, peers[(2*g+1)%benchPeers].ID, org})
			}
		}
		for _, ins := range []struct {
			head string
			cols int
			rows [][]any
		}{
			{`INSERT INTO people (id, org_id, preferred_name, preferred_key, status, check_in_every_days, last_contact_at,
				active_since_at, check_in_due_on, created_at, created_by, updated_at) VALUES `, 12, people},
			{"INSERT INTO person_workers (person_id, user_id, org_id, assigned_at) VALUES ", 4, workers},
			{`INSERT INTO peer_groups (id, org_id, name, name_key, kind, place, schedule, weekday, start_time, duration_minutes, created_at, created_by, updated_at) VALUES `, 13, groups},
			{"INSERT INTO group_facilitators (group_id, user_id, org_id) VALUES ", 3, facs},
			{"INSERT INTO group_members (group_id, person_id, org_id, joined_on, added_by) VALUES ", 5, members},
			{`INSERT INTO group_sessions (id, org_id, group_id, held_on, start_time, duration_minutes, note, guests, present, late, excused, absent,
				created_at, created_by, updated_at, updated_by) VALUES `, 16, withTail(sessions)},
			{"INSERT INTO group_session_facilitators (session_id, user_id, org_id) VALUES ", 3, sfacs},
			{"INSERT INTO group_attendance (session_id, person_id, org_id, group_id, status) VALUES ", 5, marks},
		} {
			if err := insertRows(ctx, tx, ins.head, ins.cols, ins.rows); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if s.dialect == Postgres {
		for _, t := range []string{"people", "peer_groups", "group_sessions"} {
			if _, err := s.wdb.ExecContext(ctx, fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT MAX(id) FROM %s))", t, t)); err != nil {
				return nil, err
			}
		}
		if _, err := s.wdb.ExecContext(ctx, "ANALYZE"); err != nil {
			return nil, err
		}
	}
	fx := &groupBenchFixture{s: s, admin: admin.Actor("bench"), super: supers[0].Actor("bench"), peer: peers[0].Actor("bench"), peer2: peers[1].Actor("bench"),
		group: 1, session: 1, person: 1}
	for _, p := range peers {
		fx.team = append(fx.team, p.ID)
	}
	for m := range benchGroupMembers {
		fx.members = append(fx.members, int64(m+1))
	}
	return fx, nil
}

// withTail repeats each session row's created_at and created_by as its
// updated_at and updated_by.
func withTail(rows [][]any) [][]any {
	out := make([][]any, len(rows))
	for i, r := range rows {
		out[i] = append(r[:len(r):len(r)], r[12], r[13])
	}
	return out
}

func BenchmarkGroups(b *testing.B) {
	if !groupBenchOnce.done {
		groupBenchOnce.fx, groupBenchOnce.err = buildGroupBenchFixture(b)
		groupBenchOnce.done = true
	}
	if groupBenchOnce.err != nil {
		b.Fatal(groupBenchOnce.err)
	}
	fx := groupBenchOnce.fx
	s := fx.s
	ctx := context.Background()
	for _, c := range []struct {
		name string
		a    Actor
	}{{"page-facilitator", fx.peer}, {"page-supervisor", fx.super}, {"page-admin", fx.admin}} {
		b.Run(c.name, func(b *testing.B) {
			var d GroupPageData
			for b.Loop() {
				var err error
				if d, err = s.groupPage(ctx, c.a, fx.group); err != nil {
					b.Fatal(err)
				}
			}
			if len(d.Members) != benchGroupMembers || len(d.Sessions) != 20 || d.Sessions[0].Attended() == 0 {
				b.Fatalf("the page: %d members, %d sessions", len(d.Members), len(d.Sessions))
			}
		})
	}
	b.Run("page-with-audit", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.GroupPage(ctx, fx.peer, fx.group); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("list-peer", func(b *testing.B) {
		for b.Loop() {
			l, err := s.ListGroups(ctx, fx.peer, GroupFilter{}, Page{})
			if err != nil || len(l.Items) != DefaultLimit {
				b.Fatal(len(l.Items), err)
			}
		}
	})
	b.Run("list-admin", func(b *testing.B) {
		for b.Loop() {
			l, err := s.ListGroups(ctx, fx.admin, GroupFilter{}, Page{})
			if err != nil || len(l.Items) != DefaultLimit {
				b.Fatal(len(l.Items), err)
			}
		}
	})
	b.Run("attendance-sheet", func(b *testing.B) {
		for b.Loop() {
			sh, err := s.attendanceSheet(ctx, s.rdb, fx.peer, fx.group, fx.session)
			if err != nil || len(sh.entries) != benchGroupMembers {
				b.Fatal(len(sh.entries), err)
			}
		}
	})
	b.Run("person-groups", func(b *testing.B) {
		for b.Loop() {
			gs, err := s.personGroups(ctx, fx.peer, fx.person)
			if err != nil || len(gs) != 1 || gs[0].Marked != benchGroupSessions {
				b.Fatal(gs, err)
			}
		}
	})
	b.Run("facilitation-one", func(b *testing.B) {
		for b.Loop() {
			f, err := s.facilitationOf(ctx, fx.peer.OrgID, fx.peer.UserID)
			if err != nil || f.Sessions == 0 {
				b.Fatal(f, err)
			}
		}
	})
	b.Run("facilitation-team-of-50", func(b *testing.B) {
		for b.Loop() {
			m, err := s.facilitationFor(ctx, fx.peer.OrgID, fx.team)
			if err != nil || len(m) != benchPeers {
				b.Fatal(len(m), err)
			}
		}
	})
	// Recording a session of 40 members: the session, its marks, 40
	// contacts and 40 check-ins, and the audit entry, in one transaction.
	b.Run("record-40", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			marks := map[int64]string{}
			for k, pid := range fx.members {
				marks[pid] = []string{"present", "late", "excused", "absent", "present"}[k%5]
			}
			day := s.now().In(Zone).AddDate(0, 0, -3-(i/600)).Format(dateLayout)
			start := fmt.Sprintf("%02d:%02d", 8+(i%600)/60, i%60)
			if _, err := s.RecordGroupSession(ctx, fx.peer, fx.group, GroupSessionInput{HeldOn: day, StartTime: start, Attendance: marks, Guests: 1}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
