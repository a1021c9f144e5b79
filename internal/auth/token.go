package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"
)

// NewToken returns a random token of 256 bits, written in lower-case base32 so
// it survives copying from a terminal or an email. prefix names what it is for
// ("pp_" for API tokens) so a leaked token is recognisable in scanners.
func NewToken(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("auth: no randomness: " + err.Error()) // crypto/rand never fails on supported platforms
	}
	return prefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// NewCode returns a random code of n bytes of randomness in upper-case base32
// without ambiguous padding, for codes people read aloud or type (recovery
// codes, certificate verification codes).
func NewCode(nBytes int) string {
	b := make([]byte, nBytes)
	if _, err := rand.Read(b); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}

// HashToken returns the hex SHA-256 of a token. Tokens are long and random, so
// a fast hash is enough: the database never holds a usable token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
