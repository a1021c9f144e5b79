package workforce

import (
	"strings"
	"testing"
	"time"
)

func TestExperienceMonths(t *testing.T) {
	today := "2026-11-23"
	cases := []struct {
		name    string
		periods []Period
		want    int
	}{
		{"none", nil, 0},
		{"whole months", []Period{{"2026-01-15", "2026-03-14"}}, 2},
		{"a day short", []Period{{"2026-01-15", "2026-03-13"}}, 1},
		{"current role runs to today", []Period{{"2025-11-23", ""}}, 12},
		{"overlap counted once", []Period{{"2025-01-01", "2025-06-30"}, {"2025-04-01", "2025-12-31"}}, 12},
		{"contained period adds nothing", []Period{{"2025-01-01", "2025-12-31"}, {"2025-03-01", "2025-04-30"}}, 12},
		{"adjacent periods join", []Period{{"2025-01-15", "2025-02-14"}, {"2025-02-15", "2025-03-14"}}, 2},
		{"separate periods add", []Period{{"2024-01-01", "2024-03-31"}, {"2025-01-01", "2025-02-28"}}, 5},
		{"future part not counted", []Period{{"2026-10-23", "2027-10-22"}}, 1},
		{"starts in the future", []Period{{"2027-01-01", ""}}, 0},
		{"backwards ignored", []Period{{"2025-05-01", "2025-01-01"}}, 0},
		{"unreadable ignored", []Period{{"May 2025", ""}, {"2025-01-01", "2025-01-31"}}, 1},
	}
	for _, c := range cases {
		if got := ExperienceMonths(c.periods, today); got != c.want {
			t.Errorf("%s: %d months, want %d", c.name, got, c.want)
		}
	}
}

func TestSameName(t *testing.T) {
	yes := [][2]string{
		{"ana lucia  perez", "Ana Lucía Pérez"},
		{"  ANA LUCÍA PÉREZ ", "Ana Lucía Pérez"},
		{"Sean O’Brien", "Sean O'Brien"},
		{"Nguyễn Văn An", "nguyen van an"},
		{"Zoë Ça", "Zoe Ca"},
		{"王小明", "王小明"},
	}
	for _, p := range yes {
		if !SameName(p[0], p[1]) {
			t.Errorf("%q should sign for %q", p[0], p[1])
		}
	}
	no := [][2]string{{"Ana Perez", "Ana Lucía Pérez"}, {"", ""}, {"   ", "  "}, {"Pat Lee", "Pat Leigh"}}
	for _, p := range no {
		if SameName(p[0], p[1]) {
			t.Errorf("%q should not sign for %q", p[0], p[1])
		}
	}
}

func TestEthicsText(t *testing.T) {
	paras := Paragraphs(DefaultEthicsText)
	var principles, commitments int
	for _, p := range paras {
		for _, l := range p {
			for _, name := range []string{"Autonomy:", "Beneficence:", "Fidelity:", "Justice:", "Non-maleficence:"} {
				if strings.HasPrefix(l, name) {
					principles++
				}
			}
			if len(l) > 2 && l[0] >= '1' && l[0] <= '9' && strings.Contains(l[:4], ". ") {
				commitments++
			}
		}
	}
	if principles != 5 || commitments != 14 {
		t.Fatalf("the summary has %d principles and %d commitments, want 5 and 14", principles, commitments)
	}
	// Hashing ignores line-ending and trailing-space differences only.
	a := EthicsHash("Line one\nLine two")
	if b := EthicsHash("Line one  \r\nLine two\n\n"); a != b {
		t.Error("line endings changed the hash")
	}
	if c := EthicsHash("Line one\nLine 2"); a == c {
		t.Error("different words gave the same hash")
	}
	if len(a) != 64 {
		t.Errorf("hash %q is not SHA-256 hex", a)
	}
}

func TestRenewalPeriod(t *testing.T) {
	rule := RenewalRule{Hours: 2000, EthicsHours: 600, PeriodMonths: 24}
	from, to, ok := RenewalPeriod(rule, "2020-03-01", "2027-02-28", "2026-11-23")
	if !ok || from != "2025-03-01" || to != "2027-02-28" {
		t.Errorf("with expiry: %s to %s %v", from, to, ok)
	}
	from, _, _ = RenewalPeriod(rule, "2026-01-10", "2027-02-28", "2026-11-23")
	if from != "2026-01-10" {
		t.Errorf("a period does not start before issue: %s", from)
	}
	from, to, ok = RenewalPeriod(rule, "2022-05-10", "", "2026-11-23")
	if !ok || from != "2026-05-10" || to != "2028-05-09" {
		t.Errorf("without expiry: %s to %s %v", from, to, ok)
	}
	if _, _, ok := RenewalPeriod(RenewalRule{}, "2022-05-10", "", "2026-11-23"); ok {
		t.Error("a period without a rule")
	}
}

