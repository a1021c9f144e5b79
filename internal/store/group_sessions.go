package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"peerpath/internal/audit"
	"peerpath/internal/core"
)

// Group sessions: a session held, who facilitated it, each member's
// attendance, the drop-in guests (counted, never named), and a note about
// the group as a whole. Recording or correcting a session keeps, in the same
// transaction, a contact in the history of every member present or late
// (format "group", kind "group_session", linked by contacts.group_session_id)
// and their next check-in. Who may do what is set out in groups.go.

// Attendance statuses, in the order the form shows them. Present and late
// count as attending and make a contact; excused and absent do not.
var AttendanceStatuses = []string{"present", "late", "excused", "absent"}

// attends reports whether a status means the person came.
func attends(status string) bool { return status == "present" || status == "late" }

// GroupSession is one session of a group.
type GroupSession struct {
	ID              int64
	GroupID         int64
	HeldOn          string // YYYY-MM-DD
	StartTime       string // HH:MM
	DurationMinutes int
	Note            string // about the group as a whole; it appears in every attending member's record
	Guests          int    // drop-in guests, without names
	Facilitators    []WorkerRef
	Present         int
	Late            int
	Excused         int
	Absent          int
	CreatedBy       int64
	UpdatedAt       time.Time
	// Attendance is filled in when one session is read with its list.
	Attendance []AttendanceEntry
}

// Attended counts the members who came (present or late).
func (gs GroupSession) Attended() int { return gs.Present + gs.Late }

// Starts is when the session began, as an instant.
func (gs GroupSession) Starts() time.Time { return sessionStart(gs.HeldOn, gs.StartTime) }

// StatusOf returns a person's mark in the session, or "".
func (gs GroupSession) StatusOf(personID int64) string {
	for _, e := range gs.Attendance {
		if e.PersonID == personID {
			return e.Status
		}
	}
	return ""
}

// AttendanceEntry is one line of a session's attendance list: a current
// member, or someone marked in the session who has left since.
type AttendanceEntry struct {
	PersonID int64
	Name     string
	Status   string // "" when not marked
	Member   bool   // still a member of the group
	Visible  bool   // the reader may open the person's record
}

// GroupSessionInput is what recording or correcting a session takes.
type GroupSessionInput struct {
	HeldOn          string
	StartTime       string
	DurationMinutes int // 0 means the group's usual length
	Note            string
	Guests          int
	// Attendance is each marked person's status. On a correction it
	// replaces the whole list: a person left out is no longer marked.
	Attendance map[int64]string
	// FacilitatorIDs are who ran the session: the group's facilitators, or
	// the person recording it. Nil means the group's facilitators (or, when
	// the recorder is not one of them, the recorder).
	FacilitatorIDs []int64
}

// AttendanceField is the field a person's mark is reported on.
func AttendanceField(personID int64) string { return "attendance_" + idString(personID) }

// sessionStart is the instant a session on day at HH:MM began, in
// Massachusetts time.
func sessionStart(day, hhmm string) time.Time {
	t, err := time.ParseInLocation(dateLayout+" "+core.HHMM, day+" "+hhmm, Zone)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// NoteNamesMessage is what a session note naming a member gets.
const NoteNamesMessage = "A group note appears in every member's record: leave out members' names"

// wordKey is a word for comparison: lower-cased, accents removed.
func wordKey(w string) string { return searchKey(w) }

// noteWords splits text into words (letters, digits and the accents that go
// with them), keeping each as written.
func noteWords(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Mn, r)
	})
}

// namedInNote returns the first word of note that is a word of one of the
// names (whole words, ignoring case and accents: "jose" is "José"), or "".
// Words of one letter (initials) are ignored.
func namedInNote(note string, names []string) string {
	words := map[string]bool{}
	for _, n := range names {
		for _, w := range noteWords(n) {
			if k := wordKey(w); utf8.RuneCountInString(k) > 1 {
				words[k] = true
			}
		}
	}
	if len(words) == 0 {
		return ""
	}
	for _, w := range noteWords(note) {
		if words[wordKey(w)] {
			return w
		}
	}
	return ""
}

