package store_test

import (
	"strings"
	"testing"
	"time"

	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// Issue 15, defect 2: removing the supervisor role ends every right that came
// from it, in the same transaction: the former supervisor no longer sees
// their supervisees' people and no longer signs off their competencies.
func TestRemovingTheSupervisorRoleEndsSupervision(t *testing.T) {
	db := testkit.NewStore(t)
	ctx := t.Context()
	tm := db.NewTeam(t, "Role change")
	p, err := db.CreatePerson(ctx, testkit.Actor(tm.Peer), store.PersonInput{PreferredName: "Rae"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Person(ctx, testkit.Actor(tm.Supervisor), p.ID); err != nil {
		t.Fatalf("the supervisor should see the person first: %v", err)
	}
	// The supervisor becomes a peer worker only.
	admin := testkit.Actor(tm.Admin)
	sup, err := db.UpdateUser(ctx, admin, tm.Supervisor.ID, store.UserUpdate{Name: tm.Supervisor.Name, Roles: []auth.Role{auth.RolePeer}})
	if err != nil {
		t.Fatal(err)
	}
	former := testkit.Actor(sup)
	if _, err := db.Person(ctx, former, p.ID); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("the former supervisor still sees their supervisee's person: %v", err)
	}
	in := store.NewSignoff{ItemKey: "s1.comp.empathic-listening", ObservedOn: db.Today(), Note: "Listened well."}
	if _, err := db.SignOff(ctx, former, tm.Peer.ID, in); err == nil {
		t.Fatal("the former supervisor still signs off competencies")
	}
	// The relation itself ended, with an audit entry per supervisee: it does
	// not come back if the role is given again.
	for _, w := range []store.User{tm.Peer, tm.OtherPeer} {
		u, err := db.User(ctx, tm.Org.ID, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if u.SupervisorID != 0 {
			t.Errorf("%s still has %d as supervisor", u.Name, u.SupervisorID)
		}
		l, err := db.ListAudit(ctx, tm.Org.ID, store.AuditFilter{UserID: tm.Admin.ID}, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range l.Items {
			found = found || (e.RecordType == "user" && e.RecordID == itoa(w.ID) && e.Detail != "")
		}
		if !found {
			t.Errorf("no audit entry for %s losing their supervisor", u.Name)
		}
	}
	if _, err := db.UpdateUser(ctx, admin, tm.Supervisor.ID, store.UserUpdate{Name: tm.Supervisor.Name, Roles: []auth.Role{auth.RolePeer, auth.RoleSupervisor}}); err != nil {
		t.Fatal(err)
	}
	back, _ := db.User(ctx, tm.Org.ID, tm.Supervisor.ID)
	if _, err := db.Person(ctx, testkit.Actor(back), p.ID); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("the role given back restored the old supervision: %v", err)
	}
	// An administrator who supervises keeps supervising while still an
	// administrator: only the last supervising role ends it.
	tm2 := db.NewTeam(t, "Role change two")
	if _, err := db.UpdateUser(ctx, testkit.Actor(tm2.Admin), tm2.Supervisor.ID, store.UserUpdate{Name: "Sam", Roles: []auth.Role{auth.RoleAdmin}}); err != nil {
		t.Fatal(err)
	}
	if u, _ := db.User(ctx, tm2.Org.ID, tm2.Peer.ID); u.SupervisorID != tm2.Supervisor.ID {
		t.Fatal("a supervisor made administrator lost their supervisees")
	}
}

// Issue 15, defect 4: a token expires, and a password change, a reset link
// and signing out everywhere revoke it, as deactivation does.
func TestAPITokensEnd(t *testing.T) {
	db := testkit.NewStore(t)
	ctx := t.Context()
	tm := db.NewTeam(t, "Tokens end")
	works := func(token string) bool {
		t.Helper()
		_, ok, err := db.TokenPrincipal(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	// Expiry: 90 days by default.
	tok, tk, err := db.CreateAPIToken(ctx, testkit.Actor(tm.Peer), "expiry")
	if err != nil {
		t.Fatal(err)
	}
	if got := tk.ExpiresAt.Sub(tk.CreatedAt); got != store.DefaultTokenLifetime {
		t.Fatalf("default lifetime %v", got)
	}
	if !works(tok) {
		t.Fatal("a new token does not work")
	}
	db.Clock.Advance(store.DefaultTokenLifetime - time.Minute)
	if !works(tok) {
		t.Fatal("the token stopped before its expiry")
	}
	db.Clock.Advance(2 * time.Minute)
	if works(tok) {
		t.Fatal("the token works after its expiry")
	}
	if _, _, err := db.CreateAPITokenUntil(ctx, testkit.Actor(tm.Peer), "x", db.Clock.Now().Add(-time.Hour)); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("an expiry in the past: %v", err)
	}
	if _, _, err := db.CreateAPITokenUntil(ctx, testkit.Actor(tm.Peer), "x", db.Clock.Now().Add(store.MaxTokenLifetime+time.Hour)); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("an expiry beyond a year: %v", err)
	}

	steps := []struct {
		name string
		do   func(store.User) error
	}{
		{"password change", func(u store.User) error {
			return db.ChangePassword(ctx, testkit.Actor(u), testkit.Password, "a different long passphrase")
		}},
		{"reset link", func(u store.User) error {
			link, err := db.CreateAccountLink(ctx, testkit.Actor(tm.Admin), u.ID, store.LinkReset)
			if err != nil {
				return err
			}
			_, err = db.UseAccountLink(ctx, link, "yet another long passphrase", "192.0.2.1")
			return err
		}},
		{"sign out everywhere", func(u store.User) error { return db.SignOutEverywhere(ctx, testkit.Actor(u), u.ID) }},
		{"deactivation", func(u store.User) error { return db.SetUserActive(ctx, testkit.Actor(tm.Admin), u.ID, false) }},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			u := db.MakeUser(t, tm.Org.ID, "tok-"+strings.ReplaceAll(st.name, " ", "-")+"@tokens.test", "Tok "+st.name, auth.RolePeer)
			tok, _, err := db.CreateAPIToken(ctx, testkit.Actor(u), "script")
			if err != nil {
				t.Fatal(err)
			}
			if !works(tok) { // also fills the cache, which the change must clear
				t.Fatal("the token does not work")
			}
			if err := st.do(u); err != nil {
				t.Fatal(err)
			}
			if works(tok) {
				t.Fatalf("the token still works after %s", st.name)
			}
		})
	}
}

// Issue 15, defect 4: a user lists and revokes their own tokens; an
// administrator lists and revokes anyone's of their organisation; nobody
// else's, and nothing of another organisation.
func TestAPITokenListAndRevokeAccess(t *testing.T) {
	db := testkit.NewStore(t)
	ctx := t.Context()
	tm := db.NewTeam(t, "Token access")
	other := db.NewTeam(t, "Token access elsewhere")
	_, mine, err := db.CreateAPIToken(ctx, testkit.Actor(tm.Peer), "mine")
	if err != nil {
		t.Fatal(err)
	}
	l, err := db.APITokens(ctx, testkit.Actor(tm.Peer), tm.Peer.ID, store.Page{})
	if err != nil || len(l.Items) != 1 || l.Items[0].ID != mine.ID {
		t.Fatalf("own list: %+v %v", l, err)
	}
	if _, err := db.APITokens(ctx, testkit.Actor(tm.OtherPeer), tm.Peer.ID, store.Page{}); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("a peer lists another's tokens: %v", err)
	}
	if _, err := db.RevokeAPIToken(ctx, testkit.Actor(tm.Supervisor), mine.ID); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("a supervisor revokes another's token: %v", err)
	}
	if l, err := db.APITokens(ctx, testkit.Actor(other.Admin), tm.Peer.ID, store.Page{}); err != nil || len(l.Items) != 0 {
		t.Fatalf("another organisation's administrator lists the tokens: %+v %v", l, err)
	}
	if _, err := db.RevokeAPIToken(ctx, testkit.Actor(other.Admin), mine.ID); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("another organisation's administrator revokes the token: %v", err)
	}
	if l, err := db.APITokens(ctx, testkit.Actor(tm.Admin), tm.Peer.ID, store.Page{}); err != nil || len(l.Items) != 1 {
		t.Fatalf("the administrator's list: %+v %v", l, err)
	}
	owner, err := db.RevokeAPIToken(ctx, testkit.Actor(tm.Admin), mine.ID)
	if err != nil || owner != tm.Peer.ID {
		t.Fatalf("the administrator revokes: %d %v", owner, err)
	}
	if _, err := db.RevokeAPIToken(ctx, testkit.Actor(tm.Peer), mine.ID); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("revoking twice: %v", err)
	}
}

