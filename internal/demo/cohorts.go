package demo

import (
	"context"
	"fmt"
	"time"

	"peerpath/internal/cohort"
	"peerpath/internal/core"
	"peerpath/internal/store"
)

// The demo's cohorts (issue 8): a CPS course whose training days are done
// and whose exams are under way, and a past ICAN cohort at a high school
// with its company visits, graduation and what came after. Every person is
// made up; the host companies are the real businesses that host ICAN
// visits, with made-up contact people. Dates are set relative to the day the
// demo is first loaded, so the CPS cohort is always in progress.

const (
	demoCPSName  = "Fall CPS course, Riverbend"
	demoICANName = "Somerville High School ICAN, spring"
)

func loadCohorts(ctx context.Context, s *store.Store, d *Demo) error {
	trainer := d.Users["trainer"].Actor("demo")
	today := s.Clock().Now().In(core.Local)
	day := func(offset int) string { return today.AddDate(0, 0, offset).Format(time.DateOnly) }
	if err := demoProgrammes(ctx, s, d); err != nil {
		return fmt.Errorf("demo programmes: %w", err)
	}
	admin := d.Users["admin"].Actor("demo")
	for _, c := range []struct {
		name string
		load func(context.Context, *store.Store, *Demo, func(int) string) error
	}{{demoCPSName, demoCPS}, {demoICANName, demoICAN}} {
		existing, err := s.CohortByName(ctx, trainer, c.name)
		switch {
		case core.KindOf(err) == core.KindNotFound:
			if err := c.load(ctx, s, d, day); err != nil {
				return fmt.Errorf("demo cohort %s: %w", c.name, err)
			}
		case err != nil:
			return err
		case !existing.Rule.Confirmed:
			// A demo loaded before rules were the organisation's to
			// confirm: the administrator confirms them as they are.
			if _, err := s.ConfirmCohortRule(ctx, admin, existing.ID, store.ConfirmedRule(existing.Rule)); err != nil {
				return fmt.Errorf("demo cohort %s: %w", c.name, err)
			}
		}
	}
	return nil
}

// demoProgrammes has the demo administrator confirm the built-in
// programmes' rules as the organisation's (peerpath only suggests them, and
// nobody completes under a rule nobody confirmed), and adds one programme of
// the organisation's own.
func demoProgrammes(ctx context.Context, s *store.Store, d *Demo) error {
	admin := d.Users["admin"].Actor("demo")
	ps, err := s.Programmes(ctx, admin)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.Name == "WRAP facilitator training" {
			return nil
		}
		if p.BuiltIn() && !p.Rule.Confirmed {
			if _, err := s.UpdateProgramme(ctx, admin, p.Key, store.ProgrammeInput{Name: p.Name, Description: p.Description, Rule: store.ConfirmedRule(p.Rule)}); err != nil {
				return err
			}
		}
	}
	_, err = s.CreateProgramme(ctx, admin, store.ProgrammeInput{Name: "WRAP facilitator training",
		Description:  "Five days of learning to co-facilitate Wellness Recovery Action Plan groups, with a practice session as the oral exam.",
		SessionKinds: []cohort.SessionKind{cohort.SessionClass},
		Rule:         cohort.Rule{AttendancePercent: 100, OralExam: true, Attempts: 2, Confirmed: true}})
	return err
}

type demoParticipant struct {
	name, email string
	user        string // a demo user's key, when the participant is one
}

// mark returns a participant's mark for session i (0-based) from a pattern:
// P present, L late, E excused, A absent, - not recorded.
func markAt(pattern string, i int) (cohort.Mark, bool) {
	if i >= len(pattern) {
		return "", false
	}
	switch pattern[i] {
	case 'P':
		return cohort.Present, true
	case 'L':
		return cohort.Late, true
	case 'E':
		return cohort.Excused, true
	case 'A':
		return cohort.Absent, true
	}
	return "", false
}

