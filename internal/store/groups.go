package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/core"
)

// Groups: the group programmes an organisation runs (a wellness planning
// class, Hearing Voices, Alternatives to Suicide, dual recovery…), who
// facilitates them and who belongs to them. Sessions and attendance are in
// group_sessions.go.
//
// Who sees what. A group is organisational, but belonging to one is
// sensitive: being on the roster of a dual-recovery group says something
// about a person. So:
//
//   - anyone who works with people (peer workers, supervisors,
//     administrators: the people permission) sees the organisation's list of
//     groups: name, kind, description, place or video link, schedule and
//     facilitators;
//   - the roster (members) and the sessions with their attendance are seen
//     only by the group's facilitators, the supervisors of those
//     facilitators, and administrators (rosterAccess). For anyone else a
//     roster, a session or its attendance is "not found";
//   - those same people record sessions and manage members. A facilitator
//     who is a peer worker may add only people they may see under the one
//     rule for people (visibleTo in policy.go); a supervisor or an
//     administrator with access may add any active person of the
//     organisation;
//   - being a member never opens a person's record to a facilitator: the
//     roster shows the name the person uses, and links to their record only
//     for those who may see it anyway;
//   - a person's own record (for everyone who may see that person) lists
//     the groups they belong to and their group contacts, never the other
//     members;
//   - supervisors and administrators start groups and choose facilitators
//     (a supervisor from themselves and their team, so that the group stays
//     in their sight) and archive them; a group's facilitators may change its
//     details (place, schedule, description) but not who facilitates it.
//
// Everything is scoped by the organisation id; reading a roster or a
// session's attendance is audited with the ids of the people shown.

// Group kinds, statuses and ways of meeting. Their values are the API's.
var (
	GroupKinds    = []string{"wellness_planning", "hearing_voices", "alternatives_to_suicide", "dual_recovery", "twelve_step", "young_adult", "other"}
	GroupStatuses = []string{GroupActive, GroupArchived}
	GroupMeetings = []string{"in_person", "video"}
)

// Group statuses.
const (
	GroupActive   = "active"
	GroupArchived = "archived"
)

// Group limits.
const (
	DefaultGroupMinutes = 90
	MaxGroupMembers     = 300
	MaxGroupNote        = 4000
	MaxGuests           = 500
)

// Group is a group programme of the organisation.
type Group struct {
	ID              int64
	OrgID           int64
	Name            string
	Kind            string
	Description     string
	Meets           string // in_person or video
	Place           string
	VideoLink       string
	Schedule        string // in plain words
	Weekday         int    // ISO weekday of the weekly slot (1 = Monday … 7 = Sunday), 0 for none
	StartTime       string // HH:MM, or ""
	DurationMinutes int
	Status          string
	Facilitators    []WorkerRef
	CreatedAt       time.Time
	UpdatedAt       time.Time

	// What the reader may see and do, decided by the store for them.
	Roster bool // the roster and attendance (facilitators, their supervisors, administrators)
	// Members and LastSessionOn are filled in only for readers who see the roster.
	Members       int
	LastSessionOn string
}

// Archived reports whether the group no longer meets.
func (g Group) Archived() bool { return g.Status == GroupArchived }

// Mode is the way of meeting its contacts record: in person or video.
func (g Group) Mode() string {
	if g.Meets == "video" {
		return "video"
	}
	return "in_person"
}

// Facilitates reports whether user id facilitates the group.
func (g Group) Facilitates(id int64) bool {
	for _, f := range g.Facilitators {
		if f.ID == id {
			return true
		}
	}
	return false
}

// FacilitatorIDs lists the ids of the facilitators.
func (g Group) FacilitatorIDs() []int64 {
	out := make([]int64, len(g.Facilitators))
	for i, f := range g.Facilitators {
		out[i] = f.ID
	}
	return out
}

// WeekdayName is the English name of an ISO weekday (1 = Monday), or "".
func WeekdayName(d int) string {
	if d < 1 || d > 7 {
		return ""
	}
	return time.Weekday(d % 7).String()
}

// NextSessions returns up to n starts of the group's weekly slot from now
// on (a session still running counts), in Massachusetts time. A group
// without a weekly slot, or archived, has none: its schedule in words says
// when it meets. Without a start time the dates are at midnight.
func (g Group) NextSessions(now time.Time, n int) []time.Time {
	if g.Weekday < 1 || g.Weekday > 7 || g.Archived() || n <= 0 {
		return nil
	}
	hh, mm := 0, 0
	if t, err := time.Parse(core.HHMM, g.StartTime); err == nil {
		hh, mm = t.Hour(), t.Minute()
	}
	local := now.In(Zone)
	var out []time.Time
	for d := 0; len(out) < n && d < 7*n+7; d++ {
		day := local.AddDate(0, 0, d)
		if int(day.Weekday()+6)%7+1 != g.Weekday {
			continue
		}
		start := time.Date(day.Year(), day.Month(), day.Day(), hh, mm, 0, 0, Zone)
		end := start.Add(time.Duration(max(g.DurationMinutes, 1)) * time.Minute)
		if g.StartTime == "" {
			end = start.AddDate(0, 0, 1)
		}
		if end.After(now) {
			out = append(out, start)
		}
	}
	return out
}

