package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/i18n"
	"peerpath/internal/recovery"
	"peerpath/internal/store"
)

// A person's recovery picture (issue 13): strengths, recovery capital over
// time, stages of change, areas of need, natural supports, advocacy and
// rights concerns, medication questions. Each has a page under the person;
// the person's record shows the picture ("recovery-picture" in _recovery.html).
// This file holds recovery capital, stages, needs and the settings;
// recovery_supports.go the rest.
// The store decides who may see each (who may see the person) and audits
// every read.

// recoveryView is what the recovery pages show; each page fills its part.
type recoveryView struct {
	Person    store.Person
	Form      *form
	Today     string
	FromDraft bool
	NextURL   string
	// Recovery capital.
	Capital     store.CapitalSummary
	Chart       recovery.Chart
	Instrument  recovery.Instrument
	Instruments []recovery.Instrument
	Statements  []statementView
	// Stages of change.
	Stages       store.Stages
	AreaStages   []areaStage
	LifeAreas    []option
	StageOptions []option
	// Areas of need.
	Checks []store.NeedCheck
	Areas  []recovery.Area
	// Strengths and natural supports.
	Strengths store.Strengths
	Suggested []option
	Supports  []store.NaturalSupport
	Support   store.NaturalSupport
	// Advocacy, rights, medication.
	Advocacy        []store.AdvocacyEntry
	Rights          []store.RightsConcern
	RightsForm      *form
	RightsKinds     []option
	Skills          []string
	Medication      []store.MedicationQuestion
	MedicationKinds []option
	// Settings (administrators).
	Settings       store.RecoverySettings
	InstrumentForm *form
}

// statementView is one statement of an assessment form.
type statementView struct {
	N       int
	Name    string // answers.<n>
	Text    string
	Options []option
}

// areaStage is a life area with its current stage, if any.
type areaStage struct {
	Area  string
	Note  store.StageNote
	Has   bool
	Words string
}

func (s *Server) recoveryPerson(r *http.Request) (store.Person, error) {
	pid, err := pathID(r, "id")
	if err != nil {
		return store.Person{}, err
	}
	return s.store.Person(r.Context(), s.actor(r), pid)
}

// recoveryFormPage shows one of the recovery picture's form pages: the
// person, a draft rescued from an expired session or else the form's
// starting values, and the page's view.
func (s *Server) recoveryFormPage(w http.ResponseWriter, r *http.Request, page string, start url.Values, view func(*http.Request, store.Person, *form) (recoveryView, error)) error {
	p, err := s.recoveryPerson(r)
	if err != nil {
		return err
	}
	f, fromDraft := s.draftForm(r)
	if !fromDraft {
		f = newForm(start)
	}
	v, err := view(r, p, f)
	if err != nil {
		return err
	}
	v.FromDraft = fromDraft
	return s.render(w, r, page, v)
}

func (s *Server) newRecoveryView(p store.Person, f *form) recoveryView {
	if f == nil {
		f = newForm(nil)
	}
	return recoveryView{Person: p, Form: f, Today: s.store.Today()}
}

// signedNumber shows a change with its sign: +16, −3 (a true minus sign), 0.
func signedNumber(n int) string {
	switch {
	case n > 0:
		return "+" + strconv.Itoa(n)
	case n < 0:
		return "−" + strconv.Itoa(-n)
	}
	return "0"
}

func personPath(p store.Person, rest string) string { return "/people/" + id(p.ID) + rest }

// daysBetween counts the days from one YYYY-MM-DD date to another.
func daysBetween(from, to string) int {
	a, err1 := time.Parse(time.DateOnly, from)
	b, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(b.Sub(a).Hours() / 24)
}

// capitalChart lays out a summary's history on the chart.
func capitalChart(c store.CapitalSummary) recovery.Chart {
	pts := make([]recovery.Point, len(c.History))
	for i, as := range c.History {
		pts[i] = recovery.Point{TakenOn: as.TakenOn, Total: as.Total, Complete: as.Complete}
	}
	return recovery.Layout(pts, c.Instrument.Lowest(), c.Instrument.Highest(), daysBetween)
}

func areaStages(l *i18n.Localizer, st store.Stages) []areaStage {
	out := make([]areaStage, len(store.LifeAreas))
	for i, a := range store.LifeAreas {
		n, ok := st.Current[a]
		out[i] = areaStage{Area: a, Note: n, Has: ok, Words: optionHint(l, "stage", n.Stage)}
	}
	return out
}

