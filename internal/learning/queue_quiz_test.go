package learning

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestDailyQueue(t *testing.T) {
	now := t0
	card := func(state State, due time.Duration) Card {
		return Card{State: state, Due: now.Add(due), Stability: 1, Difficulty: 5}
	}
	cards := []CardDue{
		{"new-b", NewCard(now.Add(-time.Hour))},
		{"review-late", card(StateReview, -days(5))},
		{"review-future", card(StateReview, days(2))},
		{"learning-now", card(StateLearning, -time.Minute)},
		{"new-a", NewCard(now.Add(-time.Hour))},
		{"relearning-later-today", card(StateRelearning, 10*time.Minute)},
		{"review-very-late", card(StateReview, -days(30))},
		{"relearning-due", card(StateRelearning, -days(1))},
		{"new-c", NewCard(now.Add(-2 * time.Hour))},
		{"new-future", NewCard(now.Add(time.Hour))},
		{"review-exactly-now", card(StateReview, 0)},
	}
	got, counts := DailyQueue(cards, now, 2)
	var ids []string
	for _, c := range got {
		ids = append(ids, c.ID)
	}
	want := []string{"review-very-late", "review-late", "relearning-due", "learning-now", "review-exactly-now", "new-c", "new-a"}
	if !slices.Equal(ids, want) {
		t.Errorf("queue %v\nwant  %v", ids, want)
	}
	if counts != (QueueCounts{New: 2, Learning: 2, Review: 3}) {
		t.Errorf("counts %+v", counts)
	}

	none, c0 := DailyQueue(cards, now, 0)
	if len(none) != 5 || c0.New != 0 {
		t.Errorf("limit 0: %d cards, counts %+v", len(none), c0)
	}
	neg, _ := DailyQueue(cards, now, -3)
	if len(neg) != 5 {
		t.Errorf("negative limit should mean no new cards, got %d", len(neg))
	}
	all, ca := DailyQueue(cards, now, 100)
	if ca.New != 3 || len(all) != 8 {
		t.Errorf("big limit: %d cards, counts %+v", len(all), ca)
	}
	if empty, ce := DailyQueue(nil, now, 10); len(empty) != 0 || ce != (QueueCounts{}) {
		t.Errorf("empty input: %v %+v", empty, ce)
	}
}

// Property: over many seeds, every question has four distinct choices, the
// answer among them exactly once, and no wrong choice that is really the
// answer under another name.
func TestQuizDistractorsNeverEqualTheAnswer(t *testing.T) {
	es := shipped(t)
	bySlug := map[string]Entry{}
	byTerm := map[string]Entry{}
	catSize := map[string]int{}
	for _, e := range es {
		bySlug[e.Slug] = e
		byTerm[e.Term] = e
		catSize[e.Category]++
	}
	for seed := uint64(0); seed < 300; seed++ {
		qs := Quiz(es, 10, rand.New(rand.NewPCG(seed, seed*31+7)))
		if len(qs) != 10 {
			t.Fatalf("seed %d: %d questions", seed, len(qs))
		}
		seenQ := map[string]bool{}
		for _, q := range qs {
			if seenQ[q.Slug] {
				t.Fatalf("seed %d: %s asked twice", seed, q.Slug)
			}
			seenQ[q.Slug] = true
			ans := bySlug[q.Slug]
			if len(q.Choices) != ChoicesPerQuestion || q.Answer < 0 || q.Answer >= len(q.Choices) {
				t.Fatalf("seed %d: bad question %+v", seed, q)
			}
			if q.Choices[q.Answer] != ans.Term {
				t.Fatalf("seed %d: answer %q, want %q", seed, q.Choices[q.Answer], ans.Term)
			}
			assertNoNames(t, q.Prompt, ans)
			seen := map[string]bool{}
			for i, c := range q.Choices {
				k := answerForm(c)
				if seen[k] {
					t.Fatalf("seed %d: duplicate choice %q in %v", seed, c, q.Choices)
				}
				seen[k] = true
				if i == q.Answer {
					continue
				}
				d := byTerm[c]
				if MatchAnswer(c, ans) || MatchAnswer(ans.Term, d) {
					t.Fatalf("seed %d: distractor %q is the answer %q", seed, c, ans.Term)
				}
				for _, n := range ans.Names() {
					if answerForm(n) == k {
						t.Fatalf("seed %d: distractor %q is a name of %s", seed, c, ans.Slug)
					}
				}
				if catSize[ans.Category] >= ChoicesPerQuestion && d.Category != ans.Category {
					t.Fatalf("seed %d: %q (%s) offered for %s (%s)", seed, c, d.Category, ans.Slug, ans.Category)
				}
			}
		}
	}
}

