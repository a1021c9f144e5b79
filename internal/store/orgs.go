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

// Organisation is a peer-run organisation or provider using peerpath. Every
// record about a person or a worker belongs to exactly one.
type Organisation struct {
	ID              int64
	Name            string
	IsDemo          bool
	RequireAdminMFA bool // administrators must use a second factor
	// RequirePeopleMFA asks a second factor of everyone who sees records
	// about people (peer workers, supervisors and administrators).
	RequirePeopleMFA bool
	CreatedAt        time.Time
}

// SecondFactorRequired reports whether the organisation asks a user holding
// roles to use a second factor before they reach anything else.
func (o Organisation) SecondFactorRequired(roles []auth.Role) bool {
	return (o.RequireAdminMFA && administers(roles)) ||
		(o.RequirePeopleMFA && auth.Allows(roles, auth.PermPeople))
}

const orgColumns = "o.id, o.name, o.is_demo, o.require_admin_mfa, o.require_people_mfa, o.created_at"

func validateOrgName(name string) string {
	switch n := utf8.RuneCountInString(strings.TrimSpace(name)); {
	case n == 0:
		return "Enter the organisation's name."
	case n > 200:
		return "Use at most 200 characters."
	}
	return ""
}

func (s *Store) createOrganisation(ctx context.Context, tx *sql.Tx, a Actor, name string, demo bool) (Organisation, error) {
	name = strings.TrimSpace(name)
	if msg := validateOrgName(name); msg != "" {
		return Organisation{}, core.Invalid(map[string]string{"org": msg})
	}
	o := Organisation{Name: name, IsDemo: demo, CreatedAt: s.now()}
	err := tx.QueryRowContext(ctx, "INSERT INTO organisations (name, is_demo, created_at) VALUES ($1, $2, $3) RETURNING id",
		o.Name, o.IsDemo, ms(o.CreatedAt)).Scan(&o.ID)
	if isUniqueViolation(err) {
		return Organisation{}, core.Conflict("An organisation with this name already exists.")
	}
	if err != nil {
		return Organisation{}, err
	}
	a.OrgID = o.ID
	return o, s.record(ctx, tx, a, audit.ActionCreate, "organisation", o.ID, "")
}

func (s *Store) orgByName(ctx context.Context, q querier, name string) (Organisation, error) {
	return scanOrg(q.QueryRowContext(ctx, "SELECT "+orgColumns+" FROM organisations o WHERE lower(o.name) = lower($1)", strings.TrimSpace(name)))
}

// Organisation returns one organisation.
func (s *Store) Organisation(ctx context.Context, id int64) (Organisation, error) {
	return scanOrg(s.rdb.QueryRowContext(ctx, "SELECT "+orgColumns+" FROM organisations o WHERE o.id = $1", id))
}

// OrganisationByName finds an organisation by its name, ignoring case.
func (s *Store) OrganisationByName(ctx context.Context, name string) (Organisation, error) {
	return s.orgByName(ctx, s.rdb, name)
}

func scanOrg(row *sql.Row) (Organisation, error) {
	var o Organisation
	var created int64
	err := row.Scan(&o.ID, &o.Name, &o.IsDemo, &o.RequireAdminMFA, &o.RequirePeopleMFA, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return o, core.NotFound("The organisation")
	}
	o.CreatedAt = fromMS(created)
	return o, err
}

// OrgSettings are the settings an administrator changes.
type OrgSettings struct {
	Name             string
	RequireAdminMFA  bool
	RequirePeopleMFA bool
}

// UpdateOrgSettings changes the actor's organisation's settings.
func (s *Store) UpdateOrgSettings(ctx context.Context, a Actor, in OrgSettings) (Organisation, error) {
	in.Name = strings.TrimSpace(in.Name)
	if msg := validateOrgName(in.Name); msg != "" {
		return Organisation{}, core.Invalid(map[string]string{"name": msg})
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE organisations SET name = $1, require_admin_mfa = $2, require_people_mfa = $3 WHERE id = $4",
			in.Name, in.RequireAdminMFA, in.RequirePeopleMFA, a.OrgID)
		if isUniqueViolation(err) {
			return core.Invalid(map[string]string{"name": "Another organisation already uses this name."})
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "organisation", a.OrgID, "settings")
	})
	if err != nil {
		return Organisation{}, err
	}
	return s.Organisation(ctx, a.OrgID)
}

// EnsureOrganisation returns the organisation called name, creating it (as a
// demo organisation when demo is set) if it does not exist.
func (s *Store) EnsureOrganisation(ctx context.Context, a Actor, name string, demo bool) (Organisation, bool, error) {
	o, err := s.OrganisationByName(ctx, name)
	if err == nil {
		return o, false, nil
	}
	if core.KindOf(err) != core.KindNotFound {
		return o, false, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		o, err = s.createOrganisation(ctx, tx, a, name, demo)
		return err
	})
	return o, err == nil, err
}
