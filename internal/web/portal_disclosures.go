package web

import (
	"net/http"

	"peerpath/internal/core"
	"peerpath/internal/i18n"
	"peerpath/internal/store"
)

// The disclosures of the person's records outside the organisation, in
// their portal (issue 18): the accounting of disclosures of the last 3 years
// (42 CFR 2.25), each with when, to whom, what, why, and the consent that
// allowed it or the medical emergency it was made in. A page of its own,
// /portal/disclosures, linked from the portal home and from "who has looked
// at my record"; a PDF of it in the person's language; and the API's
// GET /api/v1/me/disclosures. The store's MyDisclosures finds the person
// from the session, never from the address, and audits the read.

// portalDisclosure is a disclosure as the person reads it.
type portalDisclosure struct {
	On, Recipient, Information, Purpose string
	Emergency                           bool
	Nature, Affiliation, By             string
	// Consent is the consent it was made under, with whether it stands
	// now (nil in an emergency); Changed says a newer version exists.
	Consent *portalPart2
	Changed bool
}

type portalDisclosuresView struct {
	From, To string
	Items    []portalDisclosure // newest first
}

// portalDisclosures puts an accounting in the person's words, newest first.
func portalDisclosures(l *i18n.Localizer, acc store.Accounting, today string) portalDisclosuresView {
	v := portalDisclosuresView{From: dayIn(l, acc.From), To: dayIn(l, acc.To)}
	for i := len(acc.Disclosures) - 1; i >= 0; i-- {
		d := acc.Disclosures[i]
		pd := portalDisclosure{On: dayIn(l, d.DisclosedOn), Recipient: d.Recipient, Information: d.Information, Purpose: d.Purpose, Emergency: d.Emergency}
		if d.Emergency {
			pd.On = l.T("portal.disclosures.at", "Date", pd.On, "Time", core.TimeOf(d.DisclosedTime))
			pd.Nature, pd.Affiliation, pd.By = d.EmergencyNature, d.RecipientAffiliation, d.DisclosedByName
		}
		if c, ok := acc.Consents[d.ConsentID]; ok {
			pc := toPortalPart2(l, c, today)
			pd.Consent, pd.Changed = &pc, c.Superseded()
		}
		v.Items = append(v.Items, pd)
	}
	return v
}

func (s *Server) portalDisclosuresPage(w http.ResponseWriter, r *http.Request) error {
	_, r, err := s.me(r)
	if err != nil {
		return err
	}
	acc, err := s.store.MyDisclosures(r.Context(), s.actor(r))
	if err != nil {
		return err
	}
	return s.render(w, r, "portal_disclosures.html", portalDisclosures(localizer(r), acc, s.store.Today()))
}

// portalDisclosuresPDF prints the person's accounting of disclosures in
// their language, as their worker would print it for them.
func (s *Server) portalDisclosuresPDF(w http.ResponseWriter, r *http.Request) error {
	_, r, err := s.me(r)
	if err != nil {
		return err
	}
	acc, err := s.store.MyDisclosures(r.Context(), s.actor(r))
	if err != nil {
		return err
	}
	return writeAccountingPDF(w, localizer(r), acc, principal(r).Org.IsDemo)
}

// ---- API ----

type myDisclosureConsentJSON struct {
	ID       string `json:"id"`
	SignedOn string `json:"signed_on"`
	Version  int    `json:"version"`
	State    string `json:"state" enum:"in_effect,withdrawn,ended,changed" doc:"the consent now; changed: a newer version of it exists (GET /api/v1/me/consents lists the newest). A disclosure made while it stood stands"`
}

type myDisclosureJSON struct {
	ID          string                   `json:"id"`
	DisclosedOn string                   `json:"disclosed_on"`
	Recipient   string                   `json:"recipient" doc:"to whom the records went"`
	Information string                   `json:"information" doc:"what was disclosed"`
	Purpose     string                   `json:"purpose" doc:"why"`
	Consent     *myDisclosureConsentJSON `json:"consent,omitempty" doc:"the person's Part 2 consent it was made under; absent in a medical emergency"`
	Emergency   *emergencyJSON           `json:"emergency,omitempty" doc:"a disclosure without consent in a medical emergency (42 CFR 2.51), with its details"`
}

type myDisclosuresJSON struct {
	From        string             `json:"from" doc:"the first day of the period: 3 years before today (42 CFR 2.25)"`
	To          string             `json:"to" doc:"today"`
	Disclosures []myDisclosureJSON `json:"disclosures" doc:"newest first; empty when nothing was shared"`
}

// toMyDisclosures is an accounting as the person's API answers it, newest first.
func toMyDisclosures(acc store.Accounting, today string) []myDisclosureJSON {
	out := []myDisclosureJSON{}
	en := i18n.In("en")
	for i := len(acc.Disclosures) - 1; i >= 0; i-- {
		d := acc.Disclosures[i]
		j := myDisclosureJSON{ID: id(d.ID), DisclosedOn: d.DisclosedOn, Recipient: d.Recipient, Information: d.Information, Purpose: d.Purpose}
		if c, ok := acc.Consents[d.ConsentID]; ok {
			state, _ := part2State(en, c, today)
			if c.Superseded() && c.Current() {
				state = "changed"
			}
			j.Consent = &myDisclosureConsentJSON{ID: id(c.ID), SignedOn: c.GivenOn, Version: c.Version, State: state}
		}
		if d.Emergency {
			j.Emergency = &emergencyJSON{Nature: d.EmergencyNature, RecipientAffiliation: d.RecipientAffiliation, DisclosedBy: d.DisclosedByName, DisclosedTime: d.DisclosedTime}
		}
		out = append(out, j)
	}
	return out
}

func (s *Server) apiMeDisclosures(w http.ResponseWriter, r *http.Request) error {
	acc, err := s.store.MyDisclosures(r.Context(), s.actor(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, myDisclosuresJSON{From: acc.From, To: acc.To, Disclosures: toMyDisclosures(acc, s.store.Today())})
	return nil
}

// accessHistoryJSON is "who has looked at my record": the entries of the
// audit log, and beside them the disclosures outside the organisation.
type accessHistoryJSON struct {
	listJSON[accessEntryJSON]
	Disclosures []myDisclosureJSON `json:"disclosures" doc:"the disclosures of the person's records outside the organisation in the last 3 years, newest first, as GET /api/v1/me/disclosures answers them"`
}
