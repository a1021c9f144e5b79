package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"peerpath/internal/audit"
	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/framework"
	"peerpath/internal/i18n"
	ppmail "peerpath/internal/mail"
)

// User is a worker who signs in: a peer worker, supervisor, trainer or
// administrator (or several of these).
type User struct {
	ID             int64
	OrgID          int64
	Email          string
	Name           string
	Roles          []auth.Role
	SupervisorID   int64
	SupervisorName string
	Active         bool
	HasPassword    bool // false while an invitation is still open
	TOTPEnabled    bool
	LockedUntil    time.Time
	CreatedAt      time.Time
	// Version counts the administrators' saves of the user's details; a
	// save started from an older version is refused (see UpdateUser).
	Version   int
	UpdatedAt time.Time
	// PersonID is set on a portal account: the person supported it belongs
	// to. Such a user holds no role and reaches only the portal (IsPortal).
	PersonID int64
	// Language is the language the user chose for peerpath's pages ("es"),
	// or "" for the default: English for staff; for a portal user, their
	// record's language and then their browser's (SetLanguage).
	Language string
}

// IsPortal reports whether the user is a person supported signing in to
// their own portal, not a member of staff.
func (u User) IsPortal() bool { return u.PersonID != 0 }

// Locked reports whether the account is locked at time now.
func (u User) Locked(now time.Time) bool { return u.LockedUntil.After(now) }

// Actor returns the user as the actor of an operation from address ip.
func (u User) Actor(ip string) Actor {
	return Actor{UserID: u.ID, OrgID: u.OrgID, Roles: u.Roles, IP: ip, PersonID: u.PersonID}
}

// Lifetimes of invitation and reset links. The sign-in policy (growing
// delays instead of a lock) is in signin.go.
const (
	InviteTTL = 7 * 24 * time.Hour
	ResetTTL  = 24 * time.Hour
)

// NewUser is what creating a user needs.
type NewUser struct {
	OrgID int64
	// OrgName creates the organisation when it does not exist yet (the
	// command line uses it); ignored when OrgID is set.
	OrgName         string
	Email           string
	Name            string
	Roles           []auth.Role
	SupervisorID    int64
	SupervisorEmail string // alternative to SupervisorID, for the command line
	// Password is checked against the password rules and hashed. Leave it
	// empty for an invitation, or give PasswordHash (already hashed) instead.
	Password     string
	PasswordHash string
	// Track is the field the user works in, chosen at invitation ("both",
	// "mental-health", "addiction"), or "" to leave the choice for later:
	// a track is never assumed.
	Track string
}

const userColumns = `u.id, u.org_id, u.email, u.name, u.supervisor_id, COALESCE(s.name, ''), u.active,
	u.password_hash <> '', u.totp_secret <> '', u.locked_until, u.created_at, u.version, u.updated_at, COALESCE(u.person_id, 0), u.language`

const userFrom = ` FROM users u LEFT JOIN users s ON s.id = u.supervisor_id `

func scanUser(sc interface{ Scan(...any) error }) (User, error) {
	var u User
	var sup sql.NullInt64
	var locked, created, updated int64
	err := sc.Scan(&u.ID, &u.OrgID, &u.Email, &u.Name, &sup, &u.SupervisorName, &u.Active, &u.HasPassword, &u.TOTPEnabled, &locked, &created, &u.Version, &updated, &u.PersonID, &u.Language)
	u.SupervisorID, u.LockedUntil, u.CreatedAt, u.UpdatedAt = sup.Int64, fromMS(locked), fromMS(created), fromMS(updated)
	return u, err
}

// loadRoles fills in the roles of users, with one query for all of them.
func (s *Store) loadRoles(ctx context.Context, q querier, users []User) error {
	if len(users) == 0 {
		return nil
	}
	idx := map[int64][]int{}
	ids := make([]int64, len(users))
	for i, u := range users {
		idx[u.ID] = append(idx[u.ID], i)
		ids[i] = u.ID
	}
	ph, args := inList(ids, nil)
	rows, err := q.QueryContext(ctx, "SELECT user_id, role FROM user_roles WHERE user_id IN ("+ph+")", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var r string
		if err := rows.Scan(&id, &r); err != nil {
			return err
		}
		for _, i := range idx[id] {
			users[i].Roles = append(users[i].Roles, auth.Role(r))
		}
	}
	for i := range users {
		users[i].Roles = auth.SortRoles(users[i].Roles)
	}
	return rows.Err()
}

