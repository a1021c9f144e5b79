package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"peerpath/internal/auth"
	"peerpath/internal/store"
)

// homeView is the home page: one section per role the user holds, each
// with its own empty state saying what to do next.
type homeView struct {
	P            *store.Principal
	Drafts       int
	Supervisees  []store.User
	NeedsMFA     bool // an administrator whose organisation requires a second factor
	SuggestMFA   bool
	UserCount    int
	MoreUsers    bool
	IsPeer       bool
	IsSupervisor bool
	IsTrainer    bool
	IsAdmin      bool
	Learning     *learningSummary      // cards due, last quiz (learning.go)
	Cohorts      []store.CohortSummary // the trainer's cohorts that have not ended
	MyCourses    int                   // courses the user takes part in
	Development  homeDevelopment       // the user's own development, and their team's (development.go)
	// People you support (peer workers) and the team (supervisors).
	Today       string
	Overdue     []store.CaseloadRow
	MoreOverdue bool
	FollowUps   []store.Referral
	Team        []store.TeamMember
	// Groups (issue 7): the groups the user facilitates, with their next
	// sessions, for anyone who works with people.
	WorksWithPeople bool
	MyGroups        []groupRow
	// Recovery picture (issue 13): the peer worker's people due a recovery
	// capital check, by the organisation's number of days.
	RecoveryDue       []store.DueCheck
	MoreRecoveryDue   bool
	RecoveryCheckDays int
	// Follow-up schedules (issue 17): the worker's own people's assessment
	// points due now and overdue.
	AssessDue, AssessOverdue []store.FollowUp
	MoreAssess               bool
	// First day (issue 16): whether the user's roles are in the development
	// framework, and an administrator's setup checklist until it is done.
	InFramework bool
	Setup       *store.SetupChecklist
	Departed    []store.StrandedWorker // workers who left, with people to hand over
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	if p.User.IsPortal() { // a person supported: their own portal
		http.Redirect(w, r, "/portal", http.StatusSeeOther)
		return nil
	}
	ctx := r.Context()
	me := s.actor(r)
	v := homeView{
		P: p, IsPeer: me.HasOwnPeople(), IsSupervisor: me.SupervisesWorkers(),
		IsTrainer: me.TrainsCohorts(), IsAdmin: me.MayManageUsers(),
	}
	v.NeedsMFA = !p.User.TOTPEnabled && p.Org.SecondFactorRequired(p.User.Roles) // never shown: such a user is sent to the set-up
	v.SuggestMFA = !v.NeedsMFA && !p.User.TOTPEnabled
	drafts, err := s.store.Drafts(ctx, p.User.ID)
	if err != nil {
		return err
	}
	v.Drafts = len(drafts)
	v.Today = s.store.Today()
	if v.IsPeer {
		a := s.actor(r)
		l, err := s.store.ListPeople(ctx, a, store.PeopleFilter{Overdue: true, WorkerID: p.User.ID}, store.Page{Limit: 5})
		if err != nil {
			return err
		}
		v.Overdue, v.MoreOverdue = l.Items, l.Next != ""
		if v.FollowUps, err = s.store.FollowUpsDue(ctx, a, p.User.ID, 5); err != nil {
			return err
		}
		if v.RecoveryDue, v.MoreRecoveryDue, v.RecoveryCheckDays, err = s.store.RecoveryChecksDue(ctx, a, 5); err != nil { // issue 13
			return err
		}
		for _, l := range []struct {
			status string
			into   *[]store.FollowUp
		}{{store.FollowUpsDue, &v.AssessDue}, {store.FollowUpsOverdue, &v.AssessOverdue}} { // issue 17
			got, err := s.store.FollowUps(ctx, a, store.FollowUpFilter{Status: l.status, Mine: true}, store.Page{Limit: 5})
			if err != nil {
				return err
			}
			*l.into, v.MoreAssess = got.Items, v.MoreAssess || got.Next != ""
		}
	}
	if v.IsSupervisor {
		if v.Supervisees, err = s.store.Supervisees(ctx, p.Org.ID, p.User.ID); err != nil {
			return err
		}
		if v.Team, err = s.store.Team(ctx, s.actor(r)); err != nil {
			return err
		}
	}
	// Groups (issue 7).
	if v.WorksWithPeople = me.WorksWithPeople(); v.WorksWithPeople {
		gs, err := s.store.ListGroups(ctx, s.actor(r), store.GroupFilter{Mine: true}, store.Page{Limit: 10})
		if err != nil {
			return err
		}
		v.MyGroups = s.groupRows(gs.Items)
	}
	if v.IsTrainer {
		if v.Cohorts, err = s.store.TrainerCohorts(ctx, s.actor(r), 20); err != nil {
			return err
		}
	}
	v.InFramework = auth.InFramework(p.User.Roles)
	if v.Departed, err = s.store.DepartedWorkers(ctx, s.actor(r)); err != nil {
		return err
	}
	if v.Development, err = s.homeDevelopmentFor(r, v.InFramework, v.IsSupervisor); err != nil {
		return err
	}
	if v.IsAdmin {
		c, err := s.store.SetupChecklist(ctx, s.actor(r))
		if err != nil {
			return err
		}
		if !c.Done() {
			v.Setup = &c
		}
		users, err := s.store.ListUsers(ctx, p.Org.ID, store.Page{Limit: 100})
		if err != nil {
			return err
		}
		v.UserCount, v.MoreUsers = len(users.Items), users.Next != ""
	}
	if v.MyCourses, err = s.store.CountMyCourses(ctx, s.actor(r)); err != nil {
		return err
	}
	if v.Learning, err = s.learningSummary(r); err != nil {
		return err
	}
	return s.render(w, r, "home.html", v)
}

