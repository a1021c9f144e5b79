package credential

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/mr-tron/base58"
)

// vectorLoader adds the examples context the W3C test vector names.
func vectorLoader(t *testing.T) *Loader {
	t.Helper()
	b, err := os.ReadFile("testdata/examples-v2.jsonld")
	if err != nil {
		t.Fatal(err)
	}
	return NewLoader(map[string][]byte{"https://www.w3.org/ns/credentials/examples/v2": b})
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// vectorKey is the public key of the vc-di-eddsa test vectors.
func vectorKey(t *testing.T) ed25519.PublicKey {
	t.Helper()
	pub, err := DecodeMultikey(readJSON(t, "testdata/keyPair.json")["publicKeyMultibase"].(string))
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

// TestEddsaRdfc2022Vectors checks every intermediate value of the W3C
// eddsa-rdfc-2022 test vector, the proof itself, and that one changed
// character anywhere fails it.
func TestEddsaRdfc2022Vectors(t *testing.T) {
	loader := vectorLoader(t)
	signed := readJSON(t, "testdata/eddsa-rdfc-2022/signedDataInt.json")
	pub := vectorKey(t)
	const dir = "testdata/eddsa-rdfc-2022/"

	unsecured := map[string]any{}
	for k, v := range signed {
		if k != "proof" {
			unsecured[k] = v
		}
	}
	canonDoc, err := canonical(unsecured, loader)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(canonDoc), readText(t, dir+"canonDocDataInt.txt"); got != want {
		t.Fatalf("canonical document:\n%s\nwant\n%s", got, want)
	}
	canonProof, err := canonical(readJSON(t, dir+"proofConfigDataInt.json"), loader)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(canonProof), readText(t, dir+"proofCanonDataInt.txt"); got != want {
		t.Fatalf("canonical proof options:\n%s\nwant\n%s", got, want)
	}
	if h := sha256.Sum256([]byte(canonDoc)); hex.EncodeToString(h[:]) != readText(t, dir+"docHashDataInt.txt") {
		t.Errorf("document hash %x", h)
	}
	if h := sha256.Sum256([]byte(canonProof)); hex.EncodeToString(h[:]) != readText(t, dir+"proofHashDataInt.txt") {
		t.Errorf("proof options hash %x", h)
	}
	combined, err := hashData(signed, signed["proof"].(map[string]any), loader)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(combined) != readText(t, dir+"combinedHashDataInt.txt") {
		t.Errorf("combined hash %x", combined)
	}

	resolve := func(vm string) (ed25519.PublicKey, error) {
		if !strings.HasPrefix(vm, "did:key:"+EncodeMultikey(pub)) {
			t.Errorf("verification method %s", vm)
		}
		return pub, nil
	}
	if _, err := VerifyProof(signed, resolve, loader); err != nil {
		t.Fatalf("the published vector does not verify: %v", err)
	}

	// The same key signs the same document to the same proof value
	// (Ed25519 is deterministic).
	priv := vectorPrivateKey(t, pub)
	proof := signed["proof"].(map[string]any)
	if sig := ed25519.Sign(priv, combined); "z"+base58.Encode(sig) != proof["proofValue"] {
		t.Errorf("signing the vector gives %s, want %s", "z"+base58.Encode(sig), proof["proofValue"])
	}

	// One character changed, in the document or the proof, fails.
	raw, _ := os.ReadFile(dir + "signedDataInt.json")
	for _, c := range []struct{ from, to string }{
		{"The School of Examples", "The School of Exampled"},
		{"2023-01-01T00:00:00Z", "2023-01-01T00:00:01Z"},
		{"Alumni Credential\"", "Alumni Credentiam\""},
		{"2023-02-24T23:36:38Z", "2023-02-24T23:36:39Z"},
	} {
		changed := strings.Replace(string(raw), c.from, c.to, 1)
		if changed == string(raw) {
			t.Fatalf("%q is not in the vector", c.from)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(changed), &m); err != nil {
			t.Fatal(err)
		}
		if _, err := VerifyProof(m, resolve, loader); !errors.Is(err, ErrSignature) {
			t.Errorf("%q → %q: got %v, want the signature check to fail", c.from, c.to, err)
		}
	}
}

// vectorPrivateKey reads the vector's private key (a Multikey secret key:
// multicodec 0x1300, then the 32-byte seed).
func vectorPrivateKey(t *testing.T, pub ed25519.PublicKey) ed25519.PrivateKey {
	t.Helper()
	b, err := base58.Decode(readJSON(t, "testdata/keyPair.json")["privateKeyMultibase"].(string)[1:])
	if err != nil || len(b) != 34 || b[0] != 0x80 || b[1] != 0x26 {
		t.Fatalf("private key %x %v", b, err)
	}
	priv := ed25519.NewKeyFromSeed(b[2:])
	if !priv.Public().(ed25519.PublicKey).Equal(pub) {
		t.Fatal("the vector's private key does not match its public key")
	}
	return priv
}
