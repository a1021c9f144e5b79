package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/i18n"
	"peerpath/internal/mail"
)

// One-time sign-in codes by email (issue 18). A person with a portal account
// may sign in with a code sent to their email instead of their password,
// when the installation sends email. Staff never get codes: they keep their
// password and second factor. A code is SignInCodeDigits digits, works once
// for SignInCodeTTL, and is stored as SHA-256 only. Typing a code is a
// sign-in attempt like a password: the same throttle (signin.go) counts
// wrong codes on the account and the address and makes the next attempt
// wait, and a code stops working after SignInCodeTries wrong ones. Asking
// for a code never says whether the account exists: the answer is the same,
// and only a portal account with an email address is sent anything.
//
// There is no SMS: peerpath has no way to send text messages.
const (
	SignInCodeDigits = 6
	SignInCodeTTL    = 10 * time.Minute
	// SignInCodeTries is how many wrong codes one code survives.
	SignInCodeTries = 5
	// SignInCodesPerHour is how many codes one account is sent in an hour;
	// further requests send nothing (and say nothing different).
	SignInCodesPerHour = 5
)

// newSignInCode returns SignInCodeDigits random digits.
func newSignInCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic("store: no randomness: " + err.Error())
	}
	return fmt.Sprintf("%06d", n.Int64())
}

// signInCodeHash ties a code to its account, so the same digits sent to
// two people hash apart.
func signInCodeHash(userID int64, code string) string {
	return auth.HashToken("peerpath sign-in code\x00" + idString(userID) + "\x00" + code)
}

// normaliseCode keeps the digits of a typed code ("123 456" is 123456).
func normaliseCode(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		if r == ' ' || r == '-' {
			return -1
		}
		return 'x'
	}, strings.TrimSpace(s))
}

// portalAccountFor finds the active portal account signing in as login,
// with where to send it a code: the login when it is an email address,
// else the email on the person's record. ok is false for anything else
// (unknown, staff, inactive, no address).
func (s *Store) portalAccountFor(ctx context.Context, login string) (u User, to, name, lang, org string, ok bool, err error) {
	u, err = s.userWhere(ctx, s.rdb, "u.email = $1", normaliseEmail(login))
	if errors.Is(err, sql.ErrNoRows) || core.KindOf(err) == core.KindNotFound {
		return User{}, "", "", "", "", false, nil
	}
	if err != nil || !u.IsPortal() || !u.Active {
		return User{}, "", "", "", "", false, err
	}
	var personEmail, prefLang string
	if err := s.rdb.QueryRowContext(ctx, `SELECT p.email, p.preferred_name, p.preferred_language, o.name FROM people p JOIN organisations o ON o.id = p.org_id
		WHERE p.id = $1 AND p.org_id = $2`, u.PersonID, u.OrgID).Scan(&personEmail, &name, &prefLang, &org); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return User{}, "", "", "", "", false, nil
		}
		return User{}, "", "", "", "", false, err
	}
	to = normaliseEmail(u.Email)
	if !validEmail(to) {
		to = normaliseEmail(personEmail)
	}
	if !validEmail(to) {
		return User{}, "", "", "", "", false, nil
	}
	return u, to, name, i18n.For(u.Language, prefLang).Lang(), org, true, nil
}

// RequestSignInCode sends a one-time sign-in code to the portal account
// signing in as login, through the outbox, in the person's language. It
// answers nothing about the account: an unknown login, a staff account, an
// account without an email address and one past SignInCodesPerHour all
// return nil and send nothing. A new code replaces the account's earlier
// ones.
func (s *Store) RequestSignInCode(ctx context.Context, login, ip string) error {
	u, to, name, lang, org, ok, err := s.portalAccountFor(ctx, login)
	if err != nil || !ok {
		return err
	}
	now := s.now()
	code := newSignInCode()
	return s.tx(ctx, func(tx *sql.Tx) error {
		// Counted under a lock on the account, so two requests at once
		// cannot both pass the hourly limit.
		var one int
		if err := tx.QueryRowContext(ctx, "SELECT 1 FROM users WHERE id = $1"+s.forUpdate(), u.ID).Scan(&one); err != nil {
			return err
		}
		var sent int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM signin_codes WHERE user_id = $1 AND created_at > $2",
			u.ID, ms(now.Add(-time.Hour))).Scan(&sent); err != nil {
			return err
		}
		a := Actor{OrgID: u.OrgID, UserID: u.ID, PersonID: u.PersonID, IP: ip}
		if sent >= SignInCodesPerHour {
			return s.appendAudit(ctx, tx, audit.Entry{OrgID: u.OrgID, UserID: u.ID, IP: ip, Action: audit.ActionSignInFailed, RecordType: "user",
				RecordID: idString(u.ID), Detail: "sign-in code not sent: too many asked for in an hour"})
		}
		if _, err := tx.ExecContext(ctx, "UPDATE signin_codes SET expires_at = $1 WHERE user_id = $2 AND used_at = 0 AND expires_at > $1", ms(now), u.ID); err != nil {
			return err
		}
		expires := now.Add(SignInCodeTTL)
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO signin_codes (org_id, user_id, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			u.OrgID, u.ID, signInCodeHash(u.ID, code), ms(now), ms(expires)).Scan(&id); err != nil {
			return err
		}
		l := i18n.In(lang)
		m := mail.SignInCode(to, name, org, l.T("email.signin_code.subject", "Org", org), l.T("email.signin_code.para", "Org", org), code,
			l.T("email.signin_code.after", "Time", core.TimeOfDay(expires), "Minutes", int(SignInCodeTTL/time.Minute)),
			mail.Words{Lang: l.Lang(), Hello: l.T("email.hello"), CopyLink: l.T("email.copy_link"), From: l.T("email.from")})
		if err := s.enqueueMail(ctx, tx, u.OrgID, "signin_code", "", m); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "signin_code", id, "sent by email")
	})
}

