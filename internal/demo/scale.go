package demo

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/store"
)

// A generated data set at the scale of a whole state (`peerpath demo
// --scale state`), or a smaller one, for benchmarks and for seeing how
// peerpath behaves with years of records. Like the demo, everything in it is
// made up, and its organisations are marked as demos. The people, contacts,
// goals, referrals and safety plans are written in bulk through
// store.LoadGenerated, which derives last contact, next check-in, cycle ends
// and follow-up days with the application's own code and writes one audit
// entry per batch. Workers are created one by one with store.CreateUser.

// Scale is the size of a generated data set.
type Scale struct {
	Name      string
	Orgs      int
	Workers   int // per organisation: one administrator, one trainer, a supervisor for about every eleven peer workers
	People    int // per organisation
	Contacts  int // per organisation, over Years
	Years     int
	Summary   string
	batchSize int
}

// Scales are the sizes `peerpath demo --scale` offers, smallest first.
var Scales = []Scale{
	{Name: "smoke", Orgs: 2, Workers: 8, People: 30, Contacts: 1200, Years: 1, Summary: "2 organisations, 16 workers, 60 people, 2,400 contacts (seconds; the CI test)", batchSize: 20},
	{Name: "org", Orgs: 1, Workers: 150, People: 2500, Contacts: 250_000, Years: 3, Summary: "one large organisation: 150 workers, 2,500 people, 250,000 contacts over 3 years"},
	{Name: "tenth", Orgs: 2, Workers: 150, People: 2500, Contacts: 250_000, Years: 3, Summary: "a tenth of the state: 2 organisations, 300 workers, 5,000 people, 500,000 contacts"},
	{Name: "state", Orgs: 20, Workers: 150, People: 2500, Contacts: 250_000, Years: 3, Summary: "Massachusetts: 20 organisations, 3,000 workers, 50,000 people, 5 million contacts over 3 years"},
}

// ScaleByName finds a scale.
func ScaleByName(name string) (Scale, bool) {
	for _, s := range Scales {
		if s.Name == name {
			return s, true
		}
	}
	return Scale{}, false
}

// ScaleOrgName is the name of generated organisation i (from 1).
func ScaleOrgName(i int) string { return fmt.Sprintf("Generated organisation %02d (demo)", i) }

// ScaleEmail is the sign-in address of generated worker n (from 1) of a
// role in organisation i: peer007@org01.scale.demo.
func ScaleEmail(org int, role auth.Role, n int) string {
	return fmt.Sprintf("%s%03d@org%02d.scale.demo", role, n, org)
}

// Generated is what Generate wrote.
type Generated struct {
	Orgs    int
	Workers int
	store.GeneratedCounts
	Skipped int // organisations already there, left as they were
}

