package credential

import (
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"time"
)

// MinListBits is the smallest Bitstring Status List the specification
// allows (16 KB), so that one credential's bit hides among many.
const MinListBits = 131072

// EncodeList writes a revocation bitstring with the given indexes set:
// GZIP, then base64url without padding, as multibase ("u…"). The list
// holds at least MinListBits bits, in whole multiples of it. Index 0 is the
// left-most bit of the first byte.
func EncodeList(set []int64) (string, error) {
	size := int64(MinListBits)
	for _, i := range set {
		if i < 0 {
			return "", fmt.Errorf("status index %d is negative", i)
		}
		for i >= size {
			size += MinListBits
		}
	}
	bits := make([]byte, size/8)
	for _, i := range set {
		bits[i/8] |= 0x80 >> (i % 8)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(bits); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// DecodeList reads an encodedList back into its bits.
func DecodeList(encoded string) ([]byte, error) {
	if len(encoded) < 2 || encoded[0] != 'u' {
		return nil, errors.New("the status list is not base64url multibase (it should start with u)")
	}
	raw, err := base64.RawURLEncoding.DecodeString(encoded[1:])
	if err != nil {
		return nil, fmt.Errorf("the status list is not base64url: %w", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("the status list is not GZIP: %w", err)
	}
	// A list larger than 16 MB (134 million credentials) is refused rather
	// than unpacked.
	bits, err := io.ReadAll(io.LimitReader(zr, 16<<20+1))
	if err != nil {
		return nil, fmt.Errorf("the status list cannot be unpacked: %w", err)
	}
	if len(bits) > 16<<20 {
		return nil, errors.New("the status list is larger than 16 MB")
	}
	if len(bits)*8 < MinListBits {
		return nil, fmt.Errorf("the status list has %d bits, fewer than the %d the specification requires", len(bits)*8, MinListBits)
	}
	return bits, nil
}

// BitSet reports whether index i is set in bits.
func BitSet(bits []byte, i int64) (bool, error) {
	if i < 0 || i/8 >= int64(len(bits)) {
		return false, fmt.Errorf("status index %d is outside the list", i)
	}
	return bits[i/8]&(0x80>>(i%8)) != 0, nil
}

// StatusListCredential is an organisation's signed revocation list.
type StatusListCredential struct {
	Context           []string            `json:"@context"`
	ID                string              `json:"id"`
	Type              []string            `json:"type"`
	Issuer            string              `json:"issuer"`
	ValidFrom         string              `json:"validFrom"`
	CredentialSubject BitstringStatusList `json:"credentialSubject"`
	Proof             *Proof              `json:"proof,omitempty"`
}

// BitstringStatusList is the list itself.
type BitstringStatusList struct {
	ID            string `json:"id"`
	Type          string `json:"type" enum:"BitstringStatusList"`
	StatusPurpose string `json:"statusPurpose" enum:"revocation"`
	EncodedList   string `json:"encodedList" doc:"GZIP, base64url multibase (u…)"`
}

// SignStatusList builds and signs an organisation's revocation list with
// the given indexes revoked, as of now.
func SignStatusList(base string, orgID int64, revoked []int64, key ed25519.PrivateKey, now time.Time) (map[string]any, error) {
	enc, err := EncodeList(revoked)
	if err != nil {
		return nil, err
	}
	u := StatusListURL(base, orgID)
	c := StatusListCredential{
		Context:           []string{ContextV2},
		ID:                u,
		Type:              []string{"VerifiableCredential", "BitstringStatusListCredential"},
		Issuer:            IssuerURL(base, orgID),
		ValidFrom:         stamp(now),
		CredentialSubject: BitstringStatusList{ID: u + "#list", Type: "BitstringStatusList", StatusPurpose: "revocation", EncodedList: enc},
	}
	return Sign(c, key, KeyID(base, orgID), now)
}
