package demo

import (
	"context"
	"fmt"

	"peerpath/internal/store"
	"peerpath/internal/workforce"
)

// loadDevelopment gives the demo workers plausible development records
// (issue 5): tracks and roles, trainings (some from the chart), sign-offs
// by Samuel, a grandfather-clause waiver for Jordan, credentials (Samuel's
// CPS expires within 60 days), supervision over the last months, Code of
// Ethics signatures (Jordan has not signed yet), an open sign-off request
// and one ethics consultation. Dates are relative to today, so the demo
// never goes stale. Everything is made up.
func loadDevelopment(ctx context.Context, s *store.Store, d *Demo) error {
	pat, jordan, sam, dana := d.Users["peer"], d.Users["peer2"], d.Users["supervisor"], d.Users["admin"]
	pa, ja, sa, da := pat.Actor("local"), jordan.Actor("local"), sam.Actor("local"), dana.Actor("local")
	// Already there? Pat's trainings are the mark.
	if l, err := s.Trainings(ctx, pa, pat.ID, store.Page{Limit: 1}); err != nil || len(l.Items) > 0 {
		return err
	}
	today := s.Today()
	months := func(n int) string { return workforce.AddMonths(today, -n) }
	days := func(n int) string { return workforce.AddDays(today, -n) }
	var errs []error
	try := func(_ int64, err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	str := func(v string) *string { return &v }
	list := func(v ...string) *[]string { return &v }

	// Profiles and stages.
	_, err := s.UpdateWorker(ctx, pa, pat.ID, store.WorkerUpdate{Track: str("mental-health"), Languages: list("English", "Spanish"), Specialisations: list("young-adult")})
	try(0, err)
	_, err = s.UpdateWorker(ctx, ja, jordan.ID, store.WorkerUpdate{Track: str("addiction"), Languages: list("English", "Haitian Creole"), Specialisations: list("forensic")})
	try(0, err)
	_, err = s.UpdateWorker(ctx, sa, sam.ID, store.WorkerUpdate{Track: str("both"), Languages: list("English")})
	try(0, err)
	_, err = s.ConfirmStage(ctx, sa, pat.ID, "1", months(6))
	try(0, err)
	_, err = s.ConfirmStage(ctx, sa, jordan.ID, "1", months(14))
	try(0, err)
	_, err = s.ConfirmStage(ctx, da, sam.ID, "3", months(20))
	try(0, err)

	// Roles held.
	try(s.AddRoleHeld(ctx, pa, pat.ID, store.NewRoleHeld{Title: "Warmline volunteer", Organisation: "Riverbend RLC", From: months(30), To: months(18), Peer: true}))
	try(s.AddRoleHeld(ctx, pa, pat.ID, store.NewRoleHeld{Title: "Peer Specialist", Organisation: "Riverbend RLC", From: months(18), Peer: true}))
	try(s.AddRoleHeld(ctx, ja, jordan.ID, store.NewRoleHeld{Title: "Line cook", Organisation: "Mill Street Diner", From: months(110), To: months(76)}))
	try(s.AddRoleHeld(ctx, ja, jordan.ID, store.NewRoleHeld{Title: "Recovery Coach", Organisation: "Harbor Recovery Support Center", From: months(75), Peer: true}))
	try(s.AddRoleHeld(ctx, sa, sam.ID, store.NewRoleHeld{Title: "Certified Peer Specialist", Organisation: "Valley Community Mental Health", From: months(160), To: months(60), Peer: true}))
	try(s.AddRoleHeld(ctx, sa, sam.ID, store.NewRoleHeld{Title: "Peer Supervisor", Organisation: "Riverbend RLC", From: months(60), Peer: true}))

	// Trainings: most from the chart, one not.
	for _, t := range []struct {
		a                store.Actor
		id               int64
		key, title, prov string
		ago              int
		hours            workforce.Hours
	}{
		{pa, pat.ID, "v.train.wrap", "", "Riverbend RLC", 16, 2000},
		{pa, pat.ID, "v.train.ips", "", "Intentional Peer Support", 12, 2400},
		{pa, pat.ID, "v.train.trauma", "Trauma-informed peer support", "Riverbend RLC", 9, 600},
		{pa, pat.ID, "s1.train.pre-cps", "", "Transformation Center", 4, 1000},
		{pa, pat.ID, "", "Mental Health First Aid", "Valley Community College", 7, 800},
		{ja, jordan.ID, "s1.train.recovery-coach", "Recovery Coach Academy", "Harbor Recovery Support Center", 70, 3000},
		{ja, jordan.ID, "v.train.narcan", "", "Harbor Recovery Support Center", 20, 200},
		{ja, jordan.ID, "s1.train.motivational-interviewing", "Motivational Interviewing basics", "Harbor Recovery Support Center", 11, 1200},
		{ja, jordan.ID, "v.train.recovery-messaging", "", "Harbor Recovery Support Center", 30, 300},
	} {
		try(s.AddTraining(ctx, t.a, t.id, store.NewTraining{ItemKey: t.key, Title: t.title, Provider: t.prov, CompletedOn: months(t.ago), Hours: t.hours}))
	}

	// Sign-offs by Samuel.
	for _, so := range []struct {
		id        int64
		key, note string
		ago       int
	}{
		{pat.ID, "v.comp.cultural-awareness", "Asked the Spanish-speaking members how they wanted the group run, and changed it.", 10},
		{pat.ID, "v.comp.mentor-relationship", "Has become the person new volunteers go to first.", 9},
		{pat.ID, "v.comp.engage-supervision", "Brings questions to supervision and tries what we discuss.", 8},
		{pat.ID, "s1.comp.share-lived-experience", "Shared her story at the open house, briefly and with purpose.", 5},
		{pat.ID, "s1.comp.empathic-listening", "Listened without fixing during a hard warmline call we debriefed.", 3},
		{jordan.ID, "v.comp.reliable-responsible", "Covers shifts, follows through, tells us early when he can't.", 30},
		{jordan.ID, "s1.comp.recovery-focused", "Keeps conversations on what the person wants for their recovery.", 12},
		{jordan.ID, "s1.comp.role-model-recovery", "Talks about his own recovery plainly in the Tuesday group.", 6},
	} {
		try(s.SignOff(ctx, sa, so.id, store.NewSignoff{ItemKey: so.key, ObservedOn: days(so.ago * 30), Note: so.note}))
	}

	// Prerequisite facts (never the records behind them).
	try(s.AddPrerequisiteRecord(ctx, pa, pat.ID, store.NewPrerequisiteRecord{ItemKey: "v.prereq.cori", Statement: "CORI cleared for the RLC", On: months(18)}))
	try(s.AddPrerequisiteRecord(ctx, pa, pat.ID, store.NewPrerequisiteRecord{ItemKey: "s1.prereq.entry-training", Statement: "Completed Riverbend's peer orientation (four sessions)", On: months(17)}))
	try(s.AddPrerequisiteRecord(ctx, ja, jordan.ID, store.NewPrerequisiteRecord{ItemKey: "v.prereq.cori", Statement: "CORI cleared for the RSC", On: months(74)}))

	// A grandfather-clause waiver for Jordan.
	try(s.Waive(ctx, sa, jordan.ID, "s2.prereq.recovery-coach", "Grandfather clause: a recovery coach at Harbor RSC for six years, since before the CARC credential was asked for."))

	// Credentials: Samuel's CPS expires within 60 days.
	samCPS, err := s.AddCredential(ctx, sa, sam.ID, store.NewCredential{Kind: workforce.CredentialCPS, Number: "CPS-DEMO-0417", Issuer: "Transformation Center", IssuedOn: months(130), ExpiresOn: workforce.AddDays(today, 45)})
	try(samCPS, err)
	try(s.AddCredential(ctx, da, dana.ID, store.NewCredential{Kind: workforce.CredentialCPS, Number: "CPS-DEMO-0102", Issuer: "Transformation Center", IssuedOn: months(150), ExpiresOn: workforce.AddDays(today, 400)}))
	if samCPS != 0 {
		try(s.AddCEHours(ctx, sa, sam.ID, samCPS, store.NewCEHours{CompletedOn: months(15), Title: "Ethics and boundaries in peer supervision", Hours: 600, EthicsHours: 600}))
		try(s.AddCEHours(ctx, sa, sam.ID, samCPS, store.NewCEHours{CompletedOn: months(8), Title: "Alternatives to Suicide refresher", Hours: 700}))
		try(s.AddCEHours(ctx, sa, sam.ID, samCPS, store.NewCEHours{CompletedOn: months(2), Title: "Hearing Voices Network conference", Hours: 400}))
	}

	// Supervision every two weeks or so over the last four months.
	modes := []string{store.ModeInPerson, store.ModeInPerson, store.ModeVideo, store.ModePhone}
	for i := range 8 {
		for j, w := range []struct {
			id     int64
			topics string
		}{{pat.ID, "Boundaries; the young adult group; a hard week"}, {jordan.ID, "Court accompaniment; self-care; the NARCAN training"}} {
			try(s.AddSupervisionSession(ctx, sa, w.id, store.NewSupervisionSession{HeldOn: days(3 + i*15 + j), Minutes: 45 + 15*(i%2), Mode: modes[(i+j)%len(modes)], Topics: w.topics}))
		}
	}

	// Code of Ethics: everyone but Jordan has signed the current version.
	cur, err := s.CurrentEthics(ctx, d.Org.ID)
	if err != nil {
		return fmt.Errorf("demo development: %w", err)
	}
	for _, u := range []store.User{pat, sam, dana} {
		_, _, err := s.Attest(ctx, u.Actor("local"), cur.Hash, u.Name)
		try(0, err)
	}

	// An open request, a plan, and one consultation, closed.
	try(s.RequestSignoff(ctx, pa, pat.ID, "s1.comp.trauma-awareness", "I redesigned the group room with members after the trauma training."))
	try(s.AddPlanNote(ctx, pa, pat.ID, "Take the CPS course in the spring cohort."))
	try(s.AddPlanNote(ctx, sa, pat.ID, "Co-facilitate the Hearing Voices group from January, with me observing twice."))
	cid, err := s.AddConsultation(ctx, pa, pat.ID, "A director at our partner clinic asked me to bring a member her medication and make sure she takes it, saying she could be hospitalised if she refuses. It felt like it would turn me into her minder.")
	try(cid, err)
	if cid != 0 {
		try(0, s.GiveGuidance(ctx, sa, pat.ID, cid, "You are right that this conflicts with mutuality: it makes you an enforcer. Say no to the task, and offer what fits peer work: talking with her about what she wants, and going with her to the appointment if she asks."))
		try(0, s.RecordOutcome(ctx, pa, pat.ID, cid, "I explained my role to the director. The clinic's nurse handles medication; the member asked me to come to her next appointment, and I did."))
	}
	if len(errs) > 0 {
		return fmt.Errorf("demo development: %w", errs[0])
	}
	return nil
}
