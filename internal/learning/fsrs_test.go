package learning

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"peerpath/internal/core"
)

// t0 is the fixed clock every FSRS test starts from (the reference
// implementations' test date).
var t0 = time.Date(2022, 11, 29, 12, 30, 0, 0, time.UTC)

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// First reviews, pinned to the FSRS-5 reference values published with
// ts-fsrs and go-fsrs: stability is w[0..3], difficulty is D0(G) and only
// Easy graduates at once, to round(15.69105) = 16 days.
func TestFirstReviewMatchesReference(t *testing.T) {
	s := DefaultScheduler()
	wantS := []float64{0.40255, 1.18385, 3.173, 15.69105}
	wantD := []float64{7.1949, 6.48830527, 5.28243442, 3.22450159}
	wantState := []State{StateLearning, StateLearning, StateLearning, StateReview}
	wantDue := []time.Duration{time.Minute, 330 * time.Second, 10 * time.Minute, days(16)}
	for i, r := range []Rating{Again, Hard, Good, Easy} {
		c, log := s.Review(NewCard(t0), r, t0)
		if c.Stability != wantS[i] {
			t.Errorf("%v: stability %v, want %v", r, c.Stability, wantS[i])
		}
		if !near(c.Difficulty, wantD[i], 1e-8) {
			t.Errorf("%v: difficulty %.8f, want %.8f", r, c.Difficulty, wantD[i])
		}
		if c.State != wantState[i] || c.Reps != 1 || c.Lapses != 0 || c.ElapsedDays != 0 {
			t.Errorf("%v: %+v", r, c)
		}
		if got := c.Due.Sub(t0); got != wantDue[i] {
			t.Errorf("%v: due in %v, want %v", r, got, wantDue[i])
		}
		if log.Rating != r || log.State != StateNew || !log.Review.Equal(t0) {
			t.Errorf("%v: log %+v", r, log)
		}
	}
}

// The FSRS-5 reference interval history ("ivl_history" in ts-fsrs and
// go-fsrs with the default weights): reviewing at each due date with
// Good×6, Again×2, Good×5 schedules these whole days.
func TestIntervalHistoryMatchesReference(t *testing.T) {
	s := DefaultScheduler()
	ratings := []Rating{Good, Good, Good, Good, Good, Good, Again, Again, Good, Good, Good, Good, Good}
	want := []int{0, 4, 14, 44, 125, 328, 0, 0, 7, 16, 34, 71, 142}
	wantStates := []State{StateLearning, StateReview, StateReview, StateReview, StateReview, StateReview, StateRelearning, StateRelearning, StateReview, StateReview, StateReview, StateReview, StateReview}
	c, now := NewCard(t0), t0
	var got []int
	var states []State
	for _, r := range ratings {
		c, _ = s.Review(c, r, now)
		got = append(got, c.ScheduledDays)
		states = append(states, c.State)
		if c.ScheduledDays > 0 && c.Due.Sub(now) != days(c.ScheduledDays) {
			t.Errorf("due %v does not match %d scheduled days", c.Due.Sub(now), c.ScheduledDays)
		}
		now = c.Due
	}
	if !slices.Equal(got, want) {
		t.Errorf("intervals %v, want %v", got, want)
	}
	if !slices.Equal(states, wantStates) {
		t.Errorf("states %v, want %v", states, wantStates)
	}
	if c.Lapses != 1 || c.Reps != len(ratings) {
		t.Errorf("lapses %d reps %d", c.Lapses, c.Reps)
	}
}

// The memory-state formulas against the ts-fsrs FSRS-5 reference: Again,
// then Good at 0, 0, 1, 4, 12 and 33 days gives S = 48.4848, D = 7.0866. The
// reference scheduler applies the same-day formula only to learning cards,
// so this drives the formulas directly in that order; Review applies it to
// any same-day review, as py-fsrs does.
func TestMemoryStateFormulasMatchReference(t *testing.T) {
	s := DefaultScheduler()
	st, d := s.initStability(Again), s.initDifficulty(Again)
	st, d = s.shortTermStability(st, Good), s.nextDifficulty(d, Good) // same day, learning
	last := 0
	for _, day := range []int{0, 1, 4, 12, 33} { // graduated: long-term formula
		r := forgettingCurve(float64(day-last), st)
		st, d = s.recallStability(d, st, r, Good), s.nextDifficulty(d, Good)
		last = day
	}
	if !near(st, 48.4848, 5e-5) || !near(d, 7.0866, 5e-5) {
		t.Errorf("S = %.4f, D = %.4f; want 48.4848, 7.0866", st, d)
	}
}

