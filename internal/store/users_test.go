package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

var ctx = context.Background()

func TestCreateUserRules(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Riverbend RLC")
	cases := []struct {
		name  string
		in    store.NewUser
		kind  core.Kind
		field string
	}{
		{"duplicate email, other case", store.NewUser{OrgID: tm.Org.ID, Email: "PAT@riverbendrlc.test", Name: "Pat Two", Roles: []auth.Role{auth.RolePeer}}, core.KindConflict, "email"},
		{"bad email", store.NewUser{OrgID: tm.Org.ID, Email: "not-an-email", Name: "X", Roles: []auth.Role{auth.RolePeer}}, core.KindInvalid, "email"},
		{"no roles", store.NewUser{OrgID: tm.Org.ID, Email: "x@y.test", Name: "X"}, core.KindInvalid, "roles"},
		{"unknown role", store.NewUser{OrgID: tm.Org.ID, Email: "x@y.test", Name: "X", Roles: []auth.Role{"boss"}}, core.KindInvalid, "roles"},
		{"short password", store.NewUser{OrgID: tm.Org.ID, Email: "x@y.test", Name: "X", Roles: []auth.Role{auth.RolePeer}, Password: "short"}, core.KindInvalid, "password"},
		{"common password", store.NewUser{OrgID: tm.Org.ID, Email: "x@y.test", Name: "X", Roles: []auth.Role{auth.RolePeer}, Password: "password1234"}, core.KindInvalid, "password"},
		{"supervisor not a supervisor", store.NewUser{OrgID: tm.Org.ID, Email: "x@y.test", Name: "X", Roles: []auth.Role{auth.RolePeer}, SupervisorID: tm.Peer.ID}, core.KindInvalid, "supervisor"},
		{"supervisor unknown email", store.NewUser{OrgID: tm.Org.ID, Email: "x@y.test", Name: "X", Roles: []auth.Role{auth.RolePeer}, SupervisorEmail: "nobody@x.test"}, core.KindInvalid, "supervisor"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := db.CreateUser(ctx, store.System(), c.in)
			e, ok := core.As(err)
			if !ok || e.Kind != c.kind || e.Fields[c.field] == "" {
				t.Fatalf("got %v, want %s on field %s", err, c.kind, c.field)
			}
		})
	}
	// A supervisor from another organisation is refused too.
	other := db.NewTeam(t, "Harbor RSC")
	_, err := db.CreateUser(ctx, store.System(), store.NewUser{OrgID: tm.Org.ID, Email: "x@y.test", Name: "X", Roles: []auth.Role{auth.RolePeer}, SupervisorID: other.Supervisor.ID})
	if core.KindOf(err) != core.KindInvalid {
		t.Fatalf("cross-organisation supervisor: %v", err)
	}
	// The organisation is created when named and new, and reused (any case) otherwise.
	u := db.MakeUserWith(t, store.NewUser{OrgName: "riverbend rlc", Email: "new@x.test", Name: "New", Roles: []auth.Role{auth.RolePeer}, SupervisorEmail: "sam@riverbendrlc.test"})
	if u.OrgID != tm.Org.ID || u.SupervisorID != tm.Supervisor.ID || u.SupervisorName != "Sam Supervisor" {
		t.Fatalf("user in existing organisation: %+v", u)
	}
}

