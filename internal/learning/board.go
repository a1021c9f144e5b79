package learning

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"peerpath/internal/core"
)

// ClueValues are the point values a board may use, one row each.
var ClueValues = []int{100, 200, 300, 400, 500}

// Board limits.
const (
	MaxBoardCategories  = 6
	MaxCluesPerCategory = 5
	MaxBoardTitleLen    = 120
)

// Clue is one square of the board. Answer is the text shown when the clue is
// revealed (normally the entry's term with its expansion); Slug ties the clue
// to its glossary entry so answers can be matched.
type Clue struct {
	Value       int    `json:"value"`
	Slug        string `json:"slug"`
	Clue        string `json:"clue"`
	Answer      string `json:"answer,omitempty"`
	DailyDouble bool   `json:"daily_double,omitempty"`
}

// Category is a column of the board.
type Category struct {
	Name  string `json:"name"`
	Clues []Clue `json:"clues"`
}

// Board is a review game: up to six categories of up to five clues, and an
// optional final clue.
type Board struct {
	ID            string     `json:"id"`
	Title         string     `json:"title"`
	Categories    []Category `json:"categories"`
	FinalCategory string     `json:"final_category,omitempty"`
	Final         *Clue      `json:"final,omitempty"`
}

// MaxValue is the highest clue value on the board (0 for an empty board). It
// caps a daily double wager for a team with little or no score.
func (b Board) MaxValue() int {
	m := 0
	for _, c := range b.Categories {
		for _, cl := range c.Clues {
			m = max(m, cl.Value)
		}
	}
	return m
}

// ValidateBoard checks a board's shape: 1–6 categories with names, 1–5 clues
// each, values from ClueValues and not repeated within a category, and every
// clue (final included) with a slug and text.
func ValidateBoard(b Board) error {
	f := map[string]string{}
	if strings.TrimSpace(b.Title) == "" {
		f["title"] = "is required"
	} else if len([]rune(b.Title)) > MaxBoardTitleLen {
		f["title"] = fmt.Sprintf("must be at most %d characters", MaxBoardTitleLen)
	}
	if n := len(b.Categories); n < 1 || n > MaxBoardCategories {
		f["categories"] = fmt.Sprintf("a board needs 1 to %d categories", MaxBoardCategories)
	}
	checkClue := func(field string, c Clue, needValue bool) {
		if needValue && !slices.Contains(ClueValues, c.Value) {
			f[field+".value"] = "must be 100, 200, 300, 400 or 500"
		}
		if strings.TrimSpace(c.Slug) == "" {
			f[field+".slug"] = "is required"
		}
		if strings.TrimSpace(c.Clue) == "" {
			f[field+".clue"] = "is required"
		} else if len([]rune(c.Clue)) > MaxClueLen+MaxDefinitionLen {
			f[field+".clue"] = "is too long"
		}
	}
	for i, c := range b.Categories {
		field := fmt.Sprintf("categories[%d]", i)
		if strings.TrimSpace(c.Name) == "" {
			f[field+".name"] = "is required"
		}
		if n := len(c.Clues); n < 1 || n > MaxCluesPerCategory {
			f[field+".clues"] = fmt.Sprintf("a category needs 1 to %d clues", MaxCluesPerCategory)
		}
		seen := map[int]bool{}
		for j, cl := range c.Clues {
			cf := fmt.Sprintf("%s.clues[%d]", field, j)
			checkClue(cf, cl, true)
			if seen[cl.Value] {
				f[cf+".value"] = fmt.Sprintf("%d is used twice in this category", cl.Value)
			}
			seen[cl.Value] = true
		}
	}
	if b.Final != nil {
		checkClue("final", *b.Final, false)
	}
	return core.Invalid(f)
}

