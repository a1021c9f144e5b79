package workforce

import (
	"peerpath/internal/core"
	"time"
)

// DateLayout is how dates are written and stored.
const DateLayout = core.DateLayout

// Today is the civil date in Massachusetts at the instant now.
func Today(now time.Time) string { return core.Today(now) }

// ParseDate reads a YYYY-MM-DD date; ok is false for anything else
// (including impossible dates such as 2026-02-30).
func ParseDate(s string) (time.Time, bool) {
	t, err := time.Parse(DateLayout, s)
	return t, err == nil
}

// AddMonths adds n calendar months to a date, keeping the day where the
// month has it and otherwise using the month's last day (31 January plus
// one month is 28 or 29 February, never 2 or 3 March).
func AddMonths(date string, n int) string {
	t, ok := ParseDate(date)
	if !ok {
		return date
	}
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, time.UTC).Format(DateLayout)
}

// AddDays adds n days to a date.
func AddDays(date string, n int) string {
	t, ok := ParseDate(date)
	if !ok {
		return date
	}
	return t.AddDate(0, 0, n).Format(DateLayout)
}

// DaysBetween is the number of days from a to b (negative when b is
// earlier); 0 when either date is unreadable.
func DaysBetween(a, b string) int {
	ta, ok1 := ParseDate(a)
	tb, ok2 := ParseDate(b)
	if !ok1 || !ok2 {
		return 0
	}
	return int(tb.Sub(ta).Hours() / 24)
}

// Period is a span of civil dates, both ends included. An empty To means
// "still going".
type Period struct {
	From, To string
}

// ExperienceMonths counts whole months of peer support experience from the
// periods of the peer roles someone has held, as of today.
//
// Periods that overlap (two part-time peer jobs at once) or touch are
// merged first, so time is counted once. A period without an end runs to
// today; a period or part of one after today does not count yet. Each
// merged stretch contributes its whole calendar months (15 January to
// 14 March is two months; to 13 March, one), and the stretches are summed.
// Unreadable periods, and those ending before they start, are ignored.
func ExperienceMonths(periods []Period, today string) int {
	end, ok := ParseDate(today)
	if !ok {
		return 0
	}
	type span struct{ from, to time.Time } // to is exclusive
	var spans []span
	for _, p := range periods {
		f, ok := ParseDate(p.From)
		if !ok {
			continue
		}
		t := end
		if p.To != "" {
			if t, ok = ParseDate(p.To); !ok {
				continue
			}
			if t.After(end) {
				t = end
			}
		}
		t = t.AddDate(0, 0, 1)
		if !f.Before(t) {
			continue
		}
		spans = append(spans, span{f, t})
	}
	// Sort by start and merge overlapping or adjacent spans.
	for i := 1; i < len(spans); i++ {
		for j := i; j > 0 && spans[j].from.Before(spans[j-1].from); j-- {
			spans[j], spans[j-1] = spans[j-1], spans[j]
		}
	}
	var merged []span
	for _, s := range spans {
		if n := len(merged); n > 0 && !s.from.After(merged[n-1].to) {
			if s.to.After(merged[n-1].to) {
				merged[n-1].to = s.to
			}
			continue
		}
		merged = append(merged, s)
	}
	total := 0
	for _, s := range merged {
		total += wholeMonths(s.from, s.to)
	}
	return total
}

// wholeMonths counts the whole calendar months from a to b (b exclusive).
func wholeMonths(a, b time.Time) int {
	m := (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
	if b.Day() < a.Day() {
		m--
	}
	return max(m, 0)
}
