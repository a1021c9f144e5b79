package framework

import (
	"fmt"
	"slices"
	"strings"

	"peerpath/internal/core"
)

// Stage is a stage key as a chart defines it. The Massachusetts chart uses
// the keys below; other charts may define their own.
type Stage string

// The Massachusetts 2014 stage keys.
const (
	StageVolunteer Stage = "volunteer"
	Stage1         Stage = "1"
	Stage2         Stage = "2"
	Stage3         Stage = "3"
	Stage4         Stage = "4"
	Stage5         Stage = "5"
)

// Track is the field an item belongs to, or the field a worker works in.
type Track string

// The tracks. TrackBoth on an item means "Mental Health & Addiction" (shared
// by both fields); on a worker it means the worker works in both fields.
const (
	TrackBoth         Track = "both"
	TrackMentalHealth Track = "mental-health"
	TrackAddiction    Track = "addiction"
)

var tracks = []Track{TrackBoth, TrackMentalHealth, TrackAddiction}

// Valid reports whether t is one of the three tracks.
func (t Track) Valid() bool {
	return t == TrackBoth || t == TrackMentalHealth || t == TrackAddiction
}

// Kind is what sort of item an item is.
type Kind string

// The kinds, in the order the chart's columns (and every listing) use.
const (
	KindMastery      Kind = "mastery"
	KindRole         Kind = "role"
	KindCompetency   Kind = "competency"
	KindPrerequisite Kind = "prerequisite"
	KindTraining     Kind = "training"
)

// kinds holds the kinds in display order.
var kinds = []Kind{KindMastery, KindRole, KindCompetency, KindPrerequisite, KindTraining}

// Kinds returns the kinds in display order: mastery, role, competency,
// prerequisite, training.
func Kinds() []Kind { return slices.Clone(kinds) }

// order gives the kind's position in display order, or len(kinds) if unknown.
func (k Kind) order() int {
	for i, x := range kinds {
		if x == k {
			return i
		}
	}
	return len(kinds)
}

// Valid reports whether k is one of the five kinds.
func (k Kind) Valid() bool { return k.order() < len(kinds) }

// Descriptive reports whether items of this kind describe a stage rather
// than measure a person (mastery and roles).
func (k Kind) Descriptive() bool { return k == KindMastery || k == KindRole }

// Strength is how firmly a prerequisite is asked for.
type Strength string

// The strengths, strongest first.
const (
	StrengthRequired  Strength = "required"
	StrengthExpected  Strength = "expected"
	StrengthPreferred Strength = "preferred"
)

// Valid reports whether s is one of the three strengths.
func (s Strength) Valid() bool {
	return s == StrengthRequired || s == StrengthExpected || s == StrengthPreferred
}

// Blocks reports whether an unmet prerequisite of this strength keeps a
// stage from being ready.
func (s Strength) Blocks() bool { return s == StrengthRequired || s == StrengthExpected }

// MetBy is a rule that lets software decide from plain facts that an item is
// met, so nobody has to record the same evidence by hand. At most one field is
// set; the zero value means "no rule".
type MetBy struct {
	// ExperienceMonths: met when the person has at least this many months
	// of peer support experience on record.
	ExperienceMonths int `json:"experience_months,omitempty"`
	// Credential: met when the person holds this credential ("cps",
	// "recovery-coach", …).
	Credential string `json:"credential,omitempty"`
	// EthicsAttestation: met when the person has signed the chart's first
	// code of ethics. It is the older spelling of EthicsCode, kept so that
	// charts written before codes had keys still load.
	EthicsAttestation bool `json:"ethics_attestation,omitempty"`
	// EthicsCode: met when the person has signed the current version of
	// this code ("cps", "rsc", …, one of the chart's ethics_codes). A
	// signature of one code never meets an item naming another.
	EthicsCode string `json:"ethics_code,omitempty"`
	// PreviousExperience: met when the person held a peer role that ended
	// before their current one began ("previous peer support experience").
	// Use ExperienceMonths instead where the chart states a number of months.
	PreviousExperience bool `json:"previous_experience,omitempty"`
	// GroupSessionsFacilitated: met when the person has facilitated at
	// least this many group sessions on record (peerpath's groups).
	GroupSessionsFacilitated int `json:"group_sessions_facilitated,omitempty"`
}

// IsZero reports whether m names no rule.
func (m MetBy) IsZero() bool { return m == MetBy{} }

// String describes the rule for people.
func (m MetBy) String() string {
	switch {
	case m.ExperienceMonths > 0:
		return fmt.Sprintf("at least %d month(s) of peer support experience", m.ExperienceMonths)
	case m.Credential != "":
		return "holds the " + m.Credential + " credential"
	case m.EthicsAttestation:
		return "has signed the code of ethics"
	case m.EthicsCode != "":
		return "has signed the " + m.EthicsCode + " code of ethics"
	case m.PreviousExperience:
		return "held a peer role that ended before the current one began"
	case m.GroupSessionsFacilitated > 0:
		return fmt.Sprintf("has facilitated at least %d group session(s)", m.GroupSessionsFacilitated)
	}
	return ""
}

