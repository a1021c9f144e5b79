package framework

import (
	"reflect"
	"testing"

	"peerpath/internal/core"
)

var allTracks = []Track{TrackMentalHealth, TrackAddiction, TrackBoth}

// find returns the requirement with the given key, if present.
func find(reqs []Requirement, key string) (Requirement, bool) {
	for _, r := range reqs {
		if r.Key == key {
			return r, true
		}
	}
	return Requirement{}, false
}

func TestEffectiveRequirementsIncludes(t *testing.T) {
	c := MA2014()
	cases := []struct {
		name    string
		stage   Stage
		tracks  []Track
		key     string
		carried bool
		from    Stage
	}{
		{"volunteer competency carried into Stage V", Stage5, allTracks, "v.comp.reliable-responsible", true, StageVolunteer},
		{"volunteer prerequisite carried into Stage V", Stage5, allTracks, "v.prereq.cori", true, StageVolunteer},
		{"volunteer addiction training carried into Stage V", Stage5, []Track{TrackAddiction, TrackBoth}, "v.train.narcan", true, StageVolunteer},
		{"volunteer mental-health training carried into Stage IV", Stage4, []Track{TrackMentalHealth, TrackBoth}, "v.train.wrap", true, StageVolunteer},
		{"Stage I ethics carried into Stage III", Stage3, []Track{TrackMentalHealth, TrackBoth}, "s1.prereq.cps-ethics", true, Stage1},
		{"own stage competency", Stage3, allTracks, "s3.comp.supervise", false, Stage3},
		{"own stage item without asterisk", Stage3, allTracks, "s3.train.co-occurring", false, Stage3},
		{"own stage volunteer item without asterisk", StageVolunteer, allTracks, "v.comp.interpersonal-skills", false, StageVolunteer},
		{"own stage mastery", Stage2, allTracks, "s2.mastery.complex-meetings", false, Stage2},
		{"own stage role", Stage4, []Track{TrackAddiction, TrackBoth}, "s4.role.recovery-coach-trainer", false, Stage4},
		{"Stage V prerequisite without asterisk at its own stage", Stage5, []Track{TrackMentalHealth, TrackBoth}, "s5.prereq.cps", false, Stage5},
	}
	for _, tc := range cases {
		for _, tr := range tc.tracks {
			r, ok := find(EffectiveRequirements(c, tc.stage, tr), tc.key)
			if !ok {
				t.Errorf("%s: %s missing at stage %s on %s", tc.name, tc.key, tc.stage, tr)
				continue
			}
			if r.Carried != tc.carried || r.FromStage != tc.from {
				t.Errorf("%s: %s carried=%v from=%s, want %v from %s", tc.name, tc.key, r.Carried, r.FromStage, tc.carried, tc.from)
			}
		}
	}
}

func TestEffectiveRequirementsExcludes(t *testing.T) {
	c := MA2014()
	cases := []struct {
		name   string
		stage  Stage
		tracks []Track
		key    string
	}{
		{"volunteer item without asterisk", Stage1, allTracks, "v.comp.interpersonal-skills"},
		{"volunteer item without asterisk at Stage V", Stage5, allTracks, "v.comp.multiple-paths"},
		{"volunteer ethics exposure is not carried", Stage1, allTracks, "v.prereq.ethics-exposure"},
		{"Stage I entry training is not carried", Stage2, allTracks, "s1.prereq.entry-training"},
		{"Stage II leadership is not carried", Stage3, allTracks, "s2.comp.leadership"},
		{"Stage III other trainings not carried", Stage4, allTracks, "s3.train.other"},
		{"later stage items never appear early", Stage2, allTracks, "s3.comp.supervise"},
		{"mental-health item never on the addiction track", Stage3, []Track{TrackAddiction}, "s1.prereq.cps-ethics"},
		{"mental-health own-stage item never on the addiction track", Stage3, []Track{TrackAddiction}, "s3.prereq.cps"},
		{"addiction item never on the mental-health track", Stage3, []Track{TrackMentalHealth}, "s1.prereq.rsc-ethics"},
		{"addiction own-stage item never on the mental-health track", Stage2, []Track{TrackMentalHealth}, "s2.prereq.recovery-coach"},
		{"experience preferred gone at Stage II", Stage2, allTracks, "s1.prereq.peer-experience"},
		{"experience preferred gone at Stage V", Stage5, allTracks, "s1.prereq.peer-experience"},
		{"Recovery Coach restated at Stage III replaces Stage II", Stage3, []Track{TrackAddiction, TrackBoth}, "s2.prereq.recovery-coach"},
		{"CPS chain: Stage III version gone at Stage V", Stage5, []Track{TrackMentalHealth, TrackBoth}, "s3.prereq.cps"},
		{"CPS chain: Stage IV version gone at Stage V", Stage5, []Track{TrackMentalHealth, TrackBoth}, "s4.prereq.cps"},
		{"management preferred replaced by expected at Stage IV", Stage4, []Track{TrackMentalHealth, TrackBoth}, "s3.prereq.management-experience"},
		{"Stage IV other trainings replaced at Stage V", Stage5, allTracks, "s4.train.other"},
	}
	for _, tc := range cases {
		for _, tr := range tc.tracks {
			if _, ok := find(EffectiveRequirements(c, tc.stage, tr), tc.key); ok {
				t.Errorf("%s: %s present at stage %s on %s", tc.name, tc.key, tc.stage, tr)
			}
		}
	}
}

