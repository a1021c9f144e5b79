package store

import (
	"context"
	"crypto/hmac"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"peerpath/internal/audit"
)

// LegacyChain is the OrgID of the report on the single chain that databases
// kept before the chains were split by organisation.
const LegacyChain int64 = -1

// ChainReport is what verification found in one chain.
type ChainReport struct {
	OrgID   int64  // the organisation; 0 for entries with none (failed sign-ins of unknown emails); LegacyChain
	Name    string // the organisation's name, when it has one
	Entries int64  // entries found good in the chain
	Waiting int64  // entries of changes found good, waiting for their place in the chain (PostgreSQL)
	Anchor  *audit.Anchor
	Err     error // nil when the chain is intact
}

// AuditReport is the verification of every chain.
type AuditReport struct {
	Chains []ChainReport
}

// OK reports whether every chain is intact.
func (r AuditReport) OK() bool {
	for _, c := range r.Chains {
		if c.Err != nil {
			return false
		}
	}
	return true
}

// Entries is the number of good entries in all chains.
func (r AuditReport) Entries() int64 {
	var n int64
	for _, c := range r.Chains {
		n += c.Entries + c.Waiting
	}
	return n
}

// FirstError is the first broken chain's error, naming the chain.
func (r AuditReport) FirstError() error {
	for _, c := range r.Chains {
		if c.Err != nil {
			return fmt.Errorf("%s: %w", c.Label(), c.Err)
		}
	}
	return nil
}

// Label names the chain for people.
func (c ChainReport) Label() string {
	switch {
	case c.OrgID == LegacyChain:
		return "entries from before per-organisation chains"
	case c.OrgID == 0:
		return "entries of no organisation"
	case c.Name != "":
		return fmt.Sprintf("organisation %d (%s)", c.OrgID, c.Name)
	}
	return fmt.Sprintf("organisation %d", c.OrgID)
}

// VerifyAudit checks every chain and returns the number of entries when all
// are intact, or an error naming the chain and its first bad entry.
func (s *Store) VerifyAudit(ctx context.Context) (int64, error) {
	r, err := s.VerifyAuditChains(ctx, nil)
	if err != nil {
		return 0, err
	}
	return r.Entries(), r.FirstError()
}