func TestForgettingCurve(t *testing.T) {
	if r := forgettingCurve(10, 10); !near(r, 0.9, 1e-12) {
		t.Errorf("R at t = S is %v, want 0.9", r)
	}
	if r := forgettingCurve(0, 3); r != 1 {
		t.Errorf("R at t = 0 is %v, want 1", r)
	}
	s := DefaultScheduler()
	for _, st := range []float64{0.5, 3.173, 100} {
		if got := s.intervalDays(st); got != max(1, int(math.RoundToEven(st))) {
			t.Errorf("interval for S = %v at 90%% is %d days, want S", st, got)
		}
	}
	lower := DefaultScheduler()
	lower.Params.DesiredRetention = 0.8
	if lower.intervalDays(20) <= s.intervalDays(20) {
		t.Error("lower desired retention should give longer intervals")
	}
	capped := DefaultScheduler()
	capped.Params.MaximumInterval = 30
	if got := capped.intervalDays(1000); got != 30 {
		t.Errorf("capped interval %d, want 30", got)
	}
}

func TestNewCardRatings(t *testing.T) {
	s := DefaultScheduler()
	due := map[Rating]time.Time{}
	for _, r := range []Rating{Again, Hard, Good, Easy} {
		c, _ := s.Review(NewCard(t0), r, t0)
		due[r] = c.Due
	}
	if !due[Good].After(due[Again]) {
		t.Error("Good is not due later than Again")
	}
	if !due[Hard].After(due[Again]) || !due[Good].After(due[Hard]) {
		t.Error("Hard should fall between Again and Good")
	}
	if !due[Easy].After(due[Good]) {
		t.Error("Easy is not due later than Good")
	}
}

func TestLearningSteps(t *testing.T) {
	s := DefaultScheduler()
	c, _ := s.Review(NewCard(t0), Good, t0) // step 0 -> 1
	if c.State != StateLearning || c.Step != 1 || c.Due.Sub(t0) != 10*time.Minute {
		t.Fatalf("after Good: %+v", c)
	}
	again, _ := s.Review(c, Again, c.Due)
	if again.State != StateLearning || again.Step != 0 || again.Due.Sub(c.Due) != time.Minute {
		t.Errorf("Again in learning: %+v", again)
	}
	hard, _ := s.Review(c, Hard, c.Due)
	if hard.Step != 1 || hard.Due.Sub(c.Due) != 10*time.Minute {
		t.Errorf("Hard on the last step repeats it: %+v", hard)
	}
	grad, _ := s.Review(c, Good, c.Due)
	if grad.State != StateReview || grad.ScheduledDays < 1 {
		t.Errorf("Good on the last step graduates: %+v", grad)
	}

	one := DefaultScheduler()
	one.Params.LearningSteps = []time.Duration{4 * time.Minute}
	h, _ := one.Review(NewCard(t0), Hard, t0)
	if h.Due.Sub(t0) != 6*time.Minute {
		t.Errorf("Hard with one step waits 1.5 steps: %v", h.Due.Sub(t0))
	}
	g, _ := one.Review(NewCard(t0), Good, t0)
	if g.State != StateReview {
		t.Errorf("Good with one step graduates: %+v", g)
	}

	none := DefaultScheduler()
	none.Params.LearningSteps = nil
	n, _ := none.Review(NewCard(t0), Again, t0)
	if n.State != StateReview || n.ScheduledDays != 1 {
		t.Errorf("no learning steps: straight to review: %+v", n)
	}

	// A card left past the last step by a change of settings graduates.
	past := c
	past.Step = 5
	p, _ := s.Review(past, Hard, c.Due)
	if p.State != StateReview {
		t.Errorf("card past the last step: %+v", p)
	}
}

