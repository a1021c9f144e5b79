package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"peerpath/internal/core"
	"peerpath/internal/framework"
	"peerpath/internal/i18n"
	"peerpath/internal/printout"
	"peerpath/internal/store"
	"peerpath/internal/workforce"
)

// Workforce development records (issue 5): a worker's own record at
// /development, and the same pages for a supervisor's supervisees and for
// administrators at /workers/{id}, where the id is the user id (as in the
// API's /api/v1/workers/{id}). Whether someone may see a record is decided
// by the store; everyone it refuses gets "not found".

// fmtYMD shows a stored YYYY-MM-DD date in the interface's style.
func fmtYMD(s string) string {
	t, ok := workforce.ParseDate(s)
	if !ok {
		return s
	}
	return t.Format("2 Jan 2006")
}

// workerBase is where a worker's pages live.
func workerBase(id int64) string { return "/workers/" + strconv.FormatInt(id, 10) }

// chartLabels names chart items and stages for templates.
type chartLabels struct {
	chart *framework.Chart
	l     *i18n.Localizer // the reader's language; nil is English
}

// Label is an item's label, or a note that the active chart lacks it.
func (c chartLabels) Label(key string) string {
	if c.chart != nil {
		if it, ok := c.chart.Item(key); ok {
			return it.Label
		}
	}
	// Never the key itself: people read these pages (issue 16).
	l := c.l
	if l == nil {
		l = i18n.In("en")
	}
	return l.T("messages.development.item_not_in_chart")
}

// StageName is a stage's name in the chart.
func (c chartLabels) StageName(st framework.Stage) string {
	if c.chart != nil {
		if s, ok := c.chart.StageByKey(st); ok {
			return s.Name
		}
	}
	return string(st)
}

// workerHead is what every page about a worker shows at its top.
type workerHead struct {
	chartLabels
	Worker   store.Worker
	Base     string // /workers/{id}
	Home     string // the record's overview: /development for oneself
	Self     bool
	CanVouch bool
	Section  string // which tab of the record is open
	l        *i18n.Localizer
}

func (s *Server) head(r *http.Request, w store.Worker, section string) (workerHead, error) {
	cv, err := s.store.ActiveChart(r.Context(), principal(r).Org.ID)
	if err != nil {
		return workerHead{}, err
	}
	h := workerHead{chartLabels: chartLabels{cv.Chart, localizer(r)}, Worker: w, Base: workerBase(w.ID), Self: w.Relation.Self(), CanVouch: w.Relation.CanVouch(), Section: section, l: localizer(r)}
	h.Home = h.Base
	if h.Self {
		h.Home = "/development"
	}
	return h, nil
}

// Viewer says whose record this is and how the reader stands to it.
func (h workerHead) Viewer() string {
	switch h.Worker.Relation {
	case store.RelSelf:
		return h.lang().T("messages.development.viewer_self")
	case store.RelSupervisor:
		return h.lang().T("messages.development.viewer_supervisor", "Name", h.Worker.Name)
	}
	return h.lang().T("messages.development.viewer_admin", "Name", h.Worker.Name)
}

// lang is the reader's language (English for a head built without one).
func (h workerHead) lang() *i18n.Localizer {
	if h.l == nil {
		return i18n.In("en")
	}
	return h.l
}

// AsSupervisor reports whether the reader is the worker's supervisor.
func (h workerHead) AsSupervisor() bool { return h.Worker.Relation == store.RelSupervisor }

// TrackLabel names the worker's track in plain words.
func (h workerHead) TrackLabel() string { return trackLabel(h.lang(), h.Worker.Track) }

func trackLabel(l *i18n.Localizer, t framework.Track) string {
	if t == "" {
		return l.T("messages.development.track_not_chosen")
	}
	return label(l, "track", string(t))
}

// Tabs are the sections of a worker's record, for its sub-navigation.
func (h workerHead) Tabs() []navItem {
	tabs := []struct{ key, href string }{
		{"overview", h.Home},
		{"readiness", h.Base + "/readiness"},
		{"plan", h.Base + "/plan"},
		{"trainings", h.Base + "/trainings"},
		{"supervision", h.Base + "/supervision"},
		{"consultations", h.Base + "/consultations"},
	}
	out := make([]navItem, len(tabs))
	for i, t := range tabs {
		out[i] = navItem{Label: h.lang().T("nav.development." + t.key), Href: t.href, Current: t.key == h.Section}
	}
	return out
}

// pathWorker reads the worker id of a /workers/{id} path.
func pathWorker(r *http.Request) (int64, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, core.NotFound("The development record")
	}
	return id, nil
}

