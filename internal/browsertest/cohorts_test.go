package browsertest

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"peerpath/internal/cohort"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// setValue sets an input's value directly: date and time inputs take typed
// keys in the browser's locale format, which a test should not depend on.
func setValue(tab *Tab, sel, v string) {
	tab.t.Helper()
	got := tab.Eval(fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = %q; return e.value; })()`, sel, v))
	if got != v {
		tab.t.Fatalf("setting %s to %q gave %q", sel, v, got)
	}
}

var idInPath = regexp.MustCompile(`/cohorts/(\d+)`)

// TestCohortCertificateJourney: an administrator confirms the CPS course's
// rule as the organisation's; a trainer starts a CPS cohort, adds a session
// and a participant, records attendance and both exams, issues the
// certificate; then, signed out, anyone checks it and sees it is valid.
func TestCohortCertificateJourney(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Journey RLC")
	tab := browser.NewTab(t, app.HTTP.URL)

	// The administrator sees peerpath's suggestions and confirms them.
	tab.SignIn(tm.Admin.Email)
	tab.Visit("/programmes/cps")
	tab.MustSee("peerpath suggests 85 %", "Now: peerpath suggests (not yet confirmed by your organisation).")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("There is a problem", "Confirm that these numbers are your organisation's rule")
	tab.Check("#f-rule_confirmed")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("The programme is saved with its completion rule as your organisation's", "Your organisation's rule: to complete, a participant must attend at least 85 %")
	tab.SignOut()

	tab.SignIn(tm.Trainer.Email)
	tab.MustSee("Your cohorts", "No cohorts yet")

	// A cohort form sent empty comes back with its problems.
	tab.Visit("/cohorts/new")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("There is a problem", "Choose a programme from the list.")

	tab.Check("#programme-cps")
	tab.Fill("#f-name", "Autumn 2026, Worcester")
	tab.Fill("#f-term", "Autumn 2026")
	setValue(tab, "#f-starts_on", "2026-11-02")
	setValue(tab, "#f-ends_on", "2026-12-18")
	tab.Fill("#f-capacity", "12")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("The cohort is created", "Your organisation's rule: to complete, a participant must attend at least 85 %", "No sessions yet", "No participants yet")
	m := idInPath.FindStringSubmatch(tab.Path())
	if m == nil {
		t.Fatalf("not on a cohort page: %s", tab.Path())
	}
	cohortPath := "/cohorts/" + m[1]

	// A training day that has taken place.
	tab.Submit("main a[href$='/sessions/new']")
	tab.Check("#kind-training")
	setValue(tab, "#f-on", "2026-11-20")
	setValue(tab, "#f-start_time", "09:30")
	setValue(tab, "#f-end_time", "16:00")
	tab.Fill("#f-topic", "Sharing your story with purpose")
	tab.Submit("main form button[type=submit]:not([name])")
	tab.MustSee("The session is added", "Sharing your story with purpose", "Take attendance")

	// A participant whose name has accents.
	tab.Submit("main a[href$='/participants/new']")
	tab.Fill("#f-name", "José Ñúñez")
	tab.Fill("#f-email", "jose@example.org")
	tab.Submit("main form button[type=submit]:not([name])")
	tab.MustSee("The person is enrolled", "José Ñúñez", "Attendance 0 % — your organisation's rule: 85 %")

	// Attendance.
	tab.Submit("main a[href*='/sessions/']:not([href$='/new'])")
	tab.MustSee("Attendance", "Late counts as present")
	tab.Check("input[type=radio][value=present]")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("Attendance is saved")

	// Exams, on the participant's page, on a phone.
	tab.Phone()
	tab.Visit(cohortPath)
	tab.Submit("main a[href*='/participants/']:not([href$='/new'])")
	tab.MustSee("Still missing", "Written exam not yet passed (0 of 2 attempts used)")
	tab.Check("#exam-written")
	setValue(tab, "#f-taken_on", "2026-11-21")
	tab.Fill("#f-score", "88")
	tab.Submit("form[action$='/exams'] button[type=submit]")
	tab.MustSee("The result is recorded: passed.", "Oral exam not yet passed (0 of 2 attempts used)")
	tab.Check("#exam-oral")
	setValue(tab, "#f-taken_on", "2026-11-22")
	tab.Check("#result-passed")
	tab.Submit("form[action$='/exams'] button[type=submit]")
	tab.MustSee("Nothing is missing")

	// The certificate.
	tab.Submit("form[action$='/certificate'] button[type=submit]")
	tab.MustSee("The certificate is issued", "Verification code", "Download the certificate (PDF)")
	code := tab.Text("#cert-code")
	if _, ok := cohort.NormalizeCode(code); !ok {
		t.Fatalf("the page shows %q as the code", code)
	}
	tab.Visit(cohortPath)
	tab.MustSee("Certificate issued 23 Nov 2026")

	// Signed out, anyone checks the certificate.
	tab.SignOut()
	tab.Visit("/verify")
	tab.Fill("#f-code", strings.ToLower(code))
	tab.Submit("main form button[type=submit]")
	tab.MustSee("This certificate is valid.", "José Ñúñez", "Certified Peer Specialist course", "Journey RLC", "23 Nov 2026")
	if strings.Contains(tab.Text("main"), "jose@example.org") {
		t.Fatal("the verification page shows the email address")
	}
	tab.Visit("/verify/AAAA-BBBB-CCCC-DDDD-EEEE")
	tab.MustSee("Certificate not found")
}

// icanFixture is an ICAN cohort with a company visit, two students (one
// linked to tm.Peer, with a certificate and an internship offer).
type icanFixture struct {
	base    string
	visitID int64
	kaiID   int64
	cvsID   int64
}

func makeICAN(t *testing.T, app *testkit.App, tm testkit.Team) icanFixture {
	t.Helper()
	tr := testkit.Actor(tm.Trainer)
	ctx := t.Context()
	ican := testkit.Must[store.Cohort](t)(app.CreateCohort(ctx, tr, store.CohortInput{Programme: "ican", Name: "Somerville High School, fall 2026", Location: "Somerville High School",
		StartsOn: "2026-09-15", EndsOn: "2026-12-15", Capacity: 1}))
	ican = testkit.Must[store.Cohort](t)(app.ConfirmCohortRule(ctx, testkit.Actor(tm.Admin), ican.ID, store.ConfirmedRule(ican.Rule)))
	cvs := testkit.Must[store.HostCompany](t)(app.SaveHostCompany(ctx, tr, 0, store.HostCompanyInput{Name: "CVS Health", Industry: "Pharmacy and retail", ContactName: "Dana Reyes", Address: "1 CVS Drive, Woonsocket, RI"}))
	visit := testkit.Must[store.CohortSession](t)(app.CreateCohortSession(ctx, tr, ican.ID, store.SessionInput{Kind: cohort.SessionVisit, On: "2026-10-06", HostCompanyID: cvs.ID, Covered: []string{"tour", "hiring"}, VisitNotes: "Pharmacy technician training programme."}))
	kai := testkit.Must[store.Participant](t)(app.AddParticipant(ctx, tr, ican.ID, store.ParticipantInput{Name: "Kai Moreau", School: "Somerville High School", Grade: "11",
		Minor: true, GuardianName: "Lee Moreau", GuardianContact: "617-555-0199", GuardianConsentOn: "2026-09-01", UserID: tm.Peer.ID}))
	testkit.Must[store.Participant](t)(app.AddParticipant(ctx, tr, ican.ID, store.ParticipantInput{Name: "Mo Haddad", School: "Full Circle"}))
	if err := app.RecordAttendance(ctx, tr, ican.ID, visit.ID, map[int64]cohort.Mark{kai.ID: cohort.Present}); err != nil {
		t.Fatal(err)
	}
	testkit.Must[store.Certificate](t)(app.IssueCertificate(ctx, tr, ican.ID, kai.ID, ""))
	testkit.Must[store.Outcome](t)(app.SaveOutcome(ctx, tr, ican.ID, kai.ID, store.OutcomeInput{Kind: "internship", HostCompanyID: cvs.ID, OfferedOn: "2026-11-10"}))
	return icanFixture{base: "/cohorts/" + itoa(ican.ID), visitID: visit.ID, kaiID: kai.ID, cvsID: cvs.ID}
}

// TestCohortPagesAreAccessible visits every trainer's page of an ICAN
// cohort with data on it (company visit, students, certificate, outcome),
// the host companies and the reports; the busiest pages on a phone too;
// and forms with errors.
func TestCohortPagesAreAccessible(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Access Cohorts")
	f := makeICAN(t, app, tm)
	session := f.base + "/sessions/" + itoa(f.visitID)
	participant := f.base + "/participants/" + itoa(f.kaiID)
	tab := browser.NewTab(t, app.HTTP.URL)
	tab.SignIn(tm.Trainer.Email)
	for _, p := range []string{"/", "/cohorts", f.base, f.base + "/edit", f.base + "/sessions/new", session, session + "/edit", f.base + "/participants/new",
		participant, participant + "/edit", "/programmes", "/host-companies", "/host-companies/new", "/host-companies/" + itoa(f.cvsID), "/cohorts/reports?year=2026"} {
		tab.Visit(p)
	}
	tab.Phone()
	for _, p := range []string{"/", f.base, session, participant, f.base + "/participants/new", "/cohorts/reports?year=2026"} {
		tab.Visit(p)
	}
	// Forms with errors are accessible too.
	tab.Visit(f.base + "/participants/new")
	tab.Fill("#f-name", "Ola Nowak")
	tab.Check("#f-minor")
	tab.Submit("main form button[type=submit]:not([name])")
	tab.MustSee("There is a problem", "Enter the date the parent or guardian gave consent.")
	tab.Visit(f.base + "/sessions/new")
	tab.Check("#kind-visit")
	tab.Submit("main form button[type=submit]:not([name])")
	tab.MustSee("There is a problem", "Choose the host company.")
}

// TestProgrammeAndOwnCoursePagesAreAccessible: an administrator's programme
// pages, confirming a cohort's rule, then a student's own view of their
// course.
func TestProgrammeAndOwnCoursePagesAreAccessible(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Access Programmes")
	makeICAN(t, app, tm)
	// A cohort still on peerpath's suggested rule.
	spring := testkit.Must[store.Cohort](t)(app.CreateCohort(t.Context(), testkit.Actor(tm.Trainer), store.CohortInput{Programme: "ican", Name: "Somerville High School, spring 2027",
		StartsOn: "2027-02-01", EndsOn: "2027-05-01", Capacity: 10}))
	tab := browser.NewTab(t, app.HTTP.URL)
	tab.SignIn(tm.Admin.Email)
	for _, p := range []string{"/programmes", "/programmes/new", "/programmes/cps", "/programmes/ican", "/cohorts/new"} {
		tab.Visit(p)
	}
	tab.Visit("/programmes/new")
	tab.Fill("#f-attendance_percent", "0")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("There is a problem", "Enter a percentage from 1 to 100.", "Confirm that these numbers are your organisation's rule")
	// Confirming a cohort's rule, with a mistake first, on a phone.
	tab.Phone()
	tab.Visit("/cohorts/" + itoa(spring.ID))
	tab.MustSee("peerpath suggests (not yet confirmed by your organisation)", "Confirm the rule for this cohort")
	tab.Fill("#f-attendance_percent", "75")
	tab.Submit("form[action$='/rule'] button[type=submit]")
	tab.MustSee("There is a problem", "Confirm that these numbers are your organisation's rule for this cohort.")
	tab.Check("#f-rule_confirmed")
	tab.Submit("form[action$='/rule'] button[type=submit]")
	tab.MustSee("The completion rule is confirmed", "Your organisation's rule: to complete, a participant must attend at least 75 %")
	tab.SignOut()
	tab.Phone()
	tab.SignIn(tm.Peer.Email)
	tab.Visit("/my/courses")
	tab.MustSee("ICAN", "Your certificate", "Download your certificate")
}
