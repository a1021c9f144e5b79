package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"peerpath/internal/auth"
	"peerpath/internal/testkit"
)

// TestTwoAdministratorsEditingOneUser: the second save, started from the
// same version as the first, answers 409 and shows the other
// administrator's change (who, what), keeping what this one chose; saving
// again then replaces it. Before, the last save silently won.
func TestTwoAdministratorsEditingOneUser(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Two admins")
	second := app.MakeUser(t, tm.Org.ID, "jo@two-admins.test", "Jo Second", auth.RoleAdmin)
	ann, jo := app.SessionClient(t, tm.Admin), app.SessionClient(t, second)
	path := "/admin/users/" + itoa(tm.Peer.ID)
	version := func(body string) string {
		m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("the form carries no version: %s", body)
		}
		return m[1]
	}
	v1, v2 := version(ann.Get(path).Body), version(jo.Get(path).Body)
	if v1 != v2 {
		t.Fatalf("both opened version %s and %s", v1, v2)
	}
	sup := itoa(tm.Supervisor.ID)
	if res := ann.PostForm(path, url.Values{"version": {v1}, "name": {"Pat Renamed"}, "roles": {"peer", "trainer"}, "supervisor": {sup}}); res.Status != http.StatusSeeOther {
		t.Fatalf("first save: %d %s", res.Status, testkit.Text(res.Body))
	}
	res := jo.PostForm(path, url.Values{"version": {v2}, "name": {"Pat Jo's Choice"}, "roles": {"peer"}, "supervisor": {sup}})
	text := testkit.Text(res.Body)
	if res.Status != http.StatusConflict || !strings.Contains(text, "Alex Admin saved changes") || !strings.Contains(text, `"Pat Renamed"`) ||
		!strings.Contains(text, "Trainer") || !strings.Contains(res.Body, `value="Pat Jo&#39;s Choice"`) {
		t.Fatalf("second save from the same version: %d %s", res.Status, text)
	}
	u, _ := app.User(t.Context(), tm.Org.ID, tm.Peer.ID)
	if u.Name != "Pat Renamed" || !u.Has(auth.RoleTrainer) {
		t.Fatalf("the first save was overwritten: %+v", u)
	}
	// Having seen it, Jo saves again from the version the page now carries.
	if res := jo.PostForm(path, url.Values{"version": {version(res.Body)}, "name": {"Pat Jo's Choice"}, "roles": {"peer"}, "supervisor": {sup}}); res.Status != http.StatusSeeOther {
		t.Fatalf("saving again after seeing the change: %d %s", res.Status, testkit.Text(res.Body))
	}
	if u, _ := app.User(t.Context(), tm.Org.ID, tm.Peer.ID); u.Name != "Pat Jo's Choice" || u.Has(auth.RoleTrainer) {
		t.Fatalf("after the second save: %+v", u)
	}
}