// GroupInput is what starting or changing a group takes. On a change, nil
// FacilitatorIDs and an empty Status leave them as they are.
type GroupInput struct {
	Name            string
	Kind            string
	Description     string
	Meets           string
	Place           string
	VideoLink       string
	Schedule        string
	Weekday         int
	StartTime       string
	DurationMinutes int // 0 means DefaultGroupMinutes
	FacilitatorIDs  []int64
	Status          string
}

const groupColumns = `g.id, g.org_id, g.name, g.kind, g.description, g.meets, g.place, g.video_link, g.schedule, g.weekday, g.start_time,
	g.duration_minutes, g.status, g.created_at, g.updated_at`

func scanGroup(sc interface{ Scan(...any) error }) (Group, error) {
	var g Group
	var created, updated int64
	var roster int
	err := sc.Scan(&g.ID, &g.OrgID, &g.Name, &g.Kind, &g.Description, &g.Meets, &g.Place, &g.VideoLink, &g.Schedule, &g.Weekday, &g.StartTime,
		&g.DurationMinutes, &g.Status, &created, &updated, &roster)
	g.CreatedAt, g.UpdatedAt, g.Roster = fromMS(created), fromMS(updated), roster == 1
	return g, err
}

// queryGroups reads groups with where (which starts with the conditions
// after "WHERE") for the actor, with their facilitators, and for groups
// whose roster the actor sees, member counts and last sessions.
func (s *Store) queryGroups(ctx context.Context, q querier, a Actor, where string, args ...any) ([]Group, error) {
	cond, args := rosterAccess(a, "g", args)
	rows, err := q.QueryContext(ctx, "SELECT "+groupColumns+", CASE WHEN "+cond+" THEN 1 ELSE 0 END FROM peer_groups g WHERE "+where, args...)
	if err != nil {
		return nil, err
	}
	gs, err := collect(rows, scanGroup)
	if err != nil {
		return nil, err
	}
	return gs, s.loadGroupDetails(ctx, q, a.OrgID, gs)
}

// loadGroupDetails fills in facilitators of every group, and member counts
// and last session dates of those whose roster the reader sees: two
// queries for the whole page, each looking the page's groups up by key
// ("+org_id" keeps SQLite off the organisation-wide indexes).
func (s *Store) loadGroupDetails(ctx context.Context, q querier, orgID int64, gs []Group) error {
	if len(gs) == 0 {
		return nil
	}
	idx := map[int64]int{}
	ids := make([]int64, 0, len(gs))
	var rosterIDs []int64
	for i, g := range gs {
		idx[g.ID] = i
		ids = append(ids, g.ID)
		gs[i].Facilitators = nil
		if g.Roster {
			rosterIDs = append(rosterIDs, g.ID)
		}
	}
	in, args := inList(ids, []any{orgID})
	rows, err := q.QueryContext(ctx, `SELECT gf.group_id, u.id, u.name, u.active FROM group_facilitators gf JOIN users u ON u.id = gf.user_id
		WHERE gf.group_id IN (`+in+`) AND +gf.org_id = $1 ORDER BY u.name, u.id`, args...)
	if err != nil {
		return err
	}
	type fac struct {
		group int64
		w     WorkerRef
	}
	fs, err := collect(rows, func(sc interface{ Scan(...any) error }) (fac, error) {
		var f fac
		err := sc.Scan(&f.group, &f.w.ID, &f.w.Name, &f.w.Active)
		return f, err
	})
	if err != nil {
		return err
	}
	for _, f := range fs {
		gs[idx[f.group]].Facilitators = append(gs[idx[f.group]].Facilitators, f.w)
	}
	if len(rosterIDs) == 0 {
		return nil
	}
	// One row per group: its current members (counted on the index of
	// current members) and its latest session (one seek down the group's
	// sessions index), rather than aggregating every row of every group.
	in, args = inList(rosterIDs, []any{orgID})
	rows, err = q.QueryContext(ctx, `SELECT g.id,
		(SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id AND m.left_on = ''),
		COALESCE((SELECT MAX(gs.held_on) FROM group_sessions gs WHERE gs.org_id = g.org_id AND gs.group_id = g.id), '')
		FROM peer_groups g WHERE g.id IN (`+in+`) AND g.org_id = $1`, args...)
	if err != nil {
		return err
	}
	type count struct {
		group int64
		n     int
		last  string
	}
	cs, err := collect(rows, func(sc interface{ Scan(...any) error }) (count, error) {
		var c count
		err := sc.Scan(&c.group, &c.n, &c.last)
		return c, err
	})
	if err != nil {
		return err
	}
	for _, c := range cs {
		gs[idx[c.group]].Members, gs[idx[c.group]].LastSessionOn = c.n, c.last
	}
	return nil
}