// Generate builds the data set of scale sc, reporting progress to log.
// It is idempotent per organisation: one that already has people is left
// alone, so an interrupted run can be started again.
func Generate(ctx context.Context, s *store.Store, sc Scale, log io.Writer) (Generated, error) {
	var out Generated
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return out, err
	}
	now := s.Clock().Now()
	for i := 1; i <= sc.Orgs; i++ {
		start := time.Now()
		org, _, err := s.EnsureOrganisation(ctx, store.System(), ScaleOrgName(i), true)
		if err != nil {
			return out, err
		}
		out.Orgs++
		if has, err := s.HasPeople(ctx, org.ID); err != nil {
			return out, err
		} else if has {
			out.Skipped++
			fmt.Fprintf(log, "%s already has people: left as it is\n", org.Name)
			continue
		}
		team, err := scaleWorkers(ctx, s, sc, i, org.ID, hash)
		if err != nil {
			return out, err
		}
		out.Workers += len(team.all)
		admin := team.admin.Actor("local")
		var resources []store.Resource
		if l, err := s.ListResources(ctx, admin, store.ResourceFilter{}, store.Page{Limit: store.MaxLimit}); err != nil {
			return out, err
		} else if len(l.Items) == 0 {
			var rows []store.ImportRow
			for j, r := range demoResources {
				r.VerifiedOn = s.Today()
				rows = append(rows, store.ImportRow{Line: j + 2, ResourceInput: r})
			}
			if _, err := s.ImportResources(ctx, admin, rows); err != nil {
				return out, fmt.Errorf("generated resources: %w", err)
			}
			if l, err = s.ListResources(ctx, admin, store.ResourceFilter{}, store.Page{Limit: store.MaxLimit}); err != nil {
				return out, err
			}
			resources = l.Items
		} else {
			resources = l.Items
		}
		g := generator{rnd: rand.New(rand.NewPCG(uint64(i), 2026)), now: now, sc: sc, team: team, resources: resources}
		batch := sc.batchSize
		if batch == 0 {
			batch = 250
		}
		var orgCounts store.GeneratedCounts
		for first := 0; first < sc.People; first += batch {
			people := make([]store.GeneratedPerson, 0, batch)
			for n := first; n < min(first+batch, sc.People); n++ {
				people = append(people, g.person(n))
			}
			c, err := s.LoadGenerated(ctx, admin, people)
			if err != nil {
				return out, fmt.Errorf("%s, people %d to %d: %w", org.Name, first+1, first+len(people), err)
			}
			orgCounts.Add(c)
		}
		out.GeneratedCounts.Add(orgCounts)
		fmt.Fprintf(log, "%s: %d workers, %d people, %d contacts, %d goals, %d referrals, %d safety plan versions in %s\n",
			org.Name, len(team.all), orgCounts.People, orgCounts.Contacts, orgCounts.Goals, orgCounts.Referrals, orgCounts.PlanVersions, time.Since(start).Round(time.Second/10))
	}
	if out.People > 0 {
		if err := s.Analyze(ctx); err != nil {
			return out, fmt.Errorf("refreshing the planner's statistics: %w", err)
		}
	}
	return out, nil
}

type scaleTeam struct {
	admin store.User
	peers []store.User
	all   []store.User
}

// scaleWorkers creates (or finds) organisation i's workers: an
// administrator, a trainer, supervisors, and peer workers shared out among
// the supervisors.
func scaleWorkers(ctx context.Context, s *store.Store, sc Scale, i int, orgID int64, hash string) (scaleTeam, error) {
	var t scaleTeam
	supers := max(1, (sc.Workers-2)/12)
	peers := max(1, sc.Workers-2-supers)
	var supervisors []store.User
	mk := func(role auth.Role, n int, name string, sup int64) (store.User, error) {
		email := ScaleEmail(i, role, n)
		u, err := s.UserByEmail(ctx, email)
		if core.KindOf(err) == core.KindNotFound {
			u, err = s.CreateUser(ctx, store.System(), store.NewUser{OrgID: orgID, Email: email, Name: name, Roles: []auth.Role{role}, SupervisorID: sup, PasswordHash: hash})
		}
		if err != nil {
			return u, fmt.Errorf("generated worker %s: %w", email, err)
		}
		t.all = append(t.all, u)
		return u, nil
	}
	var err error
	if t.admin, err = mk(auth.RoleAdmin, 1, fmt.Sprintf("Administrator %02d", i), 0); err != nil {
		return t, err
	}
	if _, err := mk(auth.RoleTrainer, 1, fmt.Sprintf("Trainer %02d", i), 0); err != nil {
		return t, err
	}
	for n := 1; n <= supers; n++ {
		u, err := mk(auth.RoleSupervisor, n, fmt.Sprintf("%s %s", first(i*1000+n), last(i*1000+n)), 0)
		if err != nil {
			return t, err
		}
		supervisors = append(supervisors, u)
	}
	for n := 1; n <= peers; n++ {
		u, err := mk(auth.RolePeer, n, fmt.Sprintf("%s %s", first(i*1000+500+n), last(i*1000+500+n)), supervisors[(n-1)%len(supervisors)].ID)
		if err != nil {
			return t, err
		}
		t.peers = append(t.peers, u)
	}
	return t, nil
}

