package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// An administrator sees peerpath's suggested numbers and confirms them (or
// others) as the organisation's rule, for a programme or one cohort; every
// page that applies the rule says whose it is.
func TestProgrammeRulesAreConfirmedThroughThePages(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Rules RLC")
	admin, trainer := app.SessionClient(t, tm.Admin), app.SessionClient(t, tm.Trainer)

	page := testkit.Text(admin.Get("/programmes/cps").Body)
	for _, want := range []string{"peerpath suggests 85 %", "peerpath suggests 80 %", "peerpath suggests 2", "Now: peerpath suggests (not yet confirmed by your organisation)"} {
		if !strings.Contains(page, want) {
			t.Errorf("the CPS programme page lacks %q:\n%s", want, page)
		}
	}
	form := url.Values{"name": {"Certified Peer Specialist course"}, "attendance_percent": {"90"}, "written_exam": {"on"}, "written_pass_mark": {"75"}, "oral_exam": {"on"}, "attempts": {"3"}}
	res := admin.PostForm("/programmes/cps", form)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Confirm that these numbers are your organisation&#39;s rule") || !strings.Contains(res.Body, `value="75"`) {
		t.Fatalf("saving without confirming: %d %s", res.Status, testkit.Text(res.Body))
	}
	form.Set("rule_confirmed", "on")
	if res := admin.PostForm("/programmes/cps", form); res.Status != http.StatusSeeOther {
		t.Fatalf("saving: %d %s", res.Status, testkit.Text(res.Body))
	}
	// A new programme of the organisation's own: its kinds of session, and a
	// suggestion to confirm.
	if np := testkit.Text(admin.Get("/programmes/new").Body); !strings.Contains(np, "Kinds of session") || !strings.Contains(np, "peerpath suggests 80 %") {
		t.Fatalf("the new programme form:\n%s", np)
	}
	list := testkit.Text(trainer.Get("/programmes").Body)
	if !strings.Contains(list, "Your organisation's rule: to complete, a participant must attend at least 90 %") || !strings.Contains(list, "peerpath suggests (not yet confirmed by your organisation): to complete, a participant must attend at least 80 %") {
		t.Fatalf("the programmes page does not say whose rules they are:\n%s", list)
	}

	// A cohort of ICAN, still on peerpath's suggestion.
	res = trainer.PostForm("/cohorts/new", url.Values{"programme": {"ican"}, "name": {"Somerville High School, fall 2026"}, "starts_on": {"2026-09-15"}, "ends_on": {"2026-11-01"}, "capacity": {"10"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("creating the cohort: %d %s", res.Status, testkit.Text(res.Body))
	}
	cohortPath := res.Location()
	cp := testkit.Text(trainer.Get(cohortPath).Body)
	if !strings.Contains(cp, "peerpath suggests (not yet confirmed by your organisation): to complete") || !strings.Contains(cp, "An administrator confirms it on this page.") ||
		!strings.Contains(cp, "your organisation has not confirmed them for this cohort") {
		t.Fatalf("the trainer's cohort page:\n%s", cp)
	}
	if res := trainer.PostForm(cohortPath+"/rule", url.Values{"attendance_percent": {"80"}, "rule_confirmed": {"on"}}); res.Status != http.StatusForbidden {
		t.Fatalf("a trainer confirming: %d", res.Status)
	}
	if !strings.Contains(admin.Get(cohortPath).Body, `action="`+cohortPath+`/rule"`) {
		t.Fatal("the administrator is not offered the confirmation")
	}
	res = admin.PostForm(cohortPath+"/rule", url.Values{"attendance_percent": {"70"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Confirm that these numbers are your organisation&#39;s rule for this cohort") || !strings.Contains(res.Body, `value="70"`) {
		t.Fatalf("confirming without saying so: %d %s", res.Status, testkit.Text(res.Body))
	}
	res = admin.PostForm(cohortPath+"/rule", url.Values{"attendance_percent": {"70"}, "rule_confirmed": {"on"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("confirming: %d %s", res.Status, testkit.Text(res.Body))
	}
	cp = testkit.Text(admin.Follow(res).Body)
	if !strings.Contains(cp, "Your organisation's rule: to complete, a participant must attend at least 70 %") || strings.Contains(cp, "Confirm the rule for this cohort") {
		t.Fatalf("after confirming:\n%s", cp)
	}
	// An administrator starting a cohort confirms the programme's rule there.
	res = admin.PostForm("/cohorts/new", url.Values{"programme": {"ican"}, "name": {"Somerville High School, spring 2027"}, "starts_on": {"2027-02-01"}, "ends_on": {"2027-05-01"},
		"capacity": {"10"}, "confirm_rule": {"on"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("creating a confirmed cohort: %d %s", res.Status, testkit.Text(res.Body))
	}
	if page := testkit.Text(admin.Follow(res).Body); !strings.Contains(page, "Your organisation's rule: to complete, a participant must attend at least 80 %") {
		t.Fatalf("a cohort confirmed at creation:\n%s", page)
	}
	// A participant's page applies it under the organisation's name.
	a := testkit.Actor(tm.Trainer)
	cs, _ := app.ListCohorts(t.Context(), a, store.Page{})
	var ican store.CohortSummary
	for _, c := range cs.Items {
		if c.Name == "Somerville High School, fall 2026" {
			ican = c
		}
	}
	p := testkit.Must[store.Participant](t)(app.AddParticipant(t.Context(), a, ican.ID, store.ParticipantInput{Name: "Kai", School: "Somerville High School"}))
	pp := testkit.Text(trainer.Get(cohortPath + "/participants/" + itoa(p.ID)).Body)
	if !strings.Contains(pp, "Your organisation's rule: to complete") {
		t.Fatalf("the participant's page:\n%s", pp)
	}
}