// itemGroup is the chart items of one stage, for a grouped select.
type itemGroup struct {
	Stage string
	Items []framework.Item
}

// itemGroups lists the chart's items of the given kinds that apply on a
// worker's track, grouped by the stage they first appear at.
func itemGroups(c *framework.Chart, track framework.Track, kinds ...framework.Kind) []itemGroup {
	var out []itemGroup
	for _, st := range c.Stages() {
		g := itemGroup{Stage: st.Name}
		for _, it := range c.Items() {
			if it.Stage != st.Key || !kindIn(it.Kind, kinds) || !onTrack(it.Track, track) {
				continue
			}
			g.Items = append(g.Items, it)
		}
		if len(g.Items) > 0 {
			out = append(out, g)
		}
	}
	return out
}

func kindIn(k framework.Kind, ks []framework.Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// onTrack reports whether an item of track item applies to a worker on
// track worker (the framework's rule: "both" workers get every item).
func onTrack(item, worker framework.Track) bool {
	return worker == framework.TrackBoth || item == framework.TrackBoth || item == worker
}

// ---- The overview ----

type developmentView struct {
	workerHead
	Dev      store.Development
	Missing  []framework.RequirementStatus
	Recent   []store.Training
	More     bool
	Requests []store.SignoffRequest
}

func (s *Server) myDevelopment(w http.ResponseWriter, r *http.Request) error {
	return s.developmentPage(w, r, principal(r).User.ID)
}

func (s *Server) workerPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathWorker(r)
	if err != nil {
		return err
	}
	if id == principal(r).User.ID {
		http.Redirect(w, r, "/development", http.StatusSeeOther)
		return nil
	}
	return s.developmentPage(w, r, id)
}

func (s *Server) developmentPage(w http.ResponseWriter, r *http.Request, id int64) error {
	d, err := s.store.DevelopmentRecord(r.Context(), s.actor(r), id)
	if err != nil {
		return err
	}
	h, err := s.head(r, d.Worker, "overview")
	if err != nil {
		return err
	}
	v := developmentView{workerHead: h, Dev: d, Missing: d.Readiness.TargetMissing, Requests: d.Requests}
	v.Recent = d.Trainings
	if len(v.Recent) > 8 {
		v.Recent, v.More = v.Recent[:8], true
	}
	return s.render(w, r, "development.html", v)
}

// ---- Readiness ----

type readinessView struct {
	workerHead
	Readiness store.Readiness
	Columns   []stageColumn
	// TrackForm and Tracks ask for the track while none is chosen.
	TrackForm *form
	Tracks    []trackChoice
}

// stageColumn is one stage of the readiness profile. The stage's own
// requirements are shown in full, by kind, with their evidence; those
// carried in from earlier stages are listed briefly with their status (their
// evidence shows at their own stage), so six columns do not repeat the same
// items six times. Trainings are offers, so they are folded away.
type stageColumn struct {
	framework.StageReadiness
	Confirmed      bool
	Target         bool
	Competencies   []framework.RequirementStatus
	Prerequisites  []framework.RequirementStatus
	Trainings      []framework.RequirementStatus
	TrainingsDone  int
	Carried        []framework.RequirementStatus // competencies and prerequisites from earlier stages
	CarriedMissing int
}

func (s *Server) readinessPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathWorker(r)
	if err != nil {
		return err
	}
	v, err := s.readinessView(r, id, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, "development_readiness.html", v)
}

