package store

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
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
		s.noteChange(tx, a, action)
	}
	if b := importBatchFrom(ctx); b != 0 && action == audit.ActionCreate && recordType != "import_batch" {
		detail = strings.TrimPrefix(detail+"; imported: batch "+idString(b), "; ") // imports.go
	}
	return s.appendAudit(ctx, tx, audit.Entry{OrgID: a.OrgID, UserID: a.UserID, IP: a.IP, Action: action, RecordType: recordType, RecordID: rid, Detail: detail})
}

// recordRead audits the read of a record about a person. The entry goes to
// the audit writer, which appends it with other reads in one short
// transaction per batch; recordRead returns once the entry is committed, so
// a response never leaves before its read is on record, but a read never
// opens a write transaction of its own (audit_writer.go). Inside a page view
// (WithPageView) the entry is collected instead, and the page writes one
// entry for everything it showed.
func (s *Store) recordRead(ctx context.Context, a Actor, recordType string, recordID int64, detail string) error {
	rid := ""
	if recordID != 0 {
		rid = idString(recordID)
	}
	e := audit.Entry{At: s.now(), OrgID: a.OrgID, UserID: a.UserID, IP: a.IP, Action: audit.ActionRead, RecordType: recordType, RecordID: rid, Detail: detail}
	if pv := pageViewFrom(ctx); pv != nil && pv.add(e) {
		return nil
	}
	return s.audit.write(ctx, e)
}

// appendAudit writes the audit entry of a change in the change's own
// transaction, so the two commit or fail together.
//
// On SQLite, which has one writer anyway, the entry takes its place in its
// organisation's chain at once. On PostgreSQL it is written *waiting*
// (org_seq -1) with a MAC of its own over its contents and a random nonce,
// and the audit writer gives it its place in the chain just after the
// commit (sealWaiting). So a change never waits for its organisation's head
// row, and changes in one organisation commit side by side instead of one
// fsync after another. A waiting entry cannot be forged or altered without
// the key; what the wait allows, for those few milliseconds, is its
// removal by someone who can write to the database (docs/audit.md).
func (s *Store) appendAudit(ctx context.Context, tx *sql.Tx, e audit.Entry) error {
	e.At = s.now()
	if s.dialect != Postgres {
		_, _, err := s.appendChain(ctx, tx, e.OrgID, []audit.Entry{e})
		return err
	}
	if len(s.keys.AuditMAC) == 0 {
		return errors.New("store: no audit key configured")
	}
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	e.Seq, e.PrevMAC = waitingSeq, waitingMark+hex.EncodeToString(nonce)
	e.MAC = audit.Sum(s.keys.AuditMAC, e)
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (org_seq, at, org_id, user_id, ip, action, record_type, record_id, detail, prev_mac, mac)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		e.Seq, ms(e.At), e.OrgID, e.UserID, e.IP, string(e.Action), e.RecordType, e.RecordID, e.Detail, e.PrevMAC, e.MAC); err != nil {
		return fmt.Errorf("writing the audit log: %w", err)
	}
	org := e.OrgID
	s.afterCommit(tx, func() { s.audit.seal(org) })
	return nil
}

// waitingSeq and waitingMark mark an entry that waits for its place in the
// chain: its org_seq, and the start of its prev_mac (then a nonce).
const (
	waitingSeq  = -1
	waitingMark = "waiting:"
)

// sealWaiting gives the organisation's waiting entries their places in its
// chain after (seq, prev), inside tx, which holds the head row; it returns
// the new end of the chain. An entry whose own MAC does not match its
// contents was changed while it waited: it is left waiting, and audit
// verify reports it.
func (s *Store) sealWaiting(ctx context.Context, tx *sql.Tx, orgID, seq int64, prev string) (int64, string, error) {
	const batch = 1000
	for {
		rows, err := tx.QueryContext(ctx, `SELECT seq, at, org_id, user_id, ip, action, record_type, record_id, detail, prev_mac, mac
			FROM audit_log WHERE org_id = $1 AND org_seq < 0 ORDER BY seq LIMIT $2`, orgID, batch)
		if err != nil {
			return 0, "", err
		}
		type placed struct {
			row int64
			e   audit.Entry
		}
		var ps []placed
		n := 0
		for rows.Next() {
			n++
			var row int64
			e, err := scanEntryAt(rows, &row)
			if err != nil {
				rows.Close()
				return 0, "", err
			}
			e.Seq = waitingSeq
			if !hmac.Equal([]byte(audit.Sum(s.keys.AuditMAC, e)), []byte(e.MAC)) {
				continue
			}
			seq++
			e.Seq = seq
			audit.Seal(s.keys.AuditMAC, &e, prev)
			prev = e.MAC
			ps = append(ps, placed{row, e})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, "", err
		}
		if len(ps) > 0 {
			var q strings.Builder
			q.WriteString("UPDATE audit_log AS a SET org_seq = v.org_seq, prev_mac = v.prev_mac, mac = v.mac FROM (VALUES ")
			args := make([]any, 0, 4*len(ps))
			for i, p := range ps {
				if i > 0 {
					q.WriteString(", ")
				}
				k := len(args)
				fmt.Fprintf(&q, "($%d::bigint, $%d::bigint, $%d::text, $%d::text)", k+1, k+2, k+3, k+4)
				args = append(args, p.row, p.e.Seq, p.e.PrevMAC, p.e.MAC)
			}
			q.WriteString(") AS v(seq, org_seq, prev_mac, mac) WHERE a.seq = v.seq AND a.org_seq < 0")
			if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
				return 0, "", fmt.Errorf("placing audit entries in the chain: %w", err)
			}
		}
		if n < batch || len(ps) == 0 {
			return seq, prev, nil
		}
	}
}

