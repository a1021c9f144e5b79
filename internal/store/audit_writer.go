package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"peerpath/internal/audit"
)

// The audit writer takes the entries of audited reads off the readers'
// critical path. A read hands its entry over and waits until it is
// committed (so a response never leaves before its read is on record), but
// it opens no write transaction of its own and never queues on a lock that
// other readers hold for their own transactions:
//
//   - Entries wait in a queue per lane. While a lane's batch is being
//     written, new entries gather behind it and go together in the next
//     batch: one short transaction per batch, the MACs chained in memory,
//     the rows written by one statement per organisation (group commit).
//   - On PostgreSQL a lane is an organisation, and each batch transaction
//     holds only that organisation's head row, so a reader waits for its
//     own organisation's batch and never for another's. Several peerpath
//     processes on one database stay correct because every writer of a
//     chain (a batch, or a change with its entry) locks the chain's head row
//     with SELECT … FOR UPDATE first, and the unique index on
//     (org_id, org_seq) would refuse a fork even if that were bypassed.
//   - On SQLite there is one writer connection and no row locks: a single
//     lane writes every organisation's waiting entries in one transaction,
//     so one fsync serves them all.

// auditBatchMax bounds a batch, keeping its transaction short.
const auditBatchMax = 512

// auditBatchLanes bounds how many PostgreSQL batch transactions run at once,
// leaving the rest of the connection pool to requests.
const auditBatchLanes = 6

// auditBatchTimeout bounds one batch transaction.
const auditBatchTimeout = 30 * time.Second

// errAuditClosed is returned for a read audited after the store was closed.
var errAuditClosed = errors.New("store: the audit writer is closed")

type pendingRead struct {
	e    audit.Entry
	done chan error // buffered: the writer never blocks on a reader that gave up
}

type auditWriter struct {
	s      *Store
	mu     sync.Mutex
	queue  map[int64][]*pendingRead // by lane
	seals  map[int64]bool           // organisations whose changes' entries wait for their place (PostgreSQL)
	busy   map[int64]bool           // lanes with a goroutine writing
	closed bool
	wg     sync.WaitGroup
	slots  chan struct{}

	batches atomic.Int64 // batch transactions committed, for tests
	atHead  atomic.Int64 // of which written at the remembered head in one statement (PostgreSQL)

	// heads remembers where this process last left each organisation's
	// chain (PostgreSQL), so the next batch of reads can be appended in one
	// statement if nobody moved it since (appendAtHead).
	heads map[int64]auditHead
}

type auditHead struct {
	seq int64
	mac string
}

func newAuditWriter(s *Store) *auditWriter {
	return &auditWriter{s: s, queue: map[int64][]*pendingRead{}, seals: map[int64]bool{}, busy: map[int64]bool{}, slots: make(chan struct{}, auditBatchLanes),
		heads: map[int64]auditHead{}}
}

func (w *auditWriter) lane(orgID int64) int64 {
	if w.s.dialect == Postgres {
		return orgID
	}
	return 0
}

// write appends es to their organisations' chains, batched with other
// reads, and returns once all are committed (or ctx ends: the entries are
// then still written, but the caller stops waiting).
func (w *auditWriter) write(ctx context.Context, es ...audit.Entry) error {
	if len(w.s.keys.AuditMAC) == 0 {
		return errors.New("store: no audit key configured")
	}
	ps := make([]*pendingRead, len(es))
	var start []int64
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return errAuditClosed
	}
	for i, e := range es {
		ps[i] = &pendingRead{e: e, done: make(chan error, 1)}
		lane := w.lane(e.OrgID)
		w.queue[lane] = append(w.queue[lane], ps[i])
		if !w.busy[lane] {
			w.busy[lane] = true
			w.wg.Add(1)
			start = append(start, lane)
		}
	}
	w.mu.Unlock()
	for _, lane := range start {
		go w.run(lane)
	}
	var errs []error
	for _, p := range ps {
		select {
		case err := <-p.done:
			errs = append(errs, err)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return errors.Join(errs...)
}

// seal asks for the waiting entries of organisation orgID's changes to be
// placed in its chain, soon and without waiting for it: a change's commit
// calls it. It rides with the next batch of reads of that organisation, or
// makes a batch of its own.
func (w *auditWriter) seal(orgID int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return // the next process to hold the head places them
	}
	w.seals[orgID] = true
	lane := w.lane(orgID)
	if !w.busy[lane] {
		w.busy[lane] = true
		w.wg.Add(1)
		go w.run(lane)
	}
}

// run writes a lane's batches until its queue is empty and nothing waits
// to be placed.
func (w *auditWriter) run(lane int64) {
	defer w.wg.Done()
	for {
		w.mu.Lock()
		batch := w.queue[lane]
		var seal []int64
		for org := range w.seals {
			if w.lane(org) == lane {
				seal = append(seal, org)
				delete(w.seals, org)
			}
		}
		if len(batch) == 0 && len(seal) == 0 {
			delete(w.queue, lane)
			delete(w.busy, lane)
			w.mu.Unlock()
			return
		}
		if len(batch) > auditBatchMax {
			w.queue[lane] = batch[auditBatchMax:]
			batch = batch[:auditBatchMax:auditBatchMax]
		} else {
			w.queue[lane] = nil
		}
		w.mu.Unlock()
		w.slots <- struct{}{}
		err := w.s.writeBatch(batch, seal...)
		<-w.slots
		if err == nil {
			w.batches.Add(1)
		}
		for _, p := range batch {
			p.done <- err
		}
	}
}

