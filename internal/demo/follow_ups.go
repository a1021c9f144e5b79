package demo

import (
	"context"
	"fmt"

	"peerpath/internal/core"
	"peerpath/internal/followup"
	"peerpath/internal/store"
)

// The demo's follow-up schedule (issue 17). Riverbend runs a programme under
// a SAMHSA grant, "Recovery support (SUPRT grant)", on SUPRT's schedule.
// Four people are in it: Grace (Pat) has her 6-month reassessment due,
// Hector (Pat) his overdue, Jamal (Jordan) his baseline due, and Ivy (Jordan)
// did her baseline, 6-month and annual assessments on time. Every name is
// made up.

// SUPRTProgramme is the demo's programme on SUPRT's schedule.
const SUPRTProgramme = "Recovery support (SUPRT grant)"

// suprtPeople are the people in it, whose assessments tell the story above
// (the reports' demo leaves them alone).
var suprtPeople = []string{"Grace Kim", "Hector Silva", "Ivy Adams", "Jamal Brooks"}

func loadFollowUps(ctx context.Context, s *store.Store, d *Demo) error {
	admin := d.Users["admin"].Actor("demo")
	ps, err := s.FollowUpSchedules(ctx, admin)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.Name == SUPRTProgramme {
			return nil
		}
	}
	now := s.Clock().Now()
	day := func(daysAgo int) string { return core.Today(now.AddDate(0, 0, -daysAgo)) }
	for _, dp := range []struct {
		worker, name, pronouns string
		sinceDays              int
		takenDaysAgo           []int
	}{
		{"peer", "Grace Kim", "she/her", 200, []int{190}},
		{"peer", "Hector Silva", "he/him", 250, nil},
		{"peer2", "Ivy Adams", "she/her", 400, []int{395, 215, 30}},
		{"peer2", "Jamal Brooks", "he/him", 20, nil},
	} {
		a := d.Users[dp.worker].Actor("demo")
		p, err := s.CreatePerson(ctx, a, store.PersonInput{PreferredName: dp.name, Pronouns: dp.pronouns, PreferredLanguage: "English", CheckInEveryDays: 14,
			SupportedSince: day(dp.sinceDays), Programmes: []string{SUPRTProgramme}})
		if err != nil {
			return fmt.Errorf("demo follow-ups, %s: %w", dp.name, err)
		}
		for i, ago := range dp.takenDaysAgo {
			v := 3 + i
			in := store.AssessmentInput{TakenOn: day(ago)}
			for range 10 {
				in.Answers = append(in.Answers, &v)
			}
			if _, err := s.TakeAssessment(ctx, a, p.ID, in); err != nil {
				return fmt.Errorf("demo follow-ups, %s's assessment: %w", dp.name, err)
			}
		}
	}
	if ps, err = s.FollowUpSchedules(ctx, admin); err != nil {
		return err
	}
	for _, p := range ps {
		if p.Name == SUPRTProgramme {
			_, err := s.SetFollowUpSchedule(ctx, admin, p.ID, followup.Schedule{Kind: followup.SUPRT})
			return err
		}
	}
	return fmt.Errorf("demo follow-ups: no programme %q", SUPRTProgramme)
}