func (s *Store) userWhere(ctx context.Context, q querier, where string, args ...any) (User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, "SELECT "+userColumns+userFrom+"WHERE "+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, core.NotFound("The user")
	}
	if err != nil {
		return User{}, err
	}
	us := []User{u}
	err = s.loadRoles(ctx, q, us)
	return us[0], err
}

// User returns a user of the organisation.
func (s *Store) User(ctx context.Context, orgID, id int64) (User, error) {
	return s.userWhere(ctx, s.rdb, "u.id = $1 AND u.org_id = $2", id, orgID)
}

// UserByEmail finds a user of any organisation by email (for the command line).
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	return s.userWhere(ctx, s.rdb, "u.email = $1", normaliseEmail(email))
}

// HasUsers reports whether any user exists (if not, peerpath offers setup).
func (s *Store) HasUsers(ctx context.Context) (bool, error) {
	var n int
	err := s.rdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM users LIMIT 1) t").Scan(&n)
	return n > 0, err
}

// ListUsers lists the organisation's staff and volunteers by name; the
// portal accounts of people supported are not among them (portal.go).
func (s *Store) ListUsers(ctx context.Context, orgID int64, p Page) (List[User], error) {
	var afterName string
	var afterID int64
	has, err := decodeCursor(p.Cursor, &afterName, &afterID)
	if err != nil {
		return List[User]{}, err
	}
	limit := p.limit()
	q := "SELECT " + userColumns + userFrom + "WHERE u.org_id = $1 AND u.person_id IS NULL"
	args := []any{orgID}
	if has {
		q += " AND (u.name > $2 OR (u.name = $2 AND u.id > $3))"
		args = append(args, afterName, afterID)
	}
	q += fmt.Sprintf(" ORDER BY u.name, u.id LIMIT %d", limit+1)
	users, err := s.queryUsers(ctx, q, args...)
	if err != nil {
		return List[User]{}, err
	}
	users, more := trim(users, limit)
	if err := s.loadRoles(ctx, s.rdb, users); err != nil {
		return List[User]{}, err
	}
	res := List[User]{Items: users}
	if more {
		last := users[len(users)-1]
		res.Next = encodeCursor(last.Name, last.ID)
	}
	return res, nil
}

// Supervisees lists the active users whose supervisor is supervisorID.
func (s *Store) Supervisees(ctx context.Context, orgID, supervisorID int64) ([]User, error) {
	users, err := s.queryUsers(ctx, "SELECT "+userColumns+userFrom+"WHERE u.org_id = $1 AND u.supervisor_id = $2 AND u.active ORDER BY u.name, u.id", orgID, supervisorID)
	if err != nil {
		return nil, err
	}
	return users, s.loadRoles(ctx, s.rdb, users)
}

// UsersWithRole lists the organisation's active users holding role.
func (s *Store) UsersWithRole(ctx context.Context, orgID int64, role auth.Role) ([]User, error) {
	users, err := s.queryUsers(ctx, "SELECT "+userColumns+userFrom+
		"JOIN user_roles r ON r.user_id = u.id AND r.role = $2 WHERE u.org_id = $1 AND u.active ORDER BY u.name, u.id", orgID, string(role))
	if err != nil {
		return nil, err
	}
	return users, s.loadRoles(ctx, s.rdb, users)
}

