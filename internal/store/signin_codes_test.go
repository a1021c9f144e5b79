package store_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"peerpath/internal/mail"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// sentCodes delivers the outbox and returns the messages sent.
func sentCodes(t *testing.T, db *testkit.DB) []mail.Message {
	t.Helper()
	var out []mail.Message
	if _, err := db.DeliverMail(ctx, 50, func(_ context.Context, m mail.Message) error { out = append(out, m); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

// TestSignInCodes: a portal account is emailed a 6-digit code in the
// person's language, signs in with it once, and not again; a wrong code
// counts as a failed sign-in; staff and unknown logins are sent nothing and
// answered the same; a code expires; a code dies after a few wrong tries;
// and the hourly cap holds.
func TestSignInCodes(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Sign-in codes")
	pat := testkit.Actor(tm.Peer)
	p, err := db.CreatePerson(ctx, pat, store.PersonInput{PreferredName: "Joana", PreferredLanguage: "Português", Email: "joana@mail.test"})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := portalUser(t, db, pat, p)
	sentCodes(t, db) // nothing was sent for the invitation (no link maker)

	// Staff and unknown logins: nothing sent, no error.
	for _, login := range []string{tm.Peer.Email, "nobody@nowhere.test", ""} {
		if err := db.RequestSignInCode(ctx, login, "192.0.2.1"); err != nil {
			t.Fatalf("%q: %v", login, err)
		}
	}
	if ms := sentCodes(t, db); len(ms) != 0 {
		t.Fatalf("sent to staff or nobody: %+v", ms)
	}
	if err := db.RequestSignInCode(ctx, " "+strings.ToUpper(u.Email)+" ", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	ms := sentCodes(t, db)
	if len(ms) != 1 || ms[0].To != "joana@mail.test" || !strings.Contains(ms[0].Subject, "Seu código") || !strings.Contains(ms[0].Text, "Olá Joana") {
		t.Fatalf("the code email: %+v", ms)
	}
	code := sixDigits.FindString(ms[0].Text)
	if code == "" {
		t.Fatalf("no code in:\n%s", ms[0].Text)
	}
	// Staff cannot sign in with a code, even one that would match.
	if res, err := db.SignInWithCode(ctx, tm.Peer.Email, code, "192.0.2.1"); err != nil || res.Outcome != store.SignInBad {
		t.Fatalf("staff with a code: %v %+v", err, res)
	}
	wrong := "000000"
	if wrong == code {
		wrong = "111111"
	}
	if res, err := db.SignInWithCode(ctx, u.Email, wrong, "192.0.2.1"); err != nil || res.Outcome != store.SignInBad {
		t.Fatalf("a wrong code: %v %+v", err, res)
	}
	res, err := db.SignInWithCode(ctx, u.Email, code[:3]+" "+code[3:], "192.0.2.1")
	if err != nil || res.Outcome != store.SignInOK || res.User.ID != u.ID {
		t.Fatalf("the right code: %v %+v", err, res)
	}
	if res, _ := db.SignInWithCode(ctx, u.Email, code, "192.0.2.1"); res.Outcome != store.SignInBad {
		t.Fatalf("the code used twice: %+v", res)
	}
	// The sign-in and the failures are in the audit log, without the code.
	l, err := db.ListAudit(ctx, u.OrgID, store.AuditFilter{UserID: u.ID}, store.Page{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var details []string
	for _, e := range l.Items {
		details = append(details, string(e.Action)+": "+e.Detail)
		if strings.Contains(e.Detail, code) {
			t.Fatalf("the audit log holds the code: %q", e.Detail)
		}
	}
	joined := strings.Join(details, "\n")
	if !strings.Contains(joined, "sign_in: code sent by email") || !strings.Contains(joined, "wrong, used or expired sign-in code") || !strings.Contains(joined, "create: sent by email") {
		t.Fatalf("audit:\n%s", joined)
	}

	// A code expires.
	if err := db.RequestSignInCode(ctx, u.Email, "192.0.2.2"); err != nil {
		t.Fatal(err)
	}
	code = sixDigits.FindString(sentCodes(t, db)[0].Text)
	db.Clock.Advance(store.SignInCodeTTL + 1)
	if res, _ := db.SignInWithCode(ctx, u.Email, code, "192.0.2.2"); res.Outcome != store.SignInBad {
		t.Fatalf("an expired code: %+v", res)
	}

	// A code dies after SignInCodeTries wrong ones, even from many addresses.
	if err := db.RequestSignInCode(ctx, u.Email, "192.0.2.3"); err != nil {
		t.Fatal(err)
	}
	code = sixDigits.FindString(sentCodes(t, db)[0].Text)
	for i := range store.SignInCodeTries {
		db.SignInWithCode(ctx, u.Email, wrong, "198.51.100."+itoa(int64(i+10)))
	}
	if res, _ := db.SignInWithCode(ctx, u.Email, code, "198.51.100.99"); res.Outcome == store.SignInOK {
		t.Fatal("a code survived too many wrong tries")
	}

	// The hourly cap: further requests send nothing.
	db.Clock.Advance(2 * 60 * 60 * 1e9)
	for range store.SignInCodesPerHour + 2 {
		if err := db.RequestSignInCode(ctx, u.Email, "192.0.2.4"); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(sentCodes(t, db)); n != store.SignInCodesPerHour {
		t.Fatalf("sent %d codes in an hour, want %d", n, store.SignInCodesPerHour)
	}
}

// TestSignInCodesAreThrottledLikePasswords: wrong codes make the next
// attempt wait, exactly as wrong passwords do, and the wait holds for the
// right code too.
func TestSignInCodesAreThrottledLikePasswords(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Sign-in code throttle")
	pat := testkit.Actor(tm.Peer)
	p, err := db.CreatePerson(ctx, pat, store.PersonInput{PreferredName: "Ana", Email: "ana@mail.test"})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := portalUser(t, db, pat, p)
	var last store.SignInResult
	for range store.PairFreeFailures {
		if err := db.RequestSignInCode(ctx, u.Email, "192.0.2.7"); err != nil {
			t.Fatal(err)
		}
		last, _ = db.SignInWithCode(ctx, u.Email, "not-a-code", "192.0.2.7")
	}
	if last.Outcome != store.SignInLocked || last.LockedUntil.IsZero() {
		t.Fatalf("after %d wrong codes: %+v", store.PairFreeFailures, last)
	}
	code := sixDigits.FindString(sentCodes(t, db)[store.PairFreeFailures-1].Text)
	if res, _ := db.SignInWithCode(ctx, u.Email, code, "192.0.2.7"); res.Outcome != store.SignInLocked {
		t.Fatalf("the right code while waiting: %+v", res)
	}
	db.Clock.Set(last.LockedUntil) // within the code's ten minutes
	if res, err := db.SignInWithCode(ctx, u.Email, code, "192.0.2.7"); err != nil || res.Outcome != store.SignInOK {
		t.Fatalf("after the wait: %v %+v", err, res)
	}
}
