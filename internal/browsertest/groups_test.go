package browsertest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// groupJourney sets up a Hearing Voices group facilitated by the team's
// peer worker, with four members they support.
func groupJourney(t *testing.T, app *testkit.App, tm testkit.Team) (store.Group, []store.Person) {
	t.Helper()
	g, err := app.CreateGroup(t.Context(), testkit.Actor(tm.Supervisor), store.GroupInput{Name: "Thursday Hearing Voices", Kind: "hearing_voices",
		Meets: "in_person", Place: "Community room, 8 Canal Street", Schedule: "Thursdays, 6 to 7:30 pm", Weekday: 4, StartTime: "18:00",
		DurationMinutes: 90, FacilitatorIDs: []int64{tm.Peer.ID}})
	if err != nil {
		t.Fatal(err)
	}
	var people []store.Person
	var ids []int64
	for _, n := range []string{"José Álvarez", "Keisha Brown", "Lin Chen", "Tomás Rivera"} {
		p, err := app.CreatePerson(t.Context(), testkit.Actor(tm.Peer), store.PersonInput{PreferredName: n})
		if err != nil {
			t.Fatal(err)
		}
		people = append(people, p)
		ids = append(ids, p.ID)
	}
	if err := app.AddGroupMembers(t.Context(), testkit.Actor(tm.Peer), g.ID, ids, "2026-11-01"); err != nil {
		t.Fatal(err)
	}
	return g, people
}

// shot saves a screenshot when PEERPATH_SCREENSHOTS names a folder, for a
// person to look at; tests never compare pictures.
func shot(tab *Tab, name string) {
	dir := os.Getenv("PEERPATH_SCREENSHOTS")
	if dir == "" {
		return
	}
	if buf, err := chromedp.Run(tab.ctx, chromedp.FullScreenshot(100)); err == nil {
		os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644) //nolint:errcheck // a missing picture fails nothing
	}
}

// fillSession marks the four members one of each status, two drop-in
// guests, and a note.
func fillSession(tab *Tab, people []store.Person, day, note string) {
	tab.Select("#f-held_on", day)
	tab.Select("#f-starts_at", "18:00")
	for i, st := range []string{"present", "late", "excused", "absent"} {
		tab.Check("#att-" + itoa(people[i].ID) + "-" + st)
	}
	tab.Fill("#f-guests", "2")
	tab.Fill("#f-note", note)
}

// keptValues checks that a refused form still holds what was typed.
func keptValues(t *testing.T, tab *Tab, people []store.Person, day, note string) {
	t.Helper()
	for i, st := range []string{"present", "late", "excused", "absent"} {
		if v := tab.Eval(`(() => { const e = document.querySelector("input[name=attendance_` + itoa(people[i].ID) + `]:checked"); return e ? e.value : ""; })()`); v != st {
			t.Errorf("%s's mark after the refusal: %q, want %q", people[i].PreferredName, v, st)
		}
	}
	for sel, want := range map[string]string{"#f-guests": "2", "#f-note": note, "#f-held_on": day, "#f-starts_at": "18:00"} {
		if v := tab.Eval(`document.querySelector("` + sel + `").value`); v != want {
			t.Errorf("%s after the refusal: %q, want %q", sel, v, want)
		}
	}
}

// TestRecordAGroupSession: a facilitator records a session with one member
// present, one late, one excused, one absent and two drop-in guests; a note
// naming a member is refused with everything typed kept; the session shows
// on the group's page, and the present member's record shows the group
// contact. On a desktop, then on a phone; axe checks every page.
func TestRecordAGroupSession(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Groups RLC")
	g, people := groupJourney(t, app, tm)
	jose := people[0]

	for _, device := range []struct {
		name, day string
		phone     bool
	}{{"desktop", "2026-11-19", false}, {"phone", "2026-11-12", true}} {
		t.Run(device.name, func(t *testing.T) {
			tab := browser.NewTab(t, app.HTTP.URL)
			if device.phone {
				tab.Phone()
			}
			tab.SignIn(tm.Peer.Email)
			tab.MustSee("Groups", "Thursday Hearing Voices")
			tab.Visit("/groups")
			tab.MustSee("Thursday Hearing Voices", "You facilitate", "Next session")
			shot(tab, device.name+"-groups")
			tab.Submit("#group-" + itoa(g.ID) + " h2 a")
			tab.MustSee("Members (4)", "José Álvarez", "Coming up")
			shot(tab, device.name+"-group-before")
			tab.Submit("a.button[href$='/sessions/new']")
			tab.MustSee("Record a session of Thursday Hearing Voices", "Attendance", "Drop-in guests")

			// A note naming a member (without its accent) is refused, and
			// nothing typed is lost.
			naming := "jose sang for us, and we talked about sleep."
			fillSession(tab, people, device.day, naming)
			shot(tab, device.name+"-session-form")
			tab.Submit("form.group-session-form button[type=submit]:not([name])")
			tab.MustSee("There is a problem", store.NoteNamesMessage)
			keptValues(t, tab, people, device.day, naming)
			shot(tab, device.name+"-session-refused")

			tab.Fill("#f-note", "We sang together and talked about sleep.")
			tab.Submit("form.group-session-form button[type=submit]:not([name])")
			tab.MustSee("The session is recorded.", "1 present · 1 late · 1 excused · 1 absent · 2 drop-in guests", "We sang together")
			shot(tab, device.name+"-session")

			// The group's page lists it.
			tab.Submit("main p a[href='/groups/" + itoa(g.ID) + "']")
			tab.MustSee("Past sessions")
			shot(tab, device.name+"-group")
			row := tab.Text("table tbody")
			if !strings.Contains(row, "1 1 1 1 2") {
				t.Errorf("the group's sessions: %q", row)
			}

			// José's record shows the group contact, not the others.
			tab.Visit("/people/" + itoa(jose.ID))
			tab.MustSee("Groups", "Thursday Hearing Voices", "Group session: Thursday Hearing Voices", "We sang together and talked about sleep.")
			if text := tab.Text("main"); strings.Contains(text, "Keisha") || strings.Contains(text, "Lin Chen") {
				t.Errorf("José's record names another member:\n%s", text)
			}
			shot(tab, device.name+"-person")
			tab.SignOut()
		})
	}
	cs, _ := app.ListContacts(t.Context(), testkit.Actor(tm.Peer), jose.ID, store.Page{})
	if len(cs.Items) != 2 || cs.Items[0].GroupName != "Thursday Hearing Voices" {
		t.Errorf("José's contacts: %+v", cs.Items)
	}
}

