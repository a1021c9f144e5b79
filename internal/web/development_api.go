package web

import (
	"net/http"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/store"
	"peerpath/internal/workforce"
)

// The JSON API of workforce development records. A worker's id is their
// user id (the id of /api/v1/me). A record the caller may not see is 404;
// an action on a record they can see but may not take (a worker signing off
// themselves) is 403.

// workerJSON is a worker's development profile.
type workerJSON struct {
	ID              string   `json:"id"`
	Name            string   `json:"name"`
	Track           string   `json:"track" enum:",both,mental-health,addiction" doc:"empty until someone chooses the worker's track (never assumed)"`
	Languages       []string `json:"languages"`
	Specialisations []string `json:"specialisations" doc:"young-adult, older-adult, forensic, deaf, or free text"`
	SupervisorID    string   `json:"supervisor_id,omitempty"`
	ConfirmedStage  string   `json:"confirmed_stage,omitempty" doc:"the stage a supervisor or administrator confirmed: volunteer, 1 … 5"`
	ConfirmedOn     string   `json:"confirmed_on,omitempty" doc:"YYYY-MM-DD"`
	ConfirmedBy     string   `json:"confirmed_by,omitempty" doc:"who confirmed it"`
}

func toWorkerJSON(w store.Worker) workerJSON {
	out := workerJSON{ID: id(w.ID), Name: w.Name, Track: string(w.Track), Languages: w.Languages, Specialisations: w.Specialisations,
		SupervisorID: id(w.SupervisorID), ConfirmedStage: string(w.ConfirmedStage), ConfirmedOn: w.ConfirmedOn, ConfirmedBy: w.ConfirmedByName}
	if out.Languages == nil {
		out.Languages = []string{}
	}
	if out.Specialisations == nil {
		out.Specialisations = []string{}
	}
	return out
}

// workerPatchJSON changes a profile; absent fields stay as they are.
type workerPatchJSON struct {
	Track           *string   `json:"track,omitempty" enum:"both,mental-health,addiction"`
	Languages       *[]string `json:"languages,omitempty"`
	Specialisations *[]string `json:"specialisations,omitempty"`
	ConfirmedStage  *string   `json:"confirmed_stage,omitempty" doc:"the worker's supervisor or an administrator only (403 otherwise); \"\" clears it"`
}

func apiWorkerID(r *http.Request) (int64, error) { return pathWorker(r) }

func (s *Server) apiWorker(w http.ResponseWriter, r *http.Request) error {
	wid, err := apiWorkerID(r)
	if err != nil {
		return err
	}
	wk, err := s.store.Worker(r.Context(), s.actor(r), wid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toWorkerJSON(wk))
	return nil
}

func (s *Server) apiPatchWorker(w http.ResponseWriter, r *http.Request) error {
	wid, err := apiWorkerID(r)
	if err != nil {
		return err
	}
	var in workerPatchJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a := s.actor(r)
	wk, err := s.store.Worker(r.Context(), a, wid)
	if err != nil {
		return err
	}
	// Refuse before changing anything, so a refused request changes nothing.
	if in.ConfirmedStage != nil && !wk.Relation.CanVouch() {
		return core.Forbidden("Only the worker's supervisor or an administrator confirms a stage.")
	}
	if in.Track != nil || in.Languages != nil || in.Specialisations != nil {
		if wk, err = s.store.UpdateWorker(r.Context(), a, wid, store.WorkerUpdate{Track: in.Track, Languages: in.Languages, Specialisations: in.Specialisations}); err != nil {
			return err
		}
	}
	if in.ConfirmedStage != nil {
		if wk, err = s.store.ConfirmStage(r.Context(), a, wid, *in.ConfirmedStage, ""); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, toWorkerJSON(wk))
	return nil
}

// readinessJSON is a worker measured against all six stages.
type readinessJSON struct {
	Track      string               `json:"track" enum:",both,mental-health,addiction" doc:"empty until someone chooses the worker's track"`
	NeedsTrack bool                 `json:"needs_track" doc:"nobody has chosen the worker's track yet: there are no stages until someone does"`
	Stages     []stageReadinessJSON `json:"stages"`
}

type stageReadinessJSON struct {
	Stage        string                  `json:"stage" doc:"volunteer, 1, 2, 3, 4 or 5 (or the active chart's own stage keys)"`
	Ready        bool                    `json:"ready"`
	Requirements []requirementStatusJSON `json:"requirements"`
}

