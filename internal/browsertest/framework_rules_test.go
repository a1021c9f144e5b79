package browsertest

import (
	"testing"

	"peerpath/internal/auth"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestChooseTrackAndSignRSCCode is issue 12's journey: a worker invited
// without a track is asked for one at first sign-in, chooses the addiction
// track (a mistake first: no choice), sees their readiness, and signs their
// Recovery Support Center's code of conduct, which meets the RSC item and
// not the CPS one. The administrator's pages for the codes and for the
// organisation's reading of the chart are visited too. axe checks every
// page, on a desktop and a phone.
func TestChooseTrackAndSignRSCCode(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Harbor RSC")
	rae := app.MakeUserWith(t, store.NewUser{OrgID: tm.Org.ID, Email: "rae@harbor.test", Name: "Rae Santos", Roles: []auth.Role{auth.RolePeer}, SupervisorID: tm.Supervisor.ID, Track: testkit.NoTrack})
	base := "/workers/" + itoa(rae.ID)
	tab := browser.NewTab(t, app.HTTP.URL)

	signIn(tab, rae)
	tab.MustSee("Your development", "Choose your track")
	tab.Submit("main a[href='" + base + "/readiness#h-track']")
	tab.MustSee("Choose a track", "peerpath never assumes one")
	shot(tab, "choose-track")
	tab.Submit("main form[action='" + base + "/track'] button[type=submit]")
	tab.MustSee("There is a problem", "Choose a track: mental health, addiction, or both.")
	tab.Check("#track-addiction")
	tab.Submit("main form[action='" + base + "/track'] button[type=submit]")
	tab.MustSee("The track is saved.", "Every stage side by side, on the", "Demonstrate understanding and adherence to RSC code of ethics/conduct")

	// The ethics page opens on the code for the track: the RSC code.
	tab.Visit("/ethics")
	tab.MustSee("Recovery Support Center code of ethics/conduct", "placeholder", "To sign", "Not for your track")
	shot(tab, "ethics-rsc")
	tab.Fill("#f-typed_name", "rae santos")
	tab.Check("#f-confirm")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("Thank you. Your signature is recorded.", "You signed this version")
	tab.Visit(base + "/readiness")
	if got := tab.Eval(`(() => { for (const li of document.querySelectorAll("#stage-1 li.req")) { if (li.innerText.includes("RSC code of ethics/conduct")) return li.className; } return ""; })()`); got != "req met" {
		t.Fatalf("the RSC item at Stage I is %q, want met", got)
	}
	tab.Visit("/")
	tab.MustSee("You have signed the current version of each code for your track.")
	tab.Phone()
	tab.Visit("/ethics?code=cps")
	tab.MustSee("This code is not for your track")
	signOut(tab)

	// The administrator's pages.
	signIn(tab, tm.Admin)
	for _, p := range []string{base + "/readiness", "/admin/ethics?code=rsc", "/admin/framework-choices"} {
		tab.Visit(p)
	}
	shot(tab, "framework-choices")
	tab.Check("#applies-v\\.prereq\\.cori-yes")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("Your organisation's choices are saved.")
}
