package store_test

import (
	"strings"
	"testing"

	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/framework"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
	"peerpath/internal/workforce"
)

// The organisation rules of the career framework (issue 12), through the
// store: a code of ethics per track, grandfather waivers that carry, the
// organisation's choices, and a track that is chosen, never assumed.

func setTrack(t *testing.T, db *testkit.DB, a store.Actor, workerID int64, track string) {
	t.Helper()
	if _, err := db.UpdateWorker(ctx, a, workerID, store.WorkerUpdate{Track: &track}); err != nil {
		t.Fatal(err)
	}
}

func TestEthicsCodePerTrack(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Harbor RSC")
	peer, admin := testkit.Actor(tm.Peer), testkit.Actor(tm.Admin)
	setTrack(t, db, peer, tm.Peer.ID, "addiction")

	codes, err := db.EthicsCodes(ctx, tm.Org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 2 || codes[0].Key != "cps" || codes[1].Key != "rsc" {
		t.Fatalf("codes = %+v", codes)
	}
	cps, rsc := codes[0], codes[1]
	if !cps.Current.Shipped || cps.Current.Title != workforce.DefaultEthicsTitle || !rsc.Current.Shipped || !strings.Contains(rsc.Current.Text, "placeholder") {
		t.Fatalf("shipped texts: %+v / %+v", cps.Current, rsc.Current)
	}
	if rsc.AppliesTo(framework.TrackMentalHealth) || !rsc.AppliesTo(framework.TrackAddiction) || !cps.AppliesTo(framework.TrackBoth) {
		t.Errorf("tracks: cps %v rsc %v", cps.Tracks, rsc.Tracks)
	}

	// An addiction-track worker who signed only the CPS code: the RSC item is not met.
	if _, _, err := db.Attest(ctx, peer, cps.Current.Hash, "Pat Peer"); err != nil {
		t.Fatal(err)
	}
	_, r, err := db.WorkerReadiness(ctx, peer, tm.Peer.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st := statusOf(t, r, framework.Stage1, "s1.prereq.rsc-ethics"); st.Status != framework.StatusNotMet {
		t.Fatalf("RSC item after signing the CPS code: %s", st.Status)
	}
	my, _ := db.MyDevelopmentSummary(ctx, peer)
	if !my.EthicsDue {
		t.Error("the RSC code is still to sign")
	}
	// Signing needs the right code for the hash.
	if _, _, err := db.AttestCode(ctx, peer, "rsc", cps.Current.Hash, "Pat Peer"); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("the CPS hash under the RSC code: %v", err)
	}
	if _, _, err := db.AttestCode(ctx, peer, "nope", rsc.Current.Hash, "Pat Peer"); invalidFields(err)["code"] == "" {
		t.Fatalf("an unknown code: %v", err)
	}
	at, created, err := db.AttestCode(ctx, peer, "rsc", rsc.Current.Hash, "Pat Peer")
	if err != nil || !created || at.Code != "rsc" {
		t.Fatalf("signing the RSC code: %+v %v %v", at, created, err)
	}
	_, r, _ = db.WorkerReadiness(ctx, peer, tm.Peer.ID)
	if st := statusOf(t, r, framework.Stage1, "s1.prereq.rsc-ethics"); st.Status != framework.StatusMet || !strings.Contains(st.Evidence[0].Label, "Recovery Support Center") {
		t.Fatalf("RSC item after signing it: %+v", st)
	}
	if my, _ := db.MyDevelopmentSummary(ctx, peer); my.EthicsDue {
		t.Error("everything that applies is signed")
	}
	sts, err := db.EthicsStatusesOf(ctx, peer, tm.Peer.ID)
	if err != nil || len(sts) != 2 || sts[0].Applies || !sts[1].Applies || sts[1].Signed == nil || sts[0].Signed == nil {
		t.Fatalf("statuses: %+v %v", sts, err)
	}

	// The organisation replaces the placeholder: the RSC item needs signing again.
	if _, err := db.PublishEthicsCode(ctx, peer, "rsc", "Ours", "Our code."); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a peer publishing: %v", err)
	}
	if _, err := db.PublishEthicsCode(ctx, admin, "xyz", "Ours", "Our code."); invalidFields(err)["code"] == "" {
		t.Fatalf("publishing an unknown code: %v", err)
	}
	v, err := db.PublishEthicsCode(ctx, admin, "rsc", "Harbor RSC code of conduct", "We keep to our code of conduct.")
	if err != nil || v.Code != "rsc" || v.Shipped {
		t.Fatalf("publishing: %+v %v", v, err)
	}
	_, r, _ = db.WorkerReadiness(ctx, peer, tm.Peer.ID)
	if st := statusOf(t, r, framework.Stage1, "s1.prereq.rsc-ethics"); st.Status != framework.StatusNotMet {
		t.Fatalf("RSC item after a new version: %s", st.Status)
	}
	if cur, _ := db.CurrentEthics(ctx, tm.Org.ID); cur.Hash != cps.Current.Hash {
		t.Error("publishing the RSC code changed the CPS code")
	}
	// Who has not signed the RSC code: addiction and both-track workers only.
	setTrack(t, db, testkit.Actor(tm.OtherPeer), tm.OtherPeer.ID, "mental-health")
	_, l, err := db.NotAttestedCode(ctx, admin, "rsc", store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range l.Items {
		names = append(names, u.Name)
	}
	if got := strings.Join(names, ","); got != "Alex Admin,Pat Peer,Sam Supervisor,Tess Trainer" {
		t.Errorf("not signed the RSC code: %s", got)
	}
}

func TestGrandfatherWaiverCarries(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Grandfather")
	peer, sup, admin := testkit.Actor(tm.Peer), testkit.Actor(tm.Supervisor), testkit.Actor(tm.Admin)
	setTrack(t, db, peer, tm.Peer.ID, "mental-health")
	required := "required"
	if err := db.SetFrameworkChoices(ctx, admin, []store.FrameworkChoiceInput{
		{ItemKey: "s3.prereq.cps", Strength: &required}, {ItemKey: "s4.prereq.cps", Strength: &required}, {ItemKey: "s5.prereq.cps", Strength: &required},
	}); err != nil {
		t.Fatal(err)
	}
	id, err := db.Waive(ctx, sup, tm.Peer.ID, "s3.prereq.cps", "Grandfather clause: peer specialist since 2004")
	if err != nil {
		t.Fatal(err)
	}
	_, r, _ := db.WorkerReadiness(ctx, peer, tm.Peer.ID)
	for _, c := range []struct {
		stage   framework.Stage
		key     string
		carried string
	}{{framework.Stage3, "s3.prereq.cps", ""}, {framework.Stage4, "s4.prereq.cps", "s3.prereq.cps"}, {framework.Stage5, "s5.prereq.cps", "s3.prereq.cps"}} {
		st := statusOf(t, r, c.stage, c.key)
		if st.Status != framework.StatusWaived || !st.Blocking || st.Waiver == nil || st.Waiver.CarriedFrom != c.carried || st.Waiver.ByName != "Sam Supervisor" {
			t.Fatalf("%s: %s %+v", c.key, st.Status, st.Waiver)
		}
		if c.carried != "" && st.Waiver.CarriedFromName != "Stage III" {
			t.Errorf("%s carried from %q", c.key, st.Waiver.CarriedFromName)
		}
	}
	// Withdrawing the waiver withdraws the chain.
	if err := db.RemoveRecord(ctx, sup, tm.Peer.ID, store.RecordWaiver, id); err != nil {
		t.Fatal(err)
	}
	_, r, _ = db.WorkerReadiness(ctx, peer, tm.Peer.ID)
	for _, c := range []struct {
		stage framework.Stage
		key   string
	}{{framework.Stage3, "s3.prereq.cps"}, {framework.Stage5, "s5.prereq.cps"}} {
		if st := statusOf(t, r, c.stage, c.key); st.Status != framework.StatusNotMet || st.Waiver != nil {
			t.Fatalf("%s after withdrawal: %s %+v", c.key, st.Status, st.Waiver)
		}
	}
	// A waiver of an item without a grandfather clause stays on its item.
	if _, err := db.Waive(ctx, sup, tm.Peer.ID, "s4.prereq.digital-communication", "Assessed in person"); err != nil {
		t.Fatal(err)
	}
	_, r, _ = db.WorkerReadiness(ctx, peer, tm.Peer.ID)
	if st := statusOf(t, r, framework.Stage5, "s5.prereq.digital-communication"); st.Status != framework.StatusNotMet {
		t.Fatalf("a plain waiver carried: %s", st.Status)
	}
	// The team page counts the same way.
	team, err := db.TeamDevelopment(ctx, sup, store.ScopeTeam, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range team.Members {
		if m.Worker.ID == tm.Peer.ID && (m.TargetName != r.TargetName || m.Missing != len(r.TargetMissing)) {
			t.Errorf("team summary %s/%d, readiness %s/%d", m.TargetName, m.Missing, r.TargetName, len(r.TargetMissing))
		}
	}
}

func TestFrameworkChoices(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Choices")
	admin := testkit.Actor(tm.Admin)
	yes, required, expected := true, "required", "expected"
	if err := db.SetFrameworkChoices(ctx, testkit.Actor(tm.Supervisor), []store.FrameworkChoiceInput{{ItemKey: "v.prereq.cori", Applies: &yes}}); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a supervisor deciding: %v", err)
	}
	err := db.SetFrameworkChoices(ctx, admin, []store.FrameworkChoiceInput{
		{ItemKey: "s3.prereq.cps", Applies: &yes, Strength: &expected},
		{ItemKey: "s1.comp.empathic-listening", Strength: &required},
	})
	f := invalidFields(err)
	if f["applies-s3.prereq.cps"] == "" || f["strength-s3.prereq.cps"] == "" || f["item_key"] == "" {
		t.Fatalf("bad choices: %v", err)
	}
	list, err := db.FrameworkChoices(ctx, admin)
	if err != nil || len(list) != 8 || list[0].Item.Key != "v.prereq.cori" || list[0].Decided() || list[0].Applies {
		t.Fatalf("choices before deciding: %+v %v", list, err)
	}
	if list[1].EffectiveStrength() != framework.StrengthPreferred {
		t.Errorf("default strength %s", list[1].EffectiveStrength())
	}
	if err := db.SetFrameworkChoices(ctx, admin, []store.FrameworkChoiceInput{{ItemKey: "v.prereq.cori", Applies: &yes}, {ItemKey: "s3.prereq.cps", Strength: &required}}); err != nil {
		t.Fatal(err)
	}
	list, _ = db.FrameworkChoices(ctx, admin)
	if !list[0].Applies || !list[0].Decided() || list[0].UpdatedByName != "Alex Admin" || list[2].EffectiveStrength() != framework.StrengthRequired {
		t.Fatalf("choices after deciding: %+v", list)
	}
	// Choices are the organisation's own.
	other := db.NewTeam(t, "Elsewhere")
	theirs, _ := db.FrameworkChoices(ctx, testkit.Actor(other.Admin))
	if theirs[0].Applies || theirs[2].Strength != "" {
		t.Errorf("another organisation's choices leaked: %+v", theirs)
	}
}

func TestTrackChosenNeverAssumed(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "New starters")
	newbie := db.MakeUserWith(t, store.NewUser{OrgID: tm.Org.ID, Email: "nia@new.test", Name: "Nia New", Roles: []auth.Role{auth.RolePeer}, SupervisorID: tm.Supervisor.ID, Track: testkit.NoTrack})
	me := testkit.Actor(newbie)
	w, r, err := db.WorkerReadiness(ctx, me, newbie.ID)
	if err != nil {
		t.Fatal(err)
	}
	if w.Track != "" || !r.NeedsTrack || r.Track != "" || len(r.Profile.Stages) != 0 || r.Target != "" {
		t.Fatalf("no track yet: %+v / %+v", w, r)
	}
	my, err := db.MyDevelopmentSummary(ctx, me)
	if err != nil || !my.NeedsTrack || my.AllReady || my.EthicsDue {
		t.Fatalf("home page without a track: %+v %v", my, err)
	}
	team, _ := db.TeamDevelopment(ctx, testkit.Actor(tm.Supervisor), store.ScopeTeam, store.Page{})
	found := false
	for _, m := range team.Members {
		if m.Worker.ID == newbie.ID {
			found = true
			if !m.NeedsTrack || m.AtTop {
				t.Errorf("team member without a track: %+v", m)
			}
		}
	}
	if !found {
		t.Fatal("the new worker is not on the team page")
	}
	// Confirming a stage keeps the track unchosen.
	if _, err := db.ConfirmStage(ctx, testkit.Actor(tm.Supervisor), newbie.ID, "1", ""); err != nil {
		t.Fatal(err)
	}
	if w, _ := db.Worker(ctx, me, newbie.ID); w.Track != "" {
		t.Fatalf("confirming a stage chose a track: %q", w.Track)
	}
	// The worker chooses at first sign-in.
	setTrack(t, db, me, newbie.ID, "addiction")
	if _, r, _ := db.WorkerReadiness(ctx, me, newbie.ID); r.NeedsTrack || r.Track != framework.TrackAddiction || len(r.Profile.Stages) != 6 {
		t.Fatalf("after choosing: %+v", r)
	}
	// Or an administrator chooses at invitation.
	u, err := db.CreateUser(ctx, testkit.Actor(tm.Admin), store.NewUser{OrgID: tm.Org.ID, Email: "mo@new.test", Name: "Mo Invited", Roles: []auth.Role{auth.RolePeer}, Track: "mental-health"})
	if err != nil {
		t.Fatal(err)
	}
	if w, _ := db.Worker(ctx, testkit.Actor(tm.Admin), u.ID); w.Track != framework.TrackMentalHealth {
		t.Fatalf("invited with a track: %q", w.Track)
	}
	_, err = db.CreateUser(ctx, testkit.Actor(tm.Admin), store.NewUser{OrgID: tm.Org.ID, Email: "x@new.test", Name: "X", Roles: []auth.Role{auth.RolePeer}, Track: "sideways"})
	if invalidFields(err)["track"] == "" {
		t.Fatalf("an unknown track: %v", err)
	}
}

