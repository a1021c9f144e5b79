package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"peerpath/internal/audit"
	"peerpath/internal/core"
)

// HostCompany is a business that hosts company visits (ICAN): an
// organisation-wide directory that trainers and administrators share.
type HostCompany struct {
	ID           int64
	Name         string
	Industry     string
	ContactName  string
	ContactEmail string
	ContactPhone string
	Address      string
}

// HostCompanyInput is what a host company's form takes.
type HostCompanyInput = HostCompany

const hostCompanyColumns = `id, name, industry, contact_name, contact_email, contact_phone, address`

func scanHostCompany(sc interface{ Scan(...any) error }) (HostCompany, error) {
	var h HostCompany
	err := sc.Scan(&h.ID, &h.Name, &h.Industry, &h.ContactName, &h.ContactEmail, &h.ContactPhone, &h.Address)
	return h, err
}

// HostCompanies lists the organisation's host companies by name.
func (s *Store) HostCompanies(ctx context.Context, a Actor, p Page) (List[HostCompany], error) {
	if !canRunCohorts(a) {
		return List[HostCompany]{}, nil
	}
	var afterName string
	var afterID int64
	has, err := decodeCursor(p.Cursor, &afterName, &afterID)
	if err != nil {
		return List[HostCompany]{}, err
	}
	limit := p.limit()
	q := "SELECT " + hostCompanyColumns + " FROM host_companies WHERE org_id = $1"
	args := []any{a.OrgID}
	if has {
		q += " AND (name > $2 OR (name = $2 AND id > $3))"
		args = append(args, afterName, afterID)
	}
	q += fmt.Sprintf(" ORDER BY name, id LIMIT %d", limit+1)
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return List[HostCompany]{}, err
	}
	defer rows.Close()
	var out []HostCompany
	for rows.Next() {
		h, err := scanHostCompany(rows)
		if err != nil {
			return List[HostCompany]{}, err
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return List[HostCompany]{}, err
	}
	out, more := trim(out, limit)
	res := List[HostCompany]{Items: out}
	if more {
		res.Next = encodeCursor(out[len(out)-1].Name, out[len(out)-1].ID)
	}
	return res, nil
}

// HostCompany returns one of the organisation's host companies.
func (s *Store) HostCompany(ctx context.Context, a Actor, id int64) (HostCompany, error) {
	return s.hostCompany(ctx, s.rdb, a, id)
}

func (s *Store) hostCompany(ctx context.Context, q querier, a Actor, id int64) (HostCompany, error) {
	if !canRunCohorts(a) {
		return HostCompany{}, core.NotFound("The host company")
	}
	h, err := scanHostCompany(q.QueryRowContext(ctx, "SELECT "+hostCompanyColumns+" FROM host_companies WHERE id = $1 AND org_id = $2", id, a.OrgID))
	if errors.Is(err, sql.ErrNoRows) {
		return HostCompany{}, core.NotFound("The host company")
	}
	return h, err
}

func validateHostCompany(in *HostCompanyInput) map[string]string {
	for _, p := range []*string{&in.Name, &in.Industry, &in.ContactName, &in.ContactEmail, &in.ContactPhone, &in.Address} {
		*p = strings.TrimSpace(*p)
	}
	in.ContactEmail = normaliseEmail(in.ContactEmail)
	f := map[string]string{}
	checkText(f, "name", in.Name, 200, "Enter the company's name.")
	checkText(f, "industry", in.Industry, 200, "")
	checkText(f, "contact_name", in.ContactName, 200, "")
	checkText(f, "contact_phone", in.ContactPhone, 50, "")
	checkText(f, "address", in.Address, 500, "")
	if in.ContactEmail != "" && !validEmail(in.ContactEmail) {
		f["contact_email"] = "Enter an email address such as name@example.org, or leave it empty."
	}
	return f
}

// SaveHostCompany creates (id 0) or updates a host company.
func (s *Store) SaveHostCompany(ctx context.Context, a Actor, id int64, in HostCompanyInput) (HostCompany, error) {
	if !canRunCohorts(a) {
		return HostCompany{}, core.Forbidden("Only trainers and administrators keep the host company directory.")
	}
	if err := core.Invalid(validateHostCompany(&in)); err != nil {
		return HostCompany{}, err
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		now := ms(s.now())
		var err error
		action := audit.ActionCreate
		if id == 0 {
			err = tx.QueryRowContext(ctx, `INSERT INTO host_companies (org_id, name, industry, contact_name, contact_email, contact_phone, address, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`, a.OrgID, in.Name, in.Industry, in.ContactName, in.ContactEmail, in.ContactPhone, in.Address, now).Scan(&id)
		} else {
			action = audit.ActionUpdate
			if _, err = s.hostCompany(ctx, tx, a, id); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE host_companies SET name = $1, industry = $2, contact_name = $3, contact_email = $4, contact_phone = $5, address = $6, updated_at = $7
				WHERE id = $8 AND org_id = $9`, in.Name, in.Industry, in.ContactName, in.ContactEmail, in.ContactPhone, in.Address, now, id, a.OrgID)
		}
		if isUniqueViolation(err) {
			return core.Invalid(map[string]string{"name": "A host company with this name is already in the directory."})
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, action, "host_company", id, "")
	})
	if err != nil {
		return HostCompany{}, err
	}
	return s.HostCompany(ctx, a, id)
}

// HostCompanyByName finds a host company by name, ignoring case.
func (s *Store) HostCompanyByName(ctx context.Context, a Actor, name string) (HostCompany, error) {
	h, err := scanHostCompany(s.rdb.QueryRowContext(ctx, "SELECT "+hostCompanyColumns+" FROM host_companies WHERE org_id = $1 AND lower(name) = lower($2)", a.OrgID, strings.TrimSpace(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return HostCompany{}, core.NotFound("The host company")
	}
	return h, err
}
