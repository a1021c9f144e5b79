// Package followup works out a programme's assessment points for a person
// (a baseline, reassessments every few months, an annual one, one at
// discharge), each with the window inside which an assessment completes it,
// and which of them the assessments actually taken complete. It is pure
// logic: the store keeps the points it works out in a table.
package followup

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"peerpath/internal/core"
)

// Schedule kinds: none set, the SAMHSA SUPRT preset, or the organisation's own.
const (
	None   = ""
	SUPRT  = "suprt"
	Custom = "custom"
)

// Point kinds.
const (
	Baseline     = "baseline"
	Reassessment = "reassessment"
	Annual       = "annual"
	Discharge    = "discharge"
)

// Outcomes of a point.
const (
	OnTime = "on_time" // an assessment inside the window
	Late   = "late"    // after the window, before the next point's window opened
)

// Horizon is how far after a person starts in a programme their points are
// laid out, in years.
const Horizon = 10

// Limits of a custom schedule.
const (
	MaxBaselineDays = 365
	MaxEveryMonths  = 60
	MaxWindowDays   = 180
)

// Schedule is a programme's assessment points.
type Schedule struct {
	Kind          string // None, SUPRT or Custom
	BaselineDays  int    // baseline within this many days of starting; 0 = no baseline
	EveryMonths   int    // a reassessment every this many months; 0 = none
	WindowDays    int    // each later point may be done this many days either side of its day
	Annual        bool   // an assessment every 12 months
	AtDischarge   bool   // one when the person's support closes
	TargetPercent int    // follow-ups to complete on time; 0 = no target
}

// SUPRTSchedule is SAMHSA's SUPRT schedule (it replaced the GPRA tool on
// 1 October 2025): a baseline within 30 days, a reassessment at 6 months
// (±30 days), an annual assessment and a closeout, with at least 80 % of
// follow-ups completed. The figures are SAMHSA's.
func SUPRTSchedule() Schedule {
	return Schedule{Kind: SUPRT, BaselineDays: 30, EveryMonths: 6, WindowDays: 30, Annual: true, AtDischarge: true, TargetPercent: 80}
}

// Set reports whether the programme has a schedule.
func (s Schedule) Set() bool { return s.Kind == SUPRT || s.Kind == Custom }

// Owner says whose figures these are.
func (s Schedule) Owner() string {
	switch s.Kind {
	case SUPRT:
		return "SAMHSA SUPRT"
	case Custom:
		return "Your organisation's setting"
	}
	return ""
}

// TargetLabel is the target with whose it is: "target 80 % (SAMHSA SUPRT)".
func (s Schedule) TargetLabel() string {
	if !s.Set() {
		return "No schedule set"
	}
	if s.TargetPercent == 0 {
		return "No target set (your organisation's setting)"
	}
	owner := s.Owner()
	if s.Kind == Custom {
		owner = "your organisation's setting"
	}
	return fmt.Sprintf("target %d %% (%s)", s.TargetPercent, owner)
}

// Describe says the schedule in plain words.
func (s Schedule) Describe() string {
	if !s.Set() {
		return "No follow-up schedule."
	}
	out := ""
	add := func(p string) {
		if out != "" {
			out += "; "
		}
		out += p
	}
	if s.BaselineDays > 0 {
		add(fmt.Sprintf("a baseline within %d days of starting", s.BaselineDays))
	}
	if s.EveryMonths > 0 {
		add(fmt.Sprintf("a reassessment every %d months (±%d days)", s.EveryMonths, s.WindowDays))
	}
	if s.Annual {
		add(fmt.Sprintf("an annual assessment (±%d days)", s.WindowDays))
	}
	if s.AtDischarge {
		add("one when support closes")
	}
	return s.Owner() + ": " + out + "."
}

// Check validates a custom schedule: field → message.
func (s Schedule) Check() map[string]string {
	f := map[string]string{}
	switch s.Kind {
	case None, SUPRT:
		return f
	case Custom:
	default:
		f["kind"] = "Choose SUPRT, your own schedule, or none."
		return f
	}
	if s.BaselineDays < 0 || s.BaselineDays > MaxBaselineDays {
		f["baseline_days"] = fmt.Sprintf("Enter a number of days from 0 to %d (0: no baseline).", MaxBaselineDays)
	}
	if s.EveryMonths < 0 || s.EveryMonths > MaxEveryMonths {
		f["every_months"] = fmt.Sprintf("Enter a number of months from 0 to %d (0: no reassessments).", MaxEveryMonths)
	}
	if s.WindowDays < 0 || s.WindowDays > MaxWindowDays {
		f["window_days"] = fmt.Sprintf("Enter a number of days from 0 to %d.", MaxWindowDays)
	} else if s.EveryMonths > 0 && 2*s.WindowDays >= 28*s.EveryMonths {
		f["window_days"] = "The window is wider than the time between reassessments: make it smaller."
	}
	if s.TargetPercent < 0 || s.TargetPercent > 100 {
		f["target_percent"] = "Enter a percentage from 0 to 100 (0: no target)."
	}
	if len(f) == 0 && s.BaselineDays == 0 && s.EveryMonths == 0 && !s.Annual && !s.AtDischarge {
		f["baseline_days"] = "Set at least one assessment point: a baseline, reassessments, an annual one or one at discharge."
	}
	return f
}

