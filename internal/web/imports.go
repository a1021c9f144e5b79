package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/csvout"
	"peerpath/internal/spreadsheet"
	"peerpath/internal/store"
)

// Moving in (issue 19): the admin page that imports people, contacts,
// goals and resources from a CSV or .xlsx file, as `peerpath import` does.
// Upload → mapping and preview (a dry run of the whole file) → import (in
// the background, its progress shown) → what it did. The uploaded file
// waits in this server's memory, for the administrator who sent it, for
// importKeep; nothing of it is written until the import commits.

// importKeep is how long an uploaded file waits for its import.
const importKeep = 2 * time.Hour

type importJob struct {
	id             string
	orgID, userID  int64
	kind           string
	table          spreadsheet.Table
	created        time.Time
	mu             sync.Mutex
	mapping        map[string]string
	running, ended bool
	done, total    int
	report         store.ImportReport
	failure        string // an error that is not about the file
}

type importJobs struct {
	mu   sync.Mutex
	jobs map[string]*importJob
}

func (j *importJobs) add(job *importJob, now time.Time) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.jobs == nil {
		j.jobs = map[string]*importJob{}
	}
	for id, old := range j.jobs {
		old.mu.Lock()
		if now.Sub(old.created) > importKeep && !old.running {
			delete(j.jobs, id)
		}
		old.mu.Unlock()
	}
	j.jobs[job.id] = job
}

// get is the upload id of the actor's, or core.NotFound.
func (j *importJobs) get(a store.Actor, id string) (*importJob, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	job := j.jobs[id]
	if job == nil || job.orgID != a.OrgID || job.userID != a.UserID {
		return nil, core.NotFound("The upload")
	}
	return job, nil
}

type importPageView struct {
	Form    *form
	Kinds   []string
	Batches []store.ImportBatch
	Lines   []spreadsheet.Problem
	Max     int
}

func (s *Server) adminImportPage(w http.ResponseWriter, r *http.Request) error {
	f, ok := s.draftForm(r)
	if !ok {
		f = newForm(nil)
	}
	return s.renderImportPage(w, r, http.StatusOK, f, nil)
}

func (s *Server) renderImportPage(w http.ResponseWriter, r *http.Request, status int, f *form, lines []spreadsheet.Problem) error {
	batches, err := s.store.ImportBatches(r.Context(), s.actor(r), 10)
	if err != nil {
		return err
	}
	return s.renderStatus(w, r, status, "admin_import.html", importPageView{Form: f, Kinds: store.ImportKinds, Batches: batches, Lines: lines, Max: MaxUpload >> 20})
}

// adminImportUpload reads the file and keeps it for the mapping step.
func (s *Server) adminImportUpload(w http.ResponseWriter, r *http.Request) error {
	f, err := parseMultipart(r)
	if err != nil {
		return err
	}
	a := s.actor(r)
	kind := f.Get("kind")
	if store.ImportFields(kind) == nil {
		f.Errors["kind"] = "Choose what the file holds."
	}
	data, name, problem := uploadedFile(r)
	if problem != "" {
		f.Errors["file"] = problem
	}
	if len(f.Errors) > 0 {
		return s.renderImportPage(w, r, http.StatusUnprocessableEntity, f, nil)
	}
	table, err := spreadsheet.Read(name, data)
	var probs spreadsheet.Problems
	if errors.As(err, &probs) {
		f.Errors["file"] = "This file cannot be read, so nothing was imported. Correct the lines below, or save the file again as CSV UTF-8."
		return s.renderImportPage(w, r, http.StatusUnprocessableEntity, f, probs)
	}
	if err != nil {
		return err
	}
	b := make([]byte, 16)
	rand.Read(b)
	job := &importJob{id: hex.EncodeToString(b), orgID: a.OrgID, userID: a.UserID, kind: kind, table: table, created: s.clock.Now(), mapping: map[string]string{}}
	s.imports.add(job, s.clock.Now())
	return redirect(w, r, "/admin/import/"+job.id, "")
}

