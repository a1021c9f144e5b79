package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/i18n"
	"peerpath/internal/language"
	"peerpath/internal/store"
)

// Groups (issue 7): the list of the organisation's groups, a group's page,
// starting and changing a group, its members, and recording a session with
// its attendance on one form that works on a phone. The store decides who
// sees a roster (the group's facilitators, their supervisors and
// administrators; see groups.go in the store); these handlers only show
// what it returns.

// groupRow is a group with its next session, for lists.
type groupRow struct {
	store.Group
	Next time.Time
}

func (s *Server) groupRows(gs []store.Group) []groupRow {
	now := s.clock.Now()
	out := make([]groupRow, len(gs))
	for i, g := range gs {
		out[i] = groupRow{Group: g}
		if next := g.NextSessions(now, 1); len(next) > 0 {
			out[i].Next = next[0]
		}
	}
	return out
}

type groupsView struct {
	Form     *form
	Groups   []groupRow
	NextURL  string
	Oversees bool
	Statuses []option
}

func (s *Server) groupsPage(w http.ResponseWriter, r *http.Request) error {
	a := s.actor(r)
	q := r.URL.Query()
	f := store.GroupFilter{Status: q.Get("status"), Mine: q.Get("mine") == "1"}
	if f.Status != store.ShowAll && !contains(store.GroupStatuses, f.Status) {
		f.Status = store.GroupActive
	}
	l, err := s.store.ListGroups(r.Context(), a, f, store.Page{Cursor: q.Get("cursor")})
	if err != nil {
		return err
	}
	v := groupsView{Form: newForm(url.Values{"status": {f.Status}}), Groups: s.groupRows(l.Items), NextURL: nextPageURL(r, l.Next),
		Oversees: a.CanAssign(), Statuses: append(options(localizer(r), "group_status", store.GroupStatuses), option{Value: store.ShowAll, Label: localizer(r).T("messages.groups.filter_all")})}
	if f.Mine {
		v.Form.Values.Set("mine", "1")
	}
	return s.render(w, r, "groups.html", v)
}

// groupFormView is the form that starts or changes a group.
type groupFormView struct {
	Form         *form
	Group        store.Group // zero when new
	New          bool
	Kinds        []option
	Meets        []option
	Weekdays     []option
	Statuses     []option
	Facilitators []option
	Oversees     bool // may choose facilitators and archive
}

func weekdayOptions(l *i18n.Localizer) []option {
	return append([]option{{Value: "0", Label: l.T("messages.groups.no_fixed_day")}}, options(l, "weekday", weekdays)...)
}

func (s *Server) groupFormView(r *http.Request, f *form, g store.Group, isNew bool) (groupFormView, error) {
	a := s.actor(r)
	v := groupFormView{Form: f, Group: g, New: isNew, Kinds: options(localizer(r), "group_kind", store.GroupKinds), Meets: options(localizer(r), "meets", store.GroupMeetings),
		Weekdays: weekdayOptions(localizer(r)), Statuses: options(localizer(r), "group_status", store.GroupStatuses), Oversees: a.CanAssign()}
	if v.Oversees {
		ws, err := s.store.FacilitatorChoices(r.Context(), a)
		if err != nil {
			return v, err
		}
		// Facilitators already chosen stay on the list even when the
		// reader could not choose them now.
		for _, cur := range g.Facilitators {
			found := false
			for _, w := range ws {
				found = found || w.ID == cur.ID
			}
			if !found {
				ws = append(ws, cur)
			}
		}
		v.Facilitators = workerOptions(ws)
	}
	return v, nil
}

func groupInput(f *form, withStaffing bool) store.GroupInput {
	in := store.GroupInput{
		Name: f.Get("name"), Kind: f.Get("kind"), Description: f.Get("description"), Meets: f.Get("meets"), Place: f.Get("place"),
		VideoLink: f.Get("video_link"), Schedule: f.Get("schedule"), Weekday: formInt(f, "weekday", 0), StartTime: f.Get("start_time"),
		DurationMinutes: formInt(f, "duration_minutes", store.DefaultGroupMinutes),
	}
	if withStaffing {
		in.FacilitatorIDs = formIDs(f, "facilitator_ids")
		if in.FacilitatorIDs == nil {
			in.FacilitatorIDs = []int64{}
		}
		in.Status = f.Get("status")
	}
	return in
}