// Item is one line of a chart.
type Item struct {
	Key            string   `json:"key"`
	Kind           Kind     `json:"kind"`
	Stage          Stage    `json:"stage"`
	Track          Track    `json:"track"`
	Label          string   `json:"label"`
	Description    string   `json:"description,omitempty"`
	CarriesForward bool     `json:"carries_forward"`
	Strength       Strength `json:"strength,omitempty"`
	Supersedes     string   `json:"supersedes,omitempty"`
	Grandfather    bool     `json:"grandfather,omitempty"`
	Acronym        string   `json:"acronym,omitempty"`
	MetBy          MetBy    `json:"met_by,omitzero"`
	// Conditional marks an item that applies only where the organisation,
	// or one of its programmes, asks for it (CORI "as indicated by specific
	// RSC, RLC or other program"). Question is how the organisation is
	// asked; until it answers yes, the item is not applicable.
	Conditional bool   `json:"conditional,omitempty"`
	Question    string `json:"question,omitempty"`
	// StrengthOptions lists the strengths an organisation may choose
	// between for this prerequisite ("required or preferred"); Strength is
	// the reading used until it chooses.
	StrengthOptions []Strength `json:"strength_options,omitempty"`
}

// OrgChoice reports whether the organisation decides something about this
// item: whether it applies, or how firmly it is asked for.
func (it Item) OrgChoice() bool { return it.Conditional || len(it.StrengthOptions) > 0 }

// EthicsCodeInfo is a code of ethics or conduct a chart's items can ask a
// person to sign, and the tracks whose workers sign it.
type EthicsCodeInfo struct {
	Key    string  `json:"key"`
	Title  string  `json:"title"`
	Tracks []Track `json:"tracks"`
}

// AppliesTo reports whether a worker on track signs this code. A worker on
// both tracks signs every code.
func (e EthicsCodeInfo) AppliesTo(t Track) bool {
	if t == TrackBoth {
		return true
	}
	return slices.Contains(e.Tracks, t) || slices.Contains(e.Tracks, TrackBoth)
}

// StageInfo is one stage of a chart.
type StageInfo struct {
	Key     Stage  `json:"key"`
	Name    string `json:"name"`
	Summary string `json:"summary,omitempty"`
}

// romanStages maps Roman numerals (as the guidelines write stages) to keys.
var romanStages = map[string]Stage{"i": Stage1, "ii": Stage2, "iii": Stage3, "iv": Stage4, "v": Stage5}

// normaliseStage turns the spellings people type into a standard key, or ""
// when it does not recognise them. Accepted: "volunteer", "1"…"5", Roman
// "I"…"V" (so a bare "V" is Stage V, never volunteer), each optionally
// prefixed with "stage", "stage-", "stage_" or "stage " and in any case.
func normaliseStage(s string) Stage {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == string(StageVolunteer) {
		return StageVolunteer
	}
	for _, p := range []string{"stage-", "stage_", "stage "} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			s = strings.TrimSpace(rest)
			break
		}
	}
	s = strings.TrimPrefix(s, "stage")
	switch s {
	case "1", "2", "3", "4", "5":
		return Stage(s)
	}
	return romanStages[s]
}

// ParseStage reads a Massachusetts-style stage: "volunteer" or "1" to "5".
// It also accepts Roman numerals ("I" to "V"; a bare "V" means Stage V) and a
// "stage" prefix ("stage-2", "Stage II"), in any case. Anything else is an
// invalid-input error naming the allowed values. Charts with their own stage
// keys should use (*Chart).LookupStage.
func ParseStage(s string) (Stage, error) {
	if st := normaliseStage(s); st != "" {
		return st, nil
	}
	msg := "must be one of volunteer, 1, 2, 3, 4, 5 (Roman numerals I to V and a \"stage-\" prefix are also accepted)"
	return "", &core.Error{
		Kind:    core.KindInvalid,
		Message: fmt.Sprintf("Unknown stage %q: it %s.", s, msg),
		Fields:  map[string]string{"stage": msg},
	}
}

// ParseTrack reads a track: "both", "mental-health" or "addiction", in any
// case; "mh", "mental health" and "mental_health" also mean mental-health.
// Anything else is an invalid-input error naming the allowed values.
func ParseTrack(s string) (Track, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "both":
		return TrackBoth, nil
	case "mental-health", "mental health", "mental_health", "mh":
		return TrackMentalHealth, nil
	case "addiction":
		return TrackAddiction, nil
	}
	msg := "must be one of both, mental-health, addiction"
	return "", &core.Error{
		Kind:    core.KindInvalid,
		Message: fmt.Sprintf("Unknown track %q: it %s.", s, msg),
		Fields:  map[string]string{"track": msg},
	}
}

// trackLabel is how a track reads in running text.
func trackLabel(t Track) string {
	switch t {
	case TrackBoth:
		return "mental health & addiction"
	case TrackMentalHealth:
		return "mental health"
	case TrackAddiction:
		return "addiction"
	}
	return string(t)
}
