package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/auth"
	"peerpath/internal/core"
)

// Sign-in policy. Failed sign-ins are never a lock that anyone can put on
// someone else's account: they make the next attempt wait, and the wait
// grows with each failure. Failures are counted three ways:
//
//   - for an account from one address: after PairFreeFailures the wait starts
//     at FirstDelay and doubles up to PairMaxDelay. This slows a guesser at
//     once and does not touch the account's owner elsewhere;
//   - for an account from every address together: after AccountFreeFailures
//     the same growth, but capped at AccountMaxDelay, so that guessers on
//     many addresses get a few tries an hour while the owner waits at most
//     that long;
//   - for an address, whatever the account: after AddressFreeFailures, up to
//     PairMaxDelay, so one address cannot walk through many accounts.
//
// An account is the email typed, whether or not anyone uses it: an unknown
// email is counted, delayed and answered exactly as a known one, and a wrong
// second-factor code counts as a failure of its account too. Failures older
// than FailureMemory are forgotten.
const (
	FirstDelay          = 30 * time.Second
	PairFreeFailures    = 5
	PairMaxDelay        = 15 * time.Minute
	AccountFreeFailures = 20
	AccountMaxDelay     = 2 * time.Minute
	AddressFreeFailures = 20
	FailureMemory       = 24 * time.Hour
)

// SignInOutcome says how a sign-in attempt ended.
type SignInOutcome int

// The outcomes.
const (
	SignInBad    SignInOutcome = iota // unknown email or wrong password: the same to the caller
	SignInLocked                      // too many failures: wait until LockedUntil
	SignInOK                          // password accepted; NeedsSecondFactor may still apply
)

// SignInResult is the outcome of SignIn.
type SignInResult struct {
	Outcome           SignInOutcome
	User              User
	LockedUntil       time.Time
	NeedsSecondFactor bool
}

// accountKey names an account in the throttle without storing the email:
// the same for a user's email and for an email nobody uses.
func accountKey(email string) string {
	return auth.HashToken("peerpath sign-in account\x00" + normaliseEmail(email))
}

// throttleKeys are the rows a sign-in attempt for email from ip counts on,
// with the number of free failures and the longest wait of each.
type throttleKey struct {
	key     string
	account string
	free    int
	max     time.Duration
}

func throttleKeys(email, ip string) []throttleKey {
	acct := accountKey(email)
	return []throttleKey{
		{key: "pair:" + acct + ":" + ip, account: acct, free: PairFreeFailures, max: PairMaxDelay},
		{key: "account:" + acct, account: acct, free: AccountFreeFailures, max: AccountMaxDelay},
		{key: "address:" + ip, account: "", free: AddressFreeFailures, max: PairMaxDelay},
	}
}

// delayAfter is the wait after the n-th failure of a key.
func delayAfter(n, free int, max time.Duration) time.Duration {
	if n < free {
		return 0
	}
	d := FirstDelay
	for i := free; i < n && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

// signInWait returns until when attempts for email from ip must wait, or the
// zero time.
func (s *Store) signInWait(ctx context.Context, q querier, email, ip string, now time.Time) (time.Time, error) {
	keys := throttleKeys(email, ip)
	rows, err := q.QueryContext(ctx, "SELECT blocked_until FROM signin_throttle WHERE key IN ($1, $2, $3) AND blocked_until > $4",
		keys[0].key, keys[1].key, keys[2].key, ms(now))
	if err != nil {
		return time.Time{}, err
	}
	defer rows.Close()
	var until int64
	for rows.Next() {
		var b int64
		if err := rows.Scan(&b); err != nil {
			return time.Time{}, err
		}
		until = max(until, b)
	}
	return fromMS(until), rows.Err()
}

// countFailure counts one failed attempt for email from ip, in the caller's
// transaction, and returns until when the next attempt must wait (the zero
// time when it need not). The same statements run for an email nobody uses.
func (s *Store) countFailure(ctx context.Context, tx *sql.Tx, email, ip string, now time.Time) (time.Time, error) {
	var until time.Time
	forget := ms(now.Add(-FailureMemory))
	for _, k := range throttleKeys(email, ip) {
		var n int
		err := tx.QueryRowContext(ctx, `INSERT INTO signin_throttle (key, account, failures, last_failed_at, blocked_until) VALUES ($1, $2, 1, $3, 0)
			ON CONFLICT (key) DO UPDATE SET failures = CASE WHEN signin_throttle.last_failed_at < $4 THEN 1 ELSE signin_throttle.failures + 1 END,
				last_failed_at = $3
			RETURNING failures`, k.key, k.account, ms(now), forget).Scan(&n)
		if err != nil {
			return time.Time{}, err
		}
		if d := delayAfter(n, k.free, k.max); d > 0 {
			b := now.Add(d)
			if _, err := tx.ExecContext(ctx, "UPDATE signin_throttle SET blocked_until = $1 WHERE key = $2", ms(b), k.key); err != nil {
				return time.Time{}, err
			}
			if b.After(until) {
				until = b
			}
		}
	}
	// What an administrator sees on the user's page (no row for an unknown
	// email: the statement is the same).
	if _, err := tx.ExecContext(ctx, "UPDATE users SET locked_until = $1 WHERE email = $2 AND locked_until < $1", ms(until), normaliseEmail(email)); err != nil {
		return time.Time{}, err
	}
	return until, nil
}

// clearFailures forgets the failures of email from ip and of the account as
// a whole, after the right password (and second factor) from there.
func clearFailures(ctx context.Context, tx *sql.Tx, email, ip string) error {
	keys := throttleKeys(email, ip)
	if _, err := tx.ExecContext(ctx, "DELETE FROM signin_throttle WHERE key IN ($1, $2)", keys[0].key, keys[1].key); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "UPDATE users SET locked_until = 0, failed_logins = 0, first_failed_at = 0 WHERE email = $1", normaliseEmail(email))
	return err
}

