package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"peerpath/internal/audit"
	"peerpath/internal/core"
)

// This file holds a person's plans: the safety plan, the wellness plan and
// crisis preferences. They are one thing in three kinds: a document of
// sections, written with the person in their words, saved in versions (every
// save adds version n+1 with who saved it and when; no version is ever
// changed). A kind is data (PlanKind below), so the store, the pages, the
// API, the printouts and the caseload flag share one implementation.
//
// Who may read or change a plan is who may see the person (visiblePerson in
// policy.go); every read is audited with the person's id as the record id.

// SectionType is what a plan section holds.
type SectionType string

// The three shapes of section.
const (
	SectionList     SectionType = "list"     // items, each a line in the person's words
	SectionContacts SectionType = "contacts" // names with phone numbers
	SectionText     SectionType = "text"     // one short answer
)

// PlanSectionSpec describes one section of a kind of plan.
type PlanSectionSpec struct {
	Key     string // the API's and the stored JSON's key, e.g. warning_signs
	Heading string // e.g. "Warning signs and triggers"
	Hint    string // a short prompt for the form
	Type    SectionType
	Card    bool // printed on the pocket card
}

// PlanKind is one kind of plan.
type PlanKind struct {
	Key      string // stored in plan_versions.kind and used as the audit record type
	Slug     string // in addresses: /people/{id}/safety-plan
	Name     string // "Safety plan"
	Title    string // heading of the printout: "My safety plan"
	Sections []PlanSectionSpec
	// Flagged kinds are expected of every active person and reviewed on a
	// rhythm: the caseload flags a person without one or with one not
	// reviewed within the organisation's number of days (the safety plan).
	Flagged bool
	// CrisisLines is the contacts section a new plan fills with the
	// organisation's crisis lines; empty for none.
	CrisisLines string
}

// The three kinds.
var (
	SafetyPlan = &PlanKind{
		Key: "safety_plan", Slug: "safety-plan", Name: "Safety plan", Title: "My safety plan", Flagged: true,
		CrisisLines: "professionals_and_crisis_lines",
		Sections: []PlanSectionSpec{
			{Key: "warning_signs", Heading: "Warning signs and triggers", Type: SectionList, Card: true,
				Hint: "Thoughts, feelings, places or situations that tell me things are getting hard."},
			{Key: "coping_on_my_own", Heading: "Things I can do on my own", Type: SectionList, Card: true,
				Hint: "What helps me get through a hard moment without reaching out to anyone."},
			{Key: "people_and_places", Heading: "People and places that take my mind off things", Type: SectionList, Card: true,
				Hint: "Where I can go, and who I can be around, to feel a bit better."},
			{Key: "people_to_ask", Heading: "People I can ask for help", Type: SectionContacts, Card: true,
				Hint: "Friends, family, peers: who to call or text, and their number."},
			{Key: "professionals_and_crisis_lines", Heading: "Professionals and crisis lines", Type: SectionContacts, Card: true,
				Hint: "Counsellors, prescribers, peer lines and crisis lines. 988 and the local crisis line are filled in to start with; change them as the person wishes."},
			{Key: "safer_surroundings", Heading: "Making my surroundings safer", Type: SectionList,
				Hint: "What the person chooses to do to make things around them safer, and who helps."},
			{Key: "what_matters", Heading: "What matters most to me", Type: SectionList, Card: true,
				Hint: "People, hopes and reasons that keep the person going, in their words."},
		},
	}
	WellnessPlan = &PlanKind{
		Key: "wellness_plan", Slug: "wellness-plan", Name: "Wellness plan", Title: "My wellness plan",
		Sections: []PlanSectionSpec{
			{Key: "staying_well", Heading: "What keeps me well, and my daily routine", Type: SectionList,
				Hint: "What I am like when I am well, and what I do each day to stay that way."},
			{Key: "triggers", Heading: "Triggers, and what I do", Type: SectionList,
				Hint: "Things that can set me off, and what I do when they happen."},
			{Key: "early_warning_signs", Heading: "Early warning signs, and what I do", Type: SectionList,
				Hint: "Small changes that tell me I am starting to struggle, and what I do then."},
			{Key: "breaking_down", Heading: "When things are breaking down, and what I do", Type: SectionList,
				Hint: "Signs that things are getting much worse, and what I do right away."},
			{Key: "crisis_plan", Heading: "My crisis plan", Type: SectionList,
				Hint: "What I want others to do, and not do, when I cannot act for myself."},
			{Key: "after_a_crisis", Heading: "After a crisis", Type: SectionList,
				Hint: "How I want to get back to feeling well, and who helps."},
		},
	}
	CrisisPreferences = &PlanKind{
		Key: "crisis_preferences", Slug: "crisis-preferences", Name: "Crisis preferences", Title: "My crisis preferences",
		Sections: []PlanSectionSpec{
			{Key: "who_to_contact", Heading: "Who to contact", Type: SectionContacts,
				Hint: "Who should be told, and their number."},
			{Key: "what_helps", Heading: "What helps", Type: SectionList},
			{Key: "what_does_not_help", Heading: "What does not help", Type: SectionList},
			{Key: "preferred_facilities", Heading: "Hospitals or crisis services I prefer", Type: SectionList},
			{Key: "avoided_facilities", Heading: "Hospitals or crisis services I want to avoid", Type: SectionList},
			{Key: "medications_that_helped", Heading: "Medications that have helped", Type: SectionList},
			{Key: "medications_that_did_not", Heading: "Medications that have not helped", Type: SectionList},
			{Key: "visitors", Heading: "Who may visit me", Type: SectionList},
			{Key: "children_and_pets", Heading: "Who takes care of my children or pets", Type: SectionList},
			{Key: "health_care_proxy", Heading: "My health care proxy", Type: SectionText,
				Hint: "The person named on the person's Massachusetts health care proxy form, if they have one."},
			{Key: "health_care_proxy_contact", Heading: "How to reach my health care proxy", Type: SectionText,
				Hint: "A phone number, an address or an email."},
		},
	}
)

