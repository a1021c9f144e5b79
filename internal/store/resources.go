package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/core"
)

// Kinds of resource in the directory.
var ResourceKinds = []string{"rlc", "rsc", "crisis", "housing", "benefits", "legal", "health", "peer_group", "food", "other"}

// Resource is an entry in the organisation's directory: somewhere people
// can be referred. The directory is shared by everyone in the organisation
// and holds nothing about people.
type Resource struct {
	ID          int64
	OrgID       int64
	Name        string
	Kind        string
	Address     string
	Phone       string
	Hours       string
	Languages   string
	Eligibility string
	Website     string
	VerifiedOn  string // when someone last checked the details, YYYY-MM-DD
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ResourceInput is a resource's details as a worker (or a CSV row) gives them.
type ResourceInput struct {
	Name, Kind, Address, Phone, Hours, Languages, Eligibility, Website, VerifiedOn string
}

func (s *Store) validateResource(in *ResourceInput) map[string]string {
	f := map[string]string{}
	for _, p := range []*string{&in.Name, &in.Kind, &in.Address, &in.Phone, &in.Hours, &in.Languages, &in.Eligibility, &in.Website, &in.VerifiedOn} {
		*p = strings.TrimSpace(*p)
	}
	in.Kind = strings.ToLower(in.Kind)
	if in.Name == "" {
		f["name"] = "Enter the resource's name."
	}
	tooLong(f, "name", in.Name, 200)
	if !contains(ResourceKinds, in.Kind) {
		f["kind"] = fmt.Sprintf("Choose a kind: %s.", strings.Join(ResourceKinds, ", "))
	}
	tooLong(f, "address", in.Address, 500)
	tooLong(f, "phone", in.Phone, 60)
	tooLong(f, "hours", in.Hours, 300)
	tooLong(f, "languages", in.Languages, 300)
	tooLong(f, "eligibility", in.Eligibility, 2000)
	if in.Website != "" && !strings.HasPrefix(in.Website, "https://") && !strings.HasPrefix(in.Website, "http://") {
		f["website"] = "Enter a web address starting with https://, or leave it empty."
	}
	tooLong(f, "website", in.Website, 500)
	if in.VerifiedOn != "" {
		switch {
		case !validDate(in.VerifiedOn):
			f["verified_on"] = "Enter the date the details were checked, such as 2026-11-23."
		case in.VerifiedOn > s.Today():
			f["verified_on"] = "The date the details were checked cannot be in the future."
		}
	}
	return f
}

const resourceColumns = `r.id, r.org_id, r.name, r.kind, r.address, r.phone, r.hours, r.languages, r.eligibility, r.website, r.verified_on, r.created_at, r.updated_at`

func scanResource(sc interface{ Scan(...any) error }) (Resource, error) {
	var r Resource
	var created, updated int64
	err := sc.Scan(&r.ID, &r.OrgID, &r.Name, &r.Kind, &r.Address, &r.Phone, &r.Hours, &r.Languages, &r.Eligibility, &r.Website, &r.VerifiedOn, &created, &updated)
	r.CreatedAt, r.UpdatedAt = fromMS(created), fromMS(updated)
	return r, err
}

var nameTaken = core.Invalid(map[string]string{"name": "A resource with this name is already in the directory. Change that one instead."})

func (s *Store) insertResource(ctx context.Context, tx *sql.Tx, a Actor, in ResourceInput) (int64, error) {
	now := ms(s.now())
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO resources (org_id, name, name_key, kind, address, phone, hours, languages, eligibility, website, verified_on, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
		a.OrgID, in.Name, searchKey(in.Name), in.Kind, in.Address, in.Phone, in.Hours, in.Languages, in.Eligibility, in.Website, in.VerifiedOn, now).Scan(&id)
	if isUniqueViolation(err) {
		return 0, nameTaken
	}
	if err != nil {
		return 0, err
	}
	return id, s.record(ctx, tx, a, audit.ActionCreate, "resource", id, "")
}

func (s *Store) updateResource(ctx context.Context, tx *sql.Tx, a Actor, id int64, in ResourceInput, detail string) error {
	res, err := tx.ExecContext(ctx, `UPDATE resources SET name = $1, name_key = $2, kind = $3, address = $4, phone = $5, hours = $6, languages = $7,
		eligibility = $8, website = $9, verified_on = $10, updated_at = $11 WHERE id = $12 AND org_id = $13`,
		in.Name, searchKey(in.Name), in.Kind, in.Address, in.Phone, in.Hours, in.Languages, in.Eligibility, in.Website, in.VerifiedOn, ms(s.now()), id, a.OrgID)
	if isUniqueViolation(err) {
		return nameTaken
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.NotFound("The resource")
	}
	return s.record(ctx, tx, a, audit.ActionUpdate, "resource", id, detail)
}

// CreateResource adds a resource to the organisation's directory.
func (s *Store) CreateResource(ctx context.Context, a Actor, in ResourceInput) (Resource, error) {
	if !a.worksWithPeople() {
		return Resource{}, core.Forbidden("Only peer workers, supervisors and administrators change the directory.")
	}
	if err := core.Invalid(s.validateResource(&in)); err != nil {
		return Resource{}, err
	}
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.insertResource(ctx, tx, a, in)
		return err
	})
	if err != nil {
		return Resource{}, err
	}
	return s.Resource(ctx, a, id)
}