func stageOptions(l *i18n.Localizer) []option {
	return options(l, "stage", recovery.Stages)
}

// ---- Recovery capital ----

func (s *Server) capitalPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.recoveryPerson(r)
	if err != nil {
		return err
	}
	c, err := s.store.RecoveryCapital(r.Context(), s.actor(r), p.ID, r.URL.Query().Get("instrument"))
	if err != nil {
		return err
	}
	v := s.newRecoveryView(p, nil)
	v.Capital, v.Chart, v.Instrument = c, capitalChart(c), c.Instrument
	if v.Instruments, err = s.store.Instruments(r.Context(), p.OrgID); err != nil {
		return err
	}
	return s.render(w, r, "recovery_capital.html", v)
}

func (s *Server) assessmentView(r *http.Request, p store.Person, f *form) (recoveryView, error) {
	v := s.newRecoveryView(p, f)
	var err error
	if v.Instruments, err = s.store.Instruments(r.Context(), p.OrgID); err != nil {
		return v, err
	}
	if v.Instrument, err = s.store.Instrument(r.Context(), p.OrgID, f.Get("instrument")); err != nil {
		if core.KindOf(err) != core.KindNotFound {
			return v, err
		}
		f.Errors["instrument"] = "Choose one of the organisation's instruments."
		if v.Instrument, err = s.store.Instrument(r.Context(), p.OrgID, ""); err != nil {
			return v, err
		}
	}
	f.Values.Set("instrument", v.Instrument.Key)
	var scale []option
	for _, n := range v.Instrument.Values() {
		scale = append(scale, option{Value: strconv.Itoa(n), Label: fmt.Sprintf("%d · %s", n, v.Instrument.Label(n))})
	}
	scale = append(scale, option{Value: "skip", Label: localizer(r).T("messages.recovery.prefer_not_to_answer")})
	for i, it := range v.Instrument.Items {
		v.Statements = append(v.Statements, statementView{N: i + 1, Name: fmt.Sprintf("answers.%d", i), Text: it.Text, Options: scale})
	}
	return v, nil
}

func (s *Server) assessmentPage(w http.ResponseWriter, r *http.Request) error {
	return s.recoveryFormPage(w, r, "recovery_assessment.html", url.Values{"taken_on": {s.store.Today()}, "instrument": {r.URL.Query().Get("instrument")}}, s.assessmentView)
}

func (s *Server) takeAssessment(w http.ResponseWriter, r *http.Request) error {
	p, err := s.recoveryPerson(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	v, err := s.assessmentView(r, p, f)
	if err != nil {
		return err
	}
	in := store.AssessmentInput{Instrument: v.Instrument.Key, TakenOn: f.Get("taken_on")}
	for _, st := range v.Statements {
		switch val := f.Get(st.Name); val {
		case "":
			f.Errors[st.Name] = "Choose an answer, or “prefer not to answer”."
		case "skip":
			in.Answers = append(in.Answers, nil)
		default:
			n, err := strconv.Atoi(val)
			if err != nil {
				n = -1 // the store names it
			}
			in.Answers = append(in.Answers, &n)
		}
	}
	if len(f.Errors) == 0 {
		_, err = s.store.TakeAssessment(r.Context(), s.actor(r), p.ID, in)
	} else {
		// Statements left without an answer: say what else is wrong too.
		for len(in.Answers) < len(v.Statements) {
			in.Answers = append(in.Answers, nil)
		}
		err = s.store.CheckAssessment(r.Context(), s.actor(r), in)
	}
	if err != nil && !f.Fail(err) {
		return err
	}
	if msg, ok := f.Errors["answers"]; ok && len(f.Errors) > 1 {
		delete(f.Errors, "answers") // the statements' own messages say it
	} else if ok {
		f.Errors[v.Statements[0].Name] = msg
		delete(f.Errors, "answers")
	}
	if len(f.Errors) > 0 {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "recovery_assessment.html", v)
	}
	return redirect(w, r, personPath(p, "/recovery-capital"), localizer(r).T("messages.recovery.assessment_saved", "Instrument", v.Instrument.ShortName))
}

// ---- Stages of change ----