// VerifyAuditChains walks the legacy chain and every organisation's chain.
// anchors are heads written outside the database (audit.ReadAnchors): a
// chain that ends before its last anchor, or whose entry at an anchor is not
// the one anchored, was cut back, for example by restoring an older copy of
// the database. The error is for a database that could not be read; what is
// wrong with a chain is in its report.
func (s *Store) VerifyAuditChains(ctx context.Context, anchors []audit.Anchor) (AuditReport, error) {
	if len(s.keys.AuditMAC) == 0 {
		return AuditReport{}, errors.New("no audit key: give the --data-dir that holds this installation's secret.key")
	}
	var rep AuditReport
	// One snapshot for the whole check: heads, chains and waiting entries
	// as they stood at one moment, however busy the installation is.
	opts := &sql.TxOptions{}
	if s.dialect == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	q, err := s.rdb.BeginTx(ctx, opts)
	if err != nil {
		return rep, err
	}
	defer q.Rollback() //nolint:errcheck // read only
	legacy, err := s.verifyLegacyChain(ctx, q)
	if err != nil {
		return rep, err
	}
	if legacy.Entries > 0 || legacy.Err != nil {
		rep.Chains = append(rep.Chains, legacy)
	}
	heads := map[int64]struct {
		seq       int64
		mac, hmac string
	}{}
	rows, err := q.QueryContext(ctx, "SELECT org_id, seq, mac, head_mac FROM audit_head")
	if err != nil {
		return rep, err
	}
	var orgs []int64
	for rows.Next() {
		var org int64
		var h struct {
			seq       int64
			mac, hmac string
		}
		if err := rows.Scan(&org, &h.seq, &h.mac, &h.hmac); err != nil {
			rows.Close()
			return rep, err
		}
		heads[org] = h
		orgs = append(orgs, org)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, err
	}
	// Chains whose head row is gone still have entries, or an anchor.
	more, err := q.QueryContext(ctx, "SELECT DISTINCT org_id FROM audit_log WHERE org_seq <> 0")
	if err != nil {
		return rep, err
	}
	for more.Next() {
		var org int64
		if err := more.Scan(&org); err != nil {
			more.Close()
			return rep, err
		}
		orgs = append(orgs, org)
	}
	more.Close()
	if err := more.Err(); err != nil {
		return rep, err
	}
	latest := audit.LatestAnchors(anchors)
	for org := range latest {
		orgs = append(orgs, org)
	}
	slices.Sort(orgs)
	orgs = slices.Compact(orgs)
	names, err := s.orgNames(ctx, q)
	if err != nil {
		return rep, err
	}
	for _, org := range orgs {
		c := ChainReport{OrgID: org, Name: names[org]}
		var anchor *audit.Anchor
		if a, ok := latest[org]; ok {
			anchor = &a
			c.Anchor = anchor
		}
		v := audit.NewOrgVerifier(s.keys.AuditMAC, org)
		anchorSeen := false
		const batch = 5000
		var after int64
	walk:
		for {
			// Entries past the head read above were appended since, while
			// the chain was being walked: they are for the next check.
			upTo := int64(math.MaxInt64)
			if h, ok := heads[org]; ok {
				upTo = h.seq
			}
			rows, err := q.QueryContext(ctx, `SELECT org_seq, at, org_id, user_id, ip, action, record_type, record_id, detail, prev_mac, mac
				FROM audit_log WHERE org_id = $1 AND org_seq > $2 AND org_seq <= $4 ORDER BY org_seq LIMIT $3`, org, after, batch, upTo)
			if err != nil {
				return rep, err
			}
			n := 0
			for rows.Next() {
				e, err := scanChainEntry(rows)
				if err != nil {
					rows.Close()
					return rep, err
				}
				n++
				if err := v.Add(e); err != nil {
					c.Err = err
					rows.Close()
					break walk
				}
				if anchor != nil && e.Seq == anchor.Seq {
					anchorSeen = true
					if e.MAC != anchor.MAC {
						c.Err = fmt.Errorf("entry %d: is not the entry anchored on %s (anchor file line %d): the chain was rewritten from an older copy", e.Seq, anchor.At.UTC().Format(time.RFC3339), anchor.Line)
						rows.Close()
						break walk
					}
				}
				after = e.Seq
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return rep, err
			}
			if n < batch {
				break
			}
		}
		c.Entries = v.Count()
		if c.Err == nil {
			h, ok := heads[org]
			switch {
			case !ok && v.Count() > 0:
				c.Err = fmt.Errorf("head: the chain's head row is missing")
			case ok:
				c.Err = v.Finish(h.seq, h.mac, h.hmac)
			}
		}
		if c.Err == nil {
			if c.Waiting, c.Err = s.verifyWaiting(ctx, q, org); c.Err != nil && !errors.Is(c.Err, errWaitingChanged) {
				return rep, c.Err
			}
		}
		if c.Err == nil && anchor != nil && !anchorSeen {
			last, _ := v.Last()
			c.Err = fmt.Errorf("entry %d: the chain ends at entry %d, but on %s it had reached entry %d (anchor file line %d): entries were removed from the end, for example by restoring an older copy of the database",
				last+1, last, anchor.At.UTC().Format(time.RFC3339), anchor.Seq, anchor.Line)
		}
		if ok := heads[org]; c.Err == nil && ok.seq == 0 && v.Count() == 0 && c.Waiting == 0 && anchor == nil {
			continue // a head row made for a chain whose first entry was rolled back
		}
		rep.Chains = append(rep.Chains, c)
	}
	return rep, nil
}