var (
	firstNames = []string{"Alex", "Ana", "Ben", "Carmen", "Chen", "Dara", "Eli", "Fatima", "Gabe", "Hana", "Ian", "Imani", "Jorge", "Kai", "Lena", "Luis", "Mei", "Nadia", "Noor", "Owen", "Priya", "Quinn", "Rafael", "Rosa", "Sami", "Tariq", "Uma", "Vera", "Wes", "Yusuf", "Zoe", "José"}
	lastNames  = []string{"Adams", "Barros", "Costa", "Diaz", "Evans", "Fontaine", "Garcia", "Haddad", "Ito", "Johnson", "Kim", "Lopes", "Murphy", "Nguyen", "O'Brien", "Pereira", "Quinn", "Reyes", "Silva", "Tran", "Vargas", "Walsh", "Yamamoto", "Zhou"}
	languages  = []string{"English", "English", "English", "English", "Spanish", "Spanish", "Portuguese", "Haitian Creole", "Vietnamese", "Cape Verdean Creole", "Chinese", "Arabic"}
	pronouns   = []string{"she/her", "he/him", "they/them", "she/her", "he/him", ""}
	notes      = []string{
		"Checked in; the week has been steady.",
		"Talked about sleep and the evening routine.",
		"Went over the housing application together.",
		"Walked to the library and talked about volunteering.",
		"Short call: doing okay, busy with family.",
		"Planned what to say at the benefits appointment.",
		"Met for coffee; talked about getting back to work.",
		"Texted: going to the group on Thursday.",
		"Talked through a hard day and what helped.",
		"Looked at the bus routes to the new job.",
	}
	goalTexts = []struct{ text, area string }{
		{"Find a place of my own", "home"}, {"Walk every morning", "health"}, {"Get back to part-time work", "purpose"},
		{"Join a community choir", "community"}, {"Sleep through the night more often", "health"}, {"Finish my GED", "purpose"},
		{"See my kids every weekend", "community"}, {"Keep my apartment tidy", "home"},
	}
	contactKinds = []string{"check_in", "check_in", "check_in", "one_to_one", "one_to_one", "advocacy", "resource_linkage", "outreach", "accompaniment", "crisis"}
	contactModes = []string{"in_person", "in_person", "phone", "phone", "text", "video"}
)

func first(n int) string { return firstNames[n%len(firstNames)] }
func last(n int) string  { return lastNames[(n/len(firstNames))%len(lastNames)] }

type generator struct {
	rnd       *rand.Rand
	now       time.Time
	sc        Scale
	team      scaleTeam
	resources []store.Resource
}

func (g *generator) day(t time.Time) string { return t.In(store.Zone).Format(core.DateLayout) }

