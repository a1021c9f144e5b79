package store_test

import (
	"os"
	"testing"

	"github.com/pressly/goose/v3"

	"peerpath/internal/auth"
	"peerpath/internal/framework"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
	"peerpath/internal/workforce"
)

// TestMigrationKeepsData takes a database back to before migration 00011,
// records what a database of that time held (a worker without a profile,
// the organisation's own code text and a signature of it, a grandfather
// waiver), and migrates forward: the worker keeps the track they were read
// as having (both), the signature is to the CPS code, and the waiver
// carries along its chain.
func TestMigrationKeepsData(t *testing.T) {
	db := testkit.NewStore(t)
	raw := rawDB(t, db)
	// The people are made with today's code before going back: later
	// migrations add columns today's code needs; a worker without a
	// profile is what a database before 00011 held.
	tm := db.NewTeam(t, "Before")
	old := db.MakeUserWith(t, store.NewUser{OrgID: tm.Org.ID, Email: "old@before.test", Name: "Olive Oldtimer", Roles: []auth.Role{auth.RolePeer}, SupervisorID: tm.Supervisor.ID, Track: testkit.NoTrack})
	dialect, dir := goose.DialectSQLite3, "sqlite"
	if store.IsPostgres(db.DSN) {
		dialect, dir = goose.DialectPostgres, "postgres"
	}
	p, err := goose.NewProvider(dialect, raw, os.DirFS("migrations/"+dir))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 10); err != nil {
		t.Fatal(err)
	}

	text := workforce.NormaliseEthicsText("Our official CPS code.")
	hash := workforce.EthicsHash(text)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := raw.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO ethics_versions (org_id, title, body, sha256, shipped, published_at) VALUES ($1, 'Official', $2, $3, $4, 1)`, tm.Org.ID, text, hash, false)
	exec(`INSERT INTO ethics_attestations (org_id, user_id, version_hash, typed_name, attested_at) VALUES ($1, $2, $3, 'Olive Oldtimer', 2)`, tm.Org.ID, old.ID, hash)
	exec(`INSERT INTO waivers (org_id, user_id, item_key, reason, waived_on, waived_by, created_at) VALUES ($1, $2, 's3.prereq.cps', 'Grandfather clause', '2020-01-01', $3, 3)`, tm.Org.ID, old.ID, tm.Supervisor.ID)

	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}

	sup := testkit.Actor(tm.Supervisor)
	w, err := db.Worker(ctx, sup, old.ID)
	if err != nil || w.Track != framework.TrackBoth {
		t.Fatalf("the worker's track after migrating: %q %v", w.Track, err)
	}
	sts, err := db.EthicsStatusesOf(ctx, sup, old.ID)
	if err != nil || sts[0].Code.Key != "cps" || sts[0].Current.Hash != hash || sts[0].Signed == nil {
		t.Fatalf("the signature after migrating: %+v %v", sts, err)
	}
	_, r, err := db.WorkerReadiness(ctx, sup, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	if q := statusOf(t, r, framework.Stage1, "s1.prereq.cps-ethics"); q.Status != framework.StatusMet {
		t.Errorf("the CPS item after migrating: %s", q.Status)
	}
	if q := statusOf(t, r, framework.Stage1, "s1.prereq.rsc-ethics"); q.Status != framework.StatusNotMet {
		t.Errorf("the RSC item after migrating: %s", q.Status)
	}
	if q := statusOf(t, r, framework.Stage5, "s5.prereq.cps"); q.Status != framework.StatusWaived || q.Waiver == nil || q.Waiver.CarriedFrom != "s3.prereq.cps" {
		t.Errorf("the grandfather waiver after migrating: %s %+v", q.Status, q.Waiver)
	}
}