func (s *Server) newGroupPage(w http.ResponseWriter, r *http.Request) error {
	a := s.actor(r)
	f := newForm(url.Values{"meets": {"in_person"}, "weekday": {"0"}, "duration_minutes": {strconv.Itoa(store.DefaultGroupMinutes)}})
	if a.HasOwnPeople() {
		f.Values.Set("facilitator_ids", id(a.UserID))
	}
	v, err := s.groupFormView(r, f, store.Group{}, true)
	if err != nil {
		return err
	}
	return s.render(w, r, "group_form.html", v)
}

func (s *Server) createGroup(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	in := groupInput(f, true)
	var g store.Group
	if len(f.Errors) == 0 {
		g, err = s.store.CreateGroup(r.Context(), s.actor(r), in)
	}
	if len(f.Errors) > 0 || f.Fail(err) {
		v, verr := s.groupFormView(r, f, store.Group{}, true)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "group_form.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/groups/"+id(g.ID), localizer(r).T("messages.groups.group_started_add"))
}

// groupToChange reads a group the reader may change, or says who may.
func (s *Server) groupToChange(r *http.Request) (store.Group, error) {
	gid, err := pathID(r, "id")
	if err != nil {
		return store.Group{}, err
	}
	g, err := s.store.Group(r.Context(), s.actor(r), gid)
	if err != nil {
		return g, err
	}
	if !g.Roster {
		return g, core.Forbidden("Only the group's facilitators, their supervisors and administrators change this group.")
	}
	return g, nil
}

func (s *Server) editGroupPage(w http.ResponseWriter, r *http.Request) error {
	g, err := s.groupToChange(r)
	if err != nil {
		return err
	}
	f := newForm(url.Values{
		"name": {g.Name}, "kind": {g.Kind}, "description": {g.Description}, "meets": {g.Meets}, "place": {g.Place}, "video_link": {g.VideoLink},
		"schedule": {g.Schedule}, "weekday": {strconv.Itoa(g.Weekday)}, "start_time": {g.StartTime}, "duration_minutes": {strconv.Itoa(g.DurationMinutes)},
		"status": {g.Status},
	})
	for _, fac := range g.Facilitators {
		f.Values.Add("facilitator_ids", id(fac.ID))
	}
	v, err := s.groupFormView(r, f, g, false)
	if err != nil {
		return err
	}
	return s.render(w, r, "group_form.html", v)
}

func (s *Server) updateGroup(w http.ResponseWriter, r *http.Request) error {
	g, err := s.groupToChange(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	a := s.actor(r)
	in := groupInput(f, a.CanAssign())
	if len(f.Errors) == 0 {
		_, err = s.store.UpdateGroup(r.Context(), a, g.ID, in)
	}
	if len(f.Errors) > 0 || f.Fail(err) {
		v, verr := s.groupFormView(r, f, g, false)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "group_form.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/groups/"+id(g.ID), localizer(r).T("messages.groups.group_saved"))
}

type groupPageView struct {
	store.GroupPageData
	Me       int64
	Oversees bool
	Today    string
	NextURL  string // older sessions
}

func (s *Server) groupPage(w http.ResponseWriter, r *http.Request) error {
	gid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := s.actor(r)
	d, err := s.store.GroupPage(r.Context(), a, gid)
	if err != nil {
		return err
	}
	v := groupPageView{GroupPageData: d, Me: a.UserID, Oversees: a.CanAssign(), Today: s.store.Today()}
	if d.MoreSessions != "" {
		v.NextURL = "/groups/" + id(gid) + "/sessions?cursor=" + url.QueryEscape(d.MoreSessions)
	}
	return s.render(w, r, "group.html", v)
}

type groupSessionsView struct {
	Group    store.Group
	Sessions []store.GroupSession
	NextURL  string
}

// groupSessionsPage lists older sessions, page by page.
func (s *Server) groupSessionsPage(w http.ResponseWriter, r *http.Request) error {
	gid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := s.actor(r)
	l, err := s.store.GroupSessions(r.Context(), a, gid, store.Page{Cursor: r.URL.Query().Get("cursor"), Limit: 50})
	if err != nil {
		return err
	}
	g, err := s.store.Group(r.Context(), a, gid)
	if err != nil {
		return err
	}
	return s.render(w, r, "group_sessions.html", groupSessionsView{Group: g, Sessions: l.Items, NextURL: nextPageURL(r, l.Next)})
}

type groupMembersView struct {
	Group      store.Group
	Members    []store.GroupMember
	Candidates []store.MemberCandidate
	Form       *form
	Query      string
	Oversees   bool
}

func (s *Server) groupMembersData(r *http.Request, f *form) (groupMembersView, error) {
	g, err := s.groupToChange(r)
	if err != nil {
		return groupMembersView{}, err
	}
	a := s.actor(r)
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if f == nil {
		f = newForm(url.Values{"joined_on": {s.store.Today()}})
	} else if v := f.Get("q"); v != "" {
		q = v
	}
	v := groupMembersView{Group: g, Form: f, Query: q, Oversees: a.CanAssign()}
	ms, err := s.store.GroupMembers(r.Context(), a, g.ID, store.Page{Limit: store.MaxGroupMembers})
	if err != nil {
		return v, err
	}
	v.Members = ms.Items
	if v.Candidates, err = s.store.MemberCandidates(r.Context(), a, g.ID, q, 50); err != nil {
		return v, err
	}
	return v, nil
}

func (s *Server) groupMembersPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.groupMembersData(r, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, "group_members.html", v)
}

