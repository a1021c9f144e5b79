package store_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// addPerson adds a person as actor a, failing the test on error.
func addPerson(t *testing.T, db *testkit.DB, a store.Actor, name string) store.Person {
	t.Helper()
	p, err := db.CreatePerson(ctx, a, store.PersonInput{PreferredName: name})
	if err != nil {
		t.Fatalf("adding %s: %v", name, err)
	}
	return p
}

func TestWhoSeesAPerson(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Riverbend")
	other := db.NewTeam(t, "Harbor")
	p := addPerson(t, db, testkit.Actor(tm.Peer), "Maria")
	if len(p.Workers) != 1 || p.Workers[0].ID != tm.Peer.ID {
		t.Fatalf("a person added by a peer worker is assigned to them: %+v", p.Workers)
	}
	// A supervisor outside the team: same organisation, not Pat's supervisor.
	outsider := db.MakeUser(t, tm.Org.ID, "ola@riverbend.test", "Ola Outside", auth.RoleSupervisor)
	sees := map[string]store.User{"assigned worker": tm.Peer, "their supervisor": tm.Supervisor, "administrator": tm.Admin}
	blind := map[string]store.User{
		"another peer worker": tm.OtherPeer, "another supervisor": outsider, "a trainer": tm.Trainer,
		"another organisation's admin": other.Admin, "another organisation's peer": other.Peer,
	}
	for who, u := range sees {
		a := testkit.Actor(u)
		if _, err := db.Person(ctx, a, p.ID); err != nil {
			t.Errorf("%s cannot read the person: %v", who, err)
		}
		if _, err := db.AddContact(ctx, a, p.ID, store.ContactInput{OccurredAt: db.Clock.Now(), DurationMinutes: 10, Format: "individual", Mode: "phone", Kind: "check_in"}); err != nil {
			t.Errorf("%s cannot record a contact: %v", who, err)
		}
		l, err := db.ListPeople(ctx, a, store.PeopleFilter{}, store.Page{})
		if err != nil || len(l.Items) != 1 {
			t.Errorf("%s lists %d people (%v), want 1", who, len(l.Items), err)
		}
	}
	for who, u := range blind {
		a := testkit.Actor(u)
		if _, err := db.Person(ctx, a, p.ID); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s reading the person: %v, want not found", who, err)
		}
		if _, err := db.PersonRecord(ctx, a, p.ID); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s reading the record: %v, want not found", who, err)
		}
		if _, err := db.AddContact(ctx, a, p.ID, store.ContactInput{OccurredAt: db.Clock.Now(), DurationMinutes: 10, Format: "individual", Mode: "phone", Kind: "check_in"}); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s recording a contact: %v, want not found", who, err)
		}
		if _, err := db.ListContacts(ctx, a, p.ID, store.Page{}); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s listing contacts: %v, want not found", who, err)
		}
		if _, err := db.UpdatePerson(ctx, a, p.ID, store.PersonPatch{PreferredName: ptr("Changed")}); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s changing the person: %v, want not found", who, err)
		}
		if _, err := db.AddGoal(ctx, a, p.ID, store.GoalInput{Text: "x", LifeArea: "home"}); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s adding a goal: %v, want not found", who, err)
		}
		if _, err := db.CreateReferral(ctx, a, store.ReferralInput{PersonID: p.ID, ResourceName: "Somewhere"}); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s making a referral: %v, want not found", who, err)
		}
		if _, err := db.RecordConsent(ctx, a, p.ID, store.ConsentInput{GivenOn: db.Today(), Covers: "peer support"}); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s recording consent: %v, want not found", who, err)
		}
		if l, err := db.ListPeople(ctx, a, store.PeopleFilter{Status: store.ShowAll}, store.Page{}); err != nil || len(l.Items) != 0 {
			t.Errorf("%s lists %d people (%v), want none", who, len(l.Items), err)
		}
	}
	// The contacts recorded above are not readable one by one by outsiders either.
	cs, _ := db.ListContacts(ctx, testkit.Actor(tm.Peer), p.ID, store.Page{})
	if len(cs.Items) != 3 {
		t.Fatalf("%d contacts, want 3", len(cs.Items))
	}
	if _, err := db.Contact(ctx, testkit.Actor(tm.OtherPeer), cs.Items[0].ID); core.KindOf(err) != core.KindNotFound {
		t.Errorf("another peer worker reading a contact: %v", err)
	}
	if _, err := db.Contact(ctx, testkit.Actor(other.Admin), cs.Items[0].ID); core.KindOf(err) != core.KindNotFound {
		t.Errorf("another organisation reading a contact: %v", err)
	}
	// Reassigning to Olu moves the person to Olu's list and off Pat's.
	if _, err := db.UpdatePerson(ctx, testkit.Actor(tm.Peer), p.ID, store.PersonPatch{WorkerIDs: &[]int64{tm.OtherPeer.ID}}); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a peer worker reassigning: %v, want forbidden", err)
	}
	if _, err := db.UpdatePerson(ctx, testkit.Actor(tm.Supervisor), p.ID, store.PersonPatch{WorkerIDs: &[]int64{tm.OtherPeer.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Person(ctx, testkit.Actor(tm.OtherPeer), p.ID); err != nil {
		t.Errorf("the newly assigned worker: %v", err)
	}
	if _, err := db.Person(ctx, testkit.Actor(tm.Peer), p.ID); core.KindOf(err) != core.KindNotFound {
		t.Errorf("the worker no longer assigned: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestAssigningWorkers(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Assign")
	other := db.NewTeam(t, "Elsewhere")
	sup := testkit.Actor(tm.Supervisor)
	cases := map[string][]int64{
		"nobody":                   nil,
		"a trainer":                {tm.Trainer.ID},
		"another organisation's":   {other.Peer.ID},
		"one good, one from afar":  {tm.Peer.ID, other.Peer.ID},
		"a user that is not there": {999999},
	}
	for name, ids := range cases {
		_, err := db.CreatePerson(ctx, sup, store.PersonInput{PreferredName: "Dee", WorkerIDs: ids})
		if e, ok := core.As(err); !ok || e.Fields["assigned_worker_ids"] == "" {
			t.Errorf("%s: %v, want a message on assigned_worker_ids", name, err)
		}
	}
	p, err := db.CreatePerson(ctx, sup, store.PersonInput{PreferredName: "Dee", WorkerIDs: []int64{tm.Peer.ID, tm.OtherPeer.ID}})
	if err != nil || len(p.Workers) != 2 {
		t.Fatalf("two workers: %+v %v", p.Workers, err)
	}
	// A trainer cannot add people at all.
	if _, err := db.CreatePerson(ctx, testkit.Actor(tm.Trainer), store.PersonInput{PreferredName: "Eve"}); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a trainer adding a person: %v", err)
	}
	// A peer worker who names others is still only assigned themselves.
	q, err := db.CreatePerson(ctx, testkit.Actor(tm.Peer), store.PersonInput{PreferredName: "Fay", WorkerIDs: []int64{tm.OtherPeer.ID}})
	if err != nil || len(q.Workers) != 1 || q.Workers[0].ID != tm.Peer.ID {
		t.Fatalf("a peer worker naming others: %+v %v", q.Workers, err)
	}
}

func TestPersonValidation(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Valid")
	a := testkit.Actor(tm.Peer)
	cases := []struct {
		in    store.PersonInput
		field string
	}{
		{store.PersonInput{PreferredName: "  "}, "preferred_name"},
		{store.PersonInput{PreferredName: "A", BornOn: "31/12/1980"}, "date_of_birth"},
		{store.PersonInput{PreferredName: "A", BornOn: "2030-01-01"}, "date_of_birth"},
		{store.PersonInput{PreferredName: "A", Email: "not an email"}, "email"},
		{store.PersonInput{PreferredName: "A", Phone: "call me"}, "phone"},
		{store.PersonInput{PreferredName: "A", OkayToContact: []string{"pigeon"}}, "okay_to_contact"},
		{store.PersonInput{PreferredName: "A", OkayToContact: []string{"text"}}, "okay_to_contact"},
		{store.PersonInput{PreferredName: "A", CheckInEveryDays: 91}, "check_in_every_days"},
		{store.PersonInput{PreferredName: "A", CheckInEveryDays: -1}, "check_in_every_days"},
	}
	for _, c := range cases {
		_, err := db.CreatePerson(ctx, a, c.in)
		if e, ok := core.As(err); !ok || e.Kind != core.KindInvalid || e.Fields[c.field] == "" {
			t.Errorf("%+v: %v, want invalid %s", c.in, err, c.field)
		}
	}
	p, err := db.CreatePerson(ctx, a, store.PersonInput{PreferredName: " Ana ", Phone: "617-555-0142", OkayToContact: []string{"text", "phone_call"},
		Email: "Ana@Example.org", Programmes: []string{"Peer bridger", " peer  bridger ", "Peer bridger", "Young adult"}, Pronouns: "she/her"})
	if err != nil {
		t.Fatal(err)
	}
	if p.PreferredName != "Ana" || p.Email != "ana@example.org" || strings.Join(p.OkayToContact, ",") != "phone_call,text" || len(p.Programmes) != 3 {
		t.Fatalf("cleaned: %+v", p)
	}
	closing := store.StatusClosed
	if _, err := db.UpdatePerson(ctx, a, p.ID, store.PersonPatch{Status: &closing}); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("closing without a reason: %v", err)
	}
	p, err = db.UpdatePerson(ctx, a, p.ID, store.PersonPatch{Status: &closing, ClosedReason: ptr("Moved to be near her sister.")})
	if err != nil || p.Status != store.StatusClosed || p.ClosedReason == "" {
		t.Fatalf("closing: %+v %v", p, err)
	}
}

func TestCheckInsFallDueAndGoOverdue(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Rhythm")
	a := testkit.Actor(tm.Peer)
	// The clock starts on Monday 23 November 2026, 9:00 in Boston.
	weekly := addPerson(t, db, a, "Weekly Wren")
	fortnightly, _ := db.CreatePerson(ctx, a, store.PersonInput{PreferredName: "Fortnightly Finn", CheckInEveryDays: 14})
	if weekly.CheckInDueOn != "2026-11-30" || fortnightly.CheckInDueOn != "2026-12-07" {
		t.Fatalf("first check-ins due %s and %s", weekly.CheckInDueOn, fortnightly.CheckInDueOn)
	}
	overdue := func() []string {
		l, err := db.ListPeople(ctx, a, store.PeopleFilter{Overdue: true}, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, r := range l.Items {
			names = append(names, r.PreferredName)
		}
		return names
	}
	db.Clock.Advance(7 * 24 * time.Hour) // Monday 30 November: due today, not overdue
	if got := overdue(); len(got) != 0 {
		t.Fatalf("overdue on the due day: %v", got)
	}
	db.Clock.Advance(24 * time.Hour) // Tuesday 1 December
	if got := overdue(); len(got) != 1 || got[0] != "Weekly Wren" {
		t.Fatalf("overdue the day after: %v", got)
	}
	// A contact of any kind and mode moves the check-in on from its own date.
	if _, err := db.AddContact(ctx, a, weekly.ID, store.ContactInput{OccurredAt: db.Clock.Now().Add(-2 * time.Hour), DurationMinutes: 5, Format: "individual", Mode: "text", Kind: "advocacy"}); err != nil {
		t.Fatal(err)
	}
	if got := overdue(); len(got) != 0 {
		t.Fatalf("still overdue after a contact: %v", got)
	}
	p, _ := db.Person(ctx, a, weekly.ID)
	if p.CheckInDueOn != "2026-12-08" || p.LastContactAt.IsZero() {
		t.Fatalf("after the contact: due %s, last %v", p.CheckInDueOn, p.LastContactAt)
	}
	// Deleting that contact puts the person back where they were.
	cs, _ := db.ListContacts(ctx, a, weekly.ID, store.Page{})
	if _, err := db.DeleteContact(ctx, a, cs.Items[0].ID); err != nil {
		t.Fatal(err)
	}
	if got := overdue(); len(got) != 1 {
		t.Fatalf("after deleting the only contact: %v", got)
	}
	// People on hold are never overdue; coming back starts the rhythm afresh.
	onHold := store.StatusOnHold
	if _, err := db.UpdatePerson(ctx, a, weekly.ID, store.PersonPatch{Status: &onHold}); err != nil {
		t.Fatal(err)
	}
	if got := overdue(); len(got) != 0 {
		t.Fatalf("on hold but overdue: %v", got)
	}
	db.Clock.Advance(30 * 24 * time.Hour)
	active := store.StatusActive
	p, err := db.UpdatePerson(ctx, a, weekly.ID, store.PersonPatch{Status: &active})
	if err != nil || p.Overdue(db.Today()) || p.CheckInDueOn != "2027-01-07" {
		t.Fatalf("back from a pause: due %s %v", p.CheckInDueOn, err)
	}
	// Fortnightly Finn, with no contact at all, is overdue now; the list
	// puts the overdue first.
	l, _ := db.ListPeople(ctx, a, store.PeopleFilter{}, store.Page{})
	if len(l.Items) != 2 || l.Items[0].PreferredName != "Fortnightly Finn" || !l.Items[0].Overdue(db.Today()) {
		t.Fatalf("order: %+v", l.Items)
	}
	// Changing the rhythm recomputes the due date.
	p, _ = db.UpdatePerson(ctx, a, weekly.ID, store.PersonPatch{CheckInEveryDays: ptr(3)})
	if p.CheckInDueOn != "2027-01-03" {
		t.Fatalf("every 3 days: due %s", p.CheckInDueOn)
	}
}

func TestContactRules(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Contacts")
	a := testkit.Actor(tm.Peer)
	p := addPerson(t, db, a, "Kit")
	now := db.Clock.Now()
	good := store.ContactInput{OccurredAt: now, DurationMinutes: 30, Format: "individual", Mode: "in_person", Kind: "check_in", Note: "Talked about the garden."}
	bad := map[string]func(*store.ContactInput){
		"occurred_at":      func(c *store.ContactInput) { c.OccurredAt = now.Add(24 * time.Hour) },
		"duration_minutes": func(c *store.ContactInput) { c.DurationMinutes = -5 },
		"format":           func(c *store.ContactInput) { c.Format = "pair" },
		"mode":             func(c *store.ContactInput) { c.Mode = "carrier pigeon" },
		"kind":             func(c *store.ContactInput) { c.Kind = "therapy" },
	}
	for field, spoil := range bad {
		in := good
		spoil(&in)
		_, err := db.AddContact(ctx, a, p.ID, in)
		if e, ok := core.As(err); !ok || e.Kind != core.KindInvalid || e.Fields[field] == "" {
			t.Errorf("bad %s: %v", field, err)
		}
	}
	// A few minutes ahead is forgiven (a phone's clock).
	in := good
	in.OccurredAt = now.Add(2 * time.Minute)
	c, err := db.AddContact(ctx, a, p.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	// The form remembers the worker's last way of meeting.
	in.Mode, in.Format = "video", "group"
	if _, err := db.AddContact(ctx, a, p.ID, in); err != nil {
		t.Fatal(err)
	}
	if f, m, _ := db.LastContactStyle(ctx, a); f != "group" || m != "video" {
		t.Fatalf("last style %s %s", f, m)
	}
	if f, m, _ := db.LastContactStyle(ctx, testkit.Actor(tm.OtherPeer)); f != store.DefaultFormat || m != store.DefaultMode {
		t.Fatalf("defaults for a worker with no contacts: %s %s", f, m)
	}
	// Only the worker who recorded a contact (or a supervisor) rewrites it.
	if _, err := db.UpdatePerson(ctx, testkit.Actor(tm.Admin), p.ID, store.PersonPatch{WorkerIDs: &[]int64{tm.Peer.ID, tm.OtherPeer.ID}}); err != nil {
		t.Fatal(err)
	}
	edit := good
	edit.Note = "Rewritten by someone else."
	if _, err := db.UpdateContact(ctx, testkit.Actor(tm.OtherPeer), c.ID, edit); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("another assigned worker rewriting a note: %v", err)
	}
	if _, err := db.UpdateContact(ctx, testkit.Actor(tm.Supervisor), c.ID, edit); err != nil {
		t.Fatalf("the supervisor correcting a note: %v", err)
	}
	// Every read and change is in the audit log, without the note's words.
	l, _ := db.ListAudit(ctx, tm.Org.ID, store.AuditFilter{RecordType: "contact"}, store.Page{})
	if len(l.Items) < 3 {
		t.Fatalf("%d contact entries in the audit log", len(l.Items))
	}
	for _, e := range l.Items {
		if strings.Contains(e.Detail, "garden") || strings.Contains(e.Detail, "Rewritten") {
			t.Fatalf("the audit log holds a note: %q", e.Detail)
		}
	}
	db.Person(ctx, testkit.Actor(tm.Supervisor), p.ID)
	reads, _ := db.ListAudit(ctx, tm.Org.ID, store.AuditFilter{RecordType: "person", RecordID: itoa(p.ID), UserID: tm.Supervisor.ID}, store.Page{})
	if len(reads.Items) == 0 || reads.Items[0].Action != "read" {
		t.Fatalf("the supervisor's read is not audited: %+v", reads.Items)
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func TestPeopleListPagesAndSearch(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Pages")
	a := testkit.Actor(tm.Peer)
	names := []string{"Amara", "Bea", "Cruz", "Dev", "Eli", "Fen", "Gus"}
	for _, n := range names {
		addPerson(t, db, a, n)
		db.Clock.Advance(time.Hour)
	}
	addPerson(t, db, testkit.Actor(tm.OtherPeer), "Zed") // not Pat's
	seen := map[int64]bool{}
	cursor := ""
	for {
		l, err := db.ListPeople(ctx, a, store.PeopleFilter{}, store.Page{Limit: 3, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range l.Items {
			if seen[r.ID] {
				t.Fatalf("%s on two pages", r.PreferredName)
			}
			seen[r.ID] = true
		}
		if cursor = l.Next; cursor == "" {
			break
		}
	}
	if len(seen) != len(names) {
		t.Fatalf("paged through %d people, want %d", len(seen), len(names))
	}
	l, _ := db.ListPeople(ctx, a, store.PeopleFilter{Query: "E"}, store.Page{})
	if len(l.Items) != 4 { // Bea, Dev, Eli, Fen
		t.Fatalf("search for e: %d", len(l.Items))
	}
	l, _ = db.ListPeople(ctx, a, store.PeopleFilter{Query: "zed"}, store.Page{})
	if len(l.Items) != 0 {
		t.Fatal("search found someone the worker does not support")
	}
	l, _ = db.ListPeople(ctx, a, store.PeopleFilter{Query: "100%_"}, store.Page{})
	if len(l.Items) != 0 {
		t.Fatal("LIKE wildcards in a search were not taken literally")
	}
	if _, err := db.ListPeople(ctx, a, store.PeopleFilter{Status: "gone"}, store.Page{}); core.KindOf(err) != core.KindMalformed {
		t.Fatalf("unknown status: %v", err)
	}
}

func TestSupportedSince(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Since")
	a := testkit.Actor(tm.Peer)
	p, err := db.CreatePerson(ctx, a, store.PersonInput{PreferredName: "Long-time", SupportedSince: "2026-11-10"})
	if err != nil || p.CheckInDueOn != "2026-11-17" || !p.Overdue(db.Today()) {
		t.Fatalf("supported since 10 November: due %s %v", p.CheckInDueOn, err)
	}
	for _, bad := range []string{"2026-12-01", "last year", "1899-01-01"} {
		if _, err := db.CreatePerson(ctx, a, store.PersonInput{PreferredName: "X" + bad, SupportedSince: bad}); fieldErr(err) != "supported_since" {
			t.Errorf("supported since %q: %v", bad, err)
		}
	}
}

func TestHandingOverAWorkersPeople(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Handover")
	other := db.NewTeam(t, "Handover elsewhere")
	admin, sup := testkit.Actor(tm.Admin), testkit.Actor(tm.Supervisor)
	mk := func(name string, workers ...int64) store.Person {
		return testkit.Must[store.Person](t)(db.CreatePerson(ctx, sup, store.PersonInput{PreferredName: name, WorkerIDs: workers}))
	}
	ana, ben := mk("Ana", tm.Peer.ID), mk("Ben", tm.Peer.ID, tm.OtherPeer.ID)
	cal := mk("Cal", tm.Peer.ID)
	testkit.Must[store.Person](t)(db.UpdatePerson(ctx, sup, cal.ID, store.PersonPatch{Status: ptr(store.StatusClosed), ClosedReason: ptr("Moved to Springfield")}))
	mk("Dee", tm.OtherPeer.ID)

	if err := db.SetUserActive(ctx, admin, tm.Peer.ID, false); err != nil {
		t.Fatal(err)
	}
	stranded := testkit.Must[[]store.StrandedWorker](t)(db.StrandedWorkers(ctx, tm.Org.ID))
	if len(stranded) != 1 || stranded[0].ID != tm.Peer.ID || stranded[0].People != 2 {
		t.Fatalf("stranded: %+v (want Pat with Ana and Ben; Cal's record is closed)", stranded)
	}
	if l := testkit.Must[[]store.StrandedWorker](t)(db.StrandedWorkers(ctx, other.Org.ID)); len(l) != 0 {
		t.Fatalf("another organisation sees %+v", l)
	}
	// Refusals: not an admin, nobody, the same worker, a trainer, a deactivated
	// worker, another organisation's worker or user.
	if _, err := db.HandOver(ctx, testkit.Actor(tm.OtherPeer), tm.Peer.ID, tm.OtherPeer.ID); core.KindOf(err) != core.KindForbidden {
		t.Errorf("a peer worker handing over: %v", err)
	}
	if _, err := db.HandOver(ctx, testkit.Actor(tm.Trainer), tm.Peer.ID, tm.OtherPeer.ID); core.KindOf(err) != core.KindForbidden {
		t.Errorf("a trainer handing over: %v", err)
	}
	for name, to := range map[string]int64{"nobody": 0, "the same": tm.Peer.ID, "a trainer": tm.Trainer.ID, "another organisation's": other.Peer.ID} {
		if _, err := db.HandOver(ctx, admin, tm.Peer.ID, to); core.KindOf(err) != core.KindInvalid {
			t.Errorf("handing over to %s: %v", name, err)
		}
	}
	if _, err := db.HandOver(ctx, testkit.Actor(other.Admin), tm.Peer.ID, other.Peer.ID); core.KindOf(err) != core.KindNotFound {
		t.Errorf("another organisation's admin: %v", err)
	}
	n := testkit.Must[int](t)(db.HandOver(ctx, admin, tm.Peer.ID, tm.OtherPeer.ID))
	if n != 2 {
		t.Fatalf("moved %d people, want 2", n)
	}
	for _, p := range []store.Person{ana, ben} {
		got := testkit.Must[store.Person](t)(db.Person(ctx, testkit.Actor(tm.OtherPeer), p.ID))
		if len(got.Workers) != 1 || got.Workers[0].ID != tm.OtherPeer.ID {
			t.Errorf("%s's workers after the handover: %+v", p.PreferredName, got.Workers)
		}
	}
	closed := testkit.Must[store.Person](t)(db.Person(ctx, admin, cal.ID))
	if len(closed.Workers) != 1 || closed.Workers[0].ID != tm.Peer.ID {
		t.Errorf("a closed record's worker changed: %+v", closed.Workers)
	}
	if l := testkit.Must[[]store.StrandedWorker](t)(db.StrandedWorkers(ctx, tm.Org.ID)); len(l) != 0 {
		t.Fatalf("still stranded: %+v", l)
	}
	if c := testkit.Must[int](t)(db.OpenPeopleCount(ctx, tm.Org.ID, tm.OtherPeer.ID)); c != 3 {
		t.Fatalf("Olu supports %d open people, want 3", c)
	}
	l, _ := db.ListAudit(ctx, tm.Org.ID, store.AuditFilter{RecordType: "person", RecordID: strconv.FormatInt(ana.ID, 10), UserID: tm.Admin.ID}, store.Page{})
	if len(l.Items) != 1 || l.Items[0].Action != "update" || !strings.HasPrefix(l.Items[0].Detail, "handed over") {
		t.Fatalf("the handover is not audited: %+v", l.Items)
	}
}