// chooseTrack records the track of a worker who has none yet, from the
// readiness page: the worker at first sign-in, or their supervisor or an
// administrator.
func (s *Server) chooseTrack(w http.ResponseWriter, r *http.Request) error {
	id, err := pathWorker(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	track := f.Get("track")
	if track == "" {
		err = core.Invalid(map[string]string{"track": "Choose a track: mental health, addiction, or both."})
	} else {
		_, err = s.store.UpdateWorker(r.Context(), s.actor(r), id, store.WorkerUpdate{Track: &track})
	}
	if f.Fail(err) {
		v, verr := s.readinessView(r, id, f)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "development_readiness.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, workerBase(id)+"/readiness", localizer(r).T("messages.development.track_saved_readiness"))
}

func (s *Server) readinessView(r *http.Request, id int64, f *form) (readinessView, error) {
	wk, rd, err := s.store.WorkerReadiness(r.Context(), s.actor(r), id)
	if err != nil {
		return readinessView{}, err
	}
	h, err := s.head(r, wk, "readiness")
	if err != nil {
		return readinessView{}, err
	}
	if f == nil {
		f = newForm(nil)
	}
	v := readinessView{workerHead: h, Readiness: rd, TrackForm: f, Tracks: trackChoices(localizer(r), framework.Track(f.Get("track")))}
	for _, st := range rd.Profile.Stages {
		col := stageColumn{StageReadiness: st, Confirmed: st.Stage == wk.ConfirmedStage, Target: st.Stage == rd.Target}
		for _, req := range st.Requirements {
			switch {
			case req.Carried && req.Kind != framework.KindTraining:
				col.Carried = append(col.Carried, req)
				if req.Blocking && req.Status.Missing() {
					col.CarriedMissing++
				}
				continue
			case req.Carried:
				continue // carried trainings are offered at their own stage
			}
			switch req.Kind {
			case framework.KindCompetency:
				col.Competencies = append(col.Competencies, req)
			case framework.KindPrerequisite:
				col.Prerequisites = append(col.Prerequisites, req)
			case framework.KindTraining:
				col.Trainings = append(col.Trainings, req)
				if req.Status == framework.StatusMet {
					col.TrainingsDone++
				}
			}
		}
		v.Columns = append(v.Columns, col)
	}
	return v, nil
}

// ---- The development plan ----

type planView struct {
	workerHead
	Readiness store.Readiness
	Sections  []planSection
	Notes     []store.PlanNote
	Form      *form
	Me        int64
	IsAdmin   bool
}

type planSection struct {
	Heading string
	Intro   string
	Items   []framework.RequirementStatus
}

// planSections are what is missing for the target stage, by kind: the
// competencies to show and prerequisites to meet (both block), and the
// trainings first offered at that stage not yet taken.
func planSections(l *i18n.Localizer, rd store.Readiness) []planSection {
	var comps, prereqs, trains []framework.RequirementStatus
	sr, _ := rd.Stage(rd.Target)
	for _, req := range sr.Requirements {
		if !req.Status.Missing() {
			continue
		}
		switch {
		case req.Kind == framework.KindCompetency:
			comps = append(comps, req)
		case req.Kind == framework.KindPrerequisite && req.Blocking:
			prereqs = append(prereqs, req)
		case req.Kind == framework.KindTraining && !req.Carried:
			trains = append(trains, req)
		}
	}
	return []planSection{
		{l.T("messages.development.plan.competencies"), l.T("messages.development.plan.competencies_intro"), comps},
		{l.T("messages.development.plan.prerequisites"), l.T("messages.development.plan.prerequisites_intro"), prereqs},
		{l.T("messages.development.plan.trainings"), l.T("messages.development.plan.trainings_intro"), trains},
	}
}

func (s *Server) planView(r *http.Request, f *form) (planView, error) {
	id, err := pathWorker(r)
	if err != nil {
		return planView{}, err
	}
	d, err := s.store.DevelopmentRecord(r.Context(), s.actor(r), id)
	if err != nil {
		return planView{}, err
	}
	h, err := s.head(r, d.Worker, "plan")
	if err != nil {
		return planView{}, err
	}
	p := principal(r)
	return planView{workerHead: h, Readiness: d.Readiness, Sections: planSections(localizer(r), d.Readiness), Notes: d.Notes, Form: f,
		Me: p.User.ID, IsAdmin: s.actor(r).SeesEveryWorker()}, nil
}

func (s *Server) planPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.planView(r, newForm(nil))
	if err != nil {
		return err
	}
	return s.render(w, r, "development_plan.html", v)
}

func (s *Server) addPlanNote(w http.ResponseWriter, r *http.Request) error {
	id, err := pathWorker(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	_, err = s.store.AddPlanNote(r.Context(), s.actor(r), id, f.Get("body"))
	if f.Fail(err) {
		v, verr := s.planView(r, f)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "development_plan.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, workerBase(id)+"/plan#notes", localizer(r).T("messages.development.note_added_plan"))
}

func (s *Server) planPDF(w http.ResponseWriter, r *http.Request) error {
	v, err := s.planView(r, nil)
	if err != nil {
		return err
	}
	l := localizer(r)
	p := printout.Plan{Title: l.T("messages.development.plan.title"), PersonName: v.Worker.Name, Demo: principal(r).Org.IsDemo}
	rd := v.Readiness
	sub := []string{trackLabel(l, rd.Track)}
	if v.Worker.ConfirmedStage != "" {
		sub = append(sub, l.T("messages.development.plan.confirmed_at", "Stage", v.StageName(v.Worker.ConfirmedStage), "Day", fmtYMD(v.Worker.ConfirmedOn)))
	}
	if rd.Target != "" {
		sub = append(sub, l.T("messages.development.plan.working_towards", "Stage", rd.TargetName))
	}
	sub = append(sub, l.T("messages.development.plan.printed", "Day", fmtDate(s.clock.Now())))
	p.Subtitle = strings.Join(sub, " · ")
	if rd.Target == "" {
		p.Sections = append(p.Sections, printout.Section{Heading: l.T("messages.development.plan.where_things_stand"), Items: []string{l.T("messages.development.plan.all_ready")}})
	}
	for _, sec := range v.Sections {
		if rd.Target == "" {
			break
		}
		ps := printout.Section{Heading: sec.Heading}
		for _, req := range sec.Items {
			item := req.Label
			if req.Grandfather {
				item += " " + l.T("messages.development.plan.grandfather")
			}
			ps.Items = append(ps.Items, item)
		}
		if len(ps.Items) == 0 {
			ps.Items = []string{l.T("messages.development.plan.nothing_missing")}
		}
		p.Sections = append(p.Sections, ps)
	}
	goals := printout.Section{Heading: l.T("messages.development.plan.goals_and_notes")}
	for _, n := range v.Notes {
		goals.Items = append(goals.Items, n.Body+"\n— "+n.AuthorName+", "+fmtDate(n.CreatedAt))
	}
	if len(goals.Items) == 0 {
		goals.Items = []string{l.T("messages.development.plan.no_goals")}
	}
	p.Sections = append(p.Sections, goals)
	p.Footer = l.T("messages.development.plan.footer", "Chart", v.chart.Title(), "Version", v.chart.Version())
	pdf, err := printout.PlanPDF(p)
	if err != nil {
		return err
	}
	return writePDF(w, "development-plan", pdf)
}

// ---- The profile and the stage ----

type profileView struct {
	workerHead
	Form            *form
	StageForm       *form
	Tracks          []trackChoice
	Stages          []framework.StageInfo
	Specialisations []struct{ Key, Label string }
}

func (s *Server) profileView(r *http.Request, id int64, f, sf *form) (profileView, error) {
	wk, err := s.store.Worker(r.Context(), s.actor(r), id)
	if err != nil {
		return profileView{}, err
	}
	h, err := s.head(r, wk, "overview")
	if err != nil {
		return profileView{}, err
	}
	if f == nil {
		f = newForm(url.Values{"track": {string(wk.Track)}, "languages": {strings.Join(wk.Languages, ", ")}})
		var other []string
		for _, sp := range wk.Specialisations {
			if store.SpecialisationLabel(sp) != sp {
				f.Values.Add("specialisations", sp)
			} else {
				other = append(other, sp)
			}
		}
		f.Values.Set("other_specialisations", strings.Join(other, ", "))
	}
	if sf == nil {
		sf = newForm(url.Values{"confirmed_stage": {string(wk.ConfirmedStage)}, "confirmed_on": {s.store.Today()}})
	}
	return profileView{workerHead: h, Form: f, StageForm: sf, Tracks: trackChoices(localizer(r), framework.Track(f.Get("track"))), Stages: h.chart.Stages(), Specialisations: specialisations(localizer(r))}, nil
}

func (s *Server) profilePage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathWorker(r)
	if err != nil {
		return err
	}
	v, err := s.profileView(r, id, nil, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, "development_profile.html", v)
}

func (s *Server) profileUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathWorker(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	track := f.Get("track")
	langs := []string{f.Get("languages")}
	specs := append(append([]string{}, f.Values["specialisations"]...), f.Get("other_specialisations"))
	_, err = s.store.UpdateWorker(r.Context(), s.actor(r), id, store.WorkerUpdate{Track: &track, Languages: &langs, Specialisations: &specs})
	if f.Fail(err) {
		v, verr := s.profileView(r, id, f, nil)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "development_profile.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, homeOf(r, id), localizer(r).T("messages.development.profile_saved"))
}

func (s *Server) confirmStage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathWorker(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	_, err = s.store.ConfirmStage(r.Context(), s.actor(r), id, f.Get("confirmed_stage"), f.Get("confirmed_on"))
	if f.Fail(err) {
		v, verr := s.profileView(r, id, nil, f)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "development_profile.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, homeOf(r, id), localizer(r).T("messages.development.stage_recorded"))
}

// homeOf is a worker's overview page: /development for oneself.
func homeOf(r *http.Request, id int64) string {
	if p := principal(r); p != nil && p.User.ID == id {
		return "/development"
	}
	return workerBase(id)
}

// ---- Forms that add a record ----

// recordForm is a page with one form adding something to a worker's record.
type recordForm struct {
	workerHead
	Form   *form
	Groups []itemGroup
	// Extra carries what a particular form needs (supervisors, kinds, modes).
	Supervisors []store.User
	Kinds       []workforce.CredentialKind
	Modes       []option
}

// formPage describes one of the add-a-record forms.
type formPage struct {
	template string
	section  string
	kinds    []framework.Kind // chart items offered, on the worker's track
	defaults func(s *Server, r *http.Request, wk store.Worker) url.Values
	extra    func(s *Server, r *http.Request, v *recordForm) error
	// save adds the record and returns where to go and what to say.
	save func(s *Server, r *http.Request, wk int64, f *form) (string, string, error)
	// vouch says only a supervisor or administrator may open the form.
	vouch bool
	// self says only the worker may (asking for a sign-off).
	self bool
	// multipart forms carry a file.
	multipart bool
}

func (s *Server) recordFormView(r *http.Request, fp formPage, id int64, f *form) (recordForm, error) {
	wk, err := s.store.Worker(r.Context(), s.actor(r), id)
	if err != nil {
		return recordForm{}, err
	}
	if fp.vouch && !wk.Relation.CanVouch() {
		if wk.Relation.Self() {
			return recordForm{}, core.Forbidden("You cannot vouch for your own development: your supervisor or an administrator does this.")
		}
		return recordForm{}, core.Forbidden("Only this worker's supervisor or an administrator can do this.")
	}
	if fp.self && !wk.Relation.Self() {
		return recordForm{}, core.Forbidden("Workers ask for their own sign-offs. As their supervisor or an administrator, you can sign the competency off directly.")
	}
	h, err := s.head(r, wk, fp.section)
	if err != nil {
		return recordForm{}, err
	}
	if f == nil {
		var vals url.Values
		if fp.defaults != nil {
			vals = fp.defaults(s, r, wk)
		}
		f = newForm(vals)
		if d, ok := s.draftForm(r); ok {
			f = d // with the files to choose again
		}
	}
	v := recordForm{workerHead: h, Form: f}
	if len(fp.kinds) > 0 {
		v.Groups = itemGroups(h.chart, wk.Track, fp.kinds...)
	}
	if fp.extra != nil {
		if err := fp.extra(s, r, &v); err != nil {
			return v, err
		}
	}
	return v, nil
}

func (s *Server) showRecordForm(fp formPage) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathWorker(r)
		if err != nil {
			return err
		}
		v, err := s.recordFormView(r, fp, id, nil)
		if err != nil {
			return err
		}
		return s.render(w, r, fp.template, v)
	}
}

func (s *Server) saveRecordForm(fp formPage) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathWorker(r)
		if err != nil {
			return err
		}
		var f *form
		if fp.multipart {
			f, err = parseMultipart(r)
		} else {
			f, err = postForm(r)
		}
		if err != nil {
			return err
		}
		to, flash, err := fp.save(s, r, id, f)
		if f.Fail(err) {
			v, verr := s.recordFormView(r, fp, id, f)
			if verr != nil {
				return verr
			}
			return s.renderStatus(w, r, http.StatusUnprocessableEntity, fp.template, v)
		}
		if err != nil {
			return err
		}
		return redirect(w, r, to, flash)
	}
}

