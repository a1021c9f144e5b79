package recovery

import (
	"strings"
	"testing"
)

func TestTheShippedBARC10(t *testing.T) {
	in, ok := func() (Instrument, bool) {
		for _, in := range Shipped() {
			if in.Key == DefaultInstrument {
				return in, true
			}
		}
		return Instrument{}, false
	}()
	if !ok || len(in.Items) != 10 || in.Lowest() != 10 || in.Highest() != 60 || !strings.Contains(in.Citation, "Vilsaint") {
		t.Fatalf("the BARC-10: %+v", in)
	}
	if in.Label(1) != "Strongly disagree" || in.Label(6) != "Strongly agree" || in.Label(7) != "" {
		t.Fatal("labels")
	}
	six, null := 6, (*int)(nil)
	all := make([]*int, 10)
	for i := range all {
		all[i] = &six
	}
	if total, complete, f := in.Score(all); total != 60 || !complete || len(f) != 0 {
		t.Fatalf("all sixes: %d %v %v", total, complete, f)
	}
	all[3] = null
	if total, complete, _ := in.Score(all); total != 54 || complete {
		t.Fatalf("one left out: %d %v", total, complete)
	}
	seven := 7
	all[9] = &seven
	if _, _, f := in.Score(all); f["answers.9"] == "" {
		t.Fatalf("a seven: %v", f)
	}
	if _, _, f := in.Score(all[:9]); f["answers"] == "" {
		t.Fatalf("nine answers: %v", f)
	}
}

func TestParseRefusesBrokenInstruments(t *testing.T) {
	for _, body := range []string{
		`not json`,
		`{"key": "Bad Key", "name": "x", "citation": "c", "scale": {"min": 1, "max": 2, "labels": ["a", "b"]}, "items": [{"key": "a", "text": "t"}]}`,
		`{"key": "ok", "name": "x", "scale": {"min": 1, "max": 2, "labels": ["a", "b"]}, "items": [{"key": "a", "text": "t"}]}`,
		`{"key": "ok", "name": "x", "citation": "c", "scale": {"min": 1, "max": 3, "labels": ["a", "b"]}, "items": [{"key": "a", "text": "t"}]}`,
		`{"key": "ok", "name": "x", "citation": "c", "scale": {"min": 1, "max": 2, "labels": ["a", "b"]}, "items": []}`,
		`{"key": "ok", "name": "x", "citation": "c", "scale": {"min": 1, "max": 2, "labels": ["a", "b"]}, "items": [{"key": "a", "text": "t"}, {"key": "a", "text": "u"}]}`,
		`{"key": "ok", "name": "x", "citation": "c", "extra": 1, "scale": {"min": 1, "max": 2, "labels": ["a", "b"]}, "items": [{"key": "a", "text": "t"}]}`,
	} {
		if _, err := Parse([]byte(body)); err == nil {
			t.Errorf("accepted %s", body)
		}
	}
}

func TestChartLayout(t *testing.T) {
	days := func(from, to string) int {
		m := map[string]int{"2026-01-01": 0, "2026-04-01": 90, "2026-07-01": 181}
		return m[to] - m[from]
	}
	c := Layout([]Point{{"2026-01-01", 10, true}, {"2026-04-01", 35, false}, {"2026-07-01", 60, true}}, 10, 60, days)
	if len(c.Points) != 3 || c.Points[0].X != c.Left || c.Points[2].X != c.Right || c.Points[0].Y != c.Bottom || c.Points[2].Y != c.Top {
		t.Fatalf("points: %+v", c.Points)
	}
	if strings.Count(c.Line, ",") != 2 {
		t.Fatalf("the line joins complete totals only: %q", c.Line)
	}
	if len(c.Ticks) != 6 || c.Ticks[0].Value != 10 || c.Ticks[5].Value != 60 {
		t.Fatalf("ticks: %+v", c.Ticks)
	}
	if AreaKey(" Child care & pets ") != "child_care_pets" {
		t.Fatal(AreaKey(" Child care & pets "))
	}
}
