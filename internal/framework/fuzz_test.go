package framework

import (
	"encoding/json"
	"errors"
	"testing"
)

func FuzzParse(f *testing.F) {
	f.Add(MA2014JSON())
	f.Add(tiny(okA + `,` + okAMH + `,` + okAAdd))
	f.Add(tiny(`{"key":"x.1","kind":"prerequisite","stage":"b","track":"mental-health","label":"X","strength":"required","supersedes":"a.add","met_by":{"credential":"cps"}},` + okAAdd))
	f.Add([]byte(`{"items":[null,1,"x",{"key":1}],"stages":[null,{"key":""}]}`))
	f.Add([]byte(`{"met_by":{"experience_months":-1}}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("error is not a ValidationError with problems: %v", err)
			}
			_ = ve.CoreError()
			return
		}
		// A chart that parses must be usable everywhere, and survive a
		// round trip.
		for _, st := range c.Stages() {
			for _, tr := range []Track{TrackBoth, TrackMentalHealth, TrackAddiction} {
				_ = EffectiveRequirements(c, st.Key, tr)
			}
		}
		_ = Readiness(c, TrackBoth, AutoEvidence(c, Facts{ExperienceMonths: 99, EthicsAttested: true}), nil)
		_ = Summary(c)
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(b); err != nil {
			t.Fatalf("round trip failed: %v", err)
		}
	})
}
