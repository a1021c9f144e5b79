package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/store"
)

// A year of activity for the reports (issue 17), so that their charts say
// something: contacts most weeks with everyone supported, of every kind and
// mode; goals set and achieved across the life areas; BARC-10s taken twice,
// months apart, for several people; and stages of change noted early and
// late in the year. Drawn from a fixed seed, so every demo is the same.
// Every record is made up.

func loadReports(ctx context.Context, s *store.Store, d *Demo) error {
	today := s.Today()
	if has, err := s.HasContactsBefore(ctx, d.Org.ID, addDays(today, -200)); err != nil || has {
		return err
	}
	admin := d.Users["admin"].Actor("demo")
	people, err := s.ListPeople(ctx, admin, store.PeopleFilter{Status: store.ShowAll}, store.Page{Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(17, 2026))
	pick := func(weights map[string]int, order []string) string {
		total := 0
		for _, k := range order {
			total += weights[k]
		}
		n := r.IntN(total)
		for _, k := range order {
			if n -= weights[k]; n < 0 {
				return k
			}
		}
		return order[0]
	}
	kinds := []string{"check_in", "one_to_one", "advocacy", "resource_linkage", "outreach", "accompaniment", "crisis"}
	kindWeights := map[string]int{"check_in": 50, "one_to_one": 20, "advocacy": 8, "resource_linkage": 10, "outreach": 5, "accompaniment": 5, "crisis": 2}
	modes := []string{"in_person", "phone", "text", "video"}
	modeWeights := map[string]int{"in_person": 45, "phone": 30, "text": 15, "video": 10}
	now := s.Clock().Now()
	wrap := func(err error, what string, name string) error {
		if err != nil {
			return fmt.Errorf("demo reports, %s for %s: %w", what, name, err)
		}
		return nil
	}
	for i, p := range people.Items {
		if p.Status == store.StatusClosed || len(p.Workers) == 0 {
			continue
		}
		a := d.Users[workerKey(d, p)].Actor("demo")
		// Weeks with a contact: most of them, a few more for some people.
		keep := 60 + r.IntN(30)
		for week := 51; week >= 1; week-- {
			if r.IntN(100) >= keep {
				continue
			}
			at := now.AddDate(0, 0, -7*week+r.IntN(5)).Truncate(time.Hour)
			in := store.ContactInput{OccurredAt: at, DurationMinutes: 15 * (1 + r.IntN(5)), Mode: pick(modeWeights, modes), Kind: pick(kindWeights, kinds),
				Note: "Talked about the week and what comes next."}
			if _, err := s.AddContact(ctx, a, p.ID, in); err != nil {
				return wrap(err, "a contact", p.PreferredName)
			}
		}
		for g := 0; g < 2; g++ {
			area := store.LifeAreas[(i+g)%len(store.LifeAreas)]
			goal, err := s.AddGoal(ctx, a, p.ID, store.GoalInput{Text: demoGoals[area], LifeArea: area})
			if err != nil {
				return wrap(err, "a goal", p.PreferredName)
			}
			if r.IntN(100) < 55 {
				if _, err := s.UpdateGoal(ctx, a, goal.ID, store.GoalInput{Text: goal.Text, LifeArea: area, Status: "achieved"}); err != nil {
					return wrap(err, "an achieved goal", p.PreferredName)
				}
			}
		}
		if p.PreferredName == "Maria Santos" {
			continue // her recovery picture is recovery.go's
		}
		// BARC-10 twice, about nine months apart, for most people.
		if i%4 != 3 {
			first := make([]*int, 10)
			latest := make([]*int, 10)
			for k := range first {
				f := 2 + r.IntN(3)
				l := min(6, f+r.IntN(3))
				first[k], latest[k] = &f, &l
			}
			for _, as := range []struct {
				days    int
				answers []*int
			}{{290 + r.IntN(30), first}, {10 + r.IntN(30), latest}} {
				if slices.Contains(suprtPeople, p.PreferredName) {
					continue // their assessments tell follow_ups.go's story
				}
				if _, err := s.TakeAssessment(ctx, a, p.ID, store.AssessmentInput{TakenOn: addDays(today, -as.days), Answers: as.answers}); err != nil {
					return wrap(err, "a BARC-10", p.PreferredName)
				}
			}
			area := store.LifeAreas[i%len(store.LifeAreas)]
			from, to := 1+r.IntN(2), 2+r.IntN(3)
			for _, n := range []struct {
				days  int
				stage int
			}{{250, from}, {30, to}} {
				if _, err := s.NoteStage(ctx, a, p.ID, store.StageInput{LifeArea: area, Stage: demoStages[n.stage], NotedOn: addDays(today, -n.days)}); err != nil {
					return wrap(err, "a stage", p.PreferredName)
				}
			}
		}
	}
	return nil
}

var demoStages = []string{"precontemplation", "contemplation", "preparation", "action", "maintenance"}

var demoGoals = map[string]string{
	"health":    "Walk to the river and back three mornings a week",
	"home":      "Get the lease signed and the keys",
	"purpose":   "Sign up for the evening class",
	"community": "Go to the Thursday group twice a month",
}

func addDays(d string, n int) string {
	t, err := time.ParseInLocation(core.DateLayout, d, core.Local)
	if err != nil {
		return d
	}
	return t.AddDate(0, 0, n).Format(core.DateLayout)
}
