package demo_test

import (
	"testing"

	"peerpath/internal/demo"
	"peerpath/internal/framework"
	"peerpath/internal/testkit"
)

// TestDemoFrameworkRules loads the demo twice and finds issue 12's cases:
// an addiction-track worker at an RSC who signed its code, a Stage IV CPS
// grandfathered at Stage III, and a worker without a track.
func TestDemoFrameworkRules(t *testing.T) {
	db := testkit.NewStore(t)
	ctx := t.Context()
	if _, err := demo.Load(ctx, db.Store); err != nil {
		t.Fatal(err)
	}
	d, err := demo.Load(ctx, db.Store)
	if err != nil {
		t.Fatalf("loading again: %v", err)
	}
	status := func(r interface {
		Stage(framework.Stage) (framework.StageReadiness, bool)
	}, st framework.Stage, key string) framework.RequirementStatus {
		sr, _ := r.Stage(st)
		for _, q := range sr.Requirements {
			if q.Key == key {
				return q
			}
		}
		t.Fatalf("%s not at stage %s", key, st)
		return framework.RequirementStatus{}
	}

	rae := d.Users["rsc-peer"]
	if rae.OrgID == d.Org.ID {
		t.Fatal("Rae should work at the demo Recovery Support Center")
	}
	_, r, err := db.WorkerReadiness(ctx, rae.Actor("test"), rae.ID)
	if err != nil || r.Track != framework.TrackAddiction {
		t.Fatalf("Rae: %v %s", err, r.Track)
	}
	if q := status(r, framework.Stage1, "s1.prereq.rsc-ethics"); q.Status != framework.StatusMet {
		t.Errorf("Rae's RSC code: %s", q.Status)
	}
	if q := status(r, framework.StageVolunteer, "v.prereq.cori"); q.Status != framework.StatusMet || !q.Blocking {
		t.Errorf("Harbor asks for CORI: %s", q.Status)
	}
	codes, _ := db.EthicsVersions(ctx, rae.OrgID)
	if len(codes) != 3 { // CPS shipped, RSC placeholder, Harbor's own RSC code
		t.Errorf("%d ethics versions at Harbor after two loads", len(codes))
	}

	grace := d.Users["grandfathered"]
	w, r, err := db.WorkerReadiness(ctx, d.Users["admin"].Actor("test"), grace.ID)
	if err != nil || w.ConfirmedStage != framework.Stage4 {
		t.Fatalf("Grace: %v %+v", err, w)
	}
	for _, st := range []framework.Stage{framework.Stage4, framework.Stage5} {
		key := "s" + string(st) + ".prereq.cps"
		if q := status(r, st, key); q.Status != framework.StatusWaived || !q.Blocking || q.Waiver == nil || q.Waiver.CarriedFrom != "s3.prereq.cps" {
			t.Errorf("Grace at %s: %s %+v", st, q.Status, q.Waiver)
		}
	}
	if q := status(r, framework.Stage1, "s1.prereq.peer-experience"); q.Status != framework.StatusAdvantage {
		t.Errorf("Grace's previous experience: %s", q.Status)
	}

	riley := d.Users["no-track"]
	if _, r, err := db.WorkerReadiness(ctx, riley.Actor("test"), riley.ID); err != nil || !r.NeedsTrack {
		t.Errorf("Riley: %v needs track %v", err, r.NeedsTrack)
	}
}
