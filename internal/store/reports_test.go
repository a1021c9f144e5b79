package store_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/reporting"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
	"peerpath/internal/workforce"
)

// reportData builds the known data set the report tests check, in a team
// of its own organisation (a second organisation's records must never
// count). The period is 2026-01-01 to today (2026-11-23).
func reportData(t *testing.T, db *testkit.DB) testkit.Team {
	t.Helper()
	tm := db.NewTeam(t, "Reports")
	other := db.NewTeam(t, "Elsewhere")
	pat, olu, sam := testkit.Actor(tm.Peer), testkit.Actor(tm.OtherPeer), testkit.Actor(tm.Supervisor)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	at := func(d string) time.Time {
		v, err := time.ParseInLocation(core.DateLayout, d, core.Local)
		must(err)
		return v.Add(10 * time.Hour)
	}
	start := db.Clock.Now()
	setClock := func(d string) { db.Clock.Advance(at(d).Sub(db.Clock.Now())) }
	plan := store.PlanInput{Items: map[string][]string{"warning_signs": {"Not sleeping"}}}

	// E: supported since 2025, before the period.
	setClock("2025-06-02")
	e := addPerson(t, db, pat, "Eve")
	_, err := db.SavePlan(ctx, pat, store.SafetyPlan, e.ID, plan)
	must(err)
	eGoal, err := db.AddGoal(ctx, pat, e.ID, store.GoalInput{Text: "Join the choir", LifeArea: "community"})
	must(err)
	setClock("2025-09-01")
	_, err = db.TakeAssessment(ctx, pat, e.ID, store.AssessmentInput{TakenOn: "2025-07-01", Answers: answers(3, 3, 2, 2, 3, 3, 2, 4, 3, 3)})
	must(err)
	_, err = db.NoteStage(ctx, pat, e.ID, store.StageInput{LifeArea: "home", Stage: "preparation"})
	must(err)
	_, err = db.AddContact(ctx, pat, e.ID, store.ContactInput{OccurredAt: at("2025-09-01"), DurationMinutes: 30, Mode: "in_person", Kind: "check_in"})
	must(err)

	// A, B, C and D begin on Monday 2 November 2026; A and B in the Bridge programme.
	setClock("2026-11-02")
	a, err := db.CreatePerson(ctx, pat, store.PersonInput{PreferredName: "Ana", Programmes: []string{"Bridge"}})
	must(err)
	b, err := db.CreatePerson(ctx, pat, store.PersonInput{PreferredName: "Ben", Programmes: []string{"Bridge"}})
	must(err)
	c := addPerson(t, db, pat, "Cy")
	d := addPerson(t, db, olu, "Dee")
	_, err = db.SavePlan(ctx, pat, store.SafetyPlan, a.ID, plan)
	must(err)
	aHealth, err := db.AddGoal(ctx, pat, a.ID, store.GoalInput{Text: "Walk every day", LifeArea: "health"})
	must(err)
	_, err = db.AddGoal(ctx, pat, a.ID, store.GoalInput{Text: "Find a flat", LifeArea: "home"})
	must(err)
	_, err = db.AddGoal(ctx, pat, b.ID, store.GoalInput{Text: "A course", LifeArea: "purpose"})
	must(err)
	setClock("2026-11-03")
	_, err = db.TakeAssessment(ctx, pat, a.ID, store.AssessmentInput{Answers: answers(2, 2, 2, 2, 2, 2, 2, 2, 2, 2)})
	must(err)
	_, err = db.NoteStage(ctx, pat, a.ID, store.StageInput{LifeArea: "health", Stage: "contemplation"})
	must(err)
	needs, err := db.RecordNeeds(ctx, pat, a.ID, store.NeedsInput{Areas: []store.NeedInput{{Area: "housing"}, {Area: "food"}}})
	must(err)
	ref, err := db.CreateReferral(ctx, pat, store.ReferralInput{PersonID: a.ID, ResourceName: "Housing help", NeedID: needs.Needs[0].ID})
	must(err)
	setClock("2026-11-05")
	_, err = db.NoteStage(ctx, olu, d.ID, store.StageInput{LifeArea: "community", Stage: "action"})
	must(err)
	_, err = db.CreateReferral(ctx, olu, store.ReferralInput{PersonID: d.ID, ResourceName: "Food bank"})
	must(err)
	setClock("2026-11-10")
	_, err = db.TakeAssessment(ctx, pat, b.ID, store.AssessmentInput{Answers: answers(4, 4, 4, 4, 4, 4, 4, 4, 4, 4)})
	must(err)
	_, err = db.NoteStage(ctx, pat, e.ID, store.StageInput{LifeArea: "home", Stage: "preparation"})
	must(err)
	_, err = db.NoteStage(ctx, pat, b.ID, store.StageInput{LifeArea: "purpose", Stage: "action"})
	must(err)
	_, err = db.RecordNeeds(ctx, pat, b.ID, store.NeedsInput{Areas: []store.NeedInput{{Area: "housing"}}})
	must(err)

	// Back to today: the contacts, the changes, the group, the workforce.
	db.Clock.Advance(start.Sub(db.Clock.Now()))
	for _, x := range []struct {
		who  store.Actor
		pid  int64
		day  string
		min  int
		mode string
		kind string
	}{
		{pat, a.ID, "2026-11-16", 30, "in_person", "check_in"},
		{pat, a.ID, "2026-11-18", 60, "phone", "one_to_one"},
		{pat, b.ID, "2026-11-19", 45, "video", "advocacy"},
		{olu, d.ID, "2026-11-17", 15, "text", "check_in"},
	} {
		_, err := db.AddContact(ctx, x.who, x.pid, store.ContactInput{OccurredAt: at(x.day), DurationMinutes: x.min, Mode: x.mode, Kind: x.kind})
		must(err)
	}
	changed, err := db.AddContact(ctx, pat, a.ID, store.ContactInput{OccurredAt: at("2026-11-19"), DurationMinutes: 30, Mode: "in_person", Kind: "check_in"})
	must(err)
	_, err = db.UpdateContact(ctx, pat, changed.ID, store.ContactInput{OccurredAt: at("2026-11-20"), DurationMinutes: 30, Mode: "phone", Kind: "check_in"})
	must(err)
	mistake, err := db.AddContact(ctx, pat, b.ID, store.ContactInput{OccurredAt: at("2026-11-18"), DurationMinutes: 20, Mode: "phone", Kind: "crisis"})
	must(err)
	_, err = db.DeleteContact(ctx, pat, mistake.ID)
	must(err)
	g, err := db.CreateGroup(ctx, sam, store.GroupInput{Name: "Tuesday circle", Kind: "other", Meets: "in_person", Place: "Hall", Schedule: "Saturdays at 10", FacilitatorIDs: []int64{tm.Peer.ID}})
	must(err)
	must(db.AddGroupMembers(ctx, sam, g.ID, []int64{a.ID, d.ID}, "2026-11-02"))
	_, err = db.RecordGroupSession(ctx, sam, g.ID, store.GroupSessionInput{HeldOn: "2026-11-21", StartTime: "10:00",
		Attendance: map[int64]string{a.ID: "present", d.ID: "absent"}, FacilitatorIDs: []int64{tm.Peer.ID}})
	must(err)

	_, err = db.UpdateGoal(ctx, pat, aHealth.ID, store.GoalInput{Text: aHealth.Text, LifeArea: "health", Status: "achieved"})
	must(err)
	_, err = db.UpdateGoal(ctx, pat, eGoal.ID, store.GoalInput{Text: eGoal.Text, LifeArea: "community", Status: "achieved"})
	must(err)
	connected := store.ReferralConnected
	_, err = db.UpdateReferral(ctx, pat, ref.ID, store.ReferralUpdate{Status: &connected})
	must(err)
	_, err = db.SavePlan(ctx, pat, store.SafetyPlan, a.ID, store.PlanInput{Items: map[string][]string{"warning_signs": {"Not sleeping", "Skipping meals"}}, Base: ptr(1)})
	must(err)
	_, err = db.ReviewPlan(ctx, pat, store.SafetyPlan, e.ID, ptr(1))
	must(err)
	for _, x := range []struct {
		pid     int64
		area    string
		stage   string
		on      string
		who     store.Actor
		answers []*int
	}{
		{a.ID, "health", "action", "2026-11-20", pat, answers(3, 3, 3, 3, 3, 3, 3, 3, 3, 3)},
		{d.ID, "community", "contemplation", "2026-11-20", olu, nil},
		{e.ID, "", "", "2026-08-20", pat, answers(4, 4, 3, 3, 4, 4, 3, 5, 3, 3)},
		{e.ID, "", "", "2026-11-20", pat, answers(5, 4, 4, 4, 4, 5, 4, 5, 4, 5)},
	} {
		if x.area != "" {
			_, err := db.NoteStage(ctx, x.who, x.pid, store.StageInput{LifeArea: x.area, Stage: x.stage, NotedOn: x.on})
			must(err)
		}
		if x.answers != nil {
			_, err := db.TakeAssessment(ctx, x.who, x.pid, store.AssessmentInput{TakenOn: x.on, Answers: x.answers})
			must(err)
		}
	}
	closedWhy, closedStatus := "Moved away", store.StatusClosed
	_, err = db.UpdatePerson(ctx, pat, c.ID, store.PersonPatch{Status: &closedStatus, ClosedReason: &closedWhy})
	must(err)

	_, err = db.ConfirmStage(ctx, sam, tm.Peer.ID, "1", "2026-10-01")
	must(err)
	for _, cr := range []struct {
		who          int64
		issued, ends string
	}{{tm.Peer.ID, "2025-01-01", "2026-12-31"}, {tm.OtherPeer.ID, "2024-01-01", "2026-06-30"}, {tm.OtherPeer.ID, "2025-01-01", ""}} {
		_, err := db.AddCredential(ctx, sam, cr.who, store.NewCredential{Kind: workforce.CredentialOther, Name: "First aid", Issuer: "Red Cross", IssuedOn: cr.issued, ExpiresOn: cr.ends})
		must(err)
	}
	_, err = db.AddSupervisionSession(ctx, sam, tm.Peer.ID, store.NewSupervisionSession{SupervisorID: tm.Supervisor.ID, HeldOn: "2026-11-10", Minutes: 60, Mode: store.ModeInPerson})
	must(err)
	_, err = db.AddSupervisionSession(ctx, sam, tm.OtherPeer.ID, store.NewSupervisionSession{SupervisorID: tm.Supervisor.ID, HeldOn: "2026-11-12", Minutes: 30, Mode: store.ModePhone})
	must(err)

	// The other organisation's records never count.
	op := addPerson(t, db, testkit.Actor(other.Peer), "Far")
	_, err = db.AddContact(ctx, testkit.Actor(other.Peer), op.ID, store.ContactInput{OccurredAt: at("2026-11-16"), DurationMinutes: 30, Mode: "phone", Kind: "check_in"})
	must(err)
	return tm
}

