package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/core"
	"peerpath/internal/framework"
	"peerpath/internal/workforce"
)

// Codes of ethics: the codes the active chart names (the MA CPS Code of
// Ethics, an RSC code of ethics/conduct, …), the versions an organisation
// has published of each (the text peerpath ships is the first), who has
// signed which version, and ethics consultations between a worker and their
// supervisor. An attestation is to one version of one code, found by the
// version's hash.

// EthicsVersion is one version of one of the organisation's codes of
// ethics. Its hash identifies it; a code's current version is its latest
// published.
type EthicsVersion struct {
	ID              int64
	Code            string // the code's key, e.g. "cps" or "rsc"
	Title           string
	Text            string
	Hash            string
	Shipped         bool // peerpath's own summary, not the organisation's official text
	PublishedAt     time.Time
	PublishedByName string
}

// Paragraphs is the text split for display.
func (v EthicsVersion) Paragraphs() [][]string { return workforce.Paragraphs(v.Text) }

// shippedEthics is the text peerpath ships for a code: its summary of the
// MA CPS code, a placeholder RSC code the organisation replaces, or a
// placeholder for any other code a chart names.
func shippedEthics(info framework.EthicsCodeInfo) (title, text string) {
	switch info.Key {
	case "cps":
		return workforce.DefaultEthicsTitle, workforce.DefaultEthicsText
	case "rsc":
		return workforce.DefaultRSCTitle, workforce.DefaultRSCText
	}
	return workforce.PlaceholderTitle(info.Title), workforce.PlaceholderText(info.Title)
}

// ensureShippedEthics gives an organisation peerpath's text as the first
// version of every code the chart names that it has no version of yet. The
// unique (org, hash) index makes a racing second insert harmless.
func (s *Store) ensureShippedEthics(ctx context.Context, orgID int64, codes []framework.EthicsCodeInfo) error {
	rows, err := s.rdb.QueryContext(ctx, "SELECT DISTINCT code FROM ethics_versions WHERE org_id = $1", orgID)
	if err != nil {
		return err
	}
	have, err := collect(rows, func(sc interface{ Scan(...any) error }) (string, error) {
		var c string
		return c, sc.Scan(&c)
	})
	if err != nil {
		return err
	}
	for _, info := range codes {
		if slices.Contains(have, info.Key) {
			continue
		}
		title, text := shippedEthics(info)
		text = workforce.NormaliseEthicsText(text)
		if _, err := s.wdb.ExecContext(ctx, `INSERT INTO ethics_versions (org_id, code, title, body, sha256, shipped, published_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org_id, sha256) DO NOTHING`,
			orgID, info.Key, title, text, workforce.EthicsHash(text), true, ms(s.now())); err != nil {
			return err
		}
	}
	return nil
}

const ethicsColumns = `v.id, v.code, v.title, v.body, v.sha256, v.shipped, v.published_at, COALESCE(u.name, '')`

func scanEthics(sc interface{ Scan(...any) error }) (EthicsVersion, error) {
	var v EthicsVersion
	var at int64
	err := sc.Scan(&v.ID, &v.Code, &v.Title, &v.Text, &v.Hash, &v.Shipped, &at, &v.PublishedByName)
	v.PublishedAt = fromMS(at)
	return v, err
}

// CurrentEthics returns the current version of the organisation's CPS
// Code of Ethics (or, under a chart without one, of its first code).
func (s *Store) CurrentEthics(ctx context.Context, orgID int64) (EthicsVersion, error) {
	codes, err := s.EthicsCodes(ctx, orgID)
	if err != nil {
		return EthicsVersion{}, err
	}
	return defaultCode(codes).Current, nil
}

// defaultCode is the code an attestation without a code is to.
func defaultCode(codes []EthicsCode) EthicsCode {
	for _, c := range codes {
		if c.Key == framework.DefaultEthicsCode {
			return c
		}
	}
	return codes[0]
}

// EthicsVersions lists the organisation's versions of every code, latest
// first. An organisation publishes a handful over the years, so the list
// is whole.
func (s *Store) EthicsVersions(ctx context.Context, orgID int64) ([]EthicsVersion, error) {
	if _, err := s.EthicsCodes(ctx, orgID); err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+ethicsColumns+" FROM ethics_versions v LEFT JOIN users u ON u.id = v.published_by WHERE v.org_id = $1 ORDER BY v.id DESC LIMIT 500", orgID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanEthics)
}

