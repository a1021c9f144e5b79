package store

import (
	"context"
	"database/sql"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/auth"
	"peerpath/internal/core"
)

// Session lifetimes: a session ends after IdleTimeout without a request, and
// in any case AbsoluteTimeout after it began. Expired sessions are kept a while
// (SessionKeep) so that work typed into a form as the session ran out can be
// rescued as a draft for the same user after they sign in again.
const (
	IdleTimeout     = 30 * time.Minute
	AbsoluteTimeout = 12 * time.Hour
	SessionKeep     = 7 * 24 * time.Hour
	touchEvery      = time.Minute
)

// Principal is who a request acts for, once authenticated.
type Principal struct {
	User        User
	Org         Organisation
	SessionID   int64 // 0 for an API token
	TokenID     int64 // 0 for a browser session
	MFAPending  bool  // password accepted, second factor not yet given
	SessionMade time.Time
}

// Actor returns the principal as the actor of an operation from address ip.
func (p Principal) Actor(ip string) Actor { return p.User.Actor(ip) }

// SessionState is what a session cookie turned out to be.
type SessionState int

// The states.
const (
	SessionNone    SessionState = iota // no such session, or signed out
	SessionExpired                     // timed out; its user may rescue a draft
	SessionLive
)

// CreateSession starts a session for a user and returns its token, which
// only the browser keeps (the database holds its hash).
func (s *Store) CreateSession(ctx context.Context, userID int64, mfaPending bool, ip string) (string, error) {
	token := auth.NewToken("")
	now := ms(s.now())
	_, err := s.wdb.ExecContext(ctx, "INSERT INTO sessions (token_hash, user_id, mfa_pending, created_at, last_seen_at, ip) VALUES ($1, $2, $3, $4, $4, $5)",
		auth.HashToken(token), userID, mfaPending, now, ip)
	return token, err
}

// Session looks up a session token. For a live session it returns the
// principal and notes the activity; for an expired one, the principal is
// returned too (state SessionExpired) but must not be trusted for access.
//
// The session, its user, their roles and organisation come from one query,
// and the answer is reused for AuthCacheTTL (see authcache.go).
func (s *Store) Session(ctx context.Context, token string) (Principal, SessionState, error) {
	if token == "" {
		return Principal{}, SessionNone, nil
	}
	key := auth.HashToken(token)
	now := s.now()
	e, ok := s.auth.get(key, now)
	if !ok {
		gen := s.auth.generation()
		var sid, created, seen, ended int64
		var pending bool
		p, found, err := s.lookupPrincipal(ctx, "x.id, x.mfa_pending, x.created_at, x.last_seen_at, x.ended_at",
			" FROM sessions x JOIN users u ON u.id = x.user_id"+principalJoins+"WHERE x.token_hash = $1", []any{key},
			&sid, &pending, &created, &seen, &ended)
		if err != nil || !found || ended != 0 || !p.User.Active {
			return Principal{}, SessionNone, err
		}
		p.SessionID, p.MFAPending, p.SessionMade = sid, pending, fromMS(created)
		e = authEntry{p: p, created: created, seen: seen, loadedAt: now}
		s.auth.put(key, e, gen)
	}
	p := e.p
	if now.Sub(fromMS(e.seen)) >= IdleTimeout || now.Sub(fromMS(e.created)) >= AbsoluteTimeout {
		return p, SessionExpired, nil
	}
	if now.Sub(fromMS(e.seen)) >= touchEvery {
		if _, err := s.wdb.ExecContext(ctx, "UPDATE sessions SET last_seen_at = $1 WHERE id = $2", ms(now), p.SessionID); err != nil {
			return Principal{}, SessionNone, err
		}
		s.auth.touched(key, ms(now))
	}
	return p, SessionLive, nil
}

// EndSession signs a session out.
func (s *Store) EndSession(ctx context.Context, a Actor, sessionID int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE sessions SET ended_at = $1 WHERE id = $2 AND user_id = $3", ms(s.now()), sessionID, a.UserID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionSignOut, "session", sessionID, "")
	})
}

