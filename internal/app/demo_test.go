package app_test

import (
	"strings"
	"testing"
)

// `peerpath demo --scale smoke` generates its organisations through the
// command line, the audit log verifies afterwards, and wrong scales or
// benchmark flags are usage errors.
func TestDemoScaleCommand(t *testing.T) {
	env := fresh(t)
	r := run(t, env, "", "demo", "--scale", "smoke")
	if r.code != 0 || !strings.Contains(r.out, "60 people") || !strings.Contains(r.out, "peer001@org01.scale.demo") {
		t.Fatalf("demo --scale smoke: exit %d\n%s\n%s", r.code, r.out, r.errOut)
	}
	if v := run(t, env, "", "audit", "verify"); v.code != 0 {
		t.Fatalf("audit verify after generating: exit %d: %s", v.code, v.out)
	}
	if again := run(t, env, "", "demo", "--scale", "smoke"); again.code != 0 || !strings.Contains(again.out, "(2 already there)") {
		t.Errorf("second run: exit %d\n%s", again.code, again.out)
	}
	for name, args := range map[string][]string{
		"unknown scale":     {"demo", "--scale", "galaxy"},
		"bad concurrency":   {"bench", "--concurrency", "1,x"},
		"unknown scenario":  {"bench", "--only", "lunch"},
		"zero concurrency":  {"bench", "--concurrency", "0"},
		"stray bench words": {"bench", "now"},
	} {
		if u := run(t, env, "", args...); u.code != 2 {
			t.Errorf("%s: exit %d, want 2 (%s)", name, u.code, u.errOut)
		}
	}
}
