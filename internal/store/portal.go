package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"peerpath/internal/audit"
	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/i18n"
	"peerpath/internal/mail"
)

// The person's own portal (issue 18).
//
// A portal account is a row of users with person_id set and no role. It
// signs in at /login with the same sessions, lockout, rate limits and second
// factor as staff. As an Actor it carries PersonID, and visibleTo lets it
// see that one person and nobody else, so every store method about a
// person's records serves the portal unchanged and answers "not found" for
// any other id. The web layer keeps it off every staff route (routes.go).

// PortalInviteTTL is how long a portal invitation works.
const PortalInviteTTL = 7 * 24 * time.Hour

// PortalInvitation is a one-time invitation: a link token and a short code
// to read out or print. Token and Code are only known when it is made.
type PortalInvitation struct {
	ID        int64
	PersonID  int64
	Token     string
	Code      string
	Login     string // what the person signs in with: their email, or a sign-in name
	ExpiresAt time.Time
	Emailed   string // the address the invitation was also sent to, if any
}

// The answers for an invitation that cannot be used; the web shows them in
// the reader's language.
var (
	ErrInvitationUsed    = &core.Error{Kind: core.KindConflict, Message: "This invitation has already been used. If that was not you, or you need to set a new password, ask your peer worker for a new invitation."}
	ErrInvitationExpired = &core.Error{Kind: core.KindConflict, Message: "This invitation has expired. Ask your peer worker for a new one."}
	ErrInvitationUnknown = core.NotFound("The invitation")
)

// codeAlphabet leaves out letters and digits read alike (0/O, 1/I/L).
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// newInviteCode returns a code such as "K7QM-3XWD": 8 characters, 39 bits.
// Guessing one is held back by the sign-in rate limits on acceptance.
func newInviteCode() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic("store: no randomness: " + err.Error())
	}
	out := make([]byte, 0, 9)
	for i, c := range b {
		if i == 4 {
			out = append(out, '-')
		}
		out = append(out, codeAlphabet[int(c)%len(codeAlphabet)])
	}
	return string(out)
}

// normaliseInvite makes a typed code match however it was typed ("k7qm 3xwd").
func normaliseInvite(s string) string {
	s = strings.TrimSpace(s)
	plain := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, s)
	if len(plain) == 8 {
		return strings.ToUpper(plain[:4] + "-" + plain[4:])
	}
	return s
}

// InviteToPortal makes a one-time invitation for a person the actor can
// see. Earlier open invitations of the person stop working. A person who
// already has an account gets a new password through it (a reset).
func (s *Store) InviteToPortal(ctx context.Context, a Actor, personID int64) (PortalInvitation, error) {
	return s.invite(ctx, a, personID, nil)
}

// SendPortalInvitation is InviteToPortal that also puts an email holding
// the link in the outbox, in the person's language, when their record has
// an email address (Emailed says so). linkFor turns the token into the
// address to open.
func (s *Store) SendPortalInvitation(ctx context.Context, a Actor, personID int64, linkFor func(token string) string) (PortalInvitation, error) {
	return s.invite(ctx, a, personID, linkFor)
}

func (s *Store) invite(ctx context.Context, a Actor, personID int64, linkFor func(string) string) (PortalInvitation, error) {
	if !a.MayInviteToPortal() {
		return PortalInvitation{}, core.NotFound("The person")
	}
	inv := PortalInvitation{PersonID: personID, Token: auth.NewToken(""), Code: newInviteCode()}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		p, err := s.person(ctx, tx, a, personID)
		if err != nil {
			return err
		}
		if inv.Login, err = s.portalLogin(ctx, tx, p); err != nil {
			return err
		}
		now := s.now()
		inv.ExpiresAt = now.Add(PortalInviteTTL).Truncate(time.Millisecond)
		if _, err := tx.ExecContext(ctx, "UPDATE portal_invitations SET expires_at = $1 WHERE org_id = $2 AND person_id = $3 AND used_at = 0 AND expires_at > $1",
			ms(now), a.OrgID, personID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO portal_invitations (org_id, person_id, token_hash, code_hash, login, created_by, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, a.OrgID, personID, auth.HashToken(inv.Token), auth.HashToken(inv.Code),
			inv.Login, a.UserID, ms(now), ms(inv.ExpiresAt)).Scan(&inv.ID); err != nil {
			return err
		}
		detail := "person " + idString(personID)
		if to := normaliseEmail(p.Email); linkFor != nil && to != "" && validEmail(to) {
			var org string
			if err := tx.QueryRowContext(ctx, "SELECT name FROM organisations WHERE id = $1", a.OrgID).Scan(&org); err != nil {
				return err
			}
			l := i18n.For(p.PreferredLanguage)
			m := mail.PortalInvitation(to, p.PreferredName, org, l.T("email.portal.subject", "Org", org), l.T("email.portal.para", "Org", org),
				linkFor(inv.Token), l.T("email.portal.link"), l.T("email.portal.after", "Date", core.DateTime(inv.ExpiresAt), "Login", inv.Login),
				mailWords(l))
			if err := s.enqueueMail(ctx, tx, a.OrgID, "portal_invitation", "", m); err != nil {
				return err
			}
			inv.Emailed, detail = to, detail+", sent by email"
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "portal_invitation", inv.ID, detail)
	})
	return inv, err
}

