package web

import (
	"net/http"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/store"
)

// The JSON API of groups (issue 7). The store applies the same rule as the
// pages: the list and details of groups for everyone who works with people;
// rosters, sessions and attendance for the group's facilitators, their
// supervisors and administrators (404 for anyone else).

type groupWorkerJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type groupJSON struct {
	ID              string            `json:"id"`
	Name            string            `json:"name"`
	Kind            string            `json:"kind" enum:"wellness_planning,hearing_voices,alternatives_to_suicide,dual_recovery,twelve_step,young_adult,other"`
	Description     string            `json:"description"`
	Meets           string            `json:"meets" enum:"in_person,video"`
	Place           string            `json:"place"`
	VideoLink       string            `json:"video_link"`
	Schedule        string            `json:"schedule" doc:"when it meets, in plain words"`
	Weekday         int               `json:"weekday" doc:"the weekly slot's ISO weekday (1 = Monday … 7 = Sunday), 0 for none"`
	StartTime       string            `json:"start_time" doc:"HH:MM, or empty"`
	DurationMinutes int               `json:"duration_minutes"`
	Status          string            `json:"status" enum:"active,archived"`
	Facilitators    []groupWorkerJSON `json:"facilitators"`
	NextSession     *time.Time        `json:"next_session" doc:"the next start of the weekly slot; null without one"`
	RosterVisible   bool              `json:"roster_visible" doc:"whether the caller sees the roster and sessions (facilitators, their supervisors, administrators)"`
	Members         *int              `json:"members" doc:"current members; null when the caller does not see the roster"`
	LastSessionOn   string            `json:"last_session_on,omitempty" doc:"only for callers who see the roster"`
}

func (s *Server) toGroupJSON(g store.Group) groupJSON {
	out := groupJSON{ID: id(g.ID), Name: g.Name, Kind: g.Kind, Description: g.Description, Meets: g.Meets, Place: g.Place, VideoLink: g.VideoLink,
		Schedule: g.Schedule, Weekday: g.Weekday, StartTime: g.StartTime, DurationMinutes: g.DurationMinutes, Status: g.Status,
		Facilitators: make([]groupWorkerJSON, len(g.Facilitators)), RosterVisible: g.Roster}
	for i, f := range g.Facilitators {
		out.Facilitators[i] = groupWorkerJSON{ID: id(f.ID), Name: f.Name}
	}
	if next := g.NextSessions(s.clock.Now(), 1); len(next) > 0 {
		out.NextSession = rfc3339(next[0])
	}
	if g.Roster {
		n := g.Members
		out.Members, out.LastSessionOn = &n, g.LastSessionOn
	}
	return out
}

type newGroupJSON struct {
	Name            string   `json:"name"`
	Kind            string   `json:"kind" enum:"wellness_planning,hearing_voices,alternatives_to_suicide,dual_recovery,twelve_step,young_adult,other"`
	Description     string   `json:"description,omitempty"`
	Meets           string   `json:"meets,omitempty" enum:"in_person,video" doc:"in_person when absent"`
	Place           string   `json:"place,omitempty" doc:"required when it meets in person"`
	VideoLink       string   `json:"video_link,omitempty" doc:"required when it meets by video; https://…"`
	Schedule        string   `json:"schedule,omitempty" doc:"in plain words; required without a weekday"`
	Weekday         int      `json:"weekday,omitempty" doc:"1 = Monday … 7 = Sunday; 0 or absent for none"`
	StartTime       string   `json:"start_time,omitempty" doc:"HH:MM; needs a weekday"`
	DurationMinutes int      `json:"duration_minutes,omitempty" doc:"a session's usual length; 90 when absent"`
	FacilitatorIDs  []string `json:"facilitator_ids" doc:"one or more: for a supervisor, themselves or workers they supervise"`
}

func (s *Server) apiCreateGroup(w http.ResponseWriter, r *http.Request) error {
	var in newGroupJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	fids, err := parseIDs("facilitator_ids", in.FacilitatorIDs)
	if err != nil {
		return err
	}
	if in.Meets == "" {
		in.Meets = "in_person"
	}
	g, err := s.store.CreateGroup(r.Context(), s.actor(r), store.GroupInput{Name: in.Name, Kind: in.Kind, Description: in.Description, Meets: in.Meets,
		Place: in.Place, VideoLink: in.VideoLink, Schedule: in.Schedule, Weekday: in.Weekday, StartTime: in.StartTime, DurationMinutes: in.DurationMinutes,
		FacilitatorIDs: fids})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.toGroupJSON(g))
	return nil
}

