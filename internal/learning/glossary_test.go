package learning

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"peerpath/internal/core"
)

// seed000 lists the terms of the Transformation Center's review game (seed
// 000) by slug, with the answer exactly as the game gives it.
var seed000 = []struct{ slug, answer string }{
	{"mutuality", "What is Mutuality?"},
	{"trauma-informed", "What is Trauma-informed?"},
	{"certified-older-adult-peer-specialist", "What is a Certified Older Adult Peer Specialist?"},
	{"rlc", "What is an RLC or Recovery Learning Community?"},
	{"wrap", "What is WRAP or Wellness Recovery Action Planning?"},
	{"self-determination", "What is Self-determination?"},
	{"snippet", "What is a Snippet?"},
	{"young-adult-peer-mentor", "What is a Young Adult Peer Mentor?"},
	{"mbhp", "What is the MBHP or Massachusetts Behavioral Health Partnership?"},
	{"hvn", "What is the HVN or Hearing Voices Network?"},
	{"trauma", "What is Trauma?"},
	{"human-experience-language", "What is Human Experience Language?"},
	{"recovery-coach", "What is a Recovery Coach?"},
	{"mamh", "What is the MAMH or Massachusetts Association for Mental Health?"},
	{"wham", "What is WHAM or Whole Health Action Management?"},
	{"intersectionality", "What is Intersectionality?"},
	{"recovery-oriented-model", "What is the Recovery-oriented Model?"},
	{"forensic-peer-specialist", "What is a Forensic Peer Specialist?"},
	{"mapwc", "What is the MAPWC or Massachusetts Peer Workforce Coalition?"},
	{"ips", "What is IPS or Intentional Peer Support?"},
}

// seed003Names are acronyms and resources named in the 2014 guidelines'
// chart and acronym lists, written as the guidelines write them.
var seed003Names = []string{
	"Alternatives to Suicide", "AREAS", "ATRIUM", "CPS", "CPS Training", "CPS Supervisor training",
	"CommonGround", "Core GIFT", "E-CPR", "Emotional CPR", "Financial Support", "Hearing Voices",
	"Intentional Care", "IPS", "MLA", "NIATx", "NYAPRS Peer Bridger", "NYAPRS", "Parenting Journey",
	"Pre-CPS", "Recovery Coach Academy", "Recovery Messaging", "RI/RO Peer Employment Training",
	"PSWHR", "WHAM", "Tobacco Cessation", "WRAP", "One Care", "LTSS", "LTSS Coordinator",
	"IL/RLC LTSS Coordinator", "IL/RLC LTSS Peer Support", "BRSS TACS", "CAPRSS", "CORI", "HIV/AIDS",
	"MSDP", "NARCAN", "QA/QI", "RLC", "RSC", "Cultural Competency", "TRANSCOM", "TRANSKOM",
	"DMH", "Department of Public Health", "SAMHSA", "MOAR", "ESP", "PACT", "WRAP ALF", "Peer Bridger",
	"Motivational Interviewing", "Recovery Coach", "warm line", "Transformation Center",
	"CPS Code of Ethics", "Grandfather clause", "National Empowerment Center", "STAR Center",
}

// domainConcepts are the key ideas the rest of peerpath relies on.
var domainConcepts = []string{
	"peer support", "lived experience", "person-first language", "dignity of risk",
	"recovery capital", "natural supports", "dual relationship", "warm line", "safety plan", "wellness plan",
}

func shipped(t *testing.T) []Entry {
	t.Helper()
	es, err := ParseGlossary(glossaryJSON)
	if err != nil {
		t.Fatalf("shipped glossary: %v", err)
	}
	return es
}

func TestShippedGlossaryIsAValidSet(t *testing.T) {
	es := shipped(t)
	if len(es) < 60 || len(es) > 150 {
		t.Errorf("glossary has %d entries; expected roughly 60–150", len(es))
	}
	if err := ValidateSet(es); err != nil {
		t.Fatalf("ValidateSet: %v", err)
	}
	slugs := map[string]bool{}
	cats := map[string]int{}
	for _, e := range es {
		if slugs[e.Slug] {
			t.Errorf("duplicate slug %q", e.Slug)
		}
		slugs[e.Slug] = true
		cats[e.Category]++
		if !slices.Contains(EntryCategories(), e.Category) {
			t.Errorf("%s: category %q", e.Slug, e.Category)
		}
		if len(e.Related) == 0 && e.Slug != "parenting-journey" && e.Slug != "financial-support" {
			t.Errorf("%s: no related entries", e.Slug)
		}
	}
	for _, e := range es {
		for _, r := range e.Related {
			if !slugs[r] {
				t.Errorf("%s: related %q does not exist", e.Slug, r)
			}
		}
	}
	for _, c := range EntryCategories() {
		if cats[c] < 5 {
			t.Errorf("category %s has %d entries; a board column needs 5", c, cats[c])
		}
	}
	t.Logf("entries by category: %v (total %d)", cats, len(es))
}