func (s *Store) queryUsers(ctx context.Context, q string, args ...any) ([]User, error) {
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func normaliseEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

func validEmail(e string) bool {
	if e == "" || len(e) > 254 || strings.ContainsAny(e, " <>\"") {
		return false
	}
	addr, err := mail.ParseAddress(e)
	return err == nil && addr.Address == e && strings.Contains(e, "@")
}

func validateUser(in NewUser) map[string]string {
	f := map[string]string{}
	if !validEmail(in.Email) {
		f["email"] = "Enter an email address such as name@example.org."
	}
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		f["name"] = "Enter the person's name."
	case n > 200:
		f["name"] = "Use at most 200 characters."
	}
	if len(in.Roles) == 0 {
		f["roles"] = "Choose at least one role."
	}
	for _, r := range in.Roles {
		if !slices.Contains(auth.AllRoles, r) {
			f["roles"] = fmt.Sprintf("%q is not a role.", r)
		}
	}
	if in.Password != "" {
		if msg := auth.CheckNewPassword(in.Password, in.Email, in.Name); msg != "" {
			f["password"] = msg
		}
	}
	if in.Track != "" {
		if _, err := framework.ParseTrack(in.Track); err != nil {
			f["track"] = "Choose a track: both, mental-health or addiction, or leave it for later."
		}
	}
	return f
}

// CreateUser creates a user (and, given OrgName, the organisation if new).
func (s *Store) CreateUser(ctx context.Context, a Actor, in NewUser) (User, error) {
	in.Email, in.Name = normaliseEmail(in.Email), strings.TrimSpace(in.Name)
	in.Roles = auth.SortRoles(in.Roles)
	if err := core.Invalid(validateUser(in)); err != nil {
		return User{}, err
	}
	hash := in.PasswordHash
	if in.Password != "" {
		var err error
		if hash, err = auth.HashPassword(in.Password); err != nil {
			return User{}, err
		}
	}
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.createUser(ctx, tx, a, in, hash)
		return err
	})
	if err != nil {
		return User{}, err
	}
	return s.userWhere(ctx, s.rdb, "u.id = $1", id)
}

func (s *Store) createUser(ctx context.Context, tx *sql.Tx, a Actor, in NewUser, hash string) (int64, error) {
	if in.OrgID == 0 {
		o, err := s.orgByName(ctx, tx, in.OrgName)
		if core.KindOf(err) == core.KindNotFound {
			o, err = s.createOrganisation(ctx, tx, a, in.OrgName, false)
		}
		if err != nil {
			return 0, err
		}
		in.OrgID = o.ID
	}
	a.OrgID = in.OrgID
	if in.SupervisorEmail != "" {
		sup, err := s.userWhere(ctx, tx, "u.email = $1 AND u.org_id = $2", normaliseEmail(in.SupervisorEmail), in.OrgID)
		if err != nil {
			return 0, core.Invalid(map[string]string{"supervisor": fmt.Sprintf("No user with the email %s in this organisation.", in.SupervisorEmail)})
		}
		in.SupervisorID = sup.ID
	}
	if err := s.checkSupervisor(ctx, tx, in.OrgID, 0, in.SupervisorID); err != nil {
		return 0, err
	}
	// An address already used in this organisation is named as such; one
	// used by another organisation gets an answer that says nothing about
	// that organisation or its user.
	var owner int64
	switch err := tx.QueryRowContext(ctx, "SELECT org_id FROM users WHERE email = $1", in.Email).Scan(&owner); {
	case err == nil && owner == in.OrgID:
		return 0, &core.Error{Kind: core.KindConflict, Message: "A user of this organisation already has this email address.", Fields: map[string]string{"email": "A user of this organisation already has this email address."}}
	case err == nil:
		return 0, errEmailUnavailable()
	case !errors.Is(err, sql.ErrNoRows):
		return 0, err
	}
	now := s.now()
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO users (org_id, email, name, password_hash, supervisor_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, in.OrgID, in.Email, in.Name, hash, nullID(in.SupervisorID), ms(now)).Scan(&id)
	if isUniqueViolation(err) { // taken a moment ago: we cannot tell by whom without another query
		return 0, errEmailUnavailable()
	}
	if err != nil {
		return 0, err
	}
	if err := setRoles(ctx, tx, id, in.Roles); err != nil {
		return 0, err
	}
	if in.Track != "" {
		track, _ := framework.ParseTrack(in.Track) // checked by validateUser
		if _, err := tx.ExecContext(ctx, `INSERT INTO worker_profiles (user_id, org_id, track, updated_at) VALUES ($1, $2, $3, $4)`,
			id, in.OrgID, string(track), ms(now)); err != nil {
			return 0, err
		}
	}
	return id, s.record(ctx, tx, a, audit.ActionCreate, "user", id, "")
}

