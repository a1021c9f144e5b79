package store

import (
	"context"
	"errors"

	"peerpath/internal/core"
	"peerpath/internal/reporting"
)

// The outcomes report's follow-up section: how many of the programmes'
// assessment points that closed in the period were kept on time, against
// the target of whoever set it (follow_ups.go).
func init() { followUpTable = reportFollowUps }

func reportFollowUps(ctx context.Context, s *Store, q querier, a Actor, sc reportScope, p reporting.Period) (*reporting.Table, error) {
	// A programme's scope is its service programme's id, as the schedule's.
	kind, id := sc.Kind, sc.ID
	c, err := s.FollowUpCompletion(ctx, a, kind, id, p.From, p.To)
	var ce *core.Error
	if errors.As(err, &ce) && (ce.Kind == core.KindNotFound || ce.Kind == core.KindForbidden) {
		return nil, nil // not this actor's to see: the section is left out
	}
	if err != nil {
		return nil, err
	}
	if c.Due == 0 {
		return nil, nil
	}
	t := newTable("follow_ups", "Follow-up assessments",
		colCount("due", "Due"), colCount("on_time", "On time"), colCount("late", "Late"), colCount("missed", "Missed"),
		reporting.Column{Key: "on_time_percent", Label: "On time", Kind: reporting.KindPercent, Of: "on_time"})
	t.Note = "Assessment points of the programmes' follow-up schedules whose window closed in the period. " + c.Summary() + "."
	t.NoteArgs = reporting.Args{"Percent": c.RatePercent(), "Target": c.TargetLabel}
	if c.TargetLabel == "" {
		t.Note = "Assessment points of the programmes' follow-up schedules whose window closed in the period; the programmes have different targets, or none."
		t.NoteKey, t.NoteArgs = "follow_ups_mixed", nil
	}
	t.Add("all", "All programmes in scope", count(c.Due), count(c.OnTime), count(c.Late), count(c.Missed+c.Overdue), reporting.Ratio(float64(c.OnTime), float64(c.Due)))
	return t, nil
}
