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

	"golang.org/x/text/unicode/norm"

	"peerpath/internal/audit"
	"peerpath/internal/core"
)

// This file holds the people supported and the one rule that decides who may
// see a record about a person. Every other file about a person's records
// (contacts, goals, referrals, consent, and later safety plans and groups)
// goes through visibleTo, visiblePerson or Person below.

// Person statuses.
const (
	StatusActive = "active"
	StatusOnHold = "on_hold"
	StatusClosed = "closed"
)

// PersonStatuses lists the statuses in the order the interface shows them.
var PersonStatuses = []string{StatusActive, StatusOnHold, StatusClosed}

// Channels are the ways a person may be reached, each with its own
// okay-to-contact flag.
var Channels = []string{"phone_call", "voicemail", "text", "email", "mail"}

// Check-in rhythm limits, in days.
const (
	DefaultCheckInDays = 7
	MaxCheckInDays     = 90
)

// Zone is where the organisations work (core.Local): dates that mean "a
// day" (a check-in due, a follow-up due, a goal cycle's end) are days there.
var Zone = core.Local

const dateLayout = core.DateLayout

// Today is the store clock's date in Massachusetts, as YYYY-MM-DD.
func (s *Store) Today() string { return core.Today(s.now()) }

// WorkerRef names a worker assigned to a person.
type WorkerRef struct {
	ID     int64
	Name   string
	Active bool
}

// Person is someone the organisation supports.
type Person struct {
	ID                int64
	OrgID             int64
	PreferredName     string
	LegalName         string // only when needed (benefits, housing paperwork)
	Pronouns          string
	BornOn            string // YYYY-MM-DD, or empty
	PreferredLanguage string
	Phone             string
	Email             string
	MailingAddress    string
	OkayToContact     []string // channels it is okay to use, in Channels order
	Programmes        []string
	Status            string
	ClosedReason      string // in the person's own terms
	CheckInEveryDays  int
	LastContactAt     time.Time // zero when there has been no contact
	ActiveSince       time.Time
	CheckInDueOn      string // YYYY-MM-DD
	Workers           []WorkerRef
	CreatedAt         time.Time
	CreatedBy         int64
	UpdatedAt         time.Time
}

// OkayBy reports whether it is okay to reach the person by channel.
func (p Person) OkayBy(channel string) bool { return slices.Contains(p.OkayToContact, channel) }

// Overdue reports whether the person's check-in is overdue on day today
// (YYYY-MM-DD). Only active people have check-ins.
func (p Person) Overdue(today string) bool {
	return p.Status == StatusActive && p.CheckInDueOn < today
}

// DueToday reports whether the check-in falls due today.
func (p Person) DueToday(today string) bool {
	return p.Status == StatusActive && p.CheckInDueOn == today
}

// WorkerIDs lists the ids of the assigned workers.
func (p Person) WorkerIDs() []int64 {
	out := make([]int64, len(p.Workers))
	for i, w := range p.Workers {
		out[i] = w.ID
	}
	return out
}

// AssignedTo reports whether worker id is assigned to the person.
func (p Person) AssignedTo(id int64) bool { return slices.Contains(p.WorkerIDs(), id) }

// checkInDue is the day the next check-in falls due: the rhythm counted from
// the last contact of any kind, or, when there has been none since the
// person became active (added, or back from a pause), from that day. So a
// person returning from "on hold" is not overdue the moment they return.
func checkInDue(lastContact, activeSince time.Time, everyDays int) string {
	base := activeSince
	if lastContact.After(base) {
		base = lastContact
	}
	return base.In(Zone).AddDate(0, 0, everyDays).Format(dateLayout)
}

const personColumns = `p.id, p.org_id, p.preferred_name, p.legal_name, p.pronouns, p.born_on, p.preferred_language,
	p.phone, p.email, p.mailing_address, p.okay_to_contact, p.status, p.closed_reason, p.check_in_every_days,
	p.last_contact_at, p.active_since_at, p.check_in_due_on, p.created_at, p.created_by, p.updated_at`