// errEmailUnavailable is the answer for an address peerpath cannot give to a
// new user of this organisation. It is the same whoever else uses it.
func errEmailUnavailable() error {
	return core.Invalid(map[string]string{"email": "peerpath cannot use this email address for a new user here. Ask the person for another address: each address signs in to one organisation only."})
}

// checkSupervisor refuses a supervisor who is not an active supervisor or
// administrator of the same organisation, or who is the user themselves.
func (s *Store) checkSupervisor(ctx context.Context, q querier, orgID, userID, supervisorID int64) error {
	if supervisorID == 0 {
		return nil
	}
	bad := core.Invalid(map[string]string{"supervisor": "The supervisor must be an active supervisor or administrator of this organisation."})
	if supervisorID == userID {
		return core.Invalid(map[string]string{"supervisor": "A user cannot be their own supervisor."})
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id
		WHERE u.id = $1 AND u.org_id = $2 AND u.active AND r.role IN `+rolesSupervising, supervisorID, orgID).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return bad
	}
	return nil
}

func setRoles(ctx context.Context, tx *sql.Tx, userID int64, roles []auth.Role) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM user_roles WHERE user_id = $1", userID); err != nil {
		return err
	}
	for _, r := range roles {
		if _, err := tx.ExecContext(ctx, "INSERT INTO user_roles (user_id, role) VALUES ($1, $2)", userID, string(r)); err != nil {
			return err
		}
	}
	return nil
}

// UserUpdate is what an administrator may change about a user.
type UserUpdate struct {
	Name         string
	Roles        []auth.Role
	SupervisorID int64
	// Version, when not 0, is the version of the user the administrator
	// started from: if another administrator has saved since, the save is
	// refused with a conflict that shows their change, as plans do.
	Version int
}

// UpdateUser changes a user's name, roles and supervisor.
func (s *Store) UpdateUser(ctx context.Context, a Actor, id int64, in UserUpdate) (User, error) {
	in.Name = strings.TrimSpace(in.Name)
	in.Roles = auth.SortRoles(in.Roles)
	f := validateUser(NewUser{Email: "x@x.x", Name: in.Name, Roles: in.Roles})
	if err := core.Invalid(f); err != nil {
		return User{}, err
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		before, err := s.userWhere(ctx, tx, "u.id = $1 AND u.org_id = $2", id, a.OrgID)
		if err != nil {
			return err
		}
		if err := s.checkSupervisor(ctx, tx, a.OrgID, id, in.SupervisorID); err != nil {
			return err
		}
		if administers(before.Roles) && !administers(in.Roles) {
			if err := s.keepAnAdmin(ctx, tx, a.OrgID, id); err != nil {
				return err
			}
		}
		// The version moves only if it is still the one the editor
		// started from: the check and the change are one statement, so
		// two saves at the same moment cannot both pass it.
		cond, args := "", []any{in.Name, nullID(in.SupervisorID), ms(s.now()), nullID(a.UserID), id, a.OrgID}
		if in.Version != 0 {
			cond, args = " AND version = $7", append(args, in.Version)
		}
		res, err := tx.ExecContext(ctx, "UPDATE users SET name = $1, supervisor_id = $2, updated_at = $3, updated_by = $4, version = version + 1 WHERE id = $5 AND org_id = $6"+cond, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return s.staleUser(ctx, tx, a.OrgID, id, in.Version)
		}
		if err := setRoles(ctx, tx, id, in.Roles); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, audit.ActionUpdate, "user", id, "profile"); err != nil {
			return err
		}
		return s.endSupervision(ctx, tx, a, before, in.Roles)
	})
	if err != nil {
		return User{}, err
	}
	return s.User(ctx, a.OrgID, id)
}

// endSupervision ends, in the caller's transaction, every right a user held
// as a supervisor once they hold neither role that may supervise: their
// supervisees are left without a supervisor, so the former supervisor no
// longer sees those workers' people, development records or groups, and can
// no longer sign off competencies. Each supervisee's change is audited.
func (s *Store) endSupervision(ctx context.Context, tx *sql.Tx, a Actor, before User, roles []auth.Role) error {
	if mayBeSupervisor(roles) || !mayBeSupervisor(before.Roles) {
		return nil
	}
	rows, err := tx.QueryContext(ctx, "SELECT id FROM users WHERE org_id = $1 AND supervisor_id = $2 ORDER BY id", a.OrgID, before.ID)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE users SET supervisor_id = NULL, updated_at = $1, version = version + 1 WHERE org_id = $2 AND supervisor_id = $3", ms(s.now()), a.OrgID, before.ID); err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.record(ctx, tx, a, audit.ActionUpdate, "user", id, "supervisor removed: their supervisor no longer holds a supervising role"); err != nil {
			return err
		}
	}
	s.forgetUsers(ids...)
	return nil
}

// staleUser is the conflict of a save of a user's details started from an
// older version: it says who saved since, when, and what the user's details
// are now, so the administrator sees the other change before replacing it.
func (s *Store) staleUser(ctx context.Context, tx *sql.Tx, orgID, id int64, base int) error {
	cur, err := s.userWhere(ctx, tx, "u.id = $1 AND u.org_id = $2", id, orgID)
	if err != nil {
		return err
	}
	var by string
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(b.name, '') FROM users u LEFT JOIN users b ON b.id = u.updated_by WHERE u.id = $1", id).Scan(&by); err != nil {
		return err
	}
	if by == "" {
		by = "Someone"
	}
	roles := make([]string, len(cur.Roles))
	for i, r := range cur.Roles {
		roles[i] = auth.RoleLabel(r)
	}
	sup := "none"
	if cur.SupervisorName != "" {
		sup = cur.SupervisorName
	}
	msg := fmt.Sprintf("%s saved changes to %s on %s, after you opened this page (version %d, you started from %d). Their version: name %q; roles: %s; supervisor: %s. What you chose is still in the form: save again to replace their changes, or change it first.",
		by, cur.Name, core.DateTime(cur.UpdatedAt), cur.Version, base, cur.Name, strings.Join(roles, ", "), sup)
	return &core.Error{Kind: core.KindConflict, Message: msg, Fields: map[string]string{"version": msg}}
}

// keepAnAdmin refuses a change that would leave the organisation without an
// active administrator, who alone can undo it.
//
// Two administrators may take each other's role away (or deactivate each
// other) at the same moment. On PostgreSQL, counting without a lock lets
// both transactions see the other administrator and both commit, leaving
// none. So the organisation's row is locked first: every change that takes
// an administrator away queues behind the others of the same organisation,
// and its count (a new statement, so a new snapshot under READ COMMITTED)
// sees what the one before it committed. SQLite's write transactions
// already run one at a time.
func (s *Store) keepAnAdmin(ctx context.Context, tx *sql.Tx, orgID, losing int64) error {
	var locked int64
	if err := tx.QueryRowContext(ctx, "SELECT id FROM organisations WHERE id = $1"+s.forUpdate(), orgID).Scan(&locked); err != nil {
		return err
	}
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'admin'
		WHERE u.org_id = $1 AND u.active AND u.id <> $2`, orgID, losing).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return core.Conflict("The organisation needs at least one active administrator. Make someone else an administrator first.")
	}
	return nil
}