// Point is one assessment point of one person in one programme. Dates are
// YYYY-MM-DD. An assessment taken from Opens to Closes completes it on
// time; one after Closes and up to LateUntil completes it late.
type Point struct {
	Kind      string
	Months    int // months after starting (reassessment, annual); 0 otherwise
	Target    string
	Opens     string
	Closes    string
	LateUntil string
	DoneOn    string
	Outcome   string // "", OnTime or Late
}

// Label names the point: "Baseline", "6-month reassessment", "Annual (12 months)", "Discharge".
func (p Point) Label() string {
	switch p.Kind {
	case Baseline:
		return "Baseline"
	case Reassessment:
		return fmt.Sprintf("%d-month reassessment", p.Months)
	case Annual:
		return fmt.Sprintf("Annual (%d months)", p.Months)
	case Discharge:
		return "Discharge"
	}
	return p.Kind
}

// Status of a point on day today: "upcoming", "due", "overdue", "missed",
// OnTime or Late.
func (p Point) Status(today string) string {
	switch {
	case p.Outcome != "":
		return p.Outcome
	case today < p.Opens:
		return "upcoming"
	case today <= p.Closes:
		return "due"
	case today <= p.LateUntil:
		return "overdue"
	}
	return "missed"
}

func day(d string) time.Time {
	t, _ := time.Parse(core.DateLayout, d)
	return t
}

func str(t time.Time) string { return t.Format(core.DateLayout) }

// addMonths moves t on m calendar months, keeping to the last day of a
// shorter month (31 March + 3 months is 30 June, not 1 July).
func addMonths(t time.Time, m int) time.Time {
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, m, 0)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(t.Day(), last)-1)
}

// Points lays out a schedule's points for a person who started in the
// programme on start (and whose support closed on closed, or ""), over
// Horizon years, and marks the ones the assessments taken on the days in
// taken complete. A point whose window opens after the day support closed
// is left out.
func Points(s Schedule, start, closed string, taken []string) []Point {
	if !s.Set() || start == "" || day(start).IsZero() {
		return nil
	}
	st := day(start)
	var out []Point
	if s.BaselineDays > 0 {
		out = append(out, Point{Kind: Baseline, Target: str(st.AddDate(0, 0, s.BaselineDays)), Opens: start, Closes: str(st.AddDate(0, 0, s.BaselineDays))})
	}
	months := map[int]bool{}
	for m := s.EveryMonths; s.EveryMonths > 0 && m <= 12*Horizon; m += s.EveryMonths {
		months[m] = true
	}
	for m := 12; s.Annual && m <= 12*Horizon; m += 12 {
		months[m] = true
	}
	ms := make([]int, 0, len(months))
	for m := range months {
		ms = append(ms, m)
	}
	sort.Ints(ms)
	for _, m := range ms {
		t := addMonths(st, m)
		p := Point{Kind: Reassessment, Months: m, Target: str(t), Opens: str(t.AddDate(0, 0, -s.WindowDays)), Closes: str(t.AddDate(0, 0, s.WindowDays))}
		if s.Annual && m%12 == 0 {
			p.Kind = Annual
		}
		if closed != "" && p.Opens > closed {
			break
		}
		out = append(out, p)
	}
	if s.AtDischarge && closed != "" {
		c := day(closed)
		out = append(out, Point{Kind: Discharge, Target: closed, Opens: str(c.AddDate(0, 0, -s.WindowDays)), Closes: str(c.AddDate(0, 0, s.WindowDays))})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Opens < out[j].Opens })
	// A point may be done late until the day before the next one's window
	// opens; the last one (and one whose next window is already open) not at all.
	for i := range out {
		out[i].LateUntil = out[i].Closes
		if i+1 < len(out) {
			if next := str(day(out[i+1].Opens).AddDate(0, 0, -1)); next > out[i].Closes {
				out[i].LateUntil = next
			}
		}
	}
	taken = slices.Clone(taken)
	slices.Sort(taken)
	for i := range out {
		p := &out[i]
		for _, d := range taken {
			if d < p.Opens {
				continue
			}
			if d <= p.Closes {
				p.DoneOn, p.Outcome = d, OnTime
			} else if d <= p.LateUntil {
				p.DoneOn, p.Outcome = d, Late
			}
			break
		}
	}
	return out
}
