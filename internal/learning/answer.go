package learning

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// questionLeads are the openings a player may put before an answer, written
// the way words() leaves them ("what's" has lost its apostrophe).
var questionLeads = [][]string{
	{"what", "is"}, {"what", "are"}, {"what", "was"}, {"what", "were"}, {"whats"},
	{"who", "is"}, {"who", "are"}, {"who", "was"}, {"who", "were"}, {"whos"},
}

var articles = []string{"a", "an", "the"}

// answerWords normalises a typed answer: folded words, without a leading
// "what is"/"who are"/... and without one leading article.
func answerWords(s string) []string {
	w := normWords(s)
	for _, lead := range questionLeads {
		if len(w) >= len(lead) && slices.Equal(w[:len(lead)], lead) {
			w = w[len(lead):]
			break
		}
	}
	return stripArticle(w)
}

func stripArticle(w []string) []string {
	if len(w) > 1 && slices.Contains(articles, w[0]) {
		return w[1:]
	}
	return w
}

// answerForm is the comparison key of a name or an answer: its answer words
// run together, so spacing never decides a match.
func answerForm(s string) string { return strings.Join(answerWords(s), "") }

// typoTolerance is how many edits an answer may be away from a name of n
// letters: none for acronyms and short words (where one letter is the
// difference between RLC and RSC), one for 5–8 letters, two beyond that.
func typoTolerance(n int) int {
	switch {
	case n <= 4:
		return 0
	case n <= 8:
		return 1
	default:
		return 2
	}
}

// MatchAnswer reports whether a typed or spoken answer names the entry. It is
// deliberately forgiving, because the game is for learning, not for catching
// people out:
//
//   - case, accents, punctuation and spacing are ignored ("e-cpr" is "ECPR");
//   - "what is/are/was/were", "what's", "who is/are/was/were", "who's" and
//     one article (a, an, the) may lead; a trailing "?" is ignored;
//   - the term, the expansion or any alias is accepted, and so is
//     "ACRONYM or Expansion" (every part must name the entry, so hedging with
//     "RSC or RLC" is not accepted);
//   - a regular plural is accepted ("what are RLCs", "Recovery Learning
//     Communities"), because that is how people naturally say it in class;
//   - small typos are forgiven by Damerau–Levenshtein distance: none for
//     names of up to 4 letters, 1 for 5–8 letters, 2 for longer ones.
//
// An empty answer never matches.
func MatchAnswer(given string, e Entry) bool {
	g := answerWords(given)
	if len(g) == 0 {
		return false
	}
	var targets []string
	for _, n := range e.Names() {
		if t := answerForm(n); t != "" {
			targets = append(targets, t)
		}
	}
	if matchesAny(g, targets) {
		return true
	}
	// "ACRONYM or Expansion": split on the word "or" and require every part
	// to name this entry.
	if !slices.Contains(g, "or") {
		return false
	}
	// A leading "or" is a word of the answer, not a separator; since "or"
	// is in g somewhere after it, there are always at least two parts.
	var part []string
	for i, w := range append(slices.Clone(g), "or") {
		if w != "or" || i == 0 {
			part = append(part, w)
			continue
		}
		p := stripArticle(part)
		if len(p) == 0 || !matchesAny(p, targets) {
			return false
		}
		part = nil
	}
	return true
}

func matchesAny(words []string, targets []string) bool {
	given := strings.Join(words, "")
	candidates := []string{given}
	if strings.HasSuffix(given, "ies") && utf8.RuneCountInString(given) > 4 {
		candidates = append(candidates, strings.TrimSuffix(given, "ies")+"y")
	}
	if strings.HasSuffix(given, "s") && utf8.RuneCountInString(given) > 2 {
		candidates = append(candidates, strings.TrimSuffix(given, "s"))
	}
	for _, t := range targets {
		tol := typoTolerance(utf8.RuneCountInString(t))
		for _, c := range candidates {
			if c == t || (tol > 0 && damerau(c, t) <= tol) {
				return true
			}
		}
	}
	return false
}
