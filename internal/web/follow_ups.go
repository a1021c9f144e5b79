package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/followup"
	"peerpath/internal/store"
)

// Follow-up schedules (issue 17): an administrator sets a service
// programme's assessment points (SAMHSA's SUPRT preset or the
// organisation's own); workers see the points due and overdue for their
// people, supervisors for their team's, with the completion figure.

// ---- The list of follow-ups due and overdue ----

type followUpsView struct {
	Status     string // due or overdue
	Items      []store.FollowUp
	NextURL    string
	Today      string
	Completion *store.FollowUpCompletion // the actor's scope, the last 12 months
	ScopeName  string                    // "your organisation", "your team", "the people you support"
	Supervisor bool
}

// completionScope is the scope whose completion figure the actor's follow-up
// page shows: the organisation for administrators, the team for
// supervisors, their own people for peer workers.
func completionScope(a store.Actor) (kind string, id int64, name string) {
	switch {
	case a.SeesEveryPerson():
		return store.CompletionOrg, 0, "your organisation"
	case a.SupervisesWorkers():
		return store.CompletionTeam, a.UserID, "your team"
	case a.HasOwnPeople():
		return store.CompletionWorker, a.UserID, "the people you support"
	}
	return "", 0, ""
}

// lastYear is the year up to yesterday, the period of the figures on the
// follow-up page (a window must have closed to count).
func (s *Server) lastYear() (from, to string) {
	today, _ := time.Parse(core.DateLayout, s.store.Today())
	return today.AddDate(-1, 0, 0).Format(core.DateLayout), today.AddDate(0, 0, -1).Format(core.DateLayout)
}

func (s *Server) followUpsPage(w http.ResponseWriter, r *http.Request) error {
	a := s.actor(r)
	v := followUpsView{Status: r.URL.Query().Get("status"), Today: s.store.Today(), Supervisor: a.SupervisesWorkers()}
	if v.Status != store.FollowUpsOverdue {
		v.Status = store.FollowUpsDue
	}
	page, err := listPage(r)
	if err != nil {
		return err
	}
	page.Limit = 50
	l, err := s.store.FollowUps(r.Context(), a, store.FollowUpFilter{Status: v.Status}, page)
	if err != nil {
		return err
	}
	v.Items = l.Items
	if l.Next != "" {
		v.NextURL = "/follow-ups?" + url.Values{"status": {v.Status}, "cursor": {l.Next}}.Encode()
	}
	if kind, id, name := completionScope(a); kind != "" {
		from, to := s.lastYear()
		c, err := s.store.FollowUpCompletion(r.Context(), a, kind, id, from, to)
		if err != nil {
			return err
		}
		v.Completion, v.ScopeName = &c, name
	}
	return s.render(w, r, "follow_ups.html", v)
}

// personFollowUps is a person's assessment points for their page: the past
// ones and those whose window opens in the next 90 days.
func (s *Server) personFollowUps(r *http.Request, pid int64) ([]store.FollowUp, error) {
	all, err := s.store.PersonFollowUps(r.Context(), s.actor(r), pid)
	if err != nil {
		return nil, err
	}
	today, _ := time.Parse(core.DateLayout, s.store.Today())
	soon := today.AddDate(0, 0, 90).Format(core.DateLayout)
	var out []store.FollowUp
	for _, u := range all {
		if u.Opens <= soon {
			out = append(out, u)
		}
	}
	return out, nil
}

// ---- Administrators: the programmes' schedules ----

type followUpSchedulesView struct {
	Programmes []store.ServiceProgramme
	SUPRT      followup.Schedule
}

func (s *Server) followUpSchedulesPage(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.store.FollowUpSchedules(r.Context(), s.actor(r))
	if err != nil {
		return err
	}
	return s.render(w, r, "admin_follow_ups.html", followUpSchedulesView{Programmes: ps, SUPRT: followup.SUPRTSchedule()})
}

