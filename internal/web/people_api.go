package web

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/language"
	"peerpath/internal/store"
)

// The JSON API of people supported, contacts, goals, referrals, resources
// and the caseload, on the same store operations as the pages (so the same
// rules: visibility, validation, audit).

type personJSON struct {
	ID                string          `json:"id"`
	PreferredName     string          `json:"preferred_name"`
	LegalName         string          `json:"legal_name" doc:"only when needed; often empty"`
	Pronouns          string          `json:"pronouns"`
	DateOfBirth       string          `json:"date_of_birth" doc:"YYYY-MM-DD, or empty"`
	PreferredLanguage string          `json:"preferred_language"`
	Phone             string          `json:"phone"`
	Email             string          `json:"email"`
	MailingAddress    string          `json:"mailing_address"`
	OkayToContact     map[string]bool `json:"okay_to_contact" doc:"for each channel (phone_call, voicemail, text, email, mail), whether it is okay to use it"`
	Programmes        []string        `json:"programmes"`
	Status            string          `json:"status" enum:"active,on_hold,closed"`
	ClosedReason      string          `json:"closed_reason" doc:"why support ended, in the person's own terms; empty unless closed"`
	CheckInEveryDays  int             `json:"check_in_every_days"`
	ActiveSince       time.Time       `json:"active_since" doc:"when the person was added, or last became active again"`
	AssignedWorkerIDs []string        `json:"assigned_worker_ids"`
	LastContactAt     *time.Time      `json:"last_contact_at"`
	NextCheckInDue    string          `json:"next_check_in_due" doc:"YYYY-MM-DD (Massachusetts time): the last contact, or the day the person became active, plus the rhythm"`
	CheckInOverdue    bool            `json:"check_in_overdue" doc:"true for an active person whose check-in day has passed"`
	CreatedAt         time.Time       `json:"created_at"`
}

func okayMap(p store.Person) map[string]bool {
	m := map[string]bool{}
	for _, c := range store.Channels {
		m[c] = p.OkayBy(c)
	}
	return m
}

func workerIDs(ws []store.WorkerRef) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = id(w.ID)
	}
	return out
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

func toPersonJSON(p store.Person, today string) personJSON {
	return personJSON{
		ID: id(p.ID), PreferredName: p.PreferredName, LegalName: p.LegalName, Pronouns: p.Pronouns, DateOfBirth: p.BornOn,
		PreferredLanguage: p.PreferredLanguage, Phone: p.Phone, Email: p.Email, MailingAddress: p.MailingAddress,
		OkayToContact: okayMap(p), Programmes: nonNil(p.Programmes), Status: p.Status, ClosedReason: p.ClosedReason,
		CheckInEveryDays: p.CheckInEveryDays, ActiveSince: p.ActiveSince, AssignedWorkerIDs: workerIDs(p.Workers), LastContactAt: rfc3339(p.LastContactAt),
		NextCheckInDue: p.CheckInDueOn, CheckInOverdue: p.Overdue(today), CreatedAt: p.CreatedAt,
	}
}

type newPersonJSON struct {
	PreferredName     string          `json:"preferred_name"`
	LegalName         string          `json:"legal_name,omitempty"`
	Pronouns          string          `json:"pronouns,omitempty"`
	DateOfBirth       string          `json:"date_of_birth,omitempty" doc:"YYYY-MM-DD"`
	PreferredLanguage string          `json:"preferred_language,omitempty"`
	Phone             string          `json:"phone,omitempty"`
	Email             string          `json:"email,omitempty"`
	MailingAddress    string          `json:"mailing_address,omitempty"`
	OkayToContact     map[string]bool `json:"okay_to_contact,omitempty" doc:"channel (phone_call, voicemail, text, email, mail) to true when it is okay to use"`
	Programmes        []string        `json:"programmes,omitempty"`
	CheckInEveryDays  int             `json:"check_in_every_days,omitempty" doc:"1 to 90; 7 when absent"`
	SupportedSince    string          `json:"supported_since,omitempty" doc:"YYYY-MM-DD: the day support began, for someone supported before being recorded; today when absent"`
	AssignedWorkerIDs []string        `json:"assigned_worker_ids,omitempty" doc:"supervisors and administrators choose; a peer worker who adds a person is always assigned"`
	DifferentPerson   bool            `json:"different_person,omitempty" doc:"ignored, kept so older scripts still work: adding someone alike is never refused, it is flagged for a supervisor or an administrator"`
}

