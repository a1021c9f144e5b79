package learning

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"peerpath/internal/core"
)

// The five glossary categories. They are data values (stored in JSON and in
// an organisation's own entries), so they are plain strings.
const (
	CategoryConcepts      = "concepts"
	CategoryRoles         = "roles"
	CategoryOrganisations = "organisations"
	CategoryTrainings     = "trainings"
	CategoryPractices     = "practices"
)

// EntryCategories lists the glossary categories in display order.
func EntryCategories() []string {
	return []string{CategoryConcepts, CategoryRoles, CategoryOrganisations, CategoryTrainings, CategoryPractices}
}

// CategoryLabel is the heading shown for a category.
func CategoryLabel(category string) string {
	switch category {
	case CategoryConcepts:
		return "Concepts"
	case CategoryRoles:
		return "Roles"
	case CategoryOrganisations:
		return "Organisations"
	case CategoryTrainings:
		return "Trainings"
	case CategoryPractices:
		return "Practices"
	}
	return category
}

// Limits on entry fields. They are generous for real terms and definitions
// but stop a pasted document from becoming a "definition".
const (
	MaxTermLen       = 80
	MaxSlugLen       = 64
	MaxExpansionLen  = 160
	MaxDefinitionLen = 700
	MaxClueLen       = 400
	MaxAliases       = 20
	MaxAliasLen      = 120
	MaxRelated       = 20
)

// Entry is one glossary term.
type Entry struct {
	Term       string   `json:"term"`
	Slug       string   `json:"slug"`
	Expansion  string   `json:"expansion,omitempty"`
	Definition string   `json:"definition"`
	Category   string   `json:"category"`
	Related    []string `json:"related"`
	Aliases    []string `json:"aliases"`
	// Clue is a Jeopardy-style clue ("This ...") whose answer is the term.
	Clue string `json:"clue,omitempty"`
}

// Names returns every way of writing the entry: term, expansion and aliases,
// without blanks.
func (e Entry) Names() []string {
	out := []string{e.Term}
	if e.Expansion != "" {
		out = append(out, e.Expansion)
	}
	for _, a := range e.Aliases {
		if strings.TrimSpace(a) != "" {
			out = append(out, a)
		}
	}
	return out
}

// Display is the term with its expansion, as shown when an answer is revealed:
// "RLC (Recovery Learning Community)".
func (e Entry) Display() string {
	if e.Expansion == "" {
		return e.Term
	}
	return e.Term + " (" + e.Expansion + ")"
}

//go:embed glossary.json
var glossaryJSON []byte

// shippedGlossary parses the embedded file once; callers get copies.
var shippedGlossary = sync.OnceValues(func() (*Glossary, error) {
	entries, err := ParseGlossary(glossaryJSON)
	if err != nil {
		return nil, err
	}
	return NewGlossary(entries)
})

// Shipped returns the glossary shipped with peerpath, sorted by term. It
// panics if the embedded file is invalid, which the package tests rule out.
func Shipped() []Entry { return DefaultGlossary().Entries() }

// ParseGlossary reads a JSON array of entries and validates it as a set.
func ParseGlossary(data []byte) ([]Entry, error) {
	var entries []Entry
	if err := json.Unmarshal(data, &entries); err != nil {
		return nil, core.Invalid(map[string]string{"glossary": "is not a valid JSON list of entries: " + err.Error()})
	}
	if err := ValidateSet(entries); err != nil {
		return nil, err
	}
	return entries, nil
}

// Slugify makes a slug from a term: lower case, letters and digits, words
// joined by hyphens. "QA/QI" becomes "qa-qi", "E-CPR" becomes "e-cpr".
func Slugify(term string) string {
	s := strings.Join(normWords(term), "-")
	// normWords keeps non-ASCII letters it cannot fold; slugs must be URL-safe.
	var b strings.Builder
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' {
			b.WriteRune(r)
		}
	}
	out := strings.Trim(b.String(), "-")
	for strings.Contains(out, "--") {
		out = strings.ReplaceAll(out, "--", "-")
	}
	if len(out) > MaxSlugLen {
		out = strings.TrimRight(out[:MaxSlugLen], "-")
	}
	return out
}

