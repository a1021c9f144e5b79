package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"peerpath/internal/testkit"
)

type apiErr struct {
	Error struct {
		Code   string            `json:"code"`
		Fields map[string]string `json:"fields"`
	} `json:"error"`
}

func wantFields(t *testing.T, res testkit.Response, status int, fields ...string) {
	t.Helper()
	var e apiErr
	res.JSON(t, &e)
	if res.Status != status {
		t.Fatalf("status %d, want %d: %s", res.Status, status, res.Body)
	}
	for _, f := range fields {
		if e.Error.Fields[f] == "" {
			t.Errorf("no message on %s: %s", f, res.Body)
		}
	}
}

func TestPeopleAPI(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "API people")
	peer := app.APIClient(t, tm.Peer)

	wantFields(t, peer.Send(http.MethodPost, "/api/v1/people", map[string]any{"preferred_name": " ", "okay_to_contact": map[string]bool{"pigeon": true}}), 422, "okay_to_contact")
	wantFields(t, peer.Send(http.MethodPost, "/api/v1/people", map[string]any{"preferred_name": "", "check_in_every_days": 200}), 422, "preferred_name", "check_in_every_days")
	if res := peer.Send(http.MethodPost, "/api/v1/people", map[string]any{"preferred_name": "X", "colour": "blue"}); res.Status != http.StatusBadRequest {
		t.Fatalf("an unknown field: %d", res.Status)
	}
	res := peer.Send(http.MethodPost, "/api/v1/people", map[string]any{"preferred_name": "Mina", "pronouns": "she/her", "phone": "617-555-0199",
		"okay_to_contact": map[string]bool{"text": true, "voicemail": false}, "preferred_language": "Spanish"})
	var p struct {
		ID                string          `json:"id"`
		Status            string          `json:"status"`
		AssignedWorkerIDs []string        `json:"assigned_worker_ids"`
		OkayToContact     map[string]bool `json:"okay_to_contact"`
		NextCheckInDue    string          `json:"next_check_in_due"`
		CheckInOverdue    bool            `json:"check_in_overdue"`
		LastContactAt     *time.Time      `json:"last_contact_at"`
	}
	res.JSON(t, &p)
	if res.Status != http.StatusCreated || p.Status != "active" || len(p.AssignedWorkerIDs) != 1 || p.AssignedWorkerIDs[0] != itoa(tm.Peer.ID) ||
		!p.OkayToContact["text"] || p.OkayToContact["voicemail"] || len(p.OkayToContact) != 5 || p.NextCheckInDue != "2026-11-30" || p.LastContactAt != nil {
		t.Fatalf("created: %d %s", res.Status, res.Body)
	}
	base := "/api/v1/people/" + p.ID

	// Contacts: the validation the issue names.
	contacts := base + "/contacts"
	wantFields(t, peer.Send(http.MethodPost, contacts, map[string]any{"mode": "carrier_pigeon", "format": "pair", "kind": "therapy"}), 422, "mode", "format", "kind")
	wantFields(t, peer.Send(http.MethodPost, contacts, map[string]any{"occurred_at": "2027-01-01T10:00:00Z"}), 422, "occurred_at")
	wantFields(t, peer.Send(http.MethodPost, contacts, map[string]any{"duration_minutes": -10}), 422, "duration_minutes")
	wantFields(t, peer.Send(http.MethodPost, contacts, map[string]any{"occurred_at": "yesterday"}), 422, "occurred_at")
	res = peer.Send(http.MethodPost, contacts, map[string]any{"mode": "text", "note": "She says the client label does not fit her.", "occurred_at": "2026-11-23T13:00:00Z"})
	var c struct {
		ID              string `json:"id"`
		PersonID        string `json:"person_id"`
		DurationMinutes int    `json:"duration_minutes"`
		Format, Mode    string
		Kind            string `json:"kind"`
		WordingHints    []struct {
			ID   string `json:"id"`
			Word string `json:"word"`
		} `json:"wording_hints"`
	}
	res.JSON(t, &c)
	if res.Status != http.StatusCreated || c.PersonID != p.ID || c.DurationMinutes != 30 || c.Kind != "check_in" || c.Mode != "text" || c.Format != "individual" ||
		len(c.WordingHints) != 1 || c.WordingHints[0].ID != "client" {
		t.Fatalf("contact: %d %s", res.Status, res.Body)
	}
	// With no mode given, the worker's last one is used.
	res = peer.Send(http.MethodPost, contacts, map[string]any{"duration_minutes": 0, "occurred_at": "2026-11-23T13:30:00Z"})
	res.JSON(t, &c)
	if c.Mode != "text" || c.DurationMinutes != 0 || !strings.Contains(res.Body, `"wording_hints":[]`) {
		t.Fatalf("defaults: %s", res.Body)
	}
	list := peer.Get(contacts + "?limit=1")
	var cl struct {
		Items      []map[string]any `json:"items"`
		NextCursor string           `json:"next_cursor"`
	}
	list.JSON(t, &cl)
	if len(cl.Items) != 1 || cl.NextCursor == "" {
		t.Fatalf("contacts page: %s", list.Body)
	}
	peer.Get(contacts+"?limit=1&cursor="+cl.NextCursor).JSON(t, &cl)
	if len(cl.Items) != 1 || cl.NextCursor != "" {
		t.Fatalf("second page: %+v", cl)
	}

	// Goals.
	wantFields(t, peer.Send(http.MethodPost, base+"/goals", map[string]any{"text": "", "life_area": "home"}), 422, "text")
	wantFields(t, peer.Send(http.MethodPost, base+"/goals", map[string]any{"text": "x", "life_area": "money", "target_date": "soon"}), 422, "life_area", "target_date")
	res = peer.Send(http.MethodPost, base+"/goals", map[string]any{"text": "Sing in the choir again", "life_area": "community", "target_date": "2027-02-01"})
	var g struct {
		ID, CycleID, Text, LifeArea, Status, TargetDate string
	}
	res.JSON(t, &g)
	if res.Status != http.StatusCreated || !strings.Contains(res.Body, `"cycle_id":"`) || !strings.Contains(res.Body, `"status":"active"`) || !strings.Contains(res.Body, `"target_date":"2027-02-01"`) {
		t.Fatalf("goal: %d %s", res.Status, res.Body)
	}
	if res := peer.Get(base + "/goals"); !strings.Contains(res.Body, "Sing in the choir again") {
		t.Fatalf("goals: %s", res.Body)
	}

	// Resources and referrals.
	wantFields(t, peer.Send(http.MethodPost, "/api/v1/resources", map[string]any{"name": "", "kind": "spa"}), 422, "name", "kind")
	res = peer.Send(http.MethodPost, "/api/v1/resources", map[string]any{"name": "Riverside Food Pantry", "kind": "food", "phone": "617-555-0110"})
	var rsc struct{ ID string }
	res.JSON(t, &rsc)
	if res.Status != http.StatusCreated {
		t.Fatalf("resource: %d %s", res.Status, res.Body)
	}
	if res := peer.Get("/api/v1/resources?q=pantry"); !strings.Contains(res.Body, "Riverside Food Pantry") {
		t.Fatalf("resources: %s", res.Body)
	}
	wantFields(t, peer.Send(http.MethodPost, "/api/v1/referrals", map[string]any{"person_id": p.ID}), 422, "resource_id")
	res = peer.Send(http.MethodPost, "/api/v1/referrals", map[string]any{"person_id": p.ID, "resource_id": rsc.ID, "reason": "Groceries until payday"})
	var ref struct {
		ID           string `json:"id"`
		FollowUpOn   string `json:"follow_up_on"`
		ResourceName string `json:"resource_name"`
		FollowUpDue  bool   `json:"follow_up_due"`
	}
	res.JSON(t, &ref)
	if res.Status != http.StatusCreated || ref.FollowUpOn != "2026-11-30" || ref.ResourceName != "Riverside Food Pantry" || ref.FollowUpDue {
		t.Fatalf("referral: %d %s", res.Status, res.Body)
	}
	wantFields(t, peer.Send(http.MethodPatch, "/api/v1/referrals/"+ref.ID, map[string]any{"status": "not_connected"}), 422, "outcome_note")
	if res := peer.Send(http.MethodPatch, "/api/v1/referrals/"+ref.ID, map[string]any{"status": "contacted", "follow_up_on": "2026-12-03"}); res.Status != 200 || !strings.Contains(res.Body, `"status":"contacted"`) {
		t.Fatalf("patch referral: %d %s", res.Status, res.Body)
	}

	// The caseload, with an injected clock: ten days on, Mina is overdue
	// and her follow-up is due.
	app.Clock.Advance(10 * 24 * time.Hour)
	peer = app.APIClient(t, tm.Peer)
	var cl2 struct {
		Items []struct {
			ID             string     `json:"id"`
			LastContactAt  *time.Time `json:"last_contact_at"`
			NextCheckInDue string     `json:"next_check_in_due"`
			CheckInOverdue bool       `json:"check_in_overdue"`
			OpenFollowUps  []struct {
				ReferralID string `json:"referral_id"`
				Due        bool   `json:"due"`
			} `json:"open_follow_ups"`
		} `json:"items"`
	}
	peer.Get("/api/v1/caseload").JSON(t, &cl2)
	if len(cl2.Items) != 1 || !cl2.Items[0].CheckInOverdue || cl2.Items[0].NextCheckInDue != "2026-11-30" || cl2.Items[0].LastContactAt == nil ||
		len(cl2.Items[0].OpenFollowUps) != 1 || !cl2.Items[0].OpenFollowUps[0].Due {
		t.Fatalf("caseload: %+v", cl2)
	}

	// PATCH: a peer worker may not reassign; a supervisor may. Closing needs a reason.
	wantFields(t, peer.Send(http.MethodPatch, base, map[string]any{"status": "closed"}), 422, "closed_reason")
	if res := peer.Send(http.MethodPatch, base, map[string]any{"assigned_worker_ids": []string{itoa(tm.OtherPeer.ID)}}); res.Status != http.StatusForbidden {
		t.Fatalf("a peer worker reassigning: %d", res.Status)
	}
	if res := peer.Send(http.MethodPatch, base, map[string]any{"status": "on_hold", "check_in_every_days": 14}); res.Status != 200 || !strings.Contains(res.Body, `"check_in_overdue":false`) {
		t.Fatalf("on hold: %d %s", res.Status, res.Body)
	}
	sup := app.APIClient(t, tm.Supervisor)
	if res := sup.Send(http.MethodPatch, base, map[string]any{"assigned_worker_ids": []string{itoa(tm.Trainer.ID)}}); res.Status != 422 {
		t.Fatalf("assigning a trainer: %d", res.Status)
	}
	if res := sup.Send(http.MethodPatch, base, map[string]any{"assigned_worker_ids": []string{itoa(tm.Peer.ID), itoa(tm.OtherPeer.ID)}}); res.Status != 200 {
		t.Fatalf("assigning two: %d %s", res.Status, res.Body)
	}
	var people struct {
		Items []struct {
			ID                string   `json:"id"`
			AssignedWorkerIDs []string `json:"assigned_worker_ids"`
			Programmes        []string `json:"programmes"`
		} `json:"items"`
	}
	app.APIClient(t, tm.OtherPeer).Get("/api/v1/people").JSON(t, &people)
	if len(people.Items) != 1 || len(people.Items[0].AssignedWorkerIDs) != 2 || people.Items[0].Programmes == nil {
		t.Fatalf("Olu's people: %+v", people)
	}
	if res := app.APIClient(t, tm.Trainer).Get("/api/v1/people"); res.Status != http.StatusForbidden {
		t.Fatalf("a trainer: %d", res.Status)
	}
}
