package printout

import "unicode/utf8"

// Pocket card geometry, in points. The card is 3.5 × 2 inches folded; the
// front and back are printed side by side (7 × 2 inches) near the top of a
// portrait Letter page, so that a person can print it on any home printer at
// actual size, cut around it and fold it along the middle.
const (
	cardW    = 3.5 * 72
	cardH    = 2 * 72
	cardX    = (letterW - 2*cardW) / 2 // left edge of the front
	cardY    = 90.0
	cardPad  = 9.0
	cardInnW = cardW - 2*cardPad

	cardMaxSize = 9.0
	cardMinSize = 6.0 // the smallest size still readable on a card
)

// seeFullPlan ends a card whose text had to be cut short.
const seeFullPlan = "(see full plan)"

// PocketCardPDF prints a plan as a fold-over wallet card (see the package
// documentation for the layout). The front starts with the title and the
// person's name; the sections follow in the order given, continuing on the
// back; the footer (crisis lines) sits at the bottom of the back. The caller
// chooses which sections to include, most important first. Type shrinks from
// 9 pt down to 6 pt to fit; if the text still does not fit, items are cut
// short with "…" (and, as a last resort, the last items left out) and the
// card says "(see full plan)".
func PocketCardPDF(p Plan) ([]byte, error) {
	return render("pocket card", "P", func(d *doc) { drawCard(d, p) })
}

func cardStyle(size float64) flowStyle {
	return flowStyle{
		size:       size,
		headSize:   size,
		leading:    1.22,
		itemGap:    size * 0.12,
		sectionGap: size * 0.45,
		indent:     size * 1.1,
	}
}

// cardLayout is a card laid out at one size.
type cardLayout struct {
	header  []line
	footer  []line
	footerH float64
	placed  [][]line
	cols    []column
	cut     bool
}

func drawCard(d *doc, p Plan) {
	c := cleanUp(p)
	title := joinName(c.title, c.name)
	if c.demo {
		title = "DEMO — " + title
	}
	d.meta(title+" (pocket card)", c.name, c.subtitle)

	lay := layoutCard(c)

	d.addPage()
	if c.demo {
		d.centred(letterW/2, cardY-16, 10, true, colDemo, p.Words.or().NotReal)
	}

	// Cutting line around both halves, folding line between them.
	d.drawColor(colGrey)
	d.setLineWidth(0.5)
	d.strokeRect(cardX, cardY, 2*cardW, cardH)
	d.setDashes(3, 2.5)
	d.line(cardX+cardW, cardY+6, cardX+cardW, cardY+cardH-6)
	d.setDashes()
	// A thin band of colour along the top of the front, so the card is
	// easy to find in a wallet.
	d.fillColor(colBlue)
	d.fillRect(cardX, cardY, cardW, 3.5)

	footer := column{x: cardX + cardW + cardPad, y: cardY + cardH - cardPad - lay.footerH, w: cardInnW, h: lay.footerH}
	if lay.footerH > 0 {
		d.fillColor(colTint)
		d.fillRect(footer.x-3, footer.y-2, footer.w+6, footer.h+4)
	}
	if c.demo {
		d.watermark(cardX+cardW/2, cardY+cardH/2, 48, "DEMO")
		d.watermark(cardX+1.5*cardW, cardY+cardH/2, 48, "DEMO")
	}

	d.drawLines(column{x: cardX + cardPad, y: cardY + cardPad, w: cardInnW, h: cardH - 2*cardPad}, lay.header)
	for i := range lay.placed {
		d.drawLines(lay.cols[i], lay.placed[i])
	}
	d.drawLines(footer, lay.footer)

	words := p.Words.or()
	d.text(cardX, cardY+cardH+16, 8, false, colGrey, words.CutAndFold)
	d.text(cardX, cardY+cardH+28, 8, false, colGrey, words.CardNote)
}

// layoutCard finds the largest size at which the card holds everything; at
// the minimum size it cuts items short, a line at a time, until it fits.
func layoutCard(c cleanPlan) cardLayout {
	c, precut := capParagraphs(c)
	try := func(size float64, maxItemLines, keepItems int) (cardLayout, bool) {
		return tryCard(c, size, maxItemLines, keepItems, precut)
	}
	for size := cardMaxSize; size >= cardMinSize; size -= 0.5 {
		if lay, ok := try(size, 0, -1); ok {
			return lay
		}
	}
	longest := 0
	for _, s := range c.sections {
		for _, it := range s.items {
			n := 0
			for _, para := range it {
				n += len(wrap(para, false, cardMinSize, cardInnW-cardStyle(cardMinSize).indent))
			}
			longest = max(longest, n)
		}
	}
	// No item can be longer than the lines both panels hold.
	capacity := int(2 * cardH / (cardMinSize * cardStyle(cardMinSize).leading))
	for n := min(longest-1, capacity); n >= 1; n-- {
		if lay, ok := try(cardMinSize, n, -1); ok {
			return lay
		}
	}
	// Even one line per item is too much: leave out the last items (the
	// caller put the most important first). A card holds at most about
	// capacity one-line items, so there is no point trying more.
	total := 0
	for _, s := range c.sections {
		total += len(s.items)
	}
	for keep := min(total-1, capacity); keep >= 0; keep-- {
		if lay, ok := try(cardMinSize, 1, keep); ok {
			return lay
		}
	}
	lay, _ := try(cardMinSize, 1, 0)
	return lay
}

