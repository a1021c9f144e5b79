package web

import (
	"net/http"
	"time"

	"peerpath/internal/recovery"
	"peerpath/internal/store"
)

// The JSON API of a person's recovery picture (issue 13), on the same store
// operations as the pages.

// ---- Recovery capital ----

type newAssessmentJSON struct {
	TakenOn    string `json:"taken_on,omitempty" doc:"YYYY-MM-DD, not in the future; today when empty"`
	Answers    []*int `json:"answers" doc:"one per statement, in order (10 for the BARC-10), each 1 to 6 (\"strongly disagree\" to \"strongly agree\"), or null for \"prefer not to answer\""`
	Instrument string `json:"instrument,omitempty" doc:"an instrument's key (GET /api/v1/recovery-instruments); barc10 when absent"`
}

type assessmentCreatedJSON struct {
	ID       string `json:"id"`
	TakenOn  string `json:"taken_on"`
	Total    int    `json:"total" doc:"the sum of the answers given"`
	Complete bool   `json:"complete" doc:"false when any statement was left out: a partial total, left out of change figures"`
}

type assessmentJSON struct {
	ID         string    `json:"id"`
	Instrument string    `json:"instrument"`
	TakenOn    string    `json:"taken_on"`
	Answers    []*int    `json:"answers" doc:"null for \"prefer not to answer\""`
	Total      int       `json:"total"`
	Complete   bool      `json:"complete"`
	CreatedAt  time.Time `json:"created_at"`
}

func toAssessmentJSON(as store.Assessment) assessmentJSON {
	answers := as.Answers
	if answers == nil {
		answers = []*int{}
	}
	return assessmentJSON{ID: id(as.ID), Instrument: as.Instrument, TakenOn: as.TakenOn, Answers: answers, Total: as.Total, Complete: as.Complete, CreatedAt: as.CreatedAt}
}

func (s *Server) apiTakeAssessment(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in newAssessmentJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	as, err := s.store.TakeAssessment(r.Context(), s.actor(r), pid, store.AssessmentInput{TakenOn: in.TakenOn, Answers: in.Answers, Instrument: in.Instrument})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, assessmentCreatedJSON{ID: id(as.ID), TakenOn: as.TakenOn, Total: as.Total, Complete: as.Complete})
	return nil
}

func (s *Server) apiAssessments(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	page, err := listPage(r)
	if err != nil {
		return err
	}
	l, err := s.store.ListAssessments(r.Context(), s.actor(r), pid, page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(l, toAssessmentJSON))
	return nil
}

type instrumentJSON struct {
	Key        string   `json:"key"`
	Name       string   `json:"name"`
	ShortName  string   `json:"short_name"`
	Citation   string   `json:"citation"`
	ScaleMin   int      `json:"scale_min"`
	ScaleMax   int      `json:"scale_max"`
	Labels     []string `json:"labels" doc:"the words for each value from scale_min to scale_max"`
	Statements []string `json:"statements"`
	Shipped    bool     `json:"shipped" doc:"true for instruments that come with peerpath; false for the organisation's own"`
}

