package printout

import (
	_ "embed"
	"fmt"
	"image/color"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/tdewolff/canvas"
	canvastext "github.com/tdewolff/canvas/text"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// The fonts are embedded so that printing never depends on what happens to be
// installed on the server. Licences: fonts/LICENSE-DejaVu.txt,
// fonts/LICENSE-Droid.txt and fonts/LICENSE-Nanum.txt.
var (
	//go:embed fonts/DejaVuSans.ttf
	dejaVuSans []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	dejaVuSansBold []byte
	//go:embed fonts/DroidSansFallbackFull.ttf
	droidSansFallback []byte
	//go:embed fonts/NanumSquareR.ttf
	nanumSquare []byte
	//go:embed fonts/NanumSquareB.ttf
	nanumSquareBold []byte
)

// face is one embedded font.
type face uint8

const (
	faceRegular face = iota
	faceBold
	faceFallback
	faceHangul
	faceHangulBold
	numFaces
)

// faceInfo names each face. The Han fallback has no bold, so bold text in
// Han or kana uses the regular fallback.
var faceInfo = [numFaces]struct {
	name string
	bold bool
	data []byte
}{
	faceRegular:    {"DejaVu Sans", false, dejaVuSans},
	faceBold:       {"DejaVu Sans Bold", true, dejaVuSansBold},
	faceFallback:   {"Droid Sans Fallback", false, droidSansFallback},
	faceHangul:     {"NanumSquare", false, nanumSquare},
	faceHangulBold: {"NanumSquare Bold", true, nanumSquareBold},
}

// bmpSize bounds the runes printed: those above U+FFFF (emoji, rare
// ideographs) are not in the embedded fonts and print as "�".
const bmpSize = 0x10000

// coverage records, for one face, which BMP runes it has a glyph for.
type coverage struct {
	has [bmpSize / 64]uint64
}

func (c *coverage) covers(r rune) bool {
	return r >= 0 && r < bmpSize && c.has[r>>6]&(1<<(uint(r)&63)) != 0
}

var (
	fontsOnce sync.Once
	fonts     [numFaces]*canvas.Font
	covers    [numFaces]*coverage
	fontsErr  error
)

// parseCoverage reads which BMP runes the font has a glyph for.
// (golang.org/x/image's cmap lookup is many times faster than the PDF
// library's for fonts with thousands of ranges, such as NanumSquare.)
func parseCoverage(data []byte) (*coverage, error) {
	f, err := sfnt.Parse(data)
	if err != nil {
		return nil, err
	}
	var buf sfnt.Buffer
	c := new(coverage)
	for r := rune(1); r < bmpSize; r++ {
		if gi, err := f.GlyphIndex(&buf, r); err == nil && gi != 0 {
			c.has[r>>6] |= 1 << (uint(r) & 63)
		}
	}
	return c, nil
}

// loadFonts parses the fonts once per process, on the first document
// (about 0.3 s).
func loadFonts() error {
	fontsOnce.Do(func() {
		for fc := range numFaces {
			info := faceInfo[fc]
			style := canvas.FontRegular
			if info.bold {
				style = canvas.FontBold
			}
			f, err := canvas.LoadFont(info.data, 0, style)
			if err != nil {
				fontsErr = fmt.Errorf("printout: font %s: %w", info.name, err)
				return
			}
			// No optional ligatures ("fi", "ffi"): the PDF maps each glyph
			// back to one character, so text copied or extracted from the
			// PDF stays the text that was printed. Required ligatures
			// (Arabic lām-alif) stay.
			f.SetFeatures("liga=0,clig=0,dlig=0")
			fonts[fc] = f
			c, err := parseCoverage(info.data)
			if err != nil {
				fontsErr = fmt.Errorf("printout: font %s: %w", info.name, err)
				return
			}
			covers[fc] = c
		}
	})
	return fontsErr
}

// replacement is printed for runes no embedded font can draw. DejaVu has it.
const replacement = '\uFFFD'

// ignorable reports runes that are invisible formatting: they are dropped,
// because they have no glyphs and would print as boxes.
func ignorable(r rune) bool {
	return unicode.Is(unicode.Cf, r) || // ZWJ, bidi controls, soft hyphen …
		unicode.Is(unicode.Variation_Selector, r) ||
		r == '\uFEFF'
}

// cleanText prepares one line of text for printing: NFC, control characters
// as spaces, invisible formatting dropped, and anything the fonts cannot
// draw replaced. After cleanText every rune is covered by some face.
func cleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, string(replacement))
	}
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r' || unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			r = ' '
		case ignorable(r):
			continue
		case r >= bmpSize:
			r = replacement
		case !anyCovers(r):
			r = replacement
		}
		b.WriteRune(r)
	}
	return b.String()
}

// cleanLine is cleanText for one-line fields (names, titles): runs of
// whitespace, including newlines, become one space.
func cleanLine(s string) string {
	return strings.Join(strings.Fields(cleanText(s)), " ")
}

