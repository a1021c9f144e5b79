package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/store"
)

// The JSON API of plans: GET and PUT /api/v1/people/{id}/safety-plan (and
// wellness-plan, crisis-preferences), and GET …/versions. A plan is
//
//	{"version": n, "updated_at", "updated_by", "sections": {...}}
//
// with each section a list of strings, a list of {"name", "phone"}, or (in
// crisis preferences, the health care proxy) a string. A person without a
// plan answers 200 with version 0, updated_at null and the sections a new
// plan starts with (the crisis lines filled in): a client never needs to
// tell "no plan" from "empty plan", and the person does exist. PUT takes
// the same document (updated_at and updated_by are ignored), makes version
// n+1 and answers with it; "version", when sent, is the version the client
// edited, and a later save since then answers 409 rather than being
// overwritten unseen.

type planContactJSON struct {
	Name  string `json:"name"`
	Phone string `json:"phone" doc:"digits with spaces, dashes, dots or brackets, an optional leading +, an optional extension (ext. 12); 3 to 15 digits, so 988 and 911 are numbers; may be empty"`
}

// planDocJSON is the plan as the API writes it; the kinds' documented shapes
// (below) list its sections.
type planDocJSON struct {
	Version   int            `json:"version" doc:"1, 2, 3 … one per save; 0 for a plan not written yet"`
	UpdatedAt *time.Time     `json:"updated_at" doc:"when this version was saved; null for version 0"`
	UpdatedBy string         `json:"updated_by" doc:"the id of the user who saved it; empty for version 0"`
	Sections  map[string]any `json:"sections"`
}

// The documented shapes of the three kinds. TestPlanAPIDocumentsEveryKind
// checks that they name exactly the sections store.PlanKind defines.
type safetyPlanSectionsJSON struct {
	WarningSigns                []string          `json:"warning_signs" doc:"warning signs and triggers"`
	CopingOnMyOwn               []string          `json:"coping_on_my_own" doc:"things I can do on my own"`
	PeopleAndPlaces             []string          `json:"people_and_places" doc:"people and places that take my mind off things"`
	PeopleToAsk                 []planContactJSON `json:"people_to_ask" doc:"people I can ask for help"`
	ProfessionalsAndCrisisLines []planContactJSON `json:"professionals_and_crisis_lines" doc:"a new plan starts with the organisation's crisis lines (988 and the Massachusetts Behavioral Health Help Line unless it set others)"`
	SaferSurroundings           []string          `json:"safer_surroundings" doc:"making my surroundings safer"`
	WhatMatters                 []string          `json:"what_matters" doc:"what matters most to me"`
}

type safetyPlanJSON struct {
	Version   int                    `json:"version" doc:"1, 2, 3 … one per save; 0 for a plan not written yet"`
	UpdatedAt *time.Time             `json:"updated_at" doc:"when this version was saved; null for version 0"`
	UpdatedBy string                 `json:"updated_by" doc:"the id of the user who saved it; empty for version 0"`
	Sections  safetyPlanSectionsJSON `json:"sections"`
}

type wellnessPlanSectionsJSON struct {
	StayingWell       []string `json:"staying_well" doc:"what keeps me well, and my daily routine"`
	Triggers          []string `json:"triggers" doc:"triggers, and what I do"`
	EarlyWarningSigns []string `json:"early_warning_signs" doc:"early warning signs, and what I do"`
	BreakingDown      []string `json:"breaking_down" doc:"when things are breaking down, and what I do"`
	CrisisPlan        []string `json:"crisis_plan" doc:"my crisis plan"`
	AfterACrisis      []string `json:"after_a_crisis" doc:"after a crisis"`
}

type wellnessPlanJSON struct {
	Version   int                      `json:"version" doc:"1, 2, 3 … one per save; 0 for a plan not written yet"`
	UpdatedAt *time.Time               `json:"updated_at" doc:"when this version was saved; null for version 0"`
	UpdatedBy string                   `json:"updated_by" doc:"the id of the user who saved it; empty for version 0"`
	Sections  wellnessPlanSectionsJSON `json:"sections"`
}

type crisisPreferencesSectionsJSON struct {
	WhoToContact           []planContactJSON `json:"who_to_contact"`
	WhatHelps              []string          `json:"what_helps"`
	WhatDoesNotHelp        []string          `json:"what_does_not_help"`
	PreferredFacilities    []string          `json:"preferred_facilities"`
	AvoidedFacilities      []string          `json:"avoided_facilities"`
	MedicationsThatHelped  []string          `json:"medications_that_helped"`
	MedicationsThatDidNot  []string          `json:"medications_that_did_not"`
	Visitors               []string          `json:"visitors" doc:"who may visit me"`
	ChildrenAndPets        []string          `json:"children_and_pets" doc:"who takes care of my children or pets"`
	HealthCareProxy        string            `json:"health_care_proxy" doc:"the health care proxy's name (Massachusetts has no binding psychiatric advance directive; a health care proxy is binding)"`
	HealthCareProxyContact string            `json:"health_care_proxy_contact" doc:"how to reach them: a phone, an address or an email"`
}