// okayList reads okay_to_contact, refusing unknown channels.
func okayList(m map[string]bool) ([]string, error) {
	var out []string
	for k, v := range m {
		if !contains(store.Channels, k) {
			return nil, core.Invalid(map[string]string{"okay_to_contact": fmt.Sprintf("%q is not a channel: use %s.", k, strings.Join(store.Channels, ", "))})
		}
		if v {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out, nil
}

func (s *Server) apiCreatePerson(w http.ResponseWriter, r *http.Request) error {
	var in newPersonJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	okay, err := okayList(in.OkayToContact)
	if err != nil {
		return err
	}
	workers, err := parseIDs("assigned_worker_ids", in.AssignedWorkerIDs)
	if err != nil {
		return err
	}
	p, err := s.store.CreatePerson(r.Context(), s.actor(r), store.PersonInput{
		PreferredName: in.PreferredName, LegalName: in.LegalName, Pronouns: in.Pronouns, BornOn: in.DateOfBirth,
		PreferredLanguage: in.PreferredLanguage, Phone: in.Phone, Email: in.Email, MailingAddress: in.MailingAddress,
		OkayToContact: okay, Programmes: in.Programmes, CheckInEveryDays: in.CheckInEveryDays, WorkerIDs: workers,
		SupportedSince: in.SupportedSince,
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toPersonJSON(p, s.store.Today()))
	return nil
}

var peopleQuery = []queryParam{
	{Name: "q", Description: "Part of a preferred or legal name; any case, accents ignored."},
	{Name: "status", Description: "Which people: active, on_hold, closed or all.", Enum: []string{"active", "on_hold", "closed", "all"}},
}

func (s *Server) apiPeople(w http.ResponseWriter, r *http.Request) error {
	page, err := listPage(r)
	if err != nil {
		return err
	}
	f := store.PeopleFilter{Query: r.URL.Query().Get("q"), Status: r.URL.Query().Get("status")}
	if f.Status == "" {
		f.Status = store.ShowAll
	}
	a := s.actor(r)
	l, err := s.store.ListPeople(r.Context(), a, f, page)
	if err != nil {
		return err
	}
	people := make([]store.Person, len(l.Items))
	for i, row := range l.Items {
		people[i] = row.Person
	}
	// The list has workers; programmes come with one more query for the page.
	full, err := s.store.PeopleDetails(r.Context(), a, people)
	if err != nil {
		return err
	}
	today := s.store.Today()
	out := listJSON[personJSON]{Items: make([]personJSON, len(full)), NextCursor: l.Next}
	for i, p := range full {
		out.Items[i] = toPersonJSON(p, today)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiPerson(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.store.Person(r.Context(), s.actor(r), pid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toPersonJSON(p, s.store.Today()))
	return nil
}

type patchPersonJSON struct {
	PreferredName     *string         `json:"preferred_name,omitempty"`
	LegalName         *string         `json:"legal_name,omitempty"`
	Pronouns          *string         `json:"pronouns,omitempty"`
	DateOfBirth       *string         `json:"date_of_birth,omitempty"`
	PreferredLanguage *string         `json:"preferred_language,omitempty"`
	Phone             *string         `json:"phone,omitempty"`
	Email             *string         `json:"email,omitempty"`
	MailingAddress    *string         `json:"mailing_address,omitempty"`
	OkayToContact     map[string]bool `json:"okay_to_contact,omitempty" doc:"replaces the whole set of channels"`
	Programmes        *[]string       `json:"programmes,omitempty"`
	CheckInEveryDays  *int            `json:"check_in_every_days,omitempty"`
	Status            *string         `json:"status,omitempty" enum:"active,on_hold,closed"`
	ClosedReason      *string         `json:"closed_reason,omitempty" doc:"needed when status is closed"`
	AssignedWorkerIDs *[]string       `json:"assigned_worker_ids,omitempty" doc:"supervisors and administrators only (403 for a peer worker)"`
}

func (s *Server) apiPatchPerson(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in patchPersonJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	patch := store.PersonPatch{PreferredName: in.PreferredName, LegalName: in.LegalName, Pronouns: in.Pronouns, BornOn: in.DateOfBirth,
		PreferredLanguage: in.PreferredLanguage, Phone: in.Phone, Email: in.Email, MailingAddress: in.MailingAddress,
		Programmes: in.Programmes, CheckInEveryDays: in.CheckInEveryDays, Status: in.Status, ClosedReason: in.ClosedReason}
	if in.OkayToContact != nil {
		okay, err := okayList(in.OkayToContact)
		if err != nil {
			return err
		}
		patch.OkayToContact = &okay
	}
	if in.AssignedWorkerIDs != nil {
		ids, err := parseIDs("assigned_worker_ids", *in.AssignedWorkerIDs)
		if err != nil {
			return err
		}
		patch.WorkerIDs = &ids
	}
	p, err := s.store.UpdatePerson(r.Context(), s.actor(r), pid, patch)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toPersonJSON(p, s.store.Today()))
	return nil
}

type contactJSON struct {
	ID              string          `json:"id"`
	PersonID        string          `json:"person_id"`
	OccurredAt      time.Time       `json:"occurred_at"`
	DurationMinutes int             `json:"duration_minutes"`
	Format          string          `json:"format" enum:"individual,group"`
	Mode            string          `json:"mode" enum:"in_person,phone,text,video"`
	Kind            string          `json:"kind" enum:"check_in,one_to_one,advocacy,crisis,resource_linkage,outreach,accompaniment,group_session"`
	Participants    string          `json:"participants" doc:"who else took part"`
	Note            string          `json:"note"`
	RecordedBy      string          `json:"recorded_by" doc:"the id of the worker who recorded the contact"`
	WordingHints    []language.Hint `json:"wording_hints" doc:"words in the note the wording helper suggests rethinking, with alternatives; never blocks saving"`
	// Groups (issue 7): a contact made by a group session's attendance.
	GroupID        string `json:"group_id,omitempty" doc:"the group whose session made this contact; it changes only with the session's attendance"`
	GroupName      string `json:"group_name,omitempty"`
	GroupSessionID string `json:"group_session_id,omitempty"`
}

func (s *Server) toContactJSON(r *http.Request, c store.Contact) contactJSON {
	hints := s.wordingHints(r, c.Note)
	if hints == nil {
		hints = []language.Hint{}
	}
	return contactJSON{ID: id(c.ID), PersonID: id(c.PersonID), OccurredAt: c.OccurredAt, DurationMinutes: c.DurationMinutes,
		Format: c.Format, Mode: c.Mode, Kind: c.Kind, Participants: c.Participants, Note: c.Note, RecordedBy: id(c.RecordedBy), WordingHints: hints,
		GroupID: id(c.GroupID), GroupName: c.GroupName, GroupSessionID: id(c.GroupSessionID)}
}

type newContactJSON struct {
	OccurredAt      string `json:"occurred_at,omitempty" doc:"RFC 3339; now when absent; not in the future"`
	DurationMinutes *int   `json:"duration_minutes,omitempty" doc:"0 to 1440; 30 when absent"`
	Format          string `json:"format,omitempty" enum:"individual,group" doc:"follows the kind when absent: group for group_session, individual for every other kind; a group_session cannot be individual"`
	Mode            string `json:"mode,omitempty" enum:"in_person,phone,text,video" doc:"the caller's last used when absent"`
	Kind            string `json:"kind,omitempty" enum:"check_in,one_to_one,advocacy,crisis,resource_linkage,outreach,accompaniment,group_session" doc:"check_in when absent"`
	Participants    string `json:"participants,omitempty"`
	Note            string `json:"note,omitempty"`
}

func (s *Server) apiCreateContact(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in newContactJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a := s.actor(r)
	c := store.ContactInput{OccurredAt: s.clock.Now(), DurationMinutes: store.DefaultDuration, Format: in.Format, Mode: in.Mode, Kind: in.Kind,
		Participants: in.Participants, Note: in.Note}
	if in.OccurredAt != "" {
		t, err := time.Parse(time.RFC3339, in.OccurredAt)
		if err != nil {
			return core.Invalid(map[string]string{"occurred_at": "Give the time as RFC 3339, such as 2026-11-23T14:30:00Z."})
		}
		c.OccurredAt = t
	}
	if in.DurationMinutes != nil {
		c.DurationMinutes = *in.DurationMinutes
	}
	if c.Kind == "" {
		c.Kind = store.DefaultKind
	}
	if c.Format == "" {
		c.Format = store.FormatFor(c.Kind) // a check-in is one-to-one unless said otherwise
	}
	if c.Mode == "" {
		_, mode, err := s.store.LastContactStyle(r.Context(), a)
		if err != nil {
			return err
		}
		c.Mode = mode
	}
	saved, err := s.store.AddContact(r.Context(), a, pid, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.toContactJSON(r, saved))
	return nil
}

func (s *Server) apiContacts(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	page, err := listPage(r)
	if err != nil {
		return err
	}
	l, err := s.store.ListContacts(r.Context(), s.actor(r), pid, page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(l, func(c store.Contact) contactJSON { return s.toContactJSON(r, c) }))
	return nil
}

type goalJSON struct {
	ID          string             `json:"id"`
	CycleID     string             `json:"cycle_id"`
	Text        string             `json:"text" doc:"in the person's own words"`
	LifeArea    string             `json:"life_area" enum:"health,home,purpose,community"`
	Status      string             `json:"status" enum:"active,achieved,changed,set_aside"`
	TargetDate  string             `json:"target_date" doc:"YYYY-MM-DD, or empty"`
	Steps       string             `json:"steps"`
	CarriedFrom string             `json:"carried_from,omitempty" doc:"the goal of an earlier cycle this one continues"`
	Progress    []goalProgressJSON `json:"progress"`
	CreatedAt   time.Time          `json:"created_at"`
}

type goalProgressJSON struct {
	ID        string    `json:"id"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
}

func toGoalJSON(g store.Goal) goalJSON {
	out := goalJSON{ID: id(g.ID), CycleID: id(g.CycleID), Text: g.Text, LifeArea: g.LifeArea, Status: g.Status, TargetDate: g.TargetOn,
		Steps: g.Steps, CarriedFrom: id(g.CarriedFrom), Progress: []goalProgressJSON{}, CreatedAt: g.CreatedAt}
	for _, n := range g.Progress {
		out.Progress = append(out.Progress, goalProgressJSON{ID: id(n.ID), Note: n.Note, CreatedAt: n.CreatedAt, CreatedBy: id(n.CreatedBy)})
	}
	return out
}

type newGoalJSON struct {
	CycleID    string `json:"cycle_id,omitempty" doc:"the person's open cycle when absent (one starts today if there is none)"`
	Text       string `json:"text"`
	LifeArea   string `json:"life_area" enum:"health,home,purpose,community"`
	Steps      string `json:"steps,omitempty"`
	TargetDate string `json:"target_date,omitempty" doc:"YYYY-MM-DD"`
}

func (s *Server) apiCreateGoal(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in newGoalJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var cycle int64
	if in.CycleID != "" {
		if cycle, err = parseID("cycle_id", in.CycleID); err != nil {
			return err
		}
	}
	g, err := s.store.AddGoal(r.Context(), s.actor(r), pid, store.GoalInput{CycleID: cycle, Text: in.Text, LifeArea: in.LifeArea, Steps: in.Steps, TargetOn: in.TargetDate})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toGoalJSON(g))
	return nil
}

func (s *Server) apiGoals(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	page, err := listPage(r)
	if err != nil {
		return err
	}
	l, err := s.store.ListGoals(r.Context(), s.actor(r), pid, page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(l, toGoalJSON))
	return nil
}

type referralJSON struct {
	ID           string     `json:"id"`
	PersonID     string     `json:"person_id"`
	ResourceID   string     `json:"resource_id,omitempty" doc:"empty for a resource named in free text"`
	ResourceName string     `json:"resource_name"`
	Reason       string     `json:"reason"`
	MadeOn       string     `json:"made_on" doc:"YYYY-MM-DD"`
	FollowUpOn   string     `json:"follow_up_on" doc:"YYYY-MM-DD"`
	FollowUpDue  bool       `json:"follow_up_due" doc:"open, and the follow-up day has come"`
	Status       string     `json:"status" enum:"made,contacted,connected,not_connected"`
	OutcomeNote  string     `json:"outcome_note"`
	ClosedAt     *time.Time `json:"closed_at"`
}

func toReferralJSON(ref store.Referral, today string) referralJSON {
	return referralJSON{ID: id(ref.ID), PersonID: id(ref.PersonID), ResourceID: id(ref.ResourceID), ResourceName: ref.ResourceName, Reason: ref.Reason,
		MadeOn: ref.MadeOn, FollowUpOn: ref.FollowUpOn, FollowUpDue: ref.FollowUpDue(today), Status: ref.Status, OutcomeNote: ref.OutcomeNote, ClosedAt: rfc3339(ref.ClosedAt)}
}

type newReferralJSON struct {
	PersonID     string `json:"person_id"`
	ResourceID   string `json:"resource_id,omitempty" doc:"a resource of the directory; or give resource_name"`
	ResourceName string `json:"resource_name,omitempty" doc:"a resource not in the directory"`
	Reason       string `json:"reason,omitempty"`
	MadeOn       string `json:"made_on,omitempty" doc:"YYYY-MM-DD; today when absent"`
	FollowUpOn   string `json:"follow_up_on,omitempty" doc:"YYYY-MM-DD; 7 days after made_on when absent"`
}

func referralFields(err error) error {
	if e, ok := asInvalid(err); ok {
		if msg, ok := e.Fields["resource"]; ok {
			fields := map[string]string{"resource_id": msg}
			for k, v := range e.Fields {
				if k != "resource" {
					fields[k] = v
				}
			}
			return core.Invalid(fields)
		}
	}
	return err
}

func (s *Server) apiCreateReferral(w http.ResponseWriter, r *http.Request) error {
	var in newReferralJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	pid, err := parseID("person_id", in.PersonID)
	if err != nil {
		return err
	}
	var rid int64
	if in.ResourceID != "" {
		if rid, err = parseID("resource_id", in.ResourceID); err != nil {
			return err
		}
	}
	ref, err := s.store.CreateReferral(r.Context(), s.actor(r), store.ReferralInput{PersonID: pid, ResourceID: rid, ResourceName: in.ResourceName,
		Reason: in.Reason, MadeOn: in.MadeOn, FollowUpOn: in.FollowUpOn})
	if err != nil {
		return referralFields(err)
	}
	writeJSON(w, http.StatusCreated, toReferralJSON(ref, s.store.Today()))
	return nil
}

type patchReferralJSON struct {
	Status      *string `json:"status,omitempty" enum:"made,contacted,connected,not_connected" doc:"forward only; not_connected needs outcome_note"`
	FollowUpOn  *string `json:"follow_up_on,omitempty" doc:"YYYY-MM-DD"`
	OutcomeNote *string `json:"outcome_note,omitempty"`
}

func (s *Server) apiPatchReferral(w http.ResponseWriter, r *http.Request) error {
	rid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in patchReferralJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ref, err := s.store.UpdateReferral(r.Context(), s.actor(r), rid, store.ReferralUpdate{Status: in.Status, FollowUpOn: in.FollowUpOn, OutcomeNote: in.OutcomeNote})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toReferralJSON(ref, s.store.Today()))
	return nil
}

type resourceJSON struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Kind        string `json:"kind" enum:"rlc,rsc,crisis,housing,benefits,legal,health,peer_group,food,other"`
	Address     string `json:"address"`
	Phone       string `json:"phone"`
	Hours       string `json:"hours"`
	Languages   string `json:"languages"`
	Eligibility string `json:"eligibility"`
	Website     string `json:"website"`
	VerifiedOn  string `json:"verified_on" doc:"YYYY-MM-DD: when someone last checked the details"`
}

type newResourceJSON struct {
	Name        string `json:"name"`
	Kind        string `json:"kind" enum:"rlc,rsc,crisis,housing,benefits,legal,health,peer_group,food,other"`
	Address     string `json:"address,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Hours       string `json:"hours,omitempty"`
	Languages   string `json:"languages,omitempty"`
	Eligibility string `json:"eligibility,omitempty"`
	Website     string `json:"website,omitempty" doc:"https://…"`
	VerifiedOn  string `json:"verified_on,omitempty" doc:"YYYY-MM-DD"`
}

func toResourceJSON(x store.Resource) resourceJSON {
	return resourceJSON{ID: id(x.ID), Name: x.Name, Kind: x.Kind, Address: x.Address, Phone: x.Phone, Hours: x.Hours,
		Languages: x.Languages, Eligibility: x.Eligibility, Website: x.Website, VerifiedOn: x.VerifiedOn}
}

var resourcesQuery = []queryParam{
	{Name: "q", Description: "Part of the name, languages or address."},
	{Name: "kind", Description: "Only resources of this kind.", Enum: store.ResourceKinds},
}

func (s *Server) apiResources(w http.ResponseWriter, r *http.Request) error {
	page, err := listPage(r)
	if err != nil {
		return err
	}
	l, err := s.store.ListResources(r.Context(), s.actor(r), store.ResourceFilter{Query: r.URL.Query().Get("q"), Kind: r.URL.Query().Get("kind")}, page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(l, toResourceJSON))
	return nil
}

func (s *Server) apiCreateResource(w http.ResponseWriter, r *http.Request) error {
	var in newResourceJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	x, err := s.store.CreateResource(r.Context(), s.actor(r), store.ResourceInput{Name: in.Name, Kind: in.Kind, Address: in.Address, Phone: in.Phone,
		Hours: in.Hours, Languages: in.Languages, Eligibility: in.Eligibility, Website: in.Website, VerifiedOn: in.VerifiedOn})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toResourceJSON(x))
	return nil
}

type caseloadJSON struct {
	ID                string               `json:"id" doc:"the person's id"`
	PreferredName     string               `json:"preferred_name"`
	Pronouns          string               `json:"pronouns"`
	Status            string               `json:"status" enum:"active,on_hold,closed"`
	AssignedWorkerIDs []string             `json:"assigned_worker_ids"`
	LastContactAt     *time.Time           `json:"last_contact_at"`
	NextCheckInDue    string               `json:"next_check_in_due" doc:"YYYY-MM-DD"`
	CheckInOverdue    bool                 `json:"check_in_overdue"`
	OpenFollowUps     []followUpJSON       `json:"open_follow_ups" doc:"open referrals, the earliest follow-up first"`
	SafetyPlan        safetyPlanStatusJSON `json:"safety_plan"` // plans (issue 7): plans_api.go
}

type followUpJSON struct {
	ReferralID   string `json:"referral_id"`
	ResourceName string `json:"resource_name"`
	FollowUpOn   string `json:"follow_up_on"`
	Status       string `json:"status" enum:"made,contacted"`
	Due          bool   `json:"due"`
}

func (s *Server) apiCaseload(w http.ResponseWriter, r *http.Request) error {
	page, err := listPage(r)
	if err != nil {
		return err
	}
	f := store.PeopleFilter{Query: r.URL.Query().Get("q"), Status: r.URL.Query().Get("status")}
	l, err := s.store.ListPeople(r.Context(), s.actor(r), f, page)
	if err != nil {
		return err
	}
	today := s.store.Today()
	writeJSON(w, http.StatusOK, toList(l, func(row store.CaseloadRow) caseloadJSON {
		out := caseloadJSON{ID: id(row.ID), PreferredName: row.PreferredName, Pronouns: row.Pronouns, Status: row.Status,
			AssignedWorkerIDs: workerIDs(row.Workers), LastContactAt: rfc3339(row.LastContactAt), NextCheckInDue: row.CheckInDueOn,
			CheckInOverdue: row.Overdue(today), OpenFollowUps: []followUpJSON{}, SafetyPlan: toSafetyPlanStatus(row.SafetyPlan)}
		for _, ref := range row.FollowUps {
			out.OpenFollowUps = append(out.OpenFollowUps, followUpJSON{ReferralID: id(ref.ID), ResourceName: ref.ResourceName, FollowUpOn: ref.FollowUpOn,
				Status: ref.Status, Due: ref.FollowUpDue(today)})
		}
		return out
	}))
	return nil
}