func scanPerson(sc interface{ Scan(...any) error }) (Person, error) {
	var p Person
	var okay string
	var last, since, created, updated int64
	err := sc.Scan(&p.ID, &p.OrgID, &p.PreferredName, &p.LegalName, &p.Pronouns, &p.BornOn, &p.PreferredLanguage,
		&p.Phone, &p.Email, &p.MailingAddress, &okay, &p.Status, &p.ClosedReason, &p.CheckInEveryDays,
		&last, &since, &p.CheckInDueOn, &created, &p.CreatedBy, &updated)
	p.OkayToContact = commaList(okay)
	p.LastContactAt, p.ActiveSince, p.CreatedAt, p.UpdatedAt = fromMS(last), fromMS(since), fromMS(created), fromMS(updated)
	return p, err
}

func commaList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// loadPeopleDetails fills in the assigned workers and programmes of people,
// with one query each for all of them.
func (s *Store) loadPeopleDetails(ctx context.Context, q querier, people []Person) error {
	if len(people) == 0 {
		return nil
	}
	if err := s.loadWorkers(ctx, q, people); err != nil {
		return err
	}
	idx := map[int64]int{}
	ids := make([]int64, len(people))
	for i, p := range people {
		idx[p.ID], ids[i] = i, p.ID
		people[i].Programmes = nil
	}
	in, args := inList(ids, nil)
	rows, err := q.QueryContext(ctx, "SELECT person_id, name FROM person_programmes WHERE person_id IN ("+in+") ORDER BY name", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		var name string
		if err := rows.Scan(&pid, &name); err != nil {
			return err
		}
		people[idx[pid]].Programmes = append(people[idx[pid]].Programmes, name)
	}
	return rows.Err()
}

// person reads one person the actor may see, with workers and programmes,
// without auditing (callers audit).
func (s *Store) person(ctx context.Context, q querier, a Actor, id int64) (Person, error) {
	cond, args := visibleTo(a, "p", []any{id})
	return s.personWhere(ctx, q, "p.id = $1 AND "+cond, args...)
}

