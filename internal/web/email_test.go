package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"peerpath/internal/mail"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// Email (issue 16): invitations and reset links go by email through a real
// SMTP server, from the outbox, and a server that is down loses nothing.

func mailSender(t *testing.T, m *testkit.SMTP) *mail.Sender {
	t.Helper()
	s, err := mail.NewSender(m.URL(), "peerpath@example.org")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var linkRe = regexp.MustCompile(`http://[^\s"<]+/account/password\?token=[A-Za-z0-9_\-]+`)

func TestEmailInvitationEndToEnd(t *testing.T) {
	smtp := testkit.NewSMTP(t)
	app := testkit.NewMailApp(t)
	tm := app.NewTeam(t, "Mail")
	admin := app.SessionClient(t, tm.Admin)
	if page := admin.Get("/admin/users/new"); !strings.Contains(page.Body, "peerpath emails them a one-time link") {
		t.Fatalf("the invite form does not say the link goes by email: %s\n%s", testkit.Text(page.Body), app.Logs())
	}
	res := admin.PostForm("/admin/users/new", url.Values{"name": {"Rosa Diaz"}, "email": {"rosa@mail.test"}, "roles": {"peer"}, "supervisor": {itoa(tm.Supervisor.ID)}})
	if res.Status != http.StatusOK || !strings.Contains(testkit.Text(res.Body), "peerpath is emailing the link to rosa@mail.test") {
		t.Fatalf("invite: %d %s", res.Status, testkit.Text(res.Body))
	}
	if strings.Contains(res.Body, "token=") {
		t.Fatal("the administrator sees the link although it went by email")
	}
	if got := smtp.Messages(); len(got) != 0 {
		t.Fatalf("sent before the outbox was delivered: %d", len(got))
	}
	n, err := app.DeliverMail(t.Context(), 10, mailSender(t, smtp).Send)
	if err != nil || n != 1 {
		t.Fatalf("delivering the outbox: %d %v", n, err)
	}
	msgs := smtp.Messages()
	if len(msgs) != 1 {
		t.Fatalf("want 1 message, got %d", len(msgs))
	}
	m := msgs[0]
	if m.To != "rosa@mail.test" || m.From != "peerpath@example.org" || !strings.Contains(m.Subject, "invitation") {
		t.Fatalf("message envelope: to %q from %q subject %q", m.To, m.From, m.Subject)
	}
	link := linkRe.FindString(m.Text)
	if link == "" || !strings.Contains(m.HTML, `href="`+strings.ReplaceAll(link, "&", "&amp;")+`"`) || !strings.Contains(m.Text, "Hello Rosa Diaz") {
		t.Fatalf("the message lacks the link in text and HTML:\n%s\n---\n%s", m.Text, m.HTML)
	}
	path := strings.TrimPrefix(link, app.HTTP.URL)
	rosa := app.Client(t)
	if page := rosa.Get(path); !strings.Contains(page.Body, "You are invited as Rosa Diaz") {
		t.Fatalf("the emailed link does not open the invitation: %s", testkit.Text(page.Body))
	}
	token := strings.TrimPrefix(path, "/account/password?token=")
	if res := rosa.PostForm("/account/password", url.Values{"token": {token}, "password": {"tulips and lanterns glow"}, "password_again": {"tulips and lanterns glow"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("choosing a password through the emailed link: %d %s", res.Status, testkit.Text(res.Body))
	}
	// A sent message keeps no link.
	if n, err := app.DeliverMail(t.Context(), 10, mailSender(t, smtp).Send); err != nil || n != 0 || len(smtp.Messages()) != 1 {
		t.Fatalf("a second delivery sent again: %d %v", n, err)
	}
}

func TestEmailOutboxRetriesUntilTheServerIsBack(t *testing.T) {
	smtp := testkit.NewSMTP(t)
	smtp.Stop()
	app := testkit.NewMailApp(t)
	tm := app.NewTeam(t, "Retry")
	admin := app.SessionClient(t, tm.Admin)
	if res := admin.PostForm("/admin/users/"+itoa(tm.Peer.ID)+"/reset-link", nil); res.Status != http.StatusOK || !strings.Contains(res.Body, "peerpath is emailing the link") {
		t.Fatalf("reset link: %d %s", res.Status, testkit.Text(res.Body))
	}
	send := mailSender(t, smtp).Send
	if n, err := app.DeliverMail(t.Context(), 10, send); err != nil || n != 0 {
		t.Fatalf("sent with the server down: %d %v", n, err)
	}
	st, err := app.MailOutboxStatus(t.Context(), tm.Org.ID)
	if err != nil || st.Waiting != 1 || st.LastError == "" {
		t.Fatalf("the message is not waiting with its error: %+v %v", st, err)
	}
	if page := testkit.Text(admin.Get("/admin/users").Body); !strings.Contains(page, "1 message is waiting to be sent; the mail server's last answer") {
		t.Fatalf("the users page does not say a message waits: %s", page)
	}
	if page := admin.Get("/admin/users/" + itoa(tm.Peer.ID)); !strings.Contains(page.Body, "Email a password reset link") {
		t.Fatal("the user's page does not say the reset link goes by email")
	}
	smtp.Start()
	// Not due yet: the retry waits.
	if n, err := app.DeliverMail(t.Context(), 10, send); err != nil || n != 0 {
		t.Fatalf("retried before its wait: %d %v", n, err)
	}
	app.Clock.Advance(2 * time.Minute)
	if n, err := app.DeliverMail(t.Context(), 10, send); err != nil || n != 1 {
		t.Fatalf("not sent once the server is back: %d %v", n, err)
	}
	app.Clock.Advance(2 * time.Hour)
	if n, err := app.DeliverMail(t.Context(), 10, send); err != nil || n != 0 {
		t.Fatalf("sent again: %d %v", n, err)
	}
	msgs := smtp.Messages()
	if len(msgs) != 1 || msgs[0].To != tm.Peer.Email || linkRe.FindString(msgs[0].Text) == "" {
		t.Fatalf("want the reset link delivered once, got %d messages", len(msgs))
	}
	if st, _ := app.MailOutboxStatus(t.Context(), tm.Org.ID); st.Sent != 1 || st.Waiting != 0 {
		t.Fatalf("outbox after delivery: %+v", st)
	}
	if page := testkit.Text(app.SessionClient(t, tm.Admin).Get("/admin/users").Body); !strings.Contains(page, "peerpath emails invitations and reset links") || strings.Contains(page, "waiting to be sent") {
		t.Fatalf("the users page after delivery: %s", page)
	}
}

func TestNoMailServerShowsTheLinkAndSaysSo(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "NoMail")
	admin := app.SessionClient(t, tm.Admin)
	if page := admin.Get("/admin/users/new"); !strings.Contains(page.Body, "No mail server is set up") {
		t.Fatal("the invite form does not say no email is sent")
	}
	if page := admin.Get("/admin/users"); !strings.Contains(page.Body, "No mail server is set up, so peerpath sends no email") || strings.Contains(page.Body, "text message") {
		t.Fatal("the users page does not say no email is sent")
	}
	res := admin.PostForm("/admin/users/"+itoa(tm.Peer.ID)+"/reset-link", nil)
	if !strings.Contains(res.Body, "/account/password?token=") || !strings.Contains(res.Body, "no mail server is set up") {
		t.Fatalf("without SMTP the link is shown, saying why: %s", testkit.Text(res.Body))
	}
	if st, err := app.MailOutboxStatus(t.Context(), tm.Org.ID); err != nil || st != (store.OutboxStatus{}) {
		t.Fatalf("without SMTP nothing goes to the outbox: %+v %v", st, err)
	}
}

// STARTTLS (smtp://) and TLS from the first byte (smtps://), with a login.
func TestEmailOverTLSWithALogin(t *testing.T) {
	for _, implicit := range []bool{false, true} {
		smtp := testkit.NewSMTPTLS(t, implicit)
		app := testkit.NewMailApp(t)
		tm := app.NewTeam(t, "TLS")
		if res := app.SessionClient(t, tm.Admin).PostForm("/admin/users/"+itoa(tm.Peer.ID)+"/reset-link", nil); res.Status != http.StatusOK {
			t.Fatalf("reset link: %d", res.Status)
		}
		s := mailSender(t, smtp)
		s.TLSConfig = smtp.ClientTLS
		if n, err := app.DeliverMail(t.Context(), 10, s.Send); err != nil || n != 1 {
			st, _ := app.MailOutboxStatus(t.Context(), tm.Org.ID)
			t.Fatalf("%s: sent %d, %v; outbox %+v", smtp.URL(), n, err, st)
		}
		msgs := smtp.Messages()
		if len(msgs) != 1 || !msgs[0].TLS || msgs[0].User != testkit.SMTPUser || linkRe.FindString(msgs[0].Text) == "" {
			t.Fatalf("%s: %+v", smtp.URL(), msgs)
		}
	}
}
