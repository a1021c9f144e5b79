package web

import (
	"net/http"
	"strconv"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/store"
)

// The JSON API of consents and disclosures (issue 18), on the same store
// operations as the pages.

type signatureJSON struct {
	Method  string `json:"method" enum:"typed,drawn,witnessed"`
	Name    string `json:"name,omitempty" doc:"the name the person typed or signed (required when typed or witnessed)"`
	Witness string `json:"witness,omitempty" doc:"who witnessed a signature on paper (required when witnessed)"`
	Image   string `json:"image,omitempty" doc:"a drawn signature: data:image/png;base64,… (at most 200 KB; required when drawn)"`
}

type newConsentJSON struct {
	Kind        string         `json:"kind" enum:"part2,peer_support"`
	PersonName  string         `json:"person_name,omitempty" doc:"the person's name as it goes on the consent; their legal (or else preferred) name when empty"`
	Discloser   string         `json:"discloser,omitempty" doc:"part2: who may disclose (42 CFR 2.31(a)(2))"`
	Information string         `json:"information,omitempty" doc:"part2: what information, described specifically (2.31(a)(3))"`
	Recipient   string         `json:"recipient,omitempty" doc:"part2: to whom, by name (2.31(a)(4)); may be left out with tpo"`
	TPO         bool           `json:"tpo,omitempty" doc:"part2: the single consent for treatment, payment and health care operations"`
	Purpose     string         `json:"purpose,omitempty" doc:"part2: why (2.31(a)(5)); may be left out with tpo"`
	HowToRevoke string         `json:"how_to_revoke,omitempty" doc:"part2: the right to revoke and how (2.31(a)(6)); peerpath's statement in the person's language when empty"`
	ExpiresOn   string         `json:"expires_on,omitempty" doc:"part2: YYYY-MM-DD the consent ends; or give expiry_event"`
	ExpiryEvent string         `json:"expiry_event,omitempty" doc:"part2: the event that ends the consent; or give expires_on"`
	SignedOn    string         `json:"signed_on" doc:"YYYY-MM-DD, not in the future"`
	Signature   *signatureJSON `json:"signature,omitempty" doc:"part2: required"`
	Covers      string         `json:"covers,omitempty" doc:"peer_support: what the consent covers"`
	Replaces    string         `json:"replaces,omitempty" doc:"part2: the id of the consent this is a new version of (the older one is kept, marked superseded)"`
}

type consentJSON struct {
	ID          string         `json:"id"`
	PersonID    string         `json:"person_id"`
	Kind        string         `json:"kind" enum:"part2,peer_support"`
	State       string         `json:"state" enum:"active,revoked,superseded,expired"`
	SignedOn    string         `json:"signed_on"`
	Covers      string         `json:"covers,omitempty"`
	PersonName  string         `json:"person_name,omitempty"`
	Discloser   string         `json:"discloser,omitempty"`
	Information string         `json:"information,omitempty"`
	Recipient   string         `json:"recipient,omitempty"`
	TPO         bool           `json:"tpo,omitempty"`
	Purpose     string         `json:"purpose,omitempty"`
	HowToRevoke string         `json:"how_to_revoke,omitempty"`
	ExpiresOn   string         `json:"expires_on,omitempty"`
	ExpiryEvent string         `json:"expiry_event,omitempty"`
	Signature   *signatureJSON `json:"signature,omitempty"`
	SeriesID    string         `json:"series_id" doc:"the id of the consent's first version; every version shares it"`
	Version     int            `json:"version"`
	RevokedOn   string         `json:"revoked_on,omitempty"`
	RevokedAt   *time.Time     `json:"revoked_at,omitempty" doc:"when the revocation was recorded; from then on the consent covers no disclosure"`
	RevokedBy   string         `json:"revoked_by,omitempty" enum:"worker,person"`
	CreatedAt   time.Time      `json:"created_at"`
}

func consentStateWord(c store.Consent, today string) string {
	switch {
	case c.WithdrawnOn != "":
		return "revoked"
	case c.Superseded():
		return "superseded"
	case c.ExpiresOn != "" && c.ExpiresOn < today:
		return "expired"
	}
	return "active"
}

