package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// groupFixture is a team with a Hearing Voices group facilitated by its
// peer worker, and four members the peer worker supports.
type groupFixture struct {
	tm     testkit.Team
	group  store.Group
	people []store.Person
}

func makeGroup(t *testing.T, app *testkit.App, name string) groupFixture {
	t.Helper()
	tm := app.NewTeam(t, name)
	g, err := app.CreateGroup(t.Context(), testkit.Actor(tm.Supervisor), store.GroupInput{Name: "Thursday Hearing Voices", Kind: "hearing_voices",
		Meets: "in_person", Place: "8 Canal Street", Schedule: "Thursdays 6 pm", Weekday: 4, StartTime: "18:00", DurationMinutes: 90, FacilitatorIDs: []int64{tm.Peer.ID}})
	if err != nil {
		t.Fatal(err)
	}
	f := groupFixture{tm: tm, group: g}
	var ids []int64
	for _, n := range []string{"José Álvarez", "Keisha Brown", "Lin Chen", "Tomás Rivera"} {
		p, err := app.CreatePerson(t.Context(), testkit.Actor(tm.Peer), store.PersonInput{PreferredName: n})
		if err != nil {
			t.Fatal(err)
		}
		f.people = append(f.people, p)
		ids = append(ids, p.ID)
	}
	if err := app.AddGroupMembers(t.Context(), testkit.Actor(tm.Peer), g.ID, ids, ""); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f groupFixture) path(rest string) string { return "/groups/" + itoa(f.group.ID) + rest }