type requirementStatusJSON struct {
	Key       string               `json:"key"`
	Kind      string               `json:"kind" enum:"competency,prerequisite,training"`
	Label     string               `json:"label"`
	Status    string               `json:"status" enum:"met,not_met,waived,advantage,not_applicable,expired" doc:"not_applicable: a conditional item the organisation has not switched on (never blocks); expired: the credential that met it has lapsed (see expired_on)"`
	Blocking  bool                 `json:"blocking" doc:"the stage is not ready while this is not_met or expired"`
	Strength  string               `json:"strength,omitempty" enum:"required,expected,preferred" doc:"prerequisites: the strength in effect, the organisation's choice where the chart leaves it one"`
	ExpiredOn string               `json:"expired_on,omitempty" doc:"YYYY-MM-DD, with status expired"`
	Question  string               `json:"question,omitempty" doc:"with status not_applicable: what the organisation is asked to switch the item on"`
	Waiver    *readinessWaiverJSON `json:"waiver,omitempty" doc:"a waiver in effect, given on this item or carried from an earlier one under a grandfather clause"`
	Evidence  []evidenceJSON       `json:"evidence"`
}

// readinessWaiverJSON is a waiver as readiness shows it: who, when, why, and the
// item (and stage) it was given on when it carries from a grandfather
// clause at an earlier stage.
type readinessWaiverJSON struct {
	ByName           string `json:"by_name"`
	On               string `json:"on" doc:"YYYY-MM-DD"`
	Reason           string `json:"reason"`
	CarriedFrom      string `json:"carried_from,omitempty" doc:"the key of the item the waiver was given on"`
	CarriedFromStage string `json:"carried_from_stage,omitempty"`
}

// evidenceJSON is one piece of evidence. A waiver appears here too (kind
// "waiver"), with who granted it, when and why, so it shows wherever
// readiness is read.
type evidenceJSON struct {
	Kind  string `json:"kind" enum:"training,signoff,prerequisite,attestation,experience,credential,waiver"`
	Label string `json:"label"`
	On    string `json:"on,omitempty" doc:"YYYY-MM-DD"`
	ID    string `json:"id,omitempty" doc:"the record behind it, e.g. training:12"`
}

func toReadinessJSON(rd store.Readiness) readinessJSON {
	out := readinessJSON{Track: string(rd.Track), NeedsTrack: rd.NeedsTrack, Stages: []stageReadinessJSON{}}
	for _, st := range rd.Profile.Stages {
		sj := stageReadinessJSON{Stage: string(st.Stage), Ready: st.Ready, Requirements: []requirementStatusJSON{}}
		for _, req := range st.Requirements {
			rj := requirementStatusJSON{Key: req.Key, Kind: string(req.Kind), Label: req.Label, Status: string(req.Status), Blocking: req.Blocking,
				Strength: string(req.Strength), ExpiredOn: req.ExpiredOn, Evidence: []evidenceJSON{}}
			if string(req.Status) == "not_applicable" {
				rj.Question = req.Question
			}
			for _, e := range req.Evidence {
				rj.Evidence = append(rj.Evidence, evidenceJSON{Kind: e.Kind, Label: e.Label, On: e.On, ID: e.ID})
			}
			if wv := req.Waiver; wv != nil {
				label := "Waived by " + wv.ByName + ": " + wv.Reason
				if wv.CarriedFrom != "" {
					label = "Grandfathered by " + wv.ByName + ": " + wv.Reason + " (carried from " + wv.CarriedFromName + ")"
				}
				rj.Evidence = append(rj.Evidence, evidenceJSON{Kind: "waiver", Label: label, On: wv.On})
				rj.Waiver = &readinessWaiverJSON{ByName: wv.ByName, On: wv.On, Reason: wv.Reason, CarriedFrom: wv.CarriedFrom, CarriedFromStage: string(wv.CarriedFromStage)}
			}
			sj.Requirements = append(sj.Requirements, rj)
		}
		out.Stages = append(out.Stages, sj)
	}
	return out
}

func (s *Server) apiReadiness(w http.ResponseWriter, r *http.Request) error {
	wid, err := apiWorkerID(r)
	if err != nil {
		return err
	}
	_, rd, err := s.store.WorkerReadiness(r.Context(), s.actor(r), wid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toReadinessJSON(rd))
	return nil
}

// trainingJSON is a training completion.
type trainingJSON struct {
	ID          string  `json:"id"`
	ItemKey     string  `json:"item_key,omitempty" doc:"the chart's training item it completes"`
	Title       string  `json:"title"`
	CompletedOn string  `json:"completed_on" doc:"YYYY-MM-DD"`
	Provider    string  `json:"provider"`
	Hours       float64 `json:"hours"`
	Certificate bool    `json:"certificate" doc:"a certificate file was uploaded (through the web page)"`
}

