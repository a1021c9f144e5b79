package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"peerpath/internal/core"
	"peerpath/internal/i18n"
	"peerpath/internal/recovery"
	"peerpath/internal/store"
)

// The pages of the people supported: the list ("People you support"), a
// person's record, adding and changing a person, and the team view.

type peopleView struct {
	Form        *form // the search and filter
	Rows        []store.CaseloadRow
	FollowUps   []store.Referral
	Today       string
	NextURL     string
	ShowWorkers bool   // the list holds other workers' people: show who supports each
	Return      string // where "Record a contact" comes back to
	Statuses    []option
	Searching   bool
	PlanDue     bool // only safety plans to write or review (issue 7)
	// Team view only.
	Team     []store.TeamMember
	Workers  []option
	WorkerID int64
	Worker   string
	Departed *departedView // workers who have left, to hand over (issue 16)
}

// peopleFilter reads the list's filters from the query string.
func peopleFilter(q url.Values) store.PeopleFilter {
	f := store.PeopleFilter{Query: strings.TrimSpace(q.Get("q")), Status: q.Get("status")}
	if f.Status != store.ShowAll && !contains(store.PersonStatuses, f.Status) {
		f.Status = store.StatusActive
	}
	f.WorkerID, _ = strconv.ParseInt(q.Get("worker"), 10, 64)
	f.PlanDue = q.Get("plans") == "due" // plans (issue 7)
	return f
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// nextPageURL is the current page's address with the next cursor.
func nextPageURL(r *http.Request, next string) string {
	if next == "" {
		return ""
	}
	q := r.URL.Query()
	q.Set("cursor", next)
	return r.URL.Path + "?" + q.Encode()
}

func statusOptions(l *i18n.Localizer) []option {
	return append(options(l, "status", store.PersonStatuses), option{Value: store.ShowAll, Label: l.T("messages.people.filter_everyone")})
}

func (s *Server) peopleList(w http.ResponseWriter, r *http.Request) error {
	a := s.actor(r)
	q := r.URL.Query()
	filter := peopleFilter(q)
	f := newForm(url.Values{"q": {filter.Query}, "status": {filter.Status}, "plans": {q.Get("plans")}})
	if filter.Status == "" {
		f.Values.Set("status", store.StatusActive)
	}
	l, err := s.store.ListPeople(r.Context(), a, filter, store.Page{Cursor: q.Get("cursor")})
	if err != nil {
		return err
	}
	v := peopleView{Form: f, Rows: l.Items, Today: s.store.Today(), NextURL: nextPageURL(r, l.Next), Return: r.URL.RequestURI(),
		ShowWorkers: a.CanAssign(), Statuses: statusOptions(localizer(r)), Searching: filter.Query != "", PlanDue: filter.PlanDue}
	if q.Get("cursor") == "" && filter.Query == "" && !filter.PlanDue {
		if v.FollowUps, err = s.store.FollowUpsDue(r.Context(), a, 0, 20); err != nil {
			return err
		}
	}
	return s.render(w, r, "people.html", v)
}

func (s *Server) team(w http.ResponseWriter, r *http.Request) error {
	return s.teamPage(w, r, nil, http.StatusOK)
}

// teamPage renders the team view; handForm, when set, is a hand-over form
// coming back with its errors (departed.go).
func (s *Server) teamPage(w http.ResponseWriter, r *http.Request, handForm *form, status int) error {
	a := s.actor(r)
	q := r.URL.Query()
	filter := peopleFilter(q)
	team, err := s.store.Team(r.Context(), a)
	if err != nil {
		return err
	}
	v := peopleView{Form: newForm(url.Values{"q": {filter.Query}, "status": {store.StatusActive}, "worker": {q.Get("worker")}}),
		Today: s.store.Today(), Return: r.URL.RequestURI(), ShowWorkers: true, Statuses: statusOptions(localizer(r)), Team: team, WorkerID: filter.WorkerID, PlanDue: filter.PlanDue}
	for _, m := range team {
		v.Workers = append(v.Workers, option{Value: id(m.Worker.ID), Label: m.Worker.Name})
		if m.Worker.ID == filter.WorkerID {
			v.Worker = m.Worker.Name
		}
	}
	if filter.WorkerID != 0 && v.Worker == "" {
		return core.NotFound("This worker")
	}
	filter.Status = store.StatusActive
	l, err := s.store.ListPeople(r.Context(), a, filter, store.Page{Cursor: q.Get("cursor")})
	if err != nil {
		return err
	}
	v.Rows, v.NextURL = l.Items, nextPageURL(r, l.Next)
	if v.Departed, err = s.departed(r, team, handForm); err != nil {
		return err
	}
	return s.renderStatus(w, r, status, "team.html", v)
}

type personView struct {
	R          store.PersonRecord
	Today      string
	Me         int64
	CanAssign  bool
	Cycle      store.Cycle // the open cycle
	HasCycle   bool
	Consent    store.Consent // the consent that stands
	HasConsent bool
	Form       *form // starting a goal cycle; withdrawing consent
	// Groups (issue 7): the groups the person belongs to, with their own
	// attendance, never the other members.
	Groups []store.PersonGroup
	// A person's recovery picture (issue 13).
	Recovery       store.RecoveryPicture
	RecoveryChart  recovery.Chart
	RecoveryStages []areaStage
	// The person's portal (issue 18): their account, and the corrections
	// they asked for.
	Portal      store.PortalAccount
	Corrections []store.CorrectionRequest
	// Follow-up schedules (issue 17): the person's assessment points, past
	// ones and those opening in the next 90 days.
	FollowUps []store.FollowUp
}

func (s *Server) personPage(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	err = s.renderPersonPage(w, r, http.StatusOK, pid, nil)
	if core.KindOf(err) == core.KindNotFound {
		return s.mergedPersonRedirect(w, r, pid, err) // a record merged into another
	}
	return err
}

// renderPersonPage shows a person's record; f holds the small forms on the
// page (starting a goal cycle, withdrawing consent) when one failed.
func (s *Server) renderPersonPage(w http.ResponseWriter, r *http.Request, status int, pid int64, f *form) error {
	a := s.actor(r)
	rec, err := s.store.PersonRecord(r.Context(), a, pid)
	if err != nil {
		return err
	}
	if f == nil {
		f = newForm(url.Values{"starts_on": {s.store.Today()}, "withdrawn_on": {s.store.Today()}})
	}
	v := personView{R: rec, Today: s.store.Today(), Me: a.UserID, CanAssign: a.CanAssign(), Form: f}
	v.Cycle, v.HasCycle = rec.OpenCycle()
	v.Consent, v.HasConsent = rec.CurrentConsent()
	// Groups (issue 7).
	if v.Groups, err = s.store.PersonGroups(r.Context(), a, pid); err != nil {
		return err
	}
	// A person's recovery picture (issue 13).
	if v.Recovery, err = s.store.RecoveryPicture(r.Context(), a, pid); err != nil {
		return err
	}
	v.RecoveryChart, v.RecoveryStages = capitalChart(v.Recovery.Capital), areaStages(localizer(r), v.Recovery.Stages)
	if v.Portal, err = s.store.PortalAccountOf(r.Context(), a, pid); err != nil {
		return err
	}
	if v.Corrections, err = s.store.Corrections(r.Context(), a, pid); err != nil {
		return err
	}
	if v.FollowUps, err = s.personFollowUps(r, pid); err != nil { // follow_ups.go
		return err
	}
	return s.renderStatus(w, r, status, "person.html", v)
}

type personFormView struct {
	Form       *form
	New        bool
	Person     store.Person
	CanAssign  bool
	Workers    []option
	Programmes []string // in use in the organisation, as suggestions
	Channels   []option
	Statuses   []option
	ShowMore   bool // open "More details" (legal name, date of birth)
}

func (s *Server) personFormView(r *http.Request, f *form, p store.Person, isNew bool) (personFormView, error) {
	a := s.actor(r)
	v := personFormView{Form: f, New: isNew, Person: p, CanAssign: a.CanAssign(), Channels: options(localizer(r), "channel", store.Channels),
		Statuses: options(localizer(r), "status", store.PersonStatuses)}
	v.ShowMore = f.Get("legal_name") != "" || f.Get("date_of_birth") != "" || f.Err("legal_name") != "" || f.Err("date_of_birth") != ""
	var err error
	if v.CanAssign {
		ws, err := s.store.AssignableWorkers(r.Context(), a.OrgID)
		if err != nil {
			return v, err
		}
		v.Workers = workerOptions(ws)
	}
	v.Programmes, err = s.store.ServiceProgrammes(r.Context(), a.OrgID)
	return v, err
}

func (s *Server) newPersonPage(w http.ResponseWriter, r *http.Request) error {
	a := s.actor(r)
	f, ok := s.draftForm(r)
	if !ok {
		f = newForm(url.Values{"check_in_every_days": {strconv.Itoa(store.DefaultCheckInDays)}})
		if a.HasOwnPeople() {
			f.Values.Set("assigned_worker_ids", id(a.UserID))
		}
	}
	v, err := s.personFormView(r, f, store.Person{}, true)
	if err != nil {
		return err
	}
	return s.render(w, r, "person_form.html", v)
}

func personInput(f *form) store.PersonInput {
	return store.PersonInput{
		PreferredName: f.Get("preferred_name"), LegalName: f.Get("legal_name"), Pronouns: f.Get("pronouns"),
		BornOn: f.Get("date_of_birth"), PreferredLanguage: f.Get("preferred_language"), Phone: f.Get("phone"),
		Email: f.Get("email"), MailingAddress: f.Get("mailing_address"), OkayToContact: f.Values["okay_to_contact"],
		Programmes: splitComma(f.Get("programmes")), CheckInEveryDays: formInt(f, "check_in_every_days", store.DefaultCheckInDays),
		WorkerIDs: formIDs(f, "assigned_worker_ids"), SupportedSince: f.Get("supported_since"),
	}
}

func (s *Server) newPerson(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	in := personInput(f)
	var p store.Person
	if len(f.Errors) == 0 {
		p, err = s.store.CreatePerson(r.Context(), s.actor(r), in)
	}
	// Someone alike already recorded never changes the answer: the store
	// flags it for a supervisor or an administrator (duplicates.go).
	if len(f.Errors) > 0 || f.Fail(err) {
		v, verr := s.personFormView(r, f, store.Person{}, true)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "person_form.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/people/"+id(p.ID), localizer(r).T("messages.people.person_added"))
}

func (s *Server) editPersonPage(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.store.Person(r.Context(), s.actor(r), pid)
	if err != nil {
		return err
	}
	f := newForm(url.Values{
		"preferred_name": {p.PreferredName}, "legal_name": {p.LegalName}, "pronouns": {p.Pronouns}, "date_of_birth": {p.BornOn},
		"preferred_language": {p.PreferredLanguage}, "phone": {p.Phone}, "email": {p.Email}, "mailing_address": {p.MailingAddress},
		"okay_to_contact": p.OkayToContact, "programmes": {strings.Join(p.Programmes, ", ")},
		"check_in_every_days": {strconv.Itoa(p.CheckInEveryDays)}, "status": {p.Status}, "closed_reason": {p.ClosedReason},
	})
	for _, w := range p.Workers {
		f.Values.Add("assigned_worker_ids", id(w.ID))
	}
	if d, ok := s.draftForm(r); ok {
		f = d
	}
	v, err := s.personFormView(r, f, p, false)
	if err != nil {
		return err
	}
	return s.render(w, r, "person_form.html", v)
}

func (s *Server) editPerson(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := s.actor(r)
	if err := s.store.CheckPersonVisible(r.Context(), a, pid); err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	in := personInput(f)
	st, reason := f.Get("status"), f.Get("closed_reason")
	patch := store.PersonPatch{
		PreferredName: &in.PreferredName, LegalName: &in.LegalName, Pronouns: &in.Pronouns, BornOn: &in.BornOn,
		PreferredLanguage: &in.PreferredLanguage, Phone: &in.Phone, Email: &in.Email, MailingAddress: &in.MailingAddress,
		OkayToContact: &in.OkayToContact, Programmes: &in.Programmes, CheckInEveryDays: &in.CheckInEveryDays,
		Status: &st, ClosedReason: &reason,
	}
	if a.CanAssign() {
		patch.WorkerIDs = &in.WorkerIDs
	}
	var p store.Person
	if len(f.Errors) == 0 {
		p, err = s.store.UpdatePerson(r.Context(), a, pid, patch)
	}
	if len(f.Errors) > 0 || f.Fail(err) {
		cur, perr := s.store.Person(r.Context(), a, pid)
		if perr != nil {
			return perr
		}
		v, verr := s.personFormView(r, f, cur, false)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "person_form.html", v)
	}
	if err != nil {
		return err
	}
	if !p.AssignedTo(a.UserID) && s.store.CheckPersonVisible(r.Context(), a, pid) != nil {
		// A supervisor handed the person to someone outside their team.
		return redirect(w, r, "/people", localizer(r).T("messages.people.changes_saved_person"))
	}
	return redirect(w, r, "/people/"+id(pid), localizer(r).T("messages.people.changes_saved"))
}
