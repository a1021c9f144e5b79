package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"peerpath/internal/audit"
	"peerpath/internal/core"
	"peerpath/internal/spreadsheet"
)

// This file brings in the records an organisation already keeps in
// spreadsheets (issue 19, "moving in"): people, contacts, goals and
// directory resources, from a file internal/spreadsheet has read. Each row goes
// through the validation and the inserts the forms use (validatePerson,
// insertPerson, validateContact, insertContact, validateGoal, insertGoal,
// validateResource, insertResource), so an imported record is what the
// application would have written. The import is one transaction: when any
// row is wrong, nothing is saved, and every wrong row is reported with its
// line and column.
//
// Running the same file again adds nothing twice. Each record created keeps
// its id in the file (import_sources, unique per organisation and kind);
// a row whose id was imported before is skipped and the record left as it
// is now (someone may have changed it since). A file without an id column
// gets a digest of each row's mapped values as its id, so an unchanged row
// is skipped on a second run; a changed row is then a new record.

// Kinds of record an import brings in.
const (
	ImportPeople    = "people"
	ImportContacts  = "contacts"
	ImportGoals     = "goals"
	ImportResources = "resources"
)

// ImportKinds lists them in the order the interface offers them.
var ImportKinds = []string{ImportPeople, ImportContacts, ImportGoals, ImportResources}

// ImportField is a field a column of the file can be mapped to.
type ImportField struct {
	Name     string // as --map COLUMN=FIELD and the mapping form name it
	Label    string
	Required bool
	Hint     string
	aliases  []string // column names suggested for it, besides its name and label
}

var sourceField = ImportField{Name: "source_id", Label: "Id in your spreadsheet",
	Hint: "Any id your spreadsheet gives the row. Running the file again skips the ids already imported.", aliases: []string{"id", "record id", "row id"}}

var personRefFields = []ImportField{
	{Name: "person_source_id", Label: "Person's id in your people file", Hint: "The id column of the people file imported before.", aliases: []string{"person", "person source id", "person ref"}},
	{Name: "person_id", Label: "Person's peerpath id", Hint: "The number in the person's peerpath address, for someone added in peerpath.", aliases: []string{"peerpath id", "peerpath person id"}},
}

