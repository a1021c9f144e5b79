package cohort

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// cps is the CPS template's suggestion, confirmed as an organisation's rule.
var cps = Rule{AttendancePercent: 85, WrittenExam: true, WrittenPassMark: 80, OralExam: true, Attempts: 2, Confirmed: true}

// days makes n counting sessions, one a week from 2026-09-01, ids 1…n.
func days(n int) []Session {
	var out []Session
	start := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		out = append(out, Session{ID: int64(i + 1), Kind: SessionTraining, On: start.AddDate(0, 0, 7*i).Format(time.DateOnly)})
	}
	return out
}

// marks marks sessions 1…len(ms) with ms.
func marks(ms ...Mark) map[int64]Mark {
	out := map[int64]Mark{}
	for i, m := range ms {
		out[int64(i+1)] = m
	}
	return out
}

func repeat(m Mark, n int) []Mark {
	out := make([]Mark, n)
	for i := range out {
		out[i] = m
	}
	return out
}

var passedBoth = []Attempt{{Exam: Written, On: "2026-12-01", Score: 80}, {Exam: Oral, On: "2026-12-02", Passed: true}}

const today = "2027-01-15" // after every session in these tests

func TestCompletionRule(t *testing.T) {
	twenty := days(20)
	cases := []struct {
		name     string
		rule     Rule
		sessions []Session
		p        Participant
		today    string
		holds    bool
		missing  []string
	}{
		{
			name: "exactly at the threshold passes", rule: cps, sessions: twenty,
			p:     Participant{Status: Enrolled, Marks: marks(append(repeat(Present, 17), Absent, Absent, Absent)...), Attempts: passedBoth},
			holds: true,
		},
		{
			name: "one session below the threshold fails, rounded down", rule: cps, sessions: twenty,
			p:       Participant{Status: Enrolled, Marks: marks(append(repeat(Present, 16), Absent, Absent, Absent, Absent)...), Attempts: passedBoth},
			missing: []string{"Attendance 80 % — your organisation's rule: 85 %"},
		},
		{
			name: "84.6 % shows as 84, not 85", rule: cps, sessions: days(13),
			p:       Participant{Status: Enrolled, Marks: marks(append(repeat(Present, 11), Absent, Absent)...), Attempts: passedBoth},
			missing: []string{"Attendance 84 % — your organisation's rule: 85 %"},
		},
		{
			name: "late counts as present", rule: cps, sessions: days(4),
			p:     Participant{Status: Enrolled, Marks: marks(Present, Late, Late, Present), Attempts: passedBoth},
			holds: true,
		},
		{
			name: "excused counts as missed, and says it can be made up", rule: cps, sessions: days(4),
			p:       Participant{Status: Enrolled, Marks: marks(Present, Present, Present, Excused), Attempts: passedBoth},
			missing: []string{"Attendance 75 % — your organisation's rule: 85 % (1 excused absence not yet made up)"},
		},
		{
			name: "a make-up session replaces an absence", rule: cps,
			sessions: append(days(4), Session{ID: 9, Kind: SessionMakeUp, On: "2026-10-01", MakesUp: 4}),
			p:        Participant{Status: Enrolled, Marks: map[int64]Mark{1: Present, 2: Present, 3: Present, 4: Absent, 9: Present}, Attempts: passedBoth},
			holds:    true,
		},
		{
			name: "a make-up replaces an excused absence too", rule: cps,
			sessions: append(days(4), Session{ID: 9, Kind: SessionMakeUp, On: "2026-10-01", MakesUp: 2}),
			p:        Participant{Status: Enrolled, Marks: map[int64]Mark{1: Present, 2: Excused, 3: Present, 4: Present, 9: Late}, Attempts: passedBoth},
			holds:    true,
		},
		{
			name: "a make-up missed does not count", rule: cps,
			sessions: append(days(4), Session{ID: 9, Kind: SessionMakeUp, On: "2026-10-01", MakesUp: 4}),
			p:        Participant{Status: Enrolled, Marks: map[int64]Mark{1: Present, 2: Present, 3: Present, 4: Absent, 9: Absent}, Attempts: passedBoth},
			missing:  []string{"Attendance 75 % — your organisation's rule: 85 %"},
		},
		{
			name: "a make-up for a session already attended adds nothing", rule: cps,
			sessions: append(days(4), Session{ID: 9, Kind: SessionMakeUp, On: "2026-10-01", MakesUp: 1}),
			p:        Participant{Status: Enrolled, Marks: map[int64]Mark{1: Present, 2: Present, 3: Present, 4: Absent, 9: Present}, Attempts: passedBoth},
			missing:  []string{"Attendance 75 % — your organisation's rule: 85 %"},
		},
		{
			name: "graduation does not count toward attendance", rule: Rule{AttendancePercent: 80, Confirmed: true},
			sessions: []Session{{ID: 1, Kind: SessionVisit, On: "2026-10-01"}, {ID: 2, Kind: SessionVisit, On: "2026-10-08"}, {ID: 3, Kind: SessionGraduation, On: "2026-10-15"}},
			p:        Participant{Status: Enrolled, Marks: map[int64]Mark{1: Present, 2: Present, 3: Absent}},
			holds:    true,
		},
		{
			name: "failed written exam, then passed on the second attempt", rule: cps, sessions: days(2),
			p: Participant{Status: Enrolled, Marks: marks(Present, Present), Attempts: []Attempt{
				{Exam: Written, On: "2026-12-01", Score: 72, Seq: 1}, {Exam: Written, On: "2027-01-05", Score: 88, Seq: 2}, {Exam: Oral, On: "2026-12-02", Passed: true, Seq: 3},
			}},
			holds: true,
		},
		{
			name: "failed once, one attempt left", rule: cps, sessions: days(2),
			p: Participant{Status: Enrolled, Marks: marks(Present, Present), Attempts: []Attempt{
				{Exam: Written, On: "2026-12-01", Score: 79}, {Exam: Oral, On: "2026-12-02", Passed: true},
			}},
			missing: []string{"Written exam not yet passed (1 of 2 attempts used)"},
		},
		{
			name: "attempts exhausted", rule: cps, sessions: days(2),
			p: Participant{Status: Enrolled, Marks: marks(Present, Present), Attempts: []Attempt{
				{Exam: Written, On: "2026-12-01", Score: 60}, {Exam: Written, On: "2026-12-20", Score: 70}, {Exam: Oral, On: "2026-12-02", Passed: true},
			}},
			missing: []string{"Written exam not passed — all 2 attempts used"},
		},
		{
			name: "a pass beyond the allowed attempts does not count", rule: cps, sessions: days(2),
			p: Participant{Status: Enrolled, Marks: marks(Present, Present), Attempts: []Attempt{
				{Exam: Oral, On: "2026-12-01", Passed: false, Seq: 1}, {Exam: Oral, On: "2026-12-01", Passed: false, Seq: 2}, {Exam: Oral, On: "2026-12-03", Passed: true, Seq: 3},
				{Exam: Written, On: "2026-12-01", Score: 90},
			}},
			missing: []string{"Oral exam not passed — all 2 attempts used"},
		},
		{
			name: "no exams taken yet", rule: cps, sessions: days(2),
			p:       Participant{Status: Enrolled, Marks: marks(Present, Present)},
			missing: []string{"Written exam not yet passed (0 of 2 attempts used)", "Oral exam not yet passed (0 of 2 attempts used)"},
		},
		{
			name: "withdrawn participants do not complete", rule: cps, sessions: days(2),
			p:       Participant{Status: Withdrawn, WithdrawnOn: "2026-10-02", Marks: marks(Present, Present), Attempts: passedBoth},
			missing: []string{"Withdrew on 2 Oct 2026"},
		},
		{
			name: "waitlisted participants do not complete", rule: Rule{AttendancePercent: 80, Confirmed: true}, sessions: days(1),
			p:       Participant{Status: Waitlisted},
			missing: []string{"On the waitlist: not enrolled yet"},
		},
		{
			name: "an application is not enrolled", rule: cps, sessions: days(2),
			p:       Participant{Status: Applied},
			missing: []string{"Applied: not enrolled yet"},
		},
		{
			name: "no sessions yet", rule: cps, sessions: nil,
			p:       Participant{Status: Enrolled, Attempts: passedBoth},
			missing: []string{"No sessions scheduled yet"},
		},
		{
			name: "sessions still to come are named", rule: Rule{AttendancePercent: 85, Confirmed: true}, sessions: days(10), today: "2026-09-20",
			p:       Participant{Status: Enrolled, Marks: marks(Present, Present, Present)},
			missing: []string{"Attendance 30 % — your organisation's rule: 85 % (7 sessions still to come)"},
		},
		{
			name: "unrecorded past sessions count as missed", rule: Rule{AttendancePercent: 50, Confirmed: true}, sessions: days(4),
			p:       Participant{Status: Enrolled, Marks: marks(Present)},
			missing: []string{"Attendance 25 % — your organisation's rule: 50 %"},
		},
		{
			name: "no exams in the rule", rule: Rule{AttendancePercent: 80, Confirmed: true}, sessions: days(5),
			p:     Participant{Status: Enrolled, Marks: marks(Present, Present, Present, Present, Absent)},
			holds: true,
		},
		{
			name: "a rule the organisation has not confirmed decides nothing", rule: Rule{AttendancePercent: 80}, sessions: days(5),
			p:       Participant{Status: Enrolled, Marks: marks(Present, Present, Present, Absent, Absent)},
			missing: []string{"Attendance 60 % — peerpath suggests 80 %", NotConfirmed},
		},
		{
			name: "an unconfirmed rule blocks even when its numbers are met", rule: Rule{AttendancePercent: 80}, sessions: days(5),
			p:       Participant{Status: Enrolled, Marks: marks(Present, Present, Present, Present, Absent)},
			missing: []string{NotConfirmed},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			day := c.today
			if day == "" {
				day = today
			}
			res := Evaluate(c.rule, c.sessions, c.p, day)
			if res.Holds != c.holds {
				t.Errorf("holds = %v, want %v (missing %q)", res.Holds, c.holds, res.Missing)
			}
			if c.holds && len(res.Missing) != 0 {
				t.Errorf("holds but missing %q", res.Missing)
			}
			if !c.holds && !reflect.DeepEqual(res.Missing, c.missing) {
				t.Errorf("missing\n got %q\nwant %q", res.Missing, c.missing)
			}
		})
	}
}