func TestReminders(t *testing.T) {
	today := "2026-11-23"
	cases := map[string]Reminder{
		"":           {},
		"2027-06-01": {DaysLeft: 190},
		"2027-02-21": {DaysLeft: 90, Threshold: 90, Due: true, Level: "upcoming"},
		"2027-01-22": {DaysLeft: 60, Threshold: 60, Due: true, Level: "upcoming"},
		"2026-12-23": {DaysLeft: 30, Threshold: 30, Due: true, Level: "soon"},
		"2026-11-23": {DaysLeft: 0, Threshold: 30, Due: true, Level: "soon"},
		"2026-11-22": {DaysLeft: -1, Expired: true, Due: true, Level: "expired"},
	}
	for exp, want := range cases {
		if got := ReminderFor(exp, today); got != want {
			t.Errorf("%q: %+v, want %+v", exp, got, want)
		}
	}
	if !Current("2020-01-01", "2026-11-23", today) || Current("2020-01-01", "2026-11-22", today) || Current("2027-01-01", "", today) {
		t.Error("Current is wrong at the edges")
	}
}

func TestHoursAndDates(t *testing.T) {
	for in, want := range map[string]string{"6": "6", "1.5": "1.5", "1,25": "1.25", " 0 ": "0", "1000": "1000"} {
		h, msg := ParseHours(in, 1000)
		if msg != "" || h.String() != want {
			t.Errorf("ParseHours(%q) = %s %q", in, h, msg)
		}
	}
	for _, bad := range []string{"", "six", "-1", "1000.5", "NaN", "Inf"} {
		if _, msg := ParseHours(bad, 1000); msg == "" {
			t.Errorf("ParseHours(%q) accepted", bad)
		}
	}
	if AddMonths("2026-01-31", 1) != "2026-02-28" || AddMonths("2024-01-31", 1) != "2024-02-29" || AddMonths("2026-03-15", -24) != "2024-03-15" {
		t.Error("AddMonths")
	}
	if PeriodStart("2026-11-23", PerQuarter) != "2026-10-01" || PeriodStart("2026-11-23", PerYear) != "2026-01-01" || PeriodStart("2026-11-23", PerMonth) != "2026-11-01" {
		t.Error("PeriodStart")
	}
	if PeriodLabel("2026-10-01", PerQuarter) != "Oct–Dec 2026 (Q4)" || PeriodLabel("2026-11-01", PerMonth) != "November 2026" {
		t.Errorf("PeriodLabel: %s", PeriodLabel("2026-10-01", PerQuarter))
	}
	// Late evening in Boston is still the same day there, though it is
	// tomorrow in UTC.
	if got := Today(time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)); got != "2026-11-23" {
		t.Errorf("Today: %s", got)
	}
	if MinutesLabel(90) != "1 h 30 min" || MinutesLabel(45) != "45 min" || MinutesLabel(120) != "2 h" {
		t.Error("MinutesLabel")
	}
}

func TestRenewalRuleWordsAndExpiry(t *testing.T) {
	if got := (RenewalRule{}).Describe(); got != "Renewal rule not set" {
		t.Errorf("no rule: %q", got)
	}
	if got := ExpiryFor(RenewalRule{}, "2026-01-31"); got != "" {
		t.Errorf("no rule, yet an expiry: %q", got)
	}
	r := RenewalRule{Hours: 2000, EthicsHours: 600, PeriodMonths: 24}
	if got := r.Describe(); got != "Your organisation's rule: 20 hours of continuing education every 24 months, 6 of them on ethics" {
		t.Errorf("a rule: %q", got)
	}
	if got := (RenewalRule{Hours: 150, PeriodMonths: 1}).Describe(); got != "Your organisation's rule: 1.5 hours of continuing education every month" {
		t.Errorf("a monthly rule: %q", got)
	}
	if got := ExpiryFor(r, "2026-01-31"); got != "2028-01-31" {
		t.Errorf("expiry: %q", got)
	}
	if got := ExpiryFor(RenewalRule{PeriodMonths: 1}, "2026-01-31"); got != "2026-02-28" {
		t.Errorf("expiry at a month's end: %q", got)
	}
	if got := ExpiryFor(r, "soon"); got != "" {
		t.Errorf("an unreadable date: %q", got)
	}
}

func TestPreviousExperience(t *testing.T) {
	today := "2026-11-23"
	cases := []struct {
		name    string
		periods []Period
		want    Previous
	}{
		{"only the current role", []Period{{From: "2025-01-06"}}, Previous{CurrentFrom: "2025-01-06"}},
		{"an earlier role ended before the current one", []Period{{From: "2022-03-01", To: "2022-11-30"}, {From: "2023-01-09"}},
			Previous{Roles: 1, Months: 9, CurrentFrom: "2023-01-09"}},
		{"an overlapping role still going on is not previous", []Period{{From: "2022-03-01", To: "2023-05-31"}, {From: "2023-01-09"}},
			Previous{CurrentFrom: "2023-01-09"}},
		{"no current role: every ended role counts", []Period{{From: "2021-01-01", To: "2021-12-31"}, {From: "2024-02-01", To: "2024-07-31"}},
			Previous{Roles: 2, Months: 18}},
		{"a role ending in the future is current", []Period{{From: "2020-01-01", To: "2020-06-30"}, {From: "2026-01-01", To: "2027-12-31"}},
			Previous{Roles: 1, Months: 6, CurrentFrom: "2026-01-01"}},
		{"nothing on record", nil, Previous{}},
	}
	for _, c := range cases {
		if got := PreviousExperience(c.periods, today); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}
