package web

import (
	"net/http"
	"net/url"
	"strconv"

	"peerpath/internal/core"
	"peerpath/internal/i18n"
	"peerpath/internal/language"
	"peerpath/internal/store"
)

// Referrals (followed up until they connect) and consent to peer support.

type referralFormView struct {
	Form      *form
	Person    store.Person
	Referral  store.Referral
	Resources []store.Resource
	Statuses  []option
	Hints     []language.Hint
	Today     string
	Need      store.Need // the area of need the referral starts from (issue 13)
}

func (s *Server) referralFormView(r *http.Request, f *form, p store.Person) (referralFormView, error) {
	l, err := s.store.ListResources(r.Context(), s.actor(r), store.ResourceFilter{}, store.Page{Limit: store.MaxLimit})
	if err != nil {
		return referralFormView{}, err
	}
	return referralFormView{Form: f, Person: p, Resources: l.Items, Hints: s.wordingHints(r, f.Raw("reason")), Today: s.store.Today()}, nil
}

func (s *Server) newReferralPage(w http.ResponseWriter, r *http.Request) error {
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
		f = newForm(url.Values{"made_on": {s.store.Today()}, "resource_id": {r.URL.Query().Get("resource")}})
	}
	v, err := s.referralFormView(r, f, p)
	if err != nil {
		return err
	}
	if err := s.referralFromNeed(r, &v, r.URL.Query().Get("need"), !ok); err != nil { // issue 13
		return err
	}
	return s.render(w, r, "referral_form.html", v)
}

