package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"peerpath/internal/audit"
)

// record appends an entry to the audit log inside tx. Every create, update and
// delete calls it in the same transaction as the change, so a change and its
// audit entry commit or fail together.
func (s *Store) record(ctx context.Context, tx *sql.Tx, a Actor, action audit.Action, recordType string, recordID int64, detail string) error {
	rid := ""
	if recordID != 0 {
		rid = idString(recordID)
	}
	if action != audit.ActionRead {
		s.authChanged(tx, a, recordType, recordID)
	}
	return s.appendAudit(ctx, tx, audit.Entry{OrgID: a.OrgID, UserID: a.UserID, IP: a.IP, Action: action, RecordType: recordType, RecordID: rid, Detail: detail})
}

// recordRead audits the read of a record about a person, in its own
// transaction (reads have no other write to ride along with).
func (s *Store) recordRead(ctx context.Context, a Actor, recordType string, recordID int64, detail string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		return s.record(ctx, tx, a, audit.ActionRead, recordType, recordID, detail)
	})
}

func (s *Store) appendAudit(ctx context.Context, tx *sql.Tx, e audit.Entry) error {
	if len(s.keys.AuditMAC) == 0 {
		return errors.New("store: no audit key configured")
	}
	var seq int64
	var prev string
	// The head row serialises appends: on PostgreSQL the row lock makes
	// concurrent writers take turns; SQLite has one writer anyway.
	if err := tx.QueryRowContext(ctx, "SELECT seq, mac FROM audit_head WHERE id = 1"+s.forUpdate()).Scan(&seq, &prev); err != nil {
		return fmt.Errorf("reading the audit head: %w", err)
	}
	e.Seq = seq + 1
	e.At = s.now()
	audit.Seal(s.keys.AuditMAC, &e, prev)
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (seq, at, org_id, user_id, ip, action, record_type, record_id, detail, prev_mac, mac)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		e.Seq, ms(e.At), e.OrgID, e.UserID, e.IP, string(e.Action), e.RecordType, e.RecordID, e.Detail, e.PrevMAC, e.MAC); err != nil {
		return fmt.Errorf("writing the audit log: %w", err)
	}
	_, err := tx.ExecContext(ctx, "UPDATE audit_head SET seq = $1, mac = $2, head_mac = $3 WHERE id = 1",
		e.Seq, e.MAC, audit.HeadSum(s.keys.AuditMAC, e.Seq, e.MAC))
	return err
}

// AuditEntry is an audit log line as the admin page shows it.
type AuditEntry struct {
	audit.Entry
	UserName string // empty for the system or an unknown user
}

// AuditFilter narrows the audit log.
type AuditFilter struct {
	UserID     int64
	RecordType string
	RecordID   string
	From, To   time.Time // To is exclusive
}

// ListAudit lists the organisation's audit entries, newest first.
func (s *Store) ListAudit(ctx context.Context, orgID int64, f AuditFilter, p Page) (List[AuditEntry], error) {
	var before int64
	if _, err := decodeCursor(p.Cursor, &before); err != nil {
		return List[AuditEntry]{}, err
	}
	q := `SELECT a.seq, a.at, a.org_id, a.user_id, a.ip, a.action, a.record_type, a.record_id, a.detail, COALESCE(u.name, '')
		FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
		WHERE a.org_id = $1`
	args := []any{orgID}
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	if before > 0 {
		add("a.seq < $%d", before)
	}
	if f.UserID != 0 {
		add("a.user_id = $%d", f.UserID)
	}
	if f.RecordType != "" {
		add("a.record_type = $%d", f.RecordType)
	}
	if f.RecordID != "" {
		add("a.record_id = $%d", f.RecordID)
	}
	if !f.From.IsZero() {
		add("a.at >= $%d", ms(f.From))
	}
	if !f.To.IsZero() {
		add("a.at < $%d", ms(f.To))
	}
	limit := p.limit()
	q += fmt.Sprintf(" ORDER BY a.seq DESC LIMIT %d", limit+1)
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return List[AuditEntry]{}, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		var action string
		if err := rows.Scan(&e.Seq, &at, &e.OrgID, &e.UserID, &e.IP, &action, &e.RecordType, &e.RecordID, &e.Detail, &e.UserName); err != nil {
			return List[AuditEntry]{}, err
		}
		e.At, e.Action = fromMS(at), audit.Action(action)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return List[AuditEntry]{}, err
	}
	out, more := trim(out, limit)
	res := List[AuditEntry]{Items: out}
	if more {
		res.Next = encodeCursor(out[len(out)-1].Seq)
	}
	return res, nil
}

// VerifyAudit walks the whole audit chain and returns the number of entries
// when it is intact, or an error naming the first bad entry.
func (s *Store) VerifyAudit(ctx context.Context) (int64, error) {
	if len(s.keys.AuditMAC) == 0 {
		return 0, errors.New("no audit key: give the --data-dir that holds this installation's secret.key")
	}
	v := audit.NewVerifier(s.keys.AuditMAC)
	const batch = 5000
	var after int64
	for {
		rows, err := s.rdb.QueryContext(ctx, `SELECT seq, at, org_id, user_id, ip, action, record_type, record_id, detail, prev_mac, mac
			FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`, after, batch)
		if err != nil {
			return 0, err
		}
		n := 0
		for rows.Next() {
			var e audit.Entry
			var at int64
			var action string
			if err := rows.Scan(&e.Seq, &at, &e.OrgID, &e.UserID, &e.IP, &action, &e.RecordType, &e.RecordID, &e.Detail, &e.PrevMAC, &e.MAC); err != nil {
				rows.Close()
				return 0, err
			}
			e.At, e.Action = fromMS(at), audit.Action(action)
			if err := v.Add(e); err != nil {
				rows.Close()
				return v.Count(), err
			}
			after = e.Seq
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, err
		}
		if n < batch {
			break
		}
	}
	var headSeq int64
	var headMAC, headSum string
	if err := s.rdb.QueryRowContext(ctx, "SELECT seq, mac, head_mac FROM audit_head WHERE id = 1").Scan(&headSeq, &headMAC, &headSum); err != nil {
		return 0, fmt.Errorf("head: %w", err)
	}
	if headSeq == 0 && v.Count() == 0 && headSum == "" {
		return 0, nil // a new installation: nothing written yet
	}
	return v.Count(), v.Finish(headSeq, headMAC, headSum)
}
