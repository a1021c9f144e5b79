package reporting

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// Chart is a bar chart drawn on the server as SVG: one group of bars per
// row of a table, one bar per count column named in Series. The table it is
// drawn from is shown beside it, as its accessible alternative and its
// exact figures.
type Chart struct {
	ID     string // unique on the page: ids of the title and description
	Title  string
	Table  *Table
	Series []string // count columns drawn, in order
	// ShortLabel shortens a row's label under its bars (weeks: "5 Jan");
	// nil keeps it.
	ShortLabel func(Row) string
	// Describe says in words what the chart shows (the names of the
	// columns drawn, how many rows, whether hidden counts are left out),
	// for a screen reader; nil says it in English.
	Describe func(series []string, rows int, hidden bool) string
}

// Chart geometry, in SVG units (the SVG scales to its container).
const (
	chartW      = 720.0
	chartH      = 300.0
	chartLeft   = 48.0
	chartRight  = 12.0
	chartTop    = 16.0
	chartBottom = 56.0
)

// SVG draws the chart. Every number drawn comes from the table; a hidden
// count (a shared report) is drawn as no bar, and the description says so.
func (c Chart) SVG() string {
	t := c.Table
	var cols []int
	for _, k := range c.Series {
		if i := t.Col(k); i >= 0 {
			cols = append(cols, i)
		}
	}
	top := 0.0
	hidden := false
	for _, r := range t.Rows {
		for _, ci := range cols {
			if r.Values[ci].Hidden {
				hidden = true
				continue
			}
			top = math.Max(top, r.Values[ci].N)
		}
	}
	step := niceStep(top)
	ymax := math.Max(step, math.Ceil(top/step)*step)
	plotW, plotH := chartW-chartLeft-chartRight, chartH-chartTop-chartBottom
	y := func(v float64) float64 { return chartTop + plotH - plotH*v/ymax }

	var b strings.Builder
	desc := c.describe(cols, hidden)
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="%s-title %s-desc" xmlns="http://www.w3.org/2000/svg">`, chartW, chartH, c.ID, c.ID)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, c.ID, esc(c.Title), c.ID, esc(desc))
	for v := 0.0; v <= ymax+step/2; v += step {
		fmt.Fprintf(&b, `<line class="grid" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/>`, chartLeft, chartW-chartRight, y(v), y(v))
		fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%.1f" text-anchor="end">%s</text>`, chartLeft-6, y(v)+4, trimFloat(v))
	}
	n := len(t.Rows)
	if n > 0 {
		slot := plotW / float64(n)
		barW := math.Max(1, slot*0.8/float64(max(1, len(cols))))
		labelEvery := max(1, int(math.Ceil(float64(n)/14)))
		for i, r := range t.Rows {
			x0 := chartLeft + slot*float64(i) + slot*0.1
			for si, ci := range cols {
				v := r.Values[ci]
				if v.Hidden || v.N <= 0 {
					continue
				}
				fmt.Fprintf(&b, `<rect class="bar s%d" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s</title></rect>`,
					si, x0+barW*float64(si), y(v.N), barW, y(0)-y(v.N), esc(r.Label+", "+t.Columns[ci].Label+": "+v.Text(KindCount)))
			}
			if i%labelEvery == 0 {
				label := r.Label
				if c.ShortLabel != nil {
					label = c.ShortLabel(r)
				}
				fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, chartLeft+slot*(float64(i)+0.5), chartTop+plotH+16, esc(label))
			}
		}
	}
	fmt.Fprintf(&b, `<line class="baseline" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/>`, chartLeft, chartW-chartRight, y(0), y(0))
	if len(cols) > 1 {
		lx := chartLeft
		for si, ci := range cols {
			fmt.Fprintf(&b, `<rect class="bar s%d" x="%.1f" y="%.1f" width="12" height="12"/>`, si, lx, chartH-20)
			fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%.1f">%s</text>`, lx+16, chartH-10, esc(t.Columns[ci].Label))
			lx += 24 + 7*float64(len(t.Columns[ci].Label))
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// describe says in words what the chart shows, for a screen reader.
func (c Chart) describe(cols []int, hidden bool) string {
	var names []string
	for _, ci := range cols {
		names = append(names, c.Table.Columns[ci].Label)
	}
	if c.Describe != nil {
		return c.Describe(names, len(c.Table.Rows), hidden)
	}
	d := fmt.Sprintf("Bar chart of %s for %d rows; the table below gives every figure.", strings.Join(names, " and "), len(c.Table.Rows))
	if hidden {
		d += " Counts under 11 are not drawn."
	}
	return d
}

// niceStep is a round gridline step for values up to top.
func niceStep(top float64) float64 {
	if top <= 0 {
		return 1
	}
	raw := top / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*mag {
			return math.Max(1, m*mag)
		}
	}
	return 10 * mag
}

func trimFloat(v float64) string { return fmt.Sprintf("%.0f", v) }

func esc(s string) string { return html.EscapeString(s) }
