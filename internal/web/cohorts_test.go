package web_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"peerpath/internal/auth"
	"peerpath/internal/cohort"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// cohortFixture is a CPS cohort of tm's trainer with two past training days
// and one participant, José Ñúñez, linked to tm.Peer.
type cohortFixture struct {
	Cohort      store.Cohort
	Sessions    []store.CohortSession
	Participant store.Participant
}

func makeCohort(t *testing.T, app *testkit.App, tm testkit.Team) cohortFixture {
	t.Helper()
	tr := testkit.Actor(tm.Trainer)
	c := testkit.Must[store.Cohort](t)(app.CreateCohort(t.Context(), tr, store.CohortInput{Programme: "cps", Name: "Autumn 2026, Worcester",
		Location: "Worcester Recovery Center, room 3", StartsOn: "2026-10-01", EndsOn: "2026-11-20", Capacity: 12}))
	// The organisation's administrator confirms peerpath's suggested rule.
	c = testkit.Must[store.Cohort](t)(app.ConfirmCohortRule(t.Context(), testkit.Actor(tm.Admin), c.ID, store.ConfirmedRule(c.Rule)))
	var ss []store.CohortSession
	for _, d := range []string{"2026-10-01", "2026-10-08"} {
		ss = append(ss, testkit.Must[store.CohortSession](t)(app.CreateCohortSession(t.Context(), tr, c.ID, store.SessionInput{Kind: cohort.SessionTraining, On: d, Topic: "Recovery and hope"})))
	}
	p := testkit.Must[store.Participant](t)(app.AddParticipant(t.Context(), tr, c.ID, store.ParticipantInput{Name: "José Ñúñez", Email: "jose.nunez@example.org", UserID: tm.Peer.ID}))
	return cohortFixture{Cohort: c, Sessions: ss, Participant: p}
}

// complete marks every session and passes both exams, through the store.
func (f cohortFixture) complete(t *testing.T, app *testkit.App, tm testkit.Team) {
	t.Helper()
	tr := testkit.Actor(tm.Trainer)
	for _, s := range f.Sessions {
		if err := app.RecordAttendance(t.Context(), tr, f.Cohort.ID, s.ID, map[int64]cohort.Mark{f.Participant.ID: cohort.Present}); err != nil {
			t.Fatal(err)
		}
	}
	score, passed := 92, true
	testkit.Must[store.ExamAttempt](t)(app.RecordExam(t.Context(), tr, f.Cohort.ID, f.Participant.ID, store.ExamInput{Exam: cohort.Written, TakenOn: "2026-11-10", Score: &score}))
	testkit.Must[store.ExamAttempt](t)(app.RecordExam(t.Context(), tr, f.Cohort.ID, f.Participant.ID, store.ExamInput{Exam: cohort.Oral, TakenOn: "2026-11-12", Passed: &passed}))
}

func (f cohortFixture) path(rest string) string { return "/cohorts/" + itoa(f.Cohort.ID) + rest }

func (f cohortFixture) pPath(rest string) string {
	return f.path("/participants/" + itoa(f.Participant.ID) + rest)
}

// cohortTemplateSteps renders every template of the cohort pages, for
// TestEveryTemplateRenders.
func cohortTemplateSteps(t *testing.T, app *testkit.App) {
	tm := app.NewTeam(t, "Journey cohorts")
	f := makeCohort(t, app, tm)
	f.complete(t, app, tm)
	cert := testkit.Must[store.Certificate](t)(app.IssueCertificate(t.Context(), testkit.Actor(tm.Trainer), f.Cohort.ID, f.Participant.ID, ""))
	trainer := app.SessionClient(t, tm.Trainer)
	admin := app.SessionClient(t, tm.Admin)
	for _, p := range []string{"/", "/cohorts", "/cohorts/new", f.path(""), f.path("/edit"), f.path("/sessions/new"), f.path("/sessions/" + itoa(f.Sessions[0].ID)),
		f.path("/participants/new"), f.pPath(""), "/programmes", "/host-companies", "/host-companies/new", "/cohorts/reports"} {
		if res := trainer.Get(p); res.Status != http.StatusOK {
			t.Errorf("GET %s: %d", p, res.Status)
		}
	}
	for _, p := range []string{"/programmes/new", "/programmes/cps"} {
		if res := admin.Get(p); res.Status != http.StatusOK {
			t.Errorf("GET %s: %d", p, res.Status)
		}
	}
	app.SessionClient(t, tm.Peer).Get("/my/courses")
	app.Client(t).Get("/verify")
	app.Client(t).Get("/verify/" + cert.GroupedCode())
	app.Client(t).Get("/credentials/check")
}

