package store

import (
	"time"

	"peerpath/internal/core"
)

// SuggestedSession is the date and start time the form for a new session
// of the group offers, at time now: always one that can be saved (a
// session that has begun). It is day ("" for today) at the group's start
// time when that has begun; else the group's latest weekly slot that has
// begun; else today, at the current time rounded down to five minutes.
func (g Group) SuggestedSession(now time.Time, day string) (string, string) {
	today := core.Today(now)
	if day == "" || day > today {
		day = today
	}
	if g.StartTime != "" && !sessionStart(day, g.StartTime).After(now) {
		return day, g.StartTime
	}
	if g.StartTime != "" && g.Weekday >= 1 && g.Weekday <= 7 {
		local := now.In(Zone)
		for d := 0; d <= 7; d++ {
			back := local.AddDate(0, 0, -d)
			if int(back.Weekday()+6)%7+1 != g.Weekday {
				continue
			}
			if on := back.Format(dateLayout); !sessionStart(on, g.StartTime).After(now) {
				return on, g.StartTime
			}
		}
	}
	local := now.In(Zone)
	return today, time.Date(local.Year(), local.Month(), local.Day(), local.Hour(), local.Minute()/5*5, 0, 0, Zone).Format(core.HHMM)
}
