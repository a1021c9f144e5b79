package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

const day = 24 * time.Hour

// safetyInput is a safety plan as a form or the API would send it.
func safetyInput(signs []string, ask ...store.PlanContact) store.PlanInput {
	return store.PlanInput{
		Items:    map[string][]string{"warning_signs": signs, "what_matters": {"My daughter", "Fishing with my brother"}},
		Contacts: map[string][]store.PlanContact{"people_to_ask": ask, "professionals_and_crisis_lines": store.DefaultCrisisLines},
	}
}

func TestSafetyPlanVersionsStayReadable(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Versions")
	pat, sam := testkit.Actor(tm.Peer), testkit.Actor(tm.Supervisor)
	p := addPerson(t, db, pat, "José Ñúñez")

	// No plan yet: version 0, with the crisis lines filled in.
	cur, err := db.Plan(ctx, pat, store.SafetyPlan, p.ID)
	if err != nil || cur.Version != 0 || len(cur.Sections) != 7 {
		t.Fatalf("no plan yet: %+v %v", cur, err)
	}
	if got := cur.Section("professionals_and_crisis_lines").Contacts; !slices.Equal(got, store.DefaultCrisisLines) {
		t.Fatalf("prefilled crisis lines: %+v", got)
	}
	if !strings.Contains(cur.Section("professionals_and_crisis_lines").Contacts[1].Phone, "833-773-2445") {
		t.Fatal("the Massachusetts Behavioral Health Help Line is not prefilled")
	}

	v1, err := db.SavePlan(ctx, pat, store.SafetyPlan, p.ID, safetyInput([]string{"Not sleeping", "Skipping meals"}, store.PlanContact{Name: "Ana (sister)", Phone: "617-555-0101"}))
	if err != nil || v1.Version != 1 || v1.SavedByName != "Pat Peer" {
		t.Fatalf("first save: %+v %v", v1, err)
	}
	db.Clock.Advance(3 * day)
	in := safetyInput([]string{"Not sleeping", "Staying in bed all day"}, store.PlanContact{Name: "Ana (sister)", Phone: "617-555-0199"})
	base := 1
	in.Base = &base
	if _, err := db.SavePlan(ctx, pat, store.SafetyPlan, p.ID, in); err != nil {
		t.Fatal(err)
	}
	db.Clock.Advance(day)
	in = safetyInput([]string{"Staying in bed all day", "Not sleeping"}, store.PlanContact{Name: "Ana (sister)", Phone: "617-555-0199"})
	in.Items["safer_surroundings"] = []string{"Ana keeps my pills\nI keep only a week's worth"}
	v3, err := db.SavePlan(ctx, sam, store.SafetyPlan, p.ID, in)
	if err != nil || v3.Version != 3 || v3.SavedByName != "Sam Supervisor" {
		t.Fatalf("third save by the supervisor: %+v %v", v3, err)
	}
	// A line break in an item makes two items, as in the form.
	if got := v3.Section("safer_surroundings").Items; len(got) != 2 || got[1] != "I keep only a week's worth" {
		t.Fatalf("items split at line breaks: %q", got)
	}

	l, err := db.PlanVersions(ctx, pat, store.SafetyPlan, p.ID, store.Page{})
	if err != nil || len(l.Items) != 3 {
		t.Fatalf("versions: %d %v", len(l.Items), err)
	}
	if l.Items[0].Version != 3 || l.Items[2].Version != 1 || !l.Items[2].SavedAt.Equal(testkit.Start) {
		t.Fatalf("versions newest first: %d … %d at %v", l.Items[0].Version, l.Items[2].Version, l.Items[2].SavedAt)
	}
	// What changed, version by version.
	v2changes := l.Items[1].Changes
	if len(v2changes) != 2 || v2changes[0].Key != "warning_signs" || !slices.Equal(v2changes[0].Added, []string{"Staying in bed all day"}) ||
		!slices.Equal(v2changes[0].Removed, []string{"Skipping meals"}) {
		t.Fatalf("version 2 changes: %+v", v2changes)
	}
	if c := v2changes[1]; c.Key != "people_to_ask" || c.Added[0] != "Ana (sister) — 617-555-0199" || c.Removed[0] != "Ana (sister) — 617-555-0101" {
		t.Fatalf("a changed phone number: %+v", c)
	}
	v3changes := l.Items[0].Changes
	if len(v3changes) != 2 || !v3changes[0].Reordered || v3changes[1].Key != "safer_surroundings" || len(v3changes[1].Added) != 2 {
		t.Fatalf("version 3 changes: %+v", v3changes)
	}
	if v1changes := l.Items[2].Changes; len(v1changes) != 4 {
		t.Fatalf("version 1 adds four sections: %+v", v1changes)
	}
	// An earlier version is readable whole, with its own words.
	old, err := db.PlanVersion(ctx, sam, store.SafetyPlan, p.ID, 1)
	if err != nil || !slices.Contains(old.Section("warning_signs").Items, "Skipping meals") || old.SavedByName != "Pat Peer" {
		t.Fatalf("version 1: %+v %v", old, err)
	}
	if _, err := db.PlanVersion(ctx, sam, store.SafetyPlan, p.ID, 4); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("a version that does not exist: %v", err)
	}
	// Pages of versions.
	page, _ := db.PlanVersions(ctx, pat, store.SafetyPlan, p.ID, store.Page{Limit: 2})
	if len(page.Items) != 2 || page.Next == "" || len(page.Items[1].Changes) != 2 {
		t.Fatalf("first page: %d items, next %q", len(page.Items), page.Next)
	}
	page, _ = db.PlanVersions(ctx, pat, store.SafetyPlan, p.ID, store.Page{Limit: 2, Cursor: page.Next})
	if len(page.Items) != 1 || page.Items[0].Version != 1 || page.Next != "" {
		t.Fatalf("second page: %+v", page)
	}

	// Saving from an old version is a conflict that names the newer one.
	_, err = db.SavePlan(ctx, pat, store.SafetyPlan, p.ID, store.PlanInput{Base: &base})
	if e, ok := core.As(err); !ok || e.Kind != core.KindConflict || !strings.Contains(e.Message, "version 3, by Sam Supervisor") {
		t.Fatalf("a stale save: %v", err)
	}
	// The audit log names sections, never their words.
	entries, _ := db.ListAudit(ctx, tm.Org.ID, store.AuditFilter{RecordType: "safety_plan"}, store.Page{})
	var details []string
	for _, e := range entries.Items {
		details = append(details, string(e.Action)+" "+e.Detail)
		if strings.Contains(e.Detail, "sleep") || strings.Contains(e.Detail, "617") {
			t.Errorf("the audit log holds the plan's words: %q", e.Detail)
		}
	}
	for _, want := range []string{"create version 1", "update version 2: warning_signs, people_to_ask", "read versions", "read version 1"} {
		if !slices.Contains(details, want) {
			t.Errorf("no audit entry %q in %q", want, details)
		}
	}
}