// SetUserActive deactivates or reactivates a user. Deactivation ends their
// sessions and revokes their API tokens, so access ends at once.
func (s *Store) SetUserActive(ctx context.Context, a Actor, id int64, active bool) error {
	if id == a.UserID && !active {
		return core.Conflict("You cannot deactivate yourself. Ask another administrator.")
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		u, err := s.userWhere(ctx, tx, "u.id = $1 AND u.org_id = $2", id, a.OrgID)
		if err != nil {
			return err
		}
		if !active && administers(u.Roles) {
			if err := s.keepAnAdmin(ctx, tx, a.OrgID, id); err != nil {
				return err
			}
		}
		now := ms(s.now())
		if _, err := tx.ExecContext(ctx, "UPDATE users SET active = $1, updated_at = $2 WHERE id = $3 AND org_id = $4", active, now, id, a.OrgID); err != nil {
			return err
		}
		detail := "reactivated"
		if !active {
			detail = "deactivated"
			if err := endAccess(ctx, tx, id, now); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "user", id, detail)
	})
}

// Unlock lifts the sign-in delays of a user's account early, from every
// address.
func (s *Store) Unlock(ctx context.Context, a Actor, id int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		u, err := s.userWhere(ctx, tx, "u.id = $1 AND u.org_id = $2", id, a.OrgID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET locked_until = 0, failed_logins = 0, first_failed_at = 0 WHERE id = $1", id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM signin_throttle WHERE account = $1", accountKey(u.Email)); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "user", id, "unlocked")
	})
}

