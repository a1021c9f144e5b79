package credential

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mr-tron/base58"
	"github.com/piprate/json-gold/ld"
)

// Proof is an embedded Data Integrity proof.
type Proof struct {
	Type               string `json:"type" enum:"DataIntegrityProof"`
	Cryptosuite        string `json:"cryptosuite" enum:"eddsa-rdfc-2022"`
	Created            string `json:"created" doc:"when the proof was made, RFC 3339"`
	VerificationMethod string `json:"verificationMethod" doc:"the issuer's key: its profile's URL with #key-1"`
	ProofPurpose       string `json:"proofPurpose" enum:"assertionMethod"`
	ProofValue         string `json:"proofValue" doc:"the Ed25519 signature, base58btc multibase"`
}

const (
	proofType   = "DataIntegrityProof"
	cryptosuite = "eddsa-rdfc-2022"
)

// canonical is RDFC-1.0 (URDNA2015) N-Quads of a JSON-LD document, with
// the bundled contexts only. Safe mode refuses a property that no context
// defines instead of dropping it, so nothing in a document can go unsigned.
func canonical(doc any, loader ld.DocumentLoader) (string, error) {
	opts := ld.NewJsonLdOptions("")
	opts.Algorithm = ld.AlgorithmURDNA2015
	opts.Format = "application/n-quads"
	opts.ProcessingMode = ld.JsonLd_1_1
	opts.DocumentLoader = loader
	opts.SafeMode = true
	out, err := ld.NewJsonLdProcessor().Normalize(doc, opts)
	if err != nil {
		return "", err
	}
	s, _ := out.(string)
	return s, nil
}

// toMap turns a value into generic JSON (maps, slices, strings, float64).
func toMap(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m)
}

// hashData is the eddsa-rdfc-2022 hash: SHA-256 of the canonical proof
// options followed by SHA-256 of the canonical document.
func hashData(doc map[string]any, options map[string]any, loader ld.DocumentLoader) ([]byte, error) {
	unsecured := map[string]any{}
	for k, v := range doc {
		if k != "proof" {
			unsecured[k] = v
		}
	}
	config := map[string]any{}
	for k, v := range options {
		if k != "proofValue" {
			config[k] = v
		}
	}
	config["@context"] = doc["@context"]
	cdoc, err := canonical(unsecured, loader)
	if err != nil {
		return nil, fmt.Errorf("canonicalising the document: %w", err)
	}
	cconf, err := canonical(config, loader)
	if err != nil {
		return nil, fmt.Errorf("canonicalising the proof options: %w", err)
	}
	h1, h2 := sha256.Sum256([]byte(cconf)), sha256.Sum256([]byte(cdoc))
	return append(h1[:], h2[:]...), nil
}

// Sign adds an eddsa-rdfc-2022 DataIntegrityProof to doc (any value that
// marshals to a JSON-LD object) and returns the signed document.
func Sign(doc any, key ed25519.PrivateKey, verificationMethod string, created time.Time) (map[string]any, error) {
	m, err := toMap(doc)
	if err != nil {
		return nil, err
	}
	delete(m, "proof")
	p := Proof{Type: proofType, Cryptosuite: cryptosuite, Created: created.UTC().Truncate(time.Second).Format(time.RFC3339),
		VerificationMethod: verificationMethod, ProofPurpose: "assertionMethod"}
	opts, err := toMap(p)
	if err != nil {
		return nil, err
	}
	h, err := hashData(m, opts, defaultLoader)
	if err != nil {
		return nil, err
	}
	p.ProofValue = "z" + base58.Encode(ed25519.Sign(key, h))
	if m["proof"], err = toMap(p); err != nil {
		return nil, err
	}
	return m, nil
}

// KeyResolver finds the public key a verification method names.
type KeyResolver func(verificationMethod string) (ed25519.PublicKey, error)

// ErrSignature is a proof that does not match the document: it was
// changed after signing, or signed with another key.
var ErrSignature = errors.New("the signature does not match the credential: it was changed after it was signed, or signed by someone else")

// VerifyProof checks doc's eddsa-rdfc-2022 proof, with the key resolve
// finds for its verification method, and returns the proof.
func VerifyProof(doc map[string]any, resolve KeyResolver, loader ld.DocumentLoader) (Proof, error) {
	if loader == nil {
		loader = defaultLoader
	}
	raw, ok := doc["proof"].(map[string]any)
	if !ok {
		return Proof{}, errors.New("the credential has no proof (one embedded DataIntegrityProof is expected)")
	}
	var p Proof
	b, _ := json.Marshal(raw)
	if err := json.Unmarshal(b, &p); err != nil {
		return Proof{}, fmt.Errorf("the proof cannot be read: %w", err)
	}
	switch {
	case p.Type != proofType:
		return p, fmt.Errorf("the proof is a %q; only DataIntegrityProof is accepted", p.Type)
	case p.Cryptosuite != cryptosuite:
		return p, fmt.Errorf("the proof uses %q; only eddsa-rdfc-2022 is accepted", p.Cryptosuite)
	case p.ProofPurpose != "assertionMethod":
		return p, fmt.Errorf("the proof's purpose is %q, not assertionMethod", p.ProofPurpose)
	case len(p.ProofValue) < 2 || p.ProofValue[0] != 'z':
		return p, errors.New("the proof value is not base58btc multibase")
	}
	if p.Created != "" {
		if _, err := time.Parse(time.RFC3339, p.Created); err != nil {
			return p, fmt.Errorf("the proof's created date %q is not a date and time", p.Created)
		}
	}
	sig, err := base58.Decode(p.ProofValue[1:])
	if err != nil || len(sig) != ed25519.SignatureSize {
		return p, errors.New("the proof value is not an Ed25519 signature")
	}
	pub, err := resolve(p.VerificationMethod)
	if err != nil {
		return p, err
	}
	h, err := hashData(doc, raw, loader)
	if err != nil {
		return p, err
	}
	if !ed25519.Verify(pub, h, sig) {
		return p, ErrSignature
	}
	return p, nil
}