func TestEvaluateCounts(t *testing.T) {
	res := Evaluate(cps, append(days(5), Session{ID: 9, Kind: SessionMakeUp, On: "2026-10-01", MakesUp: 5}),
		Participant{Status: Enrolled, Marks: map[int64]Mark{1: Present, 2: Late, 3: Excused, 4: Absent, 5: Absent, 9: Present},
			Attempts: []Attempt{{Exam: Written, On: "2026-12-01", Score: 75}}}, today)
	if res.Counting != 5 || res.Attended != 3 || res.Percent != 60 || res.Excused != 1 {
		t.Fatalf("counts: %+v", res)
	}
	if res.Written.Used != 1 || res.Written.Best != 75 || res.Written.Passed || res.Oral.Used != 0 {
		t.Fatalf("exams: %+v %+v", res.Written, res.Oral)
	}
}

func TestRuleCheckAndDescribe(t *testing.T) {
	if f := cps.Check(); len(f) != 0 {
		t.Fatalf("the CPS rule is invalid: %v", f)
	}
	bad := Rule{AttendancePercent: 0, WrittenExam: true, WrittenPassMark: 101, OralExam: true, Attempts: 0}.Check()
	for _, k := range []string{"attendance_percent", "written_pass_mark", "attempts"} {
		if bad[k] == "" {
			t.Errorf("no message for %s", k)
		}
	}
	if f := (Rule{AttendancePercent: 80}).Check(); len(f) != 0 {
		t.Errorf("attempts are not needed without exams: %v", f)
	}
	d := cps.Describe()
	for _, want := range []string{"at least 85 %", "late counts as present", "written exam", "at least 80 %", "oral exam", "2 attempts per exam"} {
		if !strings.Contains(d, want) {
			t.Errorf("description lacks %q: %s", want, d)
		}
	}
	if d := (Rule{AttendancePercent: 80}).Describe(); strings.Contains(d, "exam") {
		t.Errorf("ICAN's rule mentions exams: %s", d)
	}
	// Wherever the rule decides, it says whose it is.
	if !strings.HasPrefix(d, "Your organisation's rule: ") || !strings.HasPrefix(cps.Short(), "Your organisation's rule: 85 % attendance, written exam pass mark 80 %, oral exam, 2 attempts per exam") {
		t.Errorf("a confirmed rule is not labelled the organisation's: %s / %s", d, cps.Short())
	}
	suggested := cps
	suggested.Confirmed = false
	if !strings.HasPrefix(suggested.Describe(), "peerpath suggests") || !strings.HasPrefix(suggested.Short(), "peerpath suggests") {
		t.Errorf("an unconfirmed rule is not labelled a suggestion: %s", suggested.Describe())
	}
	if !suggested.SameNumbers(cps) || suggested.SameNumbers(Rule{AttendancePercent: 85}) {
		t.Error("SameNumbers")
	}
}

