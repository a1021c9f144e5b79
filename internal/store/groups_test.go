package store_test

import (
	"strings"
	"testing"
	"time"

	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// hearingVoices is a weekly in-person group facilitated by facilitators.
func hearingVoices(facilitators ...int64) store.GroupInput {
	return store.GroupInput{Name: "Thursday Hearing Voices", Kind: "hearing_voices", Meets: "in_person", Place: "Community room, 8 Canal Street",
		Schedule: "Thursdays 6 to 7:30 pm", Weekday: 4, StartTime: "18:00", DurationMinutes: 90, FacilitatorIDs: facilitators}
}

func mustGroup(t *testing.T, db *testkit.DB, a store.Actor, in store.GroupInput) store.Group {
	t.Helper()
	g, err := db.CreateGroup(ctx, a, in)
	if err != nil {
		t.Fatalf("starting %s: %v", in.Name, err)
	}
	return g
}

func fieldOf(err error, field string) string {
	e, ok := core.As(err)
	if !ok || e.Kind != core.KindInvalid {
		return ""
	}
	return e.Fields[field]
}

func TestWhoSeesAGroupAndItsRoster(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Riverbend")
	other := db.NewTeam(t, "Harbor")
	outsider := db.MakeUser(t, tm.Org.ID, "ola@riverbend.test", "Ola Outside", auth.RoleSupervisor)
	pat, olu, sup, admin := testkit.Actor(tm.Peer), testkit.Actor(tm.OtherPeer), testkit.Actor(tm.Supervisor), testkit.Actor(tm.Admin)
	maria := addPerson(t, db, pat, "Maria Santos")
	dev := addPerson(t, db, olu, "Dev Patel") // Olu's, not Pat's

	// Starting a group: supervisors and administrators only; a supervisor
	// chooses facilitators from their own team.
	if _, err := db.CreateGroup(ctx, pat, hearingVoices(tm.Peer.ID)); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a peer worker starting a group: %v", err)
	}
	if _, err := db.CreateGroup(ctx, testkit.Actor(tm.Trainer), hearingVoices(tm.Peer.ID)); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a trainer starting a group: %v", err)
	}
	for name, ids := range map[string][]int64{"nobody": nil, "another organisation's worker": {other.Peer.ID}, "a trainer": {tm.Trainer.ID}, "outside the team": {outsider.ID}} {
		if _, err := db.CreateGroup(ctx, sup, hearingVoices(ids...)); fieldOf(err, "facilitator_ids") == "" {
			t.Errorf("a supervisor choosing %s as facilitator: %v", name, err)
		}
	}
	g := mustGroup(t, db, sup, hearingVoices(tm.Peer.ID))
	if len(g.Facilitators) != 1 || g.Facilitators[0].ID != tm.Peer.ID || !g.Roster {
		t.Fatalf("new group: %+v", g)
	}
	if _, err := db.CreateGroup(ctx, admin, hearingVoices(outsider.ID)); fieldOf(err, "name") == "" {
		t.Errorf("a second group of the same name: %v", err)
	}

	// Everyone who works with people sees the list; only some see the roster.
	roster := map[string]store.Actor{"the facilitator": pat, "the facilitator's supervisor": sup, "an administrator": admin}
	noRoster := map[string]store.Actor{"another peer worker": olu, "another supervisor": testkit.Actor(outsider)}
	for who, a := range roster {
		l, err := db.ListGroups(ctx, a, store.GroupFilter{}, store.Page{})
		if err != nil || len(l.Items) != 1 || !l.Items[0].Roster {
			t.Errorf("%s lists %+v (%v), want the group with its roster", who, l.Items, err)
		}
	}
	for who, a := range noRoster {
		l, err := db.ListGroups(ctx, a, store.GroupFilter{}, store.Page{})
		if err != nil || len(l.Items) != 1 || l.Items[0].Roster || l.Items[0].Members != 0 {
			t.Errorf("%s lists %+v (%v), want the group without its roster", who, l.Items, err)
		}
		if _, err := db.GroupMembers(ctx, a, g.ID, store.Page{}); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s reading the roster: %v, want not found", who, err)
		}
		if d, err := db.GroupPage(ctx, a, g.ID); err != nil || d.Members != nil || d.Sessions != nil {
			t.Errorf("%s reading the group page: %+v %v", who, d, err)
		}
		if err := db.AddGroupMembers(ctx, a, g.ID, []int64{dev.ID}, ""); core.KindOf(err) != core.KindForbidden {
			t.Errorf("%s adding a member: %v, want forbidden", who, err)
		}
		if _, err := db.RecordGroupSession(ctx, a, g.ID, store.GroupSessionInput{HeldOn: "2026-11-19"}); core.KindOf(err) != core.KindForbidden {
			t.Errorf("%s recording a session: %v, want forbidden", who, err)
		}
		if _, err := db.UpdateGroup(ctx, a, g.ID, hearingVoices()); core.KindOf(err) != core.KindForbidden {
			t.Errorf("%s changing the group: %v, want forbidden", who, err)
		}
	}
	if _, err := db.ListGroups(ctx, testkit.Actor(tm.Trainer), store.GroupFilter{}, store.Page{}); core.KindOf(err) != core.KindForbidden {
		t.Errorf("a trainer listing groups: %v", err)
	}
	for _, u := range []store.User{other.Admin, other.Peer} {
		a := testkit.Actor(u)
		if l, err := db.ListGroups(ctx, a, store.GroupFilter{Status: store.ShowAll}, store.Page{}); err != nil || len(l.Items) != 0 {
			t.Errorf("another organisation lists %d groups (%v)", len(l.Items), err)
		}
		if _, err := db.Group(ctx, a, g.ID); core.KindOf(err) != core.KindNotFound {
			t.Errorf("another organisation reading the group: %v", err)
		}
		if _, err := db.GroupMembers(ctx, a, g.ID, store.Page{}); core.KindOf(err) != core.KindNotFound {
			t.Errorf("another organisation reading the roster: %v", err)
		}
		if err := db.AddGroupMembers(ctx, a, g.ID, []int64{maria.ID}, ""); core.KindOf(err) != core.KindNotFound {
			t.Errorf("another organisation adding a member: %v", err)
		}
		if _, err := db.RecordGroupSession(ctx, a, g.ID, store.GroupSessionInput{HeldOn: "2026-11-19"}); core.KindOf(err) != core.KindNotFound {
			t.Errorf("another organisation recording a session: %v", err)
		}
	}

	// Members: a peer facilitator adds only people they may see; a
	// supervisor anyone active in the organisation.
	if err := db.AddGroupMembers(ctx, pat, g.ID, []int64{dev.ID}, ""); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("the facilitator adding someone they do not support: %v, want not found", err)
	}
	if err := db.AddGroupMembers(ctx, pat, g.ID, []int64{maria.ID}, ""); err != nil {
		t.Fatal(err)
	}
	if err := db.AddGroupMembers(ctx, sup, g.ID, []int64{dev.ID}, ""); err != nil {
		t.Fatal(err)
	}
	strangerInOtherOrg := addPerson(t, db, testkit.Actor(other.Peer), "Ana Far")
	if err := db.AddGroupMembers(ctx, admin, g.ID, []int64{strangerInOtherOrg.ID}, ""); core.KindOf(err) != core.KindNotFound {
		t.Errorf("adding a person of another organisation: %v", err)
	}
	closed := addPerson(t, db, pat, "Closed Person")
	if _, err := db.UpdatePerson(ctx, pat, closed.ID, store.PersonPatch{Status: ptr(store.StatusClosed), ClosedReason: ptr("moved away")}); err != nil {
		t.Fatal(err)
	}
	if err := db.AddGroupMembers(ctx, pat, g.ID, []int64{closed.ID}, ""); fieldOf(err, "person_ids") == "" {
		t.Errorf("adding someone whose support ended: %v", err)
	}

	// Being on the roster does not open Dev's record to Pat.
	l, err := db.GroupMembers(ctx, pat, g.ID, store.Page{})
	if err != nil || len(l.Items) != 2 {
		t.Fatalf("roster: %+v %v", l.Items, err)
	}
	for _, m := range l.Items {
		if want := m.PersonID == maria.ID; m.Visible != want {
			t.Errorf("%s visible to the facilitator: %v, want %v", m.Name, m.Visible, want)
		}
	}
	if _, err := db.Person(ctx, pat, dev.ID); core.KindOf(err) != core.KindNotFound {
		t.Errorf("the facilitator reading a member's record they do not support: %v", err)
	}
	if _, err := db.PersonGroups(ctx, pat, dev.ID); core.KindOf(err) != core.KindNotFound {
		t.Errorf("the facilitator reading a member's groups they do not support: %v", err)
	}
	// Dev's own worker sees Dev belongs to the group (it is Dev's record).
	pg, err := db.PersonGroups(ctx, olu, dev.ID)
	if err != nil || len(pg) != 1 || pg[0].Name != g.Name {
		t.Errorf("Dev's worker reading Dev's groups: %+v %v", pg, err)
	}

	// A session, its attendance list, and who may read them.
	sess, err := db.RecordGroupSession(ctx, pat, g.ID, store.GroupSessionInput{HeldOn: "2026-11-19", Note: "We talked about sleep.",
		Attendance: map[int64]string{maria.ID: "present", dev.ID: "late"}})
	if err != nil {
		t.Fatal(err)
	}
	for who, a := range noRoster {
		if _, _, err := db.GroupSession(ctx, a, g.ID, sess.ID); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s reading the session: %v, want not found", who, err)
		}
		if _, err := db.GroupSessions(ctx, a, g.ID, store.Page{}); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s listing sessions: %v, want not found", who, err)
		}
	}
	if _, _, err := db.GroupSession(ctx, testkit.Actor(other.Admin), g.ID, sess.ID); core.KindOf(err) != core.KindNotFound {
		t.Errorf("another organisation reading the session: %v", err)
	}
	for who, a := range roster {
		if _, gs, err := db.GroupSession(ctx, a, g.ID, sess.ID); err != nil || gs.Attended() != 2 {
			t.Errorf("%s reading the session: %+v %v", who, gs, err)
		}
	}
	// Dev's worker sees the group contact in Dev's history, with the group's
	// name and the note, and nothing about who else came.
	cs, err := db.ListContacts(ctx, olu, dev.ID, store.Page{})
	if err != nil || len(cs.Items) != 1 {
		t.Fatalf("Dev's contacts: %+v %v", cs.Items, err)
	}
	if c := cs.Items[0]; c.GroupName != g.Name || c.Note != "We talked about sleep." || c.Participants != "" || c.Format != "group" {
		t.Errorf("Dev's group contact: %+v", c)
	}

	// Reading a roster is audited with the ids of the people shown.
	audits, err := db.ListAudit(ctx, tm.Org.ID, store.AuditFilter{UserID: tm.Peer.ID, RecordType: "person_list"}, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range audits.Items {
		if strings.HasPrefix(e.Detail, "group "+itoa(g.ID)+" roster: ") && strings.Contains(e.Detail, itoa(dev.ID)) {
			found = true
		}
		if strings.Contains(e.Detail, "Dev") || strings.Contains(e.Detail, "Maria") {
			t.Errorf("an audit entry names a person: %q", e.Detail)
		}
	}
	if !found {
		t.Errorf("no audit entry for the roster read: %+v", audits.Items)
	}
}