func TestEmptyPlansAndReviews(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Empty")
	pat := testkit.Actor(tm.Peer)
	p := addPerson(t, db, pat, "Dee")
	// Nothing to review yet.
	if _, err := db.ReviewPlan(ctx, pat, store.WellnessPlan, p.ID, nil); core.KindOf(err) != core.KindConflict {
		t.Fatalf("reviewing a plan that does not exist: %v", err)
	}
	// An empty plan may be saved: a plan grows over time.
	v1, err := db.SavePlan(ctx, pat, store.WellnessPlan, p.ID, store.PlanInput{})
	if err != nil || v1.Version != 1 || !v1.Empty() {
		t.Fatalf("an empty wellness plan: %+v %v", v1, err)
	}
	v2, err := db.SavePlan(ctx, pat, store.WellnessPlan, p.ID, store.PlanInput{Items: map[string][]string{"staying_well": {"Walk by the river", "  ", "Walk by the river"}}})
	if err != nil || !slices.Equal(v2.Section("staying_well").Items, []string{"Walk by the river"}) {
		t.Fatalf("blank and repeated items: %+v %v", v2.Section("staying_well").Items, err)
	}
	db.Clock.Advance(day)
	base := 2
	v3, err := db.ReviewPlan(ctx, pat, store.WellnessPlan, p.ID, &base)
	if err != nil || v3.Version != 3 || !v3.Reviewed || !slices.Equal(v3.Section("staying_well").Items, []string{"Walk by the river"}) {
		t.Fatalf("a review: %+v %v", v3, err)
	}
	l, _ := db.PlanVersions(ctx, pat, store.WellnessPlan, p.ID, store.Page{})
	if !l.Items[0].Reviewed || len(l.Items[0].Changes) != 0 || l.Items[1].Reviewed {
		t.Fatalf("versions after a review: %+v", l.Items[:2])
	}
	// Crisis preferences keep the health care proxy's name and contact.
	cp, err := db.SavePlan(ctx, pat, store.CrisisPreferences, p.ID, store.PlanInput{
		Texts: map[string]string{"health_care_proxy": " Maria Lopes ", "health_care_proxy_contact": "617-555-0110, or maria@example.org"},
		Items: map[string][]string{"what_helps": {"A quiet room"}}, Contacts: map[string][]store.PlanContact{"who_to_contact": {{Name: "Maria", Phone: "617-555-0110"}}},
	})
	if err != nil || cp.Section("health_care_proxy").Text != "Maria Lopes" || cp.Section("what_helps").Items[0] != "A quiet room" {
		t.Fatalf("crisis preferences: %+v %v", cp, err)
	}
	// Each kind has its own versions.
	sp, _ := db.Plan(ctx, pat, store.SafetyPlan, p.ID)
	if sp.Version != 0 {
		t.Fatalf("the safety plan is version %d", sp.Version)
	}
}

