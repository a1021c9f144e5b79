package web

import (
	"net/http"
	"strconv"

	"peerpath/internal/core"
	"peerpath/internal/store"
)

// Departed workers (issue 16). A worker who has left stays named on the
// people they supported until someone hands those people over; the team
// view lists such workers, with the hand-over, for their supervisor as
// well as for administrators.

// departedView is the team view's "workers who have left" section.
type departedView struct {
	Workers []store.StrandedWorker
	To      []option // who may take the people on
	Form    *form    // the hand-over form, with its errors
}

// departed fills the section for the actor: nil when there is nothing to
// hand over.
func (s *Server) departed(r *http.Request, team []store.TeamMember, f *form) (*departedView, error) {
	a := s.actor(r)
	ws, err := s.store.DepartedWorkers(r.Context(), a)
	if err != nil || len(ws) == 0 {
		return nil, err
	}
	v := &departedView{Workers: ws, Form: f}
	if v.Form == nil {
		v.Form = newForm(nil)
	}
	if a.HandsOverAnyone() {
		all, err := s.store.AssignableWorkers(r.Context(), a.OrgID)
		if err != nil {
			return nil, err
		}
		for _, w := range all {
			v.To = append(v.To, option{Value: id(w.ID), Label: w.Name})
		}
		return v, nil
	}
	// A supervisor hands over to themselves or to someone on their team.
	p := principal(r)
	v.To = append(v.To, option{Value: id(p.User.ID), Label: localizer(r).T("messages.team.you", "Name", p.User.Name)})
	for _, m := range team {
		if m.Worker.ID != p.User.ID {
			v.To = append(v.To, option{Value: id(m.Worker.ID), Label: m.Worker.Name})
		}
	}
	return v, nil
}

// teamHandOver hands a departed worker's people over, from the team view.
func (s *Server) teamHandOver(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	from, err := strconv.ParseInt(f.Get("from"), 10, 64)
	if err != nil || from <= 0 {
		return core.NotFound("This worker")
	}
	to, _ := strconv.ParseInt(f.Get("to"), 10, 64)
	n, err := s.store.HandOver(r.Context(), s.actor(r), from, to)
	if f.Fail(err) {
		return s.teamPage(w, r, f, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/team", localizer(r).N("n.messages.team.reassigned", n))
}
