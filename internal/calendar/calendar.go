// Package calendar writes iCalendar (RFC 5545) files: a user's private feed
// and a cohort's schedule. Events carry times in the organisation's zone
// (America/New_York, with its VTIMEZONE), stable UIDs so that a changed
// session updates the event a calendar already holds, and nothing about a
// person supported. The iCalendar text itself is written by
// github.com/arran4/golang-ical.
package calendar

import (
	"bytes"
	"fmt"
	"time"

	ics "github.com/arran4/golang-ical"

	"peerpath/internal/core"
)

// Event is one entry of a calendar. With Start empty it is an all-day event
// on On; otherwise it runs from Start to End (or for Minutes, or an hour).
type Event struct {
	UID         string // stable, without the @host part: "cohort-session-12"
	Summary     string
	Location    string
	Description string
	On          string // YYYY-MM-DD
	Start, End  string // HH:MM in the organisation's zone; empty for all day
	Minutes     int
	Weekly      bool      // repeats every week from On (a group's regular meeting)
	Updated     time.Time // LAST-MODIFIED; zero when unknown
}

// ZoneID is the time zone every timed event is written in.
const ZoneID = "America/New_York"

// localStamp is iCalendar's DATE-TIME form for a time with a TZID (the
// library writes only UTC and DATE values itself).
const localStamp = "20060102T150405"

// Write returns the iCalendar file of the events. host makes the UIDs
// globally unique ("cohort-session-12@peerpath.example.org"); now is DTSTAMP.
func Write(name, host string, now time.Time, events []Event) ([]byte, error) {
	cal := ics.NewCalendarFor("peerpath")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(name)
	cal.SetXWRCalName(name)
	cal.SetXWRTimezone(ZoneID)
	cal.SetRefreshInterval("PT1H")
	cal.SetXPublishedTTL("PT1H")
	addZone(cal)
	for _, e := range events {
		day, err := time.ParseInLocation(core.DateLayout, e.On, core.Local)
		if err != nil {
			return nil, fmt.Errorf("calendar: event %s: %w", e.UID, err)
		}
		ev := cal.AddEvent(e.UID + "@" + host)
		ev.SetDtStampTime(now)
		if !e.Updated.IsZero() {
			ev.SetLastModifiedAt(e.Updated)
		}
		ev.SetSummary(e.Summary)
		if e.Location != "" {
			ev.SetLocation(e.Location)
		}
		if e.Description != "" {
			ev.SetDescription(e.Description)
		}
		if e.Start == "" {
			ev.SetAllDayStartAt(day)
			ev.SetAllDayEndAt(day.AddDate(0, 0, 1))
			ev.SetTimeTransparency(ics.TransparencyTransparent)
			continue
		}
		start, err := at(day, e.Start)
		if err != nil {
			return nil, fmt.Errorf("calendar: event %s: %w", e.UID, err)
		}
		end := start.Add(time.Hour)
		if e.End != "" {
			if end, err = at(day, e.End); err != nil {
				return nil, fmt.Errorf("calendar: event %s: %w", e.UID, err)
			}
		} else if e.Minutes > 0 {
			end = start.Add(time.Duration(e.Minutes) * time.Minute)
		}
		if !end.After(start) {
			end = start.Add(time.Hour)
		}
		ev.SetProperty(ics.ComponentPropertyDtStart, start.Format(localStamp), ics.WithTZID(ZoneID))
		ev.SetProperty(ics.ComponentPropertyDtEnd, end.Format(localStamp), ics.WithTZID(ZoneID))
		if e.Weekly {
			ev.AddRrule("FREQ=WEEKLY")
		}
	}
	var b bytes.Buffer
	if err := cal.SerializeTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// at is the instant of HH:MM on day in the organisation's zone.
func at(day time.Time, hhmm string) (time.Time, error) {
	var h, m int
	if _, err := fmt.Sscanf(hhmm, "%d:%d", &h, &m); err != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return time.Time{}, fmt.Errorf("time of day %q is not HH:MM", hhmm)
	}
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, core.Local), nil
}

// addZone adds America/New_York's VTIMEZONE: daylight time from the second
// Sunday of March at 2:00, standard time from the first Sunday of November
// at 2:00 (the rule since 2007; TestZoneMatchesGo checks it against Go's
// zone database).
func addZone(cal *ics.Calendar) {
	tz := cal.AddTimezone(ZoneID)
	daylight := &ics.Daylight{}
	daylight.SetProperty(ics.ComponentPropertyDtStart, "20070311T020000")
	daylight.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), "-0500")
	daylight.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), "-0400")
	daylight.AddProperty(ics.ComponentProperty(ics.PropertyTzname), "EDT")
	daylight.AddProperty(ics.ComponentPropertyRrule, "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU")
	standard := tz.AddStandard()
	standard.SetProperty(ics.ComponentPropertyDtStart, "20071104T020000")
	standard.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), "-0400")
	standard.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), "-0500")
	standard.AddProperty(ics.ComponentProperty(ics.PropertyTzname), "EST")
	standard.AddProperty(ics.ComponentPropertyRrule, "FREQ=YEARLY;BYMONTH=11;BYDAY=1SU")
	tz.Components = append(tz.Components, daylight)
}
