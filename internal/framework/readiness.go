package framework

import (
	"fmt"
	"slices"
	"strings"
)

// Evidence is what a person has to show, keyed by item key. Evidence counts
// only for the item it is keyed to: a record against a superseded item does
// not meet the item that replaced it.
type Evidence map[string][]EvidenceRef

// The kinds of evidence.
const (
	EvidenceTraining     = "training"     // a training completion
	EvidenceSignoff      = "signoff"      // a supervisor's competency sign-off
	EvidencePrerequisite = "prerequisite" // a prerequisite record, e.g. "CORI cleared on date"
	EvidenceAttestation  = "attestation"  // a signed code of ethics
	EvidenceExperience   = "experience"   // derived from service records
	EvidenceCredential   = "credential"   // a certification held
)

// EvidenceRef points at one piece of evidence kept elsewhere. It never holds
// the contents of a sensitive record, only the fact, its date and an id.
type EvidenceRef struct {
	Kind  string `json:"kind"`
	Label string `json:"label"`
	On    string `json:"on,omitempty"` // YYYY-MM-DD
	ID    string `json:"id,omitempty"`
}

// Waiver records a supervisor setting an item aside for one person (for
// example under a grandfather clause): who, when and why.
type Waiver struct {
	ItemKey string `json:"item_key"`
	ByName  string `json:"by_name"`
	ByID    string `json:"by_id"`
	On      string `json:"on"` // YYYY-MM-DD
	Reason  string `json:"reason"`
}

// Status is how a person stands against one requirement.
type Status string

// The statuses.
const (
	StatusMet       Status = "met"
	StatusNotMet    Status = "not_met"
	StatusWaived    Status = "waived"
	StatusAdvantage Status = "advantage" // a met preferred prerequisite
)

// RequirementStatus is one requirement with the person's standing against
// it. Blocking says whether the requirement must be met or waived for the
// stage to be ready (competencies, and required or expected prerequisites);
// it does not depend on the status. Waiver is set whenever a waiver exists,
// even if the item is also met.
type RequirementStatus struct {
	Requirement
	Status   Status        `json:"status"`
	Blocking bool          `json:"blocking"`
	Evidence []EvidenceRef `json:"evidence,omitempty"`
	Waiver   *Waiver       `json:"waiver,omitempty"`
}

// StageReadiness is a person's standing at one stage. Requirements holds the
// competencies, prerequisites and trainings in effect; Context holds the
// stage's mastery and roles, which describe it and are never measured.
// Missing counts the blocking requirements not yet met or waived.
type StageReadiness struct {
	Stage        Stage               `json:"stage"`
	Name         string              `json:"name"`
	Ready        bool                `json:"ready"`
	Missing      int                 `json:"missing"`
	Requirements []RequirementStatus `json:"requirements"`
	Context      []Item              `json:"context"`
}

// Profile is a person's standing against every stage of a chart.
type Profile struct {
	Track  Track            `json:"track"`
	Stages []StageReadiness `json:"stages"`
}

// blocking reports whether an unmet item of this kind and strength keeps a
// stage from being ready.
func blocking(it Item) bool {
	switch it.Kind {
	case KindCompetency:
		return true
	case KindPrerequisite:
		return it.Strength.Blocks()
	}
	return false
}

// Readiness measures a person's evidence and waivers against every stage of
// the chart, in chart order, for a worker on track. A stage is ready when
// every competency and every required or expected prerequisite in effect
// there is met or waived. An unknown track gives a profile with no stages,
// never one that looks ready.
func Readiness(c *Chart, track Track, ev Evidence, waivers []Waiver) Profile {
	p := Profile{Track: track}
	if c == nil || !track.Valid() {
		return p
	}
	byItem := latestWaivers(waivers)
	for _, st := range c.stages {
		sr := StageReadiness{Stage: st.Key, Name: st.Name, Ready: true, Requirements: []RequirementStatus{}, Context: []Item{}}
		for _, r := range EffectiveRequirements(c, st.Key, track) {
			if r.Kind.Descriptive() {
				sr.Context = append(sr.Context, r.Item)
				continue
			}
			rs := RequirementStatus{Requirement: r, Blocking: blocking(r.Item), Evidence: slices.Clone(ev[r.Key])}
			if w, ok := byItem[r.Key]; ok {
				rs.Waiver = &w
			}
			switch {
			case len(rs.Evidence) > 0 && r.Kind == KindPrerequisite && r.Strength == StrengthPreferred:
				rs.Status = StatusAdvantage
			case len(rs.Evidence) > 0:
				rs.Status = StatusMet
			case rs.Waiver != nil:
				rs.Status = StatusWaived
			default:
				rs.Status = StatusNotMet
			}
			if rs.Blocking && rs.Status == StatusNotMet {
				sr.Missing++
				sr.Ready = false
			}
			sr.Requirements = append(sr.Requirements, rs)
		}
		p.Stages = append(p.Stages, sr)
	}
	return p
}