// defaultBoardLayout lists the default board by slug, one row per value.
// The seed game's twenty clues fill most squares; the rest (CPS, RSC, E-CPR,
// dignity of risk, person-first language and the final) are the project's.
var defaultBoardLayout = []struct {
	name  string
	slugs [5]string
}{
	{"Core Concepts", [5]string{"mutuality", "self-determination", "trauma", "trauma-informed", "intersectionality"}},
	{"Peer Roles", [5]string{"cps", "recovery-coach", "young-adult-peer-mentor", "certified-older-adult-peer-specialist", "forensic-peer-specialist"}},
	{"Organisations", [5]string{"rlc", "rsc", "mbhp", "mamh", "mapwc"}},
	{"Trainings", [5]string{"wrap", "ips", "hvn", "wham", "e-cpr"}},
	{"Ways of Working", [5]string{"snippet", "human-experience-language", "dignity-of-risk", "recovery-oriented-model", "person-first-language"}},
}

// Default board daily doubles, by category and row.
var defaultDailyDoubles = [][2]int{{3, 2}, {4, 3}}

// DefaultBoard is the peer-support review board built from the shipped
// glossary's clues: five categories of five clues, two daily doubles and a
// final clue about the Transformation Center.
func DefaultBoard() Board {
	g := DefaultGlossary()
	clue := func(slug string, value int) Clue {
		e, ok := g.Lookup(slug)
		if !ok || e.Clue == "" {
			panic("learning: default board needs a clue for " + slug)
		}
		return Clue{Value: value, Slug: e.Slug, Clue: e.Clue, Answer: e.Display()}
	}
	b := Board{ID: "peer-support-review", Title: "Peer Support Review"}
	for _, col := range defaultBoardLayout {
		c := Category{Name: col.name}
		for i, s := range col.slugs {
			c.Clues = append(c.Clues, clue(s, ClueValues[i]))
		}
		b.Categories = append(b.Categories, c)
	}
	for _, dd := range defaultDailyDoubles {
		b.Categories[dd[0]].Clues[dd[1]].DailyDouble = true
	}
	final := clue("transformation-center", 0)
	b.FinalCategory = "Peer Training in Massachusetts"
	b.Final = &final
	return b
}

// BuildBoard makes a board from glossary entries for a trainer. categories
// are glossary categories ("roles", or its label "Roles"); empty means all
// five. Each column gets up to five entries of its category, chosen with rng,
// at values 100–500; one clue becomes a daily double and, if an entry is left
// over, it becomes the final clue. A clue is the entry's own clue when it has
// one, otherwise its definition with every name of the term blanked out.
func BuildBoard(title string, entries []Entry, categories []string, rng *rand.Rand) (Board, error) {
	if rng == nil {
		return Board{}, core.Errorf(core.KindInvalid, "A random source is required to build a board.")
	}
	if len(categories) == 0 {
		categories = EntryCategories()
	}
	if len(categories) > MaxBoardCategories {
		return Board{}, core.Invalid(map[string]string{"categories": fmt.Sprintf("a board needs 1 to %d categories", MaxBoardCategories)})
	}
	byCat := map[string][]Entry{}
	for _, e := range entries {
		byCat[e.Category] = append(byCat[e.Category], e)
	}
	for k := range byCat {
		sortByTerm(byCat[k])
	}
	b := Board{ID: Slugify(title), Title: strings.TrimSpace(title)}
	used := map[string]bool{}
	seenCat := map[string]bool{}
	for i, raw := range categories {
		cat := resolveCategory(raw)
		field := fmt.Sprintf("categories[%d]", i)
		if cat == "" {
			return Board{}, core.Invalid(map[string]string{field: fmt.Sprintf("%q is not a glossary category", raw)})
		}
		if seenCat[cat] {
			return Board{}, core.Invalid(map[string]string{field: fmt.Sprintf("%q is listed twice", raw)})
		}
		seenCat[cat] = true
		pool := slices.Clone(byCat[cat])
		if len(pool) == 0 {
			return Board{}, core.Invalid(map[string]string{field: fmt.Sprintf("the glossary has no %s entries", cat)})
		}
		rng.Shuffle(len(pool), func(a, b int) { pool[a], pool[b] = pool[b], pool[a] })
		pool = pool[:min(len(pool), MaxCluesPerCategory)]
		c := Category{Name: CategoryLabel(cat)}
		for j, e := range pool {
			c.Clues = append(c.Clues, Clue{Value: ClueValues[j], Slug: e.Slug, Clue: ClueFor(e), Answer: e.Display()})
			used[e.Slug] = true
		}
		b.Categories = append(b.Categories, c)
	}
	// A daily double is best hidden away from the cheapest row.
	ci := rng.IntN(len(b.Categories))
	col := b.Categories[ci].Clues
	col[len(col)/2+rng.IntN(len(col)-len(col)/2)].DailyDouble = true

	var rest []Entry
	for _, e := range entries {
		if !used[e.Slug] && seenCat[e.Category] {
			rest = append(rest, e)
		}
	}
	if len(rest) > 0 {
		sortByTerm(rest)
		e := rest[rng.IntN(len(rest))]
		b.FinalCategory = CategoryLabel(e.Category)
		b.Final = &Clue{Slug: e.Slug, Clue: ClueFor(e), Answer: e.Display()}
	}
	if err := ValidateBoard(b); err != nil {
		return Board{}, err
	}
	return b, nil
}

