package framework

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"peerpath/internal/core"
)

func TestMA2014Parses(t *testing.T) {
	c, err := Parse(MA2014JSON())
	if err != nil {
		t.Fatalf("embedded chart does not parse: %v", err)
	}
	if c.ID() != "ma-2014" || c.Published() != "2014-04" {
		t.Errorf("id/published = %q/%q", c.ID(), c.Published())
	}
	var keys []Stage
	for _, s := range c.Stages() {
		keys = append(keys, s.Key)
		if s.Name == "" || s.Summary == "" {
			t.Errorf("stage %q lacks a name or summary", s.Key)
		}
	}
	if want := []Stage{StageVolunteer, Stage1, Stage2, Stage3, Stage4, Stage5}; !reflect.DeepEqual(keys, want) {
		t.Fatalf("stages = %v, want %v", keys, want)
	}

	// Every stage has items of all five kinds, and the counts are pinned so
	// that any change to the chart is a deliberate one.
	want := map[Stage][5]int{ // mastery, role, competency, prerequisite, training
		StageVolunteer: {3, 5, 10, 4, 25},
		Stage1:         {2, 6, 10, 5, 11},
		Stage2:         {2, 15, 14, 4, 10},
		Stage3:         {3, 15, 14, 4, 4},
		Stage4:         {1, 5, 13, 5, 2},
		Stage5:         {1, 5, 5, 5, 3},
	}
	got := map[Stage][5]int{}
	for _, it := range c.Items() {
		n := got[it.Stage]
		n[it.Kind.order()]++
		got[it.Stage] = n
	}
	for st, w := range want {
		for k, kind := range kinds {
			if got[st][k] == 0 {
				t.Errorf("stage %s has no %s items", st, kind)
			}
		}
		if got[st] != w {
			t.Errorf("stage %s: counts by kind = %v, want %v", st, got[st], w)
		}
	}
	if n := len(c.Items()); n != 211 {
		t.Errorf("items = %d, want 211", n)
	}
	// Every track section of the source is represented.
	tracksSeen := map[Track]bool{}
	for _, it := range c.Items() {
		tracksSeen[it.Track] = true
	}
	if len(tracksSeen) != 3 {
		t.Errorf("tracks used = %v, want all three", tracksSeen)
	}
}

func TestMA2014IsSharedAndCopied(t *testing.T) {
	if first, again := MA2014(), MA2014(); first != again {
		t.Error("MA2014 should parse once and share the chart")
	}
	b := MA2014JSON()
	b[0] = 'X'
	if MA2014JSON()[0] == 'X' {
		t.Error("MA2014JSON must return a copy")
	}
	items := MA2014().Items()
	items[0].Label = "changed"
	if it, _ := MA2014().Item(items[0].Key); it.Label == "changed" {
		t.Error("Items must return a copy")
	}
}

// The asterisks, item by item, as the source marks them.
func TestMA2014Asterisks(t *testing.T) {
	c := MA2014()
	cases := []struct {
		key  string
		want bool
	}{
		{"v.comp.reliable-responsible", true},
		{"v.comp.interpersonal-skills", false},
		{"v.comp.multiple-paths", false},
		{"v.prereq.cori", true},
		{"v.prereq.ethics-exposure", false},
		{"v.train.other", false},
		{"v.train.caprss-recovery-plan", true}, // two asterisks in the source
		{"v.train.rsc-code", true},             // asterisk after a space
		{"v.train.peer-participatory-process", false},
		{"s1.prereq.peer-experience", true},
		{"s1.prereq.entry-training", false},
		{"s1.comp.plan-groups", false},
		{"s1.train.what-is-addiction", false},
		{"s1.train.tobacco-ttt", true},
		{"s2.comp.leadership", false},
		{"s2.train.wham-facilitator", false},
		{"s2.train.non-peer-supervisors", true},
		{"s3.comp.advanced-leadership", true}, // split across a page break
		{"s3.train.co-occurring", false},
		{"s3.train.other", false},
		{"s4.comp.macro-system", false},
		{"s4.comp.ethics-audit", true},
		{"s4.train.other", true},
		{"s5.prereq.cps", false},
		{"s5.comp.external-leader", false},
	}
	for _, tc := range cases {
		it, ok := c.Item(tc.key)
		if !ok {
			t.Errorf("%s: missing", tc.key)
			continue
		}
		if it.CarriesForward != tc.want {
			t.Errorf("%s: carries_forward = %v, want %v", tc.key, it.CarriesForward, tc.want)
		}
	}
}