// UpdateResource changes a resource of the organisation's directory.
func (s *Store) UpdateResource(ctx context.Context, a Actor, id int64, in ResourceInput) (Resource, error) {
	if !a.worksWithPeople() {
		return Resource{}, core.Forbidden("Only peer workers, supervisors and administrators change the directory.")
	}
	if err := core.Invalid(s.validateResource(&in)); err != nil {
		return Resource{}, err
	}
	err := s.tx(ctx, func(tx *sql.Tx) error { return s.updateResource(ctx, tx, a, id, in, "") })
	if err != nil {
		return Resource{}, err
	}
	return s.Resource(ctx, a, id)
}

// Resource returns a resource of the actor's organisation.
func (s *Store) Resource(ctx context.Context, a Actor, id int64) (Resource, error) {
	r, err := scanResource(s.rdb.QueryRowContext(ctx, "SELECT "+resourceColumns+" FROM resources r WHERE r.id = $1 AND r.org_id = $2", id, a.OrgID))
	if errors.Is(err, sql.ErrNoRows) {
		return Resource{}, core.NotFound("The resource")
	}
	return r, err
}

// ResourceFilter narrows the directory.
type ResourceFilter struct {
	Query string // part of the name, languages or address
	Kind  string
}

// ListResources lists the organisation's directory by name.
func (s *Store) ListResources(ctx context.Context, a Actor, f ResourceFilter, p Page) (List[Resource], error) {
	var afterKey string
	var afterID int64
	has, err := decodeCursor(p.Cursor, &afterKey, &afterID)
	if err != nil {
		return List[Resource]{}, err
	}
	q := "SELECT " + resourceColumns + ", r.name_key FROM resources r WHERE r.org_id = $1"
	args := []any{a.OrgID}
	if k := searchKey(f.Query); k != "" {
		args = append(args, "%"+escapeLike(k)+"%")
		n := len(args)
		q += fmt.Sprintf(` AND (r.name_key LIKE $%d ESCAPE '\' OR lower(r.languages) LIKE $%d ESCAPE '\' OR lower(r.address) LIKE $%d ESCAPE '\')`, n, n, n)
	}
	if f.Kind != "" {
		if !contains(ResourceKinds, f.Kind) {
			return List[Resource]{}, core.Malformed("kind", fmt.Sprintf("Use one of: %s.", strings.Join(ResourceKinds, ", ")))
		}
		args = append(args, f.Kind)
		q += fmt.Sprintf(" AND r.kind = $%d", len(args))
	}
	if has {
		args = append(args, afterKey, afterID)
		q += fmt.Sprintf(" AND (r.name_key > $%d OR (r.name_key = $%d AND r.id > $%d))", len(args)-1, len(args)-1, len(args))
	}
	limit := p.limit()
	q += fmt.Sprintf(" ORDER BY r.name_key, r.id LIMIT %d", limit+1)
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return List[Resource]{}, err
	}
	defer rows.Close()
	var out []Resource
	var keys []string
	for rows.Next() {
		var r Resource
		var created, updated int64
		var key string
		if err := rows.Scan(&r.ID, &r.OrgID, &r.Name, &r.Kind, &r.Address, &r.Phone, &r.Hours, &r.Languages, &r.Eligibility, &r.Website, &r.VerifiedOn, &created, &updated, &key); err != nil {
			return List[Resource]{}, err
		}
		r.CreatedAt, r.UpdatedAt = fromMS(created), fromMS(updated)
		out = append(out, r)
		keys = append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return List[Resource]{}, err
	}
	out, more := trim(out, limit)
	res := List[Resource]{Items: out}
	if more {
		res.Next = encodeCursor(keys[len(out)-1], out[len(out)-1].ID)
	}
	return res, nil
}

// ImportRow is one row of an imported directory; Line is its line in the
// file, for messages.
type ImportRow struct {
	Line int
	ResourceInput
}

// ImportResult says what an import did.
type ImportResult struct {
	Created, Updated int
}

// ImportResources adds or updates directory entries from a file's rows, all
// or nothing: a row whose name is already in the directory updates that
// entry; any other row adds one. When any row is wrong nothing is imported,
// and the error names every wrong row ("line 4": what is wrong).
func (s *Store) ImportResources(ctx context.Context, a Actor, rows []ImportRow) (ImportResult, error) {
	if !a.CanAssign() {
		return ImportResult{}, core.Forbidden("Only supervisors and administrators import the directory.")
	}
	if len(rows) == 0 {
		return ImportResult{}, core.Invalid(map[string]string{"file": "The file has no rows under its header."})
	}
	problems := map[string]string{}
	seen := map[string]int{}
	for i := range rows {
		r := &rows[i]
		line := fmt.Sprintf("line %d", r.Line)
		f := s.validateResource(&r.ResourceInput)
		if prev, dup := seen[searchKey(r.Name)]; dup && r.Name != "" {
			f["name"] = fmt.Sprintf("The same name is on line %d.", prev)
		}
		seen[searchKey(r.Name)] = r.Line
		if len(f) > 0 {
			keys := make([]string, 0, len(f))
			for k := range f {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var parts []string
			for _, k := range keys {
				parts = append(parts, k+": "+f[k])
			}
			problems[line] = strings.Join(parts, " ")
		}
	}
	if err := core.Invalid(problems); err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, r := range rows {
			var id int64
			err := tx.QueryRowContext(ctx, "SELECT id FROM resources WHERE org_id = $1 AND name_key = $2", a.OrgID, searchKey(r.Name)).Scan(&id)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				if _, err := s.insertResource(ctx, tx, a, r.ResourceInput); err != nil {
					return err
				}
				res.Created++
			case err != nil:
				return err
			default:
				if err := s.updateResource(ctx, tx, a, id, r.ResourceInput, "import"); err != nil {
					return err
				}
				res.Updated++
			}
		}
		return nil
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}