// Corrections to the shipped chart reach organisations still using an
// earlier shipped version; a chart an organisation chose stays.
func TestShippedChartUpgrade(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Upgrade")
	if _, err := db.ActiveChart(ctx, tm.Org.ID); err != nil {
		t.Fatal(err)
	}
	raw := rawDB(t, db)
	if _, err := raw.Exec("UPDATE charts SET sha256 = 'an-older-shipped-version' WHERE org_id = $1 AND shipped", tm.Org.ID); err != nil {
		t.Fatal(err)
	}
	cv, err := db.ActiveChart(ctx, tm.Org.ID)
	if err != nil || cv.SHA256 == "an-older-shipped-version" || !cv.Shipped || len(cv.Chart.EthicsCodes()) != 2 {
		t.Fatalf("active after the upgrade: %+v %v", cv, err)
	}
	vs, _ := db.ChartVersions(ctx, tm.Org.ID)
	if len(vs) != 2 {
		t.Fatalf("%d versions", len(vs))
	}
	// An imported chart that is active is never replaced.
	v, err := db.ImportChart(ctx, testkit.Actor(tm.Admin), []byte(smallChart))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChart(ctx, testkit.Actor(tm.Admin), v.ID); err != nil {
		t.Fatal(err)
	}
	raw.Exec("UPDATE charts SET sha256 = 'older-again' WHERE org_id = $1 AND shipped AND NOT active", tm.Org.ID)
	if cv, _ := db.ActiveChart(ctx, tm.Org.ID); cv.ID != v.ID {
		t.Fatalf("the organisation's own chart was replaced by %d", cv.ID)
	}
}

// invalidFields returns the field messages of an invalid-input error, or nil.
func invalidFields(err error) map[string]string {
	if e, ok := core.As(err); ok {
		return e.Fields
	}
	return nil
}
