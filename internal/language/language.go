// Package language is peerpath's wording helper. Under every note field the
// interface shows gentle hints that point out stigmatising, clinical or
// deficit-based words and offer person-first, strength-based, non-clinical
// alternatives: the practice the peer-support field calls Human Experience
// Language.
//
// The helper never blocks saving and never rewrites anything. The people we
// support may use any words they like about themselves, so a hint on words
// inside quotation marks is marked Quoted and shown more softly.
//
// The words themselves are data (wordlist.json, embedded), written in our own
// words. An organisation can add entries, replace a shipped entry or switch one
// off by id (see Merge) without a code change.
//
// Matching is by whole words, ignores case, treats hyphens and spaces between
// the words of a phrase alike, and can require nearby context words (so "clean"
// is only a hint next to a drug test) or be cancelled by the words around it
// (so "in case" is never a hint). Check runs on every pause in typing, so it
// tokenises once and looks phrases up in a map: no regular expressions.
//
// Judgement calls in the shipped list, so that nobody has to rediscover them:
//
//   - "case" is a hint only where it names a person or counts people: "a case"
//     ("she's a case"; not "a case of water", "in a case like this", "make a
//     case"), "my/our/your cases", "a tough/difficult/hard/complex/challenging
//     case", "new cases". A bare "case" is far more often a court, housing or
//     benefits case, "in case" or "in any case", so it is left alone.
//   - "caseload" and "case load" are hints: they count people as a load.
//     (peerpath's own screens should say "people I support" for the same reason.)
//   - "case manager", "case management" and "case worker" are not hints. They
//     are the titles of real roles at other agencies (a DMH case manager), and
//     a peer worker has to be able to say who the person met.
//   - "victim" is a hint that offers "survivor" only if that is the person's own
//     word, alongside neutral phrasings; legal terms such as "victim services"
//     and "victim advocate" are not hints.
//   - "abuser" is a hint only near drug or alcohol words, because "her abuser"
//     is the right word for someone who harmed her.
//   - "clean" and "dirty" are hints only near test or drug words in the same
//     sentence. "Clean for three years" is how many people in recovery speak
//     of themselves, and the helper lets that be.
//   - "patient" as an adjective ("she was patient with me") is not a hint.
//   - Context words are looked for in the same sentence only, so a drug test
//     mentioned in one sentence does not make "clean" a hint in the next. A
//     full stop followed by a space ends a sentence, so "U.A. clean" is missed;
//     a missed hint costs less than a wrong one.
package language

import (
	_ "embed"
	"slices"
	"sort"
	"sync"
)

// The categories an entry can belong to. They let the interface and the
// settings page group hints; they do not change how a hint is shown.
const (
	CategoryClinical     = "clinical"     // medical or psychiatric jargon for lived experience
	CategoryStigmatising = "stigmatising" // insults and words that carry shame
	CategoryDeficit      = "deficit"      // describes what a person lacks instead of their strengths
	CategoryLabelling    = "labelling"    // makes a diagnosis, service or behaviour the person's identity
	CategoryPower        = "power"        // the language of control: obeying, refusing, being placed
)

// Categories lists the valid categories in display order.
var Categories = []string{CategoryClinical, CategoryStigmatising, CategoryDeficit, CategoryLabelling, CategoryPower}

// DefaultContextWindow is how many words either side of a match are searched
// for context words when an entry does not say.
const DefaultContextWindow = 5

// maxContextWindow bounds context_window: a wider window stops being "near".
const maxContextWindow = 20

// Entry is one word or family of words the helper points out.
type Entry struct {
	// ID is stable (lower-case letters, digits and hyphens). Hints carry it,
	// and an organisation's list overrides or disables a shipped entry by it.
	ID string `json:"id"`
	// Match lists the phrases to find, each with its inflections spelled out
	// ("refuse", "refused", "refusing"). Case is ignored; a hyphen and a space
	// between words are the same; matches are whole words only.
	Match []string `json:"match"`
	// Why explains, briefly and plainly, why the words can hurt or mislead.
	Why string `json:"why"`
	// Suggestions are alternatives to offer. None of them may itself be a hint.
	Suggestions []string `json:"suggestions"`
	// Category is one of Categories.
	Category string `json:"category"`
	// Context, when set, limits the entry to text where one of these words is
	// within ContextWindow words of the match in the same sentence (or inside
	// the match itself). Each is a single word.
	Context []string `json:"context,omitempty"`
	// ContextWindow is how many words either side to search; 0 means
	// DefaultContextWindow.
	ContextWindow int `json:"context_window,omitempty"`
	// UnlessPrecededBy cancels a match when one of these phrases comes
	// directly before it ("in" before "case").
	UnlessPrecededBy []string `json:"unless_preceded_by,omitempty"`
	// UnlessFollowedBy cancels a match when one of these phrases comes
	// directly after it ("of" after "a case").
	UnlessFollowedBy []string `json:"unless_followed_by,omitempty"`
	// Disabled, in an organisation's list, switches off the shipped entry
	// with the same ID. Only ID is needed alongside it.
	Disabled bool `json:"disabled,omitempty"`
}

