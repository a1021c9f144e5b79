package browsertest

import (
	"strconv"
	"strings"
	"testing"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestCredentialJourney: signed out, someone checking a certificate finds
// the credential downloads and how to add it to a wallet; then drops the
// credential on the check page and sees it valid, and a copy altered by one
// character refused with the check that failed; on a phone too.
func TestCredentialJourney(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Credential RLC")
	f := makeICAN(t, app, tm)
	cohortID, err := strconv.ParseInt(idInPath.FindStringSubmatch(f.base)[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	rec := testkit.Must[store.ParticipantRecord](t)(app.Participant(t.Context(), testkit.Actor(tm.Admin), cohortID, f.kaiID))
	code := rec.Certificate.GroupedCode()
	cred := app.Client(t).Get("/api/v1/certificates/" + code + "/credential")
	if cred.Status != 200 {
		t.Fatalf("credential: %d", cred.Status)
	}

	tab := browser.NewTab(t, app.HTTP.URL)
	tab.BestPractice()
	tab.Visit("/verify/" + code)
	tab.MustSee("This certificate is valid.", "Download credential", "Download as JWT", "Add to wallet")
	tab.Click("main details summary")
	tab.MustSee("open your digital wallet")

	tab.Visit("/credentials/check")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("There is a problem", "Choose a credential file")
	setValue(tab, "#f-text", cred.Body)
	tab.Submit("main form button[type=submit]")
	tab.MustSee("This credential is valid.", "Kai Moreau", "Credential RLC", "Passed: signature", "Passed: status")
	tab.Visit("/credentials/check")
	setValue(tab, "#f-text", strings.Replace(cred.Body, "Kai Moreau", "Kai Moreaux", 1))
	tab.Submit("main form button[type=submit]")
	tab.MustSee("This credential is not valid: the signature check failed.", "Failed: signature")

	tab.Phone()
	tab.Visit("/verify/" + code)
	tab.Visit("/credentials/check")
}
