package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"peerpath/internal/audit"
)

// A PostgreSQL streaming replica for reports and exports (issue 19).
//
// The one way in is staleOK(a): a report or an export that can live with
// data a few seconds old reads through it. It answers with the replica when
// all of these hold, and with the primary otherwise:
//
//   - a replica is configured (UseReplica) and its last check found it a
//     standby of this primary, answering;
//   - the replica holds every change committed more than MaxLag ago: it is
//     "fresh up to" a time no older than MaxLag;
//   - the actor's own last change (create, update, delete) committed before
//     the time the replica is fresh up to, so what a worker just changed is
//     always read from the primary.
//
// Lag is measured by WAL position, not by replay timestamps (which grow on
// an idle primary): each check (CheckReplica, every second while serving)
// notes the time and then the primary's pg_current_wal_lsn(), and reads the
// replica's pg_last_wal_replay_lsn(). The replica is fresh up to the time of
// the latest note whose position it has replayed: every commit finished
// before that time is on it. Its lag is how long ago that was (0 when it
// has replayed all the primary had written). All of this is process memory;
// several peerpath processes each keep their own.

// DefaultReplicaMaxLag is how far behind the replica may be and still
// answer reports.
const DefaultReplicaMaxLag = 10 * time.Second

// replica is the standby and what the checks know of it.
type replica struct {
	db     *sql.DB
	dsn    string
	maxLag time.Duration

	mu      sync.Mutex
	notes   []walNote           // the primary's WAL position over time, oldest first
	freshTo time.Time           // every commit finished before this is on the replica
	lag     time.Duration       // at the last check
	problem string              // why the last check found it unusable; "" if none
	checked time.Time           // when it last checked
	wrote   map[int64]time.Time // user id → when their last change committed
}

type walNote struct {
	at  time.Time
	lsn uint64
}

// ReplicaStatus is what /healthz says about the replica.
type ReplicaStatus struct {
	Configured bool          // a replica was given
	InUse      bool          // reports read from it now
	Lag        time.Duration // how far behind it was at the last check
	Problem    string        // why reports read from the primary instead; "" when in use
}

