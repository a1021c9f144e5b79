package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/workforce"
)

// The Code of Ethics: the versions an organisation has published (the
// summary peerpath ships is the first), who has signed which version, and
// ethics consultations between a worker and their supervisor.

// EthicsVersion is one version of the organisation's Code of Ethics. Its
// hash identifies it; the current version is the latest published.
type EthicsVersion struct {
	ID              int64
	Title           string
	Text            string
	Hash            string
	Shipped         bool // peerpath's own summary, not the organisation's official text
	PublishedAt     time.Time
	PublishedByName string
}

// Paragraphs is the text split for display.
func (v EthicsVersion) Paragraphs() [][]string { return workforce.Paragraphs(v.Text) }

// ensureShippedEthics gives an organisation peerpath's summary as its first
// version the first time it needs one. The unique (org, hash) index makes a
// racing second insert harmless.
func (s *Store) ensureShippedEthics(ctx context.Context, orgID int64) error {
	var n int
	if err := s.rdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM ethics_versions WHERE org_id = $1", orgID).Scan(&n); err != nil || n > 0 {
		return err
	}
	text := workforce.NormaliseEthicsText(workforce.DefaultEthicsText)
	_, err := s.wdb.ExecContext(ctx, `INSERT INTO ethics_versions (org_id, title, body, sha256, shipped, published_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id, sha256) DO NOTHING`,
		orgID, workforce.DefaultEthicsTitle, text, workforce.EthicsHash(text), true, ms(s.now()))
	return err
}

const ethicsColumns = `v.id, v.title, v.body, v.sha256, v.shipped, v.published_at, COALESCE(u.name, '')`

func scanEthics(sc interface{ Scan(...any) error }) (EthicsVersion, error) {
	var v EthicsVersion
	var at int64
	err := sc.Scan(&v.ID, &v.Title, &v.Text, &v.Hash, &v.Shipped, &at, &v.PublishedByName)
	v.PublishedAt = fromMS(at)
	return v, err
}

// CurrentEthics returns the organisation's current Code of Ethics.
func (s *Store) CurrentEthics(ctx context.Context, orgID int64) (EthicsVersion, error) {
	if err := s.ensureShippedEthics(ctx, orgID); err != nil {
		return EthicsVersion{}, err
	}
	return s.currentEthics(ctx, s.rdb, orgID)
}

func (s *Store) currentEthics(ctx context.Context, q querier, orgID int64) (EthicsVersion, error) {
	v, err := scanEthics(q.QueryRowContext(ctx, "SELECT "+ethicsColumns+" FROM ethics_versions v LEFT JOIN users u ON u.id = v.published_by WHERE v.org_id = $1 ORDER BY v.id DESC LIMIT 1", orgID))
	if errors.Is(err, sql.ErrNoRows) {
		return v, core.NotFound("The Code of Ethics")
	}
	return v, err
}

// EthicsVersions lists the organisation's versions, latest first. An
// organisation publishes a handful over the years, so the list is whole.
func (s *Store) EthicsVersions(ctx context.Context, orgID int64) ([]EthicsVersion, error) {
	if err := s.ensureShippedEthics(ctx, orgID); err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+ethicsColumns+" FROM ethics_versions v LEFT JOIN users u ON u.id = v.published_by WHERE v.org_id = $1 ORDER BY v.id DESC LIMIT 200", orgID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanEthics)
}