func resolveCategory(s string) string {
	s = strings.TrimSpace(s)
	for _, c := range EntryCategories() {
		if strings.EqualFold(s, c) || strings.EqualFold(s, CategoryLabel(c)) {
			return c
		}
	}
	return ""
}

// Blank is what a redacted name is replaced with.
const Blank = "_____"

// ClueFor is the clue shown for an entry: its own clue if it has one,
// otherwise its definition. Either way every name of the entry is blanked,
// so the clue never gives the answer away.
func ClueFor(e Entry) string {
	text := e.Clue
	if strings.TrimSpace(text) == "" {
		text = e.Definition
	}
	return Redact(text, e)
}

var nonWord = `[^\p{L}\p{N}]`

// Redact replaces every occurrence of the entry's term, expansion and aliases
// in text with Blank, ignoring case, as whole words, including a plural ("s",
// "ies") or possessive "'s". Longer names go first so "Recovery Learning Community"
// is blanked as one, not left as "Recovery Learning _____".
func Redact(text string, e Entry) string {
	names := e.Names()
	sort.SliceStable(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	for _, n := range names {
		re := nameRegexp(n)
		if re == nil {
			continue
		}
		// Matches consume the separator on each side, so two names in a row
		// ("RLC RLC") need a second pass; Blank contains no letters, so the
		// loop ends.
		for {
			next := re.ReplaceAllString(text, "${1}"+Blank+"${3}")
			if next == text {
				break
			}
			text = next
		}
	}
	return text
}

// nameRegexps caches compiled name patterns: the same few hundred glossary
// names are redacted over and over when boards and quizzes are built.
var nameRegexps sync.Map // string -> *regexp.Regexp (nil for a name without words)

// nameRegexp matches name as whole words, case-insensitively, with any run of
// punctuation or space between its words ("E-CPR" also matches "E CPR").
func nameRegexp(name string) *regexp.Regexp {
	if re, ok := nameRegexps.Load(name); ok {
		return re.(*regexp.Regexp)
	}
	re := compileName(name)
	nameRegexps.Store(name, re)
	return re
}

func compileName(name string) *regexp.Regexp {
	w := words(name)
	if len(w) == 0 {
		return nil
	}
	parts := make([]string, len(w))
	for i, x := range w {
		parts[i] = regexp.QuoteMeta(x)
	}
	// A last word ending in "y" also matches its "-ies" plural
	// ("Recovery Learning Communities").
	if last := w[len(w)-1]; len(last) > 1 && strings.HasSuffix(strings.ToLower(last), "y") {
		parts[len(parts)-1] = regexp.QuoteMeta(last[:len(last)-1]) + `(?:y|ies)`
	}
	body := strings.Join(parts, nonWord+`+`)
	return regexp.MustCompile(`(?i)(^|` + nonWord + `)(` + body + `(?:['’]?s)?)(` + nonWord + `|$)`)
}