var importFields = map[string][]ImportField{
	ImportPeople: {
		sourceField,
		{Name: "preferred_name", Label: "Preferred name", Required: true, aliases: []string{"name", "first name", "known as", "called"}},
		{Name: "legal_name", Label: "Legal name", aliases: []string{"full name"}},
		{Name: "pronouns", Label: "Pronouns"},
		{Name: "date_of_birth", Label: "Date of birth", Hint: "Such as 1984-06-30 or 6/30/1984.", aliases: []string{"dob", "birth date", "birthday", "born on"}},
		{Name: "preferred_language", Label: "Preferred language", aliases: []string{"language"}},
		{Name: "phone", Label: "Phone", aliases: []string{"phone number", "telephone", "mobile", "cell"}},
		{Name: "email", Label: "Email", aliases: []string{"email address", "e mail"}},
		{Name: "mailing_address", Label: "Mailing address", aliases: []string{"address"}},
		{Name: "okay_to_contact", Label: "Okay to contact by", Hint: "Any of phone_call, voicemail, text, email, mail, separated by ; or |.", aliases: []string{"okay to contact", "ok to contact", "contact by"}},
		{Name: "programmes", Label: "Programmes", Hint: "Separated by ; or |.", aliases: []string{"programs", "program", "programme"}},
		{Name: "check_in_every_days", Label: "Check in every (days)", Hint: "1 to 90; 7 when empty.", aliases: []string{"check in days", "check in every"}},
		{Name: "supported_since", Label: "Supported since", Hint: "The day support began; today when empty.", aliases: []string{"start date", "intake date", "since"}},
		{Name: "worker_emails", Label: "Workers' emails", Required: true, Hint: "The email of each peer worker, supervisor or administrator supporting the person, separated by ; or |.",
			aliases: []string{"worker", "worker email", "workers", "peer worker", "peer worker email", "assigned to"}},
	},
	ImportContacts: append(append([]ImportField{sourceField}, personRefFields...),
		ImportField{Name: "occurred_at", Label: "When", Required: true, Hint: "A date, with a time if known: 2026-11-23 14:30 or 11/23/2026 2:30 PM.", aliases: []string{"date", "when", "contact date", "occurred", "date and time"}},
		ImportField{Name: "duration_minutes", Label: "Minutes", Hint: "30 when empty.", aliases: []string{"duration", "minutes", "length"}},
		ImportField{Name: "format", Label: "Format", Hint: "individual or group."},
		ImportField{Name: "mode", Label: "How", Hint: "in_person, phone, text or video; in_person when empty.", aliases: []string{"how", "contact mode"}},
		ImportField{Name: "kind", Label: "Kind of contact", Hint: "check_in, one_to_one, advocacy, crisis, resource_linkage, outreach, accompaniment; check_in when empty.", aliases: []string{"type", "contact type", "kind of contact"}},
		ImportField{Name: "participants", Label: "Who else took part", aliases: []string{"others", "with"}},
		ImportField{Name: "note", Label: "Note", aliases: []string{"notes"}},
	),
	ImportGoals: append(append([]ImportField{sourceField}, personRefFields...),
		ImportField{Name: "text", Label: "Goal", Required: true, Hint: "In the person's own words.", aliases: []string{"goal"}},
		ImportField{Name: "life_area", Label: "Life area", Required: true, Hint: "health, home, purpose or community.", aliases: []string{"area"}},
		ImportField{Name: "steps", Label: "Steps", aliases: []string{"next steps"}},
		ImportField{Name: "target_date", Label: "Target date", aliases: []string{"target", "target on"}},
	),
	ImportResources: {
		sourceField,
		{Name: "name", Label: "Name", Required: true},
		{Name: "kind", Label: "Kind", Required: true, Hint: strings.Join(ResourceKinds, ", ") + ".", aliases: []string{"type", "category"}},
		{Name: "address", Label: "Address"},
		{Name: "phone", Label: "Phone", aliases: []string{"phone number", "telephone"}},
		{Name: "hours", Label: "Hours", aliases: []string{"opening hours"}},
		{Name: "languages", Label: "Languages"},
		{Name: "eligibility", Label: "Who it is for", aliases: []string{"who it is for"}},
		{Name: "website", Label: "Website", aliases: []string{"url", "web", "web site"}},
		{Name: "verified_on", Label: "Details checked on", aliases: []string{"verified", "checked on", "last checked"}},
	},
}

// ImportFields lists the fields a file of kind can fill (nil for a kind
// that is not one).
func ImportFields(kind string) []ImportField { return importFields[kind] }

// ImportColumn is a column of the file and the field it goes to ("" when
// its values are left out).
type ImportColumn struct {
	Column string
	Field  string
}

// ImportProblem is one reason nothing was imported: the line of the file
// (1 is the header), the column (its name in the file, or the field when the
// file has no column for it) and what to change.
type ImportProblem struct {
	Line    int
	Column  string
	Message string
}

// ImportValue is one value of a preview row, as it will be saved.
type ImportValue struct {
	Label, Value string
}

// ImportPreview is a row as it will be saved, or marked as already imported.
type ImportPreview struct {
	Line     int
	SourceID string
	Skip     bool // imported before: left as it is
	Values   []ImportValue
}

// ImportInput is what an import takes: the kind, the file as read, and
// the mapping of its columns to fields. A column not in Mapping goes to the
// field SuggestImportMapping suggests; a column mapped to "" is left out.
type ImportInput struct {
	Kind     string
	Table    spreadsheet.Table
	Mapping  map[string]string
	DryRun   bool                  // check and preview everything, save nothing
	Progress func(done, total int) // called as rows are checked and saved (twice per row in all)
	Preview  int                   // rows to preview; 10 when 0
	onSaved  func() error          // tests: runs after the rows are written, before commit
}

// ImportReport says what an import did, or would do in a dry run.
type ImportReport struct {
	Kind     string
	BatchID  int64 // 0 in a dry run and when nothing was saved
	Checksum string
	Columns  []ImportColumn
	Rows     int
	Created  int
	Skipped  int // imported before, left as they are
	DryRun   bool
	Preview  []ImportPreview
	Problems []ImportProblem
}

