package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/core"
	"peerpath/internal/framework"
	"peerpath/internal/workforce"
)

// The evidence a worker (or their supervisor, or an administrator) records
// on a development record: roles held, training completions, prerequisite
// facts, and the goals and notes of a development plan.

// RoleHeld is a job or volunteer role a worker has held. Peer roles count
// towards months of peer support experience.
type RoleHeld struct {
	ID           int64
	Title        string
	Organisation string
	From, To     string // To is "" while the role is current
	Peer         bool
}

// NewRoleHeld is what adding a role needs.
type NewRoleHeld struct {
	Title, Organisation, From, To string
	Peer                          bool
}

// AddRoleHeld adds a role to a worker's record.
func (s *Store) AddRoleHeld(ctx context.Context, a Actor, workerID int64, in NewRoleHeld) (int64, error) {
	in.Title, in.Organisation = strings.TrimSpace(in.Title), strings.TrimSpace(in.Organisation)
	today := s.today()
	f := map[string]string{}
	checkText(f, "title", in.Title, 200, "Enter the role's title, for example Peer Specialist.")
	checkText(f, "organisation", in.Organisation, 200, "")
	checkDate(f, "from", in.From, today, true, "Enter the date the role began.")
	if in.To != "" {
		checkDate(f, "to", in.To, today, false, "")
		if f["to"] == "" && f["from"] == "" && in.To < in.From {
			f["to"] = "The role cannot end before it began."
		}
	}
	verr := core.Invalid(f)
	return s.changeWorker(ctx, a, workerID, false, "role added", func(tx *sql.Tx, w Worker) (int64, error) {
		if verr != nil {
			return 0, verr
		}
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO worker_roles (org_id, user_id, title, organisation, from_on, to_on, peer, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			a.OrgID, w.ID, in.Title, in.Organisation, in.From, in.To, in.Peer, ms(s.now()), a.UserID).Scan(&id)
		return id, err
	})
}

// Training is a training completion.
type Training struct {
	ID           int64
	WorkerID     int64
	ItemKey      string // the chart's training item, or "" for a training not in the chart
	Title        string
	CompletedOn  string
	Provider     string
	Hours        workforce.Hours
	DocumentID   int64 // the certificate, if one was uploaded
	Source       string
	CreatedAt    time.Time
	RecordedBy   string
	DocumentName string
}

// NewTraining is what recording a training needs: a chart item or a title
// (or both: the title then says what the item's course was called here).
type NewTraining struct {
	ItemKey     string
	Title       string
	CompletedOn string
	Provider    string
	Hours       workforce.Hours
	HoursError  string  // a parse error from the form, reported with the others
	Certificate *Upload // optional, already checked by content
	// CertificateError is why an uploaded file was refused; it is
	// reported with the other fields' problems and nothing is saved.
	CertificateError string
}

// MaxTrainingHours bounds the hours of one training.
const MaxTrainingHours = 1000

// AddTraining records a training completion. A completion keyed to one of
// the active chart's trainings is evidence for that item.
func (s *Store) AddTraining(ctx context.Context, a Actor, workerID int64, in NewTraining) (int64, error) {
	cv, err := s.ActiveChart(ctx, a.OrgID)
	if err != nil {
		return 0, err
	}
	in.ItemKey, in.Title, in.Provider = strings.TrimSpace(in.ItemKey), strings.TrimSpace(in.Title), strings.TrimSpace(in.Provider)
	f := map[string]string{}
	if in.ItemKey != "" {
		it, ok := chartItem(cv.Chart, in.ItemKey, framework.KindTraining)
		switch {
		case !ok:
			f["item_key"] = "Choose a training from the list, or leave it empty and type the training's title."
		case in.Title == "":
			in.Title = it.Label
		}
	}
	checkText(f, "title", in.Title, 300, "Choose a training from the list or type its title.")
	checkDate(f, "completed_on", in.CompletedOn, s.today(), true, "Enter the date the training was completed.")
	checkText(f, "provider", in.Provider, 200, "")
	switch {
	case in.HoursError != "":
		f["hours"] = in.HoursError
	case in.Hours < 0 || in.Hours > MaxTrainingHours*100:
		f["hours"] = fmt.Sprintf("Enter a number of hours from 0 to %d.", MaxTrainingHours)
	}
	if in.CertificateError != "" {
		f["certificate"] = in.CertificateError
	}
	verr := core.Invalid(f)
	return s.changeWorker(ctx, a, workerID, false, "training added", func(tx *sql.Tx, w Worker) (int64, error) {
		if verr != nil {
			return 0, verr
		}
		return s.insertTraining(ctx, tx, a, w.ID, in, "")
	})
}

