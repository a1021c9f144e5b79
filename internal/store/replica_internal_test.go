package store

import (
	"strings"
	"testing"
)

// TestStandbyProblem: a standby of another cluster (another system
// identifier) and a database that is not in recovery are refused, each
// with its reason; a standby of this primary is accepted.
func TestStandbyProblem(t *testing.T) {
	if err := standbyProblem(true, "7716119285038422177", "7716119285038422177"); err != nil {
		t.Fatalf("a standby of this primary: %v", err)
	}
	if err := standbyProblem(true, "7716119285038422177", "7000000000000000001"); err == nil || !strings.Contains(err.Error(), "not a copy of this primary") {
		t.Fatalf("a standby of another cluster: %v", err)
	}
	if err := standbyProblem(false, "7716119285038422177", "7716119285038422177"); err == nil || !strings.Contains(err.Error(), "not a standby") {
		t.Fatalf("a primary: %v", err)
	}
}

// TestParseLSN reads WAL positions as PostgreSQL prints them.
func TestParseLSN(t *testing.T) {
	for in, want := range map[string]uint64{"0/7000060": 0x7000060, "16/B374D848": 0x16<<32 | 0xB374D848} {
		if got, err := parseLSN(in); err != nil || got != want {
			t.Errorf("parseLSN(%q) = %x, %v; want %x", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "7000060", "x/1"} {
		if _, err := parseLSN(bad); err == nil {
			t.Errorf("parseLSN(%q) accepted", bad)
		}
	}
}
