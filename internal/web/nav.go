package web

import (
	"net/http"
	"strings"

	"peerpath/internal/auth"
	"peerpath/internal/store"
)

// navItem is one link of the main navigation.
type navItem struct {
	Label   string
	Href    string
	Current bool
}

// navLinks is the main navigation, in order, each with the permission that
// shows it; a user sees the links their roles reach.
//
// A link with a role is shown only to holders of that role (issue 16): each
// role sees what it works on, and an administrator's own tools (the team
// view, cohorts) sit behind the one Administration link unless they also
// supervise or train, which keeps their navigation short. "My development"
// is for the role the development framework charts (auth.InFramework).
// Each label is a catalogue key (nav.*.toml), read in the reader's language.
var navLinks = []struct {
	label, href string
	perm        auth.Permission
	role        auth.Role // "" for anyone the permission allows
}{
	{"nav.home", "/", auth.PermSignedIn, ""},
	{"nav.people", "/people", auth.PermPeople, ""},
	{"nav.groups", "/groups", auth.PermPeople, ""},
	{"nav.reports", "/reports", auth.PermPeople, ""},
	{"nav.team", "/team", auth.PermTeam, auth.RoleSupervisor},
	{"nav.development", "/development", auth.PermSignedIn, auth.RolePeer},
	{"nav.cohorts", "/cohorts", auth.PermCohorts, auth.RoleTrainer},
	{"nav.learning", "/learning", auth.PermSignedIn, ""},
	{"nav.admin", "/admin", auth.PermAdmin, ""},
	{"nav.settings", "/settings", auth.PermSignedIn, ""},
}

func (s *Server) nav(r *http.Request, p *store.Principal) []navItem {
	if p == nil {
		return nil
	}
	if p.User.IsPortal() {
		return portalNav(r)
	}
	var out []navItem
	lz := localizer(r)
	for _, l := range navLinks {
		if !auth.Allows(p.User.Roles, l.perm) || (l.role != "" && !p.User.Has(l.role)) {
			continue
		}
		cur := r.URL.Path == l.href || (l.href != "/" && strings.HasPrefix(r.URL.Path, l.href+"/"))
		out = append(out, navItem{Label: lz.T(l.label), Href: l.href, Current: cur})
	}
	return out
}