// validateGroupSession checks a session's own fields; the attendance and the
// note's names are checked against the group inside the transaction.
func (s *Store) validateGroupSession(g Group, in *GroupSessionInput) map[string]string {
	f := map[string]string{}
	in.HeldOn, in.StartTime = strings.TrimSpace(in.HeldOn), strings.TrimSpace(in.StartTime)
	in.Note = strings.TrimSpace(in.Note)
	if in.StartTime == "" {
		in.StartTime = g.StartTime
	}
	if in.DurationMinutes == 0 {
		in.DurationMinutes = g.DurationMinutes
	}
	checkDate(f, "held_on", in.HeldOn, s.Today(), true, "Enter the date of the session.")
	switch {
	case in.StartTime == "":
		f["starts_at"] = "Enter the time the session began, such as 18:00."
	case !validTime(in.StartTime):
		f["starts_at"] = "Enter a time such as 18:00."
	case f["held_on"] == "" && sessionStart(in.HeldOn, in.StartTime).After(s.now().Add(futureSlack)):
		f["starts_at"] = "This session has not begun yet. Record it once it has started."
	}
	if in.DurationMinutes < 1 || in.DurationMinutes > MaxDuration {
		f["duration_minutes"] = fmt.Sprintf("Enter how long the session lasted, in minutes: 1 to %d.", MaxDuration)
	}
	switch {
	case in.Guests < 0:
		f["guests"] = "Enter how many drop-in guests came: 0 or more."
	case in.Guests > MaxGuests:
		f["guests"] = fmt.Sprintf("Enter at most %d guests.", MaxGuests)
	}
	if n := utf8.RuneCountInString(in.Note); n > MaxGroupNote {
		f["note"] = fmt.Sprintf("Keep the note under %d characters (this has %d).", MaxGroupNote, n)
	}
	for pid, st := range in.Attendance {
		if !contains(AttendanceStatuses, st) {
			f[AttendanceField(pid)] = "Choose present, late, excused or absent."
		}
	}
	return f
}

// sheet is what a session's checks need: who may be marked, and the names
// a note must not hold.
type sheet struct {
	entries []AttendanceEntry
	names   []string // preferred and legal names of everyone on the sheet
}