func (s *Server) addGroupMembers(w http.ResponseWriter, r *http.Request) error {
	g, err := s.groupToChange(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	ids := formIDs(f, "person_ids")
	err = s.store.AddGroupMembers(r.Context(), s.actor(r), g.ID, ids, f.Get("joined_on"))
	if f.Fail(err) {
		v, verr := s.groupMembersData(r, f)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "group_members.html", v)
	}
	if err != nil {
		return err
	}
	msg := localizer(r).T("messages.groups.member_added")
	if len(ids) > 1 {
		msg = localizer(r).T("messages.groups.members_added")
	}
	return redirect(w, r, "/groups/"+id(g.ID)+"/members", msg)
}

func (s *Server) removeGroupMember(w http.ResponseWriter, r *http.Request) error {
	g, err := s.groupToChange(r)
	if err != nil {
		return err
	}
	pid, err := pathID(r, "pid")
	if err != nil {
		return err
	}
	if err := s.store.RemoveGroupMember(r.Context(), s.actor(r), g.ID, pid); err != nil {
		return err
	}
	return redirect(w, r, "/groups/"+id(g.ID)+"/members", localizer(r).T("messages.groups.member_has_left"))
}

// groupSessionFormView is the one form of a session: when, who
// facilitated, each member's attendance (a radio group each), the drop-in
// guests and the note.
type groupSessionFormView struct {
	Form         *form
	Group        store.Group
	Session      store.GroupSession // zero when new
	Entries      []store.AttendanceEntry
	Statuses     []option
	Facilitators []option
	Hints        []language.Hint
	Checked      bool
	FromDraft    bool
	MarkedAll    bool // every member was marked present (without JavaScript); nothing saved
}

// EntryField names the radio group of a person.
func (groupSessionFormView) EntryField(pid int64) string { return store.AttendanceField(pid) }

func (s *Server) groupSessionFormView(r *http.Request, f *form, g store.Group, gs store.GroupSession, entries []store.AttendanceEntry) groupSessionFormView {
	v := groupSessionFormView{Form: f, Group: g, Session: gs, Entries: entries, Statuses: options(localizer(r), "attendance", store.AttendanceStatuses)}
	ws := g.Facilitators
	me := s.actor(r).UserID
	if !g.Facilitates(me) {
		if p := principal(r); p != nil {
			ws = append(ws, store.WorkerRef{ID: me, Name: p.User.Name + " (you)", Active: true})
		}
	}
	v.Facilitators = workerOptions(ws)
	v.Hints = s.wordingHints(r, f.Raw("note"))
	return v
}

