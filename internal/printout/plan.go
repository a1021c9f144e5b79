package printout

import (
	"fmt"
	"strings"
)

// Plan is a person's safety plan, as printed.
type Plan struct {
	Title      string // e.g. "My safety plan"
	PersonName string
	Subtitle   string // e.g. "Version 3 · updated 23 November 2026"
	Sections   []Section
	Footer     string // e.g. crisis lines; line breaks are kept
	Demo       bool   // print a "DEMO — not a real plan" mark
	// Words are the printout's own words in the reader's language; the
	// zero value is English.
	Words Words
}

// Words are what a printout says around the plan, so it can be printed in
// the person's language. Empty fields are the English defaults.
type Words struct {
	PageOf     string // "Page %d of %d"
	Continued  string // "(continued)"
	NotReal    string // "DEMO — not a real plan"
	CutAndFold string // the pocket card's instructions
	CardNote   string // "This card is a summary. Keep your full safety plan too."
	SeeFull    string // ends a pocket card cut short: "(see full plan)"
}

func (w Words) or() Words {
	def := Words{PageOf: "Page %d of %d", Continued: "(continued)", NotReal: "DEMO — not a real plan",
		CutAndFold: "Cut along the solid line and fold along the dashed line: the left half is the front, the right half the back.",
		CardNote:   "This card is a summary. Keep your full safety plan too.", SeeFull: seeFullPlan}
	if w.PageOf == "" || strings.Count(w.PageOf, "%d") != 2 {
		w.PageOf = def.PageOf
	}
	if w.Continued == "" {
		w.Continued = def.Continued
	}
	if w.NotReal == "" {
		w.NotReal = def.NotReal
	}
	if w.CutAndFold == "" {
		w.CutAndFold = def.CutAndFold
	}
	if w.CardNote == "" {
		w.CardNote = def.CardNote
	}
	if w.SeeFull == "" {
		w.SeeFull = def.SeeFull
	}
	return w
}

// Section is one part of a plan: a heading and its items. An item may contain
// line breaks; each line becomes a paragraph of the same bullet.
type Section struct {
	Heading string
	Items   []string
}

// Plan page geometry, in points: 0.75 inch side margins.
const (
	planMargin = 54.0
	planTop    = 52.0
	planBottom = 40.0
	planW      = letterW - 2*planMargin

	planMaxSize = 12.0
	planMinSize = 7.0
)

// PlanPDF prints a plan on one portrait US Letter page. When the plan is too
// long for the page at 12 pt, the type is made smaller, half a point at a
// time, down to 7 pt; if it still does not fit, it continues on more pages
// (with the footer on every page). Text is never dropped. An empty plan
// prints its title only.
func PlanPDF(p Plan) ([]byte, error) {
	return render("safety plan", "P", func(d *doc) { drawPlan(d, p) })
}

// defaultTitle heads a plan that has no title.
const defaultTitle = "Safety plan"

// cleanPlan is the plan with every field cleaned for printing.
type cleanPlan struct {
	title, name, subtitle string
	sections              []cleanSection
	footer                []string
	demo                  bool
	seeFull               string
}

type cleanSection struct {
	heading string
	items   [][]string // paragraphs of each item
}

func cleanUp(p Plan) cleanPlan {
	c := cleanPlan{
		title:    cleanLine(p.Title),
		name:     cleanLine(p.PersonName),
		subtitle: cleanLine(p.Subtitle),
		footer:   cleanParagraphs(p.Footer),
		demo:     p.Demo,
		seeFull:  p.Words.or().SeeFull,
	}
	if c.title == "" {
		c.title = defaultTitle
	}
	for _, s := range p.Sections {
		cs := cleanSection{heading: cleanLine(s.Heading)}
		for _, it := range s.Items {
			if paras := cleanParagraphs(it); len(paras) > 0 {
				cs.items = append(cs.items, paras)
			}
		}
		if cs.heading != "" || len(cs.items) > 0 {
			c.sections = append(c.sections, cs)
		}
	}
	return c
}

// flowStyle sets the type and spacing of sections at one body size.
type flowStyle struct {
	size       float64 // items
	headSize   float64 // section headings
	leading    float64 // line height as a multiple of the size
	itemGap    float64 // space between items
	sectionGap float64 // space above a section heading
	indent     float64 // from the column edge to the item text
}

