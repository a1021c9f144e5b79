package app

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"peerpath/internal/store"
)

// A PostgreSQL streaming replica for reports and exports (issue 19): serve
// --db-replica sends staleness-tolerant reads to a standby of --db, and
// falls back to the primary when it lags beyond --replica-max-lag or is
// down (internal/store/replica.go).

// replicaPlan is serve's replica configuration.
type replicaPlan struct {
	dsn    string        // --db-replica
	maxLag time.Duration // --replica-max-lag
}

// replicaEvery is how often serve measures the replica's lag.
const replicaEvery = time.Second

func replicaFlags(fs *flag.FlagSet, p *replicaPlan, getenv env) {
	urlVar(fs, &p.dsn, "db-replica", getenv("PEERPATH_DB_REPLICA"), "PostgreSQL: a postgres:// URL of a streaming standby of --db; reports and exports read from it while it keeps up (PEERPATH_DB_REPLICA)")
	lag, err := time.ParseDuration(envOr(getenv, "PEERPATH_REPLICA_MAX_LAG", store.DefaultReplicaMaxLag.String()))
	if err != nil {
		lag = -1 // reported by check
	}
	fs.DurationVar(&p.maxLag, "replica-max-lag", lag, "how far behind the primary --db-replica may be and still answer reports, e.g. 10s; beyond it the primary answers (PEERPATH_REPLICA_MAX_LAG)")
}

// check validates the plan for the database db.
func (p replicaPlan) check(fs *flag.FlagSet, db string) error {
	if p.dsn == "" {
		if flagSet(fs, "replica-max-lag") {
			return usagef("--replica-max-lag needs --db-replica")
		}
		return nil
	}
	if !store.IsPostgres(db) || !store.IsPostgres(p.dsn) {
		return usagef("--db-replica is for PostgreSQL: --db and --db-replica must both be postgres:// URLs")
	}
	if p.maxLag <= 0 {
		return usagef("--replica-max-lag must be a duration above zero such as 10s (PEERPATH_REPLICA_MAX_LAG)")
	}
	return nil
}

// watchReplica measures the replica's lag every second and logs when
// reports move to the primary or back.
func watchReplica(ctx context.Context, s *store.Store, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	inUse := s.ReplicaStatus().InUse
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		st := s.CheckReplica(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case st.InUse && !inUse:
			log.Info("reports read from the replica again", "lag", st.Lag)
		case !st.InUse && inUse:
			log.Warn("reports read from the primary", "reason", st.Problem)
		}
		inUse = st.InUse
	}
}

// describeReplica is what serve says about the replica at start.
func describeReplica(p replicaPlan, st store.ReplicaStatus) string {
	now := "in use now"
	if !st.InUse {
		now = "not in use now: " + st.Problem
	}
	return fmt.Sprintf("peerpath reads reports and exports from the replica %s while it is within %s of the primary (%s)", describeDB(p.dsn), p.maxLag, now)
}