// portalLogin is what the person will sign in with: their existing
// account's, else their email when nobody uses it, else a sign-in name made
// from their name and digits.
func (s *Store) portalLogin(ctx context.Context, tx *sql.Tx, p Person) (string, error) {
	var login string
	err := tx.QueryRowContext(ctx, "SELECT email FROM users WHERE org_id = $1 AND person_id = $2 ORDER BY id LIMIT 1", p.OrgID, p.ID).Scan(&login)
	if err == nil {
		return login, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	taken := func(l string) (bool, error) {
		var one int
		err := tx.QueryRowContext(ctx, "SELECT 1 FROM users WHERE email = $1", l).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return err == nil, err
	}
	if e := normaliseEmail(p.Email); e != "" && validEmail(e) {
		used, err := taken(e)
		if err != nil || !used {
			return e, err
		}
	}
	base := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return -1
	}, norm.NFD.String(p.PreferredName)) // "María" gives "maria"
	if len(base) > 12 {
		base = base[:12]
	}
	if base == "" {
		base = "me"
	}
	for range 20 {
		b := make([]byte, 2)
		if _, err := rand.Read(b); err != nil {
			return "", err
		}
		l := fmt.Sprintf("%s-%04d", base, (int(b[0])<<8|int(b[1]))%10000)
		used, err := taken(l)
		if err != nil || !used {
			return l, err
		}
	}
	return "", core.Conflict("peerpath could not find a free sign-in name. Try again.")
}

// PortalInvitationInfo is what the acceptance page shows before a password
// is set: whom it is for, what they will sign in with, and the language
// their record gives.
type PortalInvitationInfo struct {
	PersonName string
	Language   string
	Login      string
	ExpiresAt  time.Time
}

// lookupInvitation finds an invitation by its link token or its code, and
// says plainly when it was used or has expired.
func (s *Store) lookupInvitation(ctx context.Context, q querier, tokenOrCode string, lock bool) (id, orgID, personID int64, login string, expires time.Time, err error) {
	t := strings.TrimSpace(tokenOrCode)
	if t == "" {
		return 0, 0, 0, "", time.Time{}, ErrInvitationUnknown
	}
	var used, exp int64
	h1, h2 := auth.HashToken(t), auth.HashToken(normaliseInvite(t))
	suffix := ""
	if lock {
		suffix = s.forUpdate()
	}
	err = q.QueryRowContext(ctx, "SELECT id, org_id, person_id, login, used_at, expires_at FROM portal_invitations WHERE token_hash = $1 OR code_hash = $2"+suffix,
		h1, h2).Scan(&id, &orgID, &personID, &login, &used, &exp)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, 0, 0, "", time.Time{}, ErrInvitationUnknown
	case err != nil:
		return 0, 0, 0, "", time.Time{}, err
	case used != 0:
		return 0, 0, 0, "", time.Time{}, ErrInvitationUsed
	case exp <= ms(s.now()):
		return 0, 0, 0, "", time.Time{}, ErrInvitationExpired
	}
	return id, orgID, personID, login, fromMS(exp), nil
}