func planStyle(size float64) flowStyle {
	return flowStyle{
		size:       size,
		headSize:   size * 1.15,
		leading:    1.3,
		itemGap:    size * 0.3,
		sectionGap: size * 0.95,
		indent:     size * 1.6,
	}
}

// sectionLines lays sections out as lines for a column of width w. With
// maxItemLines > 0 each item is cut to that many lines, the last ending in
// "…"; cut reports whether any was.
func sectionLines(secs []cleanSection, st flowStyle, w float64, maxItemLines int) (lines []line, cut bool) {
	textW := w - st.indent
	for si, s := range secs {
		if s.heading != "" {
			for i, h := range wrap(s.heading, true, st.headSize, w) {
				l := line{text: h, bold: true, size: st.headSize, color: colBlue,
					height: st.headSize * st.leading, keepNext: true, rtl: rightToLeft(s.heading)}
				if i == 0 && (si > 0 || len(lines) > 0) {
					l.before = st.sectionGap
				}
				lines = append(lines, l)
			}
		}
		for ii, paras := range s.items {
			var item []line
			for pi, para := range paras {
				rtl := rightToLeft(para)
				for li, t := range wrap(para, false, st.size, textW) {
					l := line{text: t, size: st.size, color: colInk, indent: st.indent,
						height: st.size * st.leading, rtl: rtl}
					switch {
					case pi == 0 && li == 0:
						l.bullet = true
						switch {
						case ii > 0:
							l.before = st.itemGap
						case s.heading == "" && si > 0:
							// A section without a heading still
							// stands apart from the one before.
							l.before = st.sectionGap
						}
					case li == 0:
						l.before = st.itemGap / 2
					}
					item = append(item, l)
				}
			}
			if maxItemLines > 0 && len(item) > maxItemLines {
				item = item[:maxItemLines]
				last := &item[maxItemLines-1]
				last.text = withEllipsis(last.text, false, st.size, textW)
				cut = true
			}
			lines = append(lines, item...)
		}
	}
	return lines, cut
}

// planFooter is the footer's lines and the height of its box.
func planFooter(footer []string, size float64) ([]line, float64) {
	if len(footer) == 0 {
		return nil, 0
	}
	fs := max(planMinSize, size*0.92)
	const pad = 9.0
	var lines []line
	for pi, para := range footer {
		for li, t := range wrap(para, false, fs, planW-2*pad-4) {
			l := line{text: t, size: fs, color: colInk, height: fs * 1.3}
			if pi > 0 && li == 0 {
				l.before = fs * 0.25
			}
			lines = append(lines, l)
		}
	}
	return lines, height(lines) + 2*pad
}

func drawPlan(d *doc, p Plan) { drawFlowing(d, p, layoutPlan) }

// ReportPDF prints a report (an organisation's activity, outcomes or
// workforce figures) laid out as a plan is, in portrait US Letter, but at
// one readable size over as many pages as it takes: a report is read at a
// desk, not carried in a pocket. Each section is a table's title with its
// figures as items.
func ReportPDF(p Plan) ([]byte, error) {
	return render("report", "P", func(d *doc) {
		drawFlowing(d, p, func(c cleanPlan) planLayout {
			lines, footer, footerH := planLines(c, reportSize)
			lay := planLayout{size: reportSize, footer: footer, footerH: footerH}
			lay.placed, lay.cols, _ = flow(lines, func(i int) (column, bool) { return planColumn(i, footerH, reportSize), true })
			return lay
		})
	})
}

// reportSize is a report's body text size, in points.
const reportSize = 10.0

