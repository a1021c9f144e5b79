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
