package learning

import (
	"slices"
	"sort"
	"strings"
)

// Search ranks for how an entry matched the query; lower is better.
const (
	rankExactName = iota // the query is the term or an alias
	rankExactExpansion
	rankNamePrefix // the term or an alias starts with the query
	rankNameWords  // every query word starts a word of the term, expansion or an alias
	rankDefinition // some query word is only found in the definition
)

// Search finds entries whose term, expansion, aliases or definition contain
// every word of q (each query word must start a word there, so "trau" finds
// "trauma" but "ips" does not find "relationships"). Case and accents are
// ignored. Results are ranked: exact term or alias first, then exact
// expansion, then term or alias prefix, then words found in the names, then
// words that needed the definition; ties are broken by term. An empty query
// returns every entry sorted by term.
func Search(entries []Entry, q string) []Entry {
	qw := normWords(q)
	if len(qw) == 0 {
		out := slices.Clone(entries)
		sortByTerm(out)
		return out
	}
	qn, qc := strings.Join(qw, " "), strings.Join(qw, "")
	type hit struct {
		e    Entry
		rank int
	}
	var hits []hit
	for _, e := range entries {
		r, ok := searchRank(e, qw, qn, qc)
		if ok {
			hits = append(hits, hit{e, r})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].rank != hits[j].rank {
			return hits[i].rank < hits[j].rank
		}
		ti, tj := norm(hits[i].e.Term), norm(hits[j].e.Term)
		if ti != tj {
			return ti < tj
		}
		return hits[i].e.Slug < hits[j].e.Slug
	})
	out := make([]Entry, len(hits))
	for i, h := range hits {
		out[i] = h.e
	}
	return out
}

func searchRank(e Entry, qw []string, qn, qc string) (int, bool) {
	names := append([]string{e.Term}, e.Aliases...)
	for _, n := range names {
		if norm(n) == qn || compact(n) == qc {
			return rankExactName, true
		}
	}
	if e.Expansion != "" && (norm(e.Expansion) == qn || compact(e.Expansion) == qc) {
		return rankExactExpansion, true
	}
	for _, n := range names {
		if strings.HasPrefix(norm(n), qn) || strings.HasPrefix(compact(n), qc) {
			return rankNamePrefix, true
		}
	}
	var nameWords []string
	for _, n := range e.Names() {
		nameWords = append(nameWords, normWords(n)...)
	}
	if allPrefixed(qw, nameWords) {
		return rankNameWords, true
	}
	if allPrefixed(qw, append(nameWords, normWords(e.Definition)...)) {
		return rankDefinition, true
	}
	return 0, false
}

// allPrefixed reports whether every query word starts some word of text.
func allPrefixed(query, text []string) bool {
	for _, q := range query {
		found := false
		for _, t := range text {
			if strings.HasPrefix(t, q) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// ItemRef is a framework chart item as this package sees it: a stable key and
// the text shown for it. The framework package owns the items; the learning
// package only needs their words.
type ItemRef struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// Mentions finds which chart items mention which glossary entries: the result
// maps item keys to the sorted slugs of the entries their labels name. Items
// that mention nothing are left out.
//
// A name must appear as whole words. Names that read as acronyms ("IPS",
// "NIATx", "E-CPR", including acronym aliases such as "HEL") are matched
// case-sensitively, so "ips" inside "relationships" or the word "wrap" in
// lower case do not count; other names, aliases and expansions are matched
// ignoring case and accents. A regular plural is allowed ("RLCs", "Peer
// Bridgers"), because the chart talks about organisations in the plural.
// A name found only inside a longer name is not a mention of its own:
// "Intentional Peer Support" mentions IPS, not also "peer support".
func Mentions(entries []Entry, items []ItemRef) map[string][]string {
	type matcher struct {
		slug  string
		words []string
		exact bool // case-sensitive
	}
	var ms []matcher
	for _, e := range entries {
		for _, n := range e.Names() {
			w := labelWords(n)
			if len(w) == 0 {
				continue
			}
			exact := isAcronym(n)
			if !exact {
				w = foldAll(w)
			}
			ms = append(ms, matcher{e.Slug, w, exact})
		}
	}
	type span struct {
		slug       string
		start, end int
	}
	out := map[string][]string{}
	for _, it := range items {
		raw := labelWords(it.Label)
		folded := foldAll(raw)
		var found []span
		for _, m := range ms {
			hay := folded
			if m.exact {
				hay = raw
			}
			for _, at := range findRuns(hay, m.words) {
				found = append(found, span{m.slug, at, at + len(m.words)})
			}
		}
		// Longest first, so a name inside a longer one can be recognised.
		sort.SliceStable(found, func(i, j int) bool {
			return found[i].end-found[i].start > found[j].end-found[j].start
		})
		var kept []span
		slugs := map[string]bool{}
		for _, f := range found {
			inside := false
			for _, k := range kept {
				if k.slug != f.slug && k.start <= f.start && f.end <= k.end {
					inside = true
					break
				}
			}
			if !inside {
				kept = append(kept, f)
				slugs[f.slug] = true
			}
		}
		if len(slugs) == 0 {
			continue
		}
		list := make([]string, 0, len(slugs))
		for s := range slugs {
			list = append(list, s)
		}
		sort.Strings(list)
		out[it.Key] = list
	}
	return out
}

// labelWords splits text into words with "&" read as "and", keeping case.
func labelWords(s string) []string { return words(strings.ReplaceAll(s, "&", " and ")) }

func foldAll(ws []string) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = fold(w)
	}
	return out
}

// findRuns returns every index at which needle occurs as consecutive whole
// words of hay; the last word may be in the plural.
func findRuns(hay, needle []string) []int {
	var at []int
	n := len(needle)
	for i := 0; i+n <= len(hay); i++ {
		ok := true
		for j := 0; j < n; j++ {
			h, w := hay[i+j], needle[j]
			if h == w || (j == n-1 && isPlural(h, w)) {
				continue
			}
			ok = false
			break
		}
		if ok {
			at = append(at, i)
		}
	}
	return at
}

// isPlural reports whether word is the regular English plural of base
// ("RLCs", "Bridgers", "communities").
func isPlural(word, base string) bool {
	if word == base+"s" {
		return true
	}
	return len(base) > 1 && strings.HasSuffix(base, "y") && word == base[:len(base)-1]+"ies"
}
