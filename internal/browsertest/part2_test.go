package browsertest

import (
	"testing"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestPart2ConsentAndDisclosureOnAPhone: a peer worker records a Part 2
// consent with Ana, forgets the purpose and the end (told beside the
// fields, typed values kept), then records it; a disclosure to someone the
// consent does not name is refused, one to the named clinic is recorded;
// after Ana revokes the consent, the same disclosure is refused at once.
func TestPart2ConsentAndDisclosureOnAPhone(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Part Two RLC")
	p, err := app.CreatePerson(t.Context(), testkit.Actor(tm.Peer), store.PersonInput{PreferredName: "Ana Lima"})
	if err != nil {
		t.Fatal(err)
	}
	base := "/people/" + itoa(p.ID)

	tab := browser.NewTab(t, app.HTTP.URL)
	tab.Phone()
	tab.BestPractice()
	tab.SignIn(tm.Peer.Email)
	tab.Visit(base)
	tab.MustSee("Sharing records (42 CFR Part 2)")
	tab.Submit("main a[href='" + base + "/consents']")
	tab.MustSee("Consents of Ana Lima", "No consent is recorded yet.")
	tab.Submit("main a[href='" + base + "/consents/new']")
	tab.Fill("#f-discloser", "Harbor Peer Support")
	tab.Fill("#f-information", "The dates I attended and whether I am taking part")
	tab.Fill("#f-recipient", "Codman Square Health Center")
	tab.Fill("#f-signed_name", "Ana Lima")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("There is a problem", "Say why the information may be disclosed.", "Give the day this consent ends, or the event that ends it.")
	if v := tab.Eval(`document.querySelector("#f-recipient").value`); v != "Codman Square Health Center" {
		t.Fatalf("the recipient typed was not kept: %q", v)
	}
	tab.Fill("#f-purpose", "Coordinate my care")
	tab.Fill("#f-expiry_event", "When I stop coming to peer support")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("The consent is recorded.", "Codman Square Health Center", "Version 1", "In effect")

	tab.Visit(base + "/disclosures")
	tab.Fill("#f-recipient", "Boston Housing Authority")
	tab.Fill("#f-purpose", "Coordinate my care")
	tab.Fill("#f-information", "Attendance dates")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("There is a problem", "Missing: consent to disclose to “Boston Housing Authority”")
	tab.Fill("#f-recipient", "Codman Square Health Center")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("The disclosure is recorded.", "Codman Square Health Center", "Print the notice")

	tab.Visit(base + "/consents")
	tab.Click("main details summary")
	tab.Fill("#f-note", "Ana asked on the phone")
	tab.Submit("main form[action$='/revoke'] button[type=submit]")
	tab.MustSee("The revocation is recorded", "Revoked on")

	tab.Visit(base + "/disclosures")
	tab.Fill("#f-recipient", "Codman Square Health Center")
	tab.Fill("#f-purpose", "Coordinate my care")
	tab.Fill("#f-information", "Attendance dates")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("There is a problem", "was revoked on")

	tab.Visit(base + "/disclosures/accounting")
	tab.MustSee("Accounting of disclosures: Ana Lima", "Codman Square Health Center")
}
