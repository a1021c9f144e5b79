package store_test

import (
	"strings"
	"testing"
	"time"

	"peerpath/internal/i18n"
	"peerpath/internal/mail"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
	"peerpath/internal/workforce"
)

// Email (issue 16): notices to workers go through the outbox, in the
// transaction of the change, and only when email is on.

func deliver(t *testing.T, db *testkit.DB, m *testkit.SMTP) int {
	t.Helper()
	s, err := mail.NewSender(m.URL(), "peerpath@example.org")
	if err != nil {
		t.Fatal(err)
	}
	n, err := db.DeliverMail(ctx, 50, s.Send)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSignoffAnswersAreEmailed(t *testing.T) {
	smtp := testkit.NewSMTP(t)
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "MailAnswers")
	db.EnableMail("https://peerpath.test/")
	peer, sup := testkit.Actor(tm.Peer), testkit.Actor(tm.Supervisor)
	rid := testkit.Must[int64](t)(db.RequestSignoff(ctx, peer, tm.Peer.ID, compListening, ""))
	other := testkit.Must[int64](t)(db.RequestSignoff(ctx, peer, tm.Peer.ID, "s1.comp.share-lived-experience", ""))
	if _, err := db.AnswerRequestSignOff(ctx, sup, tm.Peer.ID, rid, "", "Listened closely and reflected back."); err != nil {
		t.Fatal(err)
	}
	if err := db.DeclineRequest(ctx, sup, tm.Peer.ID, other, "Let us talk in supervision first."); err != nil {
		t.Fatal(err)
	}
	// A refused answer writes nothing.
	if err := db.DeclineRequest(ctx, sup, tm.Peer.ID, other, "again"); err == nil {
		t.Fatal("declining twice")
	}
	// Waiting messages are sealed: the database holds no link in the clear.
	var clear int
	if err := rawDB(t, db).QueryRow("SELECT COUNT(*) FROM outbox WHERE body_text LIKE '%peerpath.test%' OR body_html LIKE '%peerpath.test%' OR body_text LIKE '%Hello%'").Scan(&clear); err != nil || clear != 0 {
		t.Fatalf("waiting messages in the clear: %d %v", clear, err)
	}
	if n := deliver(t, db, smtp); n != 2 {
		t.Fatalf("sent %d messages, want 2", n)
	}
	msgs := smtp.Messages()
	want := []string{"/workers/" + itoa(tm.Peer.ID) + "/signoff-requests/" + itoa(rid), "/workers/" + itoa(tm.Peer.ID) + "/signoff-requests/" + itoa(other)}
	for i, m := range msgs {
		if m.To != tm.Peer.Email || !strings.Contains(m.Text, "https://peerpath.test"+want[i]) || m.HTML == "" {
			t.Fatalf("message %d: to %s\n%s", i, m.To, m.Text)
		}
		for _, secret := range []string{"Listened closely", "supervision first", compListening, "share-lived"} {
			if strings.Contains(m.Raw, secret) {
				t.Fatalf("the message carries %q, which belongs in peerpath", secret)
			}
		}
	}
	if !strings.Contains(msgs[0].Subject, "signed off") || !strings.Contains(msgs[1].Subject, "answered") {
		t.Fatalf("subjects: %q, %q", msgs[0].Subject, msgs[1].Subject)
	}
	var kept int
	if err := rawDB(t, db).QueryRow("SELECT COUNT(*) FROM outbox WHERE body_text <> '' OR body_html <> ''").Scan(&kept); err != nil || kept != 0 {
		t.Fatalf("sent messages keep their bodies: %d %v", kept, err)
	}
	// Sent messages go after 30 days.
	if err := db.PurgeOutbox(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := db.MailOutboxStatus(ctx, tm.Org.ID); st.Sent != 2 {
		t.Fatalf("purged too early: %+v", st)
	}
	db.Clock.Advance(store.OutboxKeep + time.Hour)
	if err := db.PurgeOutbox(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := db.MailOutboxStatus(ctx, tm.Org.ID); st != (store.OutboxStatus{}) {
		t.Fatalf("not purged: %+v", st)
	}
}

func TestNoEmailWithoutAMailServer(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "NoMail")
	peer, sup := testkit.Actor(tm.Peer), testkit.Actor(tm.Supervisor)
	rid := testkit.Must[int64](t)(db.RequestSignoff(ctx, peer, tm.Peer.ID, compListening, ""))
	if _, err := db.AnswerRequestSignOff(ctx, sup, tm.Peer.ID, rid, "", "Fine."); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddCredential(ctx, peer, tm.Peer.ID, store.NewCredential{Kind: workforce.CredentialCPS, Issuer: "Transformation Center", IssuedOn: "2024-01-01", ExpiresOn: workforce.AddDays(db.Today(), 20)}); err != nil {
		t.Fatal(err)
	}
	if err := db.QueueCredentialReminders(ctx); err != nil {
		t.Fatal(err)
	}
	if st, err := db.MailOutboxStatus(ctx, tm.Org.ID); err != nil || st != (store.OutboxStatus{}) {
		t.Fatalf("without email the outbox stays empty: %+v %v", st, err)
	}
}

func TestCredentialRemindersAreEmailedOncePerPoint(t *testing.T) {
	smtp := testkit.NewSMTP(t)
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "MailCredentials")
	db.EnableMail("https://peerpath.test")
	peer := testkit.Actor(tm.Peer)
	ends := workforce.AddDays(db.Today(), 50)
	if _, err := db.AddCredential(ctx, peer, tm.Peer.ID, store.NewCredential{Kind: workforce.CredentialCPS, Number: "CPS-9", Issuer: "Transformation Center", IssuedOn: "2024-01-01", ExpiresOn: ends}); err != nil {
		t.Fatal(err)
	}
	// Far off: no reminder.
	if _, err := db.AddCredential(ctx, peer, tm.Peer.ID, store.NewCredential{Kind: workforce.CredentialRecoveryCoach, Issuer: "MA Board", IssuedOn: "2024-01-01", ExpiresOn: workforce.AddDays(db.Today(), 200)}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := db.QueueCredentialReminders(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := deliver(t, db, smtp); n != 1 {
		t.Fatalf("60-day point: sent %d, want 1", n)
	}
	db.Clock.Advance(25 * 24 * time.Hour) // 25 days left: the 30-day point
	if err := db.QueueCredentialReminders(ctx); err != nil {
		t.Fatal(err)
	}
	if n := deliver(t, db, smtp); n != 1 {
		t.Fatalf("30-day point: sent %d, want 1", n)
	}
	msgs := smtp.Messages()
	if len(msgs) != 2 || msgs[0].To != tm.Peer.Email || !strings.Contains(msgs[0].Subject, "ends on") || !strings.Contains(msgs[0].Text, "https://peerpath.test/development") {
		t.Fatalf("reminders: %+v", msgs)
	}
	if strings.Contains(msgs[0].Raw, "CPS-9") {
		t.Fatal("the reminder carries the credential number")
	}
}

// TestWorkerEmailsFollowTheirLanguage: a worker who chose Spanish for
// peerpath's pages gets their sign-off answers and credential reminders in
// Spanish; one who chose nothing gets them in English.
func TestWorkerEmailsFollowTheirLanguage(t *testing.T) {
	smtp := testkit.NewSMTP(t)
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "MailLanguages")
	db.EnableMail("https://peerpath.test")
	peer, sup := testkit.Actor(tm.Peer), testkit.Actor(tm.Supervisor)
	if err := db.SetLanguage(ctx, peer, "es"); err != nil {
		t.Fatal(err)
	}
	rid := testkit.Must[int64](t)(db.RequestSignoff(ctx, peer, tm.Peer.ID, compListening, ""))
	if _, err := db.AnswerRequestSignOff(ctx, sup, tm.Peer.ID, rid, "", "Listened closely."); err != nil {
		t.Fatal(err)
	}
	ends := workforce.AddDays(db.Today(), 50)
	for _, u := range []store.User{tm.Peer, tm.OtherPeer} {
		if _, err := db.AddCredential(ctx, testkit.Actor(u), u.ID, store.NewCredential{Kind: workforce.CredentialCPS, Issuer: "Transformation Center", IssuedOn: "2024-01-01", ExpiresOn: ends}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.QueueCredentialReminders(ctx); err != nil {
		t.Fatal(err)
	}
	if n := deliver(t, db, smtp); n != 3 {
		t.Fatalf("sent %d, want 3", n)
	}
	es, en := i18n.In("es"), i18n.In("en")
	day, _ := time.Parse("2006-01-02", ends)
	esDate := es.T("date.long", "Day", day.Day(), "Month", es.T("month."+itoa(int64(day.Month()))), "Year", day.Year())
	byTo := map[string][]testkit.Mail{}
	for _, m := range smtp.Messages() {
		byTo[m.To] = append(byTo[m.To], m)
	}
	spanish, english := byTo[tm.Peer.Email], byTo[tm.OtherPeer.Email]
	if len(spanish) != 2 || len(english) != 1 {
		t.Fatalf("messages: %d to the Spanish reader, %d to the English one", len(spanish), len(english))
	}
	if got, want := spanish[0].Subject, es.T("development.email.signoff.signed.subject"); got != want {
		t.Errorf("sign-off answer subject: %q, want %q", got, want)
	}
	if !strings.Contains(spanish[0].Text, es.T("email.hello")+" Pat Peer,") || !strings.Contains(spanish[0].HTML, `<html lang="es">`) {
		t.Errorf("sign-off answer not in Spanish:\n%s", spanish[0].Text)
	}
	label := workforce.CredentialCPS.Label()
	if got, want := spanish[1].Subject, es.T("development.email.credential.subject", "Credential", label, "Date", esDate); got != want || !strings.Contains(got, " de ") {
		t.Errorf("reminder subject: %q, want %q", got, want)
	}
	if got := english[0].Subject; got != "Your "+label+" ends on "+day.Format("2 January 2006") || got != en.T("development.email.credential.subject", "Credential", label, "Date", day.Format("2 January 2006")) {
		t.Errorf("English reminder subject: %q", got)
	}
}
