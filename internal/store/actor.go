package store

import (
	"slices"
	"strconv"

	"peerpath/internal/auth"
)

// Actor is who is acting: the signed-in user, their organisation and roles,
// and the address they came from. Every operation on records about people
// takes one, scopes its queries by it and writes it into the audit log.
type Actor struct {
	UserID int64
	OrgID  int64
	Roles  []auth.Role
	IP     string
}

// Has reports whether the actor holds role r.
func (a Actor) Has(r auth.Role) bool { return slices.Contains(a.Roles, r) }

// System is the actor for the command line and start-up tasks: no user, no
// organisation, no address. Its audit entries say so.
func System() Actor { return Actor{IP: "local"} }

func idString(id int64) string { return strconv.FormatInt(id, 10) }
