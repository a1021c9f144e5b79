package printout

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"peerpath/internal/core"
)

// names are the people the tests print for: accents, stacked Vietnamese
// diacritics, polytonic Greek, Cyrillic and Han.
var names = []string{
	"José Ñúñez-Gonçalves",
	"Nguyễn Thị Minh Khai",
	"Ἀλέξανδρος",
	"Анна Петрова",
	"王小明",
	"Jean-Baptiste Désir Pierre-Louis", // Haitian Creole
	"João Conceição",
}

// poppler finds a poppler-utils tool. Without it the test is skipped, except
// in CI (CI=true), which installs poppler-utils and must not skip silently.
func poppler(t testing.TB, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed; CI must install poppler-utils (apt-get install poppler-utils)", tool)
		}
		t.Skipf("%s (Debian package poppler-utils) is not on PATH; skipping this check of the PDF (set CI=true to make it a failure)", tool)
	}
	return p
}

// writePDF writes pdf to a temporary file and returns its path. With
// PRINTOUT_OUT set to a directory, the PDF is also kept there, to look at.
func writePDF(t testing.TB, name string, pdf []byte) string {
	t.Helper()
	if dir := os.Getenv("PRINTOUT_OUT"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// extract returns the text of each page of pdf, as pdftotext sees it, with
// whitespace collapsed.
func extract(t *testing.T, pdf []byte) []string {
	t.Helper()
	tool := poppler(t, "pdftotext")
	path := writePDF(t, strings.ReplaceAll(t.Name(), "/", "_")+".pdf", pdf)
	// -raw keeps the content stream's order, which is reading order here,
	// and does not join a word hyphenated at the end of a line ("peer-" +
	// "run") into "peerrun" as the default mode does.
	out, err := exec.Command(tool, "-raw", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(strings.TrimSuffix(string(out), "\f"), "\f")
	for i, p := range pages {
		pages[i] = collapse(p)
	}
	return pages
}

// collapse normalises text for comparison: NFC, whitespace collapsed, and
// "peer- run" (a hyphenated word broken across lines) joined again.
func collapse(s string) string {
	s = strings.Join(strings.Fields(norm.NFC.String(s)), " ")
	return strings.ReplaceAll(s, "- ", "-")
}

func assertContains(t *testing.T, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, collapse(w)) {
			shown := text
			if len(shown) > 600 {
				shown = shown[:600] + " …"
			}
			t.Errorf("printed text lacks %q\ntext: %s", w, shown)
		}
	}
}

// mustLoadFonts loads the font coverage, for tests that call the layout
// functions directly rather than through a renderer.
func mustLoadFonts(t *testing.T) {
	t.Helper()
	if err := loadFonts(); err != nil {
		t.Fatal(err)
	}
}

func sampleCertificate(name string) Certificate {
	return Certificate{
		Recipient:      name,
		Programme:      "Certified Peer Specialist course",
		Issuer:         "Metro Boston Recovery Learning Community",
		IssuedOn:       "23 November 2026",
		Code:           "K7QX-2M9P",
		VerifyURL:      "https://peerpath.example.org/verify/K7QX-2M9P",
		Signatory:      "Maria Oliveira",
		SignatoryTitle: "Director of Training",
	}
}

func samplePlan() Plan {
	return Plan{
		Title:      "My safety plan",
		PersonName: "Nguyễn Thị Minh Khai",
		Subtitle:   "Version 3 · updated 23 November 2026",
		Sections: []Section{
			{Heading: "Warning signs", Items: []string{
				"I stop answering my phone and stay in bed most of the day.",
				"Thoughts like “nothing will ever change”.",
			}},
			{Heading: "Things I can do on my own", Items: []string{
				"Walk by the Charles River, even for ten minutes.",
				"Listen to my playlist and make tea.",
			}},
			{Heading: "People who help me", Items: []string{
				"José Ñúñez-Gonçalves, my brother: 508-555-0110",
				"Ἀλέξανδρος, my peer specialist: 617-555-0199",
				"Анна Петрова, my neighbour: 617-555-0142",
				"My cousin 王小明",
			}},
			{Heading: "Making my space safer", Items: []string{
				"Keep medication with my sister.\nAsk Anna to hold my car keys when things get bad.",
			}},
		},
		Footer: "In a crisis: call or text 988, any time.\nMassachusetts Behavioral Health Help Line: 833-773-2445 (24/7, many languages). Emergency: 911.",
	}
}

func TestCertificateTextIsExtractable(t *testing.T) {
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			pdf, err := CertificatePDF(sampleCertificate(name))
			if err != nil {
				t.Fatal(err)
			}
			pages := extract(t, pdf)
			if len(pages) != 1 {
				t.Fatalf("%d pages, want 1", len(pages))
			}
			assertContains(t, pages[0], name, "Certified Peer Specialist course",
				"Metro Boston Recovery Learning Community", "23 November 2026",
				"Maria Oliveira", "Director of Training",
				"Check this certificate at https://peerpath.example.org/verify/K7QX-2M9P",
				"Verification code: K7QX-2M9P")
			if strings.Contains(pages[0], "DEMO") {
				t.Error("a real certificate says DEMO")
			}
		})
	}
}

