package learning

// This file is a clean-room implementation of the FSRS-5 spaced-repetition
// scheduler (Free Spaced Repetition Scheduler, version 5, by Jarrett Ye and
// the open-spaced-repetition project), written from the published algorithm
// description because github.com/open-spaced-repetition/go-fsrs cannot be
// fetched here.
//
// The memory model, with weights w[0..18]:
//
//	retrievability   R(t,S) = (1 + F·t/S)^D            D = -0.5, F = 19/81
//	                 (so R = 0.9 exactly when t = S)
//	interval         I(r,S) = S/F · (r^(1/D) − 1)      (= S when r = 0.9)
//	first stability  S0(G) = w[G−1]
//	first difficulty D0(G) = w4 − e^(w5·(G−1)) + 1, clamped to [1,10]
//	next difficulty  D' = D − w6·(G−3)·(10−D)/9        (linear damping)
//	                 D'' = w7·D0(4) + (1−w7)·D'         (mean reversion)
//	after success    S' = S·(1 + e^w8·(11−D)·S^−w9·(e^(w10·(1−R))−1)·h·b)
//	                 h = w15 if Hard, b = w16 if Easy, else 1
//	after a lapse    S' = min(w11·D^−w12·((S+1)^w13−1)·e^(w14·(1−R)),
//	                          S·e^(w17·(−2+w18)))
//	same day         S' = S·e^(w17·(G−3+w18))          (review < 1 day apart)
//
// The scheduler around it follows the reference schedulers' short-term
// design: a card starts New; its first review sets S and D and puts it in
// Learning. Learning steps (default 1 min, 10 min) work like this: Again goes
// back to the first step; Hard repeats the current step (on the first step,
// the average of the first two); Good moves to the next step or graduates;
// Easy graduates at once. Graduating puts the card in Review at the interval
// I(desired retention, S), rounded to whole days, at least 1 and at most the
// maximum interval. Again on a Review card is a lapse: it counts in Lapses
// and the card goes to Relearning (default step 10 min), which graduates the
// same way. Elapsed time is counted in whole days, as the reference does,
// which is what decides the "same day" formula. There is no interval fuzz, so
// schedules are deterministic.

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"peerpath/internal/core"
)

// FSRS-5's forgetting curve constants.
const (
	fsrsDecay  = -0.5
	fsrsFactor = 19.0 / 81.0 // 0.9^(1/decay) − 1
)

// Bounds on the memory state. Difficulty is on FSRS's 1–10 scale; stability
// (days) is kept above zero and below a hundred years.
const (
	MinDifficulty = 1.0
	MaxDifficulty = 10.0
	MinStability  = 0.001
	MaxStability  = 36500.0
)

// DefaultWeights are the 19 published FSRS-5 default parameters.
var DefaultWeights = [19]float64{
	0.40255, 1.18385, 3.173, 15.69105, 7.1949, 0.5345, 1.4604, 0.0046, 1.54575,
	0.1192, 1.01925, 1.9395, 0.11, 0.29605, 2.2698, 0.2315, 2.9898, 0.51655, 0.6621,
}

// State is where a card is in its life.
type State int

// Card states.
const (
	StateNew State = iota
	StateLearning
	StateReview
	StateRelearning
)

var stateNames = []string{"new", "learning", "review", "relearning"}

func (s State) String() string {
	if s >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "state(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText writes the state as its name, so stored cards are readable.
func (s State) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(stateNames) {
		return nil, fmt.Errorf("learning: unknown card state %d", int(s))
	}
	return []byte(stateNames[s]), nil
}

// UnmarshalText reads a state name.
func (s *State) UnmarshalText(b []byte) error {
	for i, n := range stateNames {
		if string(b) == n {
			*s = State(i)
			return nil
		}
	}
	return fmt.Errorf("learning: unknown card state %q", string(b))
}

// Rating is how well the learner recalled a card.
type Rating int

// Ratings, with FSRS's numbering.
const (
	Again Rating = 1
	Hard  Rating = 2
	Good  Rating = 3
	Easy  Rating = 4
)

func (r Rating) String() string {
	switch r {
	case Again:
		return "again"
	case Hard:
		return "hard"
	case Good:
		return "good"
	case Easy:
		return "easy"
	}
	return "rating(" + strconv.Itoa(int(r)) + ")"
}