// Issue 14, item 3: a session resolves from a short cache, and a change of
// roles, deactivation or signing out everywhere shows at once.
func TestAuthenticationCacheClearsOnChange(t *testing.T) {
	db := testkit.NewStore(t)
	ctx := t.Context()
	tm := db.NewTeam(t, "Auth cache")
	token, err := db.CreateSession(ctx, tm.Peer.ID, false, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	session := func() (store.Principal, store.SessionState) {
		t.Helper()
		p, st, err := db.Session(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		return p, st
	}
	if p, st := session(); st != store.SessionLive || p.User.ID != tm.Peer.ID || p.Org.ID != tm.Org.ID || !p.User.Has(auth.RolePeer) {
		t.Fatalf("session: %v %+v", st, p)
	}
	admin := testkit.Actor(tm.Admin)
	if _, err := db.UpdateUser(ctx, admin, tm.Peer.ID, store.UserUpdate{Name: "Pat Peer", Roles: []auth.Role{auth.RolePeer, auth.RoleTrainer}, SupervisorID: tm.Supervisor.ID}); err != nil {
		t.Fatal(err)
	}
	if p, _ := session(); !p.User.Has(auth.RoleTrainer) {
		t.Fatalf("a new role is not seen at once: %v", p.User.Roles)
	}
	if _, err := db.UpdateOrgSettings(ctx, admin, store.OrgSettings{Name: tm.Org.Name, RequirePeopleMFA: true}); err != nil {
		t.Fatal(err)
	}
	if p, _ := session(); !p.Org.RequirePeopleMFA {
		t.Fatal("an organisation setting is not seen at once")
	}
	if err := db.SignOutEverywhere(ctx, admin, tm.Peer.ID); err != nil {
		t.Fatal(err)
	}
	if _, st := session(); st != store.SessionNone {
		t.Fatalf("signed out everywhere, the session is %v", st)
	}
	token, _ = db.CreateSession(ctx, tm.Peer.ID, false, "192.0.2.1")
	session()
	if err := db.SetUserActive(ctx, admin, tm.Peer.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, st := session(); st != store.SessionNone {
		t.Fatalf("deactivated, the session is %v", st)
	}
}

// Issue 15, defect 7: failures make the next attempt wait, longer each time;
// an email nobody uses gets the very same answers; a guesser on one address
// does not keep the owner out from another, and guessers on many addresses
// keep them out for AccountMaxDelay at most.
func TestSignInWaitsGrowAndNobodyIsLockedOut(t *testing.T) {
	db := testkit.NewStore(t)
	ctx := t.Context()
	tm := db.NewTeam(t, "Waits")
	attacker := "203.0.113.1"
	type answer struct {
		outcome store.SignInOutcome
		wait    time.Duration
	}
	try := func(email, password, ip string) answer {
		t.Helper()
		res, err := db.SignIn(ctx, email, password, ip)
		if err != nil {
			t.Fatal(err)
		}
		a := answer{outcome: res.Outcome}
		if !res.LockedUntil.IsZero() {
			a.wait = res.LockedUntil.Sub(db.Clock.Now())
		}
		return a
	}
	// The same sequence for a user's email and for an unknown one: five
	// failures free, then waits that double, and attempts during a wait are
	// refused without a password check.
	run := func(email string) []answer {
		var out []answer
		for i := 0; i < 9; i++ {
			a := try(email, "not the password at all", attacker)
			out = append(out, a)
			if a.wait > 0 {
				out = append(out, try(email, testkit.Password, attacker)) // refused: still waiting
				db.Clock.Advance(a.wait)
			}
		}
		return out
	}
	known := run(tm.Peer.Email)
	unknown := run("nobody-here@waits.test")
	if len(known) != len(unknown) {
		t.Fatalf("known %v, unknown %v", known, unknown)
	}
	for i := range known {
		if known[i] != unknown[i] {
			t.Fatalf("answer %d: known %+v, unknown %+v", i, known[i], unknown[i])
		}
	}
	want := []time.Duration{0, 0, 0, 0, 30 * time.Second, 30 * time.Second, time.Minute, time.Minute, 2 * time.Minute, 2 * time.Minute}
	for i, w := range want {
		if known[i].wait != w {
			t.Fatalf("answer %d waits %v, want %v (all: %v)", i, known[i].wait, w, known)
		}
	}
	if known[0].outcome != store.SignInBad || known[4].outcome != store.SignInLocked || known[5].outcome != store.SignInLocked {
		t.Fatalf("outcomes: %v", known)
	}
	// The owner, from their own address, is not kept out.
	if a := try(tm.Peer.Email, testkit.Password, "198.51.100.7"); a.outcome != store.SignInOK {
		t.Fatalf("the owner from another address: %+v", a)
	}
	// Guessers on many addresses: the account as a whole waits, never longer
	// than AccountMaxDelay.
	var last answer
	for i := 0; i < store.AccountFreeFailures+6; i++ {
		db.Clock.Advance(last.wait) // each guesser waits their turn
		last = try(tm.OtherPeer.Email, "guess guess guess", "198.18.0."+itoa(int64(i+1)))
		if last.wait > store.AccountMaxDelay {
			t.Fatalf("failure %d: the owner would wait %v", i+1, last.wait)
		}
	}
	if last.outcome != store.SignInLocked || last.wait != store.AccountMaxDelay {
		t.Fatalf("after many addresses: %+v", last)
	}
	if a := try(tm.OtherPeer.Email, testkit.Password, "198.51.100.8"); a.outcome != store.SignInLocked {
		t.Fatalf("during the account's wait: %+v", a)
	}
	db.Clock.Advance(store.AccountMaxDelay)
	if a := try(tm.OtherPeer.Email, testkit.Password, "198.51.100.8"); a.outcome != store.SignInOK {
		t.Fatalf("after the account's wait: %+v", a)
	}
	// An administrator lifts the account's waits at once.
	for i := 0; i < store.PairFreeFailures; i++ {
		try(tm.Trainer.Email, "nope nope nope", "192.0.2.44")
	}
	if a := try(tm.Trainer.Email, testkit.Password, "192.0.2.44"); a.outcome != store.SignInLocked {
		t.Fatalf("before unlocking: %+v", a)
	}
	if err := db.Unlock(ctx, testkit.Actor(tm.Admin), tm.Trainer.ID); err != nil {
		t.Fatal(err)
	}
	if a := try(tm.Trainer.Email, testkit.Password, "192.0.2.44"); a.outcome != store.SignInOK {
		t.Fatalf("after unlocking: %+v", a)
	}
}

// BenchmarkSignInFailure compares a wrong password for a user's email with
// any password for an email nobody uses: both check a password hash, so the
// two take the same time (issue 15, defect 7).
func BenchmarkSignInFailure(b *testing.B) {
	db := testkit.NewStore(b)
	tm := db.NewTeam(b, "Timing")
	for _, c := range []struct{ name, email string }{{"known", tm.Peer.Email}, {"unknown", "nobody@timing.test"}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				// A fresh address each time, so no wait ever applies.
				if _, err := db.SignIn(b.Context(), c.email, "wrong wrong wrong", "10."+itoa(int64(i/65536%256))+"."+itoa(int64(i/256%256))+"."+itoa(int64(i%256))); err != nil {
					b.Fatal(err)
				}
				db.Clock.Advance(store.FailureMemory) // and the account's count is forgotten
			}
		})
	}
}

