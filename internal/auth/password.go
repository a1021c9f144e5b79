package auth

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// MinPasswordLength is the shortest password peerpath accepts. Length does
// more for strength than character rules, which only make passwords harder to
// remember.
const MinPasswordLength = 12

// Argon2id settings: OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	argonSaltLen   = 16
)

// HashPassword returns an encoded argon2id hash (PHC string format).
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemoryKiB, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the encoded hash. An empty
// or malformed hash never matches.
func CheckPassword(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var mem uint32
	var time uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &time, &threads); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, time, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is compared against when an account does not exist, so that a
// failed sign-in takes the same time whether or not the email is known.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("peerpath-timing-equaliser")
	return h
})

// WasteTime performs one password check against a throwaway hash.
func WasteTime(password string) { CheckPassword(dummyHash(), password) }

//go:embed common_passwords.txt
var commonPasswordsText []byte

var commonPasswords = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(commonPasswordsText))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = true
		}
	}
	return m
})

// ErrWeakPassword explains why a password was refused.
var ErrWeakPassword = errors.New("weak password")

// CheckNewPassword returns a plain-words reason when a new password is not
// acceptable, or "" when it is. personal holds words the password must not be
// built from (the user's email and name).
func CheckNewPassword(password string, personal ...string) string {
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLength {
		return fmt.Sprintf("Use at least %d characters. A few unrelated words make a strong password that is easy to remember.", MinPasswordLength)
	}
	if n > 256 {
		return "Use at most 256 characters."
	}
	lower := strings.ToLower(password)
	if commonPasswords()[lower] {
		return "This password is one of the most common ones and easy to guess. Choose another."
	}
	if allSameRune(lower) {
		return "This password repeats one character. Choose another."
	}
	for _, p := range personal {
		p = strings.ToLower(strings.TrimSpace(p))
		if local, _, ok := strings.Cut(p, "@"); ok {
			p = local
		}
		if len(p) >= 4 && strings.Contains(lower, p) {
			return "Do not build the password from your name or email address."
		}
	}
	return ""
}

func allSameRune(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	for _, r := range s {
		if r != first {
			return false
		}
	}
	return true
}