// importKey is a column name or field reduced to lower-case words joined
// by "_", so "Date of birth", "date-of-birth" and "DATE_OF_BIRTH" match.
func importKey(s string) string {
	var b strings.Builder
	gap := false
	for _, r := range searchKey(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			gap = false
		} else {
			gap = true
		}
	}
	return b.String()
}

// SuggestImportMapping maps each column of header whose name is a field's
// name, label or a usual name for it to that field, each field once.
func SuggestImportMapping(kind string, header []string) map[string]string {
	out := map[string]string{}
	used := map[string]bool{}
	for _, col := range header {
		k := importKey(col)
		for _, f := range importFields[kind] {
			if used[f.Name] {
				continue
			}
			names := append([]string{f.Name, f.Label}, f.aliases...)
			if slices.ContainsFunc(names, func(n string) bool { return importKey(n) == k }) {
				out[col], used[f.Name] = f.Name, true
				break
			}
		}
	}
	return out
}

// importColumns works out each column's field: the suggestion, changed by
// the mapping given. A mapping that names no column of the file or no
// field, two columns for one field, and a required field without a column
// are problems on line 1.
func importColumns(kind string, header []string, mapping map[string]string) ([]ImportColumn, []ImportProblem) {
	var probs []ImportProblem
	fields := importFields[kind]
	sugg := SuggestImportMapping(kind, header)
	seenCol := map[string]bool{}
	cols := make([]ImportColumn, len(header))
	for i, h := range header {
		if h == "" {
			h = fmt.Sprintf("column %d", i+1)
			header[i] = h
		}
		if seenCol[h] {
			probs = append(probs, ImportProblem{1, h, "Two columns have this name. Rename one of them."})
		}
		seenCol[h] = true
		f, given := mapping[h]
		if !given {
			f = sugg[h]
		}
		cols[i] = ImportColumn{Column: h, Field: strings.TrimSpace(f)}
	}
	for col, f := range mapping {
		if !seenCol[col] {
			probs = append(probs, ImportProblem{1, col, "The file has no column with this name. Its columns are: " + strings.Join(header, ", ") + "."})
		}
		if f != "" && !slices.ContainsFunc(fields, func(x ImportField) bool { return x.Name == strings.TrimSpace(f) }) {
			probs = append(probs, ImportProblem{1, col, fmt.Sprintf("%q is not a field of a %s file. Use one of: %s.", f, kind, strings.Join(fieldNames(fields), ", "))})
		}
	}
	byField := map[string]string{}
	for _, c := range cols {
		if c.Field == "" {
			continue
		}
		if prev, twice := byField[c.Field]; twice {
			probs = append(probs, ImportProblem{1, c.Column, fmt.Sprintf("This column and %q both go to %s. Leave one of them out.", prev, c.Field)})
		}
		byField[c.Field] = c.Column
	}
	for _, f := range fields {
		if f.Required && byField[f.Name] == "" {
			probs = append(probs, ImportProblem{1, f.Label, fmt.Sprintf("The file has no column for %s (%s). Add the column, or choose which column holds it.", strings.ToLower(f.Label), f.Name)})
		}
	}
	if (kind == ImportContacts || kind == ImportGoals) && byField["person_source_id"] == "" && byField["person_id"] == "" {
		probs = append(probs, ImportProblem{1, "person_source_id", "The file has no column naming the person. Add the person's id from your people file (person_source_id) or their peerpath id (person_id)."})
	}
	slices.SortStableFunc(probs, func(a, b ImportProblem) int { return strings.Compare(a.Column, b.Column) })
	return cols, probs
}

func fieldNames(fs []ImportField) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

// importRow is one row being imported, its values by field.
type importRow struct {
	line     int
	sourceID string
	vals     map[string]string
	skip     bool
	record   any // Person, ContactInput, GoalInput or ResourceInput, as validated
	workers  []int64
	since    string // people: supported since, as given (validated by supportedSince)
	personID int64  // contacts and goals
}

// errDryRun ends a dry run's transaction, so nothing it wrote stays.
var errDryRun = errors.New("dry run")

// errImportProblems ends an import with problems; they are in the report.
var errImportProblems = errors.New("import problems")

type importBatchKey struct{}

