package store

import (
	"math/rand/v2"
	"testing"
	"time"

	"peerpath/internal/framework"
	"peerpath/internal/workforce"
)

// TestSummaryAgreesWithReadiness checks the team page's short form against
// the full readiness computation on many random records: the same target
// stage, the same count of missing requirements.
func TestSummaryAgreesWithReadiness(t *testing.T) {
	c := framework.MA2014()
	items := c.Items()
	stages := c.Stages()
	rng := rand.New(rand.NewPCG(5, 2026))
	today := "2026-11-23"
	seen := map[framework.Stage]bool{}
	for i := range 500 {
		b := &bundle{worker: Worker{ID: 1, Track: []framework.Track{framework.TrackBoth, framework.TrackMentalHealth, framework.TrackAddiction, ""}[i%4]}}
		// The organisation's choices vary too: CORI asked for or not, CPS
		// and Recovery Coach read as required or left preferred.
		choices := framework.Choices{Applies: map[string]bool{}, Strength: map[string]framework.Strength{}}
		if rng.IntN(2) == 0 {
			choices.Applies["v.prereq.cori"] = true
		}
		for _, k := range []string{"s3.prereq.cps", "s4.prereq.cps", "s5.prereq.cps", "s2.prereq.recovery-coach", "s3.prereq.recovery-coach"} {
			if rng.IntN(2) == 0 {
				choices.Strength[k] = framework.StrengthRequired
			}
		}
		if rng.IntN(3) == 0 {
			b.worker.ConfirmedStage = stages[rng.IntN(len(stages))].Key
		}
		// Dense records make later stages ready; sparse ones stop early.
		density := rng.Float64()
		for j, it := range items {
			if rng.Float64() > density {
				continue
			}
			switch it.Kind {
			case framework.KindTraining:
				b.trainings = append(b.trainings, Training{ID: int64(j), ItemKey: it.Key, Title: it.Label, CompletedOn: "2025-01-01"})
			case framework.KindCompetency:
				if rng.IntN(4) == 0 {
					b.waivers = append(b.waivers, WaiverRecord{ID: int64(j), ItemKey: it.Key, Reason: "r", On: "2026-01-01"})
				} else {
					b.signoffs = append(b.signoffs, Signoff{ID: int64(j), ItemKey: it.Key, ObservedOn: "2026-01-01"})
				}
			case framework.KindPrerequisite:
				if it.Grandfather && rng.IntN(3) == 0 {
					// A grandfather waiver carries along its chain.
					b.waivers = append(b.waivers, WaiverRecord{ID: int64(j), ItemKey: it.Key, Reason: "grandfathered", On: "2026-01-01"})
				} else {
					b.prereqs = append(b.prereqs, PrerequisiteRecord{ID: int64(j), ItemKey: it.Key, On: "2026-01-01"})
				}
			}
		}
		if rng.IntN(2) == 0 {
			b.roles = append(b.roles, RoleHeld{Peer: true, From: "2024-01-01"})
		}
		switch rng.IntN(3) {
		case 0:
			b.credentials = append(b.credentials, Credential{Kind: workforce.CredentialCPS, IssuedOn: "2020-01-01", Current: true})
		case 1:
			b.credentials = append(b.credentials, Credential{Kind: workforce.CredentialCPS, IssuedOn: "2020-01-01", ExpiresOn: "2026-03-31"})
		}
		if rng.IntN(2) == 0 {
			b.signed = map[string]time.Time{"cps": testNow}
		}
		if rng.IntN(2) == 0 {
			b.roles = append(b.roles, RoleHeld{Peer: true, From: "2021-01-01", To: "2022-06-30"})
		}
		full := readinessOf(c, b, today, choices)
		ev, waived := keysOf(b)
		target, name, missing := summaryOf(c, b, ev, waived, today, choices)
		if target != full.Target || name != full.TargetName || missing != len(full.TargetMissing) {
			t.Fatalf("case %d (track %s, confirmed %q): summary %q/%d, readiness %q/%d", i, b.worker.Track, b.worker.ConfirmedStage, target, missing, full.Target, len(full.TargetMissing))
		}
		seen[target] = true
	}
	// The random records must reach many targets, or the test proves little.
	if len(seen) < 5 {
		t.Fatalf("only %d different targets were reached: %v", len(seen), seen)
	}
}

// testNow is a signature time for the records above.
var testNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
