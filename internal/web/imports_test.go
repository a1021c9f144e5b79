package web_test

import (
	"bytes"
	"encoding/base64"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"peerpath/internal/testkit"
)

// importUpload sends a file to the admin import page as a browser does.
func importUpload(t *testing.T, c *testkit.Client, app *testkit.App, kind, name, body string) testkit.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("kind", kind)
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write([]byte(body))
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, app.HTTP.URL+"/admin/import", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Do(req)
}

var formTokenRE = regexp.MustCompile(`name="form_token" value="([^"]+)"`)

// waitImport follows an import's page until it has ended.
func waitImport(t *testing.T, c *testkit.Client, path string) testkit.Response {
	t.Helper()
	for range 200 {
		res := c.Get(path)
		if !strings.Contains(res.Body, "data-poll") {
			return res
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal("the import did not end")
	return testkit.Response{}
}

func TestImportPage(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Riverbend")
	other := app.NewTeam(t, "Harbor")
	c := app.SessionClient(t, tm.Admin)

	page := c.Get("/admin/import")
	if page.Status != 200 || !formTokenRE.MatchString(page.Body) || !strings.Contains(page.Body, `href="/admin/import/samples/people"`) {
		t.Fatalf("import page: %d", page.Status)
	}
	// No file: the message is beside the field and the kind chosen is kept.
	res := importUpload(t, c, app, "people", "", "")
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Choose a CSV or Excel (.xlsx) file to import.") || !strings.Contains(res.Body, `<option value="people" selected>`) {
		t.Fatalf("no file: %d %s", res.Status, testkit.Text(res.Body))
	}
	// Not UTF-8: refused by line.
	res = importUpload(t, c, app, "people", "latin.csv", "Id,Name\nP-1,Jos\xe9\n")
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(testkit.Text(res.Body), "Line 2: This line is not UTF-8 text") {
		t.Fatalf("latin-1: %d %s", res.Status, testkit.Text(res.Body))
	}

	// The sample names the organisation's own workers, and imports as it is.
	sample := c.Get("/admin/import/samples/people")
	if sample.Status != 200 || !strings.Contains(sample.Body, "olu@riverbend.test") || !strings.HasPrefix(sample.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("sample: %d %s", sample.Status, sample.Body)
	}
	res = importUpload(t, c, app, "people", "people.csv", strings.Replace(sample.Body, "worker_emails", "Worker", 1))
	if res.Status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", res.Status, testkit.Text(res.Body))
	}
	job := res.Location()
	// Another organisation's administrator does not reach the upload.
	if r := app.SessionClient(t, other.Admin).Get(job); r.Status != http.StatusNotFound {
		t.Errorf("another organisation's admin sees the upload: %d", r.Status)
	}
	mapping := c.Get(job)
	text := testkit.Text(mapping.Body)
	if mapping.Status != 200 || !strings.Contains(text, "Line 2") || !strings.Contains(text, "Robin Sample") || !strings.Contains(text, "Import 2 people") {
		t.Fatalf("mapping and preview: %d %s", mapping.Status, text)
	}
	// "Worker" is suggested as the workers' emails.
	if !regexp.MustCompile(`<option value="worker_emails" selected>`).MatchString(mapping.Body) {
		t.Errorf("the Worker column is not mapped to worker_emails")
	}
	// Leaving the workers out is a problem on line 1; nothing can be imported.
	col := regexp.MustCompile(`<label for="map-(\d+)">Worker</label>`).FindStringSubmatch(mapping.Body)
	if col == nil {
		t.Fatal("no Worker column")
	}
	tok := formTokenRE.FindStringSubmatch(mapping.Body)[1]
	res = c.PostForm(job, url.Values{"form_token": {tok}, "action": {"preview"}, "map-" + col[1]: {""}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("preview: %d", res.Status)
	}
	mapping = c.Follow(res)
	if text := testkit.Text(mapping.Body); !strings.Contains(text, "The file has no column for workers' emails") || strings.Contains(text, "Import 2 people") {
		t.Fatalf("a missing required column: %s", text)
	}
	tok = formTokenRE.FindStringSubmatch(mapping.Body)[1]
	res = c.PostForm(job, url.Values{"form_token": {tok}, "action": {"import"}, "map-" + col[1]: {"worker_emails"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("import: %d", res.Status)
	}
	// The same form sent twice (a double click) starts nothing more.
	if again := c.PostForm(job, url.Values{"form_token": {tok}, "action": {"import"}, "map-" + col[1]: {"worker_emails"}}); again.Status != http.StatusSeeOther {
		t.Errorf("the form sent again: %d", again.Status)
	}
	done := waitImport(t, c, job)
	if text := testkit.Text(done.Body); done.Status != 200 || !strings.Contains(text, "2 people added; 0 imported before and skipped") {
		t.Fatalf("after the import: %d %s", done.Status, text)
	}
	if l := c.Get("/admin/import"); !strings.Contains(l.Body, "people.csv") {
		t.Error("the import is not listed under last imports")
	}
	people := c.Get("/people?q=robin")
	if !strings.Contains(people.Body, "Robin Sample") {
		t.Error("the imported person is not on the people page")
	}

	// The same file again: everything is skipped.
	res = importUpload(t, c, app, "people", "people.csv", strings.Replace(sample.Body, "worker_emails", "Worker", 1))
	job = res.Location()
	mapping = c.Get(job)
	if !strings.Contains(testkit.Text(mapping.Body), "Line 2: imported before, skipped") {
		t.Errorf("the second upload does not say rows are skipped: %s", testkit.Text(mapping.Body))
	}
	tok = formTokenRE.FindStringSubmatch(mapping.Body)[1]
	c.PostForm(job, url.Values{"form_token": {tok}, "action": {"import"}})
	if done := waitImport(t, c, job); !strings.Contains(testkit.Text(done.Body), "0 people added; 2 imported before and skipped") {
		t.Errorf("second import: %s", testkit.Text(done.Body))
	}

	// A supervisor does not reach the page.
	if r := app.SessionClient(t, tm.Supervisor).Get("/admin/import"); r.Status != http.StatusForbidden {
		t.Errorf("a supervisor: %d", r.Status)
	}
}

func TestImportAPI(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Riverbend")
	c := app.APIClient(t, tm.Admin)
	file := base64.StdEncoding.EncodeToString([]byte("name,kind,checked\nRiverbend Warm Line,other,11/02/2026\nRiverbend Clothing Closet,other,\n"))
	body := map[string]any{"kind": "resources", "file_name": "places.csv", "content": file, "mapping": map[string]string{"checked": "verified_on"}, "dry_run": true}
	res := c.Send(http.MethodPost, "/api/v1/imports", body)
	var out struct {
		BatchID string `json:"batch_id"`
		Created int    `json:"created"`
		Skipped int    `json:"skipped"`
		Preview []struct {
			Values []struct{ Label, Value string }
		} `json:"preview"`
	}
	res.JSON(t, &out)
	if res.Status != http.StatusOK || out.Created != 2 || out.BatchID != "" || len(out.Preview) != 2 {
		t.Fatalf("dry run: %d %s", res.Status, res.Body)
	}
	delete(body, "dry_run")
	res = c.Send(http.MethodPost, "/api/v1/imports", body)
	res.JSON(t, &out)
	if res.Status != http.StatusCreated || out.Created != 2 || out.BatchID == "" {
		t.Fatalf("import: %d %s", res.Status, res.Body)
	}
	res = c.Send(http.MethodPost, "/api/v1/imports", body)
	res.JSON(t, &out)
	if res.Status != http.StatusCreated || out.Created != 0 || out.Skipped != 2 {
		t.Fatalf("again: %d %s", res.Status, res.Body)
	}
	body["content"], body["mapping"] = base64.StdEncoding.EncodeToString([]byte("name,kind\nA,other\nB,pets\n")), nil
	res = c.Send(http.MethodPost, "/api/v1/imports", body)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"line 3, kind"`) {
		t.Fatalf("a wrong line: %d %s", res.Status, res.Body)
	}
	if r := app.APIClient(t, tm.Supervisor).Send(http.MethodPost, "/api/v1/imports", body); r.Status != http.StatusForbidden {
		t.Errorf("a supervisor: %d", r.Status)
	}
}
