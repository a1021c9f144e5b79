package auth

import (
	"strings"
	"testing"
	"time"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("a long passphrase here")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash parameters: %s", h)
	}
	if !CheckPassword(h, "a long passphrase here") || CheckPassword(h, "a long passphrase herE") {
		t.Fatal("password check is wrong")
	}
	for _, bad := range []string{"", "$argon2id$", "$argon2i$v=19$m=19456,t=2,p=1$AAAA$AAAA", strings.Replace(h, "$v=19$", "$v=18$", 1)} {
		if CheckPassword(bad, "a long passphrase here") {
			t.Errorf("malformed hash %q matched", bad)
		}
	}
	h2, _ := HashPassword("a long passphrase here")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
}

func TestTOTP(t *testing.T) {
	en, err := NewTOTP("peerpath", "pat@x.test")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	code, _ := TOTPCode(en.Secret, now)
	step, ok := CheckTOTP(en.Secret, code, now, 0)
	if !ok {
		t.Fatal("the current code is refused")
	}
	if _, ok := CheckTOTP(en.Secret, code, now, step); ok {
		t.Fatal("a code was accepted twice")
	}
	if _, ok := CheckTOTP(en.Secret, code, now.Add(30*time.Second), 0); !ok {
		t.Fatal("one step of drift is refused")
	}
	if _, ok := CheckTOTP(en.Secret, code, now.Add(2*time.Minute), 0); ok {
		t.Fatal("a two-minute-old code is accepted")
	}
	if _, ok := CheckTOTP(en.Secret, "12345", now, 0); ok {
		t.Fatal("a short code is accepted")
	}
	again, err := TOTPFromSecret("peerpath", "pat@x.test", en.Secret)
	if err != nil || again.Secret != en.Secret || !strings.HasPrefix(again.QRDataURI, "data:image/png;base64,") {
		t.Fatalf("rebuilding the enrolment: %v", err)
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes := NewRecoveryCodes(10)
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 11 || c[5] != '-' || seen[c] {
			t.Fatalf("bad or repeated code %q", c)
		}
		seen[c] = true
		if NormaliseRecoveryCode(strings.ToLower(strings.ReplaceAll(c, "-", " "))) != c {
			t.Fatalf("normalising %q", c)
		}
	}
}

func TestSeal(t *testing.T) {
	k, err := DeriveKeys([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := k.SealString("JBSWY3DPEHPK3PXP")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "JBSWY3DP") {
		t.Fatal("the sealed value shows the secret")
	}
	if got, err := k.OpenString(sealed); err != nil || got != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("open: %q %v", got, err)
	}
	other, _ := DeriveKeys([]byte("another master key another master"))
	if _, err := other.OpenString(sealed); err == nil {
		t.Fatal("another installation's key opened the secret")
	}
	if _, err := DeriveKeys([]byte("short")); err == nil {
		t.Fatal("a short master key was accepted")
	}
}

func TestRolesAndPermissions(t *testing.T) {
	rs, err := ParseRoles(" Supervisor, peer ,peer")
	if err != nil || len(rs) != 2 || rs[0] != RolePeer || rs[1] != RoleSupervisor {
		t.Fatalf("parse: %v %v", rs, err)
	}
	if _, err := ParseRoles("peer,boss"); err == nil {
		t.Fatal("unknown role accepted")
	}
	if _, err := ParseRoles(" , "); err == nil {
		t.Fatal("empty roles accepted")
	}
	cases := []struct {
		roles []Role
		perm  Permission
		want  bool
	}{
		{[]Role{RolePeer}, PermPeople, true},
		{[]Role{RolePeer}, PermTeam, false},
		{[]Role{RolePeer}, PermAdmin, false},
		{[]Role{RoleTrainer}, PermPeople, false},
		{[]Role{RoleTrainer}, PermCohorts, true},
		{[]Role{RoleSupervisor}, PermTeam, true},
		{[]Role{RoleAdmin}, PermCohorts, true},
		{nil, PermSignedIn, true},
	}
	for _, c := range cases {
		if got := Allows(c.roles, c.perm); got != c.want {
			t.Errorf("%v %s: %v, want %v", c.roles, c.perm, got, c.want)
		}
	}
}
