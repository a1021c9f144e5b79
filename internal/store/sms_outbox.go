package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"peerpath/internal/sms"
)

// Text messages (issue 18): sign-in codes sent by SMS go through an outbox
// of their own, sms_outbox, exactly as email goes through the outbox: the
// message is written in the transaction of the request, and the sender in
// "peerpath serve" (DeliverSMS) sends it later, retrying with growing
// waits while the provider is down. A message holds a code, so it lives
// only as long as the code: its number and body are emptied once it is
// sent or given up, and one not sent by its expiry is given up.

// Kinds of text message.
const SMSSignInCode = "signin_code"

// EnableSMS turns text messages on: RequestSignInCode may send a code by
// SMS to a person with no email address. Without it nothing is written to
// sms_outbox.
func (s *Store) EnableSMS() { s.smsOn.Store(true) }

// smsEnabled reports whether text messages are on.
func (s *Store) smsEnabled() bool { return s.smsOn.Load() }

// enqueueSMS writes a text message to sms_outbox inside tx. The body is
// sealed with the installation's key, like an email's: it holds a code.
func (s *Store) enqueueSMS(ctx context.Context, tx *sql.Tx, orgID int64, kind string, m sms.Message, expires time.Time) error {
	body, err := s.keys.SealString(m.Body)
	if err != nil {
		return err
	}
	now := ms(s.now())
	_, err = tx.ExecContext(ctx, `INSERT INTO sms_outbox (org_id, kind, to_number, body, created_at, expires_at, next_attempt_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, orgID, kind, m.To, body, now, ms(expires), now)
	return err
}

// SMSOutboxStatus counts an organisation's text messages by state, and the
// last failure of one still waiting.
func (s *Store) SMSOutboxStatus(ctx context.Context, orgID int64) (OutboxStatus, error) {
	var o OutboxStatus
	err := s.rdb.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN sent_at = 0 AND given_up_at = 0 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN sent_at <> 0 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN given_up_at <> 0 THEN 1 ELSE 0 END), 0)
		FROM sms_outbox WHERE org_id = $1`, orgID).Scan(&o.Waiting, &o.Sent, &o.GivenUp)
	if err != nil {
		return o, err
	}
	err = s.rdb.QueryRowContext(ctx, `SELECT last_error FROM sms_outbox WHERE org_id = $1 AND last_error <> '' ORDER BY id DESC LIMIT 1`, orgID).Scan(&o.LastError)
	if err == sql.ErrNoRows {
		err = nil
	}
	return o, err
}

// DeliverSMS sends up to limit text messages that are due, oldest first,
// with send, and returns how many were sent. A message the provider
// refuses (an error wrapping sms.ErrRejected) is given up at once; one
// that fails otherwise is tried again after OutboxFirstWait, then twice as
// long each time, up to OutboxMaxWait, until it expires. A message past
// its expiry is given up without being sent. Sent or given up, its number
// and body are emptied.
func (s *Store) DeliverSMS(ctx context.Context, limit int, send func(context.Context, sms.Message) error) (int, error) {
	now := s.now()
	rows, err := s.rdb.QueryContext(ctx, fmt.Sprintf(`SELECT id, to_number, body, attempts, next_attempt_at, expires_at FROM sms_outbox
		WHERE sent_at = 0 AND given_up_at = 0 AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT %d`, limit), ms(now))
	if err != nil {
		return 0, err
	}
	type due struct {
		id              int64
		m               sms.Message
		attempts        int
		next, expiresMS int64
	}
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.m.To, &d.m.Body, &d.attempts, &d.next, &d.expiresMS); err != nil {
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
		giveUp := func(reason string) error {
			_, err := s.wdb.ExecContext(ctx, "UPDATE sms_outbox SET given_up_at = $1, to_number = '', body = '', last_error = $2 WHERE id = $3 AND sent_at = 0",
				ms(now), reason, d.id)
			return err
		}
		if !now.Before(fromMS(d.expiresMS)) {
			if err := giveUp("expired before it could be sent"); err != nil {
				return sent, err
			}
			continue
		}
		// Claim the message: only the sender that moves its next attempt
		// on sends it.
		res, err := s.wdb.ExecContext(ctx, "UPDATE sms_outbox SET next_attempt_at = $1 WHERE id = $2 AND next_attempt_at = $3 AND sent_at = 0 AND given_up_at = 0",
			ms(now.Add(outboxLease)), d.id, d.next)
		if err != nil {
			return sent, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		d.m.Body, err = s.keys.OpenString(d.m.Body)
		if err != nil {
			err = fmt.Errorf("%w: the message cannot be opened with this installation's key", sms.ErrRejected)
		} else {
			err = send(ctx, d.m)
		}
		if err != nil {
			msg := lastError(err)
			attempts := d.attempts + 1
			if errors.Is(err, sms.ErrRejected) {
				if _, uerr := s.wdb.ExecContext(ctx, "UPDATE sms_outbox SET attempts = $1 WHERE id = $2", attempts, d.id); uerr != nil {
					return sent, uerr
				}
				if uerr := giveUp(msg); uerr != nil {
					return sent, uerr
				}
				continue
			}
			if _, uerr := s.wdb.ExecContext(ctx, "UPDATE sms_outbox SET attempts = $1, next_attempt_at = $2, last_error = $3 WHERE id = $4",
				attempts, ms(now.Add(retryWait(attempts))), msg, d.id); uerr != nil {
				return sent, uerr
			}
			continue
		}
		if _, err := s.wdb.ExecContext(ctx, "UPDATE sms_outbox SET sent_at = $1, attempts = attempts + 1, to_number = '', body = '', last_error = '' WHERE id = $2",
			ms(s.now()), d.id); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}
