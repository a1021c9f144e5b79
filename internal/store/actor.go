package store

import "strconv"

// System is the actor for the command line and start-up tasks: no user, no
// organisation, no address. Its audit entries say so.
func System() Actor { return Actor{IP: "local"} }

func idString(id int64) string { return strconv.FormatInt(id, 10) }