func (s *Server) apiInstruments(w http.ResponseWriter, r *http.Request) error {
	all, err := s.store.Instruments(r.Context(), s.actor(r).OrgID)
	if err != nil {
		return err
	}
	out := listJSON[instrumentJSON]{Items: []instrumentJSON{}}
	for _, in := range all {
		j := instrumentJSON{Key: in.Key, Name: in.Name, ShortName: in.ShortName, Citation: in.Citation, ScaleMin: in.Scale.Min, ScaleMax: in.Scale.Max, Labels: in.Scale.Labels}
		_, j.Shipped = recovery.ShippedFile(in.Key)
		for _, it := range in.Items {
			j.Statements = append(j.Statements, it.Text)
		}
		out.Items = append(out.Items, j)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// ---- Stages of change ----

type putStageJSON struct {
	Stage   string `json:"stage" enum:"precontemplation,contemplation,preparation,action,maintenance"`
	NotedOn string `json:"noted_on,omitempty" doc:"YYYY-MM-DD, not in the future; today when empty"`
	Note    string `json:"note,omitempty" doc:"a few words, in the person's terms"`
}

type stageJSON struct {
	Area      string    `json:"area" enum:"health,home,purpose,community"`
	Stage     string    `json:"stage" enum:"precontemplation,contemplation,preparation,action,maintenance"`
	Words     string    `json:"words" doc:"the stage in plain words"`
	NotedOn   string    `json:"noted_on"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
}

type stagesJSON struct {
	Current map[string]*stageJSON `json:"current" doc:"for each life area (health, home, purpose, community), the latest stage noted, or null"`
	History []stageJSON           `json:"history" doc:"every stage noted, newest first (at most 200)"`
}

func toStageJSON(n store.StageNote) stageJSON {
	return stageJSON{Area: n.LifeArea, Stage: n.Stage, Words: recovery.StageWords[n.Stage], NotedOn: n.NotedOn, Note: n.Note, CreatedAt: n.CreatedAt}
}

func (s *Server) apiPutStage(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in putStageJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	n, err := s.store.NoteStage(r.Context(), s.actor(r), pid, store.StageInput{LifeArea: r.PathValue("area"), Stage: in.Stage, NotedOn: in.NotedOn, Note: in.Note})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toStageJSON(n))
	return nil
}

func (s *Server) apiStages(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	st, err := s.store.StagesOfChange(r.Context(), s.actor(r), pid)
	if err != nil {
		return err
	}
	out := stagesJSON{Current: map[string]*stageJSON{}, History: []stageJSON{}}
	for _, a := range store.LifeAreas {
		out.Current[a] = nil
		if n, ok := st.Current[a]; ok {
			j := toStageJSON(n)
			out.Current[a] = &j
		}
	}
	for _, n := range st.History {
		out.History = append(out.History, toStageJSON(n))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// ---- Areas of need ----

type needInJSON struct {
	Area         string `json:"area" doc:"an area's key from the organisation's list, e.g. housing, income_and_benefits, work_and_education"`
	InTheirWords string `json:"in_their_words,omitempty"`
}

type newNeedsJSON struct {
	NotedOn string       `json:"noted_on,omitempty" doc:"YYYY-MM-DD, not in the future; today when empty"`
	Areas   []needInJSON `json:"areas" doc:"the areas the person wants help with now; 422 names a bad one as areas.<n>.area (n from 0)"`
}

type needJSON struct {
	ID           string `json:"id"`
	Area         string `json:"area"`
	AreaLabel    string `json:"area_label"`
	InTheirWords string `json:"in_their_words"`
	GoalID       string `json:"goal_id,omitempty" doc:"the goal this need started"`
	ReferralID   string `json:"referral_id,omitempty" doc:"the referral this need started"`
}

type needCheckJSON struct {
	ID      string     `json:"id"`
	NotedOn string     `json:"noted_on"`
	Areas   []needJSON `json:"areas"`
}

func toNeedCheckJSON(c store.NeedCheck) needCheckJSON {
	out := needCheckJSON{ID: id(c.ID), NotedOn: c.NotedOn, Areas: []needJSON{}}
	for _, n := range c.Needs {
		out.Areas = append(out.Areas, needJSON{ID: id(n.ID), Area: n.Area, AreaLabel: n.AreaLabel, InTheirWords: n.InTheirWords, GoalID: id(n.GoalID), ReferralID: id(n.ReferralID)})
	}
	return out
}

func (s *Server) apiRecordNeeds(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in newNeedsJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ni := store.NeedsInput{NotedOn: in.NotedOn}
	for _, a := range in.Areas {
		ni.Areas = append(ni.Areas, store.NeedInput{Area: a.Area, InTheirWords: a.InTheirWords})
	}
	c, err := s.store.RecordNeeds(r.Context(), s.actor(r), pid, ni)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toNeedCheckJSON(c))
	return nil
}

func (s *Server) apiNeeds(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	page, err := listPage(r)
	if err != nil {
		return err
	}
	l, err := s.store.ListNeeds(r.Context(), s.actor(r), pid, page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(l, toNeedCheckJSON))
	return nil
}

// ---- Strengths ----

type strengthsJSON struct {
	GoodAt       string     `json:"good_at" doc:"what the person is good at, in their words"`
	WhatMatters  string     `json:"what_matters" doc:"what they value"`
	HelpedBefore string     `json:"helped_before" doc:"what has helped before"`
	Strengths    []string   `json:"strengths" doc:"short strengths they chose or wrote"`
	UpdatedAt    *time.Time `json:"updated_at" doc:"null when nothing is written yet"`
}

type putStrengthsJSON struct {
	GoodAt       string   `json:"good_at"`
	WhatMatters  string   `json:"what_matters"`
	HelpedBefore string   `json:"helped_before"`
	Strengths    []string `json:"strengths"`
}

func toStrengthsJSON(st store.Strengths) strengthsJSON {
	return strengthsJSON{GoodAt: st.GoodAt, WhatMatters: st.WhatMatters, HelpedBefore: st.HelpedBefore, Strengths: nonNil(st.Items), UpdatedAt: rfc3339(st.UpdatedAt)}
}

func (s *Server) apiStrengths(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	st, err := s.store.Strengths(r.Context(), s.actor(r), pid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toStrengthsJSON(st))
	return nil
}

func (s *Server) apiPutStrengths(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in putStrengthsJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	st, err := s.store.SaveStrengths(r.Context(), s.actor(r), pid, store.StrengthsInput{GoodAt: in.GoodAt, WhatMatters: in.WhatMatters, HelpedBefore: in.HelpedBefore, Items: in.Strengths})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toStrengthsJSON(st))
	return nil
}

// ---- Natural supports ----

type supportJSON struct {
	ID            string `json:"id"`
	Name          string `json:"name" doc:"a name or a description"`
	Relationship  string `json:"relationship"`
	HowTheyHelp   string `json:"how_they_help"`
	Phone         string `json:"phone"`
	OkayToInvolve bool   `json:"okay_to_involve" doc:"the person says it is okay to involve them; only these are offered for the safety plan"`
}

type newSupportJSON struct {
	Name          string `json:"name"`
	Relationship  string `json:"relationship,omitempty"`
	HowTheyHelp   string `json:"how_they_help,omitempty"`
	Phone         string `json:"phone,omitempty"`
	OkayToInvolve bool   `json:"okay_to_involve"`
}

func toSupportJSON(n store.NaturalSupport) supportJSON {
	return supportJSON{ID: id(n.ID), Name: n.Name, Relationship: n.Relationship, HowTheyHelp: n.HowTheyHelp, Phone: n.Phone, OkayToInvolve: n.OkayToInvolve}
}

func (s *Server) apiAddSupport(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in newSupportJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	n, err := s.store.AddSupport(r.Context(), s.actor(r), pid, store.SupportInput(in))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toSupportJSON(n))
	return nil
}

func (s *Server) apiSupports(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ss, err := s.store.NaturalSupports(r.Context(), s.actor(r), pid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(store.List[store.NaturalSupport]{Items: ss}, toSupportJSON))
	return nil
}

// ---- Advocacy, rights, medication ----

type advocacyJSON struct {
	ID       string `json:"id"`
	DoneOn   string `json:"done_on"`
	What     string `json:"what"`
	WithWhom string `json:"with_whom"`
	Outcome  string `json:"outcome"`
	Skill    string `json:"skill" doc:"the self-advocacy skill the person practised"`
}

type newAdvocacyJSON struct {
	DoneOn   string `json:"done_on,omitempty" doc:"YYYY-MM-DD, not in the future; today when empty"`
	What     string `json:"what"`
	WithWhom string `json:"with_whom,omitempty"`
	Outcome  string `json:"outcome,omitempty"`
	Skill    string `json:"skill,omitempty"`
}

func toAdvocacyJSON(e store.AdvocacyEntry) advocacyJSON {
	return advocacyJSON{ID: id(e.ID), DoneOn: e.DoneOn, What: e.What, WithWhom: e.WithWhom, Outcome: e.Outcome, Skill: e.Skill}
}

func (s *Server) apiAddAdvocacy(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in newAdvocacyJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	e, err := s.store.AddAdvocacy(r.Context(), s.actor(r), pid, store.AdvocacyInput(in))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAdvocacyJSON(e))
	return nil
}

func (s *Server) apiAdvocacy(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	page, err := listPage(r)
	if err != nil {
		return err
	}
	l, err := s.store.ListAdvocacy(r.Context(), s.actor(r), pid, page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(l, toAdvocacyJSON))
	return nil
}

type rightsJSON struct {
	ID         string `json:"id"`
	RaisedOn   string `json:"raised_on"`
	Kind       string `json:"kind"`
	Note       string `json:"note"`
	Resolved   bool   `json:"resolved"`
	ResolvedOn string `json:"resolved_on" doc:"empty while open"`
	Resolution string `json:"resolution"`
}

type newRightsJSON struct {
	RaisedOn string `json:"raised_on,omitempty" doc:"YYYY-MM-DD, not in the future; today when empty"`
	Kind     string `json:"kind" enum:"privacy,informed_choice,restraint_or_seclusion,discrimination,access_to_services,housing,benefits,work,communication_and_visitors,dignity_and_respect,other"`
	Note     string `json:"note,omitempty"`
}

type resolveRightsJSON struct {
	ResolvedOn string `json:"resolved_on,omitempty" doc:"YYYY-MM-DD, not before it was raised; today when empty"`
	Resolution string `json:"resolution,omitempty"`
}

func toRightsJSON(c store.RightsConcern) rightsJSON {
	return rightsJSON{ID: id(c.ID), RaisedOn: c.RaisedOn, Kind: c.Kind, Note: c.Note, Resolved: c.Resolved(), ResolvedOn: c.ResolvedOn, Resolution: c.Resolution}
}

func (s *Server) apiRaiseRights(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in newRightsJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.store.RaiseRightsConcern(r.Context(), s.actor(r), pid, store.RightsInput(in))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toRightsJSON(c))
	return nil
}

func (s *Server) apiRights(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	page, err := listPage(r)
	if err != nil {
		return err
	}
	l, err := s.store.ListRightsConcerns(r.Context(), s.actor(r), pid, page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(l, toRightsJSON))
	return nil
}

func (s *Server) apiResolveRights(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in resolveRightsJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.store.ResolveRightsConcern(r.Context(), s.actor(r), cid, in.ResolvedOn, in.Resolution)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toRightsJSON(c))
	return nil
}

type medicationJSON struct {
	ID        string `json:"id"`
	NotedOn   string `json:"noted_on"`
	Kind      string `json:"kind" enum:"side_effect,question_for_prescriber,to_remember"`
	Text      string `json:"text" doc:"in the person's own words"`
	SettledOn string `json:"settled_on" doc:"the day it was asked or no longer needed; empty while open"`
}

type newMedicationJSON struct {
	NotedOn string `json:"noted_on,omitempty" doc:"YYYY-MM-DD, not in the future; today when empty"`
	Kind    string `json:"kind" enum:"side_effect,question_for_prescriber,to_remember"`
	Text    string `json:"text" doc:"in the person's own words"`
}

func toMedicationJSON(m store.MedicationQuestion) medicationJSON {
	return medicationJSON{ID: id(m.ID), NotedOn: m.NotedOn, Kind: m.Kind, Text: m.Text, SettledOn: m.SettledOn}
}

func (s *Server) apiAddMedication(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in newMedicationJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	m, err := s.store.AddMedicationQuestion(r.Context(), s.actor(r), pid, store.MedicationInput(in))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toMedicationJSON(m))
	return nil
}

func (s *Server) apiMedication(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	page, err := listPage(r)
	if err != nil {
		return err
	}
	l, err := s.store.ListMedicationQuestions(r.Context(), s.actor(r), pid, page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(l, toMedicationJSON))
	return nil
}