func demoCPS(ctx context.Context, s *store.Store, d *Demo, day func(int) string) error {
	tr := d.Users["trainer"].Actor("demo")
	c, err := s.CreateCohort(ctx, tr, store.CohortInput{Programme: "cps", Name: demoCPSName, Term: "Fall", Location: "Riverbend RLC, Main Street training room",
		StartsOn: day(-63), EndsOn: day(21), Capacity: 12})
	if err != nil {
		return err
	}
	// Eight training days a week apart, then a three-day retreat.
	topics := []string{"Peer support and the road to recovery", "Your story as a tool", "Mutuality and boundaries", "Trauma-informed peer work",
		"Human Experience Language", "Advocacy and self-determination", "Wellness and crisis planning", "Working in the system as a peer"}
	var sessions []store.CohortSession
	for i, topic := range topics {
		cs, err := s.CreateCohortSession(ctx, tr, c.ID, store.SessionInput{Kind: cohort.SessionTraining, On: day(-63 + 7*i), StartTime: "09:30", EndTime: "16:00",
			Place: "Training room, Riverbend RLC", Topic: topic})
		if err != nil {
			return err
		}
		sessions = append(sessions, cs)
	}
	for i, topic := range []string{"Community and belonging", "Practising peer conversations", "Preparing for the exams"} {
		cs, err := s.CreateCohortSession(ctx, tr, c.ID, store.SessionInput{Kind: cohort.SessionRetreat, On: day(-9 + i), StartTime: "10:00", EndTime: "17:00",
			Place: "Hilltop retreat house", Topic: topic})
		if err != nil {
			return err
		}
		sessions = append(sessions, cs)
	}
	// Attendance, one letter per session (8 training days, 3 retreat days).
	people := []struct {
		demoParticipant
		marks string
	}{
		{demoParticipant{name: "José Ñúñez", email: "jose.nunez@example.org"}, "PPPPPPPPPPP"},
		{demoParticipant{name: "Aisha Bello", email: "aisha.bello@example.org"}, "PPPLPPPPPPP"},
		{demoParticipant{name: "Pat Lee", user: "peer"}, "PPPPPLPPPPP"},
		{demoParticipant{name: "Mei Lin Chen"}, "PPPPPPPPPPP"},
		{demoParticipant{name: "Darnell Brooks"}, "PPEPPAPPPPP"},
		{demoParticipant{name: "Siobhán O'Connor"}, "PPPPPPPPLPP"},
		{demoParticipant{name: "Tomás Herrera", email: "tomas.h@example.org"}, "PPPPPPPPPPP"},
		{demoParticipant{name: "Priya Natarajan"}, "PPP"},
		{demoParticipant{name: "Grace Mensah"}, "PLLPPLPPPPP"},
		{demoParticipant{name: "Marcus Feldman"}, "PPPPPPPPPPP"},
		{demoParticipant{name: "Nguyễn Văn An"}, "PPPPPPPPPPP"},
		{demoParticipant{name: "Rosa Delgado"}, "PPPPPPPEPPP"},
		// Waiting for a place when the course began; Lena gets Priya's.
		{demoParticipant{name: "Lena Fischer"}, "---PPPPPPPP"},
		{demoParticipant{name: "Omar Haddad"}, ""},
	}
	ids := map[string]int64{}
	for _, p := range people {
		in := store.ParticipantInput{Name: p.name, Email: p.email}
		if p.user != "" {
			in.UserID = d.Users[p.user].ID
		}
		pt, err := s.AddParticipant(ctx, tr, c.ID, in)
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		ids[p.name] = pt.ID
	}
	record := func(from, to int) error {
		for i := from; i < to; i++ {
			marks := map[int64]cohort.Mark{}
			for _, p := range people {
				if m, ok := markAt(p.marks, i); ok {
					marks[ids[p.name]] = m
				}
			}
			if err := s.RecordAttendance(ctx, tr, c.ID, sessions[i].ID, marks); err != nil {
				return fmt.Errorf("session %d: %w", i+1, err)
			}
		}
		return nil
	}
	if err := record(0, 3); err != nil {
		return err
	}
	if _, _, err := s.WithdrawParticipant(ctx, tr, c.ID, ids["Priya Natarajan"], day(-46)); err != nil {
		return err
	}
	if err := record(3, len(sessions)); err != nil {
		return err
	}
	// A make-up for the day Darnell was absent, still to come.
	if _, err := s.CreateCohortSession(ctx, tr, c.ID, store.SessionInput{Kind: cohort.SessionMakeUp, On: day(5), StartTime: "13:00", EndTime: "17:00",
		Place: "Small meeting room", Topic: "Advocacy and self-determination", MakesUpID: sessions[5].ID}); err != nil {
		return err
	}
	// Exams: the written one the week after the retreat, the oral ones after.
	written := func(name string, offset, score int) error {
		_, err := s.RecordExam(ctx, tr, c.ID, ids[name], store.ExamInput{Exam: cohort.Written, TakenOn: day(offset), Score: &score})
		return err
	}
	oral := func(name string, offset int, passed bool) error {
		_, err := s.RecordExam(ctx, tr, c.ID, ids[name], store.ExamInput{Exam: cohort.Oral, TakenOn: day(offset), Passed: &passed})
		return err
	}
	for _, step := range []error{
		written("José Ñúñez", -4, 91), oral("José Ñúñez", -2, true),
		written("Aisha Bello", -4, 86), oral("Aisha Bello", -2, true),
		written("Pat Lee", -4, 84),
		written("Mei Lin Chen", -4, 95),
		written("Darnell Brooks", -4, 88), oral("Darnell Brooks", -2, true),
		written("Siobhán O'Connor", -4, 72),
		written("Grace Mensah", -4, 81),
		written("Marcus Feldman", -4, 64), written("Marcus Feldman", -1, 76),
		written("Nguyễn Văn An", -4, 83), oral("Nguyễn Văn An", -2, false),
	} {
		if step != nil {
			return step
		}
	}
	for _, name := range []string{"José Ñúñez", "Aisha Bello"} {
		if _, err := s.IssueCertificate(ctx, tr, c.ID, ids[name], ""); err != nil {
			return fmt.Errorf("certificate for %s: %w", name, err)
		}
	}
	return nil
}