type crisisPreferencesJSON struct {
	Version   int                           `json:"version" doc:"1, 2, 3 … one per save; 0 for a plan not written yet"`
	UpdatedAt *time.Time                    `json:"updated_at" doc:"when this version was saved; null for version 0"`
	UpdatedBy string                        `json:"updated_by" doc:"the id of the user who saved it; empty for version 0"`
	Sections  crisisPreferencesSectionsJSON `json:"sections"`
}

// planDocs gives each kind's documented shape, for the route table.
var planDocs = map[*store.PlanKind]any{
	store.SafetyPlan:        safetyPlanJSON{},
	store.WellnessPlan:      wellnessPlanJSON{},
	store.CrisisPreferences: crisisPreferencesJSON{},
}

// planPutDocs gives each kind's documented PUT body: the sections, and the
// version edited, which is optional (without it, the save is not checked
// for a later one).
var planPutDocs = map[*store.PlanKind]any{
	store.SafetyPlan:        safetyPlanPutJSON{},
	store.WellnessPlan:      wellnessPlanPutJSON{},
	store.CrisisPreferences: crisisPreferencesPutJSON{},
}

type safetyPlanPutJSON struct {
	Version   int                    `json:"version,omitempty" doc:"the version you edited: 409 if someone has saved a later one; leave it out to save regardless"`
	UpdatedAt *string                `json:"updated_at,omitempty" doc:"read-only, ignored: a plan as GET gives it may be sent back as it is"`
	UpdatedBy *string                `json:"updated_by,omitempty" doc:"read-only, ignored"`
	Sections  safetyPlanSectionsJSON `json:"sections" partial:"true" doc:"the plan's sections; a section left out is saved empty"`
}

type wellnessPlanPutJSON struct {
	Version   int                      `json:"version,omitempty" doc:"the version you edited: 409 if someone has saved a later one; leave it out to save regardless"`
	UpdatedAt *string                  `json:"updated_at,omitempty" doc:"read-only, ignored: a plan as GET gives it may be sent back as it is"`
	UpdatedBy *string                  `json:"updated_by,omitempty" doc:"read-only, ignored"`
	Sections  wellnessPlanSectionsJSON `json:"sections" partial:"true" doc:"the plan's sections; a section left out is saved empty"`
}

type crisisPreferencesPutJSON struct {
	Version   int                           `json:"version,omitempty" doc:"the version you edited: 409 if someone has saved a later one; leave it out to save regardless"`
	UpdatedAt *string                       `json:"updated_at,omitempty" doc:"read-only, ignored: a plan as GET gives it may be sent back as it is"`
	UpdatedBy *string                       `json:"updated_by,omitempty" doc:"read-only, ignored"`
	Sections  crisisPreferencesSectionsJSON `json:"sections" partial:"true" doc:"the plan's sections; a section left out is saved empty"`
}

// planPutJSON is the body of a PUT: the plan document as GET gives it.
type planPutJSON struct {
	Version   *int                       `json:"version,omitempty"`
	UpdatedAt *string                    `json:"updated_at,omitempty"` // read-only: ignored
	UpdatedBy *string                    `json:"updated_by,omitempty"` // read-only: ignored
	Sections  map[string]json.RawMessage `json:"sections"`
}

type sectionChangeJSON struct {
	Section   string   `json:"section" doc:"the section's key"`
	Added     []string `json:"added" doc:"items (or \"Name — phone\") new in this version"`
	Removed   []string `json:"removed" doc:"items gone since the version before"`
	Reordered bool     `json:"reordered" doc:"the same items in another order"`
}

type planVersionJSON struct {
	Version                int                 `json:"version" doc:"1, 2, 3 … one per save; 0 for a plan not written yet"`
	UpdatedAt              *time.Time          `json:"updated_at" doc:"when this version was saved; null for version 0"`
	UpdatedBy              string              `json:"updated_by" doc:"the id of the user who saved it; empty for version 0"`
	UpdatedByName          string              `json:"updated_by_name"`
	ReviewedWithoutChanges bool                `json:"reviewed_without_changes" doc:"this version records a review with the person in which nothing changed"`
	Changes                []sectionChangeJSON `json:"changes" doc:"what changed from the version before (for version 1: everything it holds)"`
	Sections               map[string]any      `json:"sections" doc:"the whole plan as it was, in the same shape as GET of the plan"`
}

func sectionsJSON(p store.Plan) map[string]any {
	out := map[string]any{}
	for _, sec := range p.Sections {
		switch sec.Type {
		case store.SectionList:
			out[sec.Key] = nonNil(sec.Items)
		case store.SectionContacts:
			cs := make([]planContactJSON, len(sec.Contacts))
			for i, c := range sec.Contacts {
				cs[i] = planContactJSON(c)
			}
			out[sec.Key] = cs
		case store.SectionText:
			out[sec.Key] = sec.Text
		}
	}
	return out
}