func TestUsersAreScopedToTheirOrganisation(t *testing.T) {
	db := testkit.NewStore(t)
	a := db.NewTeam(t, "Org A")
	b := db.NewTeam(t, "Org B")
	admin := testkit.Actor(a.Admin)
	if _, err := db.User(ctx, a.Org.ID, b.Peer.ID); core.KindOf(err) != core.KindNotFound {
		t.Errorf("reading another organisation's user: %v", err)
	}
	if _, err := db.UpdateUser(ctx, admin, b.Peer.ID, store.UserUpdate{Name: "Hacked", Roles: []auth.Role{auth.RolePeer}}); core.KindOf(err) != core.KindNotFound {
		t.Errorf("updating another organisation's user: %v", err)
	}
	if err := db.SetUserActive(ctx, admin, b.Peer.ID, false); core.KindOf(err) != core.KindNotFound {
		t.Errorf("deactivating another organisation's user: %v", err)
	}
	if err := db.Unlock(ctx, admin, b.Peer.ID); core.KindOf(err) != core.KindNotFound {
		t.Errorf("unlocking another organisation's user: %v", err)
	}
	if err := db.SignOutEverywhere(ctx, admin, b.Peer.ID); core.KindOf(err) != core.KindNotFound {
		t.Errorf("signing out another organisation's user: %v", err)
	}
	if _, err := db.CreateAccountLink(ctx, admin, b.Peer.ID, store.LinkReset); core.KindOf(err) != core.KindNotFound {
		t.Errorf("reset link for another organisation's user: %v", err)
	}
	list, err := db.ListUsers(ctx, a.Org.ID, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range list.Items {
		if u.OrgID != a.Org.ID {
			t.Errorf("list of org A holds %s of org %d", u.Email, u.OrgID)
		}
	}
	if len(list.Items) != 5 {
		t.Errorf("org A has %d users, want 5", len(list.Items))
	}
}

func TestListUsersPages(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Paged")
	seen := map[int64]bool{}
	cursor := ""
	pages := 0
	for {
		l, err := db.ListUsers(ctx, tm.Org.ID, store.Page{Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, u := range l.Items {
			if seen[u.ID] {
				t.Fatalf("user %d on two pages", u.ID)
			}
			seen[u.ID] = true
		}
		if l.Next == "" {
			break
		}
		cursor = l.Next
	}
	if len(seen) != 5 || pages != 3 {
		t.Fatalf("saw %d users on %d pages, want 5 on 3", len(seen), pages)
	}
	if _, err := db.ListUsers(ctx, tm.Org.ID, store.Page{Cursor: "garbage!"}); core.KindOf(err) != core.KindMalformed {
		t.Fatalf("bad cursor: %v", err)
	}
}

func TestOrganisationKeepsAnAdmin(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Solo")
	admin := testkit.Actor(tm.Admin)
	if _, err := db.UpdateUser(ctx, admin, tm.Admin.ID, store.UserUpdate{Name: "Alex", Roles: []auth.Role{auth.RolePeer}}); core.KindOf(err) != core.KindConflict {
		t.Fatalf("removing the last admin role: %v", err)
	}
	if err := db.SetUserActive(ctx, admin, tm.Admin.ID, false); core.KindOf(err) != core.KindConflict {
		t.Fatalf("deactivating oneself: %v", err)
	}
}

func TestSignInLockout(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Lockout")
	email := tm.Peer.Email
	for i := 1; i < store.PairFreeFailures; i++ {
		res, err := db.SignIn(ctx, email, "wrong password here", "192.0.2.9")
		if err != nil || res.Outcome != store.SignInBad {
			t.Fatalf("attempt %d: %v %v", i, res.Outcome, err)
		}
	}
	// Failures are forgotten after FailureMemory (and purged): the next one
	// is free again.
	db.Clock.Advance(store.FailureMemory + time.Minute)
	if err := db.PurgeSessions(ctx); err != nil {
		t.Fatal(err)
	}
	res, _ := db.SignIn(ctx, email, "wrong password here", "192.0.2.9")
	if res.Outcome != store.SignInBad {
		t.Fatalf("a failure after the memory ran out made the account wait")
	}
	for i := 0; i < store.PairFreeFailures-2; i++ {
		db.SignIn(ctx, email, "wrong password here", "192.0.2.9")
	}
	res, _ = db.SignIn(ctx, email, "wrong password here", "192.0.2.9")
	if res.Outcome != store.SignInLocked || !res.LockedUntil.Equal(db.Clock.Now().Add(store.FirstDelay)) {
		t.Fatalf("the fifth failure: %+v", res)
	}
	// Waiting: even the right password is refused, until the wait ends.
	if res, _ := db.SignIn(ctx, email, testkit.Password, "192.0.2.9"); res.Outcome != store.SignInLocked {
		t.Fatalf("right password while waiting: %v", res.Outcome)
	}
	db.Clock.Advance(store.FirstDelay)
	if res, _ := db.SignIn(ctx, email, testkit.Password, "192.0.2.9"); res.Outcome != store.SignInOK {
		t.Fatalf("right password after the wait: %v", res.Outcome)
	}
	// Unknown emails and deactivated users get the generic failure.
	if res, _ := db.SignIn(ctx, "nobody@nowhere.test", testkit.Password, ""); res.Outcome != store.SignInBad {
		t.Fatal("unknown email signed in")
	}
	db.SetUserActive(ctx, testkit.Actor(tm.Admin), tm.Peer.ID, false)
	if res, _ := db.SignIn(ctx, email, testkit.Password, ""); res.Outcome != store.SignInBad {
		t.Fatal("deactivated user signed in")
	}
}

func TestSessionExpiry(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Sessions")
	tok, err := db.CreateSession(ctx, tm.Peer.ID, false, "")
	if err != nil {
		t.Fatal(err)
	}
	state := func() store.SessionState {
		_, st, err := db.Session(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	// Activity every 25 minutes keeps the session alive…
	for i := 0; i < 5; i++ {
		db.Clock.Advance(25 * time.Minute)
		if state() != store.SessionLive {
			t.Fatalf("session ended after %d active periods", i+1)
		}
	}
	// …until 30 idle minutes pass.
	db.Clock.Advance(store.IdleTimeout)
	if state() != store.SessionExpired {
		t.Fatal("session survived 30 idle minutes")
	}
	// The absolute limit holds even with constant activity.
	tok, _ = db.CreateSession(ctx, tm.Peer.ID, false, "")
	for elapsed := time.Duration(0); elapsed < store.AbsoluteTimeout-10*time.Minute; elapsed += 10 * time.Minute {
		db.Clock.Advance(10 * time.Minute)
		if state() != store.SessionLive {
			t.Fatalf("session ended early at %v", elapsed)
		}
	}
	db.Clock.Advance(10 * time.Minute)
	if state() != store.SessionExpired {
		t.Fatal("session outlived 12 hours")
	}
	// A password change ends every session.
	tok, _ = db.CreateSession(ctx, tm.Peer.ID, false, "")
	if err := db.ChangePassword(ctx, testkit.Actor(tm.Peer), testkit.Password, "a brand new long passphrase"); err != nil {
		t.Fatal(err)
	}
	if state() != store.SessionNone {
		t.Fatal("session survived a password change")
	}
	// So does "sign out everywhere", and deactivation.
	tok, _ = db.CreateSession(ctx, tm.Peer.ID, false, "")
	db.SignOutEverywhere(ctx, testkit.Actor(tm.Admin), tm.Peer.ID)
	if state() != store.SessionNone {
		t.Fatal("session survived sign out everywhere")
	}
	tok, _ = db.CreateSession(ctx, tm.Peer.ID, false, "")
	db.SetUserActive(ctx, testkit.Actor(tm.Admin), tm.Peer.ID, false)
	if state() != store.SessionNone {
		t.Fatal("session survived deactivation")
	}
}

func TestSetupLinkWorksOnce(t *testing.T) {
	db := testkit.NewStore(t)
	tok, err := db.CreateSetupToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bad := store.Setup{OrgName: "", Name: "Ana", Email: "ana@x.test", Password: "short"}
	_, err = db.CompleteSetup(ctx, tok, bad, "")
	if e, ok := core.As(err); !ok || e.Fields["org"] == "" || e.Fields["password"] == "" {
		t.Fatalf("invalid setup: %v", err)
	}
	good := store.Setup{OrgName: "Metro Boston RLC", Name: "Ana Admin", Email: "ana@x.test", Password: "a long enough passphrase"}
	u, err := db.CompleteSetup(ctx, tok, good, "")
	if err != nil {
		t.Fatal(err)
	}
	if !u.Has(auth.RoleAdmin) {
		t.Fatal("the first user is not an administrator")
	}
	good.Email = "other@x.test"
	if _, err := db.CompleteSetup(ctx, tok, good, ""); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("second use of the setup link: %v", err)
	}
	if _, err := db.CreateSetupToken(ctx); core.KindOf(err) != core.KindConflict {
		t.Fatalf("a setup link once users exist: %v", err)
	}
}

func TestSetupLinkExpires(t *testing.T) {
	db := testkit.NewStore(t)
	tok, _ := db.CreateSetupToken(ctx)
	db.Clock.Advance(store.SetupTTL)
	if ok, _ := db.SetupTokenValid(ctx, tok); ok {
		t.Fatal("setup link valid after an hour")
	}
	_, err := db.CompleteSetup(ctx, tok, store.Setup{OrgName: "X", Name: "Y", Email: "y@x.test", Password: "a long enough passphrase"}, "")
	if core.KindOf(err) != core.KindNotFound {
		t.Fatalf("expired setup link: %v", err)
	}
}

func TestInviteLink(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Invites")
	admin := testkit.Actor(tm.Admin)
	u, err := db.CreateUser(ctx, admin, store.NewUser{OrgID: tm.Org.ID, Email: "new@x.test", Name: "Nia New", Roles: []auth.Role{auth.RolePeer}})
	if err != nil {
		t.Fatal(err)
	}
	if u.HasPassword {
		t.Fatal("an invited user has a password")
	}
	if res, _ := db.SignIn(ctx, u.Email, "", ""); res.Outcome != store.SignInBad {
		t.Fatal("an invited user signed in without a password")
	}
	tok, err := db.CreateAccountLink(ctx, admin, u.ID, store.LinkInvite)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UseAccountLink(ctx, tok, "nia", ""); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("weak password through invite: %v", err)
	}
	if _, err := db.UseAccountLink(ctx, tok, "nia's own long passphrase", ""); err != nil {
		t.Fatal(err)
	}
	if res, _ := db.SignIn(ctx, u.Email, "nia's own long passphrase", ""); res.Outcome != store.SignInOK {
		t.Fatal("cannot sign in after accepting the invitation")
	}
	if _, err := db.UseAccountLink(ctx, tok, "another long passphrase", ""); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("invite link used twice: %v", err)
	}
}

func TestPasswordRules(t *testing.T) {
	for pw, ok := range map[string]bool{
		"short":                     false,
		"password1234":              false,
		"aaaaaaaaaaaaaaaa":          false,
		"pat.peer-likes-tea":        false, // built from the email
		"four random words here":    true,
		"Ünïcode pässwörd ok":       true,
		strings.Repeat("x", 12):     false,
		"correcthorsebatterystaple": false,
	} {
		got := auth.CheckNewPassword(pw, "pat.peer@x.test", "Pat Peer") == ""
		if got != ok {
			t.Errorf("%q accepted=%v, want %v", pw, got, ok)
		}
	}
}

// TestSetLanguage: a member of staff (or a person in their portal) keeps
// the language of peerpath's pages on their own account; the change is
// audited, the cached session sees it at once, and only the catalogue's
// languages (or "" for the default) are accepted.
func TestSetLanguage(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Harbour Language RLC")
	peer := testkit.Actor(tm.Peer)
	if err := db.SetLanguage(ctx, peer, "es"); err != nil {
		t.Fatal(err)
	}
	if u := testkit.Must[store.User](t)(db.User(ctx, tm.Org.ID, tm.Peer.ID)); u.Language != "es" {
		t.Fatalf("language after choosing Spanish: %q", u.Language)
	}
	l, err := db.ListAudit(ctx, tm.Org.ID, store.AuditFilter{RecordType: "user", RecordID: fmt.Sprint(tm.Peer.ID)}, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range l.Items {
		found = found || (e.Action == audit.ActionUpdate && e.Detail == "language es" && e.UserID == tm.Peer.ID)
	}
	if !found {
		t.Errorf("the choice is not in the audit log: %+v", l.Items)
	}

	for _, bad := range []string{"fr", "Spanish", "es-MX", "<b>pt</b>"} {
		err := db.SetLanguage(ctx, peer, bad)
		if e, ok := core.As(err); !ok || e.Kind != core.KindInvalid || e.Fields["language"] != "Choose one of the languages offered." {
			t.Errorf("%q: got %v, want invalid on language", bad, err)
		}
	}
	if u := testkit.Must[store.User](t)(db.User(ctx, tm.Org.ID, tm.Peer.ID)); u.Language != "es" {
		t.Fatalf("a refused value changed the language: %q", u.Language)
	}

	// Back to the default; another user's choice is untouched.
	if err := db.SetLanguage(ctx, testkit.Actor(tm.OtherPeer), "pt"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetLanguage(ctx, peer, ""); err != nil {
		t.Fatal(err)
	}
	if u := testkit.Must[store.User](t)(db.User(ctx, tm.Org.ID, tm.Peer.ID)); u.Language != "" {
		t.Fatalf("language after choosing the default: %q", u.Language)
	}
	if u := testkit.Must[store.User](t)(db.User(ctx, tm.Org.ID, tm.OtherPeer.ID)); u.Language != "pt" {
		t.Fatalf("the other peer's language: %q", u.Language)
	}

	// A person in their portal keeps theirs the same way.
	p := testkit.Must[store.Person](t)(db.CreatePerson(ctx, peer, store.PersonInput{PreferredName: "Lia"}))
	pu := db.NewPortalUser(t, peer, p.ID)
	if err := db.SetLanguage(ctx, testkit.Actor(pu), "pt"); err != nil {
		t.Fatal(err)
	}
	if u := testkit.Must[store.User](t)(db.User(ctx, tm.Org.ID, pu.ID)); u.Language != "pt" {
		t.Fatalf("portal language: %q", u.Language)
	}
}