// cardMaxRunes is more than both panels of a card can hold at the smallest
// size; longer paragraphs are cut to it before layout, which keeps laying
// out a card fast whatever its input.
const cardMaxRunes = 2400

// capParagraphs cuts paragraphs longer than cardMaxRunes, reporting whether
// it did.
func capParagraphs(c cleanPlan) (cleanPlan, bool) {
	cut := false
	capped := func(s string) string {
		if utf8.RuneCountInString(s) <= cardMaxRunes {
			return s
		}
		cut = true
		return string([]rune(s)[:cardMaxRunes]) + ellipsis
	}
	secs := make([]cleanSection, len(c.sections))
	for i, s := range c.sections {
		secs[i] = cleanSection{heading: capped(s.heading), items: make([][]string, len(s.items))}
		for j, it := range s.items {
			for _, para := range it {
				secs[i].items[j] = append(secs[i].items[j], capped(para))
			}
		}
	}
	c.sections = secs
	c.title, c.name = capped(c.title), capped(c.name)
	footer := make([]string, len(c.footer))
	for i, f := range c.footer {
		footer[i] = capped(f)
	}
	c.footer = footer
	return c, cut
}

// tryCard lays the card out at size, cutting items to maxItemLines (0: no
// limit) and keeping only the first keepItems items (-1: all). precut says
// some text was already cut.
func tryCard(c cleanPlan, size float64, maxItemLines, keepItems int, precut bool) (cardLayout, bool) {
	var lay cardLayout
	lay.header = cardHeader(c, size)

	secs := c.sections
	dropped := false
	if keepItems >= 0 {
		secs, dropped = keepFirst(secs, keepItems)
	}
	body, cut := sectionLines(secs, cardStyle(size), cardInnW, maxItemLines)
	var footerCut bool
	lay.footer, lay.footerH, footerCut = cardFooter(c.footer, size, cardH-2*cardPad)
	lay.cut = cut || dropped || footerCut || precut
	if lay.cut {
		body = append(body, line{text: c.seeFull, size: size, color: colGrey,
			height: size * 1.22, before: size * 0.3})
	}

	frontH := cardH - 2*cardPad - height(lay.header) - size*0.4
	backH := cardH - 2*cardPad
	if lay.footerH > 0 {
		backH -= lay.footerH + size*0.6
	}
	var ok bool
	lay.placed, lay.cols, ok = flow(body, func(i int) (column, bool) {
		switch i {
		case 0:
			return column{x: cardX + cardPad, y: cardY + cardPad + height(lay.header) + size*0.4,
				w: cardInnW, h: frontH}, true
		case 1:
			return column{x: cardX + cardW + cardPad, y: cardY + cardPad, w: cardInnW, h: backH}, true
		}
		return column{}, false
	})
	return lay, ok && frontH > 0 && backH > 0
}

// keepFirst keeps the first n items across sections, dropping sections left
// empty.
func keepFirst(secs []cleanSection, n int) ([]cleanSection, bool) {
	var out []cleanSection
	dropped := false
	for _, s := range secs {
		if n <= 0 {
			dropped = true
			break
		}
		if len(s.items) > n {
			s.items = s.items[:n]
			dropped = true
		}
		n -= len(s.items)
		out = append(out, s)
	}
	return out, dropped
}

// cardHeader is the title and the person's name, each on one line (cut with
// "…" if need be: the full plan has them in full).
func cardHeader(c cleanPlan, size float64) []line {
	ts := size + 2
	t, _ := ellipsize(c.title, true, ts, cardInnW)
	lines := []line{{text: t, bold: true, size: ts, color: colBlue, height: ts * 1.2}}
	if c.name != "" {
		n, _ := ellipsize(c.name, false, size+0.5, cardInnW)
		lines = append(lines, line{text: n, size: size + 0.5, color: colInk, height: (size + 0.5) * 1.25})
	}
	return lines
}

// cardFooter lays out the crisis lines for the back, in bold so they stand
// out; if they would take more than half the back, they are cut to fit and
// cut reports it.
func cardFooter(footer []string, size, maxH float64) ([]line, float64, bool) {
	if len(footer) == 0 {
		return nil, 0, false
	}
	var lines []line
	for _, para := range footer {
		for _, t := range wrap(para, true, size, cardInnW) {
			lines = append(lines, line{text: t, bold: true, size: size, color: colInk, height: size * 1.22})
		}
	}
	cut := false
	for len(lines) > 1 && height(lines) > maxH/2 {
		lines = lines[:len(lines)-1]
		cut = true
	}
	if cut {
		last := &lines[len(lines)-1]
		last.text = withEllipsis(last.text, true, size, cardInnW)
	}
	return lines, height(lines), cut
}