func TestCertificateDemoIsMarked(t *testing.T) {
	c := sampleCertificate("Анна Петрова")
	c.Demo = true
	pdf, err := CertificatePDF(c)
	if err != nil {
		t.Fatal(err)
	}
	assertContains(t, extract(t, pdf)[0], "DEMO — not a real certificate", "Анна Петрова")
}

func TestCertificateLongNameShrinksOrWraps(t *testing.T) {
	mustLoadFonts(t)
	long := "Maria da Conceição Gonçalves Ñúñez de Albuquerque Figueiredo e Vasconcelos"
	if size, ok := fitSize(long, false, 38, 12, letterH-200); !ok || size >= 38 {
		t.Fatalf("fitSize(%q) = %v, %v; want a smaller size that fits", long, size, ok)
	}
	veryLong := strings.Repeat(long+" ", 3)
	for _, name := range []string{long, veryLong} {
		pdf, err := CertificatePDF(sampleCertificate(name))
		if err != nil {
			t.Fatal(err)
		}
		assertContains(t, extract(t, pdf)[0], name)
	}
}

func TestCertificateNeedsRecipientAndProgramme(t *testing.T) {
	_, err := CertificatePDF(Certificate{Recipient: "  ", Programme: ""})
	var ce *core.Error
	if !errors.As(err, &ce) || ce.Kind != core.KindInvalid {
		t.Fatalf("err = %v, want a core invalid error", err)
	}
	if ce.Fields["recipient"] == "" || ce.Fields["programme"] == "" {
		t.Errorf("fields = %v, want recipient and programme", ce.Fields)
	}
}

