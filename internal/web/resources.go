package web

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"peerpath/internal/core"
	"peerpath/internal/csvout"
	"peerpath/internal/store"
)

// The organisation's directory of resources: search, add and change
// entries, and move the whole directory in and out as CSV. The CSV's
// columns are resourceColumns; an import accepts the export unchanged.

var resourceColumns = []string{"name", "kind", "address", "phone", "hours", "languages", "eligibility", "website", "verified_on"}

type resourcesView struct {
	Form      *form
	Resources []store.Resource
	NextURL   string
	Kinds     []option
	CanImport bool
}

func (s *Server) resources(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	filter := store.ResourceFilter{Query: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind")}
	if !contains(store.ResourceKinds, filter.Kind) {
		filter.Kind = ""
	}
	a := s.actor(r)
	l, err := s.store.ListResources(r.Context(), a, filter, store.Page{Cursor: q.Get("cursor")})
	if err != nil {
		return err
	}
	return s.render(w, r, "resources.html", resourcesView{Form: newForm(url.Values{"q": {filter.Query}, "kind": {filter.Kind}}),
		Resources: l.Items, NextURL: nextPageURL(r, l.Next), Kinds: options(localizer(r), "resource", store.ResourceKinds), CanImport: a.CanAssign()})
}

type resourceFormView struct {
	Form     *form
	Resource store.Resource
	Kinds    []option
	Today    string
}

func resourceInput(f *form) store.ResourceInput {
	return store.ResourceInput{Name: f.Get("name"), Kind: f.Get("kind"), Address: f.Get("address"), Phone: f.Get("phone"), Hours: f.Get("hours"),
		Languages: f.Get("languages"), Eligibility: f.Get("eligibility"), Website: f.Get("website"), VerifiedOn: f.Get("verified_on")}
}

func (s *Server) newResourcePage(w http.ResponseWriter, r *http.Request) error {
	f, ok := s.draftForm(r)
	if !ok {
		f = newForm(url.Values{"verified_on": {s.store.Today()}})
	}
	return s.render(w, r, "resource_form.html", resourceFormView{Form: f, Kinds: options(localizer(r), "resource", store.ResourceKinds), Today: s.store.Today()})
}

func (s *Server) newResource(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	res, err := s.store.CreateResource(r.Context(), s.actor(r), resourceInput(f))
	if f.Fail(err) {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "resource_form.html", resourceFormView{Form: f, Kinds: options(localizer(r), "resource", store.ResourceKinds), Today: s.store.Today()})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/resources?q="+url.QueryEscape(res.Name), localizer(r).T("messages.resources.resource_added_directory"))
}

func (s *Server) resourcePage(w http.ResponseWriter, r *http.Request) error {
	rid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res, err := s.store.Resource(r.Context(), s.actor(r), rid)
	if err != nil {
		return err
	}
	f := newForm(url.Values{"name": {res.Name}, "kind": {res.Kind}, "address": {res.Address}, "phone": {res.Phone}, "hours": {res.Hours},
		"languages": {res.Languages}, "eligibility": {res.Eligibility}, "website": {res.Website}, "verified_on": {res.VerifiedOn}})
	if d, ok := s.draftForm(r); ok {
		f = d
	}
	return s.render(w, r, "resource_form.html", resourceFormView{Form: f, Resource: res, Kinds: options(localizer(r), "resource", store.ResourceKinds), Today: s.store.Today()})
}

func (s *Server) updateResource(w http.ResponseWriter, r *http.Request) error {
	rid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := s.actor(r)
	cur, err := s.store.Resource(r.Context(), a, rid)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	_, err = s.store.UpdateResource(r.Context(), a, rid, resourceInput(f))
	if f.Fail(err) {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "resource_form.html", resourceFormView{Form: f, Resource: cur, Kinds: options(localizer(r), "resource", store.ResourceKinds), Today: s.store.Today()})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/resources/"+id(rid), localizer(r).T("messages.resources.resource_saved"))
}

// exportResources sends the whole directory as CSV, safe to open in a
// spreadsheet (csvout neutralises formulas).
func (s *Server) exportResources(w http.ResponseWriter, r *http.Request) error {
	a := s.actor(r)
	var buf bytes.Buffer
	cw := csvout.New(&buf)
	if err := cw.Write(resourceColumns...); err != nil {
		return err
	}
	cursor := ""
	for {
		l, err := s.store.ListResources(r.Context(), a, store.ResourceFilter{}, store.Page{Limit: store.MaxLimit, Cursor: cursor})
		if err != nil {
			return err
		}
		for _, x := range l.Items {
			if err := cw.Write(x.Name, x.Kind, x.Address, x.Phone, x.Hours, x.Languages, x.Eligibility, x.Website, x.VerifiedOn); err != nil {
				return err
			}
		}
		if cursor = l.Next; cursor == "" {
			break
		}
	}
	if err := cw.Flush(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="resources.csv"`)
	_, err := buf.WriteTo(w)
	return err
}

type importView struct {
	Form    *form
	Columns []string
	Kinds   []string
	Lines   []string // "line 4: …", in order
	Max     int
}

func (s *Server) importResourcesPage(w http.ResponseWriter, r *http.Request) error {
	f, ok := s.draftForm(r)
	if !ok {
		f = newForm(nil)
	}
	return s.render(w, r, "resources_import.html", importView{Form: f, Columns: resourceColumns, Kinds: store.ResourceKinds, Max: maxImport >> 20})
}

// maxImport is the largest CSV file accepted: thousands of entries fit.
const maxImport = 5 << 20

func (s *Server) importResources(w http.ResponseWriter, r *http.Request) error {
	f, err := parseMultipart(r)
	if err != nil {
		return err
	}
	rows, err := readResourceCSV(r)
	var res store.ImportResult
	if err == nil {
		res, err = s.store.ImportResources(r.Context(), s.actor(r), rows)
	}
	if e, ok := asInvalidOrTooLarge(err); ok {
		v := importView{Form: f, Columns: resourceColumns, Kinds: store.ResourceKinds, Max: maxImport >> 20}
		var keys []string
		for k := range e {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return lineNo(keys[i]) < lineNo(keys[j]) })
		for _, k := range keys {
			if strings.HasPrefix(k, "line ") {
				v.Lines = append(v.Lines, strings.ToUpper(k[:1])+k[1:]+": "+e[k])
			} else {
				f.Errors["file"] = e[k]
			}
		}
		if len(v.Lines) > 0 {
			f.Errors["file"] = fmt.Sprintf("Nothing was imported: %d %s. Correct the file and import it again.", len(v.Lines), plural(len(v.Lines), "line needs changing", "lines need changing"))
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "resources_import.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/resources", localizer(r).T("messages.resources.imported", "Created", res.Created, "Updated", res.Updated))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func lineNo(k string) int {
	var n int
	fmt.Sscanf(k, "line %d", &n)
	return n
}

// readResourceCSV reads the uploaded CSV: a header naming the columns (in
// any order; unknown columns are refused so a typo is not silently lost),
// then one resource per line. A leading apostrophe that csvout added to a
// cell starting with = + - @ is taken off again.
func readResourceCSV(r *http.Request) ([]store.ImportRow, error) {
	file, _, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		return nil, core.Invalid(map[string]string{"file": "Choose a CSV file to import."})
	}
	if err != nil {
		return nil, core.Invalid(map[string]string{"file": "The file could not be read. Try choosing it again."})
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxImport+1))
	if err != nil {
		return nil, core.Invalid(map[string]string{"file": "The file could not be read. Try choosing it again."})
	}
	if len(data) > maxImport {
		return nil, core.Invalid(map[string]string{"file": fmt.Sprintf("Choose a file of at most %d MB.", maxImport>>20)})
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return nil, core.Invalid(map[string]string{"file": "This is not a CSV text file. Save the spreadsheet as CSV (UTF-8) and try again."})
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, core.Invalid(map[string]string{"file": "The file is empty or not CSV. The first line should name the columns."})
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !contains(resourceColumns, h) {
			return nil, core.Invalid(map[string]string{"file": fmt.Sprintf("The column %q is not one peerpath knows. Use: %s.", h, strings.Join(resourceColumns, ", "))})
		}
		col[h] = i
	}
	if _, ok := col["name"]; !ok {
		return nil, core.Invalid(map[string]string{"file": "The file needs a column named “name”."})
	}
	if _, ok := col["kind"]; !ok {
		return nil, core.Invalid(map[string]string{"file": "The file needs a column named “kind”."})
	}
	kindByLabel := map[string]string{}
	for _, k := range store.ResourceKinds {
		kindByLabel[strings.ToLower(label(nil, "resource", k))] = k
	}
	var rows []store.ImportRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			return nil, core.Invalid(map[string]string{fmt.Sprintf("line %d", line): "This line is not valid CSV (check its quotation marks)."})
		}
		line, _ := cr.FieldPos(0)
		get := func(name string) string {
			i, ok := col[name]
			if !ok || i >= len(rec) {
				return ""
			}
			v := strings.TrimSpace(rec[i])
			if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@", rune(v[1])) {
				v = v[1:]
			}
			return v
		}
		if strings.Join(rec, "") == "" {
			continue // a blank line
		}
		kind := strings.ToLower(get("kind"))
		if k, ok := kindByLabel[kind]; ok {
			kind = k
		}
		rows = append(rows, store.ImportRow{Line: line, ResourceInput: store.ResourceInput{
			Name: get("name"), Kind: kind, Address: get("address"), Phone: get("phone"), Hours: get("hours"),
			Languages: get("languages"), Eligibility: get("eligibility"), Website: get("website"), VerifiedOn: get("verified_on"),
		}})
	}
	return rows, nil
}