func TestTemplates(t *testing.T) {
	c, ok := TemplateFor(KindCPS)
	if !ok || !c.Rule.SameNumbers(cps) || c.Rule.Confirmed || c.Students {
		t.Fatalf("CPS template: %+v", c)
	}
	i, ok := TemplateFor(KindICAN)
	if !ok || i.Rule.AttendancePercent != 80 || i.Rule.HasExams() || i.Rule.Confirmed || !i.Students {
		t.Fatalf("ICAN template: %+v", i)
	}
	if _, ok := TemplateFor(KindCustom); ok {
		t.Fatal("custom is not a template")
	}
}

func TestCodes(t *testing.T) {
	code := "ABCDEFGHIJKLMNOPQRS2"
	if g := GroupCode(code); g != "ABCD-EFGH-IJKL-MNOP-QRS2" {
		t.Fatalf("grouped: %s", g)
	}
	for _, typed := range []string{code, "abcd-efgh-ijkl-mnop-qrs2", " ABCD EFGH IJKL MNOP QRS2 ", "A8CD-EFGH-1JKL-MN0P-QRS2"} {
		if n, ok := NormalizeCode(typed); !ok || n != code {
			t.Errorf("NormalizeCode(%q) = %q, %v", typed, n, ok)
		}
	}
	for _, bad := range []string{"", "ABC", code + "A", "ABCDEFGHIJKLMNOPQRS9", "ABCDEFGHIJKLMNOPQRS!", strings.Repeat("A", 1000)} {
		if _, ok := NormalizeCode(bad); ok {
			t.Errorf("NormalizeCode(%q) accepted", bad)
		}
	}
}

func TestDays(t *testing.T) {
	if FormatDay("2026-10-02") != "2 Oct 2026" || FormatDayLong("2026-10-02") != "2 October 2026" || FormatDay("soon") != "soon" {
		t.Fatal("date formats")
	}
	// 02:00 UTC on 24 November is still 23 November in Boston.
	if d := Today(time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)); d != "2026-11-23" {
		t.Fatalf("today in Massachusetts: %s", d)
	}
}
