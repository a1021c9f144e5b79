package learning

import (
	"strings"
	"unicode"
)

// foldTable maps accented Latin letters to their plain forms. The standard
// library has no Unicode normaliser (golang.org/x/text is off limits here), so
// we fold the letters people actually type in English, Spanish, Portuguese,
// French, Haitian Creole and Vietnamese names, which covers the languages
// Massachusetts peer organisations work in. Anything else is left as it is.
var foldTable = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ā': "a", 'ă': "a", 'ą': "a", 'ạ': "a", 'ả': "a", 'ấ': "a", 'ầ': "a", 'ẩ': "a", 'ẫ': "a", 'ậ': "a", 'ắ': "a", 'ằ': "a", 'ẳ': "a", 'ẵ': "a", 'ặ': "a",
	'æ': "ae",
	'ç': "c", 'ć': "c", 'ĉ': "c", 'ċ': "c", 'č': "c",
	'ď': "d", 'đ': "d", 'ð': "d",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ĕ': "e", 'ė': "e", 'ę': "e", 'ě': "e", 'ẹ': "e", 'ẻ': "e", 'ẽ': "e", 'ế': "e", 'ề': "e", 'ể': "e", 'ễ': "e", 'ệ': "e",
	'ĝ': "g", 'ğ': "g", 'ġ': "g", 'ģ': "g",
	'ĥ': "h", 'ħ': "h",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ĩ': "i", 'ī': "i", 'ĭ': "i", 'į': "i", 'ı': "i", 'ỉ': "i", 'ị': "i",
	'ĵ': "j",
	'ķ': "k",
	'ĺ': "l", 'ļ': "l", 'ľ': "l", 'ŀ': "l", 'ł': "l",
	'ñ': "n", 'ń': "n", 'ņ': "n", 'ň': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ō': "o", 'ŏ': "o", 'ő': "o", 'ơ': "o", 'ọ': "o", 'ỏ': "o", 'ố': "o", 'ồ': "o", 'ổ': "o", 'ỗ': "o", 'ộ': "o", 'ớ': "o", 'ờ': "o", 'ở': "o", 'ỡ': "o", 'ợ': "o",
	'œ': "oe",
	'ŕ': "r", 'ŗ': "r", 'ř': "r",
	'ś': "s", 'ŝ': "s", 'ş': "s", 'š': "s", 'ß': "ss",
	'ţ': "t", 'ť': "t", 'ŧ': "t",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ũ': "u", 'ū': "u", 'ŭ': "u", 'ů': "u", 'ű': "u", 'ų': "u", 'ư': "u", 'ụ': "u", 'ủ': "u", 'ứ': "u", 'ừ': "u", 'ử': "u", 'ữ': "u", 'ự': "u",
	'ŵ': "w",
	'ý': "y", 'ÿ': "y", 'ŷ': "y", 'ỳ': "y", 'ỵ': "y", 'ỷ': "y", 'ỹ': "y",
	'ź': "z", 'ż': "z", 'ž': "z",
	'þ': "th",
}

// fold lower-cases s and strips the accents foldTable knows about, so that
// "Kimberlé" and "kimberle" compare equal.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = unicode.ToLower(r)
		if rep, ok := foldTable[r]; ok {
			b.WriteString(rep)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// words splits s into runs of letters and digits. Apostrophes inside a word
// are dropped rather than splitting it, so "what's" becomes "whats" and
// "RLC's" stays one token the plural rule can handle.
func words(s string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, r := range s {
		switch {
		case isWordRune(r):
			cur.WriteRune(r)
		case r == '\'' || r == '’':
			// swallow: joins the two halves of a contraction
		default:
			flush()
		}
	}
	flush()
	return out
}

// normWords folds s and returns its words, with "&" read as "and" so that
// "Addiction & Trauma" and "addiction and trauma" compare equal.
func normWords(s string) []string {
	return words(strings.ReplaceAll(fold(s), "&", " and "))
}

// norm is the canonical comparison form of a term: folded words joined by
// single spaces.
func norm(s string) string { return strings.Join(normWords(s), " ") }

// compact is norm without spaces, used where spacing should not matter
// ("E-CPR" against "ECPR", "warm line" against "warmline").
func compact(s string) string { return strings.Join(normWords(s), "") }

// isAcronym reports whether a term reads as an acronym or a brand written in
// capitals ("IPS", "NIATx", "E-CPR", "BRSS TACS"), which must be matched
// case-sensitively in running text: "ips" inside "relationships" is not IPS.
func isAcronym(s string) bool {
	upper, lower := 0, 0
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLower(r):
			lower++
		}
	}
	return upper >= 2 && upper >= lower
}

// damerau returns the optimal-string-alignment distance between a and b:
// insertions, deletions, substitutions and swaps of two neighbouring letters
// each cost one. Swaps matter because "Mutaulity" is the commonest kind of slip.
func damerau(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	n, m := len(ra), len(rb)
	if n == 0 {
		return m
	}
	if m == 0 {
		return n
	}
	// Three rolling rows are enough for the transposition look-back.
	prev2 := make([]int, m+1)
	prev := make([]int, m+1)
	cur := make([]int, m+1)
	for j := 0; j <= m; j++ {
		prev[j] = j
	}
	for i := 1; i <= n; i++ {
		cur[0] = i
		for j := 1; j <= m; j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[m]
}
