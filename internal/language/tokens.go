package language

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of a text: a maximal run of letters, digits and combining
// marks. Splitting on everything else (including apostrophes and hyphens) is
// what gives whole-word matching for free: "clientele" is one token and never
// equals "client", while "client's" is "client" followed by "s".
type token struct {
	start, end int    // byte offsets into the text
	low        string // lower-cased form, used for comparison only
	sent       int    // sentence number, so context words do not leak across sentences
	joined     bool   // the gap before this token is only spaces, hyphens and apostrophes
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// asciiWord answers isWordRune for ASCII without the unicode tables: nearly
// every byte of an English note takes this path.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for r := range utf8.RuneSelf {
		t[r] = 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return t
}()

// isJoiner reports whether r may sit between the words of one phrase. Hyphens
// and spaces are interchangeable so that "non-compliant" and "non compliant"
// are the same phrase; apostrophes join so that "she's" can be part of one.
func isJoiner(r rune) bool {
	switch r {
	case '-', '\'', '\u2019', // hyphen-minus, apostrophe, right single quote used as apostrophe
		'\u2010', '\u2011', '\u2013', // hyphen, non-breaking hyphen, en dash
		'\u00ad': // soft hyphen
		return true
	}
	return unicode.IsSpace(r)
}

// isSentenceEnd reports punctuation that ends a sentence when something other
// than a word follows it directly ("U.A." keeps its letters together).
func isSentenceEnd(r rune) bool {
	return r == '.' || r == '!' || r == '?' || r == '\u2026'
}

// tokenize splits text into tokens, appending to buf. Tokens that are plain
// lower-case ASCII (nearly all of them) share memory with text, so a typical
// note costs one slice allocation rather than one string per word.
func tokenize(text string, buf []token) []token {
	sent := 0
	joined := true // until a gap says otherwise
	pendingEnd := false
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		if !isWordRune(r) {
			if pendingEnd || r == '\n' {
				sent++
				pendingEnd = false
			}
			if isSentenceEnd(r) {
				pendingEnd = true
			}
			if !isJoiner(r) {
				joined = false
			}
			i += size
			continue
		}
		// A sentence mark directly followed by a word ("U.A", "3.5") is not
		// the end of a sentence.
		pendingEnd = false
		start := i
		plain := true // ASCII with no upper case
		for i < len(text) {
			r, size = rune(text[i]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRuneInString(text[i:])
				if !isWordRune(r) {
					break
				}
				plain = false
			} else {
				if !isWordRune(r) {
					break
				}
				if 'A' <= r && r <= 'Z' {
					plain = false
				}
			}
			i += size
		}
		word := text[start:i]
		if !plain {
			word = strings.ToLower(word)
		}
		buf = append(buf, token{start: start, end: i, low: word, sent: sent, joined: joined && len(buf) > 0})
		joined = true
	}
	return buf
}

// words returns the lower-cased tokens of a phrase from the word list, and
// whether the phrase holds only words and joiners.
func words(phrase string) ([]string, bool) {
	for _, r := range phrase {
		if !isWordRune(r) && !isJoiner(r) {
			return nil, false
		}
	}
	toks := tokenize(phrase, nil)
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.low
	}
	return out, len(out) > 0
}

// span is a half-open byte range of text between a pair of quotation marks.
type span struct{ start, end int }

// quoteSpans finds the stretches of text inside quotation marks: straight or
// curly, double or single. A quote is only counted once it is closed, so a
// stray mark (or a quote still being typed) does not soften every hint after
// it; and quotes end at a line break, because a note's quoted words rarely
// span lines and an unclosed mark should not leak into the next paragraph.
//
// Single quotes double as apostrophes, so they open only at the start of a
// word and close only at the end of one: "she's" and "don't" are never quotes.
func quoteSpans(text string) []span {
	var spans []span
	dOpen, sOpen := -1, -1
	prev := ' ' // what came before; a space at the start of the text
	for i := 0; i < len(text); {
		// Decode by hand rather than with range: for invalid UTF-8 we need the
		// true width (1), not the width of the replacement character.
		r, size := utf8.DecodeRuneInString(text[i:])
		next := ' '
		if i+size < len(text) {
			next, _ = utf8.DecodeRuneInString(text[i+size:])
		}
		switch r {
		case '\n':
			dOpen, sOpen = -1, -1
		case '"':
			if dOpen < 0 {
				dOpen = i
			} else {
				spans = append(spans, span{dOpen, i + size})
				dOpen = -1
			}
		case '\u201c', '\u201e', '\u00ab': // “ „ «
			dOpen = i
		case '\u201d', '\u00bb': // ” »
			if dOpen >= 0 {
				spans = append(spans, span{dOpen, i + size})
				dOpen = -1
			}
		case '\u2018': // ‘
			if !isWordRune(prev) {
				sOpen = i
			}
		case '\'', '\u2019': // ' ’
			switch {
			case sOpen >= 0 && !unicode.IsSpace(prev) && !isWordRune(next):
				spans = append(spans, span{sOpen, i + size})
				sOpen = -1
			case r == '\'' && sOpen < 0 && !isWordRune(prev) && isWordRune(next):
				sOpen = i
			}
		}
		prev = r
		i += size
	}
	return spans
}
