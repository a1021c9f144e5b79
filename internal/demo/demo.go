// Package demo loads a fictional organisation so a newcomer sees peerpath
// working at once: a worker for every role, and (as features land) people
// supported, contacts, plans, cohorts and learning material. Everything in it
// is made up and the organisation is marked as a demo everywhere it shows.
// Loading is idempotent: each part checks whether it is already there.
package demo

import (
	"context"
	"fmt"

	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/store"
)

// OrgName is the demo organisation's name.
const OrgName = "Riverbend Recovery Learning Community (demo)"

// Password is every demo login's password. It is printed at start-up, so the
// demo must never hold real records.
const Password = "riverbend-demo-2026"

// Login is one demo user, as printed at start-up.
type Login struct {
	Role  string
	Name  string
	Email string
}

// Demo is what was loaded.
type Demo struct {
	Org    store.Organisation
	Logins []Login
	Users  map[string]store.User // by key: admin, supervisor, peer, peer2, trainer, departed
}

type person struct {
	key, name, email string
	roles            []auth.Role
	supervisor       string
	departed         bool // moved on: deactivated once their people are loaded, and no login printed
}

var workers = []person{
	{"admin", "Dana Whitfield", "dana.admin@riverbend.demo", []auth.Role{auth.RoleAdmin}, "", false},
	{"supervisor", "Samuel Ortiz", "sam.supervisor@riverbend.demo", []auth.Role{auth.RoleSupervisor}, "", false},
	{"peer", "Pat Lee", "pat.peer@riverbend.demo", []auth.Role{auth.RolePeer}, "supervisor", false},
	{"peer2", "Jordan Okafor", "jordan.peer@riverbend.demo", []auth.Role{auth.RolePeer}, "supervisor", false},
	{"trainer", "Teresa Nguyen", "tess.trainer@riverbend.demo", []auth.Role{auth.RoleTrainer}, "", false},
	// Chris moved on last month; Chris's supervisor or the administrator
	// still has to hand over the people Chris supported (their home pages,
	// the team view and the users page say so).
	{"departed", "Chris Dalton", "chris.dalton@riverbend.demo", []auth.Role{auth.RolePeer}, "supervisor", true},
}

// Load creates (or finds) the demo organisation and its contents.
func Load(ctx context.Context, s *store.Store) (Demo, error) {
	org, _, err := s.EnsureOrganisation(ctx, store.System(), OrgName, true)
	if err != nil {
		return Demo{}, fmt.Errorf("demo organisation: %w", err)
	}
	d := Demo{Org: org, Users: map[string]store.User{}}
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return Demo{}, err
	}
	for _, w := range workers {
		u, err := s.UserByEmail(ctx, w.email)
		if core.KindOf(err) == core.KindNotFound {
			in := store.NewUser{OrgID: org.ID, Email: w.email, Name: w.name, Roles: w.roles, PasswordHash: hash}
			if w.supervisor != "" {
				in.SupervisorID = d.Users[w.supervisor].ID
			}
			u, err = s.CreateUser(ctx, store.System(), in)
		}
		if err != nil {
			return Demo{}, fmt.Errorf("demo user %s: %w", w.email, err)
		}
		if u.OrgID != org.ID {
			return Demo{}, fmt.Errorf("demo user %s belongs to another organisation", w.email)
		}
		d.Users[w.key] = u
		if w.departed {
			continue
		}
		role := auth.RoleLabel(w.roles[0])
		d.Logins = append(d.Logins, Login{Role: role, Name: w.name, Email: w.email})
	}
	for _, part := range parts {
		if err := part(ctx, s, &d); err != nil {
			return Demo{}, err
		}
	}
	return d, nil
}

// parts load each capability's demo data, in order, after the workers. Each
// checks whether its data is already there, so loading twice changes nothing.
var parts = []func(ctx context.Context, s *store.Store, d *Demo) error{
	loadPeople,      // people supported, contacts, goals, referrals, resources (issue 6)
	loadLearning,    // learning.go
	loadCohorts,     // issue 8: a CPS course in progress, a past ICAN cohort
	loadDevelopment, // workforce development records (issue 5)
	loadGroups,      // groups.go: groups, members and sessions (issue 7)
	loadPlans,       // issue 7: safety plans, a wellness plan, crisis preferences (plans.go)
	loadRecovery,    // issue 13: recovery pictures (recovery.go)
	loadFollowUps,   // issue 17: a programme on SUPRT's follow-up schedule (follow_ups.go)
	loadReports,     // issue 17: a year of activity for the reports (reports.go)
	loadDeparture,   // a worker who moved on, whose people wait to be handed over
	// Issue 12: credentials from their issuer, renewal rules the organisation sets.
	loadCredentialSettings, // credentials.go
	loadTokens,             // tokens.go: the supervisor's API tokens, one revoked (issue 15)
	// The career framework's organisation rules (issue 12): framework_rules.go.
	loadFrameworkRules,
	// Issue 15, security 5: a possible duplicate waiting for the administrator.
	loadDuplicates, // duplicates.go
	// Issue 20: a revoked and reissued certificate, so the status list has a bit set.
	loadBadges, // badges.go
	// Issue 18: a Part 2 consent (two versions) and a disclosure under it.
	loadPart2, // part2.go
	// Issue 19, moving in: the spreadsheet of places Dana imported (imports.go).
	loadImports,
	// Issue 18: Maria uses her own portal, in Spanish (portal.go).
	loadPortal,
}

// loadDeparture deactivates the workers who moved on, once.
func loadDeparture(ctx context.Context, s *store.Store, d *Demo) error {
	for _, w := range workers {
		if u := d.Users[w.key]; w.departed && u.Active {
			if err := s.SetUserActive(ctx, d.Users["admin"].Actor("demo"), u.ID, false); err != nil {
				return fmt.Errorf("demo departure of %s: %w", w.name, err)
			}
		}
	}
	return nil
}
