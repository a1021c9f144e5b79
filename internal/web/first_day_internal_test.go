package web

import (
	"testing"

	"peerpath/internal/framework"
)

// What a stage needs is said in plain words, counting what needs the
// supervisor's sign-off (issue 16).
func TestStageNeeds(t *testing.T) {
	req := func(k framework.Kind) framework.RequirementStatus {
		var r framework.RequirementStatus
		r.Kind = k
		return r
	}
	comp, train, pre := req(framework.KindCompetency), req(framework.KindTraining), req(framework.KindPrerequisite)
	for _, tc := range []struct {
		missing []framework.RequirementStatus
		own     bool
		want    string
	}{
		{nil, true, "Ready for Stage II."},
		{[]framework.RequirementStatus{train}, true, "1 thing left before Stage II."},
		{[]framework.RequirementStatus{comp}, true, "1 thing left before Stage II, and it needs your supervisor."},
		{[]framework.RequirementStatus{comp, comp}, false, "2 things left before Stage II, all of them need their supervisor."},
		{[]framework.RequirementStatus{comp, train, pre}, true, "3 things left before Stage II, 1 of them needs your supervisor."},
		{[]framework.RequirementStatus{comp, comp, train, pre, train, pre}, true, "6 things left before Stage II, 2 of them need your supervisor."},
	} {
		if got := stageNeeds(nil, "Stage II", tc.missing, tc.own); got != tc.want {
			t.Errorf("stageNeeds(%d missing, own %v) = %q, want %q", len(tc.missing), tc.own, got, tc.want)
		}
	}
}