func todayDefault(field string) func(*Server, *http.Request, store.Worker) url.Values {
	return func(s *Server, _ *http.Request, _ store.Worker) url.Values {
		return url.Values{field: {s.store.Today()}}
	}
}

var roleForm = formPage{
	template: "development_role.html", section: "overview",
	defaults: func(*Server, *http.Request, store.Worker) url.Values { return url.Values{"peer": {"yes"}} },
	save: func(s *Server, r *http.Request, id int64, f *form) (string, string, error) {
		_, err := s.store.AddRoleHeld(r.Context(), s.actor(r), id, store.NewRoleHeld{Title: f.Get("title"), Organisation: f.Get("organisation"),
			From: f.Get("from"), To: f.Get("to"), Peer: f.Get("peer") == "yes"})
		return homeOf(r, id) + "#roles", localizer(r).T("messages.development.role_added"), err
	},
}

var trainingForm = formPage{
	template: "development_training.html", section: "trainings", kinds: []framework.Kind{framework.KindTraining}, multipart: true,
	defaults: todayDefault("completed_on"),
	save: func(s *Server, r *http.Request, id int64, f *form) (string, string, error) {
		in := store.NewTraining{ItemKey: f.Get("item_key"), Title: f.Get("title"), CompletedOn: f.Get("completed_on"), Provider: f.Get("provider")}
		in.Hours, in.HoursError = workforce.ParseHours(f.Get("hours"), store.MaxTrainingHours)
		up, err := readUpload(r, "certificate")
		if err != nil {
			e, ok := core.As(err)
			if !ok || e.Fields["certificate"] == "" {
				return "", "", err
			}
			// Reported with the other fields' problems; nothing is saved.
			in.CertificateError = e.Fields["certificate"]
		}
		in.Certificate = up
		_, err = s.store.AddTraining(r.Context(), s.actor(r), id, in)
		return workerBase(id) + "/trainings", localizer(r).T("messages.development.training_recorded"), err
	},
}

