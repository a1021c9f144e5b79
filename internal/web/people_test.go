package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"peerpath/internal/language"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// addPerson adds a person through the store as u.
func addPerson(t *testing.T, app *testkit.App, u store.User, name string) store.Person {
	t.Helper()
	p, err := app.CreatePerson(t.Context(), testkit.Actor(u), store.PersonInput{PreferredName: name})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPersonPagesFollowTheVisibilityRule(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Riverbend")
	other := app.NewTeam(t, "Harbor")
	p := addPerson(t, app, tm.Peer, "Maria Santos")
	pid := itoa(p.ID)
	c, _ := app.AddContact(t.Context(), testkit.Actor(tm.Peer), p.ID, store.ContactInput{OccurredAt: app.Clock.Now(), DurationMinutes: 15, Format: "individual", Mode: "phone", Kind: "check_in", Note: "Talked about her garden."})
	g, _ := app.AddGoal(t.Context(), testkit.Actor(tm.Peer), p.ID, store.GoalInput{Text: "Plant tomatoes", LifeArea: "health"})
	ref, _ := app.CreateReferral(t.Context(), testkit.Actor(tm.Peer), store.ReferralInput{PersonID: p.ID, ResourceName: "Community garden"})
	cons, _ := app.RecordConsent(t.Context(), testkit.Actor(tm.Peer), p.ID, store.ConsentInput{GivenOn: app.Today(), Covers: "Peer support",
		Document: &store.Upload{Filename: "signed.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4\n%%EOF")}})
	pages := []string{"/people/" + pid, "/people/" + pid + "/edit", "/people/" + pid + "/contacts", "/people/" + pid + "/contacts/new",
		"/contacts/" + itoa(c.ID) + "/edit", "/goals/" + itoa(g.ID), "/cycles/" + itoa(g.CycleID) + "/review", "/referrals/" + itoa(ref.ID),
		"/people/" + pid + "/consent", "/people/" + pid + "/goals/new", "/people/" + pid + "/referrals/new", "/consents/" + itoa(cons.ID) + "/document"}
	for who, u := range map[string]store.User{"assigned worker": tm.Peer, "supervisor": tm.Supervisor, "admin": tm.Admin} {
		s := app.SessionClient(t, u)
		for _, path := range pages {
			if res := s.Get(path); res.Status != http.StatusOK {
				t.Errorf("%s GET %s: %d", who, path, res.Status)
			}
		}
		if res := s.Get("/people"); !strings.Contains(res.Body, "Maria Santos") {
			t.Errorf("%s does not see Maria on People you support", who)
		}
		if res := app.APIClient(t, u).Get("/api/v1/people/" + pid); res.Status != http.StatusOK {
			t.Errorf("%s API: %d", who, res.Status)
		}
	}
	for who, u := range map[string]store.User{"another peer worker": tm.OtherPeer, "another organisation's admin": other.Admin, "another organisation's peer": other.Peer} {
		s := app.SessionClient(t, u)
		for _, path := range pages {
			if res := s.Get(path); res.Status != http.StatusNotFound {
				t.Errorf("%s GET %s: %d, want 404", who, path, res.Status)
			}
		}
		posts := map[string]url.Values{
			"/people/" + pid + "/contacts/new":         {"kind": {"check_in"}, "mode": {"phone"}, "format": {"individual"}, "occurred_at": {"2026-11-23T08:00"}, "duration_minutes": {"5"}},
			"/people/" + pid + "/edit":                 {"preferred_name": {"Hijacked"}, "status": {"active"}, "check_in_every_days": {"7"}},
			"/contacts/" + itoa(c.ID) + "/delete":      nil,
			"/goals/" + itoa(g.ID) + "/progress":       {"progress": {"x"}},
			"/referrals/" + itoa(ref.ID):               {"status": {"connected"}, "follow_up_on": {"2026-12-01"}},
			"/consents/" + itoa(cons.ID) + "/withdraw": {"withdrawn_on": {"2026-11-23"}},
			"/people/" + pid + "/cycles":               {"starts_on": {"2026-11-23"}},
		}
		for path, form := range posts {
			if res := s.PostForm(path, form); res.Status != http.StatusNotFound {
				t.Errorf("%s POST %s: %d, want 404", who, path, res.Status)
			}
		}
		if res := s.Get("/people?status=all"); strings.Contains(res.Body, "Maria Santos") {
			t.Errorf("%s sees Maria on People you support", who)
		}
		if res := s.Get("/people?q=maria&status=all"); strings.Contains(res.Body, "Maria Santos") {
			t.Errorf("%s finds Maria by searching", who)
		}
		api := app.APIClient(t, u)
		for _, path := range []string{"/api/v1/people/" + pid, "/api/v1/people/" + pid + "/contacts", "/api/v1/people/" + pid + "/goals"} {
			if res := api.Get(path); res.Status != http.StatusNotFound || !strings.Contains(res.Body, `"code":"not_found"`) {
				t.Errorf("%s API GET %s: %d", who, path, res.Status)
			}
		}
		if res := api.Send(http.MethodPatch, "/api/v1/referrals/"+itoa(ref.ID), map[string]any{"status": "connected"}); res.Status != http.StatusNotFound {
			t.Errorf("%s API PATCH referral: %d", who, res.Status)
		}
	}
	// Nothing the outsiders tried changed the record.
	got, _ := app.Person(t.Context(), testkit.Actor(tm.Peer), p.ID)
	if got.PreferredName != "Maria Santos" {
		t.Fatal("an outsider changed the person")
	}
	// Reading the record is in the audit log, with no names in it.
	l, _ := app.ListAudit(t.Context(), tm.Org.ID, store.AuditFilter{UserID: tm.Supervisor.ID, RecordType: "person", RecordID: pid}, store.Page{})
	if len(l.Items) == 0 {
		t.Fatal("the supervisor's reads were not audited")
	}
	all, _ := app.ListAudit(t.Context(), tm.Org.ID, store.AuditFilter{}, store.Page{Limit: 500})
	for _, e := range all.Items {
		if strings.Contains(e.Detail, "Maria") || strings.Contains(e.Detail, "garden") {
			t.Fatalf("the audit log holds a detail about the person: %q", e.Detail)
		}
	}
	if logs := app.Logs(); strings.Contains(logs, "Maria") || strings.Contains(logs, "garden") {
		t.Fatal("the logs hold a detail about the person")
	}
}