// PublishEthics publishes the organisation's text as the new current
// version. From then on everyone is asked to sign again. Administrators only.
func (s *Store) PublishEthics(ctx context.Context, a Actor, title, text string) (EthicsVersion, error) {
	if !a.Has(auth.RoleAdmin) {
		return EthicsVersion{}, core.Forbidden("Only administrators publish the Code of Ethics.")
	}
	title, text = strings.TrimSpace(title), workforce.NormaliseEthicsText(text)
	f := map[string]string{}
	checkText(f, "title", title, 200, "Give the version a title, for example: MA CPS Code of Ethics (2013 revision).")
	checkText(f, "text", text, 50000, "Paste the code's full text.")
	if err := core.Invalid(f); err != nil {
		return EthicsVersion{}, err
	}
	if err := s.ensureShippedEthics(ctx, a.OrgID); err != nil {
		return EthicsVersion{}, err
	}
	hash := workforce.EthicsHash(text)
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO ethics_versions (org_id, title, body, sha256, shipped, published_at, published_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, a.OrgID, title, text, hash, false, ms(s.now()), a.UserID).Scan(&id)
		if isUniqueViolation(err) {
			msg := "This exact text has been published before. Change the text, or leave the current version as it is."
			return &core.Error{Kind: core.KindConflict, Message: msg, Fields: map[string]string{"text": msg}}
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "ethics_version", id, hash[:12])
	})
	if err != nil {
		return EthicsVersion{}, err
	}
	return s.CurrentEthics(ctx, a.OrgID)
}

// Attestation is a signature of one version of the code.
type Attestation struct {
	ID          int64
	UserID      int64
	VersionHash string
	TypedName   string
	At          time.Time
}

// EthicsStatus is where a user stands with the current code.
type EthicsStatus struct {
	Current  EthicsVersion
	Signed   *Attestation // of the current version
	Previous *Attestation // their latest signature of an earlier version, if any
}

// Needed reports whether the user still has to sign the current version.
func (e EthicsStatus) Needed() bool { return e.Signed == nil }

// EthicsStatusOf returns where a user of the actor's organisation stands
// with the current code: the user themselves, or (through the development
// record rule) their supervisor or an administrator.
func (s *Store) EthicsStatusOf(ctx context.Context, a Actor, userID int64) (EthicsStatus, error) {
	cur, err := s.CurrentEthics(ctx, a.OrgID)
	if err != nil {
		return EthicsStatus{}, err
	}
	w, err := s.worker(ctx, s.rdb, a, userID)
	if err != nil {
		return EthicsStatus{}, err
	}
	st := EthicsStatus{Current: cur}
	rows, err := s.rdb.QueryContext(ctx, `SELECT id, user_id, version_hash, typed_name, attested_at FROM ethics_attestations
		WHERE org_id = $1 AND user_id = $2 ORDER BY id DESC LIMIT 50`, a.OrgID, w.ID)
	if err != nil {
		return st, err
	}
	as, err := collect(rows, scanAttestation)
	for i := range as {
		switch {
		case as[i].VersionHash == cur.Hash && st.Signed == nil:
			st.Signed = &as[i]
		case as[i].VersionHash != cur.Hash && st.Previous == nil:
			st.Previous = &as[i]
		}
	}
	return st, err
}

func scanAttestation(sc interface{ Scan(...any) error }) (Attestation, error) {
	var at Attestation
	var t int64
	err := sc.Scan(&at.ID, &at.UserID, &at.VersionHash, &at.TypedName, &t)
	at.At = fromMS(t)
	return at, err
}

// SignatureProblem says what is wrong with a name typed to sign, for a
// user whose name on record is onRecord, or "" when it signs.
func SignatureProblem(onRecord, typed string) string {
	switch {
	case strings.TrimSpace(typed) == "":
		return "Type your full name to sign."
	case !workforce.SameName(typed, onRecord):
		return fmt.Sprintf("Type your full name as peerpath has it: %s. Capitals and accents do not matter.", onRecord)
	}
	return ""
}

