package learning_test

import (
	"regexp"
	"strings"
	"testing"

	"peerpath/internal/framework"
	"peerpath/internal/learning"
)

// The glossary's entries about the chart must agree with the chart peerpath
// ships (the April 2014 guidelines, item for item), so each corrected entry
// is checked against the chart's own data: the stage and track where the
// chart lists the item. Facts the chart does not hold (the CPS course's
// length, the trauma-informed assumption) come from the other source
// documents and are checked as the few words that carry them.

func shippedEntry(t *testing.T, slug string) learning.Entry {
	t.Helper()
	for _, e := range learning.Shipped() {
		if e.Slug == slug {
			return e
		}
	}
	t.Fatalf("the shipped glossary has no entry %q", slug)
	return learning.Entry{}
}

// chartItem finds the one chart item whose label is label.
func chartItem(t *testing.T, c *framework.Chart, label string) framework.Item {
	t.Helper()
	var found []framework.Item
	for _, it := range c.Items() {
		if it.Label == label {
			found = append(found, it)
		}
	}
	if len(found) != 1 {
		t.Fatalf("the chart has %d items labelled %q, want 1", len(found), label)
	}
	return found[0]
}

// trackWords is how a definition names the track an item is listed on.
func trackWords(tr framework.Track) string {
	switch tr {
	case framework.TrackAddiction:
		return "addiction track"
	case framework.TrackMentalHealth:
		return "mental health track"
	}
	return "both tracks"
}

// mentionsStage reports whether text names the stage as a whole word:
// "Stage I" must not be found inside "Stage II".
func mentionsStage(text, name string) bool {
	return regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(name) + `\b`).MatchString(text)
}

func stageName(t *testing.T, c *framework.Chart, it framework.Item) string {
	t.Helper()
	st, ok := c.StageByKey(it.Stage)
	if !ok {
		t.Fatalf("item %s: unknown stage %q", it.Key, it.Stage)
	}
	return strings.TrimSuffix(st.Name, " Peer Worker") // "Volunteer Peer Worker" is written "volunteer stage"
}

func TestGlossaryAgreesWithTheChart(t *testing.T) {
	chart := framework.MA2014()
	stages := chart.Stages()

	// Each training entry names the stage and track where the chart lists
	// the training, and no other stage.
	for _, c := range []struct{ slug, label string }{
		{"narcan", "NARCAN"},
		{"what-is-addiction", "What is addiction?"},
		{"cps-training", "Certified Peer Specialist Training (CPS)"},
	} {
		e := shippedEntry(t, c.slug)
		it := chartItem(t, chart, c.label)
		want := stageName(t, chart, it)
		if !mentionsStage(e.Definition, want) {
			t.Errorf("%s: the chart lists it at %s (%s), the definition does not say so: %q", c.slug, want, it.Key, e.Definition)
		}
		if !strings.Contains(e.Definition, trackWords(it.Track)) {
			t.Errorf("%s: the chart lists it on the %s track, the definition does not say so: %q", c.slug, it.Track, e.Definition)
		}
		for _, st := range stages {
			other := strings.TrimSuffix(st.Name, " Peer Worker")
			if other != want && mentionsStage(e.Definition, other) {
				t.Errorf("%s: the definition places it at %s, the chart at %s: %q", c.slug, other, want, e.Definition)
			}
		}
		if strings.Contains(strings.ToLower(e.Definition), "every stage") {
			t.Errorf("%s: the chart lists it on one track from one stage, not at every stage: %q", c.slug, e.Definition)
		}
	}

	// The CPS course: about 8 weeks of single-day trainings and a 3-day
	// retreat (seeds 001 and 002), not "about eight sessions".
	cps := shippedEntry(t, "cps-training").Definition
	for _, fact := range []string{"8 weeks", "single-day trainings", "3-day retreat"} {
		if !strings.Contains(cps, fact) {
			t.Errorf("cps-training: missing %q: %q", fact, cps)
		}
	}

	// The grandfather clause covers every requirement the chart allows it
	// for: the CPS and Recovery Coach credentials and professional peer
	// support experience, from the first stage each is asked for.
	gf := shippedEntry(t, "grandfather-clause").Definition
	first := map[string]framework.Item{}
	for _, it := range chart.Items() {
		if !it.Grandfather {
			continue
		}
		var subject string
		switch {
		case strings.Contains(it.Label, "Certified Peer Specialist"):
			subject = "CPS"
		case strings.Contains(it.Label, "Recovery Coach"):
			subject = "Recovery Coach"
		case strings.Contains(strings.ToLower(it.Label), "experience"):
			subject = "professional peer support experience"
		default:
			t.Fatalf("grandfather item %s is about something the test does not know: %q", it.Key, it.Label)
		}
		if f, ok := first[subject]; !ok || chart.StageIndex(it.Stage) < chart.StageIndex(f.Stage) {
			first[subject] = it
		}
	}
	if len(first) != 3 {
		t.Fatalf("the chart allows the grandfather clause for %d kinds of requirement, want 3 (CPS, Recovery Coach, experience)", len(first))
	}
	for subject := range first {
		if !strings.Contains(gf, subject) {
			t.Errorf("grandfather-clause: the chart allows it for %s, the definition leaves it out: %q", subject, gf)
		}
	}
	exp := first["professional peer support experience"]
	if name := stageName(t, chart, exp); !mentionsStage(gf, name) {
		t.Errorf("grandfather-clause: the experience clause starts at %s (%s): %q", name, exp.Key, gf)
	}

	// Trauma-informed keeps its defining assumption (seed 000): everyone
	// may have experienced trauma.
	ti := shippedEntry(t, "trauma-informed")
	for _, text := range []string{ti.Definition, ti.Clue} {
		if !strings.Contains(text, "assumption") || !strings.Contains(text, "everyone") || !strings.Contains(text, "trauma") {
			t.Errorf("trauma-informed: the assumption that everyone may have experienced trauma is missing: %q", text)
		}
	}
}