func TestPlanInputIsCheckedAndKept(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Phones")
	pat := testkit.Actor(tm.Peer)
	p := addPerson(t, db, pat, "Frank")
	good := []string{"988", "911", "211", "741741", "617-555-0142", "(617) 555-0142", "617.555.0142", "+44 20 7946 0958", "+1 617 555 0142",
		"617-555-0142 ext. 12", "617-555-0142 x12", "617-555-0142 extension 4", "1-800-555-0199"}
	for _, ph := range good {
		in := store.PlanInput{Contacts: map[string][]store.PlanContact{"people_to_ask": {{Name: "Someone", Phone: ph}}}}
		if _, err := db.SavePlan(ctx, pat, store.SafetyPlan, p.ID, in); err != nil {
			t.Errorf("phone %q refused: %v", ph, err)
		}
	}
	bad := []string{"call me", "ask at the desk", "12", "617-555-CALL", "phone", "9 8 8 8 8 8 8 8 8 8 8 8 8 8 8 8", "+", "x12"}
	for _, ph := range bad {
		in := store.PlanInput{Contacts: map[string][]store.PlanContact{"people_to_ask": {{Name: "Ana", Phone: "617-555-0101"}, {Name: "Someone", Phone: ph}}}}
		_, err := db.SavePlan(ctx, pat, store.SafetyPlan, p.ID, in)
		if e, ok := core.As(err); !ok || e.Kind != core.KindInvalid || !strings.Contains(e.Fields["people_to_ask.1.phone"], "phone number") || len(e.Fields) != 1 {
			t.Errorf("phone %q: %v, want a message on people_to_ask.1.phone", ph, err)
		}
	}
	cases := []struct {
		in    store.PlanInput
		field string
	}{
		{store.PlanInput{Contacts: map[string][]store.PlanContact{"people_to_ask": {{Phone: "617-555-0101"}}}}, "people_to_ask.0.name"},
		{store.PlanInput{Contacts: map[string][]store.PlanContact{"people_to_ask": {{}, {Name: strings.Repeat("n", 201)}}}}, "people_to_ask.1.name"},
		{store.PlanInput{Items: map[string][]string{"warning_signs": {strings.Repeat("é", 1001)}}}, "warning_signs"},
		{store.PlanInput{Items: map[string][]string{"no_such_section": {"x"}}}, "no_such_section"},
		{store.PlanInput{Items: map[string][]string{"people_to_ask": {"x"}}}, "people_to_ask"},
		{store.PlanInput{Texts: map[string]string{"health_care_proxy": "x"}}, "health_care_proxy"},
	}
	for _, c := range cases {
		_, err := db.SavePlan(ctx, pat, store.SafetyPlan, p.ID, c.in)
		if e, ok := core.As(err); !ok || e.Fields[c.field] == "" {
			t.Errorf("%+v: %v, want a message on %s", c.in, err, c.field)
		}
	}
	// A name without a number is fine: the person may know it by heart.
	if _, err := db.SavePlan(ctx, pat, store.SafetyPlan, p.ID, store.PlanInput{Contacts: map[string][]store.PlanContact{"people_to_ask": {{Name: "My neighbour Joe"}}}}); err != nil {
		t.Fatal(err)
	}
	// Backdating: a paper plan recorded later, but never before the latest
	// version or in the future.
	_, err := db.SavePlan(ctx, pat, store.SafetyPlan, p.ID, store.PlanInput{SavedAt: testkit.Start.Add(-30 * day)})
	if e, ok := core.As(err); !ok || e.Fields["saved_at"] == "" {
		t.Fatalf("dated before the latest version: %v", err)
	}
	q := addPerson(t, db, pat, "Gail")
	if _, err := db.SavePlan(ctx, pat, store.SafetyPlan, q.ID, store.PlanInput{SavedAt: testkit.Start.Add(day)}); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("dated in the future: %v", err)
	}
	paper, err := db.SavePlan(ctx, pat, store.SafetyPlan, q.ID, store.PlanInput{SavedAt: testkit.Start.Add(-30 * day)})
	if err != nil || !paper.SavedAt.Equal(testkit.Start.Add(-30*day)) {
		t.Fatalf("a paper plan: %+v %v", paper, err)
	}
}