func (s *Store) insertTraining(ctx context.Context, tx *sql.Tx, a Actor, workerID int64, in NewTraining, source string) (int64, error) {
	var docID int64
	if in.Certificate != nil {
		var err error
		if docID, err = s.insertDocument(ctx, tx, a, "training_certificate", *in.Certificate); err != nil {
			return 0, err
		}
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO training_completions (org_id, user_id, item_key, title, completed_on, provider, hours_x100, document_id, source, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		a.OrgID, workerID, in.ItemKey, in.Title, in.CompletedOn, in.Provider, int64(in.Hours), nullID(docID), source, ms(s.now()), a.UserID).Scan(&id)
	return id, err
}

const trainingColumns = `t.id, t.user_id, t.item_key, t.title, t.completed_on, t.provider, t.hours_x100, COALESCE(t.document_id, 0),
	t.source, t.created_at, COALESCE(cu.name, ''), COALESCE(d.filename, '')`

const trainingFrom = ` FROM training_completions t LEFT JOIN users cu ON cu.id = t.created_by LEFT JOIN documents d ON d.id = t.document_id `

func scanTraining(sc interface{ Scan(...any) error }) (Training, error) {
	var t Training
	var hours, created int64
	err := sc.Scan(&t.ID, &t.WorkerID, &t.ItemKey, &t.Title, &t.CompletedOn, &t.Provider, &hours, &t.DocumentID, &t.Source, &created, &t.RecordedBy, &t.DocumentName)
	t.Hours, t.CreatedAt = workforce.Hours(hours), fromMS(created)
	return t, err
}

// Trainings lists a worker's training completions, latest first.
func (s *Store) Trainings(ctx context.Context, a Actor, workerID int64, p Page) (List[Training], error) {
	var afterOn string
	var afterID int64
	has, err := decodeCursor(p.Cursor, &afterOn, &afterID)
	if err != nil {
		return List[Training]{}, err
	}
	w, err := s.readWorker(ctx, a, workerID, "trainings")
	if err != nil {
		return List[Training]{}, err
	}
	limit := p.limit()
	q := "SELECT " + trainingColumns + trainingFrom + "WHERE t.org_id = $1 AND t.user_id = $2"
	args := []any{a.OrgID, w.ID}
	if has {
		q += " AND (t.completed_on < $3 OR (t.completed_on = $3 AND t.id < $4))"
		args = append(args, afterOn, afterID)
	}
	q += fmt.Sprintf(" ORDER BY t.completed_on DESC, t.id DESC LIMIT %d", limit+1)
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return List[Training]{}, err
	}
	ts, err := collect(rows, scanTraining)
	if err != nil {
		return List[Training]{}, err
	}
	ts, more := trim(ts, limit)
	res := List[Training]{Items: ts}
	if more {
		last := ts[len(ts)-1]
		res.Next = encodeCursor(last.CompletedOn, last.ID)
	}
	return res, nil
}

// TrainingCertificate returns the certificate uploaded with a training
// completion, for someone who may see the worker's record.
func (s *Store) TrainingCertificate(ctx context.Context, a Actor, workerID, trainingID int64) (Document, []byte, error) {
	w, err := s.worker(ctx, s.rdb, a, workerID)
	if err != nil {
		return Document{}, nil, err
	}
	var docID int64
	err = s.rdb.QueryRowContext(ctx, "SELECT COALESCE(document_id, 0) FROM training_completions WHERE id = $1 AND org_id = $2 AND user_id = $3",
		trainingID, a.OrgID, w.ID).Scan(&docID)
	if errors.Is(err, sql.ErrNoRows) || docID == 0 {
		return Document{}, nil, core.NotFound("The certificate")
	}
	if err != nil {
		return Document{}, nil, err
	}
	d, data, err := s.documentData(ctx, a.OrgID, docID)
	if err != nil {
		return d, nil, err
	}
	if !w.Relation.Self() {
		if err := s.recordRead(ctx, a, "development", w.ID, fmt.Sprintf("certificate of training %d", trainingID)); err != nil {
			return d, nil, err
		}
	}
	return d, data, nil
}

// PrerequisiteRecord is a fact that meets a prerequisite ("CORI cleared for
// the RSC", on a date). It never holds the contents of the record behind
// the fact.
type PrerequisiteRecord struct {
	ID         int64
	WorkerID   int64
	ItemKey    string
	Statement  string
	On         string
	RecordedBy string
}

