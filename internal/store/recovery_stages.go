package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/core"
	"peerpath/internal/recovery"
)

// Stages of change (issue 13): for each life area of the goals, where the
// person sees themselves, dated. Every note is kept; the latest per area is
// the current stage.

// StageNote is a stage of change noted for one life area.
type StageNote struct {
	ID        int64
	PersonID  int64
	LifeArea  string
	Stage     string
	NotedOn   string
	Note      string
	CreatedAt time.Time
	CreatedBy int64
}

// StageInput is a stage noted for a life area.
type StageInput struct {
	LifeArea string
	Stage    string
	NotedOn  string // today when empty
	Note     string
}

// NoteStage records where the person is with a life area.
func (s *Store) NoteStage(ctx context.Context, a Actor, personID int64, in StageInput) (StageNote, error) {
	in.LifeArea, in.Stage, in.NotedOn, in.Note = strings.TrimSpace(in.LifeArea), strings.TrimSpace(in.Stage), strings.TrimSpace(in.NotedOn), strings.TrimSpace(in.Note)
	today := s.Today()
	if in.NotedOn == "" {
		in.NotedOn = today
	}
	f := map[string]string{}
	if !contains(LifeAreas, in.LifeArea) {
		f["area"] = "Choose a life area: health, home, purpose or community."
	}
	if !contains(recovery.Stages, in.Stage) {
		f["stage"] = fmt.Sprintf("Choose a stage: %s.", strings.Join(recovery.Stages, ", "))
	}
	checkPastDate(f, "noted_on", in.NotedOn, today, "this was talked about")
	checkText(f, "note", in.Note, 2000, "")
	if err := core.Invalid(f); err != nil {
		return StageNote{}, err
	}
	n := StageNote{PersonID: personID, LifeArea: in.LifeArea, Stage: in.Stage, NotedOn: in.NotedOn, Note: in.Note, CreatedAt: s.now(), CreatedBy: a.UserID}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.visiblePerson(ctx, tx, a, personID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO stage_notes (org_id, person_id, life_area, stage, noted_on, note, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, a.OrgID, personID, n.LifeArea, n.Stage, n.NotedOn, n.Note, ms(n.CreatedAt), a.UserID).Scan(&n.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, audit.ActionCreate, "stage_note", n.ID, "person "+idString(personID)+"; "+n.LifeArea)
	})
	return n, err
}

// Stages is a person's stages of change: the current stage per life area
// (in LifeAreas order; absent areas have none yet) and the history, newest
// first.
type Stages struct {
	Current map[string]StageNote
	History []StageNote
}

// MaxStageHistory is how many notes a person's history shows.
const MaxStageHistory = 200

func (s *Store) stagesOf(ctx context.Context, q querier, orgID, personID int64) (Stages, error) {
	rows, err := q.QueryContext(ctx, fmt.Sprintf(`SELECT id, person_id, life_area, stage, noted_on, note, created_at, created_by FROM stage_notes
		WHERE org_id = $1 AND person_id = $2 ORDER BY noted_on DESC, id DESC LIMIT %d`, MaxStageHistory), orgID, personID)
	if err != nil {
		return Stages{}, err
	}
	defer rows.Close()
	st := Stages{Current: map[string]StageNote{}}
	for rows.Next() {
		var n StageNote
		var created int64
		if err := rows.Scan(&n.ID, &n.PersonID, &n.LifeArea, &n.Stage, &n.NotedOn, &n.Note, &created, &n.CreatedBy); err != nil {
			return Stages{}, err
		}
		n.CreatedAt = fromMS(created)
		if _, ok := st.Current[n.LifeArea]; !ok {
			st.Current[n.LifeArea] = n
		}
		st.History = append(st.History, n)
	}
	return st, rows.Err()
}

// StagesOfChange returns a person's stages of change, and audits the read.
func (s *Store) StagesOfChange(ctx context.Context, a Actor, personID int64) (Stages, error) {
	if err := s.visiblePerson(ctx, s.rdb, a, personID); err != nil {
		return Stages{}, err
	}
	st, err := s.stagesOf(ctx, s.rdb, a.OrgID, personID)
	if err != nil {
		return st, err
	}
	return st, s.recordRead(ctx, a, "person", personID, "stages of change")
}
