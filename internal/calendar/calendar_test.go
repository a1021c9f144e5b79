package calendar

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"peerpath/internal/core"
)

// TestZoneMatchesGo checks the VTIMEZONE's rule (second Sunday of March,
// first Sunday of November, at 2:00) against Go's zone database.
func TestZoneMatchesGo(t *testing.T) {
	nthSunday := func(year int, month time.Month, n int) time.Time {
		d := time.Date(year, month, 1, 12, 0, 0, 0, core.Local)
		for d.Weekday() != time.Sunday {
			d = d.AddDate(0, 0, 1)
		}
		return d.AddDate(0, 0, 7*(n-1))
	}
	for year := 2008; year <= 2040; year++ {
		for _, c := range []struct {
			day        time.Time
			before, at int // UTC offsets in hours just before and after 2:00
		}{{nthSunday(year, time.March, 2), -5, -4}, {nthSunday(year, time.November, 1), -4, -5}} {
			utcTwo := time.Date(c.day.Year(), c.day.Month(), c.day.Day(), 2-c.before, 0, 0, 0, time.UTC) // 2:00 local before the change
			_, before := utcTwo.Add(-time.Minute).In(core.Local).Zone()
			_, after := utcTwo.Add(time.Minute).In(core.Local).Zone()
			if before != c.before*3600 || after != c.at*3600 {
				t.Errorf("%s: Go's zone changes from %d to %d, the VTIMEZONE says %d to %d", c.day.Format(core.DateLayout), before/3600, after/3600, c.before, c.at)
			}
		}
	}
}

func TestWriteAcrossDaylightSaving(t *testing.T) {
	now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	b, err := Write("Test", "peerpath.example.org", now, []Event{
		{UID: "jan", Summary: "January", On: "2027-01-14", Start: "10:00", End: "12:30"},
		{UID: "mar", Summary: "March", On: "2027-03-18", Start: "10:00", Minutes: 90},
		{UID: "day", Summary: "3 check-ins due", On: "2027-03-14"},
	})
	if err != nil {
		t.Fatal(err)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if len(cal.Timezones()) != 1 || !strings.Contains(string(b), "TZID:America/New_York") || !strings.Contains(string(b), "BEGIN:DAYLIGHT") {
		t.Fatalf("no America/New_York VTIMEZONE:\n%s", b)
	}
	want := map[string][2]time.Time{
		"jan@peerpath.example.org": {time.Date(2027, 1, 14, 15, 0, 0, 0, time.UTC), time.Date(2027, 1, 14, 17, 30, 0, 0, time.UTC)}, // EST, UTC-5
		"mar@peerpath.example.org": {time.Date(2027, 3, 18, 14, 0, 0, 0, time.UTC), time.Date(2027, 3, 18, 15, 30, 0, 0, time.UTC)}, // EDT, UTC-4
	}
	for _, e := range cal.Events() {
		if e.Id() == "day@peerpath.example.org" {
			d, err := e.GetAllDayStartAt()
			if err != nil || d.Format(core.DateLayout) != "2027-03-14" {
				t.Errorf("all-day event: %v %v", d, err)
			}
			continue
		}
		w, ok := want[e.Id()]
		if !ok {
			t.Errorf("unexpected event %q", e.Id())
			continue
		}
		start, err1 := e.GetStartAt()
		end, err2 := e.GetEndAt()
		if err1 != nil || err2 != nil || !start.Equal(w[0]) || !end.Equal(w[1]) {
			t.Errorf("%s: %v – %v (%v %v), want %v – %v", e.Id(), start.UTC(), end.UTC(), err1, err2, w[0], w[1])
		}
		if p := e.GetProperty(ics.ComponentPropertyDtStart); p == nil || p.ICalParameters["TZID"][0] != ZoneID {
			t.Errorf("%s: DTSTART without the zone: %+v", e.Id(), p)
		}
		delete(want, e.Id())
	}
	if len(want) != 0 {
		t.Errorf("missing events: %v", want)
	}
}

func TestWriteRefusesABadTime(t *testing.T) {
	if _, err := Write("x", "h", time.Now(), []Event{{UID: "a", On: "2027-01-01", Start: "25:00"}}); err == nil {
		t.Error("25:00 was accepted")
	}
}
