package demo

import (
	"context"
	"fmt"
	"time"

	"peerpath/internal/store"
)

// The demo's plans (issue 7): safety plans for several people (Marcus's in
// three versions, written over six weeks), Maria's wellness plan and crisis
// preferences, Tomás's safety plan not reviewed for months, and several
// active people with none yet, so the caseload's flags show. Every name,
// number and word is made up; 555-01xx numbers are not real. The crisis
// lines are the organisation's (988 and the Massachusetts Behavioral Health
// Help Line, the real numbers).

// demoPlanVersion is one save of a demo plan.
type demoPlanVersion struct {
	daysAgo  int
	by       string // key in Demo.Users; the person's worker when empty
	review   bool   // reviewed with the person, no changes
	items    map[string][]string
	contacts map[string][]store.PlanContact
	texts    map[string]string
}

type demoPlan struct {
	person   string
	kind     *store.PlanKind
	versions []demoPlanVersion
}

var (
	darnell = store.PlanContact{Name: "Darnell, my brother", Phone: "508-555-0143"}
	drReyes = store.PlanContact{Name: "Dr. Reyes, my counsellor at Riverbend Counseling", Phone: "508-555-0150"}
)

var demoPlans = []demoPlan{
	{person: "Marcus Hill", kind: store.SafetyPlan, versions: []demoPlanVersion{
		{daysAgo: 44,
			items: map[string][]string{
				"warning_signs":    {"Not sleeping more than a few hours", "Not answering my phone"},
				"coping_on_my_own": {"Walk down to the river and back", "Put the Celtics game on"},
				"what_matters":     {"My daughter's graduation in June"},
			},
			contacts: map[string][]store.PlanContact{"people_to_ask": {darnell}}},
		{daysAgo: 30,
			items: map[string][]string{
				"warning_signs":      {"Not sleeping more than a few hours", "Not answering my phone", "Drinking alone at night"},
				"coping_on_my_own":   {"Walk down to the river and back", "Put the Celtics game on"},
				"people_and_places":  {"The barbershop on Main Street", "Saturday pickup basketball at the Y"},
				"safer_surroundings": {"Darnell keeps my car keys on nights I have been drinking"},
				"what_matters":       {"My daughter's graduation in June"},
			},
			contacts: map[string][]store.PlanContact{"people_to_ask": {darnell}, "professionals_and_crisis_lines": {drReyes}}},
		{daysAgo: 15, by: "supervisor",
			items: map[string][]string{
				"warning_signs":      {"Not sleeping more than a few hours", "Not answering my phone", "Drinking alone at night"},
				"coping_on_my_own":   {"Walk down to the river and back", "Put the Celtics game on", "Call my brother before it gets late"},
				"people_and_places":  {"The barbershop on Main Street", "Saturday pickup basketball at the Y"},
				"safer_surroundings": {"Darnell keeps my car keys on nights I have been drinking"},
				"what_matters":       {"My daughter's graduation in June", "Coaching my nephew's team this spring"},
			},
			contacts: map[string][]store.PlanContact{"people_to_ask": {darnell, {Name: "Jordan at the RLC (weekdays)", Phone: "508-555-0119"}}, "professionals_and_crisis_lines": {drReyes}}},
	}},
	{person: "Maria Santos", kind: store.SafetyPlan, versions: []demoPlanVersion{
		{daysAgo: 20,
			items: map[string][]string{
				"warning_signs":     {"Staying in bed past noon", "Thinking nobody would notice if I was gone"},
				"coping_on_my_own":  {"Caminhar no parque de manhã", "Listen to fado with the window open"},
				"people_and_places": {"The café near the clinic", "Mass at St. Anthony's on Sunday"},
				"what_matters":      {"My daughter Ana and my grandson", "Having my own place near them"},
			},
			contacts: map[string][]store.PlanContact{"people_to_ask": {{Name: "Ana, my daughter", Phone: "617-555-0144"}, {Name: "Pat at the RLC", Phone: "617-555-0118"}}}},
	}},
	{person: "Maria Santos", kind: store.WellnessPlan, versions: []demoPlanVersion{
		{daysAgo: 25, items: map[string][]string{
			"staying_well":        {"Walk in the park every morning", "Take my medication at night so I am not sleepy", "Call Ana on Sundays"},
			"triggers":            {"Letters from the housing authority: I open them with someone"},
			"early_warning_signs": {"Not wanting to answer the phone", "Skipping my walk three days running"},
			"breaking_down":       {"Not eating; I ask Ana to come over"},
			"crisis_plan":         {"Ana decides with me; call Pat at the RLC", "Speak to me in Portuguese, slowly"},
			"after_a_crisis":      {"A few quiet days at Ana's", "Back to the café with Pat the week after"},
		}},
	}},
	{person: "Maria Santos", kind: store.CrisisPreferences, versions: []demoPlanVersion{
		{daysAgo: 25,
			items: map[string][]string{
				"what_helps":               {"Someone who speaks Portuguese", "A quiet room with the light on"},
				"what_does_not_help":       {"Being told to calm down", "Several people talking at once"},
				"preferred_facilities":     {"The crisis stabilisation unit at Riverbend General"},
				"medications_that_did_not": {"The one that made me sleep all day (Ana has the name)"},
				"visitors":                 {"Ana and my grandson", "Pat from the RLC"},
				"children_and_pets":        {"Ana feeds my cat, Tico"},
			},
			contacts: map[string][]store.PlanContact{"who_to_contact": {{Name: "Ana, my daughter", Phone: "617-555-0144"}}},
			texts:    map[string]string{"health_care_proxy": "Ana Santos, my daughter", "health_care_proxy_contact": "617-555-0144"}},
	}},
	{person: "Tomás Rivera", kind: store.SafetyPlan, versions: []demoPlanVersion{
		{daysAgo: 110, items: map[string][]string{
			"warning_signs":    {"Cuando no duermo", "Worrying about money all day"},
			"coping_on_my_own": {"Work in the garden", "Cook for my neighbours"},
			"what_matters":     {"Mi mamá en Puerto Rico", "My job at the garden centre"},
		}, contacts: map[string][]store.PlanContact{"people_to_ask": {{Name: "Luis, my cousin", Phone: "617-555-0145"}}}},
	}},
	{person: "Dev Patel", kind: store.SafetyPlan, versions: []demoPlanVersion{
		{daysAgo: 10, items: map[string][]string{
			"warning_signs":    {"Not touching my guitar for a week"},
			"coping_on_my_own": {"Play for half an hour", "Go to the open mic even just to listen"},
			"what_matters":     {"Teaching guitar to kids one day"},
		}},
	}},
	{person: "Sam Nguyen", kind: store.SafetyPlan, versions: []demoPlanVersion{
		{daysAgo: 30, items: map[string][]string{
			"warning_signs": {"Reading the landlord's notice over and over"},
			"what_matters":  {"Keeping my apartment", "My cat"},
		}, contacts: map[string][]store.PlanContact{"people_to_ask": {{Name: "Dì Hương, my aunt", Phone: "508-555-0146"}}}},
		{daysAgo: 5, review: true},
	}},
	{person: "Joe Medeiros", kind: store.SafetyPlan, versions: []demoPlanVersion{
		{daysAgo: 40, items: map[string][]string{
			"warning_signs":     {"Sitting in the car without going anywhere"},
			"people_and_places": {"My mother's kitchen", "The fishing pier"},
		}, contacts: map[string][]store.PlanContact{"people_to_ask": {{Name: "My mother", Phone: "508-555-0147"}}}},
	}},
}