func drawFlowing(d *doc, p Plan, layout func(cleanPlan) planLayout) {
	c := cleanUp(p)
	words := p.Words.or()
	title := joinName(c.title, c.name)
	if c.demo {
		title = "DEMO — " + title
	}
	d.meta(title, c.name, c.subtitle)

	lay := layout(c)
	placed, cols := lay.placed, lay.cols
	if len(placed) == 0 { // cannot happen (there is always a title), but a PDF needs a page
		placed, cols = [][]line{nil}, []column{planColumn(0, lay.footerH, lay.size)}
	}
	pages := len(placed)
	for i := range placed {
		d.addPage()
		if c.demo {
			d.watermark(letterW/2, letterH/2, 130, "DEMO")
			d.centred(letterW/2, 34, 10, true, colDemo, words.NotReal)
		}
		if i > 0 {
			// Continuation pages say whose plan they belong to.
			s, _ := ellipsize(title+" "+words.Continued, false, 8, planW)
			d.text(planMargin, planTop+8, 8, false, colGrey, s)
			d.rule(planMargin, letterW-planMargin, planTop+14, 0.5, colRule)
		}
		d.drawLines(cols[i], placed[i])
		if lay.footerH > 0 {
			y := letterH - planBottom - lay.footerH
			d.fillColor(colTint)
			d.fillRect(planMargin, y, planW, lay.footerH)
			d.fillColor(colBlue)
			d.fillRect(planMargin, y, 3, lay.footerH)
			d.drawLines(column{x: planMargin + 13, y: y + 9, w: planW - 22, h: lay.footerH - 18}, lay.footer)
		}
		if pages > 1 {
			s := fmt.Sprintf(words.PageOf, i+1, pages)
			d.text(letterW-planMargin-textWidth(s, false, 8), letterH-planBottom/2+3, 8, false, colGrey, s)
		}
	}
}

// planLayout is a plan laid out on pages.
type planLayout struct {
	size    float64  // body text size
	placed  [][]line // lines on each page
	cols    []column // where they go
	footer  []line   // printed at the foot of every page
	footerH float64
}

// layoutPlan finds the largest size at which everything fits one page; at
// the smallest size, it uses as many pages as it takes.
func layoutPlan(c cleanPlan) planLayout {
	at := func(size float64, pages int) (planLayout, bool) {
		lines, footer, footerH := planLines(c, size)
		lay := planLayout{size: size, footer: footer, footerH: footerH}
		var ok bool
		lay.placed, lay.cols, ok = flow(lines, func(i int) (column, bool) {
			return planColumn(i, footerH, size), pages == 0 || i < pages
		})
		return lay, ok
	}
	smallest, ok := at(planMinSize, 1)
	if !ok {
		// Too long for one page at any size: continue on more pages.
		lay, _ := at(planMinSize, 0)
		return lay
	}
	for size := planMaxSize; size > planMinSize; size -= 0.5 {
		if lay, ok := at(size, 1); ok {
			return lay
		}
	}
	return smallest
}

// planLines lays out what flows down the pages at size, and the footer
// repeated at the foot of each page. A footer too long to repeat (more than
// a third of the page) flows after the sections instead, printed once.
func planLines(c cleanPlan, size float64) (lines, footer []line, footerH float64) {
	lines = planHeader(c, size)
	body, _ := sectionLines(c.sections, planStyle(size), planW, 0)
	lines = append(lines, body...)
	footer, footerH = planFooter(c.footer, size)
	if footerH > (letterH-planTop-planBottom)/3 {
		for i, l := range footer {
			if i == 0 {
				l.before = size
			}
			lines = append(lines, l)
		}
		footer, footerH = nil, 0
	}
	return lines, footer, footerH
}

// planColumn is where sections flow on page i.
func planColumn(i int, footerH, size float64) column {
	top := planTop
	if i > 0 {
		top += 24 // the "(continued)" line
	}
	bottom := letterH - planBottom
	if footerH > 0 {
		bottom -= footerH + size
	}
	return column{x: planMargin, y: top, w: planW, h: bottom - top}
}

// planHeader is the title, the person's name, the subtitle and a rule.
func planHeader(c cleanPlan, size float64) []line {
	var lines []line
	ts := size * 1.85
	for _, t := range wrap(c.title, true, ts, planW) {
		lines = append(lines, line{text: t, bold: true, size: ts, color: colBlue, height: ts * 1.2})
	}
	if c.name != "" {
		ns := size * 1.3
		for i, t := range wrap(c.name, false, ns, planW) {
			l := line{text: t, size: ns, color: colInk, height: ns * 1.3}
			if i == 0 {
				l.before = size * 0.15
			}
			lines = append(lines, l)
		}
	}
	if c.subtitle != "" {
		ss := max(planMinSize, size*0.85)
		for _, t := range wrap(c.subtitle, false, ss, planW) {
			lines = append(lines, line{text: t, size: ss, color: colGrey, height: ss * 1.35})
		}
	}
	lines = append(lines, line{rule: true, color: colBlue, size: size, height: size * 0.9, before: size * 0.2})
	return lines
}

// joinName is "Title — Name" for metadata and continuation lines.
func joinName(title, name string) string {
	if name == "" {
		return title
	}
	return title + " — " + name
}
