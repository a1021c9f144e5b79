package framework

import (
	"fmt"
	"io"
	"strings"
)

// RequirementJSON is a requirement as the command line and the API print it.
//
// Stage is where the item first appears. CarriedForward is the item's own
// asterisk flag: it applies to every stage after its own. Carried is about
// the listing: the item comes from a stage earlier than the one asked about.
// Strength is empty for everything but prerequisites.
type RequirementJSON struct {
	Key            string `json:"key"`
	Kind           string `json:"kind"`
	Label          string `json:"label"`
	Strength       string `json:"strength"`
	Stage          string `json:"stage"`
	Track          string `json:"track"`
	CarriedForward bool   `json:"carried_forward"`
	Grandfather    bool   `json:"grandfather"`
	Carried        bool   `json:"carried"`
	// Conditional items apply only where the organisation asks for them;
	// StrengthOptions lists the strengths it may choose between (Strength
	// is the reading until it chooses).
	Conditional     bool       `json:"conditional,omitempty"`
	StrengthOptions []Strength `json:"strength_options,omitempty"`
}

// ToJSON converts requirements for printing. It never returns nil, so an
// empty list prints as [] rather than null.
func ToJSON(reqs []Requirement) []RequirementJSON {
	out := make([]RequirementJSON, len(reqs))
	for i, r := range reqs {
		out[i] = RequirementJSON{
			Key:             r.Key,
			Kind:            string(r.Kind),
			Label:           r.Label,
			Strength:        string(r.Strength),
			Stage:           string(r.FromStage),
			Track:           string(r.Track),
			CarriedForward:  r.CarriesForward,
			Grandfather:     r.Grandfather,
			Carried:         r.Carried,
			Conditional:     r.Conditional,
			StrengthOptions: r.StrengthOptions,
		}
	}
	return out
}

// kindHeadings are the section headings WriteText uses.
var kindHeadings = map[Kind]string{
	KindMastery:      "Mastery gained through experience (describes the stage)",
	KindRole:         "Example roles (examples, not requirements)",
	KindCompetency:   "Competencies",
	KindPrerequisite: "Prerequisites",
	KindTraining:     "Training available",
}

// WriteText writes requirements as a readable list for a terminal: grouped
// by kind under headings, with each prerequisite's strength, the grandfather
// clause where one applies, the field for items that belong to only one, and
// where carried items come from.
func WriteText(w io.Writer, c *Chart, stage Stage, track Track, reqs []Requirement) error {
	name := func(s Stage) string {
		if c == nil {
			return string(s)
		}
		return c.stageName(s)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %s track", name(stage), trackLabel(track))
	if c != nil && c.title != "" {
		fmt.Fprintf(&b, " (%s", c.title)
		if c.published != "" {
			fmt.Fprintf(&b, ", %s", c.published)
		}
		b.WriteString(")")
	}
	b.WriteString("\n")
	if len(reqs) == 0 {
		b.WriteString("\nNothing is listed for this stage and track.\n")
	}
	for _, k := range kinds {
		first := true
		for _, r := range reqs {
			if r.Kind != k {
				continue
			}
			if first {
				fmt.Fprintf(&b, "\n%s\n", kindHeadings[k])
				first = false
			}
			b.WriteString("  - " + r.Label)
			var notes []string
			switch {
			case r.Kind == KindPrerequisite && len(r.StrengthOptions) > 0:
				notes = append(notes, fmt.Sprintf("%s until the organisation chooses %s", r.Strength, strengthsText(r.StrengthOptions)))
			case r.Kind == KindPrerequisite && r.Strength != "":
				notes = append(notes, string(r.Strength))
			}
			if r.Conditional {
				notes = append(notes, "only where the organisation asks for it")
			}
			if r.Grandfather {
				notes = append(notes, "grandfather clause")
			}
			if r.Track != TrackBoth {
				notes = append(notes, trackLabel(r.Track)+" only")
			}
			if r.Carried {
				notes = append(notes, "carried from "+name(r.FromStage))
			}
			if len(notes) > 0 {
				b.WriteString(" (" + strings.Join(notes, "; ") + ")")
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// strengthsText lists strengths as "required or preferred".
func strengthsText(ss []Strength) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, " or ")
}

// Summary describes a chart in a few lines, for "peerpath framework check":
// its stages and how many items it has per kind, per track and per stage.
func Summary(c *Chart) string {
	if c == nil {
		return "no chart\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", c.id, c.title)
	var meta []string
	if c.version != "" {
		meta = append(meta, "version "+c.version)
	}
	if c.published != "" {
		meta = append(meta, "published "+c.published)
	}
	if c.jurisdiction != "" {
		meta = append(meta, c.jurisdiction)
	}
	if len(meta) > 0 {
		b.WriteString(" (" + strings.Join(meta, ", ") + ")")
	}
	b.WriteString("\n")

	stages := make([]string, len(c.stages))
	perStage := map[Stage]int{}
	perKind := map[Kind]int{}
	perTrack := map[Track]int{}
	var carried, supersedes, grandfather, metBy, conditional, chosen int
	for _, it := range c.items {
		perStage[it.Stage]++
		perKind[it.Kind]++
		perTrack[it.Track]++
		if it.CarriesForward {
			carried++
		}
		if it.Supersedes != "" {
			supersedes++
		}
		if it.Grandfather {
			grandfather++
		}
		if !it.MetBy.IsZero() {
			metBy++
		}
		if it.Conditional {
			conditional++
		}
		if len(it.StrengthOptions) > 0 {
			chosen++
		}
	}
	for i, s := range c.stages {
		stages[i] = fmt.Sprintf("%s (%s)", s.Key, s.Name)
	}
	fmt.Fprintf(&b, "%d stages: %s\n", len(c.stages), strings.Join(stages, ", "))
	fmt.Fprintf(&b, "%d items\n", len(c.items))
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%s %d", k, perKind[k]))
	}
	fmt.Fprintf(&b, "  by kind:  %s\n", strings.Join(parts, ", "))
	parts = parts[:0]
	for _, t := range tracks {
		parts = append(parts, fmt.Sprintf("%s %d", t, perTrack[t]))
	}
	fmt.Fprintf(&b, "  by track: %s\n", strings.Join(parts, ", "))
	parts = parts[:0]
	for _, s := range c.stages {
		parts = append(parts, fmt.Sprintf("%s %d", s.Key, perStage[s.Key]))
	}
	fmt.Fprintf(&b, "  by stage: %s\n", strings.Join(parts, ", "))
	fmt.Fprintf(&b, "  carried forward %d, superseding an earlier item %d, with a grandfather clause %d, checked automatically (met_by) %d\n",
		carried, supersedes, grandfather, metBy)
	codes := make([]string, 0, len(c.codes))
	for _, e := range c.EthicsCodes() {
		codes = append(codes, e.Key)
	}
	fmt.Fprintf(&b, "  conditional on the organisation %d, strength chosen by the organisation %d; codes of ethics: %s\n",
		conditional, chosen, strings.Join(codes, ", "))
	return b.String()
}