func reviewCard(t *testing.T, s Scheduler) (Card, time.Time) {
	t.Helper()
	c, _ := s.Review(NewCard(t0), Good, t0)
	c, _ = s.Review(c, Good, c.Due)
	c, _ = s.Review(c, Good, c.Due)
	if c.State != StateReview {
		t.Fatalf("not in review: %+v", c)
	}
	return c, c.Due
}

func TestRepeatedGoodIntervalsGrow(t *testing.T) {
	s := DefaultScheduler()
	c, now := reviewCard(t, s)
	prev := c.ScheduledDays
	for i := 0; i < 8; i++ {
		c, _ = s.Review(c, Good, now)
		if c.ScheduledDays <= prev {
			t.Fatalf("review %d: interval %d did not grow from %d", i, c.ScheduledDays, prev)
		}
		prev, now = c.ScheduledDays, c.Due
	}
}

func TestLapseEntersRelearning(t *testing.T) {
	s := DefaultScheduler()
	c, now := reviewCard(t, s)
	before := c
	c, log := s.Review(c, Again, now)
	if c.State != StateRelearning || c.Lapses != before.Lapses+1 || c.Step != 0 {
		t.Fatalf("after a lapse: %+v", c)
	}
	if c.Due.Sub(now) != 10*time.Minute || c.ScheduledDays != 0 {
		t.Errorf("relearning step: due in %v", c.Due.Sub(now))
	}
	if c.Stability >= before.Stability {
		t.Errorf("stability rose after a lapse: %v -> %v", before.Stability, c.Stability)
	}
	if c.Difficulty <= before.Difficulty {
		t.Errorf("difficulty fell after a lapse: %v -> %v", before.Difficulty, c.Difficulty)
	}
	if log.State != StateReview || log.Rating != Again || log.ElapsedDays != before.ScheduledDays {
		t.Errorf("log %+v", log)
	}
	again, _ := s.Review(c, Again, c.Due)
	if again.State != StateRelearning || again.Lapses != c.Lapses {
		t.Errorf("Again in relearning is not another lapse: %+v", again)
	}
	back, _ := s.Review(c, Good, c.Due)
	if back.State != StateReview || back.ScheduledDays < 1 {
		t.Errorf("Good in relearning returns to review: %+v", back)
	}

	noSteps := DefaultScheduler()
	noSteps.Params.RelearningSteps = nil
	r, _ := noSteps.Review(before, Again, now)
	if r.State != StateReview || r.Lapses != before.Lapses+1 || r.ScheduledDays < 1 {
		t.Errorf("lapse without relearning steps: %+v", r)
	}
}

// A long random history keeps every value in range and every due date in
// the future.
func TestReviewStaysInBounds(t *testing.T) {
	s := DefaultScheduler()
	rng := rand.New(rand.NewPCG(42, 99))
	for run := 0; run < 50; run++ {
		c, now := NewCard(t0), t0
		for i := 0; i < 60; i++ {
			r := Rating(1 + rng.IntN(4))
			// Review early, on time or late.
			if c.Due.After(now) {
				span := c.Due.Sub(now)
				now = now.Add(time.Duration(rng.Float64() * 2 * float64(span)))
			}
			next, _ := s.Review(c, r, now)
			if !next.Due.After(now) {
				t.Fatalf("run %d review %d: due %v not after now %v", run, i, next.Due, now)
			}
			if next.Stability < MinStability || next.Stability > MaxStability || math.IsNaN(next.Stability) {
				t.Fatalf("stability out of range: %v", next.Stability)
			}
			if next.Difficulty < MinDifficulty || next.Difficulty > MaxDifficulty || math.IsNaN(next.Difficulty) {
				t.Fatalf("difficulty out of range: %v", next.Difficulty)
			}
			if next.ScheduledDays > s.Params.MaximumInterval {
				t.Fatalf("interval %d over the maximum", next.ScheduledDays)
			}
			if rr := Retrievability(next, now); rr < 0 || rr > 1 {
				t.Fatalf("retrievability %v", rr)
			}
			c = next
		}
	}
}

func TestRepeatedEasyReachesMinimumDifficulty(t *testing.T) {
	s := DefaultScheduler()
	c := NewCard(t0)
	for i := 0; i < 10; i++ {
		c, _ = s.Review(c, Easy, t0.Add(time.Duration(i)*time.Microsecond))
	}
	if c.Difficulty != MinDifficulty {
		t.Errorf("difficulty %v, want %v", c.Difficulty, MinDifficulty)
	}
}