// importBatchFrom is the batch whose records are being written, for their
// audit entries ("imported: batch N").
func importBatchFrom(ctx context.Context) int64 {
	id, _ := ctx.Value(importBatchKey{}).(int64)
	return id
}

// ImportRecords imports a file's rows as records of its kind into the
// actor's organisation, all or nothing (see the top of this file). With
// problems it returns them in the report and a core.Invalid error, and
// saves nothing. Only administrators import.
func (s *Store) ImportRecords(ctx context.Context, a Actor, in ImportInput) (ImportReport, error) {
	rep := ImportReport{Kind: in.Kind, Checksum: in.Table.Checksum, Rows: len(in.Table.Rows), DryRun: in.DryRun}
	if !a.MayImportRecords() {
		return rep, core.Forbidden("Only an administrator of the organisation imports records.")
	}
	if importFields[in.Kind] == nil {
		return rep, core.Invalid(map[string]string{"kind": fmt.Sprintf("Choose what the file holds: %s.", strings.Join(ImportKinds, ", "))})
	}
	cols, probs := importColumns(in.Kind, slices.Clone(in.Table.Header), in.Mapping)
	rep.Columns = cols
	if len(in.Table.Rows) == 0 {
		probs = append(probs, ImportProblem{1, "", "The file has no rows under its header."})
	}
	if len(probs) > 0 {
		rep.Problems = probs
		return rep, importFailed(probs)
	}
	if in.Preview == 0 {
		in.Preview = 10
	}
	total := 2 * len(in.Table.Rows) // each row is checked, then saved
	if in.DryRun {
		total = len(in.Table.Rows)
	}
	progress := func(done int) {
		if in.Progress != nil && (done%50 == 0 || done == total) {
			in.Progress(done, total)
		}
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		im := importer{s: s, a: a, tx: tx, kind: in.Kind, cols: cols}
		rows := im.read(in.Table.Rows, progress)
		if err := im.resolve(ctx, rows); err != nil {
			return err
		}
		rep.Preview = im.preview(rows, in.Preview)
		if len(im.probs) > 0 {
			rep.Problems = im.probs
			return errImportProblems
		}
		for _, r := range rows {
			if r.skip {
				rep.Skipped++
			}
		}
		rep.Created = len(rows) - rep.Skipped
		if in.DryRun {
			// Every check is done; what is left is writing, which the
			// checks leave nothing to refuse (resource names, workers and
			// people are resolved above, an open goal cycle is found or
			// started). Writing and rolling back would only take as long
			// as the import itself.
			progress(total)
			return errDryRun
		}
		var err error
		if rep.BatchID, err = im.save(ctx, rows, in.Table, rep, func(i int) { progress(len(rows) + i) }); err != nil {
			return err
		}
		if in.onSaved != nil {
			if err := in.onSaved(); err != nil {
				return err
			}
		}
		return nil
	})
	switch {
	case errors.Is(err, errDryRun):
		rep.BatchID = 0
		return rep, nil
	case errors.Is(err, errImportProblems):
		rep.BatchID, rep.Created, rep.Skipped = 0, 0, 0
		return rep, importFailed(rep.Problems)
	case err != nil:
		return ImportReport{Kind: in.Kind, Checksum: rep.Checksum, Rows: rep.Rows, DryRun: in.DryRun}, err
	}
	return rep, nil
}

func importFailed(probs []ImportProblem) error {
	lines := map[int]bool{}
	for _, p := range probs {
		lines[p.Line] = true
	}
	msg := fmt.Sprintf("Nothing was imported: %d lines need changing. Correct the file and import it again.", len(lines))
	if len(lines) == 1 {
		msg = "Nothing was imported: 1 line needs changing. Correct the file and import it again."
	}
	return core.Invalid(map[string]string{"file": msg})
}

type importer struct {
	s     *Store
	a     Actor
	tx    *sql.Tx
	kind  string
	cols  []ImportColumn
	probs []ImportProblem
}

// column is the file's column for field, or the field's name when the file
// has none (a message about a value peerpath filled in).
func (im *importer) column(field string) string {
	for _, c := range im.cols {
		if c.Field == field {
			return c.Column
		}
	}
	return field
}

func (im *importer) problem(line int, field, msg string) {
	im.probs = append(im.probs, ImportProblem{Line: line, Column: im.column(field), Message: msg})
}