var groupsQuery = []queryParam{
	{Name: "status", Description: "active (the default), archived or all", Enum: []string{"active", "archived", "all"}},
	{Name: "mine", Description: "1 for only the groups you facilitate", Enum: []string{"1"}},
}

func (s *Server) apiGroups(w http.ResponseWriter, r *http.Request) error {
	page, err := listPage(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	l, err := s.store.ListGroups(r.Context(), s.actor(r), store.GroupFilter{Status: q.Get("status"), Mine: q.Get("mine") == "1"}, page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(l, s.toGroupJSON))
	return nil
}

func (s *Server) apiGroup(w http.ResponseWriter, r *http.Request) error {
	gid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	g, err := s.store.Group(r.Context(), s.actor(r), gid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.toGroupJSON(g))
	return nil
}

type patchGroupJSON struct {
	Name            *string   `json:"name,omitempty"`
	Kind            *string   `json:"kind,omitempty" enum:"wellness_planning,hearing_voices,alternatives_to_suicide,dual_recovery,twelve_step,young_adult,other"`
	Description     *string   `json:"description,omitempty"`
	Meets           *string   `json:"meets,omitempty" enum:"in_person,video"`
	Place           *string   `json:"place,omitempty"`
	VideoLink       *string   `json:"video_link,omitempty"`
	Schedule        *string   `json:"schedule,omitempty"`
	Weekday         *int      `json:"weekday,omitempty"`
	StartTime       *string   `json:"start_time,omitempty"`
	DurationMinutes *int      `json:"duration_minutes,omitempty"`
	FacilitatorIDs  *[]string `json:"facilitator_ids,omitempty" doc:"supervisors (of a facilitator) and administrators only"`
	Status          *string   `json:"status,omitempty" enum:"active,archived" doc:"supervisors (of a facilitator) and administrators only"`
}

func (s *Server) apiPatchGroup(w http.ResponseWriter, r *http.Request) error {
	gid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in patchGroupJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a := s.actor(r)
	g, err := s.store.Group(r.Context(), a, gid)
	if err != nil {
		return err
	}
	up := store.GroupInput{Name: g.Name, Kind: g.Kind, Description: g.Description, Meets: g.Meets, Place: g.Place, VideoLink: g.VideoLink,
		Schedule: g.Schedule, Weekday: g.Weekday, StartTime: g.StartTime, DurationMinutes: g.DurationMinutes}
	for _, c := range []struct {
		dst *string
		src *string
	}{{&up.Name, in.Name}, {&up.Kind, in.Kind}, {&up.Description, in.Description}, {&up.Meets, in.Meets}, {&up.Place, in.Place},
		{&up.VideoLink, in.VideoLink}, {&up.Schedule, in.Schedule}, {&up.StartTime, in.StartTime}, {&up.Status, in.Status}} {
		if c.src != nil {
			*c.dst = *c.src
		}
	}
	if in.Weekday != nil {
		up.Weekday = *in.Weekday
	}
	if in.DurationMinutes != nil {
		up.DurationMinutes = *in.DurationMinutes
	}
	if in.FacilitatorIDs != nil {
		if up.FacilitatorIDs, err = parseIDs("facilitator_ids", *in.FacilitatorIDs); err != nil {
			return err
		}
	}
	g, err = s.store.UpdateGroup(r.Context(), a, gid, up)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.toGroupJSON(g))
	return nil
}

type groupMemberJSON struct {
	PersonID      string `json:"person_id"`
	Name          string `json:"name" doc:"the name the person uses"`
	JoinedOn      string `json:"joined_on"`
	RecordVisible bool   `json:"record_visible" doc:"whether the caller may open the person's record; membership does not open it"`
}