// loadPlans loads the plans once: it does nothing when the organisation
// already has any plan.
func loadPlans(ctx context.Context, s *store.Store, d *Demo) error {
	if has, err := s.HasPlans(ctx, d.Org.ID); err != nil || has {
		return err
	}
	admin := d.Users["admin"].Actor("demo")
	people, err := s.ListPeople(ctx, admin, store.PeopleFilter{Status: store.ShowAll}, store.Page{Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	byName := map[string]store.CaseloadRow{}
	for _, p := range people.Items {
		byName[p.PreferredName] = p
	}
	now := s.Clock().Now()
	for _, dp := range demoPlans {
		p, ok := byName[dp.person]
		if !ok {
			return fmt.Errorf("demo plan for %s: no such demo person", dp.person)
		}
		for _, v := range dp.versions {
			by := d.Users[v.by]
			if v.by == "" {
				by = d.Users[workerKey(d, p)]
			}
			a := by.Actor("demo")
			at := now.Add(-time.Duration(v.daysAgo)*24*time.Hour - 2*time.Hour)
			in := store.PlanInput{Items: v.items, Contacts: v.contacts, Texts: v.texts, SavedAt: at, Review: v.review}
			if dp.kind == store.SafetyPlan && !v.review {
				// The crisis lines a new plan starts with, then the person's own.
				set, err := s.PlanSettings(ctx, d.Org.ID)
				if err != nil {
					return err
				}
				in.Contacts = withCrisisLines(v.contacts, set.CrisisLines)
			}
			if _, err := s.SavePlan(ctx, a, dp.kind, p.ID, in); err != nil {
				return fmt.Errorf("demo %s for %s: %w", dp.kind.Name, dp.person, err)
			}
		}
	}
	return nil
}

// workerKey finds the demo user key of a person's first worker.
func workerKey(d *Demo, p store.CaseloadRow) string {
	for key, u := range d.Users {
		if len(p.Workers) > 0 && u.ID == p.Workers[0].ID {
			return key
		}
	}
	return "admin"
}

// withCrisisLines puts the crisis lines first in the professionals section.
func withCrisisLines(cs map[string][]store.PlanContact, lines []store.PlanContact) map[string][]store.PlanContact {
	out := map[string][]store.PlanContact{}
	for k, v := range cs {
		out[k] = v
	}
	key := store.SafetyPlan.CrisisLines
	out[key] = append(append([]store.PlanContact(nil), lines...), cs[key]...)
	return out
}