// PlanKinds lists the kinds in the order the person's page shows them.
var PlanKinds = []*PlanKind{SafetyPlan, WellnessPlan, CrisisPreferences}

// PlanKindBySlug finds a kind by the name it has in addresses.
func PlanKindBySlug(slug string) (*PlanKind, bool) {
	for _, k := range PlanKinds {
		if k.Slug == slug {
			return k, true
		}
	}
	return nil, false
}

// Spec returns the section spec of key.
func (k *PlanKind) Spec(key string) (PlanSectionSpec, bool) {
	for _, s := range k.Sections {
		if s.Key == key {
			return s, true
		}
	}
	return PlanSectionSpec{}, false
}

// Limits of a plan. They are generous: they stop accidents, not writers.
const (
	MaxPlanItems    = 100  // per section
	MaxPlanItemLen  = 1000 // characters per item or answer
	MaxPlanNameLen  = 200
	MaxPlanPhoneLen = 40
)

// Plan changes recorded in plan_versions.change.
const (
	planEdit   = "edit"
	planReview = "review"
)

// PlanContact is a name with a phone number.
type PlanContact struct {
	Name  string
	Phone string
}

// String is how a contact reads in a list and in a comparison of versions.
func (c PlanContact) String() string {
	switch {
	case c.Phone == "":
		return c.Name
	case c.Name == "":
		return c.Phone
	}
	return c.Name + " — " + c.Phone
}

// PlanSection is one section of a plan with what it holds: Items for a
// list, Contacts for contacts, Text for a text section.
type PlanSection struct {
	PlanSectionSpec
	Items    []string
	Contacts []PlanContact
	Text     string
}

// Lines is what the section holds as lines of text, whatever its type: the
// printouts and the comparison of versions read sections this way.
func (s PlanSection) Lines() []string {
	switch s.Type {
	case SectionContacts:
		out := make([]string, len(s.Contacts))
		for i, c := range s.Contacts {
			out[i] = c.String()
		}
		return out
	case SectionText:
		if s.Text == "" {
			return nil
		}
		return []string{s.Text}
	}
	return s.Items
}

// Empty reports whether the section holds nothing.
func (s PlanSection) Empty() bool { return len(s.Items) == 0 && len(s.Contacts) == 0 && s.Text == "" }

// Plan is one version of a person's plan of one kind.
type Plan struct {
	Kind     *PlanKind
	PersonID int64
	// Version counts saves from 1. Version 0 is a plan not yet written: its
	// sections are empty except the crisis lines a new plan starts with.
	Version int
	// Reviewed marks a version that records a review with the person in
	// which nothing changed: its content is the version before's.
	Reviewed    bool
	SavedAt     time.Time
	SavedBy     int64
	SavedByName string
	// ByPerson marks a version the person wrote themselves, in their portal.
	ByPerson bool
	Sections []PlanSection // every section of the kind, in its order
}

// Section returns the section key (empty if the kind has none such).
func (p Plan) Section(key string) PlanSection {
	for _, s := range p.Sections {
		if s.Key == key {
			return s
		}
	}
	return PlanSection{}
}

// Empty reports whether every section is empty.
func (p Plan) Empty() bool {
	for _, s := range p.Sections {
		if !s.Empty() {
			return false
		}
	}
	return true
}

// emptyPlan is a plan of kind k with every section present and empty.
func emptyPlan(k *PlanKind, personID int64) Plan {
	p := Plan{Kind: k, PersonID: personID, Sections: make([]PlanSection, len(k.Sections))}
	for i, spec := range k.Sections {
		p.Sections[i] = PlanSection{PlanSectionSpec: spec}
	}
	return p
}