func toConsentJSON(c store.Consent, today string) consentJSON {
	j := consentJSON{ID: id(c.ID), PersonID: id(c.PersonID), Kind: c.Kind, State: consentStateWord(c, today), SignedOn: c.GivenOn,
		SeriesID: id(c.SeriesID), Version: c.Version, RevokedOn: c.WithdrawnOn, CreatedAt: c.CreatedAt}
	if c.SeriesID == 0 {
		j.SeriesID = id(c.ID)
	}
	if c.Kind == store.ConsentPeerSupport {
		j.Covers = c.Covers
	} else {
		j.PersonName, j.Discloser, j.Information, j.Recipient, j.TPO, j.Purpose = c.PersonName, c.Discloser, c.Information, c.Recipient, c.TPO, c.Purpose
		j.HowToRevoke, j.ExpiresOn, j.ExpiryEvent = c.HowToRevoke, c.ExpiresOn, c.ExpiryEvent
		j.Signature = &signatureJSON{Method: c.SignatureMethod, Name: c.SignedName, Witness: c.WitnessedBy, Image: c.SignatureImage}
	}
	if !c.RevokedAt.IsZero() {
		t := c.RevokedAt
		j.RevokedAt, j.RevokedBy = &t, c.RevokedBy
	}
	return j
}

func (s *Server) apiRecordConsent(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in newConsentJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a := s.actor(r)
	var c store.Consent
	switch in.Kind {
	case store.ConsentPeerSupport:
		witness := ""
		if in.Signature != nil {
			witness = in.Signature.Witness
		}
		c, err = s.store.RecordConsent(r.Context(), a, pid, store.ConsentInput{GivenOn: in.SignedOn, Covers: in.Covers, WitnessedBy: witness})
		if e, ok := core.As(err); ok && e.Fields["given_on"] != "" {
			e.Fields["signed_on"] = e.Fields["given_on"]
			delete(e.Fields, "given_on")
		}
	case store.ConsentPart2:
		p := store.Part2ConsentInput{PersonName: in.PersonName, Discloser: in.Discloser, Information: in.Information, Recipient: in.Recipient,
			TPO: in.TPO, Purpose: in.Purpose, HowToRevoke: in.HowToRevoke, ExpiresOn: in.ExpiresOn, ExpiryEvent: in.ExpiryEvent, SignedOn: in.SignedOn}
		if in.Signature != nil {
			p.SignatureMethod, p.SignedName, p.Witness, p.SignatureImage = in.Signature.Method, in.Signature.Name, in.Signature.Witness, in.Signature.Image
		}
		if in.Replaces != "" {
			if p.Replaces, err = strconv.ParseInt(in.Replaces, 10, 64); err != nil {
				return core.Invalid(map[string]string{"replaces": "Give the id of the consent this replaces."})
			}
		}
		if p.HowToRevoke == "" {
			person, err := s.store.Person(r.Context(), a, pid)
			if err != nil {
				return err
			}
			p.HowToRevoke = LocalizerFor(nil, person.PreferredLanguage).T("part2.consent.how_to_revoke.default")
		}
		c, err = s.store.RecordPart2Consent(r.Context(), a, pid, p)
	default:
		return core.Invalid(map[string]string{"kind": "Say which kind of consent: part2 or peer_support."})
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toConsentJSON(c, s.store.Today()))
	return nil
}

func (s *Server) apiConsents(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	cs, err := s.store.Consents(r.Context(), s.actor(r), pid)
	if err != nil {
		return err
	}
	today := s.store.Today()
	out := listJSON[consentJSON]{Items: []consentJSON{}}
	for _, c := range cs {
		out.Items = append(out.Items, toConsentJSON(c, today))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type revokeConsentJSON struct {
	Note string `json:"note,omitempty" doc:"anything the person wants noted"`
}

func (s *Server) apiRevokeConsent(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	cid, err := pathID(r, "cid")
	if err != nil {
		return err
	}
	var in revokeConsentJSON
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
	}
	c, err := s.store.RevokeConsent(r.Context(), s.actor(r), pid, cid, store.Revocation{Note: in.Note})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toConsentJSON(c, s.store.Today()))
	return nil
}

// ---- Disclosures ----

