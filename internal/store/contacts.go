package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"peerpath/internal/audit"
	"peerpath/internal/core"
)

// Ways of meeting, and kinds of contact. Their values are the API's.
var (
	ContactFormats = []string{"individual", "group"}
	ContactModes   = []string{"in_person", "phone", "text", "video"}
	ContactKinds   = []string{"check_in", "one_to_one", "advocacy", "crisis", "resource_linkage", "outreach", "accompaniment", KindGroupSession}
)

// ContactFormKinds are the kinds offered when recording a contact by hand:
// a group session is recorded from its group (one attendance for all
// members), never one member at a time.
var ContactFormKinds = ContactKinds[:len(ContactKinds)-1]

// FormatFor is the format a contact of kind has unless someone changes it:
// a group session is a group contact, every other kind (a check-in above
// all) one-to-one.
func FormatFor(kind string) string {
	if kind == KindGroupSession {
		return "group"
	}
	return DefaultFormat
}

// KindGroupSession is the kind of the contacts a group session gives its
// members who came (groups.go), and of a group meeting recorded by hand.
const KindGroupSession = "group_session"

// Contact defaults, for a form opened on a phone in a hurry.
const (
	DefaultDuration = 30
	MaxDuration     = 24 * 60
	DefaultFormat   = "individual"
	DefaultMode     = "in_person"
	DefaultKind     = "check_in"
	MaxNote         = 20000
	// futureSlack forgives a phone whose clock runs a little ahead.
	futureSlack = 5 * time.Minute
)

// Contact is one time a worker and a person met or spoke.
type Contact struct {
	ID              int64
	OrgID           int64
	PersonID        int64
	OccurredAt      time.Time
	DurationMinutes int
	Format          string
	Mode            string
	Kind            string
	Participants    string // who else took part
	Note            string // written with the person, in their words
	RecordedBy      int64
	RecordedByName  string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	// A contact made by a group session (groups.go) names its session and
	// group; it changes only with the session's attendance. Its note is the
	// session's note about the group, which never names other members.
	GroupSessionID int64
	GroupID        int64
	GroupName      string
}

// FromGroupSession reports whether the contact was made by recording a
// group session's attendance.
func (c Contact) FromGroupSession() bool { return c.GroupSessionID != 0 }

// ContactInput is what recording a contact takes.
type ContactInput struct {
	OccurredAt      time.Time
	DurationMinutes int
	Format          string
	Mode            string
	Kind            string
	Participants    string
	Note            string
}

func (s *Store) validateContact(in *ContactInput) map[string]string {
	f := map[string]string{}
	in.Format, in.Mode, in.Kind = strings.TrimSpace(in.Format), strings.TrimSpace(in.Mode), strings.TrimSpace(in.Kind)
	in.Participants = strings.TrimSpace(in.Participants)
	switch {
	case in.OccurredAt.IsZero():
		f["occurred_at"] = "Enter when the contact happened."
	case in.OccurredAt.After(s.now().Add(futureSlack)):
		f["occurred_at"] = "A contact cannot be in the future. Enter when it happened."
	case in.OccurredAt.Before(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)):
		f["occurred_at"] = "Enter a date after the year 2000."
	}
	switch {
	case in.DurationMinutes < 0:
		f["duration_minutes"] = "Enter how many minutes it took: 0 or more."
	case in.DurationMinutes > MaxDuration:
		f["duration_minutes"] = fmt.Sprintf("Enter at most %d minutes (a whole day).", MaxDuration)
	}
	if in.Format == "" {
		in.Format = FormatFor(in.Kind)
	}
	switch {
	case !contains(ContactFormats, in.Format):
		f["format"] = "Choose one-to-one or group."
	case in.Kind == KindGroupSession && in.Format != "group":
		f["format"] = "A group session is a group contact: choose group, or another kind of contact."
	}
	if !contains(ContactModes, in.Mode) {
		f["mode"] = "Choose in person, phone, text or video."
	}
	if !contains(ContactKinds, in.Kind) {
		f["kind"] = "Choose what kind of contact it was."
	}
	tooLong(f, "participants", in.Participants, 500)
	if utf8.RuneCountInString(in.Note) > MaxNote {
		f["note"] = fmt.Sprintf("Keep the note under %d characters.", MaxNote)
	}
	return f
}