var prerequisiteForm = formPage{
	template: "development_prerequisite.html", section: "overview", kinds: []framework.Kind{framework.KindPrerequisite},
	defaults: func(s *Server, r *http.Request, _ store.Worker) url.Values {
		return url.Values{"on": {s.store.Today()}, "item_key": {r.URL.Query().Get("item")}}
	},
	save: func(s *Server, r *http.Request, id int64, f *form) (string, string, error) {
		_, err := s.store.AddPrerequisiteRecord(r.Context(), s.actor(r), id, store.NewPrerequisiteRecord{ItemKey: f.Get("item_key"), Statement: f.Get("statement"), On: f.Get("on")})
		return homeOf(r, id) + "#prerequisites", localizer(r).T("messages.development.prerequisite_recorded"), err
	},
}

var signoffForm = formPage{
	template: "development_signoff.html", section: "readiness", kinds: []framework.Kind{framework.KindCompetency}, vouch: true,
	defaults: func(s *Server, r *http.Request, _ store.Worker) url.Values {
		return url.Values{"observed_on": {s.store.Today()}, "item_key": {r.URL.Query().Get("item")}}
	},
	save: func(s *Server, r *http.Request, id int64, f *form) (string, string, error) {
		_, err := s.store.SignOff(r.Context(), s.actor(r), id, store.NewSignoff{ItemKey: f.Get("item_key"), ObservedOn: f.Get("observed_on"), Note: f.Get("note")})
		return workerBase(id) + "/readiness", localizer(r).T("messages.development.competency_signed_off"), err
	},
}