// fieldOf turns a validation message's key into the import field it is
// about.
var fieldOf = map[string]string{"assigned_worker_ids": "worker_emails"}

func (im *importer) problems(line int, f map[string]string) {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		field := k
		if v, ok := fieldOf[k]; ok {
			field = v
		}
		im.problem(line, field, f[k])
	}
}

// read takes each row's values by field and its source id, and refuses a
// row that repeats an earlier one.
func (im *importer) read(lines []spreadsheet.Row, progress func(int)) []*importRow {
	rows := make([]*importRow, 0, len(lines))
	seen := map[string]int{}
	for i, l := range lines {
		r := &importRow{line: l.Line, vals: map[string]string{}}
		h := sha256.New()
		for j, c := range im.cols {
			v := ""
			if j < len(l.Cells) {
				v = unquoteCell(strings.TrimSpace(l.Cells[j]))
			}
			if c.Field != "" {
				r.vals[c.Field] = v
				if c.Field != "source_id" {
					fmt.Fprintf(h, "%s=%s\x1f", c.Field, v)
				}
			}
		}
		r.sourceID = r.vals["source_id"]
		digest := r.sourceID == ""
		if digest {
			r.sourceID = "row:" + hex.EncodeToString(h.Sum(nil))[:24]
		}
		if prev, dup := seen[r.sourceID]; dup {
			if digest {
				im.problem(r.line, "", fmt.Sprintf("This row is the same as line %d. Remove one of them.", prev))
			} else {
				im.problem(r.line, "source_id", fmt.Sprintf("The id %q is also on line %d. Each row needs its own id.", r.sourceID, prev))
			}
		} else {
			seen[r.sourceID] = r.line
		}
		im.validate(r)
		rows = append(rows, r)
		progress(i + 1)
	}
	return rows
}

// unquoteCell takes off the apostrophe a spreadsheet export puts before a
// cell starting with = + - or @ (so it is not run as a formula), as
// peerpath's own CSV files do (internal/csvout).
func unquoteCell(v string) string {
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@", rune(v[1])) {
		return v[1:]
	}
	return v
}

