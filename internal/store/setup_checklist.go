package store

import (
	"context"

	"peerpath/internal/core"
)

// SetupChecklist is what a new organisation still has to set up before its
// workers can rely on peerpath (issue 16). Each item is done when the data
// it asks for exists, so the checklist never needs ticking by hand and
// disappears from the administrator's home once everything is there.
type SetupChecklist struct {
	CrisisLines bool // the organisation's own crisis lines for new safety plans
	Programmes  bool // at least one programme defined or its rule confirmed
	Groups      bool // at least one group
	Invitations bool // someone besides the first administrator has an account
}

// Done reports whether every item is set up.
func (c SetupChecklist) Done() bool {
	return c.CrisisLines && c.Programmes && c.Groups && c.Invitations
}

// Left counts the items still to do.
func (c SetupChecklist) Left() int {
	n := 0
	for _, ok := range []bool{c.CrisisLines, c.Programmes, c.Groups, c.Invitations} {
		if !ok {
			n++
		}
	}
	return n
}

// SetupChecklist reads the actor's organisation's set-up, in one query.
// Only administrators set an organisation up.
func (s *Store) SetupChecklist(ctx context.Context, a Actor) (SetupChecklist, error) {
	var c SetupChecklist
	if !a.MayChangeOrgSettings() {
		return c, core.Forbidden("Only an administrator sets the organisation up.")
	}
	var lines string
	var programmes, groups, users int
	err := s.rdb.QueryRowContext(ctx, `SELECT o.crisis_lines,
		(SELECT COUNT(*) FROM (SELECT 1 FROM programmes WHERE org_id = $1 LIMIT 1) pr),
		(SELECT COUNT(*) FROM (SELECT 1 FROM peer_groups WHERE org_id = $1 LIMIT 1) g),
		(SELECT COUNT(*) FROM (SELECT 1 FROM users WHERE org_id = $1 LIMIT 2) u)
		FROM organisations o WHERE o.id = $1`, a.OrgID).Scan(&lines, &programmes, &groups, &users)
	if err != nil {
		return c, err
	}
	c.CrisisLines, c.Programmes, c.Groups, c.Invitations = lines != "", programmes > 0, groups > 0, users > 1
	return c, nil
}
