package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/i18n"
	"peerpath/internal/mail"
	"peerpath/internal/workforce"
)

// The outbox: email waiting to be sent. A message is written in the
// transaction of the change that causes it, so it exists exactly when the
// change does; the sender in "peerpath serve" (DeliverMail) sends it and
// retries with growing waits while the mail server is down.

// Kinds of message in the outbox.
const (
	MailInvite           = "invite"
	MailReset            = "reset"
	MailCredentialExpiry = "credential-expiry"
	MailSignoffAnswer    = "signoff-answer"
)

// Outbox retry policy: the first retry after OutboxFirstWait, each next
// wait twice as long up to OutboxMaxWait; a message not sent within
// OutboxGiveUpAfter is given up (its links have expired by then).
const (
	OutboxFirstWait   = time.Minute
	OutboxMaxWait     = time.Hour
	OutboxGiveUpAfter = 7 * 24 * time.Hour
	// OutboxKeep is how long a sent or given-up message is kept (who it
	// went to, its subject, when) before PurgeOutbox removes it.
	OutboxKeep = 30 * 24 * time.Hour
	// outboxLease is how long a message being sent is kept from other
	// senders (a second peerpath serving the same PostgreSQL database).
	outboxLease = 5 * time.Minute
)

// enqueueMail writes a message to the outbox inside the transaction of the
// change that causes it. A message with a onceKey already written for the
// organisation is not written again.
func (s *Store) enqueueMail(ctx context.Context, tx *sql.Tx, orgID int64, kind, onceKey string, m mail.Message) error {
	// The bodies are sealed with the installation's key: a waiting
	// message may hold a one-time link, and a copy of the database must
	// not hand it out.
	text, err := s.keys.SealString(m.Text)
	if err != nil {
		return err
	}
	html, err := s.keys.SealString(m.HTML)
	if err != nil {
		return err
	}
	m.Text, m.HTML = text, html
	now := ms(s.now())
	_, err = tx.ExecContext(ctx, `INSERT INTO outbox (org_id, kind, once_key, to_addr, subject, body_text, body_html, created_at, next_attempt_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
		orgID, kind, onceKey, m.To, m.Subject, m.Text, m.HTML, now, now)
	return err
}

// OutboxStatus counts the messages of an organisation by state.
type OutboxStatus struct {
	Waiting, Sent, GivenUp int
	LastError              string // the last failure of a waiting message, if any
}

// MailOutboxStatus tells an administrator how the organisation's email is
// going.
func (s *Store) MailOutboxStatus(ctx context.Context, orgID int64) (OutboxStatus, error) {
	var o OutboxStatus
	err := s.rdb.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN sent_at = 0 AND given_up_at = 0 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN sent_at <> 0 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN given_up_at <> 0 THEN 1 ELSE 0 END), 0)
		FROM outbox WHERE org_id = $1`, orgID).Scan(&o.Waiting, &o.Sent, &o.GivenUp)
	if err != nil {
		return o, err
	}
	err = s.rdb.QueryRowContext(ctx, `SELECT last_error FROM outbox WHERE org_id = $1 AND sent_at = 0 AND given_up_at = 0 AND last_error <> '' ORDER BY id DESC LIMIT 1`, orgID).Scan(&o.LastError)
	if err == sql.ErrNoRows {
		err = nil
	}
	return o, err
}