// sessionInput reads the session form.
func sessionAttendanceInput(f *form) store.GroupSessionInput {
	in := store.GroupSessionInput{
		HeldOn: f.Get("held_on"), StartTime: f.Get("starts_at"), DurationMinutes: formInt(f, "duration_minutes", 0),
		Guests: formInt(f, "guests", 0), Note: f.Raw("note"), Attendance: map[int64]string{},
		FacilitatorIDs: formIDs(f, "facilitator_ids"),
	}
	if in.FacilitatorIDs == nil && f.Get("facilitators_shown") != "" {
		in.FacilitatorIDs = []int64{} // every box unticked: say so, rather than guess
	}
	for k, vs := range f.Values {
		if rest, ok := strings.CutPrefix(k, "attendance_"); ok && len(vs) > 0 && vs[0] != "" {
			if pid, err := strconv.ParseInt(rest, 10, 64); err == nil && pid > 0 {
				in.Attendance[pid] = vs[0]
			}
		}
	}
	return in
}

func (s *Server) newGroupSessionPage(w http.ResponseWriter, r *http.Request) error {
	gid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	g, entries, err := s.store.NewSessionSheet(r.Context(), s.actor(r), gid)
	if err != nil {
		return err
	}
	f, fromDraft := s.draftForm(r)
	if fromDraft {
		f.Values.Set("draft", r.URL.Query().Get("draft"))
	} else {
		// Suggest a session that has begun, so the defaults always save.
		day, start := g.SuggestedSession(s.clock.Now(), r.URL.Query().Get("on"))
		f = newForm(url.Values{"held_on": {day}, "starts_at": {start}, "duration_minutes": {strconv.Itoa(g.DurationMinutes)}, "guests": {"0"}})
		for _, fac := range g.Facilitators {
			f.Values.Add("facilitator_ids", id(fac.ID))
		}
	}
	v := s.groupSessionFormView(r, f, g, store.GroupSession{}, entries)
	v.FromDraft = fromDraft
	return s.render(w, r, "group_session_form.html", v)
}

func (s *Server) recordGroupSession(w http.ResponseWriter, r *http.Request) error {
	gid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := s.actor(r)
	f, err := postForm(r)
	if err != nil {
		return err
	}
	if f.Get("mark_all") != "" {
		g, entries, err := s.store.NewSessionSheet(r.Context(), a, gid)
		if err != nil {
			return err
		}
		return s.renderMarkedAll(w, r, f, g, store.GroupSession{}, entries)
	}
	in := sessionAttendanceInput(f)
	var gs store.GroupSession
	if f.Get("check") == "" && len(f.Errors) == 0 {
		gs, err = s.store.RecordGroupSession(r.Context(), a, gid, in)
	}
	if f.Get("check") != "" || len(f.Errors) > 0 || f.Fail(err) || core.KindOf(err) == core.KindConflict {
		g, entries, serr := s.store.NewSessionSheet(r.Context(), a, gid)
		if serr != nil {
			return serr
		}
		if msg, conflict := conflictMessage(err); conflict {
			f.Errors[""] = msg
		}
		v := s.groupSessionFormView(r, f, g, store.GroupSession{}, entries)
		status := http.StatusUnprocessableEntity
		switch {
		case f.Get("check") != "":
			v.Checked, status = true, http.StatusOK
		case core.KindOf(err) == core.KindConflict:
			status = http.StatusConflict
		}
		return s.renderStatus(w, r, status, "group_session_form.html", v)
	}
	if err != nil {
		return s.keepWords(r, f, err, "session")
	}
	s.discardUsedDraft(r, f)
	return redirect(w, r, "/groups/"+id(gid)+"/sessions/"+id(gs.ID), localizer(r).T("messages.groups.session_recorded"))
}

func groupSessionPath(r *http.Request) (gid, sid int64, err error) {
	if gid, err = pathID(r, "id"); err != nil {
		return 0, 0, err
	}
	sid, err = pathID(r, "sid")
	return gid, sid, err
}

type groupSessionView struct {
	Group   store.Group
	Session store.GroupSession
	MayRun  bool
}

func (s *Server) groupSessionPage(w http.ResponseWriter, r *http.Request) error {
	gid, sid, err := groupSessionPath(r)
	if err != nil {
		return err
	}
	g, gs, err := s.store.GroupSession(r.Context(), s.actor(r), gid, sid)
	if err != nil {
		return err
	}
	return s.render(w, r, "group_session.html", groupSessionView{Group: g, Session: gs, MayRun: g.Roster})
}

