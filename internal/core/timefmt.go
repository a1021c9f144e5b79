package core

import (
	"strings"
	"time"
)

// The one way peerpath writes a time of day, on every page, email and PDF:
// Massachusetts time, 12-hour with am/pm ("10:00 am", "9:30 am–4:00 pm").
// Code elsewhere never formats a time of day itself; a test looks for
// other layouts.
const (
	clockLayout    = "3:04 pm"
	dateLayoutLong = "2 Jan 2006"
	// HHMM is how a time of day typed into a form or kept in a column is
	// written (24-hour "13:30"); it is parsed, never shown.
	HHMM = "15:04"
)

// TimeOfDay is the time of day at the instant t in Massachusetts: "10:00 am".
func TimeOfDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Local).Format(clockLayout)
}

// TimeRange is a span of time in one day: "9:30 am–4:00 pm".
func TimeRange(from, to time.Time) string {
	if from.IsZero() || to.IsZero() {
		return TimeOfDay(from) + TimeOfDay(to)
	}
	return TimeOfDay(from) + "–" + TimeOfDay(to)
}

// DateTime is a day and a time: "6 Dec 2026, 10:00 am".
func DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Local).Format(dateLayoutLong) + ", " + TimeOfDay(t)
}

// TimeOf writes a stored time of day ("13:30", "09:30") the same way
// ("1:30 pm", "9:30 am"); anything else comes back as it was.
func TimeOf(hhmm string) string {
	t, err := time.Parse(HHMM, strings.TrimSpace(hhmm))
	if err != nil {
		return hhmm
	}
	return t.Format(clockLayout)
}

// TimeRangeOf writes two stored times of day as a span: "9:30 am–4:00 pm".
func TimeRangeOf(from, to string) string {
	if from == "" || to == "" {
		return TimeOf(from) + TimeOf(to)
	}
	return TimeOf(from) + "–" + TimeOf(to)
}

// TimeOfDayUntil is a moment someone must wait for, rounded up to the
// whole minute so the wait is over when they read it: "10:05 am".
func TimeOfDayUntil(t time.Time) string {
	if r := t.Truncate(time.Minute); r.Before(t) {
		t = r.Add(time.Minute)
	}
	return TimeOfDay(t)
}

// LocalInputLayout is the value of an <input type="datetime-local"> in
// Massachusetts time: a machine format the browser shows in its own way,
// never text for people.
const LocalInputLayout = "2006-01-02T15:04"

// Dates and times read from a spreadsheet being imported: the stored form
// (2026-11-23), or the US form spreadsheets write (11/23/2026), with an
// optional time of day, 24-hour ("14:30") or 12-hour ("2:30 PM").
var (
	sheetDateLayouts = []string{DateLayout, "1/2/2006"}
	sheetTimeLayouts = []string{HHMM, "15:04:05", "3:04 PM", "3:04PM", "3:04 pm", "3:04pm"}
)

// SheetDate reads a date typed in a spreadsheet and gives it as YYYY-MM-DD;
// ok is false for any other form.
func SheetDate(v string) (date string, ok bool) {
	v = strings.TrimSpace(v)
	for _, l := range sheetDateLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t.Format(DateLayout), true
		}
	}
	return "", false
}

// SheetDateTime reads a date with an optional time of day ("2026-11-23
// 14:30", "11/23/2026 2:30 PM", "2026-11-23T14:30") as an instant in
// Massachusetts time; a date alone is noon that day. ok is false for any
// other form.
func SheetDateTime(v string) (t time.Time, ok bool) {
	v = strings.TrimSpace(v)
	day, clock, _ := strings.Cut(strings.Replace(v, "T", " ", 1), " ")
	d, ok := SheetDate(day)
	if !ok {
		return time.Time{}, false
	}
	date, _ := time.ParseInLocation(DateLayout, d, Local)
	clock = strings.TrimSpace(clock)
	if clock == "" {
		return date.Add(12 * time.Hour), true
	}
	for _, l := range sheetTimeLayouts {
		if c, err := time.Parse(l, clock); err == nil {
			return time.Date(date.Year(), date.Month(), date.Day(), c.Hour(), c.Minute(), c.Second(), 0, Local), true
		}
	}
	return time.Time{}, false
}
