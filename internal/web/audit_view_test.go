package web_test

import (
	"net/http"
	"strings"
	"testing"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestOnePageViewOneAuditEntry: a page that shows several kinds of records
// about people writes one audit entry listing all of them (issue 14).
func TestOnePageViewOneAuditEntry(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "One Entry")
	p := addPerson(t, app, tm.Peer, "Rosa Lima")
	pid := itoa(p.ID)
	if _, err := app.CreateReferral(t.Context(), testkit.Actor(tm.Peer), store.ReferralInput{PersonID: p.ID, ResourceName: "Food pantry", MadeOn: app.Today(), FollowUpOn: app.Today()}); err != nil {
		t.Fatal(err)
	}
	g, err := app.CreateGroup(t.Context(), testkit.Actor(tm.Supervisor), store.GroupInput{Name: "Tuesday Walk", Kind: "other", Meets: "in_person", Place: "Park gate",
		Schedule: "Tuesdays 10 am", Weekday: 2, StartTime: "10:00", DurationMinutes: 60, FacilitatorIDs: []int64{tm.Peer.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.AddGroupMembers(t.Context(), testkit.Actor(tm.Peer), g.ID, []int64{p.ID}, ""); err != nil {
		t.Fatal(err)
	}
	entries := func() []store.AuditEntry {
		l, err := app.ListAudit(t.Context(), tm.Org.ID, store.AuditFilter{UserID: tm.Peer.ID}, store.Page{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		return l.Items
	}
	// newEntry requests path and returns the one entry it wrote.
	newEntry := func(c *testkit.Client, path, mustSee string) store.AuditEntry {
		t.Helper()
		before := len(entries())
		res := c.Get(path)
		if res.Status != http.StatusOK || !strings.Contains(res.Body, mustSee) {
			t.Fatalf("GET %s: %d, without %q", path, res.Status, mustSee)
		}
		after := entries()
		if len(after)-before != 1 {
			for _, e := range after[:len(after)-before] {
				t.Logf("  %s %s %s %q", e.Action, e.RecordType, e.RecordID, e.Detail)
			}
			t.Fatalf("GET %s wrote %d audit entries, want 1", path, len(after)-before)
		}
		return after[0] // newest first
	}
	c := app.SessionClient(t, tm.Peer)
	e := newEntry(c, "/people", "Food pantry")
	if e.RecordType != "person_list" || !strings.Contains(e.Detail, "people: "+pid) || !strings.Contains(e.Detail, "follow-ups due: "+pid) {
		t.Errorf("People you support: %s %s %q", e.RecordType, e.RecordID, e.Detail)
	}
	e = newEntry(c, "/people/"+pid, "Tuesday Walk")
	if e.RecordType != "person" || e.RecordID != pid || !strings.Contains(e.Detail, "record") || !strings.Contains(e.Detail, "groups") {
		t.Errorf("a person's page: %s %s %q", e.RecordType, e.RecordID, e.Detail)
	}
	e = newEntry(app.APIClient(t, tm.Peer), "/api/v1/people/"+pid, "Rosa")
	if e.RecordType != "person" || e.RecordID != pid {
		t.Errorf("the API: %s %s %q", e.RecordType, e.RecordID, e.Detail)
	}
	if n, err := app.VerifyAudit(t.Context()); err != nil || n == 0 {
		t.Fatalf("verify: %d %v", n, err)
	}
}
