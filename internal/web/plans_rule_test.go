package web_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"peerpath/internal/testkit"
)

// TestPlanPutRuleIsTheSameOnBothDatabases: the documented rule for PUT on a
// plan, sent by many clients at the same moment. Without "version" every
// save is kept, as versions 1…n, and none answers 409; with "version" the
// save is checked, so of n clients who all edited version 0 exactly one
// saves and the others answer 409. The same on SQLite and PostgreSQL (where
// PUTs without a version used to answer 409 when they raced).
func TestPlanPutRuleIsTheSameOnBothDatabases(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Put rule")
	const n = 8
	put := func(path string, withVersion bool) []int {
		c := app.APIClient(t, tm.Peer)
		statuses := make([]int, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				body := map[string]any{"sections": map[string]any{"warning_signs": []string{fmt.Sprintf("Sign %d", i)}}}
				if withVersion {
					body["version"] = 0
				}
				<-start
				statuses[i] = c.Send(http.MethodPut, path, body).Status
			})
		}
		close(start)
		wg.Wait()
		return statuses
	}

	p := addPerson(t, app, tm.Peer, "Rule Without")
	path := "/api/v1/people/" + itoa(p.ID) + "/safety-plan"
	for i, st := range put(path, false) {
		if st != http.StatusOK {
			t.Fatalf("PUT %d without a version: %d", i, st)
		}
	}
	var doc struct {
		Version int `json:"version"`
	}
	app.APIClient(t, tm.Peer).Get(path).JSON(t, &doc)
	if doc.Version != n {
		t.Fatalf("after %d saves without a version the plan is at version %d", n, doc.Version)
	}

	q := addPerson(t, app, tm.Peer, "Rule With")
	path = "/api/v1/people/" + itoa(q.ID) + "/safety-plan"
	saved, conflicts := 0, 0
	for _, st := range put(path, true) {
		switch st {
		case http.StatusOK:
			saved++
		case http.StatusConflict:
			conflicts++
		default:
			t.Fatalf("PUT with version 0: %d", st)
		}
	}
	if saved != 1 || conflicts != n-1 {
		t.Fatalf("with a version: %d saved, %d conflicts", saved, conflicts)
	}
}
