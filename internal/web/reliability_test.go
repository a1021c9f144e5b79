package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"peerpath/internal/testkit"
	"peerpath/internal/web"
)

// peopleCount counts the people the user's API token lists.
func peopleCount(t *testing.T, c *testkit.Client) int {
	t.Helper()
	var l struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	c.Get("/api/v1/people?limit=500").JSON(t, &l)
	return len(l.Items)
}

// TestIdempotencyKeyOnAPIPosts: the same key and body answer with the first
// response (and create nothing more), even from another server process over
// the same database; the same key with another body is 409; another user's
// identical key is their own; after a day the key is forgotten.
func TestIdempotencyKeyOnAPIPosts(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Idem")
	c := app.APIClient(t, tm.Peer)
	post := func(c *testkit.Client, key, body string) testkit.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, app.HTTP.URL+"/api/v1/people", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		return c.Do(req)
	}
	body := `{"preferred_name": "Idem Potent"}`
	first := post(c, "key-1", body)
	if first.Status != http.StatusCreated {
		t.Fatalf("first: %d %s", first.Status, first.Body)
	}
	again := post(c, "key-1", body)
	if again.Status != first.Status || again.Body != first.Body || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("the retry: %d %s", again.Status, again.Body)
	}
	if n := peopleCount(t, c); n != 1 {
		t.Fatalf("%d people after a retry with the same key", n)
	}
	if res := post(c, "key-1", `{"preferred_name": "Someone Else"}`); res.Status != http.StatusConflict || !strings.Contains(res.Body, "different request") {
		t.Fatalf("the same key, another body: %d %s", res.Status, res.Body)
	}
	if res := post(c, "bad key with spaces", body); res.Status != http.StatusBadRequest {
		t.Fatalf("a malformed key: %d %s", res.Status, res.Body)
	}

	// Another process over the same database (a restart, a second server)
	// knows the key too.
	other, err := web.New(web.Config{Store: app.Store, Clock: app.Clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/api/v1/people", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", "key-1")
	rec := httptest.NewRecorder()
	other.ServeHTTP(rec, req)
	if rec.Code != http.StatusCreated || rec.Body.String() != first.Body {
		t.Fatalf("another server: %d %s", rec.Code, rec.Body)
	}

	// A validation error is an answer too: the same again gets it again.
	if a, b := post(c, "key-2", `{"preferred_name": ""}`), post(c, "key-2", `{"preferred_name": ""}`); a.Status != 422 || b.Status != 422 || a.Body != b.Body {
		t.Fatalf("a kept 422: %d / %d", a.Status, b.Status)
	}

	// Keys are the user's own.
	sup := app.APIClient(t, tm.OtherPeer)
	if res := post(sup, "key-1", `{"preferred_name": "Sups Own"}`); res.Status != http.StatusCreated || res.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("another user's key: %d %s", res.Status, res.Body)
	}

	// Without a key, every POST runs.
	post(c, "", `{"preferred_name": "No Key"}`)
	post(c, "", `{"preferred_name": "No Key Two"}`)
	if n := peopleCount(t, c); n != 3 {
		t.Fatalf("%d people after two posts without a key", n)
	}

	// After a day the key is forgotten and runs again.
	app.Clock.Advance(25 * time.Hour)
	if res := post(c, "key-1", `{"preferred_name": "Idem Later"}`); res.Status != http.StatusCreated || res.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("an expired key: %d %s", res.Status, res.Body)
	}
}

var formToken = regexp.MustCompile(`name="form_token" value="([^"]+)"`)