// scanEntryAt scans an audit_log row (seq, at, org_id, …, mac) into an
// entry, and its row number into row.
func scanEntryAt(rows interface{ Scan(...any) error }, row *int64) (audit.Entry, error) {
	var e audit.Entry
	var at int64
	var action string
	if err := rows.Scan(row, &at, &e.OrgID, &e.UserID, &e.IP, &action, &e.RecordType, &e.RecordID, &e.Detail, &e.PrevMAC, &e.MAC); err != nil {
		return e, err
	}
	e.At, e.Action = fromMS(at), audit.Action(action)
	return e, nil
}

// appendChain appends entries, all of organisation orgID, to that
// organisation's chain inside tx. It holds the organisation's head row until
// tx ends: on PostgreSQL the row lock makes every writer of this chain (in
// this process or another) take turns, while other organisations' chains go
// on; SQLite has one writer anyway. The entries' MACs are chained in memory
// and the rows are written with one statement. It returns the chain's new
// end (its last position and MAC).
func (s *Store) appendChain(ctx context.Context, tx *sql.Tx, orgID int64, es []audit.Entry) (int64, string, error) {
	if len(s.keys.AuditMAC) == 0 {
		return 0, "", errors.New("store: no audit key configured")
	}
	seq, prev, err := s.lockAuditHead(ctx, tx, orgID)
	if err != nil {
		return 0, "", err
	}
	if s.dialect == Postgres {
		// Whoever holds the head first places the changes' waiting entries.
		if seq, prev, err = s.sealWaiting(ctx, tx, orgID, seq, prev); err != nil {
			return 0, "", err
		}
	}
	if len(es) == 0 {
		return seq, prev, s.moveAuditHead(ctx, tx, orgID, seq, prev)
	}
	var q strings.Builder
	q.WriteString("INSERT INTO audit_log (org_seq, at, org_id, user_id, ip, action, record_type, record_id, detail, prev_mac, mac) VALUES ")
	args, seq, prev := s.chainRows(&q, make([]any, 0, 11*len(es)), orgID, seq, prev, es, false)
	if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
		return 0, "", fmt.Errorf("writing the audit log: %w", err)
	}
	return seq, prev, s.moveAuditHead(ctx, tx, orgID, seq, prev)
}

// auditColumnTypes are audit_log's columns as chainRows writes them, for a
// VALUES list PostgreSQL cannot type from an INSERT's target.
var auditColumnTypes = [11]string{"bigint", "bigint", "bigint", "bigint", "text", "text", "text", "text", "text", "text", "text"}

// chainRows gives es their places in organisation orgID's chain after
// position seq and MAC prev, sealing each, and writes them into q as the
// rows of a VALUES list (org_seq, at, org_id, user_id, ip, action,
// record_type, record_id, detail, prev_mac, mac), their arguments appended
// to args; cast adds each column's type. It returns args and the chain's
// new end.
func (s *Store) chainRows(q *strings.Builder, args []any, orgID, seq int64, prev string, es []audit.Entry, cast bool) ([]any, int64, string) {
	for i := range es {
		e := &es[i]
		seq++
		e.Seq, e.OrgID = seq, orgID
		audit.Seal(s.keys.AuditMAC, e, prev)
		prev = e.MAC
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(")
		for j, typ := range auditColumnTypes {
			if j > 0 {
				q.WriteString(", ")
			}
			fmt.Fprintf(q, "$%d", len(args)+j+1)
			if cast {
				q.WriteString("::" + typ)
			}
		}
		q.WriteString(")")
		args = append(args, e.Seq, ms(e.At), e.OrgID, e.UserID, e.IP, string(e.Action), e.RecordType, e.RecordID, e.Detail, e.PrevMAC, e.MAC)
	}
	return args, seq, prev
}

// moveAuditHead records the chain's new end in its head row.
func (s *Store) moveAuditHead(ctx context.Context, tx *sql.Tx, orgID, seq int64, prev string) error {
	_, err := tx.ExecContext(ctx, "UPDATE audit_head SET seq = $1, mac = $2, head_mac = $3 WHERE org_id = $4",
		seq, prev, audit.OrgHeadSum(s.keys.AuditMAC, orgID, seq, prev), orgID)
	return err
}

// lockAuditHead reads (creating it the first time) an organisation's chain
// head and locks it until tx ends.
func (s *Store) lockAuditHead(ctx context.Context, tx *sql.Tx, orgID int64) (seq int64, mac string, err error) {
	q := "SELECT seq, mac FROM audit_head WHERE org_id = $1" + s.forUpdate()
	err = tx.QueryRowContext(ctx, q, orgID).Scan(&seq, &mac)
	if errors.Is(err, sql.ErrNoRows) {
		// The first entry of this chain. Two processes may get here at once:
		// the second insert waits for the first and then does nothing, and
		// both go on to lock the one row.
		if _, err := tx.ExecContext(ctx, "INSERT INTO audit_head (org_id, seq, mac, head_mac) VALUES ($1, 0, '', '') ON CONFLICT (org_id) DO NOTHING", orgID); err != nil {
			return 0, "", fmt.Errorf("starting an audit chain: %w", err)
		}
		err = tx.QueryRowContext(ctx, q, orgID).Scan(&seq, &mac)
	}
	if err != nil {
		return 0, "", fmt.Errorf("reading the audit head: %w", err)
	}
	return seq, mac, nil
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