// figures writes every non-zero figure of a report as table/row/column=value.
func figures(r *reporting.Report) []string {
	var out []string
	for _, s := range r.Sections {
		for _, t := range s.Tables {
			rows := t.Rows
			if t.Total != nil {
				rows = append(append([]reporting.Row(nil), rows...), *t.Total)
			}
			for _, row := range rows {
				for i, c := range t.Columns {
					v := row.Values[i]
					txt := strings.ReplaceAll(v.Text(c.Kind), " ", "_")
					if !v.Hidden && (v.N == 0 || txt == "–") {
						continue
					}
					key := row.Key
					if strings.HasPrefix(key, "reason_") {
						key = strings.ReplaceAll(row.Label, " ", "_")
					}
					out = append(out, fmt.Sprintf("%s/%s/%s=%s", t.Key, key, c.Key, txt))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

func checkFigures(t *testing.T, what string, r *reporting.Report, want string) {
	t.Helper()
	got := figures(r)
	w := strings.Fields(want)
	sort.Strings(w)
	if strings.Join(got, "\n") != strings.Join(w, "\n") {
		t.Errorf("%s (%s): got\n%s\nwant\n%s", what, testkit.Name(), strings.Join(got, "\n"), strings.Join(w, "\n"))
	}
}

var reportPeriod = reporting.Period{From: "2026-01-01", To: "2026-11-23"}

func TestReportsCountEveryFigure(t *testing.T) {
	db := testkit.NewStore(t)
	tm := reportData(t, db)
	admin := testkit.Actor(tm.Admin)
	org := reporting.Scope{Kind: reporting.ScopeOrg}
	get := func(kind string, sc reporting.Scope, shared bool) *reporting.Report {
		t.Helper()
		r, err := db.Report(ctx, admin, kind, sc, reportPeriod, store.ReportOptions{Shared: shared})
		if err != nil {
			t.Fatalf("%s report: %v", kind, err)
		}
		return r
	}

	act := get(store.ReportActivity, org, false)
	if n := len(act.Table("contacts_per_week").Rows); n != 48 {
		t.Errorf("weeks from 29 December 2025 to 23 November 2026: %d rows", n)
	}
	checkFigures(t, "activity", act, `
		people_served/new/people=4 people_served/active/people=3 people_served/closed/people=1
		closed_reasons/moved_away/people=1 closed_reasons/total/people=1
		contacts_by_kind/check_in/contacts=3 contacts_by_kind/check_in/hours=1.3
		contacts_by_kind/one_to_one/contacts=1 contacts_by_kind/one_to_one/hours=1.0
		contacts_by_kind/advocacy/contacts=1 contacts_by_kind/advocacy/hours=0.8
		contacts_by_kind/group_session/contacts=1 contacts_by_kind/group_session/hours=1.5
		contacts_by_kind/total/contacts=6 contacts_by_kind/total/hours=4.5
		contacts_by_mode/in_person/contacts=2 contacts_by_mode/in_person/hours=2.0
		contacts_by_mode/phone/contacts=2 contacts_by_mode/phone/hours=1.5
		contacts_by_mode/text/contacts=1 contacts_by_mode/text/hours=0.3
		contacts_by_mode/video/contacts=1 contacts_by_mode/video/hours=0.8
		contacts_by_mode/total/contacts=6 contacts_by_mode/total/hours=4.5
		contacts_by_format/individual/contacts=5 contacts_by_format/individual/hours=3.0
		contacts_by_format/group/contacts=1 contacts_by_format/group/hours=1.5
		contacts_by_format/total/contacts=6 contacts_by_format/total/hours=4.5
		contacts_per_week/2026-11-16/contacts=6 contacts_per_week/total/contacts=6
		check_ins/weekly/people=5 check_ins/weekly/weeks_due=64 check_ins/weekly/weeks_kept=3 check_ins/weekly/kept_percent=5_%
		group_sessions/sessions/count=1 group_sessions/attended/count=1 group_sessions/absent/count=1
		referrals/made/count=2 referrals/connected/count=1
		safety_plans/written/count=1 safety_plans/reviewed/count=2 safety_plans/on_time/count=1`)

	checkFigures(t, "outcomes", get(store.ReportOutcomes, org, false), `
		goals_by_area/health/set=1 goals_by_area/health/achieved=1 goals_by_area/home/set=1 goals_by_area/purpose/set=1
		goals_by_area/community/achieved=1 goals_by_area/total/set=3 goals_by_area/total/achieved=2
		recovery_capital/barc10/people=2 recovery_capital/barc10/first_mean=24.0 recovery_capital/barc10/latest_mean=37.0 recovery_capital/barc10/mean_change=13.0
		recovery_capital_distribution/20_29/first=2 recovery_capital_distribution/30_39/latest=1 recovery_capital_distribution/40_49/latest=1
		recovery_capital_distribution/total/first=2 recovery_capital_distribution/total/latest=2
		stage_movement/forward/areas=1 stage_movement/same/areas=1 stage_movement/back/areas=1 stage_movement/total/areas=3
		needs_by_area/housing/named=2 needs_by_area/housing/met=1 needs_by_area/food/named=1
		needs_by_area/total/named=3 needs_by_area/total/met=1`)

	checkFigures(t, "workforce", get(store.ReportWorkforce, org, false), `
		workers_by_stage/1/workers=1 workers_by_stage/not_confirmed/workers=1 workers_by_stage/total/workers=2
		workers_by_track/both/workers=2 workers_by_track/total/workers=2
		credentials/current/credentials=1 credentials/expiring/credentials=1 credentials/expired/credentials=1 credentials/total/credentials=3
		supervision/in-person/sessions=1 supervision/in-person/hours=1.0 supervision/phone/sessions=1 supervision/phone/hours=0.5
		supervision/total/sessions=2 supervision/total/hours=1.5`)

	// Shared outside the organisation: every count from 1 to 10 is hidden,
	// and what rests on a hidden count with it; 64 weeks due stays.
	checkFigures(t, "shared activity", get(store.ReportActivity, org, true), `
		people_served/new/people=fewer_than_11 people_served/active/people=fewer_than_11 people_served/closed/people=fewer_than_11
		closed_reasons/moved_away/people=fewer_than_11 closed_reasons/total/people=fewer_than_11
		`+hiddenBreakdown("contacts_by_kind", "check_in", "one_to_one", "advocacy", "group_session", "total")+`
		`+hiddenBreakdown("contacts_by_mode", "in_person", "phone", "text", "video", "total")+`
		`+hiddenBreakdown("contacts_by_format", "individual", "group", "total")+`
		contacts_per_week/2026-11-16/contacts=fewer_than_11 contacts_per_week/total/contacts=fewer_than_11
		check_ins/weekly/people=fewer_than_11 check_ins/weekly/weeks_due=64 check_ins/weekly/weeks_kept=fewer_than_11 check_ins/weekly/kept_percent=not_shown
		group_sessions/sessions/count=fewer_than_11 group_sessions/attended/count=fewer_than_11 group_sessions/absent/count=fewer_than_11
		referrals/made/count=fewer_than_11 referrals/connected/count=fewer_than_11
		safety_plans/written/count=fewer_than_11 safety_plans/reviewed/count=fewer_than_11 safety_plans/on_time/count=fewer_than_11`)

	// Other scopes: a worker's own contacts (a group session's contacts
	// count for whoever recorded the session), a programme's people, a team.
	worker := get(store.ReportActivity, reporting.Scope{Kind: reporting.ScopeWorker, ID: tm.Peer.ID}, false)
	if v, _ := worker.Table("contacts_by_kind").Cell("total", "contacts"); v.N != 4 {
		t.Errorf("Pat's contacts: %v", v.N)
	}
	bridge := programmeID(t, db, tm.Admin, "Bridge")
	prog := get(store.ReportActivity, reporting.Scope{Kind: reporting.ScopeProgramme, ID: bridge}, false)
	if v, _ := prog.Table("people_served").Cell("new", "people"); v.N != 2 || prog.Scope.Name != "Bridge" || prog.Scope.String() != fmt.Sprintf("programme:%d", bridge) {
		t.Errorf("the Bridge programme's new people: %v (%q, %s)", v.N, prog.Scope.Name, prog.Scope)
	}
	if v, _ := prog.Table("contacts_by_kind").Cell("total", "contacts"); v.N != 5 {
		t.Errorf("the Bridge programme's contacts: %v", v.N)
	}
	team := get(store.ReportWorkforce, reporting.Scope{Kind: reporting.ScopeTeam, ID: tm.Supervisor.ID}, false)
	if v, _ := team.Table("supervision").Cell("total", "sessions"); v.N != 2 {
		t.Errorf("the team's supervision sessions: %v", v.N)
	}
}

// programmeID is the id of the organisation's service programme called name.
func programmeID(t *testing.T, db *testkit.DB, admin store.User, name string) int64 {
	t.Helper()
	ps, err := db.FollowUpSchedules(ctx, testkit.Actor(admin))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Name == name {
			return p.ID
		}
	}
	t.Fatalf("no programme %q among %+v", name, ps)
	return 0
}

func hiddenBreakdown(table string, rows ...string) string {
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, " %s/%s/contacts=fewer_than_11 %s/%s/hours=not_shown", table, r, table, r)
	}
	return b.String()
}

func TestReportsWhoSeesWhat(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Report access")
	other := db.NewTeam(t, "Report elsewhere")
	addPerson(t, db, testkit.Actor(tm.Peer), "Ana")
	if _, err := db.CreatePerson(ctx, testkit.Actor(tm.Peer), store.PersonInput{PreferredName: "Bo", Programmes: []string{"Bridge"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreatePerson(ctx, testkit.Actor(other.Peer), store.PersonInput{PreferredName: "Cy", Programmes: []string{"Harbour"}}); err != nil {
		t.Fatal(err)
	}
	bridge := reporting.Scope{Kind: reporting.ScopeProgramme, ID: programmeID(t, db, tm.Admin, "Bridge")}
	harbour := reporting.Scope{Kind: reporting.ScopeProgramme, ID: programmeID(t, db, other.Admin, "Harbour")}
	ask := func(u store.User, sc reporting.Scope) error {
		_, err := db.Report(ctx, testkit.Actor(u), store.ReportActivity, sc, reportPeriod, store.ReportOptions{})
		return err
	}
	org := reporting.Scope{Kind: reporting.ScopeOrg}
	team := reporting.Scope{Kind: reporting.ScopeTeam, ID: tm.Supervisor.ID}
	pat := reporting.Scope{Kind: reporting.ScopeWorker, ID: tm.Peer.ID}
	olu := reporting.Scope{Kind: reporting.ScopeWorker, ID: tm.OtherPeer.ID}
	for _, c := range []struct {
		who  store.User
		sc   reporting.Scope
		sees bool
	}{
		{tm.Admin, org, true}, {tm.Admin, team, true}, {tm.Admin, pat, true},
		{tm.Supervisor, org, false}, {tm.Supervisor, team, true}, {tm.Supervisor, pat, true},
		{tm.Peer, org, false}, {tm.Peer, team, false}, {tm.Peer, pat, true}, {tm.Peer, olu, false},
		{tm.Trainer, pat, false},
		{other.Admin, pat, false}, {other.Admin, team, false},
		{tm.Admin, bridge, true}, {tm.Supervisor, bridge, false}, {tm.Peer, bridge, false}, {other.Admin, bridge, false},
		{tm.Admin, harbour, false}, {other.Admin, harbour, true},
		{tm.Admin, reporting.Scope{Kind: reporting.ScopeProgramme, ID: 999999}, false},
		{tm.Admin, reporting.Scope{Kind: "region", ID: 1}, false},
	} {
		err := ask(c.who, c.sc)
		if c.sees && err != nil {
			t.Errorf("%s asking for %s: %v", c.who.Name, c.sc, err)
		}
		if !c.sees && core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s asking for %s: want not found, got %v", c.who.Name, c.sc, err)
		}
	}
	if _, err := db.Report(ctx, testkit.Actor(tm.Admin), "names", org, reportPeriod, store.ReportOptions{}); core.KindOf(err) != core.KindNotFound {
		t.Errorf("an unknown report: %v", err)
	}
	for _, c := range []struct {
		p     reporting.Period
		field string
	}{
		{reporting.Period{From: "2026-05-01", To: "2026-04-30"}, "to"},
		{reporting.Period{From: "2026-01-01", To: "2026-11-24"}, "to"},
		{reporting.Period{From: "2021-11-23", To: "2026-11-23"}, "from"},
		{reporting.Period{From: "soon", To: "2026-11-23"}, "from"},
	} {
		_, err := db.Report(ctx, testkit.Actor(tm.Admin), store.ReportActivity, org, c.p, store.ReportOptions{})
		if f := fieldsOf(t, err); f[c.field] == "" {
			t.Errorf("period %v: want a message on %s, got %v", c.p, c.field, f)
		}
	}
	if _, err := db.Report(ctx, testkit.Actor(tm.Admin), store.ReportActivity, org, reporting.Period{From: "2021-11-24", To: "2026-11-23"}, store.ReportOptions{}); err != nil {
		t.Errorf("exactly five years: %v", err)
	}
}

func TestReportReadsAreAudited(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Report audit")
	if _, err := db.Report(ctx, testkit.Actor(tm.Admin), store.ReportOutcomes, reporting.Scope{Kind: reporting.ScopeOrg}, reportPeriod, store.ReportOptions{Shared: true}); err != nil {
		t.Fatal(err)
	}
	var detail string
	if err := db.Raw(t).QueryRow("SELECT detail FROM audit_log WHERE record_type = 'report' AND action = 'read' AND user_id = $1", tm.Admin.ID).Scan(&detail); err != nil {
		t.Fatal(err)
	}
	if detail != "outcomes report, scope org, 2026-01-01 to 2026-11-23, shared" {
		t.Errorf("audit detail: %q", detail)
	}
}

// A merge moves the merged record's daily contact counts onto the kept one,
// adding up a day both records have.
func TestMergeKeepsContactDays(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Report merge")
	pat := testkit.Actor(tm.Peer)
	keep, from := addPerson(t, db, pat, "Ana Lima"), addPerson(t, db, pat, "Ana Lima")
	at := testkit.Start.Add(-48 * time.Hour)
	for _, pid := range []int64{keep.ID, from.ID, from.ID} {
		if _, err := db.AddContact(ctx, pat, pid, store.ContactInput{OccurredAt: at, DurationMinutes: 10, Mode: "phone", Kind: "check_in"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.MergePeople(ctx, testkit.Actor(tm.Supervisor), keep.ID, from.ID); err != nil {
		t.Fatal(err)
	}
	var rows, n, min int
	if err := db.Raw(t).QueryRow("SELECT COUNT(*), SUM(contacts), SUM(minutes) FROM contact_days WHERE person_id = $1", keep.ID).Scan(&rows, &n, &min); err != nil {
		t.Fatal(err)
	}
	if rows != 1 || n != 3 || min != 30 {
		t.Errorf("after the merge: %d rows, %d contacts, %d minutes", rows, n, min)
	}
}

// The organisation's day rows (contact_org_days) hold what its people's day
// rows (contact_days) add up to, after every kind of change to a contact:
// added, changed to another day and mode, deleted, merged.
func TestOrgDaysFollowContacts(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Report org days")
	other := db.NewTeam(t, "Report org days elsewhere")
	pat, olu := testkit.Actor(tm.Peer), testkit.Actor(tm.OtherPeer)
	ana, ben := addPerson(t, db, pat, "Ana Lima"), addPerson(t, db, pat, "Ana Lima")
	cy := addPerson(t, db, olu, "Cy")
	at := testkit.Start.Add(-48 * time.Hour)
	read := func(orgID int64, q string) []string {
		rows, err := db.Raw(t).Query(q, orgID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var day, week, kind, mode, format string
			var n, min int
			if err := rows.Scan(&day, &week, &kind, &mode, &format, &n, &min); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%s %s %s %s %s %d %d", day, week, kind, mode, format, n, min))
		}
		return out
	}
	check := func(step string, orgID int64, want ...string) {
		t.Helper()
		got := read(orgID, `SELECT day_on, week_on, kind, mode, format, SUM(contacts), SUM(minutes) FROM contact_org_days WHERE org_id = $1
			GROUP BY day_on, week_on, kind, mode, format ORDER BY day_on, kind, mode, format`)
		sum := read(orgID, `SELECT day_on, week_on, kind, mode, format, SUM(contacts), SUM(minutes) FROM contact_days WHERE org_id = $1
			GROUP BY day_on, week_on, kind, mode, format ORDER BY day_on, kind, mode, format`)
		if !slices.Equal(got, want) || !slices.Equal(sum, want) {
			t.Errorf("%s: the organisation's days %q, its people's days add up to %q, want %q", step, got, sum, want)
		}
	}
	add := func(a store.Actor, pid int64, at time.Time, mode string, minutes int) store.Contact {
		c, err := db.AddContact(ctx, a, pid, store.ContactInput{OccurredAt: at, DurationMinutes: minutes, Mode: mode, Kind: "check_in"})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	add(pat, ana.ID, at, "phone", 10)
	c := add(pat, ben.ID, at, "phone", 20)
	add(olu, cy.ID, at, "phone", 5)
	add(testkit.Actor(other.Peer), addPerson(t, db, testkit.Actor(other.Peer), "Dee").ID, at, "phone", 60)
	day := core.Today(at)
	row := func(day, mode string, n, min int) string {
		return fmt.Sprintf("%s %s check_in %s individual %d %d", day, reporting.WeekOf(day), mode, n, min)
	}
	check("three contacts on one day, two workers", tm.Admin.OrgID, row(day, "phone", 3, 35))
	check("the other organisation", other.Admin.OrgID, row(day, "phone", 1, 60))

	later := at.Add(24 * time.Hour)
	if _, err := db.UpdateContact(ctx, pat, c.ID, store.ContactInput{OccurredAt: later, DurationMinutes: 25, Mode: "video", Kind: "check_in"}); err != nil {
		t.Fatal(err)
	}
	check("one moved to the next day by video", tm.Admin.OrgID, row(day, "phone", 2, 15), row(core.Today(later), "video", 1, 25))

	if _, err := db.DeleteContact(ctx, pat, c.ID); err != nil {
		t.Fatal(err)
	}
	check("that one deleted", tm.Admin.OrgID, row(day, "phone", 2, 15))

	add(pat, ben.ID, at, "phone", 30)
	if _, err := db.MergePeople(ctx, testkit.Actor(tm.Supervisor), ana.ID, ben.ID); err != nil {
		t.Fatal(err)
	}
	check("two records merged", tm.Admin.OrgID, row(day, "phone", 3, 45))
	check("the other organisation, untouched", other.Admin.OrgID, row(day, "phone", 1, 60))
}