const contactSelect = `SELECT c.id, c.org_id, c.person_id, c.occurred_at, c.duration_minutes, c.format, c.mode, c.kind, c.participants,
	c.note, c.created_by, COALESCE(u.name, ''), c.created_at, c.updated_at, COALESCE(c.group_session_id, 0), COALESCE(gs.group_id, 0), COALESCE(g.name, '')
	FROM contacts c JOIN people p ON p.id = c.person_id LEFT JOIN users u ON u.id = c.created_by
	LEFT JOIN group_sessions gs ON gs.id = c.group_session_id LEFT JOIN peer_groups g ON g.id = gs.group_id `

func (s *Store) queryContacts(ctx context.Context, q querier, where string, args ...any) ([]Contact, error) {
	rows, err := q.QueryContext(ctx, contactSelect+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Contact
	for rows.Next() {
		var c Contact
		var at, created, updated int64
		if err := rows.Scan(&c.ID, &c.OrgID, &c.PersonID, &at, &c.DurationMinutes, &c.Format, &c.Mode, &c.Kind, &c.Participants,
			&c.Note, &c.RecordedBy, &c.RecordedByName, &created, &updated, &c.GroupSessionID, &c.GroupID, &c.GroupName); err != nil {
			return nil, err
		}
		c.OccurredAt, c.CreatedAt, c.UpdatedAt = fromMS(at), fromMS(created), fromMS(updated)
		out = append(out, c)
	}
	return out, rows.Err()
}

// AddContact records a contact with a person the actor supports, and moves
// the person's next check-in on, in one transaction.
func (s *Store) AddContact(ctx context.Context, a Actor, personID int64, in ContactInput) (Contact, error) {
	return s.addContact(ctx, a, personID, in, true)
}

// addContact is AddContact, with its audit entry only when audited is set
// (the benchmark's baseline, bare.go, leaves it out).
func (s *Store) addContact(ctx context.Context, a Actor, personID int64, in ContactInput, audited bool) (Contact, error) {
	in.OccurredAt = in.OccurredAt.UTC().Truncate(time.Millisecond)
	if err := core.Invalid(s.validateContact(&in)); err != nil {
		return Contact{}, err
	}
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.visiblePerson(ctx, tx, a, personID); err != nil {
			return err
		}
		var err error
		if id, err = s.insertContact(ctx, tx, a, personID, in); err != nil {
			return err
		}
		if err := s.refreshCheckIn(ctx, tx, a.OrgID, personID); err != nil {
			return err
		}
		if !audited {
			return nil
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "contact", id, "person "+idString(personID))
	})
	if err != nil {
		return Contact{}, err
	}
	return s.contact(ctx, s.rdb, a, id)
}

// insertContact writes a validated contact and counts it in the reports'
// daily summary (contact_days); the caller moves the person's next check-in
// on (refreshCheckIn, or refreshCheckIns for many) and audits. Forms and
// imports both come here.
func (s *Store) insertContact(ctx context.Context, tx *sql.Tx, a Actor, personID int64, in ContactInput) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO contacts (org_id, person_id, occurred_at, duration_minutes, format, mode, kind,
		participants, note, created_at, created_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10) RETURNING id`,
		a.OrgID, personID, ms(in.OccurredAt), in.DurationMinutes, in.Format, in.Mode, in.Kind, in.Participants, in.Note, ms(s.now()), a.UserID).Scan(&id)
	if err != nil {
		return 0, err
	}
	// Counted from what was just written, without reading it back.
	return id, countContactDay(ctx, tx, a.OrgID, contactDay(a.OrgID, personID, a.UserID, fromMS(ms(in.OccurredAt)), in.Kind, in.Mode, in.Format, in.DurationMinutes), +1)
}

func (s *Store) contact(ctx context.Context, q querier, a Actor, id int64) (Contact, error) {
	cond, args := visibleTo(a, "p", []any{id, a.OrgID})
	cs, err := s.queryContacts(ctx, q, "WHERE c.id = $1 AND c.org_id = $2 AND "+cond, args...)
	if err != nil {
		return Contact{}, err
	}
	if len(cs) == 0 {
		return Contact{}, core.NotFound("The contact")
	}
	return cs[0], nil
}

// Contact returns one contact with a person the actor may see, and audits
// the read.
func (s *Store) Contact(ctx context.Context, a Actor, id int64) (Contact, error) {
	c, err := s.contact(ctx, s.rdb, a, id)
	if err != nil {
		return Contact{}, err
	}
	return c, s.recordRead(ctx, a, "contact", id, "")
}

// mayChangeContact: the worker who recorded a contact may correct it, and
// so may a supervisor or administrator who can see the person. Another
// worker of the person may read it but not rewrite someone else's note. A
// contact made by a group session changes only with the session.
func mayChangeContact(a Actor, c Contact) error {
	if c.FromGroupSession() {
		return core.Conflict("This contact comes from a group session: correct the session's attendance on the group's page instead.")
	}
	if a.MayChangeContact(c) {
		return nil
	}
	return core.Forbidden("Only the worker who recorded this contact, or a supervisor, can change it.")
}

// UpdateContact corrects a contact, and recomputes the person's check-in.
func (s *Store) UpdateContact(ctx context.Context, a Actor, id int64, in ContactInput) (Contact, error) {
	in.OccurredAt = in.OccurredAt.UTC().Truncate(time.Millisecond)
	if err := core.Invalid(s.validateContact(&in)); err != nil {
		return Contact{}, err
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		c, err := s.contact(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := mayChangeContact(a, c); err != nil {
			return err
		}
		if err := countContact(ctx, tx, a.OrgID, id, -1); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE contacts SET occurred_at = $1, duration_minutes = $2, format = $3, mode = $4, kind = $5,
			participants = $6, note = $7, updated_at = $8 WHERE id = $9 AND org_id = $10`,
			ms(in.OccurredAt), in.DurationMinutes, in.Format, in.Mode, in.Kind, in.Participants, in.Note, ms(s.now()), id, a.OrgID); err != nil {
			return err
		}
		if err := countContact(ctx, tx, a.OrgID, id, +1); err != nil {
			return err
		}
		if err := s.refreshCheckIn(ctx, tx, a.OrgID, c.PersonID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "contact", id, "person "+idString(c.PersonID))
	})
	if err != nil {
		return Contact{}, err
	}
	return s.contact(ctx, s.rdb, a, id)
}

