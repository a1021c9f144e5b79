package framework

import (
	"testing"
)

// evidenceFor returns evidence for every blocking requirement of the given
// stages on track, except the keys in skip.
func evidenceFor(c *Chart, track Track, stages []Stage, skip ...string) Evidence {
	ev := Evidence{}
	omit := map[string]bool{}
	for _, k := range skip {
		omit[k] = true
	}
	for _, st := range stages {
		for _, r := range EffectiveRequirements(c, st, track) {
			if blocking(r.Item) && !omit[r.Key] {
				ev[r.Key] = []EvidenceRef{{Kind: EvidenceSignoff, Label: "signed off", On: "2024-05-01", ID: "e-" + r.Key}}
			}
		}
	}
	return ev
}

func stageOf(p Profile, st Stage) StageReadiness {
	for _, s := range p.Stages {
		if s.Stage == st {
			return s
		}
	}
	return StageReadiness{}
}

func statusOf(s StageReadiness, key string) (RequirementStatus, bool) {
	for _, r := range s.Requirements {
		if r.Key == key {
			return r, true
		}
	}
	return RequirementStatus{}, false
}

var upTo2 = []Stage{StageVolunteer, Stage1, Stage2}

func TestReadinessCoversEveryStage(t *testing.T) {
	c := MA2014()
	for _, tr := range allTracks {
		p := Readiness(c, tr, nil, nil)
		if p.Track != tr || len(p.Stages) != 6 {
			t.Fatalf("%s: %d stages", tr, len(p.Stages))
		}
		for i, st := range c.Stages() {
			s := p.Stages[i]
			if s.Stage != st.Key || s.Name != st.Name {
				t.Errorf("stage %d = %s %q, want %s %q", i, s.Stage, s.Name, st.Key, st.Name)
			}
			if s.Ready || s.Missing == 0 {
				t.Errorf("%s stage %s ready with no evidence (missing %d)", tr, s.Stage, s.Missing)
			}
			if len(s.Context) == 0 {
				t.Errorf("%s stage %s has no context", tr, s.Stage)
			}
			for _, it := range s.Context {
				if !it.Kind.Descriptive() {
					t.Errorf("context holds %s (%s)", it.Key, it.Kind)
				}
			}
			for _, r := range s.Requirements {
				if r.Kind.Descriptive() {
					t.Errorf("requirements hold %s (%s)", r.Key, r.Kind)
				}
			}
		}
	}
	if p := Readiness(c, "family", nil, nil); len(p.Stages) != 0 {
		t.Error("an unknown track must not produce a profile")
	}
}