// close stops taking entries and waits for the batches in flight.
func (w *auditWriter) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	w.wg.Wait()
}

// writeBatch appends a batch in one transaction, organisation by
// organisation in id order (so that two processes' batches on SQLite-like
// databases can never wait for each other in a circle). The organisations
// in seal have waiting entries to place even without reads of their own.
func (s *Store) writeBatch(batch []*pendingRead, seal ...int64) error {
	ctx, cancel := context.WithTimeout(context.Background(), auditBatchTimeout)
	defer cancel()
	byOrg := map[int64][]audit.Entry{}
	orgs := slices.Clone(seal)
	for _, p := range batch {
		if _, ok := byOrg[p.e.OrgID]; !ok {
			orgs = append(orgs, p.e.OrgID)
		}
		byOrg[p.e.OrgID] = append(byOrg[p.e.OrgID], p.e)
	}
	slices.Sort(orgs)
	orgs = slices.Compact(orgs)
	if s.dialect == Postgres && len(seal) == 0 && len(orgs) == 1 {
		done, err := s.appendAtHead(ctx, orgs[0], byOrg[orgs[0]])
		if err != nil || done {
			return err
		}
	}
	heads := map[int64]auditHead{}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, org := range orgs {
			seq, mac, err := s.appendChain(ctx, tx, org, byOrg[org])
			if err != nil {
				return err
			}
			heads[org] = auditHead{seq, mac}
		}
		return nil
	})
	if err == nil && s.dialect == Postgres {
		s.audit.mu.Lock()
		for org, h := range heads {
			s.audit.heads[org] = h
		}
		s.audit.mu.Unlock()
	}
	return err
}

// appendAtHead (PostgreSQL) appends a batch of one organisation's reads in
// a single statement, with no transaction of its own: from where this
// process last left the chain, it moves the head row only if the head is
// still there (compare and set) and inserts the entries in the same
// statement, so both happen or neither, and the statement's commit makes
// them durable. That is one round trip where the locking path takes six
// (begin, lock the head, look for waiting entries, insert, move the head,
// commit): a read's audit entry was most of what peerpath added to a
// one-person read at concurrency 1 (issue 14). When another process, or
// this one placing changes' entries, moved the head, nothing is written and
// done is false: the caller takes the locking path, which reads the head
// again. Changes' waiting entries are placed by the batches their seal
// requests start, which always take the locking path.
func (s *Store) appendAtHead(ctx context.Context, orgID int64, es []audit.Entry) (done bool, err error) {
	w := s.audit
	w.mu.Lock()
	h, ok := w.heads[orgID]
	w.mu.Unlock()
	if !ok || len(es) == 0 {
		return false, nil
	}
	var vals strings.Builder
	args, seq, prev := s.chainRows(&vals, make([]any, 6, 6+11*len(es)), orgID, h.seq, h.mac, es, true)
	args[0], args[1], args[2], args[3], args[4], args[5] = seq, prev, audit.OrgHeadSum(s.keys.AuditMAC, orgID, seq, prev), orgID, h.seq, h.mac
	res, err := s.wdb.ExecContext(ctx, `WITH moved AS (
			UPDATE audit_head SET seq = $1, mac = $2, head_mac = $3 WHERE org_id = $4 AND seq = $5 AND mac = $6 RETURNING org_id)
		INSERT INTO audit_log (org_seq, at, org_id, user_id, ip, action, record_type, record_id, detail, prev_mac, mac)
		SELECT v.org_seq, v.at, v.org_id, v.user_id, v.ip, v.action, v.record_type, v.record_id, v.detail, v.prev_mac, v.mac
		FROM moved, (VALUES `+vals.String()+`) AS v (org_seq, at, org_id, user_id, ip, action, record_type, record_id, detail, prev_mac, mac)`, args...)
	if err != nil {
		return false, fmt.Errorf("writing the audit log: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if n != int64(len(es)) {
		delete(w.heads, orgID) // moved by someone else: the locking path reads it again
		return false, nil
	}
	w.heads[orgID] = auditHead{seq, prev}
	w.atHead.Add(1)
	return true, nil
}

// SealWaitingAudit places every waiting entry of changes in its
// organisation's chain now: entries a process stopped before placing
// (PostgreSQL only; on SQLite nothing ever waits). serve calls it when it
// starts and then every hour; any batch of an organisation's reads does the
// same for that organisation.
func (s *Store) SealWaitingAudit(ctx context.Context) error {
	if s.dialect != Postgres {
		return nil
	}
	rows, err := s.rdb.QueryContext(ctx, "SELECT DISTINCT org_id FROM audit_log WHERE org_seq < 0")
	if err != nil {
		return err
	}
	var orgs []int64
	for rows.Next() {
		var org int64
		if err := rows.Scan(&org); err != nil {
			rows.Close()
			return err
		}
		orgs = append(orgs, org)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(orgs) == 0 {
		return nil
	}
	return s.writeBatch(nil, orgs...)
}