func TestCohortPagesAccess(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Access RLC")
	f := makeCohort(t, app, tm)
	otherTrainer := app.MakeUser(t, tm.Org.ID, "tomas@accessrlc.test", "Tomas Trainer", auth.RoleTrainer)
	other := app.NewTeam(t, "Elsewhere RSC")
	paths := []string{f.path(""), f.path("/edit"), f.path("/sessions/new"), f.path("/sessions/" + itoa(f.Sessions[0].ID)), f.path("/participants/new"), f.pPath(""), f.pPath("/edit")}
	apiPaths := []string{"/api/v1/cohorts/" + itoa(f.Cohort.ID), "/api/v1/cohorts/" + itoa(f.Cohort.ID) + "/participants", "/api/v1/cohorts/" + itoa(f.Cohort.ID) + "/sessions"}
	want := map[string]struct {
		u    store.User
		code int
	}{
		"the cohort's trainer":           {tm.Trainer, http.StatusOK},
		"the organisation's admin":       {tm.Admin, http.StatusOK},
		"another trainer":                {otherTrainer, http.StatusNotFound},
		"a supervisor":                   {tm.Supervisor, http.StatusForbidden},
		"a peer worker":                  {tm.OtherPeer, http.StatusForbidden},
		"another organisation's admin":   {other.Admin, http.StatusNotFound},
		"another organisation's trainer": {other.Trainer, http.StatusNotFound},
	}
	for who, w := range want {
		c := app.SessionClient(t, w.u)
		for _, p := range paths {
			if res := c.Get(p); res.Status != w.code {
				t.Errorf("%s: GET %s = %d, want %d", who, p, res.Status, w.code)
			}
		}
		api := app.APIClient(t, w.u)
		for _, p := range apiPaths {
			if res := api.Get(p); res.Status != w.code {
				t.Errorf("%s: API GET %s = %d, want %d", who, p, res.Status, w.code)
			}
		}
		if w.code != http.StatusOK {
			// Changes are refused the same way, and change nothing.
			res := c.PostForm(f.pPath("/withdraw"), url.Values{"withdrawn_on": {"2026-11-01"}})
			if res.Status != w.code {
				t.Errorf("%s: withdrawing = %d, want %d", who, res.Status, w.code)
			}
			if res := c.PostForm(f.path("/sessions/"+itoa(f.Sessions[0].ID)+"/delete"), nil); res.Status != w.code {
				t.Errorf("%s: removing a session = %d, want %d", who, res.Status, w.code)
			}
			if res := api.Send("DELETE", "/api/v1/cohorts/"+itoa(f.Cohort.ID)+"/sessions/"+itoa(f.Sessions[0].ID), nil); res.Status != w.code {
				t.Errorf("%s: API removing a session = %d, want %d", who, res.Status, w.code)
			}
			list := c.Get("/cohorts")
			if strings.Contains(list.Body, f.Cohort.Name) {
				t.Errorf("%s sees the cohort in the list", who)
			}
		}
	}
	rec, _ := app.Participant(t.Context(), testkit.Actor(tm.Admin), f.Cohort.ID, f.Participant.ID)
	if rec.Status != cohort.Enrolled {
		t.Fatalf("an outsider withdrew the participant: %s", rec.Status)
	}
	// The trainer removes a session: refused with the reason once attendance
	// is recorded (the page stays), done before.
	trainer := app.SessionClient(t, tm.Trainer)
	if err := app.RecordAttendance(t.Context(), testkit.Actor(tm.Trainer), f.Cohort.ID, f.Sessions[0].ID, map[int64]cohort.Mark{f.Participant.ID: cohort.Present}); err != nil {
		t.Fatal(err)
	}
	res := trainer.PostForm(f.path("/sessions/"+itoa(f.Sessions[0].ID)+"/delete"), nil)
	if res.Status != http.StatusConflict || !strings.Contains(testkit.Text(res.Body), "Attendance is recorded for this session, so it stays") {
		t.Fatalf("removing a marked session: %d %s", res.Status, testkit.Text(res.Body))
	}
	if res := trainer.PostForm(f.path("/sessions/"+itoa(f.Sessions[1].ID)+"/delete"), nil); res.Status != http.StatusSeeOther {
		t.Fatalf("removing a session: %d %s", res.Status, testkit.Text(res.Body))
	}
	if res := app.APIClient(t, tm.Trainer).Send("DELETE", "/api/v1/cohorts/"+itoa(f.Cohort.ID)+"/sessions/"+itoa(f.Sessions[1].ID), nil); res.Status != http.StatusNotFound {
		t.Fatalf("removing it again: %d", res.Status)
	}
	// Reading a participant's record is audited.
	l, _ := app.ListAudit(t.Context(), tm.Org.ID, store.AuditFilter{RecordType: "participant", RecordID: itoa(f.Participant.ID), UserID: tm.Trainer.ID}, store.Page{})
	read := false
	for _, e := range l.Items {
		read = read || e.Action == "read"
	}
	if !read {
		t.Error("the trainer's read of the participant is not audited")
	}
}