// ---- Reading and writing the stored body ----

// planBody is the stored JSON of a version: section key to value, in the
// API's shape.
type planBody map[string]any

type contactJSON struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

func encodeBody(p Plan) (string, error) {
	b := planBody{}
	for _, s := range p.Sections {
		switch s.Type {
		case SectionList:
			b[s.Key] = nonNilStrings(s.Items)
		case SectionContacts:
			cs := make([]contactJSON, len(s.Contacts))
			for i, c := range s.Contacts {
				cs[i] = contactJSON(c)
			}
			b[s.Key] = cs
		case SectionText:
			b[s.Key] = s.Text
		}
	}
	out, err := json.Marshal(b)
	return string(out), err
}

func nonNilStrings(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// decodeBody reads a stored body into a plan of kind k. Keys the kind no
// longer has are ignored; sections missing from the body are empty.
func decodeBody(k *PlanKind, personID int64, body string) (Plan, error) {
	p := emptyPlan(k, personID)
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		return p, fmt.Errorf("reading a stored %s: %w", k.Key, err)
	}
	for i := range p.Sections {
		s := &p.Sections[i]
		v, ok := raw[s.Key]
		if !ok {
			continue
		}
		var err error
		switch s.Type {
		case SectionList:
			err = json.Unmarshal(v, &s.Items)
		case SectionContacts:
			var cs []contactJSON
			err = json.Unmarshal(v, &cs)
			for _, c := range cs {
				s.Contacts = append(s.Contacts, PlanContact(c))
			}
		case SectionText:
			err = json.Unmarshal(v, &s.Text)
		}
		if err != nil {
			return p, fmt.Errorf("reading section %s of a stored %s: %w", s.Key, k.Key, err)
		}
	}
	return p, nil
}

// ---- Input and validation ----

// PlanInput is a plan as written: every section given by its key in the map
// of its type (a section not given is saved empty). List items may hold line
// breaks: each line becomes an item of its own, as in the form, where a
// section is a box with one item per line.
type PlanInput struct {
	Items    map[string][]string      // list sections
	Contacts map[string][]PlanContact // contact sections
	Texts    map[string]string        // text sections
	// Base, when set, is the version the writer started from: the save is
	// refused (a conflict) if someone has saved a later one since, so that
	// nobody overwrites another's words without seeing them.
	Base *int
	// SavedAt backdates the version, for a plan written on paper before it
	// was recorded here (and the demo): not in the future, not before the
	// latest version. Zero means now.
	SavedAt time.Time
	// Review records a review with the person in which nothing changed: the
	// sections given are ignored and the latest version's are kept.
	Review bool
}

// phoneExtension matches an extension at the end of a number: "x12",
// "ext. 12", "extension 12", "#12".
var phoneExtension = regexp.MustCompile(`(?i)\s*(?:,|;)?\s*(?:ext\.?|extension|x|#)\s*\d{1,6}$`)

// validPlanPhone reports whether v reads as a telephone number: digits with
// the usual separators, an optional leading +, and an optional extension.
// Short numbers are accepted on purpose: 988, 911 and other three-digit
// numbers, and five- or six-digit text lines (741741). Words are not: "call
// me" belongs in the name.
func validPlanPhone(v string) bool {
	v = strings.TrimSpace(phoneExtension.ReplaceAllString(strings.TrimSpace(v), ""))
	v = strings.TrimPrefix(v, "+")
	digits := 0
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" -.()/", r):
		default:
			return false
		}
	}
	return digits >= 3 && digits <= 15
}

// phoneMessage is what a writer is told about a phone that is not one.
const phoneMessage = "Enter a phone number such as 617-555-0142, 988 or +44 20 7946 0958 (an extension such as “ext. 12” is fine). Words go in the name."

// cleanItems splits items at line breaks, trims them, and drops empty and
// repeated ones, keeping the writer's order.
func cleanItems(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range in {
		for _, line := range strings.Split(strings.ReplaceAll(v, "\r\n", "\n"), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || seen[line] {
				continue
			}
			seen[line] = true
			out = append(out, line)
		}
	}
	return out
}