type followUpScheduleView struct {
	Programme store.ServiceProgramme
	Form      *form
	SUPRT     followup.Schedule
}

func scheduleForm(sch followup.Schedule) *form {
	v := url.Values{"kind": {sch.Kind}}
	if sch.Kind == followup.Custom {
		v.Set("baseline_days", strconv.Itoa(sch.BaselineDays))
		v.Set("every_months", strconv.Itoa(sch.EveryMonths))
		v.Set("window_days", strconv.Itoa(sch.WindowDays))
		v.Set("target_percent", strconv.Itoa(sch.TargetPercent))
		if sch.Annual {
			v.Set("annual", "on")
		}
		if sch.AtDischarge {
			v.Set("at_discharge", "on")
		}
	}
	return newForm(v)
}

// pathSchedule reads the service programme named by the path's {id}.
func (s *Server) pathSchedule(r *http.Request) (store.ServiceProgramme, error) {
	pid, err := pathID(r, "id")
	if err != nil {
		return store.ServiceProgramme{}, err
	}
	return s.store.FollowUpSchedule(r.Context(), s.actor(r), pid)
}

func (s *Server) followUpSchedulePage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pathSchedule(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "admin_follow_up_schedule.html", followUpScheduleView{Programme: p, Form: scheduleForm(p.Schedule), SUPRT: followup.SUPRTSchedule()})
}

func (s *Server) saveFollowUpSchedule(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	in := followup.Schedule{Kind: f.Get("kind")}
	if in.Kind == followup.Custom {
		in.BaselineDays = formInt(f, "baseline_days", 0)
		in.EveryMonths = formInt(f, "every_months", 0)
		in.WindowDays = formInt(f, "window_days", 0)
		in.TargetPercent = formInt(f, "target_percent", 0)
		in.Annual, in.AtDischarge = f.Checked("annual"), f.Checked("at_discharge")
	}
	var p store.ServiceProgramme
	if len(f.Errors) == 0 {
		p, err = s.store.SetFollowUpSchedule(r.Context(), s.actor(r), pid, in)
	}
	if len(f.Errors) > 0 || f.Fail(err) {
		cur, verr := s.pathSchedule(r)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "admin_follow_up_schedule.html", followUpScheduleView{Programme: cur, Form: f, SUPRT: followup.SUPRTSchedule()})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin/follow-ups", p.Name+": "+p.Schedule.Describe())
}

// ---- API ----

type scheduleJSON struct {
	Kind          string `json:"kind" enum:"none,suprt,custom" doc:"none, suprt (SAMHSA's SUPRT schedule: its figures are SAMHSA's, whatever else is sent) or custom (your organisation's own)"`
	BaselineDays  int    `json:"baseline_days" doc:"a baseline within this many days of starting in the programme; 0 for none"`
	EveryMonths   int    `json:"every_months" doc:"a reassessment every this many months; 0 for none"`
	WindowDays    int    `json:"window_days" doc:"each later point may be done this many days either side of its day"`
	Annual        bool   `json:"annual" doc:"an assessment every 12 months (it takes the place of a reassessment on the same month)"`
	AtDischarge   bool   `json:"at_discharge" doc:"one when support closes, within window_days either side"`
	TargetPercent int    `json:"target_percent" doc:"follow-ups to complete on time, in per cent; 0 for no target"`
}

type programmeScheduleJSON struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	People      int          `json:"people"`
	Schedule    scheduleJSON `json:"schedule"`
	Owner       string       `json:"owner" doc:"whose figures these are: \"SAMHSA SUPRT\", \"Your organisation's setting\", or empty without a schedule"`
	Description string       `json:"description"`
}

func toScheduleJSON(sch followup.Schedule) scheduleJSON {
	kind := sch.Kind
	if kind == followup.None {
		kind = "none"
	}
	return scheduleJSON{Kind: kind, BaselineDays: sch.BaselineDays, EveryMonths: sch.EveryMonths, WindowDays: sch.WindowDays, Annual: sch.Annual, AtDischarge: sch.AtDischarge, TargetPercent: sch.TargetPercent}
}

