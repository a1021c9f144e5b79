package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"peerpath/internal/framework"
)

// Issue 12: a track is chosen at "user add" or later, never assumed; and
// "framework check" names the item that misuses the organisation rules.

func TestUserAddTrack(t *testing.T) {
	env := fresh(t)
	r := run(t, env, "", "user", "add", "--org", "Harbor RSC", "--email", "ana@example.org", "--name", "Ana Admin", "--role", "admin")
	if r.code != 0 {
		t.Fatalf("admin: %+v", r)
	}
	r = run(t, env, "", "user", "add", "--org", "Harbor RSC", "--email", "rc@example.org", "--name", "Rae Coach", "--role", "peer", "--track", "addiction")
	if r.code != 0 {
		t.Fatalf("with a track: %+v", r)
	}
	r = run(t, env, "", "user", "add", "--org", "Harbor RSC", "--email", "no@example.org", "--name", "Noa Track", "--role", "peer")
	if r.code != 0 {
		t.Fatalf("without a track: %+v", r)
	}
	r = run(t, env, "", "user", "add", "--org", "Harbor RSC", "--email", "x@example.org", "--name", "X", "--role", "peer", "--track", "sideways")
	if r.code != 2 || !strings.Contains(r.errOut, "--track") || !strings.Contains(r.errOut, "mental-health") {
		t.Fatalf("an unknown track: %+v", r)
	}
	s := openStore(t, env)
	admin, _ := s.UserByEmail(t.Context(), "ana@example.org")
	for email, want := range map[string]framework.Track{"rc@example.org": framework.TrackAddiction, "no@example.org": ""} {
		u, err := s.UserByEmail(t.Context(), email)
		if err != nil {
			t.Fatal(err)
		}
		w, err := s.Worker(t.Context(), admin.Actor("local"), u.ID)
		if err != nil || w.Track != want {
			t.Errorf("%s: track %q %v, want %q", email, w.Track, err, want)
		}
	}
}

func TestFrameworkCheckOrganisationRules(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"id":"x","title":"X","ethics_codes":[{"key":"cps","title":"CPS","tracks":["mental-health"]}],
		"stages":[{"key":"volunteer","name":"V"}],"items":[
		{"key":"v.eth","kind":"prerequisite","stage":"volunteer","track":"addiction","label":"RSC code","strength":"required","met_by":{"ethics_code":"rsc"}},
		{"key":"v.cori","kind":"prerequisite","stage":"volunteer","track":"both","label":"CORI","strength":"required","conditional":true}]}`), 0o644)
	r := run(t, nil, "", "framework", "check", bad)
	if r.code != 1 || !strings.Contains(r.out, `item "v.eth": met_by: ethics_code "rsc" is not one of the chart's ethics_codes`) ||
		!strings.Contains(r.out, `item "v.cori": question: a conditional item needs its question`) {
		t.Fatalf("check: %+v", r)
	}
	r = run(t, nil, "", "framework", "check", "../framework/charts/ma-2014.json")
	if r.code != 0 || !strings.Contains(r.out, "conditional on the organisation 1, strength chosen by the organisation 7; codes of ethics: cps, rsc") {
		t.Fatalf("check of the shipped chart: %+v", r)
	}
}