type emergencyJSON struct {
	Nature               string `json:"nature" doc:"the nature of the medical emergency (42 CFR 2.51(c)(4))"`
	RecipientAffiliation string `json:"recipient_affiliation" doc:"the health care facility the medical personnel are with (2.51(c)(1))"`
	DisclosedBy          string `json:"disclosed_by" doc:"who made the disclosure (2.51(c)(2))"`
	DisclosedTime        string `json:"disclosed_time" doc:"HH:MM, the time of the disclosure (2.51(c)(3))"`
}

type newDisclosureJSON struct {
	Recipient   string         `json:"recipient"`
	Purpose     string         `json:"purpose"`
	Information string         `json:"information"`
	DisclosedOn string         `json:"disclosed_on,omitempty" doc:"YYYY-MM-DD, not in the future; today when empty"`
	ConsentID   string         `json:"consent_id,omitempty" doc:"the Part 2 consent it was made under; when empty, any active consent of the person that covers the recipient and purpose"`
	Emergency   *emergencyJSON `json:"emergency,omitempty" doc:"only for a disclosure without consent in a medical emergency (42 CFR 2.51)"`
}

type disclosureJSON struct {
	ID          string         `json:"id"`
	PersonID    string         `json:"person_id"`
	ConsentID   string         `json:"consent_id,omitempty"`
	Recipient   string         `json:"recipient"`
	Purpose     string         `json:"purpose"`
	Information string         `json:"information"`
	DisclosedOn string         `json:"disclosed_on"`
	Emergency   *emergencyJSON `json:"emergency,omitempty"`
	RecordedBy  string         `json:"recorded_by" doc:"the worker who recorded it"`
	NoticeURL   string         `json:"notice_url" doc:"the PDF to send with the disclosure: the 42 CFR 2.32 notice and a copy of the consent"`
	CreatedAt   time.Time      `json:"created_at"`
}

func toDisclosureJSON(d store.Disclosure) disclosureJSON {
	j := disclosureJSON{ID: id(d.ID), PersonID: id(d.PersonID), Recipient: d.Recipient, Purpose: d.Purpose, Information: d.Information,
		DisclosedOn: d.DisclosedOn, RecordedBy: d.CreatedByName, NoticeURL: "/disclosures/" + id(d.ID) + "/notice.pdf", CreatedAt: d.CreatedAt}
	if d.ConsentID != 0 {
		j.ConsentID = id(d.ConsentID)
	}
	if d.Emergency {
		j.Emergency = &emergencyJSON{Nature: d.EmergencyNature, RecipientAffiliation: d.RecipientAffiliation, DisclosedBy: d.DisclosedByName, DisclosedTime: d.DisclosedTime}
	}
	return j
}

func (s *Server) apiRecordDisclosure(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in newDisclosureJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	d := store.DisclosureInput{Recipient: in.Recipient, Purpose: in.Purpose, Information: in.Information, DisclosedOn: in.DisclosedOn}
	if in.ConsentID != "" {
		if d.ConsentID, err = strconv.ParseInt(in.ConsentID, 10, 64); err != nil || d.ConsentID <= 0 {
			return core.Invalid(map[string]string{"consent_id": "Give the id of the consent the disclosure was made under."})
		}
	}
	if e := in.Emergency; e != nil {
		d.Emergency, d.EmergencyNature, d.RecipientAffiliation, d.DisclosedByName, d.DisclosedTime = true, e.Nature, e.RecipientAffiliation, e.DisclosedBy, e.DisclosedTime
	}
	got, err := s.store.RecordDisclosure(r.Context(), s.actor(r), pid, d)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toDisclosureJSON(got))
	return nil
}

func (s *Server) apiDisclosures(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	page, err := listPage(r)
	if err != nil {
		return err
	}
	l, err := s.store.ListDisclosures(r.Context(), s.actor(r), pid, page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(l, toDisclosureJSON))
	return nil
}

type accountingJSON struct {
	From        string           `json:"from"`
	To          string           `json:"to"`
	Disclosures []disclosureJSON `json:"disclosures" doc:"oldest first"`
}

func (s *Server) apiAccounting(w http.ResponseWriter, r *http.Request) error {
	acc, err := s.accounting(r)
	if err != nil {
		return err
	}
	out := accountingJSON{From: acc.From, To: acc.To, Disclosures: []disclosureJSON{}}
	for _, d := range acc.Disclosures {
		out.Disclosures = append(out.Disclosures, toDisclosureJSON(d))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