func toProgrammeScheduleJSON(p store.ServiceProgramme) programmeScheduleJSON {
	return programmeScheduleJSON{ID: id(p.ID), Name: p.Name, People: p.People, Schedule: toScheduleJSON(p.Schedule), Owner: p.Schedule.Owner(), Description: p.Schedule.Describe()}
}

func (s *Server) apiServiceProgrammes(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.store.FollowUpSchedules(r.Context(), s.actor(r))
	if err != nil {
		return err
	}
	out := listJSON[programmeScheduleJSON]{Items: []programmeScheduleJSON{}}
	for _, p := range ps {
		out.Items = append(out.Items, toProgrammeScheduleJSON(p))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiFollowUpSchedule(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pathSchedule(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toProgrammeScheduleJSON(p))
	return nil
}

func (s *Server) apiSetFollowUpSchedule(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in scheduleJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	kind := in.Kind
	if kind == "none" {
		kind = followup.None
	} else if kind == "" {
		return core.Invalid(map[string]string{"kind": "Choose none, suprt or custom."})
	}
	p, err := s.store.SetFollowUpSchedule(r.Context(), s.actor(r), pid, followup.Schedule{Kind: kind, BaselineDays: in.BaselineDays, EveryMonths: in.EveryMonths,
		WindowDays: in.WindowDays, Annual: in.Annual, AtDischarge: in.AtDischarge, TargetPercent: in.TargetPercent})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toProgrammeScheduleJSON(p))
	return nil
}

type followUpJSONItem struct {
	ID          string `json:"id"`
	PersonID    string `json:"person_id"`
	PersonName  string `json:"person_name" doc:"the person's preferred name"`
	ProgrammeID string `json:"programme_id"`
	Programme   string `json:"programme"`
	Kind        string `json:"kind" enum:"baseline,reassessment,annual,discharge"`
	Months      int    `json:"months" doc:"months after starting, for a reassessment or an annual point; 0 otherwise"`
	Label       string `json:"label" doc:"\"Baseline\", \"6-month reassessment\", \"Annual (12 months)\", \"Discharge\""`
	Status      string `json:"status" enum:"due,overdue"`
	DueOn       string `json:"due_on" doc:"YYYY-MM-DD: the point's day"`
	OpensOn     string `json:"opens_on" doc:"YYYY-MM-DD: the first day an assessment completes it on time"`
	ClosesOn    string `json:"closes_on" doc:"YYYY-MM-DD: the last day an assessment completes it on time"`
	LateUntil   string `json:"late_until" doc:"YYYY-MM-DD: the last day an assessment completes it late"`
}

var followUpsQuery = []queryParam{
	{Name: "status", Description: "due (the window is open today; the default) or overdue (the window has closed and it can still be done late).", Enum: []string{"due", "overdue"}},
}

func (s *Server) apiFollowUps(w http.ResponseWriter, r *http.Request) error {
	page, err := listPage(r)
	if err != nil {
		return err
	}
	status := r.URL.Query().Get("status")
	l, err := s.store.FollowUps(r.Context(), s.actor(r), store.FollowUpFilter{Status: status}, page)
	if err != nil {
		return err
	}
	today := s.store.Today()
	writeJSON(w, http.StatusOK, toList(l, func(u store.FollowUp) followUpJSONItem {
		return followUpJSONItem{ID: id(u.ID), PersonID: id(u.PersonID), PersonName: u.PreferredName, ProgrammeID: id(u.ProgrammeID), Programme: u.Programme,
			Kind: u.Kind, Months: u.Months, Label: u.Label(), Status: u.Status(today), DueOn: u.Target, OpensOn: u.Opens, ClosesOn: u.Closes, LateUntil: u.LateUntil}
	}))
	return nil
}
