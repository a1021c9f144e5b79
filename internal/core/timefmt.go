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