func (e Entry) clone() Entry {
	e.Match = slices.Clone(e.Match)
	e.Suggestions = slices.Clone(e.Suggestions)
	e.Context = slices.Clone(e.Context)
	e.UnlessPrecededBy = slices.Clone(e.UnlessPrecededBy)
	e.UnlessFollowedBy = slices.Clone(e.UnlessFollowedBy)
	return e
}

// Hint is one place in a text where the helper has a suggestion. It is
// returned by the API as part of wording_hints.
type Hint struct {
	ID          string   `json:"id"`
	Word        string   `json:"word"`  // the words as written in the text
	Start       int      `json:"start"` // byte offset of the first byte of Word
	End         int      `json:"end"`   // byte offset just past Word
	Why         string   `json:"why"`
	Suggestions []string `json:"suggestions"`
	// Quoted is true when the words sit inside quotation marks: most likely
	// the person's own words, which are theirs to choose.
	Quoted bool `json:"quoted"`
}

// List is a validated, compiled word list. It is immutable and safe for
// concurrent use.
type List struct {
	entries []*compiled
	// byFirst finds the phrases that can start at a word. Looking up each word
	// of the text once is what keeps Check fast however long the list grows.
	byFirst map[string][]pattern
}

type compiled struct {
	Entry
	context      []string
	window       int
	unlessBefore [][]string
	unlessAfter  [][]string
}

type pattern struct {
	words []string
	entry *compiled
}

// NewList validates entries and compiles them. Disabled entries are skipped.
// The error is a core.Invalid keyed by entry id (or "entry N" when an entry
// has no id), so whoever edited the list can see which entry to fix.
func NewList(entries []Entry) (*List, error) {
	if err := validate(entries); err != nil {
		return nil, err
	}
	l := &List{byFirst: make(map[string][]pattern)}
	for _, e := range entries {
		if e.Disabled {
			continue
		}
		c := &compiled{Entry: e.clone(), window: e.ContextWindow}
		if c.window == 0 {
			c.window = DefaultContextWindow
		}
		for _, w := range e.Context {
			ws, _ := words(w)
			c.context = append(c.context, ws[0])
		}
		c.unlessBefore = phrases(e.UnlessPrecededBy)
		c.unlessAfter = phrases(e.UnlessFollowedBy)
		seen := make(map[string]bool)
		for _, m := range e.Match {
			ws, _ := words(m)
			key := joinWords(ws)
			if seen[key] { // "non-compliant" and "non compliant" are one phrase
				continue
			}
			seen[key] = true
			l.byFirst[ws[0]] = append(l.byFirst[ws[0]], pattern{words: ws, entry: c})
		}
		l.entries = append(l.entries, c)
	}
	return l, nil
}

func phrases(ps []string) [][]string {
	out := make([][]string, 0, len(ps))
	for _, p := range ps {
		ws, _ := words(p)
		out = append(out, ws)
	}
	return out
}

//go:embed wordlist.json
var wordlistJSON []byte

// defaultList parses the embedded list once. The embedded list is checked by
// the package's tests, so a failure here is a programming error.
var defaultList = sync.OnceValue(func() *List {
	entries, err := ParseEntries(wordlistJSON)
	if err != nil {
		panic("language: embedded wordlist.json is invalid: " + err.Error())
	}
	l, err := NewList(entries)
	if err != nil {
		panic("language: embedded wordlist.json is invalid: " + err.Error())
	}
	return l
})

// Default returns the list shipped with peerpath.
func Default() *List { return defaultList() }

// Entries returns a copy of the list's entries, in order.
func (l *List) Entries() []Entry {
	if l == nil {
		return nil
	}
	out := make([]Entry, len(l.entries))
	for i, c := range l.entries {
		out[i] = c.Entry.clone()
	}
	return out
}

// Len returns the number of entries in the list.
func (l *List) Len() int {
	if l == nil {
		return 0
	}
	return len(l.entries)
}

// tokenPool reuses token buffers between calls: Check runs on every pause in
// typing, and a fresh buffer per call is most of its garbage. Hints never
// point into the buffer, so it can go back as soon as Check returns.
var tokenPool = sync.Pool{New: func() any { return new([]token) }}

// maxPooledTokens keeps one enormous paste from pinning a large buffer.
const maxPooledTokens = 1 << 14

// candidate is a match before overlaps are resolved; first and last are token
// indexes, inclusive.
type candidate struct {
	first, last int
	start, end  int
	entry       *compiled
}