// planFromInput validates in against kind k and returns the plan it
// describes. Field errors are keyed by section key, and for contacts by
// "<key>.<n>.name" or "<key>.<n>.phone" with n the row's place in the input
// (from 0), so a form can show each message beside its row.
func planFromInput(k *PlanKind, personID int64, in PlanInput) (Plan, map[string]string) {
	f := map[string]string{}
	p := emptyPlan(k, personID)
	known := func(key string, t SectionType) {
		if spec, ok := k.Spec(key); !ok {
			f[key] = fmt.Sprintf("%s has no section %q.", article(k.Name), key)
		} else if spec.Type != t {
			f[key] = fmt.Sprintf("Section %q holds %s.", key, typeWords(spec.Type))
		}
	}
	for key := range in.Items {
		known(key, SectionList)
	}
	for key := range in.Contacts {
		known(key, SectionContacts)
	}
	for key := range in.Texts {
		known(key, SectionText)
	}
	for i := range p.Sections {
		s := &p.Sections[i]
		switch s.Type {
		case SectionList:
			s.Items = cleanItems(in.Items[s.Key])
			if len(s.Items) > MaxPlanItems {
				f[s.Key] = fmt.Sprintf("Keep to %d items or fewer (this has %d).", MaxPlanItems, len(s.Items))
			}
			for n, it := range s.Items {
				if l := utf8.RuneCountInString(it); l > MaxPlanItemLen {
					f[s.Key] = fmt.Sprintf("Item %d is %d characters long: keep each item to %d or fewer, or split it over more lines.", n+1, l, MaxPlanItemLen)
					break
				}
			}
		case SectionContacts:
			for n, c := range in.Contacts[s.Key] {
				c.Name, c.Phone = strings.Join(strings.Fields(c.Name), " "), strings.TrimSpace(c.Phone)
				if c.Name == "" && c.Phone == "" {
					continue // an empty row of the form
				}
				field := fmt.Sprintf("%s.%d.", s.Key, n)
				switch {
				case utf8.RuneCountInString(c.Name) > MaxPlanNameLen:
					f[field+"name"] = fmt.Sprintf("Use at most %d characters.", MaxPlanNameLen)
				case c.Name == "":
					f[field+"name"] = "Write who this number reaches: a name, or a few words such as “my counsellor”."
				}
				switch {
				case utf8.RuneCountInString(c.Phone) > MaxPlanPhoneLen:
					f[field+"phone"] = fmt.Sprintf("Use at most %d characters.", MaxPlanPhoneLen)
				case c.Phone != "" && !validPlanPhone(c.Phone):
					f[field+"phone"] = phoneMessage
				}
				s.Contacts = append(s.Contacts, c)
			}
			if len(s.Contacts) > MaxPlanItems {
				f[s.Key] = fmt.Sprintf("Keep to %d entries or fewer (this has %d).", MaxPlanItems, len(s.Contacts))
			}
		case SectionText:
			s.Text = strings.TrimSpace(in.Texts[s.Key])
			checkText(f, s.Key, s.Text, MaxPlanItemLen, "")
		}
	}
	return p, f
}

// BuildPlan checks in against kind k and returns the plan it describes,
// unsaved (version 0): what SavePlan would save.
func BuildPlan(k *PlanKind, in PlanInput) (Plan, error) {
	p, f := planFromInput(k, 0, in)
	return p, core.Invalid(f)
}

func article(name string) string { return "The " + strings.ToLower(name) }

func typeWords(t SectionType) string {
	switch t {
	case SectionContacts:
		return "contacts: a list of names with phone numbers"
	case SectionText:
		return "one piece of text"
	}
	return "a list of items"
}

// ---- Organisation settings ----

// DefaultCrisisLines are the crisis lines a new safety plan starts with and
// printouts end with, until an administrator sets the organisation's own:
// the national 988 Lifeline, and Massachusetts's Behavioral Health Help Line,
// which answers at any hour and sends the Community Behavioral Health
// Centers' mobile crisis teams (what were the Emergency Services Programs).
var DefaultCrisisLines = []PlanContact{
	{Name: "988 Suicide & Crisis Lifeline (call or text)", Phone: "988"},
	{Name: "Massachusetts Behavioral Health Help Line, mobile crisis (call or text, any hour)", Phone: "833-773-2445"},
}

// DefaultPlanReviewDays is how long a safety plan may go unreviewed before
// the caseload flags it, until an administrator sets another number.
const DefaultPlanReviewDays = 90

// Review rhythm limits, in days.
const (
	MinPlanReviewDays = 7
	MaxPlanReviewDays = 730
	MaxCrisisLines    = 10
)

// PlanSettings are an organisation's settings for plans.
type PlanSettings struct {
	// ReviewDays: an active person's safety plan is flagged when it has not
	// been saved or reviewed for more than this many days.
	ReviewDays int
	// CrisisLines fill a new safety plan's crisis lines and end every
	// printed plan.
	CrisisLines []PlanContact
	// OwnLines reports whether the organisation set its own crisis lines
	// (otherwise they are DefaultCrisisLines).
	OwnLines bool
}