func TestMA2014Prerequisites(t *testing.T) {
	c := MA2014()
	cases := []struct {
		key         string
		track       Track
		strength    Strength
		grandfather bool
		supersedes  string
		metBy       MetBy
	}{
		{"v.prereq.cori", TrackBoth, StrengthRequired, false, "", MetBy{}},
		{"v.prereq.ethics-exposure", TrackMentalHealth, StrengthRequired, false, "", MetBy{EthicsCode: "cps"}},
		{"s1.prereq.peer-experience", TrackBoth, StrengthPreferred, false, "", MetBy{PreviousExperience: true}},
		{"s1.prereq.cps-ethics", TrackMentalHealth, StrengthRequired, false, "", MetBy{EthicsCode: "cps"}},
		{"s1.prereq.rsc-ethics", TrackAddiction, StrengthRequired, false, "", MetBy{EthicsCode: "rsc"}},
		{"s2.prereq.peer-experience", TrackBoth, StrengthExpected, false, "s1.prereq.peer-experience", MetBy{PreviousExperience: true}},
		{"s2.prereq.recovery-coach", TrackAddiction, StrengthPreferred, true, "", MetBy{Credential: "recovery-coach"}},
		{"s3.prereq.professional-experience", TrackMentalHealth, StrengthRequired, true, "", MetBy{}},
		{"s3.prereq.cps", TrackMentalHealth, StrengthPreferred, true, "", MetBy{Credential: "cps"}},
		{"s3.prereq.management-experience", TrackMentalHealth, StrengthPreferred, false, "", MetBy{}},
		{"s3.prereq.recovery-coach", TrackAddiction, StrengthPreferred, true, "s2.prereq.recovery-coach", MetBy{Credential: "recovery-coach"}},
		{"s4.prereq.management-experience", TrackBoth, StrengthExpected, false, "s3.prereq.management-experience", MetBy{}},
		{"s4.prereq.cps", TrackMentalHealth, StrengthPreferred, true, "s3.prereq.cps", MetBy{Credential: "cps"}},
		{"s5.prereq.strategic-experience", TrackBoth, StrengthExpected, false, "s4.prereq.management-experience", MetBy{}},
		{"s5.prereq.recovery-coach", TrackAddiction, StrengthPreferred, true, "s4.prereq.recovery-coach", MetBy{Credential: "recovery-coach"}},
	}
	for _, tc := range cases {
		it, ok := c.Item(tc.key)
		if !ok {
			t.Errorf("%s: missing", tc.key)
			continue
		}
		if it.Kind != KindPrerequisite || it.Track != tc.track || it.Strength != tc.strength ||
			it.Grandfather != tc.grandfather || it.Supersedes != tc.supersedes || it.MetBy != tc.metBy {
			t.Errorf("%s = %+v, want track %s strength %s grandfather %v supersedes %q met_by %+v",
				tc.key, it, tc.track, tc.strength, tc.grandfather, tc.supersedes, tc.metBy)
		}
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	b, err := json.Marshal(MA2014())
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(b)
	if err != nil {
		t.Fatalf("re-parse: %v", err)
	}
	if !reflect.DeepEqual(c.Items(), MA2014().Items()) || !reflect.DeepEqual(c.Stages(), MA2014().Stages()) {
		t.Error("chart changed on a marshal/parse round trip")
	}
}

// tiny builds a small chart: two stages and the given items.
func tiny(items string) []byte {
	return []byte(`{"id":"t","title":"Test","stages":[{"key":"a","name":"A"},{"key":"b","name":"B"}],"items":[` + items + `]}`)
}

const (
	okA    = `{"key":"a.one","kind":"competency","stage":"a","track":"both","label":"One","carries_forward":true}`
	okAMH  = `{"key":"a.mh","kind":"prerequisite","stage":"a","track":"mental-health","label":"MH","strength":"preferred","carries_forward":true}`
	okAAdd = `{"key":"a.add","kind":"prerequisite","stage":"a","track":"addiction","label":"Add","strength":"preferred","carries_forward":true}`
)

func TestParseValidation(t *testing.T) {
	cases := []struct {
		name  string
		data  []byte
		key   string // the problem's Key
		field string // the problem's Field
		text  string // part of its message
	}{
		{"duplicate key", tiny(okA + `,` + okA), "a.one", "key", "duplicate key: items[0] already uses it"},
		{"unknown stage", tiny(`{"key":"x.1","kind":"role","stage":"z","track":"both","label":"X"}`), "x.1", "stage", `unknown stage "z"`},
		{"unknown track", tiny(`{"key":"x.1","kind":"role","stage":"a","track":"family","label":"X"}`), "x.1", "track", `unknown track "family"`},
		{"unknown kind", tiny(`{"key":"x.1","kind":"skill","stage":"a","track":"both","label":"X"}`), "x.1", "kind", `unknown kind "skill"`},
		{"missing label", tiny(`{"key":"x.1","kind":"role","stage":"a","track":"both"}`), "x.1", "label", "needs a label"},
		{"blank label", tiny(`{"key":"x.1","kind":"role","stage":"a","track":"both","label":"  "}`), "x.1", "label", "needs a label"},
		{"strength on non-prerequisite", tiny(`{"key":"x.1","kind":"training","stage":"a","track":"both","label":"X","strength":"required"}`), "x.1", "strength", "only prerequisites"},
		{"missing strength", tiny(`{"key":"x.1","kind":"prerequisite","stage":"a","track":"both","label":"X"}`), "x.1", "strength", "needs a strength"},
		{"bad strength", tiny(`{"key":"x.1","kind":"prerequisite","stage":"a","track":"both","label":"X","strength":"helpful"}`), "x.1", "strength", `unknown strength "helpful"`},
		{"supersedes missing item", tiny(`{"key":"x.1","kind":"competency","stage":"b","track":"both","label":"X","supersedes":"nope"}`), "x.1", "supersedes", `"nope", which is not an item`},
		{"supersedes same stage", tiny(okA + `,{"key":"x.1","kind":"competency","stage":"a","track":"both","label":"X","supersedes":"a.one"}`), "x.1", "supersedes", "not earlier"},
		{"supersedes later stage", tiny(`{"key":"x.1","kind":"competency","stage":"a","track":"both","label":"X","supersedes":"b.one"},{"key":"b.one","kind":"competency","stage":"b","track":"both","label":"B"}`), "x.1", "supersedes", "not earlier"},
		{"supersedes itself", tiny(`{"key":"x.1","kind":"competency","stage":"b","track":"both","label":"X","supersedes":"x.1"}`), "x.1", "supersedes", "itself"},
		{"supersedes across tracks", tiny(okAAdd + `,{"key":"x.1","kind":"prerequisite","stage":"b","track":"mental-health","label":"X","strength":"required","supersedes":"a.add"}`), "x.1", "supersedes", "an item on the mental-health track cannot supersede \"a.add\", which is on the addiction track"},
		{"unknown met_by rule", tiny(`{"key":"x.1","kind":"prerequisite","stage":"a","track":"both","label":"X","strength":"required","met_by":{"groups_attended":3}}`), "x.1", "met_by", `unknown met_by rule "groups_attended"`},
		{"two met_by rules", tiny(`{"key":"x.1","kind":"prerequisite","stage":"a","track":"both","label":"X","strength":"required","met_by":{"credential":"cps","ethics_attestation":true}}`), "x.1", "met_by", "exactly one rule"},
		{"empty met_by", tiny(`{"key":"x.1","kind":"prerequisite","stage":"a","track":"both","label":"X","strength":"required","met_by":{}}`), "x.1", "met_by", "names no rule"},
		{"bad experience months", tiny(`{"key":"x.1","kind":"prerequisite","stage":"a","track":"both","label":"X","strength":"required","met_by":{"experience_months":0}}`), "x.1", "met_by", "greater than zero"},
		{"bad group sessions", tiny(`{"key":"x.1","kind":"prerequisite","stage":"a","track":"both","label":"X","strength":"required","met_by":{"group_sessions_facilitated":-2}}`), "x.1", "met_by", "whole number of sessions greater than zero"},
		{"unknown item field", tiny(`{"key":"x.1","kind":"role","stage":"a","track":"both","label":"X","colour":"red"}`), "x.1", "colour", `unknown field "colour"`},
		{"field in the wrong case", tiny(`{"key":"x.1","kind":"role","stage":"a","track":"both","Label":"X"}`), "x.1", "Label", `unknown field "Label"`},
		{"wrong type", tiny(`{"key":"x.1","kind":"role","stage":"a","track":"both","label":"X","carries_forward":"yes"}`), "x.1", "carries_forward", "wrong type"},
		{"bad key", tiny(`{"key":"X 1","kind":"role","stage":"a","track":"both","label":"X"}`), "X 1", "key", "lowercase slug"},
		{"missing key", tiny(`{"kind":"role","stage":"a","track":"both","label":"X"}`), "", "items[0].key", "needs a key"},
		{"unknown chart field", []byte(`{"id":"t","title":"T","stages":[{"key":"a","name":"A"}],"items":[` + okA + `],"extra":1}`), "", "extra", `unknown field "extra"`},
		{"unknown stage field", []byte(`{"id":"t","title":"T","stages":[{"key":"a","name":"A","colour":"x"}],"items":[` + okA + `]}`), "", "stages[0].colour", `unknown field "colour"`},
		{"duplicate stage", []byte(`{"id":"t","title":"T","stages":[{"key":"a","name":"A"},{"key":"a","name":"A again"}],"items":[` + okA + `]}`), "", "stages[1].key", `"a" is used twice`},
		{"no stages", []byte(`{"id":"t","title":"T","stages":[],"items":[` + okA + `]}`), "", "stages", "at least one stage"},
		{"no items", []byte(`{"id":"t","title":"T","stages":[{"key":"a","name":"A"}],"items":[]}`), "", "items", "no items"},
		{"missing id", []byte(`{"title":"T","stages":[{"key":"a","name":"A"}],"items":[` + okA + `]}`), "", "id", "needs an id"},
		{"bad published", []byte(`{"id":"t","title":"T","published":"April 2014","stages":[{"key":"a","name":"A"}],"items":[` + okA + `]}`), "", "published", "YYYY-MM"},
		{"not json", []byte(`{"id":`), "", "", "one JSON object"},
		{"trailing data", []byte(`{} {}`), "", "", "one JSON object"},
		{"null", []byte(`null`), "", "", "must be a JSON object"},
		{"array", []byte(`[]`), "", "", "one JSON object, not a JSON array"},
		{"stage of the wrong type", []byte(`{"id":"t","title":"T","stages":[{"key":"a","name":7}],"items":[` + okA + `]}`), "", "stages[0].name", "wrong type: expected a string, found a JSON number"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse(tc.data)
			if err == nil {
				t.Fatalf("Parse accepted the chart (%d items)", len(c.Items()))
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %T is not a *ValidationError: %v", err, err)
			}
			found := false
			for _, p := range ve.Problems {
				if p.Key == tc.key && p.Field == tc.field && strings.Contains(p.Message, tc.text) {
					found = true
				}
			}
			if !found {
				t.Fatalf("no problem {key %q, field %q, %q} in %+v", tc.key, tc.field, tc.text, ve.Problems)
			}
			msg := err.Error()
			if tc.key != "" && !strings.Contains(msg, `item "`+tc.key+`"`) {
				t.Errorf("message does not name item %q: %s", tc.key, msg)
			}
			if !strings.Contains(msg, tc.text) {
				t.Errorf("message lacks %q: %s", tc.text, msg)
			}
			if core.KindOf(err) != core.KindInvalid {
				t.Errorf("kind = %s, want invalid", core.KindOf(err))
			}
			ce := ve.CoreError()
			name := tc.field
			if tc.key != "" {
				name = "items." + tc.key + "." + tc.field
			}
			if name == "" {
				name = "chart"
			}
			if !strings.Contains(ce.Fields[name], tc.text) {
				t.Errorf("CoreError fields[%q] = %q; all: %v", name, ce.Fields[name], ce.Fields)
			}
		})
	}
}