func (s *Server) editGroupSessionPage(w http.ResponseWriter, r *http.Request) error {
	gid, sid, err := groupSessionPath(r)
	if err != nil {
		return err
	}
	g, gs, err := s.store.GroupSession(r.Context(), s.actor(r), gid, sid)
	if err != nil {
		return err
	}
	f := newForm(url.Values{"held_on": {gs.HeldOn}, "starts_at": {gs.StartTime}, "duration_minutes": {strconv.Itoa(gs.DurationMinutes)},
		"guests": {strconv.Itoa(gs.Guests)}, "note": {gs.Note}})
	for _, fac := range gs.Facilitators {
		f.Values.Add("facilitator_ids", id(fac.ID))
	}
	for _, e := range gs.Attendance {
		if e.Status != "" {
			f.Values.Set(store.AttendanceField(e.PersonID), e.Status)
		}
	}
	d, fromDraft := s.draftForm(r)
	if fromDraft {
		f = d
		f.Values.Set("draft", r.URL.Query().Get("draft"))
	}
	v := s.groupSessionFormView(r, f, g, gs, gs.Attendance)
	v.FromDraft = fromDraft
	// Facilitators of the session who no longer facilitate the group stay
	// choosable.
	for _, fac := range gs.Facilitators {
		if !g.Facilitates(fac.ID) && fac.ID != s.actor(r).UserID {
			v.Facilitators = append(v.Facilitators, option{Value: id(fac.ID), Label: fac.Name})
		}
	}
	return s.render(w, r, "group_session_form.html", v)
}

func (s *Server) updateGroupSession(w http.ResponseWriter, r *http.Request) error {
	gid, sid, err := groupSessionPath(r)
	if err != nil {
		return err
	}
	a := s.actor(r)
	f, err := postForm(r)
	if err != nil {
		return err
	}
	if f.Get("mark_all") != "" {
		g, gs, err := s.store.GroupSession(r.Context(), a, gid, sid)
		if err != nil {
			return err
		}
		return s.renderMarkedAll(w, r, f, g, gs, gs.Attendance)
	}
	in := sessionAttendanceInput(f)
	if f.Get("check") == "" && len(f.Errors) == 0 {
		_, err = s.store.UpdateGroupSession(r.Context(), a, gid, sid, in)
	}
	if f.Get("check") != "" || len(f.Errors) > 0 || f.Fail(err) {
		g, gs, serr := s.store.GroupSession(r.Context(), a, gid, sid)
		if serr != nil {
			return serr
		}
		v := s.groupSessionFormView(r, f, g, gs, gs.Attendance)
		status := http.StatusUnprocessableEntity
		if f.Get("check") != "" {
			v.Checked, status = true, http.StatusOK
		}
		return s.renderStatus(w, r, status, "group_session_form.html", v)
	}
	if err != nil {
		return s.keepWords(r, f, err, "session")
	}
	s.discardUsedDraft(r, f)
	return redirect(w, r, "/groups/"+id(gid)+"/sessions/"+id(sid), localizer(r).T("messages.groups.session_corrected"))
}

// renderMarkedAll is "Everyone present" without JavaScript: every member
// not marked yet is marked present and the form comes back, saving
// nothing, for the exceptions to be changed.
func (s *Server) renderMarkedAll(w http.ResponseWriter, r *http.Request, f *form, g store.Group, gs store.GroupSession, entries []store.AttendanceEntry) error {
	for _, e := range entries {
		if name := store.AttendanceField(e.PersonID); e.Member && f.Get(name) == "" {
			f.Values.Set(name, "present")
		}
	}
	f.Values.Del("mark_all")
	v := s.groupSessionFormView(r, f, g, gs, entries)
	v.MarkedAll = true
	return s.render(w, r, "group_session_form.html", v)
}

func (s *Server) deleteGroupSession(w http.ResponseWriter, r *http.Request) error {
	gid, sid, err := groupSessionPath(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteGroupSession(r.Context(), s.actor(r), gid, sid); err != nil {
		return err
	}
	return redirect(w, r, "/groups/"+id(gid), localizer(r).T("messages.groups.session_deleted_contacts"))
}