type newTrainingJSON struct {
	ItemKey     string   `json:"item_key,omitempty" doc:"a training of the active chart; give item_key, title, or both"`
	Title       string   `json:"title,omitempty"`
	CompletedOn string   `json:"completed_on" doc:"YYYY-MM-DD, not in the future"`
	Hours       *float64 `json:"hours" doc:"required: 0 to 1000, decimals allowed"`
	Provider    string   `json:"provider,omitempty"`
}

func toTrainingJSON(t store.Training) trainingJSON {
	return trainingJSON{ID: id(t.ID), ItemKey: t.ItemKey, Title: t.Title, CompletedOn: t.CompletedOn, Provider: t.Provider, Hours: t.Hours.Float(), Certificate: t.DocumentID != 0}
}

func (s *Server) apiTrainings(w http.ResponseWriter, r *http.Request) error {
	wid, err := apiWorkerID(r)
	if err != nil {
		return err
	}
	page, err := listPage(r)
	if err != nil {
		return err
	}
	l, err := s.store.Trainings(r.Context(), s.actor(r), wid, page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(l, toTrainingJSON))
	return nil
}

func (s *Server) apiAddTraining(w http.ResponseWriter, r *http.Request) error {
	wid, err := apiWorkerID(r)
	if err != nil {
		return err
	}
	var in newTrainingJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	nt := store.NewTraining{ItemKey: in.ItemKey, Title: in.Title, CompletedOn: in.CompletedOn, Provider: in.Provider}
	switch {
	case in.Hours == nil:
		nt.HoursError = "Give the training's length in hours, from 0 to 1000."
	case *in.Hours < 0 || *in.Hours > store.MaxTrainingHours:
		nt.HoursError = "Give a number of hours from 0 to 1000."
	default:
		nt.Hours = workforce.HoursFromFloat(*in.Hours)
	}
	a := s.actor(r)
	tid, err := s.store.AddTraining(r.Context(), a, wid, nt)
	if err != nil {
		return err
	}
	t, err := s.store.Training(r.Context(), a, wid, tid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toTrainingJSON(t))
	return nil
}

// signoffJSON is a competency sign-off.
type signoffJSON struct {
	ID         string `json:"id"`
	ItemKey    string `json:"item_key"`
	ObservedOn string `json:"observed_on" doc:"YYYY-MM-DD"`
	Note       string `json:"note"`
	SignedBy   string `json:"signed_by" doc:"the user id of the supervisor or administrator"`
}

type newSignoffJSON struct {
	ItemKey    string `json:"item_key" doc:"a competency of the active chart"`
	ObservedOn string `json:"observed_on,omitempty" doc:"YYYY-MM-DD; today when absent"`
	Note       string `json:"note" doc:"a short observation of what the worker did"`
}

func (s *Server) apiSignOff(w http.ResponseWriter, r *http.Request) error {
	wid, err := apiWorkerID(r)
	if err != nil {
		return err
	}
	var in newSignoffJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.ObservedOn == "" {
		in.ObservedOn = s.store.Today()
	}
	a := s.actor(r)
	sid, err := s.store.SignOff(r.Context(), a, wid, store.NewSignoff{ItemKey: in.ItemKey, ObservedOn: in.ObservedOn, Note: in.Note})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, signoffJSON{ID: id(sid), ItemKey: in.ItemKey, ObservedOn: in.ObservedOn, Note: in.Note, SignedBy: id(a.UserID)})
	return nil
}

// waiverJSON is a waiver: who set a requirement aside for the worker, when and why.
type waiverJSON struct {
	ID       string `json:"id"`
	ItemKey  string `json:"item_key"`
	Reason   string `json:"reason"`
	WaivedOn string `json:"waived_on" doc:"YYYY-MM-DD"`
	WaivedBy string `json:"waived_by" doc:"the user id of the supervisor or administrator"`
}

type newWaiverJSON struct {
	ItemKey string `json:"item_key" doc:"a prerequisite or competency of the active chart"`
	Reason  string `json:"reason" doc:"e.g. grandfather clause"`
}

func (s *Server) apiWaive(w http.ResponseWriter, r *http.Request) error {
	wid, err := apiWorkerID(r)
	if err != nil {
		return err
	}
	var in newWaiverJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a := s.actor(r)
	wvid, err := s.store.Waive(r.Context(), a, wid, in.ItemKey, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, waiverJSON{ID: id(wvid), ItemKey: in.ItemKey, Reason: in.Reason, WaivedOn: s.store.Today(), WaivedBy: id(a.UserID)})
	return nil
}

