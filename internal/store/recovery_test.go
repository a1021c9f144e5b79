package store_test

import (
	"strings"
	"testing"

	"peerpath/internal/core"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// answers builds BARC-10 answers; -1 stands for "prefer not to answer".
func answers(vs ...int) []*int {
	out := make([]*int, len(vs))
	for i, v := range vs {
		if v >= 0 {
			v := v
			out[i] = &v
		}
	}
	return out
}

func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	e, ok := core.As(err)
	if !ok || e.Kind != core.KindInvalid {
		t.Fatalf("want a validation error, got %v", err)
	}
	return e.Fields
}

func TestRecoveryCapitalOverTime(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Capital")
	pat := testkit.Actor(tm.Peer)
	p := addPerson(t, db, pat, "Maria")

	first, err := db.TakeAssessment(ctx, pat, p.ID, store.AssessmentInput{TakenOn: "2026-05-20", Answers: answers(3, 3, 2, 2, 3, 3, 2, 4, 3, 3)})
	if err != nil || first.Total != 28 || !first.Complete || first.Instrument != "barc10" {
		t.Fatalf("first assessment: %+v %v", first, err)
	}
	// A partial one: marked partial, left out of the change.
	partial, err := db.TakeAssessment(ctx, pat, p.ID, store.AssessmentInput{TakenOn: "2026-07-01", Answers: answers(6, 6, 6, -1, 6, 6, 6, 6, 6, 6)})
	if err != nil || partial.Complete || partial.Total != 54 || partial.Answered() != 9 {
		t.Fatalf("partial assessment: %+v %v", partial, err)
	}
	if _, err := db.TakeAssessment(ctx, pat, p.ID, store.AssessmentInput{TakenOn: "2026-08-20", Answers: answers(4, 4, 3, 3, 4, 4, 3, 5, 4, 4)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TakeAssessment(ctx, pat, p.ID, store.AssessmentInput{TakenOn: "2026-11-20", Answers: answers(5, 4, 4, 4, 4, 5, 4, 5, 4, 5)}); err != nil {
		t.Fatal(err)
	}
	c, err := db.RecoveryCapital(ctx, pat, p.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	change, ok := c.Change()
	if len(c.History) != 4 || c.First.Total != 28 || c.Latest.Total != 44 || !ok || change != 16 || c.Partial != 1 {
		t.Fatalf("summary: history %d first %+v latest %+v change %d %v partial %d", len(c.History), c.First, c.Latest, change, ok, c.Partial)
	}
	if c.Due || c.DueOn != "2027-02-18" || c.CheckDays != store.DefaultRecoveryCheckDays {
		t.Fatalf("the next check: due %v on %s every %d", c.Due, c.DueOn, c.CheckDays)
	}
	l, err := db.ListAssessments(ctx, pat, p.ID, store.Page{Limit: 3})
	if err != nil || len(l.Items) != 3 || l.Items[0].TakenOn != "2026-05-20" || l.Next == "" {
		t.Fatalf("history, oldest first: %+v %v", l, err)
	}
	l2, err := db.ListAssessments(ctx, pat, p.ID, store.Page{Limit: 3, Cursor: l.Next})
	if err != nil || len(l2.Items) != 1 || l2.Items[0].TakenOn != "2026-11-20" || l2.Next != "" {
		t.Fatalf("second page: %+v %v", l2, err)
	}
}

func TestBadAssessmentsNameTheField(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Bad capital")
	pat := testkit.Actor(tm.Peer)
	p := addPerson(t, db, pat, "Dee")
	cases := []struct {
		in    store.AssessmentInput
		field string
	}{
		{store.AssessmentInput{Answers: answers(1, 2, 3)}, "answers"},
		{store.AssessmentInput{Answers: answers(1, 2, 3, 4, 5, 6, 7, 1, 2, 3)}, "answers.6"},
		{store.AssessmentInput{Answers: answers(0, 2, 3, 4, 5, 6, 1, 1, 2, 3)}, "answers.0"},
		{store.AssessmentInput{Answers: answers(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1)}, "answers"},
		{store.AssessmentInput{TakenOn: "2026-11-24", Answers: answers(1, 2, 3, 4, 5, 6, 1, 1, 2, 3)}, "taken_on"},
		{store.AssessmentInput{TakenOn: "yesterday", Answers: answers(1, 2, 3, 4, 5, 6, 1, 1, 2, 3)}, "taken_on"},
		{store.AssessmentInput{Instrument: "nope", Answers: answers(1, 2, 3, 4, 5, 6, 1, 1, 2, 3)}, "instrument"},
	}
	for _, c := range cases {
		_, err := db.TakeAssessment(ctx, pat, p.ID, c.in)
		if f := fieldsOf(t, err); f[c.field] == "" {
			t.Errorf("%+v: want a message for %s, got %v", c.in, c.field, f)
		}
	}
	if _, err := db.NoteStage(ctx, pat, p.ID, store.StageInput{LifeArea: "moon", Stage: "action"}); fieldsOf(t, err)["area"] == "" {
		t.Error("an unknown life area is not named")
	}
	if _, err := db.NoteStage(ctx, pat, p.ID, store.StageInput{LifeArea: "home", Stage: "done"}); fieldsOf(t, err)["stage"] == "" {
		t.Error("an unknown stage is not named")
	}
	_, err := db.RecordNeeds(ctx, pat, p.ID, store.NeedsInput{NotedOn: "2027-01-01", Areas: []store.NeedInput{{Area: "housing"}, {Area: "moon"}}})
	if f := fieldsOf(t, err); f["areas.1.area"] == "" || f["noted_on"] == "" || f["areas.0.area"] != "" {
		t.Errorf("needs: %v", f)
	}
	if _, err := db.RecordNeeds(ctx, pat, p.ID, store.NeedsInput{}); fieldsOf(t, err)["areas"] == "" {
		t.Error("no areas at all is not named")
	}
}

// Everything in the recovery picture is seen by the assigned worker, their
// supervisor and the administrator; anyone else gets "not found", for reads
// and writes alike.
func TestWhoSeesARecoveryPicture(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Picture access")
	other := db.NewTeam(t, "Elsewhere")
	pat := testkit.Actor(tm.Peer)
	p := addPerson(t, db, pat, "Rae")
	if _, err := db.TakeAssessment(ctx, pat, p.ID, store.AssessmentInput{Answers: answers(3, 3, 3, 3, 3, 3, 3, 3, 3, 3)}); err != nil {
		t.Fatal(err)
	}
	sup, err := db.AddSupport(ctx, pat, p.ID, store.SupportInput{Name: "Ana", Relationship: "sister", Phone: "617-555-0101", OkayToInvolve: true})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := db.RaiseRightsConcern(ctx, pat, p.ID, store.RightsInput{Kind: "privacy"})
	if err != nil {
		t.Fatal(err)
	}
	reads := map[string]func(a store.Actor) error{
		"picture":   func(a store.Actor) error { _, err := db.RecoveryPicture(ctx, a, p.ID); return err },
		"capital":   func(a store.Actor) error { _, err := db.ListAssessments(ctx, a, p.ID, store.Page{}); return err },
		"stages":    func(a store.Actor) error { _, err := db.StagesOfChange(ctx, a, p.ID); return err },
		"needs":     func(a store.Actor) error { _, err := db.ListNeeds(ctx, a, p.ID, store.Page{}); return err },
		"strengths": func(a store.Actor) error { _, err := db.Strengths(ctx, a, p.ID); return err },
		"supports":  func(a store.Actor) error { _, err := db.NaturalSupports(ctx, a, p.ID); return err },
		"a support": func(a store.Actor) error { _, err := db.NaturalSupport(ctx, a, sup.ID); return err },
		"advocacy":  func(a store.Actor) error { _, err := db.ListAdvocacy(ctx, a, p.ID, store.Page{}); return err },
		"rights":    func(a store.Actor) error { _, err := db.ListRightsConcerns(ctx, a, p.ID, store.Page{}); return err },
		"medication": func(a store.Actor) error {
			_, err := db.ListMedicationQuestions(ctx, a, p.ID, store.Page{})
			return err
		},
		"take": func(a store.Actor) error {
			_, err := db.TakeAssessment(ctx, a, p.ID, store.AssessmentInput{Answers: answers(3, 3, 3, 3, 3, 3, 3, 3, 3, 3)})
			return err
		},
		"stage": func(a store.Actor) error {
			_, err := db.NoteStage(ctx, a, p.ID, store.StageInput{LifeArea: "home", Stage: "action"})
			return err
		},
		"need": func(a store.Actor) error {
			_, err := db.RecordNeeds(ctx, a, p.ID, store.NeedsInput{Areas: []store.NeedInput{{Area: "food"}}})
			return err
		},
		"write str.": func(a store.Actor) error {
			_, err := db.SaveStrengths(ctx, a, p.ID, store.StrengthsInput{GoodAt: "Cooking"})
			return err
		},
		"add support": func(a store.Actor) error {
			_, err := db.AddSupport(ctx, a, p.ID, store.SupportInput{Name: "Jo"})
			return err
		},
		"edit support": func(a store.Actor) error {
			_, err := db.UpdateSupport(ctx, a, sup.ID, store.SupportInput{Name: "Ana", OkayToInvolve: true})
			return err
		},
		"advocate": func(a store.Actor) error {
			_, err := db.AddAdvocacy(ctx, a, p.ID, store.AdvocacyInput{What: "Called housing"})
			return err
		},
		"raise": func(a store.Actor) error {
			_, err := db.RaiseRightsConcern(ctx, a, p.ID, store.RightsInput{Kind: "housing"})
			return err
		},
		"medication question": func(a store.Actor) error {
			_, err := db.AddMedicationQuestion(ctx, a, p.ID, store.MedicationInput{Kind: "side_effect", Text: "Dry mouth"})
			return err
		},
	}
	for who, u := range map[string]store.User{"another peer worker": tm.OtherPeer, "a trainer": tm.Trainer, "another organisation's admin": other.Admin, "another organisation's peer": other.Peer} {
		for what, read := range reads {
			if err := read(testkit.Actor(u)); core.KindOf(err) != core.KindNotFound {
				t.Errorf("%s, %s: want not found, got %v", who, what, err)
			}
		}
		if _, err := db.ResolveRightsConcern(ctx, testkit.Actor(u), rc.ID, "", ""); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s resolves a concern: %v", who, err)
		}
	}
	for who, u := range map[string]store.User{"assigned worker": tm.Peer, "their supervisor": tm.Supervisor, "administrator": tm.Admin} {
		for what, read := range reads {
			if err := read(testkit.Actor(u)); err != nil {
				t.Errorf("%s, %s: %v", who, what, err)
			}
		}
	}
	// Reads are audited.
	l, err := db.ListAudit(ctx, tm.Org.ID, store.AuditFilter{RecordType: "person", RecordID: itoa(p.ID)}, store.Page{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	details := map[string]bool{}
	for _, e := range l.Items {
		if e.Action == "read" {
			details[e.Detail] = true
		}
	}
	for _, want := range []string{"recovery picture", "recovery capital", "stages of change", "areas of need", "natural supports", "advocacy", "rights concerns", "medication questions"} {
		if !details[want] {
			t.Errorf("no audited read %q in %v", want, details)
		}
	}
}

func TestStagesAndNeedsKeepTheirHistory(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Stages")
	pat := testkit.Actor(tm.Peer)
	p := addPerson(t, db, pat, "Lou")
	for _, n := range []store.StageInput{
		{LifeArea: "home", Stage: "contemplation", NotedOn: "2026-06-01"},
		{LifeArea: "home", Stage: "action", NotedOn: "2026-09-01", Note: "Applying for housing"},
		{LifeArea: "health", Stage: "maintenance", NotedOn: "2026-07-01"},
	} {
		if _, err := db.NoteStage(ctx, pat, p.ID, n); err != nil {
			t.Fatal(err)
		}
	}
	st, err := db.StagesOfChange(ctx, pat, p.ID)
	if err != nil || st.Current["home"].Stage != "action" || st.Current["health"].Stage != "maintenance" || len(st.History) != 3 {
		t.Fatalf("stages: %+v %v", st, err)
	}
	if _, ok := st.Current["purpose"]; ok {
		t.Fatal("an area with no note has a stage")
	}

	check, err := db.RecordNeeds(ctx, pat, p.ID, store.NeedsInput{NotedOn: "2026-11-20", Areas: []store.NeedInput{
		{Area: "housing", InTheirWords: "A place of my own"}, {Area: "food", InTheirWords: "Enough till the end of the month"}}})
	if err != nil || len(check.Needs) != 2 || check.Needs[0].AreaLabel != "Housing" {
		t.Fatalf("needs: %+v %v", check, err)
	}
	// A need starts a referral and a goal in one step, carrying the area.
	ref, err := db.CreateReferral(ctx, pat, store.ReferralInput{PersonID: p.ID, ResourceName: "Housing search", Reason: "Housing: A place of my own", NeedID: check.Needs[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	life, err := db.NeedLifeArea(ctx, tm.Org.ID, check.Needs[1])
	if err != nil || life != "home" {
		t.Fatalf("food's life area: %q %v", life, err)
	}
	g, err := db.AddGoal(ctx, pat, p.ID, store.GoalInput{Text: check.Needs[1].InTheirWords, LifeArea: life, NeedID: check.Needs[1].ID})
	if err != nil {
		t.Fatal(err)
	}
	l, err := db.ListNeeds(ctx, pat, p.ID, store.Page{})
	if err != nil || len(l.Items) != 1 || l.Items[0].Needs[0].ReferralID != ref.ID || l.Items[0].Needs[1].GoalID != g.ID {
		t.Fatalf("the needs remember what they started: %+v %v", l, err)
	}
	// Someone else's need cannot be linked.
	other := addPerson(t, db, pat, "Not Lou")
	if _, err := db.AddGoal(ctx, pat, other.ID, store.GoalInput{Text: "x", LifeArea: "home", NeedID: check.Needs[0].ID}); fieldsOf(t, err)["need_id"] == "" {
		t.Fatalf("another person's need: %v", err)
	}
}

func TestOrganisationsSetTheirOwnAreasInstrumentsAndInterval(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Own settings")
	admin, pat := testkit.Actor(tm.Admin), testkit.Actor(tm.Peer)
	if _, err := db.UpdateRecoverySettings(ctx, pat, store.RecoverySettingsInput{CheckDays: 30}); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a peer worker changes settings: %v", err)
	}
	set, err := db.UpdateRecoverySettings(ctx, admin, store.RecoverySettingsInput{CheckDays: 60, Areas: []string{"Housing | home", "Child care | community", "Pets"}})
	if err != nil || set.CheckDays != 60 || len(set.Areas) != 3 || set.Areas[1].Key != "child_care" || !set.OwnAreas {
		t.Fatalf("settings: %+v %v", set, err)
	}
	if _, err := db.UpdateRecoverySettings(ctx, admin, store.RecoverySettingsInput{CheckDays: 1, Areas: []string{"X | moon"}}); len(fieldsOf(t, err)) != 2 {
		t.Fatalf("bad settings: %v", err)
	}
	p := addPerson(t, db, pat, "Kim")
	if _, err := db.RecordNeeds(ctx, pat, p.ID, store.NeedsInput{Areas: []store.NeedInput{{Area: "child_care"}}}); err != nil {
		t.Fatalf("the organisation's own area: %v", err)
	}
	if _, err := db.RecordNeeds(ctx, pat, p.ID, store.NeedsInput{Areas: []store.NeedInput{{Area: "food"}}}); fieldsOf(t, err)["areas.0.area"] == "" {
		t.Fatal("an area no longer in the list is accepted")
	}

	// An instrument of the organisation's own, from a file.
	file := `{"key": "wellbeing3", "name": "Three questions", "citation": "Our own", "scale": {"min": 0, "max": 2, "labels": ["No", "Somewhat", "Yes"]},
		"items": [{"key": "a", "text": "I slept well."}, {"key": "b", "text": "I ate well."}, {"key": "c", "text": "I saw a friend."}]}`
	if _, err := db.AddInstrument(ctx, pat, []byte(file)); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a peer worker adds an instrument: %v", err)
	}
	if _, err := db.AddInstrument(ctx, admin, []byte(file)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddInstrument(ctx, admin, []byte(file)); fieldsOf(t, err)["instrument"] == "" {
		t.Fatal("the same key twice")
	}
	if _, err := db.AddInstrument(ctx, admin, []byte(`{"key": "x"}`)); fieldsOf(t, err)["instrument"] == "" {
		t.Fatal("a broken file")
	}
	as, err := db.TakeAssessment(ctx, pat, p.ID, store.AssessmentInput{Instrument: "wellbeing3", Answers: answers(2, 1, 2)})
	if err != nil || as.Total != 5 || !as.Complete {
		t.Fatalf("the organisation's instrument: %+v %v", as, err)
	}
	// Another organisation does not have it.
	o := db.NewTeam(t, "Without it")
	op := addPerson(t, db, testkit.Actor(o.Peer), "Ola")
	if _, err := db.TakeAssessment(ctx, testkit.Actor(o.Peer), op.ID, store.AssessmentInput{Instrument: "wellbeing3", Answers: answers(2, 1, 2)}); fieldsOf(t, err)["instrument"] == "" {
		t.Fatal("another organisation's instrument is usable")
	}
}

func TestPeopleDueARecoveryCapitalCheck(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Due checks")
	pat := testkit.Actor(tm.Peer)
	never := addPerson(t, db, pat, "Never Taken")
	old := addPerson(t, db, pat, "Long Ago")
	recent := addPerson(t, db, pat, "Just Now")
	addPerson(t, db, testkit.Actor(tm.OtherPeer), "Someone Else's")
	ten := answers(3, 3, 3, 3, 3, 3, 3, 3, 3, 3)
	if _, err := db.TakeAssessment(ctx, pat, old.ID, store.AssessmentInput{TakenOn: "2026-08-01", Answers: ten}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TakeAssessment(ctx, pat, recent.ID, store.AssessmentInput{TakenOn: "2026-11-01", Answers: ten}); err != nil {
		t.Fatal(err)
	}
	due, more, days, err := db.RecoveryChecksDue(ctx, pat, 5)
	if err != nil || more || days != 90 || len(due) != 2 || due[0].PersonID != never.ID || due[1].PersonID != old.ID || due[1].LastTakenOn != "2026-08-01" {
		t.Fatalf("due: %+v %v %d %v", due, more, days, err)
	}
	// The interval is the organisation's setting.
	if _, err := db.UpdateRecoverySettings(ctx, testkit.Actor(tm.Admin), store.RecoverySettingsInput{CheckDays: 14}); err != nil {
		t.Fatal(err)
	}
	due, _, days, _ = db.RecoveryChecksDue(ctx, pat, 5)
	if len(due) != 3 || days != 14 {
		t.Fatalf("with 14 days: %+v", due)
	}
	// A closed person is not listed.
	closed := store.StatusClosed
	reason := "Moved away"
	if _, err := db.UpdatePerson(ctx, pat, never.ID, store.PersonPatch{Status: &closed, ClosedReason: &reason}); err != nil {
		t.Fatal(err)
	}
	if due, _, _, _ = db.RecoveryChecksDue(ctx, pat, 5); len(due) != 2 {
		t.Fatalf("a closed person is listed: %+v", due)
	}
	// Other roles: a trainer sees nobody.
	if due, _, _, err := db.RecoveryChecksDue(ctx, testkit.Actor(tm.Trainer), 5); err != nil || len(due) != 0 {
		t.Fatalf("trainer: %+v %v", due, err)
	}
}

func TestStrengthsSupportsAdvocacyRightsAndMedication(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Strengths")
	pat := testkit.Actor(tm.Peer)
	p := addPerson(t, db, pat, "Ines")
	st, err := db.Strengths(ctx, pat, p.ID)
	if err != nil || !st.Empty() {
		t.Fatalf("nothing yet: %+v %v", st, err)
	}
	if _, err := db.SaveStrengths(ctx, pat, p.ID, store.StrengthsInput{GoodAt: "Fixing bikes", Items: []string{"Caring", "Funny\nBrave", "Caring"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveStrengths(ctx, pat, p.ID, store.StrengthsInput{GoodAt: "Fixing bikes and cooking", WhatMatters: "My son", Items: []string{"Caring", "Brave"}}); err != nil {
		t.Fatal(err)
	}
	st, _ = db.Strengths(ctx, pat, p.ID)
	if st.GoodAt != "Fixing bikes and cooking" || st.WhatMatters != "My son" || strings.Join(st.Items, ",") != "Caring,Brave" {
		t.Fatalf("strengths: %+v", st)
	}
	if _, err := db.SaveStrengths(ctx, pat, p.ID, store.StrengthsInput{Items: []string{strings.Repeat("x", 81)}}); fieldsOf(t, err)["strengths"] == "" {
		t.Fatal("a long short strength")
	}

	if _, err := db.AddSupport(ctx, pat, p.ID, store.SupportInput{Name: "", Phone: "call me"}); len(fieldsOf(t, err)) != 2 {
		t.Fatal("a support without a name and with a bad phone")
	}
	s1, err := db.AddSupport(ctx, pat, p.ID, store.SupportInput{Name: "Ana", Relationship: "sister", HowTheyHelp: "Listens", Phone: "617-555-0101", OkayToInvolve: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateSupport(ctx, pat, s1.ID, store.SupportInput{Name: "Ana", Relationship: "sister", OkayToInvolve: false}); err != nil {
		t.Fatal(err)
	}
	ss, _ := db.NaturalSupports(ctx, pat, p.ID)
	if len(ss) != 1 || ss[0].OkayToInvolve || ss[0].Phone != "" {
		t.Fatalf("supports: %+v", ss)
	}

	if _, err := db.AddAdvocacy(ctx, pat, p.ID, store.AdvocacyInput{What: "", DoneOn: "2030-01-01"}); len(fieldsOf(t, err)) != 2 {
		t.Fatal("advocacy without what, in the future")
	}
	if _, err := db.AddAdvocacy(ctx, pat, p.ID, store.AdvocacyInput{What: "Went with Ines to the benefits office", WithWhom: "DTA", Outcome: "Appeal filed", Skill: "Saying what I need"}); err != nil {
		t.Fatal(err)
	}
	rc, err := db.RaiseRightsConcern(ctx, pat, p.ID, store.RightsInput{Kind: "privacy", RaisedOn: "2026-11-01", Note: "Mail opened at the shelter"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RaiseRightsConcern(ctx, pat, p.ID, store.RightsInput{Kind: "nope"}); fieldsOf(t, err)["kind"] == "" {
		t.Fatal("an unknown kind")
	}
	if _, err := db.ResolveRightsConcern(ctx, pat, rc.ID, "2026-10-01", ""); fieldsOf(t, err)["resolved_on"] == "" {
		t.Fatal("resolved before raised")
	}
	if _, err := db.ResolveRightsConcern(ctx, pat, rc.ID, "2026-11-10", "The shelter changed its rule"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ResolveRightsConcern(ctx, pat, rc.ID, "", ""); core.KindOf(err) != core.KindConflict {
		t.Fatalf("resolved twice: %v", err)
	}
	mq, err := db.AddMedicationQuestion(ctx, pat, p.ID, store.MedicationInput{Kind: "question_for_prescriber", Text: "Can I take it at night instead?"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddMedicationQuestion(ctx, pat, p.ID, store.MedicationInput{Kind: "dose"}); len(fieldsOf(t, err)) != 2 {
		t.Fatal("a bad medication question")
	}
	rp, err := db.RecoveryPicture(ctx, pat, p.ID)
	if err != nil || rp.Advocacy != 1 || rp.OpenRights != 0 || rp.OpenMedication != 1 || len(rp.Supports) != 1 || rp.Strengths.GoodAt == "" {
		t.Fatalf("picture: %+v %v", rp, err)
	}
	if _, err := db.SettleMedicationQuestion(ctx, pat, mq.ID); err != nil {
		t.Fatal(err)
	}
	if rp, _ = db.RecoveryPicture(ctx, pat, p.ID); rp.OpenMedication != 0 {
		t.Fatal("a settled question is still open")
	}
}