func TestQuizFallsBackWhenCategoryIsSmall(t *testing.T) {
	es := []Entry{
		{Term: "Alpha", Slug: "alpha", Definition: "Alpha is the first letter.", Category: CategoryRoles},
		{Term: "Beta", Slug: "beta", Definition: "Beta comes second.", Category: CategoryRoles},
		{Term: "Gamma", Slug: "gamma", Definition: "Third.", Category: CategoryConcepts},
		{Term: "Delta", Slug: "delta", Definition: "Fourth.", Category: CategoryConcepts},
		{Term: "Epsilon", Slug: "epsilon", Definition: "Fifth.", Category: CategoryConcepts},
		// Another name for Alpha under another slug must never be offered
		// against it.
		{Term: "ALPHA", Slug: "alpha-copy", Definition: "Same again.", Category: CategoryConcepts},
	}
	for seed := uint64(0); seed < 100; seed++ {
		qs := Quiz(es, 6, rand.New(rand.NewPCG(seed, 1)))
		for _, q := range qs {
			if q.Slug != "alpha" {
				continue
			}
			if len(q.Choices) != 4 || !slices.Contains(q.Choices, "Beta") {
				t.Fatalf("seed %d: %v should hold 4 choices including its one same-category neighbour", seed, q.Choices)
			}
			if slices.Contains(q.Choices, "ALPHA") {
				t.Fatalf("seed %d: the answer's twin was offered: %v", seed, q.Choices)
			}
			if q.Prompt != Blank+" is the first letter." {
				t.Fatalf("seed %d: prompt %q", seed, q.Prompt)
			}
		}
	}
	few := Quiz(es[:2], 5, rand.New(rand.NewPCG(1, 1)))
	if len(few) != 2 || len(few[0].Choices) != 2 {
		t.Errorf("two entries: %d questions, %v", len(few), few)
	}
	if Quiz(es, 0, rand.New(rand.NewPCG(1, 1))) != nil || Quiz(nil, 3, rand.New(rand.NewPCG(1, 1))) != nil || Quiz(es, 3, nil) != nil {
		t.Error("degenerate quizzes should be empty")
	}
}

func TestQuizIsDeterministicPerSeed(t *testing.T) {
	es := shipped(t)
	a := Quiz(es, 5, rand.New(rand.NewPCG(3, 4)))
	b := Quiz(es, 5, rand.New(rand.NewPCG(3, 4)))
	c := Quiz(es, 5, rand.New(rand.NewPCG(5, 6)))
	if !slices.EqualFunc(a, b, func(x, y Question) bool {
		return x.Slug == y.Slug && x.Answer == y.Answer && slices.Equal(x.Choices, y.Choices)
	}) {
		t.Error("same seed gave different quizzes")
	}
	if slices.EqualFunc(a, c, func(x, y Question) bool { return x.Slug == y.Slug }) {
		t.Error("different seeds gave the same quiz")
	}
	// The answer is not always in the same place.
	pos := map[int]bool{}
	for seed := uint64(0); seed < 40; seed++ {
		for _, q := range Quiz(es, 5, rand.New(rand.NewPCG(seed, 0))) {
			pos[q.Answer] = true
		}
	}
	if len(pos) != ChoicesPerQuestion {
		t.Errorf("answers only ever at positions %v", pos)
	}
}

func TestGrade(t *testing.T) {
	qs := []Question{{Answer: 0}, {Answer: 3}, {Answer: 2}, {Answer: 1}}
	tests := []struct {
		answers []int
		want    int
	}{
		{[]int{0, 3, 2, 1}, 4},
		{[]int{0, 3, 2, 0}, 3},
		{[]int{1, 1, 1, 1}, 1},
		{[]int{0, 3}, 2},
		{nil, 0},
		{[]int{-1, 9, 2, 1, 0, 0}, 2},
	}
	for _, tc := range tests {
		if got := Grade(qs, tc.answers); got != tc.want {
			t.Errorf("Grade(%v) = %d, want %d", tc.answers, got, tc.want)
		}
	}
}
