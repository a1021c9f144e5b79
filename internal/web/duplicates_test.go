package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"peerpath/internal/auth"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// A worker with no relationship to a person, adding someone with the same
// name, gets exactly the answer of any other add: no 409, no hint, no id.
func TestAddingAPersonRevealsNothing(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Dups")
	existing := addPerson(t, app, tm.Peer, "Sam Lee")
	olu := app.SignIn(t, tm.OtherPeer)

	// The form: a redirect to the new person, as for a name nobody has.
	for _, name := range []string{"Rae Unique", "sam lee"} {
		res := olu.PostForm("/people/new", url.Values{"preferred_name": {name}, "pronouns": {"they/them"}})
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location(), "/people/") || res.Location() == "/people/"+itoa(existing.ID) {
			t.Fatalf("adding %q: %d %s %s", name, res.Status, res.Location(), testkit.Text(res.Body))
		}
		page := olu.Follow(res)
		if page.Status != http.StatusOK || strings.Contains(page.Body, "already") || strings.Contains(page.Body, "/people/"+itoa(existing.ID)) || strings.Contains(page.Body, "duplicate") {
			t.Fatalf("the new person's page after adding %q says more: %s", name, testkit.Text(page.Body))
		}
	}
	// The API: 201 with the same fields either way, nothing about anyone else.
	api := app.APIClient(t, tm.OtherPeer)
	keys := func(res testkit.Response) []string {
		var m map[string]any
		res.JSON(t, &m)
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	plain := api.Send(http.MethodPost, "/api/v1/people", map[string]any{"preferred_name": "Kai Nobody"})
	dup := api.Send(http.MethodPost, "/api/v1/people", map[string]any{"preferred_name": "SAM LEE"})
	if plain.Status != http.StatusCreated || dup.Status != http.StatusCreated || !slices.Equal(keys(plain), keys(dup)) {
		t.Fatalf("API: %d %s / %d %s", plain.Status, plain.Body, dup.Status, dup.Body)
	}
	if strings.Contains(dup.Body, `"`+itoa(existing.ID)+`"`) || strings.Contains(strings.ToLower(dup.Body), "duplicate") {
		t.Fatalf("the API answer names another record: %s", dup.Body)
	}
	// Even the worker who supports the first is told nothing at creation.
	if res := app.APIClient(t, tm.Peer).Send(http.MethodPost, "/api/v1/people", map[string]any{"preferred_name": "Sam  Lee"}); res.Status != http.StatusCreated {
		t.Fatalf("the worker who supports them: %d %s", res.Status, res.Body)
	}
	// Each add of a Sam Lee flagged every Sam Lee before it (1 + 2 + 3), for
	// the administrator to see.
	l, err := app.DuplicateFlags(t.Context(), testkit.Actor(tm.Admin), store.Page{})
	if err != nil || len(l.Items) != 6 {
		t.Fatalf("flags: %d %v", len(l.Items), err)
	}
}