// cellList splits a cell holding several values (";", "|" or ",").
func cellList(v string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == '|' || r == ',' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// choice turns "In person" or "in-person" into the stored value "in_person".
func choice(v string) string { return importKey(v) }

func (im *importer) date(r *importRow, field string) string {
	v := r.vals[field]
	if v == "" {
		return ""
	}
	d, ok := core.SheetDate(v)
	if !ok {
		im.problem(r.line, field, fmt.Sprintf("%q is not a date peerpath can read. Write it as 2026-11-23 or 11/23/2026.", v))
		return ""
	}
	return d
}

func (im *importer) number(r *importRow, field string, empty int, msg string) int {
	v := r.vals[field]
	if v == "" {
		return empty
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		im.problem(r.line, field, msg)
		return empty
	}
	return n
}

// validate checks a row with the form's own validation, keeping what it
// normalised as the record to write.
func (im *importer) validate(r *importRow) {
	s, v := im.s, r.vals
	switch im.kind {
	case ImportPeople:
		var okay []string
		for _, c := range cellList(v["okay_to_contact"]) {
			okay = append(okay, choice(c))
		}
		p := Person{OrgID: im.a.OrgID, PreferredName: v["preferred_name"], LegalName: v["legal_name"], Pronouns: v["pronouns"],
			BornOn: im.date(r, "date_of_birth"), PreferredLanguage: v["preferred_language"], Phone: v["phone"], Email: v["email"],
			MailingAddress: v["mailing_address"], OkayToContact: okay, Programmes: cellList(v["programmes"]), Status: StatusActive,
			CheckInEveryDays: im.number(r, "check_in_every_days", DefaultCheckInDays, fmt.Sprintf("Enter a number of days from 1 to %d.", MaxCheckInDays))}
		f := s.validatePerson(&p)
		r.since = im.date(r, "supported_since")
		s.supportedSince(r.since, f)
		if len(cellList(v["worker_emails"])) == 0 {
			f["worker_emails"] = "Give the email of at least one worker to support this person."
		}
		im.problems(r.line, f)
		r.record = p
	case ImportContacts:
		c := ContactInput{Format: choice(v["format"]), Mode: choice(v["mode"]), Kind: choice(v["kind"]), Participants: v["participants"], Note: v["note"],
			DurationMinutes: im.number(r, "duration_minutes", DefaultDuration, "Enter how many minutes it took, as a whole number.")}
		if c.Mode == "" {
			c.Mode = DefaultMode
		}
		if c.Kind == "" {
			c.Kind = DefaultKind
		}
		if w := v["occurred_at"]; w != "" {
			t, ok := core.SheetDateTime(w)
			if !ok {
				im.problem(r.line, "occurred_at", fmt.Sprintf("%q is not a date and time peerpath can read. Write it as 2026-11-23 14:30 or 11/23/2026 2:30 PM.", w))
			}
			c.OccurredAt = t.UTC().Truncate(1e6)
		}
		f := s.validateContact(&c)
		if _, said := f["occurred_at"]; said && v["occurred_at"] != "" && c.OccurredAt.IsZero() {
			delete(f, "occurred_at") // already said it cannot be read
		}
		im.problems(r.line, f)
		r.record = c
	case ImportGoals:
		g := GoalInput{Text: v["text"], LifeArea: choice(v["life_area"]), Steps: v["steps"], TargetOn: im.date(r, "target_date")}
		im.problems(r.line, s.validateGoal(&g, false))
		r.record = g
	case ImportResources:
		res := ResourceInput{Name: v["name"], Kind: choice(v["kind"]), Address: v["address"], Phone: v["phone"], Hours: v["hours"],
			Languages: v["languages"], Eligibility: v["eligibility"], Website: v["website"], VerifiedOn: im.date(r, "verified_on")}
		im.problems(r.line, s.validateResource(&res))
		r.record = res
	}
}

// resolve marks rows imported before, and finds the workers, people and
// names the rows refer to.
func (im *importer) resolve(ctx context.Context, rows []*importRow) error {
	done, err := im.stringsToIDs(ctx, "SELECT source_id, record_id FROM import_sources WHERE org_id = $1 AND kind = $2", im.a.OrgID, im.kind)
	if err != nil {
		return err
	}
	for _, r := range rows {
		_, r.skip = done[r.sourceID]
	}
	switch im.kind {
	case ImportPeople:
		workers, err := im.stringsToIDs(ctx, `SELECT DISTINCT u.email, u.id FROM users u JOIN user_roles r ON r.user_id = u.id
			WHERE u.org_id = $1 AND u.active AND r.role IN `+rolesWorkingWithPeople, im.a.OrgID)
		if err != nil {
			return err
		}
		for _, r := range rows {
			for _, e := range cellList(r.vals["worker_emails"]) {
				id, ok := workers[normaliseEmail(e)]
				if !ok {
					im.problem(r.line, "worker_emails", fmt.Sprintf("No active peer worker, supervisor or administrator here has the email %q.", e))
				}
				r.workers = append(r.workers, id)
			}
			r.workers = uniqueIDs(r.workers)
		}
	case ImportContacts, ImportGoals:
		cond, args := visibleTo(im.a, "p", []any{im.a.OrgID})
		bySource, err := im.stringsToIDs(ctx, `SELECT s.source_id, p.id FROM import_sources s JOIN people m ON m.id = s.record_id AND m.org_id = s.org_id
			JOIN people p ON p.id = COALESCE(m.merged_into_id, m.id) WHERE s.org_id = $1 AND s.kind = 'people' AND `+cond, args...)
		if err != nil {
			return err
		}
		var asked []int64
		for _, r := range rows {
			if n, err := strconv.ParseInt(r.vals["person_id"], 10, 64); err == nil && r.vals["person_source_id"] == "" {
				asked = append(asked, n)
			}
		}
		known := map[int64]bool{}
		for chunk := range slices.Chunk(uniqueIDs(asked), maxInList) {
			in, args := inList(chunk, nil)
			cond, args := visibleTo(im.a, "p", args)
			ids, err := im.stringsToIDs(ctx, "SELECT p.id, p.id FROM people p WHERE p.id IN ("+in+") AND "+cond, args...)
			if err != nil {
				return err
			}
			for _, id := range ids {
				known[id] = true
			}
		}
		for _, r := range rows {
			src, pid := r.vals["person_source_id"], r.vals["person_id"]
			switch {
			case src != "":
				if r.personID = bySource[src]; r.personID == 0 {
					im.problem(r.line, "person_source_id", fmt.Sprintf("No person was imported with the id %q. Import the people file first.", src))
				}
			case pid != "":
				n, _ := strconv.ParseInt(pid, 10, 64)
				if !known[n] {
					im.problem(r.line, "person_id", fmt.Sprintf("There is no person with the peerpath id %q here.", pid))
				}
				r.personID = n
			default:
				im.problem(r.line, "person_source_id", "Say who this is about: the person's id from your people file, or their peerpath id.")
			}
		}
	case ImportResources:
		names, err := im.stringsToIDs(ctx, "SELECT name_key, id FROM resources WHERE org_id = $1", im.a.OrgID)
		if err != nil {
			return err
		}
		seen := map[string]int{}
		for _, r := range rows {
			if r.skip {
				continue
			}
			name := r.record.(ResourceInput).Name
			k := searchKey(name)
			if prev, dup := seen[k]; dup && k != "" {
				im.problem(r.line, "name", fmt.Sprintf("The same name is on line %d. Each resource needs its own name.", prev))
			} else if _, taken := names[k]; taken && k != "" {
				im.problem(r.line, "name", fmt.Sprintf("%q is already in the directory. Leave this row out, or change that entry instead.", name))
			}
			seen[k] = r.line
		}
	}
	slices.SortStableFunc(im.probs, func(a, b ImportProblem) int { return a.Line - b.Line })
	return nil
}

func (im *importer) stringsToIDs(ctx context.Context, q string, args ...any) (map[string]int64, error) {
	rows, err := im.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			return nil, err
		}
		out[k] = id
	}
	return out, rows.Err()
}