// Attest signs the current code for the actor. versionHash must be the
// current version's (so nobody signs words they did not see: if a new
// version was published meanwhile, the answer is a conflict), and typedName
// must be the actor's name on record, ignoring case, accents and extra
// spaces. Signing the same version twice keeps the first signature;
// created says whether this call made one.
func (s *Store) Attest(ctx context.Context, a Actor, versionHash, typedName string) (Attestation, bool, error) {
	versionHash, typedName = strings.ToLower(strings.TrimSpace(versionHash)), strings.Join(strings.Fields(typedName), " ")
	cur, err := s.CurrentEthics(ctx, a.OrgID)
	if err != nil {
		return Attestation{}, false, err
	}
	me, err := s.User(ctx, a.OrgID, a.UserID)
	if err != nil {
		return Attestation{}, false, err
	}
	f := map[string]string{}
	if versionHash == "" {
		f["version_hash"] = "Give the hash of the version you read."
	}
	if msg := SignatureProblem(me.Name, typedName); msg != "" {
		f["typed_name"] = msg
	}
	if err := core.Invalid(f); err != nil {
		return Attestation{}, false, err
	}
	if versionHash != cur.Hash {
		var n int
		if err := s.rdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM ethics_versions WHERE org_id = $1 AND sha256 = $2", a.OrgID, versionHash).Scan(&n); err != nil {
			return Attestation{}, false, err
		}
		if n == 0 {
			return Attestation{}, false, core.Invalid(map[string]string{"version_hash": "This is not the hash of a version of your organisation's code."})
		}
		return Attestation{}, false, core.Conflict("A newer version of the Code of Ethics has been published since this one. Read the current version and sign that.")
	}
	var at Attestation
	created := false
	err = s.tx(ctx, func(tx *sql.Tx) error {
		at, err = scanAttestation(tx.QueryRowContext(ctx, "SELECT id, user_id, version_hash, typed_name, attested_at FROM ethics_attestations WHERE org_id = $1 AND user_id = $2 AND version_hash = $3",
			a.OrgID, a.UserID, cur.Hash))
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		at = Attestation{UserID: a.UserID, VersionHash: cur.Hash, TypedName: typedName, At: s.now()}
		if err := tx.QueryRowContext(ctx, `INSERT INTO ethics_attestations (org_id, user_id, version_hash, typed_name, attested_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			a.OrgID, a.UserID, cur.Hash, typedName, ms(at.At)).Scan(&at.ID); err != nil {
			return err
		}
		created = true
		return s.record(ctx, tx, a, audit.ActionCreate, "development", a.UserID, "ethics attested "+cur.Hash[:12])
	})
	return at, created, err
}

// NotAttested lists the organisation's active users who have not signed
// the current version of the code, by name. Administrators only.
func (s *Store) NotAttested(ctx context.Context, a Actor, p Page) (EthicsVersion, List[User], error) {
	if !a.Has(auth.RoleAdmin) {
		return EthicsVersion{}, List[User]{}, core.Forbidden("Only administrators see everyone's signatures.")
	}
	var afterName string
	var afterID int64
	has, err := decodeCursor(p.Cursor, &afterName, &afterID)
	if err != nil {
		return EthicsVersion{}, List[User]{}, err
	}
	cur, err := s.CurrentEthics(ctx, a.OrgID)
	if err != nil {
		return cur, List[User]{}, err
	}
	limit := p.limit()
	q := "SELECT " + userColumns + userFrom + `WHERE u.org_id = $1 AND u.active
		AND NOT EXISTS (SELECT 1 FROM ethics_attestations e WHERE e.org_id = $1 AND e.user_id = u.id AND e.version_hash = $2)`
	args := []any{a.OrgID, cur.Hash}
	if has {
		q += " AND (u.name > $3 OR (u.name = $3 AND u.id > $4))"
		args = append(args, afterName, afterID)
	}
	q += fmt.Sprintf(" ORDER BY u.name, u.id LIMIT %d", limit+1)
	users, err := s.queryUsers(ctx, q, args...)
	if err != nil {
		return cur, List[User]{}, err
	}
	users, more := trim(users, limit)
	if err := s.loadRoles(ctx, s.rdb, users); err != nil {
		return cur, List[User]{}, err
	}
	res := List[User]{Items: users}
	if more {
		last := users[len(users)-1]
		res.Next = encodeCursor(last.Name, last.ID)
	}
	return cur, res, nil
}

// attestedFor tells which of many workers have signed a version, and when.
func (s *Store) attestedFor(ctx context.Context, orgID int64, hash string, workerIDs []int64) (map[int64]time.Time, error) {
	out := map[int64]time.Time{}
	if len(workerIDs) == 0 {
		return out, nil
	}
	ph, args := inList(workerIDs, []any{orgID, hash})
	rows, err := s.rdb.QueryContext(ctx, "SELECT user_id, attested_at FROM ethics_attestations WHERE org_id = $1 AND version_hash = $2 AND user_id IN ("+ph+")",
		args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, at int64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		out[id] = fromMS(at)
	}
	return out, rows.Err()
}

// Consultation is an ethics consultation: a situation a worker brought to
// their supervisor (a task that conflicts with mutuality, a gift, a dual
// relationship …), the guidance given, and what happened. Only the worker,
// their supervisor and administrators see it: the development record rule.
type Consultation struct {
	ID             int64
	WorkerID       int64
	Situation      string
	Guidance       string
	GuidanceByName string
	GuidanceAt     time.Time
	Outcome        string
	OutcomeAt      time.Time
	CreatedAt      time.Time
	CreatedByName  string
}

// Status is where the consultation has got to, in plain words.
func (c Consultation) Status() string {
	switch {
	case c.Outcome != "":
		return "Closed"
	case c.Guidance != "":
		return "Guidance given"
	}
	return "Waiting for guidance"
}

// Summary is the start of the situation, for lists: at most 90 letters,
// cut at a space where it can be.
func (c Consultation) Summary() string {
	r := []rune(strings.Join(strings.Fields(c.Situation), " "))
	if len(r) <= 90 {
		return string(r)
	}
	cut := 90
	for i := 89; i > 60; i-- {
		if r[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimSpace(string(r[:cut])) + "…"
}

const consultationColumns = `c.id, c.user_id, c.situation, c.guidance, COALESCE(g.name, ''), c.guidance_at, c.outcome, c.outcome_at, c.created_at, COALESCE(cb.name, '')`

const consultationFrom = ` FROM ethics_consultations c LEFT JOIN users g ON g.id = c.guidance_by LEFT JOIN users cb ON cb.id = c.created_by `

func scanConsultation(sc interface{ Scan(...any) error }) (Consultation, error) {
	var c Consultation
	var gat, oat, cat int64
	err := sc.Scan(&c.ID, &c.WorkerID, &c.Situation, &c.Guidance, &c.GuidanceByName, &gat, &c.Outcome, &oat, &cat, &c.CreatedByName)
	c.GuidanceAt, c.OutcomeAt, c.CreatedAt = fromMS(gat), fromMS(oat), fromMS(cat)
	return c, err
}

// AddConsultation records a situation for an ethics consultation.
func (s *Store) AddConsultation(ctx context.Context, a Actor, workerID int64, situation string) (int64, error) {
	situation = strings.TrimSpace(situation)
	f := map[string]string{}
	checkText(f, "situation", situation, 4000, "Describe the situation you would like guidance on.")
	verr := core.Invalid(f)
	return s.changeWorker(ctx, a, workerID, false, "ethics consultation added", func(tx *sql.Tx, w Worker) (int64, error) {
		if verr != nil {
			return 0, verr
		}
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO ethics_consultations (org_id, user_id, situation, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			a.OrgID, w.ID, situation, ms(s.now()), a.UserID).Scan(&id)
		return id, err
	})
}

// Consultations lists a worker's ethics consultations, latest first.
func (s *Store) Consultations(ctx context.Context, a Actor, workerID int64, p Page) (Worker, List[Consultation], error) {
	var after int64
	has, err := decodeCursor(p.Cursor, &after)
	if err != nil {
		return Worker{}, List[Consultation]{}, err
	}
	w, err := s.readWorker(ctx, a, workerID, "ethics consultations")
	if err != nil {
		return w, List[Consultation]{}, err
	}
	limit := p.limit()
	q := "SELECT " + consultationColumns + consultationFrom + "WHERE c.org_id = $1 AND c.user_id = $2"
	args := []any{a.OrgID, w.ID}
	if has {
		q += " AND c.id < $3"
		args = append(args, after)
	}
	rows, err := s.rdb.QueryContext(ctx, q+fmt.Sprintf(" ORDER BY c.id DESC LIMIT %d", limit+1), args...)
	if err != nil {
		return w, List[Consultation]{}, err
	}
	cs, err := collect(rows, scanConsultation)
	if err != nil {
		return w, List[Consultation]{}, err
	}
	cs, more := trim(cs, limit)
	res := List[Consultation]{Items: cs}
	if more {
		res.Next = encodeCursor(cs[len(cs)-1].ID)
	}
	return w, res, nil
}

// Consultation returns one of a worker's ethics consultations. Reading
// someone else's is audited.
func (s *Store) Consultation(ctx context.Context, a Actor, workerID, consultationID int64) (Worker, Consultation, error) {
	w, err := s.worker(ctx, s.rdb, a, workerID)
	if err != nil {
		return w, Consultation{}, err
	}
	c, err := scanConsultation(s.rdb.QueryRowContext(ctx, "SELECT "+consultationColumns+consultationFrom+"WHERE c.id = $1 AND c.org_id = $2 AND c.user_id = $3", consultationID, a.OrgID, w.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return w, c, core.NotFound("The consultation")
	}
	if err != nil {
		return w, c, err
	}
	if !w.Relation.Self() {
		err = s.recordRead(ctx, a, "development", w.ID, fmt.Sprintf("ethics consultation %d", c.ID))
	}
	return w, c, err
}

// GiveGuidance records the supervisor's (or an administrator's) guidance on
// a consultation. It may be revised until an outcome is recorded.
func (s *Store) GiveGuidance(ctx context.Context, a Actor, workerID, consultationID int64, guidance string) error {
	guidance = strings.TrimSpace(guidance)
	f := map[string]string{}
	checkText(f, "guidance", guidance, 4000, "Write your guidance.")
	verr := core.Invalid(f)
	_, err := s.changeWorker(ctx, a, workerID, true, "ethics guidance given", func(tx *sql.Tx, w Worker) (int64, error) {
		c, err := scanConsultation(tx.QueryRowContext(ctx, "SELECT "+consultationColumns+consultationFrom+"WHERE c.id = $1 AND c.org_id = $2 AND c.user_id = $3", consultationID, a.OrgID, w.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return 0, core.NotFound("The consultation")
		}
		if err != nil {
			return 0, err
		}
		if c.Outcome != "" {
			return 0, core.Conflict("This consultation is closed: its outcome is recorded.")
		}
		if verr != nil {
			return 0, verr
		}
		_, err = tx.ExecContext(ctx, "UPDATE ethics_consultations SET guidance = $1, guidance_by = $2, guidance_at = $3 WHERE id = $4 AND org_id = $5",
			guidance, a.UserID, ms(s.now()), consultationID, a.OrgID)
		return consultationID, err
	})
	return err
}

// RecordOutcome records what happened, closing the consultation. The
// worker, their supervisor or an administrator may, once guidance is given.
func (s *Store) RecordOutcome(ctx context.Context, a Actor, workerID, consultationID int64, outcome string) error {
	outcome = strings.TrimSpace(outcome)
	f := map[string]string{}
	checkText(f, "outcome", outcome, 4000, "Write what happened.")
	verr := core.Invalid(f)
	_, err := s.changeWorker(ctx, a, workerID, false, "ethics consultation closed", func(tx *sql.Tx, w Worker) (int64, error) {
		c, err := scanConsultation(tx.QueryRowContext(ctx, "SELECT "+consultationColumns+consultationFrom+"WHERE c.id = $1 AND c.org_id = $2 AND c.user_id = $3", consultationID, a.OrgID, w.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return 0, core.NotFound("The consultation")
		}
		if err != nil {
			return 0, err
		}
		switch {
		case c.Outcome != "":
			return 0, core.Conflict("The outcome is already recorded.")
		case c.Guidance == "":
			return 0, core.Conflict("Record the outcome after the supervisor's guidance.")
		}
		if verr != nil {
			return 0, verr
		}
		_, err = tx.ExecContext(ctx, "UPDATE ethics_consultations SET outcome = $1, outcome_at = $2 WHERE id = $3 AND org_id = $4", outcome, ms(s.now()), consultationID, a.OrgID)
		return consultationID, err
	})
	return err
}
