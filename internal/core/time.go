package core

import (
	"time"
	_ "time/tzdata" // the zone database inside the binary: a machine without one still knows Massachusetts time
)

// DateLayout is how dates (not times) are written and stored: YYYY-MM-DD.
const DateLayout = time.DateOnly

// Local is where the organisations work, so where a "day" is decided: a
// check-in due on Monday is overdue from Tuesday morning in Massachusetts,
// not from Monday evening when UTC turns over. (An organisation in another
// state would make this a setting.)
var Local = func() *time.Location {
	l, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic("core: no America/New_York zone despite the embedded database: " + err.Error())
	}
	return l
}()

// Today is the date in Massachusetts at the instant t, as YYYY-MM-DD.
func Today(t time.Time) string { return t.In(Local).Format(DateLayout) }
