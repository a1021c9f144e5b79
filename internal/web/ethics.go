package web

import (
	"net/http"
	"net/url"
	"strconv"

	"peerpath/internal/core"
	"peerpath/internal/store"
)

// The Code of Ethics: reading and signing the current version, the
// administrators' page for publishing the organisation's own text and
// seeing who has not signed, and ethics consultations on a worker's record.

type ethicsView struct {
	Status store.EthicsStatus
	Form   *form
	Name   string
}

func (s *Server) ethicsView(r *http.Request, f *form) (ethicsView, error) {
	p := principal(r)
	st, err := s.store.EthicsStatusOf(r.Context(), s.actor(r), p.User.ID)
	if err != nil {
		return ethicsView{}, err
	}
	if f == nil {
		f = newForm(nil)
	}
	return ethicsView{Status: st, Form: f, Name: p.User.Name}, nil
}

func (s *Server) ethicsPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.ethicsView(r, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, "ethics.html", v)
}

func (s *Server) attestEthics(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	if !f.Checked("confirm") {
		// Say everything that is wrong at once, though nothing is signed.
		f.Errors["confirm"] = "Tick the box to confirm you have read the code and commit to it."
		if msg := store.SignatureProblem(principal(r).User.Name, f.Get("typed_name")); msg != "" {
			f.Errors["typed_name"] = msg
		}
	}
	if len(f.Errors) == 0 {
		_, _, err = s.store.Attest(r.Context(), s.actor(r), f.Get("version_hash"), f.Get("typed_name"))
		if e, ok := core.As(err); ok && e.Kind == core.KindConflict {
			// A new version came out while the page was open: show it.
			f.Errors["version_hash"] = e.Message
			err = nil
		}
		f.Fail(err)
	}
	if len(f.Errors) > 0 {
		v, verr := s.ethicsView(r, f)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "ethics.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/ethics", "Thank you. Your signature is recorded.")
}

type adminEthicsView struct {
	Versions []store.EthicsVersion
	Current  store.EthicsVersion
	Missing  []store.User
	Next     string
	Form     *form
}

func (s *Server) adminEthicsView(r *http.Request, f *form) (adminEthicsView, error) {
	vs, err := s.store.EthicsVersions(r.Context(), principal(r).Org.ID)
	if err != nil {
		return adminEthicsView{}, err
	}
	cur, missing, err := s.store.NotAttested(r.Context(), s.actor(r), store.Page{Limit: 50, Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		return adminEthicsView{}, err
	}
	if f == nil {
		f = newForm(nil)
	}
	return adminEthicsView{Versions: vs, Current: cur, Missing: missing.Items, Next: missing.Next, Form: f}, nil
}

func (s *Server) adminEthics(w http.ResponseWriter, r *http.Request) error {
	v, err := s.adminEthicsView(r, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, "admin_ethics.html", v)
}

func (s *Server) publishEthics(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	_, err = s.store.PublishEthics(r.Context(), s.actor(r), f.Get("title"), f.Raw("text"))
	if e, ok := core.As(err); ok && e.Kind == core.KindConflict {
		err = core.Invalid(e.Fields)
	}
	if f.Fail(err) {
		v, verr := s.adminEthicsView(r, f)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "admin_ethics.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin/ethics", "The new version is published. Everyone is asked to sign it.")
}

// ---- Ethics consultations ----

type consultationsView struct {
	workerHead
	Consultations []store.Consultation
	Next          string
	Form          *form
}

func (s *Server) consultationsView(r *http.Request, f *form) (consultationsView, error) {
	id, err := pathWorker(r)
	if err != nil {
		return consultationsView{}, err
	}
	wk, l, err := s.store.Consultations(r.Context(), s.actor(r), id, store.Page{Limit: 25, Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		return consultationsView{}, err
	}
	h, err := s.head(r, wk, "consultations")
	if err != nil {
		return consultationsView{}, err
	}
	if f == nil {
		f = newForm(nil)
		if d, ok := s.draftForm(r); ok {
			f = d
		}
	}
	return consultationsView{workerHead: h, Consultations: l.Items, Next: l.Next, Form: f}, nil
}

func (s *Server) consultationsPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.consultationsView(r, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, "development_consultations.html", v)
}

func (s *Server) addConsultation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathWorker(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	cid, err := s.store.AddConsultation(r.Context(), s.actor(r), id, f.Get("situation"))
	if f.Fail(err) {
		v, verr := s.consultationsView(r, f)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "development_consultations.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, workerBase(id)+"/consultations/"+strconv.FormatInt(cid, 10), "The situation is recorded. Your supervisor can now add guidance.")
}

type consultationView struct {
	workerHead
	C       store.Consultation
	Form    *form
	Outcome *form
}

func (s *Server) consultationView(r *http.Request, f, of *form) (consultationView, error) {
	id, err := pathWorker(r)
	if err != nil {
		return consultationView{}, err
	}
	cid, err := pathID(r, "sid")
	if err != nil {
		return consultationView{}, err
	}
	wk, c, err := s.store.Consultation(r.Context(), s.actor(r), id, cid)
	if err != nil {
		return consultationView{}, err
	}
	h, err := s.head(r, wk, "consultations")
	if err != nil {
		return consultationView{}, err
	}
	if f == nil {
		f = newForm(url.Values{"guidance": {c.Guidance}})
	}
	if of == nil {
		of = newForm(nil)
	}
	return consultationView{workerHead: h, C: c, Form: f, Outcome: of}, nil
}

func (s *Server) consultationPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.consultationView(r, nil, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, "development_consultation.html", v)
}

func (s *Server) consultationStep(guidance bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
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
		msg := "Your guidance is recorded."
		if guidance {
			err = s.store.GiveGuidance(r.Context(), s.actor(r), id, cid, f.Get("guidance"))
		} else {
			msg = "The outcome is recorded and the consultation is closed."
			err = s.store.RecordOutcome(r.Context(), s.actor(r), id, cid, f.Get("outcome"))
		}
		if f.Fail(err) {
			var v consultationView
			var verr error
			if guidance {
				v, verr = s.consultationView(r, f, nil)
			} else {
				v, verr = s.consultationView(r, nil, f)
			}
			if verr != nil {
				return verr
			}
			return s.renderStatus(w, r, http.StatusUnprocessableEntity, "development_consultation.html", v)
		}
		if err != nil {
			return err
		}
		return redirect(w, r, workerBase(id)+"/consultations/"+strconv.FormatInt(cid, 10), msg)
	}
}