// uploadedFile is the file sent, or a message saying why there is none.
func uploadedFile(r *http.Request) (data []byte, name, problem string) {
	l := localizer(r)
	file, hdr, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		return nil, "", l.T("messages.imports.choose_file")
	}
	if err != nil {
		return nil, "", l.T("messages.imports.unreadable")
	}
	defer file.Close()
	data, err = io.ReadAll(io.LimitReader(file, MaxUpload+1))
	if err != nil {
		return nil, "", l.T("messages.imports.unreadable")
	}
	if len(data) > MaxUpload {
		return nil, "", l.T("messages.imports.too_big", "MB", MaxUpload>>20)
	}
	return data, hdr.Filename, ""
}

// importColumnView is a column of the file with the field it goes to.
type importColumnView struct {
	Index   int
	Column  string
	Field   string
	Example string // its value on the first row
}

type importJobView struct {
	ID       string
	Kind     string
	FileName string
	Rows     int
	Fields   []store.ImportField
	Columns  []importColumnView
	Report   store.ImportReport
	Running  bool
	Ended    bool
	Done     int
	Total    int
	Percent  int
	Step     string
	Failure  string
	Form     *form
}

func (s *Server) adminImportJob(w http.ResponseWriter, r *http.Request) error {
	a := s.actor(r)
	job, err := s.imports.get(a, r.PathValue("upload"))
	if err != nil {
		return err
	}
	job.mu.Lock()
	v := importJobView{ID: job.id, Kind: job.kind, FileName: job.table.Name, Rows: len(job.table.Rows), Fields: store.ImportFields(job.kind),
		Running: job.running, Ended: job.ended, Done: job.done, Total: job.total, Report: job.report, Failure: job.failure, Form: newForm(nil)}
	mapping := make(map[string]string, len(job.mapping))
	for k, val := range job.mapping {
		mapping[k] = val
	}
	job.mu.Unlock()
	if v.Total > 0 {
		v.Percent = v.Done * 100 / v.Total
		v.Step = localizer(r).T("messages.imports.checked", "Done", min(v.Done, v.Rows), "Rows", v.Rows)
		if v.Done > v.Rows {
			v.Step = localizer(r).T("messages.imports.saving", "Saved", v.Done-v.Rows, "Rows", v.Rows)
		}
	}
	if !v.Running && !v.Ended {
		// The mapping and preview: a dry run of the whole file.
		v.Report, err = s.store.ImportRecords(r.Context(), a, store.ImportInput{Kind: job.kind, Table: job.table, Mapping: mapping, DryRun: true})
		if err != nil && len(v.Report.Problems) == 0 {
			return err
		}
		for i, c := range v.Report.Columns {
			cv := importColumnView{Index: i, Column: c.Column, Field: c.Field}
			if len(job.table.Rows) > 0 && i < len(job.table.Rows[0].Cells) {
				cv.Example = job.table.Rows[0].Cells[i]
			}
			v.Columns = append(v.Columns, cv)
		}
	}
	status := http.StatusOK
	if v.Ended && len(v.Report.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return s.renderStatus(w, r, status, "admin_import_job.html", v)
}

// adminImportJobPost changes the mapping (Preview again) or starts the
// import with it.
func (s *Server) adminImportJobPost(w http.ResponseWriter, r *http.Request) error {
	a := s.actor(r)
	job, err := s.imports.get(a, r.PathValue("upload"))
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	job.mu.Lock()
	defer job.mu.Unlock()
	if job.running || job.ended {
		return core.Conflict("This file was imported already. Upload it again to import it again.")
	}
	for i, h := range job.table.Header {
		if v, ok := f.Values["map-"+strconv.Itoa(i)]; ok && h != "" {
			job.mapping[h] = strings.TrimSpace(v[0])
		}
	}
	if f.Get("action") != "import" {
		return redirect(w, r, "/admin/import/"+job.id, "")
	}
	job.running, job.total = true, 2*len(job.table.Rows)
	in := store.ImportInput{Kind: job.kind, Table: job.table, Mapping: job.mapping, Progress: func(done, total int) {
		job.mu.Lock()
		job.done, job.total = done, total
		job.mu.Unlock()
	}}
	l := localizer(r)
	go func() {
		rep, err := s.store.ImportRecords(context.Background(), a, in)
		job.mu.Lock()
		defer job.mu.Unlock()
		job.running, job.ended, job.report = false, true, rep
		if err != nil && len(rep.Problems) == 0 {
			s.log.Error("import failed", "upload", job.id, "err", err)
			job.failure = l.T("messages.imports.failed")
		}
	}()
	return redirect(w, r, "/admin/import/"+job.id, "")
}

// adminImportSample is a small file of each kind to try the import with:
// fictional rows naming this organisation's own workers.
func (s *Server) adminImportSample(w http.ResponseWriter, r *http.Request) error {
	kind := r.PathValue("kind")
	fields := store.ImportFields(kind)
	if fields == nil {
		return core.NotFound("The sample")
	}
	a := s.actor(r)
	email := "worker@example.org"
	for _, role := range []auth.Role{auth.RolePeer, auth.RoleSupervisor, auth.RoleAdmin} {
		if us, err := s.store.UsersWithRole(r.Context(), a.OrgID, role); err == nil && len(us) > 0 {
			email = us[0].Email
			break
		}
	}
	now := s.clock.Now()
	yesterday, lastWeek := core.Today(now.AddDate(0, 0, -1)), core.Today(now.AddDate(0, 0, -7))
	rows := map[string][][]string{
		store.ImportPeople: {
			{"source_id", "preferred_name", "pronouns", "date_of_birth", "preferred_language", "phone", "okay_to_contact", "programmes", "check_in_every_days", "supported_since", "worker_emails"},
			{"SAMPLE-1", "Robin Sample", "they/them", "4/12/1988", "English", "617-555-0199", "phone_call; text", "Peer support", "7", lastWeek, email},
			{"SAMPLE-2", "Lee Example", "she/her", "", "Spanish", "", "", "", "14", "", email},
		},
		store.ImportContacts: {
			{"source_id", "person_source_id", "occurred_at", "duration_minutes", "mode", "kind", "note"},
			{"SAMPLE-C1", "SAMPLE-1", yesterday + " 10:30", "45", "in_person", "check_in", "Talked about the week ahead."},
			{"SAMPLE-C2", "SAMPLE-2", yesterday + " 2:00 PM", "20", "phone", "outreach", ""},
		},
		store.ImportGoals: {
			{"source_id", "person_source_id", "text", "life_area", "steps", "target_date"},
			{"SAMPLE-G1", "SAMPLE-1", "Walk to the river every morning", "health", "Start with Mondays and Thursdays", ""},
			{"SAMPLE-G2", "SAMPLE-2", "Find a quiet room of my own", "home", "Ask about the housing list", ""},
		},
		store.ImportResources: {
			{"source_id", "name", "kind", "address", "phone", "hours", "languages", "website"},
			{"SAMPLE-R1", "Sample Street Food Pantry", "food", "12 Sample Street, Springfield, MA", "413-555-0100", "Tue and Thu 10 am–2 pm", "English, Spanish", "https://pantry.example.org"},
		},
	}
	var buf bytes.Buffer
	cw := csvout.New(&buf)
	for _, row := range rows[kind] {
		if err := cw.Write(row...); err != nil {
			return err
		}
	}
	if err := cw.Flush(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="peerpath-sample-`+kind+`.csv"`)
	_, err := w.Write(buf.Bytes())
	return err
}

// ---- API: POST /api/v1/imports ----

type newImportJSON struct {
	Kind     string            `json:"kind" enum:"people,contacts,goals,resources"`
	FileName string            `json:"file_name" doc:"the file's name, kept with the import (people.csv)"`
	Content  string            `json:"content" doc:"the file, base64: CSV (UTF-8) or an Excel workbook (.xlsx)"`
	Mapping  map[string]string `json:"mapping,omitempty" doc:"column name → field; a column left out of it is mapped by its name, a column mapped to \"\" is left out"`
	DryRun   bool              `json:"dry_run,omitempty" doc:"check every row and preview the first ones, save nothing (answered 200)"`
}

type importColumnJSON struct {
	Column string `json:"column"`
	Field  string `json:"field" doc:"empty when the column is left out"`
}

type importValueJSON struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

type importPreviewJSON struct {
	Line     int               `json:"line"`
	SourceID string            `json:"source_id" doc:"the row's id: its source_id, or row:<digest> for a file without one"`
	Skip     bool              `json:"skip" doc:"imported before: skipped, the record left as it is"`
	Values   []importValueJSON `json:"values" doc:"the values as they will be saved"`
}

type importJSON struct {
	Kind     string              `json:"kind" enum:"people,contacts,goals,resources"`
	BatchID  string              `json:"batch_id" doc:"empty in a dry run"`
	Checksum string              `json:"checksum" doc:"the file's SHA-256, hex"`
	Rows     int                 `json:"rows"`
	Created  int                 `json:"created" doc:"added (in a dry run: would be added)"`
	Skipped  int                 `json:"skipped" doc:"imported before, left as they are"`
	DryRun   bool                `json:"dry_run"`
	Columns  []importColumnJSON  `json:"columns"`
	Preview  []importPreviewJSON `json:"preview"`
}

// apiImport imports a file as the admin page does, in the request. Any
// wrong line answers 422 with one field per problem ("line 4, Date of
// birth") and saves nothing.
func (s *Server) apiImport(w http.ResponseWriter, r *http.Request) error {
	var in newImportJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if store.ImportFields(in.Kind) == nil {
		return core.Invalid(map[string]string{"kind": fmt.Sprintf("Use one of: %s.", strings.Join(store.ImportKinds, ", "))})
	}
	data, err := base64.StdEncoding.DecodeString(in.Content)
	if err != nil || len(data) == 0 {
		return core.Invalid(map[string]string{"content": "Send the file's bytes, base64-encoded."})
	}
	table, err := spreadsheet.Read(in.FileName, data)
	var probs spreadsheet.Problems
	if errors.As(err, &probs) {
		f := map[string]string{}
		for _, p := range probs {
			f[fmt.Sprintf("line %d", p.Line)] = p.Message
		}
		return core.Invalid(f)
	}
	if err != nil {
		return err
	}
	rep, err := s.store.ImportRecords(r.Context(), s.actor(r), store.ImportInput{Kind: in.Kind, Table: table, Mapping: in.Mapping, DryRun: in.DryRun})
	if len(rep.Problems) > 0 {
		f := map[string]string{}
		for _, p := range rep.Problems {
			k := fmt.Sprintf("line %d, %s", p.Line, p.Column)
			if f[k] != "" {
				f[k] += " "
			}
			f[k] += p.Message
		}
		return &core.Error{Kind: core.KindInvalid, Message: "Nothing was imported: correct the lines named.", Fields: f}
	}
	if err != nil {
		return err
	}
	out := importJSON{Kind: rep.Kind, Checksum: rep.Checksum, Rows: rep.Rows, Created: rep.Created, Skipped: rep.Skipped, DryRun: rep.DryRun,
		Columns: []importColumnJSON{}, Preview: []importPreviewJSON{}}
	if rep.BatchID != 0 {
		out.BatchID = id(rep.BatchID)
	}
	for _, c := range rep.Columns {
		out.Columns = append(out.Columns, importColumnJSON{c.Column, c.Field})
	}
	for _, p := range rep.Preview {
		pv := importPreviewJSON{Line: p.Line, SourceID: p.SourceID, Skip: p.Skip, Values: []importValueJSON{}}
		for _, v := range p.Values {
			pv.Values = append(pv.Values, importValueJSON{v.Label, v.Value})
		}
		out.Preview = append(out.Preview, pv)
	}
	status := http.StatusCreated
	if in.DryRun {
		status = http.StatusOK
	}
	writeJSON(w, status, out)
	return nil
}
