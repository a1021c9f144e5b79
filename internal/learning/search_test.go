package learning

import (
	"reflect"
	"slices"
	"testing"
)

func slugsOf(es []Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Slug
	}
	return out
}

func TestSearchRanking(t *testing.T) {
	es := shipped(t)
	tests := []struct {
		q         string
		wantFirst []string // the leading results, in order
		mustHave  []string
		mustLack  []string
	}{
		// Exact term first, then the term it prefixes, then definitions.
		{q: "wrap", wantFirst: []string{"wrap", "wrap-alf"}, mustHave: []string{"samhsa", "wellness-plan"}},
		// Exact alias beats everything.
		{q: "hearing voices", wantFirst: []string{"hvn"}},
		// Exact expansion comes before the names that merely contain its words.
		{q: "recovery learning community", wantFirst: []string{"rlc"}, mustHave: []string{"il-rlc-ltss-coordinator"}},
		// Term prefix: "trau" starts Trauma and Trauma-informed, sorted by term.
		{q: "trau", wantFirst: []string{"trauma", "trauma-informed"}, mustHave: []string{"atrium"}},
		// Case and accents do not matter.
		{q: "KIMBERLE", wantFirst: []string{"intersectionality"}},
		{q: "Kimberlé", wantFirst: []string{"intersectionality"}},
		// Every word must match, in any field.
		{q: "older peer", wantFirst: []string{"certified-older-adult-peer-specialist"}, mustLack: []string{"cps"}},
		{q: "shery mead", wantFirst: []string{"ips"}},
		// Words match at word starts only: "ips" is not inside "relationships".
		{q: "ips", wantFirst: []string{"ips"}, mustLack: []string{"dual-relationship", "mutuality"}},
		{q: "zzzz", wantFirst: nil},
	}
	for _, tc := range tests {
		got := slugsOf(Search(es, tc.q))
		if tc.wantFirst == nil {
			if len(got) != 0 {
				t.Errorf("Search(%q) = %v, want nothing", tc.q, got)
			}
			continue
		}
		if len(got) < len(tc.wantFirst) || !slices.Equal(got[:len(tc.wantFirst)], tc.wantFirst) {
			t.Errorf("Search(%q) starts %v, want %v", tc.q, got, tc.wantFirst)
		}
		for _, s := range tc.mustHave {
			if !slices.Contains(got, s) {
				t.Errorf("Search(%q) lacks %s: %v", tc.q, s, got)
			}
		}
		for _, s := range tc.mustLack {
			if slices.Contains(got, s) {
				t.Errorf("Search(%q) has %s: %v", tc.q, s, got)
			}
		}
	}
}

func TestSearchRankOrder(t *testing.T) {
	es := []Entry{
		{Term: "Zeta", Slug: "def", Definition: "mentions alpha in passing", Category: CategoryConcepts},
		{Term: "Omega", Slug: "expansion-words", Expansion: "Alpha Beta Gamma", Definition: "x", Category: CategoryConcepts},
		{Term: "Alphabet", Slug: "prefix", Definition: "x", Category: CategoryConcepts},
		{Term: "Beta", Slug: "alias", Aliases: []string{"alpha"}, Definition: "x", Category: CategoryConcepts},
		{Term: "Kappa", Slug: "exact-expansion", Expansion: "Alpha", Definition: "x", Category: CategoryConcepts},
		{Term: "Alpha", Slug: "exact", Definition: "x", Category: CategoryConcepts},
		{Term: "Unrelated", Slug: "none", Definition: "nothing here", Category: CategoryConcepts},
	}
	got := slugsOf(Search(es, "alpha"))
	want := []string{"exact", "alias", "exact-expansion", "prefix", "expansion-words", "def"}
	if !slices.Equal(got, want) {
		t.Errorf("Search order %v, want %v", got, want)
	}
}

func TestSearchEmptyQueryReturnsAllSorted(t *testing.T) {
	es := shipped(t)
	got := Search(es, "  ")
	if len(got) != len(es) {
		t.Fatalf("got %d entries, want %d", len(got), len(es))
	}
	for i := 1; i < len(got); i++ {
		if norm(got[i-1].Term) > norm(got[i].Term) {
			t.Fatalf("not sorted by term at %d: %q, %q", i, got[i-1].Term, got[i].Term)
		}
	}
}

func TestMentions(t *testing.T) {
	es := shipped(t)
	items := []ItemRef{
		{Key: "ips", Label: "Intentional Peer Support (IPS)*"},
		{Key: "relationships", Label: "Builds relationships and tips for peers"},
		{Key: "lower-wrap", Label: "Helps wrap up a meeting"},
		{Key: "plural", Label: "Directors of RLCs/RSCs"},
		{Key: "wham", Label: "Whole Health Action Management (WHAM) and Peer Support Whole Health & Resilience (PSWHR)*"},
		{Key: "cori", Label: "CORI, as indicated by specific RSC, RLC or other program*"},
		{Key: "ecpr", Label: "Emotional-CPR*"},
		{Key: "expansion-ci", Label: "volunteering at a recovery learning community"},
		{Key: "niatx", Label: "Quality improvement NIATx"},
		{Key: "niatx-lower", Label: "a niatx-style project"},
		{Key: "nothing", Label: "Reliable & responsible*"},
		{Key: "bridgers", Label: "Entry-level community support & Peer Bridgers"},
		{Key: "inside-and-alone", Label: "Intentional Peer Support is one kind of peer support"},
	}
	got := Mentions(es, items)
	want := map[string][]string{
		"ips":              {"ips"},
		"plural":           {"rlc", "rsc"},
		"wham":             {"pswhr", "wham"},
		"cori":             {"cori", "rlc", "rsc"},
		"ecpr":             {"e-cpr"},
		"expansion-ci":     {"rlc"},
		"niatx":            {"niatx"},
		"bridgers":         {"peer-bridger"},
		"inside-and-alone": {"ips", "peer-support"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Mentions:\n got %v\nwant %v", got, want)
	}
}

func TestIsAcronym(t *testing.T) {
	for s, want := range map[string]bool{
		"IPS": true, "NIATx": true, "E-CPR": true, "BRSS TACS": true, "QA/QI": true, "eCPR": true,
		"Mutuality": false, "CommonGround": false, "MassHealth": false, "Peer support": false, "A": false,
	} {
		if got := isAcronym(s); got != want {
			t.Errorf("isAcronym(%q) = %v, want %v", s, got, want)
		}
	}
}
