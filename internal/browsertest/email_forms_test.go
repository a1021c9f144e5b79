package browsertest

import (
	"strings"
	"testing"
	"time"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestRecordACheckInOnAPhoneWithoutTouchingTheFormat (issue 16): a worker
// whose last contact was a group meets someone one-to-one. On a phone, the
// form's defaults (a check-in, one-to-one) save as they are: only the note
// is typed, and the check-in is recorded as one-to-one.
func TestRecordACheckInOnAPhoneWithoutTouchingTheFormat(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Checkin RLC")
	a := testkit.Actor(tm.Peer)
	p, err := app.CreatePerson(t.Context(), a, store.PersonInput{PreferredName: "Ana Lopes"})
	if err != nil {
		t.Fatal(err)
	}
	// The worker's last contact was a group meeting, by video.
	if _, err := app.AddContact(t.Context(), a, p.ID, store.ContactInput{OccurredAt: app.Clock.Now().Add(-time.Hour), DurationMinutes: 60, Format: "group", Mode: "video", Kind: "advocacy"}); err != nil {
		t.Fatal(err)
	}
	app.Clock.Advance(24 * time.Hour)

	tab := browser.NewTab(t, app.HTTP.URL)
	tab.Phone()
	tab.BestPractice()
	tab.SignIn(tm.Peer.Email)
	tab.Visit("/people/" + itoa(p.ID) + "/contacts/new")
	tab.MustSee("Record a contact with Ana Lopes", "Record it from the group")
	if k, f := tab.Eval(`document.querySelector("input[name=kind]:checked").value`), tab.Eval(`document.querySelector("input[name=format]:checked").value`); k != "check_in" || f != "individual" {
		t.Fatalf("defaults: kind %q, format %q; want a one-to-one check-in", k, f)
	}
	if n := tab.Eval(`String(document.querySelectorAll("input[name=kind][value=group_session]").length)`); n != "0" {
		t.Fatal("the one-to-one form offers the group-session kind; group sessions are recorded from the group")
	}
	typeInto(tab, "#f-note", "Talked about the job interview on Friday.")
	tab.Submit("main form.contact-form button[type=submit]:not([name])")
	tab.MustSee("The contact is saved.")
	cs, err := app.ListContacts(t.Context(), a, p.ID, store.Page{})
	if err != nil || len(cs.Items) != 2 {
		t.Fatalf("contacts: %+v %v", cs.Items, err)
	}
	if c := cs.Items[0]; c.Kind != "check_in" || c.Format != "individual" || !strings.Contains(c.Note, "job interview") {
		t.Fatalf("the check-in was saved as %s/%s", c.Kind, c.Format)
	}
}

// TestEveryonePresentOnAGroupSession (issue 16): the facilitator opens a new
// session on a Monday morning; the form suggests last Thursday's session
// (one that has begun, so it saves), "Everyone present" marks the four
// members in one tap, one exception is changed, and the session saves.
func TestEveryonePresentOnAGroupSession(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Everyone RLC")
	g, people := groupJourney(t, app, tm)
	tab := browser.NewTab(t, app.HTTP.URL)
	tab.Phone()
	tab.BestPractice()
	tab.SignIn(tm.Peer.Email)
	tab.Visit("/groups/" + itoa(g.ID) + "/sessions/new")
	tab.MustSee("Record a session of Thursday Hearing Voices", "Everyone present")
	if d, s := tab.Eval(`document.querySelector("#f-held_on").value`), tab.Eval(`document.querySelector("#f-starts_at").value`); d != "2026-11-19" || s != "18:00" {
		t.Fatalf("suggested %s %s; want the last Thursday session that has begun, 2026-11-19 18:00", d, s)
	}
	tab.Click("button[data-mark-all]")
	tab.WaitText("[data-mark-all-status]", "4 members are marked present")
	for _, p := range people {
		if v := tab.Eval(`(() => { const e = document.querySelector("input[name=attendance_` + itoa(p.ID) + `]:checked"); return e ? e.value : ""; })()`); v != "present" {
			t.Fatalf("%s is %q after Everyone present", p.PreferredName, v)
		}
	}
	tab.Check("#att-" + itoa(people[3].ID) + "-absent")
	tab.Axe()
	tab.Submit("form.group-session-form button[type=submit]:not([name])")
	tab.MustSee("The session is recorded.", "3 present", "1 absent")
}