func TestShippedNamesAreUniqueAcrossEntries(t *testing.T) {
	owner := map[string]string{}
	for _, e := range shipped(t) {
		for _, n := range e.Names() {
			k := answerForm(n)
			if o, ok := owner[k]; ok && o != e.Slug {
				t.Errorf("%q is a name of both %s and %s", n, o, e.Slug)
			}
			owner[k] = e.Slug
		}
	}
}

func TestEverySeedGameTermIsPresentWithAClue(t *testing.T) {
	g := DefaultGlossary()
	for _, s := range seed000 {
		e, ok := g.Lookup(s.slug)
		if !ok {
			t.Errorf("%s missing", s.slug)
			continue
		}
		if strings.TrimSpace(e.Clue) == "" {
			t.Errorf("%s has no clue", s.slug)
		}
		if !MatchAnswer(s.answer, e) {
			t.Errorf("the seed's own answer %q is not accepted for %s", s.answer, s.slug)
		}
	}
}

func TestGuidelineAcronymsAndDomainConceptsAreFound(t *testing.T) {
	g := DefaultGlossary()
	for _, n := range append(slices.Clone(seed003Names), domainConcepts...) {
		if _, ok := g.Lookup(n); !ok {
			t.Errorf("Lookup(%q) found nothing", n)
		}
	}
}

// The people supported are "persons"; clinical labels must not creep into
// anything a user reads.
func TestNoClinicalLabelsInGlossary(t *testing.T) {
	banned := []string{"client", "clients", "patient", "patients", "consumer", "consumers", "case", "cases"}
	for _, e := range shipped(t) {
		for field, text := range map[string]string{"definition": e.Definition, "clue": e.Clue, "term": e.Term, "expansion": e.Expansion} {
			for _, w := range normWords(text) {
				if slices.Contains(banned, w) {
					t.Errorf("%s %s uses %q", e.Slug, field, w)
				}
			}
		}
	}
}

// A clue must not contain its own answer, or the game is no game.
func TestCluesDoNotNameTheirAnswer(t *testing.T) {
	for _, e := range shipped(t) {
		if e.Clue != "" && Redact(e.Clue, e) != e.Clue {
			t.Errorf("%s: clue names its answer: %s", e.Slug, Redact(e.Clue, e))
		}
	}
}

// Definitions and clues are the project's own words: no run of seven words
// may be lifted from the seed documents, apart from names (an expansion such
// as "Bringing Recovery Supports to Scale ..." is a fact, not prose).
func TestDefinitionsAreNotCopiedFromSeeds(t *testing.T) {
	const n = 7
	var seedText strings.Builder
	for _, p := range []string{"/work/shared/seeds/000_3ec79beb4e6d6859.txt", "/work/shared/seeds/003_71cd1aa3fa5d4af5.txt"} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Skipf("seed documents not available: %v", err)
		}
		seedText.Write(b)
		seedText.WriteString(" ")
	}
	shingles := func(ws []string) []string {
		var out []string
		for i := 0; i+n <= len(ws); i++ {
			out = append(out, strings.Join(ws[i:i+n], " "))
		}
		return out
	}
	seed := map[string]bool{}
	for _, s := range shingles(normWords(seedText.String())) {
		seed[s] = true
	}
	es := shipped(t)
	var names strings.Builder
	for _, e := range es {
		for _, nm := range e.Names() {
			names.WriteString(" " + norm(nm) + " |")
		}
	}
	for _, e := range es {
		for field, text := range map[string]string{"definition": e.Definition, "clue": e.Clue} {
			for _, s := range shingles(normWords(text)) {
				if seed[s] && !strings.Contains(names.String(), s) {
					t.Errorf("%s %s copies the seed: %q", e.Slug, field, s)
				}
			}
		}
	}
}

