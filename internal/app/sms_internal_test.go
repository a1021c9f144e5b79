package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// The text message sender that serve runs delivers what sms_outbox holds,
// to the provider given by --sms-url and --sms-from.
func TestSendSMSDeliversTheOutbox(t *testing.T) {
	var posts atomic.Int32
	provider := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if user, pass, _ := r.BasicAuth(); user == "AC7" && pass == "tok" && r.FormValue("To") == "+16175550160" && r.FormValue("From") == "+16175550100" {
			posts.Add(1)
		}
		w.WriteHeader(http.StatusCreated)
	}))
	t.Cleanup(provider.Close)
	sender, err := newSMSSender(Config{SMSURL: strings.Replace(provider.URL, "http://", "http://AC7:tok@", 1) + "/Messages.json", SMSFrom: "+16175550100"})
	if err != nil || sender == nil {
		t.Fatalf("%v %v", sender, err)
	}
	if s, err := newSMSSender(Config{}); s != nil || err != nil {
		t.Fatalf("no --sms-url: %v %v", s, err)
	}
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "SMS loop")
	db.EnableSMS()
	pat := testkit.Actor(tm.Peer)
	p, err := db.CreatePerson(t.Context(), pat, store.PersonInput{PreferredName: "Lucía", Phone: "617 555 0160", OkayToContact: []string{"text"}})
	if err != nil {
		t.Fatal(err)
	}
	u := db.NewPortalUser(t, pat, p.ID)
	if err := db.RequestSignInCode(t.Context(), u.Email, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		sendSMS(ctx, db.Store, sender, slog.New(slog.NewTextHandler(io.Discard, nil)), 10*time.Millisecond)
		close(done)
	}()
	// Wait until the outbox records the message as sent: the provider's
	// answer comes a moment before that, and stopping the loop between the
	// two would leave it to be sent again later (at least once, by design).
	deadline := time.Now().Add(10 * time.Second)
	var st store.OutboxStatus
	for time.Now().Before(deadline) {
		if st, err = db.SMSOutboxStatus(t.Context(), tm.Org.ID); err != nil {
			t.Fatal(err)
		}
		if st.Sent > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if posts.Load() != 1 || st.Sent != 1 {
		t.Fatalf("delivered %d, %+v", posts.Load(), st)
	}
}