func TestParseListsEveryProblem(t *testing.T) {
	_, err := Parse(tiny(
		`{"key":"p.1","kind":"skill","stage":"a","track":"both","label":"X"},` +
			`{"key":"p.2","kind":"role","stage":"q","track":"both","label":"Y"},` +
			`{"key":"p.3","kind":"prerequisite","stage":"b","track":"both","label":"Z","strength":"required","supersedes":"gone"}`))
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	keys := map[string]bool{}
	for _, p := range ve.Problems {
		keys[p.Key] = true
	}
	for _, k := range []string{"p.1", "p.2", "p.3"} {
		if !keys[k] {
			t.Errorf("no problem reported for %s: %v", k, ve.Problems)
		}
	}
	if !strings.HasPrefix(err.Error(), "invalid chart (3 problems)") {
		t.Errorf("message = %s", err)
	}
}

func TestParseAcceptsOwnStages(t *testing.T) {
	c, err := Parse(tiny(okA + `,` + okAMH + `,` + okAAdd))
	if err != nil {
		t.Fatal(err)
	}
	if c.StageIndex("b") != 1 || c.StageIndex("volunteer") != -1 {
		t.Errorf("stage index wrong: %d %d", c.StageIndex("b"), c.StageIndex("volunteer"))
	}
	if _, err := c.LookupStage("B"); err == nil {
		t.Error("LookupStage should be exact for a chart's own keys")
	}
	if st, err := c.LookupStage("b"); err != nil || st != "b" {
		t.Errorf("LookupStage(b) = %q, %v", st, err)
	}
	_, err = c.LookupStage("c")
	if err == nil || !strings.Contains(err.Error(), "a, b") {
		t.Errorf("LookupStage(c) error should list a, b: %v", err)
	}
}