// Check returns the hints for text, ordered by position. Where matches
// overlap, the longest wins ("the mentally ill" rather than "mentally ill").
// A nil List has no hints.
func (l *List) Check(text string) []Hint {
	if l == nil || len(text) == 0 {
		return nil
	}
	buf := tokenPool.Get().(*[]token)
	defer func() {
		if cap(*buf) <= maxPooledTokens {
			tokenPool.Put(buf)
		}
	}()
	toks := tokenize(text, (*buf)[:0])
	*buf = toks
	var cands []candidate
	for i := range toks {
		for _, p := range l.byFirst[toks[i].low] {
			last, ok := matchAt(toks, i, p.words)
			if !ok {
				continue
			}
			c := p.entry
			if followsAny(toks, i, c.unlessBefore) || precedesAny(toks, last, c.unlessAfter) {
				continue
			}
			if len(c.context) > 0 && !hasContext(toks, i, last, c.window, c.context) {
				continue
			}
			cands = append(cands, candidate{first: i, last: last, start: toks[i].start, end: toks[last].end, entry: c})
		}
	}
	if len(cands) == 0 {
		return nil
	}
	cands = longestFirst(cands)

	hints := make([]Hint, len(cands))
	for i, c := range cands {
		hints[i] = Hint{
			ID:          c.entry.ID,
			Word:        text[c.start:c.end],
			Start:       c.start,
			End:         c.end,
			Why:         c.entry.Why,
			Suggestions: slices.Clone(c.entry.Suggestions), // callers may edit their copy
		}
	}
	markQuoted(hints, quoteSpans(text))
	return hints
}

// matchAt reports whether phrase ws starts at token i, and where it ends.
func matchAt(toks []token, i int, ws []string) (int, bool) {
	if i+len(ws) > len(toks) {
		return 0, false
	}
	for k, w := range ws {
		t := toks[i+k]
		if t.low != w || (k > 0 && !t.joined) {
			return 0, false
		}
	}
	return i + len(ws) - 1, true
}

// followsAny reports whether one of the phrases ends directly before token i.
func followsAny(toks []token, i int, ps [][]string) bool {
	if !toks[i].joined {
		return false
	}
	for _, p := range ps {
		if j := i - len(p); j >= 0 {
			if _, ok := matchAt(toks, j, p); ok {
				return true
			}
		}
	}
	return false
}

// precedesAny reports whether one of the phrases starts directly after token last.
func precedesAny(toks []token, last int, ps [][]string) bool {
	j := last + 1
	if j >= len(toks) || !toks[j].joined {
		return false
	}
	for _, p := range ps {
		if _, ok := matchAt(toks, j, p); ok {
			return true
		}
	}
	return false
}

// hasContext reports whether a context word is inside the match or within
// window words of it in the same sentence.
func hasContext(toks []token, first, last, window int, context []string) bool {
	lo, hi := max(0, first-window), min(len(toks)-1, last+window)
	for t := lo; t <= hi; t++ {
		switch {
		case t < first && toks[t].sent != toks[first].sent:
			continue
		case t > last && toks[t].sent != toks[last].sent:
			continue
		}
		if slices.Contains(context, toks[t].low) {
			return true
		}
	}
	return false
}

// longestFirst keeps, among overlapping candidates, the longest, and returns
// the survivors in text order. Length is counted in words first, because a
// phrase of more words is the more specific entry whatever its spelling; then
// in bytes; then the earlier one wins.
func longestFirst(cands []candidate) []candidate {
	if len(cands) == 1 {
		return cands
	}
	sort.SliceStable(cands, func(a, b int) bool {
		ca, cb := cands[a], cands[b]
		if wa, wb := ca.last-ca.first, cb.last-cb.first; wa != wb {
			return wa > wb
		}
		if la, lb := ca.end-ca.start, cb.end-cb.start; la != lb {
			return la > lb
		}
		return ca.start < cb.start
	})
	kept := cands[:0:0]
	for _, c := range cands {
		overlaps := false
		for _, k := range kept {
			if c.first <= k.last && k.first <= c.last {
				overlaps = true
				break
			}
		}
		if !overlaps {
			kept = append(kept, c)
		}
	}
	sort.Slice(kept, func(a, b int) bool { return kept[a].start < kept[b].start })
	return kept
}

// markQuoted sets Quoted on hints that sit wholly inside a quoted span. Both
// lists are in text order except that spans of single quotes nested in double
// quotes may come out of order, so each hint checks every span; notes have few.
func markQuoted(hints []Hint, spans []span) {
	for i := range hints {
		for _, s := range spans {
			if s.start < hints[i].Start && hints[i].End < s.end {
				hints[i].Quoted = true
				break
			}
		}
	}
}