// group reads one group of the actor's organisation, for the actor. It is
// not found for a group of another organisation, and for someone who does
// not work with people at all.
func (s *Store) group(ctx context.Context, q querier, a Actor, id int64) (Group, error) {
	if !a.worksWithPeople() || a.OrgID == 0 {
		return Group{}, core.NotFound("The group")
	}
	gs, err := s.queryGroups(ctx, q, a, "g.id = $1 AND g.org_id = $2", id, a.OrgID)
	if err != nil {
		return Group{}, err
	}
	if len(gs) == 0 {
		return Group{}, core.NotFound("The group")
	}
	return gs[0], nil
}

// Group returns one group: its details and facilitators, which everyone who
// works with people may see. (Its roster needs GroupPage or GroupMembers.)
func (s *Store) Group(ctx context.Context, a Actor, id int64) (Group, error) {
	return s.group(ctx, s.rdb, a, id)
}

// groupWithRoster reads a group whose roster the actor must see; for anyone
// else it is what (a roster, a session) that is not found.
func (s *Store) groupWithRoster(ctx context.Context, q querier, a Actor, id int64, what string) (Group, error) {
	g, err := s.group(ctx, q, a, id)
	if err != nil {
		return g, err
	}
	if !g.Roster {
		return Group{}, core.NotFound(what)
	}
	return g, nil
}

// groupToRun reads a group the actor may run (record sessions, manage
// members, change its details): one whose roster they see. Seeing the group
// without that is forbidden, with a message saying who may.
func (s *Store) groupToRun(ctx context.Context, q querier, a Actor, id int64) (Group, error) {
	g, err := s.group(ctx, q, a, id)
	if err != nil {
		return g, err
	}
	if !g.Roster {
		return Group{}, core.Forbidden("Only the group's facilitators, their supervisors and administrators run this group.")
	}
	return g, nil
}

// GroupFilter narrows the list of groups.
type GroupFilter struct {
	Status string // active (the default), archived or all
	Mine   bool   // only groups the actor facilitates
}

// ListGroups lists the organisation's groups by name for anyone who works
// with people. It names no person, so it is not audited.
func (s *Store) ListGroups(ctx context.Context, a Actor, f GroupFilter, p Page) (List[Group], error) {
	var afterKey string
	var afterID int64
	has, err := decodeCursor(p.Cursor, &afterKey, &afterID)
	if err != nil {
		return List[Group]{}, err
	}
	if !a.worksWithPeople() || a.OrgID == 0 {
		return List[Group]{}, core.Forbidden("Groups are for peer workers, supervisors and administrators.")
	}
	status := f.Status
	if status == "" {
		status = GroupActive
	}
	if status != ShowAll && !contains(GroupStatuses, status) {
		return List[Group]{}, core.Malformed("status", "Use active, archived or all.")
	}
	where := "g.org_id = $1"
	args := []any{a.OrgID}
	if status != ShowAll {
		args = append(args, status)
		where += fmt.Sprintf(" AND g.status = $%d", len(args))
	}
	if f.Mine {
		args = append(args, a.UserID)
		where += fmt.Sprintf(" AND g.id IN (SELECT gf2.group_id FROM group_facilitators gf2 WHERE gf2.user_id = $%d)", len(args))
	}
	if has {
		args = append(args, afterKey, afterID)
		where += fmt.Sprintf(" AND (g.name_key > $%d OR (g.name_key = $%d AND g.id > $%d))", len(args)-1, len(args)-1, len(args))
	}
	limit := p.limit()
	gs, err := s.queryGroupsKeyed(ctx, a, where+fmt.Sprintf(" ORDER BY g.name_key, g.id LIMIT %d", limit+1), args...)
	if err != nil {
		return List[Group]{}, err
	}
	page, more := trim(gs, limit)
	res := List[Group]{Items: keyedGroups(page).groups()}
	if more {
		last := page[len(page)-1]
		res.Next = encodeCursor(last.key, last.ID)
	}
	return res, nil
}

// keyedGroup is a group with its sort key, for the list's cursor.
type keyedGroup struct {
	Group
	key string
}

type keyedGroups []keyedGroup

func (k keyedGroups) groups() []Group {
	out := make([]Group, len(k))
	for i, g := range k {
		out[i] = g.Group
	}
	return out
}

