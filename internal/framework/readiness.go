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
//
// A waiver of an item with a grandfather clause carries to every later item
// that supersedes it (the chart restates "CPS required … with grandfather
// clause" at Stages III, IV and V): on those items it shows with
// CarriedFrom, the key of the item actually waived, and CarriedFromStage,
// that item's stage. Withdrawing the waiver withdraws the whole chain,
// because the carried copies are never stored.
type Waiver struct {
	ItemKey          string `json:"item_key"`
	ByName           string `json:"by_name"`
	ByID             string `json:"by_id"`
	On               string `json:"on"` // YYYY-MM-DD
	Reason           string `json:"reason"`
	CarriedFrom      string `json:"carried_from,omitempty"`
	CarriedFromStage Stage  `json:"carried_from_stage,omitempty"`
	// CarriedFromName is the name of CarriedFromStage ("Stage III").
	CarriedFromName string `json:"carried_from_name,omitempty"`
}

// Status is how a person stands against one requirement.
type Status string

// The statuses.
const (
	StatusMet       Status = "met"
	StatusNotMet    Status = "not_met"
	StatusWaived    Status = "waived"
	StatusAdvantage Status = "advantage" // a met preferred prerequisite
	// StatusNotApplicable: a conditional item the organisation has not
	// switched on. It never blocks.
	StatusNotApplicable Status = "not_applicable"
	// StatusExpired: the credential that met the item has lapsed
	// (ExpiredOn says when). It blocks like not_met.
	StatusExpired Status = "expired"
)

// Missing reports whether a requirement with this status still has to be
// met (when it blocks): not met, or met once by a credential that lapsed.
func (s Status) Missing() bool { return s == StatusNotMet || s == StatusExpired }

