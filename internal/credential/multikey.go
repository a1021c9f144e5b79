package credential

import (
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"

	"github.com/mr-tron/base58"
)

// ed25519Pub is the multicodec prefix of an Ed25519 public key (0xed as a
// varint).
var ed25519Pub = []byte{0xed, 0x01}

// EncodeMultikey writes an Ed25519 public key as a Multikey
// publicKeyMultibase: "z" (base58btc) over the multicodec prefix and key,
// which always starts "z6Mk".
func EncodeMultikey(pub ed25519.PublicKey) string {
	return "z" + base58.Encode(append(append([]byte{}, ed25519Pub...), pub...))
}

// DecodeMultikey reads a publicKeyMultibase holding an Ed25519 public key.
func DecodeMultikey(s string) (ed25519.PublicKey, error) {
	if len(s) < 2 || s[0] != 'z' {
		return nil, errors.New("the key is not base58btc multibase (it should start with z)")
	}
	b, err := base58.Decode(s[1:])
	if err != nil {
		return nil, fmt.Errorf("the key is not base58btc: %w", err)
	}
	if len(b) != 2+ed25519.PublicKeySize || b[0] != ed25519Pub[0] || b[1] != ed25519Pub[1] {
		return nil, errors.New("the key is not an Ed25519 Multikey")
	}
	return ed25519.PublicKey(b[2:]), nil
}

// OrgKey derives an organisation's Ed25519 signing key from the
// installation's credential key: one file to keep and back up, and a key of
// its own for each organisation, so one organisation's credentials never
// verify under another's key.
func OrgKey(installationKey []byte, orgID int64) (ed25519.PrivateKey, error) {
	if len(installationKey) < 32 {
		return nil, errors.New("the credential key is shorter than 32 bytes")
	}
	seed, err := hkdf.Key(sha256.New, installationKey, nil, "peerpath credential key v1 organisation "+strconv.FormatInt(orgID, 10), ed25519.SeedSize)
	if err != nil {
		return nil, err
	}
	return ed25519.NewKeyFromSeed(seed), nil
}
