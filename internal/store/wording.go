package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/core"
	"peerpath/internal/language"
)

// An organisation's own entries for the wording helper. They are merged
// over the shipped list (language.Merge): an entry with a shipped entry's id
// replaces it, a disabled one switches it off, any other is added.

// WordingEntry is one of an organisation's entries.
type WordingEntry struct {
	language.Entry
	UpdatedAt     time.Time
	UpdatedByName string
}

// WordingEntries lists the organisation's own entries, by id.
func (s *Store) WordingEntries(ctx context.Context, orgID int64) ([]WordingEntry, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT w.entry, w.updated_at, COALESCE(u.name, '') FROM wording_entries w
		LEFT JOIN users u ON u.id = w.updated_by WHERE w.org_id = $1 ORDER BY w.entry_id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []WordingEntry
	for rows.Next() {
		var raw string
		var at int64
		var e WordingEntry
		if err := rows.Scan(&raw, &at, &e.UpdatedByName); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(raw), &e.Entry); err != nil {
			return nil, fmt.Errorf("wording entry of organisation %d: %w", orgID, err)
		}
		e.UpdatedAt = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// OrgWordingList is the list the wording helper uses for an organisation:
// the shipped list with the organisation's entries merged over it.
func (s *Store) OrgWordingList(ctx context.Context, orgID int64) (*language.List, error) {
	own, err := s.WordingEntries(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if len(own) == 0 {
		return language.Default(), nil
	}
	entries := make([]language.Entry, len(own))
	for i, e := range own {
		entries[i] = e.Entry
	}
	return language.NewList(language.Merge(language.Default().Entries(), entries))
}

// SaveWordingEntry adds or replaces one of the organisation's entries. The
// whole merged list is checked before saving, so an entry that would clash
// with another (the same words in two entries) is refused with a message.
func (s *Store) SaveWordingEntry(ctx context.Context, a Actor, e language.Entry) error {
	if !a.MayChangeOrgSettings() {
		return core.Forbidden("Only an administrator changes the organisation's word list.")
	}
	e.ID = strings.TrimSpace(e.ID)
	own, err := s.WordingEntries(ctx, a.OrgID)
	if err != nil {
		return err
	}
	entries := []language.Entry{}
	for _, o := range own {
		if o.ID != e.ID {
			entries = append(entries, o.Entry)
		}
	}
	entries = append(entries, e)
	if _, err := language.NewList([]language.Entry{e}); err != nil {
		return wordingFields(err)
	}
	if _, err := language.NewList(language.Merge(language.Default().Entries(), entries)); err != nil {
		return wordingFields(err)
	}
	raw, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		now := ms(s.now())
		res, err := tx.ExecContext(ctx, "UPDATE wording_entries SET entry = $1, updated_at = $2, updated_by = $3 WHERE org_id = $4 AND entry_id = $5",
			string(raw), now, a.UserID, a.OrgID, e.ID)
		if err != nil {
			return err
		}
		action := audit.ActionUpdate
		if n, _ := res.RowsAffected(); n == 0 {
			action = audit.ActionCreate
			if _, err := tx.ExecContext(ctx, "INSERT INTO wording_entries (org_id, entry_id, entry, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)",
				a.OrgID, e.ID, string(raw), now, a.UserID); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, action, "wording_entry", 0, e.ID)
	})
}

// wordingFields turns the language package's errors (keyed by entry id) into
// one message for the form.
func wordingFields(err error) error {
	e, ok := core.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	var parts []string
	for _, v := range e.Fields {
		parts = append(parts, v)
	}
	sort.Strings(parts)
	// No single field is to blame, so the message has no field: the form
	// shows it at the top.
	return &core.Error{Kind: core.KindInvalid, Message: fmt.Sprintf("This entry cannot be used: %s.", strings.Join(parts, "; "))}
}

// RemoveWordingEntry deletes one of the organisation's entries: an added
// entry disappears, a replaced or switched-off shipped entry comes back.
func (s *Store) RemoveWordingEntry(ctx context.Context, a Actor, id string) error {
	if !a.MayChangeOrgSettings() {
		return core.Forbidden("Only an administrator changes the organisation's word list.")
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM wording_entries WHERE org_id = $1 AND entry_id = $2", a.OrgID, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return core.NotFound("The organisation's entry")
		}
		return s.record(ctx, tx, a, audit.ActionDelete, "wording_entry", 0, id)
	})
}
