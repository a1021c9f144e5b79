// Package auth holds the pure parts of signing in and being allowed to act:
// roles and the permissions they grant, password hashing, second-factor codes,
// random tokens and the keys derived from the installation's secret. It knows
// nothing about HTTP or the database; the web layer and the store use it.
package auth

import (
	"fmt"
	"slices"
	"strings"
)

// Role is a job a user does in their organisation. A user may hold several.
type Role string

// The roles. Their values are what administrators type and the API returns.
const (
	RolePeer       Role = "peer"       // peer worker
	RoleSupervisor Role = "supervisor" // supervises peer workers
	RoleTrainer    Role = "trainer"    // runs course cohorts
	RoleAdmin      Role = "admin"      // organisation administrator
)

// AllRoles lists the roles in the order the interface shows them.
var AllRoles = []Role{RolePeer, RoleSupervisor, RoleTrainer, RoleAdmin}

// RoleLabel is the plain-words name of a role.
func RoleLabel(r Role) string {
	switch r {
	case RolePeer:
		return "Peer worker"
	case RoleSupervisor:
		return "Supervisor"
	case RoleTrainer:
		return "Trainer"
	case RoleAdmin:
		return "Administrator"
	}
	return string(r)
}

// ParseRoles reads a comma-separated list such as "peer,supervisor". It refuses
// unknown roles and an empty list, naming the allowed values.
func ParseRoles(s string) ([]Role, error) {
	var out []Role
	for _, part := range strings.Split(s, ",") {
		part = strings.ToLower(strings.TrimSpace(part))
		if part == "" {
			continue
		}
		r := Role(part)
		if !slices.Contains(AllRoles, r) {
			return nil, fmt.Errorf("unknown role %q: use one or more of %s", part, roleNames())
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no role given: use one or more of %s", roleNames())
	}
	return SortRoles(out), nil
}

// SortRoles puts roles in the canonical order.
func SortRoles(rs []Role) []Role {
	out := slices.Clone(rs)
	slices.SortFunc(out, func(a, b Role) int { return slices.Index(AllRoles, a) - slices.Index(AllRoles, b) })
	return slices.Compact(out)
}

func roleNames() string {
	names := make([]string, len(AllRoles))
	for i, r := range AllRoles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// Permission is what a route requires. Every route declares exactly one; a
// route without one is refused by the router's tests (deny by default).
//
// Permissions are coarse on purpose: they decide which pages a role reaches.
// Which records a user sees on those pages is decided by the store, which
// scopes every query about people to the organisation and to the user's
// relationship with the person.
type Permission string

// The permissions.
const (
	// PermPublic needs no sign-in (login, setup, health check, verification).
	PermPublic Permission = "public"
	// PermSignedIn is any signed-in user of any role.
	PermSignedIn Permission = "signed_in"
	// PermPeople works with people supported: peer workers, supervisors, admins.
	PermPeople Permission = "people"
	// PermTeam sees a team of peer workers: supervisors and admins.
	PermTeam Permission = "team"
	// PermCohorts runs course cohorts: trainers and admins.
	PermCohorts Permission = "cohorts"
	// PermAdmin administers the organisation.
	PermAdmin Permission = "admin"
	// PermPortal is the person supported's own portal: only a portal
	// account (a person, not a staff role) reaches it. No role grants it;
	// the router lets portal accounts in and keeps them off everything else.
	PermPortal Permission = "portal"
)

// AllPermissions lists every permission, for tests and documentation.
var AllPermissions = []Permission{PermPublic, PermSignedIn, PermPeople, PermTeam, PermCohorts, PermAdmin, PermPortal}

var grants = map[Permission][]Role{
	PermPeople:  {RolePeer, RoleSupervisor, RoleAdmin},
	PermTeam:    {RoleSupervisor, RoleAdmin},
	PermCohorts: {RoleTrainer, RoleAdmin},
	PermAdmin:   {RoleAdmin},
}

// Allows reports whether a signed-in user holding roles has permission p.
// PermPublic and PermSignedIn are always allowed for a signed-in user.
func Allows(roles []Role, p Permission) bool {
	switch p {
	case PermPublic, PermSignedIn:
		return true
	}
	for _, r := range grants[p] {
		if slices.Contains(roles, r) {
			return true
		}
	}
	return false
}

// Known reports whether p is a declared permission.
func Known(p Permission) bool { return slices.Contains(AllPermissions, p) }

// InFramework reports whether a user holding roles is charted by the
// development framework: the Massachusetts chart's stages, tracks and codes
// of ethics describe peer workers (a supervisor who is a peer worker holds
// both roles). Others are not shown a development record or asked to sign
// a code of their own (issue 16).
func InFramework(roles []Role) bool { return slices.Contains(roles, RolePeer) }

// RolesGranting lists the roles that hold p, for messages and documentation.
func RolesGranting(p Permission) []Role {
	switch p {
	case PermPublic, PermSignedIn:
		return AllRoles
	}
	return grants[p]
}