// groupTemplateSteps renders every page of groups once (templates_test.go).
func groupTemplateSteps(t *testing.T, app *testkit.App) {
	f := makeGroup(t, app, "Journey groups")
	peer := app.SessionClient(t, f.tm.Peer)
	sup := app.SessionClient(t, f.tm.Supervisor)
	res := sup.PostForm("/groups/new", url.Values{"name": {"Wellness planning class"}, "kind": {"wellness_planning"}, "meets": {"in_person"},
		"place": {"Room 2"}, "weekday": {"1"}, "start_time": {"10:00"}, "duration_minutes": {"120"}, "facilitator_ids": {itoa(f.tm.Peer.ID)}})
	if res.Status != http.StatusSeeOther {
		t.Errorf("starting a group: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	sup.PostForm("/groups/new", url.Values{"name": {""}, "kind": {"nope"}}) // the form with its errors
	res = peer.PostForm(f.path("/sessions/new"), url.Values{"held_on": {"2026-11-19"}, "starts_at": {"18:00"}, "duration_minutes": {"90"}, "guests": {"2"},
		"note": {"We talked about sleep."}, "facilitator_ids": {itoa(f.tm.Peer.ID)}, "attendance_" + itoa(f.people[0].ID): {"present"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("recording a session: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	session := res.Location()
	for _, p := range []string{"/groups", "/groups?status=all&mine=1", f.path(""), f.path("/edit"), f.path("/members"), f.path("/members?q=lin"), f.path("/sessions"),
		f.path("/sessions/new"), session, session + "/edit", "/people/" + itoa(f.people[0].ID), "/people/" + itoa(f.people[0].ID) + "/contacts", "/development", "/"} {
		if res := peer.Get(p); res.Status != http.StatusOK {
			t.Errorf("GET %s: %d", p, res.Status)
		}
	}
	for _, p := range []string{"/groups/new", f.path("/edit")} {
		if res := sup.Get(p); res.Status != http.StatusOK {
			t.Errorf("GET %s as the supervisor: %d", p, res.Status)
		}
	}
}

func TestGroupPagesAndWhoSeesThem(t *testing.T) {
	app := testkit.NewApp(t)
	f := makeGroup(t, app, "Pages RLC")
	other := app.NewTeam(t, "Elsewhere")
	sess, err := app.RecordGroupSession(t.Context(), testkit.Actor(f.tm.Peer), f.group.ID, store.GroupSessionInput{HeldOn: "2026-11-19",
		Attendance: map[int64]string{f.people[0].ID: "present"}})
	if err != nil {
		t.Fatal(err)
	}
	private := []string{f.path("/members"), f.path("/sessions"), f.path("/sessions/new"), f.path("/sessions/" + itoa(sess.ID)), f.path("/sessions/" + itoa(sess.ID) + "/edit"), f.path("/edit")}

	// Olu works with people but neither facilitates nor supervises: he sees
	// the group, not who is in it.
	olu := app.SessionClient(t, f.tm.OtherPeer)
	res := olu.Get(f.path(""))
	if res.Status != http.StatusOK || !strings.Contains(res.Body, "Thursday Hearing Voices") || strings.Contains(res.Body, "José") {
		t.Errorf("the group page for another peer worker: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	for _, p := range private {
		if res := olu.Get(p); res.Status != http.StatusNotFound && res.Status != http.StatusForbidden {
			t.Errorf("GET %s as another peer worker: %d", p, res.Status)
		}
	}
	if res := olu.Get(f.path("/sessions/" + itoa(sess.ID))); res.Status != http.StatusNotFound {
		t.Errorf("a session's attendance for another peer worker: %d, want 404", res.Status)
	}
	// Another organisation sees nothing at all; a trainer has no groups.
	outsider := app.SessionClient(t, other.Admin)
	for _, p := range append(private, f.path("")) {
		if res := outsider.Get(p); res.Status != http.StatusNotFound {
			t.Errorf("GET %s from another organisation: %d, want 404", p, res.Status)
		}
	}
	if res := app.SessionClient(t, f.tm.Trainer).Get("/groups"); res.Status != http.StatusForbidden {
		t.Errorf("a trainer's groups: %d", res.Status)
	}
	// A peer worker cannot start a group.
	if res := app.SessionClient(t, f.tm.Peer).Get("/groups/new"); res.Status != http.StatusForbidden {
		t.Errorf("a peer worker opening the new group form: %d", res.Status)
	}
	// The supervisor sees the roster and the session.
	sup := app.SessionClient(t, f.tm.Supervisor)
	if res := sup.Get(f.path("")); !strings.Contains(res.Body, "José Álvarez") || !strings.Contains(res.Body, "Past sessions") {
		t.Errorf("the group page for the supervisor:\n%s", testkit.Text(res.Body))
	}
	// A group contact cannot be edited on its own.
	cs, _ := app.ListContacts(t.Context(), testkit.Actor(f.tm.Peer), f.people[0].ID, store.Page{})
	if res := app.SessionClient(t, f.tm.Peer).Get("/contacts/" + itoa(cs.Items[0].ID) + "/edit"); res.Status != http.StatusConflict {
		t.Errorf("editing a group contact on its own: %d", res.Status)
	}
}

func TestRecordASessionOnTheForm(t *testing.T) {
	app := testkit.NewApp(t)
	f := makeGroup(t, app, "Form RLC")
	peer := app.SessionClient(t, f.tm.Peer)
	jose, keisha, lin, tomas := f.people[0], f.people[1], f.people[2], f.people[3]
	form := url.Values{"held_on": {"2026-11-19"}, "starts_at": {"18:00"}, "duration_minutes": {"90"}, "guests": {"2"},
		"note": {"Jose shared a song, and we talked about music."}, "facilitator_ids": {itoa(f.tm.Peer.ID)},
		"attendance_" + itoa(jose.ID): {"present"}, "attendance_" + itoa(keisha.ID): {"late"}, "attendance_" + itoa(lin.ID): {"excused"}, "attendance_" + itoa(tomas.ID): {"absent"}}
	res := peer.PostForm(f.path("/sessions/new"), form)
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a note naming a member: %d", res.Status)
	}
	text := testkit.Text(res.Body)
	if !strings.Contains(text, store.NoteNamesMessage) {
		t.Errorf("no message about names:\n%s", text)
	}
	// Everything typed is still there.
	for _, want := range []string{`value="2"`, "Jose shared a song, and we talked about music.", `id="att-` + itoa(keisha.ID) + `-late" name="attendance_` + itoa(keisha.ID) + `" value="late" checked`,
		`id="att-` + itoa(lin.ID) + `-excused" name="attendance_` + itoa(lin.ID) + `" value="excused" checked`, `value="2026-11-19"`} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("the refused form lost %q", want)
		}
	}
	if cs, _ := app.ListContacts(t.Context(), testkit.Actor(f.tm.Peer), jose.ID, store.Page{}); len(cs.Items) != 0 {
		t.Fatalf("a refused session made contacts: %+v", cs.Items)
	}
	form.Set("note", "We talked about music.")
	res = peer.PostForm(f.path("/sessions/new"), form)
	if res.Status != http.StatusSeeOther {
		t.Fatalf("saving: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	page := testkit.Text(peer.Follow(res).Body)
	for _, want := range []string{"The session is recorded.", "1 present · 1 late · 1 excused · 1 absent · 2 drop-in guests", "José Álvarez Present", "Keisha Brown Late"} {
		if !strings.Contains(page, want) {
			t.Errorf("the session page lacks %q:\n%s", want, page)
		}
	}
	// José's record shows the group contact, with the group's name and the
	// note, and no other member's name.
	person := testkit.Text(peer.Get("/people/" + itoa(jose.ID)).Body)
	if !strings.Contains(person, "Group session: Thursday Hearing Voices") || !strings.Contains(person, "We talked about music.") || !strings.Contains(person, "came to 1 of 1 session recorded") {
		t.Errorf("José's record:\n%s", person)
	}
	for _, other := range []string{"Keisha", "Lin Chen", "Tomás"} {
		if strings.Contains(person, other) {
			t.Errorf("José's record names %s", other)
		}
	}
	// Correcting the attendance moves the contact from Keisha to Lin.
	sessions, _ := app.GroupSessions(t.Context(), testkit.Actor(f.tm.Peer), f.group.ID, store.Page{})
	sid := itoa(sessions.Items[0].ID)
	if res := peer.Get(f.path("/sessions/" + sid + "/edit")); !strings.Contains(res.Body, `value="late" checked`) {
		t.Errorf("the correction form does not show the marks")
	}
	form.Set("attendance_"+itoa(keisha.ID), "absent")
	form.Set("attendance_"+itoa(lin.ID), "present")
	if res := peer.PostForm(f.path("/sessions/"+sid+"/edit"), form); res.Status != http.StatusSeeOther {
		t.Fatalf("correcting: %d\n%s", res.Status, testkit.Text(res.Body))
	}
	for p, want := range map[int64]int{keisha.ID: 0, lin.ID: 1, jose.ID: 1} {
		if cs, _ := app.ListContacts(t.Context(), testkit.Actor(f.tm.Peer), p, store.Page{}); len(cs.Items) != want {
			t.Errorf("person %d has %d contacts after the correction, want %d", p, len(cs.Items), want)
		}
	}
	// Bad numbers come back beside their fields.
	form.Set("guests", "-3")
	form.Set("held_on", "2026-11-12")
	res = peer.PostForm(f.path("/sessions/new"), form)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="f-guests-error"`) {
		t.Errorf("negative guests: %d", res.Status)
	}
}

func TestGroupsAPI(t *testing.T) {
	app := testkit.NewApp(t)
	f := makeGroup(t, app, "API RLC")
	other := app.NewTeam(t, "Far away")
	sup := app.APIClient(t, f.tm.Supervisor)
	peer := app.APIClient(t, f.tm.Peer)
	olu := app.APIClient(t, f.tm.OtherPeer)
	gid := itoa(f.group.ID)
	jose, keisha, lin, tomas := f.people[0], f.people[1], f.people[2], f.people[3]

	// Starting groups.
	res := sup.Send(http.MethodPost, "/api/v1/groups", map[string]any{"name": "Dual recovery", "kind": "dual_recovery", "meets": "video",
		"video_link": "https://meet.example.org/dr", "weekday": 2, "start_time": "19:00", "facilitator_ids": []string{itoa(f.tm.OtherPeer.ID)}})
	if res.Status != http.StatusCreated {
		t.Fatalf("starting a group: %d %s", res.Status, res.Body)
	}
	if res := peer.Send(http.MethodPost, "/api/v1/groups", map[string]any{"name": "Mine", "kind": "other", "schedule": "x", "place": "y", "facilitator_ids": []string{itoa(f.tm.Peer.ID)}}); res.Status != http.StatusForbidden {
		t.Errorf("a peer worker starting a group: %d", res.Status)
	}
	var bad struct {
		Error struct {
			Code   string            `json:"code"`
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	res = sup.Send(http.MethodPost, "/api/v1/groups", map[string]any{"name": "", "kind": "therapy", "facilitator_ids": []string{}})
	res.JSON(t, &bad)
	if res.Status != http.StatusUnprocessableEntity || bad.Error.Fields["kind"] == "" || bad.Error.Fields["name"] == "" {
		t.Errorf("a bad group: %d %s", res.Status, res.Body)
	}

	// The list, paginated; the roster only where the caller sees it.
	var list struct {
		Items []struct {
			ID            string  `json:"id"`
			Name          string  `json:"name"`
			RosterVisible bool    `json:"roster_visible"`
			Members       *int    `json:"members"`
			NextSession   *string `json:"next_session"`
		} `json:"items"`
		NextCursor string `json:"next_cursor"`
	}
	peer.Get("/api/v1/groups?limit=1").JSON(t, &list)
	if len(list.Items) != 1 || list.NextCursor == "" || list.Items[0].Name != "Dual recovery" || list.Items[0].RosterVisible {
		t.Errorf("the first page for Pat: %+v", list)
	}
	peer.Get("/api/v1/groups?limit=1&cursor="+list.NextCursor).JSON(t, &list)
	if len(list.Items) != 1 || list.NextCursor != "" || !list.Items[0].RosterVisible || list.Items[0].Members == nil || *list.Items[0].Members != 4 || list.Items[0].NextSession == nil {
		t.Errorf("the second page for Pat: %+v", list)
	}
	if res := app.APIClient(t, f.tm.Trainer).Get("/api/v1/groups"); res.Status != http.StatusForbidden {
		t.Errorf("a trainer listing groups: %d", res.Status)
	}

	// Rosters: 404 for anyone who may not see them.
	if res := peer.Get("/api/v1/groups/" + gid + "/members"); res.Status != http.StatusOK || !strings.Contains(res.Body, "José Álvarez") {
		t.Errorf("the roster for its facilitator: %d %s", res.Status, res.Body)
	}
	for who, c := range map[string]*testkit.Client{"another peer worker": olu, "another organisation": app.APIClient(t, other.Admin)} {
		for _, p := range []string{"/members", "/sessions"} {
			if res := c.Get("/api/v1/groups/" + gid + p); res.Status != http.StatusNotFound {
				t.Errorf("%s GET %s: %d, want 404", who, p, res.Status)
			}
		}
	}
	if res := app.APIClient(t, other.Admin).Get("/api/v1/groups/" + gid); res.Status != http.StatusNotFound {
		t.Errorf("another organisation reading the group: %d", res.Status)
	}

	// Members: a person Pat does not support is not found.
	stranger, _ := app.CreatePerson(t.Context(), testkit.Actor(f.tm.OtherPeer), store.PersonInput{PreferredName: "Dev Patel"})
	if res := peer.Send(http.MethodPost, "/api/v1/groups/"+gid+"/members", map[string]any{"person_ids": []string{itoa(stranger.ID)}}); res.Status != http.StatusNotFound {
		t.Errorf("Pat adding someone he does not support: %d %s", res.Status, res.Body)
	}

	// Recording a session with every status and two drop-ins.
	body := map[string]any{"held_on": "2026-11-19", "starts_at": "18:00", "duration_minutes": 90, "note": "We talked about sleep.", "guests": 2,
		"attendance": []map[string]string{{"person_id": itoa(jose.ID), "status": "present"}, {"person_id": itoa(keisha.ID), "status": "late"},
			{"person_id": itoa(lin.ID), "status": "excused"}, {"person_id": itoa(tomas.ID), "status": "absent"}}}
	res = peer.Send(http.MethodPost, "/api/v1/groups/"+gid+"/sessions", body)
	if res.Status != http.StatusCreated {
		t.Fatalf("recording a session: %d %s", res.Status, res.Body)
	}
	var sess struct {
		ID     string         `json:"id"`
		Guests int            `json:"guests"`
		Counts map[string]int `json:"counts"`
	}
	res.JSON(t, &sess)
	if sess.Guests != 2 || sess.Counts["present"] != 1 || sess.Counts["late"] != 1 || sess.Counts["excused"] != 1 || sess.Counts["absent"] != 1 {
		t.Errorf("the session: %s", res.Body)
	}
	var contacts struct {
		Items []struct {
			Kind      string `json:"kind"`
			Format    string `json:"format"`
			GroupName string `json:"group_name"`
			Note      string `json:"note"`
		} `json:"items"`
	}
	peer.Get("/api/v1/people/"+itoa(keisha.ID)+"/contacts").JSON(t, &contacts)
	if len(contacts.Items) != 1 || contacts.Items[0].GroupName != "Thursday Hearing Voices" || contacts.Items[0].Kind != "group_session" || contacts.Items[0].Format != "group" {
		t.Errorf("Keisha's contacts: %+v", contacts.Items)
	}
	if res := peer.Get("/api/v1/people/" + itoa(jose.ID) + "/groups"); !strings.Contains(res.Body, `"sessions_attended":1`) {
		t.Errorf("José's groups: %s", res.Body)
	}

	// Bad sessions: each on its field, 422.
	for name, c := range map[string]struct {
		edit  func(map[string]any)
		field string
	}{
		"unknown status": {func(b map[string]any) {
			b["attendance"] = []map[string]string{{"person_id": itoa(jose.ID), "status": "snoozing"}}
		}, "attendance_" + itoa(jose.ID)},
		"negative guests": {func(b map[string]any) { b["guests"] = -1 }, "guests"},
		"not a member": {func(b map[string]any) {
			b["attendance"] = []map[string]string{{"person_id": itoa(stranger.ID), "status": "present"}}
		}, "attendance_" + itoa(stranger.ID)},
		"listed twice": {func(b map[string]any) {
			b["attendance"] = []map[string]string{{"person_id": itoa(jose.ID), "status": "present"}, {"person_id": itoa(jose.ID), "status": "late"}}
		}, "attendance_" + itoa(jose.ID)},
		"a note naming a member": {func(b map[string]any) { b["note"] = "JOSE brought tea." }, "note"},
		"in the future":          {func(b map[string]any) { b["held_on"] = "2026-12-24" }, "held_on"},
	} {
		b := map[string]any{"held_on": "2026-11-12", "starts_at": "18:00", "guests": 0}
		c.edit(b)
		res := peer.Send(http.MethodPost, "/api/v1/groups/"+gid+"/sessions", b)
		var e struct {
			Error struct {
				Code   string            `json:"code"`
				Fields map[string]string `json:"fields"`
			} `json:"error"`
		}
		_ = json.Unmarshal([]byte(res.Body), &e)
		if res.Status != http.StatusUnprocessableEntity || e.Error.Code != "invalid" || e.Error.Fields[c.field] == "" {
			t.Errorf("%s: %d %s, want 422 on %s", name, res.Status, res.Body, c.field)
		}
	}
	if res := olu.Send(http.MethodPost, "/api/v1/groups/"+gid+"/sessions", body); res.Status != http.StatusForbidden {
		t.Errorf("another peer worker recording a session: %d", res.Status)
	}

	// Correcting and deleting.
	body["attendance"] = []map[string]string{{"person_id": itoa(jose.ID), "status": "absent"}}
	res = peer.Send(http.MethodPut, "/api/v1/groups/"+gid+"/sessions/"+sess.ID, body)
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `"absent":1`) {
		t.Errorf("correcting: %d %s", res.Status, res.Body)
	}
	peer.Get("/api/v1/people/"+itoa(keisha.ID)+"/contacts").JSON(t, &contacts)
	if len(contacts.Items) != 0 {
		t.Errorf("Keisha's contacts after the correction: %+v", contacts.Items)
	}
	if res := peer.Get("/api/v1/groups/" + gid + "/sessions/" + sess.ID); res.Status != http.StatusOK || !strings.Contains(res.Body, `"status":"absent"`) {
		t.Errorf("the corrected session: %d %s", res.Status, res.Body)
	}
	if res := peer.Send(http.MethodDelete, "/api/v1/groups/"+gid+"/sessions/"+sess.ID, nil); res.Status != http.StatusNoContent {
		t.Errorf("deleting: %d %s", res.Status, res.Body)
	}
	if res := peer.Get("/api/v1/groups/" + gid + "/sessions/" + sess.ID); res.Status != http.StatusNotFound {
		t.Errorf("a deleted session: %d", res.Status)
	}
	// Details: the facilitator changes the place, not the facilitators.
	if res := peer.Send(http.MethodPatch, "/api/v1/groups/"+gid, map[string]any{"place": "Library"}); res.Status != http.StatusOK || !strings.Contains(res.Body, `"place":"Library"`) {
		t.Errorf("the facilitator changing the place: %d %s", res.Status, res.Body)
	}
	if res := peer.Send(http.MethodPatch, "/api/v1/groups/"+gid, map[string]any{"facilitator_ids": []string{itoa(f.tm.OtherPeer.ID)}}); res.Status != http.StatusForbidden {
		t.Errorf("the facilitator changing facilitators: %d", res.Status)
	}
	if res := peer.Send(http.MethodDelete, "/api/v1/groups/"+gid+"/members/"+itoa(tomas.ID), nil); res.Status != http.StatusNoContent {
		t.Errorf("a member leaving: %d", res.Status)
	}
	// The API is documented.
	doc := app.Client(t).Get("/api/v1/openapi.json").Body
	for _, p := range []string{`"/api/v1/groups"`, `"/api/v1/groups/{id}/sessions"`, `"/api/v1/groups/{id}/members"`, `"/api/v1/people/{id}/groups"`} {
		if !strings.Contains(doc, p) {
			t.Errorf("the OpenAPI document lacks %s", p)
		}
	}
}

// TestASessionFormSurvivesAnExpiredSession: a facilitator whose session ran
// out while they filled in the attendance finds every mark and the note
// again after signing in, on the new-session and the correction forms.
func TestASessionFormSurvivesAnExpiredSession(t *testing.T) {
	app := testkit.NewApp(t)
	f := makeGroup(t, app, "Drafts RLC")
	sess, err := app.RecordGroupSession(t.Context(), testkit.Actor(f.tm.Peer), f.group.ID, store.GroupSessionInput{HeldOn: "2026-11-12"})
	if err != nil {
		t.Fatal(err)
	}
	keisha := "attendance_" + itoa(f.people[1].ID)
	for path, day := range map[string]string{f.path("/sessions/new"): "2026-11-19", f.path("/sessions/" + itoa(sess.ID) + "/edit"): "2026-11-05"} {
		c := app.SignIn(t, f.tm.Peer)
		app.Clock.Advance(store.IdleTimeout + time.Minute)
		form := url.Values{"held_on": {day}, "starts_at": {"18:00"}, "duration_minutes": {"90"}, "guests": {"3"}, keisha: {"late"},
			"note": {"We planned a walk by the river."}}
		if res := c.PostForm(path, form); !strings.Contains(res.Location(), "draft=1") {
			t.Fatalf("%s after expiry: %d %q", path, res.Status, res.Location())
		}
		c.PostForm("/login", url.Values{"email": {f.tm.Peer.Email}, "password": {testkit.Password}})
		ds, _ := app.Drafts(t.Context(), f.tm.Peer.ID)
		page := c.Get(ds[0].Path + "?draft=" + itoa(ds[0].ID))
		for _, want := range []string{"We planned a walk by the river.", `name="` + keisha + `" value="late" checked`, `value="3"`, "before your session ended"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("%s: the draft page (%d) lacks %q", path, page.Status, want)
			}
		}
		form.Set("draft", itoa(ds[0].ID))
		if res := c.PostForm(path, form); res.Status != http.StatusSeeOther {
			t.Fatalf("%s: saving from the draft: %d %s", path, res.Status, testkit.Text(res.Body))
		}
		if left, _ := app.Drafts(t.Context(), f.tm.Peer.ID); len(left) != 0 {
			t.Errorf("%s: the draft stayed after saving", path)
		}
	}
}
