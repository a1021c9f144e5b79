package store_test

import (
	"testing"

	"peerpath/internal/core"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestRequestCacheRemembersOnlyWhatWasAllowed: within one request, a person
// the actor was allowed to see is not asked about again (issue 14); what was
// refused is asked again, and the next request asks afresh, so a change to
// who sees whom shows from the next request on.
func TestRequestCacheRemembersOnlyWhatWasAllowed(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Riverbend")
	peer, other := testkit.Actor(tm.Peer), testkit.Actor(tm.OtherPeer)
	p := addPerson(t, db, peer, "Maria")

	req := store.WithRequestCache(ctx)
	if err := db.CheckPersonVisible(req, peer, p.ID); err != nil {
		t.Fatalf("the assigned worker: %v", err)
	}
	if err := db.CheckPersonVisible(req, other, p.ID); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("another worker: want not found, got %v", err)
	}
	ids := []int64{tm.OtherPeer.ID}
	if _, err := db.UpdatePerson(ctx, testkit.Actor(tm.Supervisor), p.ID, store.PersonPatch{WorkerIDs: &ids}); err != nil {
		t.Fatal(err)
	}
	if err := db.CheckPersonVisible(req, peer, p.ID); err != nil {
		t.Errorf("the same request: want the remembered answer, got %v", err)
	}
	if err := db.CheckPersonVisible(store.WithRequestCache(ctx), peer, p.ID); core.KindOf(err) != core.KindNotFound {
		t.Errorf("the next request: want not found, got %v", err)
	}
	if err := db.CheckPersonVisible(req, other, p.ID); err != nil {
		t.Errorf("a refusal must not be remembered: %v", err)
	}
	if err := db.CheckPersonVisible(ctx, peer, p.ID); core.KindOf(err) != core.KindNotFound {
		t.Errorf("without a request cache: want not found, got %v", err)
	}
}
