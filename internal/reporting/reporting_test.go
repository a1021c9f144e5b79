package reporting

import (
	"strings"
	"testing"
)

func breakdown(vals ...float64) *Table {
	t := &Table{Key: "t", Columns: []Column{{Key: "n", Kind: KindCount}, {Key: "pct", Kind: KindPercent, Of: "n"}}}
	for i, v := range vals {
		t.Add(string(rune('a'+i)), "", v, 50)
	}
	t.Sum("All")
	return t
}

func shown(t *Table) string {
	var out []string
	for _, r := range append(t.Rows, *t.Total) {
		out = append(out, r.Values[0].Text(KindCount)+"|"+r.Values[1].Text(KindPercent))
	}
	return strings.Join(out, ", ")
}

// The small-number rule: counts from 1 to 10 hidden, and one more count
// hidden wherever the total would give a single hidden one away.
func TestSmallNumbersAreProtected(t *testing.T) {
	for _, c := range []struct {
		vals []float64
		want string
	}{
		// Nothing small: everything shows, zero included.
		{[]float64{25, 0, 40}, "25|50 %, 0|50 %, 40|50 %, 65|0 %"},
		// One small count: the smallest other count is hidden too.
		{[]float64{25, 3, 40}, "fewer than 11|not shown, fewer than 11|not shown, 40|50 %, 68|0 %"},
		// Two small counts protect each other.
		{[]float64{25, 3, 4, 40}, "25|50 %, fewer than 11|not shown, fewer than 11|not shown, 40|50 %, 72|0 %"},
		// One small count and only zeros beside it: the total goes.
		{[]float64{0, 7, 0}, "0|50 %, fewer than 11|not shown, 0|50 %, fewer than 11|not shown"},
		// 11 is not small.
		{[]float64{11, 12}, "11|50 %, 12|50 %, 23|0 %"},
	} {
		tb := breakdown(c.vals...)
		tb.protect()
		if got := shown(tb); got != c.want {
			t.Errorf("%v: got %s, want %s", c.vals, got, c.want)
		}
	}
}

func TestScopesAndPeriods(t *testing.T) {
	for in, want := range map[string]string{"": "org", "org": "org", "team:12": "team:12", "worker:3": "worker:3", "programme:7": "programme:7"} {
		sc, ok := ParseScope(in)
		if !ok || sc.String() != want {
			t.Errorf("%q: %v %v", in, sc, ok)
		}
	}
	for _, bad := range []string{"team:", "team:x", "worker:-1", "region:1", "programme:", "programme:Bridge", "programme:0", "everyone"} {
		if _, ok := ParseScope(bad); ok {
			t.Errorf("%q was accepted", bad)
		}
	}
	p, err := ParsePeriod("", "", "2026-11-23")
	if err != nil || p.From != "2025-11-24" || p.To != "2026-11-23" {
		t.Errorf("the default period: %v %v", p, err)
	}
	if w := p.Weeks(); w[0] != "2025-11-24" || w[len(w)-1] != "2026-11-23" || len(w) != 53 {
		t.Errorf("weeks: %v", w)
	}
}

func TestChartsAreDrawnFromTheTable(t *testing.T) {
	tb := breakdown(25, 3, 40)
	tb.Rows[0].Label = "Health <&>"
	svg := Chart{ID: "c1", Title: "Goals", Table: tb, Series: []string{"n"}}.SVG()
	for _, want := range []string{`role="img"`, `aria-labelledby="c1-title c1-desc"`, "Health &lt;&amp;&gt;, : 25", `<title id="c1-title">Goals</title>`} {
		if !strings.Contains(svg, want) {
			t.Errorf("the chart lacks %s:\n%s", want, svg)
		}
	}
	tb.protect()
	svg = Chart{ID: "c2", Title: "Goals", Table: tb, Series: []string{"n"}}.SVG()
	if strings.Count(svg, `class="bar s0"`) != 1 || !strings.Contains(svg, "Counts under 11 are not drawn") {
		t.Errorf("a shared chart draws hidden counts:\n%s", svg)
	}
}