// UseReplica sends staleness-tolerant reads to the PostgreSQL standby at
// dsn. It refuses a database that is not a standby, or a standby of
// another cluster than this store's (their system identifiers differ).
// Call it once, before serving; CheckReplica then keeps its state.
func (s *Store) UseReplica(ctx context.Context, dsn string, maxLag time.Duration) error {
	if s.dialect != Postgres || !IsPostgres(dsn) {
		return errors.New("a replica needs PostgreSQL: --db and --db-replica must both be postgres:// URLs")
	}
	if maxLag <= 0 {
		maxLag = DefaultReplicaMaxLag
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(10)
	db.SetMaxIdleConns(5)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := checkStandby(ctx, s.wdb, db); err != nil {
		db.Close()
		return err
	}
	r := &replica{db: db, dsn: dsn, maxLag: maxLag, wrote: map[int64]time.Time{}}
	s.replica.Store(r)
	s.CheckReplica(ctx)
	return nil
}

// checkStandby refuses a replica that is not a standby of primary.
func checkStandby(ctx context.Context, primary, standby *sql.DB) error {
	var inRecovery bool
	var standbyID, primaryID string
	if err := standby.QueryRowContext(ctx, "SELECT pg_is_in_recovery(), (SELECT system_identifier::text FROM pg_control_system())").Scan(&inRecovery, &standbyID); err != nil {
		return fmt.Errorf("the replica does not answer: %w", err)
	}
	if err := primary.QueryRowContext(ctx, "SELECT system_identifier::text FROM pg_control_system()").Scan(&primaryID); err != nil {
		return fmt.Errorf("reading the primary's system identifier: %w", err)
	}
	return standbyProblem(inRecovery, primaryID, standbyID)
}

// standbyProblem says why a database is not a standby of the primary.
func standbyProblem(inRecovery bool, primaryID, standbyID string) error {
	if primaryID != standbyID {
		return fmt.Errorf("the replica is not a copy of this primary: its system identifier is %s, the primary's %s. Give --db-replica a standby made from this primary (pg_basebackup -R)", standbyID, primaryID)
	}
	if !inRecovery {
		return errors.New("the replica is not a standby (pg_is_in_recovery() is false): it is a primary itself, or a promoted standby. Give --db-replica a streaming standby of --db")
	}
	return nil
}

// CheckReplica measures the replica's lag once (see the package comment
// above) and returns its status. serve calls it every second.
func (s *Store) CheckReplica(ctx context.Context) ReplicaStatus {
	r := s.replica.Load()
	if r == nil {
		return ReplicaStatus{}
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	at := time.Now()
	var plsn, rlsn sql.NullString
	var inRecovery bool
	problem := ""
	if err := s.wdb.QueryRowContext(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&plsn); err != nil {
		problem = "the primary's WAL position cannot be read"
	} else if err := r.db.QueryRowContext(ctx, "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text").Scan(&inRecovery, &rlsn); err != nil {
		problem = "the replica does not answer"
	} else if !inRecovery {
		problem = "the replica is no longer a standby (promoted?)"
	}
	p, perr := parseLSN(plsn.String)
	replayed, rerr := parseLSN(rlsn.String)
	if problem == "" && (perr != nil || rerr != nil) {
		problem = "the replica has not replayed any WAL yet"
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	r.checked = at
	if problem == "" {
		r.notes = append(r.notes, walNote{at: at, lsn: p})
		// The latest note the replica has replayed: everything committed
		// before it is there. Older notes are no longer needed.
		i := -1
		for j, n := range r.notes {
			if n.lsn <= replayed {
				i = j
			}
		}
		if i >= 0 {
			if r.notes[i].at.After(r.freshTo) {
				r.freshTo = r.notes[i].at
			}
			r.notes = r.notes[i:]
		}
		if max := 4 * int(r.maxLag/time.Second+10); len(r.notes) > max {
			r.notes = r.notes[len(r.notes)-max:] // stuck for long: keep the newest
		}
		r.lag = 0
		if replayed < p && !r.freshTo.IsZero() {
			r.lag = at.Sub(r.freshTo)
		}
		for id, t := range r.wrote {
			if t.Before(r.freshTo) {
				delete(r.wrote, id)
			}
		}
	}
	r.problem = problem
	return r.statusLocked(time.Now())
}

// statusLocked is the replica's status at now; r.mu is held.
func (r *replica) statusLocked(now time.Time) ReplicaStatus {
	st := ReplicaStatus{Configured: true, Lag: r.lag, Problem: r.problem}
	if st.Problem == "" && r.freshTo.IsZero() {
		st.Problem = "the replica has not caught up with the primary since peerpath started"
	}
	if st.Problem == "" {
		if behind := now.Sub(r.freshTo); behind > r.maxLag {
			st.Lag = max(st.Lag, behind)
			st.Problem = fmt.Sprintf("the replica is %s behind, more than the limit of %s", roundLag(st.Lag), r.maxLag)
		}
	}
	st.InUse = st.Problem == ""
	return st
}

func roundLag(d time.Duration) time.Duration {
	if d > time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// ReplicaStatus is the replica's status now, from the last check.
func (s *Store) ReplicaStatus() ReplicaStatus {
	r := s.replica.Load()
	if r == nil {
		return ReplicaStatus{}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.statusLocked(time.Now())
}

// staleOK is where a report or an export reads: the replica when it is
// usable and holds the actor's own latest change, else the primary. Use it
// only outside transactions, for reads that may be a few seconds (at most
// the replica's MaxLag) old, and never for a record the actor is about to
// change.
func (s *Store) staleOK(a Actor) querier {
	r := s.replica.Load()
	if r == nil {
		return s.rdb
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.statusLocked(time.Now()).InUse {
		return s.rdb
	}
	if t, ok := r.wrote[a.UserID]; ok && !t.Before(r.freshTo) {
		return s.rdb
	}
	return r.db
}

// noteChange remembers, once tx commits, that the actor changed something
// now: until the replica holds it, their reports read from the primary.
func (s *Store) noteChange(tx *sql.Tx, a Actor, action audit.Action) {
	r := s.replica.Load()
	if r == nil || a.UserID == 0 {
		return
	}
	switch action {
	case audit.ActionCreate, audit.ActionUpdate, audit.ActionDelete:
	default:
		return
	}
	s.afterCommit(tx, func() {
		r.mu.Lock()
		r.wrote[a.UserID] = time.Now()
		r.mu.Unlock()
	})
}

// closeReplica closes the replica's connections.
func (s *Store) closeReplica() error {
	if r := s.replica.Load(); r != nil {
		return r.db.Close()
	}
	return nil
}

// parseLSN reads a PostgreSQL WAL position such as 16/B374D848.
func parseLSN(v string) (uint64, error) {
	hi, lo, ok := strings.Cut(v, "/")
	if !ok {
		return 0, fmt.Errorf("not a WAL position: %q", v)
	}
	h, err := strconv.ParseUint(hi, 16, 32)
	if err != nil {
		return 0, err
	}
	l, err := strconv.ParseUint(lo, 16, 32)
	if err != nil {
		return 0, err
	}
	return h<<32 | l, nil
}