func validSlug(s string) bool {
	if s == "" || len(s) > MaxSlugLen || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for _, r := range s {
		if !((r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-') {
			return false
		}
	}
	return true
}

// Validate checks one entry on its own. Related slugs are checked for form
// only; use ValidateWith to check that they exist.
func Validate(e Entry) error {
	return core.Invalid(validateFields(e, nil))
}

// ValidateWith checks an entry that is to join the set known (for example an
// organisation's new entry against the merged glossary): besides Validate's
// checks, every related slug must be the slug of an entry in known.
func ValidateWith(e Entry, known []Entry) error {
	slugs := make(map[string]bool, len(known))
	for _, k := range known {
		slugs[k.Slug] = true
	}
	return core.Invalid(validateFields(e, slugs))
}

func validateFields(e Entry, known map[string]bool) map[string]string {
	f := map[string]string{}
	checkLen := func(field, v string, max int) {
		if utf8.RuneCountInString(v) > max {
			f[field] = fmt.Sprintf("must be at most %d characters", max)
		}
	}
	if strings.TrimSpace(e.Term) == "" {
		f["term"] = "is required"
	} else if len(normWords(e.Term)) == 0 {
		f["term"] = "must contain a letter or digit"
	}
	checkLen("term", e.Term, MaxTermLen)
	if !validSlug(e.Slug) {
		f["slug"] = fmt.Sprintf("must be 1–%d lower-case letters, digits and single hyphens", MaxSlugLen)
	}
	checkLen("expansion", e.Expansion, MaxExpansionLen)
	if strings.TrimSpace(e.Definition) == "" {
		f["definition"] = "is required"
	}
	checkLen("definition", e.Definition, MaxDefinitionLen)
	checkLen("clue", e.Clue, MaxClueLen)
	if !slices.Contains(EntryCategories(), e.Category) {
		f["category"] = "must be one of " + strings.Join(EntryCategories(), ", ")
	}
	if len(e.Aliases) > MaxAliases {
		f["aliases"] = fmt.Sprintf("at most %d aliases", MaxAliases)
	}
	for _, a := range e.Aliases {
		if strings.TrimSpace(a) == "" || len(normWords(a)) == 0 {
			f["aliases"] = "must not contain blank aliases"
			break
		}
		if utf8.RuneCountInString(a) > MaxAliasLen {
			f["aliases"] = fmt.Sprintf("each alias must be at most %d characters", MaxAliasLen)
			break
		}
	}
	if len(e.Related) > MaxRelated {
		f["related"] = fmt.Sprintf("at most %d related entries", MaxRelated)
	}
	for _, r := range e.Related {
		if r == e.Slug {
			f["related"] = "an entry cannot be related to itself"
			break
		}
		if !validSlug(r) {
			f["related"] = fmt.Sprintf("%q is not a valid slug", r)
			break
		}
		if known != nil && !known[r] {
			f["related"] = fmt.Sprintf("%q is not in the glossary", r)
			break
		}
	}
	return f
}

// ValidateSet checks a whole glossary: every entry valid, slugs unique, every
// related slug present, and no name (term, expansion or alias, compared the
// way answers are) claimed by two entries — otherwise Lookup and the game
// could not tell them apart.
func ValidateSet(entries []Entry) error {
	f := map[string]string{}
	slugs := map[string]int{}
	for i, e := range entries {
		if j, dup := slugs[e.Slug]; dup && e.Slug != "" {
			f[fmt.Sprintf("entries[%d].slug", i)] = fmt.Sprintf("%q is already used by entry %d", e.Slug, j)
		}
		slugs[e.Slug] = i
	}
	known := make(map[string]bool, len(slugs))
	for s := range slugs {
		known[s] = true
	}
	names := map[string]string{}
	for i, e := range entries {
		for k, v := range validateFields(e, known) {
			f[fmt.Sprintf("entries[%d].%s", i, k)] = v
		}
		seen := map[string]bool{}
		for _, n := range e.Names() {
			key := answerForm(n)
			if key == "" || seen[key] {
				continue
			}
			seen[key] = true
			if other, dup := names[key]; dup && other != e.Slug {
				f[fmt.Sprintf("entries[%d].aliases", i)] = fmt.Sprintf("%q is already a name of %q", n, other)
			}
			names[key] = e.Slug
		}
	}
	return core.Invalid(f)
}

// Merge combines the shipped glossary with an organisation's own entries: an
// org entry with the slug of a shipped one replaces it, others are added. The
// result is sorted by term so every caller sees the same order.
func Merge(base, org []Entry) []Entry {
	out := make([]Entry, 0, len(base)+len(org))
	idx := map[string]int{}
	add := func(e Entry) {
		if i, ok := idx[e.Slug]; ok {
			out[i] = e
			return
		}
		idx[e.Slug] = len(out)
		out = append(out, e)
	}
	for _, e := range base {
		add(e)
	}
	for _, e := range org {
		add(e)
	}
	sortByTerm(out)
	return out
}

func sortByTerm(es []Entry) {
	slices.SortStableFunc(es, func(a, b Entry) int {
		if c := strings.Compare(norm(a.Term), norm(b.Term)); c != 0 {
			return c
		}
		return strings.Compare(a.Slug, b.Slug)
	})
}

// Glossary is a validated set of entries with a lookup index.
type Glossary struct {
	entries []Entry
	index   map[string]int
}

// NewGlossary validates entries as a set and indexes them.
func NewGlossary(entries []Entry) (*Glossary, error) {
	if err := ValidateSet(entries); err != nil {
		return nil, err
	}
	es := slices.Clone(entries)
	sortByTerm(es)
	g := &Glossary{entries: es, index: map[string]int{}}
	for i, e := range es {
		g.index["slug:"+e.Slug] = i
		for _, n := range e.Names() {
			for _, k := range []string{norm(n), compact(n)} {
				if _, taken := g.index[k]; !taken && k != "" {
					g.index[k] = i
				}
			}
		}
	}
	return g, nil
}

// DefaultGlossary returns the shipped glossary, indexed. It is shared and
// read-only: Entries and Lookup hand out copies.
func DefaultGlossary() *Glossary {
	g, err := shippedGlossary()
	if err != nil {
		panic("learning: shipped glossary is invalid: " + err.Error())
	}
	return g
}

func cloneEntry(e Entry) Entry {
	e.Related = slices.Clone(e.Related)
	e.Aliases = slices.Clone(e.Aliases)
	return e
}

// Entries returns a copy of the entries, sorted by term.
func (g *Glossary) Entries() []Entry {
	out := make([]Entry, len(g.entries))
	for i, e := range g.entries {
		out[i] = cloneEntry(e)
	}
	return out
}

// Lookup finds an entry by slug, term, expansion or alias, ignoring case,
// accents, punctuation and spacing ("e-cpr", "ECPR", "Emotional CPR").
func (g *Glossary) Lookup(q string) (Entry, bool) {
	q = strings.TrimSpace(q)
	if q == "" {
		return Entry{}, false
	}
	if i, ok := g.index["slug:"+q]; ok {
		return cloneEntry(g.entries[i]), true
	}
	for _, k := range []string{norm(q), compact(q)} {
		if i, ok := g.index[k]; ok && k != "" {
			return cloneEntry(g.entries[i]), true
		}
	}
	return Entry{}, false
}
