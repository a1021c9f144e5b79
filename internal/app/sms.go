package app

import (
	"context"
	"flag"
	"log/slog"
	"time"

	"peerpath/internal/sms"
	"peerpath/internal/store"
)

// Text messages (issue 18): sign-in codes by SMS, for people supported
// with no email address, when the installation has a provider.

func smsFlags(fs *flag.FlagSet, cfg *Config, getenv env) {
	urlVar(fs, &cfg.SMSURL, "sms-url", getenv("PEERPATH_SMS_URL"), "the text message provider's Messages endpoint (Twilio's REST API or one like it) with the account's credentials, e.g. https://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com/2010-04-01/Accounts/ACCOUNT_SID/Messages.json; without it peerpath sends no text messages (PEERPATH_SMS_URL)")
	fs.StringVar(&cfg.SMSFrom, "sms-from", getenv("PEERPATH_SMS_FROM"), "the number peerpath's text messages come from, in E.164 form, e.g. +16175550100 (PEERPATH_SMS_FROM)")
}

// newSMSSender is the text message provider of the configuration, or nil
// without one.
func newSMSSender(cfg Config) (*sms.Sender, error) {
	if cfg.SMSURL == "" {
		if cfg.SMSFrom != "" {
			return nil, usagef("--sms-from needs --sms-url (PEERPATH_SMS_URL), the provider to send text messages through")
		}
		return nil, nil
	}
	if cfg.SMSFrom == "" {
		return nil, usagef("--sms-url needs --sms-from (PEERPATH_SMS_FROM), the number peerpath's text messages come from")
	}
	s, err := sms.NewSender(cfg.SMSURL, cfg.SMSFrom)
	if err != nil {
		return nil, usagef("--sms-url, --sms-from: %s", err.Error())
	}
	return s, nil
}

// sendSMS delivers sms_outbox every interval until ctx ends. A provider
// that is down costs nothing: the messages wait and are tried again with
// growing waits until their codes expire. Nothing about a message is
// logged (the store keeps its last error, which holds no number).
func sendSMS(ctx context.Context, s *store.Store, sender *sms.Sender, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		for {
			n, err := s.DeliverSMS(ctx, 50, sender.Send)
			if err != nil {
				if ctx.Err() == nil {
					log.Error("sending text messages from the outbox", "err", err)
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