// TestFormSentTwiceSavesOnce: the add-a-person form carries a one-time
// token; sending it twice creates one person, and the second send is led to
// the record the first made. A form that came back with errors keeps its
// token usable, so the corrected form saves.
func TestFormSentTwiceSavesOnce(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Twice")
	c := app.SessionClient(t, tm.Peer)
	page := c.Get("/people/new")
	m := formToken.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("the form carries no one-time token")
	}
	bad := c.PostForm("/people/new", url.Values{"form_token": {m[1]}, "preferred_name": {""}})
	if bad.Status != http.StatusUnprocessableEntity {
		t.Fatalf("an empty name: %d", bad.Status)
	}
	form := url.Values{"form_token": {m[1]}, "preferred_name": {"Twice Sent"}}
	first := c.PostForm("/people/new", form)
	second := c.PostForm("/people/new", form)
	if first.Status != http.StatusSeeOther || second.Status != http.StatusSeeOther || second.Location() != first.Location() {
		t.Fatalf("sent twice: %d %q, then %d %q", first.Status, first.Location(), second.Status, second.Location())
	}
	if page := c.Follow(second); !strings.Contains(testkit.Text(page.Body), "saved once") {
		t.Fatalf("the second send is not told: %s", testkit.Text(page.Body))
	}
	if n := peopleCount(t, app.APIClient(t, tm.Peer)); n != 1 {
		t.Fatalf("%d people after sending the form twice", n)
	}
	// Another user cannot use the token to reach the first user's result.
	if res := app.SessionClient(t, tm.OtherPeer).PostForm("/people/new", url.Values{"form_token": {m[1]}, "preferred_name": {"Other Own"}}); res.Status != http.StatusSeeOther || res.Location() == first.Location() {
		t.Fatalf("another user's send with a copied token: %d %q", res.Status, res.Location())
	}
}

// TestInvalidUTF8InAFormIs422: a form with text that is not UTF-8 is
// refused with 422 naming the field, as the API refuses such JSON.
func TestInvalidUTF8InAFormIs422(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Bytes")
	c := app.SessionClient(t, tm.Peer)
	res := c.PostForm("/people/new", url.Values{"preferred_name": {"Ana \xff\xfe"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(testkit.Text(res.Body), "not valid UTF-8") {
		t.Fatalf("invalid UTF-8: %d %s", res.Status, testkit.Text(res.Body))
	}
	if n := peopleCount(t, app.APIClient(t, tm.Peer)); n != 0 {
		t.Fatalf("%d people saved from invalid text", n)
	}
}

// TestOpenAPIDocumentsIdempotencyKey: every API POST that needs a sign-in
// documents the Idempotency-Key header it honours.
func TestOpenAPIDocumentsIdempotencyKey(t *testing.T) {
	app := testkit.NewApp(t)
	var doc struct {
		Paths map[string]map[string]struct {
			Security   []any `json:"security"`
			Parameters []struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	app.Client(t).Get("/api/v1/openapi.json").JSON(t, &doc)
	n := 0
	for path, ops := range doc.Paths {
		op, ok := ops["post"]
		if !ok || op.Security != nil {
			continue
		}
		n++
		found := false
		for _, p := range op.Parameters {
			found = found || (p.Name == "Idempotency-Key" && p.In == "header")
		}
		if !found {
			t.Errorf("POST %s does not document Idempotency-Key", path)
		}
	}
	if n == 0 {
		t.Fatal("no API POST found")
	}
}

// TestSendingTwiceAtOnceSavesOnce: the same API request with one key, and
// the same form with one token, sent several times at the same moment,
// create one person each. The form's copies all lead to that person; the
// API's copies answer with the first response or, while it is still being
// answered, 409.
func TestSendingTwiceAtOnceSavesOnce(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "At once")
	api := app.APIClient(t, tm.Peer)
	const n = 5
	statuses := make([]int, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, app.HTTP.URL+"/api/v1/people", strings.NewReader(`{"preferred_name": "Api At Once"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", "at-once")
			<-start
			statuses[i] = api.Do(req).Status
		})
	}
	close(start)
	wg.Wait()
	for _, st := range statuses {
		if st != http.StatusCreated && st != http.StatusConflict {
			t.Fatalf("statuses %v", statuses)
		}
	}
	if got := peopleCount(t, api); got != 1 {
		t.Fatalf("%d people from one key sent %d times at once (%v)", got, n, statuses)
	}

	c := app.SessionClient(t, tm.Peer)
	m := formToken.FindStringSubmatch(c.Get("/people/new").Body)
	if m == nil {
		t.Fatal("no token")
	}
	locations := make([]string, n)
	start = make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			res := c.PostForm("/people/new", url.Values{"form_token": {m[1]}, "preferred_name": {"Form At Once"}})
			if res.Status == http.StatusSeeOther {
				locations[i] = res.Location()
			}
		})
	}
	close(start)
	wg.Wait()
	for _, l := range locations {
		if l == "" || l != locations[0] {
			t.Fatalf("the copies of one form led to %v", locations)
		}
	}
	if got := peopleCount(t, api); got != 2 {
		t.Fatalf("%d people after one form sent %d times at once", got, n)
	}
}