func TestCertificateMetadata(t *testing.T) {
	pdf, err := CertificatePDF(sampleCertificate("王小明"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(poppler(t, "pdfinfo"), writePDF(t, "meta.pdf", pdf)).Output()
	if err != nil {
		t.Fatal(err)
	}
	info := string(out)
	for _, want := range []string{"Certificate of Completion: 王小明, Certified Peer Specialist course", "Metro Boston Recovery Learning Community", "Page size:       792 x 612 pts (letter)"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
}

func TestPlanIsOnePageWithAllText(t *testing.T) {
	p := samplePlan()
	pdf, err := PlanPDF(p)
	if err != nil {
		t.Fatal(err)
	}
	pages := extract(t, pdf)
	if len(pages) != 1 {
		t.Fatalf("%d pages, want 1", len(pages))
	}
	want := []string{p.Title, p.PersonName, p.Subtitle}
	for _, s := range p.Sections {
		want = append(want, s.Heading)
		for _, it := range s.Items {
			want = append(want, strings.Split(it, "\n")...)
		}
	}
	want = append(want, strings.Split(p.Footer, "\n")...)
	assertContains(t, pages[0], want...)
}

// manyItems makes n distinct items, each a few lines long, tagged so that
// each can be found in the printed text.
func manyItems(n int) []string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf("[item %03d] %s", i, strings.Repeat("Call my sponsor or go to the peer-run centre; ", 1+i%4))
	}
	return items
}

func TestPlanShrinksToStayOnOnePage(t *testing.T) {
	p := samplePlan()
	p.Sections = append(p.Sections, Section{Heading: "More", Items: manyItems(22)})
	mustLoadFonts(t)
	lay := layoutPlan(cleanUp(p))
	if lay.size >= planMaxSize || len(lay.placed) != 1 {
		t.Fatalf("size %v on %d pages; want a smaller size on one page", lay.size, len(lay.placed))
	}
	pdf, err := PlanPDF(p)
	if err != nil {
		t.Fatal(err)
	}
	pages := extract(t, pdf)
	if len(pages) != 1 {
		t.Fatalf("%d pages, want 1", len(pages))
	}
	for i := range 22 {
		assertContains(t, pages[0], fmt.Sprintf("[item %03d]", i))
	}
}

func TestPlanTooLongContinuesWithoutLosingText(t *testing.T) {
	p := samplePlan()
	items := manyItems(90)
	p.Sections = append(p.Sections, Section{Heading: "A very long section", Items: items})
	pdf, err := PlanPDF(p)
	if err != nil {
		t.Fatal(err)
	}
	pages := extract(t, pdf)
	if len(pages) < 2 {
		t.Fatalf("%d pages, want the plan to continue on a second page", len(pages))
	}
	all := strings.Join(pages, " ")
	for _, it := range items {
		assertContains(t, all, it)
	}
	for i, pg := range pages {
		// Every page carries the crisis lines and says how far it is.
		assertContains(t, pg, "In a crisis: call or text 988", fmt.Sprintf("Page %d of %d", i+1, len(pages)))
	}
}

func TestDemoPlanIsMarkedOnEveryPage(t *testing.T) {
	p := samplePlan()
	p.Demo = true
	p.Sections = append(p.Sections, Section{Heading: "Long", Items: manyItems(90)})
	for name, f := range map[string]func(Plan) ([]byte, error){"plan": PlanPDF, "card": PocketCardPDF} {
		pdf, err := f(p)
		if err != nil {
			t.Fatal(err)
		}
		for i, pg := range extract(t, pdf) {
			if !strings.Contains(pg, "DEMO — not a real plan") {
				t.Errorf("%s page %d is not marked as a demo", name, i+1)
			}
		}
	}
}

func TestPocketCardFitsOrTruncates(t *testing.T) {
	p := samplePlan()
	pdf, err := PocketCardPDF(p)
	if err != nil {
		t.Fatal(err)
	}
	text := extract(t, pdf)[0]
	assertContains(t, text, "My safety plan", "Nguyễn Thị Minh Khai", "王小明", "Ἀλέξανδρος", "In a crisis: call or text 988")
	if strings.Contains(text, seeFullPlan) {
		t.Error("a card with room to spare says (see full plan)")
	}

	p.Sections = append(p.Sections, Section{Heading: "Too much", Items: manyItems(30)})
	pdf, err = PocketCardPDF(p)
	if err != nil {
		t.Fatal(err)
	}
	text = extract(t, pdf)[0]
	assertContains(t, text, ellipsis, seeFullPlan, "My safety plan", "In a crisis")
}

func TestPocketCardShrinksBeforeTruncating(t *testing.T) {
	p := samplePlan()
	p.Sections = append(p.Sections, Section{Heading: "A few more", Items: manyItems(3)})
	mustLoadFonts(t)
	lay := layoutCard(cleanUp(p))
	if lay.cut {
		t.Fatal("cut a card that fits at a smaller size")
	}
	var sizes []float64
	for _, col := range lay.placed {
		for _, l := range col {
			sizes = append(sizes, l.size)
		}
	}
	if len(sizes) == 0 || sizes[len(sizes)-1] >= cardMaxSize || sizes[len(sizes)-1] < cardMinSize {
		t.Errorf("item sizes %v; want between %v and %v", sizes, cardMinSize, cardMaxSize)
	}
}

func TestEmptyDocumentsRender(t *testing.T) {
	for name, f := range map[string]func(Plan) ([]byte, error){"plan": PlanPDF, "card": PocketCardPDF} {
		for _, p := range []Plan{{}, {Sections: []Section{{}, {Heading: "", Items: []string{"", "  \n "}}}}} {
			pdf, err := f(p)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Fatalf("%s: not a PDF", name)
			}
		}
	}
}