// SignOutEverywhere ends every session of a user of the actor's organisation
// and revokes their API tokens.
func (s *Store) SignOutEverywhere(ctx context.Context, a Actor, id int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.userWhere(ctx, tx, "u.id = $1 AND u.org_id = $2", id, a.OrgID); err != nil {
			return err
		}
		if err := endAccess(ctx, tx, id, ms(s.now())); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "user", id, "signed out everywhere; API tokens revoked")
	})
}

func idStringOrEmpty(id int64) string {
	if id == 0 {
		return ""
	}
	return idString(id)
}

// ChangePassword changes the actor's own password after checking the current
// one, ends all their sessions (the caller starts a fresh one) and revokes
// their API tokens.
func (s *Store) ChangePassword(ctx context.Context, a Actor, current, next string) error {
	var hash string
	if err := s.rdb.QueryRowContext(ctx, "SELECT password_hash FROM users WHERE id = $1 AND org_id = $2", a.UserID, a.OrgID).Scan(&hash); err != nil {
		return err
	}
	if !auth.CheckPassword(hash, current) {
		return core.Invalid(map[string]string{"current": "This is not your current password."})
	}
	u, err := s.User(ctx, a.OrgID, a.UserID)
	if err != nil {
		return err
	}
	return s.setPassword(ctx, a, u, next, "password changed")
}

// SetLanguage keeps the language the signed-in account chose for peerpath's
// pages: one of i18n.Languages, or "" for the default (a member of staff
// reads English; a person in their portal follows their record and their
// browser). Staff choose it in their settings, a person with the switcher
// at the foot of their portal. The change is audited, and the account's
// cached sessions forget the old language at once.
func (s *Store) SetLanguage(ctx context.Context, a Actor, lang string) error {
	lang = strings.TrimSpace(lang)
	if lang != "" && !slices.Contains(i18n.Languages, lang) {
		return core.Invalid(map[string]string{"language": "Choose one of the languages offered."})
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE users SET language = $1, updated_at = $2 WHERE id = $3 AND org_id = $4",
			lang, ms(s.now()), a.UserID, a.OrgID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return core.NotFound("The account")
		}
		detail := "language " + lang
		if lang == "" {
			detail = "language: the default"
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "user", a.UserID, detail)
	})
}

func (s *Store) setPassword(ctx context.Context, a Actor, u User, password, detail string, inTx ...func(*sql.Tx) error) error {
	if msg := auth.CheckNewPassword(password, u.Email, u.Name); msg != "" {
		return core.Invalid(map[string]string{"password": msg})
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, f := range inTx {
			if err := f(tx); err != nil {
				return err
			}
		}
		now := ms(s.now())
		if _, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = $1, failed_logins = 0, first_failed_at = 0, locked_until = 0, updated_at = $2 WHERE id = $3",
			hash, now, u.ID); err != nil {
			return err
		}
		if err := endAccess(ctx, tx, u.ID, now); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "user", u.ID, detail+"; sessions ended and API tokens revoked")
	})
}

// Purposes of one-time links.
const (
	LinkSetup  = "setup"
	LinkInvite = "invite"
	LinkReset  = "reset"
)

