package browsertest

import (
	"strings"
	"testing"
	"time"

	"peerpath/internal/auth"
	"peerpath/internal/i18n"
	"peerpath/internal/testkit"
)

// TestSetupSignInSecondFactorSignOut is the first journey of a new
// installation: the one-time setup link, signing in, enrolling a second
// factor, signing out; and a wrong password shows the message.
func TestSetupSignInSecondFactorSignOut(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	token, err := app.CreateSetupToken(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	tab := browser.NewTab(t, app.HTTP.URL)

	tab.Visit("/setup?token=" + token)
	tab.Fill("#f-org", "Harbor Recovery Learning Community")
	tab.Fill("#f-name", "Ana Lucía Pérez")
	tab.Fill("#f-email", "ana@harbor.test")
	tab.Fill("#f-password", "short")
	tab.Fill("#f-password_again", "short")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("There is a problem", "Use at least 12 characters")
	if v := tab.Eval(`document.querySelector("#f-org").value`); v != "Harbor Recovery Learning Community" {
		t.Fatalf("the organisation name typed was lost: %q", v)
	}
	tab.Fill("#f-password", "harbor lights at dawn")
	tab.Fill("#f-password_again", "harbor lights at dawn")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("Hello, Ana Lucía Pérez", "invite your team")

	// Enrol a second factor.
	tab.Visit("/settings/security")
	tab.Submit("main form[action='/settings/security/totp'] button")
	secret := tab.Text("#totp-key")
	code, _ := auth.TOTPCode(secret, app.Clock.Now())
	tab.Fill("#f-code", code)
	tab.Submit("main form button[type=submit]")
	tab.MustSee("Your recovery codes", "only time peerpath shows them")
	tab.Submit("main a.button")
	tab.MustSee("On")

	// Sign out.
	tab.SignOut()
	tab.MustSee("You have signed out.", "Sign in to peerpath")

	// A wrong password shows the message, and keeps the email.
	tab.Fill("#f-email", "ana@harbor.test")
	tab.Fill("#f-password", "not my password at all")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("The email address or password is not right.")
	if v := tab.Eval(`document.querySelector("#f-email").value`); v != "ana@harbor.test" {
		t.Fatalf("email lost after a failed sign-in: %q", v)
	}

	// The right password then asks for the second factor.
	tab.Fill("#f-password", "harbor lights at dawn")
	tab.Submit("main form button[type=submit]")
	if !strings.HasPrefix(tab.Path(), "/login/second-factor") {
		t.Fatalf("after the password: %s", tab.Path())
	}
	app.Clock.Advance(time.Minute)
	code, _ = auth.TOTPCode(secret, app.Clock.Now())
	tab.Fill("#f-code", code)
	tab.Submit("main form button[type=submit]")
	tab.MustSee("Hello, Ana Lucía Pérez")
}

// TestAdminPagesAreAccessible visits the administration pages with data on
// them, on a phone-sized screen too.
func TestAdminPagesAreAccessible(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Access RLC")
	tab := browser.NewTab(t, app.HTTP.URL)
	tab.Visit("/login")
	tab.Fill("#f-email", tm.Admin.Email)
	tab.Fill("#f-password", testkit.Password)
	tab.Submit("main form button[type=submit]")
	for _, phone := range []bool{false, true} {
		if phone {
			tab.Phone()
		}
		for _, p := range []string{"/", "/admin", "/admin/users", "/admin/users/new", "/admin/users/" + itoa(tm.Peer.ID), "/admin/organisation", "/admin/audit", "/settings", "/settings/security", "/settings/tokens", "/drafts", "/admin/users/" + itoa(tm.Peer.ID) + "/tokens"} {
			tab.Visit(p)
		}
	}
	// A form with errors is accessible too.
	tab.Visit("/admin/users/new")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("There is a problem")
}

// TestStaffChoosesSpanish: a peer worker chooses Spanish in their settings;
// the settings page, with the choice and then with a refused value, is
// accessible in Spanish, on a phone too.
func TestStaffChoosesSpanish(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Idiomas RLC")
	es := i18n.In("es")
	tab := browser.NewTab(t, app.HTTP.URL)
	tab.BestPractice()
	tab.SignIn(tm.Peer.Email)
	tab.Visit("/settings")
	tab.Check("#language-es")
	tab.Submit("main form[action='/settings/language'] button[type=submit]")
	tab.MustSee(es.T("messages.settings.language_saved"), es.T("settings.language.title"))
	if lang := tab.Eval(`document.documentElement.lang`); lang != "es" {
		t.Fatalf("<html lang> after choosing Spanish: %q", lang)
	}
	tab.Phone()
	tab.Visit("/settings")
	// A value the page never offers (as a changed page might send) is
	// refused beside the field, in Spanish.
	tab.Eval(`document.querySelector("#language-pt").value = "fr"; "ok"`)
	tab.Check("#language-pt")
	tab.Submit("main form[action='/settings/language'] button[type=submit]")
	tab.MustSee(es.Message("Choose one of the languages offered."))
}