func (s *Store) queryGroupsKeyed(ctx context.Context, a Actor, where string, args ...any) ([]keyedGroup, error) {
	cond, args := rosterAccess(a, "g", args)
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+groupColumns+", CASE WHEN "+cond+" THEN 1 ELSE 0 END, g.name_key FROM peer_groups g WHERE "+where, args...)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, func(sc interface{ Scan(...any) error }) (keyedGroup, error) {
		var k keyedGroup
		var created, updated int64
		var roster int
		g := &k.Group
		err := sc.Scan(&g.ID, &g.OrgID, &g.Name, &g.Kind, &g.Description, &g.Meets, &g.Place, &g.VideoLink, &g.Schedule, &g.Weekday, &g.StartTime,
			&g.DurationMinutes, &g.Status, &created, &updated, &roster, &k.key)
		g.CreatedAt, g.UpdatedAt, g.Roster = fromMS(created), fromMS(updated), roster == 1
		return k, err
	})
	if err != nil {
		return nil, err
	}
	gs := keyedGroups(out).groups()
	if err := s.loadGroupDetails(ctx, s.rdb, a.OrgID, gs); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Group = gs[i]
	}
	return out, nil
}

// validVideoLink reports whether v is a web address a browser opens.
func validVideoLink(v string) bool {
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// validateGroup checks a group's details (after a change is applied).
func validateGroup(in *GroupInput) map[string]string {
	f := map[string]string{}
	for _, p := range []*string{&in.Name, &in.Kind, &in.Meets, &in.Place, &in.VideoLink, &in.Schedule, &in.StartTime, &in.Status} {
		*p = strings.TrimSpace(*p)
	}
	in.Description = strings.TrimSpace(in.Description)
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	checkText(f, "name", in.Name, 120, "Enter the group's name, such as Thursday Hearing Voices.")
	if !contains(GroupKinds, in.Kind) {
		f["kind"] = "Choose what kind of group it is."
	}
	checkText(f, "description", in.Description, 2000, "")
	switch in.Meets {
	case "in_person":
		checkText(f, "place", in.Place, 300, "Enter where the group meets, such as the community room at 8 Canal Street.")
		in.VideoLink = ""
	case "video":
		switch {
		case in.VideoLink == "":
			f["video_link"] = "Enter the video link people use to join, starting with https://."
		case !validVideoLink(in.VideoLink):
			f["video_link"] = "Enter a web address starting with https://."
		}
		checkText(f, "video_link", in.VideoLink, 500, "")
		checkText(f, "place", in.Place, 300, "")
	default:
		f["meets"] = "Choose in person or by video."
	}
	checkText(f, "schedule", in.Schedule, 300, "")
	if in.Weekday < 0 || in.Weekday > 7 {
		f["weekday"] = "Choose a day of the week, or none."
	}
	if in.StartTime != "" && !validTime(in.StartTime) {
		f["start_time"] = "Enter a time such as 18:00, or leave it empty."
	}
	if in.StartTime != "" && in.Weekday == 0 && f["weekday"] == "" {
		f["weekday"] = "Choose the day of the week the group meets at this time, or leave the time empty."
	}
	if in.Schedule == "" && in.Weekday == 0 && f["weekday"] == "" {
		f["schedule"] = "Say when the group meets, such as every Thursday 6 to 7:30 pm, or choose a day of the week."
	}
	if in.DurationMinutes == 0 {
		in.DurationMinutes = DefaultGroupMinutes
	}
	if in.DurationMinutes < 1 || in.DurationMinutes > MaxDuration {
		f["duration_minutes"] = fmt.Sprintf("Enter how long a session lasts, in minutes: 1 to %d.", MaxDuration)
	}
	if in.Status != "" && !contains(GroupStatuses, in.Status) {
		f["status"] = "Choose active or archived."
	}
	return f
}

// FacilitatorChoices lists who the actor may choose as a group's
// facilitators: for an administrator every active peer worker, supervisor
// and administrator of the organisation; for a supervisor, themselves and
// the workers they supervise.
func (s *Store) FacilitatorChoices(ctx context.Context, a Actor) ([]WorkerRef, error) {
	return s.facilitatorChoices(ctx, s.rdb, a)
}

func (s *Store) facilitatorChoices(ctx context.Context, q querier, a Actor) ([]WorkerRef, error) {
	var who string
	args := []any{a.OrgID}
	switch {
	case a.SeesEveryWorker():
		who = "1 = 1"
	case a.SupervisesWorkers():
		args = append(args, a.UserID)
		who = "(u.id = $2 OR u.supervisor_id = $2)"
	default:
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT u.id, u.name FROM users u JOIN user_roles r ON r.user_id = u.id
		WHERE u.org_id = $1 AND u.active AND r.role IN `+rolesWorkingWithPeople+` AND `+who+` ORDER BY u.name, u.id`, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc interface{ Scan(...any) error }) (WorkerRef, error) {
		w := WorkerRef{Active: true}
		err := sc.Scan(&w.ID, &w.Name)
		return w, err
	})
}

// checkFacilitators checks a new list of facilitators against who the actor
// may choose; those already facilitating may stay.
func (s *Store) checkFacilitators(ctx context.Context, q querier, a Actor, ids, current []int64) error {
	if len(ids) == 0 {
		return core.Invalid(map[string]string{"facilitator_ids": "Choose at least one facilitator."})
	}
	choices, err := s.facilitatorChoices(ctx, q, a)
	if err != nil {
		return err
	}
	ok := map[int64]bool{}
	for _, c := range choices {
		ok[c.ID] = true
	}
	for _, id := range current {
		ok[id] = true
	}
	for _, id := range ids {
		if !ok[id] {
			msg := "Choose facilitators from the list: active peer workers, supervisors and administrators of the organisation."
			if !a.SeesEveryWorker() {
				msg = "Choose facilitators from the list: yourself and the workers you supervise."
			}
			return core.Invalid(map[string]string{"facilitator_ids": msg})
		}
	}
	return nil
}

func setFacilitators(ctx context.Context, tx *sql.Tx, orgID, groupID int64, ids []int64) error {
	in, args := inList(ids, []any{groupID, orgID})
	if _, err := tx.ExecContext(ctx, "DELETE FROM group_facilitators WHERE group_id = $1 AND org_id = $2 AND user_id NOT IN ("+in+")", args...); err != nil {
		return err
	}
	for _, uid := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO group_facilitators (group_id, user_id, org_id) VALUES ($1, $2, $3)
			ON CONFLICT (group_id, user_id) DO NOTHING`, groupID, uid, orgID); err != nil {
			return err
		}
	}
	return nil
}