// TestStartAGroupAndCorrectASession: a supervisor starts a group and adds
// members; the facilitator corrects a past session, and the development
// page counts the session.
func TestStartAGroupAndCorrectASession(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Start RLC")
	_, people := groupJourney(t, app, tm)

	tab := browser.NewTab(t, app.HTTP.URL)
	tab.SignIn(tm.Supervisor.Email)
	tab.Visit("/groups/new")
	tab.Fill("#f-name", "Dual recovery")
	tab.Check("#f-kind-dual_recovery")
	tab.Check("#f-meets-video")
	tab.Fill("#f-video_link", "https://meet.example.org/dual")
	tab.Fill("#f-schedule", "Tuesdays, 7 to 8 pm, online")
	tab.Select("#f-weekday", "2")
	tab.Select("#f-start_time", "19:00")
	tab.Fill("#f-duration_minutes", "60")
	tab.Check("#f-facilitator_ids-" + itoa(tm.OtherPeer.ID))
	shot(tab, "desktop-group-form")
	tab.Submit("main form button[type=submit]")
	tab.MustSee("The group is started.", "Dual recovery", "By video", "Olu Otherpeer")
	tab.Submit("a.button[href$='/members']")
	tab.MustSee("Add members", "José Álvarez")
	tab.Check("#add-" + itoa(people[0].ID))
	tab.Check("#add-" + itoa(people[1].ID))
	tab.Submit("main form[method=post][action$='/members'] button[type=submit]")
	tab.MustSee("The members are added.", "Current members (2)")
	shot(tab, "desktop-members")
	tab.SignOut()

	// Pat records a session of the Hearing Voices group, then corrects it.
	tab.SignIn(tm.Peer.Email)
	gs, _ := app.ListGroups(t.Context(), testkit.Actor(tm.Peer), store.GroupFilter{Mine: true}, store.Page{})
	gid := itoa(gs.Items[0].ID)
	tab.Visit("/groups/" + gid + "/sessions/new")
	fillSession(tab, people, "2026-11-19", "A good evening.")
	tab.Submit("form.group-session-form button[type=submit]:not([name])")
	tab.MustSee("The session is recorded.")
	tab.Submit("a.button[href$='/edit']")
	tab.MustSee("Correct the session of 19 Nov 2026")
	tab.Check("#att-" + itoa(people[1].ID) + "-absent")
	tab.Submit("form.group-session-form button[type=submit]:not([name])")
	tab.MustSee("The session is corrected.", "1 present · 0 late · 1 excused · 2 absent")
	if cs, _ := app.ListContacts(t.Context(), testkit.Actor(tm.Peer), people[1].ID, store.Page{}); len(cs.Items) != 0 {
		t.Errorf("Keisha keeps a contact after being marked absent: %+v", cs.Items)
	}
	tab.Visit("/development")
	tab.MustSee("Groups facilitated", "1 session, 1.5 hours")
	shot(tab, "desktop-development")
	tab.Visit("/")
	tab.MustSee("Groups", "Thursday Hearing Voices", "Record a session")
	shot(tab, "desktop-home")
	tab.SignOut()

	// Olu sees the group, but not who belongs to it.
	tab.SignIn(tm.OtherPeer.Email)
	tab.Visit("/groups/" + gid)
	tab.MustSee("Thursday Hearing Voices", "Who belongs to a group is private")
	if strings.Contains(tab.Text("main"), "José") {
		t.Error("another peer worker sees the roster")
	}
	shot(tab, "desktop-group-other-peer")
}
