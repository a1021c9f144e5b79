package app

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"peerpath/internal/mail"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// The sender that serve runs delivers what the outbox holds.
func TestSendMailDeliversTheOutbox(t *testing.T) {
	smtp := testkit.NewSMTP(t)
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Loop")
	db.EnableMail("https://peerpath.test")
	if _, err := db.SendAccountLink(t.Context(), testkit.Actor(tm.Admin), tm.Peer.ID, store.LinkReset, func(token string) string {
		return "https://peerpath.test/account/password?token=" + token
	}); err != nil {
		t.Fatal(err)
	}
	sender, err := mail.NewSender(smtp.URL(), "peerpath@example.org")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		sendMail(ctx, db.Store, sender, slog.New(slog.NewTextHandler(io.Discard, nil)), 10*time.Millisecond)
		close(done)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for len(smtp.Messages()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if msgs := smtp.Messages(); len(msgs) != 1 || msgs[0].To != tm.Peer.Email {
		t.Fatalf("delivered: %+v", msgs)
	}
}