func TestEffectiveRequirementsTracks(t *testing.T) {
	c := MA2014()
	for _, st := range c.Stages() {
		mh := EffectiveRequirements(c, st.Key, TrackMentalHealth)
		add := EffectiveRequirements(c, st.Key, TrackAddiction)
		both := EffectiveRequirements(c, st.Key, TrackBoth)
		for _, r := range mh {
			if r.Track == TrackAddiction {
				t.Errorf("stage %s mental-health track includes addiction item %s", st.Key, r.Key)
			}
		}
		for _, r := range add {
			if r.Track == TrackMentalHealth {
				t.Errorf("stage %s addiction track includes mental-health item %s", st.Key, r.Key)
			}
		}
		// A worker in both fields gets the union of the two tracks.
		union := map[string]bool{}
		for _, r := range append(append([]Requirement{}, mh...), add...) {
			union[r.Key] = true
		}
		if len(both) != len(union) {
			t.Errorf("stage %s: both track has %d items, union of the tracks %d", st.Key, len(both), len(union))
		}
		for _, r := range both {
			if !union[r.Key] {
				t.Errorf("stage %s: both track has %s, which neither track has", st.Key, r.Key)
			}
		}
	}
}

func TestSupersedesExperience(t *testing.T) {
	c := MA2014()
	s1 := EffectiveRequirements(c, Stage1, TrackMentalHealth)
	if r, ok := find(s1, "s1.prereq.peer-experience"); !ok || r.Strength != StrengthPreferred {
		t.Fatalf("Stage I should list experience preferred: %+v", r)
	}
	for _, st := range []Stage{Stage2, Stage3, Stage4, Stage5} {
		reqs := EffectiveRequirements(c, st, TrackMentalHealth)
		r, ok := find(reqs, "s2.prereq.peer-experience")
		if !ok || r.Strength != StrengthExpected {
			t.Errorf("stage %s should list experience expected: %+v", st, r)
		}
		if _, ok := find(reqs, "s1.prereq.peer-experience"); ok {
			t.Errorf("stage %s still lists experience preferred", st)
		}
	}
	// The Recovery Coach item appears exactly once at every stage from II on.
	for _, st := range []Stage{Stage2, Stage3, Stage4, Stage5} {
		n := 0
		for _, r := range EffectiveRequirements(c, st, TrackAddiction) {
			if r.MetBy.Credential == "recovery-coach" {
				n++
				if r.FromStage != st {
					t.Errorf("stage %s: Recovery Coach item comes from %s, want the stage's own restatement", st, r.FromStage)
				}
			}
		}
		if n != 1 {
			t.Errorf("stage %s: Recovery Coach prerequisite appears %d times", st, n)
		}
	}
}