func TestRetrievability(t *testing.T) {
	if r := Retrievability(NewCard(t0), t0.Add(days(3))); r != 0 {
		t.Errorf("new card: %v", r)
	}
	c := Card{State: StateReview, Stability: 10, LastReview: t0}
	if r := Retrievability(c, t0.Add(days(10))); !near(r, 0.9, 1e-12) {
		t.Errorf("at S days: %v, want 0.9", r)
	}
	if r := Retrievability(c, t0.Add(-time.Hour)); r != 1 {
		t.Errorf("before the last review: %v, want 1", r)
	}
	if a, b := Retrievability(c, t0.Add(days(5))), Retrievability(c, t0.Add(days(20))); !(a > b) {
		t.Errorf("retrievability must fall over time: %v then %v", a, b)
	}
}

func TestInvalidRatingIsTreatedAsAgain(t *testing.T) {
	s := DefaultScheduler()
	a, la := s.Review(NewCard(t0), Again, t0)
	b, lb := s.Review(NewCard(t0), Rating(9), t0)
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(la, lb) {
		t.Errorf("rating 9 gave %+v, Again gave %+v", b, a)
	}
}

func TestParseRating(t *testing.T) {
	tests := []struct {
		in   string
		want Rating
		ok   bool
	}{
		{"again", Again, true}, {"Hard", Hard, true}, {" GOOD ", Good, true}, {"easy", Easy, true},
		{"1", Again, true}, {"2", Hard, true}, {"3", Good, true}, {"4", Easy, true},
		{"0", 0, false}, {"5", 0, false}, {"", 0, false}, {"great", 0, false}, {"3.0", 0, false},
	}
	for _, tc := range tests {
		got, err := ParseRating(tc.in)
		if tc.ok && (err != nil || got != tc.want) {
			t.Errorf("ParseRating(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if !tc.ok && core.KindOf(err) != core.KindInvalid {
			t.Errorf("ParseRating(%q) = %v, %v; want invalid", tc.in, got, err)
		}
	}
	for _, r := range []Rating{Again, Hard, Good, Easy} {
		if back, err := ParseRating(r.String()); err != nil || back != r {
			t.Errorf("%v does not round-trip through its name", r)
		}
	}
}

func TestCardJSON(t *testing.T) {
	s := DefaultScheduler()
	c, _ := s.Review(NewCard(t0), Good, t0)
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(data, &m)
	for _, k := range []string{"due", "stability", "difficulty", "elapsed_days", "scheduled_days", "reps", "lapses", "state", "step", "last_review"} {
		if _, ok := m[k]; !ok {
			t.Errorf("card JSON lacks %q: %s", k, data)
		}
	}
	if m["state"] != "learning" {
		t.Errorf("state is stored as %v", m["state"])
	}
	var back Card
	if err := json.Unmarshal(data, &back); err != nil || !reflect.DeepEqual(back, c) {
		t.Errorf("card round trip: %v\n%+v\n%+v", err, back, c)
	}
	if err := json.Unmarshal([]byte(`{"state":"forgotten"}`), &back); err == nil {
		t.Error("unknown state accepted")
	}
}

func TestParamsJSONAndValidate(t *testing.T) {
	p := DefaultParams()
	if err := p.Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back Params
	if err := json.Unmarshal(data, &back); err != nil || !reflect.DeepEqual(back, p) {
		t.Errorf("params round trip: %v\n%s", err, data)
	}
	bad := map[string]func(*Params){
		"desired_retention": func(p *Params) { p.DesiredRetention = 1 },
		"maximum_interval":  func(p *Params) { p.MaximumInterval = 0 },
		"learning_steps":    func(p *Params) { p.LearningSteps = []time.Duration{0} },
		"relearning_steps":  func(p *Params) { p.RelearningSteps = []time.Duration{48 * time.Hour} },
		"w":                 func(p *Params) { p.W[2] = 0 },
	}
	for field, edit := range bad {
		q := DefaultParams()
		edit(&q)
		ce, ok := core.As(q.Validate())
		if !ok || ce.Fields[field] == "" {
			t.Errorf("%s: got %v", field, q.Validate())
		}
	}
}
