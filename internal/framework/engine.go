package framework

import (
	"fmt"
	"sort"

	"peerpath/internal/core"
)

// Requirement is an item in effect at a stage for a track. FromStage is the
// stage where the item first appears (its own stage); Carried is true when
// that is earlier than the stage asked about.
type Requirement struct {
	Item
	FromStage Stage `json:"from_stage"`
	Carried   bool  `json:"carried"`
}

// trackApplies reports whether an item of track item applies to a worker on
// track worker. A worker on both tracks works in both fields, so every item
// applies (see the package documentation for why).
func trackApplies(item, worker Track) bool {
	if worker == TrackBoth {
		return item.Valid()
	}
	return item == TrackBoth || item == worker
}

// EffectiveRequirements returns every item in effect at stage for a worker on
// track, of all five kinds: the stage's own items, plus the carried-forward
// items of earlier stages, minus any item superseded by another item in
// effect. The order is stable: by the stage an item comes from, then by kind
// (mastery, role, competency, prerequisite, training), then chart order. An
// unknown stage or track gives nil.
func EffectiveRequirements(c *Chart, stage Stage, track Track) []Requirement {
	if c == nil || !track.Valid() {
		return nil
	}
	si := c.StageIndex(stage)
	if si < 0 {
		return nil
	}
	type cand struct {
		idx   int
		stage int
	}
	var cands []cand
	for i, it := range c.items {
		is := c.StageIndex(it.Stage)
		if !trackApplies(it.Track, track) {
			continue
		}
		if is == si || (is < si && it.CarriesForward) {
			cands = append(cands, cand{i, is})
		}
	}
	// Supersession only counts when the replacing item is itself in effect
	// here; otherwise the older item still stands.
	superseded := map[string]bool{}
	for _, x := range cands {
		if s := c.items[x.idx].Supersedes; s != "" {
			superseded[s] = true
		}
	}
	out := make([]Requirement, 0, len(cands))
	kept := make([]cand, 0, len(cands))
	for _, x := range cands {
		if !superseded[c.items[x.idx].Key] {
			kept = append(kept, x)
		}
	}
	sort.SliceStable(kept, func(a, b int) bool {
		ka, kb := kept[a], kept[b]
		if ka.stage != kb.stage {
			return ka.stage < kb.stage
		}
		oa, ob := c.items[ka.idx].Kind.order(), c.items[kb.idx].Kind.order()
		if oa != ob {
			return oa < ob
		}
		return ka.idx < kb.idx
	})
	for _, x := range kept {
		it := c.items[x.idx]
		out = append(out, Requirement{Item: it, FromStage: it.Stage, Carried: x.stage < si})
	}
	return out
}

// Diff returns what is in effect at stage to but not at stage from, for a
// worker on track: what someone moving from one stage to the other would
// newly need. from must come before to in the chart.
func Diff(c *Chart, from, to Stage, track Track) ([]Requirement, error) {
	if c == nil {
		return nil, core.Errorf(core.KindInvalid, "No chart was given.")
	}
	fields := map[string]string{}
	fi, ti := c.StageIndex(from), c.StageIndex(to)
	if fi < 0 {
		fields["from"] = fmt.Sprintf("unknown stage %q (this chart's stages: %s)", from, c.stageKeys())
	}
	if ti < 0 {
		fields["to"] = fmt.Sprintf("unknown stage %q (this chart's stages: %s)", to, c.stageKeys())
	}
	if !track.Valid() {
		fields["track"] = "must be one of both, mental-health, addiction"
	}
	if len(fields) == 0 && fi >= ti {
		fields["to"] = fmt.Sprintf("stage %q must come after stage %q", to, from)
	}
	if err := core.Invalid(fields); err != nil {
		return nil, err
	}
	before := map[string]bool{}
	for _, r := range EffectiveRequirements(c, from, track) {
		before[r.Key] = true
	}
	var out []Requirement
	for _, r := range EffectiveRequirements(c, to, track) {
		if !before[r.Key] {
			out = append(out, r)
		}
	}
	return out, nil
}