var errGroupName = map[string]string{"name": "The organisation already has a group with this name. Choose another, or open that group."}

// CreateGroup starts a group. Supervisors and administrators start groups.
func (s *Store) CreateGroup(ctx context.Context, a Actor, in GroupInput) (Group, error) {
	if !a.oversees() || a.OrgID == 0 {
		return Group{}, core.Forbidden("Supervisors and administrators start groups. Ask yours to start this one.")
	}
	f := validateGroup(&in)
	if in.Status == "" {
		in.Status = GroupActive
	}
	ids := uniqueIDs(in.FacilitatorIDs)
	if len(ids) == 0 {
		f["facilitator_ids"] = "Choose at least one facilitator."
	}
	if err := core.Invalid(f); err != nil {
		return Group{}, err
	}
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.checkFacilitators(ctx, tx, a, ids, nil); err != nil {
			return err
		}
		now := ms(s.now())
		err := tx.QueryRowContext(ctx, `INSERT INTO peer_groups (org_id, name, name_key, kind, description, meets, place, video_link, schedule, weekday,
			start_time, duration_minutes, status, created_at, created_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $14) RETURNING id`,
			a.OrgID, in.Name, searchKey(in.Name), in.Kind, in.Description, in.Meets, in.Place, in.VideoLink, in.Schedule, in.Weekday,
			in.StartTime, in.DurationMinutes, in.Status, now, a.UserID).Scan(&id)
		if isUniqueViolation(err) {
			return core.Invalid(errGroupName)
		}
		if err != nil {
			return err
		}
		if err := setFacilitators(ctx, tx, a.OrgID, id, ids); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "group", id, "")
	})
	if err != nil {
		return Group{}, err
	}
	return s.group(ctx, s.rdb, a, id)
}