func (s *Store) personWhere(ctx context.Context, q querier, where string, args ...any) (Person, error) {
	p, err := scanPerson(q.QueryRowContext(ctx, "SELECT "+personColumns+" FROM people p WHERE "+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Person{}, core.NotFound("The person")
	}
	if err != nil {
		return Person{}, err
	}
	ps := []Person{p}
	err = s.loadPeopleDetails(ctx, q, ps)
	return ps[0], err
}

// Person returns a person the actor may see, and audits the read. It is
// core.NotFound for a person of another organisation or one the actor has
// no relationship with. Later features check access to a person through it
// (or CheckPersonVisible) before showing their records.
func (s *Store) Person(ctx context.Context, a Actor, id int64) (Person, error) {
	p, err := s.person(ctx, s.rdb, a, id)
	if err != nil {
		return Person{}, err
	}
	return p, s.recordRead(ctx, a, "person", id, "")
}

// PersonInput is what adding a person takes.
type PersonInput struct {
	PreferredName     string
	LegalName         string
	Pronouns          string
	BornOn            string
	PreferredLanguage string
	Phone             string
	Email             string
	MailingAddress    string
	OkayToContact     []string
	Programmes        []string
	CheckInEveryDays  int // 0 means DefaultCheckInDays
	// SupportedSince is the day support began (YYYY-MM-DD), for someone
	// supported before they were recorded here; today when empty. The first
	// check-in falls due a rhythm after it.
	SupportedSince string
	// WorkerIDs are the workers to assign. A peer worker who adds a person
	// is always assigned to them as well.
	WorkerIDs []int64
}

// PersonPatch changes some of a person's details: nil fields stay as they are.
type PersonPatch struct {
	PreferredName     *string
	LegalName         *string
	Pronouns          *string
	BornOn            *string
	PreferredLanguage *string
	Phone             *string
	Email             *string
	MailingAddress    *string
	OkayToContact     *[]string
	Programmes        *[]string
	CheckInEveryDays  *int
	Status            *string
	ClosedReason      *string
	WorkerIDs         *[]int64 // supervisors and administrators only
}

// searchKey lower-cases a name and strips accents, so "jose" finds "José"
// and "JOSÉ" is a duplicate of "José", on both databases alike.
func searchKey(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(strings.TrimSpace(s))) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(r)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func tooLong(f map[string]string, field, v string, n int) {
	if utf8.RuneCountInString(v) > n {
		f[field] = fmt.Sprintf("Use at most %d characters.", n)
	}
}

// validDate reports whether v is a YYYY-MM-DD date.
func validDate(v string) bool {
	_, err := time.Parse(dateLayout, v)
	return err == nil
}

func validPhone(v string) bool {
	digits := 0
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +-().xXet", r):
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 20
}

// cleanList trims, drops empty and repeated items, keeping order.
func cleanList(in []string) []string {
	var out []string
	for _, v := range in {
		v = strings.Join(strings.Fields(v), " ")
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// validatePerson checks a person's details (after a patch is applied).
func (s *Store) validatePerson(p *Person) map[string]string {
	f := map[string]string{}
	p.PreferredName = strings.TrimSpace(p.PreferredName)
	p.LegalName = strings.TrimSpace(p.LegalName)
	p.Pronouns = strings.TrimSpace(p.Pronouns)
	p.PreferredLanguage = strings.TrimSpace(p.PreferredLanguage)
	p.Phone = strings.TrimSpace(p.Phone)
	p.Email = strings.TrimSpace(p.Email)
	p.MailingAddress = strings.TrimSpace(p.MailingAddress)
	p.ClosedReason = strings.TrimSpace(p.ClosedReason)
	p.BornOn = strings.TrimSpace(p.BornOn)
	if p.PreferredName == "" {
		f["preferred_name"] = "Enter the name the person likes to be called."
	}
	tooLong(f, "preferred_name", p.PreferredName, 200)
	tooLong(f, "legal_name", p.LegalName, 200)
	tooLong(f, "pronouns", p.Pronouns, 60)
	tooLong(f, "preferred_language", p.PreferredLanguage, 80)
	tooLong(f, "mailing_address", p.MailingAddress, 500)
	if p.BornOn != "" {
		switch {
		case !validDate(p.BornOn):
			f["date_of_birth"] = "Enter the date of birth as a date, such as 1984-06-30, or leave it empty."
		case p.BornOn > s.Today() || p.BornOn < "1900-01-01":
			f["date_of_birth"] = "Enter a date of birth in the past, or leave it empty."
		}
	}
	if p.Phone != "" && !validPhone(p.Phone) {
		f["phone"] = "Enter a phone number such as 617-555-0142."
	}
	if p.Email != "" {
		p.Email = normaliseEmail(p.Email)
		if !validEmail(p.Email) {
			f["email"] = "Enter an email address such as name@example.org, or leave it empty."
		}
	}
	var okay []string
	for _, c := range Channels {
		if slices.Contains(p.OkayToContact, c) {
			okay = append(okay, c)
		}
	}
	for _, c := range p.OkayToContact {
		if !slices.Contains(Channels, c) {
			f["okay_to_contact"] = fmt.Sprintf("%q is not a way of reaching someone here: use %s.", c, strings.Join(Channels, ", "))
		}
	}
	p.OkayToContact = okay
	if _, bad := f["okay_to_contact"]; !bad {
		switch {
		case (p.OkayBy("phone_call") || p.OkayBy("voicemail") || p.OkayBy("text")) && p.Phone == "":
			f["okay_to_contact"] = "Add a phone number, or untick phone call, voicemail and text."
		case p.OkayBy("email") && p.Email == "":
			f["okay_to_contact"] = "Add an email address, or untick email."
		case p.OkayBy("mail") && p.MailingAddress == "":
			f["okay_to_contact"] = "Add a mailing address, or untick mail."
		}
	}
	p.Programmes = cleanList(p.Programmes)
	if len(p.Programmes) > 10 {
		f["programmes"] = "List at most 10 programmes."
	}
	for _, pr := range p.Programmes {
		if utf8.RuneCountInString(pr) > 100 {
			f["programmes"] = "Keep each programme's name under 100 characters."
		}
	}
	if p.CheckInEveryDays < 1 || p.CheckInEveryDays > MaxCheckInDays {
		f["check_in_every_days"] = fmt.Sprintf("Enter a number of days from 1 to %d.", MaxCheckInDays)
	}
	if !slices.Contains(PersonStatuses, p.Status) {
		f["status"] = "Choose active, on hold or closed."
	}
	if p.Status == StatusClosed && p.ClosedReason == "" {
		f["closed_reason"] = "Say why the support ended, in the person's own words if you can."
	}
	if p.Status != StatusClosed {
		p.ClosedReason = ""
	}
	tooLong(f, "closed_reason", p.ClosedReason, 1000)
	return f
}

// checkWorkers refuses workers who are not active peer workers, supervisors
// or administrators of the organisation (a trainer is never assigned), and
// an empty list: nobody would be checking in with the person.
func (s *Store) checkWorkers(ctx context.Context, q querier, orgID int64, ids []int64) error {
	if len(ids) == 0 {
		return core.Invalid(map[string]string{"assigned_worker_ids": "Choose at least one worker to support this person."})
	}
	in, args := inList(ids, []any{orgID})
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(DISTINCT u.id) FROM users u JOIN user_roles r ON r.user_id = u.id
		WHERE u.org_id = $1 AND u.active AND r.role IN `+rolesWorkingWithPeople+` AND u.id IN (`+in+`)`, args...).Scan(&n)
	if err != nil {
		return err
	}
	if n != len(ids) {
		return core.Invalid(map[string]string{"assigned_worker_ids": "Choose active peer workers, supervisors or administrators of this organisation."})
	}
	return nil
}

// CreatePerson adds a person supported. A person added by a peer worker is
// assigned to them; supervisors and administrators choose the workers.
func (s *Store) CreatePerson(ctx context.Context, a Actor, in PersonInput) (Person, error) {
	if !a.worksWithPeople() {
		return Person{}, core.Forbidden("Only peer workers, supervisors and administrators add people.")
	}
	if in.CheckInEveryDays == 0 {
		in.CheckInEveryDays = DefaultCheckInDays
	}
	p := Person{
		OrgID: a.OrgID, PreferredName: in.PreferredName, LegalName: in.LegalName, Pronouns: in.Pronouns, BornOn: in.BornOn,
		PreferredLanguage: in.PreferredLanguage, Phone: in.Phone, Email: in.Email, MailingAddress: in.MailingAddress,
		OkayToContact: in.OkayToContact, Programmes: in.Programmes, CheckInEveryDays: in.CheckInEveryDays, Status: StatusActive,
	}
	f := s.validatePerson(&p)
	workers := in.WorkerIDs
	if !a.CanAssign() {
		workers = nil // a peer worker cannot assign others
	}
	if a.HasOwnPeople() {
		workers = append(workers, a.UserID)
	}
	workers = uniqueIDs(workers)
	since := s.supportedSince(in.SupportedSince, f)
	if len(workers) == 0 {
		f["assigned_worker_ids"] = "Choose at least one worker to support this person."
	}
	if err := core.Invalid(f); err != nil {
		return Person{}, err
	}
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.checkWorkers(ctx, tx, a.OrgID, workers); err != nil {
			return err
		}
		var err error
		id, err = s.insertPerson(ctx, tx, a, p, workers, since)
		return err
	})
	if err != nil {
		return Person{}, err
	}
	return s.person(ctx, s.rdb, a, id)
}

// supportedSince reads the day support began (YYYY-MM-DD; today when
// empty), putting a message in f when it is not a day in the past.
func (s *Store) supportedSince(v string, f map[string]string) time.Time {
	since := s.now()
	if v = strings.TrimSpace(v); v != "" && v != s.Today() {
		t, err := time.ParseInLocation(dateLayout, v, Zone)
		switch {
		case err != nil:
			f["supported_since"] = "Enter the day support began, such as 2026-09-01, or leave it empty for today."
		case v > s.Today() || v < "1990-01-01":
			f["supported_since"] = "Enter a day in the past, or leave it empty for today."
		default:
			since = t.UTC()
		}
	}
	return since
}

// insertPerson writes a validated person with their workers (checked by
// checkWorkers) and programmes, the first check-in a rhythm after since,
// and the audit entry; someone alike already recorded is flagged.
func (s *Store) insertPerson(ctx context.Context, tx *sql.Tx, a Actor, p Person, workers []int64, since time.Time) (int64, error) {
	now := s.now()
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO people (org_id, preferred_name, legal_name, preferred_key, legal_key, pronouns, born_on,
		preferred_language, phone, email, mailing_address, okay_to_contact, status, check_in_every_days, active_since_at,
		check_in_due_on, created_at, created_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $17) RETURNING id`,
		a.OrgID, p.PreferredName, p.LegalName, searchKey(p.PreferredName), searchKey(p.LegalName), p.Pronouns, p.BornOn,
		p.PreferredLanguage, p.Phone, p.Email, p.MailingAddress, strings.Join(p.OkayToContact, ","), p.Status, p.CheckInEveryDays,
		ms(since), checkInDue(time.Time{}, since, p.CheckInEveryDays), ms(now), a.UserID).Scan(&id)
	if err != nil {
		return 0, err
	}
	if err := setWorkers(ctx, tx, a.OrgID, id, workers, ms(now)); err != nil {
		return 0, err
	}
	if err := setProgrammes(ctx, tx, a.OrgID, id, p.Programmes, core.Today(since)); err != nil {
		return 0, err
	}
	if p.Status == StatusClosed {
		if _, err := tx.ExecContext(ctx, "UPDATE people SET closed_on = $1 WHERE id = $2", s.Today(), id); err != nil {
			return 0, err
		}
	}
	if err := s.refreshFollowUps(ctx, tx, a.OrgID, []int64{id}); err != nil {
		return 0, err
	}
	if err := s.record(ctx, tx, a, audit.ActionCreate, "person", id, ""); err != nil {
		return 0, err
	}
	// Someone alike already recorded is flagged for a supervisor or an
	// administrator, never told to the worker (duplicates.go).
	return id, s.flagDuplicates(ctx, tx, a, p, id)
}

func setWorkers(ctx context.Context, tx *sql.Tx, orgID, personID int64, ids []int64, now int64) error {
	// Keep the assignment dates of workers who stay.
	in, args := inList(ids, []any{personID})
	if _, err := tx.ExecContext(ctx, "DELETE FROM person_workers WHERE person_id = $1 AND user_id NOT IN ("+in+")", args...); err != nil {
		return err
	}
	for _, uid := range ids {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM person_workers WHERE person_id = $1 AND user_id = $2", personID, uid).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO person_workers (person_id, user_id, org_id, assigned_at) VALUES ($1, $2, $3, $4)", personID, uid, orgID, now); err != nil {
			return err
		}
	}
	return nil
}

// setProgrammes puts a person in exactly the programmes named: those they
// stay in keep the day they started, the new ones start on startedOn
// (follow_ups.go counts the schedule from it).
func setProgrammes(ctx context.Context, tx *sql.Tx, orgID, personID int64, names []string, startedOn string) error {
	keep := map[string]bool{}
	rows, err := tx.QueryContext(ctx, "SELECT name FROM person_programmes WHERE person_id = $1", personID)
	if err != nil {
		return err
	}
	var had []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		had = append(had, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, n := range names {
		keep[n] = true
	}
	for _, n := range had {
		if !keep[n] {
			if _, err := tx.ExecContext(ctx, "DELETE FROM person_programmes WHERE person_id = $1 AND name = $2", personID, n); err != nil {
				return err
			}
		}
		delete(keep, n)
	}
	for _, n := range names {
		if !keep[n] {
			continue
		}
		delete(keep, n)
		if _, err := tx.ExecContext(ctx, "INSERT INTO person_programmes (person_id, org_id, name, started_on) VALUES ($1, $2, $3, $4)", personID, orgID, n, startedOn); err != nil {
			return err
		}
	}
	return ensureServiceProgrammes(ctx, tx, orgID, personID)
}

// UpdatePerson changes a person's details, status, check-in rhythm and (for
// supervisors and administrators) assigned workers. The audit entry names
// the fields that changed, never their values. It returns the person as
// changed, even when the change means the actor no longer sees them (a
// supervisor handing someone to a worker outside their team).
func (s *Store) UpdatePerson(ctx context.Context, a Actor, id int64, patch PersonPatch) (Person, error) {
	var updated Person
	err := s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.person(ctx, tx, a, id)
		if err != nil {
			return err
		}
		p := cur
		var changed []string
		setS := func(name string, dst *string, v *string) {
			if v != nil && strings.TrimSpace(*v) != *dst {
				*dst = *v
				changed = append(changed, name)
			}
		}
		setS("preferred_name", &p.PreferredName, patch.PreferredName)
		setS("legal_name", &p.LegalName, patch.LegalName)
		setS("pronouns", &p.Pronouns, patch.Pronouns)
		setS("date_of_birth", &p.BornOn, patch.BornOn)
		setS("preferred_language", &p.PreferredLanguage, patch.PreferredLanguage)
		setS("phone", &p.Phone, patch.Phone)
		setS("email", &p.Email, patch.Email)
		setS("mailing_address", &p.MailingAddress, patch.MailingAddress)
		setS("status", &p.Status, patch.Status)
		setS("closed_reason", &p.ClosedReason, patch.ClosedReason)
		if patch.OkayToContact != nil {
			p.OkayToContact = *patch.OkayToContact
			changed = append(changed, "okay_to_contact")
		}
		if patch.Programmes != nil {
			p.Programmes = *patch.Programmes
			changed = append(changed, "programmes")
		}
		if patch.CheckInEveryDays != nil && *patch.CheckInEveryDays != p.CheckInEveryDays {
			p.CheckInEveryDays = *patch.CheckInEveryDays
			changed = append(changed, "check_in_every_days")
		}
		f := s.validatePerson(&p)
		workers := cur.WorkerIDs()
		workersChanged := false
		if patch.WorkerIDs != nil {
			next := uniqueIDs(*patch.WorkerIDs)
			if !slices.Equal(next, uniqueIDs(workers)) {
				if !a.CanAssign() {
					return core.Forbidden("Only a supervisor or an administrator can change who supports a person.")
				}
				workers, workersChanged = next, true
				changed = append(changed, "assigned_workers")
			}
		}
		if err := core.Invalid(f); err != nil {
			return err
		}
		if workersChanged {
			if err := s.checkWorkers(ctx, tx, a.OrgID, workers); err != nil {
				return err
			}
		}
		now := s.now()
		since := p.ActiveSince
		if p.Status == StatusActive && cur.Status != StatusActive {
			since = now // back from a pause: the rhythm starts again today
		}
		if _, err := tx.ExecContext(ctx, `UPDATE people SET preferred_name = $1, legal_name = $2, preferred_key = $3, legal_key = $4,
			pronouns = $5, born_on = $6, preferred_language = $7, phone = $8, email = $9, mailing_address = $10, okay_to_contact = $11,
			status = $12, closed_reason = $13, check_in_every_days = $14, active_since_at = $15, check_in_due_on = $16, updated_at = $17,
			closed_at = CASE WHEN $12 <> 'closed' THEN 0 WHEN closed_at = 0 THEN $17 ELSE closed_at END
			WHERE id = $18 AND org_id = $19`,
			p.PreferredName, p.LegalName, searchKey(p.PreferredName), searchKey(p.LegalName), p.Pronouns, p.BornOn, p.PreferredLanguage,
			p.Phone, p.Email, p.MailingAddress, strings.Join(p.OkayToContact, ","), p.Status, p.ClosedReason, p.CheckInEveryDays,
			ms(since), checkInDue(p.LastContactAt, since, p.CheckInEveryDays), ms(now), id, a.OrgID); err != nil {
			return err
		}
		if workersChanged {
			if err := setWorkers(ctx, tx, a.OrgID, id, workers, ms(now)); err != nil {
				return err
			}
		}
		if patch.Programmes != nil {
			if err := setProgrammes(ctx, tx, a.OrgID, id, p.Programmes, s.Today()); err != nil {
				return err
			}
		}
		if p.Status != cur.Status && (p.Status == StatusClosed || cur.Status == StatusClosed) {
			closedOn := ""
			if p.Status == StatusClosed {
				closedOn = s.Today()
			}
			if _, err := tx.ExecContext(ctx, "UPDATE people SET closed_on = $1 WHERE id = $2 AND org_id = $3", closedOn, id, a.OrgID); err != nil {
				return err
			}
		}
		if patch.Programmes != nil || p.Status != cur.Status {
			if err := s.refreshFollowUps(ctx, tx, a.OrgID, []int64{id}); err != nil { // follow_ups.go
				return err
			}
		}
		if updated, err = s.personWhere(ctx, tx, "p.id = $1 AND p.org_id = $2", id, a.OrgID); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, audit.ActionUpdate, "person", id, strings.Join(changed, ",")); err != nil {
			return err
		}
		if slices.ContainsFunc(changed, func(c string) bool { return c == "preferred_name" || c == "legal_name" || c == "date_of_birth" }) {
			return s.flagDuplicates(ctx, tx, a, p, id) // duplicates.go: told to nobody
		}
		return nil
	})
	return updated, err
}

