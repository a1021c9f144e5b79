package store

import "slices"

// SectionChange is what changed in one section of a plan between two
// versions, in words a reader can follow: the items (or contacts, "Name —
// phone", or the answer) that are new, those that are gone, and whether the
// rest only moved.
type SectionChange struct {
	Key       string
	Heading   string
	Added     []string
	Removed   []string
	Reordered bool // the same items in another order (and nothing else changed)
}

// PlanChanges compares two versions of a plan of the same kind, section by
// section in the kind's order, and lists the sections that changed. An item
// whose words were edited shows as the old one removed and the new one
// added; a contact whose number changed, likewise. Comparing against an
// empty plan (the version before version 1) lists everything as added. It
// is a pure function: the versions page and the audit detail use it.
func PlanChanges(prev, next Plan) []SectionChange {
	var out []SectionChange
	for _, s := range next.Sections {
		before := prev.Section(s.Key).Lines()
		after := s.Lines()
		c := SectionChange{Key: s.Key, Heading: s.Heading, Added: minus(after, before), Removed: minus(before, after)}
		if len(c.Added) == 0 && len(c.Removed) == 0 {
			c.Reordered = !slices.Equal(before, after)
			if !c.Reordered {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// minus returns the items of a that are not in b, counting repeats (an item
// twice in a and once in b is listed once), in a's order.
func minus(a, b []string) []string {
	left := map[string]int{}
	for _, v := range b {
		left[v]++
	}
	var out []string
	for _, v := range a {
		if left[v] > 0 {
			left[v]--
			continue
		}
		out = append(out, v)
	}
	return out
}