// Valid reports whether r is one of the four ratings.
func (r Rating) Valid() bool { return r >= Again && r <= Easy }

// ParseRating reads "again", "hard", "good", "easy" (any case) or "1"–"4".
func ParseRating(s string) (Rating, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "again", "1":
		return Again, nil
	case "hard", "2":
		return Hard, nil
	case "good", "3":
		return Good, nil
	case "easy", "4":
		return Easy, nil
	}
	return 0, core.Invalid(map[string]string{"rating": "must be again, hard, good or easy (or 1–4)"})
}

// Card is the scheduling state of one flashcard. Step is the index of the
// current learning or relearning step; it is an addition to the usual fields
// because short-term steps need to know where the card is.
type Card struct {
	Due           time.Time `json:"due"`
	Stability     float64   `json:"stability"`
	Difficulty    float64   `json:"difficulty"`
	ElapsedDays   int       `json:"elapsed_days"`
	ScheduledDays int       `json:"scheduled_days"`
	Reps          int       `json:"reps"`
	Lapses        int       `json:"lapses"`
	State         State     `json:"state"`
	Step          int       `json:"step"`
	LastReview    time.Time `json:"last_review"`
}

// NewCard is a card never reviewed, due now.
func NewCard(now time.Time) Card {
	return Card{Due: now, State: StateNew}
}

// ReviewLog records one review: the rating, when, and the card as it was
// before, so a history can be replayed or a review undone.
type ReviewLog struct {
	Rating        Rating    `json:"rating"`
	Review        time.Time `json:"review"`
	State         State     `json:"state"`
	Due           time.Time `json:"due"`
	Stability     float64   `json:"stability"`
	Difficulty    float64   `json:"difficulty"`
	ElapsedDays   int       `json:"elapsed_days"`
	ScheduledDays int       `json:"scheduled_days"`
}

// Params configures a Scheduler.
type Params struct {
	W                [19]float64     `json:"w"`
	DesiredRetention float64         `json:"desired_retention"`
	MaximumInterval  int             `json:"maximum_interval"`
	LearningSteps    []time.Duration `json:"learning_steps"`
	RelearningSteps  []time.Duration `json:"relearning_steps"`
}

// DefaultParams are FSRS-5's defaults: the published weights, 90% desired
// retention, a 36,500-day cap, learning steps of 1 and 10 minutes and one
// relearning step of 10 minutes.
func DefaultParams() Params {
	return Params{
		W:                DefaultWeights,
		DesiredRetention: 0.9,
		MaximumInterval:  36500,
		LearningSteps:    []time.Duration{time.Minute, 10 * time.Minute},
		RelearningSteps:  []time.Duration{10 * time.Minute},
	}
}

// Validate checks params a person or organisation has set.
func (p Params) Validate() error {
	f := map[string]string{}
	if !(p.DesiredRetention > 0.5 && p.DesiredRetention < 1) {
		f["desired_retention"] = "must be between 0.5 and 1 (exclusive)"
	}
	if p.MaximumInterval < 1 || p.MaximumInterval > 36500 {
		f["maximum_interval"] = "must be 1 to 36500 days"
	}
	for _, d := range p.LearningSteps {
		if d <= 0 || d >= 24*time.Hour {
			f["learning_steps"] = "each step must be more than zero and less than a day"
		}
	}
	for _, d := range p.RelearningSteps {
		if d <= 0 || d >= 24*time.Hour {
			f["relearning_steps"] = "each step must be more than zero and less than a day"
		}
	}
	for i, w := range p.W {
		if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
			f["w"] = fmt.Sprintf("weight %d must be a finite number, zero or more", i)
			break
		}
	}
	if p.W[0] <= 0 || p.W[1] <= 0 || p.W[2] <= 0 || p.W[3] <= 0 {
		f["w"] = "the first four weights (initial stabilities) must be above zero"
	}
	return core.Invalid(f)
}

// Scheduler schedules card reviews with FSRS-5.
type Scheduler struct {
	Params Params `json:"params"`
}

// DefaultScheduler uses DefaultParams.
func DefaultScheduler() Scheduler { return Scheduler{Params: DefaultParams()} }

// Retrievability is the estimated probability that the card would be
// recalled at now, from the FSRS-5 forgetting curve. A card never reviewed
// has 0. Elapsed time is counted in fractional days here, for a smooth
// display; the scheduler itself uses whole days, as FSRS does.
func Retrievability(c Card, now time.Time) float64 {
	if c.State == StateNew || c.LastReview.IsZero() || c.Stability <= 0 {
		return 0
	}
	days := max(0, now.Sub(c.LastReview).Hours()/24)
	return forgettingCurve(days, c.Stability)
}

