package store

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"peerpath/internal/auth"
)

// AuthCacheTTL is how long a resolved session or API token is reused without
// asking the database again. Within one process every change that affects
// access (revoking a token, ending sessions, deactivating a user, changing
// their roles or second factor, changing the organisation's settings) clears
// the cache when it commits, so this process never acts on a stale answer.
// Several peerpath processes sharing one PostgreSQL database do not tell each
// other: another process may honour a revoked token or an old role for at
// most this long. Keep it short.
const AuthCacheTTL = 5 * time.Second

// authCache holds resolved principals by the hash of their token. Entries
// carry what the access checks need (times and ids), so timeouts are still
// judged on every request.
type authCache struct {
	mu      sync.Mutex
	gen     uint64 // bumped by every invalidation; a fill that raced one is dropped
	entries map[string]*authEntry
}

type authEntry struct {
	p        Principal
	created  int64 // session start, ms
	seen     int64 // last activity (session) or use (token), ms
	expires  int64 // token expiry, ms
	loadedAt time.Time
}

const authCacheMax = 20_000

// get returns a copy of a fresh entry.
func (c *authCache) get(key string, now time.Time) (authEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || now.Sub(e.loadedAt) >= AuthCacheTTL || now.Before(e.loadedAt) {
		return authEntry{}, false
	}
	return *e, true
}

// generation is read before the database is asked; put stores the answer
// only if nothing was invalidated in between.
func (c *authCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

func (c *authCache) put(key string, e authEntry, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.entries == nil || len(c.entries) >= authCacheMax {
		c.entries = map[string]*authEntry{}
	}
	c.entries[key] = &e
}

// touched notes new activity on a cached entry.
func (c *authCache) touched(key string, seen int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		e.seen = seen
	}
}

// forget drops every entry for which match is true.
func (c *authCache) forget(match func(*authEntry) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for k, e := range c.entries {
		if match(e) {
			delete(c.entries, k)
		}
	}
}

// forgetUsers clears the cached sessions and tokens of users now, and again
// when the current transaction commits (see authChanged).
func (s *Store) forgetUsers(ids ...int64) {
	s.auth.forget(func(e *authEntry) bool {
		for _, id := range ids {
			if e.p.User.ID == id {
				return true
			}
		}
		return false
	})
}

func (s *Store) forgetOrg(orgID int64) {
	s.auth.forget(func(e *authEntry) bool { return e.p.Org.ID == orgID })
}

func (s *Store) forgetToken(tokenID int64) {
	s.auth.forget(func(e *authEntry) bool { return e.p.TokenID == tokenID })
}

// authChanged is called by record for every change it audits: a change to a
// user, their sessions or tokens, or an organisation clears the matching
// cache entries at once and again after the transaction commits. Clearing
// before the commit stops this process filling the cache from the old rows
// while the change is in flight; clearing after it drops anything read
// meanwhile from a database that did not yet show the change.
func (s *Store) authChanged(tx *sql.Tx, a Actor, recordType string, recordID int64) {
	var f func()
	switch recordType {
	case "user":
		f = func() { s.forgetUsers(recordID) }
	case "session":
		f = func() { s.forgetUsers(a.UserID) }
	case "api_token":
		f = func() { s.forgetToken(recordID); s.forgetUsers(a.UserID) }
	case "organisation":
		f = func() { s.forgetOrg(recordID) }
	default:
		return
	}
	f()
	s.afterCommit(tx, f)
}

// afterCommit runs f once tx has committed (s.tx calls them).
func (s *Store) afterCommit(tx *sql.Tx, f func()) {
	s.commitHooksMu.Lock()
	defer s.commitHooksMu.Unlock()
	if s.commitHooks == nil {
		s.commitHooks = map[*sql.Tx][]func(){}
	}
	s.commitHooks[tx] = append(s.commitHooks[tx], f)
}

func (s *Store) takeCommitHooks(tx *sql.Tx) []func() {
	s.commitHooksMu.Lock()
	defer s.commitHooksMu.Unlock()
	fs := s.commitHooks[tx]
	delete(s.commitHooks, tx)
	return fs
}

// principalColumns are what one query reads to resolve a session or token:
// the user (with their supervisor's name), one of their roles per row, and
// their organisation.
const principalColumns = userColumns + `, COALESCE(r.role, ''), ` + orgColumns

// principalJoins follow "FROM <sessions or tokens> JOIN users u ON …".
const principalJoins = ` LEFT JOIN users s ON s.id = u.supervisor_id JOIN organisations o ON o.id = u.org_id LEFT JOIN user_roles r ON r.user_id = u.id `

// scanPrincipal reads the rows of one principal query: the first columns
// (extra) belong to the session or token and are scanned from the first row.
// It reports false when there is no row.
func scanPrincipal(rows *sql.Rows, extra ...any) (Principal, bool, error) {
	defer rows.Close()
	var p Principal
	found := false
	for rows.Next() {
		var u User
		var sup sql.NullInt64
		var locked, created, updated, orgCreated int64
		var role string
		var o Organisation
		dest := append(append([]any{}, extra...), &u.ID, &u.OrgID, &u.Email, &u.Name, &sup, &u.SupervisorName, &u.Active, &u.HasPassword, &u.TOTPEnabled, &locked, &created, &u.Version, &updated, &u.PersonID, &u.Language,
			&role, &o.ID, &o.Name, &o.IsDemo, &o.RequireAdminMFA, &o.RequirePeopleMFA, &orgCreated)
		if err := rows.Scan(dest...); err != nil {
			return Principal{}, false, err
		}
		if !found {
			u.SupervisorID, u.LockedUntil, u.CreatedAt, u.UpdatedAt = sup.Int64, fromMS(locked), fromMS(created), fromMS(updated)
			o.CreatedAt = fromMS(orgCreated)
			p.User, p.Org, found = u, o, true
			extra = make([]any, len(extra)) // later rows repeat these; scan them into throwaways
			for i := range extra {
				extra[i] = new(any)
			}
		}
		if role != "" {
			p.User.Roles = append(p.User.Roles, auth.Role(role))
		}
	}
	p.User.Roles = auth.SortRoles(p.User.Roles)
	return p, found, rows.Err()
}

// lookupPrincipal runs one principal query.
func (s *Store) lookupPrincipal(ctx context.Context, head, where string, args []any, extra ...any) (Principal, bool, error) {
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+head+", "+principalColumns+where, args...)
	if err != nil {
		return Principal{}, false, err
	}
	return scanPrincipal(rows, extra...)
}