// UpdateGroup changes a group. Its facilitators may change its details;
// who facilitates it and whether it is archived are for supervisors (with
// access to it) and administrators. The audit entry names the fields that
// changed.
func (s *Store) UpdateGroup(ctx context.Context, a Actor, id int64, in GroupInput) (Group, error) {
	f := validateGroup(&in)
	if err := core.Invalid(f); err != nil {
		return Group{}, err
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.groupToRun(ctx, tx, a, id)
		if err != nil {
			return err
		}
		var changed []string
		for _, c := range []struct {
			name     string
			old, new any
		}{
			{"name", cur.Name, in.Name}, {"kind", cur.Kind, in.Kind}, {"description", cur.Description, in.Description},
			{"meets", cur.Meets, in.Meets}, {"place", cur.Place, in.Place}, {"video_link", cur.VideoLink, in.VideoLink},
			{"schedule", cur.Schedule, in.Schedule}, {"weekday", cur.Weekday, in.Weekday}, {"start_time", cur.StartTime, in.StartTime},
			{"duration_minutes", cur.DurationMinutes, in.DurationMinutes},
		} {
			if c.old != c.new {
				changed = append(changed, c.name)
			}
		}
		status := cur.Status
		if in.Status != "" && in.Status != cur.Status {
			if !a.oversees() {
				return core.Forbidden("A supervisor or an administrator archives a group or brings it back.")
			}
			status = in.Status
			changed = append(changed, "status")
		}
		var facilitators []int64
		if in.FacilitatorIDs != nil {
			next := uniqueIDs(in.FacilitatorIDs)
			if !slices.Equal(next, uniqueIDs(cur.FacilitatorIDs())) {
				if !a.oversees() {
					return core.Forbidden("A supervisor or an administrator chooses who facilitates a group.")
				}
				if err := s.checkFacilitators(ctx, tx, a, next, cur.FacilitatorIDs()); err != nil {
					return err
				}
				facilitators = next
				changed = append(changed, "facilitators")
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE peer_groups SET name = $1, name_key = $2, kind = $3, description = $4, meets = $5, place = $6,
			video_link = $7, schedule = $8, weekday = $9, start_time = $10, duration_minutes = $11, status = $12, updated_at = $13
			WHERE id = $14 AND org_id = $15`,
			in.Name, searchKey(in.Name), in.Kind, in.Description, in.Meets, in.Place, in.VideoLink, in.Schedule, in.Weekday, in.StartTime,
			in.DurationMinutes, status, ms(s.now()), id, a.OrgID)
		if isUniqueViolation(err) {
			return core.Invalid(errGroupName)
		}
		if err != nil {
			return err
		}
		if facilitators != nil {
			if err := setFacilitators(ctx, tx, a.OrgID, id, facilitators); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "group", id, strings.Join(changed, ","))
	})
	if err != nil {
		return Group{}, err
	}
	return s.group(ctx, s.rdb, a, id)
}

// GroupMember is a person on a group's roster.
type GroupMember struct {
	PersonID int64
	Name     string // the name they use
	JoinedOn string
	// Visible says whether the reader may open the person's record: being on
	// the roster does not open it to a facilitator.
	Visible bool
}

// membersOf lists a group's current members by name, each marked with
// whether the actor may see their record. It does not audit.
func (s *Store) membersOf(ctx context.Context, q querier, a Actor, groupID int64, p Page) (List[GroupMember], error) {
	var afterKey string
	var afterID int64
	has, err := decodeCursor(p.Cursor, &afterKey, &afterID)
	if err != nil {
		return List[GroupMember]{}, err
	}
	args := []any{a.OrgID, groupID}
	where := "m.org_id = $1 AND m.group_id = $2 AND m.left_on = ''"
	if has {
		args = append(args, afterKey, afterID)
		where += " AND (p.preferred_key > $3 OR (p.preferred_key = $3 AND p.id > $4))"
	}
	cond, args := visibleTo(a, "p", args)
	limit := p.limit()
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.preferred_name, m.joined_on, CASE WHEN `+cond+` THEN 1 ELSE 0 END, p.preferred_key
		FROM group_members m JOIN people p ON p.id = m.person_id
		WHERE `+where+fmt.Sprintf(" ORDER BY p.preferred_key, p.id LIMIT %d", limit+1), args...)
	if err != nil {
		return List[GroupMember]{}, err
	}
	type keyed struct {
		m   GroupMember
		key string
	}
	ks, err := collect(rows, func(sc interface{ Scan(...any) error }) (keyed, error) {
		var k keyed
		var visible int
		err := sc.Scan(&k.m.PersonID, &k.m.Name, &k.m.JoinedOn, &visible, &k.key)
		k.m.Visible = visible == 1
		return k, err
	})
	if err != nil {
		return List[GroupMember]{}, err
	}
	ks, more := trim(ks, limit)
	res := List[GroupMember]{Items: make([]GroupMember, len(ks))}
	for i, k := range ks {
		res.Items[i] = k.m
	}
	if more {
		last := ks[len(ks)-1]
		res.Next = encodeCursor(last.key, last.m.PersonID)
	}
	return res, nil
}

// auditPeople records that the actor was shown people (by id) on a
// group's roster or attendance list; an empty list is still a read of the
// group's records.
func (s *Store) auditPeople(ctx context.Context, a Actor, groupID int64, what string, ids []int64) error {
	if len(ids) == 0 {
		return s.recordRead(ctx, a, "group", groupID, what)
	}
	people := make([]Person, len(ids))
	for i, id := range ids {
		people[i] = Person{ID: id}
	}
	return s.auditList(ctx, a, "group "+idString(groupID)+" "+what, people)
}

// GroupMembers lists a group's current members, for those who see its
// roster (not found for anyone else), and audits the read with the ids of
// the people shown.
func (s *Store) GroupMembers(ctx context.Context, a Actor, groupID int64, p Page) (List[GroupMember], error) {
	g, err := s.groupWithRoster(ctx, s.rdb, a, groupID, "The group's roster")
	if err != nil {
		return List[GroupMember]{}, err
	}
	l, err := s.membersOf(ctx, s.rdb, a, g.ID, p)
	if err != nil {
		return l, err
	}
	ids := make([]int64, len(l.Items))
	for i, m := range l.Items {
		ids[i] = m.PersonID
	}
	return l, s.auditPeople(ctx, a, g.ID, "roster", ids)
}

// GroupPageData is what a group's page shows: the group, and for those who
// see its roster, the members and the latest sessions with their counts.
type GroupPageData struct {
	Group        Group
	Members      []GroupMember
	Sessions     []GroupSession // latest first
	MoreSessions string         // the cursor of older sessions
	Upcoming     []time.Time
}

// GroupPage loads a group's page in a few queries and audits the read of
// its roster once, with the ids of the members shown.
func (s *Store) GroupPage(ctx context.Context, a Actor, id int64) (GroupPageData, error) {
	d, err := s.groupPage(ctx, a, id)
	if err != nil || !d.Group.Roster {
		return d, err
	}
	ids := make([]int64, len(d.Members))
	for i, m := range d.Members {
		ids[i] = m.PersonID
	}
	return d, s.auditPeople(ctx, a, d.Group.ID, "roster", ids)
}

// groupPage is GroupPage without its audit entry: the queries alone, for
// the benchmark.
func (s *Store) groupPage(ctx context.Context, a Actor, id int64) (GroupPageData, error) {
	g, err := s.group(ctx, s.rdb, a, id)
	if err != nil {
		return GroupPageData{}, err
	}
	d := GroupPageData{Group: g, Upcoming: g.NextSessions(s.now(), 4)}
	if !g.Roster {
		return d, nil
	}
	mem, err := s.membersOf(ctx, s.rdb, a, g.ID, Page{Limit: MaxGroupMembers})
	if err != nil {
		return d, err
	}
	d.Members = mem.Items
	ss, err := s.sessionsOfGroup(ctx, a.OrgID, g.ID, Page{Limit: 20})
	if err != nil {
		return d, err
	}
	d.Sessions, d.MoreSessions = ss.Items, ss.Next
	return d, nil
}

// MemberCandidate is someone the actor may add to a group.
type MemberCandidate struct {
	PersonID int64
	Name     string
}

// MemberCandidates lists active people the actor may add to a group and who
// are not members yet, by name, at most limit of them; query narrows by
// name (accents and case ignored). A peer worker who facilitates sees only
// the people they may see; a supervisor or an administrator, anyone active
// in the organisation. The list is audited like a list of people.
func (s *Store) MemberCandidates(ctx context.Context, a Actor, groupID int64, query string, limit int) ([]MemberCandidate, error) {
	g, err := s.groupToRun(ctx, s.rdb, a, groupID)
	if err != nil {
		return nil, err
	}
	args := []any{a.OrgID, g.ID}
	where := `p.org_id = $1 AND p.status = 'active' AND p.id NOT IN (SELECT m.person_id FROM group_members m WHERE m.group_id = $2 AND m.left_on = '')`
	if !a.oversees() {
		var cond string
		cond, args = visibleTo(a, "p", args)
		where += " AND " + cond
	}
	if k := searchKey(query); k != "" {
		pat := "%" + escapeLike(k) + "%"
		args = append(args, pat)
		where += fmt.Sprintf(` AND (p.preferred_key LIKE $%d ESCAPE '\' OR p.legal_key LIKE $%d ESCAPE '\')`, len(args), len(args))
	}
	rows, err := s.rdb.QueryContext(ctx, "SELECT p.id, p.preferred_name FROM people p WHERE "+where+
		fmt.Sprintf(" ORDER BY p.preferred_key, p.id LIMIT %d", Page{Limit: limit}.limit()), args...)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, func(sc interface{ Scan(...any) error }) (MemberCandidate, error) {
		var c MemberCandidate
		err := sc.Scan(&c.PersonID, &c.Name)
		return c, err
	})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(out))
	for i, c := range out {
		ids[i] = c.PersonID
	}
	if len(ids) == 0 {
		return out, nil
	}
	return out, s.auditPeople(ctx, a, g.ID, "people to add", ids)
}