func TestParseStage(t *testing.T) {
	ok := map[string]Stage{
		"volunteer": StageVolunteer, " Volunteer ": StageVolunteer,
		"1": Stage1, "2": Stage2, "3": Stage3, "4": Stage4, "5": Stage5,
		"I": Stage1, "ii": Stage2, "III": Stage3, "iv": Stage4, "V": Stage5,
		"stage-1": Stage1, "Stage II": Stage2, "stage3": Stage3, "stage_iv": Stage4,
	}
	for in, want := range ok {
		got, err := ParseStage(in)
		if err != nil || got != want {
			t.Errorf("ParseStage(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "6", "vi", "vol", "stage-", "stage-volunteer", "one"} {
		_, err := ParseStage(in)
		if err == nil {
			t.Errorf("ParseStage(%q) accepted", in)
			continue
		}
		ce, isCore := core.As(err)
		if !isCore || ce.Kind != core.KindInvalid {
			t.Errorf("ParseStage(%q) error %v is not an invalid core error", in, err)
			continue
		}
		if !strings.Contains(ce.Message, "volunteer, 1, 2, 3, 4, 5") || ce.Fields["stage"] == "" {
			t.Errorf("ParseStage(%q) error does not list the allowed values: %v", in, err)
		}
	}
	if got, _ := MA2014().LookupStage("Stage IV"); got != Stage4 {
		t.Errorf("LookupStage(Stage IV) = %q", got)
	}
}

func TestParseTrack(t *testing.T) {
	ok := map[string]Track{
		"both": TrackBoth, "BOTH": TrackBoth,
		"mental-health": TrackMentalHealth, "Mental Health": TrackMentalHealth, "mh": TrackMentalHealth, "mental_health": TrackMentalHealth,
		"addiction": TrackAddiction, " Addiction": TrackAddiction,
	}
	for in, want := range ok {
		got, err := ParseTrack(in)
		if err != nil || got != want {
			t.Errorf("ParseTrack(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "mental", "substance", "all"} {
		_, err := ParseTrack(in)
		ce, isCore := core.As(err)
		if !isCore || ce.Kind != core.KindInvalid {
			t.Errorf("ParseTrack(%q) = %v, want an invalid core error", in, err)
			continue
		}
		if !strings.Contains(ce.Message, "both, mental-health, addiction") || ce.Fields["track"] == "" {
			t.Errorf("ParseTrack(%q) error does not list the allowed values: %v", in, err)
		}
	}
}

// The shipped chart file is formatted as it would be re-encoded, so diffs to
// it stay readable.
func TestMA2014FileIsIndented(t *testing.T) {
	var buf bytes.Buffer
	if err := json.Indent(&buf, MA2014JSON(), "", "  "); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bytes.TrimSpace(buf.Bytes()), bytes.TrimSpace(MA2014JSON())) {
		t.Error("charts/ma-2014.json is not indented with two spaces")
	}
}
