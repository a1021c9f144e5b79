package browsertest

import (
	"testing"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

func signIn(tab *Tab, u store.User) {
	tab.t.Helper()
	tab.Visit("/login")
	tab.Fill("#f-email", u.Email)
	tab.Fill("#f-password", testkit.Password)
	tab.Submit("main form button[type=submit]")
}

func signOut(tab *Tab) {
	tab.t.Helper()
	tab.SignOut()
}

// TestDevelopmentJourney is issue 5's journey: a peer worker records a
// training and asks for a sign-off; their supervisor signs it off and
// grants a waiver; the worker's readiness profile then shows the
// competency met and the waiver with who, when and why (on a phone too);
// the worker signs the Code of Ethics. axe checks every page.
func TestDevelopmentJourney(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Journey RLC")
	base := "/workers/" + itoa(tm.Peer.ID)
	tab := browser.NewTab(t, app.HTTP.URL)
	// A mental-health worker signs the one code for that track (issue 12).
	track := "mental-health"
	app.UpdateWorker(t.Context(), testkit.Actor(tm.Peer), tm.Peer.ID, store.WorkerUpdate{Track: &track})

	// The worker records a training from the chart.
	signIn(tab, tm.Peer)
	tab.MustSee("Your development", "Please read and sign the current version of each code of ethics")
	tab.Submit("header a[href='/development']")
	tab.MustSee("My development", "No trainings recorded yet")
	tab.Submit("main a[href='" + base + "/trainings/new']")
	tab.Select("#f-item_key", "v.train.wrap")
	tab.Fill("#f-provider", "Riverbend RLC")
	tab.Fill("#f-hours", "lots")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("There is a problem", "Enter the hours as a number")
	if v := tab.Eval(`document.querySelector("#f-provider").value`); v != "Riverbend RLC" {
		t.Fatalf("the provider typed was lost: %q", v)
	}
	tab.Fill("#f-hours", "12.5")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("The training is recorded.", "Wellness Recovery Action Plan classes (WRAP)", "12.5")

	// … and asks their supervisor to sign off a competency.
	tab.Visit("/development")
	tab.Submit("main a[href='" + base + "/signoff-requests/new']")
	tab.Select("#f-item_key", "s1.comp.empathic-listening")
	tab.Fill("#f-note", "I listened without fixing on the warmline; we talked it through in supervision.")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("Your request is sent to your supervisor.", "Waiting")
	signOut(tab)

	// The supervisor signs it off from their home page, and grants a waiver.
	signIn(tab, tm.Supervisor)
	tab.MustSee("Team development", "Pat Peer asks for a sign-off")
	tab.Submit("main a[href^='" + base + "/signoff-requests/']")
	tab.MustSee("Sign-off request from Pat Peer", "Empathic listening skills")
	tab.Fill("#f-note", "Reflected back what callers said, without advice.")
	tab.Submit("main form[action$='/sign-off'] button[type=submit]")
	tab.MustSee("The competency is signed off.", "Team development", "Pat Peer")
	tab.Visit(base)
	tab.Submit("main a[href='" + base + "/waivers/new']")
	tab.Select("#f-item_key", "v.prereq.cori")
	tab.Fill("#f-reason", "Grandfather clause: cleared under the RLC's earlier policy.")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("The waiver is recorded.", "Waived by Sam Supervisor")
	tab.Visit(base + "/plan")
	tab.Visit("/team/development")
	signOut(tab)

	// The worker sees the competency met and the waiver, with who, when and why.
	signIn(tab, tm.Peer)
	tab.Visit(base + "/readiness")
	tab.MustSee("Signed off by Sam Supervisor: Reflected back what callers said, without advice.",
		"Waived by Sam Supervisor on 23 Nov 2026: Grandfather clause: cleared under the RLC's earlier policy.")
	if got := tab.Text("#stage-1 li.req.met .req-label"); got == "" {
		t.Fatal("no competency is shown as met at Stage I")
	}
	tab.Phone()
	tab.Visit(base + "/readiness")
	tab.MustSee("Waived by Sam Supervisor")
	if w := tab.Eval(`String(document.querySelector(".profile-grid").scrollWidth <= window.innerWidth + 1)`); w != "true" {
		t.Fatal("on a phone the stages do not stack: the profile scrolls sideways")
	}
	tab.Visit("/development")
	tab.Visit(base + "/plan")

	// The worker signs the Code of Ethics.
	tab.Visit("/ethics")
	tab.MustSee("Five principles", "Fourteen commitments")
	tab.Fill("#f-typed_name", "pat peer")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("There is a problem", "Tick the box")
	tab.Check("#f-confirm")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("Thank you. Your signature is recorded.", "You signed this version")
	tab.Visit("/")
	tab.MustSee("You have signed the current version of each code for your track.")
}

// TestDevelopmentPagesAreAccessible visits the remaining development pages
// with data on them, as an administrator, on a desktop and a phone.
func TestDevelopmentPagesAreAccessible(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Access Dev RLC")
	ctx := t.Context()
	a := testkit.Actor(tm.Peer)
	credID, _ := app.AddCredential(ctx, a, tm.Peer.ID, store.NewCredential{Kind: "cps", Number: "CPS-1", Issuer: "Transformation Center", IssuedOn: "2025-01-05", ExpiresOn: "2026-12-20"})
	app.AddCEHours(ctx, a, tm.Peer.ID, credID, store.NewCEHours{CompletedOn: "2026-02-01", Title: "Ethics refresher", Hours: 300, EthicsHours: 300})
	app.AddRoleHeld(ctx, a, tm.Peer.ID, store.NewRoleHeld{Title: "Peer Specialist", From: "2024-01-01", Peer: true})
	app.AddSupervisionSession(ctx, a, tm.Peer.ID, store.NewSupervisionSession{HeldOn: "2026-11-02", Minutes: 60, Mode: store.ModeVideo, Topics: "Boundaries"})
	cid, _ := app.AddConsultation(ctx, a, tm.Peer.ID, "A task that conflicts with mutuality.")
	app.GiveGuidance(ctx, testkit.Actor(tm.Supervisor), tm.Peer.ID, cid, "Talk it through with the director.")
	base := "/workers/" + itoa(tm.Peer.ID)
	tab := browser.NewTab(t, app.HTTP.URL)
	signIn(tab, tm.Admin)
	for _, phone := range []bool{false, true} {
		if phone {
			tab.Phone()
		}
		for _, p := range []string{base, base + "/profile", base + "/roles/new", base + "/prerequisites/new", base + "/signoffs/new", base + "/waivers/new",
			base + "/credentials/new", base + "/credentials/" + itoa(credID), base + "/supervision", base + "/supervision/new", base + "/trainings",
			base + "/consultations", base + "/consultations/" + itoa(cid), "/admin/ethics", "/admin/credentials", "/team/development", "/ethics", "/"} {
			tab.Visit(p)
		}
	}
	// Forms with errors are accessible too.
	tab.Visit(base + "/credentials/new")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("There is a problem", "Enter the date the credential was issued.", "Name the body that granted the credential")
	tab.Visit("/admin/credentials")
	tab.Fill("#f-cps\\.hours", "many")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("There is a problem")
}
