package store_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"peerpath/internal/sms"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// Text messages (issue 18): a sign-in code goes by SMS to a person with no
// email address, a phone on their record, and texts okay to use, when the
// installation sends text messages; through sms_outbox, like email.

// sentTexts delivers sms_outbox and returns the messages sent.
func sentTexts(t *testing.T, db *testkit.DB) []sms.Message {
	t.Helper()
	var out []sms.Message
	if _, err := db.DeliverSMS(ctx, 50, func(_ context.Context, m sms.Message) error { out = append(out, m); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSignInCodesByText(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Codes by text")
	pat := testkit.Actor(tm.Peer)
	newPerson := func(in store.PersonInput) store.User {
		t.Helper()
		p, err := db.CreatePerson(ctx, pat, in)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := portalUser(t, db, pat, p)
		return u
	}
	texts := newPerson(store.PersonInput{PreferredName: "Lucía", PreferredLanguage: "Spanish", Phone: "(617) 555-0142", OkayToContact: []string{"phone_call", "text"}})
	callsOnly := newPerson(store.PersonInput{PreferredName: "Rosa", Phone: "617-555-0143", OkayToContact: []string{"phone_call"}})
	noPhone := newPerson(store.PersonInput{PreferredName: "Inês"})
	extension := newPerson(store.PersonInput{PreferredName: "Bea", Phone: "617 555 0144 x12", OkayToContact: []string{"text"}})
	both := newPerson(store.PersonInput{PreferredName: "Ana", Email: "ana@mail.test", Phone: "+1 617 555 0145", OkayToContact: []string{"text", "email"}})
	everyone := []store.User{texts, callsOnly, noPhone, extension, both}
	ask := func() {
		t.Helper()
		for _, u := range everyone {
			if err := db.RequestSignInCode(ctx, u.Email, "192.0.2.1"); err != nil {
				t.Fatalf("%s: %v", u.Email, err)
			}
		}
	}

	// Texts off: nothing goes by SMS (Ana, who has an address, is emailed).
	ask()
	if got := sentTexts(t, db); len(got) != 0 {
		t.Fatalf("texts sent with SMS off: %+v", got)
	}
	if ms := sentCodes(t, db); len(ms) != 1 || ms[0].To != "ana@mail.test" {
		t.Fatalf("emails: %+v", ms)
	}

	// Texts on (and email on): Lucía alone is texted, in Spanish, in E.164;
	// Ana still gets email first; the others are sent nothing.
	db.EnableMail("https://peerpath.test")
	db.EnableSMS()
	db.Clock.Advance(time.Minute)
	ask()
	// Waiting, the body is sealed: the code is not in the database in the clear.
	var clear int
	if err := rawDB(t, db).QueryRow("SELECT COUNT(*) FROM sms_outbox WHERE body LIKE '%código%'").Scan(&clear); err != nil || clear != 0 {
		t.Fatalf("a waiting text in the clear: %d %v", clear, err)
	}
	got := sentTexts(t, db)
	if len(got) != 1 || got[0].To != "+16175550142" {
		t.Fatalf("texts: %+v", got)
	}
	if ms := sentCodes(t, db); len(ms) != 1 || ms[0].To != "ana@mail.test" {
		t.Fatalf("emails with texts on: %+v", ms)
	}
	body := got[0].Body
	code := sixDigits.FindString(body)
	if !strings.HasPrefix(body, "Tu código para entrar es "+code+".") || code == "" {
		t.Fatalf("the text: %q", body)
	}
	// It says nothing about the organisation or the service.
	for _, word := range []string{tm.Org.Name, "peer", "Lucía", "apoyo", "support", "recovery"} {
		if strings.Contains(strings.ToLower(body), strings.ToLower(word)) {
			t.Fatalf("the text says %q: %q", word, body)
		}
	}
	res, err := db.SignInWithCode(ctx, texts.Email, code, "192.0.2.1")
	if err != nil || res.Outcome != store.SignInOK || res.User.ID != texts.ID {
		t.Fatalf("signing in with the texted code: %v %+v", err, res)
	}
	// Sent, the number and body are gone.
	var kept int
	if err := rawDB(t, db).QueryRow("SELECT COUNT(*) FROM sms_outbox WHERE to_number <> '' OR body <> ''").Scan(&kept); err != nil || kept != 0 {
		t.Fatalf("a sent text keeps its number or body: %d %v", kept, err)
	}
	// The audit log says how, never the number or the code.
	l, err := db.ListAudit(ctx, texts.OrgID, store.AuditFilter{UserID: texts.ID}, store.Page{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var details []string
	for _, e := range l.Items {
		details = append(details, string(e.Action)+": "+e.Detail)
	}
	joined := strings.Join(details, "\n")
	if !strings.Contains(joined, "create: sent by text message") || !strings.Contains(joined, "sign_in: code sent by text message") ||
		strings.Contains(joined, code) || strings.Contains(joined, "555") {
		t.Fatalf("audit:\n%s", joined)
	}

	// Texts on and email off: a person with both is texted.
	db2 := testkit.NewStore(t)
	tm2 := db2.NewTeam(t, "Texts only")
	p, err := db2.CreatePerson(ctx, testkit.Actor(tm2.Peer), store.PersonInput{PreferredName: "Ana", Email: "ana@mail.test", Phone: "617 555 0146", OkayToContact: []string{"text", "email"}})
	if err != nil {
		t.Fatal(err)
	}
	u2, _ := portalUser(t, db2, testkit.Actor(tm2.Peer), p)
	sentCodes(t, db2)
	db2.EnableSMS()
	if err := db2.RequestSignInCode(ctx, u2.Email, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	if ts, ms := sentTexts(t, db2), sentCodes(t, db2); len(ts) != 1 || ts[0].To != "+16175550146" || len(ms) != 0 {
		t.Fatalf("texts only: texts %+v, emails %+v", ts, ms)
	}

	// The hourly cap counts texted codes too.
	db.Clock.Advance(2 * time.Hour)
	for range store.SignInCodesPerHour + 2 {
		if err := db.RequestSignInCode(ctx, texts.Email, "192.0.2.4"); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(sentTexts(t, db)); n != store.SignInCodesPerHour {
		t.Fatalf("texted %d codes in an hour, want %d", n, store.SignInCodesPerHour)
	}
}

// fakeProvider stands in for the provider's Messages endpoint: it records
// each request and answers with the next status in line (201 when none is).
type fakeProvider struct {
	mu       sync.Mutex
	requests []*http.Request
	forms    []string
	answers  []int
}

func (f *fakeProvider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r)
	f.forms = append(f.forms, string(body))
	status := http.StatusCreated
	if len(f.answers) > 0 {
		status, f.answers = f.answers[0], f.answers[1:]
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if status >= 400 {
		io.WriteString(w, `{"code": 21211, "message": "The 'To' number +16175550199 is not a valid phone number.", "status": 400}`)
		return
	}
	io.WriteString(w, `{"sid": "SM123", "status": "queued"}`)
}

// TestDeliverSMS sends through the real sender to a local stand-in for the
// provider: a failure of the provider (5xx) is tried again after growing
// waits, a refusal (4xx) is given up at once, an unsent code is given up
// when it expires, and what is given up keeps neither number nor body.
func TestDeliverSMS(t *testing.T) {
	fake := &fakeProvider{answers: []int{503, 500}}
	hs := httptest.NewServer(fake)
	t.Cleanup(hs.Close)
	sender, err := sms.NewSender(strings.Replace(hs.URL, "http://", "http://AC123:secret@", 1)+"/2010-04-01/Accounts/AC123/Messages.json", "+16175550100")
	if err != nil {
		t.Fatal(err)
	}
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "SMS delivery")
	db.EnableSMS()
	pat := testkit.Actor(tm.Peer)
	p, err := db.CreatePerson(ctx, pat, store.PersonInput{PreferredName: "Lucía", Phone: "617-555-0199", OkayToContact: []string{"text"}})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := portalUser(t, db, pat, p)
	if err := db.RequestSignInCode(ctx, u.Email, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	deliver := func() int {
		t.Helper()
		n, err := db.DeliverSMS(ctx, 10, sender.Send)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// The provider is down: the message waits a minute, then two.
	if n := deliver(); n != 0 {
		t.Fatalf("sent %d while the provider is down", n)
	}
	if st, _ := db.SMSOutboxStatus(ctx, tm.Org.ID); st.Waiting != 1 || !strings.Contains(st.LastError, "503") || strings.Contains(st.LastError, "555") {
		t.Fatalf("after a 503: %+v", st)
	}
	if n := deliver(); n != 0 || len(fake.requests) != 1 {
		t.Fatalf("tried again before the wait: %d, %d requests", n, len(fake.requests))
	}
	db.Clock.Advance(store.OutboxFirstWait)
	if n := deliver(); n != 0 || len(fake.requests) != 2 {
		t.Fatalf("second try: %d, %d requests", n, len(fake.requests))
	}
	db.Clock.Advance(store.OutboxFirstWait)
	if n := deliver(); n != 0 || len(fake.requests) != 2 {
		t.Fatalf("the second wait is not longer: %d requests", len(fake.requests))
	}
	db.Clock.Advance(store.OutboxFirstWait)
	if n := deliver(); n != 1 || len(fake.requests) != 3 {
		t.Fatalf("third try: sent %d, %d requests", n, len(fake.requests))
	}
	// The request: a form POST with basic auth, To, From and Body, no more.
	r, form := fake.requests[2], fake.forms[2]
	user, pass, ok := r.BasicAuth()
	if r.Method != http.MethodPost || r.URL.Path != "/2010-04-01/Accounts/AC123/Messages.json" || r.URL.RawQuery != "" || !ok || user != "AC123" || pass != "secret" ||
		r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Fatalf("the request: %s %s auth %q %q %v, %s", r.Method, r.URL, user, pass, ok, r.Header.Get("Content-Type"))
	}
	if !strings.HasPrefix(form, "Body=Your+sign-in+code+is+") || !strings.HasSuffix(form, "&From=%2B16175550100&To=%2B16175550199") || strings.Count(form, "&") != 2 {
		t.Fatalf("the form: %s", form)
	}
	if st, _ := db.SMSOutboxStatus(ctx, tm.Org.ID); st.Sent != 1 || st.Waiting != 0 {
		t.Fatalf("after sending: %+v", st)
	}

	// Refused (4xx): given up at once, never tried again.
	fake.answers = []int{400}
	db.Clock.Advance(time.Minute)
	if err := db.RequestSignInCode(ctx, u.Email, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	if n := deliver(); n != 0 {
		t.Fatal("a refused message counted as sent")
	}
	db.Clock.Advance(time.Hour)
	deliver()
	if len(fake.requests) != 4 {
		t.Fatalf("a refused message was tried again: %d requests", len(fake.requests))
	}
	st, _ := db.SMSOutboxStatus(ctx, tm.Org.ID)
	if st.GivenUp != 1 || !strings.Contains(st.LastError, "provider error 21211") || strings.Contains(st.LastError, "+1617") {
		t.Fatalf("after a refusal: %+v", st)
	}

	// Unsent when the code expires: given up without being sent.
	fake.answers = []int{502, 502, 502, 502, 502, 502}
	if err := db.RequestSignInCode(ctx, u.Email, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	for range 6 {
		deliver()
		db.Clock.Advance(4 * time.Minute)
	}
	st, _ = db.SMSOutboxStatus(ctx, tm.Org.ID)
	if st.GivenUp != 2 || st.Waiting != 0 || len(fake.requests) > 4+4 {
		t.Fatalf("an expired code still waits, or was tried too often: %+v, %d requests", st, len(fake.requests))
	}
	var kept int
	if err := rawDB(t, db).QueryRow("SELECT COUNT(*) FROM sms_outbox WHERE to_number <> '' OR body <> ''").Scan(&kept); err != nil || kept != 0 {
		t.Fatalf("given up or sent texts keep their number or body: %d %v", kept, err)
	}

	// After OutboxKeep, the rows go.
	db.Clock.Advance(store.OutboxKeep + time.Hour)
	if err := db.PurgeOutbox(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := db.SMSOutboxStatus(ctx, tm.Org.ID); st != (store.OutboxStatus{}) {
		t.Fatalf("after the purge: %+v", st)
	}
}