func endSessions(ctx context.Context, tx *sql.Tx, userID, now int64) error {
	_, err := tx.ExecContext(ctx, "UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND ended_at = 0", now, userID)
	return err
}

// endAccess ends every session of a user and revokes every API token of
// theirs, in the caller's transaction: what a password change or reset,
// signing out everywhere and deactivation all do.
func endAccess(ctx context.Context, tx *sql.Tx, userID, now int64) error {
	if err := endSessions(ctx, tx, userID, now); err != nil {
		return err
	}
	return revokeTokens(ctx, tx, userID, now)
}

// PurgeSessions deletes sessions that ended or expired more than SessionKeep
// ago, sign-in failures older than FailureMemory, and drafts older than
// DraftKeep. serve runs it now and then.
func (s *Store) PurgeSessions(ctx context.Context) error {
	cutoff := ms(s.now().Add(-SessionKeep))
	if _, err := s.wdb.ExecContext(ctx, "DELETE FROM sessions WHERE last_seen_at < $1", cutoff); err != nil {
		return err
	}
	if _, err := s.wdb.ExecContext(ctx, "DELETE FROM signin_throttle WHERE last_failed_at < $1 AND blocked_until < $2", ms(s.now().Add(-FailureMemory)), ms(s.now())); err != nil {
		return err
	}
	_, err := s.wdb.ExecContext(ctx, "DELETE FROM drafts WHERE created_at < $1", ms(s.now().Add(-DraftKeep)))
	return err
}

// CompleteSecondFactor checks a second-factor code (an authenticator code or
// an unused recovery code) for a session waiting for one. On success the
// waiting session ends and a full one begins: its token is returned.
func (s *Store) CompleteSecondFactor(ctx context.Context, p Principal, code, ip string) (string, error) {
	if !p.MFAPending {
		return "", core.Conflict("This session does not wait for a second factor.")
	}
	a := p.Actor(ip)
	now := s.now()
	// A wrong code is a failed sign-in of the account: it counts towards
	// the same growing wait as a wrong password, and while the account
	// waits no code is even checked.
	if wait, err := s.signInWait(ctx, s.rdb, p.User.Email, ip, now); err != nil || !wait.IsZero() {
		if err == nil {
			err = errSecondFactorWait(wait)
		}
		return "", err
	}
	ok, how, err := s.checkSecondFactor(ctx, a, code)
	if err != nil {
		return "", err
	}
	if !ok {
		var until time.Time
		err := s.tx(ctx, func(tx *sql.Tx) error {
			var err error
			if until, err = s.countFailure(ctx, tx, p.User.Email, ip, now); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE users SET failed_second_factors = failed_second_factors + 1 WHERE id = $1", a.UserID); err != nil {
				return err
			}
			return s.appendAudit(ctx, tx, audit.Entry{OrgID: a.OrgID, UserID: a.UserID, IP: ip, Action: audit.ActionSignInFailed, RecordType: "user", RecordID: idString(a.UserID), Detail: "wrong second factor"})
		})
		if err != nil {
			return "", err
		}
		if !until.IsZero() {
			return "", errSecondFactorWait(until)
		}
		return "", core.Invalid(map[string]string{"code": "This code is not right. Codes change every 30 seconds; try the newest one, or a recovery code."})
	}
	token := auth.NewToken("")
	err = s.tx(ctx, func(tx *sql.Tx) error {
		now := ms(now)
		if _, err := tx.ExecContext(ctx, "UPDATE sessions SET ended_at = $1 WHERE id = $2", now, p.SessionID); err != nil {
			return err
		}
		if err := clearFailures(ctx, tx, p.User.Email, ip); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO sessions (token_hash, user_id, mfa_pending, created_at, last_seen_at, ip) VALUES ($1, $2, $3, $4, $4, $5)",
			auth.HashToken(token), a.UserID, false, now, ip); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionSignIn, "user", a.UserID, "second factor: "+how)
	})
	return token, err
}
