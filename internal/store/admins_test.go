package store_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestConcurrentAdminRemovalKeepsAnAdmin: two administrators who, at the
// same moment, take each other's administrator role away (or deactivate
// each other) must not leave the organisation without one. On PostgreSQL the
// two transactions really run at once; exactly one of them may succeed.
func TestConcurrentAdminRemovalKeepsAnAdmin(t *testing.T) {
	db := testkit.NewStore(t)
	const rounds = 15
	for i := range rounds {
		for _, kind := range []string{"roles", "deactivate", "mixed"} {
			org := fmt.Sprintf("Race %d %s", i, kind)
			a := db.MakeUser(t, 0, fmt.Sprintf("a%d-%s@race.test", i, kind), "Ann Admin", auth.RoleAdmin, org)
			b := db.MakeUser(t, a.OrgID, fmt.Sprintf("b%d-%s@race.test", i, kind), "Ben Admin", auth.RoleAdmin)
			remove := func(by, who store.User, deactivate bool) error {
				if deactivate {
					return db.SetUserActive(ctx, testkit.Actor(by), who.ID, false)
				}
				_, err := db.UpdateUser(ctx, testkit.Actor(by), who.ID, store.UserUpdate{Name: who.Name, Roles: []auth.Role{auth.RolePeer}})
				return err
			}
			start := make(chan struct{})
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for j, pair := range [][2]store.User{{a, b}, {b, a}} {
				wg.Go(func() {
					<-start
					deactivate := kind == "deactivate" || (kind == "mixed" && j == 0)
					errs[j] = remove(pair[0], pair[1], deactivate)
				})
			}
			close(start)
			wg.Wait()
			admins, err := db.UsersWithRole(ctx, a.OrgID, auth.RoleAdmin)
			if err != nil {
				t.Fatal(err)
			}
			active := 0
			for _, u := range admins {
				if u.Active {
					active++
				}
			}
			if active == 0 {
				t.Fatalf("%s: no active administrator left (errors: %v, %v)", org, errs[0], errs[1])
			}
			ok := 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case core.KindOf(err) != core.KindConflict:
					t.Fatalf("%s: %v", org, err)
				}
			}
			if ok != 1 {
				t.Fatalf("%s: %d of the two removals succeeded (errors: %v, %v)", org, ok, errs[0], errs[1])
			}
		}
	}
}

// TestUserSavesFromOneVersion: of several saves of one user's details all
// started from the same version, at the same moment, exactly one is kept;
// the others are conflicts that name the one who saved.
func TestUserSavesFromOneVersion(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Versions")
	u, err := db.User(ctx, tm.Org.ID, tm.Peer.ID)
	if err != nil {
		t.Fatal(err)
	}
	const n = 6
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			_, errs[i] = db.UpdateUser(ctx, testkit.Actor(tm.Admin), u.ID, store.UserUpdate{Name: fmt.Sprintf("Pat %d", i), Roles: u.Roles, SupervisorID: u.SupervisorID, Version: u.Version})
		})
	}
	close(start)
	wg.Wait()
	saved := 0
	for _, err := range errs {
		if err == nil {
			saved++
			continue
		}
		if e, ok := core.As(err); !ok || e.Kind != core.KindConflict || e.Fields["version"] == "" || !strings.Contains(e.Message, "Alex Admin saved changes") {
			t.Fatalf("a stale save: %v", err)
		}
	}
	if saved != 1 {
		t.Fatalf("%d of %d saves from one version were kept", saved, n)
	}
	after, _ := db.User(ctx, tm.Org.ID, u.ID)
	if after.Version != u.Version+1 {
		t.Fatalf("version %d after one save from %d", after.Version, u.Version)
	}
}
