package demo

import (
	"context"
	"fmt"
	"time"

	"peerpath/internal/store"
)

// The demo's people supported, with eight weeks of contacts (some check-ins
// overdue), goals in a current cycle and one ended cycle waiting for its
// review, referrals (one follow-up due) and a directory of resources. Every
// person, note and number is made up; the resource names are real kinds of
// Massachusetts resource, with 555-01xx telephone numbers except for 988,
// which is the real national crisis line.

// demoResources is the directory. The six Recovery Learning Communities and
// the Recovery Support Centers are real organisations; their numbers here are
// not.
var demoResources = []store.ResourceInput{
	{Name: "Western Mass Recovery Learning Community", Kind: "rlc", Phone: "413-555-0101", Website: "https://www.westernmassrlc.org", Eligibility: "Peer-run community for people in western Massachusetts. No referral needed.", Languages: "English, Spanish"},
	{Name: "Central Mass Recovery Learning Community", Kind: "rlc", Phone: "508-555-0102", Website: "https://www.centralmassrlc.org", Eligibility: "Peer-run community for central Massachusetts.", Languages: "English"},
	{Name: "Metro Suburban Recovery Learning Community", Kind: "rlc", Phone: "781-555-0103", Website: "https://www.metrosubrlc.org", Eligibility: "Peer-run community for the suburbs around Boston.", Languages: "English, Portuguese"},
	{Name: "Northeast Recovery Learning Community", Kind: "rlc", Phone: "978-555-0104", Eligibility: "Peer-run community for northeastern Massachusetts.", Languages: "English, Spanish, Khmer"},
	{Name: "Metro Boston Recovery Learning Community", Kind: "rlc", Phone: "617-555-0105", Website: "https://www.metrobostonrlc.org", Eligibility: "Peer-run community for Boston and nearby cities.", Languages: "English, Spanish, Haitian Creole"},
	{Name: "Southeast Recovery Learning Community", Kind: "rlc", Phone: "508-555-0106", Website: "https://www.southeastrlc.org", Eligibility: "Peer-run community for southeastern Massachusetts and the Cape.", Languages: "English, Portuguese, Cape Verdean Creole"},
	{Name: "The RECOVER Project", Kind: "rsc", Phone: "413-555-0107", Eligibility: "Recovery Support Center in western Massachusetts, for anyone in or seeking recovery from addiction.", Hours: "Monday to Saturday, 9 to 5"},
	{Name: "Everyday Miracles Recovery Support Center", Kind: "rsc", Phone: "508-555-0108", Eligibility: "Recovery Support Center in central Massachusetts.", Hours: "Every day, 10 to 6"},
	{Name: "STEP ROX Recovery Support Center", Kind: "rsc", Phone: "617-555-0109", Eligibility: "Recovery Support Center in Roxbury.", Languages: "English, Spanish"},
	{Name: "988 Suicide & Crisis Lifeline", Kind: "crisis", Phone: "988", Hours: "Every hour of every day", Eligibility: "Call or text 988, or chat online. For anyone in distress, and for people worried about someone.", Languages: "English, Spanish; interpreters for many more"},
	{Name: "Riverbend Housing Search Clinic", Kind: "housing", Address: "12 Mill Street, Riverbend, MA", Phone: "617-555-0111", Hours: "Tuesdays and Thursdays, 1 to 4", Eligibility: "Help finding and applying for housing, including subsidised units. Bring any letters from the housing authority.", Languages: "English, Spanish"},
	{Name: "Riverbend Benefits Help Desk", Kind: "benefits", Address: "40 Elm Street, Riverbend, MA", Phone: "617-555-0112", Hours: "Monday to Friday, 9 to 3", Eligibility: "Applications and appeals for SNAP, SSI and SSDI, and health insurance.", Languages: "English, Portuguese"},
	{Name: "Riverbend Community Legal Aid", Kind: "legal", Address: "40 Elm Street, Riverbend, MA", Phone: "617-555-0113", Hours: "Walk-in Wednesdays, 10 to 1", Eligibility: "Free civil legal help for people on low incomes: evictions, benefits, family matters."},
	{Name: "Riverbend Hearing Voices Group", Kind: "peer_group", Address: "Riverbend RLC, 8 Canal Street", Phone: "617-555-0114", Hours: "Thursdays, 6 to 7:30 pm", Eligibility: "For anyone who hears voices or has other unusual experiences. Drop in."},
	{Name: "Riverbend WRAP Class", Kind: "peer_group", Address: "Riverbend RLC, 8 Canal Street", Phone: "617-555-0115", Hours: "Eight Mondays, 10 to noon; next class starts monthly", Eligibility: "Build your own Wellness Recovery Action Plan with others."},
	{Name: "Riverbend Community Food Pantry", Kind: "food", Address: "3 Church Lane, Riverbend, MA", Phone: "617-555-0116", Hours: "Saturdays, 9 to noon", Eligibility: "Open to everyone; no papers needed."},
}

