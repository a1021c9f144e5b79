package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"peerpath/internal/cohort"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// calendarTeam is a team whose peer worker takes part in a cohort with a
// session in January and one in March (either side of the change to
// daylight time on 14 March 2027), a company visit, runs a weekly group
// (and has recorded one session of it outside its regular slot),
// had supervision and supports three people.
type calendarTeam struct {
	tm              testkit.Team
	cohort          store.Cohort
	jan, mar, visit store.CohortSession
	people          []string
}

func makeCalendarTeam(t *testing.T, app *testkit.App) calendarTeam {
	t.Helper()
	ctx := t.Context()
	tm := app.NewTeam(t, "Calendar RLC")
	tr := testkit.Actor(tm.Trainer)
	ct := calendarTeam{tm: tm}
	ct.cohort = testkit.Must[store.Cohort](t)(app.CreateCohort(ctx, tr, store.CohortInput{Programme: "cps", Name: "Winter 2027", Location: "Springfield Hub",
		StartsOn: "2027-01-04", EndsOn: "2027-04-30", Capacity: 10}))
	ct.jan = testkit.Must[store.CohortSession](t)(app.CreateCohortSession(ctx, tr, ct.cohort.ID, store.SessionInput{Kind: cohort.SessionTraining, On: "2027-01-14", StartTime: "10:00", EndTime: "12:00", Topic: "Telling your story"}))
	ct.mar = testkit.Must[store.CohortSession](t)(app.CreateCohortSession(ctx, tr, ct.cohort.ID, store.SessionInput{Kind: cohort.SessionTraining, On: "2027-03-18", StartTime: "10:00", EndTime: "12:00", Topic: "Interviews"}))
	company := testkit.Must[store.HostCompany](t)(app.SaveHostCompany(ctx, tr, 0, store.HostCompanyInput{Name: "Pioneer Valley Bakery", ContactName: "Dana Contactperson", Address: "12 Main St, Holyoke"}))
	// An ICAN cohort the peer worker takes part in (as a mentor): its company visit.
	ican := testkit.Must[store.Cohort](t)(app.CreateCohort(ctx, tr, store.CohortInput{Programme: "ican", Name: "ICAN spring", StartsOn: "2027-01-04", EndsOn: "2027-04-30", Capacity: 10}))
	testkit.Must[store.Participant](t)(app.AddParticipant(ctx, tr, ican.ID, store.ParticipantInput{Name: "Kai Student", School: "Holyoke High School"}))
	testkit.Must[store.Participant](t)(app.AddParticipant(ctx, tr, ican.ID, store.ParticipantInput{Name: "Pat Peer", UserID: tm.Peer.ID, School: "Holyoke Community College"}))
	ct.visit = testkit.Must[store.CohortSession](t)(app.CreateCohortSession(ctx, tr, ican.ID, store.SessionInput{Kind: cohort.SessionVisit, On: "2027-02-11", StartTime: "13:00", EndTime: "15:00", HostCompanyID: company.ID, Covered: []string{"tour"}}))
	testkit.Must[store.Participant](t)(app.AddParticipant(ctx, tr, ct.cohort.ID, store.ParticipantInput{Name: "Pat Peer", UserID: tm.Peer.ID, School: "Holyoke Community College"}))
	testkit.Must[store.Participant](t)(app.AddParticipant(ctx, tr, ct.cohort.ID, store.ParticipantInput{Name: "Quinn Classmate"}))

	sup := testkit.Actor(tm.Supervisor)
	ct.people = []string{"Marisol Quintero", "Dmitri Volkov", "Aisha Bello"}
	var ids []int64
	for _, name := range ct.people {
		p := testkit.Must[store.Person](t)(app.CreatePerson(ctx, sup, store.PersonInput{PreferredName: name, WorkerIDs: []int64{tm.Peer.ID}}))
		ids = append(ids, p.ID)
	}
	g := testkit.Must[store.Group](t)(app.CreateGroup(ctx, sup, store.GroupInput{Name: "Tuesday Walk", Kind: "other", Meets: "in_person", Place: "Park gate",
		Schedule: "Tuesdays 10 am", Weekday: 2, StartTime: "10:00", DurationMinutes: 60, FacilitatorIDs: []int64{tm.Peer.ID}}))
	if err := app.AddGroupMembers(ctx, testkit.Actor(tm.Peer), g.ID, ids, ""); err != nil {
		t.Fatal(err)
	}
	testkit.Must[store.GroupSession](t)(app.RecordGroupSession(ctx, testkit.Actor(tm.Peer), g.ID, store.GroupSessionInput{HeldOn: app.Today(), StartTime: "08:00",
		Attendance: map[int64]string{ids[0]: "present"}}))
	if _, err := app.AddSupervisionSession(ctx, sup, tm.Peer.ID, store.NewSupervisionSession{HeldOn: app.Today(), Minutes: 60, Mode: store.ModeVideo, Topics: "Boundaries with Marisol Quintero"}); err != nil {
		t.Fatal(err)
	}
	return ct
}

