package web

import (
	"fmt"

	"peerpath/internal/framework"
)

// stageNeeds says in plain words what is left before a stage (issue 16):
// "6 things left before Stage II, 2 of them need your supervisor". A
// competency is met by a supervisor's sign-off, so those are the ones that
// need the supervisor; own says whether the reader is the worker.
func stageNeeds(target string, missing []framework.RequirementStatus, own bool) string {
	if len(missing) == 0 {
		return "Ready for " + target + "."
	}
	sup := 0
	for _, m := range missing {
		if m.Kind == framework.KindCompetency {
			sup++
		}
	}
	things := "things"
	if len(missing) == 1 {
		things = "thing"
	}
	s := fmt.Sprintf("%d %s left before %s", len(missing), things, target)
	who := "your supervisor"
	if !own {
		who = "their supervisor"
	}
	switch {
	case sup == 0:
	case len(missing) == 1:
		s += ", and it needs " + who
	case sup == len(missing):
		s += ", all of them need " + who
	case sup == 1:
		s += ", 1 of them needs " + who
	default:
		s += fmt.Sprintf(", %d of them need %s", sup, who)
	}
	return s + "."
}