var requestForm = formPage{
	template: "development_signoff_request.html", section: "readiness", kinds: []framework.Kind{framework.KindCompetency}, self: true,
	defaults: func(_ *Server, r *http.Request, _ store.Worker) url.Values {
		return url.Values{"item_key": {r.URL.Query().Get("item")}}
	},
	save: func(s *Server, r *http.Request, id int64, f *form) (string, string, error) {
		_, err := s.store.RequestSignoff(r.Context(), s.actor(r), id, f.Get("item_key"), f.Get("note"))
		if e, ok := core.As(err); ok && e.Kind == core.KindConflict {
			err = core.Invalid(e.Fields)
		}
		return "/development", localizer(r).T("messages.development.signoff_requested"), err
	},
}

var waiverForm = formPage{
	template: "development_waiver.html", section: "readiness", kinds: []framework.Kind{framework.KindPrerequisite, framework.KindCompetency}, vouch: true,
	defaults: func(_ *Server, r *http.Request, _ store.Worker) url.Values {
		return url.Values{"item_key": {r.URL.Query().Get("item")}}
	},
	save: func(s *Server, r *http.Request, id int64, f *form) (string, string, error) {
		_, err := s.store.Waive(r.Context(), s.actor(r), id, f.Get("item_key"), f.Get("reason"))
		return workerBase(id) + "/readiness", localizer(r).T("messages.development.waiver_recorded"), err
	},
}

var credentialForm = formPage{
	template: "development_credential_new.html", section: "overview",
	defaults: func(*Server, *http.Request, store.Worker) url.Values { return url.Values{"kind": {"cps"}} },
	extra: func(_ *Server, _ *http.Request, v *recordForm) error {
		v.Kinds = workforce.CredentialKinds
		return nil
	},
	save: func(s *Server, r *http.Request, id int64, f *form) (string, string, error) {
		cid, err := s.store.AddCredential(r.Context(), s.actor(r), id, store.NewCredential{Kind: workforce.CredentialKind(f.Get("kind")), Name: f.Get("name"),
			Number: f.Get("number"), Issuer: f.Get("issuer"), IssuedOn: f.Get("issued_on"), ExpiresOn: f.Get("expires_on")})
		return workerBase(id) + "/credentials/" + strconv.FormatInt(cid, 10), localizer(r).T("messages.development.credential_recorded"), err
	},
}