// PublishEthics publishes the organisation's text of the CPS code; see
// PublishEthicsCode.
func (s *Store) PublishEthics(ctx context.Context, a Actor, title, text string) (EthicsVersion, error) {
	return s.PublishEthicsCode(ctx, a, "", title, text)
}

// PublishEthicsCode publishes the organisation's text of one code ("" is
// the CPS code) as its new current version. From then on everyone the code
// applies to is asked to sign again. Administrators only.
func (s *Store) PublishEthicsCode(ctx context.Context, a Actor, code, title, text string) (EthicsVersion, error) {
	if !a.MayChangeOrgSettings() {
		return EthicsVersion{}, core.Forbidden("Only administrators publish a code of ethics.")
	}
	codes, err := s.EthicsCodes(ctx, a.OrgID)
	if err != nil {
		return EthicsVersion{}, err
	}
	title, text = strings.TrimSpace(title), workforce.NormaliseEthicsText(text)
	f := map[string]string{}
	ec, ok := codeByKey(codes, code)
	if !ok {
		f["code"] = fmt.Sprintf("Choose one of your organisation's codes: %s.", codeKeys(codes))
	}
	checkText(f, "title", title, 200, "Give the version a title, for example: MA CPS Code of Ethics (2013 revision).")
	checkText(f, "text", text, 50000, "Paste the code's full text.")
	if err := core.Invalid(f); err != nil {
		return EthicsVersion{}, err
	}
	hash := workforce.EthicsHash(text)
	var id int64
	err = s.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO ethics_versions (org_id, code, title, body, sha256, shipped, published_at, published_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, a.OrgID, ec.Key, title, text, hash, false, ms(s.now()), a.UserID).Scan(&id)
		if isUniqueViolation(err) {
			msg := "This exact text has been published before. Change the text, or leave the current version as it is."
			return &core.Error{Kind: core.KindConflict, Message: msg, Fields: map[string]string{"text": msg}}
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "ethics_version", id, ec.Key+" "+hash[:12])
	})
	if err != nil {
		return EthicsVersion{}, err
	}
	ec, err = s.EthicsCodeByKey(ctx, a.OrgID, ec.Key)
	return ec.Current, err
}

// Attestation is a signature of one version of one code.
type Attestation struct {
	ID          int64
	UserID      int64
	Code        string
	VersionHash string
	TypedName   string
	At          time.Time
}

// EthicsStatus is where a user stands with one code's current version.
// Applies says whether the code applies to the user's track (a worker on
// both tracks signs every code; one without a track, none yet).
type EthicsStatus struct {
	Code     EthicsCode
	Current  EthicsVersion
	Applies  bool
	Signed   *Attestation // of the current version
	Previous *Attestation // their latest signature of an earlier version, if any
}

// Needed reports whether the user still has to sign the current version.
func (e EthicsStatus) Needed() bool { return e.Signed == nil }

// EthicsStatusOf returns where a user of the actor's organisation stands
// with the current CPS code: the user themselves, or (through the
// development record rule) their supervisor or an administrator.
func (s *Store) EthicsStatusOf(ctx context.Context, a Actor, userID int64) (EthicsStatus, error) {
	all, err := s.EthicsStatusesOf(ctx, a, userID)
	if err != nil {
		return EthicsStatus{}, err
	}
	for _, st := range all {
		if st.Code.Key == framework.DefaultEthicsCode {
			return st, nil
		}
	}
	return all[0], nil
}