// supervisionSessionJSON is a supervision session.
type supervisionSessionJSON struct {
	ID                       string `json:"id"`
	SuperviseeID             string `json:"supervisee_id"`
	SupervisorID             string `json:"supervisor_id"`
	SupervisorName           string `json:"supervisor_name"`
	HeldOn                   string `json:"held_on" doc:"YYYY-MM-DD"`
	Minutes                  int    `json:"minutes"`
	Mode                     string `json:"mode" enum:"in-person,phone,video"`
	Topics                   string `json:"topics"`
	SupervisorPeerCredential bool   `json:"supervisor_peer_credential" doc:"the supervisor held a CPS or Recovery Coach credential"`
}

type newSupervisionSessionJSON struct {
	SupervisorID             string `json:"supervisor_id,omitempty" doc:"the worker's current supervisor when absent"`
	HeldOn                   string `json:"held_on" doc:"YYYY-MM-DD"`
	Minutes                  int    `json:"minutes" doc:"1 to 600"`
	Mode                     string `json:"mode" enum:"in-person,phone,video"`
	Topics                   string `json:"topics,omitempty"`
	SupervisorPeerCredential *bool  `json:"supervisor_peer_credential,omitempty" doc:"when absent, whether the supervisor holds a current peer credential on record"`
}

func toSupervisionJSON(x store.SupervisionSession) supervisionSessionJSON {
	return supervisionSessionJSON{ID: id(x.ID), SuperviseeID: id(x.SuperviseeID), SupervisorID: id(x.SupervisorID), SupervisorName: x.SupervisorName,
		HeldOn: x.HeldOn, Minutes: x.Minutes, Mode: x.Mode, Topics: x.Topics, SupervisorPeerCredential: x.PeerCredential}
}

func (s *Server) apiSupervisionSessions(w http.ResponseWriter, r *http.Request) error {
	wid, err := apiWorkerID(r)
	if err != nil {
		return err
	}
	page, err := listPage(r)
	if err != nil {
		return err
	}
	_, l, err := s.store.SupervisionSessions(r.Context(), s.actor(r), wid, page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(l, toSupervisionJSON))
	return nil
}

func (s *Server) apiAddSession(w http.ResponseWriter, r *http.Request) error {
	wid, err := apiWorkerID(r)
	if err != nil {
		return err
	}
	var in newSupervisionSessionJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ns := store.NewSupervisionSession{HeldOn: in.HeldOn, Minutes: in.Minutes, Mode: in.Mode, Topics: in.Topics, PeerCredential: in.SupervisorPeerCredential}
	if in.SupervisorID != "" {
		if ns.SupervisorID, err = parseID("supervisor_id", in.SupervisorID); err != nil {
			return err
		}
	}
	a := s.actor(r)
	sid, err := s.store.AddSupervisionSession(r.Context(), a, wid, ns)
	if err != nil {
		return err
	}
	x, err := s.store.SupervisionSession(r.Context(), a, wid, sid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toSupervisionJSON(x))
	return nil
}

// credentialJSON is a credential held.
type credentialJSON struct {
	ID        string `json:"id"`
	Kind      string `json:"kind" enum:"cps,recovery-coach,other"`
	Name      string `json:"name" doc:"the credential's name (given for other; the kind's name otherwise)"`
	Number    string `json:"number"`
	Issuer    string `json:"issuer" doc:"the body that granted the credential, e.g. Transformation Center"`
	IssuedOn  string `json:"issued_on" doc:"YYYY-MM-DD"`
	ExpiresOn string `json:"expires_on,omitempty" doc:"YYYY-MM-DD; absent when it does not expire (with no renewal rule set, none is worked out)"`
	Current   bool   `json:"current" doc:"held today: issued and not expired"`
	Reminder  string `json:"reminder,omitempty" enum:"upcoming,soon,expired" doc:"upcoming within 90 (or 60) days of expiry, soon within 30, expired after"`
	// RenewalRuleSet and RenewalRule: peerpath ships no renewal rule.
	RenewalRuleSet bool   `json:"renewal_rule_set" doc:"false when the organisation had set no renewal rule for this kind when the credential was recorded (every credential recorded before renewal rules became the organisation's)"`
	RenewalRule    string `json:"renewal_rule" doc:"the organisation's renewal rule the credential was recorded under, in words, or 'Renewal rule not set'"`
}

