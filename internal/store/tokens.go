package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"peerpath/internal/audit"
	"peerpath/internal/auth"
	"peerpath/internal/core"
)

// APIToken is a personal access token for the JSON API. It carries its user's
// permissions, never more, and stops working when it expires, when it is
// revoked, when its user changes or resets their password or signs out
// everywhere, and when the user is deactivated.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time
	ExpiresAt  time.Time
	RevokedAt  time.Time
}

// Active reports whether the token still works at time now.
func (t APIToken) Active(now time.Time) bool { return t.RevokedAt.IsZero() && t.ExpiresAt.After(now) }

// APITokenPrefix starts every API token, so a leaked one is recognisable.
const APITokenPrefix = "pp_"

// Token lifetimes: a token expires after DefaultTokenLifetime unless its
// maker chooses another lifetime, never longer than MaxTokenLifetime.
const (
	DefaultTokenLifetime = 90 * 24 * time.Hour
	MaxTokenLifetime     = 366 * 24 * time.Hour
)

// CreateAPIToken makes a token for the actor that expires after the default
// lifetime, and returns it once; only its hash is kept.
func (s *Store) CreateAPIToken(ctx context.Context, a Actor, name string) (string, APIToken, error) {
	return s.CreateAPITokenUntil(ctx, a, name, time.Time{})
}

// CreateAPITokenUntil makes a token that expires at expires (the default
// lifetime when zero).
func (s *Store) CreateAPITokenUntil(ctx context.Context, a Actor, name string, expires time.Time) (string, APIToken, error) {
	name = strings.TrimSpace(name)
	f := map[string]string{}
	if name == "" || utf8.RuneCountInString(name) > 100 {
		f["name"] = "Give the token a name of up to 100 characters, such as the script that will use it."
	}
	now := s.now()
	if expires.IsZero() {
		expires = now.Add(DefaultTokenLifetime)
	}
	expires = expires.UTC().Truncate(time.Millisecond)
	if !expires.After(now) || expires.Sub(now) > MaxTokenLifetime {
		f["expires"] = "Choose an expiry in the future, at most a year away."
	}
	if err := core.Invalid(f); err != nil {
		return "", APIToken{}, err
	}
	token := auth.NewToken(APITokenPrefix)
	t := APIToken{UserID: a.UserID, Name: name, CreatedAt: now, ExpiresAt: expires}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
			a.UserID, name, auth.HashToken(token), ms(t.CreatedAt), ms(expires)).Scan(&t.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "api_token", t.ID, "expires "+expires.Format(time.DateOnly))
	})
	return token, t, err
}

// APITokens lists a user's tokens, newest first: the actor's own, or, for an
// administrator, those of any user of their organisation. Anyone else's are
// "not found".
func (s *Store) APITokens(ctx context.Context, a Actor, userID int64, p Page) (List[APIToken], error) {
	if userID != a.UserID && !a.MayManageUsers() {
		return List[APIToken]{}, core.NotFound("The user")
	}
	var after int64
	has, err := decodeCursor(p.Cursor, &after)
	if err != nil {
		return List[APIToken]{}, err
	}
	q := `SELECT t.id, t.user_id, t.name, t.created_at, t.last_used_at, t.expires_at, t.revoked_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.user_id = $1 AND u.org_id = $2`
	args := []any{userID, a.OrgID}
	if has {
		q += " AND t.id < $3"
		args = append(args, after)
	}
	limit := p.limit()
	q += fmt.Sprintf(" ORDER BY t.id DESC LIMIT %d", limit+1)
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return List[APIToken]{}, err
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var c, u, e, r int64
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &c, &u, &e, &r); err != nil {
			return List[APIToken]{}, err
		}
		t.CreatedAt, t.LastUsedAt, t.ExpiresAt, t.RevokedAt = fromMS(c), fromMS(u), fromMS(e), fromMS(r)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return List[APIToken]{}, err
	}
	out, more := trim(out, limit)
	res := List[APIToken]{Items: out}
	if more {
		res.Next = encodeCursor(out[len(out)-1].ID)
	}
	return res, nil
}

// RevokeAPIToken revokes one of the actor's tokens or, for an administrator,
// a token of any user of their organisation. It returns the token's user.
func (s *Store) RevokeAPIToken(ctx context.Context, a Actor, id int64) (int64, error) {
	var owner int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT t.user_id FROM api_tokens t JOIN users u ON u.id = t.user_id
			WHERE t.id = $1 AND u.org_id = $2 AND t.revoked_at = 0 AND (t.user_id = $3 OR $4)`, id, a.OrgID, a.UserID, a.MayManageUsers()).Scan(&owner)
		if errors.Is(err, sql.ErrNoRows) {
			return core.NotFound("The token")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2", ms(s.now()), id); err != nil {
			return err
		}
		detail := "revoked"
		if owner != a.UserID {
			detail = "revoked by an administrator: token of user " + idString(owner)
		}
		return s.record(ctx, tx, a, audit.ActionDelete, "api_token", id, detail)
	})
	return owner, err
}

// revokeTokens revokes every token of a user, in the caller's transaction.
func revokeTokens(ctx context.Context, tx *sql.Tx, userID, now int64) error {
	_, err := tx.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at = 0", now, userID)
	return err
}

// TokenPrincipal authenticates an API token: the token, its user, their
// roles and organisation come from one query, reused for AuthCacheTTL.
func (s *Store) TokenPrincipal(ctx context.Context, token string) (Principal, bool, error) {
	if !strings.HasPrefix(token, APITokenPrefix) {
		return Principal{}, false, nil
	}
	key := auth.HashToken(token)
	now := s.now()
	e, ok := s.auth.get(key, now)
	if !ok {
		gen := s.auth.generation()
		var id, used, expires, revoked int64
		p, found, err := s.lookupPrincipal(ctx, "t.id, t.last_used_at, t.expires_at, t.revoked_at",
			" FROM api_tokens t JOIN users u ON u.id = t.user_id"+principalJoins+"WHERE t.token_hash = $1", []any{key},
			&id, &used, &expires, &revoked)
		if err != nil || !found || revoked != 0 || !p.User.Active {
			return Principal{}, false, err
		}
		p.TokenID = id
		e = authEntry{p: p, seen: used, expires: expires, loadedAt: now}
		s.auth.put(key, e, gen)
	}
	if !fromMS(e.expires).After(now) {
		return Principal{}, false, nil
	}
	if now.Sub(fromMS(e.seen)) >= touchEvery {
		if _, err := s.wdb.ExecContext(ctx, "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", ms(now), e.p.TokenID); err != nil {
			return Principal{}, false, err
		}
		s.auth.touched(key, ms(now))
	}
	return e.p, true, nil
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
