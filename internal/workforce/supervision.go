package workforce

import (
	"fmt"
	"time"
)

// Per is a length of period that supervision is totalled over.
type Per string

// The periods.
const (
	PerMonth   Per = "month"
	PerQuarter Per = "quarter"
	PerYear    Per = "year"
)

// Valid reports whether p is one of the three.
func (p Per) Valid() bool { return p == PerMonth || p == PerQuarter || p == PerYear }

// PeriodStart is the first day of the period of length p that date falls in.
func PeriodStart(date string, p Per) string {
	t, ok := ParseDate(date)
	if !ok {
		return ""
	}
	y, m, _ := t.Date()
	switch p {
	case PerYear:
		m = time.January
	case PerQuarter:
		m = time.Month((int(m)-1)/3*3 + 1)
	}
	return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).Format(DateLayout)
}

// PeriodLabel names the period of length p starting on start: "November
// 2026", "Oct–Dec 2026 (Q4)", "2026".
func PeriodLabel(start string, p Per) string {
	t, ok := ParseDate(start)
	if !ok {
		return start
	}
	switch p {
	case PerYear:
		return fmt.Sprint(t.Year())
	case PerQuarter:
		q := (int(t.Month())-1)/3 + 1
		end := t.AddDate(0, 2, 0)
		return fmt.Sprintf("%s–%s %d (Q%d)", t.Format("Jan"), end.Format("Jan"), t.Year(), q)
	}
	return t.Format("January 2006")
}

// PreviousPeriod is the start of the period before the one starting on start.
func PreviousPeriod(start string, p Per) string {
	switch p {
	case PerYear:
		return AddMonths(start, -12)
	case PerQuarter:
		return AddMonths(start, -3)
	}
	return AddMonths(start, -1)
}

// MinutesLabel writes a number of minutes as hours and minutes: "1 h 30 min",
// "45 min", "2 h".
func MinutesLabel(m int) string {
	h, rest := m/60, m%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", rest)
	case rest == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %d min", h, rest)
}
