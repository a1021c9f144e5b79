package web

import (
	"net/http"
	"net/url"
	"strconv"

	"peerpath/internal/language"
	"peerpath/internal/store"
)

// Goals in three-month cycles: starting a cycle, adding and changing goals,
// progress notes, and the review at the end of a cycle that can carry
// chosen goals into the next.

func (s *Server) startCycle(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	a := s.actor(r)
	_, err = s.store.StartCycle(r.Context(), a, pid, f.Get("starts_on"))
	if f.Fail(err) {
		return s.renderPersonPage(w, r, http.StatusUnprocessableEntity, pid, f)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/people/"+id(pid)+"/goals/new", localizer(r).T("messages.goals.cycle_started"))
}

type goalFormView struct {
	Form      *form
	Person    store.Person
	Goal      store.Goal
	LifeAreas []option
	Statuses  []option
	Hints     []language.Hint
	// Recovery picture (issue 13): the person's strengths at the top, and
	// the area of need a new goal starts from.
	Strengths store.Strengths
	Need      store.Need
}

func (s *Server) newGoalPage(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.store.Person(r.Context(), s.actor(r), pid)
	if err != nil {
		return err
	}
	f, ok := s.draftForm(r)
	if !ok {
		f = newForm(nil)
	}
	v := goalFormView{Form: f, Person: p, LifeAreas: options(localizer(r), "life_area", store.LifeAreas)}
	if err := s.goalFromNeed(r, &v, r.URL.Query().Get("need"), !ok); err != nil { // issue 13
		return err
	}
	return s.render(w, r, "goal_form.html", v)
}

func goalInput(f *form) store.GoalInput {
	in := store.GoalInput{Text: f.Get("text"), LifeArea: f.Get("life_area"), Steps: f.Get("steps"), TargetOn: f.Get("target_date"), Status: f.Get("status")}
	in.NeedID, _ = strconv.ParseInt(f.Get("need_id"), 10, 64) // the area of need it starts from (issue 13)
	return in
}

func (s *Server) newGoal(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	a := s.actor(r)
	_, err = s.store.AddGoal(r.Context(), a, pid, goalInput(f))
	if f.Fail(err) {
		p, perr := s.store.Person(r.Context(), a, pid)
		if perr != nil {
			return perr
		}
		v := goalFormView{Form: f, Person: p, LifeAreas: options(localizer(r), "life_area", store.LifeAreas)}
		if err := s.goalFromNeed(r, &v, f.Get("need_id"), false); err != nil { // issue 13
			return err
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "goal_form.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/people/"+id(pid)+"#goals", localizer(r).T("messages.goals.goal_added"))
}

type goalView struct {
	goalFormView
	Progress *form
}

func (s *Server) goalPageView(r *http.Request, g store.Goal, f, progress *form) (goalView, error) {
	p, err := s.store.Person(r.Context(), s.actor(r), g.PersonID)
	if err != nil {
		return goalView{}, err
	}
	if f == nil {
		f = newForm(url.Values{"text": {g.Text}, "life_area": {g.LifeArea}, "steps": {g.Steps}, "target_date": {g.TargetOn}, "status": {g.Status}})
	}
	if progress == nil {
		progress = newForm(nil)
	}
	strengths, err := s.store.Strengths(r.Context(), s.actor(r), g.PersonID) // issue 13
	if err != nil {
		return goalView{}, err
	}
	return goalView{
		goalFormView: goalFormView{Form: f, Person: p, Goal: g, LifeAreas: options(localizer(r), "life_area", store.LifeAreas), Statuses: options(localizer(r), "goal_status", store.GoalStatuses),
			Hints: s.wordingHints(r, progress.Raw("progress")), Strengths: strengths},
		Progress: progress,
	}, nil
}

func (s *Server) goalFromPath(r *http.Request) (store.Goal, error) {
	gid, err := pathID(r, "id")
	if err != nil {
		return store.Goal{}, err
	}
	return s.store.Goal(r.Context(), s.actor(r), gid)
}

func (s *Server) goalPage(w http.ResponseWriter, r *http.Request) error {
	g, err := s.goalFromPath(r)
	if err != nil {
		return err
	}
	f, _ := s.draftForm(r) // nil without a draft: the goal as it is
	v, err := s.goalPageView(r, g, f, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, "goal.html", v)
}

func (s *Server) updateGoal(w http.ResponseWriter, r *http.Request) error {
	g, err := s.goalFromPath(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	_, err = s.store.UpdateGoal(r.Context(), s.actor(r), g.ID, goalInput(f))
	if f.Fail(err) {
		v, verr := s.goalPageView(r, g, f, nil)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "goal.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/goals/"+id(g.ID), localizer(r).T("messages.goals.goal_saved"))
}

func (s *Server) addProgress(w http.ResponseWriter, r *http.Request) error {
	g, err := s.goalFromPath(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	if f.Get("check") == "" {
		_, err = s.store.AddProgress(r.Context(), s.actor(r), g.ID, f.Raw("progress"))
	}
	if f.Get("check") != "" || f.Fail(err) {
		v, verr := s.goalPageView(r, g, nil, f)
		if verr != nil {
			return verr
		}
		status := http.StatusUnprocessableEntity
		if f.Get("check") != "" {
			status = http.StatusOK
		}
		return s.renderStatus(w, r, status, "goal.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/goals/"+id(g.ID), localizer(r).T("messages.goals.progress_note_added"))
}

type cycleReviewView struct {
	Form   *form
	Person store.Person
	Cycle  store.Cycle
	Today  string
	Hints  []language.Hint
}

func (s *Server) reviewData(r *http.Request) (store.Cycle, store.Person, error) {
	cid, err := pathID(r, "id")
	if err != nil {
		return store.Cycle{}, store.Person{}, err
	}
	a := s.actor(r)
	c, err := s.store.Cycle(r.Context(), a, cid)
	if err != nil {
		return c, store.Person{}, err
	}
	p, err := s.store.Person(r.Context(), a, c.PersonID)
	return c, p, err
}

func (s *Server) reviewCyclePage(w http.ResponseWriter, r *http.Request) error {
	c, p, err := s.reviewData(r)
	if err != nil {
		return err
	}
	f, ok := s.draftForm(r)
	if !ok {
		f = newForm(url.Values{"start_next": {"on"}, "next_starts_on": {s.store.Today()}})
		for _, g := range c.Goals {
			if g.Status == "active" {
				f.Values.Add("carry", id(g.ID))
			}
		}
	}
	return s.render(w, r, "cycle_review.html", cycleReviewView{Form: f, Person: p, Cycle: c, Today: s.store.Today()})
}

func (s *Server) reviewCycle(w http.ResponseWriter, r *http.Request) error {
	c, p, err := s.reviewData(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	in := store.CycleReview{Note: f.Raw("review_note"), StartNext: f.Checked("start_next"), NextStartsOn: f.Get("next_starts_on")}
	if in.StartNext {
		in.Carry = formIDs(f, "carry") // the boxes mean nothing without a next cycle
	}
	if f.Get("check") == "" {
		_, err = s.store.ReviewCycle(r.Context(), s.actor(r), c.ID, in)
	}
	if f.Get("check") != "" || f.Fail(err) {
		if e, ok := asInvalid(err); ok && e.Fields["starts_on"] != "" {
			f.Errors["next_starts_on"] = e.Fields["starts_on"]
			delete(f.Errors, "starts_on")
		}
		status := http.StatusUnprocessableEntity
		if f.Get("check") != "" {
			status = http.StatusOK
		}
		return s.renderStatus(w, r, status, "cycle_review.html", cycleReviewView{Form: f, Person: p, Cycle: c, Today: s.store.Today(), Hints: s.wordingHints(r, f.Raw("review_note"))})
	}
	if err != nil {
		return err
	}
	msg := localizer(r).T("messages.goals.review_saved")
	if in.StartNext {
		msg = localizer(r).T("messages.goals.review_saved_next")
	}
	return redirect(w, r, "/people/"+id(p.ID)+"#goals", msg)
}

// progressDraftPage offers back a progress note rescued when a session
// ended (the draft's path is where the form was sent): the goal's page,
// with the note in its field. Without a draft it is the goal's page.
func (s *Server) progressDraftPage(w http.ResponseWriter, r *http.Request) error {
	g, err := s.goalFromPath(r)
	if err != nil {
		return err
	}
	f, ok := s.draftForm(r)
	if !ok {
		return redirect(w, r, "/goals/"+id(g.ID), "")
	}
	v, err := s.goalPageView(r, g, nil, f)
	if err != nil {
		return err
	}
	return s.render(w, r, "goal.html", v)
}

// cycleDraftPage offers back a rescued "start a goal cycle" form on the
// person's page.
func (s *Server) cycleDraftPage(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, ok := s.draftForm(r)
	if !ok {
		return redirect(w, r, "/people/"+id(pid)+"#goals", "")
	}
	return s.renderPersonPage(w, r, http.StatusOK, pid, f)
}