// NewPrerequisiteRecord is what recording a prerequisite fact needs.
type NewPrerequisiteRecord struct {
	ItemKey, Statement, On string
}

// AddPrerequisiteRecord records that a worker meets one of the active
// chart's prerequisites, as a short statement of fact with its date.
func (s *Store) AddPrerequisiteRecord(ctx context.Context, a Actor, workerID int64, in NewPrerequisiteRecord) (int64, error) {
	cv, err := s.ActiveChart(ctx, a.OrgID)
	if err != nil {
		return 0, err
	}
	in.ItemKey, in.Statement = strings.TrimSpace(in.ItemKey), strings.Join(strings.Fields(in.Statement), " ")
	f := map[string]string{}
	if _, ok := chartItem(cv.Chart, in.ItemKey, framework.KindPrerequisite); !ok {
		f["item_key"] = "Choose the prerequisite this fact meets."
	}
	checkText(f, "statement", in.Statement, 160, "State the fact in a few words, for example: CORI cleared for the RSC.")
	checkDate(f, "on", in.On, s.today(), true, "Enter the date of the fact.")
	verr := core.Invalid(f)
	return s.changeWorker(ctx, a, workerID, false, "prerequisite recorded", func(tx *sql.Tx, w Worker) (int64, error) {
		if verr != nil {
			return 0, verr
		}
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO prerequisite_records (org_id, user_id, item_key, statement, recorded_on, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, a.OrgID, w.ID, in.ItemKey, in.Statement, in.On, ms(s.now()), a.UserID).Scan(&id)
		return id, err
	})
}

// PlanNote is a goal or note on a worker's development plan, written by the
// worker or their supervisor (or an administrator).
type PlanNote struct {
	ID         int64
	Body       string
	AuthorID   int64
	AuthorName string
	CreatedAt  time.Time
}

// AddPlanNote adds a goal or note to a worker's development plan.
func (s *Store) AddPlanNote(ctx context.Context, a Actor, workerID int64, body string) (int64, error) {
	body = strings.TrimSpace(body)
	f := map[string]string{}
	checkText(f, "body", body, 2000, "Write the goal or note.")
	verr := core.Invalid(f)
	return s.changeWorker(ctx, a, workerID, false, "plan note added", func(tx *sql.Tx, w Worker) (int64, error) {
		if verr != nil {
			return 0, verr
		}
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO development_notes (org_id, user_id, body, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			a.OrgID, w.ID, body, ms(s.now()), a.UserID).Scan(&id)
		return id, err
	})
}