func TestReadinessStrength(t *testing.T) {
	c := MA2014()
	cases := []struct {
		name      string
		stage     Stage
		track     Track
		skip      []string // blocking items left without evidence
		extra     Evidence
		waivers   []Waiver
		key       string // the item to inspect
		status    Status
		blocking  bool
		ready     bool
		missing   int
		hasWaiver bool
	}{
		{name: "preferred unmet does not block", stage: Stage1, track: TrackMentalHealth,
			key: "s1.prereq.peer-experience", status: StatusNotMet, blocking: false, ready: true},
		{name: "preferred met is an advantage", stage: Stage1, track: TrackMentalHealth,
			extra: Evidence{"s1.prereq.peer-experience": {{Kind: EvidenceExperience, Label: "6 months"}}},
			key:   "s1.prereq.peer-experience", status: StatusAdvantage, blocking: false, ready: true},
		{name: "expected unmet blocks", stage: Stage2, track: TrackMentalHealth, skip: []string{"s2.prereq.peer-experience"},
			key: "s2.prereq.peer-experience", status: StatusNotMet, blocking: true, ready: false, missing: 1},
		{name: "evidence for the superseded item does not count", stage: Stage2, track: TrackMentalHealth, skip: []string{"s2.prereq.peer-experience"},
			extra: Evidence{"s1.prereq.peer-experience": {{Kind: EvidenceExperience, Label: "2 months"}}},
			key:   "s2.prereq.peer-experience", status: StatusNotMet, blocking: true, ready: false, missing: 1},
		{name: "required unmet blocks", stage: Stage3, track: TrackMentalHealth, skip: []string{"s3.prereq.professional-experience"},
			key: "s3.prereq.professional-experience", status: StatusNotMet, blocking: true, ready: false, missing: 1},
		{name: "required waived is ready", stage: Stage3, track: TrackMentalHealth, skip: []string{"s3.prereq.professional-experience"},
			waivers: []Waiver{{ItemKey: "s3.prereq.professional-experience", ByName: "Ana Reyes", ByID: "u-7", On: "2024-03-01", Reason: "grandfathered: 12 years as a peer specialist"}},
			key:     "s3.prereq.professional-experience", status: StatusWaived, blocking: true, ready: true, hasWaiver: true},
		{name: "competency unmet blocks", stage: Stage4, track: TrackAddiction, skip: []string{"s4.comp.hire-evaluate"},
			key: "s4.comp.hire-evaluate", status: StatusNotMet, blocking: true, ready: false, missing: 1},
		{name: "carried competency unmet blocks a later stage", stage: Stage5, track: TrackBoth, skip: []string{"v.comp.reliable-responsible"},
			key: "v.comp.reliable-responsible", status: StatusNotMet, blocking: true, ready: false, missing: 1},
		{name: "training unmet never blocks", stage: Stage2, track: TrackMentalHealth,
			key: "s2.train.cps", status: StatusNotMet, blocking: false, ready: true},
		{name: "waiver on a non-blocking item shows", stage: Stage2, track: TrackMentalHealth,
			waivers: []Waiver{{ItemKey: "s2.train.cps", ByName: "Ana Reyes", On: "2024-03-01", Reason: "course full"}},
			key:     "s2.train.cps", status: StatusWaived, blocking: false, ready: true, hasWaiver: true},
		{name: "evidence beats a waiver but keeps it visible", stage: Stage3, track: TrackMentalHealth,
			waivers: []Waiver{{ItemKey: "s3.prereq.professional-experience", ByName: "Sam Li", On: "2023-01-01", Reason: "grandfathered"}},
			key:     "s3.prereq.professional-experience", status: StatusMet, blocking: true, ready: true, hasWaiver: true},
		{name: "required-or-preferred reads as preferred until the organisation chooses", stage: Stage3, track: TrackMentalHealth, skip: []string{"s3.prereq.cps"},
			key: "s3.prereq.cps", status: StatusNotMet, blocking: false, ready: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev := MergeEvidence(evidenceFor(c, tc.track, []Stage{tc.stage}, tc.skip...), tc.extra)
			s := stageOf(Readiness(c, tc.track, ev, tc.waivers), tc.stage)
			r, ok := statusOf(s, tc.key)
			if !ok {
				t.Fatalf("%s not among the requirements of stage %s", tc.key, tc.stage)
			}
			if r.Status != tc.status || r.Blocking != tc.blocking {
				t.Errorf("%s: status %s blocking %v, want %s %v", tc.key, r.Status, r.Blocking, tc.status, tc.blocking)
			}
			if s.Ready != tc.ready || s.Missing != tc.missing {
				t.Errorf("stage %s: ready %v missing %d, want %v %d", tc.stage, s.Ready, s.Missing, tc.ready, tc.missing)
			}
			if (r.Waiver != nil) != tc.hasWaiver {
				t.Errorf("waiver = %+v, want present=%v", r.Waiver, tc.hasWaiver)
			}
			if r.Waiver != nil && (r.Waiver.ByName != tc.waivers[0].ByName || r.Waiver.On != tc.waivers[0].On || r.Waiver.Reason != tc.waivers[0].Reason) {
				t.Errorf("waiver lost who/when/why: %+v", r.Waiver)
			}
		})
	}
}

func TestLatestWaiverWins(t *testing.T) {
	c := MA2014()
	ws := []Waiver{
		{ItemKey: "s3.prereq.cps", ByName: "New", On: "2024-06-01", Reason: "renewed"},
		{ItemKey: "s3.prereq.cps", ByName: "Old", On: "2022-01-01", Reason: "first"},
	}
	r, _ := statusOf(stageOf(Readiness(c, TrackMentalHealth, nil, ws), Stage3), "s3.prereq.cps")
	if r.Waiver == nil || r.Waiver.ByName != "New" {
		t.Errorf("waiver = %+v, want the 2024 one", r.Waiver)
	}
}

// Development is not linear: someone whose evidence covers Stage V is ready
// there even while an earlier stage's own items are missing.
func TestReadinessNonLinear(t *testing.T) {
	c := MA2014()
	ev := evidenceFor(c, TrackMentalHealth, []Stage{Stage5})
	p := Readiness(c, TrackMentalHealth, ev, nil)
	if !stageOf(p, Stage5).Ready {
		t.Fatalf("Stage V not ready: missing %d", stageOf(p, Stage5).Missing)
	}
	vol := stageOf(p, StageVolunteer)
	if vol.Ready {
		t.Fatal("volunteer stage should miss its own non-carried items")
	}
	st, missing := NextSteps(p)
	if st != StageVolunteer {
		t.Fatalf("NextSteps stage = %s, want volunteer", st)
	}
	keys := map[string]bool{}
	for _, m := range missing {
		keys[m.Key] = true
		if !m.Blocking || m.Status != StatusNotMet {
			t.Errorf("NextSteps lists %s (%s, blocking %v)", m.Key, m.Status, m.Blocking)
		}
	}
	if !keys["v.comp.interpersonal-skills"] || !keys["v.prereq.ethics-exposure"] || len(missing) != vol.Missing {
		t.Errorf("NextSteps missing = %v (stage says %d)", keys, vol.Missing)
	}
}