// verifyLegacyChain checks the chain of entries written before the chains
// were split (org_seq = 0) against its frozen head.
func (s *Store) verifyLegacyChain(ctx context.Context, q querier) (ChainReport, error) {
	c := ChainReport{OrgID: LegacyChain}
	var headSeq int64
	var headMAC, headSum string
	if err := q.QueryRowContext(ctx, "SELECT seq, mac, head_mac FROM audit_legacy_head WHERE id = 1").Scan(&headSeq, &headMAC, &headSum); err != nil {
		return c, fmt.Errorf("the legacy audit head: %w", err)
	}
	v := audit.NewVerifier(s.keys.AuditMAC)
	const batch = 5000
	var after int64
	for {
		// audit_legacy (a partial index) holds just these rows.
		rows, err := q.QueryContext(ctx, `SELECT seq, at, org_id, user_id, ip, action, record_type, record_id, detail, prev_mac, mac
			FROM audit_log WHERE org_seq = 0 AND seq > $1 ORDER BY seq LIMIT $2`, after, batch)
		if err != nil {
			return c, err
		}
		n := 0
		for rows.Next() {
			e, err := scanChainEntry(rows)
			if err != nil {
				rows.Close()
				return c, err
			}
			n++
			if err := v.Add(e); err != nil {
				rows.Close()
				c.Entries, c.Err = v.Count(), err
				return c, nil
			}
			after = e.Seq
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return c, err
		}
		if n < batch {
			break
		}
	}
	c.Entries = v.Count()
	if headSeq == 0 && v.Count() == 0 && headSum == "" {
		return c, nil // nothing was written before the upgrade
	}
	c.Err = v.Finish(headSeq, headMAC, headSum)
	return c, nil
}

// scanChainEntry scans the columns both chain walks select.
func scanChainEntry(rows interface{ Scan(...any) error }) (audit.Entry, error) {
	var e audit.Entry
	var at int64
	var action string
	if err := rows.Scan(&e.Seq, &at, &e.OrgID, &e.UserID, &e.IP, &action, &e.RecordType, &e.RecordID, &e.Detail, &e.PrevMAC, &e.MAC); err != nil {
		return e, err
	}
	e.At, e.Action = fromMS(at), audit.Action(action)
	return e, nil
}

// orgNames maps every organisation's id to its name.
func (s *Store) orgNames(ctx context.Context, q querier) (map[int64]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, name FROM organisations")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, rows.Err()
}

// AuditHeads returns every organisation's chain head now, to be anchored
// outside the database (audit.AppendAnchors).
func (s *Store) AuditHeads(ctx context.Context) ([]audit.Anchor, error) {
	rows, err := s.rdb.QueryContext(ctx, "SELECT org_id, seq, mac FROM audit_head WHERE seq > 0 ORDER BY org_id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := s.now()
	var out []audit.Anchor
	for rows.Next() {
		a := audit.Anchor{At: now}
		if err := rows.Scan(&a.OrgID, &a.Seq, &a.MAC); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// errWaitingChanged marks a waiting entry whose MAC does not match it.
var errWaitingChanged = errors.New("changed while it waited")

// verifyWaiting checks, one by one, the organisation's entries that wait
// for their place in the chain, and counts them.
func (s *Store) verifyWaiting(ctx context.Context, q querier, org int64) (int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, at, org_id, user_id, ip, action, record_type, record_id, detail, prev_mac, mac
		FROM audit_log WHERE org_id = $1 AND org_seq < 0 ORDER BY seq`, org)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		var row int64
		e, err := scanEntryAt(rows, &row)
		if err != nil {
			return n, err
		}
		e.Seq = waitingSeq
		if !strings.HasPrefix(e.PrevMAC, waitingMark) || !hmac.Equal([]byte(audit.Sum(s.keys.AuditMAC, e)), []byte(e.MAC)) {
			return n, fmt.Errorf("log row %d, written by a change and waiting for its place in the chain, does not match its MAC: %w (or the key is not this installation's)", row, errWaitingChanged)
		}
		n++
	}
	return n, rows.Err()
}