// cleanParagraphs splits multi-line text (items, footers) at its line breaks,
// cleans each paragraph and drops empty ones.
func cleanParagraphs(s string) []string {
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n").Replace(s)
	var out []string
	for _, p := range strings.Split(s, "\n") {
		if p = cleanLine(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// anyCovers reports whether some embedded font has a glyph for r.
func anyCovers(r rune) bool {
	for _, c := range covers {
		if c.covers(r) {
			return true
		}
	}
	return false
}

// pickFace chooses the face for r. Spaces stay in the face of the run they are
// in, so "王 小明" is one run rather than three. Hangul goes to the Korean
// font first (the Han fallback has 3 of its 11,172 syllables); everything
// else to DejaVu, then the Han fallback, then the Korean font.
func pickFace(r rune, bold bool, prev face, havePrev bool) face {
	if havePrev && r == ' ' && covers[prev].covers(r) {
		return prev
	}
	primary, hangul := faceRegular, faceHangul
	if bold {
		primary, hangul = faceBold, faceHangulBold
	}
	if unicode.Is(unicode.Hangul, r) && covers[hangul].covers(r) {
		return hangul
	}
	switch {
	case covers[primary].covers(r):
		return primary
	case bold && covers[faceRegular].covers(r):
		// The bold face lacks a few glyphs the regular one has.
		return faceRegular
	case covers[faceFallback].covers(r):
		return faceFallback
	case covers[hangul].covers(r):
		return hangul
	}
	// Only reached for text that did not go through cleanText; a missing
	// glyph prints as an empty box, which is better than nothing.
	return primary
}

// run is a stretch of text printed in one face.
type run struct {
	face face
	text string
}

// splitRuns splits s into runs by face.
func splitRuns(s string, bold bool) []run {
	var runs []run
	start := 0
	var cur face
	for i, r := range s {
		fc := pickFace(r, bold, cur, i > 0)
		if i > 0 && fc != cur {
			runs = append(runs, run{cur, s[start:i]})
			start = i
		}
		cur = fc
	}
	if start < len(s) {
		runs = append(runs, run{cur, s[start:]})
	}
	return runs
}

// piece is a stretch of a line in one font and one direction, shaped.
type piece struct {
	text  *canvas.Text
	width float64 // in points
}

// shaped is one line, shaped, its pieces in visual order (left to right).
type shaped struct {
	pieces []piece
	width  float64 // in points
}

// shapeLine lays out one line of clean text. The Unicode bidirectional
// algorithm gives each character its embedding level (even: left to right,
// odd: right to left); the line is cut into pieces where the level or the
// font changes; each piece is shaped by HarfBuzz in its direction (Arabic
// joined, lām-alif ligated, marks placed, kerning) and the pieces are put
// in visual order (rule L2: from the deepest level up, reverse every run of
// pieces at that level or deeper). So Arabic and Hebrew read right to left,
// even inside an English sentence, and numbers inside them left to right.
func shapeLine(s string, bold bool, size float64, col color.Color) shaped {
	runes := []rune(s)
	if len(runes) == 0 {
		return shaped{}
	}
	levels := canvastext.EmbeddingLevels(runes)
	type span struct {
		face       face
		level      int
		start, end int
	}
	var spans []span
	var cur face
	for i, r := range runes {
		fc := pickFace(r, bold, cur, i > 0)
		if i == 0 || fc != cur || levels[i] != spans[len(spans)-1].level {
			spans = append(spans, span{fc, levels[i], i, i + 1})
		} else {
			spans[len(spans)-1].end = i + 1
		}
		cur = fc
	}
	var out shaped
	maxLevel, minOdd := 0, -1
	for _, sp := range spans {
		ff := fonts[sp.face].Face(size, col)
		ff.Direction = canvastext.LeftToRight
		if sp.level%2 == 1 {
			ff.Direction = canvastext.RightToLeft
			if minOdd < 0 || sp.level < minOdd {
				minOdd = sp.level
			}
		}
		maxLevel = max(maxLevel, sp.level)
		t := canvas.NewTextLine(ff, string(runes[sp.start:sp.end]), canvas.Left)
		out.pieces = append(out.pieces, piece{t, t.Width / mmPerPt})
		out.width += t.Width / mmPerPt
	}
	if minOdd >= 0 {
		for lvl := maxLevel; lvl >= minOdd; lvl-- {
			for i := 0; i < len(spans); {
				if spans[i].level < lvl {
					i++
					continue
				}
				j := i
				for j < len(spans) && spans[j].level >= lvl {
					j++
				}
				slices.Reverse(out.pieces[i:j])
				slices.Reverse(spans[i:j])
				i = j
			}
		}
	}
	return out
}

type widthKey struct {
	s    string
	bold bool
	size float64
}

// widths remembers measurements: fitting a plan measures the same lines
// again and again at each size it tries. Guarded by renderMu while
// rendering; cleared for each document.
var widths = map[widthKey]float64{}

// textWidth is the width of s in points at the given size, as shaped.
func textWidth(s string, bold bool, size float64) float64 {
	k := widthKey{s, bold, size}
	if w, ok := widths[k]; ok {
		return w
	}
	w := shapeLine(s, bold, size, color.Black).width
	widths[k] = w
	return w
}

// breakable reports scripts written without spaces between words, where a
// line may break between any two characters.
func breakable(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Bopomofo) ||
		(r >= 0x3000 && r <= 0x303F) || // CJK punctuation
		(r >= 0xFF00 && r <= 0xFFEF) // full-width forms
}

// segments splits s into the pieces a line may break between. Each piece
// keeps its trailing spaces. Besides spaces and CJK, a line may break after
// a hyphen or slash between letters ("peer-|run", "and/|or", URL paths) but
// never between digits: a phone number split over two lines ("833-|773-2445")
// is easy to misdial.
func segments(s string) []string {
	var segs []string
	start := 0
	var prev, prev2 rune
	for i, r := range s {
		if i > 0 && r != ' ' && !unicode.Is(unicode.Mn, r) {
			if prev == ' ' || breakable(r) || breakable(prev) ||
				((prev == '-' || prev == '/') && unicode.IsLetter(prev2) && unicode.IsLetter(r)) {
				segs = append(segs, s[start:i])
				start = i
			}
		}
		prev2, prev = prev, r
	}
	if start < len(s) {
		segs = append(segs, s[start:])
	}
	return segs
}

// wrap breaks s into lines no wider than maxW. A piece too wide for a line on
// its own (a long URL, a long word) is broken between characters, never
// between a letter and its combining accent. Text is never lost.
func wrap(s string, bold bool, size, maxW float64) []string {
	var lines []string
	var line strings.Builder
	lineW := func() float64 { return textWidth(strings.TrimRight(line.String(), " "), bold, size) }
	flush := func() {
		if t := strings.TrimRight(line.String(), " "); t != "" {
			lines = append(lines, t)
		}
		line.Reset()
	}
	for _, seg := range segments(s) {
		prevLen := line.Len()
		line.WriteString(seg)
		if lineW() <= maxW {
			continue
		}
		// Too wide: put the piece on a new line.
		cur := line.String()
		line.Reset()
		line.WriteString(cur[:prevLen])
		flush()
		seg = strings.TrimLeft(seg, " ")
		if textWidth(strings.TrimRight(seg, " "), bold, size) <= maxW {
			line.WriteString(seg)
			continue
		}
		for _, g := range clusters(seg) {
			before := line.Len()
			line.WriteString(g)
			if before > 0 && lineW() > maxW {
				cur := line.String()
				line.Reset()
				line.WriteString(cur[:before])
				flush()
				line.WriteString(strings.TrimLeft(g, " "))
			}
		}
	}
	flush()
	return lines
}

// clusters splits s into base characters with their combining marks, so that
// breaking or truncating never separates an accent from its letter.
func clusters(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if i > 0 && !unicode.Is(unicode.Mn, r) {
			out = append(out, s[start:i])
			start = i
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// ellipsis ends text that was cut short.
const ellipsis = "…"

// ellipsize shortens s to fit maxW, ending it with "…". It reports whether it
// had to.
func ellipsize(s string, bold bool, size, maxW float64) (string, bool) {
	if textWidth(s, bold, size) <= maxW {
		return s, false
	}
	// Measure cluster by cluster (linear, not quadratic, for long text),
	// then check the result, since a space's width depends on its run.
	avail := maxW - textWidth(ellipsis, bold, size)
	cs := clusters(s)
	n, w := 0, 0.0
	for n < len(cs) {
		cw := textWidth(cs[n], bold, size)
		if w+cw > avail {
			break
		}
		w += cw
		n++
	}
	for ; n >= 0; n-- {
		t := strings.TrimRight(strings.Join(cs[:n], ""), " ") + ellipsis
		if n == 0 || textWidth(t, bold, size) <= maxW {
			return t, true
		}
	}
	return ellipsis, true
}

// withEllipsis ends s with "…" to show that more followed, shortening it if
// the two do not fit maxW together.
func withEllipsis(s string, bold bool, size, maxW float64) string {
	// "time.…" reads badly: the ellipsis replaces a final stop or comma.
	s = strings.TrimRight(s, " .,;:")
	if textWidth(s+ellipsis, bold, size) <= maxW {
		return s + ellipsis
	}
	t, _ := ellipsize(s+ellipsis, bold, size, maxW)
	return t
}

// fitSize returns the largest size from max down to min (in steps of half a
// point) at which s fits maxW on one line, and whether it fits at all.
func fitSize(s string, bold bool, max, min, maxW float64) (float64, bool) {
	for size := max; size >= min; size -= 0.5 {
		if textWidth(s, bold, size) <= maxW {
			return size, true
		}
	}
	return min, false
}