// attendanceSheet lists the group's current members and anyone marked in
// session sid (0 for a new session), by name, with the actor's sight of
// their records.
func (s *Store) attendanceSheet(ctx context.Context, q querier, a Actor, groupID, sid int64) (sheet, error) {
	cond, args := visibleTo(a, "p", []any{a.OrgID, groupID, sid})
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.preferred_name, p.legal_name, COALESCE(ga.status, ''),
		CASE WHEN m.person_id IS NOT NULL AND m.left_on = '' THEN 1 ELSE 0 END, CASE WHEN `+cond+` THEN 1 ELSE 0 END
		FROM people p
		LEFT JOIN group_members m ON m.group_id = $2 AND m.person_id = p.id
		LEFT JOIN group_attendance ga ON ga.session_id = $3 AND ga.person_id = p.id
		WHERE p.id IN (SELECT m2.person_id FROM group_members m2 WHERE m2.group_id = $2 AND m2.left_on = ''
			UNION SELECT ga2.person_id FROM group_attendance ga2 WHERE ga2.session_id = $3) AND +p.org_id = $1
		ORDER BY p.preferred_key, p.id`, args...)
	if err != nil {
		return sheet{}, err
	}
	var sh sheet
	defer rows.Close()
	for rows.Next() {
		var e AttendanceEntry
		var legal string
		var member, visible int
		if err := rows.Scan(&e.PersonID, &e.Name, &legal, &e.Status, &member, &visible); err != nil {
			return sheet{}, err
		}
		e.Member, e.Visible = member == 1, visible == 1
		sh.entries = append(sh.entries, e)
		sh.names = append(sh.names, e.Name, legal)
	}
	return sh, rows.Err()
}

// checkSheet checks the attendance and the note against the sheet, and the
// facilitators against the group.
func checkSheet(a Actor, g Group, sh sheet, in *GroupSessionInput) error {
	f := map[string]string{}
	on := map[int64]bool{}
	for _, e := range sh.entries {
		on[e.PersonID] = true
	}
	for pid := range in.Attendance {
		if !on[pid] {
			f[AttendanceField(pid)] = "This person is not a member of the group. Add them to the group first."
		}
	}
	if w := namedInNote(in.Note, sh.names); w != "" {
		f["note"] = fmt.Sprintf("%s (“%s”).", NoteNamesMessage, w)
	}
	if in.FacilitatorIDs == nil {
		in.FacilitatorIDs = g.FacilitatorIDs()
		if !g.Facilitates(a.UserID) {
			in.FacilitatorIDs = []int64{a.UserID}
		}
	}
	in.FacilitatorIDs = uniqueIDs(in.FacilitatorIDs)
	switch {
	case len(in.FacilitatorIDs) == 0:
		f["facilitator_ids"] = "Choose who facilitated the session."
	default:
		for _, id := range in.FacilitatorIDs {
			if !g.Facilitates(id) && id != a.UserID {
				f["facilitator_ids"] = "Choose the group's facilitators, or yourself if you ran the session."
			}
		}
	}
	return core.Invalid(f)
}

// checkSession checks a session's fields, attendance, note and
// facilitators, reporting every problem at once.
func (s *Store) checkSession(a Actor, g Group, sh sheet, in *GroupSessionInput) error {
	f := s.validateGroupSession(g, in)
	if e, ok := core.As(checkSheet(a, g, sh, in)); ok {
		for k, v := range e.Fields {
			if _, dup := f[k]; !dup {
				f[k] = v
			}
		}
	}
	return core.Invalid(f)
}

var errSessionSlot = map[string]string{"held_on": "This group already has a session recorded on this day at this time: open it from the group's page to correct it."}

// RecordGroupSession records a session that has taken place, its
// attendance and its note, and gives every member present or late a
// contact, all in one transaction.
func (s *Store) RecordGroupSession(ctx context.Context, a Actor, groupID int64, in GroupSessionInput) (GroupSession, error) {
	var sid int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		g, err := s.groupToRun(ctx, tx, a, groupID)
		if err != nil {
			return err
		}
		if g.Archived() {
			return core.Conflict("This group is archived: bring it back before recording new sessions.")
		}
		sh, err := s.attendanceSheet(ctx, tx, a, g.ID, 0)
		if err != nil {
			return err
		}
		if err := s.checkSession(a, g, sh, &in); err != nil {
			return err
		}
		now := ms(s.now())
		err = tx.QueryRowContext(ctx, `INSERT INTO group_sessions (org_id, group_id, held_on, start_time, duration_minutes, note, guests,
			created_at, created_by, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $9) RETURNING id`,
			a.OrgID, g.ID, in.HeldOn, in.StartTime, in.DurationMinutes, in.Note, in.Guests, now, a.UserID).Scan(&sid)
		if isUniqueViolation(err) {
			return core.Invalid(errSessionSlot)
		}
		if err != nil {
			return err
		}
		if err := s.writeSession(ctx, tx, a, g, sid, in, nil); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return GroupSession{}, err
	}
	return s.sessionOfGroup(ctx, s.rdb, a, groupID, sid)
}

// UpdateGroupSession corrects a session: its date and time, note, guests,
// facilitators and the whole attendance list. The members' contacts follow:
// a member no longer present or late loses the contact, one newly marked
// gains one, the others' contacts take the new time, length and note.
func (s *Store) UpdateGroupSession(ctx context.Context, a Actor, groupID, sid int64, in GroupSessionInput) (GroupSession, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		g, err := s.groupToRun(ctx, tx, a, groupID)
		if err != nil {
			return err
		}
		if _, err := s.sessionRow(ctx, tx, a.OrgID, g.ID, sid); err != nil {
			return err
		}
		sh, err := s.attendanceSheet(ctx, tx, a, g.ID, sid)
		if err != nil {
			return err
		}
		if err := s.checkSession(a, g, sh, &in); err != nil {
			return err
		}
		before := map[int64]string{}
		for _, e := range sh.entries {
			if e.Status != "" {
				before[e.PersonID] = e.Status
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE group_sessions SET held_on = $1, start_time = $2, duration_minutes = $3, note = $4, guests = $5,
			updated_at = $6, updated_by = $7 WHERE id = $8 AND org_id = $9 AND group_id = $10`,
			in.HeldOn, in.StartTime, in.DurationMinutes, in.Note, in.Guests, ms(s.now()), a.UserID, sid, a.OrgID, g.ID)
		if isUniqueViolation(err) {
			return core.Invalid(errSessionSlot)
		}
		if err != nil {
			return err
		}
		return s.writeSession(ctx, tx, a, g, sid, in, before)
	})
	if err != nil {
		return GroupSession{}, err
	}
	return s.sessionOfGroup(ctx, s.rdb, a, groupID, sid)
}