func (s *Server) stagesView(r *http.Request, p store.Person, f *form) (recoveryView, error) {
	st, err := s.store.StagesOfChange(r.Context(), s.actor(r), p.ID)
	if err != nil {
		return recoveryView{}, err
	}
	v := s.newRecoveryView(p, f)
	v.Stages, v.AreaStages, v.LifeAreas, v.StageOptions = st, areaStages(localizer(r), st), options(localizer(r), "life_area", store.LifeAreas), stageOptions(localizer(r))
	return v, nil
}

func (s *Server) stagesPage(w http.ResponseWriter, r *http.Request) error {
	return s.recoveryFormPage(w, r, "stages_of_change.html", url.Values{"noted_on": {s.store.Today()}, "area": {r.URL.Query().Get("area")}}, s.stagesView)
}

func (s *Server) noteStage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.recoveryPerson(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	_, err = s.store.NoteStage(r.Context(), s.actor(r), p.ID, store.StageInput{LifeArea: f.Get("area"), Stage: f.Get("stage"), NotedOn: f.Get("noted_on"), Note: f.Get("note")})
	if f.Fail(err) {
		v, verr := s.stagesView(r, p, f)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "stages_of_change.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, personPath(p, "/stages-of-change"), localizer(r).T("messages.recovery.stage_noted"))
}

// ---- Areas of need ----

func (s *Server) needsView(r *http.Request, p store.Person, f *form) (recoveryView, error) {
	l, err := s.store.ListNeeds(r.Context(), s.actor(r), p.ID, store.Page{Cursor: r.URL.Query().Get("cursor"), Limit: 20})
	if err != nil {
		return recoveryView{}, err
	}
	set, err := s.store.RecoverySettings(r.Context(), p.OrgID)
	if err != nil {
		return recoveryView{}, err
	}
	v := s.newRecoveryView(p, f)
	v.Checks, v.Areas, v.NextURL = l.Items, set.Areas, nextPageURL(r, l.Next)
	return v, nil
}

func (s *Server) needsPage(w http.ResponseWriter, r *http.Request) error {
	return s.recoveryFormPage(w, r, "needs.html", url.Values{"noted_on": {s.store.Today()}}, s.needsView)
}

func (s *Server) recordNeeds(w http.ResponseWriter, r *http.Request) error {
	p, err := s.recoveryPerson(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	set, err := s.store.RecoverySettings(r.Context(), p.OrgID)
	if err != nil {
		return err
	}
	// The form has a box per area: the areas ticked are the ones named.
	in := store.NeedsInput{NotedOn: f.Get("noted_on")}
	var keys []string
	for _, ar := range set.Areas {
		if f.Has("area", ar.Key) {
			in.Areas = append(in.Areas, store.NeedInput{Area: ar.Key, InTheirWords: f.Get("words." + ar.Key)})
			keys = append(keys, ar.Key)
		}
	}
	for _, k := range f.Values["area"] {
		if !contains(keys, k) { // an area no longer in the list: the store names it
			in.Areas = append(in.Areas, store.NeedInput{Area: k})
			keys = append(keys, k)
		}
	}
	_, err = s.store.RecordNeeds(r.Context(), s.actor(r), p.ID, in)
	if f.Fail(err) {
		// Errors come back per entry (areas.<n>.…): put each by its area's box.
		for k, msg := range f.Errors {
			var n int
			var rest string
			if _, scanErr := fmt.Sscanf(k, "areas.%d.%s", &n, &rest); scanErr == nil && n < len(keys) {
				delete(f.Errors, k)
				if rest == "in_their_words" {
					f.Errors["words."+keys[n]] = msg
				} else {
					f.Errors["area"] = msg
				}
			}
		}
		if msg, ok := f.Errors["areas"]; ok {
			f.Errors["area"] = msg
			delete(f.Errors, "areas")
		}
		v, verr := s.needsView(r, p, f)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "needs.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, personPath(p, "/needs"), localizer(r).T("messages.recovery.areas_need_saved"))
}

// needForGoal reads ?need= on a goal or referral form: the need, its
// person's, to carry along. It is the zero Need when there is none.
func (s *Server) needFor(r *http.Request, personID int64, raw string) (store.Need, error) {
	if raw == "" {
		return store.Need{}, nil
	}
	nid, err := parseID("need_id", raw)
	if err != nil {
		return store.Need{}, err
	}
	n, err := s.store.Need(r.Context(), s.actor(r), nid)
	if err != nil {
		return n, err
	}
	if n.PersonID != personID {
		return store.Need{}, core.NotFound("The need")
	}
	return n, nil
}

// ---- Settings (administrators) ----

func (s *Server) recoverySettingsView(r *http.Request, f, inf *form) (recoveryView, error) {
	a := s.actor(r)
	set, err := s.store.RecoverySettings(r.Context(), a.OrgID)
	if err != nil {
		return recoveryView{}, err
	}
	if f == nil {
		lines := make([]string, len(set.Areas))
		for i, ar := range set.Areas {
			lines[i] = ar.Label
			if ar.LifeArea != "" {
				lines[i] += " | " + ar.LifeArea
			}
		}
		f = newForm(url.Values{"recovery_check_days": {strconv.Itoa(set.CheckDays)}, "need_areas": {strings.Join(lines, "\n")}})
	}
	if inf == nil {
		inf = newForm(nil)
	}
	v := recoveryView{Form: f, InstrumentForm: inf, Settings: set, Today: s.store.Today()}
	if v.Instruments, err = s.store.Instruments(r.Context(), a.OrgID); err != nil {
		return v, err
	}
	return v, nil
}

func (s *Server) recoverySettingsPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.recoverySettingsView(r, nil, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, "admin_recovery.html", v)
}

func (s *Server) saveRecoverySettings(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	days := formInt(f, "recovery_check_days", 0)
	if len(f.Errors) == 0 {
		_, err = s.store.UpdateRecoverySettings(r.Context(), s.actor(r), store.RecoverySettingsInput{CheckDays: days, Areas: []string{f.Raw("need_areas")}})
	}
	if len(f.Errors) > 0 || f.Fail(err) {
		v, verr := s.recoverySettingsView(r, f, nil)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "admin_recovery.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin/recovery", localizer(r).T("messages.recovery.recovery_settings_saved"))
}

func (s *Server) addInstrument(w http.ResponseWriter, r *http.Request) error {
	inf, err := postForm(r)
	if err != nil {
		return err
	}
	in, err := s.store.AddInstrument(r.Context(), s.actor(r), []byte(inf.Raw("instrument")))
	if inf.Fail(err) {
		v, verr := s.recoverySettingsView(r, nil, inf)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "admin_recovery.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin/recovery", localizer(r).T("messages.recovery.instrument_added", "Name", in.Name))
}

// shippedInstrument serves the JSON file of an instrument that comes with
// peerpath, for an organisation to copy and adapt.
func (s *Server) shippedInstrument(w http.ResponseWriter, r *http.Request) error {
	b, ok := recovery.ShippedFile(r.PathValue("key"))
	if !ok {
		return core.NotFound("The instrument")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, err := w.Write(b)
	return err
}

// goalFromNeed fills in a goal form's strengths and, when the goal starts
// from an area of need, the need; prefill puts the need's words and life
// area into an empty form.
func (s *Server) goalFromNeed(r *http.Request, v *goalFormView, needRaw string, prefill bool) error {
	var err error
	if v.Strengths, err = s.store.Strengths(r.Context(), s.actor(r), v.Person.ID); err != nil {
		return err
	}
	if v.Need, err = s.needFor(r, v.Person.ID, needRaw); err != nil || v.Need.ID == 0 {
		return err
	}
	v.Form.Values.Set("need_id", id(v.Need.ID))
	if prefill {
		life, err := s.store.NeedLifeArea(r.Context(), v.Person.OrgID, v.Need)
		if err != nil {
			return err
		}
		v.Form.Values.Set("text", v.Need.InTheirWords)
		v.Form.Values.Set("life_area", life)
	}
	return nil
}

// referralFromNeed does the same for a referral form: the reason starts
// with the area and the person's words.
func (s *Server) referralFromNeed(r *http.Request, v *referralFormView, needRaw string, prefill bool) error {
	n, err := s.needFor(r, v.Person.ID, needRaw)
	if err != nil || n.ID == 0 {
		return err
	}
	v.Need = n
	v.Form.Values.Set("need_id", id(n.ID))
	if prefill {
		reason := n.AreaLabel
		if n.InTheirWords != "" {
			reason += ": " + n.InTheirWords
		}
		v.Form.Values.Set("reason", reason)
	}
	return nil
}
