package app

import (
	"context"
	"flag"
	"log/slog"
	"time"

	"peerpath/internal/mail"
	"peerpath/internal/store"
)

// outboxEvery is how often serve looks for email to send.
const outboxEvery = 15 * time.Second

func mailFlags(fs *flag.FlagSet, cfg *Config, getenv env) {
	urlVar(fs, &cfg.SMTPURL, "smtp-url", getenv("PEERPATH_SMTP_URL"), "the organisation's mail server, e.g. smtp://user:password@mail.example.org:587 (STARTTLS) or smtps://…:465 (TLS); without it peerpath sends no email and shows links to the administrator (PEERPATH_SMTP_URL)")
	fs.StringVar(&cfg.SMTPFrom, "smtp-from", getenv("PEERPATH_SMTP_FROM"), "the From address of the email peerpath sends, e.g. peerpath@example.org (PEERPATH_SMTP_FROM)")
}

// newSender is the mail server of the configuration, or nil without one.
func newSender(cfg Config) (*mail.Sender, error) {
	if cfg.SMTPURL == "" {
		if cfg.SMTPFrom != "" {
			return nil, usagef("--smtp-from needs --smtp-url (PEERPATH_SMTP_URL), the mail server to send through")
		}
		return nil, nil
	}
	if cfg.SMTPFrom == "" {
		return nil, usagef("--smtp-url needs --smtp-from (PEERPATH_SMTP_FROM), the address peerpath's email comes from")
	}
	s, err := mail.NewSender(cfg.SMTPURL, cfg.SMTPFrom)
	if err != nil {
		return nil, usagef("%s", err.Error())
	}
	return s, nil
}

// sendMail delivers the outbox every interval until ctx ends, and puts the
// day's credential reminders in it. A mail server that is down costs
// nothing: the messages wait and are tried again with growing waits.
func sendMail(ctx context.Context, s *store.Store, sender *mail.Sender, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	var lastDaily time.Time
	for {
		// Once an hour: the reminders that came due, and old messages out.
		if time.Since(lastDaily) >= time.Hour {
			lastDaily = time.Now()
			if err := s.QueueCredentialReminders(ctx); err != nil && ctx.Err() == nil {
				log.Error("queueing credential reminders", "err", err)
			}
			if err := s.PurgeOutbox(ctx); err != nil && ctx.Err() == nil {
				log.Error("removing old messages from the outbox", "err", err)
			}
		}
		for {
			n, err := s.DeliverMail(ctx, 50, sender.Send)
			if err != nil {
				if ctx.Err() == nil {
					log.Error("sending email from the outbox", "err", err)
				}
				break
			}
			if n < 50 {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