// writeSession writes a session's facilitators and attendance, brings the
// members' contacts in line with it and audits the change. before is the
// attendance as it was (nil for a new session).
func (s *Store) writeSession(ctx context.Context, tx *sql.Tx, a Actor, g Group, sid int64, in GroupSessionInput, before map[int64]string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM group_session_facilitators WHERE session_id = $1 AND org_id = $2", sid, a.OrgID); err != nil {
		return err
	}
	for _, uid := range in.FacilitatorIDs {
		if _, err := tx.ExecContext(ctx, "INSERT INTO group_session_facilitators (session_id, user_id, org_id) VALUES ($1, $2, $3)", sid, uid, a.OrgID); err != nil {
			return err
		}
	}
	ids := make([]int64, 0, len(in.Attendance))
	for pid := range in.Attendance {
		ids = append(ids, pid)
	}
	slices.Sort(ids)
	for pid := range before {
		if _, still := in.Attendance[pid]; !still {
			if _, err := tx.ExecContext(ctx, "DELETE FROM group_attendance WHERE session_id = $1 AND person_id = $2 AND org_id = $3", sid, pid, a.OrgID); err != nil {
				return err
			}
		}
	}
	for _, pid := range ids {
		if before[pid] == in.Attendance[pid] {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO group_attendance (session_id, person_id, org_id, group_id, status) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (session_id, person_id) DO UPDATE SET status = excluded.status`, sid, pid, a.OrgID, g.ID, in.Attendance[pid]); err != nil {
			return err
		}
	}
	counts := map[string]int{}
	for _, st := range in.Attendance {
		counts[st]++
	}
	if _, err := tx.ExecContext(ctx, "UPDATE group_sessions SET present = $1, late = $2, excused = $3, absent = $4 WHERE id = $5 AND org_id = $6",
		counts["present"], counts["late"], counts["excused"], counts["absent"], sid, a.OrgID); err != nil {
		return err
	}
	contacts, err := s.syncGroupContacts(ctx, tx, a, g, sid, in)
	if err != nil {
		return err
	}
	action, detail := audit.ActionCreate, "group "+idString(g.ID)
	if before != nil {
		action = audit.ActionUpdate
	}
	if len(contacts) > 0 {
		detail += "; contacts for people " + joinIDs(contacts)
	}
	return s.record(ctx, tx, a, action, "group_session", sid, detail)
}

// syncGroupContacts makes the session's contacts match its attendance:
// one contact per member present or late, at the session's start, for its
// length, with its note, in the group's way of meeting. It recomputes the
// check-in of everyone whose contacts changed and returns the ids of the
// people who have a contact from the session.
func (s *Store) syncGroupContacts(ctx context.Context, tx *sql.Tx, a Actor, g Group, sid int64, in GroupSessionInput) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, "SELECT person_id, id FROM contacts WHERE org_id = $1 AND group_session_id = $2", a.OrgID, sid)
	if err != nil {
		return nil, err
	}
	type pair struct{ person, contact int64 }
	have, err := collect(rows, func(sc interface{ Scan(...any) error }) (pair, error) {
		var p pair
		err := sc.Scan(&p.person, &p.contact)
		return p, err
	})
	if err != nil {
		return nil, err
	}
	existing := map[int64]int64{}
	for _, p := range have {
		existing[p.person] = p.contact
	}
	at := ms(sessionStart(in.HeldOn, in.StartTime))
	now := ms(s.now())
	touched := map[int64]bool{}
	var attending []int64
	for pid, st := range in.Attendance {
		if !attends(st) {
			continue
		}
		attending = append(attending, pid)
		touched[pid] = true
		if cid, ok := existing[pid]; ok {
			if err := countContact(ctx, tx, a.OrgID, cid, -1); err != nil {
				return nil, err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE contacts SET occurred_at = $1, duration_minutes = $2, mode = $3, note = $4, updated_at = $5
				WHERE id = $6 AND org_id = $7`, at, in.DurationMinutes, g.Mode(), in.Note, now, cid, a.OrgID); err != nil {
				return nil, err
			}
			if err := countContact(ctx, tx, a.OrgID, cid, +1); err != nil {
				return nil, err
			}
			continue
		}
		var cid int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO contacts (org_id, person_id, occurred_at, duration_minutes, format, mode, kind, participants, note,
			created_at, created_by, updated_at, group_session_id) VALUES ($1, $2, $3, $4, 'group', $5, $6, '', $7, $8, $9, $8, $10) RETURNING id`,
			a.OrgID, pid, at, in.DurationMinutes, g.Mode(), KindGroupSession, in.Note, now, a.UserID, sid).Scan(&cid); err != nil {
			return nil, err
		}
		if err := countContact(ctx, tx, a.OrgID, cid, +1); err != nil {
			return nil, err
		}
	}
	for pid, cid := range existing {
		if touched[pid] {
			continue
		}
		touched[pid] = true
		if err := countContact(ctx, tx, a.OrgID, cid, -1); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM contacts WHERE id = $1 AND org_id = $2", cid, a.OrgID); err != nil {
			return nil, err
		}
	}
	people := make([]int64, 0, len(touched))
	for pid := range touched {
		people = append(people, pid)
	}
	slices.Sort(people)
	for _, pid := range people {
		if err := s.refreshCheckIn(ctx, tx, a.OrgID, pid); err != nil {
			return nil, err
		}
	}
	slices.Sort(attending)
	return attending, nil
}

// DeleteGroupSession removes a session recorded by mistake, with its
// attendance and the contacts it made, and recomputes those people's
// check-ins. The audit log keeps the fact.
func (s *Store) DeleteGroupSession(ctx context.Context, a Actor, groupID, sid int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		g, err := s.groupToRun(ctx, tx, a, groupID)
		if err != nil {
			return err
		}
		if _, err := s.sessionRow(ctx, tx, a.OrgID, g.ID, sid); err != nil {
			return err
		}
		if _, err := s.syncGroupContacts(ctx, tx, a, g, sid, GroupSessionInput{}); err != nil {
			return err
		}
		for _, q := range []string{
			"DELETE FROM group_attendance WHERE session_id = $1 AND org_id = $2",
			"DELETE FROM group_session_facilitators WHERE session_id = $1 AND org_id = $2",
			"DELETE FROM group_sessions WHERE id = $1 AND org_id = $2",
		} {
			if _, err := tx.ExecContext(ctx, q, sid, a.OrgID); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, audit.ActionDelete, "group_session", sid, "group "+idString(g.ID))
	})
}

const groupSessionColumns = `gs.id, gs.group_id, gs.held_on, gs.start_time, gs.duration_minutes, gs.note, gs.guests, gs.created_by, gs.updated_at,
	gs.present, gs.late, gs.excused, gs.absent`

func scanGroupSession(sc interface{ Scan(...any) error }) (GroupSession, error) {
	var gs GroupSession
	var updated int64
	err := sc.Scan(&gs.ID, &gs.GroupID, &gs.HeldOn, &gs.StartTime, &gs.DurationMinutes, &gs.Note, &gs.Guests, &gs.CreatedBy, &updated,
		&gs.Present, &gs.Late, &gs.Excused, &gs.Absent)
	gs.UpdatedAt = fromMS(updated)
	return gs, err
}

// sessionRow reads one session of a group, without its lists.
func (s *Store) sessionRow(ctx context.Context, q querier, orgID, groupID, sid int64) (GroupSession, error) {
	gs, err := scanGroupSession(q.QueryRowContext(ctx, "SELECT "+groupSessionColumns+" FROM group_sessions gs WHERE gs.id = $1 AND gs.org_id = $2 AND gs.group_id = $3",
		sid, orgID, groupID))
	if errors.Is(err, sql.ErrNoRows) {
		return GroupSession{}, core.NotFound("The session")
	}
	return gs, err
}

// loadSessionDetails fills in the facilitators of sessions: one query for
// the whole page. ("+org_id", as in visibleTo, keeps SQLite from walking the
// organisation's index instead of looking up the page's sessions by key.)
// The attendance counts are on the session rows themselves.
func (s *Store) loadSessionDetails(ctx context.Context, q querier, orgID int64, ss []GroupSession) error {
	if len(ss) == 0 {
		return nil
	}
	idx := map[int64]int{}
	ids := make([]int64, len(ss))
	for i, x := range ss {
		idx[x.ID], ids[i] = i, x.ID
	}
	in, args := inList(ids, []any{orgID})
	rows, err := q.QueryContext(ctx, `SELECT sf.session_id, u.id, u.name, u.active FROM group_session_facilitators sf JOIN users u ON u.id = sf.user_id
		WHERE sf.session_id IN (`+in+`) AND +sf.org_id = $1 ORDER BY u.name, u.id`, args...)
	if err != nil {
		return err
	}
	type fac struct {
		session int64
		w       WorkerRef
	}
	fs, err := collect(rows, func(sc interface{ Scan(...any) error }) (fac, error) {
		var f fac
		err := sc.Scan(&f.session, &f.w.ID, &f.w.Name, &f.w.Active)
		return f, err
	})
	if err != nil {
		return err
	}
	for _, f := range fs {
		ss[idx[f.session]].Facilitators = append(ss[idx[f.session]].Facilitators, f.w)
	}
	return nil
}

// sessionsOfGroup lists a group's sessions, the latest first, with their
// counts. It does not audit.
func (s *Store) sessionsOfGroup(ctx context.Context, orgID, groupID int64, p Page) (List[GroupSession], error) {
	var afterOn, afterTime string
	var afterID int64
	has, err := decodeCursor(p.Cursor, &afterOn, &afterTime, &afterID)
	if err != nil {
		return List[GroupSession]{}, err
	}
	where := "gs.org_id = $1 AND gs.group_id = $2"
	args := []any{orgID, groupID}
	if has {
		where += " AND (gs.held_on < $3 OR (gs.held_on = $3 AND (gs.start_time < $4 OR (gs.start_time = $4 AND gs.id < $5))))"
		args = append(args, afterOn, afterTime, afterID)
	}
	limit := p.limit()
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+groupSessionColumns+" FROM group_sessions gs WHERE "+where+
		fmt.Sprintf(" ORDER BY gs.held_on DESC, gs.start_time DESC, gs.id DESC LIMIT %d", limit+1), args...)
	if err != nil {
		return List[GroupSession]{}, err
	}
	ss, err := collect(rows, scanGroupSession)
	if err != nil {
		return List[GroupSession]{}, err
	}
	ss, more := trim(ss, limit)
	if err := s.loadSessionDetails(ctx, s.rdb, orgID, ss); err != nil {
		return List[GroupSession]{}, err
	}
	res := List[GroupSession]{Items: ss}
	if more {
		last := ss[len(ss)-1]
		res.Next = encodeCursor(last.HeldOn, last.StartTime, last.ID)
	}
	return res, nil
}

// GroupSessions lists a group's sessions, the latest first, with their
// attendance counts (no names), for those who see the roster; the read is
// audited.
func (s *Store) GroupSessions(ctx context.Context, a Actor, groupID int64, p Page) (List[GroupSession], error) {
	g, err := s.groupWithRoster(ctx, s.rdb, a, groupID, "The group's sessions")
	if err != nil {
		return List[GroupSession]{}, err
	}
	l, err := s.sessionsOfGroup(ctx, a.OrgID, g.ID, p)
	if err != nil {
		return l, err
	}
	return l, s.recordRead(ctx, a, "group", g.ID, "sessions")
}

// sessionOfGroup reads one session with its facilitators, counts and
// attendance list, without auditing.
func (s *Store) sessionOfGroup(ctx context.Context, q querier, a Actor, groupID, sid int64) (GroupSession, error) {
	gs, err := s.sessionRow(ctx, q, a.OrgID, groupID, sid)
	if err != nil {
		return gs, err
	}
	list := []GroupSession{gs}
	if err := s.loadSessionDetails(ctx, q, a.OrgID, list); err != nil {
		return gs, err
	}
	gs = list[0]
	sh, err := s.attendanceSheet(ctx, q, a, groupID, sid)
	if err != nil {
		return gs, err
	}
	gs.Attendance = sh.entries
	return gs, nil
}

// GroupSession returns a session with its attendance list (the group's
// current members and anyone marked), for those who see the roster, and
// audits the read with the ids of the people listed. For anyone else the
// session is not found.
func (s *Store) GroupSession(ctx context.Context, a Actor, groupID, sid int64) (Group, GroupSession, error) {
	g, err := s.groupWithRoster(ctx, s.rdb, a, groupID, "The session")
	if err != nil {
		return Group{}, GroupSession{}, err
	}
	gs, err := s.sessionOfGroup(ctx, s.rdb, a, g.ID, sid)
	if err != nil {
		return g, gs, err
	}
	return g, gs, s.auditPeople(ctx, a, g.ID, "session "+idString(sid)+" attendance", entryIDs(gs.Attendance))
}

// NewSessionSheet returns the group and the attendance list for recording a
// new session (the current members, none marked), for those who may run the
// group, and audits the read of the list.
func (s *Store) NewSessionSheet(ctx context.Context, a Actor, groupID int64) (Group, []AttendanceEntry, error) {
	g, err := s.groupToRun(ctx, s.rdb, a, groupID)
	if err != nil {
		return Group{}, nil, err
	}
	sh, err := s.attendanceSheet(ctx, s.rdb, a, g.ID, 0)
	if err != nil {
		return g, nil, err
	}
	return g, sh.entries, s.auditPeople(ctx, a, g.ID, "attendance list", entryIDs(sh.entries))
}

func entryIDs(es []AttendanceEntry) []int64 {
	ids := make([]int64, len(es))
	for i, e := range es {
		ids[i] = e.PersonID
	}
	return ids
}

// Facilitation is what a worker's development record says about the group
// sessions they facilitated: how many, how long in all, and from when.
type Facilitation struct {
	Sessions int
	Minutes  int
	Since    string // the first session's date
	Last     string // the latest session's date
	Groups   []GroupFacilitation
}

// Hours is the total time in hours, to one decimal place as text.
func (f Facilitation) Hours() string { return hoursText(f.Minutes) }

// GroupFacilitation is one group's part of a Facilitation.
type GroupFacilitation struct {
	GroupID  int64
	Name     string
	Sessions int
	Minutes  int
	Last     string
}

// Hours is the group's time in hours, as text.
func (g GroupFacilitation) Hours() string { return hoursText(g.Minutes) }

func hoursText(minutes int) string {
	h := fmt.Sprintf("%.1f", float64(minutes)/60)
	return strings.TrimSuffix(h, ".0")
}

// facilitationFor counts, for many workers at once, the group sessions they
// facilitated: one aggregate query, whatever the number of sessions.
func (s *Store) facilitationFor(ctx context.Context, orgID int64, userIDs []int64) (map[int64]Facilitation, error) {
	out := map[int64]Facilitation{}
	if len(userIDs) == 0 {
		return out, nil
	}
	in, args := inList(userIDs, []any{orgID})
	rows, err := s.rdb.QueryContext(ctx, `SELECT sf.user_id, COUNT(*), COALESCE(SUM(gs.duration_minutes), 0), MIN(gs.held_on), MAX(gs.held_on)
		FROM group_session_facilitators sf JOIN group_sessions gs ON gs.id = sf.session_id
		WHERE sf.org_id = $1 AND sf.user_id IN (`+in+`) GROUP BY sf.user_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var f Facilitation
		if err := rows.Scan(&id, &f.Sessions, &f.Minutes, &f.Since, &f.Last); err != nil {
			return nil, err
		}
		out[id] = f
	}
	return out, rows.Err()
}