func (s *Store) planSettings(ctx context.Context, q querier, orgID int64) (PlanSettings, error) {
	st := PlanSettings{ReviewDays: DefaultPlanReviewDays, CrisisLines: DefaultCrisisLines}
	var lines string
	err := q.QueryRowContext(ctx, "SELECT plan_review_days, crisis_lines FROM organisations WHERE id = $1", orgID).Scan(&st.ReviewDays, &lines)
	if errors.Is(err, sql.ErrNoRows) {
		return st, core.NotFound("The organisation")
	}
	if err != nil || lines == "" {
		return st, err
	}
	var cs []contactJSON
	if err := json.Unmarshal([]byte(lines), &cs); err != nil {
		return st, fmt.Errorf("reading the organisation's crisis lines: %w", err)
	}
	st.CrisisLines, st.OwnLines = make([]PlanContact, len(cs)), true
	for i, c := range cs {
		st.CrisisLines[i] = PlanContact(c)
	}
	return st, nil
}

// PlanSettings returns the organisation's plan settings.
func (s *Store) PlanSettings(ctx context.Context, orgID int64) (PlanSettings, error) {
	return s.planSettings(ctx, s.rdb, orgID)
}

// UpdatePlanSettings changes the actor's organisation's plan settings
// (administrators). Crisis lines are validated like a plan's contacts
// (fields crisis_lines.<n>.name and .phone); an empty list, or one equal to
// the defaults, goes back to DefaultCrisisLines, so they follow peerpath's
// updates.
func (s *Store) UpdatePlanSettings(ctx context.Context, a Actor, in PlanSettings) (PlanSettings, error) {
	if !a.MayChangeOrgSettings() {
		return PlanSettings{}, core.Forbidden("Only an administrator changes the organisation's settings.")
	}
	f := map[string]string{}
	if in.ReviewDays < MinPlanReviewDays || in.ReviewDays > MaxPlanReviewDays {
		f["plan_review_days"] = fmt.Sprintf("Enter a number of days from %d to %d.", MinPlanReviewDays, MaxPlanReviewDays)
	}
	spec := PlanKind{Name: "The settings", Sections: []PlanSectionSpec{{Key: "crisis_lines", Type: SectionContacts}}}
	p, pf := planFromInput(&spec, 0, PlanInput{Contacts: map[string][]PlanContact{"crisis_lines": in.CrisisLines}})
	for k, v := range pf {
		f[k] = v
	}
	lines := p.Section("crisis_lines").Contacts
	if len(lines) > MaxCrisisLines {
		f["crisis_lines"] = fmt.Sprintf("Keep to %d crisis lines or fewer: they are printed at the foot of every plan.", MaxCrisisLines)
	}
	if err := core.Invalid(f); err != nil {
		return PlanSettings{}, err
	}
	stored := ""
	if len(lines) > 0 && !slices.Equal(lines, DefaultCrisisLines) {
		cs := make([]contactJSON, len(lines))
		for i, c := range lines {
			cs[i] = contactJSON(c)
		}
		b, err := json.Marshal(cs)
		if err != nil {
			return PlanSettings{}, err
		}
		stored = string(b)
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE organisations SET plan_review_days = $1, crisis_lines = $2 WHERE id = $3", in.ReviewDays, stored, a.OrgID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionUpdate, "organisation", a.OrgID, "plan settings")
	})
	if err != nil {
		return PlanSettings{}, err
	}
	return s.PlanSettings(ctx, a.OrgID)
}

// planCutoff is the instant before which a safety plan's last save makes it
// due for review on the store clock's day: the start (in Massachusetts) of
// the day reviewDays days ago. A plan saved on 1 March with 90 days is due
// on 30 May and flagged from 31 May, the way a check-in due on a day is
// overdue from the next.
func (s *Store) planCutoff(reviewDays int) time.Time {
	y, m, d := s.now().In(Zone).Date()
	return time.Date(y, m, d-reviewDays, 0, 0, 0, 0, Zone).UTC()
}

// ---- Status, for the person's page and the caseload ----

// PlanStatus is where a person's plan of one kind stands.
type PlanStatus struct {
	Kind    *PlanKind
	Version int       // 0: none written yet
	SavedAt time.Time // the latest save or review
	// ReviewBy is the day (YYYY-MM-DD) by which a flagged kind of plan
	// should be reviewed again; empty when there is none.
	ReviewBy string
	// NeedsAttention is set for an active person whose flagged plan is
	// missing, or was last saved or reviewed more than the organisation's
	// number of days ago.
	NeedsAttention bool
}

// Missing reports whether no version has been saved.
func (st PlanStatus) Missing() bool { return st.Version == 0 }

// planStatus fills in ReviewBy and NeedsAttention.
func planStatus(k *PlanKind, version int, savedAt time.Time, personStatus string, reviewDays int, cutoff time.Time) PlanStatus {
	st := PlanStatus{Kind: k, Version: version, SavedAt: savedAt}
	if !k.Flagged {
		return st
	}
	if version > 0 {
		st.ReviewBy = savedAt.In(Zone).AddDate(0, 0, reviewDays).Format(dateLayout)
	}
	st.NeedsAttention = personStatus == StatusActive && (version == 0 || savedAt.Before(cutoff))
	return st
}

