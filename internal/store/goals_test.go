package store_test

import (
	"testing"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

func TestGoalCycleRollsOver(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Goals")
	a := testkit.Actor(tm.Peer)
	p := addPerson(t, db, a, "Rosa")
	if _, err := db.AddGoal(ctx, a, p.ID, store.GoalInput{LifeArea: "home"}); fieldErr(err) != "text" {
		t.Fatalf("a goal without words: %v", err)
	}
	if _, err := db.AddGoal(ctx, a, p.ID, store.GoalInput{Text: "x", LifeArea: "money"}); fieldErr(err) != "life_area" {
		t.Fatalf("an unknown life area: %v", err)
	}
	// The first goal starts a cycle today; it runs three months.
	g1, err := db.AddGoal(ctx, a, p.ID, store.GoalInput{Text: "Find a place of my own", LifeArea: "home", Steps: "Call the housing line", TargetOn: "2027-01-15"})
	if err != nil {
		t.Fatal(err)
	}
	g2, _ := db.AddGoal(ctx, a, p.ID, store.GoalInput{Text: "Walk with the group on Saturdays", LifeArea: "health"})
	g3, _ := db.AddGoal(ctx, a, p.ID, store.GoalInput{Text: "Go back to the choir", LifeArea: "community"})
	if g1.CycleID != g2.CycleID || g1.CycleID != g3.CycleID {
		t.Fatal("goals went into different cycles")
	}
	rec, _ := db.PersonRecord(ctx, a, p.ID)
	cyc, ok := rec.OpenCycle()
	if !ok || cyc.StartsOn != "2026-11-23" || cyc.EndsOn != "2027-02-23" || len(cyc.Goals) != 3 {
		t.Fatalf("first cycle: %+v", cyc)
	}
	if _, err := db.StartCycle(ctx, a, p.ID, ""); core.KindOf(err) != core.KindConflict {
		t.Fatalf("a second open cycle: %v", err)
	}
	if _, err := db.AddProgress(ctx, a, g1.ID, "Viewed two flats."); err != nil {
		t.Fatal(err)
	}
	achieved := store.GoalInput{Text: g2.Text, LifeArea: g2.LifeArea, Status: "achieved"}
	if _, err := db.UpdateGoal(ctx, a, g2.ID, achieved); err != nil {
		t.Fatal(err)
	}
	if cyc.NeedsReview(db.Today()) {
		t.Fatal("review asked for before the cycle ended")
	}
	// Three months later the record asks for a review.
	db.Clock.Set(time.Date(2027, 2, 24, 15, 0, 0, 0, time.UTC))
	rec, _ = db.PersonRecord(ctx, a, p.ID)
	cyc, _ = rec.OpenCycle()
	if !cyc.NeedsReview(db.Today()) {
		t.Fatal("no review asked for after three months")
	}
	// Goals of another cycle cannot be carried over.
	other := addPerson(t, db, a, "Omar")
	og, _ := db.AddGoal(ctx, a, other.ID, store.GoalInput{Text: "Someone else's", LifeArea: "purpose"})
	if _, err := db.ReviewCycle(ctx, a, cyc.ID, store.CycleReview{StartNext: true, Carry: []int64{og.ID}}); fieldErr(err) != "carry" {
		t.Fatalf("carrying another person's goal: %v", err)
	}
	if _, err := db.ReviewCycle(ctx, testkit.Actor(tm.OtherPeer), cyc.ID, store.CycleReview{}); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("another worker reviewing: %v", err)
	}
	next, err := db.ReviewCycle(ctx, a, cyc.ID, store.CycleReview{Note: "Housing moved slowly; the walks became a habit.", StartNext: true, Carry: []int64{g1.ID, g3.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if next.StartsOn != "2027-02-24" || next.EndsOn != "2027-05-24" {
		t.Fatalf("next cycle %s to %s", next.StartsOn, next.EndsOn)
	}
	rec, _ = db.PersonRecord(ctx, a, p.ID)
	if len(rec.Cycles) != 2 || rec.Cycles[0].ID != next.ID || !rec.Cycles[1].Reviewed() {
		t.Fatalf("cycles: %+v", rec.Cycles)
	}
	carried := rec.Cycles[0].Goals
	if len(carried) != 2 || carried[0].CarriedFrom != g1.ID || carried[0].Status != "active" || carried[0].TargetOn != "" || carried[1].Text != g3.Text {
		t.Fatalf("carried goals: %+v", carried)
	}
	for _, g := range rec.Cycles[1].Goals {
		if (g.ID == g1.ID || g.ID == g3.ID) != g.CarriedOn {
			t.Errorf("goal %q carried on = %v", g.Text, g.CarriedOn)
		}
		if g.ID == g2.ID && g.Status != "achieved" {
			t.Errorf("the achieved goal is now %s", g.Status)
		}
		if g.ID == g1.ID && len(g.Progress) != 1 {
			t.Errorf("progress notes lost: %+v", g.Progress)
		}
	}
	if _, err := db.ReviewCycle(ctx, a, cyc.ID, store.CycleReview{}); core.KindOf(err) != core.KindConflict {
		t.Fatalf("reviewing twice: %v", err)
	}
	// 30 November runs to the end of February.
	if _, err := db.ReviewCycle(ctx, a, next.ID, store.CycleReview{StartNext: true, NextStartsOn: "2027-11-30"}); err != nil {
		t.Fatal(err)
	}
	rec, _ = db.PersonRecord(ctx, a, p.ID)
	if rec.Cycles[0].EndsOn != "2028-02-29" {
		t.Fatalf("a cycle from 30 November ends %s", rec.Cycles[0].EndsOn)
	}
}

func fieldErr(err error) string {
	e, ok := core.As(err)
	if !ok {
		return ""
	}
	for k := range e.Fields {
		return k
	}
	return ""
}

func TestReferralFollowUps(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Referrals")
	other := db.NewTeam(t, "Other org")
	a := testkit.Actor(tm.Peer)
	p := addPerson(t, db, a, "Lou")
	res, err := db.CreateResource(ctx, a, store.ResourceInput{Name: "Harbor Housing Help", Kind: "housing", Phone: "617-555-0101"})
	if err != nil {
		t.Fatal(err)
	}
	theirs, _ := db.CreateResource(ctx, testkit.Actor(other.Peer), store.ResourceInput{Name: "Their food pantry", Kind: "food"})
	if _, err := db.CreateReferral(ctx, a, store.ReferralInput{PersonID: p.ID, ResourceID: theirs.ID}); fieldErr(err) != "resource" {
		t.Fatalf("referring to another organisation's resource: %v", err)
	}
	if _, err := db.CreateReferral(ctx, a, store.ReferralInput{PersonID: p.ID}); fieldErr(err) != "resource" {
		t.Fatalf("a referral to nowhere: %v", err)
	}
	r, err := db.CreateReferral(ctx, a, store.ReferralInput{PersonID: p.ID, ResourceID: res.ID, Reason: "Wants a place near her daughter."})
	if err != nil {
		t.Fatal(err)
	}
	if r.MadeOn != "2026-11-23" || r.FollowUpOn != "2026-11-30" || r.Status != store.ReferralMade || r.ResourceName != "Harbor Housing Help" {
		t.Fatalf("defaults: %+v", r)
	}
	free, err := db.CreateReferral(ctx, a, store.ReferralInput{PersonID: p.ID, ResourceName: "The church pantry on Elm St", FollowUpOn: "2026-12-10"})
	if err != nil {
		t.Fatal(err)
	}
	due := func(who store.User) int {
		fs, err := db.FollowUpsDue(ctx, testkit.Actor(who), 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		return len(fs)
	}
	if due(tm.Peer) != 0 {
		t.Fatal("a follow-up due on the day of the referral")
	}
	db.Clock.Advance(7 * 24 * time.Hour)
	if due(tm.Peer) != 1 || due(tm.Supervisor) != 1 || due(tm.Admin) != 1 {
		t.Fatal("the follow-up is not due after 7 days for the worker, supervisor and admin")
	}
	if due(tm.OtherPeer) != 0 || due(other.Admin) != 0 {
		t.Fatal("others see the follow-up")
	}
	l, _ := db.ListPeople(ctx, a, store.PeopleFilter{}, store.Page{})
	if len(l.Items[0].FollowUps) != 2 || l.Items[0].FollowUpsDue(db.Today()) != 1 {
		t.Fatalf("the list's follow-ups: %+v", l.Items[0].FollowUps)
	}
	// In touch, with a new follow-up date: no longer due until then.
	st, later := store.ReferralContacted, "2026-12-04"
	if _, err := db.UpdateReferral(ctx, a, r.ID, store.ReferralUpdate{Status: &st, FollowUpOn: &later}); err != nil {
		t.Fatal(err)
	}
	if due(tm.Peer) != 0 {
		t.Fatal("still due after moving the follow-up on")
	}
	back := store.ReferralMade
	if _, err := db.UpdateReferral(ctx, a, r.ID, store.ReferralUpdate{Status: &back}); fieldErr(err) != "status" {
		t.Fatalf("moving back to made: %v", err)
	}
	no := store.ReferralNotConnected
	if _, err := db.UpdateReferral(ctx, a, r.ID, store.ReferralUpdate{Status: &no}); fieldErr(err) != "outcome_note" {
		t.Fatalf("not connected without a reason: %v", err)
	}
	if _, err := db.UpdateReferral(ctx, testkit.Actor(tm.OtherPeer), r.ID, store.ReferralUpdate{Status: &st}); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("another worker updating: %v", err)
	}
	db.Clock.Advance(14 * 24 * time.Hour)
	if due(tm.Peer) != 2 {
		t.Fatal("both follow-ups should be due")
	}
	yes := store.ReferralConnected
	closed, err := db.UpdateReferral(ctx, a, r.ID, store.ReferralUpdate{Status: &yes})
	if err != nil || closed.ClosedAt.IsZero() || closed.Open() {
		t.Fatalf("connected: %+v %v", closed, err)
	}
	reason := "The pantry had closed for the winter."
	if _, err := db.UpdateReferral(ctx, a, free.ID, store.ReferralUpdate{Status: &no, OutcomeNote: &reason}); err != nil {
		t.Fatal(err)
	}
	if due(tm.Peer) != 0 {
		t.Fatal("closed referrals still due")
	}
	if _, err := db.UpdateReferral(ctx, a, r.ID, store.ReferralUpdate{Status: &st}); core.KindOf(err) != core.KindConflict {
		t.Fatalf("changing a closed referral: %v", err)
	}
}

func TestResourceImportIsAllOrNothing(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Directory")
	sup := testkit.Actor(tm.Supervisor)
	if _, err := db.CreateResource(ctx, sup, store.ResourceInput{Name: "988 Suicide & Crisis Lifeline", Kind: "crisis", Phone: "988"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateResource(ctx, sup, store.ResourceInput{Name: "988 suicide & crisis lifeline", Kind: "crisis"}); fieldErr(err) != "name" {
		t.Fatalf("the same name twice: %v", err)
	}
	rows := []store.ImportRow{
		{Line: 2, ResourceInput: store.ResourceInput{Name: "Metro Legal Aid", Kind: "legal"}},
		{Line: 3, ResourceInput: store.ResourceInput{Name: "", Kind: "housing"}},
		{Line: 4, ResourceInput: store.ResourceInput{Name: "Somewhere", Kind: "spa", VerifiedOn: "2030-01-01"}},
		{Line: 5, ResourceInput: store.ResourceInput{Name: "metro legal aid", Kind: "legal"}},
	}
	_, err := db.ImportResources(ctx, sup, rows)
	e, ok := core.As(err)
	if !ok || e.Fields["line 3"] == "" || e.Fields["line 4"] == "" || e.Fields["line 5"] == "" || e.Fields["line 2"] != "" {
		t.Fatalf("row errors: %v", err)
	}
	l, _ := db.ListResources(ctx, sup, store.ResourceFilter{}, store.Page{})
	if len(l.Items) != 1 {
		t.Fatalf("a failed import left %d resources", len(l.Items))
	}
	res, err := db.ImportResources(ctx, sup, []store.ImportRow{
		{Line: 2, ResourceInput: store.ResourceInput{Name: "Metro Legal Aid", Kind: "legal", Languages: "English, Spanish"}},
		{Line: 3, ResourceInput: store.ResourceInput{Name: "988 SUICIDE & CRISIS LIFELINE", Kind: "crisis", Phone: "988", Hours: "Every hour of every day"}},
	})
	if err != nil || res.Created != 1 || res.Updated != 1 {
		t.Fatalf("import: %+v %v", res, err)
	}
	l, _ = db.ListResources(ctx, sup, store.ResourceFilter{Query: "spanish"}, store.Page{})
	if len(l.Items) != 1 || l.Items[0].Name != "Metro Legal Aid" {
		t.Fatalf("search by language: %+v", l.Items)
	}
	if _, err := db.ImportResources(ctx, testkit.Actor(tm.Peer), rows[:1]); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a peer worker importing: %v", err)
	}
	other := db.NewTeam(t, "Other directory")
	if l, _ := db.ListResources(ctx, testkit.Actor(other.Peer), store.ResourceFilter{}, store.Page{}); len(l.Items) != 0 {
		t.Fatal("another organisation sees the directory")
	}
}

func TestConsent(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Consent")
	a := testkit.Actor(tm.Peer)
	p := addPerson(t, db, a, "Ines")
	if _, err := db.RecordConsent(ctx, a, p.ID, store.ConsentInput{GivenOn: "2026-11-24", Covers: "x"}); fieldErr(err) != "given_on" {
		t.Fatalf("consent in the future: %v", err)
	}
	pdf := []byte("%PDF-1.7\n%%EOF")
	c, err := db.RecordConsent(ctx, a, p.ID, store.ConsentInput{GivenOn: "2026-11-23", Covers: "Peer support and notes of our contacts", WitnessedBy: "Sam Supervisor",
		Document: &store.Upload{Filename: "consent.pdf", ContentType: "application/pdf", Data: pdf}})
	if err != nil || c.DocumentName != "consent.pdf" || !c.Current() {
		t.Fatalf("consent: %+v %v", c, err)
	}
	d, data, err := db.ConsentDocument(ctx, testkit.Actor(tm.Supervisor), c.ID)
	if err != nil || string(data) != string(pdf) || d.ContentType != "application/pdf" {
		t.Fatalf("the supervisor downloading: %v", err)
	}
	if _, _, err := db.ConsentDocument(ctx, testkit.Actor(tm.OtherPeer), c.ID); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("another worker downloading: %v", err)
	}
	if _, err := db.WithdrawConsent(ctx, a, c.ID, "2026-11-01", ""); fieldErr(err) != "withdrawn_on" {
		t.Fatalf("withdrawn before it was given: %v", err)
	}
	c, err = db.WithdrawConsent(ctx, a, c.ID, "", "Wants a break from the programme.")
	if err != nil || c.Current() {
		t.Fatalf("withdrawn: %+v %v", c, err)
	}
	if _, err := db.WithdrawConsent(ctx, a, c.ID, "", ""); core.KindOf(err) != core.KindConflict {
		t.Fatalf("withdrawn twice: %v", err)
	}
}

func TestTeamCounts(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Team")
	pat, olu := testkit.Actor(tm.Peer), testkit.Actor(tm.OtherPeer)
	addPerson(t, db, pat, "One")
	addPerson(t, db, pat, "Two")
	p3 := addPerson(t, db, olu, "Three")
	db.CreateReferral(ctx, olu, store.ReferralInput{PersonID: p3.ID, ResourceName: "Food pantry"})
	db.Clock.Advance(8 * 24 * time.Hour)
	db.AddContact(ctx, pat, p3.ID, store.ContactInput{}) // not Pat's: refused
	team, err := db.Team(ctx, testkit.Actor(tm.Supervisor))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][3]int{}
	for _, m := range team {
		got[m.Worker.Name] = [3]int{m.People, m.Overdue, m.FollowUpsDue}
	}
	if got["Pat Peer"] != [3]int{2, 2, 0} || got["Olu Otherpeer"] != [3]int{1, 1, 1} || len(team) != 2 {
		t.Fatalf("team counts: %v", got)
	}
	admin, _ := db.Team(ctx, testkit.Actor(tm.Admin))
	if len(admin) != 4 { // Alex, Olu, Pat, Sam: everyone who can support people
		t.Fatalf("the administrator's team: %d", len(admin))
	}
	if _, err := db.Team(ctx, pat); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a peer worker's team view: %v", err)
	}
}
