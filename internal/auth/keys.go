package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
)

// Keys are the secrets derived from the installation's master key, which lives
// in a file outside the database. Someone holding only a copy of the database
// can neither forge audit entries nor read second-factor secrets.
type Keys struct {
	AuditMAC []byte // keys the audit log's HMAC chain
	Seal     []byte // AES-256 key that seals second-factor secrets
	// Credential is the installation's credential key (credential.key),
	// from which each organisation's Ed25519 signing key is derived. It is
	// a file of its own, not derived from the master key, so that it can be
	// kept, backed up or replaced on its own. Empty: credentials cannot be
	// signed.
	Credential []byte
}

// DeriveKeys derives the purpose-specific keys from the master key.
func DeriveKeys(master []byte) (Keys, error) {
	if len(master) < 32 {
		return Keys{}, errors.New("master key is shorter than 32 bytes")
	}
	audit, err := hkdf.Key(sha256.New, master, nil, "peerpath audit mac v1", 32)
	if err != nil {
		return Keys{}, err
	}
	seal, err := hkdf.Key(sha256.New, master, nil, "peerpath seal v1", 32)
	if err != nil {
		return Keys{}, err
	}
	return Keys{AuditMAC: audit, Seal: seal}, nil
}

// SealString encrypts plaintext with AES-GCM and returns base64 text.
func (k Keys) SealString(plaintext string) (string, error) {
	gcm, err := k.gcm()
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := gcm.Seal(nonce, nonce, []byte(plaintext), nil)
	return base64.StdEncoding.EncodeToString(out), nil
}

// OpenString reverses SealString.
func (k Keys) OpenString(sealed string) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return "", err
	}
	gcm, err := k.gcm()
	if err != nil {
		return "", err
	}
	if len(raw) < gcm.NonceSize() {
		return "", errors.New("sealed value too short")
	}
	plain, err := gcm.Open(nil, raw[:gcm.NonceSize()], raw[gcm.NonceSize():], nil)
	if err != nil {
		return "", errors.New("sealed value does not open with this installation's key")
	}
	return string(plain), nil
}

func (k Keys) gcm() (cipher.AEAD, error) {
	block, err := aes.NewCipher(k.Seal)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
