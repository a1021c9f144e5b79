package framework

import (
	"errors"
	"strings"
	"testing"
)

// The rules an organisation meets on day one (issue 12): a code of ethics
// per track, grandfathering that lasts along a chain of restated items,
// prerequisites that depend on the organisation, a track that is chosen and
// never assumed, previous experience counted as the chart means it, and a
// lapsed credential shown as expired.

// requiredCPS is an organisation that reads every "required or preferred"
// item as required.
var requiredCPS = Choices{Strength: map[string]Strength{
	"s2.prereq.recovery-coach": StrengthRequired, "s3.prereq.recovery-coach": StrengthRequired,
	"s4.prereq.recovery-coach": StrengthRequired, "s5.prereq.recovery-coach": StrengthRequired,
	"s3.prereq.cps": StrengthRequired, "s4.prereq.cps": StrengthRequired, "s5.prereq.cps": StrengthRequired,
}}

// allBlockingEvidence returns evidence for every requirement that blocks
// under choices at every stage on track, except skip.
func allBlockingEvidence(c *Chart, track Track, ch Choices, skip ...string) Evidence {
	ev := Evidence{}
	omit := map[string]bool{}
	for _, k := range skip {
		omit[k] = true
	}
	as := NewAssessor(c, Input{Track: track, Choices: ch})
	for _, st := range c.Stages() {
		for _, r := range EffectiveRequirements(c, st.Key, track) {
			if r.Kind.Descriptive() || omit[r.Key] {
				continue
			}
			if as.Assess(r).Blocking {
				ev[r.Key] = []EvidenceRef{{Kind: EvidenceSignoff, Label: "signed off", On: "2024-05-01", ID: "e-" + r.Key}}
			}
		}
	}
	return ev
}