// flagged returns the names on actor a's caseload whose safety plan needs
// attention, and checks the PlanDue filter agrees.
func flagged(t *testing.T, db *testkit.DB, a store.Actor) []string {
	t.Helper()
	l, err := db.ListPeople(ctx, a, store.PeopleFilter{Status: store.ShowAll}, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range l.Items {
		if r.SafetyPlan.NeedsAttention {
			out = append(out, r.PreferredName)
		}
	}
	slices.Sort(out)
	due, err := db.ListPeople(ctx, a, store.PeopleFilter{Status: store.ShowAll, PlanDue: true}, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var filtered []string
	for _, r := range due.Items {
		filtered = append(filtered, r.PreferredName)
	}
	slices.Sort(filtered)
	if !slices.Equal(out, filtered) {
		t.Errorf("flagged rows %q, but the PlanDue filter lists %q", out, filtered)
	}
	return out
}

func TestCaseloadFlagsMissingAndStaleSafetyPlans(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Flags")
	pat, sam, alex := testkit.Actor(tm.Peer), testkit.Actor(tm.Supervisor), testkit.Actor(tm.Admin)
	ann := addPerson(t, db, pat, "Ann")
	ben := addPerson(t, db, pat, "Ben")
	cal := addPerson(t, db, pat, "Cal")
	onHold := store.StatusOnHold
	if _, err := db.UpdatePerson(ctx, pat, cal.ID, store.PersonPatch{Status: &onHold}); err != nil {
		t.Fatal(err)
	}
	if got := flagged(t, db, pat); !slices.Equal(got, []string{"Ann", "Ben"}) {
		t.Fatalf("no plans yet: flagged %q (someone on hold is not)", got)
	}
	if _, err := db.SavePlan(ctx, pat, store.SafetyPlan, ann.ID, store.PlanInput{}); err != nil {
		t.Fatal(err)
	}
	// A wellness plan is not a safety plan.
	if _, err := db.SavePlan(ctx, pat, store.WellnessPlan, ben.ID, store.PlanInput{}); err != nil {
		t.Fatal(err)
	}
	if got := flagged(t, db, pat); !slices.Equal(got, []string{"Ben"}) {
		t.Fatalf("Ann has a plan: flagged %q", got)
	}
	team, _ := db.Team(ctx, sam)
	if len(team) != 2 || team[1].Worker.ID != tm.Peer.ID || team[1].PlansDue != 1 {
		t.Fatalf("team counts: %+v", team)
	}
	// 90 days later Ann's plan is due for review, but not flagged until the day after.
	db.Clock.Advance(90 * day)
	rec, _ := db.PersonRecord(ctx, pat, ann.ID)
	if st := rec.Plans[0]; st.Kind != store.SafetyPlan || st.Version != 1 || st.NeedsAttention || st.ReviewBy != db.Today() {
		t.Fatalf("on day 90: %+v (today %s)", st, db.Today())
	}
	if got := flagged(t, db, pat); !slices.Equal(got, []string{"Ben"}) {
		t.Fatalf("on day 90: flagged %q", got)
	}
	db.Clock.Advance(day)
	if got := flagged(t, db, pat); !slices.Equal(got, []string{"Ann", "Ben"}) {
		t.Fatalf("on day 91: flagged %q", got)
	}
	if rec, _ := db.PersonRecord(ctx, pat, ann.ID); !rec.Plans[0].NeedsAttention || rec.Plans[1].NeedsAttention {
		t.Fatalf("the record on day 91: %+v", rec.Plans)
	}
	// A review with the person, no changes: no longer flagged.
	if _, err := db.ReviewPlan(ctx, pat, store.SafetyPlan, ann.ID, nil); err != nil {
		t.Fatal(err)
	}
	if got := flagged(t, db, pat); !slices.Equal(got, []string{"Ben"}) {
		t.Fatalf("after the review: flagged %q", got)
	}
	// The number of days is the organisation's.
	if _, err := db.UpdatePlanSettings(ctx, pat, store.PlanSettings{ReviewDays: 30}); core.KindOf(err) != core.KindForbidden {
		t.Fatalf("a peer worker changing the settings: %v", err)
	}
	if _, err := db.UpdatePlanSettings(ctx, alex, store.PlanSettings{ReviewDays: 30}); err != nil {
		t.Fatal(err)
	}
	db.Clock.Advance(31 * day)
	if got := flagged(t, db, pat); !slices.Equal(got, []string{"Ann", "Ben"}) {
		t.Fatalf("31 days after the review with a 30-day rhythm: flagged %q", got)
	}
	team, _ = db.Team(ctx, sam)
	if team[1].PlansDue != 2 {
		t.Fatalf("team counts: %+v", team)
	}
	// Closing someone's support ends the flag.
	closed, reason := store.StatusClosed, "Moved away"
	if _, err := db.UpdatePerson(ctx, pat, ben.ID, store.PersonPatch{Status: &closed, ClosedReason: &reason}); err != nil {
		t.Fatal(err)
	}
	if got := flagged(t, db, pat); !slices.Equal(got, []string{"Ann"}) {
		t.Fatalf("after closing Ben: flagged %q", got)
	}
}

func TestPlanSettings(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Settings")
	other := db.NewTeam(t, "Elsewhere")
	alex := testkit.Actor(tm.Admin)
	st, err := db.PlanSettings(ctx, tm.Org.ID)
	if err != nil || st.ReviewDays != 90 || st.OwnLines || !slices.Equal(st.CrisisLines, store.DefaultCrisisLines) {
		t.Fatalf("defaults: %+v %v", st, err)
	}
	for _, bad := range []store.PlanSettings{
		{ReviewDays: 3},
		{ReviewDays: 90, CrisisLines: []store.PlanContact{{Name: "Line", Phone: "call us"}}},
	} {
		if _, err := db.UpdatePlanSettings(ctx, alex, bad); core.KindOf(err) != core.KindInvalid {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	own := []store.PlanContact{{Name: "Riverbend warm line (5 to 10 pm)", Phone: "617-555-0120"}, {Name: "988 Lifeline", Phone: "988"}}
	st, err = db.UpdatePlanSettings(ctx, alex, store.PlanSettings{ReviewDays: 60, CrisisLines: own})
	if err != nil || st.ReviewDays != 60 || !st.OwnLines || !slices.Equal(st.CrisisLines, own) {
		t.Fatalf("own lines: %+v %v", st, err)
	}
	// A new plan starts with them; another organisation's does not.
	p := addPerson(t, db, testkit.Actor(tm.Peer), "Hal")
	plan, _ := db.Plan(ctx, testkit.Actor(tm.Peer), store.SafetyPlan, p.ID)
	if !slices.Equal(plan.Section("professionals_and_crisis_lines").Contacts, own) {
		t.Fatalf("prefill: %+v", plan.Section("professionals_and_crisis_lines"))
	}
	if st, _ := db.PlanSettings(ctx, other.Org.ID); st.OwnLines {
		t.Fatal("the settings leaked to another organisation")
	}
	// Emptying the list goes back to peerpath's lines.
	st, _ = db.UpdatePlanSettings(ctx, alex, store.PlanSettings{ReviewDays: 60})
	if st.OwnLines || !slices.Equal(st.CrisisLines, store.DefaultCrisisLines) {
		t.Fatalf("back to the defaults: %+v", st)
	}
}

func TestWhoSeesAPlan(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Access")
	other := db.NewTeam(t, "Harbor")
	p := addPerson(t, db, testkit.Actor(tm.Peer), "Maria")
	if _, err := db.SavePlan(ctx, testkit.Actor(tm.Peer), store.SafetyPlan, p.ID, safetyInput([]string{"Not sleeping"})); err != nil {
		t.Fatal(err)
	}
	for who, u := range map[string]store.Actor{"assigned worker": testkit.Actor(tm.Peer), "their supervisor": testkit.Actor(tm.Supervisor), "administrator": testkit.Actor(tm.Admin)} {
		for _, k := range store.PlanKinds {
			if _, err := db.Plan(ctx, u, k, p.ID); err != nil {
				t.Errorf("%s reading the %s: %v", who, k.Name, err)
			}
		}
	}
	for who, a := range map[string]store.Actor{
		"another peer worker": testkit.Actor(tm.OtherPeer), "a trainer": testkit.Actor(tm.Trainer),
		"another organisation's admin": testkit.Actor(other.Admin), "another organisation's peer": testkit.Actor(other.Peer),
	} {
		for _, k := range store.PlanKinds {
			notFound := func(what string, err error) {
				if core.KindOf(err) != core.KindNotFound {
					t.Errorf("%s %s the %s: %v, want not found", who, what, k.Name, err)
				}
			}
			_, err := db.Plan(ctx, a, k, p.ID)
			notFound("reading", err)
			_, err = db.PlanToPrint(ctx, a, k, p.ID, "one page")
			notFound("printing", err)
			_, err = db.PlanVersions(ctx, a, k, p.ID, store.Page{})
			notFound("listing versions of", err)
			_, err = db.PlanVersion(ctx, a, k, p.ID, 1)
			notFound("reading version 1 of", err)
			_, err = db.SavePlan(ctx, a, k, p.ID, store.PlanInput{})
			notFound("saving", err)
			_, err = db.ReviewPlan(ctx, a, k, p.ID, nil)
			notFound("reviewing", err)
		}
	}
	// Nothing was written by the outsiders.
	l, _ := db.PlanVersions(ctx, testkit.Actor(tm.Admin), store.SafetyPlan, p.ID, store.Page{})
	if len(l.Items) != 1 {
		t.Fatalf("%d versions after the outsiders tried", len(l.Items))
	}
	// Every read is audited, with the person's id and never the words.
	entries, _ := db.ListAudit(ctx, tm.Org.ID, store.AuditFilter{RecordType: "safety_plan", RecordID: fmt.Sprint(p.ID), UserID: tm.Supervisor.ID}, store.Page{})
	if len(entries.Items) != 1 || entries.Items[0].Action != "read" || entries.Items[0].Detail != "version 1" {
		t.Fatalf("the supervisor's read: %+v", entries.Items)
	}
}

func TestPlanChanges(t *testing.T) {
	mk := func(signs []string, ask []store.PlanContact, proxy string) store.Plan {
		p, err := store.BuildPlan(store.CrisisPreferences, store.PlanInput{
			Items: map[string][]string{"what_helps": signs}, Contacts: map[string][]store.PlanContact{"who_to_contact": ask}, Texts: map[string]string{"health_care_proxy": proxy}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := mk(nil, nil, "")
	a := mk([]string{"Music", "A walk"}, []store.PlanContact{{Name: "Ana", Phone: "988"}}, "Maria")
	if c := store.PlanChanges(empty, empty); len(c) != 0 {
		t.Fatalf("no change: %+v", c)
	}
	c := store.PlanChanges(empty, a)
	if len(c) != 3 || c[0].Key != "who_to_contact" || c[0].Added[0] != "Ana — 988" || c[2].Heading != "My health care proxy" || c[2].Added[0] != "Maria" {
		t.Fatalf("from nothing: %+v", c)
	}
	b := mk([]string{"A walk", "Music", "Tea"}, []store.PlanContact{{Name: "Ana"}}, "Maria Lopes")
	c = store.PlanChanges(a, b)
	if len(c) != 3 {
		t.Fatalf("a to b: %+v", c)
	}
	if !slices.Equal(c[0].Added, []string{"Ana"}) || !slices.Equal(c[0].Removed, []string{"Ana — 988"}) {
		t.Errorf("contact: %+v", c[0])
	}
	if !slices.Equal(c[1].Added, []string{"Tea"}) || len(c[1].Removed) != 0 || c[1].Reordered {
		t.Errorf("list: %+v", c[1])
	}
	if !slices.Equal(c[2].Added, []string{"Maria Lopes"}) || !slices.Equal(c[2].Removed, []string{"Maria"}) {
		t.Errorf("text: %+v", c[2])
	}
	c = store.PlanChanges(a, mk([]string{"A walk", "Music"}, []store.PlanContact{{Name: "Ana", Phone: "988"}}, "Maria"))
	if len(c) != 1 || !c[0].Reordered || len(c[0].Added)+len(c[0].Removed) != 0 {
		t.Errorf("reordered: %+v", c)
	}
	c = store.PlanChanges(b, empty)
	if len(c) != 3 || len(c[1].Removed) != 3 || len(c[1].Added) != 0 {
		t.Errorf("everything removed: %+v", c)
	}
}