// preview shows the first n rows as they will be saved.
func (im *importer) preview(rows []*importRow, n int) []ImportPreview {
	var out []ImportPreview
	for _, r := range rows[:min(n, len(rows))] {
		p := ImportPreview{Line: r.line, SourceID: r.sourceID, Skip: r.skip}
		add := func(label, v string) {
			if v != "" {
				p.Values = append(p.Values, ImportValue{label, v})
			}
		}
		switch rec := r.record.(type) {
		case Person:
			add("Preferred name", rec.PreferredName)
			add("Legal name", rec.LegalName)
			add("Pronouns", rec.Pronouns)
			add("Date of birth", rec.BornOn)
			add("Preferred language", rec.PreferredLanguage)
			add("Phone", rec.Phone)
			add("Email", rec.Email)
			add("Mailing address", rec.MailingAddress)
			add("Okay to contact by", strings.Join(rec.OkayToContact, ", "))
			add("Programmes", strings.Join(rec.Programmes, ", "))
			add("Check in every", fmt.Sprintf("%d days", rec.CheckInEveryDays))
			add("First check-in due", checkInDue(time.Time{}, im.s.supportedSince(r.since, map[string]string{}), rec.CheckInEveryDays))
			add("Workers", strings.ToLower(strings.Join(cellList(r.vals["worker_emails"]), ", ")))
		case ContactInput:
			add("Person", personRef(r))
			add("When", core.DateTime(rec.OccurredAt))
			add("Minutes", strconv.Itoa(rec.DurationMinutes))
			add("Format", rec.Format)
			add("How", rec.Mode)
			add("Kind", rec.Kind)
			add("Who else took part", rec.Participants)
			add("Note", rec.Note)
		case GoalInput:
			add("Person", personRef(r))
			add("Goal", rec.Text)
			add("Life area", rec.LifeArea)
			add("Steps", rec.Steps)
			add("Target date", rec.TargetOn)
		case ResourceInput:
			add("Name", rec.Name)
			add("Kind", rec.Kind)
			add("Address", rec.Address)
			add("Phone", rec.Phone)
			add("Hours", rec.Hours)
			add("Languages", rec.Languages)
			add("Who it is for", rec.Eligibility)
			add("Website", rec.Website)
			add("Details checked on", rec.VerifiedOn)
		}
		out = append(out, p)
	}
	return out
}

