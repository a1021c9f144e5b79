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
var navLinks = []struct {
	label, href string
	perm        auth.Permission
}{
	{"Home", "/", auth.PermSignedIn},
	{"People", "/people", auth.PermPeople},
	{"Groups", "/groups", auth.PermPeople},
	{"Team", "/team", auth.PermTeam},
	{"My development", "/development", auth.PermSignedIn},
	{"Cohorts", "/cohorts", auth.PermCohorts},
	{"Learning", "/learning", auth.PermSignedIn},
	{"Administration", "/admin", auth.PermAdmin},
	{"Settings", "/settings", auth.PermSignedIn},
}

func (s *Server) nav(r *http.Request, p *store.Principal) []navItem {
	if p == nil {
		return nil
	}
	var out []navItem
	for _, l := range navLinks {
		if !auth.Allows(p.User.Roles, l.perm) {
			continue
		}
		cur := r.URL.Path == l.href || (l.href != "/" && strings.HasPrefix(r.URL.Path, l.href+"/"))
		out = append(out, navItem{Label: l.label, Href: l.href, Current: cur})
	}
	return out
}
