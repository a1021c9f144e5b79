package web

import (
	"net/http"
	"net/url"
	"strings"

	"peerpath/internal/core"
	"peerpath/internal/store"
)

// The parts of a person's recovery picture (issue 13) about the people and
// things around them: strengths, natural supports (and their offer in the
// safety plan), advocacy and rights concerns, medication questions. The
// rest is in recovery.go.
// ---- Strengths ----

func (s *Server) strengthsPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.recoveryPerson(r)
	if err != nil {
		return err
	}
	f, fromDraft := s.draftForm(r)
	if !fromDraft {
		st, err := s.store.Strengths(r.Context(), s.actor(r), p.ID)
		if err != nil {
			return err
		}
		f = strengthsForm(st)
	}
	v := s.strengthsView(p, f)
	v.FromDraft = fromDraft
	return s.render(w, r, "strengths_form.html", v)
}

// strengthsForm puts strengths into the form: the suggested ones as ticks,
// the others one a line.
func strengthsForm(st store.Strengths) *form {
	v := url.Values{"good_at": {st.GoodAt}, "what_matters": {st.WhatMatters}, "helped_before": {st.HelpedBefore}}
	var own []string
	for _, it := range st.Items {
		if contains(store.SuggestedStrengths, it) {
			v.Add("strength", it)
		} else {
			own = append(own, it)
		}
	}
	v.Set("own_strengths", strings.Join(own, "\n"))
	return newForm(v)
}

func (s *Server) strengthsView(p store.Person, f *form) recoveryView {
	v := s.newRecoveryView(p, f)
	for _, st := range store.SuggestedStrengths {
		v.Suggested = append(v.Suggested, option{Value: st, Label: st})
	}
	return v
}

func (s *Server) saveStrengths(w http.ResponseWriter, r *http.Request) error {
	p, err := s.recoveryPerson(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	items := append(append([]string(nil), f.Values["strength"]...), f.Raw("own_strengths"))
	_, err = s.store.SaveStrengths(r.Context(), s.actor(r), p.ID, store.StrengthsInput{GoodAt: f.Get("good_at"), WhatMatters: f.Get("what_matters"),
		HelpedBefore: f.Get("helped_before"), Items: items})
	if f.Fail(err) {
		if msg := f.Errors["strengths"]; msg != "" {
			f.Errors["own_strengths"] = msg
			delete(f.Errors, "strengths")
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "strengths_form.html", s.strengthsView(p, f))
	}
	if err != nil {
		return err
	}
	return redirect(w, r, personPath(p, ""), localizer(r).T("messages.recovery.strengths_saved"))
}

// ---- Natural supports ----

func (s *Server) supportsView(r *http.Request, p store.Person, f *form) (recoveryView, error) {
	ss, err := s.store.NaturalSupports(r.Context(), s.actor(r), p.ID)
	if err != nil {
		return recoveryView{}, err
	}
	v := s.newRecoveryView(p, f)
	v.Supports = ss
	return v, nil
}

func (s *Server) supportsPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.recoveryPerson(r)
	if err != nil {
		return err
	}
	f, fromDraft := s.draftForm(r)
	v, err := s.supportsView(r, p, f)
	if err != nil {
		return err
	}
	v.FromDraft = fromDraft
	return s.render(w, r, "supports.html", v)
}

func supportInput(f *form) store.SupportInput {
	return store.SupportInput{Name: f.Get("name"), Relationship: f.Get("relationship"), HowTheyHelp: f.Get("how_they_help"), Phone: f.Get("phone"), OkayToInvolve: f.Get("okay_to_involve") == "yes"}
}

