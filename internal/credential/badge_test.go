package credential

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// memResolver is one issuer whose key and revoked indexes tests set.
type memResolver struct {
	base    string
	key     ed25519.PrivateKey
	revoked []int64
	now     time.Time
}

func (m *memResolver) Key(_ context.Context, vm string) (ed25519.PublicKey, error) {
	if vm != KeyID(m.base, 7) {
		return nil, fmt.Errorf("unknown key %s", vm)
	}
	return m.key.Public().(ed25519.PublicKey), nil
}

func (m *memResolver) StatusList(_ context.Context, url string) (map[string]any, error) {
	if url != StatusListURL(m.base, 7) {
		return nil, fmt.Errorf("unknown list %s", url)
	}
	return SignStatusList(m.base, 7, m.revoked, m.key, m.now)
}

func testBadge() Badge {
	return Badge{Base: "https://peerpath.example", OrgID: 7, OrgName: "Harbor Peer Network", Code: "ABCD-EFGH-JKLM-NPQR-STUV",
		Recipient: "Dana Ruiz", Programme: "Certified Peer Specialist training", Criteria: "Your organisation's rule: attend 90% of sessions.",
		CohortID: 3, IssuedAt: time.Date(2026, 5, 1, 14, 0, 0, 0, time.UTC), StatusIndex: 42}
}

func TestBadgeSignsVerifiesAndRevokes(t *testing.T) {
	key, _ := OrgKey(bytes.Repeat([]byte("k"), 32), 7)
	b := testBadge()
	res := &memResolver{base: b.Base, key: key, now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	signed, err := b.Sign(key)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.MarshalIndent(signed, "", "  ")
	if !strings.HasPrefix(EncodeMultikey(key.Public().(ed25519.PublicKey)), "z6Mk") {
		t.Error("a Multikey starts z6Mk")
	}
	rep := Verify(context.Background(), raw, res, res.now)
	if !rep.OK() || rep.Recipient != "Dana Ruiz" || rep.Issuer != "Harbor Peer Network" {
		t.Fatalf("fresh credential: %+v", rep.Checks)
	}
	again, _ := b.Sign(key)
	if again["proof"].(map[string]any)["proofValue"] != signed["proof"].(map[string]any)["proofValue"] {
		t.Error("signing the same certificate twice gives another document")
	}

	// One character changed fails the signature, and says so.
	tampered := bytes.Replace(raw, []byte("Dana Ruiz"), []byte("Dana Ruis"), 1)
	if rep := Verify(context.Background(), tampered, res, res.now); rep.OK() || rep.Failed() != "signature" {
		t.Errorf("tampered: %+v", rep.Checks)
	}
	// Another organisation's key does not do.
	other, _ := OrgKey(bytes.Repeat([]byte("k"), 32), 8)
	forged, _ := b.Sign(other)
	fraw, _ := json.Marshal(forged)
	if rep := Verify(context.Background(), fraw, res, res.now); rep.Failed() != "signature" {
		t.Errorf("forged: %+v", rep.Checks)
	}
	// Dates.
	if rep := Verify(context.Background(), raw, res, b.IssuedAt.Add(-time.Hour)); rep.Failed() != "dates" {
		t.Errorf("before validFrom: %+v", rep.Checks)
	}
	// Revoked: its bit is set in the list.
	res.revoked = []int64{3, 42}
	if rep := Verify(context.Background(), raw, res, res.now); rep.Failed() != "status" || !strings.Contains(rep.Checks[len(rep.Checks)-1].Detail, "revoked") {
		t.Errorf("revoked: %+v", rep.Checks)
	}
	res.revoked = []int64{41, 43}
	if rep := Verify(context.Background(), raw, res, res.now); !rep.OK() {
		t.Errorf("neighbours revoked: %+v", rep.Checks)
	}

	// The same as a JWT.
	tok, err := SignJWT(b, key)
	if err != nil {
		t.Fatal(err)
	}
	if rep := Verify(context.Background(), []byte(tok), res, res.now); !rep.OK() || rep.Recipient != "Dana Ruiz" {
		t.Errorf("JWT: %+v", rep.Checks)
	}
	parts := strings.Split(tok, ".")
	sig := []byte(parts[2])
	sig[5] ^= 1
	if rep := Verify(context.Background(), []byte(parts[0]+"."+parts[1]+"."+string(sig)), res, res.now); rep.Failed() != "signature" {
		t.Errorf("JWT with a changed signature: %+v", rep.Checks)
	}
	if rep := Verify(context.Background(), []byte("not a credential"), res, res.now); rep.Failed() != "format" {
		t.Errorf("garbage: %+v", rep.Checks)
	}
}

func TestStatusListSizeAndBits(t *testing.T) {
	enc, err := EncodeList([]int64{0, 9, 131071})
	if err != nil {
		t.Fatal(err)
	}
	bits, err := DecodeList(enc)
	if err != nil {
		t.Fatal(err)
	}
	if len(bits)*8 != MinListBits {
		t.Fatalf("%d bits", len(bits)*8)
	}
	for i, want := range map[int64]bool{0: true, 1: false, 8: false, 9: true, 131070: false, 131071: true} {
		if got, _ := BitSet(bits, i); got != want {
			t.Errorf("bit %d = %v", i, got)
		}
	}
	if bits[0] != 0x80 {
		t.Errorf("index 0 is the left-most bit: %08b", bits[0])
	}
	enc, _ = EncodeList([]int64{131072})
	if bits, _ := DecodeList(enc); len(bits)*8 != 2*MinListBits {
		t.Errorf("a list grows by whole blocks: %d", len(bits)*8)
	}
}