// feedURL asks the API for u's feed address and returns its path.
func feedURL(t *testing.T, app *testkit.App, u store.User, reset bool) string {
	t.Helper()
	c := app.APIClient(t, u)
	res := c.Get("/api/v1/me/calendar")
	if reset {
		res = c.Send(http.MethodPost, "/api/v1/me/calendar/reset", nil)
	}
	var body struct{ URL string }
	res.JSON(t, &body)
	if res.Status != http.StatusOK || !strings.Contains(body.URL, "/calendar/cal_") || !strings.HasSuffix(body.URL, ".ics") {
		t.Fatalf("calendar address: %d %s", res.Status, res.Body)
	}
	parsed, err := url.Parse(body.URL)
	if err != nil {
		t.Fatal(err)
	}
	return parsed.Path
}

func parseFeed(t *testing.T, res testkit.Response) map[string]*ics.VEvent {
	t.Helper()
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed: %d %s %s", res.Status, res.Header.Get("Content-Type"), res.Body)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader([]byte(res.Body)))
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, res.Body)
	}
	if len(cal.Timezones()) != 1 {
		t.Errorf("the feed has %d VTIMEZONEs", len(cal.Timezones()))
	}
	out := map[string]*ics.VEvent{}
	for _, e := range cal.Events() {
		out[strings.SplitN(e.Id(), "@", 2)[0]] = e
	}
	return out
}

