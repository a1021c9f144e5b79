package workforce

// Previous peer support experience, as the chart means it: experience from
// before the role the person holds now. "Previous peer support experience
// preferred" is not met by the current job itself.

// Previous is experience from roles that ended before the current one
// began.
type Previous struct {
	Roles  int // peer roles that ended before the current one began
	Months int // whole months they add up to (overlaps counted once)
	// CurrentFrom is when the current peer role began: the latest-starting
	// role that is still going on today. It is "" when there is none, and
	// then every role that has ended counts as previous.
	CurrentFrom string
}

// PreviousExperience finds the current role among periods (one still going
// on today: no end date, or one not yet passed; the latest-starting if
// several) and counts the roles that ended before it began.
func PreviousExperience(periods []Period, today string) Previous {
	var p Previous
	for _, x := range periods {
		if x.From == "" || x.From > today || (x.To != "" && x.To < today) {
			continue
		}
		if x.From > p.CurrentFrom {
			p.CurrentFrom = x.From
		}
	}
	cut := today
	if p.CurrentFrom != "" {
		cut = p.CurrentFrom
	}
	var before []Period
	for _, x := range periods {
		if x.To != "" && x.To < cut && x.From != "" && x.From <= x.To {
			before = append(before, x)
		}
	}
	p.Roles = len(before)
	p.Months = ExperienceMonths(before, today)
	return p
}