type demoContact struct {
	daysAgo    int
	kind, mode string
	minutes    int
	note       string
	group      bool
}

type demoGoal struct {
	text, area, steps, status string
}

type demoPerson struct {
	worker                    string // key in Demo.Users
	name, pronouns, language  string
	phone, email, address     string
	okay                      []string
	every                     int
	sinceDays                 int
	contacts                  []demoContact
	cycleDaysAgo              int // 0: no goals yet
	goals                     []demoGoal
	referral                  string // resource name
	referralDaysAgo           int
	referralStatus, refReason string
}

var demoPeople = []demoPerson{
	{worker: "departed", name: "Nia Roberts", pronouns: "she/her", language: "English", phone: "617-555-0143", okay: []string{"phone_call", "text"}, every: 7, sinceDays: 100,
		contacts: []demoContact{
			{60, "one_to_one", "in_person", 45, "Nia wants to find a volunteering place with animals.", false},
			{38, "check_in", "phone", 10, "She visited the shelter and liked it.", false},
		}},
	{worker: "departed", name: "Omar Haddad", pronouns: "he/him", language: "Arabic", phone: "617-555-0144", okay: []string{"text"}, every: 14, sinceDays: 80,
		contacts: []demoContact{
			{50, "one_to_one", "in_person", 60, "Omar is working on getting back to college part-time.", false},
		}},
	{worker: "peer", name: "Maria Santos", pronouns: "she/her", language: "Portuguese", phone: "617-555-0131", okay: []string{"phone_call", "text"}, every: 7, sinceDays: 70,
		contacts: []demoContact{
			{55, "one_to_one", "in_person", 60, "We met at the café. Maria wants to live closer to her daughter and asked about housing help.", false},
			{41, "check_in", "phone", 15, "Quick call. The new medication makes her sleepy in the mornings; she will ask her prescriber about taking it at night.", false},
			{27, "resource_linkage", "in_person", 45, "Looked through the housing clinic's list together. She chose two buildings to apply to.", false},
			{10, "advocacy", "in_person", 90, "Went with Maria to the housing clinic. She explained what she needs in her own words.", false},
			{3, "check_in", "text", 5, "Texted: she says the week is going okay and she walked every morning.", false},
		},
		cycleDaysAgo: 40, goals: []demoGoal{
			{"Get my own apartment near my daughter", "home", "Apply to two buildings\nAsk the clinic about the waiting list", "active"},
			{"Walk in the park every morning", "health", "Start with ten minutes", "active"},
		},
		referral: "Riverbend Housing Search Clinic", referralDaysAgo: 10, referralStatus: "made", refReason: "Maria wants help applying for housing near her daughter."},
	{worker: "peer", name: "Dev Patel", pronouns: "he/him", language: "English", phone: "617-555-0132", email: "dev.patel@example.org", okay: []string{"text", "email"}, every: 7, sinceDays: 60,
		contacts: []demoContact{
			{50, "one_to_one", "video", 50, "First video call. Dev talked about wanting to get back to playing music.", false},
			{36, "one_to_one", "video", 45, "Dev found an open mic night and is thinking about going.", false},
			{22, "check_in", "text", 5, "He went to the open mic and played two songs. Proud of himself.", false},
			{6, "one_to_one", "in_person", 60, "Coffee. Dev wants to teach guitar to kids one day.", false},
		},
		cycleDaysAgo: 30, goals: []demoGoal{{"Play music with other people again", "community", "Open mic once a month", "active"}}},
	{worker: "peer", name: "Keisha Brown", pronouns: "she/her", language: "English", phone: "617-555-0133", okay: []string{"phone_call", "voicemail", "text"}, every: 7, sinceDays: 45,
		contacts: []demoContact{
			{40, "outreach", "in_person", 20, "Met Keisha at the drop-in. She would like someone to talk to after work.", false},
			{25, "check_in", "phone", 20, "Work has been stressful; she is using her breathing exercises.", false},
			{9, "check_in", "phone", 15, "Short call; she says she is tired but hanging in there.", false},
		}},
	{worker: "peer", name: "Tomás Rivera", pronouns: "he/him", language: "Spanish", phone: "617-555-0134", okay: []string{"phone_call", "text"}, every: 7, sinceDays: 120,
		contacts: []demoContact{
			{52, "one_to_one", "in_person", 60, "Tomás got his first shifts at the garden centre.", false},
			{38, "resource_linkage", "in_person", 40, "Went through the benefits letter together; he wants to know how working changes his SSI.", false},
			{19, "check_in", "phone", 10, "He heard back from the benefits desk and understands the rules now.", false},
			{4, "one_to_one", "in_person", 45, "Talked about what comes next now that the garden centre job is steady.", false},
		},
		cycleDaysAgo: 100, goals: []demoGoal{
			{"Find part-time work outdoors", "purpose", "Ask at the garden centre\nUpdate my résumé", "achieved"},
			{"Go to the Thursday peer group", "community", "", "active"},
		},
		referral: "Riverbend Benefits Help Desk", referralDaysAgo: 38, referralStatus: "connected", refReason: "Questions about SSI and working."},
	{worker: "peer", name: "Lin Chen", pronouns: "they/them", language: "English", email: "lin.chen@example.org", okay: []string{"email"}, every: 14, sinceDays: 30,
		contacts: []demoContact{
			{28, "one_to_one", "in_person", 60, "Lin wants to sleep better and to feel less alone in the evenings.", false},
			{12, "one_to_one", "video", 40, "They tried the evening routine three nights out of seven and want to keep going.", false},
		},
		cycleDaysAgo: 20, goals: []demoGoal{{"Sleep through the night more often", "health", "Phone off at ten\nWrite down three good things", "active"}}},
	{worker: "peer", name: "Frank O'Neill", pronouns: "he/him", language: "English", phone: "617-555-0136", okay: []string{"phone_call"}, every: 7, sinceDays: 90,
		contacts: []demoContact{
			{33, "accompaniment", "in_person", 120, "Went with Frank to his court date. He asked me to wait outside, which I did.", false},
			{12, "check_in", "phone", 10, "Frank said he'd rather talk next week.", false},
		}},
	{worker: "peer", name: "Aisha Mohammed", pronouns: "she/her", language: "Somali", phone: "617-555-0137", okay: []string{"text"}, every: 7, sinceDays: 25,
		contacts: []demoContact{
			{20, "outreach", "in_person", 60, "Met Aisha at the women's drop-in group. She would like a space with other women; we talked about the WRAP class.", true},
			{5, "check_in", "text", 5, "She is going to the WRAP class on Monday.", false},
		}},
	{worker: "peer2", name: "Joe Medeiros", pronouns: "he/him", language: "Portuguese", phone: "508-555-0138", okay: []string{"phone_call", "text"}, every: 7, sinceDays: 75,
		contacts: []demoContact{
			{49, "one_to_one", "in_person", 60, "Joe wants to drive again so he can visit his mother.", false},
			{35, "resource_linkage", "phone", 30, "Looked up what the registry needs; he made a list.", false},
			{14, "check_in", "phone", 10, "He has most of the papers together.", false},
			{2, "one_to_one", "in_person", 45, "Practised the questions for the driving test.", false},
		},
		cycleDaysAgo: 60, goals: []demoGoal{{"Get my driving licence back", "purpose", "Gather the papers\nBook the test", "active"}}},
	{worker: "peer2", name: "Rosa Pérez", pronouns: "she/her", language: "Spanish", phone: "508-555-0139", okay: []string{"phone_call", "voicemail"}, every: 7, sinceDays: 10},
	{worker: "peer2", name: "Sam Nguyen", pronouns: "they/them", language: "Vietnamese", phone: "508-555-0140", okay: []string{"text"}, every: 7, sinceDays: 40,
		contacts: []demoContact{
			{34, "one_to_one", "in_person", 50, "Sam is worried about losing their apartment after a notice from the landlord.", false},
			{20, "advocacy", "in_person", 90, "Went with Sam to legal aid. They told their story clearly.", false},
			{5, "check_in", "text", 5, "Legal aid called back; a hearing is set.", false},
		},
		referral: "Riverbend Community Legal Aid", referralDaysAgo: 20, referralStatus: "contacted", refReason: "A notice from the landlord."},
	{worker: "peer2", name: "Bea Lawson", pronouns: "she/her", language: "English", email: "bea.lawson@example.org", address: "22 Orchard Road, Riverbend, MA", okay: []string{"email", "mail"}, every: 14, sinceDays: 55,
		contacts: []demoContact{
			{44, "one_to_one", "phone", 40, "Bea wants to get back to her church choir.", false},
			{8, "check_in", "phone", 15, "She went to choir practice on Sunday.", false},
		}},
	{worker: "peer2", name: "Marcus Hill", pronouns: "he/him", language: "English", phone: "508-555-0142", okay: []string{"phone_call", "text"}, every: 14, sinceDays: 65,
		contacts: []demoContact{
			{45, "crisis", "phone", 60, "Marcus called late; we talked through his plan and he chose to call his brother. He was safe at the end of the call.", false},
			{30, "one_to_one", "in_person", 60, "Marcus says the call helped; we went over who he can reach out to.", false},
			{15, "check_in", "phone", 10, "Doing okay. Working on his safety plan with his counsellor.", false},
		}},
}