// CreateAccountLink makes a one-time link for a user of the actor's
// organisation to set their password: an invitation for a new user, or a reset
// for one who forgot it. Older open links of the user stop working.
func (s *Store) CreateAccountLink(ctx context.Context, a Actor, userID int64, purpose string) (string, error) {
	return s.createAccountLink(ctx, a, userID, purpose, nil)
}

// LinkTTL is how long a one-time link of the purpose works.
func LinkTTL(purpose string) time.Duration {
	if purpose == LinkInvite {
		return InviteTTL
	}
	return ResetTTL
}

// SendAccountLink makes a one-time link like CreateAccountLink and, in the
// same transaction, puts an email holding it in the outbox for the user;
// linkFor turns the token into the address to open. Nobody sees the link
// but the user. It returns the user the email goes to.
func (s *Store) SendAccountLink(ctx context.Context, a Actor, userID int64, purpose string, linkFor func(token string) string) (User, error) {
	var to User
	_, err := s.createAccountLink(ctx, a, userID, purpose, func(tx *sql.Tx, u User, token string, expires time.Time) error {
		to = u
		var org string
		if err := tx.QueryRowContext(ctx, "SELECT name FROM organisations WHERE id = $1", u.OrgID).Scan(&org); err != nil {
			return err
		}
		m := ppmail.Reset(u.Email, u.Name, org, linkFor(token), expires)
		if purpose == LinkInvite {
			m = ppmail.Invitation(u.Email, u.Name, org, linkFor(token), expires)
		}
		return s.enqueueMail(ctx, tx, u.OrgID, purpose, "", m)
	})
	return to, err
}

func (s *Store) createAccountLink(ctx context.Context, a Actor, userID int64, purpose string, then func(tx *sql.Tx, u User, token string, expires time.Time) error) (string, error) {
	ttl := LinkTTL(purpose)
	token := auth.NewToken("")
	err := s.tx(ctx, func(tx *sql.Tx) error {
		u, err := s.userWhere(ctx, tx, "u.id = $1 AND u.org_id = $2", userID, a.OrgID)
		if err != nil {
			return err
		}
		if !u.Active {
			return core.Conflict("This user is deactivated. Reactivate them first.")
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, "UPDATE one_time_tokens SET used_at = $1 WHERE user_id = $2 AND used_at = 0", ms(now), userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO one_time_tokens (purpose, token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
			purpose, auth.HashToken(token), userID, ms(now), ms(now.Add(ttl))); err != nil {
			return err
		}
		detail := purpose
		if then != nil {
			if err := then(tx, u, token, now.Add(ttl)); err != nil {
				return err
			}
			detail += ", sent by email"
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "account_link", userID, detail)
	})
	return token, err
}

// AccountLink returns the user an open invitation or reset link is for.
func (s *Store) AccountLink(ctx context.Context, token string) (User, string, error) {
	var userID int64
	var purpose string
	err := s.rdb.QueryRowContext(ctx, "SELECT user_id, purpose FROM one_time_tokens WHERE token_hash = $1 AND purpose IN ('invite', 'reset') AND used_at = 0 AND expires_at > $2",
		auth.HashToken(token), ms(s.now())).Scan(&userID, &purpose)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, "", core.NotFound("This link has been used or has expired. Ask an administrator for a new one. The link")
	}
	if err != nil {
		return User{}, "", err
	}
	u, err := s.userWhere(ctx, s.rdb, "u.id = $1 AND u.active", userID)
	return u, purpose, err
}

// UseAccountLink sets a password through an invitation or reset link; the
// link then stops working.
func (s *Store) UseAccountLink(ctx context.Context, token, password, ip string) (User, error) {
	u, purpose, err := s.AccountLink(ctx, token)
	if err != nil {
		return User{}, err
	}
	err = s.setPassword(ctx, u.Actor(ip), u, password, purpose+" link used", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE one_time_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at = 0", ms(s.now()), auth.HashToken(token))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return core.Conflict("This link has just been used.")
		}
		return nil
	})
	if err != nil {
		return User{}, err
	}
	return s.User(ctx, u.OrgID, u.ID)
}
