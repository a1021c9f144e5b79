package followup

import (
	"strings"
	"testing"
)

func TestSUPRTPoints(t *testing.T) {
	pts := Points(SUPRTSchedule(), "2026-01-15", "", nil)
	if len(pts) < 4 {
		t.Fatalf("points: %+v", pts)
	}
	want := []struct{ label, target, opens, closes, lateUntil string }{
		{"Baseline", "2026-02-14", "2026-01-15", "2026-02-14", ""},
		{"6-month reassessment", "2026-07-15", "2026-06-15", "2026-08-14", ""},
		{"Annual (12 months)", "2027-01-15", "2026-12-16", "2027-02-14", ""},
		{"18-month reassessment", "2027-07-15", "2027-06-15", "2027-08-14", ""},
	}
	for i, w := range want {
		p := pts[i]
		if p.Label() != w.label || p.Target != w.target || p.Opens != w.opens || p.Closes != w.closes {
			t.Errorf("point %d = %s %s [%s, %s], want %s %s [%s, %s]", i, p.Label(), p.Target, p.Opens, p.Closes, w.label, w.target, w.opens, w.closes)
		}
	}
	if pts[0].LateUntil != "2026-06-14" || pts[1].LateUntil != "2026-12-15" {
		t.Errorf("late until: %s, %s", pts[0].LateUntil, pts[1].LateUntil)
	}
	// Ten years: a baseline, 20 six-monthly points (10 of them annual), no discharge while open.
	if len(pts) != 21 {
		t.Errorf("%d points over the horizon, want 21", len(pts))
	}
	for _, p := range pts {
		if p.Kind == Discharge {
			t.Errorf("a discharge point while support is open: %+v", p)
		}
	}
	if got := SUPRTSchedule().TargetLabel(); got != "target 80 % (SAMHSA SUPRT)" {
		t.Errorf("label %q", got)
	}
	if !strings.HasPrefix(SUPRTSchedule().Describe(), "SAMHSA SUPRT: a baseline within 30 days") {
		t.Errorf("describe %q", SUPRTSchedule().Describe())
	}
}

func TestWindowEdges(t *testing.T) {
	s := SUPRTSchedule()
	cases := []struct {
		taken   []string
		outcome string // of the 6-month point
	}{
		{[]string{"2026-06-14"}, ""},                   // a day before the window (it completes the baseline late)
		{[]string{"2026-06-15"}, OnTime},               // first day of the window
		{[]string{"2026-08-14"}, OnTime},               // last day
		{[]string{"2026-08-15"}, Late},                 // a day after: late
		{[]string{"2026-12-15"}, Late},                 // the day before the annual window opens
		{[]string{"2026-12-16"}, ""},                   // the annual's window: too late for the 6-month one
		{[]string{"2026-08-20", "2026-07-01"}, OnTime}, // the earliest inside the window counts
	}
	for _, c := range cases {
		pts := Points(s, "2026-01-15", "", c.taken)
		if pts[1].Outcome != c.outcome {
			t.Errorf("taken %v: 6-month outcome %q, want %q", c.taken, pts[1].Outcome, c.outcome)
		}
	}
	pts := Points(s, "2026-01-15", "", []string{"2026-06-14"})
	if pts[0].Outcome != Late || pts[0].DoneOn != "2026-06-14" {
		t.Errorf("baseline done on the last day it may be done late: %+v", pts[0])
	}
	pts = Points(s, "2026-01-15", "", []string{"2026-01-15"})
	if pts[0].Outcome != OnTime {
		t.Errorf("a baseline on the first day: %+v", pts[0])
	}
	pts = Points(s, "2026-01-15", "", []string{"2026-01-14"})
	if pts[0].Outcome != "" {
		t.Errorf("an assessment before starting completes nothing: %+v", pts[0])
	}
}

