package web

import (
	"peerpath/internal/framework"
	"peerpath/internal/i18n"
)

// stageNeeds says in plain words what is left before a stage (issue 16):
// "6 things left before Stage II, 2 of them need your supervisor". A
// competency is met by a supervisor's sign-off, so those are the ones that
// need the supervisor; own says whether the reader is the worker. The words
// are the catalogue's (labels.stage_needs.*), in l's language (nil is
// English).
func stageNeeds(l *i18n.Localizer, target string, missing []framework.RequirementStatus, own bool) string {
	if l == nil {
		l = i18n.In("en")
	}
	if len(missing) == 0 {
		return l.T("labels.stage_needs.ready", "Target", target)
	}
	sup := 0
	for _, m := range missing {
		if m.Kind == framework.KindCompetency {
			sup++
		}
	}
	left := l.T("labels.stage_needs.left", "Things", l.N("n.labels.stage_needs.things", len(missing)), "Target", target)
	whose := "yours"
	if !own {
		whose = "theirs"
	}
	need := ""
	switch {
	case sup == 0:
	case len(missing) == 1:
		need = l.T("labels.stage_needs.it_needs_" + whose)
	case sup == len(missing):
		need = l.T("labels.stage_needs.all_need_" + whose)
	default:
		need = l.N("n.labels.stage_needs.some_need_"+whose, sup)
	}
	return l.T("labels.stage_needs.sentence", "Left", left, "Need", need)
}
