package learning

import (
	"slices"
	"strings"
	"time"
)

// CardDue pairs a card with the id of what it is about (normally a glossary
// slug, possibly prefixed by a deck).
type CardDue struct {
	ID   string `json:"id"`
	Card Card   `json:"card"`
}

// QueueCounts says how many cards of each kind a day's queue holds.
// Relearning cards count as learning.
type QueueCounts struct {
	New      int `json:"new"`
	Learning int `json:"learning"`
	Review   int `json:"review"`
}

// DailyQueue picks what to study at now: every started card that is due
// (learning, review and relearning), most overdue first, then up to limitNew
// new cards in their own due order. Reviews come first because a card
// already learned loses most by waiting; new cards are capped so a long
// glossary does not bury a learner on day one. Ties are broken by id so the
// order is stable.
func DailyQueue(cards []CardDue, now time.Time, limitNew int) ([]CardDue, QueueCounts) {
	var due, fresh []CardDue
	for _, c := range cards {
		if c.Card.Due.After(now) {
			continue
		}
		if c.Card.State == StateNew {
			fresh = append(fresh, c)
		} else {
			due = append(due, c)
		}
	}
	byDue := func(a, b CardDue) int {
		if c := a.Card.Due.Compare(b.Card.Due); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	}
	slices.SortStableFunc(due, byDue)
	slices.SortStableFunc(fresh, byDue)
	fresh = fresh[:min(len(fresh), max(0, limitNew))]

	var counts QueueCounts
	for _, c := range due {
		if c.Card.State == StateReview {
			counts.Review++
		} else {
			counts.Learning++
		}
	}
	counts.New = len(fresh)
	return append(due, fresh...), counts
}
