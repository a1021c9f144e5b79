package demo_test

import (
	"context"
	"io"
	"testing"
	"time"

	"peerpath/internal/auth"
	"peerpath/internal/demo"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// The smoke scale runs the state-scale generator end to end on both
// databases (CI runs this test with PEERPATH_TEST_POSTGRES too): the counts
// add up, the audit chain verifies, and every generated person's last
// contact and next check-in are what the application derives from their
// contacts.
func TestGenerateSmokeScale(t *testing.T) {
	db := testkit.NewStore(t)
	ctx := context.Background()
	sc, ok := demo.ScaleByName("smoke")
	if !ok {
		t.Fatal("no smoke scale")
	}
	g, err := demo.Generate(ctx, db.Store, sc, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if g.Orgs != 2 || g.Workers != 16 || g.People != 60 || g.Skipped != 0 {
		t.Errorf("generated %+v, want 2 organisations, 16 workers, 60 people", g)
	}
	if want := int64(sc.Orgs * sc.Contacts); g.Contacts < want*6/10 || g.Contacts > want*14/10 {
		t.Errorf("%d contacts, want about %d", g.Contacts, want)
	}
	if g.Goals == 0 || g.Cycles == 0 || g.Referrals == 0 || g.PlanVersions == 0 {
		t.Errorf("no goals, referrals or plans: %+v", g)
	}
	if n, err := db.VerifyAudit(ctx); err != nil {
		t.Fatalf("audit verify after generating: %v (%d entries)", err, n)
	}

	// A second run finds the organisations there and adds nothing.
	again, err := demo.Generate(ctx, db.Store, sc, io.Discard)
	if err != nil || again.Skipped != 2 || again.People != 0 {
		t.Errorf("second run: %+v %v", again, err)
	}

	var people, contacts int64
	overdue := 0
	for i := 1; i <= sc.Orgs; i++ {
		admin, err := db.UserByEmail(ctx, demo.ScaleEmail(i, auth.RoleAdmin, 1))
		if err != nil {
			t.Fatal(err)
		}
		a := admin.Actor("test")
		var page store.Page
		for {
			l, err := db.ListPeople(ctx, a, store.PeopleFilter{Status: store.ShowAll}, page)
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range l.Items {
				people++
				cs, err := db.ListContacts(ctx, a, row.ID, store.Page{Limit: store.MaxLimit})
				if err != nil {
					t.Fatal(err)
				}
				contacts += int64(len(cs.Items))
				var last time.Time
				if len(cs.Items) > 0 {
					last = cs.Items[0].OccurredAt
				}
				if !row.LastContactAt.Equal(last) {
					t.Errorf("%s: last contact %v, their contacts say %v", row.PreferredName, row.LastContactAt, last)
				}
				base := row.ActiveSince
				if last.After(base) {
					base = last
				}
				if want := base.In(store.Zone).AddDate(0, 0, row.CheckInEveryDays).Format("2006-01-02"); row.CheckInDueOn != want {
					t.Errorf("%s: next check-in %s, want %s", row.PreferredName, row.CheckInDueOn, want)
				}
				if row.Overdue(db.Today()) {
					overdue++
				}
			}
			if l.Next == "" {
				break
			}
			page.Cursor = l.Next
		}
	}
	if people != g.People || contacts != g.Contacts {
		t.Errorf("read back %d people and %d contacts, generated %d and %d", people, contacts, g.People, g.Contacts)
	}
	if overdue == 0 || overdue == int(people) {
		t.Errorf("%d of %d people overdue: want some, not all", overdue, people)
	}

	// A generated worker signs in with the demo password and sees their people.
	res, err := db.SignIn(ctx, demo.ScaleEmail(1, auth.RolePeer, 1), demo.Password, "127.0.0.1")
	if err != nil || res.Outcome != store.SignInOK {
		t.Fatalf("signing in as a generated peer worker: %+v %v", res, err)
	}
	mine, err := db.ListPeople(ctx, res.User.Actor("test"), store.PeopleFilter{}, store.Page{})
	if err != nil || len(mine.Items) == 0 {
		t.Errorf("a generated peer worker sees %d people (%v)", len(mine.Items), err)
	}
}