func TestCohortFormsKeepWhatWasTyped(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Forms RLC")
	c := app.SessionClient(t, tm.Trainer)
	bad := c.PostForm("/cohorts/new", url.Values{"programme": {"cps"}, "name": {"Spring 2027, Lowell"}, "term": {"Spring 2027"}, "starts_on": {"2027-03-01"},
		"ends_on": {"2027-02-01"}, "capacity": {"lots"}, "trainers": {itoa(tm.Trainer.ID)}})
	if bad.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad cohort: %d", bad.Status)
	}
	for _, want := range []string{`value="Spring 2027, Lowell"`, `value="Spring 2027"`, `value="2027-03-01"`, `value="lots"`, "The end date must be on or after the start date.",
		"Enter how many places", `id="programme-cps" name="programme" value="cps" checked`, `href="#f-capacity"`} {
		if !strings.Contains(bad.Body, want) {
			t.Errorf("the form does not keep or say %q", want)
		}
	}
	ok := c.PostForm("/cohorts/new", url.Values{"programme": {"cps"}, "name": {"Spring 2027, Lowell"}, "starts_on": {"2027-03-01"}, "ends_on": {"2027-05-01"}, "capacity": {"2"}})
	if ok.Status != http.StatusSeeOther {
		t.Fatalf("creating a cohort: %d %s", ok.Status, testkit.Text(ok.Body))
	}
	path := ok.Location()
	page := c.Get(path)
	if !strings.Contains(testkit.Text(page.Body), "attend at least 85 %") || !strings.Contains(page.Body, "Tess Trainer") {
		t.Fatalf("cohort page: %s", testkit.Text(page.Body))
	}
	// A participant without a name comes back with the email kept.
	res := c.PostForm(path+"/participants/new", url.Values{"email": {"ana@example.org"}, "start": {"enrol"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `value="ana@example.org"`) || !strings.Contains(res.Body, "as it should print on the certificate") {
		t.Fatalf("participant without a name: %d", res.Status)
	}
	for _, n := range []string{"Ana Lima", "Ben Okoro", "Cy Tran"} {
		if res := c.PostForm(path+"/participants/new", url.Values{"name": {n}, "start": {"enrol"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("adding %s: %d", n, res.Status)
		}
	}
	page = c.Get(path)
	if !strings.Contains(testkit.Text(page.Body), "On the waitlist, number 1") {
		t.Errorf("the third person is not shown first on the waitlist: %s", testkit.Text(page.Body))
	}
	// A session with a bad time keeps the date typed.
	res = c.PostForm(path+"/sessions/new", url.Values{"kind": {"training"}, "on": {"2027-03-01"}, "start_time": {"nine"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `value="2027-03-01"`) || !strings.Contains(res.Body, "Enter a time such as 09:30") {
		t.Fatalf("bad session: %d", res.Status)
	}
}

// pdfText extracts a PDF's text with pdftotext (poppler-utils); without it
// the check is skipped, except in CI.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is not installed; CI must install poppler-utils")
		}
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	path := filepath.Join(t.TempDir(), "certificate.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-raw", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return norm.NFC.String(strings.Join(strings.Fields(string(out)), " "))
}

var codePattern = regexp.MustCompile(`[A-Z2-7]{4}(-[A-Z2-7]{4}){4}`)

func TestCertificateIssueVerifyRevokeThroughThePages(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Harbor Peer Training")
	f := makeCohort(t, app, tm)
	trainer := app.SessionClient(t, tm.Trainer)

	// Too early: 409, and the page says what is missing.
	res := trainer.PostForm(f.pPath("/certificate"), nil)
	if res.Status != http.StatusConflict || !strings.Contains(testkit.Text(res.Body), "Attendance 0 % — your organisation's rule: 85 %") ||
		!strings.Contains(testkit.Text(res.Body), "Your organisation's completion rule is not met yet") {
		t.Fatalf("issuing too early: %d %s", res.Status, testkit.Text(res.Body))
	}
	// Attendance through the session page.
	for _, s := range f.Sessions {
		res := trainer.PostForm(f.path("/sessions/"+itoa(s.ID)), url.Values{"mark_" + itoa(f.Participant.ID): {"late"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("attendance: %d %s", res.Status, testkit.Text(res.Body))
		}
	}
	// Exams through the participant page: a bad score comes back, then a fail, a pass, the oral.
	res = trainer.PostForm(f.pPath("/exams"), url.Values{"exam": {"written"}, "taken_on": {"2026-11-10"}, "score": {"eighty"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `value="eighty"`) || !strings.Contains(res.Body, "Enter a score from 0 to 100.") {
		t.Fatalf("bad score: %d", res.Status)
	}
	for _, form := range []url.Values{
		{"exam": {"written"}, "taken_on": {"2026-11-10"}, "score": {"74"}},
		{"exam": {"written"}, "taken_on": {"2026-11-17"}, "score": {"81"}},
		{"exam": {"oral"}, "taken_on": {"2026-11-18"}, "result": {"passed"}},
	} {
		if res := trainer.PostForm(f.pPath("/exams"), form); res.Status != http.StatusSeeOther {
			t.Fatalf("exam %v: %d %s", form, res.Status, testkit.Text(res.Body))
		}
	}
	// The 74 was another person's result: take it back, saying why.
	raw := trainer.Get(f.pPath("")).Body
	m := regexp.MustCompile(`/exams/(\d+)/remove"`).FindStringSubmatch(raw)
	if m == nil {
		t.Fatal("no way to take back an exam result")
	}
	res = trainer.PostForm(f.pPath("/exams/"+m[1]+"/remove"), url.Values{"reason": {"  "}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `<details open>`) || !strings.Contains(res.Body, "Say what was wrong with this result") {
		t.Fatalf("taking back without a reason: %d %s", res.Status, testkit.Text(res.Body))
	}
	if res := trainer.PostForm(f.pPath("/exams/"+m[1]+"/remove"), url.Values{"reason": {"Another person's score"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("taking back: %d %s", res.Status, testkit.Text(res.Body))
	}
	raw = trainer.Get(f.pPath("")).Body
	page := testkit.Text(raw)
	if !strings.Contains(page, "Results taken back Written exam of 10 Nov 2026 (74 %): taken back on") || !strings.Contains(page, "Another person's score") {
		t.Fatalf("the page does not list the result taken back: %s", page)
	}
	if !strings.Contains(page, "Nothing is missing") || !strings.Contains(page, "Written exam: passed") || strings.Contains(raw, `/exams"`) {
		t.Fatalf("participant page after the exams (no exam left to record): %s", page)
	}
	if res := trainer.PostForm(f.pPath("/certificate"), nil); res.Status != http.StatusSeeOther {
		t.Fatalf("issuing: %d %s", res.Status, testkit.Text(res.Body))
	}
	page = trainer.Get(f.pPath("")).Body
	code := codePattern.FindString(page)
	if code == "" {
		t.Fatal("the participant page shows no code")
	}

	// The PDF prints the name with its accents, the programme, the issuer and the code.
	pdf := trainer.Get(f.pPath("/certificate.pdf"))
	if pdf.Status != 200 || pdf.Header.Get("Content-Type") != "application/pdf" || strings.Contains(pdf.Header.Get("Content-Disposition"), "Ñ") {
		t.Fatalf("PDF: %d %q %q", pdf.Status, pdf.Header.Get("Content-Type"), pdf.Header.Get("Content-Disposition"))
	}
	text := pdfText(t, []byte(pdf.Body))
	for _, want := range []string{"José Ñúñez", "Certified Peer Specialist course", "Harbor Peer Training", code, app.HTTP.URL + "/verify/" + code} {
		if !strings.Contains(text, want) {
			t.Errorf("the certificate does not print %q: %s", want, text)
		}
	}
	// The participant, a user, downloads it too from their own page; others cannot.
	mine := app.SessionClient(t, tm.Peer)
	if res := mine.Get("/my/courses"); !strings.Contains(res.Body, code) {
		t.Fatalf("my courses lacks the certificate: %s", testkit.Text(res.Body))
	}
	if res := mine.Get("/my/courses/" + itoa(f.Participant.ID) + "/certificate.pdf"); res.Status != 200 {
		t.Fatalf("own PDF: %d", res.Status)
	}
	if res := app.SessionClient(t, tm.OtherPeer).Get("/my/courses/" + itoa(f.Participant.ID) + "/certificate.pdf"); res.Status != http.StatusNotFound {
		t.Fatalf("someone else's PDF: %d", res.Status)
	}

	// Anyone verifies it; the page says valid.
	anon := app.Client(t)
	v := anon.Get("/verify/" + strings.ToLower(code))
	if v.Status != 200 || !strings.Contains(testkit.Text(v.Body), "This certificate is valid.") || !strings.Contains(v.Body, "José Ñúñez") {
		t.Fatalf("verify: %d %s", v.Status, testkit.Text(v.Body))
	}
	// The form sends a typed code to its page.
	if res := anon.Get("/verify?code=" + url.QueryEscape(strings.ReplaceAll(code, "-", " "))); res.Status != http.StatusSeeOther || res.Location() != "/verify/"+code {
		t.Fatalf("verify form: %d %q", res.Status, res.Location())
	}

	// A trainer cannot revoke; the admin can, and verification then says revoked.
	if res := trainer.PostForm(f.pPath("/certificate/revoke"), url.Values{"reason": {"x"}}); res.Status != http.StatusForbidden {
		t.Fatalf("trainer revoking: %d", res.Status)
	}
	app.Clock.Advance(24 * time.Hour)
	admin := app.SessionClient(t, tm.Admin)
	if res := admin.PostForm(f.pPath("/certificate/revoke"), url.Values{"reason": {""}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Say why") {
		t.Fatalf("revoking without a reason: %d", res.Status)
	}
	if res := admin.PostForm(f.pPath("/certificate/revoke"), url.Values{"reason": {"Issued to the wrong cohort by mistake"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("revoking: %d %s", res.Status, testkit.Text(res.Body))
	}
	v = anon.Get("/verify/" + code)
	vt := testkit.Text(v.Body)
	if !strings.Contains(vt, "This certificate was revoked on 24 Nov 2026.") || strings.Contains(vt, "wrong cohort") {
		t.Fatalf("verify after revocation: %s", vt)
	}
}

func TestVerificationShowsNothingElseAndIsRateLimited(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Quiet RLC")
	f := makeCohort(t, app, tm)
	f.complete(t, app, tm)
	cert := testkit.Must[store.Certificate](t)(app.IssueCertificate(t.Context(), testkit.Actor(tm.Trainer), f.Cohort.ID, f.Participant.ID, ""))
	anon := app.Client(t)
	page := anon.Get("/verify/" + cert.GroupedCode())
	text := testkit.Text(page.Body)
	for _, want := range []string{"José Ñúñez", "Certified Peer Specialist course", "23 Nov 2026", "Quiet RLC", "This certificate is valid."} {
		if !strings.Contains(text, want) {
			t.Errorf("verification lacks %q", want)
		}
	}
	for _, secret := range []string{"jose.nunez@example.org", f.Cohort.Name, "Worcester", "Tess Trainer", "Oral", "Written", "attendance", "Attendance", "/cohorts/", "/participants/"} {
		if strings.Contains(page.Body, secret) {
			t.Errorf("verification reveals %q", secret)
		}
	}
	// The written score, looked for in the text: the page's markup holds
	// content-hashed asset names, which may contain any digits.
	if strings.Contains(text, "92") {
		t.Error("verification reveals the written score")
	}
	api := anon.Get("/api/v1/certificates/" + cert.Code)
	var got map[string]any
	api.JSON(t, &got)
	wantKeys := map[string]bool{"code": true, "name": true, "programme": true, "issued_on": true, "issuer": true, "status": true}
	for k := range got {
		if !wantKeys[k] {
			t.Errorf("the API reveals %q", k)
		}
	}
	if got["status"] != "valid" || got["name"] != "José Ñúñez" {
		t.Fatalf("API verification: %v", got)
	}
	if res := anon.Get("/verify/AAAA-AAAA-AAAA-AAAA-AAAA"); res.Status != http.StatusNotFound || !strings.Contains(testkit.Text(res.Body), "Certificate not found") {
		t.Fatalf("unknown code: %d", res.Status)
	}
	if res := anon.Get("/api/v1/certificates/nonsense"); res.Status != http.StatusNotFound || !strings.Contains(res.Body, `"code":"not_found"`) {
		t.Fatalf("unknown code in the API: %d %s", res.Status, res.Body)
	}
	// 4 lookups so far from this address; the 31st in the minute is refused.
	var last testkit.Response
	for i := 5; i <= 31; i++ {
		last = anon.Get("/verify/" + cert.GroupedCode())
		if i < 31 && last.Status != 200 {
			t.Fatalf("lookup %d: %d", i, last.Status)
		}
	}
	if last.Status != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Fatalf("lookup 31: %d", last.Status)
	}
	if res := anon.Get("/api/v1/certificates/" + cert.Code); res.Status != http.StatusTooManyRequests || !strings.Contains(res.Body, `"code":"rate_limited"`) {
		t.Fatalf("API lookup over the limit: %d %s", res.Status, res.Body)
	}
	app.Clock.Advance(61 * time.Second)
	if res := anon.Get("/verify/" + cert.GroupedCode()); res.Status != 200 {
		t.Fatalf("after a minute: %d", res.Status)
	}
	// Logs carry the route, never the code or the name.
	if logs := app.Logs(); strings.Contains(logs, cert.Code) || strings.Contains(logs, cert.GroupedCode()) || strings.Contains(logs, "Ñúñez") {
		t.Error("the logs hold the code or the name")
	}
}

func TestCohortAPI(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "API RLC")
	api := app.APIClient(t, tm.Trainer)
	res := api.Send("POST", "/api/v1/cohorts", map[string]any{"programme": "cps", "name": "", "starts_on": "2026-10-01", "ends_on": "2026-11-20", "capacity": 0})
	var e struct {
		Error struct {
			Code   string            `json:"code"`
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	res.JSON(t, &e)
	if res.Status != http.StatusUnprocessableEntity || e.Error.Fields["name"] == "" || e.Error.Fields["capacity"] == "" {
		t.Fatalf("invalid cohort: %d %s", res.Status, res.Body)
	}
	if res := api.Send("POST", "/api/v1/cohorts", `{"programme": "cps", "nmae": "typo"}`); res.Status != http.StatusBadRequest {
		t.Fatalf("unknown field: %d", res.Status)
	}
	res = api.Send("POST", "/api/v1/cohorts", map[string]any{"programme": "cps", "name": "API cohort", "starts_on": "2026-10-01", "ends_on": "2026-11-20", "capacity": 1})
	var c struct {
		ID        string   `json:"id"`
		Programme string   `json:"programme"`
		Capacity  int      `json:"capacity"`
		Trainers  []string `json:"trainer_ids"`
		Rule      struct {
			AttendancePercent int `json:"attendance_percent"`
			WrittenPassMark   int `json:"written_pass_mark"`
		} `json:"rule"`
	}
	res.JSON(t, &c)
	if res.Status != http.StatusCreated || c.Programme != "cps" || c.Capacity != 1 || c.Rule.AttendancePercent != 85 || c.Rule.WrittenPassMark != 80 || len(c.Trainers) != 1 ||
		!strings.Contains(res.Body, `"confirmed":false`) || !strings.Contains(res.Body, `"owner":"suggestion"`) {
		t.Fatalf("created: %d %s", res.Status, res.Body)
	}
	base := "/api/v1/cohorts/" + c.ID
	// The administrator confirms the suggested numbers as the organisation's;
	// the trainer may not, and confirming needs "confirm": true.
	if res := api.Send("PUT", base+"/rule", map[string]any{"attendance_percent": 85, "written_pass_mark": 80, "attempts": 2, "confirm": true}); res.Status != http.StatusForbidden {
		t.Fatalf("a trainer confirming the rule: %d %s", res.Status, res.Body)
	}
	adminAPI := app.APIClient(t, tm.Admin)
	if res := adminAPI.Send("PUT", base+"/rule", map[string]any{"attendance_percent": 85, "written_pass_mark": 80, "attempts": 2}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"confirm"`) {
		t.Fatalf("confirming without confirm: %d %s", res.Status, res.Body)
	}
	if res := adminAPI.Send("PUT", base+"/rule", map[string]any{"attendance_percent": 85, "written_pass_mark": 80, "attempts": 2, "confirm": true}); res.Status != http.StatusOK ||
		!strings.Contains(res.Body, `"confirmed":true`) || !strings.Contains(res.Body, `"owner":"organisation"`) || !strings.Contains(res.Body, "Your organisation's rule: to complete") {
		t.Fatalf("confirming the rule: %d %s", res.Status, res.Body)
	}
	var s struct {
		ID string `json:"id"`
	}
	res = api.Send("POST", base+"/sessions", map[string]any{"kind": "training", "date": "2026-10-01", "start_time": "09:30", "end_time": "15:30", "topic": "Day one"})
	res.JSON(t, &s)
	if res.Status != http.StatusCreated {
		t.Fatalf("session: %d %s", res.Status, res.Body)
	}
	if res := api.Get(base + "/sessions"); res.Status != 200 || !strings.Contains(res.Body, `"id":"`+s.ID+`"`) || !strings.Contains(res.Body, `"start_time":"09:30"`) {
		t.Fatalf("sessions: %d %s", res.Status, res.Body)
	}
	var p1, p2 struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	api.Send("POST", base+"/participants", map[string]any{"name": "Zoë Ávila", "email": "zoe@example.org"}).JSON(t, &p1)
	api.Send("POST", base+"/participants", map[string]any{"name": "Yusuf Adeyemi"}).JSON(t, &p2)
	if p1.Status != "enrolled" || p2.Status != "waitlisted" {
		t.Fatalf("statuses: %s %s", p1.Status, p2.Status)
	}
	res = api.Send("PUT", base+"/sessions/"+s.ID+"/attendance", map[string]any{"marks": []map[string]string{{"participant_id": p1.ID, "mark": "present"}, {"participant_id": p2.ID, "mark": "present"}}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "mark_"+p2.ID) {
		t.Fatalf("marking someone waitlisted: %d %s", res.Status, res.Body)
	}
	res = api.Send("PUT", base+"/sessions/"+s.ID+"/attendance", map[string]any{"marks": []map[string]string{{"participant_id": p1.ID, "mark": "present"}}})
	if res.Status != 200 || !strings.Contains(res.Body, `"mark":"present"`) {
		t.Fatalf("attendance: %d %s", res.Status, res.Body)
	}
	res = api.Send("POST", base+"/participants/"+p1.ID+"/certificate", nil)
	var conflict struct {
		Error struct {
			Code   string            `json:"code"`
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	res.JSON(t, &conflict)
	if res.Status != http.StatusConflict || conflict.Error.Code != "conflict" || conflict.Error.Fields["missing"] != "Written exam not yet passed (0 of 2 attempts used); Oral exam not yet passed (0 of 2 attempts used)" {
		t.Fatalf("issuing too early: %d %s", res.Status, res.Body)
	}
	res = api.Send("POST", base+"/participants/"+p1.ID+"/exams", map[string]any{"exam": "written", "taken_on": "2026-11-10", "score": 79})
	if res.Status != http.StatusCreated || !strings.Contains(res.Body, `"passed":false`) || !strings.Contains(res.Body, "Written exam not yet passed (1 of 2 attempts used)") {
		t.Fatalf("a failed written exam: %d %s", res.Status, res.Body)
	}
	var failed struct {
		ID string `json:"id"`
	}
	res.JSON(t, &failed)
	// A result recorded by mistake is taken back; the reason is required.
	if res := api.Send("DELETE", base+"/participants/"+p1.ID+"/exams/"+failed.ID, map[string]any{}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"reason"`) {
		t.Fatalf("taking back without a reason: %d %s", res.Status, res.Body)
	}
	res = api.Send("DELETE", base+"/participants/"+p1.ID+"/exams/"+failed.ID, map[string]any{"reason": "typed 79 for 97"})
	if res.Status != http.StatusOK || !strings.Contains(res.Body, "Written exam not yet passed (0 of 2 attempts used)") {
		t.Fatalf("taking back a result: %d %s", res.Status, res.Body)
	}
	api.Send("POST", base+"/participants/"+p1.ID+"/exams", map[string]any{"exam": "written", "taken_on": "2026-11-17", "score": 85})
	api.Send("POST", base+"/participants/"+p1.ID+"/exams", map[string]any{"exam": "oral", "taken_on": "2026-11-18", "passed": true})
	res = api.Send("POST", base+"/participants/"+p1.ID+"/certificate", nil)
	var cert struct {
		Code      string `json:"code"`
		Status    string `json:"status"`
		VerifyURL string `json:"verify_url"`
	}
	res.JSON(t, &cert)
	if res.Status != http.StatusCreated || cert.Status != "valid" || cert.VerifyURL != app.HTTP.URL+"/verify/"+cert.Code {
		t.Fatalf("certificate: %d %s", res.Status, res.Body)
	}
	// Withdrawing someone who completed is refused; the list shows progress.
	if res := api.Send("POST", base+"/participants/"+p1.ID+"/withdraw", map[string]any{"withdrawn_on": "2026-11-20"}); res.Status != http.StatusConflict {
		t.Fatalf("withdrawing someone who completed: %d", res.Status)
	}
	res = api.Get(base + "/participants")
	if !strings.Contains(res.Body, `"certificate_code":"`+cert.Code+`"`) || !strings.Contains(res.Body, `"waitlist_position":1`) {
		t.Fatalf("participants: %s", res.Body)
	}
	// Public verification, then revocation by the admin.
	anon := app.Client(t)
	if res := anon.Get("/api/v1/certificates/" + cert.Code); res.Status != 200 || !strings.Contains(res.Body, `"status":"valid"`) {
		t.Fatalf("verify: %d %s", res.Status, res.Body)
	}
	if res := api.Send("POST", base+"/participants/"+p1.ID+"/certificate/revoke", map[string]any{"reason": "x"}); res.Status != http.StatusForbidden {
		t.Fatalf("a trainer revoking by API: %d", res.Status)
	}
	admin := app.APIClient(t, tm.Admin)
	if res := admin.Send("POST", base+"/participants/"+p1.ID+"/certificate/revoke", map[string]any{"reason": "Entered in error"}); res.Status != 200 {
		t.Fatalf("revoking: %d %s", res.Status, res.Body)
	}
	res = anon.Get("/api/v1/certificates/" + cert.Code)
	if res.Status != 200 || !strings.Contains(res.Body, `"status":"revoked"`) || !strings.Contains(res.Body, `"revoked_on":"2026-11-23"`) || strings.Contains(res.Body, "Entered in error") {
		t.Fatalf("verify after revocation: %d %s", res.Status, res.Body)
	}
	// The list.
	res = api.Get("/api/v1/cohorts")
	if res.Status != 200 || !strings.Contains(res.Body, `"name":"API cohort"`) || !strings.Contains(res.Body, `"next_cursor":""`) {
		t.Fatalf("list: %d %s", res.Status, res.Body)
	}
}

func TestCohortReportCSVIsSafe(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "CSV RLC")
	tr := testkit.Actor(tm.Trainer)
	testkit.Must[store.Cohort](t)(app.CreateCohort(t.Context(), tr, store.CohortInput{Programme: "ican", Name: `=HYPERLINK("http://evil.example","x")`, StartsOn: "2026-09-01", EndsOn: "2026-12-01", Capacity: 5}))
	// The report labels each cohort's rule: the organisation's, or peerpath's unconfirmed suggestion.
	f := makeCohort(t, app, tm)
	f.complete(t, app, tm)
	testkit.Must[store.Certificate](t)(app.IssueCertificate(t.Context(), tr, f.Cohort.ID, f.Participant.ID, ""))
	c := app.SessionClient(t, tm.Trainer)
	page := testkit.Text(c.Get("/cohorts/reports?year=2026").Body)
	if !strings.Contains(page, "2 cohorts") || !strings.Contains(page, "Completion rate: 100 %") || !strings.Contains(page, "Your organisation's rule: 85 % attendance") ||
		!strings.Contains(page, "peerpath suggests (not yet confirmed by your organisation): 80 % attendance") {
		t.Fatalf("report page: %s", page)
	}
	if res := c.Get("/cohorts/reports?year=soon"); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad year: %d", res.Status)
	}
	res := c.Get("/cohorts/reports.csv?year=2026")
	if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d", res.Status)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\ufeff"))).ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("CSV rows: %v %d", err, len(rows))
	}
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("a cell could run as a formula: %q", cell)
			}
		}
	}
	if rows[3][1] != "2 cohorts" || rows[2][8] != "100" || rows[0][15] != "Completion rule" || !strings.HasPrefix(rows[2][15], "Your organisation's rule: 85 %") || rows[3][15] != "" {
		t.Errorf("CSV content: %v", rows)
	}
	l, _ := app.ListAudit(t.Context(), tm.Org.ID, store.AuditFilter{RecordType: "cohort_report"}, store.Page{})
	if len(l.Items) != 1 || l.Items[0].Action != "export" {
		t.Errorf("the export is not audited: %+v", l.Items)
	}
}

func TestTrainerHomeAndMyCourses(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Home RLC")
	f := makeCohort(t, app, tm)
	testkit.Must[store.Cohort](t)(app.CreateCohort(t.Context(), testkit.Actor(tm.Trainer), store.CohortInput{Programme: "cps", Name: "Winter 2027", StartsOn: "2027-01-10", EndsOn: "2027-03-01", Capacity: 10}))
	testkit.Must[store.CohortSession](t)(app.CreateCohortSession(t.Context(), testkit.Actor(tm.Trainer), f.Cohort.ID, store.SessionInput{Kind: cohort.SessionRetreat, On: "2026-11-23", Topic: "Retreat"}))
	home := testkit.Text(app.SessionClient(t, tm.Trainer).Get("/").Body)
	// The Autumn cohort ended on 20 November; it is not current.
	if strings.Contains(home, f.Cohort.Name) || !strings.Contains(home, "Winter 2027") || !strings.Contains(home, "0 of 10 places taken") {
		t.Fatalf("trainer home: %s", home)
	}
	mine := testkit.Text(app.SessionClient(t, tm.Peer).Get("/my/courses").Body)
	if !strings.Contains(mine, "Certified Peer Specialist course") || !strings.Contains(mine, "Next session: today") || !strings.Contains(mine, "Written exam not yet passed") {
		t.Fatalf("my courses: %s", mine)
	}
	others := testkit.Text(app.SessionClient(t, tm.OtherPeer).Get("/my/courses").Body)
	if strings.Contains(others, "Certified Peer Specialist") || !strings.Contains(others, "You are not in any course here.") {
		t.Fatalf("another worker's courses: %s", others)
	}
}
