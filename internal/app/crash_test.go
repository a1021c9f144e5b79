package app_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"peerpath/internal/app"
	"peerpath/internal/audit"
	"peerpath/internal/auth"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestServeSubprocess is peerpath serve in a process of its own, for the
// crash test; it only runs when that test starts it.
func TestServeSubprocess(t *testing.T) {
	if os.Getenv("PEERPATH_TEST_SUBPROCESS") != "1" {
		t.Skip("started by TestAuditVerifyAfterKill9")
	}
	os.Exit(app.Main(context.Background(), []string{"peerpath", "serve", "--addr", "127.0.0.1:0", "--demo"}, os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// TestAuditVerifyAfterKill9 kills a real peerpath serve process (SIGKILL,
// no chance to clean up) while clients read people's records as fast as
// they can, then checks that the audit log verifies and that every read a
// client was answered for is in it.
func TestAuditVerifyAfterKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	env := fresh(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeSubprocess$")
	cmd.Env = append(os.Environ(), "PEERPATH_TEST_SUBPROCESS=1", "PEERPATH_DB="+env["PEERPATH_DB"], "PEERPATH_DATA_DIR="+env["PEERPATH_DATA_DIR"])
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	base := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				base <- m[1]
			}
		}
	}()
	var url string
	select {
	case url = <-base:
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start")
	}
	r := run(t, env, "", "token", "create", "--email", "pat.peer@riverbend.demo", "--name", "crash test")
	token := strings.TrimSpace(r.out)
	if r.code != 0 {
		t.Fatalf("token create: %+v", r)
	}
	get := func(path string) (int, []byte, error) {
		req, _ := http.NewRequest(http.MethodGet, url+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return res.StatusCode, b, err
	}
	code, body, err := get("/api/v1/people")
	var list struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err != nil || code != http.StatusOK || json.Unmarshal(body, &list) != nil || len(list.Items) == 0 {
		t.Fatalf("listing people: %d %v %s", code, err, body)
	}
	// Readers go as fast as they can; each counts the reads it was answered.
	answered := make([]atomic.Int64, len(list.Items))
	var total atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				k := i % len(list.Items)
				code, _, err := get("/api/v1/people/" + list.Items[k].ID)
				if err != nil {
					continue // the server is gone
				}
				if code == http.StatusOK {
					answered[k].Add(1)
					total.Add(1)
				}
			}
		}()
	}
	deadline := time.Now().Add(20 * time.Second)
	for total.Load() < 1000 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killed = true
	cmd.Wait()
	close(stop)
	wg.Wait()
	if total.Load() == 0 {
		t.Fatal("no read was answered before the kill")
	}

	r = run(t, env, "", "audit", "verify")
	if r.code != 0 || !strings.Contains(r.out, "audit log intact") {
		t.Fatalf("audit verify after kill -9: %+v", r)
	}
	// Every read a client saw is on record.
	s := openStore(t, env)
	pat, err := s.UserByEmail(t.Context(), "pat.peer@riverbend.demo")
	if err != nil {
		t.Fatal(err)
	}
	for k, p := range list.Items {
		var recorded int64
		cursor := ""
		for {
			l, err := s.ListAudit(t.Context(), pat.OrgID, store.AuditFilter{UserID: pat.ID, RecordType: "person", RecordID: p.ID}, store.Page{Cursor: cursor, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range l.Items {
				if e.Action == "read" && e.Detail == "" {
					recorded++
				}
			}
			if cursor = l.Next; cursor == "" {
				break
			}
		}
		if n := answered[k].Load(); recorded < n {
			t.Errorf("person %s: %d reads answered, %d on record", p.ID, n, recorded)
		}
	}
	t.Logf("%d reads answered before the kill; audit verify: %s", total.Load(), strings.TrimSpace(r.out))
}

// TestAuditVerifyReportsACutBackChain plays a restore of an older head row:
// the last entry of a chain goes and the head is set back to the one
// before, MACed with the real key. The chain alone looks whole; the anchor
// file serve wrote says otherwise.
func TestAuditVerifyReportsACutBackChain(t *testing.T) {
	env := fresh(t)
	run(t, env, "a sturdy long passphrase\n", "user", "add", "--org", "Anchors", "--email", "a@x.test", "--name", "A", "--role", "admin", "--password-stdin")
	_, stderr, stop := startServe(t, env)
	if code := stop(); code != 0 {
		t.Fatalf("serve: %s", stderr.String())
	}
	anchorFile := filepath.Join(env["PEERPATH_DATA_DIR"], audit.AnchorFile)
	if _, err := os.Stat(anchorFile); err != nil {
		t.Fatalf("serve wrote no anchor file: %v", err)
	}
	if r := run(t, env, "", "audit", "verify"); r.code != 0 {
		t.Fatalf("before: %+v", r)
	}
	raw, err := os.ReadFile(filepath.Join(env["PEERPATH_DATA_DIR"], "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := auth.DeriveKeys([]byte(strings.TrimSpace(string(raw))))
	if err != nil {
		t.Fatal(err)
	}
	s := openStore(t, env)
	heads, err := s.AuditHeads(t.Context())
	if err != nil || len(heads) != 1 || heads[0].Seq < 2 {
		t.Fatalf("heads: %+v %v", heads, err)
	}
	h := heads[0]
	var prevMAC string
	db := rawOpen(t, env["PEERPATH_DB"])
	if err := db.QueryRow("SELECT mac FROM audit_log WHERE org_id = $1 AND org_seq = $2", h.OrgID, h.Seq-1).Scan(&prevMAC); err != nil {
		t.Fatal(err)
	}
	tamperAudit(t, env["PEERPATH_DB"], fmt.Sprintf("UPDATE audit_head SET seq = %d, mac = '%s', head_mac = '%s' WHERE org_id = %d",
		h.Seq-1, prevMAC, audit.OrgHeadSum(keys.AuditMAC, h.OrgID, h.Seq-1, prevMAC), h.OrgID))
	dropAuditDelete(t, env["PEERPATH_DB"], fmt.Sprintf("DELETE FROM audit_log WHERE org_id = %d AND org_seq = %d", h.OrgID, h.Seq))
	r := run(t, env, "", "audit", "verify")
	if r.code != 1 || !strings.Contains(r.out, "organisation") || !strings.Contains(r.out, "(Anchors): BROKEN") || !strings.Contains(r.out, "entries were removed from the end") {
		t.Fatalf("a cut-back chain: %+v", r)
	}
	// Without its anchor file the same database passes, and the command says what it could not check.
	os.Remove(anchorFile)
	if r := run(t, env, "", "audit", "verify"); r.code != 0 || !strings.Contains(r.errOut, "No anchor file") {
		t.Fatalf("without anchors: %+v", r)
	}
}

func rawOpen(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	driver := "sqlite"
	if testkit.Postgres() {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// dropAuditDelete runs stmt after dropping the trigger that refuses deletes.
func dropAuditDelete(t *testing.T, dsn, stmt string) {
	t.Helper()
	db := rawOpen(t, dsn)
	drop := "DROP TRIGGER IF EXISTS audit_log_no_delete"
	if testkit.Postgres() {
		drop = "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log"
	}
	for _, s := range []string{drop, stmt} {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
}
