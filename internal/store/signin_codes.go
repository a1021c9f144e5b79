package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/i18n"
	"peerpath/internal/mail"
	"peerpath/internal/sms"
)

// One-time sign-in codes (issue 18). A person with a portal account may
// sign in with a code sent to their email, or by text message to their
// phone, instead of their password, when the installation sends email or
// text messages (portalAccountFor says which way a code goes). Staff never get codes: they keep their
// password and second factor. A code is SignInCodeDigits digits, works once
// for SignInCodeTTL, and is stored as SHA-256 only. Typing a code is a
// sign-in attempt like a password: the same throttle (signin.go) counts
// wrong codes on the account and the address and makes the next attempt
// wait, and a code stops working after SignInCodeTries wrong ones. Asking
// for a code never says whether the account exists: the answer is the same,
// and only a portal account with a way to reach it is sent anything.
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

// codeRoute is a portal account asking for a sign-in code, and where its
// code goes: Via is "email" (To an address), "sms" (To a number in E.164)
// or "" (nowhere: the account has no usable address).
type codeRoute struct {
	User
	Via, To, Name, Lang, Org string
}

// Ways a sign-in code is sent.
const (
	codeByEmail = "email"
	codeBySMS   = "sms"
)

// portalAccountFor finds the active portal account signing in as login,
// and where to send it a code. ok is false for anything but an active
// portal account (unknown, staff, inactive).
//
// The code goes by email when there is an address: the login when it is
// an email address, else the email on the person's record. It goes by
// text message instead when there is no address (or email is off and
// texts are on) and texts are on, the person's record has a phone number
// that can take a text, and "text" is among the ways it is okay to reach
// them. Email comes first because it says more (which organisation, until
// when) and does not appear on a shared or locked phone's screen.
func (s *Store) portalAccountFor(ctx context.Context, login string) (r codeRoute, ok bool, err error) {
	u, err := s.userWhere(ctx, s.rdb, "u.email = $1", normaliseEmail(login))
	if errors.Is(err, sql.ErrNoRows) || core.KindOf(err) == core.KindNotFound {
		return codeRoute{}, false, nil
	}
	if err != nil || !u.IsPortal() || !u.Active {
		return codeRoute{}, false, err
	}
	var personEmail, prefLang, phone, okay string
	r.User = u
	if err := s.rdb.QueryRowContext(ctx, `SELECT p.email, p.phone, p.okay_to_contact, p.preferred_name, p.preferred_language, o.name FROM people p JOIN organisations o ON o.id = p.org_id
		WHERE p.id = $1 AND p.org_id = $2`, u.PersonID, u.OrgID).Scan(&personEmail, &phone, &okay, &r.Name, &prefLang, &r.Org); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return codeRoute{}, false, nil
		}
		return codeRoute{}, false, err
	}
	r.Lang = i18n.For(u.Language, prefLang).Lang()
	_, mailOn := s.mailLink("")
	smsOn := s.smsEnabled()
	to := normaliseEmail(u.Email)
	if !validEmail(to) {
		to = normaliseEmail(personEmail)
	}
	// Without text messages, email is the only way (and the web pages
	// offer codes only when it is on); with them, email needs to be on.
	if validEmail(to) && (mailOn || !smsOn) {
		r.Via, r.To = codeByEmail, to
		return r, true, nil
	}
	if number, fine := sms.Number(phone); smsOn && fine && slices.Contains(commaList(okay), "text") {
		r.Via, r.To = codeBySMS, number
	}
	return r, true, nil
}

// RequestSignInCode sends a one-time sign-in code to the portal account
// signing in as login, through the outbox, in the person's language: by
// email, or by text message when that is the way to reach them
// (portalAccountFor). It answers nothing about the account: an unknown
// login, a staff account, an account with no way to send it a code and one
// past SignInCodesPerHour all return nil and send nothing. A new code
// replaces the account's earlier ones.
func (s *Store) RequestSignInCode(ctx context.Context, login, ip string) error {
	r, ok, err := s.portalAccountFor(ctx, login)
	if err != nil || !ok || r.Via == "" {
		return err
	}
	u := r.User
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
		l := i18n.In(r.Lang)
		if r.Via == codeBySMS {
			// The text names neither the organisation nor the kind of
			// service: a phone's screen may be seen by others.
			m := sms.Message{To: r.To, Body: l.T("sms.signin_code", "Code", code, "Minutes", int(SignInCodeTTL/time.Minute))}
			if err := s.enqueueSMS(ctx, tx, u.OrgID, SMSSignInCode, m, expires); err != nil {
				return err
			}
			return s.record(ctx, tx, a, audit.ActionCreate, "signin_code", id, "sent by text message")
		}
		name, org := r.Name, r.Org
		m := mail.SignInCode(r.To, name, org, l.T("email.signin_code.subject", "Org", org), l.T("email.signin_code.para", "Org", org), code,
			l.T("email.signin_code.after", "Time", core.TimeOfDay(expires), "Minutes", int(SignInCodeTTL/time.Minute)),
			mailWords(l))
		if err := s.enqueueMail(ctx, tx, u.OrgID, "signin_code", "", m); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "signin_code", id, "sent by email")
	})
}

// SignInWithCode signs in the portal account login with a code sent by
// email or text message: the same outcomes, throttle and audit as SignIn with a password.
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
	r, known, err := s.portalAccountFor(ctx, email)
	if err != nil {
		return SignInResult{}, err
	}
	u := r.User
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
		if r.Via == codeBySMS {
			detail = "code sent by text message"
		}
		if res.NeedsSecondFactor {
			detail += "; second factor next"
		} else if err := clearFailures(ctx, tx, email, ip); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionSignIn, "user", u.ID, detail)
	})
	return res, err
}
