package app_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"peerpath/internal/testkit"
)

// TestServeWithReplica: serve --db-replica refuses a database that is not
// a standby of --db (here the primary itself) with exit 1, and with a real
// standby it starts, says so, and /healthz reports the replica in use.
func TestServeWithReplica(t *testing.T) {
	env := fresh(t)
	rdsn := testkit.ReplicaDSN(t, env["PEERPATH_DB"])
	r := run(t, env, "", "serve", "--addr", "127.0.0.1:0", "--db-replica", env["PEERPATH_DB"])
	if r.code != 1 || !strings.Contains(r.errOut, "not a standby") {
		t.Fatalf("the primary as its own replica: exit %d: %s", r.code, r.errOut)
	}
	base, stderr, stopServe := startServe(t, env, "--db-replica", rdsn, "--replica-max-lag", "5s")
	stop := sync.OnceValue(stopServe)
	defer stop()
	if !strings.Contains(stderr.String(), "reads reports and exports from the replica postgres://…@127.0.0.1") || !strings.Contains(stderr.String(), "within 5s of the primary") {
		t.Errorf("serve does not say it uses the replica: %s", stderr.String())
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		body, err := httpGet(base + "/healthz")
		if err == nil && strings.HasPrefix(body, "ok\nreplica: in use") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("healthz never says the replica is in use: %q %v", body, err)
		}
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d: %s", code, stderr.String())
	}
}

// TestReplicaFlagsAreChecked: --db-replica needs PostgreSQL on both sides,
// and --replica-max-lag needs --db-replica and a positive duration.
func TestReplicaFlagsAreChecked(t *testing.T) {
	env := sqliteEnv(t)
	pg := map[string]string{"PEERPATH_DB": "postgres://postgres@127.0.0.1:1/x", "PEERPATH_DATA_DIR": t.TempDir()}
	for name, c := range map[string]struct {
		env  map[string]string
		args []string
		say  string
	}{
		"replica for SQLite": {env, []string{"--db-replica", "postgres://postgres@127.0.0.1:1/x"}, "is for PostgreSQL"},
		"replica not a URL":  {pg, []string{"--db-replica", "replica.db"}, "is for PostgreSQL"},
		"max lag alone":      {pg, []string{"--replica-max-lag", "5s"}, "needs --db-replica"},
		"max lag zero":       {pg, []string{"--db-replica", "postgres://postgres@127.0.0.1:1/y", "--replica-max-lag", "0s"}, "above zero"},
		"max lag not a time": {pg, []string{"--db-replica", "postgres://postgres@127.0.0.1:1/y", "--replica-max-lag", "soon"}, "replica-max-lag"},
	} {
		t.Run(name, func(t *testing.T) {
			r := run(t, c.env, "", append([]string{"serve"}, c.args...)...)
			if r.code != 2 || !strings.Contains(r.errOut, c.say) {
				t.Fatalf("exit %d, want 2 saying %q: %q", r.code, c.say, r.errOut)
			}
		})
	}
}
