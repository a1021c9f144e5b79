package language

import (
	"testing"
	"unicode/utf8"
)

func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"",
		"The client is non-compliant and manipulative.",
		`She said "I'm an addict" and ‘crazy’ «psycho»`,
		"José: UA was dirty. Tox screen clean.",
		"non-\u2011\u00adcompliant the mentally ill in case a case",
		"\xff\xfeclient\x80clean urine\xc3",
		"'''\"\"\"“”‘’",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		hints := Default().Check(text)
		prevEnd := 0
		for i, h := range hints {
			if h.Start < 0 || h.End > len(text) || h.Start >= h.End {
				t.Fatalf("hint %d out of bounds: [%d,%d) in %d bytes", i, h.Start, h.End, len(text))
			}
			if h.Start < prevEnd {
				t.Fatalf("hint %d overlaps or is out of order: starts %d, previous ended %d", i, h.Start, prevEnd)
			}
			prevEnd = h.End
			if text[h.Start:h.End] != h.Word {
				t.Fatalf("hint %d word %q does not match text[%d:%d]", i, h.Word, h.Start, h.End)
			}
			// Hints start and end on rune boundaries: the whole of Word is
			// valid UTF-8 made of whole runes, and the bytes either side begin
			// a new rune.
			if !utf8.ValidString(h.Word) {
				t.Fatalf("hint %d word %q is not valid UTF-8", i, h.Word)
			}
			if !utf8.RuneStart(text[h.Start]) || (h.End < len(text) && !utf8.RuneStart(text[h.End]) && utf8.ValidString(text)) {
				t.Fatalf("hint %d [%d,%d) is not on rune boundaries", i, h.Start, h.End)
			}
		}
	})
}