func TestRecordAContactFromThePeoplePage(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Contacts")
	p := addPerson(t, app, tm.Peer, "Dev Patel")
	app.Clock.Advance(9 * 24 * time.Hour)
	c := app.SignIn(t, tm.Peer)
	list := c.Get("/people")
	row := rowText(list.Body, p.ID)
	if !strings.Contains(row, "Overdue") {
		t.Fatalf("Dev is not overdue after 9 days: %s", row)
	}
	form := c.Get("/people/" + itoa(p.ID) + "/contacts/new?return=/people")
	for _, want := range []string{`value="check_in" checked`, `value="in_person" checked`, `value="individual" checked`, `name="duration_minutes" type="number" value="30"`, `hx-post="/wording"`, `role="status" aria-live="polite"`} {
		if !strings.Contains(form.Body, want) {
			t.Errorf("the contact form lacks %s", want)
		}
	}
	// A bad contact keeps every value typed, including the note.
	bad := c.PostForm("/people/"+itoa(p.ID)+"/contacts/new", url.Values{"occurred_at": {"2027-01-01T10:00"}, "duration_minutes": {"-3"},
		"kind": {"advocacy"}, "mode": {"video"}, "format": {"group"}, "note": {"We wrote to the landlord together."}, "return": {"/people"}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "We wrote to the landlord together.") ||
		!strings.Contains(bad.Body, `value="advocacy" checked`) || !strings.Contains(bad.Body, "cannot be in the future") || !strings.Contains(bad.Body, "0 or more") {
		t.Fatalf("bad contact: %d %s", bad.Status, testkit.Text(bad.Body))
	}
	// "Check my wording" saves nothing and shows the hints.
	check := c.PostForm("/people/"+itoa(p.ID)+"/contacts/new", url.Values{"occurred_at": {"2026-12-02T09:00"}, "duration_minutes": {"30"},
		"kind": {"check_in"}, "mode": {"video"}, "format": {"individual"}, "note": {"He was non-compliant about meds."}, "check": {"1"}})
	if check.Status != http.StatusOK || !strings.Contains(check.Body, "Wording suggestions") || !strings.Contains(check.Body, "Nothing is saved yet") {
		t.Fatalf("check wording: %d %s", check.Status, testkit.Text(check.Body))
	}
	// Saving goes back to the list, where Dev is no longer overdue; the
	// note is saved as written, hints or not.
	ok := c.PostForm("/people/"+itoa(p.ID)+"/contacts/new", url.Values{"occurred_at": {"2026-12-02T09:00"}, "duration_minutes": {"30"},
		"kind": {"check_in"}, "mode": {"video"}, "format": {"individual"}, "note": {"He was non-compliant about meds."}, "return": {"/people"}})
	if ok.Status != http.StatusSeeOther || ok.Location() != "/people" {
		t.Fatalf("save: %d %q %s", ok.Status, ok.Location(), testkit.Text(ok.Body))
	}
	list = c.Follow(ok)
	row = rowText(list.Body, p.ID)
	if row == "" || strings.Contains(row, "Overdue") || !strings.Contains(list.Body, "The contact is saved.") {
		t.Fatalf("after the contact: %s", row)
	}
	// The next form remembers the way this worker last met someone.
	if form := c.Get("/people/" + itoa(p.ID) + "/contacts/new"); !strings.Contains(form.Body, `value="video" checked`) {
		t.Error("the form did not remember the last mode")
	}
	cs, _ := app.ListContacts(t.Context(), testkit.Actor(tm.Peer), p.ID, store.Page{})
	if len(cs.Items) != 1 || cs.Items[0].Note != "He was non-compliant about meds." {
		t.Fatalf("saved contacts: %+v", cs.Items)
	}
}

// rowText is the text of a person's row on a list of people.
func rowText(body string, id int64) string {
	i := strings.Index(body, `id="person-`+itoa(id)+`"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], "</tr>")
	return testkit.Text("<tr " + body[i:i+j])
}

func TestAContactNoteSurvivesAnExpiredSession(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Drafts")
	p := addPerson(t, app, tm.Peer, "Rosa")
	c := app.SignIn(t, tm.Peer)
	app.Clock.Advance(store.IdleTimeout + time.Minute)
	path := "/people/" + itoa(p.ID) + "/contacts/new"
	res := c.PostForm(path, url.Values{"occurred_at": {"2026-11-23T09:00"}, "duration_minutes": {"45"}, "kind": {"accompaniment"},
		"mode": {"in_person"}, "format": {"individual"}, "note": {"Went with her to the housing office; she spoke for herself."}})
	if res.Status != http.StatusSeeOther || !strings.Contains(res.Location(), "draft=1") {
		t.Fatalf("post after expiry: %d %q", res.Status, res.Location())
	}
	// A keystroke's wording check after expiry is not a draft, and changes nothing.
	req, _ := http.NewRequest(http.MethodPost, app.HTTP.URL+"/wording", strings.NewReader("note=client"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Trigger-Name", "note")
	if res := c.Do(req); res.Status != http.StatusUnauthorized {
		t.Fatalf("htmx after expiry: %d", res.Status)
	}
	c.PostForm("/login", url.Values{"email": {tm.Peer.Email}, "password": {testkit.Password}})
	ds, _ := app.Drafts(t.Context(), tm.Peer.ID)
	if len(ds) != 1 {
		t.Fatalf("%d drafts, want the contact form only", len(ds))
	}
	drafts := c.Get("/drafts")
	if !strings.Contains(drafts.Body, path+"?draft="+itoa(ds[0].ID)) {
		t.Fatalf("drafts page: %s", testkit.Text(drafts.Body))
	}
	form := c.Get(path + "?draft=" + itoa(ds[0].ID))
	if !strings.Contains(form.Body, "she spoke for herself") || !strings.Contains(form.Body, `value="accompaniment" checked`) || !strings.Contains(form.Body, "before your session ended") {
		t.Fatalf("the form from the draft: %s", testkit.Text(form.Body))
	}
	// Someone else's draft id gives an empty form, not their words.
	if other := app.SignIn(t, tm.OtherPeer).Get("/people/" + itoa(p.ID) + "/contacts/new?draft=" + itoa(ds[0].ID)); strings.Contains(other.Body, "spoke for herself") {
		t.Fatal("another worker saw the draft")
	}
	save := c.PostForm(path, url.Values{"occurred_at": {"2026-11-23T09:00"}, "duration_minutes": {"45"}, "kind": {"accompaniment"},
		"mode": {"in_person"}, "format": {"individual"}, "note": {"Went with her to the housing office; she spoke for herself."}, "draft": {itoa(ds[0].ID)}})
	if save.Status != http.StatusSeeOther {
		t.Fatalf("saving the draft: %d %s", save.Status, testkit.Text(save.Body))
	}
	if ds, _ := app.Drafts(t.Context(), tm.Peer.ID); len(ds) != 0 {
		t.Fatal("the draft stayed after it was saved")
	}
}

func TestWordingHelper(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Words")
	c := app.SignIn(t, tm.Peer)
	send := func(c *testkit.Client, field, text string) testkit.Response {
		req, _ := http.NewRequest(http.MethodPost, app.HTTP.URL+"/wording", strings.NewReader(url.Values{field: {text}, "other": {"ignored"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Trigger-Name", field)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		return c.Do(req)
	}
	res := send(c, "note", "She was non-compliant and manipulative.")
	if res.Status != 200 || !strings.Contains(res.Body, "non-compliant") || !strings.Contains(res.Body, "manipulative") || strings.Contains(res.Body, "<html") {
		t.Fatalf("hints: %d %s", res.Status, res.Body)
	}
	if res := send(c, "note", "We planted tomatoes."); strings.TrimSpace(res.Body) != "" {
		t.Fatalf("hints for a kind note: %q", res.Body)
	}
	// An administrator adds a word of the organisation's and switches one off.
	admin := app.SignIn(t, tm.Admin)
	bad := admin.PostForm("/admin/wording/new", url.Values{"match": {"regular"}, "why": {""}, "suggestions": {""}, "category": {"stigmatising"}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "regular") {
		t.Fatalf("an incomplete entry: %d %s", bad.Status, testkit.Text(bad.Body))
	}
	// Words the shipped list already has are refused with a reason.
	dup := admin.PostForm("/admin/wording/new", url.Values{"match": {"frequent flyer"}, "why": {"x"}, "suggestions": {"y"}, "category": {"stigmatising"}})
	if dup.Status != http.StatusUnprocessableEntity || !strings.Contains(dup.Body, "already listed") {
		t.Fatalf("an incomplete entry: %d %s", bad.Status, testkit.Text(bad.Body))
	}
	ok := admin.PostForm("/admin/wording/new", url.Values{"match": {"regular\nregulars"}, "why": {"It mocks someone for needing help often."},
		"suggestions": {"someone who reaches out often\nsomeone we see a lot"}, "category": {"stigmatising"}})
	if ok.Status != http.StatusSeeOther {
		t.Fatalf("saving an entry: %d %s", ok.Status, testkit.Text(ok.Body))
	}
	if res := send(c, "note", "He is one of our regulars."); !strings.Contains(res.Body, "someone who reaches out often") {
		t.Fatalf("the organisation's entry is not used: %s", res.Body)
	}
	if res := admin.PostForm("/admin/wording/manipulative/disable", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("switching off: %d", res.Status)
	}
	if res := send(c, "note", "She was manipulative."); strings.Contains(res.Body, "manipulative") {
		t.Fatal("a switched-off entry still gives hints")
	}
	// Another organisation keeps the shipped list.
	other := app.NewTeam(t, "Elsewhere")
	if res := send(app.SignIn(t, other.Peer), "note", "She was manipulative. One of the regulars."); !strings.Contains(res.Body, "manipulative") || strings.Contains(res.Body, "reaches out often") {
		t.Fatalf("another organisation's list changed: %s", res.Body)
	}
	if res := admin.PostForm("/admin/wording/manipulative/remove", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("removing: %d", res.Status)
	}
	if res := send(c, "note", "She was manipulative."); !strings.Contains(res.Body, "manipulative") {
		t.Fatal("the shipped entry did not come back")
	}
	if res := admin.Get("/admin/wording"); !strings.Contains(res.Body, "regulars") {
		t.Fatal("the admin page does not list the organisation's entry")
	}
	// A change made by another server (straight into the database) shows
	// here within a minute.
	if err := app.SaveWordingEntry(t.Context(), testkit.Actor(tm.Admin), language.Entry{ID: "org-walk-in", Match: []string{"walk-in"},
		Why: "It can sound like a shop.", Suggestions: []string{"drop-in visitor"}, Category: "clinical"}); err != nil {
		t.Fatal(err)
	}
	if res := send(c, "note", "A walk-in came by."); strings.Contains(res.Body, "drop-in visitor") {
		t.Fatal("the cached list changed before its minute was up")
	}
	app.Clock.Advance(time.Minute)
	if res := send(c, "note", "A walk-in came by."); !strings.Contains(res.Body, "drop-in visitor") {
		t.Fatal("another server's change did not show after a minute")
	}
}

func TestPersonFormKeepsValues(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Forms")
	sup := app.SignIn(t, tm.Supervisor)
	page := sup.Get("/people/new")
	if !strings.Contains(page.Body, "Pat Peer") || strings.Contains(page.Body, "Tess Trainer") {
		t.Fatal("the supervisor's form should offer peer workers and never the trainer")
	}
	bad := sup.PostForm("/people/new", url.Values{"preferred_name": {"Ana"}, "phone": {"call me"}, "okay_to_contact": {"text"}, "pronouns": {"she/her"}, "check_in_every_days": {"100"}})
	for _, want := range []string{"Enter a phone number", "Choose at least one worker", "from 1 to 90", `value="she/her"`, `value="call me"`, `value="text" checked`} {
		if !strings.Contains(bad.Body, want) {
			t.Errorf("the failed form lacks %q", want)
		}
	}
	if bad.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", bad.Status)
	}
	ok := sup.PostForm("/people/new", url.Values{"preferred_name": {"Ana"}, "assigned_worker_ids": {itoa(tm.Peer.ID), itoa(tm.OtherPeer.ID)}, "check_in_every_days": {"14"}})
	if ok.Status != http.StatusSeeOther {
		t.Fatalf("add: %d %s", ok.Status, testkit.Text(ok.Body))
	}
	pid := strings.TrimPrefix(ok.Location(), "/people/")
	closeBad := sup.PostForm("/people/"+pid+"/edit", url.Values{"preferred_name": {"Ana"}, "status": {"closed"}, "check_in_every_days": {"14"},
		"assigned_worker_ids": {itoa(tm.Peer.ID)}})
	if closeBad.Status != http.StatusUnprocessableEntity || !strings.Contains(closeBad.Body, "why the support ended") {
		t.Fatalf("closing without a reason: %d", closeBad.Status)
	}
	// A peer worker's edit form has no workers to choose, and keeps them.
	peer := app.SignIn(t, tm.Peer)
	if page := peer.Get("/people/" + pid + "/edit"); strings.Contains(page.Body, `name="assigned_worker_ids"`) {
		t.Fatal("a peer worker is offered to change assignments")
	}
	if res := peer.PostForm("/people/"+pid+"/edit", url.Values{"preferred_name": {"Ana María"}, "status": {"active"}, "check_in_every_days": {"14"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("peer edit: %d %s", res.Status, testkit.Text(res.Body))
	}
	p, _ := app.Person(t.Context(), testkit.Actor(tm.Supervisor), mustID(pid))
	if p.PreferredName != "Ana María" || len(p.Workers) != 2 {
		t.Fatalf("after the peer's edit: %+v", p)
	}
}

func mustID(s string) int64 {
	var n int64
	for _, r := range s {
		n = n*10 + int64(r-'0')
	}
	return n
}

func TestTeamAndHomePages(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Team")
	addPerson(t, app, tm.Peer, "Ola")
	p2 := addPerson(t, app, tm.OtherPeer, "Ben")
	app.CreateReferral(t.Context(), testkit.Actor(tm.OtherPeer), store.ReferralInput{PersonID: p2.ID, ResourceName: "Legal aid clinic"})
	app.Clock.Advance(8 * 24 * time.Hour)
	team := app.SignIn(t, tm.Supervisor).Get("/team")
	text := testkit.Text(team.Body)
	if team.Status != 200 || !strings.Contains(text, "Pat Peer 1 1 0") || !strings.Contains(text, "Olu Otherpeer 1 1 1") || !strings.Contains(text, "Ola") || !strings.Contains(text, "Ben") {
		t.Fatalf("team page: %s", text)
	}
	only := app.SignIn(t, tm.Supervisor).Get("/team?worker=" + itoa(tm.Peer.ID))
	if strings.Contains(testkit.Text(only.Body[strings.Index(only.Body, "<h2"):]), "Ben") {
		t.Fatal("the filtered team list shows another worker's person")
	}
	if res := app.SignIn(t, tm.Peer).Get("/team"); res.Status != http.StatusForbidden {
		t.Fatalf("a peer worker on the team page: %d", res.Status)
	}
	home := testkit.Text(app.SignIn(t, tm.OtherPeer).Get("/").Body)
	if !strings.Contains(home, "Check-ins overdue Ben") || !strings.Contains(home, "Ben: Legal aid clinic") {
		t.Fatalf("home page: %s", home)
	}
	supHome := testkit.Text(app.SignIn(t, tm.Supervisor).Get("/").Body)
	if !strings.Contains(supHome, "Olu Otherpeer 1 1 1") {
		t.Fatalf("supervisor's home: %s", supHome)
	}
}

func TestGoalsAndReferralsThroughThePages(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Goals")
	p := addPerson(t, app, tm.Peer, "Lena")
	c := app.SignIn(t, tm.Peer)
	pid := itoa(p.ID)
	if res := c.PostForm("/people/"+pid+"/goals/new", url.Values{"life_area": {"home"}, "steps": {"Call the housing line"}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Call the housing line") {
		t.Fatalf("a goal without words: %d", res.Status)
	}
	if res := c.PostForm("/people/"+pid+"/goals/new", url.Values{"text": {"A place of my own"}, "life_area": {"home"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("goal: %d %s", res.Status, testkit.Text(res.Body))
	}
	app.Clock.Advance(93 * 24 * time.Hour)
	c = app.SignIn(t, tm.Peer) // the session ended while three months went by
	page := c.Get("/people/" + pid)
	if !strings.Contains(page.Body, "Review the cycle") {
		t.Fatalf("no review asked for: %s", testkit.Text(page.Body))
	}
	rec, _ := app.PersonRecord(t.Context(), testkit.Actor(tm.Peer), p.ID)
	cyc, _ := rec.OpenCycle()
	review := c.Get("/cycles/" + itoa(cyc.ID) + "/review")
	if !strings.Contains(review.Body, `value="`+itoa(cyc.Goals[0].ID)+`" checked`) {
		t.Fatal("the active goal is not offered for carrying over")
	}
	res := c.PostForm("/cycles/"+itoa(cyc.ID)+"/review", url.Values{"review_note": {"Still looking."}, "start_next": {"on"}, "next_starts_on": {app.Today()}, "carry": {itoa(cyc.Goals[0].ID)}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("review: %d %s", res.Status, testkit.Text(res.Body))
	}
	rec, _ = app.PersonRecord(t.Context(), testkit.Actor(tm.Peer), p.ID)
	if len(rec.Cycles) != 2 || len(rec.Cycles[0].Goals) != 1 || rec.Cycles[0].Goals[0].Text != "A place of my own" {
		t.Fatalf("after the review: %+v", rec.Cycles)
	}
	// A referral; its follow-up appears on People you support once due.
	if res := c.PostForm("/people/"+pid+"/referrals/new", url.Values{"reason": {"Wants help with the lease"}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Wants help with the lease") {
		t.Fatalf("a referral to nowhere: %d", res.Status)
	}
	if res := c.PostForm("/people/"+pid+"/referrals/new", url.Values{"resource_name": {"Tenant rights clinic"}, "made_on": {app.Today()}}); res.Status != http.StatusSeeOther {
		t.Fatalf("referral: %d %s", res.Status, testkit.Text(res.Body))
	}
	app.Clock.Advance(7 * 24 * time.Hour)
	c = app.SignIn(t, tm.Peer)
	list := c.Get("/people")
	if !strings.Contains(testkit.Text(list.Body), "Referral follow-ups due Lena: Tenant rights clinic") {
		t.Fatalf("follow-up not on the list: %s", testkit.Text(list.Body))
	}
	refs, _ := app.ListReferrals(t.Context(), testkit.Actor(tm.Peer), p.ID)
	bad := c.PostForm("/referrals/"+itoa(refs[0].ID), url.Values{"status": {"not_connected"}, "follow_up_on": {refs[0].FollowUpOn}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "why it did not connect") {
		t.Fatalf("not connected without a reason: %d", bad.Status)
	}
	if res := c.PostForm("/referrals/"+itoa(refs[0].ID), url.Values{"status": {"connected"}, "follow_up_on": {refs[0].FollowUpOn}}); res.Status != http.StatusSeeOther {
		t.Fatalf("connected: %d", res.Status)
	}
	if strings.Contains(testkit.Text(c.Get("/people").Body), "Referral follow-ups due") {
		t.Fatal("a closed referral still shows as due")
	}
}

func multipartBody(t *testing.T, fields map[string]string, fileField, fileName string, data []byte) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if fileField != "" {
		fw, _ := mw.CreateFormFile(fileField, fileName)
		fw.Write(data)
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

func postMultipart(t *testing.T, app *testkit.App, c *testkit.Client, path string, fields map[string]string, fileField, fileName string, data []byte) testkit.Response {
	body, ct := multipartBody(t, fields, fileField, fileName, data)
	req, _ := http.NewRequest(http.MethodPost, app.HTTP.URL+path, body)
	req.Header.Set("Content-Type", ct)
	return c.Do(req)
}

func TestConsentUpload(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Consent")
	p := addPerson(t, app, tm.Peer, "Ines")
	c := app.SignIn(t, tm.Peer)
	path := "/people/" + itoa(p.ID) + "/consent"
	bad := postMultipart(t, app, c, path, map[string]string{"given_on": "2026-11-23", "covers": "Peer support"}, "document", "consent.pdf", []byte("<html>not a pdf</html>"))
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "Choose a PDF, PNG or JPEG") || !strings.Contains(bad.Body, "Peer support") {
		t.Fatalf("a fake PDF: %d %s", bad.Status, testkit.Text(bad.Body))
	}
	ok := postMultipart(t, app, c, path, map[string]string{"given_on": "2026-11-23", "covers": "Peer support", "witnessed_by": "Sam"}, "document", "consent.pdf", []byte("%PDF-1.7\n%%EOF"))
	if ok.Status != http.StatusSeeOther {
		t.Fatalf("consent: %d %s", ok.Status, testkit.Text(ok.Body))
	}
	page := c.Get("/people/" + itoa(p.ID))
	// Kept under a generated name with the extension of its checked content.
	if !regexp.MustCompile(`document-[0-9a-f]{12}\.pdf`).MatchString(page.Body) || strings.Contains(page.Body, "No consent to peer support is recorded") {
		t.Fatalf("person page: %s", testkit.Text(page.Body))
	}
	rec, _ := app.PersonRecord(t.Context(), testkit.Actor(tm.Peer), p.ID)
	doc := c.Get("/consents/" + itoa(rec.Consents[0].ID) + "/document")
	if doc.Status != 200 || doc.Header.Get("Content-Type") != "application/pdf" || !strings.Contains(doc.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: %d %v", doc.Status, doc.Header)
	}
	l, _ := app.ListAudit(t.Context(), tm.Org.ID, store.AuditFilter{RecordType: "consent", UserID: tm.Peer.ID}, store.Page{})
	if len(l.Items) == 0 || l.Items[0].Action != "read" {
		t.Fatal("the download was not audited")
	}
	bad = c.PostForm("/consents/"+itoa(rec.Consents[0].ID)+"/withdraw", url.Values{"withdrawn_on": {"2030-01-01"}, "withdrawn_note": {"kept words"}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "kept words") {
		t.Fatalf("withdrawal in the future: %d", bad.Status)
	}
}

func TestResourceDirectoryCSV(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Directory")
	sup := app.SignIn(t, tm.Supervisor)
	csv := "name,kind,phone,hours,languages\n" +
		"Harbor Housing Help,housing,617-555-0101,Mon-Fri 9-5,\"English, Spanish\"\n" +
		"\"=HYPERLINK(\"\"http://evil\"\")\",legal,+1 617 555 0102,,\n"
	res := postMultipart(t, app, sup, "/resources/import", nil, "file", "dir.csv", []byte(csv))
	if res.Status != http.StatusSeeOther {
		t.Fatalf("import: %d %s\n%s", res.Status, testkit.Text(res.Body), app.Logs())
	}
	export := sup.Get("/resources/export.csv")
	if export.Status != 200 || !strings.Contains(export.Header.Get("Content-Type"), "text/csv") || !strings.Contains(export.Body, `'=HYPERLINK`) || !strings.Contains(export.Body, "'+1 617") {
		t.Fatalf("export: %d %s", export.Status, export.Body)
	}
	// The export imports back unchanged: everything is updated, nothing added.
	res = postMultipart(t, app, sup, "/resources/import", nil, "file", "resources.csv", []byte(export.Body))
	if res.Status != http.StatusSeeOther || !strings.Contains(sup.Follow(res).Body, "0 added, 2 updated") {
		t.Fatalf("re-import: %d %s", res.Status, testkit.Text(res.Body))
	}
	l, _ := app.ListResources(t.Context(), testkit.Actor(tm.Supervisor), store.ResourceFilter{Kind: "legal"}, store.Page{})
	if len(l.Items) != 1 || l.Items[0].Phone != "+1 617 555 0102" || l.Items[0].Name != `=HYPERLINK("http://evil")` {
		t.Fatalf("round trip: %+v", l.Items)
	}
	// A file with a bad line imports nothing and names the line.
	res = postMultipart(t, app, sup, "/resources/import", nil, "file", "bad.csv", []byte("name,kind\nNew Place,housing\n,legal\nOther,spa\n"))
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Line 3") || !strings.Contains(res.Body, "Line 4") || !strings.Contains(res.Body, "Nothing was imported") {
		t.Fatalf("bad file: %d %s", res.Status, testkit.Text(res.Body))
	}
	if l, _ := app.ListResources(t.Context(), testkit.Actor(tm.Supervisor), store.ResourceFilter{Query: "new place"}, store.Page{}); len(l.Items) != 0 {
		t.Fatal("a failed import added a resource")
	}
	if res := postMultipart(t, app, sup, "/resources/import", nil, "file", "x.csv", []byte("name,colour\nA,red\n")); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "colour") {
		t.Fatalf("an unknown column: %d", res.Status)
	}
	if res := app.SignIn(t, tm.Peer).Get("/resources/import"); res.Status != http.StatusForbidden {
		t.Fatalf("a peer worker importing: %d", res.Status)
	}
	// Search.
	if page := sup.Get("/resources?q=spanish"); !strings.Contains(page.Body, "Harbor Housing Help") || strings.Contains(page.Body, "HYPERLINK") {
		t.Fatalf("search: %s", testkit.Text(page.Body))
	}
}

