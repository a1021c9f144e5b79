package web

import (
	"net/http"
	"net/url"
	"strconv"

	"peerpath/internal/core"
	"peerpath/internal/store"
)

// Codes of ethics: reading and signing the current version of each code
// that applies to one's track (?code= picks one), the administrators' page
// for publishing the organisation's own text of each code and seeing who
// has not signed it, and ethics consultations on a worker's record.

type ethicsView struct {
	Status store.EthicsStatus   // the code shown
	All    []store.EthicsStatus // every code, with whether it applies
	Track  string               // the user's track in words
	Form   *form
	Name   string
}

// Heading says whether a one-line paragraph of a code's text is one of the
// subheadings of the text peerpath ships (workforce.DefaultEthicsText), so the
// page shows it as a heading. The words are the data's, in the data's
// language; the template keeps none of its own.
func (ethicsView) Heading(line string) bool {
	return line == "Five principles" || line == "Fourteen commitments"
}

// pickCode chooses the code a page shows: the one asked for, else the
// first that applies and is not signed, else the first that applies.
func pickCode(all []store.EthicsStatus, key string) (store.EthicsStatus, bool) {
	for _, st := range all {
		if key != "" && st.Code.Key == key {
			return st, true
		}
	}
	if key != "" {
		return store.EthicsStatus{}, false
	}
	for _, st := range all {
		if st.Applies && st.Needed() {
			return st, true
		}
	}
	for _, st := range all {
		if st.Applies {
			return st, true
		}
	}
	return all[0], true
}

func (s *Server) ethicsView(r *http.Request, f *form, code string) (ethicsView, error) {
	p := principal(r)
	all, err := s.store.EthicsStatusesOf(r.Context(), s.actor(r), p.User.ID)
	if err != nil {
		return ethicsView{}, err
	}
	st, ok := pickCode(all, code)
	if !ok {
		return ethicsView{}, core.NotFound("The code of ethics")
	}
	wk, err := s.store.Worker(r.Context(), s.actor(r), p.User.ID)
	if err != nil {
		return ethicsView{}, err
	}
	if f == nil {
		f = newForm(nil)
	}
	return ethicsView{Status: st, All: all, Track: store.TrackLabel(wk.Track), Form: f, Name: p.User.Name}, nil
}

func (s *Server) ethicsPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.ethicsView(r, nil, r.URL.Query().Get("code"))
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
	code := f.Get("code")
	if len(f.Errors) == 0 {
		_, _, err = s.store.AttestCode(r.Context(), s.actor(r), code, f.Get("version_hash"), f.Get("typed_name"))
		if e, ok := core.As(err); ok && e.Kind == core.KindConflict {
			// A new version came out while the page was open: show it.
			f.Errors["version_hash"] = e.Message
			err = nil
		}
		f.Fail(err)
	}
	if len(f.Errors) > 0 {
		v, verr := s.ethicsView(r, f, code)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "ethics.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/ethics?code="+url.QueryEscape(code), localizer(r).T("messages.ethics.thank_signature_recorded"))
}

type adminEthicsView struct {
	Codes    []store.EthicsCode
	Code     store.EthicsCode // the code shown
	Versions []store.EthicsVersion
	Current  store.EthicsVersion
	Missing  []store.User
	Next     string
	Form     *form
}

func (s *Server) adminEthicsView(r *http.Request, f *form, code string) (adminEthicsView, error) {
	codes, err := s.store.EthicsCodes(r.Context(), principal(r).Org.ID)
	if err != nil {
		return adminEthicsView{}, err
	}
	all, err := s.store.EthicsVersions(r.Context(), principal(r).Org.ID)
	if err != nil {
		return adminEthicsView{}, err
	}
	ec, missing, err := s.store.NotAttestedCode(r.Context(), s.actor(r), code, store.Page{Limit: 50, Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		return adminEthicsView{}, err
	}
	var vs []store.EthicsVersion
	for _, v := range all {
		if v.Code == ec.Key {
			vs = append(vs, v)
		}
	}
	if f == nil {
		// Editing a code starts from its current text.
		f = newForm(url.Values{"text": {ec.Current.Text}})
	}
	return adminEthicsView{Codes: codes, Code: ec, Versions: vs, Current: ec.Current, Missing: missing.Items, Next: missing.Next, Form: f}, nil
}

func (s *Server) adminEthics(w http.ResponseWriter, r *http.Request) error {
	v, err := s.adminEthicsView(r, nil, r.URL.Query().Get("code"))
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
	code := f.Get("code")
	_, err = s.store.PublishEthicsCode(r.Context(), s.actor(r), code, f.Get("title"), f.Raw("text"))
	if e, ok := core.As(err); ok && e.Kind == core.KindConflict {
		err = core.Invalid(e.Fields)
	}
	if f.Fail(err) {
		v, verr := s.adminEthicsView(r, f, code)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "admin_ethics.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin/ethics?code="+url.QueryEscape(code), localizer(r).T("messages.ethics.new_version_published"))
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
	return redirect(w, r, workerBase(id)+"/consultations/"+strconv.FormatInt(cid, 10), localizer(r).T("messages.ethics.situation_recorded_supervisor"))
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
		msg := localizer(r).T("messages.ethics.guidance_recorded")
		if guidance {
			err = s.store.GiveGuidance(r.Context(), s.actor(r), id, cid, f.Get("guidance"))
		} else {
			msg = localizer(r).T("messages.ethics.outcome_recorded")
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
