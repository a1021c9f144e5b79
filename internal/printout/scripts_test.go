package printout

import (
	"os/exec"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// scriptNames are people whose names need more than a font that has the
// letters: Arabic must be joined and read right to left, Hebrew right to
// left, Korean needs Hangul syllables, Chinese Han, Vietnamese stacked
// accents.
var scriptNames = map[string]string{
	"arabic":     "فاطمة الزهراء",
	"hebrew":     "שרה לוי",
	"korean":     "김민준",
	"chinese":    "王小明",
	"vietnamese": "Nguyễn Thị Minh Khai",
	"latin":      "José Ñúñez-Gonçalves",
}

// rawLogical extracts pdf's text as a person copying it would get it:
// pdftotext in its normal mode, which puts right-to-left runs back in
// logical (typed) order. Compare it through logicalForm.
func rawLogical(t *testing.T, pdf []byte) string {
	t.Helper()
	tool := poppler(t, "pdftotext")
	path := writePDF(t, strings.ReplaceAll(t.Name(), "/", "_")+".pdf", pdf)
	out, err := exec.Command(tool, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// logicalForm normalises text for comparison: NFKC, which turns the Arabic
// contextual forms the PDF maps its glyphs to (ﻓ, ﻄ, ﻤ …) back into the
// letters typed (ف, ط, م), without the directional embedding marks
// pdftotext wraps right-to-left lines in, and with whitespace collapsed.
func logicalForm(s string) string {
	s = norm.NFKC.String(s)
	s = strings.Map(func(r rune) rune {
		if (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069') || r == '\u200E' || r == '\u200F' {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func assertLogical(t *testing.T, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, logicalForm(w)) {
			t.Errorf("extracted text lacks %q in logical order\ntext: %s", w, text)
		}
	}
	if strings.ContainsRune(text, replacement) {
		t.Errorf("extracted text has %q: a glyph is missing\ntext: %s", replacement, text)
	}
}

// assertJoined checks that Arabic was shaped: the glyphs printed are the
// initial, medial and final forms (here of فاطمة: fāʼ initial, ṭāʼ initial
// after the non-joining alif, mīm medial, tāʼ marbūṭa final), not the
// isolated letters an unshaped printout shows.
func assertJoined(t *testing.T, raw string) {
	t.Helper()
	for _, form := range []rune{'\uFED3', '\uFEC3', '\uFEE4', '\uFE94'} {
		if !strings.ContainsRune(raw, form) {
			t.Errorf("Arabic not joined: no %U (%c) printed\ntext: %s", form, form, raw)
		}
	}
}

func TestCertificateInEveryScript(t *testing.T) {
	for script, name := range scriptNames {
		t.Run(script, func(t *testing.T) {
			pdf, err := CertificatePDF(sampleCertificate(name))
			if err != nil {
				t.Fatal(err)
			}
			raw := rawLogical(t, pdf)
			assertLogical(t, logicalForm(raw), name, "This certificate is awarded to", "Certified Peer Specialist course")
			if script == "arabic" {
				assertJoined(t, raw)
			}
		})
	}
}

// scriptPlan is a safety plan whose person and contacts write in several
// scripts, with right-to-left names inside English sentences.
func scriptPlan() Plan {
	return Plan{
		Title:      "My safety plan",
		PersonName: scriptNames["arabic"],
		Sections: []Section{
			{Heading: "People who help me", Items: []string{
				"My sister " + scriptNames["arabic"] + ": 508-555-0110",
				scriptNames["hebrew"] + ", my neighbour",
				"My friend " + scriptNames["korean"],
				"My cousin " + scriptNames["chinese"],
				scriptNames["vietnamese"] + ", my peer specialist",
				scriptNames["latin"] + ", my brother",
			}},
			{Heading: "أسباب للحياة", Items: []string{
				"الحمد لله على كل شيء",
				"אני לא לבד",
				"우리 가족과 친구들",
			}},
		},
		Footer: "In a crisis: call or text 988, any time.",
	}
}

func TestPlanAndPocketCardInEveryScript(t *testing.T) {
	p := scriptPlan()
	for name, f := range map[string]func(Plan) ([]byte, error){"plan": PlanPDF, "card": PocketCardPDF} {
		t.Run(name, func(t *testing.T) {
			pdf, err := f(p)
			if err != nil {
				t.Fatal(err)
			}
			raw := rawLogical(t, pdf)
			text := logicalForm(raw)
			want := []string{"People who help me", "In a crisis: call or text 988"}
			for _, n := range scriptNames {
				want = append(want, n)
			}
			want = append(want, p.Sections[1].Heading)
			want = append(want, p.Sections[1].Items...)
			assertLogical(t, text, want...)
			assertJoined(t, raw)
		})
	}
}

// TestScriptFontsAreEmbedded: every font used is in the PDF, so it prints
// the same on a computer without Korean or Arabic fonts.
func TestScriptFontsAreEmbedded(t *testing.T) {
	pdf, err := PlanPDF(scriptPlan())
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(poppler(t, "pdffonts"), writePDF(t, "fonts.pdf", pdf)).Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 3 {
		t.Fatalf("pdffonts lists no fonts:\n%s", out)
	}
	seen := map[string]bool{}
	for _, l := range lines[2:] {
		f := strings.Fields(l)
		// name type… encoding emb sub uni object ID
		if len(f) < 7 || f[len(f)-5] != "yes" || f[len(f)-3] != "yes" {
			t.Errorf("font not embedded with a ToUnicode map: %s", l)
		}
		seen[strings.ToLower(f[0])] = true
	}
	for _, want := range []string{"dejavu", "nanum", "droid"} {
		found := false
		for name := range seen {
			found = found || strings.Contains(name, want)
		}
		if !found {
			t.Errorf("no %s font in the PDF:\n%s", want, out)
		}
	}
}

func TestHangulUsesTheKoreanFont(t *testing.T) {
	mustLoadFonts(t)
	got := splitRuns("김민준 王 Kim", false)
	want := []run{{faceHangul, "김민준 "}, {faceFallback, "王 "}, {faceRegular, "Kim"}}
	if len(got) != len(want) {
		t.Fatalf("splitRuns = %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("splitRuns = %v, want %v", got, want)
		}
	}
	for _, r := range "김민준한국어" {
		if !unicode.Is(unicode.Hangul, r) || cleanLine(string(r)) != string(r) {
			t.Errorf("%c is not printable", r)
		}
	}
}

// TestShapedWidthIsWhatPrints: the layout measures shaped text, so an
// Arabic word (joined forms are narrower than isolated letters) and a
// ligature-free Latin word measure as the sum of their parts or less.
func TestShapedWidthIsWhatPrints(t *testing.T) {
	mustLoadFonts(t)
	word := "فاطمة"
	joined := textWidth(word, false, 10)
	isolated := 0.0
	for _, r := range word {
		isolated += textWidth(string(r), false, 10)
	}
	if joined <= 0 || joined >= isolated {
		t.Errorf("joined width %.2f, isolated letters %.2f: want joined narrower", joined, isolated)
	}
	if w := textWidth("office", false, 10); w <= textWidth("o", false, 10)*3 {
		t.Errorf("width of office = %.2f", w)
	}
}

// TestRightToLeftParagraphsAreSetFromTheRight: an item that starts in
// Arabic or Hebrew is set from the right edge, bullet on the right; an
// English item with an Arabic name in it stays on the left.
func TestRightToLeftParagraphsAreSetFromTheRight(t *testing.T) {
	for s, want := range map[string]bool{
		"الحمد لله":                   true,
		"אני לא לבד":                  true,
		"(١٢٣) مرحبا":                 true,
		"My sister فاطمة الزهراء":     false,
		"123 — 김민준":                   false,
		"":                            false,
		"\u200F988 שרה, my neighbour": true,
	} {
		if got := rightToLeft(s); got != want {
			t.Errorf("rightToLeft(%q) = %v, want %v", s, got, want)
		}
	}
	mustLoadFonts(t)
	c := cleanUp(scriptPlan())
	lines, _ := sectionLines(c.sections, planStyle(10), 300, 0)
	for _, l := range lines {
		if want := rightToLeft(l.text); l.rtl != want && l.text != "" {
			t.Errorf("line %q: rtl = %v, want %v", l.text, l.rtl, want)
		}
	}
}
