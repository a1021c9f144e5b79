package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestUploadFormsSurviveAnExpiredSession: the four upload forms (consent
// documents, training certificates, resource imports, chart uploads) sent as
// the session ran out keep their text fields as a draft, and the form
// continued from it says which file must be chosen again.
func TestUploadFormsSurviveAnExpiredSession(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Upload drafts")
	p := addPerson(t, app, tm.Peer, "Ula Upload")
	cases := []struct {
		who    store.User
		path   string
		fields url.Values
		file   string // the file field
		typed  string // a typed value that must come back
	}{
		{tm.Peer, "/people/" + itoa(p.ID) + "/consent", url.Values{"given_on": {"2026-11-02"}, "covers": {"Typed as the session ended"}}, "document", "Typed as the session ended"},
		{tm.Peer, "/workers/" + itoa(tm.Peer.ID) + "/trainings/new", url.Values{"title": {"Typed training title"}, "completed_on": {"2026-09-01"}, "provider": {"Riverbend"}, "hours": {"3"}}, "certificate", "Typed training title"},
		{tm.Supervisor, "/resources/import", url.Values{}, "file", ""},
		{tm.Admin, "/admin/frameworks", url.Values{"text": {"typed chart notes"}}, "file", "typed chart notes"},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			cl := app.SignIn(t, c.who)
			app.Clock.Advance(store.IdleTimeout + time.Minute)
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			for k, vs := range c.fields {
				for _, v := range vs {
					mw.WriteField(k, v)
				}
			}
			fw, _ := mw.CreateFormFile(c.file, "chosen.pdf")
			fw.Write([]byte("%PDF-1.7\n%%EOF"))
			mw.Close()
			req, _ := http.NewRequest(http.MethodPost, app.HTTP.URL+c.path, &b)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			res := cl.Do(req)
			if res.Status != http.StatusSeeOther || !strings.Contains(res.Location(), "draft=1") {
				t.Fatalf("sent after the session ended: %d %q", res.Status, res.Location())
			}
			cl.PostForm("/login", url.Values{"email": {c.who.Email}, "password": {testkit.Password}})
			ds, err := app.Drafts(t.Context(), c.who.ID)
			if err != nil || len(ds) == 0 || ds[0].Path != c.path {
				t.Fatalf("no draft for %s: %+v %v", c.path, ds, err)
			}
			page := cl.Get(c.path + "?draft=" + itoa(ds[0].ID))
			text := testkit.Text(page.Body)
			if page.Status != 200 || !strings.Contains(text, "Choose this file again") || !strings.Contains(page.Body, `id="f-`+c.file+`-error"`) ||
				(c.typed != "" && !strings.Contains(page.Body, c.typed)) {
				t.Fatalf("the form continued from the draft (%d): %s", page.Status, text)
			}
			if c.file == "file" { // the import and chart forms need real files; not this test's subject
				app.DeleteDraft(t.Context(), c.who.ID, ds[0].ID)
				return
			}
			// The file chosen again, the form saves and its draft is gone.
			tok := formToken.FindStringSubmatch(page.Body)
			if tok == nil || !strings.Contains(page.Body, `name="draft" value="`+itoa(ds[0].ID)+`"`) {
				t.Fatalf("the continued form lacks its token or draft: %s", page.Body)
			}
			fields := url.Values{"draft": {itoa(ds[0].ID)}, "form_token": {tok[1]}}
			for k, v := range c.fields {
				fields[k] = v
			}
			var b2 bytes.Buffer
			mw2 := multipart.NewWriter(&b2)
			for k, vs := range fields {
				for _, v := range vs {
					mw2.WriteField(k, v)
				}
			}
			fw2, _ := mw2.CreateFormFile(c.file, "again.pdf")
			fw2.Write([]byte("%PDF-1.7\n%%EOF"))
			mw2.Close()
			req2, _ := http.NewRequest(http.MethodPost, app.HTTP.URL+c.path, &b2)
			req2.Header.Set("Content-Type", mw2.FormDataContentType())
			if res := cl.Do(req2); res.Status != http.StatusSeeOther {
				t.Fatalf("saving the continued form: %d %s", res.Status, testkit.Text(res.Body))
			}
			if ds, _ := app.Drafts(t.Context(), c.who.ID); len(ds) != 0 {
				t.Fatalf("the draft stayed after its form was saved: %+v", ds)
			}
		})
	}
}