func TestNextSteps(t *testing.T) {
	c := MA2014()
	ev := evidenceFor(c, TrackMentalHealth, upTo2, "s2.prereq.peer-experience")
	st, missing := NextSteps(Readiness(c, TrackMentalHealth, ev, nil))
	if st != Stage2 || len(missing) != 1 || missing[0].Key != "s2.prereq.peer-experience" {
		t.Fatalf("NextSteps = %s %+v", st, missing)
	}
	all := evidenceFor(c, TrackBoth, []Stage{StageVolunteer, Stage1, Stage2, Stage3, Stage4, Stage5})
	if st, missing := NextSteps(Readiness(c, TrackBoth, all, nil)); st != "" || missing != nil {
		t.Errorf("everything met, NextSteps = %s %v", st, missing)
	}
}

func TestAutoEvidence(t *testing.T) {
	c := MA2014()
	ev := AutoEvidence(c, Facts{ExperienceMonths: 8, PreviousRoles: 1, PreviousMonths: 8, Credentials: []string{"CPS", "Recovery Coach"},
		EthicsSigned: map[string]string{"cps": "2024-02-10", "rsc": "2024-02-11"}})
	for _, key := range []string{
		"s1.prereq.peer-experience", "s2.prereq.peer-experience",
		"s3.prereq.cps", "s4.prereq.cps", "s5.prereq.cps",
		"s2.prereq.recovery-coach", "s3.prereq.recovery-coach", "s4.prereq.recovery-coach", "s5.prereq.recovery-coach",
		"v.prereq.ethics-exposure", "s1.prereq.cps-ethics", "s1.prereq.rsc-ethics",
	} {
		if len(ev[key]) != 1 {
			t.Errorf("%s: %d refs", key, len(ev[key]))
		}
	}
	if len(ev) != 12 {
		t.Errorf("auto evidence for %d items, want 12", len(ev))
	}
	if ref := ev["s1.prereq.cps-ethics"][0]; ref.Kind != EvidenceAttestation || ref.On != "2024-02-10" {
		t.Errorf("ethics ref = %+v", ref)
	}
	if ref := ev["s3.prereq.cps"][0]; ref.Kind != EvidenceCredential {
		t.Errorf("cps ref = %+v", ref)
	}

	none := AutoEvidence(c, Facts{Credentials: []string{"forensic"}})
	if len(none) != 0 {
		t.Errorf("no qualifying facts gave %v", none)
	}

	// met_by lets one fact meet both the preferred and the expected item,
	// which evidence keyed to the older item alone cannot.
	p := Readiness(c, TrackBoth, AutoEvidence(c, Facts{ExperienceMonths: 3, PreviousRoles: 1, PreviousMonths: 3}), nil)
	if r, _ := statusOf(stageOf(p, Stage1), "s1.prereq.peer-experience"); r.Status != StatusAdvantage {
		t.Errorf("Stage I experience = %s", r.Status)
	}
	if r, _ := statusOf(stageOf(p, Stage2), "s2.prereq.peer-experience"); r.Status != StatusMet {
		t.Errorf("Stage II experience = %s", r.Status)
	}
}

// A chart may say that facilitating group sessions meets an item; the
// Massachusetts chart does not (see docs/framework-chart.md).
func TestAutoEvidenceFromGroupsFacilitated(t *testing.T) {
	c, err := Parse(tiny(`{"key":"a.groups","kind":"prerequisite","stage":"a","track":"both","label":"Has facilitated peer support groups","strength":"required","met_by":{"group_sessions_facilitated":10}}`))
	if err != nil {
		t.Fatal(err)
	}
	if it, _ := c.Item("a.groups"); it.MetBy.String() != "has facilitated at least 10 group session(s)" {
		t.Errorf("rule in words: %q", it.MetBy.String())
	}
	if ev := AutoEvidence(c, Facts{GroupSessions: 9}); len(ev) != 0 {
		t.Errorf("nine sessions gave %v", ev)
	}
	ev := AutoEvidence(c, Facts{GroupSessions: 12, GroupSessionsLast: "2026-11-19"})
	if refs := ev["a.groups"]; len(refs) != 1 || refs[0].Kind != EvidenceExperience || refs[0].On != "2026-11-19" || refs[0].ID != "auto:groups" {
		t.Errorf("twelve sessions gave %+v", refs)
	}
	if r, _ := statusOf(stageOf(Readiness(c, TrackBoth, ev, nil), "a"), "a.groups"); r.Status != StatusMet {
		t.Errorf("status %s", r.Status)
	}
	if ev := AutoEvidence(MA2014(), Facts{GroupSessions: 500}); len(ev) != 0 {
		t.Errorf("the Massachusetts chart counts facilitation for %v", ev)
	}
}

func TestMergeEvidence(t *testing.T) {
	a := Evidence{"k": {{Label: "a"}}}
	b := Evidence{"k": {{Label: "b"}}, "j": {{Label: "c"}}}
	m := MergeEvidence(a, b)
	if len(m["k"]) != 2 || len(m["j"]) != 1 || len(a["k"]) != 1 {
		t.Errorf("merge = %v, a = %v", m, a)
	}
}
