package browsertest

import (
	"testing"

	"peerpath/internal/testkit"
)

// TestFrameworkPages browses the chart as a peer worker and manages charts
// as an administrator, on a desktop and a phone; axe checks every page.
func TestFrameworkPages(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Chart RLC")
	tab := browser.NewTab(t, app.HTTP.URL)
	tab.Visit("/login")
	tab.Fill("#f-email", tm.Admin.Email)
	tab.Fill("#f-password", testkit.Password)
	tab.Submit("main form button[type=submit]")
	for _, phone := range []bool{false, true} {
		if phone {
			tab.Phone()
		}
		tab.Visit("/framework")
		tab.Check("#track-addiction")
		tab.Submit("main form.inline-form button")
		tab.MustSee("Recovery Coach required or preferred")
		tab.Click("#stage-2 details summary")
		tab.WaitText("#stage-2 details", "from Volunteer Peer Worker")
		tab.Axe()
		tab.Submit("#stage-2 a[href^='/framework/items/s2.prereq.peer-experience']")
		tab.MustSee("Replaces Previous peer support experience preferred")
		tab.Visit("/framework/compare?from=volunteer&to=3&track=mental-health")
		tab.MustSee("New at Stage III compared with Volunteer Peer Worker")
		tab.Visit("/admin/frameworks")
	}
	// A bad chart pasted in is explained item by item.
	tab.Fill("#f-text", `{"id":"x","title":"X","version":"1","stages":[{"key":"volunteer","name":"V"}],"items":[{"key":"a","kind":"skill","stage":"volunteer","track":"both","label":"A"}]}`)
	tab.Submit("main form[action='/admin/frameworks'] button[type=submit]")
	tab.MustSee("The chart was not loaded", "kind")
}
