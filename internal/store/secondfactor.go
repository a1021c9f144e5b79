package store

import (
	"context"
	"database/sql"
	"errors"

	"peerpath/internal/audit"
	"peerpath/internal/auth"
	"peerpath/internal/core"
)

// RecoveryCodeCount is how many single-use recovery codes a user gets.
const RecoveryCodeCount = 10

// StartTOTP creates a new authenticator secret for the actor, kept aside until
// they confirm it with a code (so a half-finished set-up changes nothing).
func (s *Store) StartTOTP(ctx context.Context, a Actor, issuer string) (auth.TOTPEnrolment, error) {
	u, err := s.User(ctx, a.OrgID, a.UserID)
	if err != nil {
		return auth.TOTPEnrolment{}, err
	}
	en, err := auth.NewTOTP(issuer, u.Email)
	if err != nil {
		return auth.TOTPEnrolment{}, err
	}
	sealed, err := s.keys.SealString(en.Secret)
	if err != nil {
		return auth.TOTPEnrolment{}, err
	}
	_, err = s.wdb.ExecContext(ctx, "UPDATE users SET totp_pending = $1 WHERE id = $2 AND org_id = $3", sealed, a.UserID, a.OrgID)
	return en, err
}

// PendingTOTP returns the secret being set up, to show it again after a
// mistyped code.
func (s *Store) PendingTOTP(ctx context.Context, a Actor, issuer string) (auth.TOTPEnrolment, error) {
	var sealed, email string
	if err := s.rdb.QueryRowContext(ctx, "SELECT totp_pending, email FROM users WHERE id = $1 AND org_id = $2", a.UserID, a.OrgID).Scan(&sealed, &email); err != nil {
		return auth.TOTPEnrolment{}, err
	}
	if sealed == "" {
		return auth.TOTPEnrolment{}, core.NotFound("A second-factor set-up in progress")
	}
	secret, err := s.keys.OpenString(sealed)
	if err != nil {
		return auth.TOTPEnrolment{}, err
	}
	return auth.TOTPFromSecret(issuer, email, secret)
}

// ConfirmTOTP turns on the pending secret once the user proves their app
// produces its codes, and returns fresh recovery codes to show once.
func (s *Store) ConfirmTOTP(ctx context.Context, a Actor, code string) ([]string, error) {
	var sealed string
	if err := s.rdb.QueryRowContext(ctx, "SELECT totp_pending FROM users WHERE id = $1 AND org_id = $2", a.UserID, a.OrgID).Scan(&sealed); err != nil {
		return nil, err
	}
	if sealed == "" {
		return nil, core.Conflict("Start the set-up again: no secret is waiting to be confirmed.")
	}
	secret, err := s.keys.OpenString(sealed)
	if err != nil {
		return nil, err
	}
	step, ok := auth.CheckTOTP(secret, code, s.now(), 0)
	if !ok {
		return nil, core.Invalid(map[string]string{"code": "This code does not match. Check the app shows peerpath's code and type the newest one."})
	}
	codes := auth.NewRecoveryCodes(RecoveryCodeCount)
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE users SET totp_secret = totp_pending, totp_pending = '', totp_last_step = $1 WHERE id = $2", step, a.UserID); err != nil {
			return err
		}
		if err := replaceRecoveryCodes(ctx, tx, a.UserID, codes); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "user", a.UserID, "second factor turned on")
	})
	return codes, err
}

// NewRecoveryCodes replaces the actor's recovery codes.
func (s *Store) NewRecoveryCodes(ctx context.Context, a Actor) ([]string, error) {
	codes := auth.NewRecoveryCodes(RecoveryCodeCount)
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := replaceRecoveryCodes(ctx, tx, a.UserID, codes); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "user", a.UserID, "new recovery codes")
	})
	return codes, err
}

func replaceRecoveryCodes(ctx context.Context, tx *sql.Tx, userID int64, codes []string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM recovery_codes WHERE user_id = $1", userID); err != nil {
		return err
	}
	for _, c := range codes {
		if _, err := tx.ExecContext(ctx, "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)", userID, auth.HashToken(c)); err != nil {
			return err
		}
	}
	return nil
}

// DisableTOTP turns the second factor off after checking the password.
func (s *Store) DisableTOTP(ctx context.Context, a Actor, password string) error {
	var hash string
	if err := s.rdb.QueryRowContext(ctx, "SELECT password_hash FROM users WHERE id = $1 AND org_id = $2", a.UserID, a.OrgID).Scan(&hash); err != nil {
		return err
	}
	if !auth.CheckPassword(hash, password) {
		return core.Invalid(map[string]string{"password": "This is not your current password."})
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE users SET totp_secret = '', totp_pending = '', totp_last_step = 0 WHERE id = $1", a.UserID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM recovery_codes WHERE user_id = $1", a.UserID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "user", a.UserID, "second factor turned off")
	})
}

// UnusedRecoveryCodes counts the actor's recovery codes still available.
func (s *Store) UnusedRecoveryCodes(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.rdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at = 0", userID).Scan(&n)
	return n, err
}

// checkSecondFactor accepts an authenticator code not used before, or an
// unused recovery code (which is then spent). It reports which one matched.
func (s *Store) checkSecondFactor(ctx context.Context, a Actor, code string) (bool, string, error) {
	var sealed string
	var last int64
	if err := s.rdb.QueryRowContext(ctx, "SELECT totp_secret, totp_last_step FROM users WHERE id = $1", a.UserID).Scan(&sealed, &last); err != nil {
		return false, "", err
	}
	if sealed == "" {
		return false, "", errors.New("no second factor set up")
	}
	secret, err := s.keys.OpenString(sealed)
	if err != nil {
		return false, "", err
	}
	if step, ok := auth.CheckTOTP(secret, code, s.now(), last); ok {
		// Recording the step under a condition makes a code good once even
		// when two requests race with it.
		res, err := s.wdb.ExecContext(ctx, "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1", step, a.UserID)
		if err != nil {
			return false, "", err
		}
		n, _ := res.RowsAffected()
		return n == 1, "authenticator app", nil
	}
	res, err := s.wdb.ExecContext(ctx, "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at = 0",
		ms(s.now()), a.UserID, auth.HashToken(auth.NormaliseRecoveryCode(code)))
	if err != nil {
		return false, "", err
	}
	n, _ := res.RowsAffected()
	return n == 1, "recovery code", nil
}