func without(ev Evidence, keys ...string) Evidence {
	out := MergeEvidence(ev)
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

func TestReadinessOrganisationRules(t *testing.T) {
	c := MA2014()
	gf := Waiver{ItemKey: "s3.prereq.cps", ByName: "Ana Reyes", ByID: "7", On: "2019-03-01", Reason: "Certified before the course existed: 12 years as a peer specialist"}
	gfExp := Waiver{ItemKey: "s3.prereq.professional-experience", ByName: "Ana Reyes", ByID: "7", On: "2019-03-01", Reason: "Grandfathered in"}
	gfRC := Waiver{ItemKey: "s2.prereq.recovery-coach", ByName: "Sam Li", ByID: "8", On: "2020-06-01", Reason: "Coaching since 2008"}
	plain := Waiver{ItemKey: "s4.prereq.digital-communication", ByName: "Sam Li", ByID: "8", On: "2024-01-01", Reason: "Uses a screen reader; assessed in person"}
	type check struct {
		stage     Stage
		key       string
		status    Status
		blocking  bool
		carried   string // the key a carried waiver comes from
		expiredOn string
	}
	cases := []struct {
		name    string
		track   Track
		ev      func() Evidence
		facts   Facts
		waivers []Waiver
		choices Choices
		checks  []check
		ready   map[Stage]bool
		needs   bool
	}{
		{name: "a worker without a track gets no stages", track: "", needs: true},

		// A code of ethics per track.
		{name: "mental-health worker who signed the CPS code", track: TrackMentalHealth,
			facts:  Facts{EthicsSigned: map[string]string{"cps": "2026-01-05"}},
			checks: []check{{StageVolunteer, "v.prereq.ethics-exposure", StatusMet, true, "", ""}, {Stage1, "s1.prereq.cps-ethics", StatusMet, true, "", ""}}},
		{name: "mental-health worker who signed only the RSC code", track: TrackMentalHealth,
			facts:  Facts{EthicsSigned: map[string]string{"rsc": "2026-01-05"}},
			checks: []check{{Stage1, "s1.prereq.cps-ethics", StatusNotMet, true, "", ""}}},
		{name: "addiction worker who signed only the CPS code", track: TrackAddiction,
			facts:  Facts{EthicsSigned: map[string]string{"cps": "2026-01-05"}},
			checks: []check{{Stage1, "s1.prereq.rsc-ethics", StatusNotMet, true, "", ""}}},
		{name: "addiction worker who signed the RSC code", track: TrackAddiction,
			facts:  Facts{EthicsSigned: map[string]string{"rsc": "2026-01-05"}},
			checks: []check{{Stage1, "s1.prereq.rsc-ethics", StatusMet, true, "", ""}}},
		{name: "worker on both tracks who signed only the CPS code", track: TrackBoth,
			facts:  Facts{EthicsSigned: map[string]string{"cps": "2026-01-05"}},
			checks: []check{{Stage1, "s1.prereq.cps-ethics", StatusMet, true, "", ""}, {Stage1, "s1.prereq.rsc-ethics", StatusNotMet, true, "", ""}}},
		{name: "worker on both tracks who signed both codes", track: TrackBoth,
			facts:  Facts{EthicsSigned: map[string]string{"cps": "2026-01-05", "rsc": "2026-01-06"}},
			checks: []check{{Stage1, "s1.prereq.cps-ethics", StatusMet, true, "", ""}, {Stage1, "s1.prereq.rsc-ethics", StatusMet, true, "", ""}}},

		// Grandfathering that lasts.
		{name: "CPS grandfathered at Stage III carries to IV and V", track: TrackMentalHealth, choices: requiredCPS,
			waivers: []Waiver{gf},
			checks: []check{
				{Stage3, "s3.prereq.cps", StatusWaived, true, "", ""},
				{Stage4, "s4.prereq.cps", StatusWaived, true, "s3.prereq.cps", ""},
				{Stage5, "s5.prereq.cps", StatusWaived, true, "s3.prereq.cps", ""},
			}},
		{name: "grandfathered at Stage III reaches Stage V once all other evidence is in", track: TrackMentalHealth, choices: requiredCPS,
			ev: func() Evidence {
				return allBlockingEvidence(c, TrackMentalHealth, requiredCPS,
					"s3.prereq.cps", "s4.prereq.cps", "s5.prereq.cps",
					"s3.prereq.professional-experience", "s4.prereq.professional-experience", "s5.prereq.professional-experience")
			},
			waivers: []Waiver{gf, gfExp},
			checks: []check{
				{Stage5, "s5.prereq.cps", StatusWaived, true, "s3.prereq.cps", ""},
				{Stage5, "s5.prereq.professional-experience", StatusWaived, true, "s3.prereq.professional-experience", ""},
			},
			ready: map[Stage]bool{Stage3: true, Stage4: true, Stage5: true}},
		{name: "withdrawn grandfather waiver leaves the whole chain not met", track: TrackMentalHealth, choices: requiredCPS,
			ev: func() Evidence {
				return allBlockingEvidence(c, TrackMentalHealth, requiredCPS, "s3.prereq.cps", "s4.prereq.cps", "s5.prereq.cps")
			},
			checks: []check{{Stage3, "s3.prereq.cps", StatusNotMet, true, "", ""}, {Stage5, "s5.prereq.cps", StatusNotMet, true, "", ""}},
			ready:  map[Stage]bool{Stage3: false, Stage4: false, Stage5: false}},
		{name: "Recovery Coach grandfathered at Stage II carries to V", track: TrackAddiction, choices: requiredCPS,
			waivers: []Waiver{gfRC},
			checks: []check{
				{Stage2, "s2.prereq.recovery-coach", StatusWaived, true, "", ""},
				{Stage3, "s3.prereq.recovery-coach", StatusWaived, true, "s2.prereq.recovery-coach", ""},
				{Stage5, "s5.prereq.recovery-coach", StatusWaived, true, "s2.prereq.recovery-coach", ""},
			}},
		{name: "a grandfather waiver at Stage IV does not reach back to Stage III", track: TrackMentalHealth, choices: requiredCPS,
			waivers: []Waiver{{ItemKey: "s4.prereq.cps", ByName: "Ana Reyes", On: "2024-01-01", Reason: "grandfathered"}},
			checks:  []check{{Stage3, "s3.prereq.cps", StatusNotMet, true, "", ""}, {Stage5, "s5.prereq.cps", StatusWaived, true, "s4.prereq.cps", ""}}},
		{name: "a waiver without a grandfather clause stays on its item", track: TrackBoth,
			waivers: []Waiver{plain},
			checks:  []check{{Stage4, "s4.prereq.digital-communication", StatusWaived, true, "", ""}, {Stage5, "s5.prereq.digital-communication", StatusNotMet, true, "", ""}}},

		// Prerequisites that depend on the organisation.
		{name: "CORI not asked for is not applicable and never blocks", track: TrackBoth,
			ev:     func() Evidence { return without(allBlockingEvidence(c, TrackBoth, Choices{}), "v.prereq.cori") },
			checks: []check{{StageVolunteer, "v.prereq.cori", StatusNotApplicable, false, "", ""}, {Stage5, "v.prereq.cori", StatusNotApplicable, false, "", ""}},
			ready:  map[Stage]bool{StageVolunteer: true, Stage5: true}},
		{name: "CORI switched on blocks until recorded", track: TrackAddiction, choices: Choices{Applies: map[string]bool{"v.prereq.cori": true}},
			ev: func() Evidence {
				return without(allBlockingEvidence(c, TrackAddiction, Choices{Applies: map[string]bool{"v.prereq.cori": true}}), "v.prereq.cori")
			},
			checks: []check{{StageVolunteer, "v.prereq.cori", StatusNotMet, true, "", ""}},
			ready:  map[Stage]bool{StageVolunteer: false, Stage3: false}},
		{name: "CORI switched on and recorded", track: TrackMentalHealth, choices: Choices{Applies: map[string]bool{"v.prereq.cori": true}},
			ev: func() Evidence {
				return Evidence{"v.prereq.cori": {{Kind: EvidencePrerequisite, Label: "CORI cleared", On: "2025-02-01"}}}
			},
			checks: []check{{StageVolunteer, "v.prereq.cori", StatusMet, true, "", ""}}},
		{name: "required or preferred defaults to preferred", track: TrackMentalHealth,
			checks: []check{{Stage3, "s3.prereq.cps", StatusNotMet, false, "", ""}}},
		{name: "required or preferred held is an advantage", track: TrackAddiction, facts: Facts{Credentials: []string{"recovery-coach"}},
			checks: []check{{Stage2, "s2.prereq.recovery-coach", StatusAdvantage, false, "", ""}}},
		{name: "the organisation reads it as required", track: TrackMentalHealth, choices: requiredCPS,
			checks: []check{{Stage3, "s3.prereq.cps", StatusNotMet, true, "", ""}}},
		{name: "a strength that is not one of the options is ignored", track: TrackMentalHealth,
			choices: Choices{Strength: map[string]Strength{"s3.prereq.cps": StrengthExpected, "s3.prereq.professional-experience": StrengthPreferred}},
			checks:  []check{{Stage3, "s3.prereq.cps", StatusNotMet, false, "", ""}, {Stage3, "s3.prereq.professional-experience", StatusNotMet, true, "", ""}}},

		// A lapsed credential.
		{name: "a lapsed CPS credential shows expired and blocks where required", track: TrackMentalHealth, choices: requiredCPS,
			facts:  Facts{LapsedCredentials: map[string]string{"cps": "2026-03-31"}},
			checks: []check{{Stage3, "s3.prereq.cps", StatusExpired, true, "", "2026-03-31"}, {Stage5, "s5.prereq.cps", StatusExpired, true, "", "2026-03-31"}},
			ready:  map[Stage]bool{Stage3: false}},
		{name: "a lapsed Recovery Coach credential shows expired where preferred", track: TrackAddiction,
			facts:  Facts{LapsedCredentials: map[string]string{"recovery-coach": "2025-12-01"}},
			checks: []check{{Stage2, "s2.prereq.recovery-coach", StatusExpired, false, "", "2025-12-01"}}},
		{name: "a lapsed credential renewed since is met", track: TrackMentalHealth, choices: requiredCPS,
			facts:  Facts{Credentials: []string{"cps"}, LapsedCredentials: map[string]string{"cps": "2020-01-01"}},
			checks: []check{{Stage3, "s3.prereq.cps", StatusMet, true, "", ""}}},
		{name: "a grandfather waiver covers a lapsed credential", track: TrackMentalHealth, choices: requiredCPS,
			facts: Facts{LapsedCredentials: map[string]string{"cps": "2026-03-31"}}, waivers: []Waiver{gf},
			checks: []check{{Stage4, "s4.prereq.cps", StatusWaived, true, "s3.prereq.cps", ""}}},

		// Previous experience.
		{name: "no previous role: previous experience not met", track: TrackBoth, facts: Facts{ExperienceMonths: 14},
			checks: []check{{Stage1, "s1.prereq.peer-experience", StatusNotMet, false, "", ""}, {Stage2, "s2.prereq.peer-experience", StatusNotMet, true, "", ""}}},
		{name: "a role that ended before the current one counts", track: TrackMentalHealth, facts: Facts{PreviousRoles: 1, PreviousMonths: 9, CurrentFrom: "2025-01-06"},
			checks: []check{{Stage1, "s1.prereq.peer-experience", StatusAdvantage, false, "", ""}, {Stage2, "s2.prereq.peer-experience", StatusMet, true, "", ""}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev := Evidence{}
			if tc.ev != nil {
				ev = tc.ev()
			}
			ev = MergeEvidence(ev, AutoEvidence(c, tc.facts))
			p := Measure(c, Input{Track: tc.track, Evidence: ev, Waivers: tc.waivers, Choices: tc.choices, Lapsed: LapsedItems(c, tc.facts)})
			if p.NeedsTrack != tc.needs || (tc.needs && (len(p.Stages) != 0 || p.Track != "")) {
				t.Fatalf("needs track %v with %d stages, want %v", p.NeedsTrack, len(p.Stages), tc.needs)
			}
			for _, ck := range tc.checks {
				r, ok := statusOf(stageOf(p, ck.stage), ck.key)
				if !ok {
					t.Errorf("%s not at stage %s", ck.key, ck.stage)
					continue
				}
				if r.Status != ck.status || r.Blocking != ck.blocking || r.ExpiredOn != ck.expiredOn {
					t.Errorf("stage %s %s: %s blocking %v expired %q, want %s %v %q", ck.stage, ck.key, r.Status, r.Blocking, r.ExpiredOn, ck.status, ck.blocking, ck.expiredOn)
				}
				if ck.status == StatusWaived {
					if r.Waiver == nil {
						t.Fatalf("%s waived without a waiver", ck.key)
					}
					if r.Waiver.CarriedFrom != ck.carried || r.Waiver.ByName == "" || r.Waiver.On == "" || r.Waiver.Reason == "" {
						t.Errorf("%s waiver = %+v, want carried from %q with who, when and why", ck.key, r.Waiver, ck.carried)
					}
					if ck.carried != "" && r.Waiver.CarriedFromName != "Stage III" && r.Waiver.CarriedFromName != "Stage II" && r.Waiver.CarriedFromName != "Stage IV" {
						t.Errorf("%s carried from %q", ck.key, r.Waiver.CarriedFromName)
					}
				}
				if ck.status == StatusNotApplicable && r.Applies {
					t.Errorf("%s not applicable but Applies", ck.key)
				}
			}
			for st, want := range tc.ready {
				if s := stageOf(p, st); s.Ready != want {
					var missing []string
					for _, r := range s.Requirements {
						if r.Blocking && r.Status.Missing() {
							missing = append(missing, r.Key)
						}
					}
					t.Errorf("stage %s ready %v, want %v (missing %v)", st, s.Ready, want, missing)
				}
			}
		})
	}
}

func TestCarriedWaiverNamesItsStage(t *testing.T) {
	c := MA2014()
	p := Measure(c, Input{Track: TrackMentalHealth, Waivers: []Waiver{{ItemKey: "s3.prereq.cps", ByName: "Ana Reyes", On: "2019-03-01", Reason: "grandfathered"}}})
	r, _ := statusOf(stageOf(p, Stage5), "s5.prereq.cps")
	if r.Waiver == nil || r.Waiver.CarriedFromStage != Stage3 || r.Waiver.CarriedFromName != "Stage III" || r.Waiver.ItemKey != "s5.prereq.cps" {
		t.Fatalf("waiver = %+v", r.Waiver)
	}
	// A waiver given on the later item itself wins over one carried to it.
	own := Waiver{ItemKey: "s5.prereq.cps", ByName: "Sam Li", On: "2018-01-01", Reason: "own"}
	p = Measure(c, Input{Track: TrackMentalHealth, Waivers: []Waiver{{ItemKey: "s3.prereq.cps", ByName: "Ana Reyes", On: "2019-03-01", Reason: "grandfathered"}, own}})
	if r, _ := statusOf(stageOf(p, Stage5), "s5.prereq.cps"); r.Waiver == nil || r.Waiver.ByName != "Sam Li" || r.Waiver.CarriedFrom != "" {
		t.Fatalf("own waiver lost: %+v", r.Waiver)
	}
}

func TestChartOrganisationRulesValidation(t *testing.T) {
	codes := `"ethics_codes":[{"key":"cps","title":"CPS code","tracks":["mental-health"]}],`
	chart := func(extra, items string) []byte {
		return []byte(`{"id":"t","title":"Test",` + extra + `"stages":[{"key":"a","name":"A"},{"key":"b","name":"B"}],"items":[` + items + `]}`)
	}
	cases := []struct {
		name, key, field, msg string
		data                  []byte
	}{
		{"undefined ethics code", "a.eth", "met_by", `ethics_code "rsc" is not one of the chart's ethics_codes (cps)`,
			chart(codes, `{"key":"a.eth","kind":"prerequisite","stage":"a","track":"both","label":"E","strength":"required","met_by":{"ethics_code":"rsc"}}`)},
		{"undefined code without a list", "a.eth", "met_by", `ethics_code "rsc" is not one of the chart's ethics_codes (cps)`,
			chart("", `{"key":"a.eth","kind":"prerequisite","stage":"a","track":"both","label":"E","strength":"required","met_by":{"ethics_code":"rsc"}}`)},
		{"conditional without its question", "a.cori", "question", "needs its question",
			chart("", `{"key":"a.cori","kind":"prerequisite","stage":"a","track":"both","label":"CORI","strength":"required","conditional":true}`)},
		{"question without conditional", "a.cori", "question", "only a conditional item",
			chart("", `{"key":"a.cori","kind":"prerequisite","stage":"a","track":"both","label":"CORI","strength":"required","question":"Asked?"}`)},
		{"default strength not among the options", "a.cps", "strength", "must be one of strength_options",
			chart("", `{"key":"a.cps","kind":"prerequisite","stage":"a","track":"both","label":"CPS","strength":"expected","strength_options":["required","preferred"]}`)},
		{"strength options on a competency", "a.c", "strength_options", "only prerequisites",
			chart("", `{"key":"a.c","kind":"competency","stage":"a","track":"both","label":"C","strength_options":["required","preferred"]}`)},
		{"code with an unknown track", "", "ethics_codes[0].tracks", "unknown track",
			chart(`"ethics_codes":[{"key":"cps","title":"CPS","tracks":["family"]}],`, `{"key":"a.c","kind":"competency","stage":"a","track":"both","label":"C"}`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.data)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v", err)
			}
			for _, p := range ve.Problems {
				if p.Key == tc.key && p.Field == tc.field && strings.Contains(p.Message, tc.msg) {
					return
				}
			}
			t.Errorf("problems %v lack %s/%s %q", ve.Problems, tc.key, tc.field, tc.msg)
		})
	}
	c, err := Parse(chart(codes, `{"key":"a.cori","kind":"prerequisite","stage":"a","track":"both","label":"CORI","strength":"required","conditional":true,"question":"Do you ask for CORI?"}`))
	if err != nil {
		t.Fatal(err)
	}
	if it, _ := c.Item("a.cori"); !it.Conditional || it.Question != "Do you ask for CORI?" || len(c.OrgChoices()) != 1 {
		t.Errorf("item = %+v", it)
	}
	// A chart written as a file reads back the same.
	b, _ := c.MarshalJSON()
	c2, err := Parse(b)
	if err != nil || len(c2.EthicsCodes()) != 1 || c2.EthicsCodes()[0].Key != "cps" {
		t.Fatalf("round trip: %v %+v", err, c2)
	}
}