// person makes generated person n of the organisation: supported since some
// time in the last Years, met about every week or two since, some overdue
// now; most with goals, some with referrals, seven in ten with a safety plan.
func (g *generator) person(n int) store.GeneratedPerson {
	r := g.rnd
	span := time.Duration(float64(g.sc.Years) * 365 * 24 * float64(time.Hour) * (0.1 + 0.9*r.Float64()))
	since := g.now.Add(-span)
	every := []int{7, 7, 7, 14, 14, 30}[r.IntN(6)]
	p := store.GeneratedPerson{
		PreferredName:     fmt.Sprintf("%s %s %d", first(n*7+r.IntN(5)), last(n*13+r.IntN(7)), n+1),
		Pronouns:          pronouns[r.IntN(len(pronouns))],
		PreferredLanguage: languages[r.IntN(len(languages))],
		OkayToContact:     [][]string{{"phone_call", "text"}, {"text"}, {"phone_call", "voicemail"}, {"email"}}[r.IntN(4)],
		Programmes:        []string{"Peer support"},
		Status:            store.StatusActive,
		CheckInEveryDays:  every,
		Since:             since,
		WorkerIDs:         []int64{g.team.peers[n%len(g.team.peers)].ID},
	}
	switch x := r.IntN(20); {
	case x < 2:
		p.Status, p.ClosedReason = store.StatusClosed, "Moved away and said goodbye."
	case x < 3:
		p.Status = store.StatusOnHold
	}
	// Contacts: the organisation's total shared in proportion to how long
	// each person has been supported (a mean span of 0.55 years per year).
	want := float64(g.sc.Contacts) / float64(g.sc.People) * (float64(span) / (float64(g.sc.Years) * 365 * 24 * float64(time.Hour))) / 0.55
	count := int(want)
	if r.Float64() < want-float64(count) {
		count++
	}
	// The last contact: within the rhythm for most, overdue for some.
	lastAt := g.now.Add(-time.Duration(r.Float64()*1.6*float64(every)*24) * time.Hour)
	if lastAt.Before(since) {
		lastAt = since.Add(time.Hour)
	}
	window := lastAt.Sub(since)
	for c := 0; c < count; c++ {
		at := lastAt
		if c > 0 {
			at = since.Add(time.Duration(r.Int64N(int64(window) + 1)))
		}
		local := at.In(store.Zone)
		at = time.Date(local.Year(), local.Month(), local.Day(), 9+r.IntN(8), 15*r.IntN(4), 0, 0, store.Zone)
		if at.After(g.now) {
			at = g.now.Add(-time.Hour)
		}
		kind := contactKinds[r.IntN(len(contactKinds))]
		p.Contacts = append(p.Contacts, store.ContactInput{OccurredAt: at, DurationMinutes: []int{10, 15, 30, 45, 60, 90}[r.IntN(6)],
			Format: "individual", Mode: contactModes[r.IntN(len(contactModes))], Kind: kind, Note: notes[r.IntN(len(notes))]})
	}
	// Goals in three-month cycles: up to four, the last still open.
	if r.IntN(10) < 8 {
		cycles := min(4, 1+int(span/(91*24*time.Hour)))
		start := g.now.AddDate(0, 0, -r.IntN(80)-91*(cycles-1))
		for c := range cycles {
			gc := store.GeneratedCycle{StartsOn: g.day(start), Reviewed: c < cycles-1}
			if gc.Reviewed {
				gc.ReviewNote = "Looked back together at what changed."
			}
			for k := range 2 {
				gt := goalTexts[(n+c+k*3)%len(goalTexts)]
				status := "active"
				if gc.Reviewed {
					status = []string{"achieved", "changed", "set_aside", "achieved"}[r.IntN(4)]
				}
				gc.Goals = append(gc.Goals, store.GoalInput{Text: gt.text, LifeArea: gt.area, Steps: "One small step a week", Status: status})
			}
			p.Cycles = append(p.Cycles, gc)
			start = start.AddDate(0, 0, 91)
		}
	}
	// Referrals: half the people, a few still waiting for their follow-up.
	for k := 0; k < []int{0, 0, 1, 1, 2}[r.IntN(5)] && len(g.resources) > 0; k++ {
		res := g.resources[r.IntN(len(g.resources))]
		made := g.now.AddDate(0, 0, -r.IntN(120))
		if made.Before(since) {
			made = since
		}
		status := []string{store.ReferralMade, store.ReferralContacted, store.ReferralConnected, store.ReferralConnected, store.ReferralNotConnected}[r.IntN(5)]
		p.Referrals = append(p.Referrals, store.GeneratedReferral{ResourceID: res.ID, ResourceName: res.Name, Reason: "Asked for help with this.", MadeOn: g.day(made), Status: status})
	}
	// A safety plan for seven people in ten, in one to three versions.
	if r.IntN(10) < 7 {
		versions := 1 + r.IntN(3)
		at := g.now.AddDate(0, 0, -r.IntN(300)-30*versions)
		if at.Before(since) {
			at = since
		}
		for v := range versions {
			in := store.PlanInput{Items: map[string][]string{
				"warning_signs":    {"Not sleeping", "Staying in my room"},
				"coping_on_my_own": {"Music", "A long walk"},
				"what_matters":     {"My family"},
			}, Contacts: map[string][]store.PlanContact{
				"professionals_and_crisis_lines": {{Name: "988 Suicide & Crisis Lifeline", Phone: "988"}},
			}}
			if v > 0 {
				in.Items["people_and_places"] = []string{"The library", "My sister's kitchen"}
			}
			p.SafetyPlan = append(p.SafetyPlan, store.GeneratedPlanVersion{Input: in, SavedAt: at})
			at = at.AddDate(0, 0, 30+r.IntN(60))
			if at.After(g.now) {
				at = g.now.Add(-time.Hour)
			}
		}
	}
	return p
}