func (s *Server) newReferral(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	a := s.actor(r)
	rid, _ := strconv.ParseInt(f.Get("resource_id"), 10, 64)
	in := store.ReferralInput{PersonID: pid, ResourceID: rid, ResourceName: f.Get("resource_name"), Reason: f.Raw("reason"),
		MadeOn: f.Get("made_on"), FollowUpOn: f.Get("follow_up_on")}
	in.NeedID, _ = strconv.ParseInt(f.Get("need_id"), 10, 64) // issue 13
	if f.Get("check") == "" {
		_, err = s.store.CreateReferral(r.Context(), a, in)
	}
	if f.Get("check") != "" || f.Fail(err) {
		if msg := f.Errors["resource"]; msg != "" {
			f.Errors["resource_id"] = msg // the message sits by the directory's list
			delete(f.Errors, "resource")
		}
		p, perr := s.store.Person(r.Context(), a, pid)
		if perr != nil {
			return perr
		}
		v, verr := s.referralFormView(r, f, p)
		if verr != nil {
			return verr
		}
		if verr := s.referralFromNeed(r, &v, f.Get("need_id"), false); verr != nil { // issue 13
			return verr
		}
		status := http.StatusUnprocessableEntity
		if f.Get("check") != "" {
			status = http.StatusOK
		}
		return s.renderStatus(w, r, status, "referral_form.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/people/"+id(pid)+"#referrals", localizer(r).T("messages.referrals.referral_made_follow"))
}

// nextReferralStatuses are the choices offered for an open referral.
func nextReferralStatuses(l *i18n.Localizer, current string) []option {
	if current == store.ReferralContacted {
		return options(l, "referral", []string{store.ReferralContacted, store.ReferralConnected, store.ReferralNotConnected})
	}
	return options(l, "referral", store.ReferralStatuses)
}

func (s *Server) referralPageView(r *http.Request, ref store.Referral, f *form) (referralFormView, error) {
	p, err := s.store.Person(r.Context(), s.actor(r), ref.PersonID)
	if err != nil {
		return referralFormView{}, err
	}
	if f == nil {
		f = newForm(url.Values{"status": {ref.Status}, "follow_up_on": {ref.FollowUpOn}, "outcome_note": {ref.OutcomeNote}})
	}
	return referralFormView{Form: f, Person: p, Referral: ref, Statuses: nextReferralStatuses(localizer(r), ref.Status),
		Hints: s.wordingHints(r, f.Raw("outcome_note")), Today: s.store.Today()}, nil
}

func (s *Server) referralPage(w http.ResponseWriter, r *http.Request) error {
	rid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ref, err := s.store.Referral(r.Context(), s.actor(r), rid)
	if err != nil {
		return err
	}
	f, _ := s.draftForm(r) // nil without a draft
	v, err := s.referralPageView(r, ref, f)
	if err != nil {
		return err
	}
	return s.render(w, r, "referral.html", v)
}

func (s *Server) updateReferral(w http.ResponseWriter, r *http.Request) error {
	rid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := s.actor(r)
	ref, err := s.store.Referral(r.Context(), a, rid)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	st, follow, note := f.Get("status"), f.Get("follow_up_on"), f.Raw("outcome_note")
	if f.Get("check") == "" {
		_, err = s.store.UpdateReferral(r.Context(), a, rid, store.ReferralUpdate{Status: &st, FollowUpOn: &follow, OutcomeNote: &note})
	}
	if f.Get("check") != "" || f.Fail(err) {
		v, verr := s.referralPageView(r, ref, f)
		if verr != nil {
			return verr
		}
		status := http.StatusUnprocessableEntity
		if f.Get("check") != "" {
			status = http.StatusOK
		}
		return s.renderStatus(w, r, status, "referral.html", v)
	}
	if err != nil {
		return err
	}
	to := "/people/" + id(ref.PersonID) + "#referrals"
	if ret := f.Get("return"); ret != "" {
		to = safeNext(ret)
	}
	return redirect(w, r, to, localizer(r).T("messages.referrals.referral_updated"))
}

type consentView struct {
	Form   *form
	Person store.Person
	Max    int
}

func (s *Server) consentPage(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.store.Person(r.Context(), s.actor(r), pid)
	if err != nil {
		return err
	}
	f := newForm(url.Values{"given_on": {s.store.Today()}, "covers": {"Peer support, and keeping notes of our contacts in peerpath."}})
	if d, ok := s.draftForm(r); ok {
		f = d
	}
	return s.render(w, r, "consent_form.html", consentView{Form: f, Person: p, Max: MaxUpload >> 20})
}

func (s *Server) recordConsent(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := s.actor(r)
	// Check access before reading a file into memory.
	if err := s.store.CheckPersonVisible(r.Context(), a, pid); err != nil {
		return err
	}
	f, err := parseMultipart(r)
	if err != nil {
		return err
	}
	doc, err := readUpload(r, "document")
	if err == nil {
		_, err = s.store.RecordConsent(r.Context(), a, pid, store.ConsentInput{GivenOn: f.Get("given_on"), Covers: f.Get("covers"), WitnessedBy: f.Get("witnessed_by"), Document: doc})
	}
	if e, ok := asInvalidOrTooLarge(err); ok {
		for k, v := range e {
			f.Errors[k] = v
		}
		p, perr := s.store.Person(r.Context(), a, pid)
		if perr != nil {
			return perr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "consent_form.html", consentView{Form: f, Person: p, Max: MaxUpload >> 20})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/people/"+id(pid), localizer(r).T("messages.referrals.consent_recorded"))
}

func (s *Server) withdrawConsent(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	a := s.actor(r)
	c, err := s.store.WithdrawConsent(r.Context(), a, cid, f.Get("withdrawn_on"), f.Get("withdrawn_note"))
	if f.Fail(err) {
		// The form sits on the person's page: show it again there.
		cur, cerr := s.store.Consent(r.Context(), a, cid)
		if cerr != nil {
			return cerr
		}
		return s.renderPersonPage(w, r, http.StatusUnprocessableEntity, cur.PersonID, f)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/people/"+id(c.PersonID), localizer(r).T("messages.referrals.withdrawal_consent_recorded"))
}

func (s *Server) consentDocument(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, data, err := s.store.ConsentDocument(r.Context(), s.actor(r), cid)
	if err != nil {
		return err
	}
	serveDocument(w, d, data)
	return nil
}

// asInvalidOrTooLarge returns the field messages of a validation error or of
// a file that was too large, which a form shows beside its fields.
func asInvalidOrTooLarge(err error) (map[string]string, bool) {
	e, ok := core.As(err)
	if !ok || len(e.Fields) == 0 {
		return nil, false
	}
	switch e.Kind {
	case core.KindInvalid, core.KindMalformed, core.KindTooLarge:
		return e.Fields, true
	}
	return nil, false
}

// withdrawDraftPage offers back a rescued withdrawal of consent on the
// person's page.
func (s *Server) withdrawDraftPage(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.store.Consent(r.Context(), s.actor(r), cid)
	if err != nil {
		return err
	}
	f, ok := s.draftForm(r)
	if !ok {
		return redirect(w, r, "/people/"+id(c.PersonID), "")
	}
	return s.renderPersonPage(w, r, http.StatusOK, c.PersonID, f)
}
