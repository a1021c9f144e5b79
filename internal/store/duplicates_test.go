package store_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// flagsFor lists the open possible duplicates a sees, failing on error.
func flagsFor(t *testing.T, db *testkit.DB, a store.Actor) []store.DuplicateFlag {
	t.Helper()
	l, err := db.DuplicateFlags(ctx, a, store.Page{})
	if err != nil {
		t.Fatalf("listing possible duplicates: %v", err)
	}
	return l.Items
}

// Adding someone alike never fails and tells the worker nothing; a flag is
// written, audited, and shown to an administrator, and to a supervisor only
// for records they see.
func TestAddingAPersonNeverRevealsAnotherRecord(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Dups")
	outsider := db.MakeUser(t, tm.Org.ID, "ola@dups.test", "Ola Outside", auth.RoleSupervisor)
	stranger := db.MakeUserWith(t, store.NewUser{OrgID: tm.Org.ID, Email: "kim@dups.test", Name: "Kim Stranger", Roles: []auth.Role{auth.RolePeer}, SupervisorID: outsider.ID})
	pat, kim := testkit.Actor(tm.Peer), testkit.Actor(stranger)
	admin, sam, ola := testkit.Actor(tm.Admin), testkit.Actor(tm.Supervisor), testkit.Actor(outsider)

	mine := addPerson(t, db, pat, "José Álvarez")
	// Kim has no relationship with Pat's José: the add goes ahead as any other.
	theirs, err := db.CreatePerson(ctx, kim, store.PersonInput{PreferredName: "JOSE ALVAREZ"})
	if err != nil || theirs.ID == 0 || theirs.ID == mine.ID {
		t.Fatalf("adding someone with the same name: %+v %v", theirs, err)
	}
	if _, err := db.DuplicateFlags(ctx, kim, store.Page{}); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a peer worker listing possible duplicates: %v", err)
	}

	fs := flagsFor(t, db, admin)
	if len(fs) != 1 || fs[0].Person.ID != theirs.ID || fs[0].Other.ID != mine.ID || !fs[0].CanResolve() {
		t.Fatalf("the administrator's flags: %+v", fs)
	}
	// Sam supervises Pat (Kim's record is outside the team): one side only.
	fs = flagsFor(t, db, sam)
	if len(fs) != 1 || fs[0].Person.Visible || fs[0].Person.Name != "" || fs[0].Person.ID != 0 || fs[0].Other.ID != mine.ID || fs[0].CanResolve() {
		t.Fatalf("a supervisor who sees one record: %+v", fs)
	}
	fs = flagsFor(t, db, ola)
	if len(fs) != 1 || fs[0].Other.Visible || fs[0].Person.ID != theirs.ID {
		t.Fatalf("Kim's supervisor: %+v", fs)
	}
	// Neither supervisor may dismiss or merge what they cannot see whole.
	for who, a := range map[string]store.Actor{"Sam": sam, "Ola": ola, "Kim": kim, "Pat": pat} {
		if err := db.DismissDuplicate(ctx, a, fs[0].ID); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s dismissing: %v, want not found", who, err)
		}
		if _, err := db.MergePeople(ctx, a, mine.ID, theirs.ID); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s merging: %v, want not found", who, err)
		}
	}
	// The flag is audited, naming both records and who added the person.
	l, err := db.ListAudit(ctx, tm.Org.ID, store.AuditFilter{RecordType: "person_duplicate_flag"}, store.Page{})
	if err != nil || len(l.Items) != 1 || l.Items[0].UserID != stranger.ID || l.Items[0].Detail != strconv.FormatInt(theirs.ID, 10)+","+strconv.FormatInt(mine.ID, 10) {
		t.Fatalf("audit of the flag: %+v %v", l.Items, err)
	}

	// The rule: the same name, preferred or legal, and no date of birth that
	// tells them apart.
	sunny, _ := db.CreatePerson(ctx, pat, store.PersonInput{PreferredName: "Sunny", LegalName: "Sunita Rao", BornOn: "1990-04-02"})
	if _, err := db.CreatePerson(ctx, pat, store.PersonInput{PreferredName: "Sue", LegalName: "sunita rao", BornOn: "1990-04-02"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreatePerson(ctx, pat, store.PersonInput{PreferredName: "Sue", LegalName: "Sunita Rao", BornOn: "1991-04-02"}); err != nil {
		t.Fatal(err)
	}
	fs = flagsFor(t, db, admin)
	if len(fs) != 2 || fs[0].Other.ID != sunny.ID {
		t.Fatalf("same legal name and birth date flagged, another birth date not: %+v", fs)
	}
	// Renaming someone to the name of another flags the pair too, once.
	lee := addPerson(t, db, kim, "Lee Park")
	for range 2 {
		name := "JOSÉ ÁLVAREZ"
		if _, err := db.UpdatePerson(ctx, kim, lee.ID, store.PersonPatch{PreferredName: &name}); err != nil {
			t.Fatal(err)
		}
		other := "Lee"
		if _, err := db.UpdatePerson(ctx, kim, lee.ID, store.PersonPatch{PreferredName: &other}); err != nil {
			t.Fatal(err)
		}
	}
	fs = flagsFor(t, db, admin)
	if len(fs) != 4 || fs[0].Person.ID != lee.ID || fs[1].Person.ID != lee.ID {
		t.Fatalf("renamed to the name of two others, twice: %+v", fs)
	}
	for _, f := range fs[:2] {
		if err := db.DismissDuplicate(ctx, admin, f.ID); err != nil {
			t.Fatal(err)
		}
	}
	fs = flagsFor(t, db, admin)
	// Another organisation's people are never duplicates.
	other := db.NewTeam(t, "Far away")
	addPerson(t, db, testkit.Actor(other.Peer), "José Álvarez")
	if fs := flagsFor(t, db, testkit.Actor(other.Admin)); len(fs) != 0 {
		t.Fatalf("another organisation: %+v", fs)
	}
	if fs := flagsFor(t, db, admin); len(fs) != 2 {
		t.Fatalf("after another organisation's add: %+v", fs)
	}

	// Dismissing: an administrator (or a supervisor who sees both).
	if err := db.DismissDuplicate(ctx, admin, fs[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := db.DismissDuplicate(ctx, admin, fs[0].ID); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("dismissing twice: %v", err)
	}
	if err := db.DismissDuplicate(ctx, testkit.Actor(other.Admin), fs[1].ID); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("another organisation's administrator: %v", err)
	}
	if got := flagsFor(t, db, admin); len(got) != 1 || got[0].ID != fs[1].ID {
		t.Fatalf("after dismissing: %+v", got)
	}
}

// The merge moves every record about the person, keeps the merged row, and
// is audited on both records.
func TestMergeKeepsEveryRecord(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Merge")
	other := db.NewTeam(t, "Elsewhere")
	pat, olu, sam, admin := testkit.Actor(tm.Peer), testkit.Actor(tm.OtherPeer), testkit.Actor(tm.Supervisor), testkit.Actor(tm.Admin)
	keep, err := db.CreatePerson(ctx, pat, store.PersonInput{PreferredName: "Maria Santos", Programmes: []string{"Drop-in"}})
	if err != nil {
		t.Fatal(err)
	}
	from, err := db.CreatePerson(ctx, olu, store.PersonInput{PreferredName: "maria santos", Programmes: []string{"Drop-in", "WRAP"}})
	if err != nil {
		t.Fatal(err)
	}
	// Records on both: contacts, goals, a referral, consent, plan versions,
	// a group with attendance.
	at := db.Clock.Now().Add(-48 * time.Hour)
	for i, x := range []struct {
		a  store.Actor
		id int64
	}{{pat, keep.ID}, {olu, from.ID}, {olu, from.ID}} {
		if _, err := db.AddContact(ctx, x.a, x.id, store.ContactInput{OccurredAt: at.Add(time.Duration(i) * time.Hour), DurationMinutes: 10, Format: "individual", Mode: "phone", Kind: "check_in"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, x := range []struct {
		a  store.Actor
		id int64
	}{{pat, keep.ID}, {olu, from.ID}} {
		if _, err := db.AddGoal(ctx, x.a, x.id, store.GoalInput{Text: "Find a place of my own", LifeArea: "home"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateReferral(ctx, x.a, store.ReferralInput{PersonID: x.id, ResourceName: "The pantry on Elm St"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecordConsent(ctx, x.a, x.id, store.ConsentInput{GivenOn: "2026-11-20", Covers: "Peer support"}); err != nil {
			t.Fatal(err)
		}
	}
	// Safety plan: version 1 on the kept record, then versions 1 and 2 on
	// the other, saved later; and a wellness plan on the other only.
	for _, x := range []struct {
		a    store.Actor
		id   int64
		sign string
	}{{pat, keep.ID, "kept one"}, {olu, from.ID, "merged one"}, {olu, from.ID, "merged two"}} {
		db.Clock.Advance(time.Minute)
		if _, err := db.SavePlan(ctx, x.a, store.SafetyPlan, x.id, safetyInput([]string{x.sign})); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SavePlan(ctx, olu, store.WellnessPlan, from.ID, store.PlanInput{Items: map[string][]string{"staying_well": {"Walks by the river"}}}); err != nil {
		t.Fatal(err)
	}
	g := mustGroup(t, db, sam, hearingVoices(tm.Peer.ID, tm.OtherPeer.ID))
	if err := db.AddGroupMembers(ctx, sam, g.ID, []int64{keep.ID, from.ID}, "2026-11-01"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordGroupSession(ctx, sam, g.ID, store.GroupSessionInput{HeldOn: "2026-11-19", Attendance: map[int64]string{keep.ID: "present", from.ID: "present"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordGroupSession(ctx, sam, g.ID, store.GroupSessionInput{HeldOn: "2026-11-12", Attendance: map[int64]string{from.ID: "late"}}); err != nil {
		t.Fatal(err)
	}

	moved := []string{"contacts", "consents", "goal_cycles", "goals", "referrals", "plan_versions"}
	before := map[string]int{}
	for _, table := range moved {
		for _, id := range []int64{keep.ID, from.ID} {
			n, err := db.CountRows(ctx, table, "person_id", id)
			if err != nil {
				t.Fatal(err)
			}
			before[table] += n
		}
	}
	if before["plan_versions"] != 4 || before["contacts"] != 3+3 { // 3 contacts and 3 group contacts
		t.Fatalf("fixture: %v", before)
	}

	// Who may merge: a supervisor who sees both, an administrator. Sam
	// supervises Pat and Olu; a peer worker and another organisation get
	// "not found".
	for who, a := range map[string]store.Actor{"Pat": pat, "Olu": olu, "another organisation's admin": testkit.Actor(other.Admin)} {
		if _, err := db.MergePeople(ctx, a, keep.ID, from.ID); core.KindOf(err) != core.KindNotFound {
			t.Fatalf("%s merging: %v, want not found", who, err)
		}
	}
	if _, err := db.MergePeople(ctx, admin, keep.ID, keep.ID); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("merging a record into itself: %v", err)
	}
	kept, err := db.MergePeople(ctx, sam, keep.ID, from.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range moved {
		after, _ := db.CountRows(ctx, table, "person_id", keep.ID)
		left, _ := db.CountRows(ctx, table, "person_id", from.ID)
		if after != before[table] || left != 0 {
			t.Errorf("%s: %d rows on the kept record and %d left, want all %d moved", table, after, left, before[table])
		}
	}
	// Assignments, programmes: the union.
	if !kept.AssignedTo(tm.Peer.ID) || !kept.AssignedTo(tm.OtherPeer.ID) || !slices.Equal(kept.Programmes, []string{"Drop-in", "WRAP"}) {
		t.Fatalf("the kept record's workers and programmes: %+v %v", kept.Workers, kept.Programmes)
	}
	// Group: one membership, attendance at both sessions, counts right.
	if n, _ := db.CountRows(ctx, "group_members", "person_id", keep.ID); n != 1 {
		t.Errorf("memberships: %d", n)
	}
	if n, _ := db.CountRows(ctx, "group_attendance", "person_id", keep.ID); n != 2 {
		t.Errorf("attendance marks: %d", n)
	}
	sessions, err := db.GroupSessions(ctx, sam, g.ID, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sessions.Items {
		if s.Present+s.Late != 1 {
			t.Errorf("session %s counts %d present, %d late, want one person", s.HeldOn, s.Present, s.Late)
		}
	}
	// Plan versions: numbered again in the order saved; the latest saved is
	// current; every version stays readable.
	vs, err := db.PlanVersions(ctx, olu, store.SafetyPlan, keep.ID, store.Page{})
	if err != nil || len(vs.Items) != 3 || vs.Items[0].Version != 3 || vs.Items[2].Version != 1 {
		t.Fatalf("safety plan versions: %+v %v", vs.Items, err)
	}
	plan, err := db.Plan(ctx, pat, store.SafetyPlan, keep.ID)
	if err != nil || plan.Version != 3 || !slices.Contains(plan.Section("warning_signs").Items, "merged two") {
		t.Fatalf("current safety plan: %+v %v", plan, err)
	}
	if plan, err := db.Plan(ctx, pat, store.WellnessPlan, keep.ID); err != nil || plan.Version != 1 {
		t.Fatalf("wellness plan: %+v %v", plan, err)
	}
	// The merged record: gone for everyone, but its row stays and old
	// links lead to the kept record for those who may see it.
	for who, a := range map[string]store.Actor{"admin": admin, "Sam": sam, "Olu": olu} {
		if _, err := db.Person(ctx, a, from.ID); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s reading the merged record: %v", who, err)
		}
		if into, err := db.MergedInto(ctx, a, from.ID); err != nil || into != keep.ID {
			t.Errorf("%s following the merged record: %d %v", who, into, err)
		}
	}
	if _, err := db.MergedInto(ctx, testkit.Actor(tm.Trainer), from.ID); core.KindOf(err) != core.KindNotFound {
		t.Errorf("a trainer following the merged record: %v", err)
	}
	if _, err := db.MergedInto(ctx, testkit.Actor(other.Admin), from.ID); core.KindOf(err) != core.KindNotFound {
		t.Errorf("another organisation following the merged record: %v", err)
	}
	if _, err := db.MergePeople(ctx, admin, keep.ID, from.ID); core.KindOf(err) != core.KindNotFound {
		t.Errorf("merging again: %v", err)
	}
	// The flag between them is resolved; the audit names both ids.
	if fs := flagsFor(t, db, admin); len(fs) != 0 {
		t.Errorf("flags after the merge: %+v", fs)
	}
	l, err := db.ListAudit(ctx, tm.Org.ID, store.AuditFilter{RecordType: "person", RecordID: strconv.FormatInt(keep.ID, 10)}, store.Page{})
	if err != nil || l.Items[0].Detail != "merged:"+strconv.FormatInt(from.ID, 10) || l.Items[0].UserID != tm.Supervisor.ID {
		t.Fatalf("audit of the merge: %+v %v", l.Items[0], err)
	}
	// The merged record's own audit trail is still there, untouched.
	l, err = db.ListAudit(ctx, tm.Org.ID, store.AuditFilter{RecordType: "person", RecordID: strconv.FormatInt(from.ID, 10)}, store.Page{Limit: 500})
	if err != nil || len(l.Items) < 2 || l.Items[0].Detail != "merged_into:"+strconv.FormatInt(keep.ID, 10) || l.Items[len(l.Items)-1].Action != "create" {
		t.Fatalf("the merged record's audit trail: %+v %v", l.Items, err)
	}
	if _, err := db.VerifyAudit(ctx); err != nil {
		t.Fatalf("the audit chain after a merge: %v", err)
	}
}

// Every column that names a person is handled by the merge: a new table
// with a person_id must say what a merge does with it (store.mergeSteps).
func TestMergeHandlesEveryPersonColumn(t *testing.T) {
	db := testkit.NewStore(t)
	cols, err := db.PersonColumnsInSchema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	handled := store.MergeColumns()
	if len(cols) < 10 {
		t.Fatalf("the schema query found too few columns to be right: %v", cols)
	}
	for _, c := range cols {
		if !slices.Contains(handled, c) {
			t.Errorf("%s names a person but the merge does not handle it: add a step to mergeSteps in duplicates.go", c)
		}
	}
}

// TestMergeKeepsTheRecoveryPicture: assessments from both records make one
// history, and strengths written on both are joined, nothing dropped.
func TestMergeKeepsTheRecoveryPicture(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Picture")
	pat, olu, admin := testkit.Actor(tm.Peer), testkit.Actor(tm.OtherPeer), testkit.Actor(tm.Admin)
	keep, err := db.CreatePerson(ctx, pat, store.PersonInput{PreferredName: "Rosa Lima"})
	if err != nil {
		t.Fatal(err)
	}
	from, err := db.CreatePerson(ctx, olu, store.PersonInput{PreferredName: "Rosa Lima"})
	if err != nil {
		t.Fatal(err)
	}
	answers := func(v int) []*int {
		out := make([]*int, 10)
		for i := range out {
			out[i] = &v
		}
		return out
	}
	today := db.Clock.Now().Format("2006-01-02")
	if _, err := db.TakeAssessment(ctx, pat, keep.ID, store.AssessmentInput{TakenOn: today, Answers: answers(3)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TakeAssessment(ctx, olu, from.ID, store.AssessmentInput{TakenOn: today, Answers: answers(4)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveStrengths(ctx, pat, keep.ID, store.StrengthsInput{GoodAt: "Cooking for friends"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveStrengths(ctx, olu, from.ID, store.StrengthsInput{GoodAt: "Fixing bikes", WhatMatters: "My daughter"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.MergePeople(ctx, admin, keep.ID, from.ID); err != nil {
		t.Fatal(err)
	}
	list, err := db.ListAssessments(ctx, admin, keep.ID, store.Page{})
	if err != nil || len(list.Items) != 2 {
		t.Fatalf("assessments after the merge: %d %v", len(list.Items), err)
	}
	st, err := db.Strengths(ctx, admin, keep.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.GoodAt != "Cooking for friends\nFixing bikes" || st.WhatMatters != "My daughter" {
		t.Errorf("strengths after the merge: %+v", st)
	}
}
