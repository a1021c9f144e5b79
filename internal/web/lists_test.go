package web_test

import (
	"regexp"
	"strings"
	"testing"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// Lists (issue 16): one quiet action per row, named with the person, and
// the primary button style kept for the page's main action.
func TestListsHaveOneQuietActionPerRow(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Lists")
	names := []string{"Ada Quinn", "Ben Ortiz", "Cy Moss", "Dee Hart"}
	for _, n := range names {
		if _, err := app.CreatePerson(t.Context(), testkit.Actor(tm.Peer), store.PersonInput{PreferredName: n}); err != nil {
			t.Fatal(err)
		}
	}
	primary := regexp.MustCompile(`class="button"`)
	for _, c := range []struct {
		who  *testkit.Client
		path string
	}{{app.SessionClient(t, tm.Peer), "/people"}, {app.SessionClient(t, tm.Supervisor), "/team"}} {
		body := c.who.Get(c.path).Body
		main := body[strings.Index(body, "<main"):]
		if n := len(primary.FindAllString(main, -1)); n > 1 {
			t.Errorf("%s has %d primary buttons; the rows' actions should be quiet", c.path, n)
		}
		for _, n := range names {
			if !strings.Contains(main, `class="row-link"`) || !strings.Contains(main, `Record a contact<span class="visually-hidden"> with `+n+`</span>`) {
				t.Errorf("%s: no quiet row action named for %s", c.path, n)
			}
		}
	}
}