// loadPeople loads the people, their records and the directory once: it
// does nothing when the organisation already has people.
func loadPeople(ctx context.Context, s *store.Store, d *Demo) error {
	if has, err := s.HasPeople(ctx, d.Org.ID); err != nil || has {
		return err
	}
	sup := d.Users["supervisor"].Actor("demo")
	if l, err := s.ListResources(ctx, sup, store.ResourceFilter{}, store.Page{Limit: 1}); err != nil {
		return err
	} else if len(l.Items) == 0 {
		var rows []store.ImportRow
		for i, r := range demoResources {
			r.VerifiedOn = s.Today()
			rows = append(rows, store.ImportRow{Line: i + 2, ResourceInput: r})
		}
		if _, err := s.ImportResources(ctx, sup, rows); err != nil {
			return fmt.Errorf("demo resources: %w", err)
		}
	}
	resources := map[string]int64{}
	l, err := s.ListResources(ctx, sup, store.ResourceFilter{}, store.Page{Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	for _, r := range l.Items {
		resources[r.Name] = r.ID
	}
	now := s.Clock().Now()
	day := func(daysAgo int) string { return now.AddDate(0, 0, -daysAgo).In(store.Zone).Format("2006-01-02") }
	for _, dp := range demoPeople {
		worker := d.Users[dp.worker]
		a := worker.Actor("demo")
		p, err := s.CreatePerson(ctx, a, store.PersonInput{PreferredName: dp.name, Pronouns: dp.pronouns, PreferredLanguage: dp.language,
			Phone: dp.phone, Email: dp.email, MailingAddress: dp.address, OkayToContact: dp.okay, CheckInEveryDays: dp.every, SupportedSince: day(dp.sinceDays), Programmes: []string{"Peer support"}})
		if err != nil {
			return fmt.Errorf("demo person %s: %w", dp.name, err)
		}
		if _, err := s.RecordConsent(ctx, a, p.ID, store.ConsentInput{GivenOn: day(dp.sinceDays), Covers: "Peer support, and keeping notes of our contacts in peerpath.", WitnessedBy: worker.Name}); err != nil {
			return err
		}
		for i, c := range dp.contacts {
			format := "individual"
			if c.group {
				format = "group"
			}
			at := workingHour(now, c.daysAgo, i)
			if _, err := s.AddContact(ctx, a, p.ID, store.ContactInput{OccurredAt: at, DurationMinutes: c.minutes, Format: format, Mode: c.mode, Kind: c.kind, Note: c.note}); err != nil {
				return fmt.Errorf("demo contact for %s: %w", dp.name, err)
			}
		}
		if dp.cycleDaysAgo > 0 {
			c, err := s.StartCycle(ctx, a, p.ID, day(dp.cycleDaysAgo))
			if err != nil {
				return err
			}
			for _, g := range dp.goals {
				added, err := s.AddGoal(ctx, a, p.ID, store.GoalInput{CycleID: c.ID, Text: g.text, LifeArea: g.area, Steps: g.steps})
				if err != nil {
					return err
				}
				if g.status != "active" {
					if _, err := s.UpdateGoal(ctx, a, added.ID, store.GoalInput{Text: g.text, LifeArea: g.area, Steps: g.steps, Status: g.status}); err != nil {
						return err
					}
				}
			}
		}
		if dp.referral != "" {
			r, err := s.CreateReferral(ctx, a, store.ReferralInput{PersonID: p.ID, ResourceID: resources[dp.referral], Reason: dp.refReason, MadeOn: day(dp.referralDaysAgo)})
			if err != nil {
				return err
			}
			if dp.referralStatus != store.ReferralMade {
				st, follow := dp.referralStatus, day(-4)
				if _, err := s.UpdateReferral(ctx, a, r.ID, store.ReferralUpdate{Status: &st, FollowUpOn: &follow}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// workingHour is a time during the working day in Massachusetts, daysAgo
// days before now, varied by i (between 9:30 and 16:00, on the quarter hour),
// so that the demo's contacts read like a real week's work. A time still to
// come today becomes an hour ago.
func workingHour(now time.Time, daysAgo, i int) time.Time {
	d := now.In(store.Zone).AddDate(0, 0, -daysAgo)
	at := time.Date(d.Year(), d.Month(), d.Day(), 9, 30, 0, 0, store.Zone).Add(time.Duration((i*5+daysAgo*3)%27) * 15 * time.Minute)
	if at.After(now) {
		at = now.Add(-time.Hour)
	}
	return at
}