// DeleteContact removes a contact recorded by mistake (on the wrong person,
// say) and recomputes the person's check-in. The audit log keeps the fact.
func (s *Store) DeleteContact(ctx context.Context, a Actor, id int64) (personID int64, err error) {
	err = s.tx(ctx, func(tx *sql.Tx) error {
		c, err := s.contact(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := mayChangeContact(a, c); err != nil {
			return err
		}
		personID = c.PersonID
		if err := countContact(ctx, tx, a.OrgID, id, -1); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM contacts WHERE id = $1 AND org_id = $2", id, a.OrgID); err != nil {
			return err
		}
		if err := s.refreshCheckIn(ctx, tx, a.OrgID, c.PersonID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionDelete, "contact", id, "person "+idString(c.PersonID))
	})
	return personID, err
}

// ListContacts lists a person's contacts, the most recent first, and audits
// the read.
func (s *Store) ListContacts(ctx context.Context, a Actor, personID int64, p Page) (List[Contact], error) {
	l, err := s.listContacts(ctx, a, personID, p)
	if err != nil {
		return l, err
	}
	return l, s.recordRead(ctx, a, "person", personID, "contacts")
}

func (s *Store) listContacts(ctx context.Context, a Actor, personID int64, p Page) (List[Contact], error) {
	var beforeAt, beforeID int64
	has, err := decodeCursor(p.Cursor, &beforeAt, &beforeID)
	if err != nil {
		return List[Contact]{}, err
	}
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return List[Contact]{}, err
	}
	where := "WHERE c.org_id = $1 AND c.person_id = $2"
	args := []any{a.OrgID, personID}
	if has {
		where += " AND (c.occurred_at < $3 OR (c.occurred_at = $3 AND c.id < $4))"
		args = append(args, beforeAt, beforeID)
	}
	limit := p.limit()
	cs, err := s.queryContacts(ctx, s.rdb, where+fmt.Sprintf(" ORDER BY c.occurred_at DESC, c.id DESC LIMIT %d", limit+1), args...)
	if err != nil {
		return List[Contact]{}, err
	}
	cs, more := trim(cs, limit)
	res := List[Contact]{Items: cs}
	if more {
		last := cs[len(cs)-1]
		res.Next = encodeCursor(ms(last.OccurredAt), last.ID)
	}
	return res, nil
}

// LastContactStyle returns the format and mode of the worker's most recent
// contact, which the contact form offers first: a worker who meets people
// by phone all week should not have to choose "phone" every time.
func (s *Store) LastContactStyle(ctx context.Context, a Actor) (format, mode string, err error) {
	err = s.rdb.QueryRowContext(ctx, "SELECT format, mode FROM contacts WHERE org_id = $1 AND created_by = $2 ORDER BY id DESC LIMIT 1",
		a.OrgID, a.UserID).Scan(&format, &mode)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultFormat, DefaultMode, nil
	}
	return format, mode, err
}