// RequirementStatus is one requirement with the person's standing against
// it. Blocking says whether the requirement must be met or waived for the
// stage to be ready (competencies, and required or expected prerequisites);
// it does not depend on the status. Waiver is set whenever a waiver exists,
// even if the item is also met.
//
// For items the organisation decides about (Item.OrgChoice), Strength is the
// organisation's choice (or the chart's default reading until it chooses)
// and Applies says whether a conditional item is switched on.
type RequirementStatus struct {
	Requirement
	Status    Status        `json:"status"`
	Blocking  bool          `json:"blocking"`
	Evidence  []EvidenceRef `json:"evidence,omitempty"`
	Waiver    *Waiver       `json:"waiver,omitempty"`
	ExpiredOn string        `json:"expired_on,omitempty"` // YYYY-MM-DD, with StatusExpired
	Applies   bool          `json:"applies"`
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

// Profile is a person's standing against every stage of a chart. A worker
// whose track nobody has chosen yet has NeedsTrack set and no stages: the
// answer is "choose a track first", never one assumed for them.
type Profile struct {
	Track      Track            `json:"track"`
	NeedsTrack bool             `json:"needs_track"`
	Stages     []StageReadiness `json:"stages"`
}

// Choices are what an organisation has decided about the chart's items it
// may decide about (Item.OrgChoice): which conditional items it asks for,
// and which strength it reads for items with strength_options. Items not
// named keep the chart's reading: a conditional item does not apply, and a
// strength stays at the chart's default.
type Choices struct {
	Applies  map[string]bool
	Strength map[string]Strength
}

// Input is everything Measure reads about one person.
type Input struct {
	Track    Track
	Evidence Evidence
	Waivers  []Waiver
	Choices  Choices
	// Lapsed holds, by item key, the date the credential that would meet
	// the item expired (see LapsedItems).
	Lapsed map[string]string
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
// the chart, in chart order, for a worker on track, with the chart's own
// readings of every item. See Measure.
func Readiness(c *Chart, track Track, ev Evidence, waivers []Waiver) Profile {
	return Measure(c, Input{Track: track, Evidence: ev, Waivers: waivers})
}

// Measure measures a person against every stage of the chart, in chart
// order. A stage is ready when every competency and every required or
// expected prerequisite in effect there is met or waived; a conditional
// item the organisation has not switched on is not applicable and never
// blocks. A worker without a track gets a profile that needs one and has
// no stages; an unknown track gives no stages either, never a profile that
// looks ready.
func Measure(c *Chart, in Input) Profile {
	p := Profile{Track: in.Track}
	if in.Track == "" {
		p.NeedsTrack = true
		return p
	}
	if c == nil || !in.Track.Valid() {
		return p
	}
	as := NewAssessor(c, in)
	for _, st := range c.stages {
		sr := StageReadiness{Stage: st.Key, Name: st.Name, Ready: true, Requirements: []RequirementStatus{}, Context: []Item{}}
		for _, r := range EffectiveRequirements(c, st.Key, in.Track) {
			if r.Kind.Descriptive() {
				sr.Context = append(sr.Context, r.Item)
				continue
			}
			rs := as.Assess(r)
			if rs.Blocking && rs.Status.Missing() {
				sr.Missing++
				sr.Ready = false
			}
			sr.Requirements = append(sr.Requirements, rs)
		}
		p.Stages = append(p.Stages, sr)
	}
	return p
}

// Assessor decides a person's standing against single requirements. It
// holds the waivers already resolved (latest per item, grandfather waivers
// carried along their chains), so a caller that needs only counts (the team
// page) can assess the requirements it wants without a whole profile.
type Assessor struct {
	c       *Chart
	in      Input
	waivers map[string]Waiver
}

// NewAssessor prepares the assessment of one person's input.
func NewAssessor(c *Chart, in Input) *Assessor {
	return &Assessor{c: c, in: in, waivers: carryWaivers(c, latestWaivers(in.Waivers))}
}

// Assess gives the person's standing against one requirement. Precedence:
// a conditional item not switched on is not applicable; evidence meets an
// item (a met preferred prerequisite is an advantage); then a waiver,
// given or carried; then a lapsed credential; otherwise not met.
func (a *Assessor) Assess(r Requirement) RequirementStatus {
	r.Item = a.applyChoices(r.Item)
	rs := RequirementStatus{Requirement: r, Applies: true, Evidence: slices.Clone(a.in.Evidence[r.Key])}
	if w, ok := a.waivers[r.Key]; ok {
		rs.Waiver = &w
	}
	if r.Conditional && !a.in.Choices.Applies[r.Key] {
		rs.Applies = false
		rs.Status = StatusNotApplicable
		return rs
	}
	rs.Blocking = blocking(r.Item)
	switch {
	case len(rs.Evidence) > 0 && r.Kind == KindPrerequisite && r.Strength == StrengthPreferred:
		rs.Status = StatusAdvantage
	case len(rs.Evidence) > 0:
		rs.Status = StatusMet
	case rs.Waiver != nil:
		rs.Status = StatusWaived
	case a.in.Lapsed[r.Key] != "":
		rs.Status, rs.ExpiredOn = StatusExpired, a.in.Lapsed[r.Key]
	default:
		rs.Status = StatusNotMet
	}
	return rs
}

// applyChoices gives the item the strength the organisation chose, when
// the chart lets it choose and the choice is one of the options.
func (a *Assessor) applyChoices(it Item) Item {
	if len(it.StrengthOptions) == 0 {
		return it
	}
	if s, ok := a.in.Choices.Strength[it.Key]; ok && slices.Contains(it.StrengthOptions, s) {
		it.Strength = s
	}
	return it
}

// carryWaivers adds, for every waiver of an item with a grandfather clause,
// a carried copy on each later item that supersedes it, directly or through
// others. A waiver given on an item itself wins over one carried to it; of
// two carried to the same item, the later one.
func carryWaivers(c *Chart, direct map[string]Waiver) map[string]Waiver {
	if c == nil || len(direct) == 0 {
		return direct
	}
	next := map[string][]string{}
	for _, it := range c.items {
		if it.Supersedes != "" {
			next[it.Supersedes] = append(next[it.Supersedes], it.Key)
		}
	}
	out := make(map[string]Waiver, len(direct))
	for k, w := range direct {
		out[k] = w
	}
	for k, w := range direct {
		it, ok := c.Item(k)
		if !ok || !it.Grandfather {
			continue
		}
		carried := w
		carried.CarriedFrom, carried.CarriedFromStage, carried.CarriedFromName = k, it.Stage, c.stageName(it.Stage)
		seen := map[string]bool{k: true}
		queue := slices.Clone(next[k])
		for len(queue) > 0 {
			x := queue[0]
			queue = queue[1:]
			if seen[x] {
				continue
			}
			seen[x] = true
			queue = append(queue, next[x]...)
			if _, own := direct[x]; own {
				continue
			}
			if prev, ok := out[x]; ok && prev.On >= carried.On {
				continue
			}
			carried.ItemKey = x
			out[x] = carried
		}
	}
	return out
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
			if r.Blocking && r.Status.Missing() {
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
	// PreviousRoles and PreviousMonths are the peer roles that ended before
	// the current one began (CurrentFrom; "" when the person holds no peer
	// role now, and then every role that has ended counts) and the months
	// they add up to.
	PreviousRoles  int
	PreviousMonths int
	CurrentFrom    string
	Credentials    []string
	// LapsedCredentials holds, by credential, the date it expired, for
	// credentials once held and not held now.
	LapsedCredentials map[string]string
	// EthicsSigned holds, by code key, the date the person signed the
	// code's current version.
	EthicsSigned map[string]string
	// EthicsAttested and EthicsAttestedOn are the older form of
	// EthicsSigned, for a chart's first code.
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
	signed := func(code string) (string, bool) {
		if on, ok := f.EthicsSigned[code]; ok {
			return on, true
		}
		if f.EthicsAttested && code == c.EthicsCodes()[0].Key {
			return f.EthicsAttestedOn, true
		}
		return "", false
	}
	for _, it := range c.items {
		m := it.MetBy
		code := c.ethicsCodeOf(m)
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
		case code != "":
			on, ok := signed(code)
			if !ok {
				continue
			}
			title := "the code of ethics"
			if e, ok := c.EthicsCode(code); ok && e.Title != "" {
				title = e.Title
			}
			ev[it.Key] = append(ev[it.Key], EvidenceRef{
				Kind:  EvidenceAttestation,
				Label: "Signed " + title + " (current version)",
				On:    on,
				ID:    "auto:ethics:" + code,
			})
		case m.PreviousExperience && f.PreviousRoles > 0:
			ev[it.Key] = append(ev[it.Key], EvidenceRef{
				Kind:  EvidenceExperience,
				Label: PreviousExperienceNote(f),
				ID:    "auto:previous-experience",
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

// PreviousExperienceNote says, in plain words, how previous peer support
// experience was counted.
func PreviousExperienceNote(f Facts) string {
	roles := "1 peer role"
	if f.PreviousRoles != 1 {
		roles = fmt.Sprintf("%d peer roles", f.PreviousRoles)
	}
	months := "1 whole month"
	if f.PreviousMonths != 1 {
		months = fmt.Sprintf("%d whole months", f.PreviousMonths)
	}
	if f.CurrentFrom == "" {
		return fmt.Sprintf("%s that ended (%s); no current peer role on record", roles, months)
	}
	return fmt.Sprintf("%s that ended before the current one began on %s (%s)", roles, f.CurrentFrom, months)
}

// LapsedItems returns, by item key, the date the credential an item's
// met_by rule asks for expired, for every such credential the person held
// once and does not hold now.
func LapsedItems(c *Chart, f Facts) map[string]string {
	out := map[string]string{}
	if c == nil || len(f.LapsedCredentials) == 0 {
		return out
	}
	lapsed := map[string]string{}
	for k, on := range f.LapsedCredentials {
		lapsed[normaliseCredential(k)] = on
	}
	for _, cr := range f.Credentials {
		delete(lapsed, normaliseCredential(cr))
	}
	for _, it := range c.items {
		if it.MetBy.Credential == "" {
			continue
		}
		if on, ok := lapsed[normaliseCredential(it.MetBy.Credential)]; ok {
			out[it.Key] = on
		}
	}
	return out
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