// EthicsStatusesOf returns where a user stands with every code of the
// organisation, in the chart's order, each marked with whether it applies
// to the user's track.
func (s *Store) EthicsStatusesOf(ctx context.Context, a Actor, userID int64) ([]EthicsStatus, error) {
	codes, err := s.EthicsCodes(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	w, err := s.worker(ctx, s.rdb, a, userID)
	if err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT a.id, a.user_id, COALESCE(v.code, ''), a.version_hash, a.typed_name, a.attested_at
		FROM ethics_attestations a LEFT JOIN ethics_versions v ON v.org_id = a.org_id AND v.sha256 = a.version_hash
		WHERE a.org_id = $1 AND a.user_id = $2 ORDER BY a.id DESC LIMIT 200`, a.OrgID, w.ID)
	if err != nil {
		return nil, err
	}
	as, err := collect(rows, func(sc interface{ Scan(...any) error }) (Attestation, error) {
		var at Attestation
		var t int64
		err := sc.Scan(&at.ID, &at.UserID, &at.Code, &at.VersionHash, &at.TypedName, &t)
		at.At = fromMS(t)
		return at, err
	})
	if err != nil {
		return nil, err
	}
	out := make([]EthicsStatus, len(codes))
	for i, c := range codes {
		st := EthicsStatus{Code: c, Current: c.Current, Applies: w.Track.Valid() && c.AppliesTo(w.Track)}
		for j := range as {
			switch {
			case as[j].Code != c.Key:
			case as[j].VersionHash == c.Current.Hash && st.Signed == nil:
				st.Signed = &as[j]
			case as[j].VersionHash != c.Current.Hash && st.Previous == nil:
				st.Previous = &as[j]
			}
		}
		out[i] = st
	}
	return out, nil
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

// Attest signs the current CPS code for the actor; see AttestCode.
func (s *Store) Attest(ctx context.Context, a Actor, versionHash, typedName string) (Attestation, bool, error) {
	return s.AttestCode(ctx, a, "", versionHash, typedName)
}

// AttestCode signs the current version of one code for the actor ("" is the
// CPS code, so clients written before codes had keys keep working).
// versionHash must be that code's current version's (so nobody signs words
// they did not see: if a new version was published meanwhile, the answer
// is a conflict), and typedName must be the actor's name on record,
// ignoring case, accents and extra spaces. Signing the same version twice
// keeps the first signature; created says whether this call made one.
func (s *Store) AttestCode(ctx context.Context, a Actor, code, versionHash, typedName string) (Attestation, bool, error) {
	versionHash, typedName = strings.ToLower(strings.TrimSpace(versionHash)), strings.Join(strings.Fields(typedName), " ")
	codes, err := s.EthicsCodes(ctx, a.OrgID)
	if err != nil {
		return Attestation{}, false, err
	}
	ec, ok := codeByKey(codes, code)
	cur := ec.Current
	me, err := s.User(ctx, a.OrgID, a.UserID)
	if err != nil {
		return Attestation{}, false, err
	}
	f := map[string]string{}
	if !ok {
		f["code"] = fmt.Sprintf("Choose one of your organisation's codes: %s.", codeKeys(codes))
	}
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
		if err := s.rdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM ethics_versions WHERE org_id = $1 AND code = $2 AND sha256 = $3", a.OrgID, ec.Key, versionHash).Scan(&n); err != nil {
			return Attestation{}, false, err
		}
		if n == 0 {
			return Attestation{}, false, core.Invalid(map[string]string{"version_hash": fmt.Sprintf("This is not the hash of a version of %s.", ec.Title)})
		}
		return Attestation{}, false, core.Errorf(core.KindConflict, "A newer version of %s has been published since this one. Read the current version and sign that.", ec.Title)
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
		at = Attestation{UserID: a.UserID, Code: ec.Key, VersionHash: cur.Hash, TypedName: typedName, At: s.now()}
		if err := tx.QueryRowContext(ctx, `INSERT INTO ethics_attestations (org_id, user_id, version_hash, typed_name, attested_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			a.OrgID, a.UserID, cur.Hash, typedName, ms(at.At)).Scan(&at.ID); err != nil {
			return err
		}
		created = true
		return s.record(ctx, tx, a, audit.ActionCreate, "development", a.UserID, "ethics attested "+ec.Key+" "+cur.Hash[:12])
	})
	at.Code = ec.Key
	return at, created, err
}

// NotAttested lists who has not signed the current CPS code; see
// NotAttestedCode.
func (s *Store) NotAttested(ctx context.Context, a Actor, p Page) (EthicsVersion, List[User], error) {
	ec, l, err := s.NotAttestedCode(ctx, a, "", p)
	return ec.Current, l, err
}