// icsText undoes iCalendar's line folding and escaping, so that a search
// for a name cannot miss one split across two lines.
func icsText(body string) string {
	body = strings.NewReplacer("\r\n ", "", "\r\n\t", "").Replace(body)
	return strings.NewReplacer(`\,`, ",", `\;`, ";", `\n`, " ", `\\`, `\`).Replace(body)
}

func summary(e *ics.VEvent) string {
	if p := e.GetProperty(ics.ComponentPropertySummary); p != nil {
		return p.Value
	}
	return ""
}

func TestCalendarFeed(t *testing.T) {
	app := testkit.NewApp(t)
	ct := makeCalendarTeam(t, app)
	path := feedURL(t, app, ct.tm.Peer, false)
	anon := app.Client(t)
	res := anon.Get(path)
	evs := parseFeed(t, res)

	// Times in Massachusetts either side of the change to daylight time.
	for _, c := range []struct {
		s     store.CohortSession
		start time.Time
	}{{ct.jan, time.Date(2027, 1, 14, 15, 0, 0, 0, time.UTC)}, {ct.mar, time.Date(2027, 3, 18, 14, 0, 0, 0, time.UTC)}} {
		e := evs["cohort-session-"+itoa(c.s.ID)]
		if e == nil {
			t.Fatalf("no event for session %d:\n%s", c.s.ID, res.Body)
		}
		start, err := e.GetStartAt()
		end, _ := e.GetEndAt()
		if err != nil || !start.Equal(c.start) || end.Sub(start) != 2*time.Hour {
			t.Errorf("session on %s: %v – %v (%v), want start %v", c.s.On, start.UTC(), end.UTC(), err, c.start)
		}
	}
	if v := evs["cohort-session-"+itoa(ct.visit.ID)]; v == nil || !strings.Contains(summary(v), "Company visit at Pioneer Valley Bakery") {
		t.Errorf("company visit: %v", v)
	}
	var groups, supervision int
	var due string
	for uid, e := range evs {
		switch {
		case strings.HasPrefix(uid, "group-") && strings.HasSuffix(uid, "-weekly"):
			// The group meets on Tuesdays at 10:00 am; it began on Monday 23 November.
			start, err := e.GetStartAt()
			end, _ := e.GetEndAt()
			rule := e.GetProperty(ics.ComponentPropertyRrule)
			if err != nil || !start.Equal(time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)) || end.Sub(start) != time.Hour || rule == nil || rule.Value != "FREQ=WEEKLY" {
				t.Errorf("weekly group meeting: %v – %v %v %+v", start.UTC(), end.UTC(), err, rule)
			}
			groups += 10
		case strings.HasPrefix(uid, "group-session-"):
			groups++
		case strings.HasPrefix(uid, "supervision-"):
			supervision++
		case strings.HasPrefix(uid, "check-ins-due-"):
			due += summary(e) + ";"
		}
	}
	if groups != 11 || supervision != 1 || due != "3 check-ins due;" {
		t.Errorf("groups %d, supervision %d, check-ins %q:\n%s", groups, supervision, due, res.Body)
	}
	// Nothing about a person leaves peerpath: no names, no supervision topics,
	// no company contact, no classmates.
	body := icsText(res.Body)
	for _, name := range append(ct.people, "Quinn Classmate", "Kai Student", "Dana Contactperson", "Boundaries") {
		if strings.Contains(body, name) {
			t.Errorf("the feed names %q", name)
		}
	}

	// A changed session keeps its UID, so calendars update the event.
	testkit.Must[store.CohortSession](t)(app.UpdateCohortSession(t.Context(), testkit.Actor(ct.tm.Trainer), ct.cohort.ID, ct.mar.ID,
		store.SessionInput{Kind: cohort.SessionTraining, On: "2027-03-18", StartTime: "13:00", EndTime: "15:00", Topic: "Interviews"}))
	again := parseFeed(t, anon.Get(path))
	if e := again["cohort-session-"+itoa(ct.mar.ID)]; e == nil {
		t.Error("the changed session lost its UID")
	} else if start, _ := e.GetStartAt(); !start.Equal(time.Date(2027, 3, 18, 17, 0, 0, 0, time.UTC)) {
		t.Errorf("changed session starts %v", start.UTC())
	}

	// The other peer worker has an empty feed of their own.
	other := parseFeed(t, anon.Get(feedURL(t, app, ct.tm.OtherPeer, false)))
	if len(other) != 0 {
		t.Errorf("another worker's feed: %d events", len(other))
	}

	// Asking again gives the same address; resetting replaces it.
	if p := feedURL(t, app, ct.tm.Peer, false); p != path {
		t.Errorf("the address changed without a reset: %s, %s", path, p)
	}
	fresh := feedURL(t, app, ct.tm.Peer, true)
	if fresh == path {
		t.Fatal("reset kept the address")
	}
	if res := anon.Get(path); res.Status != http.StatusNotFound {
		t.Errorf("a reset token: %d", res.Status)
	}
	if res := anon.Get(fresh); res.Status != http.StatusOK {
		t.Errorf("the new address: %d", res.Status)
	}
	// The token is a credential: the access log names the route, not the path.
	if token := strings.TrimSuffix(strings.TrimPrefix(path, "/calendar/"), ".ics"); strings.Contains(app.Logs(), token) || !strings.Contains(app.Logs(), "/calendar/{file}") {
		t.Error("the log holds a feed token, or logs no feed request at all")
	}
	for _, p := range []string{"/calendar/cal_unknown.ics", "/calendar/" + strings.TrimSuffix(strings.TrimPrefix(fresh, "/calendar/"), ".ics"), "/calendar/x"} {
		if res := anon.Get(p); res.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d", p, res.Status)
		}
	}
}

func TestCalendarSettingsPage(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Settings RLC")
	c := app.SessionClient(t, tm.Peer)
	page := c.Get("/settings")
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "/calendar/cal_") || !strings.Contains(page.Body, `id="h-calendar"`) {
		t.Fatalf("settings: %d %s", page.Status, testkit.Text(page.Body))
	}
	old := feedURL(t, app, tm.Peer, false)
	if !strings.Contains(page.Body, old) {
		t.Fatalf("the page and the API disagree: %s", old)
	}
	res := c.PostForm("/settings/calendar/reset", url.Values{})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("reset: %d %s", res.Status, res.Body)
	}
	after := c.Follow(res)
	if strings.Contains(after.Body, old) || !strings.Contains(after.Body, "Your calendar has a new address") {
		t.Errorf("after reset: %s", testkit.Text(after.Body))
	}
	if res := app.Client(t).Get(old); res.Status != http.StatusNotFound {
		t.Errorf("the old address: %d", res.Status)
	}
}

func TestCohortScheduleDownload(t *testing.T) {
	app := testkit.NewApp(t)
	ct := makeCalendarTeam(t, app)
	path := "/cohorts/" + itoa(ct.cohort.ID) + "/schedule.ics"
	for _, u := range []store.User{ct.tm.Trainer, ct.tm.Peer, ct.tm.Admin} {
		res := app.SessionClient(t, u).Get(path)
		evs := parseFeed(t, res)
		if len(evs) != 2 || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("%s: %d events, %q", u.Name, len(evs), res.Header.Get("Content-Disposition"))
		}
		if body := icsText(res.Body); strings.Contains(body, "Quinn Classmate") || strings.Contains(body, "Pat Peer") {
			t.Errorf("the schedule names a participant")
		}
	}
	foreign := app.NewTeam(t, "Elsewhere RLC")
	for _, u := range []store.User{ct.tm.OtherPeer, ct.tm.Supervisor, foreign.Trainer, foreign.Admin} {
		if res := app.SessionClient(t, u).Get(path); res.Status != http.StatusNotFound {
			t.Errorf("%s: %d", u.Email, res.Status)
		}
	}
	if res := app.Client(t).Get(path); res.Status == http.StatusOK {
		t.Error("the schedule is served without signing in")
	}
	if mine := app.SessionClient(t, ct.tm.Peer).Get("/my/courses"); !strings.Contains(mine.Body, path) {
		t.Error("My courses does not offer the schedule")
	}
}

// TestDemoFeedsNameNoPerson fetches every demo user's feed and looks for
// every name of a person supported, cohort participant and company contact
// the demo holds, and every supervision topic.
func TestDemoFeedsNameNoPerson(t *testing.T) {
	app, d := testkit.NewDemoApp(t)
	raw := app.Raw(t)
	var secrets []string
	for _, q := range []string{
		"SELECT preferred_name FROM people WHERE preferred_name <> ''",
		"SELECT legal_name FROM people WHERE legal_name <> ''",
		"SELECT name FROM participants",
		"SELECT contact_name FROM host_companies WHERE contact_name <> ''",
		"SELECT topics FROM supervision_sessions WHERE topics <> ''",
	} {
		rows, err := raw.QueryContext(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			secrets = append(secrets, v)
		}
		rows.Close()
	}
	if len(secrets) < 10 {
		t.Fatalf("the demo holds only %d names", len(secrets))
	}
	var events int
	for key, u := range d.Users {
		if key == "departed" { // deactivated: no sign-in, no feed
			continue
		}
		res := app.Client(t).Get(feedURL(t, app, u, false))
		events += len(parseFeed(t, res))
		body := icsText(res.Body)
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("%s's feed holds %q", key, s)
			}
		}
		if key == "peer" && !strings.Contains(res.Body, "check-in") {
			t.Errorf("the demo peer worker's feed has no check-ins due:\n%s", res.Body)
		}
	}
	if events == 0 {
		t.Error("no demo feed holds an event")
	}
}
