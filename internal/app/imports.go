package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/spreadsheet"
	"peerpath/internal/store"
)

// Moving in (issue 19): `peerpath import KIND --from FILE --org ORG`
// brings people, contacts, goals or resources in from a CSV or .xlsx file,
// as the admin page does (docs/import.md).

// mapFlags collects repeated --map COLUMN=FIELD flags.
type mapFlags map[string]string

func (m mapFlags) String() string { return "" }

func (m mapFlags) Set(v string) error {
	col, field, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(col) == "" {
		return fmt.Errorf("write --map COLUMN=FIELD (FIELD empty to leave the column out), not %q", v)
	}
	m[strings.TrimSpace(col)] = strings.TrimSpace(field)
	return nil
}

// maxImportFile bounds the file read: tens of thousands of rows fit.
const maxImportFile = 20 << 20

func importCmd(ctx context.Context, args []string, io stdio, getenv env) error {
	kinds := strings.Join(store.ImportKinds, "|")
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "--help" {
		return usagef("say what the file holds first: peerpath import %s --from FILE --org ORG", kinds)
	}
	kind := args[0]
	if kind == "-h" || kind == "--help" {
		kind, args = "", args[:1]
	} else {
		args = args[1:]
	}
	var cfg Config
	var from, org, as string
	var dryRun bool
	mapping := mapFlags{}
	fs := flags("import "+kinds, io)
	dbFlags(fs, &cfg, getenv)
	fs.StringVar(&from, "from", "", "the CSV (UTF-8) or Excel .xlsx file to import (required)")
	fs.StringVar(&org, "org", "", "the organisation's name (required)")
	fs.StringVar(&as, "as", "", "email of the administrator the import is recorded as; default: the organisation's first administrator by name")
	fs.Var(mapping, "map", "COLUMN=FIELD: the field a column goes to, repeatable; COLUMN= leaves a column out; columns not named are mapped by their names")
	fs.BoolVar(&dryRun, "dry-run", false, "check the file and show the first rows as they would be saved, and save nothing")
	if err := parse(fs, args); err != nil {
		return err
	}
	if store.ImportFields(kind) == nil {
		return usagef("the kind must be one of %s, not %q", strings.Join(store.ImportKinds, ", "), kind)
	}
	if from == "" || org == "" {
		return usagef("both --from and --org are required")
	}
	data, err := readImportFile(from)
	if err != nil {
		return err
	}
	table, err := spreadsheet.Read(filepath.Base(from), data)
	var probs spreadsheet.Problems
	if errors.As(err, &probs) {
		fmt.Fprintf(io.err, "%s cannot be read; nothing was imported:\n", from)
		for _, p := range probs {
			fmt.Fprintf(io.err, "  line %d: %s\n", p.Line, p.Message)
		}
		return errExit1
	}
	if err != nil {
		return err
	}
	s, err := open(ctx, cfg, core.SystemClock{}, false)
	if err != nil {
		return err
	}
	defer s.Close()
	a, err := importActor(ctx, s, org, as)
	if err != nil {
		return err
	}
	// The store reports steps: each row is checked, then saved.
	last := -1
	progress := func(done, total int) {
		pct := done * 100 / max(total, 1)
		if pct/10 == last/10 && done != total {
			return
		}
		last = pct
		rows := total / 2
		if dryRun {
			rows = total
		}
		if done <= rows {
			fmt.Fprintf(io.err, "progress: %d%% (checked %d of %d rows)\n", pct, done, rows)
		} else {
			fmt.Fprintf(io.err, "progress: %d%% (saved %d of %d rows)\n", pct, done-rows, rows)
		}
	}
	rep, err := s.ImportRecords(ctx, a, store.ImportInput{Kind: kind, Table: table, Mapping: mapping, DryRun: dryRun, Progress: progress})
	for _, c := range rep.Columns {
		field := c.Field
		if field == "" {
			field = "(left out)"
		}
		fmt.Fprintf(io.err, "column %q → %s\n", c.Column, field)
	}
	if len(rep.Problems) > 0 {
		fmt.Fprintf(io.err, "%s: nothing was imported. Correct these lines and run the command again:\n", from)
		for _, p := range rep.Problems {
			col := ""
			if p.Column != "" {
				col = fmt.Sprintf(", column %q", p.Column)
			}
			fmt.Fprintf(io.err, "  line %d%s: %s\n", p.Line, col, p.Message)
		}
		return errExit1
	}
	if err != nil {
		return describe(err)
	}
	if dryRun {
		fmt.Fprintf(io.out, "dry run of %s (sha256 %s): %d rows; %d would be added, %d were imported before and would be skipped. Nothing was saved.\n",
			from, rep.Checksum, rep.Rows, rep.Created, rep.Skipped)
		for _, p := range rep.Preview {
			var vals []string
			for _, v := range p.Values {
				vals = append(vals, v.Label+": "+v.Value)
			}
			skip := ""
			if p.Skip {
				skip = " (imported before: skipped)"
			}
			fmt.Fprintf(io.out, "  line %d%s: %s\n", p.Line, skip, strings.Join(vals, "; "))
		}
		return nil
	}
	fmt.Fprintf(io.out, "imported %s (sha256 %s) as import batch %d: %d %s added, %d imported before and skipped\n",
		from, rep.Checksum, rep.BatchID, rep.Created, kind, rep.Skipped)
	return nil
}

func readImportFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > maxImportFile {
		return nil, fmt.Errorf("%s is larger than %d MB: split it into smaller files", path, maxImportFile>>20)
	}
	return os.ReadFile(path)
}

// importActor is the administrator of organisation org the import is
// recorded as: the one with email as, or the first by name.
func importActor(ctx context.Context, s *store.Store, org, as string) (store.Actor, error) {
	o, err := s.OrganisationByName(ctx, org)
	if err != nil {
		return store.Actor{}, fmt.Errorf("no organisation called %q", org)
	}
	admins, err := s.UsersWithRole(ctx, o.ID, auth.RoleAdmin)
	if err != nil {
		return store.Actor{}, err
	}
	if len(admins) == 0 {
		return store.Actor{}, fmt.Errorf("%q has no active administrator to record the import as; add one with peerpath user add", org)
	}
	if as == "" {
		return admins[0].Actor("local"), nil
	}
	i := slices.IndexFunc(admins, func(u store.User) bool { return strings.EqualFold(u.Email, strings.TrimSpace(as)) })
	if i < 0 {
		return store.Actor{}, fmt.Errorf("%s is not an active administrator of %q", as, org)
	}
	return admins[i].Actor("local"), nil
}