var sessionForm = formPage{
	template: "development_session.html", section: "supervision",
	defaults: func(s *Server, r *http.Request, wk store.Worker) url.Values {
		v := url.Values{"held_on": {s.store.Today()}, "mode": {store.ModeInPerson}, "minutes": {"60"}, "supervisor": {strconv.FormatInt(wk.SupervisorID, 10)}}
		if wk.SupervisorID != 0 {
			if peer, err := s.store.HoldsPeerCredential(r.Context(), principal(r).Org.ID, wk.SupervisorID); err == nil && peer {
				v.Set("peer_credential", "yes")
			} else {
				v.Set("peer_credential", "no")
			}
		}
		return v
	},
	extra: func(s *Server, r *http.Request, v *recordForm) error {
		v.Modes = supervisionModes(localizer(r))
		var err error
		v.Supervisors, err = s.supervisorsOf(r)
		return err
	},
	save: func(s *Server, r *http.Request, id int64, f *form) (string, string, error) {
		in := store.NewSupervisionSession{HeldOn: f.Get("held_on"), Mode: f.Get("mode"), Topics: f.Get("topics")}
		in.SupervisorID, _ = strconv.ParseInt(f.Get("supervisor"), 10, 64)
		if m, err := strconv.Atoi(f.Get("minutes")); err == nil {
			in.Minutes = m
		} else {
			in.MinutesError = "Enter the length in whole minutes, for example 60."
		}
		switch f.Get("peer_credential") {
		case "yes":
			in.PeerCredential = new(bool)
			*in.PeerCredential = true
		case "no":
			in.PeerCredential = new(bool)
		}
		_, err := s.store.AddSupervisionSession(r.Context(), s.actor(r), id, in)
		return workerBase(id) + "/supervision", localizer(r).T("messages.development.supervision_recorded"), err
	},
}

// ---- Lists within a record ----

type trainingsView struct {
	workerHead
	Trainings []store.Training
	Next      string
}

func (s *Server) trainingsPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathWorker(r)
	if err != nil {
		return err
	}
	wk, err := s.store.Worker(r.Context(), s.actor(r), id)
	if err != nil {
		return err
	}
	l, err := s.store.Trainings(r.Context(), s.actor(r), id, store.Page{Limit: 25, Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		return err
	}
	h, err := s.head(r, wk, "trainings")
	if err != nil {
		return err
	}
	return s.render(w, r, "development_trainings.html", trainingsView{workerHead: h, Trainings: l.Items, Next: l.Next})
}

func (s *Server) trainingCertificate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathWorker(r)
	if err != nil {
		return err
	}
	tid, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	d, data, err := s.store.TrainingCertificate(r.Context(), s.actor(r), id, tid)
	if err != nil {
		return err
	}
	serveDocument(w, d, data)
	return nil
}

type supervisionView struct {
	workerHead
	Per      workforce.Per
	Totals   []store.SupervisionTotal
	Sessions []store.SupervisionSession
	Next     string
	Pers     []trackChoice
}

func (s *Server) supervisionPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathWorker(r)
	if err != nil {
		return err
	}
	per := workforce.Per(r.URL.Query().Get("per"))
	if per == "" {
		per = workforce.PerMonth
	}
	if !per.Valid() {
		return core.Malformed("per", "Use per=month, quarter or year.")
	}
	wk, l, err := s.store.SupervisionSessions(r.Context(), s.actor(r), id, store.Page{Limit: 25, Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		return err
	}
	n := map[workforce.Per]int{workforce.PerMonth: 12, workforce.PerQuarter: 8, workforce.PerYear: 3}[per]
	totals, err := s.store.SupervisionTotals(r.Context(), s.actor(r), id, per, n)
	if err != nil {
		return err
	}
	h, err := s.head(r, wk, "supervision")
	if err != nil {
		return err
	}
	v := supervisionView{workerHead: h, Per: per, Totals: totals, Sessions: l.Items, Next: l.Next}
	for _, p := range []string{"month", "quarter", "year"} {
		v.Pers = append(v.Pers, trackChoice{Value: p, Label: localizer(r).T("messages.development.per_" + p), Selected: p == string(per)})
	}
	return s.render(w, r, "development_supervision.html", v)
}

type credentialView struct {
	workerHead
	Detail store.CredentialDetail
	Form   *form
}