// PlanNotes lists the goals and notes of a worker's plan, oldest first (a
// plan reads in the order it was written). A plan holds tens of notes, not
// thousands, so it comes whole.
func (s *Store) planNotes(ctx context.Context, orgID, workerID int64) ([]PlanNote, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT n.id, n.body, n.created_by, COALESCE(u.name, ''), n.created_at
		FROM development_notes n LEFT JOIN users u ON u.id = n.created_by WHERE n.org_id = $1 AND n.user_id = $2 ORDER BY n.id LIMIT 500`, orgID, workerID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc interface{ Scan(...any) error }) (PlanNote, error) {
		var n PlanNote
		var at int64
		err := sc.Scan(&n.ID, &n.Body, &n.AuthorID, &n.AuthorName, &at)
		n.CreatedAt = fromMS(at)
		return n, err
	})
}

// RecordKind names a kind of record that can be removed from a development
// record, or (for sign-offs and waivers) withdrawn.
type RecordKind string

// The kinds.
const (
	RecordRole         RecordKind = "role"
	RecordTraining     RecordKind = "training"
	RecordPrerequisite RecordKind = "prerequisite"
	RecordCredential   RecordKind = "credential"
	RecordPlanNote     RecordKind = "plan note"
	RecordSignoff      RecordKind = "sign-off"
	RecordWaiver       RecordKind = "waiver"
)

var removable = map[RecordKind]struct {
	table, owner string
	vouch        bool // only a supervisor or administrator may
	withdraw     bool // kept, marked withdrawn, rather than deleted
}{
	RecordRole:         {"worker_roles", "user_id", false, false},
	RecordTraining:     {"training_completions", "user_id", false, false},
	RecordPrerequisite: {"prerequisite_records", "user_id", false, false},
	RecordCredential:   {"credentials", "user_id", false, false},
	RecordPlanNote:     {"development_notes", "user_id", false, false},
	RecordSignoff:      {"competency_signoffs", "user_id", true, true},
	RecordWaiver:       {"waivers", "user_id", true, true},
}

// RemoveRecord removes a record someone added by mistake: a role, training,
// prerequisite fact, credential (with its continuing education) or plan
// note. Sign-offs and waivers are not deleted but withdrawn, by a supervisor
// or administrator, so it stays known who once vouched for what; they stop
// counting at once. A plan note may be removed by its author or an
// administrator only.
func (s *Store) RemoveRecord(ctx context.Context, a Actor, workerID int64, kind RecordKind, id int64) error {
	r, ok := removable[kind]
	if !ok {
		return core.NotFound("The record")
	}
	detail := string(kind) + " removed"
	if r.withdraw {
		detail = string(kind) + " withdrawn"
	}
	_, err := s.changeWorker(ctx, a, workerID, r.vouch, detail, func(tx *sql.Tx, w Worker) (int64, error) {
		var docID, author int64
		var withdrawn int64
		q := "SELECT 0, 0, 0 FROM " + r.table + " WHERE id = $1 AND org_id = $2 AND " + r.owner + " = $3"
		switch {
		case kind == RecordTraining:
			q = "SELECT COALESCE(document_id, 0), 0, 0 FROM training_completions WHERE id = $1 AND org_id = $2 AND user_id = $3"
		case kind == RecordPlanNote:
			q = "SELECT 0, created_by, 0 FROM development_notes WHERE id = $1 AND org_id = $2 AND user_id = $3"
		case r.withdraw:
			q = "SELECT 0, 0, withdrawn_at FROM " + r.table + " WHERE id = $1 AND org_id = $2 AND user_id = $3"
		}
		err := tx.QueryRowContext(ctx, q, id, a.OrgID, w.ID).Scan(&docID, &author, &withdrawn)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, core.Errorf(core.KindNotFound, "The %s was not found.", kind)
		}
		if err != nil {
			return 0, err
		}
		if kind == RecordPlanNote && author != a.UserID && w.Relation != RelAdmin {
			return 0, core.Forbidden("Only the person who wrote a note, or an administrator, can remove it.")
		}
		if r.withdraw {
			if withdrawn != 0 {
				return 0, core.Errorf(core.KindConflict, "This %s is already withdrawn.", kind)
			}
			_, err := tx.ExecContext(ctx, "UPDATE "+r.table+" SET withdrawn_at = $1, withdrawn_by = $2 WHERE id = $3 AND org_id = $4",
				ms(s.now()), a.UserID, id, a.OrgID)
			return id, err
		}
		if kind == RecordCredential {
			if _, err := tx.ExecContext(ctx, "DELETE FROM credential_hours WHERE credential_id = $1 AND org_id = $2", id, a.OrgID); err != nil {
				return 0, err
			}
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+r.table+" WHERE id = $1 AND org_id = $2", id, a.OrgID); err != nil {
			return 0, err
		}
		if docID != 0 {
			if _, err := tx.ExecContext(ctx, "DELETE FROM documents WHERE id = $1 AND org_id = $2", docID, a.OrgID); err != nil {
				return 0, err
			}
		}
		return id, nil
	})
	return err
}

// CourseCompletion is a course a user completed in one of the
// organisation's cohorts (issue 8), as the cohort code reports it.
type CourseCompletion struct {
	// CohortID makes the call idempotent: one training completion (and at
	// most one credential) per user per cohort, however often it is called.
	CohortID    int64
	Title       string          // e.g. "Certified Peer Specialist Training (CPS)"
	ItemKey     string          // the chart item it completes, e.g. "s2.train.cps"; may be ""
	CompletedOn string          // YYYY-MM-DD
	Provider    string          // e.g. "Transformation Center"
	Hours       workforce.Hours // hundredths of an hour
	// Credential is set once the participant has passed the exams. It is
	// recorded only where an administrator has set the organisation up as
	// the certifying body for its kind (SetCredentialRules, Certifies);
	// otherwise only the training is. It may be given on a later call for
	// the same cohort.
	Credential *CourseCredential
}

// CourseCredential is the credential a course led to.
type CourseCredential struct {
	Kind      workforce.CredentialKind // usually cps
	Name      string                   // for CredentialOther
	Number    string
	Issuer    string
	IssuedOn  string
	ExpiresOn string
}

// RecordCourseCompletion adds a cohort course completion to a user's
// development record, and the credential it led to when given and the
// organisation is its certifying body. It is
// idempotent per user and cohort: calling it again adds nothing already
// there (a credential given on a later call is added then).
//
// The actor is whoever closes the cohort (a trainer or administrator). It
// does not apply the development-record access rule, because a trainer is
// rarely the participant's supervisor: completing a course the organisation
// runs is a fact the organisation records. It does check that the user
// belongs to the actor's organisation, and it is audited on the user's
// development record. The cohort code is responsible for checking that the
// actor runs the cohort.
func (s *Store) RecordCourseCompletion(ctx context.Context, a Actor, userID int64, c CourseCompletion) error {
	c.Title, c.ItemKey, c.Provider = strings.TrimSpace(c.Title), strings.TrimSpace(c.ItemKey), strings.TrimSpace(c.Provider)
	today := s.today()
	f := map[string]string{}
	if c.CohortID <= 0 {
		f["cohort"] = "A course completion needs its cohort."
	}
	checkText(f, "title", c.Title, 300, "A course completion needs the course's title.")
	checkDate(f, "completed_on", c.CompletedOn, today, true, "A course completion needs its date.")
	if c.Hours < 0 || c.Hours > MaxTrainingHours*100 {
		f["hours"] = fmt.Sprintf("Hours must be from 0 to %d.", MaxTrainingHours)
	}
	if cr := c.Credential; cr != nil {
		if !cr.Kind.Valid() {
			f["credential.kind"] = "Unknown credential kind."
		}
		checkDate(f, "credential.issued_on", cr.IssuedOn, today, true, "A credential needs its issue date.")
		if cr.ExpiresOn != "" {
			checkDate(f, "credential.expires_on", cr.ExpiresOn, today, false, "")
		}
	}
	if err := core.Invalid(f); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error { return s.recordCourseCompletion(ctx, tx, a, userID, c) })
}

// recordCourseCompletion is RecordCourseCompletion inside the caller's
// transaction: issuing a CPS certificate calls it, so the certificate and
// the development record agree. Input is already valid.
func (s *Store) recordCourseCompletion(ctx context.Context, tx *sql.Tx, a Actor, userID int64, c CourseCompletion) error {
	source := fmt.Sprintf("cohort:%d", c.CohortID)
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE id = $1 AND org_id = $2", userID, a.OrgID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return errNoRecord()
	}
	added := []string{}
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM training_completions WHERE org_id = $1 AND user_id = $2 AND source = $3", a.OrgID, userID, source).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		if _, err := s.insertTraining(ctx, tx, a, userID, NewTraining{ItemKey: c.ItemKey, Title: c.Title, CompletedOn: c.CompletedOn, Provider: c.Provider, Hours: c.Hours}, source); err != nil {
			return err
		}
		added = append(added, "training")
	}
	cr := c.Credential
	if cr != nil {
		// A course leads to a credential only where the organisation is
		// its certifying body; otherwise the certifying body grants it
		// and it is recorded by hand, with its issuer.
		bodies, err := certifyingBodiesIn(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		if !bodies[cr.Kind] {
			cr = nil
		}
	}
	if cr != nil {
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM credentials WHERE org_id = $1 AND user_id = $2 AND source = $3", a.OrgID, userID, source).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			if _, err := s.insertCredential(ctx, tx, a, userID, NewCredential{Kind: cr.Kind, Name: cr.Name, Number: cr.Number, Issuer: cr.Issuer, IssuedOn: cr.IssuedOn, ExpiresOn: cr.ExpiresOn}, source); err != nil {
				return err
			}
			added = append(added, "credential")
		}
	}
	if len(added) == 0 {
		return nil // already recorded: nothing changed, nothing to audit
	}
	return s.record(ctx, tx, a, audit.ActionUpdate, "development", userID, source+" "+strings.Join(added, " and ")+" added")
}

// collect scans every row with scan and closes the rows.
func collect[T any](rows *sql.Rows, scan func(sc interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Training returns one of a worker's training completions.
func (s *Store) Training(ctx context.Context, a Actor, workerID, trainingID int64) (Training, error) {
	w, err := s.readWorker(ctx, a, workerID, fmt.Sprintf("training %d", trainingID))
	if err != nil {
		return Training{}, err
	}
	t, err := scanTraining(s.rdb.QueryRowContext(ctx, "SELECT "+trainingColumns+trainingFrom+"WHERE t.id = $1 AND t.org_id = $2 AND t.user_id = $3", trainingID, a.OrgID, w.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return t, core.NotFound("The training")
	}
	return t, err
}