// TestEveryPersonFormOffersItsDraftBack: a form sent as the session ended is
// kept, and its "Continue" link (the path it was sent to, with ?draft=)
// shows it again, for the forms whose page is elsewhere too.
func TestEveryPersonFormOffersItsDraftBack(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Drafts everywhere")
	a := testkit.Actor(tm.Peer)
	p := addPerson(t, app, tm.Peer, "Kim")
	g, _ := app.AddGoal(t.Context(), a, p.ID, store.GoalInput{Text: "Cook for friends", LifeArea: "community"})
	cons, _ := app.RecordConsent(t.Context(), a, p.ID, store.ConsentInput{GivenOn: app.Today(), Covers: "Peer support"})
	forms := map[string]url.Values{
		"/goals/" + itoa(g.ID) + "/progress":       {"progress": {"Made soup for three neighbours."}},
		"/consents/" + itoa(cons.ID) + "/withdraw": {"withdrawn_on": {app.Today()}, "withdrawn_note": {"Wants a pause over the holidays."}},
		"/people/" + itoa(p.ID) + "/referrals/new": {"resource_name": {"Cooking class at the library"}},
		"/people/" + itoa(p.ID) + "/edit":          {"preferred_name": {"Kimberly, though she prefers Kim"}},
	}
	for path, form := range forms {
		c := app.SignIn(t, tm.Peer)
		app.Clock.Advance(store.IdleTimeout + time.Minute)
		if res := c.PostForm(path, form); !strings.Contains(res.Location(), "draft=1") {
			t.Fatalf("%s after expiry: %d %q", path, res.Status, res.Location())
		}
		c.PostForm("/login", url.Values{"email": {tm.Peer.Email}, "password": {testkit.Password}})
		ds, _ := app.Drafts(t.Context(), tm.Peer.ID)
		page := c.Get(ds[0].Path + "?draft=" + itoa(ds[0].ID))
		for _, v := range form {
			if !strings.Contains(page.Body, strings.ReplaceAll(v[0], "'", "&#39;")) {
				t.Errorf("%s: the draft page (%d) lacks %q", path, page.Status, v[0])
			}
		}
		c.PostForm("/drafts/"+itoa(ds[0].ID)+"/discard", nil)
	}
}
