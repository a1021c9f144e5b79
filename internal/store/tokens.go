package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"peerpath/internal/audit"
	"peerpath/internal/auth"
	"peerpath/internal/core"
)

// APIToken is a personal access token for the JSON API. It carries its user's
// permissions, never more, and stops working when revoked or when the user is
// deactivated.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// APITokenPrefix starts every API token, so a leaked one is recognisable.
const APITokenPrefix = "pp_"

// CreateAPIToken makes a token for the actor and returns it once; only its
// hash is kept.
func (s *Store) CreateAPIToken(ctx context.Context, a Actor, name string) (string, APIToken, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return "", APIToken{}, core.Invalid(map[string]string{"name": "Give the token a name of up to 100 characters, such as the script that will use it."})
	}
	token := auth.NewToken(APITokenPrefix)
	t := APIToken{UserID: a.UserID, Name: name, CreatedAt: s.now()}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
			a.UserID, name, auth.HashToken(token), ms(t.CreatedAt)).Scan(&t.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "api_token", t.ID, "")
	})
	return token, t, err
}

// APITokens lists the actor's tokens, newest first.
func (s *Store) APITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := s.rdb.QueryContext(ctx, "SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var c, u, r int64
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &c, &u, &r); err != nil {
			return nil, err
		}
		t.CreatedAt, t.LastUsedAt, t.RevokedAt = fromMS(c), fromMS(u), fromMS(r)
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeAPIToken revokes one of the actor's tokens.
func (s *Store) RevokeAPIToken(ctx context.Context, a Actor, id int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at = 0", ms(s.now()), id, a.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return core.NotFound("The token")
		}
		return s.record(ctx, tx, a, audit.ActionDelete, "api_token", id, "revoked")
	})
}

// TokenPrincipal authenticates an API token.
func (s *Store) TokenPrincipal(ctx context.Context, token string) (Principal, bool, error) {
	if !strings.HasPrefix(token, APITokenPrefix) {
		return Principal{}, false, nil
	}
	var id, uid, used int64
	err := s.rdb.QueryRowContext(ctx, `SELECT t.id, t.user_id, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at = 0 AND u.active`, auth.HashToken(token)).Scan(&id, &uid, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return Principal{}, false, nil
	}
	if err != nil {
		return Principal{}, false, err
	}
	p, err := s.principal(ctx, uid)
	if err != nil {
		return Principal{}, false, err
	}
	p.TokenID = id
	if now := s.now(); now.Sub(fromMS(used)) >= touchEvery {
		if _, err := s.wdb.ExecContext(ctx, "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", ms(now), id); err != nil {
			return Principal{}, false, err
		}
	}
	return p, true, nil
}

// SetupTTL is how long the first-start setup link works.
const SetupTTL = time.Hour

// CreateSetupToken makes the one-time link that creates the first
// organisation and administrator. It refuses once any user exists.
func (s *Store) CreateSetupToken(ctx context.Context) (string, error) {
	if has, err := s.HasUsers(ctx); err != nil || has {
		if err == nil {
			err = core.Conflict("peerpath is already set up.")
		}
		return "", err
	}
	token := auth.NewToken("")
	now := s.now()
	_, err := s.wdb.ExecContext(ctx, "INSERT INTO one_time_tokens (purpose, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)",
		LinkSetup, auth.HashToken(token), ms(now), ms(now.Add(SetupTTL)))
	return token, err
}

// SetupTokenValid reports whether a setup link still works.
func (s *Store) SetupTokenValid(ctx context.Context, token string) (bool, error) {
	var n int
	err := s.rdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM one_time_tokens WHERE purpose = $1 AND token_hash = $2 AND used_at = 0 AND expires_at > $3",
		LinkSetup, auth.HashToken(token), ms(s.now())).Scan(&n)
	return n > 0, err
}

// Setup is what the setup page collects.
type Setup struct {
	OrgName  string
	Name     string
	Email    string
	Password string
}

// CompleteSetup uses the setup link: it creates the organisation and its first
// administrator in one transaction, and the link stops working.
func (s *Store) CompleteSetup(ctx context.Context, token string, in Setup, ip string) (User, error) {
	in.Email, in.Name, in.OrgName = normaliseEmail(in.Email), strings.TrimSpace(in.Name), strings.TrimSpace(in.OrgName)
	nu := NewUser{OrgName: in.OrgName, Email: in.Email, Name: in.Name, Roles: []auth.Role{auth.RoleAdmin}, Password: in.Password}
	f := validateUser(nu)
	if msg := validateOrgName(in.OrgName); msg != "" {
		f["org"] = msg
	}
	if err := core.Invalid(f); err != nil {
		return User{}, err
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return User{}, err
	}
	var id int64
	err = s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE one_time_tokens SET used_at = $1 WHERE purpose = $2 AND token_hash = $3 AND used_at = 0 AND expires_at > $1",
			ms(s.now()), LinkSetup, auth.HashToken(token))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return core.NotFound("This setup link has been used or has expired. Restart peerpath for a new one. The setup link")
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM users").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return core.Conflict("peerpath is already set up.")
		}
		id, err = s.createUser(ctx, tx, Actor{IP: ip}, nu, hash)
		return err
	})
	if err != nil {
		return User{}, err
	}
	return s.userWhere(ctx, s.rdb, "u.id = $1", id)
}