func TestValidateReportsEachField(t *testing.T) {
	good := Entry{Term: "Warm line", Slug: "warm-line", Definition: "A peer-run phone line.", Category: CategoryPractices}
	if err := Validate(good); err != nil {
		t.Fatalf("valid entry rejected: %v", err)
	}
	tests := []struct {
		name  string
		edit  func(*Entry)
		field string
	}{
		{"no term", func(e *Entry) { e.Term = "  " }, "term"},
		{"punctuation term", func(e *Entry) { e.Term = "--" }, "term"},
		{"long term", func(e *Entry) { e.Term = strings.Repeat("x", MaxTermLen+1) }, "term"},
		{"bad slug", func(e *Entry) { e.Slug = "Warm Line" }, "slug"},
		{"empty slug", func(e *Entry) { e.Slug = "" }, "slug"},
		{"double hyphen slug", func(e *Entry) { e.Slug = "warm--line" }, "slug"},
		{"no definition", func(e *Entry) { e.Definition = "" }, "definition"},
		{"long definition", func(e *Entry) { e.Definition = strings.Repeat("word ", 200) }, "definition"},
		{"category", func(e *Entry) { e.Category = "misc" }, "category"},
		{"blank alias", func(e *Entry) { e.Aliases = []string{"warmline", " "} }, "aliases"},
		{"self related", func(e *Entry) { e.Related = []string{"warm-line"} }, "related"},
		{"bad related", func(e *Entry) { e.Related = []string{"Not A Slug"} }, "related"},
		{"long clue", func(e *Entry) { e.Clue = strings.Repeat("x", MaxClueLen+1) }, "clue"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := good
			tc.edit(&e)
			err := Validate(e)
			ce, ok := core.As(err)
			if !ok || ce.Kind != core.KindInvalid {
				t.Fatalf("got %v, want an invalid error", err)
			}
			if _, ok := ce.Fields[tc.field]; !ok {
				t.Errorf("fields %v lack %q", ce.Fields, tc.field)
			}
		})
	}
}

func TestValidateWithChecksRelatedExist(t *testing.T) {
	known := shipped(t)
	e := Entry{Term: "Peer run respite", Slug: "peer-run-respite-house", Definition: "A home-like place.", Category: CategoryPractices, Related: []string{"peer-respite"}}
	if err := ValidateWith(e, known); err != nil {
		t.Errorf("existing related slug rejected: %v", err)
	}
	e.Related = []string{"no-such-entry"}
	err := ValidateWith(e, known)
	if ce, ok := core.As(err); !ok || ce.Fields["related"] == "" {
		t.Errorf("missing related slug accepted: %v", err)
	}
	// Validate alone only checks the form.
	if err := Validate(e); err != nil {
		t.Errorf("Validate should not look up related slugs: %v", err)
	}
}

func TestValidateSetCatchesDuplicates(t *testing.T) {
	a := Entry{Term: "RLC", Slug: "rlc", Definition: "d", Category: CategoryOrganisations, Expansion: "Recovery Learning Community"}
	b := Entry{Term: "RSC", Slug: "rsc", Definition: "d", Category: CategoryOrganisations}
	if err := ValidateSet([]Entry{a, b}); err != nil {
		t.Fatalf("valid set rejected: %v", err)
	}
	dupSlug := b
	dupSlug.Slug = "rlc"
	if err := ValidateSet([]Entry{a, dupSlug}); err == nil {
		t.Error("duplicate slug accepted")
	}
	dupAlias := b
	dupAlias.Aliases = []string{"recovery learning community"}
	if err := ValidateSet([]Entry{a, dupAlias}); err == nil {
		t.Error("alias equal to another entry's expansion accepted")
	}
	dangling := b
	dangling.Related = []string{"dmh"}
	if err := ValidateSet([]Entry{a, dangling}); err == nil {
		t.Error("related slug outside the set accepted")
	}
}

func TestParseGlossaryRejectsBadJSON(t *testing.T) {
	if _, err := ParseGlossary([]byte(`{"term":"x"}`)); core.KindOf(err) != core.KindInvalid {
		t.Errorf("object instead of list: got %v", err)
	}
	if _, err := ParseGlossary([]byte(`[{"term":"x","slug":"x","definition":"d","category":"nope"}]`)); core.KindOf(err) != core.KindInvalid {
		t.Errorf("bad category: got %v", err)
	}
}