// Supersession applies only where the replacing item is itself in effect.
func TestSupersedesOnlyWhenInEffect(t *testing.T) {
	c, err := Parse([]byte(`{"id":"t","title":"T",
		"stages":[{"key":"a","name":"A"},{"key":"b","name":"B"},{"key":"c","name":"C"}],
		"items":[
		  {"key":"old","kind":"prerequisite","stage":"a","track":"both","label":"Old","strength":"preferred","carries_forward":true},
		  {"key":"new-mh","kind":"prerequisite","stage":"b","track":"mental-health","label":"New","strength":"expected","supersedes":"old"}
		]}`))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		stage Stage
		track Track
		want  []string
	}{
		{"a", TrackMentalHealth, []string{"old"}},
		{"b", TrackMentalHealth, []string{"new-mh"}},
		{"b", TrackAddiction, []string{"old"}}, // the replacement is not for this track
		{"b", TrackBoth, []string{"new-mh"}},
		{"c", TrackMentalHealth, []string{"old"}}, // the replacement does not carry forward
	}
	for _, tc := range cases {
		var got []string
		for _, r := range EffectiveRequirements(c, tc.stage, tc.track) {
			got = append(got, r.Key)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("stage %s %s: %v, want %v", tc.stage, tc.track, got, tc.want)
		}
	}
}

func TestEffectiveRequirementsOrder(t *testing.T) {
	c := MA2014()
	pos := map[string]int{}
	for i, it := range c.Items() {
		pos[it.Key] = i
	}
	reqs := EffectiveRequirements(c, Stage4, TrackBoth)
	for i := 1; i < len(reqs); i++ {
		a, b := reqs[i-1], reqs[i]
		sa, sb := c.StageIndex(a.FromStage), c.StageIndex(b.FromStage)
		ka, kb := a.Kind.order(), b.Kind.order()
		ordered := sa < sb || (sa == sb && (ka < kb || (ka == kb && pos[a.Key] < pos[b.Key])))
		if !ordered {
			t.Fatalf("%s comes before %s", a.Key, b.Key)
		}
	}
	if first := reqs[0]; first.FromStage != StageVolunteer || first.Kind != KindCompetency {
		t.Errorf("first item at Stage IV = %s (%s, %s)", first.Key, first.FromStage, first.Kind)
	}
	if !reflect.DeepEqual(reqs, EffectiveRequirements(c, Stage4, TrackBoth)) {
		t.Error("order is not deterministic")
	}
}

func TestEffectiveRequirementsUnknown(t *testing.T) {
	c := MA2014()
	if r := EffectiveRequirements(c, "6", TrackBoth); r != nil {
		t.Errorf("unknown stage gave %d items", len(r))
	}
	if r := EffectiveRequirements(c, Stage1, "family"); r != nil {
		t.Errorf("unknown track gave %d items", len(r))
	}
	if r := EffectiveRequirements(nil, Stage1, TrackBoth); r != nil {
		t.Error("nil chart gave items")
	}
}

func TestDiff(t *testing.T) {
	c := MA2014()
	d, err := Diff(c, Stage1, Stage2, TrackMentalHealth)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"s2.prereq.peer-experience", "s2.comp.work-independently", "s2.train.cps", "s2.comp.leadership"} {
		if _, ok := find(d, key); !ok {
			t.Errorf("Diff I→II lacks %s", key)
		}
	}
	for _, key := range []string{"s1.comp.empathic-listening", "v.prereq.cori", "s1.prereq.peer-experience", "s2.prereq.recovery-coach"} {
		if _, ok := find(d, key); ok {
			t.Errorf("Diff I→II includes %s", key)
		}
	}
	// Diff across several stages includes what the stages between added and
	// carried.
	d, err = Diff(c, StageVolunteer, Stage3, TrackAddiction)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := find(d, "s1.prereq.rsc-ethics"); !ok || !r.Carried {
		t.Errorf("Diff volunteer→III lacks carried s1.prereq.rsc-ethics: %+v", r)
	}
	if _, ok := find(d, "s1.prereq.entry-training"); ok {
		t.Error("Diff volunteer→III includes Stage I's non-carried entry training")
	}

	bad := []struct {
		from, to Stage
		track    Track
		field    string
	}{
		{Stage2, Stage1, TrackBoth, "to"},
		{Stage2, Stage2, TrackBoth, "to"},
		{"x", Stage2, TrackBoth, "from"},
		{Stage1, "9", TrackBoth, "to"},
		{Stage1, Stage2, "family", "track"},
	}
	for _, tc := range bad {
		_, err := Diff(c, tc.from, tc.to, tc.track)
		ce, ok := core.As(err)
		if !ok || ce.Kind != core.KindInvalid || ce.Fields[tc.field] == "" {
			t.Errorf("Diff(%s, %s, %s) = %v, want invalid error on %s", tc.from, tc.to, tc.track, err, tc.field)
		}
	}
}