func (s *Server) credentialView(r *http.Request, f *form) (credentialView, error) {
	id, err := pathWorker(r)
	if err != nil {
		return credentialView{}, err
	}
	cid, err := pathID(r, "sid")
	if err != nil {
		return credentialView{}, err
	}
	d, err := s.store.Credential(r.Context(), s.actor(r), id, cid)
	if err != nil {
		return credentialView{}, err
	}
	h, err := s.head(r, d.Worker, "overview")
	if err != nil {
		return credentialView{}, err
	}
	if f == nil {
		f = newForm(url.Values{"completed_on": {s.store.Today()}, "ethics_hours": {"0"}})
	}
	return credentialView{workerHead: h, Detail: d, Form: f}, nil
}

func (s *Server) credentialPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.credentialView(r, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, "development_credential.html", v)
}

func (s *Server) addCEHours(w http.ResponseWriter, r *http.Request) error {
	id, err := pathWorker(r)
	if err != nil {
		return err
	}
	cid, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	in := store.NewCEHours{CompletedOn: f.Get("completed_on"), Title: f.Get("title")}
	in.Hours, in.HoursError = workforce.ParseHours(f.Get("hours"), 200)
	in.EthicsHours, in.EthicsError = workforce.ParseHours(f.Get("ethics_hours"), 200)
	_, err = s.store.AddCEHours(r.Context(), s.actor(r), id, cid, in)
	if f.Fail(err) {
		v, verr := s.credentialView(r, f)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "development_credential.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, workerBase(id)+"/credentials/"+strconv.FormatInt(cid, 10), localizer(r).T("messages.development.hours_recorded"))
}

// ---- Sign-off requests ----

type requestView struct {
	workerHead
	Request  store.SignoffRequest
	Item     framework.Item
	Form     *form
	Decline  *form
	Answered bool
}

func (s *Server) requestView(r *http.Request, f, df *form) (requestView, error) {
	id, err := pathWorker(r)
	if err != nil {
		return requestView{}, err
	}
	rid, err := pathID(r, "sid")
	if err != nil {
		return requestView{}, err
	}
	wk, req, err := s.store.SignoffRequest(r.Context(), s.actor(r), id, rid)
	if err != nil {
		return requestView{}, err
	}
	h, err := s.head(r, wk, "readiness")
	if err != nil {
		return requestView{}, err
	}
	it, _ := h.chart.Item(req.ItemKey)
	if f == nil {
		f = newForm(url.Values{"observed_on": {s.store.Today()}})
	}
	if df == nil {
		df = newForm(nil)
	}
	return requestView{workerHead: h, Request: req, Item: it, Form: f, Decline: df, Answered: req.Status != store.RequestOpen}, nil
}

func (s *Server) requestPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.requestView(r, nil, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, "development_signoff_review.html", v)
}

func (s *Server) answerRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathWorker(r)
	if err != nil {
		return err
	}
	rid, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	_, err = s.store.AnswerRequestSignOff(r.Context(), s.actor(r), id, rid, f.Get("observed_on"), f.Get("note"))
	if f.Fail(err) {
		v, verr := s.requestView(r, f, nil)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "development_signoff_review.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/team/development", localizer(r).T("messages.development.competency_signed_off"))
}

func (s *Server) declineRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathWorker(r)
	if err != nil {
		return err
	}
	rid, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	err = s.store.DeclineRequest(r.Context(), s.actor(r), id, rid, f.Get("reason"))
	if f.Fail(err) {
		v, verr := s.requestView(r, nil, f)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "development_signoff_review.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/team/development", localizer(r).T("messages.development.request_declined_worker"))
}

// ---- Removing and withdrawing ----

func (s *Server) removeRecord(kind store.RecordKind, back string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathWorker(r)
		if err != nil {
			return err
		}
		rid, err := pathID(r, "sid")
		if err != nil {
			return err
		}
		if err := s.store.RemoveRecord(r.Context(), s.actor(r), id, kind, rid); err != nil {
			return err
		}
		to := homeOf(r, id)
		if back != "" {
			to = workerBase(id) + back
		}
		// One message per kind: messages.development.removed.plan_note, ….withdrawn.sign_off.
		key := strings.NewReplacer(" ", "_", "-", "_").Replace(string(kind))
		msg := localizer(r).T("messages.development.removed." + key)
		if kind == store.RecordSignoff || kind == store.RecordWaiver {
			msg = localizer(r).T("messages.development.withdrawn." + key)
		}
		return redirect(w, r, to, msg)
	}
}
