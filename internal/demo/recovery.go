package demo

import (
	"context"
	"fmt"
	"time"

	"peerpath/internal/store"
)

// The demo's recovery pictures (issue 13). Maria has three BARC-10s over six
// months, rising (29, 34, 43); her stages of change per life area; a check of needs in which housing led to her referral to the
// housing clinic and work to a goal; her strengths, natural supports, the
// advocacy at the housing clinic and a question for her prescriber. Dev has
// an old BARC-10, so he is due another; everyone else is due a first.
// Every word is made up.

func loadRecovery(ctx context.Context, s *store.Store, d *Demo) error {
	if has, err := s.HasRecoveryPictures(ctx, d.Org.ID); err != nil || has {
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
	maria, ok := byName["Maria Santos"]
	if !ok {
		return fmt.Errorf("demo recovery picture: no Maria Santos")
	}
	a := d.Users[workerKey(d, maria)].Actor("demo")
	today := s.Today()
	ago := func(days int) string {
		t, _ := time.Parse(time.DateOnly, today)
		return t.AddDate(0, 0, -days).Format(time.DateOnly)
	}
	wrap := func(err error, what string) error {
		if err != nil {
			return fmt.Errorf("demo recovery picture, %s: %w", what, err)
		}
		return nil
	}

	for _, as := range []struct {
		days    int
		answers []int // 0: prefer not to answer
	}{
		{180, []int{4, 2, 2, 3, 2, 4, 2, 4, 3, 3}},
		{95, []int{4, 3, 3, 3, 3, 4, 2, 5, 3, 4}},
		{12, []int{5, 4, 4, 4, 4, 5, 3, 5, 4, 5}},
	} {
		in := store.AssessmentInput{TakenOn: ago(as.days)}
		for _, v := range as.answers {
			if v == 0 {
				in.Answers = append(in.Answers, nil)
				continue
			}
			v := v
			in.Answers = append(in.Answers, &v)
		}
		if _, err := s.TakeAssessment(ctx, a, maria.ID, in); err != nil {
			return wrap(err, "BARC-10")
		}
	}
	for _, st := range []store.StageInput{
		{LifeArea: "home", Stage: "contemplation", NotedOn: ago(150), Note: "I want to be near my daughter, but moving feels huge."},
		{LifeArea: "home", Stage: "preparation", NotedOn: ago(60), Note: "I have the list of buildings."},
		{LifeArea: "home", Stage: "action", NotedOn: ago(10), Note: "Applications are in."},
		{LifeArea: "health", Stage: "action", NotedOn: ago(40), Note: "Walking most mornings."},
		{LifeArea: "purpose", Stage: "contemplation", NotedOn: ago(40), Note: "Maybe some hours at the library."},
		{LifeArea: "community", Stage: "maintenance", NotedOn: ago(40), Note: "Church on Sundays keeps me going."},
	} {
		if _, err := s.NoteStage(ctx, a, maria.ID, st); err != nil {
			return wrap(err, "stage of change")
		}
	}
	check, err := s.RecordNeeds(ctx, a, maria.ID, store.NeedsInput{NotedOn: ago(30), Areas: []store.NeedInput{
		{Area: "housing", InTheirWords: "An apartment of my own near my daughter."},
		{Area: "work_and_education", InTheirWords: "A few hours of work, something quiet."},
		{Area: "transport", InTheirWords: "The bus pass runs out next month."},
	}})
	if err != nil {
		return wrap(err, "areas of need")
	}
	// Housing led to the referral to the housing clinic (made after the check).
	refs, err := s.ListReferrals(ctx, a, maria.ID)
	if err != nil {
		return err
	}
	for _, r := range refs {
		if r.ResourceName == "Riverbend Housing Search Clinic" {
			if err := s.LinkNeed(ctx, a, check.Needs[0].ID, 0, r.ID); err != nil {
				return wrap(err, "housing referral")
			}
		}
	}
	if _, err := s.AddGoal(ctx, a, maria.ID, store.GoalInput{Text: "Find a few hours of quiet work", LifeArea: "purpose", Steps: "Ask at the library\nLook at the volunteer board at church", NeedID: check.Needs[1].ID}); err != nil {
		return wrap(err, "goal from a need")
	}
	if _, err := s.SaveStrengths(ctx, a, maria.ID, store.StrengthsInput{
		GoodAt:       "Cooking for a crowd. Sewing. Remembering everyone's birthday.",
		WhatMatters:  "My daughter and my granddaughter. My church.",
		HelpedBefore: "Walking in the morning. Talking to my sister on the phone. Writing things down.",
		Items:        []string{"Caring", "Determined", "Faith", "Good with my hands"},
	}); err != nil {
		return wrap(err, "strengths")
	}
	for _, n := range []store.SupportInput{
		{Name: "Lúcia", Relationship: "daughter", HowTheyHelp: "Calls on Sundays; Maria stays with her when things are hard.", Phone: "617-555-0161", OkayToInvolve: true},
		{Name: "Rosa", Relationship: "sister, in Lowell", HowTheyHelp: "Long phone calls.", Phone: "978-555-0162", OkayToInvolve: true},
		{Name: "St. Anthony's Sunday lunch", Relationship: "church", HowTheyHelp: "Somewhere to be on Sundays; she helps in the kitchen.", OkayToInvolve: false},
	} {
		if _, err := s.AddSupport(ctx, a, maria.ID, n); err != nil {
			return wrap(err, "natural support")
		}
	}
	if _, err := s.AddAdvocacy(ctx, a, maria.ID, store.AdvocacyInput{DoneOn: ago(10), What: "Went with Maria to the housing clinic to hand in two applications.",
		WithWhom: "Riverbend Housing Search Clinic", Outcome: "Both applications accepted; she is on two waiting lists.", Skill: "Saying what I need"}); err != nil {
		return wrap(err, "advocacy")
	}
	if _, err := s.AddMedicationQuestion(ctx, a, maria.ID, store.MedicationInput{NotedOn: ago(41), Kind: "question_for_prescriber",
		Text: "It makes me sleepy in the mornings. Can I take it at night instead?"}); err != nil {
		return wrap(err, "medication question")
	}
	if _, err := s.RaiseRightsConcern(ctx, a, maria.ID, store.RightsInput{RaisedOn: ago(60), Kind: "housing",
		Note: "A landlord would not show Maria a flat once he heard how she pays her rent."}); err != nil {
		return wrap(err, "rights concern")
	}

	// Dev: one BARC-10 long ago, so he is due another.
	if dev, ok := byName["Dev Patel"]; ok {
		da := d.Users[workerKey(d, dev)].Actor("demo")
		v := []int{3, 3, 4, 3, 2, 3, 3, 4, 3, 3}
		in := store.AssessmentInput{TakenOn: ago(100)}
		for i := range v {
			in.Answers = append(in.Answers, &v[i])
		}
		if _, err := s.TakeAssessment(ctx, da, dev.ID, in); err != nil {
			return wrap(err, "Dev's BARC-10")
		}
	}
	return nil
}