// TestUnsupportedScriptsDoNotPanic prints text the fonts cannot shape or do
// not have: it must print something and never fail.
func TestUnsupportedScriptsDoNotPanic(t *testing.T) {
	hard := []string{
		"مرحبا بالعالم (١٢٣) [x]",     // Arabic with mirrored brackets and its digits
		"שלום עולם",                   // Hebrew
		"សួស្តី ពិភពលោក",              // Khmer: not in the fonts
		"नमस्ते दुनिया",               // Devanagari
		"😀👩‍👩‍👧 emoji",                // outside the BMP, with ZWJ
		"Nguye\u0302\u0303n",          // decomposed accents
		"bad \xff\xfe utf-8 \x00\x07", // invalid UTF-8 and control characters
		"\u202Ereversed\u202C\u200B\uFE0F",
		strings.Repeat("長", 400),
		strings.Repeat("x", 2000),
		"",
	}
	for i, s := range hard {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			if _, err := CertificatePDF(Certificate{Recipient: s + "a", Programme: s + "b", Issuer: s, IssuedOn: s, Code: s, VerifyURL: s, Signatory: s, SignatoryTitle: s, Demo: true}); err != nil {
				t.Error(err)
			}
			p := Plan{Title: s, PersonName: s, Subtitle: s, Footer: s, Sections: []Section{{Heading: s, Items: []string{s, s + "\n" + s}}}}
			if _, err := PlanPDF(p); err != nil {
				t.Error(err)
			}
			if _, err := PocketCardPDF(p); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestDecomposedAccentsPrintPrecomposed(t *testing.T) {
	pdf, err := CertificatePDF(sampleCertificate("Nguye\u0302\u0303n Thi\u0323"))
	if err != nil {
		t.Fatal(err)
	}
	assertContains(t, extract(t, pdf)[0], "Nguyễn Thị")
}

func TestKhmerIsReplacedNotDropped(t *testing.T) {
	mustLoadFonts(t)
	if got := cleanLine("ក ok"); got != "\uFFFD ok" {
		t.Errorf("cleanLine = %q", got)
	}
}

// TestDeterministic: the same input prints the same words in the same
// places. (Not the same bytes: the PDF library stamps the time into the
// document information and into each font subset.)
func TestDeterministic(t *testing.T) {
	tool := poppler(t, "pdftotext")
	layout := func(name string, make func() ([]byte, error)) string {
		t.Helper()
		pdf, err := make()
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(tool, "-bbox", "-enc", "UTF-8", writePDF(t, name, pdf), "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		// Drop the head: it holds the creation date.
		_, body, _ := strings.Cut(string(out), "<doc>")
		return body
	}
	cert := func() ([]byte, error) { return CertificatePDF(sampleCertificate("王小明")) }
	plan := func() ([]byte, error) { return PlanPDF(samplePlan()) }
	a, b := layout("a.pdf", cert), layout("b.pdf", cert)
	if a != b || !strings.Contains(a, "王小明") {
		t.Errorf("the same certificate printed twice differs:\n%s\n%s", a, b)
	}
	if layout("p1.pdf", plan) != layout("p2.pdf", plan) {
		t.Error("the same plan printed twice differs")
	}
}

func TestRendersToImage(t *testing.T) {
	tool := poppler(t, "pdftoppm")
	docs := map[string]func() ([]byte, error){
		"certificate": func() ([]byte, error) { return CertificatePDF(sampleCertificate("José Ñúñez-Gonçalves")) },
		"plan":        func() ([]byte, error) { return PlanPDF(samplePlan()) },
		"card":        func() ([]byte, error) { return PocketCardPDF(samplePlan()) },
	}
	for name, make := range docs {
		pdf, err := make()
		if err != nil {
			t.Fatal(err)
		}
		path := writePDF(t, name+".pdf", pdf)
		prefix := filepath.Join(filepath.Dir(path), name)
		if out, err := exec.Command(tool, "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", path, prefix).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v: %s", err, out)
		}
		png, err := os.ReadFile(prefix + ".png")
		if err != nil {
			t.Fatal(err)
		}
		if len(png) < 1000 || !bytes.HasPrefix(png, []byte("\x89PNG")) {
			t.Errorf("%s: page 1 gave a %d-byte image", name, len(png))
		}
	}
}

func TestSplitRunsUsesFallbackForHan(t *testing.T) {
	mustLoadFonts(t)
	got := splitRuns("José 王小明 Анна", true)
	want := []run{{faceBold, "José "}, {faceFallback, "王小明 "}, {faceBold, "Анна"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("splitRuns = %v, want %v", got, want)
	}
}

func TestWrapKeepsEveryRune(t *testing.T) {
	mustLoadFonts(t)
	texts := []string{
		"Walk by the Charles River, even for ten minutes, then call https://example.org/a/very/long/path/that/does/not/fit",
		strings.Repeat("王小明", 30),
		strings.Repeat("Nguyễn", 20),
		"Supercalifragilisticexpialidocious-and-then-some-more-words-joined-by-hyphens",
		"Massachusetts Behavioral Health Help Line: 833-773-2445 (call or text, 24/7)",
	}
	for _, s := range texts {
		const w = 120.0
		lines := wrap(s, false, 10, w)
		joined := strings.ReplaceAll(strings.Join(lines, ""), " ", "")
		if joined != strings.ReplaceAll(s, " ", "") {
			t.Errorf("wrap lost text:\n got %q\nwant %q", joined, s)
		}
		for _, l := range lines {
			if strings.HasSuffix(l, "833-") || strings.HasSuffix(l, "833-773-") {
				t.Errorf("a phone number was broken across lines: %q", lines)
			}
			if textWidth(l, false, 10) > w && utf8.RuneCountInString(l) > 1 {
				t.Errorf("line %q is %.1f wide, more than %v", l, textWidth(l, false, 10), w)
			}
		}
	}
}

func BenchmarkCertificatePDF(b *testing.B) {
	c := sampleCertificate("José Ñúñez-Gonçalves")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CertificatePDF(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCertificatePDFHan(b *testing.B) {
	c := sampleCertificate("王小明")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CertificatePDF(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPlanPDF(b *testing.B) {
	p := samplePlan()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PlanPDF(p); err != nil {
			b.Fatal(err)
		}
	}
}

// TestConcurrentRendering: the web server prints for many people at once.
func TestConcurrentRendering(t *testing.T) {
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			var err error
			switch i % 3 {
			case 0:
				_, err = CertificatePDF(sampleCertificate(names[i%len(names)]))
			case 1:
				_, err = PlanPDF(samplePlan())
			default:
				_, err = PocketCardPDF(samplePlan())
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