// NotAttestedCode lists the organisation's active users on a track the
// code applies to who have not signed its current version, by name.
// Administrators only.
func (s *Store) NotAttestedCode(ctx context.Context, a Actor, code string, p Page) (EthicsCode, List[User], error) {
	if !a.MaySeeSignatures() {
		return EthicsCode{}, List[User]{}, core.Forbidden("Only administrators see everyone's signatures.")
	}
	var afterName string
	var afterID int64
	has, err := decodeCursor(p.Cursor, &afterName, &afterID)
	if err != nil {
		return EthicsCode{}, List[User]{}, err
	}
	codes, err := s.EthicsCodes(ctx, a.OrgID)
	if err != nil {
		return EthicsCode{}, List[User]{}, err
	}
	ec, ok := codeByKey(codes, code)
	if !ok {
		return EthicsCode{}, List[User]{}, core.NotFound("The code of ethics")
	}
	limit := p.limit()
	args := []any{a.OrgID}
	cond := unsignedWhere([]EthicsCode{ec}, &args)
	q := "SELECT " + userColumns + userFrom + ` LEFT JOIN worker_profiles wp ON wp.user_id = u.id WHERE u.org_id = $1 AND u.active AND ` + cond
	if has {
		q += fmt.Sprintf(" AND (u.name > $%d OR (u.name = $%d AND u.id > $%d))", len(args)+1, len(args)+1, len(args)+2)
		args = append(args, afterName, afterID)
	}
	q += fmt.Sprintf(" ORDER BY u.name, u.id LIMIT %d", limit+1)
	users, err := s.queryUsers(ctx, q, args...)
	if err != nil {
		return ec, List[User]{}, err
	}
	users, more := trim(users, limit)
	if err := s.loadRoles(ctx, s.rdb, users); err != nil {
		return ec, List[User]{}, err
	}
	res := List[User]{Items: users}
	if more {
		last := users[len(users)-1]
		res.Next = encodeCursor(last.Name, last.ID)
	}
	return ec, res, nil
}

// unsignedWhere is the SQL condition, on users u joined to worker_profiles
// wp, for a user who has not signed the current version of at least one of
// codes that applies to their track. The organisation id must be args[0].
func unsignedWhere(codes []EthicsCode, args *[]any) string {
	var parts []string
	for _, c := range codes {
		tracks := []string{"'both'"}
		for _, t := range c.Tracks {
			if t == framework.TrackBoth {
				tracks = append(tracks, "'mental-health'", "'addiction'")
			} else {
				tracks = append(tracks, "'"+string(t)+"'")
			}
		}
		*args = append(*args, c.Current.Hash)
		parts = append(parts, fmt.Sprintf(`(COALESCE(wp.track, '') IN (%s)
			AND NOT EXISTS (SELECT 1 FROM ethics_attestations e WHERE e.org_id = $1 AND e.user_id = u.id AND e.version_hash = $%d))`,
			strings.Join(tracks, ", "), len(*args)))
	}
	if len(parts) == 0 {
		return "FALSE"
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// attestedFor tells which of many workers have signed the current version
// of which code, and when.
func (s *Store) attestedFor(ctx context.Context, orgID int64, codes []EthicsCode, workerIDs []int64) (map[int64]map[string]time.Time, error) {
	out := map[int64]map[string]time.Time{}
	if len(workerIDs) == 0 || len(codes) == 0 {
		return out, nil
	}
	byHash := map[string]string{}
	hashes := make([]string, 0, len(codes))
	for _, c := range codes {
		byHash[c.Current.Hash] = c.Key
		hashes = append(hashes, c.Current.Hash)
	}
	args := []any{orgID}
	hph := make([]string, len(hashes))
	for i, h := range hashes {
		args = append(args, h)
		hph[i] = fmt.Sprintf("$%d", len(args))
	}
	ph, args := inList(workerIDs, args)
	rows, err := s.rdb.QueryContext(ctx, "SELECT user_id, version_hash, attested_at FROM ethics_attestations WHERE org_id = $1 AND version_hash IN ("+strings.Join(hph, ", ")+") AND user_id IN ("+ph+")",
		args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, at int64
		var hash string
		if err := rows.Scan(&id, &hash, &at); err != nil {
			return nil, err
		}
		if out[id] == nil {
			out[id] = map[string]time.Time{}
		}
		out[id][byHash[hash]] = fromMS(at)
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