// healthz answers "ok" only when the database both answers and can commit
// a write: a read-only file or a full disk leaves reads working, and a check
// that only read would call a peerpath that loses every save healthy. When
// something is wrong it says what, in one line, with status 503.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	problem := ""
	if err := s.store.Ping(ctx); err != nil {
		s.log.Error("health check: reading", "err", err)
		problem = "database unreachable"
	} else if err := s.store.CheckWrite(ctx); err != nil {
		s.log.Error("health check: writing", "err", err)
		problem = "database refuses writes: " + store.WriteProblem(err)
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			problem = "database refuses writes: a write did not commit within 5 seconds"
		}
	}
	if problem != "" {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(problem + "\n"))
		return nil
	}
	w.Write([]byte("ok\n" + replicaLine(s.store.ReplicaStatus())))
	return nil
}

// replicaLine is /healthz's second line when a replica is configured (issue
// 19). peerpath works without it, so the status stays 200: the line says
// whether reports read from the replica, or from the primary and why.
func replicaLine(st store.ReplicaStatus) string {
	switch {
	case !st.Configured:
		return ""
	case st.InUse:
		return fmt.Sprintf("replica: in use, %s behind\n", st.Lag.Round(time.Millisecond))
	default:
		return "replica: not in use, reports read from the primary: " + st.Problem + "\n"
	}
}

type draftsView struct {
	Drafts []store.Draft
}

func (s *Server) drafts(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.store.Drafts(r.Context(), principal(r).User.ID)
	if err != nil {
		return err
	}
	return s.render(w, r, "drafts.html", draftsView{Drafts: ds})
}

func (s *Server) discardDraft(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteDraft(r.Context(), principal(r).User.ID, id); err != nil {
		return err
	}
	return redirect(w, r, "/drafts", localizer(r).T("messages.home.draft_discarded"))
}

// draftForm returns the form values of the draft named by ?draft= when it
// belongs to the user and was sent to this same path, so a form page can
// offer back what was typed before a session ended.
func (s *Server) draftForm(r *http.Request) (*form, bool) {
	p := principal(r)
	raw := r.URL.Query().Get("draft")
	if p == nil || raw == "" {
		return nil, false
	}
	id, err := parseID("draft", raw)
	if err != nil {
		return nil, false
	}
	d, err := s.store.Draft(r.Context(), p.User.ID, id)
	if err != nil || d.Path != r.URL.Path {
		return nil, false
	}
	f := newForm(d.Form)
	for _, field := range f.Values[draftFilesKey] {
		f.Errors[field] = "Choose this file again: your session ended as you sent the form, and a draft keeps only what you typed, not the file."
	}
	f.Values.Del(draftFilesKey)
	f.Values.Set("draft", raw) // sent back with the form, so saving it discards the draft
	return f, true
}

// draftFilesKey lists, in a draft of an upload form, the file fields whose
// file must be chosen again.
const draftFilesKey = "_choose_again"