// facilitationOf is one worker's facilitation with its breakdown by group:
// one aggregate query.
func (s *Store) facilitationOf(ctx context.Context, orgID, userID int64) (Facilitation, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT g.id, g.name, COUNT(*), COALESCE(SUM(gs.duration_minutes), 0), MIN(gs.held_on), MAX(gs.held_on)
		FROM group_session_facilitators sf JOIN group_sessions gs ON gs.id = sf.session_id JOIN peer_groups g ON g.id = gs.group_id
		WHERE sf.org_id = $1 AND sf.user_id = $2 GROUP BY g.id, g.name ORDER BY MAX(gs.held_on) DESC, g.id`, orgID, userID)
	if err != nil {
		return Facilitation{}, err
	}
	defer rows.Close()
	var f Facilitation
	for rows.Next() {
		var g GroupFacilitation
		var since string
		if err := rows.Scan(&g.GroupID, &g.Name, &g.Sessions, &g.Minutes, &since, &g.Last); err != nil {
			return Facilitation{}, err
		}
		f.Groups = append(f.Groups, g)
		f.Sessions += g.Sessions
		f.Minutes += g.Minutes
		if f.Since == "" || since < f.Since {
			f.Since = since
		}
		if g.Last > f.Last {
			f.Last = g.Last
		}
	}
	return f, rows.Err()
}