type newCredentialJSON struct {
	Kind      string `json:"kind" enum:"cps,recovery-coach,other"`
	Name      string `json:"name,omitempty" doc:"required for other"`
	Number    string `json:"number,omitempty"`
	Issuer    string `json:"issuer" doc:"required: the body that granted the credential, e.g. Transformation Center"`
	IssuedOn  string `json:"issued_on" doc:"YYYY-MM-DD"`
	ExpiresOn string `json:"expires_on,omitempty" doc:"YYYY-MM-DD; when absent and the organisation has a renewal rule for the kind, worked out from it"`
}

func toCredentialJSON(c store.Credential) credentialJSON {
	return credentialJSON{ID: id(c.ID), Kind: string(c.Kind), Name: c.Label(), Number: c.Number, Issuer: c.Issuer, IssuedOn: c.IssuedOn,
		ExpiresOn: c.ExpiresOn, Current: c.Current, Reminder: c.Reminder.Level, RenewalRuleSet: c.RenewalRule != "", RenewalRule: c.RenewalRuleLabel()}
}

func (s *Server) apiCredentials(w http.ResponseWriter, r *http.Request) error {
	wid, err := apiWorkerID(r)
	if err != nil {
		return err
	}
	page, err := listPage(r)
	if err != nil {
		return err
	}
	l, err := s.store.Credentials(r.Context(), s.actor(r), wid, page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(l, toCredentialJSON))
	return nil
}

func (s *Server) apiAddCredential(w http.ResponseWriter, r *http.Request) error {
	wid, err := apiWorkerID(r)
	if err != nil {
		return err
	}
	var in newCredentialJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a := s.actor(r)
	cid, err := s.store.AddCredential(r.Context(), a, wid, store.NewCredential{Kind: workforce.CredentialKind(in.Kind), Name: in.Name, Number: in.Number,
		Issuer: in.Issuer, IssuedOn: in.IssuedOn, ExpiresOn: in.ExpiresOn})
	if err != nil {
		return err
	}
	d, err := s.store.Credential(r.Context(), a, wid, cid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toCredentialJSON(d.Credential))
	return nil
}

// ethicsVersionJSON is the current Code of Ethics and whether the caller
// has signed it.
type ethicsVersionJSON struct {
	Hash        string     `json:"hash" doc:"SHA-256 of the text; send it back to sign"`
	Title       string     `json:"title"`
	Text        string     `json:"text"`
	Shipped     bool       `json:"shipped" doc:"peerpath's own summary rather than the organisation's official text"`
	PublishedAt time.Time  `json:"published_at"`
	Signed      bool       `json:"signed" doc:"the caller has signed this version"`
	SignedAt    *time.Time `json:"signed_at"`
}

func (s *Server) apiEthicsCurrent(w http.ResponseWriter, r *http.Request) error {
	st, err := s.store.EthicsStatusOf(r.Context(), s.actor(r), principal(r).User.ID)
	if err != nil {
		return err
	}
	out := ethicsVersionJSON{Hash: st.Current.Hash, Title: st.Current.Title, Text: st.Current.Text, Shipped: st.Current.Shipped, PublishedAt: st.Current.PublishedAt.UTC()}
	if st.Signed != nil {
		out.Signed, out.SignedAt = true, rfc3339(st.Signed.At)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type newAttestationJSON struct {
	Code        string `json:"code,omitempty" doc:"the code's key (see GET /api/v1/ethics/codes); missing means cps"`
	VersionHash string `json:"version_hash" doc:"the hash of the code's current version (409 if a newer one was published)"`
	TypedName   string `json:"typed_name" doc:"the caller's full name as on record; case, accents and extra spaces do not matter"`
}

// attestationJSON is a signature of a version of the code.
type attestationJSON struct {
	ID          string    `json:"id"`
	Code        string    `json:"code"`
	VersionHash string    `json:"version_hash"`
	TypedName   string    `json:"typed_name"`
	AttestedAt  time.Time `json:"attested_at"`
}

func (s *Server) apiAttest(w http.ResponseWriter, r *http.Request) error {
	var in newAttestationJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	at, created, err := s.store.AttestCode(r.Context(), s.actor(r), in.Code, in.VersionHash, in.TypedName)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK // already signed: the first signature stands
	}
	writeJSON(w, status, attestationJSON{ID: id(at.ID), Code: at.Code, VersionHash: at.VersionHash, TypedName: at.TypedName, AttestedAt: at.At.UTC()})
	return nil
}