func TestMergeOverridesBySlugAndAdds(t *testing.T) {
	base := []Entry{
		{Term: "WRAP", Slug: "wrap", Definition: "shipped", Category: CategoryTrainings},
		{Term: "RLC", Slug: "rlc", Definition: "shipped", Category: CategoryOrganisations},
	}
	org := []Entry{
		{Term: "WRAP", Slug: "wrap", Definition: "our own wording", Category: CategoryTrainings},
		{Term: "Drop-in Center", Slug: "drop-in-center", Definition: "ours", Category: CategoryPractices},
	}
	got := Merge(base, org)
	var terms []string
	for _, e := range got {
		terms = append(terms, e.Term)
	}
	if want := []string{"Drop-in Center", "RLC", "WRAP"}; !slices.Equal(terms, want) {
		t.Fatalf("terms %v, want %v", terms, want)
	}
	if got[2].Definition != "our own wording" {
		t.Errorf("org entry did not override: %q", got[2].Definition)
	}
	if base[0].Definition != "shipped" {
		t.Error("Merge changed its input")
	}
}

func TestLookup(t *testing.T) {
	g := DefaultGlossary()
	tests := []struct{ q, slug string }{
		{"wrap", "wrap"},
		{"WRAP", "wrap"},
		{"Wellness Recovery Action Plan", "wrap"},
		{"wellness recovery action planning", "wrap"},
		{"e-cpr", "e-cpr"},
		{"ECPR", "e-cpr"},
		{"emotional cpr", "e-cpr"},
		{"qa-qi", "qa-qi"},
		{"QA/QI", "qa-qi"},
		{"Recovery Learning Community", "rlc"},
		{"TRANSKOM", "transcom"},
		{"addiction and trauma recovery integration model", "atrium"},
		{"Hearing Voices", "hvn"},
		{"  Snippet ", "snippet"},
	}
	for _, tc := range tests {
		e, ok := g.Lookup(tc.q)
		if !ok || e.Slug != tc.slug {
			t.Errorf("Lookup(%q) = %q, %v; want %q", tc.q, e.Slug, ok, tc.slug)
		}
	}
	for _, q := range []string{"", "   ", "nothing like this", "RL"} {
		if e, ok := g.Lookup(q); ok {
			t.Errorf("Lookup(%q) found %q", q, e.Slug)
		}
	}
}

func TestEntriesIsSortedCopy(t *testing.T) {
	g := DefaultGlossary()
	a := g.Entries()
	for i := 1; i < len(a); i++ {
		if norm(a[i-1].Term) > norm(a[i].Term) {
			t.Fatalf("not sorted at %d: %q > %q", i, a[i-1].Term, a[i].Term)
		}
	}
	a[0].Term = "changed"
	a[0].Aliases = append(a[0].Aliases, "changed")
	if b := g.Entries(); b[0].Term == "changed" || slices.Contains(b[0].Aliases, "changed") {
		t.Error("Entries exposes the glossary's own slice")
	}
	w, _ := g.Lookup("wrap")
	w.Aliases[0] = "changed"
	if again, _ := DefaultGlossary().Lookup("wrap"); again.Aliases[0] == "changed" {
		t.Error("Lookup exposes the shared glossary's aliases")
	}
}

func TestSlugify(t *testing.T) {
	tests := map[string]string{
		"QA/QI":                   "qa-qi",
		"E-CPR":                   "e-cpr",
		"Recovery-oriented Model": "recovery-oriented-model",
		"Addiction & Trauma":      "addiction-and-trauma",
		"Kimberlé Crenshaw":       "kimberle-crenshaw",
		"  --  ":                  "",
	}
	for in, want := range tests {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
		if got := Slugify(in); got != "" && !validSlug(got) {
			t.Errorf("Slugify(%q) = %q is not a valid slug", in, got)
		}
	}
}

func TestEntryJSONFieldNames(t *testing.T) {
	b, err := json.Marshal(Entry{Term: "WRAP", Slug: "wrap", Expansion: "x", Definition: "d", Category: "trainings", Related: []string{}, Aliases: []string{}, Clue: "c"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"term":"WRAP","slug":"wrap","expansion":"x","definition":"d","category":"trainings","related":[],"aliases":[],"clue":"c"}`
	if string(b) != want {
		t.Errorf("got %s\nwant %s", b, want)
	}
}