// DeliverMail sends up to limit messages that are due, oldest first, with
// send, and returns how many were sent. A message that fails is tried again
// later (after OutboxFirstWait, then twice as long each time, up to
// OutboxMaxWait); one not sent within OutboxGiveUpAfter is given up. A sent
// message's body is emptied, since it may hold a one-time link.
func (s *Store) DeliverMail(ctx context.Context, limit int, send func(context.Context, mail.Message) error) (int, error) {
	now := s.now()
	rows, err := s.rdb.QueryContext(ctx, fmt.Sprintf(`SELECT id, to_addr, subject, body_text, body_html, attempts, next_attempt_at, created_at FROM outbox
		WHERE sent_at = 0 AND given_up_at = 0 AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT %d`, limit), ms(now))
	if err != nil {
		return 0, err
	}
	type due struct {
		id                int64
		m                 mail.Message
		attempts          int
		next, createdAtMS int64
	}
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.m.To, &d.m.Subject, &d.m.Text, &d.m.HTML, &d.attempts, &d.next, &d.createdAtMS); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	sent := 0
	for _, d := range list {
		if ctx.Err() != nil {
			return sent, ctx.Err()
		}
		// Claim the message: only the sender that moves its next attempt
		// on sends it.
		res, err := s.wdb.ExecContext(ctx, "UPDATE outbox SET next_attempt_at = $1 WHERE id = $2 AND next_attempt_at = $3 AND sent_at = 0",
			ms(now.Add(outboxLease)), d.id, d.next)
		if err != nil {
			return sent, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		err = s.openMail(&d.m)
		if err == nil {
			err = send(ctx, d.m)
		}
		if err != nil {
			attempts := d.attempts + 1
			var givenUp int64
			if now.Sub(fromMS(d.createdAtMS)) >= OutboxGiveUpAfter {
				givenUp = ms(now)
			}
			if _, uerr := s.wdb.ExecContext(ctx, "UPDATE outbox SET attempts = $1, next_attempt_at = $2, last_error = $3, given_up_at = $4 WHERE id = $5",
				attempts, ms(now.Add(retryWait(attempts))), lastError(err), givenUp, d.id); uerr != nil {
				return sent, uerr
			}
			continue
		}
		if _, err := s.wdb.ExecContext(ctx, "UPDATE outbox SET sent_at = $1, attempts = attempts + 1, body_text = '', body_html = '', last_error = '' WHERE id = $2",
			ms(s.now()), d.id); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// retryWait is how long a message waits after its attempts-th failed
// attempt: OutboxFirstWait, then twice as long each time, up to
// OutboxMaxWait (email and text messages alike).
func retryWait(attempts int) time.Duration {
	return min(OutboxFirstWait<<min(attempts-1, 10), OutboxMaxWait)
}

// lastError is a failed attempt's error as the outbox keeps it, cut short.
func lastError(err error) string {
	msg := err.Error()
	if len(msg) > 500 {
		msg = msg[:500]
	}
	return msg
}

// EnableMail turns email on: changes that tell a worker something (a
// sign-off answer, a credential ending soon) put a message in the outbox,
// with links to peerpath at base (https://peerpath.example.org). Without it
// nothing is written to the outbox but what a caller asks for.
func (s *Store) EnableMail(base string) {
	base = strings.TrimRight(base, "/")
	s.mailBase.Store(&base)
}

// mailLink is the address of path in peerpath, and whether email is on.
func (s *Store) mailLink(path string) (string, bool) {
	b := s.mailBase.Load()
	if b == nil {
		return "", false
	}
	return *b + path, true
}

// notifyWorker emails a worker of org about a change, inside its
// transaction, when email is on, in the language the worker chose for
// peerpath's pages (English without a choice). Deactivated workers get
// nothing.
func (s *Store) notifyWorker(ctx context.Context, tx *sql.Tx, orgID, userID int64, kind, onceKey, path string, compose func(to, name, org, link string, l *i18n.Localizer) mail.Message) error {
	link, on := s.mailLink(path)
	if !on {
		return nil
	}
	var to, name, org, lang string
	err := tx.QueryRowContext(ctx, `SELECT u.email, u.name, o.name, u.language FROM users u JOIN organisations o ON o.id = u.org_id
		WHERE u.id = $1 AND u.org_id = $2 AND u.active`, userID, orgID).Scan(&to, &name, &org, &lang)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.enqueueMail(ctx, tx, orgID, kind, onceKey, compose(to, name, org, link, i18n.For(lang)))
}

// mailWords are an email's greeting, closing and link hint in the reader's
// language.
func mailWords(l *i18n.Localizer) mail.Words {
	return mail.Words{Lang: l.Lang(), Hello: l.T("email.hello"), CopyLink: l.T("email.copy_link"), From: l.T("email.from")}
}

// longDateIn writes a day ("2027-01-31") as "31 January 2027", "31 de
// enero de 2027"… in the language of l.
func longDateIn(l *i18n.Localizer, day string) string {
	t, err := time.Parse(core.DateLayout, day)
	if err != nil {
		return day
	}
	return l.T("date.long", "Day", t.Day(), "Month", l.T("month."+strconv.Itoa(int(t.Month()))), "Year", t.Year())
}

// QueueCredentialReminders puts in the outbox a reminder for each
// credential of an active worker that passed a reminder point (90, 60 or 30
// days before it ends, as on the development pages) and was not reminded of
// at that point yet. It does nothing unless email is on.
func (s *Store) QueueCredentialReminders(ctx context.Context) error {
	if _, on := s.mailLink(""); !on {
		return nil
	}
	today := s.today()
	limit := workforce.AddDays(today, 90)
	rows, err := s.rdb.QueryContext(ctx, `SELECT c.id, c.org_id, c.user_id, c.kind, c.name, c.expires_on FROM credentials c JOIN users u ON u.id = c.user_id
		WHERE c.expires_on >= $1 AND c.expires_on <= $2 AND u.active ORDER BY c.id`, today, limit)
	if err != nil {
		return err
	}
	type due struct {
		id, org, user int64
		label, on     string
		threshold     int
	}
	var list []due
	for rows.Next() {
		var d due
		var kind, name string
		if err := rows.Scan(&d.id, &d.org, &d.user, &kind, &name, &d.on); err != nil {
			rows.Close()
			return err
		}
		c := Credential{Kind: workforce.CredentialKind(kind), Name: name}
		d.label = c.Label()
		d.threshold = workforce.ReminderFor(d.on, today).Threshold
		if d.threshold > 0 {
			list = append(list, d)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(list) == 0 {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, d := range list {
			key := fmt.Sprintf("credential:%d:%s:%d", d.id, d.on, d.threshold)
			err := s.notifyWorker(ctx, tx, d.org, d.user, MailCredentialExpiry, key, "/development", func(to, name, org, link string, l *i18n.Localizer) mail.Message {
				on := longDateIn(l, d.on)
				return mail.CredentialExpiry(to, name, org, l.T("development.email.credential.subject", "Credential", d.label, "Date", on),
					l.T("development.email.credential.para", "Credential", d.label, "Date", on), link, l.T("development.email.credential.link"), mailWords(l))
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// PurgeOutbox removes email and text messages sent or given up more than
// OutboxKeep ago. (A text message's number and body are emptied long
// before, when it is sent or given up: sms_outbox.go.)
func (s *Store) PurgeOutbox(ctx context.Context) error {
	cut := ms(s.now().Add(-OutboxKeep))
	for _, table := range []string{"outbox", "sms_outbox"} {
		if _, err := s.wdb.ExecContext(ctx, `DELETE FROM `+table+` WHERE (sent_at <> 0 AND sent_at < $1) OR (given_up_at <> 0 AND given_up_at < $1)`, cut); err != nil {
			return err
		}
	}
	return nil
}

// openMail unseals a message's bodies.
func (s *Store) openMail(m *mail.Message) error {
	text, err := s.keys.OpenString(m.Text)
	if err != nil {
		return fmt.Errorf("the message cannot be opened with this installation's key: %w", err)
	}
	html, err := s.keys.OpenString(m.HTML)
	if err != nil {
		return fmt.Errorf("the message cannot be opened with this installation's key: %w", err)
	}
	m.Text, m.HTML = text, html
	return nil
}