func TestMA2014EthicsCodesAndChoices(t *testing.T) {
	c := MA2014()
	codes := c.EthicsCodes()
	if len(codes) != 2 || codes[0].Key != "cps" || codes[1].Key != "rsc" {
		t.Fatalf("codes = %+v", codes)
	}
	if !codes[0].AppliesTo(TrackMentalHealth) || codes[0].AppliesTo(TrackAddiction) || !codes[1].AppliesTo(TrackBoth) {
		t.Errorf("code tracks wrong: %+v", codes)
	}
	var keys []string
	for _, it := range c.OrgChoices() {
		keys = append(keys, it.Key)
	}
	want := "v.prereq.cori s2.prereq.recovery-coach s3.prereq.cps s3.prereq.recovery-coach s4.prereq.cps s4.prereq.recovery-coach s5.prereq.cps s5.prereq.recovery-coach"
	if strings.Join(keys, " ") != want {
		t.Errorf("org choices = %v", keys)
	}
	// Every supersedes chain with a grandfather clause is linked.
	for _, chain := range [][]string{
		{"s3.prereq.cps", "s4.prereq.cps", "s5.prereq.cps"},
		{"s3.prereq.professional-experience", "s4.prereq.professional-experience", "s5.prereq.professional-experience"},
		{"s2.prereq.recovery-coach", "s3.prereq.recovery-coach", "s4.prereq.recovery-coach", "s5.prereq.recovery-coach"},
	} {
		for i := 1; i < len(chain); i++ {
			it, _ := c.Item(chain[i])
			if it.Supersedes != chain[i-1] || !it.Grandfather {
				t.Errorf("%s supersedes %q (grandfather %v), want %s", chain[i], it.Supersedes, it.Grandfather, chain[i-1])
			}
		}
	}
}