func demoICAN(ctx context.Context, s *store.Store, d *Demo, day func(int) string) error {
	tr := d.Users["trainer"].Actor("demo")
	topics := []string{"Careers in a community hospital", "Pharmacy and store careers", "Working in an accounting firm", "Jobs in human services", "Hospital research and support jobs"}
	companies := []store.HostCompanyInput{
		{Name: "Cambridge Health Alliance", Industry: "Health care: a public hospital system", ContactName: "Maribel Souza", ContactPhone: "617-555-0141", Address: "Cambridge, MA"},
		{Name: "CVS Health", Industry: "Pharmacy and retail health", ContactName: "Derek Osei", ContactPhone: "617-555-0172", Address: "Somerville, MA"},
		{Name: "PwC", Industry: "Accounting and consulting", ContactName: "Hannah Whitcomb", ContactEmail: "h.whitcomb@example.com", Address: "Boston, MA"},
		{Name: "Vinfen", Industry: "Human services (non-profit)", ContactName: "Luis Ferreira", ContactPhone: "617-555-0118", Address: "Cambridge, MA"},
		{Name: "Partners HealthCare", Industry: "Health care: hospitals and research", ContactName: "Grace Liu", ContactEmail: "g.liu@example.com", Address: "Boston, MA"},
	}
	var hosts []store.HostCompany
	for _, in := range companies {
		h, err := s.HostCompanyByName(ctx, tr, in.Name)
		if core.KindOf(err) == core.KindNotFound {
			h, err = s.SaveHostCompany(ctx, tr, 0, in)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", in.Name, err)
		}
		hosts = append(hosts, h)
	}
	c, err := s.CreateCohort(ctx, tr, store.CohortInput{Programme: "ican", Name: demoICANName, Term: "Spring", Location: "Somerville High School",
		StartsOn: day(-150), EndsOn: day(-108), Capacity: 12})
	if err != nil {
		return err
	}
	covers := [][]string{{"tour", "hiring", "skills"}, {"tour", "openings", "skills"}, {"hiring", "openings", "skills"}, {"tour", "hiring", "openings"}, {"tour", "hiring", "openings", "skills"}}
	var sessions []store.CohortSession
	for i, h := range hosts {
		cs, err := s.CreateCohortSession(ctx, tr, c.ID, store.SessionInput{Kind: cohort.SessionVisit, On: day(-150 + 7*i), StartTime: "12:30", EndTime: "14:30",
			HostCompanyID: h.ID, Topic: topics[i], Covered: covers[i],
			VisitNotes: "Students met people in entry-level roles and asked how they were hired."})
		if err != nil {
			return err
		}
		sessions = append(sessions, cs)
	}
	grad, err := s.CreateCohortSession(ctx, tr, c.ID, store.SessionInput{Kind: cohort.SessionGraduation, On: day(-108), StartTime: "15:00", EndTime: "16:30",
		Place: "Somerville High School library", Topic: "Certificates and families"})
	if err != nil {
		return err
	}
	students := []struct {
		name, school, grade, accommodations string
		minor                               bool
		guardian                            string
		marks                               string // five visits, then graduation
	}{
		{"Kai Moreau", "Somerville High School", "11", "", true, "Lee Moreau", "PPPPPP"},
		{"Ana Beatriz Souza", "Somerville High School", "12", "Prefers written instructions", false, "", "PPPPLP"},
		{"DeShawn Carter", "Somerville High School", "12", "", false, "", "PPEPPP"},
		{"Fatima Rahman (فاطمة رحمن)", "Somerville High School", "11", "", true, "Nasrin Rahman", "PPPPPP"},
		{"Liam O'Brien", "Full Circle", "10", "Quiet space to take breaks", true, "Colleen O'Brien", "PPPPPP"},
		{"Sofía Gutiérrez", "Somerville High School", "12", "", false, "", "PLPPPP"},
		{"Jae-won Park (박재원)", "Somerville High School", "11", "", true, "Min-ji Park", "PPPEPA"},
		{"Malik Johnson", "Full Circle", "12", "", false, "", "PAPAAA"},
		{"Emily Tran", "Somerville High School", "11", "Uses a screen reader", true, "Linh Tran", "PPPPPP"},
		{"Rafael Costa", "Somerville High School", "12", "", false, "", "PPPPAP"},
	}
	ids := map[string]int64{}
	for _, st := range students {
		in := store.ParticipantInput{Name: st.name, School: st.school, Grade: st.grade, Accommodations: st.accommodations, Minor: st.minor}
		if st.minor {
			in.GuardianName, in.GuardianContact, in.GuardianConsentOn = st.guardian, "617-555-01"+fmt.Sprint(10+len(ids)), day(-160)
		}
		p, err := s.AddParticipant(ctx, tr, c.ID, in)
		if err != nil {
			return fmt.Errorf("%s: %w", st.name, err)
		}
		ids[st.name] = p.ID
	}
	all := append(sessions, grad)
	for i, cs := range all {
		marks := map[int64]cohort.Mark{}
		for _, st := range students {
			if m, ok := markAt(st.marks, i); ok {
				marks[ids[st.name]] = m
			}
		}
		if err := s.RecordAttendance(ctx, tr, c.ID, cs.ID, marks); err != nil {
			return err
		}
	}
	// Everyone who attended at least four visits graduated with a certificate,
	// dated the day of the graduation.
	for _, st := range students {
		if st.name == "Malik Johnson" {
			continue // two visits of five: not enough this time
		}
		if _, err := s.IssueCertificate(ctx, tr, c.ID, ids[st.name], day(-108)); err != nil {
			return fmt.Errorf("certificate for %s: %w", st.name, err)
		}
	}
	outcomes := []struct {
		name                       string
		kind                       string
		host                       int
		offered, accepted, started int // days from today; 0 for not (yet)
	}{
		{"Kai Moreau", "internship", 1, -95, -92, -60},
		{"Ana Beatriz Souza", "job", 4, -90, -88, -70},
		{"Fatima Rahman (فاطمة رحمن)", "internship", 0, -85, -80, -45},
		{"Sofía Gutiérrez", "internship", 2, -80, 0, 0},
		{"Emily Tran", "internship", 3, -75, -72, 0},
	}
	for _, o := range outcomes {
		in := store.OutcomeInput{Kind: o.kind, HostCompanyID: hosts[o.host].ID, OfferedOn: day(o.offered)}
		if o.accepted != 0 {
			in.AcceptedOn = day(o.accepted)
		}
		if o.started != 0 {
			in.StartedOn = day(o.started)
		}
		if _, err := s.SaveOutcome(ctx, tr, c.ID, ids[o.name], in); err != nil {
			return fmt.Errorf("outcome for %s: %w", o.name, err)
		}
	}
	return nil
}