func forgettingCurve(days, stability float64) float64 {
	return math.Pow(1+fsrsFactor*days/stability, fsrsDecay)
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

func (s Scheduler) initStability(r Rating) float64 {
	return clamp(s.Params.W[r-1], MinStability, MaxStability)
}

func (s Scheduler) initDifficultyRaw(r Rating) float64 {
	w := s.Params.W
	return w[4] - math.Exp(w[5]*float64(r-1)) + 1
}

func (s Scheduler) initDifficulty(r Rating) float64 {
	return clamp(s.initDifficultyRaw(r), MinDifficulty, MaxDifficulty)
}

func (s Scheduler) nextDifficulty(d float64, r Rating) float64 {
	w := s.Params.W
	delta := -w[6] * float64(r-3)
	damped := d + delta*(10-d)/9
	// Mean reversion pulls toward the unclamped easy-first difficulty, as
	// the published formula does.
	reverted := w[7]*s.initDifficultyRaw(Easy) + (1-w[7])*damped
	return clamp(reverted, MinDifficulty, MaxDifficulty)
}

func (s Scheduler) shortTermStability(st float64, r Rating) float64 {
	w := s.Params.W
	return clamp(st*math.Exp(w[17]*(float64(r)-3+w[18])), MinStability, MaxStability)
}

func (s Scheduler) recallStability(d, st, ret float64, r Rating) float64 {
	w := s.Params.W
	bonus := 1.0
	if r == Hard {
		bonus = w[15]
	} else if r == Easy {
		bonus = w[16]
	}
	inc := math.Exp(w[8]) * (11 - d) * math.Pow(st, -w[9]) * (math.Exp(w[10]*(1-ret)) - 1) * bonus
	return clamp(st*(1+inc), MinStability, MaxStability)
}

func (s Scheduler) forgetStability(d, st, ret float64) float64 {
	w := s.Params.W
	long := w[11] * math.Pow(d, -w[12]) * (math.Pow(st+1, w[13]) - 1) * math.Exp(w[14]*(1-ret))
	short := st * math.Exp(w[17]*(-2+w[18]))
	return clamp(math.Min(long, short), MinStability, MaxStability)
}

// nextStability is the stability after a review elapsed whole days after the
// previous one.
func (s Scheduler) nextStability(c Card, r Rating, elapsed int) float64 {
	if elapsed < 1 {
		return s.shortTermStability(c.Stability, r)
	}
	ret := forgettingCurve(float64(elapsed), c.Stability)
	if r == Again {
		return s.forgetStability(c.Difficulty, c.Stability, ret)
	}
	return s.recallStability(c.Difficulty, c.Stability, ret, r)
}

// intervalDays is the review interval for stability st at the desired
// retention, in whole days.
func (s Scheduler) intervalDays(st float64) int {
	p := s.Params
	r := p.DesiredRetention
	if !(r > 0 && r < 1) {
		r = 0.9
	}
	maxIvl := p.MaximumInterval
	if maxIvl < 1 {
		maxIvl = 36500
	}
	ivl := st / fsrsFactor * (math.Pow(r, 1/fsrsDecay) - 1)
	// Round half to even, like the reference implementations.
	days := int(math.RoundToEven(ivl))
	return max(1, min(days, maxIvl))
}

func positiveStep(d time.Duration) time.Duration {
	if d <= 0 {
		return time.Minute
	}
	return d
}

// Review applies rating r given at now to card c and returns the updated card
// and a log of the review. A rating outside 1–4 is treated as Again (the
// cautious choice: the card comes back soon); use ParseRating on input.
// Times are used as given; pass UTC.
func (s Scheduler) Review(c Card, r Rating, now time.Time) (Card, ReviewLog) {
	if !r.Valid() {
		r = Again
	}
	log := ReviewLog{Rating: r, Review: now, State: c.State, Due: c.Due, Stability: c.Stability, Difficulty: c.Difficulty, ScheduledDays: c.ScheduledDays}

	elapsed := 0
	if c.State != StateNew && !c.LastReview.IsZero() && now.After(c.LastReview) {
		elapsed = int(now.Sub(c.LastReview) / (24 * time.Hour))
	}
	log.ElapsedDays = elapsed

	next := c
	next.ElapsedDays = elapsed
	next.Reps++
	next.LastReview = now

	// Memory state.
	switch {
	case c.State == StateNew || c.Stability <= 0 || c.Difficulty <= 0:
		next.Stability = s.initStability(r)
		next.Difficulty = s.initDifficulty(r)
		next.State = StateLearning
		next.Step = 0
	default:
		next.Stability = s.nextStability(c, r, elapsed)
		next.Difficulty = s.nextDifficulty(c.Difficulty, r)
	}

	// Where the card goes next.
	var wait time.Duration
	days := 0
	switch next.State {
	case StateLearning, StateRelearning:
		steps := s.Params.LearningSteps
		if next.State == StateRelearning {
			steps = s.Params.RelearningSteps
		}
		wait, days = s.stepSchedule(&next, steps, r)
	case StateReview:
		if r == Again {
			next.Lapses++
			if len(s.Params.RelearningSteps) > 0 {
				next.State = StateRelearning
				next.Step = 0
				wait = positiveStep(s.Params.RelearningSteps[0])
				break
			}
		}
		days = s.intervalDays(next.Stability)
	}
	if days > 0 {
		wait = time.Duration(days) * 24 * time.Hour
	}
	next.ScheduledDays = days
	next.Due = now.Add(wait)
	return next, log
}

// stepSchedule moves a Learning or Relearning card through its steps and
// returns the wait until its next review, or the whole days of its first
// Review interval when it graduates.
func (s Scheduler) stepSchedule(c *Card, steps []time.Duration, r Rating) (time.Duration, int) {
	graduate := func() (time.Duration, int) {
		c.State = StateReview
		c.Step = 0
		return 0, s.intervalDays(c.Stability)
	}
	// No steps, or a card left past the last step by a change of settings.
	if len(steps) == 0 || (c.Step >= len(steps) && r != Again) {
		return graduate()
	}
	switch r {
	case Again:
		c.Step = 0
		return positiveStep(steps[0]), 0
	case Hard:
		switch {
		case c.Step == 0 && len(steps) == 1:
			return positiveStep(steps[0] * 3 / 2), 0
		case c.Step == 0:
			return positiveStep((steps[0] + steps[1]) / 2), 0
		default:
			return positiveStep(steps[c.Step]), 0
		}
	case Good:
		if c.Step+1 >= len(steps) {
			return graduate()
		}
		c.Step++
		return positiveStep(steps[c.Step]), 0
	default: // Easy
		return graduate()
	}
}

// MarshalJSON writes params with steps as Go duration strings ("10m0s") so a
// stored configuration is readable.
func (p Params) MarshalJSON() ([]byte, error) {
	type wire struct {
		W                [19]float64 `json:"w"`
		DesiredRetention float64     `json:"desired_retention"`
		MaximumInterval  int         `json:"maximum_interval"`
		LearningSteps    []string    `json:"learning_steps"`
		RelearningSteps  []string    `json:"relearning_steps"`
	}
	str := func(ds []time.Duration) []string {
		out := make([]string, len(ds))
		for i, d := range ds {
			out[i] = d.String()
		}
		return out
	}
	return json.Marshal(wire{p.W, p.DesiredRetention, p.MaximumInterval, str(p.LearningSteps), str(p.RelearningSteps)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (p *Params) UnmarshalJSON(b []byte) error {
	var w struct {
		W                [19]float64 `json:"w"`
		DesiredRetention float64     `json:"desired_retention"`
		MaximumInterval  int         `json:"maximum_interval"`
		LearningSteps    []string    `json:"learning_steps"`
		RelearningSteps  []string    `json:"relearning_steps"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	parse := func(ss []string) ([]time.Duration, error) {
		out := make([]time.Duration, len(ss))
		for i, s := range ss {
			d, err := time.ParseDuration(s)
			if err != nil {
				return nil, err
			}
			out[i] = d
		}
		return out, nil
	}
	ls, err := parse(w.LearningSteps)
	if err != nil {
		return err
	}
	rs, err := parse(w.RelearningSteps)
	if err != nil {
		return err
	}
	*p = Params{W: w.W, DesiredRetention: w.DesiredRetention, MaximumInterval: w.MaximumInterval, LearningSteps: ls, RelearningSteps: rs}
	return nil
}