// Every rule holds on each track and on both.
func TestOrganisationRulesOnEveryTrack(t *testing.T) {
	c := MA2014()
	on := Choices{Applies: map[string]bool{"v.prereq.cori": true}}
	for _, tr := range []Track{TrackMentalHealth, TrackAddiction, TrackBoth} {
		t.Run(string(tr), func(t *testing.T) {
			// CORI off, then on.
			off := Measure(c, Input{Track: tr})
			if r, _ := statusOf(stageOf(off, Stage3), "v.prereq.cori"); r.Status != StatusNotApplicable || r.Blocking {
				t.Errorf("CORI off: %s blocking %v", r.Status, r.Blocking)
			}
			if r, _ := statusOf(stageOf(Measure(c, Input{Track: tr, Choices: on}), Stage3), "v.prereq.cori"); r.Status != StatusNotMet || !r.Blocking {
				t.Errorf("CORI on: %s blocking %v", r.Status, r.Blocking)
			}
			// Ready at every stage once all blocking evidence is in, CORI off.
			all := allBlockingEvidence(c, tr, Choices{})
			for _, s := range Measure(c, Input{Track: tr, Evidence: all}).Stages {
				if !s.Ready {
					t.Errorf("stage %s not ready with all evidence", s.Stage)
				}
			}
			// The ethics items of the track need that track's code, and only it.
			signedBoth := AutoEvidence(c, Facts{EthicsSigned: map[string]string{"cps": "2026-01-01", "rsc": "2026-01-01"}})
			signedNone := AutoEvidence(c, Facts{})
			for _, code := range c.EthicsCodes() {
				for _, it := range c.Items() {
					if it.MetBy.EthicsCode != code.Key || !trackApplies(it.Track, tr) {
						continue
					}
					if !code.AppliesTo(tr) {
						t.Errorf("%s names %s, which does not apply to the %s track", it.Key, code.Key, tr)
					}
					if len(signedBoth[it.Key]) != 1 || len(signedNone[it.Key]) != 0 {
						t.Errorf("%s: evidence %v / %v", it.Key, signedBoth[it.Key], signedNone[it.Key])
					}
					other := map[string]string{}
					for _, x := range c.EthicsCodes() {
						if x.Key != code.Key {
							other[x.Key] = "2026-01-01"
						}
					}
					if ev := AutoEvidence(c, Facts{EthicsSigned: other}); len(ev[it.Key]) != 0 {
						t.Errorf("%s is met by another code's signature", it.Key)
					}
				}
			}
			// No track, no stages.
			if p := Measure(c, Input{Evidence: all}); !p.NeedsTrack || len(p.Stages) != 0 {
				t.Errorf("without a track: %+v", p)
			}
		})
	}
}