func (s *Server) apiGroupMembers(w http.ResponseWriter, r *http.Request) error {
	gid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	page, err := listPage(r)
	if err != nil {
		return err
	}
	l, err := s.store.GroupMembers(r.Context(), s.actor(r), gid, page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(l, func(m store.GroupMember) groupMemberJSON {
		return groupMemberJSON{PersonID: id(m.PersonID), Name: m.Name, JoinedOn: m.JoinedOn, RecordVisible: m.Visible}
	}))
	return nil
}

type addMembersJSON struct {
	PersonIDs []string `json:"person_ids" doc:"people to add: a peer worker may add people they support; a supervisor or administrator anyone active"`
	JoinedOn  string   `json:"joined_on,omitempty" doc:"YYYY-MM-DD; today when absent"`
}

type addedMembersJSON struct {
	Added int `json:"added"`
}

func (s *Server) apiAddGroupMembers(w http.ResponseWriter, r *http.Request) error {
	gid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in addMembersJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ids, err := parseIDs("person_ids", in.PersonIDs)
	if err != nil {
		return err
	}
	if err := s.store.AddGroupMembers(r.Context(), s.actor(r), gid, ids, in.JoinedOn); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, addedMembersJSON{Added: len(ids)})
	return nil
}

func (s *Server) apiRemoveGroupMember(w http.ResponseWriter, r *http.Request) error {
	gid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pid, err := pathID(r, "pid")
	if err != nil {
		return err
	}
	if err := s.store.RemoveGroupMember(r.Context(), s.actor(r), gid, pid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type attendanceCountsJSON struct {
	Present int `json:"present"`
	Late    int `json:"late"`
	Excused int `json:"excused"`
	Absent  int `json:"absent"`
}

type attendanceEntryJSON struct {
	PersonID string `json:"person_id"`
	Name     string `json:"name"`
	Status   string `json:"status" enum:"present,late,excused,absent," doc:"empty when not marked"`
	Member   bool   `json:"member" doc:"false for someone who has left the group since"`
}

type groupSessionJSON struct {
	ID              string                `json:"id"`
	GroupID         string                `json:"group_id"`
	HeldOn          string                `json:"held_on"`
	StartsAt        string                `json:"starts_at" doc:"HH:MM, Massachusetts time"`
	DurationMinutes int                   `json:"duration_minutes"`
	Note            string                `json:"note" doc:"about the group as a whole; it appears in every attending member's record"`
	Guests          int                   `json:"guests" doc:"drop-in guests, counted without names"`
	Facilitators    []groupWorkerJSON     `json:"facilitators"`
	Counts          attendanceCountsJSON  `json:"counts"`
	Attendance      []attendanceEntryJSON `json:"attendance,omitempty" doc:"one session only: the group's current members and anyone marked"`
}

func toGroupSessionJSON(gs store.GroupSession) groupSessionJSON {
	out := groupSessionJSON{ID: id(gs.ID), GroupID: id(gs.GroupID), HeldOn: gs.HeldOn, StartsAt: gs.StartTime, DurationMinutes: gs.DurationMinutes,
		Note: gs.Note, Guests: gs.Guests, Facilitators: make([]groupWorkerJSON, len(gs.Facilitators)),
		Counts: attendanceCountsJSON{Present: gs.Present, Late: gs.Late, Excused: gs.Excused, Absent: gs.Absent}}
	for i, f := range gs.Facilitators {
		out.Facilitators[i] = groupWorkerJSON{ID: id(f.ID), Name: f.Name}
	}
	for _, e := range gs.Attendance {
		out.Attendance = append(out.Attendance, attendanceEntryJSON{PersonID: id(e.PersonID), Name: e.Name, Status: e.Status, Member: e.Member})
	}
	return out
}

type markJSON struct {
	PersonID string `json:"person_id"`
	Status   string `json:"status" enum:"present,late,excused,absent"`
}

type newGroupSessionJSON struct {
	HeldOn          string     `json:"held_on" doc:"YYYY-MM-DD; not in the future"`
	StartsAt        string     `json:"starts_at,omitempty" doc:"HH:MM; the group's start time when absent"`
	DurationMinutes int        `json:"duration_minutes,omitempty" doc:"the group's usual length when absent"`
	Note            string     `json:"note,omitempty" doc:"about the group as a whole; 422 on note if it holds a member's name"`
	Guests          int        `json:"guests,omitempty" doc:"drop-in guests, 0 or more"`
	Attendance      []markJSON `json:"attendance,omitempty" doc:"members' marks; present and late make a contact in the person's history. On PUT, the whole list"`
	FacilitatorIDs  []string   `json:"facilitator_ids,omitempty" doc:"who ran it; the group's facilitators when absent"`
}

// sessionInputJSON turns the body into the store's input: a person listed
// twice, or an id peerpath never gave out, is reported on their line.
func sessionInputJSON(in newGroupSessionJSON) (store.GroupSessionInput, error) {
	out := store.GroupSessionInput{HeldOn: in.HeldOn, StartTime: in.StartsAt, DurationMinutes: in.DurationMinutes, Note: in.Note, Guests: in.Guests,
		Attendance: map[int64]string{}}
	f := map[string]string{}
	for _, m := range in.Attendance {
		pid, err := parseID("attendance", m.PersonID)
		if err != nil {
			f["attendance"] = "Each line needs the person_id of a member."
			continue
		}
		if _, dup := out.Attendance[pid]; dup {
			f[store.AttendanceField(pid)] = "This person is listed twice."
		}
		out.Attendance[pid] = m.Status
	}
	if in.FacilitatorIDs != nil {
		ids, err := parseIDs("facilitator_ids", in.FacilitatorIDs)
		if err != nil {
			return out, err
		}
		out.FacilitatorIDs = ids
	}
	return out, core.Invalid(f)
}

func (s *Server) apiRecordGroupSession(w http.ResponseWriter, r *http.Request) error {
	gid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var body newGroupSessionJSON
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	in, err := sessionInputJSON(body)
	if err != nil {
		return err
	}
	gs, err := s.store.RecordGroupSession(r.Context(), s.actor(r), gid, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toGroupSessionJSON(gs))
	return nil
}

func (s *Server) apiUpdateGroupSession(w http.ResponseWriter, r *http.Request) error {
	gid, sid, err := groupSessionPath(r)
	if err != nil {
		return err
	}
	var body newGroupSessionJSON
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	in, err := sessionInputJSON(body)
	if err != nil {
		return err
	}
	gs, err := s.store.UpdateGroupSession(r.Context(), s.actor(r), gid, sid, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toGroupSessionJSON(gs))
	return nil
}

func (s *Server) apiDeleteGroupSession(w http.ResponseWriter, r *http.Request) error {
	gid, sid, err := groupSessionPath(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteGroupSession(r.Context(), s.actor(r), gid, sid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiGroupSessions(w http.ResponseWriter, r *http.Request) error {
	gid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	page, err := listPage(r)
	if err != nil {
		return err
	}
	l, err := s.store.GroupSessions(r.Context(), s.actor(r), gid, page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(l, toGroupSessionJSON))
	return nil
}

func (s *Server) apiGroupSession(w http.ResponseWriter, r *http.Request) error {
	gid, sid, err := groupSessionPath(r)
	if err != nil {
		return err
	}
	_, gs, err := s.store.GroupSession(r.Context(), s.actor(r), gid, sid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toGroupSessionJSON(gs))
	return nil
}

type personGroupJSON struct {
	GroupID          string `json:"group_id"`
	Name             string `json:"name"`
	Kind             string `json:"kind" enum:"wellness_planning,hearing_voices,alternatives_to_suicide,dual_recovery,twelve_step,young_adult,other"`
	JoinedOn         string `json:"joined_on"`
	LeftOn           string `json:"left_on" doc:"empty while a member"`
	SessionsAttended int    `json:"sessions_attended" doc:"present or late"`
	SessionsMarked   int    `json:"sessions_marked"`
}

type personGroupsJSON struct {
	Items []personGroupJSON `json:"items"`
}

func (s *Server) apiPersonGroups(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	gs, err := s.store.PersonGroups(r.Context(), s.actor(r), pid)
	if err != nil {
		return err
	}
	out := personGroupsJSON{Items: make([]personGroupJSON, len(gs))}
	for i, g := range gs {
		out.Items[i] = personGroupJSON{GroupID: id(g.GroupID), Name: g.Name, Kind: g.Kind, JoinedOn: g.JoinedOn, LeftOn: g.LeftOn,
			SessionsAttended: g.Attended, SessionsMarked: g.Marked}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