func toPlanDoc(p store.Plan) planDocJSON {
	return planDocJSON{Version: p.Version, UpdatedAt: rfc3339(p.SavedAt), UpdatedBy: id(p.SavedBy), Sections: sectionsJSON(p)}
}

func (s *Server) apiPlan(k *store.PlanKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		pid, err := pathID(r, "id")
		if err != nil {
			return err
		}
		p, err := s.store.Plan(r.Context(), s.actor(r), k, pid)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, toPlanDoc(p))
		return nil
	}
}

// planInputJSON reads the sections of a PUT into what the store saves. A
// value of the wrong shape for its section is a 400 naming
// sections.<key>; a key the kind does not have is left for the store, which
// says so (422).
func planInputJSON(k *store.PlanKind, raw map[string]json.RawMessage) (store.PlanInput, error) {
	in := store.PlanInput{Items: map[string][]string{}, Contacts: map[string][]store.PlanContact{}, Texts: map[string]string{}}
	for key, v := range raw {
		spec, ok := k.Spec(key)
		if !ok {
			in.Items[key] = nil // unknown: the store names it
			continue
		}
		field := "sections." + key
		switch spec.Type {
		case store.SectionList:
			var items []string
			if err := json.Unmarshal(v, &items); err != nil {
				return in, core.Malformed(field, "Send a list of strings.")
			}
			in.Items[key] = items
		case store.SectionContacts:
			var cs []planContactJSON
			dec := json.NewDecoder(bytes.NewReader(v))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&cs); err != nil {
				return in, core.Malformed(field, `Send a list of {"name": "…", "phone": "…"}.`)
			}
			for _, c := range cs {
				in.Contacts[key] = append(in.Contacts[key], store.PlanContact(c))
			}
		case store.SectionText:
			var t string
			if err := json.Unmarshal(v, &t); err != nil {
				return in, core.Malformed(field, "Send a string.")
			}
			in.Texts[key] = t
		}
	}
	return in, nil
}

// sectionFields prefixes the store's field names with "sections.", so a
// message points into the document as sent.
func sectionFields(err error) error {
	e, ok := core.As(err)
	if !ok || e.Kind != core.KindInvalid || len(e.Fields) == 0 {
		return err
	}
	f := map[string]string{}
	for k, v := range e.Fields {
		switch k {
		case "version", "saved_at":
			f[k] = v
		default:
			f["sections."+k] = v
		}
	}
	return &core.Error{Kind: e.Kind, Message: e.Message, Fields: f}
}

func (s *Server) apiPutPlan(k *store.PlanKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		pid, err := pathID(r, "id")
		if err != nil {
			return err
		}
		var body planPutJSON
		if err := decodeJSON(r, &body); err != nil {
			return err
		}
		if body.Sections == nil {
			return core.Malformed("sections", `Send the plan's sections: {"sections": {...}} (an empty object saves an empty plan).`)
		}
		in, err := planInputJSON(k, body.Sections)
		if err != nil {
			return err
		}
		in.Base = body.Version
		saved, err := s.store.SavePlan(r.Context(), s.actor(r), k, pid, in)
		if err != nil {
			return sectionFields(err)
		}
		writeJSON(w, http.StatusOK, toPlanDoc(saved))
		return nil
	}
}

func (s *Server) apiPlanVersions(k *store.PlanKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		pid, err := pathID(r, "id")
		if err != nil {
			return err
		}
		page, err := listPage(r)
		if err != nil {
			return err
		}
		l, err := s.store.PlanVersions(r.Context(), s.actor(r), k, pid, page)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, toList(l, func(v store.PlanVersion) planVersionJSON {
			out := planVersionJSON{Version: v.Version, UpdatedAt: rfc3339(v.SavedAt), UpdatedBy: id(v.SavedBy), UpdatedByName: v.SavedByName, ReviewedWithoutChanges: v.Reviewed,
				Changes: []sectionChangeJSON{}, Sections: sectionsJSON(v.Plan)}
			for _, c := range v.Changes {
				out.Changes = append(out.Changes, sectionChangeJSON{Section: c.Key, Added: nonNil(c.Added), Removed: nonNil(c.Removed), Reordered: c.Reordered})
			}
			return out
		}))
		return nil
	}
}

// safetyPlanStatusJSON is where a person's safety plan stands, on the
// caseload.
type safetyPlanStatusJSON struct {
	Version        int        `json:"version" doc:"0 when none is written"`
	UpdatedAt      *time.Time `json:"updated_at" doc:"last saved or reviewed; null when none"`
	ReviewBy       string     `json:"review_by" doc:"YYYY-MM-DD: the day by which to review it with the person (the organisation sets how many days, 90 unless changed); empty when none"`
	NeedsAttention bool       `json:"needs_attention" doc:"true for an active person with no safety plan, or one not reviewed in time"`
}

func toSafetyPlanStatus(st store.PlanStatus) safetyPlanStatusJSON {
	return safetyPlanStatusJSON{Version: st.Version, UpdatedAt: rfc3339(st.SavedAt), ReviewBy: st.ReviewBy, NeedsAttention: st.NeedsAttention}
}
