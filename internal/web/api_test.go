package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

func TestAPIMe(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "API")
	res := app.APIClient(t, tm.Peer).Get("/api/v1/me")
	var me struct {
		ID           string   `json:"id"`
		Email        string   `json:"email"`
		Name         string   `json:"name"`
		Roles        []string `json:"roles"`
		Organisation struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"organisation"`
	}
	res.JSON(t, &me)
	if res.Status != 200 || me.ID != itoa(tm.Peer.ID) || me.Email != tm.Peer.Email || len(me.Roles) != 1 || me.Roles[0] != "peer" || me.Organisation.Name != "API" {
		t.Fatalf("me: %d %+v", res.Status, me)
	}
	// A session cookie works for the API too (same-origin scripts).
	if res := app.SessionClient(t, tm.Peer).Get("/api/v1/me"); res.Status != 200 {
		t.Fatalf("me with a session: %d", res.Status)
	}
	bad := app.Client(t)
	bad.Token = "pp_notatoken"
	res = bad.Get("/api/v1/me")
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	res.JSON(t, &e)
	if res.Status != 401 || e.Error.Code != "unauthenticated" || e.Error.Message == "" {
		t.Fatalf("bad token: %d %s", res.Status, res.Body)
	}
	// A revoked token stops working.
	c := app.APIClient(t, tm.Peer)
	toks, _ := app.APITokens(t.Context(), testkit.Actor(tm.Peer), tm.Peer.ID, store.Page{})
	app.SessionClient(t, tm.Peer).PostForm("/settings/tokens/"+itoa(toks.Items[0].ID)+"/revoke", nil)
	if res := c.Get("/api/v1/me"); res.Status != 401 {
		t.Fatalf("revoked token: %d", res.Status)
	}
}

func TestTooLargeBodies(t *testing.T) {
	app := testkit.NewApp(t)
	big := strings.Repeat("x", 2<<20)
	res := app.Client(t).PostForm("/login", map[string][]string{"email": {big}})
	if res.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("2 MiB form: %d", res.Status)
	}
}

func TestOpenAPIDocumentsEveryAPIRoute(t *testing.T) {
	app := testkit.NewApp(t)
	res := app.Client(t).Get("/api/v1/openapi.json")
	var doc struct {
		OpenAPI string                            `json:"openapi"`
		Paths   map[string]map[string]interface{} `json:"paths"`
		Comps   struct {
			Schemas map[string]interface{} `json:"schemas"`
		} `json:"components"`
	}
	res.JSON(t, &doc)
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	n := 0
	for _, r := range app.Server.RouteList() {
		if !r.API {
			continue
		}
		n++
		if _, ok := doc.Paths[r.Pattern][strings.ToLower(r.Method)]; !ok {
			t.Errorf("%s %s is missing from the OpenAPI document", r.Method, r.Pattern)
		}
	}
	if n == 0 {
		t.Fatal("no API routes")
	}
	// Every $ref points at a schema that exists.
	raw, _ := json.Marshal(doc)
	for _, m := range strings.Split(string(raw), `"$ref":"#/components/schemas/`)[1:] {
		name := m[:strings.Index(m, `"`)]
		if _, ok := doc.Comps.Schemas[name]; !ok {
			t.Errorf("dangling $ref to %s", name)
		}
	}
}

func TestHealth(t *testing.T) {
	app := testkit.NewApp(t)
	if res := app.Client(t).Get("/healthz"); res.Status != 200 || res.Body != "ok\n" {
		t.Fatalf("healthy: %d %q", res.Status, res.Body)
	}
	app.Store.Close()
	if res := app.Client(t).Get("/healthz"); res.Status != http.StatusServiceUnavailable {
		t.Fatalf("database closed: %d", res.Status)
	}
}

func TestLogsCarryNoPersonalDetails(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Logs")
	c := app.SignIn(t, tm.Peer)
	c.Get("/admin/audit?record_id=Maria+Searched+Name")
	c.Get("/settings?q=Maria+Searched+Name")
	logs := app.Logs()
	for _, secret := range []string{tm.Peer.Email, "Maria", testkit.Password, "Searched"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs hold %q", secret)
		}
	}
	if !strings.Contains(logs, "request_id=") || !strings.Contains(logs, "pattern=") {
		t.Errorf("access log lines lack request id or pattern:\n%s", logs)
	}
}

func TestAPIUsersPages(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Paging")
	app.NewTeam(t, "Elsewhere")
	c := app.APIClient(t, tm.Admin)
	var all []string
	next := ""
	for i := 0; i < 5; i++ {
		res := c.Get("/api/v1/users?limit=2&cursor=" + next)
		var page struct {
			Items []struct {
				Email string `json:"email"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		res.JSON(t, &page)
		for _, u := range page.Items {
			all = append(all, u.Email)
		}
		if next = page.NextCursor; next == "" {
			break
		}
	}
	if len(all) != 5 {
		t.Fatalf("paged through %d users, want the organisation's 5: %v", len(all), all)
	}
	for _, e := range all {
		if !strings.HasSuffix(e, "@paging.test") {
			t.Fatalf("another organisation's user in the list: %s", e)
		}
	}
	for _, bad := range []string{"?limit=0", "?limit=501", "?limit=abc", "?cursor=nonsense"} {
		res := c.Get("/api/v1/users" + bad)
		if res.Status != http.StatusBadRequest {
			t.Errorf("%s: %d", bad, res.Status)
		}
		if !strings.Contains(res.Body, `"code":"invalid"`) {
			t.Errorf("%s: %s", bad, res.Body)
		}
	}
	if res := app.APIClient(t, tm.Peer).Get("/api/v1/users"); res.Status != http.StatusForbidden {
		t.Fatalf("a peer worker listing users: %d", res.Status)
	}
}
