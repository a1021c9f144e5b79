package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// Group attendance (issue 16): the suggested date and time always save,
// and "Everyone present" works without JavaScript too.
func TestGroupSessionSuggestionSavesAndEveryonePresent(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Attendance")
	a := testkit.Actor(tm.Peer)
	// Thursdays at 18:00; the test clock starts on a Monday morning.
	g, err := app.CreateGroup(t.Context(), testkit.Actor(tm.Supervisor), store.GroupInput{Name: "Thursday group", Kind: "hearing_voices",
		Meets: "in_person", Place: "Community room", Weekday: 4, StartTime: "18:00", DurationMinutes: 90, FacilitatorIDs: []int64{tm.Peer.ID}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, n := range []string{"Ada Quinn", "Ben Ortiz", "Cy Moss"} {
		p, err := app.CreatePerson(t.Context(), a, store.PersonInput{PreferredName: n})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	if err := app.AddGroupMembers(t.Context(), a, g.ID, ids, "2026-11-01"); err != nil {
		t.Fatal(err)
	}
	c := app.SessionClient(t, tm.Peer)
	value := func(body, name string) string {
		m := regexp.MustCompile(`name="` + name + `"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="` + name + `"`).FindStringSubmatch(body)
		if m == nil {
			return ""
		}
		return m[1] + m[2]
	}
	form := c.Get("/groups/" + itoa(g.ID) + "/sessions/new")
	day, start := value(form.Body, "held_on"), value(form.Body, "starts_at")
	if day != "2026-11-19" || start != "18:00" {
		t.Fatalf("suggested %q %q, want last Thursday's session", day, start)
	}
	// Without JavaScript: the button marks everyone, saves nothing.
	vals := url.Values{"held_on": {day}, "starts_at": {start}, "duration_minutes": {"90"}, "guests": {"0"}, "facilitator_ids": {itoa(tm.Peer.ID)},
		"attendance_" + itoa(ids[0]): {"late"}, "mark_all": {"present"}}
	res := c.PostForm("/groups/"+itoa(g.ID)+"/sessions/new", vals)
	if res.Status != http.StatusOK || !strings.Contains(res.Body, "Every member is marked present") {
		t.Fatalf("everyone present: %d %s", res.Status, testkit.Text(res.Body))
	}
	for i, want := range []string{"late", "present", "present"} {
		if !strings.Contains(res.Body, `id="att-`+itoa(ids[i])+`-`+want+`" name="attendance_`+itoa(ids[i])+`" value="`+want+`" checked`) {
			t.Fatalf("member %d is not %s after Everyone present", i, want)
		}
	}
	if list, _ := app.GroupSessions(t.Context(), a, g.ID, store.Page{}); len(list.Items) != 0 {
		t.Fatal("Everyone present saved the session")
	}
	vals.Del("mark_all")
	vals.Set("attendance_"+itoa(ids[1]), "present")
	vals.Set("attendance_"+itoa(ids[2]), "absent")
	if res := c.PostForm("/groups/"+itoa(g.ID)+"/sessions/new", vals); res.Status != http.StatusSeeOther {
		t.Fatalf("saving the suggested session: %d %s", res.Status, testkit.Text(res.Body))
	}
	// The correction form has the button too, and it saves nothing either.
	list, err := app.GroupSessions(t.Context(), a, g.ID, store.Page{})
	if err != nil || len(list.Items) != 1 {
		t.Fatalf("sessions: %+v %v", list.Items, err)
	}
	sid := itoa(list.Items[0].ID)
	vals.Del("attendance_" + itoa(ids[2]))
	vals.Set("mark_all", "present")
	res = c.PostForm("/groups/"+itoa(g.ID)+"/sessions/"+sid+"/edit", vals)
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `name="attendance_`+itoa(ids[2])+`" value="present" checked`) {
		t.Fatalf("everyone present on a correction: %d %s", res.Status, testkit.Text(res.Body))
	}
	if _, gs, err := app.GroupSession(t.Context(), a, g.ID, list.Items[0].ID); err != nil || gs.Absent != 1 {
		t.Fatalf("Everyone present changed the saved session: %+v %v", gs, err)
	}
	// One time format (issue 16): 12-hour with am/pm on every page.
	page := testkit.Text(c.Get("/groups/" + itoa(g.ID)).Body)
	if !strings.Contains(page, "19 Nov 2026, 6:00 pm") || !strings.Contains(page, "at 6:00 pm") || strings.Contains(page, "18:00") {
		t.Fatalf("the group's page does not write times as 6:00 pm: %s", page)
	}
}

func TestSuggestedSessionHasAlwaysBegun(t *testing.T) {
	tz := store.Zone
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, tz)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	thursday := store.Group{Weekday: 4, StartTime: "18:00", DurationMinutes: 90}
	noSlot := store.Group{StartTime: "18:00"}
	noTime := store.Group{}
	for _, c := range []struct {
		g              store.Group
		now, on        string
		wantDay, wantT string
	}{
		{thursday, "2026-11-26 19:00", "", "2026-11-26", "18:00"}, // during the session
		{thursday, "2026-11-26 10:00", "", "2026-11-19", "18:00"}, // Thursday morning: last week's
		{thursday, "2026-11-23 09:00", "", "2026-11-19", "18:00"}, // Monday
		{thursday, "2026-11-23 09:00", "2026-11-12", "2026-11-12", "18:00"},
		{thursday, "2026-11-23 09:00", "2026-12-24", "2026-11-19", "18:00"}, // a future day is not offered
		{noSlot, "2026-11-23 09:07", "", "2026-11-23", "09:05"},
		{noSlot, "2026-11-23 18:30", "", "2026-11-23", "18:00"},
		{noTime, "2026-11-23 14:42", "", "2026-11-23", "14:40"},
	} {
		now := at(c.now)
		day, start := c.g.SuggestedSession(now, c.on)
		if day != c.wantDay || start != c.wantT {
			t.Errorf("%+v at %s: %s %s, want %s %s", c.g, c.now, day, start, c.wantDay, c.wantT)
		}
		if begun, _ := time.ParseInLocation("2006-01-02 15:04", day+" "+start, tz); begun.After(now) {
			t.Errorf("%s %s has not begun at %s", day, start, c.now)
		}
	}
}
