package browsertest

import (
	"testing"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestMergeTwoRecordsOnAPhone: a peer worker adds someone already supported
// by a colleague and sees nothing unusual; the supervisor finds the pair
// under Team, compares the records side by side, forgets the confirmation
// (told beside the box), then merges and lands on the kept record.
func TestMergeTwoRecordsOnAPhone(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Merge RLC")
	first, err := app.CreatePerson(t.Context(), testkit.Actor(tm.Peer), store.PersonInput{PreferredName: "Keisha Brown", Pronouns: "she/her"})
	if err != nil {
		t.Fatal(err)
	}

	tab := browser.NewTab(t, app.HTTP.URL)
	tab.Phone()
	tab.SignIn(tm.OtherPeer.Email)
	tab.Visit("/people/new")
	tab.Fill("#f-preferred_name", "keisha brown")
	tab.Submit("#person-form button[type=submit]")
	tab.MustSee("The person is added.", "keisha brown")
	tab.SignOut()

	tab.SignIn(tm.Supervisor.Email)
	tab.Visit("/team/duplicates")
	tab.MustSee("Possible duplicates", "Keisha Brown", "keisha brown")
	tab.Submit("main table a[href^='/team/duplicates/']")
	tab.MustSee("Compare two records", "Pat Peer", "Olu Otherpeer", "The record to keep")
	tab.Submit("main form[action$='/merge'] button[type=submit]")
	tab.MustSee("There is a problem", "Tick the box to confirm they are the same person.")
	tab.Check("#f-confirm")
	tab.Submit("main form[action$='/merge'] button[type=submit]")
	tab.MustSee("The records are merged", "Keisha Brown")
	if tab.Path() != "/people/"+itoa(first.ID) {
		t.Fatalf("after the merge: %s", tab.Path())
	}
}