// refreshCheckIn recomputes a person's last contact and next check-in from
// their contacts, inside the transaction that changed a contact.
func (s *Store) refreshCheckIn(ctx context.Context, tx *sql.Tx, orgID, personID int64) error {
	return s.refreshCheckIns(ctx, tx, orgID, []int64{personID})
}

// refreshCheckIns is refreshCheckIn for many people of one organisation at
// once: one query reads each person's rhythm with their last contact (a seek
// on contacts_person per person), then each row is updated. A contact save
// calls it for one person; the scale generator (scale.go) for a batch, so
// the generated columns are the ones the application writes.
func (s *Store) refreshCheckIns(ctx context.Context, tx *sql.Tx, orgID int64, personIDs []int64) error {
	type due struct {
		id, last int64
		dueOn    string
	}
	var todo []due
	for start := 0; start < len(personIDs); start += maxInList {
		in, args := inList(personIDs[start:min(start+maxInList, len(personIDs))], []any{orgID})
		rows, err := tx.QueryContext(ctx, `SELECT p.id, p.active_since_at, p.check_in_every_days,
			(SELECT MAX(c.occurred_at) FROM contacts c WHERE c.org_id = p.org_id AND c.person_id = p.id)
			FROM people p WHERE p.org_id = $1 AND p.id IN (`+in+`)`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var d due
			var since int64
			var every int
			var last sql.NullInt64
			if err := rows.Scan(&d.id, &since, &every, &last); err != nil {
				rows.Close()
				return err
			}
			d.last, d.dueOn = last.Int64, checkInDue(fromMS(last.Int64), fromMS(since), every)
			todo = append(todo, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	const update = "UPDATE people SET last_contact_at = $1, check_in_due_on = $2 WHERE id = $3 AND org_id = $4"
	if len(todo) == 1 {
		_, err := tx.ExecContext(ctx, update, todo[0].last, todo[0].dueOn, todo[0].id, orgID)
		return err
	}
	stmt, err := tx.PrepareContext(ctx, update)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, d := range todo {
		if _, err := stmt.ExecContext(ctx, d.last, d.dueOn, d.id, orgID); err != nil {
			return err
		}
	}
	return nil
}

// AssignableWorkers lists the organisation's active peer workers,
// supervisors and administrators: the people who can be assigned.
func (s *Store) AssignableWorkers(ctx context.Context, orgID int64) ([]WorkerRef, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT DISTINCT u.id, u.name FROM users u JOIN user_roles r ON r.user_id = u.id
		WHERE u.org_id = $1 AND u.active AND r.role IN `+rolesWorkingWithPeople+` ORDER BY u.name, u.id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []WorkerRef
	for rows.Next() {
		w := WorkerRef{Active: true}
		if err := rows.Scan(&w.ID, &w.Name); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// ServiceProgrammes lists the programme names in use in the organisation, for the
// person form's suggestions.
func (s *Store) ServiceProgrammes(ctx context.Context, orgID int64) ([]string, error) {
	rows, err := s.rdb.QueryContext(ctx, "SELECT DISTINCT name FROM person_programmes WHERE org_id = $1 ORDER BY name LIMIT 100", orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// HasPeople reports whether the organisation has recorded anyone (the demo
// loader uses it to load its people once).
func (s *Store) HasPeople(ctx context.Context, orgID int64) (bool, error) {
	var n int
	err := s.rdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM people WHERE org_id = $1 LIMIT 1) t", orgID).Scan(&n)
	return n > 0, err
}

// PersonRecord is everything the person's page shows: their details, recent
// contacts, goal cycles, referrals and consent.
type PersonRecord struct {
	Person
	Contacts     []Contact // the most recent
	MoreContacts bool
	Cycles       []Cycle // newest first
	Referrals    []Referral
	Consents     []Consent    // newest first
	Plans        []PlanStatus // safety plan, wellness plan, crisis preferences (plans.go)
}

// CurrentConsent is the consent that stands, if any.
func (r PersonRecord) CurrentConsent() (Consent, bool) {
	for _, c := range r.Consents {
		if c.Current() {
			return c, true
		}
	}
	return Consent{}, false
}

// OpenCycle is the cycle not yet reviewed, if any.
func (r PersonRecord) OpenCycle() (Cycle, bool) {
	for _, c := range r.Cycles {
		if !c.Reviewed() {
			return c, true
		}
	}
	return Cycle{}, false
}

// PersonRecord returns a person's whole record for their page, and audits
// the read once.
func (s *Store) PersonRecord(ctx context.Context, a Actor, id int64) (PersonRecord, error) {
	r, err := s.personRecord(ctx, a, id)
	if err != nil {
		return PersonRecord{}, err
	}
	return r, s.recordRead(ctx, a, "person", id, "record")
}

// personRecord is PersonRecord without its audit entry.
func (s *Store) personRecord(ctx context.Context, a Actor, id int64) (PersonRecord, error) {
	p, err := s.person(ctx, s.rdb, a, id)
	if err != nil {
		return PersonRecord{}, err
	}
	r := PersonRecord{Person: p}
	const recent = 5
	cs, err := s.queryContacts(ctx, s.rdb, fmt.Sprintf("WHERE c.org_id = $1 AND c.person_id = $2 ORDER BY c.occurred_at DESC, c.id DESC LIMIT %d", recent+1), a.OrgID, id)
	if err != nil {
		return PersonRecord{}, err
	}
	r.Contacts, r.MoreContacts = trim(cs, recent)
	if r.Cycles, err = s.cyclesOf(ctx, s.rdb, a.OrgID, id, 8); err != nil {
		return PersonRecord{}, err
	}
	if r.Referrals, err = s.referralsOf(ctx, s.rdb, a.OrgID, id); err != nil {
		return PersonRecord{}, err
	}
	if r.Consents, err = s.consentsOf(ctx, s.rdb, a.OrgID, id); err != nil {
		return PersonRecord{}, err
	}
	if r.Plans, err = s.planStatuses(ctx, s.rdb, p); err != nil {
		return PersonRecord{}, err
	}
	return r, nil
}

// PeopleDetails fills in the workers and programmes of people already read
// through a list (which audited the read), with one query each.
func (s *Store) PeopleDetails(ctx context.Context, a Actor, people []Person) ([]Person, error) {
	out := slices.Clone(people)
	for _, p := range out {
		if p.OrgID != a.OrgID {
			return nil, core.NotFound("The person")
		}
	}
	return out, s.loadPeopleDetails(ctx, s.rdb, out)
}