// SignInWithCode signs in the portal account login with a code sent by
// email: the same outcomes, throttle and audit as SignIn with a password.
// A wrong code, an expired or used one, and an account that has none are
// the same SignInBad. The code is used up by the sign-in that accepts it.
func (s *Store) SignInWithCode(ctx context.Context, login, code, ip string) (SignInResult, error) {
	email := normaliseEmail(login)
	code = normaliseCode(code)
	now := s.now()
	a := Actor{IP: ip}
	wait, err := s.signInWait(ctx, s.rdb, email, ip, now)
	if err != nil {
		return SignInResult{}, err
	}
	u, _, _, _, _, known, err := s.portalAccountFor(ctx, email)
	if err != nil {
		return SignInResult{}, err
	}
	if known {
		a.UserID, a.OrgID = u.ID, u.OrgID
	}
	if !wait.IsZero() {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			return s.appendAudit(ctx, tx, audit.Entry{OrgID: a.OrgID, UserID: a.UserID, IP: ip, Action: audit.ActionSignInFailed, RecordType: "user", RecordID: idStringOrEmpty(a.UserID), Detail: "refused: waiting after failed sign-ins"})
		})
		return SignInResult{Outcome: SignInLocked, LockedUntil: wait}, err
	}
	var codeID int64
	var hash string
	if known {
		err := s.rdb.QueryRowContext(ctx, `SELECT id, code_hash FROM signin_codes WHERE user_id = $1 AND used_at = 0 AND expires_at > $2 AND attempts < $3
			ORDER BY id DESC LIMIT 1`, u.ID, ms(now), SignInCodeTries).Scan(&codeID, &hash)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return SignInResult{}, err
		}
	}
	ok := codeID != 0 && len(code) == SignInCodeDigits && subtle.ConstantTimeCompare([]byte(hash), []byte(signInCodeHash(u.ID, code))) == 1
	var res SignInResult
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if ok {
			// Used once: a second sign-in with the same code finds it used.
			r, err := tx.ExecContext(ctx, "UPDATE signin_codes SET used_at = $1 WHERE id = $2 AND used_at = 0", ms(now), codeID)
			if err != nil {
				return err
			}
			n, _ := r.RowsAffected()
			ok = n == 1
		}
		if !ok {
			if codeID != 0 {
				if _, err := tx.ExecContext(ctx, "UPDATE signin_codes SET attempts = attempts + 1 WHERE id = $1", codeID); err != nil {
					return err
				}
			}
			until, err := s.countFailure(ctx, tx, email, ip, now)
			if err != nil {
				return err
			}
			detail := "wrong, used or expired sign-in code"
			res = SignInResult{Outcome: SignInBad}
			if !until.IsZero() {
				res, detail = SignInResult{Outcome: SignInLocked, LockedUntil: until}, detail+"; next attempt waits"
			}
			return s.appendAudit(ctx, tx, audit.Entry{OrgID: a.OrgID, UserID: a.UserID, IP: ip, Action: audit.ActionSignInFailed, RecordType: "user", RecordID: idStringOrEmpty(a.UserID), Detail: detail})
		}
		res = SignInResult{Outcome: SignInOK, User: u, NeedsSecondFactor: u.TOTPEnabled}
		detail := "code sent by email"
		if res.NeedsSecondFactor {
			detail += "; second factor next"
		} else if err := clearFailures(ctx, tx, email, ip); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionSignIn, "user", u.ID, detail)
	})
	return res, err
}