// Who sees possible duplicates, and the merge over the pages and the API.
func TestDuplicatesAndMergeOverHTTP(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Dups")
	other := app.NewTeam(t, "Elsewhere")
	outsider := app.MakeUser(t, tm.Org.ID, "ola@dups.test", "Ola Outside", auth.RoleSupervisor)
	stranger := app.MakeUserWith(t, store.NewUser{OrgID: tm.Org.ID, Email: "kim@dups.test", Name: "Kim Stranger", Roles: []auth.Role{auth.RolePeer}, SupervisorID: outsider.ID})
	first := addPerson(t, app, tm.Peer, "Rosa Díaz")
	second := addPerson(t, app, stranger, "ROSA DIAZ")

	admin, sam, ola := app.SignIn(t, tm.Admin), app.SignIn(t, tm.Supervisor), app.SignIn(t, outsider)
	res := admin.Get("/team/duplicates")
	if res.Status != http.StatusOK || !strings.Contains(res.Body, "Rosa Díaz") || !strings.Contains(res.Body, "ROSA DIAZ") || !strings.Contains(res.Body, "Compare") {
		t.Fatalf("the administrator's list: %d %s", res.Status, testkit.Text(res.Body))
	}
	flags, _ := app.DuplicateFlags(t.Context(), testkit.Actor(tm.Admin), store.Page{})
	fid := itoa(flags.Items[0].ID)
	// Sam supervises Pat, not Kim: one side shown, no way to compare.
	res = sam.Get("/team/duplicates")
	if res.Status != http.StatusOK || !strings.Contains(res.Body, "Rosa Díaz") || strings.Contains(res.Body, "ROSA DIAZ") || !strings.Contains(res.Body, "A record outside your team") || strings.Contains(res.Body, "/team/duplicates/"+fid) {
		t.Fatalf("a supervisor who sees one record: %s", testkit.Text(res.Body))
	}
	var list struct {
		Items []map[string]any `json:"items"`
	}
	res = app.APIClient(t, tm.Supervisor).Get("/api/v1/duplicates")
	res.JSON(t, &list)
	if res.Status != http.StatusOK || len(list.Items) != 1 || strings.Contains(res.Body, "ROSA DIAZ") || strings.Contains(res.Body, `"`+itoa(second.ID)+`"`) || list.Items[0]["can_resolve"] != false {
		t.Fatalf("the API for a supervisor who sees one record: %s", res.Body)
	}
	for who, c := range map[string]*testkit.Client{"Sam": sam, "Ola": ola} {
		for _, r := range []testkit.Response{c.Get("/team/duplicates/" + fid), c.PostForm("/team/duplicates/"+fid+"/dismiss", nil),
			c.PostForm("/team/duplicates/"+fid+"/merge", url.Values{"keep": {itoa(first.ID)}, "confirm": {"on"}})} {
			if r.Status != http.StatusNotFound {
				t.Errorf("%s on a pair they cannot see whole: %d", who, r.Status)
			}
		}
	}
	// Peer workers: no list at all; no merge (404, as for any record).
	if res := app.SignIn(t, tm.Peer).Get("/team/duplicates"); res.Status != http.StatusForbidden {
		t.Errorf("a peer worker's list: %d", res.Status)
	}
	if res := app.SignIn(t, other.Admin).Get("/team/duplicates/" + fid); res.Status != http.StatusNotFound {
		t.Errorf("another organisation's administrator: %d", res.Status)
	}
	for who, u := range map[string]store.User{"Pat": tm.Peer, "Kim": stranger, "Sam": tm.Supervisor, "another organisation's admin": other.Admin} {
		if res := app.APIClient(t, u).Send(http.MethodPost, "/api/v1/people/"+itoa(first.ID)+"/merge", map[string]any{"from_id": itoa(second.ID)}); res.Status != http.StatusNotFound {
			t.Errorf("%s merging over the API: %d %s", who, res.Status, res.Body)
		}
	}

	// The administrator compares them side by side, and must confirm.
	res = admin.Get("/team/duplicates/" + fid)
	if res.Status != http.StatusOK || !strings.Contains(res.Body, "Rosa Díaz") || !strings.Contains(res.Body, "ROSA DIAZ") || !strings.Contains(res.Body, `name="confirm"`) {
		t.Fatalf("the comparison: %d %s", res.Status, testkit.Text(res.Body))
	}
	res = admin.PostForm("/team/duplicates/"+fid+"/merge", url.Values{"keep": {itoa(first.ID)}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Tick the box to confirm") {
		t.Fatalf("merging unconfirmed: %d %s", res.Status, testkit.Text(res.Body))
	}
	res = admin.PostForm("/team/duplicates/"+fid+"/merge", url.Values{"keep": {itoa(first.ID)}, "confirm": {"on"}})
	if res.Status != http.StatusSeeOther || res.Location() != "/people/"+itoa(first.ID) {
		t.Fatalf("merging: %d %s", res.Status, testkit.Text(res.Body))
	}
	// Old links lead to the kept record, for those who may see it: Kim
	// supported the merged record, so supports the kept one now.
	for who, c := range map[string]*testkit.Client{"admin": admin, "Kim": app.SignIn(t, stranger), "Pat": app.SignIn(t, tm.Peer)} {
		if res := c.Get("/people/" + itoa(second.ID)); res.Status != http.StatusMovedPermanently || res.Location() != "/people/"+itoa(first.ID) {
			t.Errorf("%s following an old link: %d %s", who, res.Status, res.Location())
		}
	}
	for who, u := range map[string]store.User{"Olu": tm.OtherPeer, "another organisation's admin": other.Admin} {
		if res := app.SignIn(t, u).Get("/people/" + itoa(second.ID)); res.Status != http.StatusNotFound {
			t.Errorf("%s following an old link: %d", who, res.Status)
		}
	}
	if res := admin.Get("/team/duplicates"); !strings.Contains(res.Body, "No possible duplicates") {
		t.Errorf("the list after the merge: %s", testkit.Text(res.Body))
	}

	// The API merge: an administrator merges any two records they see.
	third := addPerson(t, app, tm.OtherPeer, "Rosa Diaz-Lopez")
	api := app.APIClient(t, tm.Admin)
	if res := api.Send(http.MethodPost, "/api/v1/people/"+itoa(first.ID)+"/merge", map[string]any{}); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("no from_id: %d %s", res.Status, res.Body)
	}
	res = api.Send(http.MethodPost, "/api/v1/people/"+itoa(first.ID)+"/merge", map[string]any{"from_id": itoa(third.ID)})
	var p struct {
		ID      string   `json:"id"`
		Workers []string `json:"assigned_worker_ids"`
	}
	res.JSON(t, &p)
	if res.Status != http.StatusOK || p.ID != itoa(first.ID) || len(p.Workers) != 3 {
		t.Fatalf("API merge: %d %s", res.Status, res.Body)
	}
	if res := api.Get("/api/v1/people/" + itoa(third.ID)); res.Status != http.StatusNotFound {
		t.Errorf("the merged record over the API: %d", res.Status)
	}
	// Dismissing over the API.
	addPerson(t, app, tm.Peer, "Lee Park")
	addPerson(t, app, tm.OtherPeer, "Lee Park")
	l, _ := app.DuplicateFlags(t.Context(), testkit.Actor(tm.Admin), store.Page{})
	if len(l.Items) != 1 {
		t.Fatalf("flags: %+v", l.Items)
	}
	if res := app.APIClient(t, tm.Peer).Send(http.MethodPost, "/api/v1/duplicates/"+itoa(l.Items[0].ID)+"/dismiss", nil); res.Status != http.StatusForbidden {
		t.Errorf("a peer worker dismissing: %d", res.Status)
	}
	if res := app.APIClient(t, tm.Supervisor).Send(http.MethodPost, "/api/v1/duplicates/"+itoa(l.Items[0].ID)+"/dismiss", nil); res.Status != http.StatusNoContent {
		t.Errorf("their supervisor dismissing: %d %s", res.Status, res.Body)
	}
}
