package framework

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestToJSON(t *testing.T) {
	c := MA2014()
	got := ToJSON(EffectiveRequirements(c, Stage3, TrackAddiction))
	var rc, cori RequirementJSON
	for _, r := range got {
		switch r.Key {
		case "s3.prereq.recovery-coach":
			rc = r
		case "v.prereq.cori":
			cori = r
		}
	}
	b, _ := json.Marshal(rc)
	want := `{"key":"s3.prereq.recovery-coach","kind":"prerequisite","label":"Recovery Coach required or preferred with Grandfather clause to be considered","strength":"preferred","stage":"3","track":"addiction","carried_forward":true,"grandfather":true,"carried":false,"strength_options":["required","preferred"]}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	b, _ = json.Marshal(cori)
	want = `{"key":"v.prereq.cori","kind":"prerequisite","label":"CORI, as indicated by specific RSC, RLC or other program","strength":"required","stage":"volunteer","track":"both","carried_forward":true,"grandfather":false,"carried":true,"conditional":true}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	for _, r := range got {
		if r.Kind != "prerequisite" && r.Strength != "" {
			t.Errorf("%s has strength %q", r.Key, r.Strength)
		}
	}
	if b, _ := json.Marshal(ToJSON(nil)); string(b) != "[]" {
		t.Errorf("empty list marshals as %s", b)
	}
}

func TestWriteText(t *testing.T) {
	c := MA2014()
	var b strings.Builder
	if err := WriteText(&b, c, Stage3, TrackMentalHealth, EffectiveRequirements(c, Stage3, TrackMentalHealth)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"Stage III, mental health track",
		"Competencies\n",
		"Prerequisites\n",
		"Training available\n",
		"Example roles",
		"  - Previous peer support experience expected (expected; carried from Stage II)\n",
		"  - Certified Peer Specialist required or preferred with Grandfather Clause to be considered (preferred until the organisation chooses required or preferred; grandfather clause; mental health only)\n",
		"  - Reliable & responsible (carried from Volunteer Peer Worker)\n",
		"  - Able to supervise one or more peer professionals\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out, "Recovery Coach required") {
		t.Error("addiction item on the mental-health listing")
	}
	if strings.Index(out, "Competencies") > strings.Index(out, "Prerequisites") {
		t.Error("kinds out of order")
	}
}

func TestSummary(t *testing.T) {
	s := Summary(MA2014())
	for _, want := range []string{
		"ma-2014: Massachusetts Peer Professional Workforce Development Guidelines",
		"6 stages: volunteer (Volunteer Peer Worker), 1 (Stage I)",
		"211 items",
		"mastery 12, role 51, competency 66, prerequisite 27, training 55",
		"both 113, mental-health 53, addiction 45",
		"volunteer 47, 1 34, 2 45, 3 40, 4 26, 5 19",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
}