// latestWaivers keeps, for each item, the most recent waiver (by date; on a
// tie, the first given), so a renewed waiver replaces the old one.
func latestWaivers(ws []Waiver) map[string]Waiver {
	out := map[string]Waiver{}
	for _, w := range ws {
		if prev, ok := out[w.ItemKey]; !ok || w.On > prev.On {
			out[w.ItemKey] = w
		}
	}
	return out
}

// NextSteps returns the first stage, in chart order, that is not ready and
// the blocking requirements still missing there. When every stage is ready
// it returns "" and nil.
func NextSteps(p Profile) (Stage, []RequirementStatus) {
	for _, s := range p.Stages {
		if s.Ready {
			continue
		}
		var missing []RequirementStatus
		for _, r := range s.Requirements {
			if r.Blocking && r.Status == StatusNotMet {
				missing = append(missing, r)
			}
		}
		return s.Stage, missing
	}
	return "", nil
}

// Facts are what the rest of peerpath knows about a person that met_by rules
// can read: months of peer support experience derived from service records,
// credentials held, whether (and when) they signed the code of ethics, and
// the group sessions they facilitated.
type Facts struct {
	ExperienceMonths int
	Credentials      []string
	EthicsAttested   bool
	EthicsAttestedOn string // YYYY-MM-DD
	// GroupSessions counts the group sessions facilitated on record, the
	// latest on GroupSessionsLast (YYYY-MM-DD).
	GroupSessions     int
	GroupSessionsLast string
}

// normaliseCredential makes "Recovery Coach" and "recovery-coach" the same.
func normaliseCredential(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '_' || r == '-' }), "-")
}

// AutoEvidence returns evidence for every item whose met_by rule the facts
// satisfy. Merge it with recorded evidence (MergeEvidence) before calling
// Readiness.
func AutoEvidence(c *Chart, f Facts) Evidence {
	ev := Evidence{}
	if c == nil {
		return ev
	}
	held := map[string]bool{}
	for _, cr := range f.Credentials {
		held[normaliseCredential(cr)] = true
	}
	for _, it := range c.items {
		m := it.MetBy
		switch {
		case m.ExperienceMonths > 0 && f.ExperienceMonths >= m.ExperienceMonths:
			ev[it.Key] = append(ev[it.Key], EvidenceRef{
				Kind:  EvidenceExperience,
				Label: fmt.Sprintf("%d month(s) of peer support experience on record (at least %d needed)", f.ExperienceMonths, m.ExperienceMonths),
				ID:    "auto:experience",
			})
		case m.Credential != "" && held[normaliseCredential(m.Credential)]:
			ev[it.Key] = append(ev[it.Key], EvidenceRef{
				Kind:  EvidenceCredential,
				Label: "Holds the " + m.Credential + " credential",
				ID:    "auto:credential:" + m.Credential,
			})
		case m.EthicsAttestation && f.EthicsAttested:
			ev[it.Key] = append(ev[it.Key], EvidenceRef{
				Kind:  EvidenceAttestation,
				Label: "Signed the code of ethics",
				On:    f.EthicsAttestedOn,
				ID:    "auto:ethics",
			})
		case m.GroupSessionsFacilitated > 0 && f.GroupSessions >= m.GroupSessionsFacilitated:
			ev[it.Key] = append(ev[it.Key], EvidenceRef{
				Kind:  EvidenceExperience,
				Label: fmt.Sprintf("%d group session(s) facilitated on record (at least %d needed)", f.GroupSessions, m.GroupSessionsFacilitated),
				On:    f.GroupSessionsLast,
				ID:    "auto:groups",
			})
		}
	}
	return ev
}

// MergeEvidence combines evidence sets into a new one; the inputs are not
// changed.
func MergeEvidence(sets ...Evidence) Evidence {
	out := Evidence{}
	for _, s := range sets {
		for k, refs := range s {
			out[k] = append(out[k], refs...)
		}
	}
	return out
}
