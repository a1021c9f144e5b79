package cohort

import "strings"

// CodeLength is the length of a certificate verification code: 20 base32
// characters, 100 bits of room holding 96 random bits (auth.NewCode(12)),
// so guessing a valid code is hopeless even without the rate limit.
const CodeLength = 20

// GroupCode writes a code in groups of four for reading aloud and typing:
// ABCD-EFGH-IJKL-MNOP-QRST.
func GroupCode(code string) string {
	var b strings.Builder
	for i, r := range code {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// NormalizeCode turns what someone typed into the stored form of a code:
// case, spaces and dashes do not matter, and the digits 0, 1 and 8 (which
// base32 does not use) are read as the letters O, I and B they are mistaken
// for. It reports false when the result cannot be a code at all, so the
// database is not asked.
func NormalizeCode(s string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == ' ' || r == '\t':
			continue
		case r == '0':
			r = 'O'
		case r == '1':
			r = 'I'
		case r == '8':
			r = 'B'
		}
		if !(r >= 'A' && r <= 'Z' || r >= '2' && r <= '7') {
			return "", false
		}
		b.WriteRune(r)
		if b.Len() > CodeLength {
			return "", false
		}
	}
	if b.Len() != CodeLength {
		return "", false
	}
	return b.String(), true
}