// PortalInvitationFor returns what the acceptance page shows for an open
// invitation; ErrInvitationUsed, ErrInvitationExpired or
// ErrInvitationUnknown otherwise.
func (s *Store) PortalInvitationFor(ctx context.Context, tokenOrCode string) (PortalInvitationInfo, error) {
	_, orgID, personID, login, exp, err := s.lookupInvitation(ctx, s.rdb, tokenOrCode, false)
	if err != nil {
		return PortalInvitationInfo{}, err
	}
	info := PortalInvitationInfo{Login: login, ExpiresAt: exp}
	err = s.rdb.QueryRowContext(ctx, "SELECT preferred_name, preferred_language FROM people WHERE id = $1 AND org_id = $2 AND merged_into_id IS NULL",
		personID, orgID).Scan(&info.PersonName, &info.Language)
	if errors.Is(err, sql.ErrNoRows) {
		return PortalInvitationInfo{}, ErrInvitationUnknown
	}
	return info, err
}

// AcceptPortalInvitation sets the person's password through an invitation
// (by link token or code), making their portal account the first time, and
// uses the invitation up. The person then signs in at /login.
func (s *Store) AcceptPortalInvitation(ctx context.Context, tokenOrCode, password, ip string) (User, error) {
	info, err := s.PortalInvitationFor(ctx, tokenOrCode)
	if err != nil {
		return User{}, err
	}
	if msg := auth.CheckNewPassword(password, info.Login, info.PersonName); msg != "" {
		return User{}, core.Invalid(map[string]string{"password": msg})
	}
	hash, err := auth.HashPassword(password) // outside the transaction: hashing is slow
	if err != nil {
		return User{}, err
	}
	var userID int64
	err = s.tx(ctx, func(tx *sql.Tx) error {
		invID, orgID, personID, login, _, err := s.lookupInvitation(ctx, tx, tokenOrCode, true)
		if err != nil {
			return err
		}
		now := ms(s.now())
		res, err := tx.ExecContext(ctx, "UPDATE portal_invitations SET used_at = $1 WHERE id = $2 AND used_at = 0", now, invID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrInvitationUsed
		}
		a := Actor{OrgID: orgID, PersonID: personID, IP: ip}
		err = tx.QueryRowContext(ctx, "SELECT id FROM users WHERE org_id = $1 AND person_id = $2 ORDER BY id LIMIT 1", orgID, personID).Scan(&userID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			err = tx.QueryRowContext(ctx, `INSERT INTO users (org_id, email, name, password_hash, person_id, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, orgID, login, info.PersonName, hash, personID, now).Scan(&userID)
			if isUniqueViolation(err) {
				return core.Conflict("This sign-in name was taken a moment ago. Ask your peer worker for a new invitation.")
			}
			if err != nil {
				return err
			}
			a.UserID = userID
			if err := s.record(ctx, tx, a, audit.ActionCreate, "user", userID, "portal account; person "+idString(personID)); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			if _, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = $1, active = $2, failed_logins = 0, first_failed_at = 0, locked_until = 0, updated_at = $3 WHERE id = $4",
				hash, true, now, userID); err != nil {
				return err
			}
			if err := endAccess(ctx, tx, userID, now); err != nil {
				return err
			}
			a.UserID = userID
			if err := s.record(ctx, tx, a, audit.ActionUpdate, "user", userID, "portal password set by invitation; sessions ended and API tokens revoked"); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "portal_invitation", invID, "used")
	})
	if err != nil {
		return User{}, err
	}
	return s.userWhere(ctx, s.rdb, "u.id = $1", userID)
}

// PortalAccount says whether a person has a portal account and an open
// invitation, for their worker's page. It is not audited: the caller shows
// it on a page that audits the person's read.
type PortalAccount struct {
	HasAccount     bool
	OpenInviteTill time.Time // zero when no invitation is open
}

// PortalAccountOf returns the portal state of a person the actor can see.
func (s *Store) PortalAccountOf(ctx context.Context, a Actor, personID int64) (PortalAccount, error) {
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return PortalAccount{}, err
	}
	var out PortalAccount
	var n int
	if err := s.rdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE org_id = $1 AND person_id = $2 AND active", a.OrgID, personID).Scan(&n); err != nil {
		return out, err
	}
	out.HasAccount = n > 0
	var exp sql.NullInt64
	if err := s.rdb.QueryRowContext(ctx, "SELECT MAX(expires_at) FROM portal_invitations WHERE org_id = $1 AND person_id = $2 AND used_at = 0 AND expires_at > $3",
		a.OrgID, personID, ms(s.now())).Scan(&exp); err != nil {
		return out, err
	}
	if exp.Valid {
		out.OpenInviteTill = fromMS(exp.Int64)
	}
	return out, nil
}

// ---- Who has looked at my record ----

// AccessEntry is one line of "who has looked at my record": who (name and
// roles), when, what they did and to which part of the record.
type AccessEntry struct {
	At         time.Time
	UserID     int64
	Name       string
	Roles      []auth.Role
	Action     string // audit action: read, create, update, …
	RecordType string // person, safety_plan, goal, consent, contact, …
	Detail     string // e.g. "goals", "record", "version 3"
	seq        int64  // the entry's place in the log, for the next page's cursor
}

// personKeyed are the audit record types whose record id is the person's id.
const personKeyed = "'person', 'safety_plan', 'wellness_plan', 'crisis_preferences', 'strengths'"

// personRecords are the audit record types whose record is one of the
// person's own rows, and the query of those rows' ids ($1 the organisation,
// $3 the person). A new kind of record about a person belongs here, so the
// person sees who changed or read it (TestAccessHistoryCoversEveryRecordOfThePerson).
var personRecords = []struct{ recordType, ids string }{
	{"goal", "SELECT CAST(id AS TEXT) FROM goals WHERE org_id = $1 AND person_id = $3"},
	{"goal_cycle", "SELECT CAST(id AS TEXT) FROM goal_cycles WHERE org_id = $1 AND person_id = $3"},
	{"goal_progress", "SELECT CAST(gp.id AS TEXT) FROM goal_progress gp JOIN goals g ON g.id = gp.goal_id WHERE g.org_id = $1 AND g.person_id = $3"},
	{"consent", "SELECT CAST(id AS TEXT) FROM consents WHERE org_id = $1 AND person_id = $3"},
	{"disclosure", "SELECT CAST(id AS TEXT) FROM disclosures WHERE org_id = $1 AND person_id = $3"},
	{"contact", "SELECT CAST(id AS TEXT) FROM contacts WHERE org_id = $1 AND person_id = $3"},
	{"referral", "SELECT CAST(id AS TEXT) FROM referrals WHERE org_id = $1 AND person_id = $3"},
	{"recovery_assessment", "SELECT CAST(id AS TEXT) FROM recovery_assessments WHERE org_id = $1 AND person_id = $3"},
	{"stage_note", "SELECT CAST(id AS TEXT) FROM stage_notes WHERE org_id = $1 AND person_id = $3"},
	{"natural_support", "SELECT CAST(id AS TEXT) FROM natural_supports WHERE org_id = $1 AND person_id = $3"},
	{"need", "SELECT CAST(id AS TEXT) FROM needs WHERE org_id = $1 AND person_id = $3"},
	{"need_check", "SELECT CAST(id AS TEXT) FROM need_checks WHERE org_id = $1 AND person_id = $3"},
	{"medication_question", "SELECT CAST(id AS TEXT) FROM medication_questions WHERE org_id = $1 AND person_id = $3"},
	{"rights_concern", "SELECT CAST(id AS TEXT) FROM rights_concerns WHERE org_id = $1 AND person_id = $3"},
	{"advocacy", "SELECT CAST(id AS TEXT) FROM advocacy_entries WHERE org_id = $1 AND person_id = $3"},
	{"correction_request", "SELECT CAST(id AS TEXT) FROM correction_requests WHERE org_id = $1 AND person_id = $3"},
	{"portal_invitation", "SELECT CAST(id AS TEXT) FROM portal_invitations WHERE org_id = $1 AND person_id = $3"},
	{"user", "SELECT CAST(id AS TEXT) FROM users WHERE org_id = $1 AND person_id = $3"}, // their portal account
}

// personRecordsSQL is personRecords as the OR-ed conditions of an
// audit_log query (alias l): each one range of the audit_org_record index.
var personRecordsSQL = func() string {
	var b strings.Builder
	for _, r := range personRecords {
		fmt.Fprintf(&b, "\n\t\t\tOR (l.record_type = '%s' AND l.record_id IN (%s))", r.recordType, r.ids)
	}
	return b.String()
}()

// AccessHistory lists, newest first, who in the organisation has read or
// changed the person's record: entries on the person and their plans (by
// the person's id), and on their goals, consents and contacts (by those
// records' ids). Each part is one range of the audit_org_record index. The
// person's own actions are left out. One page at a time, by the entries'
// place in the log; the read is audited.
func (s *Store) AccessHistory(ctx context.Context, a Actor, personID int64, p Page) (List[AccessEntry], error) {
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return List[AccessEntry]{}, err
	}
	var before int64
	if _, err := decodeCursor(p.Cursor, &before); err != nil {
		return List[AccessEntry]{}, err
	}
	limit := p.limit()
	pid := idString(personID)
	args := []any{a.OrgID, pid, personID}
	older := ""
	if before > 0 {
		args = append(args, before)
		older = " AND l.seq < $4"
	}
	q := `SELECT l.at, l.user_id, COALESCE(u.name, ''), l.action, l.record_type, l.detail, l.seq FROM audit_log l
		LEFT JOIN users u ON u.id = l.user_id
		WHERE l.org_id = $1 AND l.user_id <> 0 AND (u.person_id IS NULL OR u.person_id <> $3)` + older + ` AND (
			(l.record_type IN (` + personKeyed + `) AND l.record_id = $2)` + personRecordsSQL + `)
		ORDER BY l.seq DESC LIMIT ` + fmt.Sprint(limit+1)
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return List[AccessEntry]{}, err
	}
	var out []AccessEntry
	var users []User
	seen := map[int64]bool{}
	for rows.Next() {
		var e AccessEntry
		var at int64
		if err := rows.Scan(&at, &e.UserID, &e.Name, &e.Action, &e.RecordType, &e.Detail, &e.seq); err != nil {
			rows.Close()
			return List[AccessEntry]{}, err
		}
		e.At = fromMS(at)
		out = append(out, e)
		if !seen[e.UserID] {
			seen[e.UserID] = true
			users = append(users, User{ID: e.UserID})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return List[AccessEntry]{}, err
	}
	out, more := trim(out, limit)
	if err := s.loadRoles(ctx, s.rdb, users); err != nil {
		return List[AccessEntry]{}, err
	}
	roles := map[int64][]auth.Role{}
	for _, u := range users {
		roles[u.ID] = u.Roles
	}
	for i := range out {
		out[i].Roles = roles[out[i].UserID]
	}
	l := List[AccessEntry]{Items: out}
	if more {
		l.Next = encodeCursor(out[len(out)-1].seq)
	}
	return l, s.recordRead(ctx, a, "person", personID, "access history")
}

// ---- Corrections ----

// CorrectionRequest is a person's request to correct their record, and the
// worker's answer.
type CorrectionRequest struct {
	ID         int64
	PersonID   int64
	Request    string
	AskedAt    time.Time
	AskedBy    int64
	Status     string // open, made, declined
	Answer     string
	AnsweredAt time.Time
	AnsweredBy string
}

// Correction statuses.
const (
	CorrectionOpen     = "open"
	CorrectionMade     = "made"
	CorrectionDeclined = "declined"
)

// RequestCorrection records a person's request to correct their record.
func (s *Store) RequestCorrection(ctx context.Context, a Actor, personID int64, request string) (CorrectionRequest, error) {
	request = strings.TrimSpace(request)
	f := map[string]string{}
	if request == "" {
		f["request"] = "Say what is wrong and what it should say."
	}
	tooLong(f, "request", request, 4000)
	if err := core.Invalid(f); err != nil {
		return CorrectionRequest{}, err
	}
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.visiblePerson(ctx, tx, a, personID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO correction_requests (org_id, person_id, request, asked_by, asked_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, a.OrgID, personID, request, a.UserID, ms(s.now())).Scan(&id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "correction_request", id, "person "+idString(personID))
	})
	if err != nil {
		return CorrectionRequest{}, err
	}
	cs, err := s.queryCorrections(ctx, s.rdb, "WHERE c.org_id = $1 AND c.id = $2", a.OrgID, id)
	if err != nil || len(cs) == 0 {
		return CorrectionRequest{}, err
	}
	return cs[0], nil
}

func (s *Store) queryCorrections(ctx context.Context, q querier, where string, args ...any) ([]CorrectionRequest, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.person_id, c.request, c.asked_at, c.asked_by, c.status, c.answer, c.answered_at, COALESCE(u.name, '')
		FROM correction_requests c LEFT JOIN users u ON u.id = c.answered_by `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CorrectionRequest
	for rows.Next() {
		var c CorrectionRequest
		var asked, answered int64
		if err := rows.Scan(&c.ID, &c.PersonID, &c.Request, &asked, &c.AskedBy, &c.Status, &c.Answer, &answered, &c.AnsweredBy); err != nil {
			return nil, err
		}
		c.AskedAt, c.AnsweredAt = fromMS(asked), fromMS(answered)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Corrections lists a person's correction requests, newest first, and
// audits the read.
func (s *Store) Corrections(ctx context.Context, a Actor, personID int64) ([]CorrectionRequest, error) {
	cs, err := s.corrections(ctx, a, personID)
	if err != nil {
		return nil, err
	}
	return cs, s.recordRead(ctx, a, "person", personID, "correction requests")
}

// corrections is Corrections without its audit entry.
func (s *Store) corrections(ctx context.Context, a Actor, personID int64) ([]CorrectionRequest, error) {
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return nil, err
	}
	return s.queryCorrections(ctx, s.rdb, "WHERE c.org_id = $1 AND c.person_id = $2 ORDER BY c.id DESC LIMIT 100", a.OrgID, personID)
}

// AnswerCorrection records a worker's answer to a correction request of a
// person they can see: made (the record was corrected) or declined, with
// words the person will read.
func (s *Store) AnswerCorrection(ctx context.Context, a Actor, id int64, status, answer string) (CorrectionRequest, error) {
	answer = strings.TrimSpace(answer)
	f := map[string]string{}
	if status != CorrectionMade && status != CorrectionDeclined {
		f["status"] = "Choose whether the record was corrected or not."
	}
	if answer == "" {
		f["answer"] = "Write the answer the person will read: what you changed, or why not."
	}
	tooLong(f, "answer", answer, 4000)
	if !a.MayAnswerCorrections() {
		return CorrectionRequest{}, core.NotFound("The request")
	}
	if err := core.Invalid(f); err != nil {
		return CorrectionRequest{}, err
	}
	var out CorrectionRequest
	err := s.tx(ctx, func(tx *sql.Tx) error {
		cs, err := s.queryCorrections(ctx, tx, "WHERE c.org_id = $1 AND c.id = $2", a.OrgID, id)
		if err != nil {
			return err
		}
		if len(cs) == 0 {
			return core.NotFound("The request")
		}
		if err := s.visiblePerson(ctx, tx, a, cs[0].PersonID); err != nil {
			return core.NotFound("The request")
		}
		res, err := tx.ExecContext(ctx, "UPDATE correction_requests SET status = $1, answer = $2, answered_by = $3, answered_at = $4 WHERE id = $5 AND org_id = $6 AND status = 'open'",
			status, answer, a.UserID, ms(s.now()), id, a.OrgID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return core.Conflict("This request has already been answered.")
		}
		if err := s.record(ctx, tx, a, audit.ActionUpdate, "correction_request", id, status+"; person "+idString(cs[0].PersonID)); err != nil {
			return err
		}
		cs, err = s.queryCorrections(ctx, tx, "WHERE c.org_id = $1 AND c.id = $2", a.OrgID, id)
		if err == nil && len(cs) > 0 {
			out = cs[0]
		}
		return err
	})
	return out, err
}

// InvitationLanguage is the language on the record of the person an
// invitation was made for, used or not, so that "already used" and
// "expired" are said in their language; "" when there is no such
// invitation.
func (s *Store) InvitationLanguage(ctx context.Context, tokenOrCode string) (string, error) {
	t := strings.TrimSpace(tokenOrCode)
	if t == "" {
		return "", nil
	}
	var lang string
	err := s.rdb.QueryRowContext(ctx, `SELECT p.preferred_language FROM portal_invitations i JOIN people p ON p.id = i.person_id AND p.org_id = i.org_id
		WHERE i.token_hash = $1 OR i.code_hash = $2`, auth.HashToken(t), auth.HashToken(normaliseInvite(t))).Scan(&lang)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return lang, err
}
