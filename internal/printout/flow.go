package printout

import "golang.org/x/text/unicode/bidi"

// rightToLeft reports whether paragraph s reads right to left: whether its
// first letter with a direction is Arabic, Hebrew or another right-to-left
// script (rule P2 of the Unicode bidirectional algorithm).
func rightToLeft(s string) bool {
	for _, r := range s {
		p, _ := bidi.LookupRune(r)
		switch p.Class() {
		case bidi.R, bidi.AL:
			return true
		case bidi.L:
			return false
		}
	}
	return false
}

// line is one printed line of flowing text (a plan or a card): already
// wrapped, with everything needed to place and draw it.
type line struct {
	text   string
	bold   bool
	size   float64
	color  rgb
	indent float64 // from the column's left edge to the text
	bullet bool    // print a bullet in the indent before the text
	// rtl sets the line from the right edge of the column, the indent
	// and bullet on the right: a line of a right-to-left paragraph.
	rtl    bool
	before float64 // space above; dropped at the top of a column
	height float64 // line height
	// keepNext keeps a heading with the line after it: a heading alone at
	// the bottom of a page or card panel helps nobody.
	keepNext bool
	// rule draws a horizontal line across the column in the middle of the
	// line's height instead of text.
	rule bool
}

// column is where flowing lines are placed.
type column struct {
	x, y, w, h float64
}

// flow places lines into columns in order, as many as fit in each. more is
// called for the next column when one is full; it returns false when there
// are no more columns. flow returns the lines placed in each column and
// whether all the lines were placed without overfilling any column.
func flow(lines []line, more func(i int) (column, bool)) (placed [][]line, cols []column, ok bool) {
	i := 0
	overfull := false
	for ci := 0; i < len(lines); ci++ {
		col, have := more(ci)
		if !have {
			return placed, cols, false
		}
		var in []line
		used := 0.0
		for i < len(lines) {
			l := lines[i]
			need := l.height
			if len(in) > 0 {
				need += l.before
			}
			if l.keepNext && i+1 < len(lines) {
				need += lines[i+1].before + lines[i+1].height
			}
			// An empty column always takes one line, so that flowing
			// always makes progress.
			if used+need > col.h+0.01 && len(in) > 0 {
				break
			}
			if len(in) > 0 {
				used += l.before
			}
			used += l.height
			in = append(in, l)
			i++
		}
		if height(in) > col.h+0.01 {
			overfull = true
		}
		placed = append(placed, in)
		cols = append(cols, col)
	}
	return placed, cols, !overfull
}

// height is the total height of lines flowed into one column.
func height(lines []line) float64 {
	h := 0.0
	for i, l := range lines {
		if i > 0 {
			h += l.before
		}
		h += l.height
	}
	return h
}

// drawLines prints lines placed in a column.
func (d *doc) drawLines(col column, lines []line) {
	y := col.y
	for i, l := range lines {
		if i > 0 {
			y += l.before
		}
		// Baseline placed so that the text sits in the middle of its line
		// height (DejaVu's ascent is 0.93 em and descent 0.24 em).
		if l.rule {
			d.rule(col.x, col.x+col.w, y+l.height/2, 0.8, l.color)
			y += l.height
			continue
		}
		base := y + (l.height-1.16*l.size)/2 + 0.93*l.size
		x, bx := col.x+l.indent, col.x+l.indent-0.85*l.size
		if l.rtl {
			right := col.x + col.w - l.indent
			x = right - textWidth(l.text, l.bold, l.size)
			bx = right + 0.85*l.size - textWidth("•", false, l.size)
		}
		if l.bullet {
			d.text(bx, base, l.size, false, colBlue, "•")
		}
		d.text(x, base, l.size, l.bold, l.color, l.text)
		y += l.height
	}
}