func personRef(r *importRow) string {
	if r.personID == 0 {
		return ""
	}
	return "peerpath id " + idString(r.personID)
}

// save writes the batch, then every row not imported before through the
// forms' inserts (each with its own audit entry, marked as imported), the
// rows' source ids, and the batch's audit entry with the file's checksum.
func (im *importer) save(ctx context.Context, rows []*importRow, t spreadsheet.Table, rep ImportReport, progress func(int)) (int64, error) {
	s, a, tx := im.s, im.a, im.tx
	now := ms(s.now())
	var batch int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO import_batches (org_id, kind, file_name, checksum, row_count, created, skipped, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		a.OrgID, im.kind, t.Name, t.Checksum, len(rows), rep.Created, rep.Skipped, now, a.UserID).Scan(&batch); err != nil {
		return 0, err
	}
	ctx = context.WithValue(ctx, importBatchKey{}, batch)
	if im.kind == ImportPeople {
		var all []int64
		for _, r := range rows {
			all = append(all, r.workers...)
		}
		if len(all) > 0 {
			if err := s.checkWorkers(ctx, tx, a.OrgID, uniqueIDs(all)); err != nil {
				return 0, err
			}
		}
	}
	var sources [][]any
	var touched []int64
	for i, r := range rows {
		if r.skip {
			progress(i + 1)
			continue
		}
		var id int64
		var err error
		switch rec := r.record.(type) {
		case Person:
			f := map[string]string{}
			id, err = s.insertPerson(ctx, tx, a, rec, r.workers, s.supportedSince(r.since, f))
		case ContactInput:
			if id, err = s.insertContact(ctx, tx, a, r.personID, rec); err == nil {
				touched = append(touched, r.personID)
				err = s.record(ctx, tx, a, audit.ActionCreate, "contact", id, "person "+idString(r.personID))
			}
		case GoalInput:
			var cycle int64
			if cycle, err = s.openCycleID(ctx, tx, a, r.personID); err == nil {
				id, err = s.insertGoal(ctx, tx, a, r.personID, cycle, rec, 0)
			}
		case ResourceInput:
			id, err = s.insertResource(ctx, tx, a, rec)
		}
		if e, ok := core.As(err); ok && len(e.Fields) > 0 {
			im.problems(r.line, e.Fields)
			return 0, errImportProblems
		}
		if err != nil {
			return 0, err
		}
		sources = append(sources, []any{a.OrgID, im.kind, r.sourceID, id, batch})
		progress(i + 1)
	}
	if err := s.bulkInsert(ctx, tx, "INSERT INTO import_sources (org_id, kind, source_id, record_id, batch_id) VALUES ", sources); err != nil {
		return 0, err
	}
	if err := s.refreshCheckIns(ctx, tx, a.OrgID, uniqueIDs(touched)); err != nil {
		return 0, err
	}
	return batch, s.record(ctx, tx, a, audit.ActionCreate, "import_batch", batch, fmt.Sprintf("%s; sha256 %s; %d rows: %d created, %d skipped",
		im.kind, t.Checksum, len(rows), rep.Created, rep.Skipped))
}

// ImportBatch is an import that was saved.
type ImportBatch struct {
	ID        int64
	Kind      string
	FileName  string
	Checksum  string
	Rows      int
	Created   int
	Skipped   int
	CreatedAt time.Time
}

// ImportBatches lists the organisation's last imports, newest first.
func (s *Store) ImportBatches(ctx context.Context, a Actor, limit int) ([]ImportBatch, error) {
	if !a.MayImportRecords() {
		return nil, core.Forbidden("Only an administrator of the organisation imports records.")
	}
	rows, err := s.rdb.QueryContext(ctx, fmt.Sprintf(`SELECT id, kind, file_name, checksum, row_count, created, skipped, created_at
		FROM import_batches WHERE org_id = $1 ORDER BY id DESC LIMIT %d`, limit), a.OrgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ImportBatch
	for rows.Next() {
		var b ImportBatch
		var at int64
		if err := rows.Scan(&b.ID, &b.Kind, &b.FileName, &b.Checksum, &b.Rows, &b.Created, &b.Skipped, &at); err != nil {
			return nil, err
		}
		b.CreatedAt = fromMS(at)
		out = append(out, b)
	}
	return out, rows.Err()
}