func TestGroupDetailsAndWhoChangesThem(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Details")
	pat, sup, admin := testkit.Actor(tm.Peer), testkit.Actor(tm.Supervisor), testkit.Actor(tm.Admin)
	g := mustGroup(t, db, sup, hearingVoices(tm.Peer.ID))

	// The facilitator changes the place and schedule, not who facilitates.
	in := hearingVoices()
	in.Place, in.Schedule = "Library, room 2", "Thursdays 5:30 to 7 pm"
	g2, err := db.UpdateGroup(ctx, pat, g.ID, in)
	if err != nil || g2.Place != "Library, room 2" || len(g2.Facilitators) != 1 {
		t.Fatalf("the facilitator changing details: %+v %v", g2, err)
	}
	in.FacilitatorIDs = []int64{tm.Peer.ID, tm.OtherPeer.ID}
	if _, err := db.UpdateGroup(ctx, pat, g.ID, in); core.KindOf(err) != core.KindForbidden {
		t.Errorf("the facilitator choosing facilitators: %v", err)
	}
	in.FacilitatorIDs, in.Status = nil, store.GroupArchived
	if _, err := db.UpdateGroup(ctx, pat, g.ID, in); core.KindOf(err) != core.KindForbidden {
		t.Errorf("the facilitator archiving: %v", err)
	}
	in.FacilitatorIDs, in.Status = []int64{tm.Peer.ID, tm.OtherPeer.ID}, ""
	if g2, err = db.UpdateGroup(ctx, sup, g.ID, in); err != nil || len(g2.Facilitators) != 2 {
		t.Fatalf("the supervisor adding a facilitator: %+v %v", g2, err)
	}

	// Validation.
	bad := []struct {
		field string
		edit  func(*store.GroupInput)
	}{
		{"name", func(i *store.GroupInput) { i.Name = " " }},
		{"kind", func(i *store.GroupInput) { i.Kind = "therapy" }},
		{"meets", func(i *store.GroupInput) { i.Meets = "telepathy" }},
		{"place", func(i *store.GroupInput) { i.Place = "" }},
		{"video_link", func(i *store.GroupInput) { i.Meets, i.VideoLink = "video", "zoom meeting 123" }},
		{"start_time", func(i *store.GroupInput) { i.StartTime = "6pm" }},
		{"weekday", func(i *store.GroupInput) { i.Weekday = 9 }},
		{"schedule", func(i *store.GroupInput) { i.Schedule, i.Weekday, i.StartTime = "", 0, "" }},
		{"duration_minutes", func(i *store.GroupInput) { i.DurationMinutes = -5 }},
	}
	for _, b := range bad {
		in := hearingVoices(tm.Peer.ID)
		in.Name = "Another group"
		b.edit(&in)
		if _, err := db.CreateGroup(ctx, admin, in); fieldOf(err, b.field) == "" {
			t.Errorf("%s: %v, want a message on it", b.field, err)
		}
	}
	video := hearingVoices(tm.Peer.ID)
	video.Name, video.Meets, video.VideoLink, video.Place = "Young adults online", "video", "https://meet.example.org/ya", "ignored"
	v, err := db.CreateGroup(ctx, admin, video)
	if err != nil || v.Mode() != "video" || v.VideoLink == "" {
		t.Fatalf("a video group: %+v %v", v, err)
	}

	// Archived groups leave the default list; "all" shows them; pages work.
	in = hearingVoices()
	in.Status = store.GroupArchived
	if _, err := db.UpdateGroup(ctx, sup, g.ID, in); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Alternatives to Suicide", "Dual recovery"} {
		in := hearingVoices(tm.Peer.ID)
		in.Name = name
		mustGroup(t, db, admin, in)
	}
	active, _ := db.ListGroups(ctx, pat, store.GroupFilter{}, store.Page{})
	if len(active.Items) != 3 {
		t.Errorf("%d active groups, want 3", len(active.Items))
	}
	var names []string
	cursor := ""
	for {
		l, err := db.ListGroups(ctx, pat, store.GroupFilter{Status: store.ShowAll}, store.Page{Limit: 3, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range l.Items {
			names = append(names, g.Name)
		}
		if cursor = l.Next; cursor == "" {
			break
		}
	}
	if strings.Join(names, "|") != "Alternatives to Suicide|Dual recovery|Thursday Hearing Voices|Young adults online" {
		t.Errorf("groups in pages: %v", names)
	}
	mine, _ := db.ListGroups(ctx, testkit.Actor(tm.OtherPeer), store.GroupFilter{Status: store.ShowAll, Mine: true}, store.Page{})
	if len(mine.Items) != 1 || mine.Items[0].ID != g.ID {
		t.Errorf("Olu's own groups: %+v", mine.Items)
	}
	if _, err := db.RecordGroupSession(ctx, pat, g.ID, store.GroupSessionInput{HeldOn: "2026-11-19"}); core.KindOf(err) != core.KindConflict {
		t.Errorf("recording a session of an archived group: %v", err)
	}
}

func TestGroupNextSessions(t *testing.T) {
	g := store.Group{Weekday: 4, StartTime: "18:00", DurationMinutes: 90, Status: store.GroupActive}
	at := func(s string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04", s, store.Zone)
		if err != nil {
			panic(err)
		}
		return t
	}
	// Monday 23 November 2026: the next Thursdays.
	next := g.NextSessions(at("2026-11-23 09:00"), 2)
	if len(next) != 2 || !next[0].Equal(at("2026-11-26 18:00")) || !next[1].Equal(at("2026-12-03 18:00")) {
		t.Errorf("from Monday: %v", next)
	}
	// During Thursday's session it is still the next one; after it, not.
	if n := g.NextSessions(at("2026-11-26 19:00"), 1); len(n) != 1 || !n[0].Equal(at("2026-11-26 18:00")) {
		t.Errorf("during the session: %v", n)
	}
	if n := g.NextSessions(at("2026-11-26 19:45"), 1); len(n) != 1 || !n[0].Equal(at("2026-12-03 18:00")) {
		t.Errorf("after the session: %v", n)
	}
	if n := (store.Group{Schedule: "First Tuesday of the month"}).NextSessions(at("2026-11-23 09:00"), 3); n != nil {
		t.Errorf("no weekly slot: %v", n)
	}
	g.Status = store.GroupArchived
	if n := g.NextSessions(at("2026-11-23 09:00"), 3); n != nil {
		t.Errorf("archived: %v", n)
	}
	if store.WeekdayName(4) != "Thursday" || store.WeekdayName(7) != "Sunday" || store.WeekdayName(0) != "" {
		t.Error("weekday names")
	}
}

// groupWithMembers starts a group facilitated by the team's peer worker
// with members of their own, named names.
func groupWithMembers(t *testing.T, db *testkit.DB, tm testkit.Team, in store.GroupInput, names ...string) (store.Group, []store.Person) {
	t.Helper()
	pat := testkit.Actor(tm.Peer)
	g := mustGroup(t, db, testkit.Actor(tm.Supervisor), in)
	var people []store.Person
	var ids []int64
	for _, n := range names {
		p, err := db.CreatePerson(ctx, pat, store.PersonInput{PreferredName: n, SupportedSince: "2026-11-01"})
		if err != nil {
			t.Fatal(err)
		}
		people = append(people, p)
		ids = append(ids, p.ID)
	}
	if err := db.AddGroupMembers(ctx, pat, g.ID, ids, ""); err != nil {
		t.Fatal(err)
	}
	return g, people
}

func TestGroupSessionAttendanceMakesContacts(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Sessions")
	pat := testkit.Actor(tm.Peer)
	g, ps := groupWithMembers(t, db, tm, hearingVoices(tm.Peer.ID), "Maria Santos", "Dev Patel", "Keisha Brown", "Tomás Rivera")
	maria, dev, keisha, tomas := ps[0], ps[1], ps[2], ps[3]
	if !maria.Overdue(db.Today()) {
		t.Fatalf("Maria, supported since 1 November, should be overdue: due %s", maria.CheckInDueOn)
	}
	in := store.GroupSessionInput{HeldOn: "2026-11-19", StartTime: "18:00", DurationMinutes: 90, Guests: 2, Note: "We shared ways to get through the night.",
		Attendance: map[int64]string{maria.ID: "present", dev.ID: "late", keisha.ID: "excused", tomas.ID: "absent"}}
	sess, err := db.RecordGroupSession(ctx, pat, g.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Present != 1 || sess.Late != 1 || sess.Excused != 1 || sess.Absent != 1 || sess.Guests != 2 || sess.Attended() != 2 {
		t.Errorf("counts: %+v", sess)
	}
	if len(sess.Facilitators) != 1 || sess.Facilitators[0].ID != tm.Peer.ID {
		t.Errorf("facilitators: %+v", sess.Facilitators)
	}
	if sess.StatusOf(keisha.ID) != "excused" || len(sess.Attendance) != 4 {
		t.Errorf("attendance list: %+v", sess.Attendance)
	}
	start := time.Date(2026, 11, 19, 23, 0, 0, 0, time.UTC) // 18:00 in Boston
	contactsOf := func(p store.Person) []store.Contact {
		t.Helper()
		l, err := db.ListContacts(ctx, pat, p.ID, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		return l.Items
	}
	for _, p := range []store.Person{maria, dev} {
		cs := contactsOf(p)
		if len(cs) != 1 {
			t.Fatalf("%s has %d contacts, want 1", p.PreferredName, len(cs))
		}
		c := cs[0]
		if c.Format != "group" || c.Kind != store.KindGroupSession || c.Mode != "in_person" || c.DurationMinutes != 90 || !c.OccurredAt.Equal(start) ||
			c.GroupName != g.Name || c.Note != in.Note || c.RecordedBy != tm.Peer.ID || !c.FromGroupSession() {
			t.Errorf("%s's group contact: %+v", p.PreferredName, c)
		}
		rec, _ := db.Person(ctx, pat, p.ID)
		if !rec.LastContactAt.Equal(start) || rec.CheckInDueOn != "2026-11-26" || rec.Overdue(db.Today()) {
			t.Errorf("%s's check-in after the group: last %v, due %s", p.PreferredName, rec.LastContactAt, rec.CheckInDueOn)
		}
	}
	for _, p := range []store.Person{keisha, tomas} {
		if cs := contactsOf(p); len(cs) != 0 {
			t.Errorf("%s was not there but has contacts: %+v", p.PreferredName, cs)
		}
	}
	// A group contact is corrected through its session, not on its own.
	mc := contactsOf(maria)[0]
	if _, err := db.UpdateContact(ctx, pat, mc.ID, store.ContactInput{OccurredAt: start, DurationMinutes: 10, Format: "group", Mode: "phone", Kind: "check_in"}); core.KindOf(err) != core.KindConflict {
		t.Errorf("changing a group contact on its own: %v", err)
	}
	if _, err := db.DeleteContact(ctx, pat, mc.ID); core.KindOf(err) != core.KindConflict {
		t.Errorf("deleting a group contact on its own: %v", err)
	}

	// Correcting: Maria was in fact absent, Keisha came, the session began
	// at 18:30 and lasted an hour, and the note changes.
	in.Attendance = map[int64]string{maria.ID: "absent", dev.ID: "late", keisha.ID: "present", tomas.ID: "absent"}
	in.StartTime, in.DurationMinutes, in.Note, in.Guests = "18:30", 60, "A quieter evening.", 0
	sess, err = db.UpdateGroupSession(ctx, pat, g.ID, sess.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Present != 1 || sess.Late != 1 || sess.Absent != 2 || sess.Guests != 0 {
		t.Errorf("counts after the correction: %+v", sess)
	}
	later := start.Add(30 * time.Minute)
	if cs := contactsOf(maria); len(cs) != 0 {
		t.Errorf("Maria keeps a contact after being marked absent: %+v", cs)
	}
	if rec, _ := db.Person(ctx, pat, maria.ID); !rec.LastContactAt.IsZero() || !rec.Overdue(db.Today()) {
		t.Errorf("Maria's check-in after the correction: last %v, due %s", rec.LastContactAt, rec.CheckInDueOn)
	}
	for _, p := range []store.Person{dev, keisha} {
		cs := contactsOf(p)
		if len(cs) != 1 || !cs[0].OccurredAt.Equal(later) || cs[0].DurationMinutes != 60 || cs[0].Note != "A quieter evening." {
			t.Errorf("%s's contact after the correction: %+v", p.PreferredName, cs)
		}
	}
	if cs := contactsOf(dev); cs[0].ID == 0 {
		t.Error("no id")
	}

	// Bad input, each on its field, and nothing saved.
	bad := []struct {
		field string
		edit  func(*store.GroupSessionInput)
	}{
		{store.AttendanceField(maria.ID), func(i *store.GroupSessionInput) { i.Attendance = map[int64]string{maria.ID: "asleep"} }},
		{"guests", func(i *store.GroupSessionInput) { i.Guests = -1 }},
		{"held_on", func(i *store.GroupSessionInput) { i.HeldOn = "last Thursday" }},
		{"held_on", func(i *store.GroupSessionInput) { i.HeldOn = "2026-12-03" }},
		{"starts_at", func(i *store.GroupSessionInput) { i.HeldOn, i.StartTime = "2026-11-23", "18:00" }}, // later today
		{"starts_at", func(i *store.GroupSessionInput) { i.StartTime = "25:00" }},
		{"duration_minutes", func(i *store.GroupSessionInput) { i.DurationMinutes = -30 }},
		{"held_on", func(i *store.GroupSessionInput) {}}, // the same slot again
		{"facilitator_ids", func(i *store.GroupSessionInput) { i.FacilitatorIDs = []int64{tm.OtherPeer.ID} }},
	}
	for _, b := range bad {
		in := store.GroupSessionInput{HeldOn: "2026-11-19", StartTime: "18:30", Attendance: map[int64]string{maria.ID: "present"}}
		b.edit(&in)
		if _, err := db.RecordGroupSession(ctx, pat, g.ID, in); fieldOf(err, b.field) == "" {
			t.Errorf("%s: %v, want a message on it", b.field, err)
		}
	}
	stranger := addPerson(t, db, pat, "Not A Member")
	_, err = db.RecordGroupSession(ctx, pat, g.ID, store.GroupSessionInput{HeldOn: "2026-11-12", Attendance: map[int64]string{stranger.ID: "present"}})
	if fieldOf(err, store.AttendanceField(stranger.ID)) == "" {
		t.Errorf("marking someone who is not a member: %v", err)
	}
	if cs := contactsOf(stranger); len(cs) != 0 {
		t.Errorf("a refused session left contacts: %+v", cs)
	}

	// A session with nobody but drop-ins, then a member who left stays on
	// the sessions they were marked in.
	drop, err := db.RecordGroupSession(ctx, pat, g.ID, store.GroupSessionInput{HeldOn: "2026-11-12", Guests: 5})
	if err != nil || drop.Guests != 5 || drop.Attended() != 0 || drop.StartTime != "18:00" || drop.DurationMinutes != 90 {
		t.Errorf("a drop-in only session (the group's usual time and length): %+v %v", drop, err)
	}
	if err := db.RemoveGroupMember(ctx, pat, g.ID, dev.ID); err != nil {
		t.Fatal(err)
	}
	_, again, err := db.GroupSession(ctx, pat, g.ID, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range again.Attendance {
		if e.PersonID == dev.ID && (e.Member || e.Status != "late") {
			t.Errorf("Dev after leaving: %+v", e)
		}
	}
	_, sheet, err := db.NewSessionSheet(ctx, pat, g.ID)
	if err != nil || len(sheet) != 3 {
		t.Errorf("the sheet of a new session after Dev left: %+v %v", sheet, err)
	}
	pg, _ := db.PersonGroups(ctx, pat, dev.ID)
	if len(pg) != 1 || pg[0].LeftOn == "" || pg[0].Attended != 1 || pg[0].Marked != 1 {
		t.Errorf("Dev's groups after leaving: %+v", pg)
	}
	if err := db.RemoveGroupMember(ctx, pat, g.ID, dev.ID); core.KindOf(err) != core.KindNotFound {
		t.Errorf("leaving twice: %v", err)
	}
	// Coming back makes Dev a member again, from the new date; adding a
	// current member again changes nothing.
	if err := db.AddGroupMembers(ctx, pat, g.ID, []int64{dev.ID, maria.ID}, "2026-11-20"); err != nil {
		t.Fatal(err)
	}
	pg, _ = db.PersonGroups(ctx, pat, dev.ID)
	mg, _ := db.PersonGroups(ctx, pat, maria.ID)
	if len(pg) != 1 || pg[0].LeftOn != "" || pg[0].JoinedOn != "2026-11-20" || len(mg) != 1 || mg[0].JoinedOn != db.Today() {
		t.Errorf("after coming back: Dev %+v, Maria %+v", pg, mg)
	}

	// Deleting a session takes its contacts with it.
	if err := db.DeleteGroupSession(ctx, pat, g.ID, sess.ID); err != nil {
		t.Fatal(err)
	}
	if cs := contactsOf(keisha); len(cs) != 0 {
		t.Errorf("Keisha keeps a contact of a deleted session: %+v", cs)
	}
	if _, _, err := db.GroupSession(ctx, pat, g.ID, sess.ID); core.KindOf(err) != core.KindNotFound {
		t.Errorf("a deleted session: %v", err)
	}
	l, _ := db.GroupSessions(ctx, pat, g.ID, store.Page{})
	if len(l.Items) != 1 || l.Items[0].ID != drop.ID {
		t.Errorf("sessions left: %+v", l.Items)
	}
}

func TestVideoGroupContactsAreVideo(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Video")
	in := hearingVoices(tm.Peer.ID)
	in.Meets, in.VideoLink = "video", "https://meet.example.org/hv"
	g, ps := groupWithMembers(t, db, tm, in, "Lin Chen")
	if _, err := db.RecordGroupSession(ctx, testkit.Actor(tm.Peer), g.ID, store.GroupSessionInput{HeldOn: "2026-11-19", Attendance: map[int64]string{ps[0].ID: "present"}}); err != nil {
		t.Fatal(err)
	}
	cs, _ := db.ListContacts(ctx, testkit.Actor(tm.Peer), ps[0].ID, store.Page{})
	if len(cs.Items) != 1 || cs.Items[0].Mode != "video" {
		t.Errorf("a video group's contact: %+v", cs.Items)
	}
}

func TestGroupNoteMayNotNameMembers(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Names")
	pat := testkit.Actor(tm.Peer)
	g := mustGroup(t, db, testkit.Actor(tm.Supervisor), hearingVoices(tm.Peer.ID))
	jose, err := db.CreatePerson(ctx, pat, store.PersonInput{PreferredName: "José Álvarez"})
	if err != nil {
		t.Fatal(err)
	}
	maggie, err := db.CreatePerson(ctx, pat, store.PersonInput{PreferredName: "Maggie", LegalName: "Margarita O'Brien"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AddGroupMembers(ctx, pat, g.ID, []int64{jose.ID, maggie.ID}, ""); err != nil {
		t.Fatal(err)
	}
	refused := map[string]string{
		"jose shared a song he wrote.":         "jose",
		"Thanks to JOSÉ for the tea.":          "JOSÉ",
		"alvarez brought snacks":               "alvarez",
		"We missed Margarita this week.":       "Margarita",
		"o'brien and others talked about work": "brien",
		"Maggie's idea: a walk next week.":     "Maggie",
	}
	for note, word := range refused {
		_, err := db.RecordGroupSession(ctx, pat, g.ID, store.GroupSessionInput{HeldOn: "2026-11-19", Note: note, Attendance: map[int64]string{jose.ID: "present"}})
		msg := fieldOf(err, "note")
		if !strings.HasPrefix(msg, store.NoteNamesMessage) || !strings.Contains(msg, "“"+word+"”") {
			t.Errorf("%q: %v, want the names message quoting %q", note, err, word)
		}
	}
	cs, _ := db.ListContacts(ctx, pat, jose.ID, store.Page{})
	if len(cs.Items) != 0 {
		t.Fatalf("a refused note left contacts: %+v", cs.Items)
	}
	// Parts of words and other words are fine.
	for i, note := range []string{"Joseph's story reminded us of the Álvarez-free years… no, of hope.", "The group talked about sleep, and a member's new job.", ""} {
		if i == 0 {
			note = "We read Joseph Conrad and a poem about margaritas."
		}
		day := []string{"2026-11-19", "2026-11-12", "2026-11-05"}[i]
		if _, err := db.RecordGroupSession(ctx, pat, g.ID, store.GroupSessionInput{HeldOn: day, Note: note, Attendance: map[int64]string{jose.ID: "present"}}); err != nil {
			t.Errorf("%q: %v", note, err)
		}
	}
	// A correction is checked too.
	l, _ := db.GroupSessions(ctx, pat, g.ID, store.Page{})
	_, err = db.UpdateGroupSession(ctx, pat, g.ID, l.Items[0].ID, store.GroupSessionInput{HeldOn: l.Items[0].HeldOn, Note: "José led it.", Attendance: map[int64]string{jose.ID: "present"}})
	if !strings.HasPrefix(fieldOf(err, "note"), store.NoteNamesMessage) {
		t.Errorf("a correction naming a member: %v", err)
	}
}

func TestFacilitationCountsInTheDevelopmentRecord(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Facilitation")
	pat, sup := testkit.Actor(tm.Peer), testkit.Actor(tm.Supervisor)
	in := hearingVoices(tm.Peer.ID, tm.OtherPeer.ID)
	g, ps := groupWithMembers(t, db, tm, in, "Maria Santos")
	other := hearingVoices(tm.Peer.ID)
	other.Name, other.Kind = "Wellness planning class", "wellness_planning"
	g2 := mustGroup(t, db, sup, other)
	for _, day := range []string{"2026-11-05", "2026-11-12"} {
		if _, err := db.RecordGroupSession(ctx, pat, g.ID, store.GroupSessionInput{HeldOn: day, Attendance: map[int64]string{ps[0].ID: "present"}}); err != nil {
			t.Fatal(err)
		}
	}
	// Olu ran this one alone.
	if _, err := db.RecordGroupSession(ctx, pat, g.ID, store.GroupSessionInput{HeldOn: "2026-11-19", FacilitatorIDs: []int64{tm.OtherPeer.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordGroupSession(ctx, pat, g2.ID, store.GroupSessionInput{HeldOn: "2026-11-19", DurationMinutes: 120}); err != nil {
		t.Fatal(err)
	}
	d, err := db.DevelopmentRecord(ctx, pat, tm.Peer.ID)
	if err != nil {
		t.Fatal(err)
	}
	f := d.Groups
	if f.Sessions != 3 || f.Minutes != 300 || f.Hours() != "5" || f.Since != "2026-11-05" || f.Last != "2026-11-19" || len(f.Groups) != 2 {
		t.Errorf("Pat's facilitation: %+v", f)
	}
	if d.Readiness.Facts.GroupSessions != 3 || d.Readiness.Facts.GroupSessionsLast != "2026-11-19" {
		t.Errorf("Pat's facts: %+v", d.Readiness.Facts)
	}
	od, err := db.DevelopmentRecord(ctx, sup, tm.OtherPeer.ID)
	if err != nil {
		t.Fatal(err)
	}
	if od.Groups.Sessions != 3 || od.Groups.Minutes != 270 || od.Groups.Hours() != "4.5" {
		t.Errorf("Olu's facilitation: %+v", od.Groups)
	}
	if dd, _ := db.DevelopmentRecord(ctx, sup, tm.Supervisor.ID); dd.Groups.Sessions != 0 {
		t.Errorf("the supervisor facilitated nothing: %+v", dd.Groups)
	}
}

// A chart that asks for facilitated group sessions counts them, on the
// worker's readiness and on the team page alike.
func TestAChartCanCountFacilitatedSessions(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Chart groups")
	admin, sup, pat := testkit.Actor(tm.Admin), testkit.Actor(tm.Supervisor), testkit.Actor(tm.Peer)
	v, err := db.ImportChart(ctx, admin, []byte(`{"id":"groups-chart","title":"Groups chart","version":"1","published":"2026-01","source":"ours",
 "stages":[{"key":"volunteer","name":"Volunteer"},{"key":"1","name":"Stage I"}],
 "items":[{"key":"v.groups","kind":"prerequisite","stage":"volunteer","track":"both","label":"Has facilitated peer support groups","strength":"required","met_by":{"group_sessions_facilitated":2}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChart(ctx, admin, v.ID); err != nil {
		t.Fatal(err)
	}
	missing := func() (int, string) {
		t.Helper()
		team, err := db.TeamDevelopment(ctx, sup, store.ScopeTeam, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range team.Members {
			if m.Worker.ID == tm.Peer.ID {
				return m.Missing, m.TargetName
			}
		}
		t.Fatal("Pat is not on the team page")
		return 0, ""
	}
	if n, target := missing(); n != 1 || target != "Volunteer" {
		t.Fatalf("before any session: %d missing at %q", n, target)
	}
	g, ps := groupWithMembers(t, db, tm, hearingVoices(tm.Peer.ID), "Maria Santos")
	for _, day := range []string{"2026-11-12", "2026-11-19"} {
		if _, err := db.RecordGroupSession(ctx, pat, g.ID, store.GroupSessionInput{HeldOn: day, Attendance: map[int64]string{ps[0].ID: "present"}}); err != nil {
			t.Fatal(err)
		}
	}
	_, rd, err := db.WorkerReadiness(ctx, pat, tm.Peer.ID)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := rd.Stage("volunteer")
	if len(st.Requirements) != 1 || st.Requirements[0].Status != "met" || !st.Ready || st.Requirements[0].Evidence[0].On != "2026-11-19" {
		t.Errorf("after two sessions: %+v", st)
	}
	if n, _ := missing(); n != 0 {
		t.Errorf("the team page still counts %d missing", n)
	}
}