// Issue 14, item 3: requests that fill the cache while roles change never
// leave a stale answer behind once the change has returned.
func TestAuthenticationCacheUnderConcurrentChanges(t *testing.T) {
	db := testkit.NewStore(t)
	ctx := t.Context()
	tm := db.NewTeam(t, "Auth race")
	token, err := db.CreateSession(ctx, tm.Peer.ID, false, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	done := make(chan error, 4)
	for range 4 {
		go func() {
			for {
				select {
				case <-stop:
					done <- nil
					return
				default:
				}
				if _, _, err := db.Session(ctx, token); err != nil {
					done <- err
					return
				}
			}
		}()
	}
	admin := testkit.Actor(tm.Admin)
	for i := range 20 {
		roles := []auth.Role{auth.RolePeer}
		if i%2 == 0 {
			roles = append(roles, auth.RoleTrainer)
		}
		if _, err := db.UpdateUser(ctx, admin, tm.Peer.ID, store.UserUpdate{Name: "Pat Peer", Roles: roles, SupervisorID: tm.Supervisor.ID}); err != nil {
			t.Fatal(err)
		}
		p, _, err := db.Session(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if p.User.Has(auth.RoleTrainer) != (i%2 == 0) {
			t.Fatalf("change %d: the session shows roles %v", i, p.User.Roles)
		}
	}
	close(stop)
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