// SignIn checks an email and password, applying the sign-in policy and
// writing the attempt to the audit log. An email nobody uses takes the same
// path, the same time (its password is checked against a throwaway hash)
// and gets the same answers in the same order as a user's email. The
// password is checked outside any transaction: hashing takes tens of
// milliseconds and must not hold the write lock.
func (s *Store) SignIn(ctx context.Context, email, password, ip string) (SignInResult, error) {
	email = normaliseEmail(email)
	now := s.now()
	var hash string
	u, err := scanUser(prefixScanner{s.rdb.QueryRowContext(ctx, "SELECT u.password_hash, "+userColumns+userFrom+"WHERE u.email = $1", email), []any{&hash}})
	known := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return SignInResult{}, err
	}
	a := Actor{IP: ip}
	detail := "unknown account"
	if known {
		a.UserID, a.OrgID = u.ID, u.OrgID
		if !u.Active || hash == "" {
			known, detail = false, "inactive or invited account"
		}
	}
	wait, err := s.signInWait(ctx, s.rdb, email, ip, now)
	if err != nil {
		return SignInResult{}, err
	}
	if !wait.IsZero() {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			return s.appendAudit(ctx, tx, audit.Entry{OrgID: a.OrgID, UserID: a.UserID, IP: ip, Action: audit.ActionSignInFailed, RecordType: "user", RecordID: idStringOrEmpty(a.UserID), Detail: "refused: waiting after failed sign-ins"})
		})
		return SignInResult{Outcome: SignInLocked, LockedUntil: wait}, err
	}
	ok := false
	if known {
		ok = auth.CheckPassword(hash, password)
		if !ok {
			detail = "wrong password"
		}
	} else {
		auth.WasteTime(password)
	}
	if !ok {
		var res SignInResult
		err := s.tx(ctx, func(tx *sql.Tx) error {
			until, err := s.countFailure(ctx, tx, email, ip, now)
			if err != nil {
				return err
			}
			res = SignInResult{Outcome: SignInBad}
			if !until.IsZero() {
				res, detail = SignInResult{Outcome: SignInLocked, LockedUntil: until}, detail+"; next attempt waits"
			}
			return s.appendAudit(ctx, tx, audit.Entry{OrgID: a.OrgID, UserID: a.UserID, IP: ip, Action: audit.ActionSignInFailed, RecordType: "user", RecordID: idStringOrEmpty(a.UserID), Detail: detail})
		})
		return res, err
	}
	u, err = s.userWhere(ctx, s.rdb, "u.id = $1", u.ID)
	if err != nil {
		return SignInResult{}, err
	}
	res := SignInResult{Outcome: SignInOK, User: u, NeedsSecondFactor: u.TOTPEnabled}
	detail = "password"
	if res.NeedsSecondFactor {
		detail = "password; second factor next"
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		// With a second factor still to come, the failures are forgotten
		// only once it is given.
		if !res.NeedsSecondFactor {
			if err := clearFailures(ctx, tx, email, ip); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, audit.ActionSignIn, "user", u.ID, detail)
	})
	return res, err
}

// SecondFactorWait says until when second-factor codes for the user must
// wait after failures (the zero time when they need not).
func (s *Store) SecondFactorWait(ctx context.Context, p Principal, ip string) (time.Time, error) {
	return s.signInWait(ctx, s.rdb, p.User.Email, ip, s.now())
}

// TakeFailedSecondFactors returns how many wrong second-factor codes were
// entered for the user since their last full sign-in, and starts counting
// again: the sign-in page tells the user.
func (s *Store) TakeFailedSecondFactors(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT failed_second_factors FROM users WHERE id = $1"+s.forUpdate(), userID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, "UPDATE users SET failed_second_factors = 0 WHERE id = $1", userID)
		return err
	})
	return n, err
}

// errSecondFactorWait is what a code sent while the account waits gets.
func errSecondFactorWait(until time.Time) error {
	return &core.Error{Kind: core.KindRateLimited, Message: fmt.Sprintf("Too many wrong codes or passwords for this account. Wait until %s and try again.", core.TimeOfDayUntil(until))}
}

// prefixScanner scans some leading columns before handing the rest to a
// scan function written for a fixed column list.
type prefixScanner struct {
	row   *sql.Row
	first []any
}

func (p prefixScanner) Scan(dest ...any) error { return p.row.Scan(append(p.first, dest...)...) }