func TestStatus(t *testing.T) {
	p := Points(SUPRTSchedule(), "2026-01-15", "", nil)[1] // 6 months: window 2026-06-15 … 2026-08-14, late until 2026-12-15
	for today, want := range map[string]string{
		"2026-06-14": "upcoming", "2026-06-15": "due", "2026-08-14": "due",
		"2026-08-15": "overdue", "2026-12-15": "overdue", "2026-12-16": "missed",
	} {
		if got := p.Status(today); got != want {
			t.Errorf("on %s: %s, want %s", today, got, want)
		}
	}
}

func TestDischargePoint(t *testing.T) {
	s := SUPRTSchedule()
	// Closed on 2026-09-30: the 6-month point stays, the annual (window
	// opening 2026-12-16) goes, and a discharge point ±30 days appears.
	pts := Points(s, "2026-01-15", "2026-09-30", []string{"2026-10-10"})
	var kinds []string
	for _, p := range pts {
		kinds = append(kinds, p.Kind)
	}
	if strings.Join(kinds, ",") != "baseline,reassessment,discharge" {
		t.Fatalf("kinds %v", kinds)
	}
	d := pts[2]
	if d.Target != "2026-09-30" || d.Opens != "2026-08-31" || d.Closes != "2026-10-30" || d.LateUntil != "2026-10-30" {
		t.Errorf("discharge point %+v", d)
	}
	if d.Outcome != OnTime || d.DoneOn != "2026-10-10" {
		t.Errorf("discharge done on 2026-10-10: %+v", d)
	}
	// The 6-month point may be done late only until the discharge window opens.
	if pts[1].LateUntil != "2026-08-30" {
		t.Errorf("6-month late until %s", pts[1].LateUntil)
	}
	if got := d.Status("2026-11-01"); got != OnTime {
		t.Errorf("status %s", got)
	}
	if got := Points(s, "2026-01-15", "2026-09-30", nil)[2].Status("2026-10-31"); got != "missed" {
		t.Errorf("the last point is missed once its window closes: %s", got)
	}
}

func TestCustomSchedules(t *testing.T) {
	s := Schedule{Kind: Custom, BaselineDays: 14, EveryMonths: 3, WindowDays: 10, TargetPercent: 75}
	if f := s.Check(); len(f) != 0 {
		t.Fatalf("check: %v", f)
	}
	pts := Points(s, "2026-03-31", "", nil)
	if pts[1].Label() != "3-month reassessment" || pts[1].Target != "2026-06-30" || pts[4].Label() != "12-month reassessment" {
		t.Errorf("points %+v", pts[:5])
	}
	if s.TargetLabel() != "target 75 % (your organisation's setting)" || !strings.HasPrefix(s.Describe(), "Your organisation's setting:") {
		t.Errorf("labels %q %q", s.TargetLabel(), s.Describe())
	}
	annualOnly := Schedule{Kind: Custom, Annual: true, WindowDays: 30}
	if pts := Points(annualOnly, "2026-01-01", "", nil); len(pts) != Horizon || pts[0].Label() != "Annual (12 months)" {
		t.Errorf("annual only: %d points, first %+v", len(pts), pts[0])
	}
	bad := map[string]Schedule{
		"baseline_days":  {Kind: Custom, BaselineDays: 400},
		"every_months":   {Kind: Custom, EveryMonths: -1},
		"window_days":    {Kind: Custom, EveryMonths: 1, WindowDays: 20},
		"target_percent": {Kind: Custom, BaselineDays: 30, TargetPercent: 101},
		"kind":           {Kind: "gpra"},
	}
	for field, s := range bad {
		if _, ok := s.Check()[field]; !ok {
			t.Errorf("%+v: no message for %s (%v)", s, field, s.Check())
		}
	}
	if f := (Schedule{Kind: Custom}).Check(); f["baseline_days"] == "" {
		t.Errorf("a schedule with no point: %v", f)
	}
	if Points(Schedule{}, "2026-01-01", "", nil) != nil {
		t.Error("no schedule, no points")
	}
}