// AddGroupMembers adds people to a group (joined today unless joinedOn
// says otherwise). A person the actor may not add is not found, as
// anywhere else; one who is not active is refused on person_ids. Adding a
// current member again changes nothing; adding someone who left brings
// them back.
func (s *Store) AddGroupMembers(ctx context.Context, a Actor, groupID int64, personIDs []int64, joinedOn string) error {
	ids := uniqueIDs(personIDs)
	joinedOn = strings.TrimSpace(joinedOn)
	if joinedOn == "" {
		joinedOn = s.Today()
	}
	f := map[string]string{}
	if len(ids) == 0 {
		f["person_ids"] = "Choose at least one person to add."
	}
	checkDate(f, "joined_on", joinedOn, s.Today(), true, "")
	if err := core.Invalid(f); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		g, err := s.groupToRun(ctx, tx, a, groupID)
		if err != nil {
			return err
		}
		if g.Archived() {
			return core.Conflict("This group is archived. Bring it back before adding members.")
		}
		in, args := inList(ids, []any{a.OrgID})
		where := "p.org_id = $1 AND p.id IN (" + in + ")"
		if !a.oversees() {
			var cond string
			cond, args = visibleTo(a, "p", args)
			where += " AND " + cond
		}
		rows, err := tx.QueryContext(ctx, "SELECT p.id, p.status FROM people p WHERE "+where, args...)
		if err != nil {
			return err
		}
		type st struct {
			id     int64
			status string
		}
		found, err := collect(rows, func(sc interface{ Scan(...any) error }) (st, error) {
			var x st
			err := sc.Scan(&x.id, &x.status)
			return x, err
		})
		if err != nil {
			return err
		}
		if len(found) != len(ids) {
			return core.NotFound("The person")
		}
		for _, x := range found {
			if x.status != StatusActive {
				return core.Invalid(map[string]string{"person_ids": "Only people supported now (active) can join a group."})
			}
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM group_members WHERE org_id = $1 AND group_id = $2 AND left_on = ''", a.OrgID, g.ID).Scan(&n); err != nil {
			return err
		}
		if n+len(ids) > MaxGroupMembers {
			return core.Invalid(map[string]string{"person_ids": fmt.Sprintf("A group can have at most %d members.", MaxGroupMembers)})
		}
		for _, pid := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO group_members (group_id, person_id, org_id, joined_on, added_by) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (group_id, person_id) DO UPDATE SET joined_on = CASE WHEN group_members.left_on = '' THEN group_members.joined_on ELSE excluded.joined_on END,
				left_on = '', added_by = CASE WHEN group_members.left_on = '' THEN group_members.added_by ELSE excluded.added_by END`,
				g.ID, pid, a.OrgID, joinedOn, a.UserID); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "group", g.ID, "members added: "+joinIDs(ids))
	})
}

// RemoveGroupMember records that a person left a group. Their past
// attendance stays. A person not on the roster is not found.
func (s *Store) RemoveGroupMember(ctx context.Context, a Actor, groupID, personID int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		g, err := s.groupToRun(ctx, tx, a, groupID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "UPDATE group_members SET left_on = $1 WHERE org_id = $2 AND group_id = $3 AND person_id = $4 AND left_on = ''",
			s.Today(), a.OrgID, g.ID, personID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return core.NotFound("The member")
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "group", g.ID, "member left: "+idString(personID))
	})
}

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = idString(id)
	}
	return strings.Join(parts, ",")
}

// PersonGroup is a group a person belongs to (or belonged to), as their
// record shows it: the group, and their own attendance, never the others'.
type PersonGroup struct {
	GroupID   int64
	Name      string
	Kind      string
	Schedule  string
	Weekday   int
	StartTime string
	JoinedOn  string
	LeftOn    string // "" while a member
	Attended  int    // sessions present or late
	Marked    int    // sessions with any mark
}

// PersonGroups lists the groups a person belongs to (current first, then
// those they left), for anyone who may see the person, and audits the read.
func (s *Store) PersonGroups(ctx context.Context, a Actor, personID int64) ([]PersonGroup, error) {
	out, err := s.personGroups(ctx, a, personID)
	if err != nil {
		return nil, err
	}
	return out, s.recordRead(ctx, a, "person", personID, "groups")
}

// personGroups is PersonGroups without its audit entry.
func (s *Store) personGroups(ctx context.Context, a Actor, personID int64) ([]PersonGroup, error) {
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT g.id, g.name, g.kind, g.schedule, g.weekday, g.start_time, m.joined_on, m.left_on,
		(SELECT COUNT(*) FROM group_attendance ga WHERE ga.org_id = $1 AND ga.person_id = $2 AND ga.group_id = g.id AND ga.status IN ('present', 'late')),
		(SELECT COUNT(*) FROM group_attendance ga WHERE ga.org_id = $1 AND ga.person_id = $2 AND ga.group_id = g.id)
		FROM group_members m JOIN peer_groups g ON g.id = m.group_id
		WHERE m.org_id = $1 AND m.person_id = $2 ORDER BY CASE WHEN m.left_on = '' THEN 0 ELSE 1 END, g.name_key, g.id`, a.OrgID, personID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc interface{ Scan(...any) error }) (PersonGroup, error) {
		var x PersonGroup
		err := sc.Scan(&x.GroupID, &x.Name, &x.Kind, &x.Schedule, &x.Weekday, &x.StartTime, &x.JoinedOn, &x.LeftOn, &x.Attended, &x.Marked)
		return x, err
	})
}