func (s *Server) addSupport(w http.ResponseWriter, r *http.Request) error {
	p, err := s.recoveryPerson(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	if f.Get("okay_to_involve") == "" {
		f.Errors["okay_to_involve"] = "Ask the person whether it is okay to involve them, and choose yes or no."
		f.Fail(store.CheckSupport(supportInput(f))) // and what else is wrong
	} else {
		_, err = s.store.AddSupport(r.Context(), s.actor(r), p.ID, supportInput(f))
	}
	if len(f.Errors) > 0 || f.Fail(err) {
		v, verr := s.supportsView(r, p, f)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "supports.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, personPath(p, "/supports"), localizer(r).T("messages.recovery.natural_support_added"))
}

func (s *Server) supportPage(w http.ResponseWriter, r *http.Request) error {
	sid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := s.store.NaturalSupport(r.Context(), s.actor(r), sid)
	if err != nil {
		return err
	}
	p, err := s.store.Person(r.Context(), s.actor(r), n.PersonID)
	if err != nil {
		return err
	}
	f, ok := s.draftForm(r)
	if !ok {
		okay := "no"
		if n.OkayToInvolve {
			okay = "yes"
		}
		f = newForm(url.Values{"name": {n.Name}, "relationship": {n.Relationship}, "how_they_help": {n.HowTheyHelp}, "phone": {n.Phone}, "okay_to_involve": {okay}})
	}
	v := s.newRecoveryView(p, f)
	v.Support = n
	return s.render(w, r, "support_form.html", v)
}

func (s *Server) updateSupport(w http.ResponseWriter, r *http.Request) error {
	sid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	a := s.actor(r)
	n, err := s.store.UpdateSupport(r.Context(), a, sid, supportInput(f))
	if f.Fail(err) {
		cur, cerr := s.store.NaturalSupport(r.Context(), a, sid)
		if cerr != nil {
			return cerr
		}
		p, perr := s.store.Person(r.Context(), a, cur.PersonID)
		if perr != nil {
			return perr
		}
		v := s.newRecoveryView(p, f)
		v.Support = cur
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "support_form.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/people/"+id(n.PersonID)+"/supports", localizer(r).T("messages.recovery.natural_support_changed"))
}

// ---- Advocacy and rights ----

func (s *Server) advocacyView(r *http.Request, p store.Person, f, rf *form) (recoveryView, error) {
	a := s.actor(r)
	l, err := s.store.ListAdvocacy(r.Context(), a, p.ID, store.Page{Cursor: r.URL.Query().Get("cursor"), Limit: 30})
	if err != nil {
		return recoveryView{}, err
	}
	rights, err := s.store.ListRightsConcerns(r.Context(), a, p.ID, store.Page{Limit: 100})
	if err != nil {
		return recoveryView{}, err
	}
	if rf == nil {
		rf = newForm(url.Values{"raised_on": {s.store.Today()}})
	}
	v := s.newRecoveryView(p, f)
	v.Advocacy, v.NextURL, v.Rights, v.RightsForm = l.Items, nextPageURL(r, l.Next), rights.Items, rf
	v.RightsKinds, v.Skills = options(localizer(r), "rights_kind", store.RightsKinds), store.SuggestedSkills
	return v, nil
}

func (s *Server) advocacyPage(w http.ResponseWriter, r *http.Request) error {
	return s.recoveryFormPage(w, r, "advocacy.html", url.Values{"done_on": {s.store.Today()}}, func(r *http.Request, p store.Person, f *form) (recoveryView, error) {
		return s.advocacyView(r, p, f, nil)
	})
}

func (s *Server) addAdvocacy(w http.ResponseWriter, r *http.Request) error {
	p, err := s.recoveryPerson(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	_, err = s.store.AddAdvocacy(r.Context(), s.actor(r), p.ID, store.AdvocacyInput{DoneOn: f.Get("done_on"), What: f.Get("what"), WithWhom: f.Get("with_whom"), Outcome: f.Get("outcome"), Skill: f.Get("skill")})
	if f.Fail(err) {
		v, verr := s.advocacyView(r, p, f, nil)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "advocacy.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, personPath(p, "/advocacy"), localizer(r).T("messages.recovery.advocacy_recorded"))
}

func (s *Server) raiseRights(w http.ResponseWriter, r *http.Request) error {
	p, err := s.recoveryPerson(r)
	if err != nil {
		return err
	}
	rf, err := postForm(r)
	if err != nil {
		return err
	}
	_, err = s.store.RaiseRightsConcern(r.Context(), s.actor(r), p.ID, store.RightsInput{RaisedOn: rf.Get("raised_on"), Kind: rf.Get("kind"), Note: rf.Get("note")})
	if rf.Fail(err) {
		v, verr := s.advocacyView(r, p, newForm(url.Values{"done_on": {s.store.Today()}}), rf)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "advocacy.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, personPath(p, "/advocacy#rights"), localizer(r).T("messages.recovery.rights_concern_recorded"))
}

// rightsDraftPage offers back a rights concern typed when a session ended
// (the form posts to /people/{id}/rights-concerns, which has no page of
// its own).
func (s *Server) rightsDraftPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.recoveryPerson(r)
	if err != nil {
		return err
	}
	rf, ok := s.draftForm(r)
	if !ok {
		return redirect(w, r, personPath(p, "/advocacy#rights"), "")
	}
	v, err := s.advocacyView(r, p, newForm(url.Values{"done_on": {s.store.Today()}}), rf)
	if err != nil {
		return err
	}
	v.FromDraft = true
	return s.render(w, r, "advocacy.html", v)
}

// resolveDraftPage is where a resolution typed as a session ended leads:
// the concern's page, the advocacy page, with the words shown to re-enter.
func (s *Server) resolveDraftPage(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.store.RightsConcern(r.Context(), s.actor(r), cid)
	if err != nil {
		return err
	}
	if f, ok := s.draftForm(r); ok && f.Get("resolution") != "" {
		setFlash(w, localizer(r).T("messages.recovery.session_ended_before"))
	}
	return redirect(w, r, "/people/"+id(c.PersonID)+"/advocacy#rights", "")
}

func (s *Server) resolveRights(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	c, err := s.store.ResolveRightsConcern(r.Context(), s.actor(r), cid, f.Get("resolved_on"), f.Get("resolution"))
	if e, ok := asInvalid(err); ok {
		// The small form sits in a list: say what is wrong at the top of the page.
		var msgs []string
		for _, m := range e.Fields {
			msgs = append(msgs, m)
		}
		setFlash(w, strings.Join(msgs, " "))
		return redirect(w, r, "/people/"+id(c.PersonID)+"/advocacy#rights", "")
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/people/"+id(c.PersonID)+"/advocacy#rights", localizer(r).T("messages.recovery.concern_marked_resolved"))
}

// ---- Medication questions ----

func (s *Server) medicationView(r *http.Request, p store.Person, f *form) (recoveryView, error) {
	l, err := s.store.ListMedicationQuestions(r.Context(), s.actor(r), p.ID, store.Page{Cursor: r.URL.Query().Get("cursor"), Limit: 50})
	if err != nil {
		return recoveryView{}, err
	}
	v := s.newRecoveryView(p, f)
	v.Medication, v.NextURL, v.MedicationKinds = l.Items, nextPageURL(r, l.Next), options(localizer(r), "medication_kind", store.MedicationKinds)
	return v, nil
}

func (s *Server) medicationPage(w http.ResponseWriter, r *http.Request) error {
	return s.recoveryFormPage(w, r, "medication_questions.html", url.Values{"noted_on": {s.store.Today()}}, s.medicationView)
}

func (s *Server) addMedication(w http.ResponseWriter, r *http.Request) error {
	p, err := s.recoveryPerson(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	_, err = s.store.AddMedicationQuestion(r.Context(), s.actor(r), p.ID, store.MedicationInput{NotedOn: f.Get("noted_on"), Kind: f.Get("kind"), Text: f.Get("text")})
	if f.Fail(err) {
		v, verr := s.medicationView(r, p, f)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "medication_questions.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, personPath(p, "/medication-questions"), localizer(r).T("messages.recovery.noted_words"))
}

func (s *Server) settleMedication(w http.ResponseWriter, r *http.Request) error {
	mid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.store.SettleMedicationQuestion(r.Context(), s.actor(r), mid)
	if err != nil {
		return err
	}
	return redirect(w, r, "/people/"+id(m.PersonID)+"/medication-questions", localizer(r).T("messages.recovery.marked_asked_or"))
}

// ---- Natural supports in the safety plan ----

// offerSection is the safety plan section that offers natural supports.
const offerSection = "people_to_ask"

// supportOffers lists the person's natural supports it is okay to involve
// that are not yet in "People I can ask for help" on form f, for the
// safety plan only. They are offered, never copied in unasked.
func (s *Server) supportOffers(r *http.Request, k *store.PlanKind, p store.Person, f *form) ([]store.NaturalSupport, error) {
	if k != store.SafetyPlan {
		return nil, nil
	}
	all, err := s.store.NaturalSupports(r.Context(), s.actor(r), p.ID)
	if err != nil {
		return nil, err
	}
	in := map[string]bool{}
	for _, row := range contactRows(f, offerSection, 0) {
		in[strings.ToLower(strings.TrimSpace(row.Name))] = true
	}
	var out []store.NaturalSupport
	for _, n := range all {
		if n.OkayToInvolve && !in[strings.ToLower(n.Name)] && !in[strings.ToLower(offeredName(n))] {
			out = append(out, n)
		}
	}
	return out, nil
}

// offeredName is how a natural support reads in the safety plan.
func offeredName(n store.NaturalSupport) string {
	if n.Relationship == "" {
		return n.Name
	}
	return n.Name + " (" + n.Relationship + ")"
}

// addOffered puts the natural support the writer chose into the first
// empty row of "People I can ask for help" on form f (not saved: the writer
// still saves the plan).
func (s *Server) addOffered(r *http.Request, k *store.PlanKind, p store.Person, f *form, raw string) error {
	if k != store.SafetyPlan {
		return nil
	}
	sid, err := parseID("offer", raw)
	if err != nil {
		return err
	}
	n, err := s.store.NaturalSupport(r.Context(), s.actor(r), sid)
	if err != nil {
		return err
	}
	if n.PersonID != p.ID || !n.OkayToInvolve {
		return core.NotFound("The natural support")
	}
	rows := contactRows(f, offerSection, 1)
	for _, row := range rows {
		if strings.TrimSpace(row.Name+row.Phone) == "" {
			f.Values.Set(row.NameKey(), offeredName(n))
			f.Values.Set(row.PhoneKey(), n.Phone)
			break
		}
	}
	return nil
}
