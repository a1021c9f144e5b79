package workforce

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// FoldName reduces a name to the form SameName compares: accents removed
// (é → e, ñ → n, ç → c), letters in lower case, curly apostrophes made
// straight, and runs of spaces reduced to one with none at either end.
// Letters outside Latin script are kept as they are, so names in Chinese or
// Cyrillic compare exactly (apart from case and spacing).
func FoldName(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // a combining accent left by the decomposition
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case r == '\u2019' || r == '\u2018' || r == '`' || r == '\u00b4':
			r = '\''
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// SameName reports whether a name someone typed to sign is their name on
// record, ignoring case, accents and extra spaces. "ana lucia  perez"
// signs for "Ana Lucía Pérez"; "Ana Perez" does not: a signature is the
// whole name, and a shortened one would make the record ambiguous.
func SameName(typed, onRecord string) bool {
	t := FoldName(typed)
	return t != "" && t == FoldName(onRecord)
}