// PlanStatusOf says where plan (the latest version of a person's plan, as
// Plan returns it) stands for person p, with the organisation's settings.
func (s *Store) PlanStatusOf(ctx context.Context, p Person, plan Plan) (PlanStatus, error) {
	set, err := s.planSettings(ctx, s.rdb, p.OrgID)
	if err != nil {
		return PlanStatus{}, err
	}
	return planStatus(plan.Kind, plan.Version, plan.SavedAt, p.Status, set.ReviewDays, s.planCutoff(set.ReviewDays)), nil
}

// planStatuses returns a person's status for every kind (in PlanKinds
// order), with one query.
func (s *Store) planStatuses(ctx context.Context, q querier, p Person) ([]PlanStatus, error) {
	set, err := s.planSettings(ctx, q, p.OrgID)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT kind, MAX(version), MAX(created_at) FROM plan_versions
		WHERE org_id = $1 AND person_id = $2 GROUP BY kind`, p.OrgID, p.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type head struct {
		version int
		at      int64
	}
	heads := map[string]head{}
	for rows.Next() {
		var k string
		var h head
		if err := rows.Scan(&k, &h.version, &h.at); err != nil {
			return nil, err
		}
		heads[k] = h
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	cutoff := s.planCutoff(set.ReviewDays)
	out := make([]PlanStatus, len(PlanKinds))
	for i, k := range PlanKinds {
		h := heads[k.Key]
		out[i] = planStatus(k, h.version, fromMS(h.at), p.Status, set.ReviewDays, cutoff)
	}
	return out, nil
}

// safetyPlanColumns are the caseload's two extra columns: the latest safety
// plan version of each person and when it was saved (0 when none). Each is
// one seek in a covering index (plan_versions_person, plan_versions_saved),
// evaluated only for the rows of the page: listPeople picks and sorts the
// page first. The column is "q", the page's alias there.
const safetyPlanColumns = `COALESCE((SELECT MAX(v.version) FROM plan_versions v
		WHERE v.org_id = q.org_id AND v.person_id = q.id AND v.kind = 'safety_plan'), 0),
	COALESCE((SELECT MAX(v.created_at) FROM plan_versions v
		WHERE v.org_id = q.org_id AND v.person_id = q.id AND v.kind = 'safety_plan'), 0)`

// safetyPlanDue is the condition "an active person whose safety plan is
// missing or last saved before the cutoff", for person rows aliased p, with
// the cutoff (milliseconds) in placeholder ph.
func safetyPlanDue(ph string) string {
	return `p.status = 'active' AND NOT EXISTS (SELECT 1 FROM plan_versions v
		WHERE v.org_id = p.org_id AND v.person_id = p.id AND v.kind = 'safety_plan' AND v.created_at >= ` + ph + `)`
}

// ---- Reading ----

const planSelect = `SELECT v.version, v.body, v.change, v.created_at, v.created_by, COALESCE(u.name, ''), COALESCE(u.person_id, 0)
	FROM plan_versions v LEFT JOIN users u ON u.id = v.created_by `

func scanPlan(k *PlanKind, personID int64, sc interface{ Scan(...any) error }) (Plan, error) {
	var version int
	var body, change, name string
	var at, by, byPerson int64
	if err := sc.Scan(&version, &body, &change, &at, &by, &name, &byPerson); err != nil {
		return Plan{}, err
	}
	p, err := decodeBody(k, personID, body)
	p.Version, p.Reviewed, p.SavedAt, p.SavedBy, p.SavedByName = version, change == planReview, fromMS(at), by, name
	p.ByPerson = byPerson != 0
	return p, err
}

// latestPlan reads the latest version of a person's plan (without checking
// access or auditing); version 0, prefilled, when there is none.
func (s *Store) latestPlan(ctx context.Context, q querier, k *PlanKind, orgID, personID int64) (Plan, error) {
	p, err := scanPlan(k, personID, q.QueryRowContext(ctx, planSelect+
		"WHERE v.org_id = $1 AND v.person_id = $2 AND v.kind = $3 ORDER BY v.version DESC LIMIT 1", orgID, personID, k.Key))
	if !errors.Is(err, sql.ErrNoRows) {
		return p, err
	}
	p = emptyPlan(k, personID)
	if k.CrisisLines != "" {
		set, err := s.planSettings(ctx, q, orgID)
		if err != nil {
			return p, err
		}
		for i := range p.Sections {
			if p.Sections[i].Key == k.CrisisLines {
				p.Sections[i].Contacts = append([]PlanContact(nil), set.CrisisLines...)
			}
		}
	}
	return p, nil
}

// Plan returns the latest version of a person's plan of kind k, and audits
// the read. A person without one gets version 0: empty sections, with the
// organisation's crisis lines filled in where the kind has them.
func (s *Store) Plan(ctx context.Context, a Actor, k *PlanKind, personID int64) (Plan, error) {
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return Plan{}, err
	}
	p, err := s.latestPlan(ctx, s.rdb, k, a.OrgID, personID)
	if err != nil {
		return Plan{}, err
	}
	return p, s.recordRead(ctx, a, k.Key, personID, "version "+fmt.Sprint(p.Version))
}

// PlanToPrint is Plan for a printout: the same access rule, audited as a
// printing (what says which layout).
func (s *Store) PlanToPrint(ctx context.Context, a Actor, k *PlanKind, personID int64, what string) (Plan, error) {
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return Plan{}, err
	}
	p, err := s.latestPlan(ctx, s.rdb, k, a.OrgID, personID)
	if err != nil {
		return Plan{}, err
	}
	return p, s.recordRead(ctx, a, k.Key, personID, fmt.Sprintf("printed version %d (%s)", p.Version, what))
}

// PlanVersion returns one saved version of a person's plan, and audits the
// read; NotFound for a version that does not exist.
func (s *Store) PlanVersion(ctx context.Context, a Actor, k *PlanKind, personID int64, version int) (PlanVersion, error) {
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return PlanVersion{}, err
	}
	rows, err := s.queryPlans(ctx, k, a.OrgID, personID,
		"AND v.version <= $4 ORDER BY v.version DESC LIMIT 2", version)
	if err != nil {
		return PlanVersion{}, err
	}
	if len(rows) == 0 || rows[0].Version != version {
		return PlanVersion{}, core.NotFound("This version")
	}
	prev := emptyPlan(k, personID)
	if len(rows) > 1 {
		prev = rows[1]
	}
	v := PlanVersion{Plan: rows[0], Changes: PlanChanges(prev, rows[0])}
	return v, s.recordRead(ctx, a, k.Key, personID, "version "+fmt.Sprint(version))
}

// PlanVersion is a saved version with what changed from the one before.
type PlanVersion struct {
	Plan
	Changes []SectionChange
}

func (s *Store) queryPlans(ctx context.Context, k *PlanKind, orgID, personID int64, rest string, args ...any) ([]Plan, error) {
	rows, err := s.rdb.QueryContext(ctx, planSelect+"WHERE v.org_id = $1 AND v.person_id = $2 AND v.kind = $3 "+rest,
		append([]any{orgID, personID, k.Key}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Plan
	for rows.Next() {
		p, err := scanPlan(k, personID, rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PlanVersions lists the saved versions of a person's plan, newest first,
// each with what changed from the one before, and audits the read.
func (s *Store) PlanVersions(ctx context.Context, a Actor, k *PlanKind, personID int64, p Page) (List[PlanVersion], error) {
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return List[PlanVersion]{}, err
	}
	before := 0
	has, err := decodeCursor(p.Cursor, &before)
	if err != nil {
		return List[PlanVersion]{}, err
	}
	limit := p.limit()
	rest, args := "", []any{}
	if has {
		rest, args = "AND v.version < $4 ", []any{before}
	}
	// One more than the page to know there is a next page, and one more
	// again to compare the page's oldest version with the one before it.
	plans, err := s.queryPlans(ctx, k, a.OrgID, personID, rest+fmt.Sprintf("ORDER BY v.version DESC LIMIT %d", limit+2), args...)
	if err != nil {
		return List[PlanVersion]{}, err
	}
	out := List[PlanVersion]{}
	for i := 0; i < len(plans) && i < limit; i++ {
		prev := emptyPlan(k, personID)
		if i+1 < len(plans) {
			prev = plans[i+1]
		}
		out.Items = append(out.Items, PlanVersion{Plan: plans[i], Changes: PlanChanges(prev, plans[i])})
	}
	if len(plans) > limit {
		out.Next = encodeCursor(plans[limit-1].Version)
	}
	return out, s.recordRead(ctx, a, k.Key, personID, "versions")
}

// ---- Writing ----

// SavePlan saves a new version of a person's plan of kind k from in. An
// empty plan may be saved: a plan grows over time.
func (s *Store) SavePlan(ctx context.Context, a Actor, k *PlanKind, personID int64, in PlanInput) (Plan, error) {
	if in.Review {
		return s.addPlanVersion(ctx, a, k, personID, in.Base, in.SavedAt, nil)
	}
	p, f := planFromInput(k, personID, in)
	if err := core.Invalid(f); err != nil {
		return Plan{}, err
	}
	return s.addPlanVersion(ctx, a, k, personID, in.Base, in.SavedAt, &p)
}

// ReviewPlan records that the person and their worker went over the plan
// together and changed nothing: a new version with the same content, which
// counts as a review for the caseload flag. base, when set, is the version
// reviewed (a conflict if a later one exists).
func (s *Store) ReviewPlan(ctx context.Context, a Actor, k *PlanKind, personID int64, base *int) (Plan, error) {
	return s.addPlanVersion(ctx, a, k, personID, base, time.Time{}, nil)
}

// addPlanVersion adds version n+1: p's content, or (p nil) the latest
// version's content as a review.
func (s *Store) addPlanVersion(ctx context.Context, a Actor, k *PlanKind, personID int64, base *int, savedAt time.Time, p *Plan) (Plan, error) {
	var saved Plan
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.visiblePerson(ctx, tx, a, personID); err != nil {
			return err
		}
		// Saves of one person's plans queue on the person's row, so the
		// latest version read next is the one this save follows. Without
		// it, PostgreSQL let two saves read the same latest version and
		// the second failed on the unique version number, while SQLite
		// (one writer at a time) kept both. The rule is now the same on
		// both: without a base every save is kept; with one, a stale base
		// is a conflict.
		var locked int64
		if err := tx.QueryRowContext(ctx, "SELECT id FROM people WHERE id = $1 AND org_id = $2"+s.forUpdate(), personID, a.OrgID).Scan(&locked); err != nil {
			return err
		}
		cur, err := s.latestPlan(ctx, tx, k, a.OrgID, personID)
		if err != nil {
			return err
		}
		if base != nil && *base != cur.Version {
			return staleBase(k, *base, cur)
		}
		change, detail := planEdit, ""
		next := p
		if p == nil {
			if cur.Version == 0 {
				return core.Conflict(fmt.Sprintf("There is no %s to review yet: write it with the person first.", strings.ToLower(k.Name)))
			}
			next, change, detail = &cur, planReview, ": reviewed, no changes"
		} else {
			var keys []string
			for _, c := range PlanChanges(cur, *p) {
				keys = append(keys, c.Key)
			}
			if len(keys) > 0 && cur.Version > 0 {
				detail = ": " + strings.Join(keys, ", ") // section names only, never their words
			}
		}
		now := s.now()
		at := now
		if !savedAt.IsZero() {
			at = savedAt.UTC().Truncate(time.Millisecond)
			if at.After(now) || (cur.Version > 0 && at.Before(cur.SavedAt)) {
				return core.Invalid(map[string]string{"saved_at": "A version cannot be dated in the future or before the version it follows."})
			}
		}
		body, err := encodeBody(*next)
		if err != nil {
			return err
		}
		version := cur.Version + 1
		_, err = tx.ExecContext(ctx, `INSERT INTO plan_versions (org_id, person_id, kind, version, body, change, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, a.OrgID, personID, k.Key, version, body, change, ms(at), a.UserID)
		if isUniqueViolation(err) {
			return core.Conflict(fmt.Sprintf("Someone else saved this %s at the same moment. Open it again to see their version; what you wrote is still in your form.", strings.ToLower(k.Name)))
		}
		if err != nil {
			return err
		}
		action := audit.ActionUpdate
		if version == 1 {
			action = audit.ActionCreate
		}
		if err := s.record(ctx, tx, a, action, k.Key, personID, fmt.Sprintf("version %d%s", version, detail)); err != nil {
			return err
		}
		saved = *next
		saved.Version, saved.Reviewed, saved.SavedAt, saved.SavedBy = version, change == planReview, at, a.UserID
		saved.ByPerson = a.IsPerson()
		return tx.QueryRowContext(ctx, "SELECT name FROM users WHERE id = $1", a.UserID).Scan(&saved.SavedByName)
	})
	return saved, err
}

// staleBase is the conflict of a save started from an older version.
func staleBase(k *PlanKind, base int, cur Plan) error {
	msg := fmt.Sprintf("%s was saved again while you were working on it: version %d, by %s on %s. What you wrote is still here. Look at the latest version, then save yours if it should replace it.",
		article(k.Name), cur.Version, cur.SavedByName, core.DateTime(cur.SavedAt))
	if cur.Version == 0 {
		msg = fmt.Sprintf("Version %d of this %s does not exist: there is no saved version yet.", base, strings.ToLower(k.Name))
	}
	return &core.Error{Kind: core.KindConflict, Message: msg, Fields: map[string]string{"version": msg}}
}

// HasPlans reports whether any plan of the organisation's is saved (the demo
// loader uses it to load its plans once).
func (s *Store) HasPlans(ctx context.Context, orgID int64) (bool, error) {
	var n int
	err := s.rdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM plan_versions WHERE org_id = $1 LIMIT 1) t", orgID).Scan(&n)
	return n > 0, err
}
