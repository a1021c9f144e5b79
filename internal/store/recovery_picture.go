package store

import (
	"context"
)

// RecoveryPicture is the "Recovery picture" section of a person's record
// (issue 13): their strengths, recovery capital over time, stages of change,
// latest areas of need, natural supports, and counts of advocacy, open
// rights concerns and open medication questions.
type RecoveryPicture struct {
	Strengths      Strengths
	Capital        CapitalSummary
	Stages         Stages
	Needs          *NeedCheck // the latest check of needs; nil when none
	Supports       []NaturalSupport
	Advocacy       int // advocacy entries
	OpenRights     int // rights concerns not resolved
	OpenMedication int // medication questions not settled
}

// RecoveryPicture returns a person's recovery picture, and audits the read
// once. It runs a fixed number of queries, however long the history.
func (s *Store) RecoveryPicture(ctx context.Context, a Actor, personID int64) (RecoveryPicture, error) {
	rp, err := s.recoveryPicture(ctx, a, personID)
	if err != nil {
		return rp, err
	}
	return rp, s.recordRead(ctx, a, "person", personID, "recovery picture")
}

// recoveryPicture reads the picture without auditing (the benchmark times
// the queries apart from the audit write).
func (s *Store) recoveryPicture(ctx context.Context, a Actor, personID int64) (RecoveryPicture, error) {
	var rp RecoveryPicture
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return rp, err
	}
	var err error
	if rp.Strengths, err = s.strengthsOf(ctx, s.rdb, a.OrgID, personID); err != nil {
		return rp, err
	}
	if rp.Capital, err = s.capitalOf(ctx, a.OrgID, personID, ""); err != nil {
		return rp, err
	}
	if rp.Stages, err = s.stagesOf(ctx, s.rdb, a.OrgID, personID); err != nil {
		return rp, err
	}
	checks, err := s.needChecks(ctx, s.rdb, a.OrgID, "WHERE c.org_id = $1 AND c.person_id = $2 ORDER BY c.noted_on DESC, c.id DESC LIMIT 1", a.OrgID, personID)
	if err != nil {
		return rp, err
	}
	if len(checks) > 0 {
		rp.Needs = &checks[0]
	}
	if rp.Supports, err = s.supportsOf(ctx, s.rdb, a.OrgID, personID); err != nil {
		return rp, err
	}
	if err := s.rdb.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM advocacy_entries WHERE org_id = $1 AND person_id = $2),
		(SELECT COUNT(*) FROM rights_concerns WHERE org_id = $1 AND person_id = $2 AND resolved_on = ''),
		(SELECT COUNT(*) FROM medication_questions WHERE org_id = $1 AND person_id = $2 AND settled_on = '')`,
		a.OrgID, personID).Scan(&rp.Advocacy, &rp.OpenRights, &rp.OpenMedication); err != nil {
		return rp, err
	}
	return rp, nil
}
