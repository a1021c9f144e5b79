package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// portalUser invites person p through a and accepts with a password,
// returning the person's portal actor.
func portalUser(t *testing.T, db *testkit.DB, a store.Actor, p store.Person) (store.User, store.Actor) {
	t.Helper()
	inv, err := db.InviteToPortal(ctx, a, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.AcceptPortalInvitation(ctx, inv.Token, "a long walk by the river", "192.0.2.9")
	if err != nil {
		t.Fatal(err)
	}
	return u, u.Actor("192.0.2.9")
}

func TestPortalInvitation(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Portal")
	other := db.NewTeam(t, "Elsewhere")
	pat := testkit.Actor(tm.Peer)
	p := addPerson(t, db, pat, "María Gómez")

	// Someone who cannot see the person cannot invite them.
	if _, err := db.InviteToPortal(ctx, testkit.Actor(other.Admin), p.ID); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("another organisation invites: %v", err)
	}
	inv, err := db.InviteToPortal(ctx, pat, p.ID)
	if err != nil || inv.Token == "" || len(inv.Code) != 9 || !strings.HasPrefix(inv.Login, "mariagomez-") {
		t.Fatalf("invitation: %+v %v", inv, err)
	}
	if !inv.ExpiresAt.Equal(testkit.Start.Add(store.PortalInviteTTL)) {
		t.Fatalf("expires %v", inv.ExpiresAt)
	}
	info, err := db.PortalInvitationFor(ctx, strings.ToLower(strings.ReplaceAll(inv.Code, "-", " ")))
	if err != nil || info.PersonName != "María Gómez" || info.Login != inv.Login {
		t.Fatalf("by the code, typed loosely: %+v %v", info, err)
	}
	// A weak password is refused and the invitation still works.
	if _, err := db.AcceptPortalInvitation(ctx, inv.Code, "password", "192.0.2.9"); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("weak password: %v", err)
	}
	u, err := db.AcceptPortalInvitation(ctx, inv.Code, "a long walk by the river", "192.0.2.9")
	if err != nil || u.PersonID != p.ID || len(u.Roles) != 0 || !u.IsPortal() || u.Email != inv.Login {
		t.Fatalf("accepted: %+v %v", u, err)
	}
	// Used twice: said plainly, by link or by code.
	if _, err := db.AcceptPortalInvitation(ctx, inv.Token, "another long sentence here", "192.0.2.9"); !errors.Is(err, store.ErrInvitationUsed) {
		t.Fatalf("used twice: %v", err)
	}
	if _, err := db.PortalInvitationFor(ctx, inv.Code); !errors.Is(err, store.ErrInvitationUsed) {
		t.Fatalf("used code: %v", err)
	}
	// The person signs in like everyone else.
	res, err := db.SignIn(ctx, inv.Login, "a long walk by the river", "192.0.2.9")
	if err != nil || res.Outcome != store.SignInOK || res.User.PersonID != p.ID {
		t.Fatalf("sign in: %+v %v", res, err)
	}
	// Expired: said plainly.
	inv2, err := db.InviteToPortal(ctx, pat, p.ID)
	if err != nil || inv2.Login != inv.Login {
		t.Fatalf("a second invitation keeps the sign-in name: %+v %v", inv2, err)
	}
	db.Clock.Advance(store.PortalInviteTTL + time.Minute)
	if _, err := db.AcceptPortalInvitation(ctx, inv2.Token, "a long walk by the river", "192.0.2.9"); !errors.Is(err, store.ErrInvitationExpired) {
		t.Fatalf("expired: %v", err)
	}
	if _, err := db.PortalInvitationFor(ctx, "nonsense"); !errors.Is(err, store.ErrInvitationUnknown) {
		t.Fatalf("unknown: %v", err)
	}
	// A new invitation for someone with an account resets their password.
	inv3, _ := db.InviteToPortal(ctx, pat, p.ID)
	u3, err := db.AcceptPortalInvitation(ctx, inv3.Token, "the sea at Revere beach", "192.0.2.9")
	if err != nil || u3.ID != u.ID {
		t.Fatalf("reset through an invitation: %+v %v", u3, err)
	}
	// Opening a new invitation closes the one before.
	inv4, _ := db.InviteToPortal(ctx, pat, p.ID)
	if _, err := db.InviteToPortal(ctx, pat, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PortalInvitationFor(ctx, inv4.Token); !errors.Is(err, store.ErrInvitationExpired) {
		t.Fatalf("superseded: %v", err)
	}
}

func TestPortalSeesOnlyTheirOwnRecord(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Portal")
	pat := testkit.Actor(tm.Peer)
	p := addPerson(t, db, pat, "Maria")
	q := addPerson(t, db, pat, "Quinn")
	_, me := portalUser(t, db, pat, p)

	if _, err := db.Person(ctx, me, p.ID); err != nil {
		t.Fatalf("their own record: %v", err)
	}
	for name, f := range map[string]func() error{
		"person": func() error { _, err := db.Person(ctx, me, q.ID); return err },
		"plan":   func() error { _, err := db.Plan(ctx, me, store.SafetyPlan, q.ID); return err },
		"save": func() error {
			_, err := db.SavePlan(ctx, me, store.SafetyPlan, q.ID, safetyInput([]string{"x"}))
			return err
		},
		"goals":   func() error { _, err := db.ListGoals(ctx, me, q.ID, store.Page{}); return err },
		"history": func() error { _, err := db.AccessHistory(ctx, me, q.ID, store.Page{}); return err },
		"correct": func() error { _, err := db.RequestCorrection(ctx, me, q.ID, "x"); return err },
		"invite":  func() error { _, err := db.InviteToPortal(ctx, me, p.ID); return err },
	} {
		if err := f(); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s of another person: %v", name, err)
		}
	}
	// Lists of people are empty for them.
	l, err := db.ListPeople(ctx, me, store.PeopleFilter{}, store.Page{})
	if err != nil || len(l.Items) > 1 {
		t.Fatalf("list of people: %d %v", len(l.Items), err)
	}
}

func TestPortalPlanEditsAndAccessHistory(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Portal")
	pat := testkit.Actor(tm.Peer)
	p := addPerson(t, db, pat, "Maria")
	if _, err := db.SavePlan(ctx, pat, store.SafetyPlan, p.ID, safetyInput([]string{"Not sleeping"})); err != nil {
		t.Fatal(err)
	}
	_, me := portalUser(t, db, pat, p)
	db.Clock.Advance(time.Hour)
	v2, err := db.SavePlan(ctx, me, store.SafetyPlan, p.ID, safetyInput([]string{"Not sleeping", "Pacing at night"}))
	if err != nil || v2.Version != 2 || !v2.ByPerson || v2.SavedByName != "Maria" {
		t.Fatalf("the person's own edit: %+v %v", v2, err)
	}
	// The worker sees the version as the person's, and what changed.
	v, err := db.PlanVersion(ctx, pat, store.SafetyPlan, p.ID, 2)
	if err != nil || !v.ByPerson || len(v.Changes) != 1 || v.Changes[0].Added[0] != "Pacing at night" {
		t.Fatalf("worker's view of the person's version: %+v %v", v, err)
	}
	hist, err := db.AccessHistory(ctx, me, p.ID, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var sawRead, sawEdit bool
	for _, e := range hist.Items {
		if e.UserID != tm.Peer.ID {
			t.Errorf("an entry not by the worker: %+v", e)
		}
		if len(e.Roles) == 0 || e.Name != "Pat Peer" {
			t.Errorf("who: %+v", e)
		}
		sawRead = sawRead || (e.Action == "read" && e.RecordType == "safety_plan")
		sawEdit = sawEdit || (e.Action == "create" && e.RecordType == "safety_plan")
	}
	if !sawRead || !sawEdit {
		t.Fatalf("history lacks the worker's read or edit: %+v", hist.Items)
	}

	// A correction request, answered by the worker.
	c, err := db.RequestCorrection(ctx, me, p.ID, "My birthday is 3 March, not 3 May.")
	if err != nil || c.Status != store.CorrectionOpen {
		t.Fatalf("request: %+v %v", c, err)
	}
	if _, err := db.RequestCorrection(ctx, me, p.ID, " "); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("empty request: %v", err)
	}
	if _, err := db.AnswerCorrection(ctx, me, c.ID, store.CorrectionMade, "x"); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("the person answers their own request: %v", err)
	}
	done, err := db.AnswerCorrection(ctx, pat, c.ID, store.CorrectionMade, "Corrected, thank you.")
	if err != nil || done.Status != store.CorrectionMade || done.AnsweredBy != "Pat Peer" {
		t.Fatalf("answer: %+v %v", done, err)
	}
	if _, err := db.AnswerCorrection(ctx, pat, c.ID, store.CorrectionDeclined, "y"); core.KindOf(err) != core.KindConflict {
		t.Fatalf("answered twice: %v", err)
	}
	cs, err := db.Corrections(ctx, me, p.ID)
	if err != nil || len(cs) != 1 || cs[0].Answer != "Corrected, thank you." {
		t.Fatalf("the person sees the answer: %+v %v", cs, err)
	}
}

// TestPortalWithdrawsAPart2Consent: a person withdrawing a Part 2 consent
// in their portal revokes it at once, marked as theirs, and a disclosure
// under it is then refused.
func TestPortalWithdrawsAPart2Consent(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Portal Part 2")
	pat := testkit.Actor(tm.Peer)
	p := addPerson(t, db, pat, "Maria")
	_, me := portalUser(t, db, pat, p)
	c, err := db.RecordPart2Consent(ctx, pat, p.ID, part2Consent("Dr. Lee, Harbor Clinic", "coordinating care"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.WithdrawConsent(ctx, me, c.ID, "", "I changed my mind")
	if err != nil {
		t.Fatal(err)
	}
	if got.Current() || got.RevokedBy != "person" || got.RevokedAt.IsZero() {
		t.Fatalf("after the person withdrew it: current %v, revoked by %q at %v", got.Current(), got.RevokedBy, got.RevokedAt)
	}
	_, err = db.RecordDisclosure(ctx, pat, p.ID, store.DisclosureInput{Recipient: "Dr. Lee, Harbor Clinic", Purpose: "coordinating care",
		Information: "Dates I attended peer support and whether I am engaged", DisclosedOn: db.Today(), ConsentID: c.ID})
	if core.KindOf(err) != core.KindConflict {
		t.Fatalf("a disclosure after the person withdrew the consent: %v", err)
	}
}

// TestPortalWithdrawsOnlyTheNewestOfTheirOwn: the person cannot withdraw an
// earlier version of a Part 2 consent (409: the newest is the one that
// counts) nor another person's consent (not found), and the list they read
// holds both kinds of consent.
func TestPortalWithdrawsOnlyTheNewestOfTheirOwn(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Portal Part 2 versions")
	pat := testkit.Actor(tm.Peer)
	p := addPerson(t, db, pat, "Maria")
	other := addPerson(t, db, pat, "Quinn")
	_, me := portalUser(t, db, pat, p)
	v1, err := db.RecordPart2Consent(ctx, pat, p.ID, part2Consent("Dr. Lee, Harbor Clinic", "coordinating care"))
	if err != nil {
		t.Fatal(err)
	}
	in := part2Consent("Dr. Lee, Harbor Clinic", "coordinating care and my medication")
	in.Replaces = v1.ID
	v2, err := db.RecordPart2Consent(ctx, pat, p.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := db.RecordPart2Consent(ctx, pat, other.ID, part2Consent("Dr. Lee, Harbor Clinic", "coordinating care"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.WithdrawConsent(ctx, me, v1.ID, "", ""); core.KindOf(err) != core.KindConflict {
		t.Fatalf("withdrawing an earlier version: %v", err)
	}
	if _, err := db.WithdrawConsent(ctx, me, theirs.ID, "", ""); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("withdrawing another person's consent: %v", err)
	}
	cs, err := db.Consents(ctx, me, p.ID)
	if err != nil || len(cs) != 2 || cs[0].ID != v2.ID {
		t.Fatalf("the person's consents: %v %+v", err, cs)
	}
	if _, err := db.Consents(ctx, me, other.ID); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("another person's consents: %v", err)
	}
	got, err := db.WithdrawConsent(ctx, me, v2.ID, "", "")
	if err != nil || got.RevokedBy != "person" {
		t.Fatalf("withdrawing the newest: %v %+v", err, got)
	}
}

// TestPortalDisclosuresAreTheirOwn: the person reads the disclosures of
// their own records over the last 3 years, each with the consent it was
// made under or marked as a medical emergency, and the read is audited as
// theirs. Another person's disclosures never show, whatever they try: not
// in their own accounting, nor by naming the other person; and a staff
// actor has no "own" disclosures.
func TestPortalDisclosuresAreTheirOwn(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Portal disclosures")
	pat := testkit.Actor(tm.Peer)
	p := addPerson(t, db, pat, "Maria")
	other := addPerson(t, db, pat, "Quinn")
	u, me := portalUser(t, db, pat, p)

	// Nothing shared yet: an empty accounting, not an error.
	acc, err := db.MyDisclosures(ctx, me)
	if err != nil || len(acc.Disclosures) != 0 || acc.Person.ID != p.ID || acc.To != db.Today() {
		t.Fatalf("before any disclosure: %+v %v", acc, err)
	}

	c, err := db.RecordPart2Consent(ctx, pat, p.ID, part2Consent("Dr. Lee, Harbor Clinic", "coordinating care"))
	if err != nil {
		t.Fatal(err)
	}
	mine, err := db.RecordDisclosure(ctx, pat, p.ID, store.DisclosureInput{Recipient: "Dr. Lee, Harbor Clinic", Purpose: "coordinating care",
		Information: "Dates I attended", DisclosedOn: "2026-11-21", ConsentID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	emergency, err := db.RecordDisclosure(ctx, pat, p.ID, store.DisclosureInput{Recipient: "Dr. Ray, Boston Medical Center ED", Purpose: "emergency treatment",
		Information: "Current medication", DisclosedOn: "2026-11-22", Emergency: true, EmergencyNature: "Overdose; the person could not consent",
		RecipientAffiliation: "Boston Medical Center", DisclosedTime: "02:15", DisclosedByName: "Pat Peer"})
	if err != nil {
		t.Fatal(err)
	}
	tc, err := db.RecordPart2Consent(ctx, pat, other.ID, part2Consent("Dorchester Drug Court", "court reporting"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordDisclosure(ctx, pat, other.ID, store.DisclosureInput{Recipient: "Dorchester Drug Court", Purpose: "court reporting",
		Information: "Quinn's attendance", DisclosedOn: "2026-11-22", ConsentID: tc.ID}); err != nil {
		t.Fatal(err)
	}

	acc, err = db.MyDisclosures(ctx, me)
	if err != nil {
		t.Fatal(err)
	}
	if len(acc.Disclosures) != 2 || acc.Disclosures[0].ID != mine.ID || acc.Disclosures[1].ID != emergency.ID {
		t.Fatalf("the person's disclosures, oldest first: %+v", acc.Disclosures)
	}
	if got := acc.Consents[mine.ConsentID]; got.ID != c.ID || got.Recipient != "Dr. Lee, Harbor Clinic" {
		t.Fatalf("the consent it was made under: %+v", acc.Consents)
	}
	if d := acc.Disclosures[1]; !d.Emergency || d.ConsentID != 0 || d.EmergencyNature == "" {
		t.Fatalf("the medical emergency: %+v", d)
	}
	for _, d := range acc.Disclosures {
		if d.PersonID != p.ID || strings.Contains(d.Information, "Quinn") {
			t.Fatalf("another person's disclosure in the portal: %+v", d)
		}
	}
	if want := core.Today(testkit.Start.AddDate(-store.AccountingYears, 0, 0)); acc.From != want {
		t.Fatalf("the period starts %s, want %s (3 years)", acc.From, want)
	}

	// Audited as the person's own read.
	l, err := db.ListAudit(ctx, tm.Org.ID, store.AuditFilter{UserID: u.ID, RecordType: "person", RecordID: itoa(p.ID)}, store.Page{Limit: 10})
	if err != nil || len(l.Items) == 0 || !strings.Contains(l.Items[0].Detail, "accounting of disclosures") {
		t.Fatalf("audit of the read: %v %+v", err, l.Items)
	}

	// Trying for someone else's: by naming them, or as a forged actor that
	// is not a portal account.
	if _, err := db.DisclosureAccounting(ctx, me, other.ID, ""); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("another person's accounting: %v", err)
	}
	if _, err := db.ListDisclosures(ctx, me, other.ID, store.Page{}); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("another person's disclosures: %v", err)
	}
	if _, err := db.MyDisclosures(ctx, pat); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("a worker's own disclosures: %v", err)
	}
	elsewhere := db.NewTeam(t, "Portal disclosures elsewhere")
	forged := me
	forged.OrgID = elsewhere.Org.ID
	if acc, err := db.MyDisclosures(ctx, forged); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("the person's id under another organisation: %+v %v", acc, err)
	}
}

// TestAccessHistoryPages: the person reads their whole history a page at a
// time, newest first, each entry once.
func TestAccessHistoryPages(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Pages")
	pat := testkit.Actor(tm.Peer)
	p := addPerson(t, db, pat, "Maria")
	_, me := portalUser(t, db, pat, p)
	for range 7 {
		db.Clock.Advance(time.Minute)
		if _, err := db.Person(ctx, pat, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	all, err := db.AccessHistory(ctx, me, p.ID, store.Page{Limit: 100})
	if err != nil || all.Next != "" {
		t.Fatalf("one page of all: %d entries, next %q, %v", len(all.Items), all.Next, err)
	}
	if len(all.Items) < 8 {
		t.Fatalf("only %d entries for a creation and seven reads", len(all.Items))
	}
	var paged []store.AccessEntry
	pg := store.Page{Limit: 3}
	for pages := 0; ; pages++ {
		if pages > len(all.Items) {
			t.Fatal("the pages never end")
		}
		l, err := db.AccessHistory(ctx, me, p.ID, pg)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Items) > 3 {
			t.Fatalf("a page of %d entries, asked for 3", len(l.Items))
		}
		paged = append(paged, l.Items...)
		if l.Next == "" {
			break
		}
		pg.Cursor = l.Next
	}
	// Reading the history is itself audited, but as the person's own
	// action, so it never shows; the pages hold the same entries.
	if len(paged) != len(all.Items) {
		t.Fatalf("paged %d entries, all at once %d", len(paged), len(all.Items))
	}
	for i := range paged {
		if !paged[i].At.Equal(all.Items[i].At) || paged[i].Detail != all.Items[i].Detail || paged[i].Action != all.Items[i].Action {
			t.Fatalf("entry %d: paged %+v, all at once %+v", i, paged[i], all.Items[i])
		}
		if i > 0 && paged[i].At.After(paged[i-1].At) {
			t.Fatalf("entry %d is newer than the one before it", i)
		}
	}
	if _, err := db.AccessHistory(ctx, me, p.ID, store.Page{Cursor: "not-a-cursor"}); core.KindOf(err) != core.KindMalformed {
		t.Fatalf("a made-up cursor: %v", err)
	}

	// A change to a record that belongs to the person (a referral) is
	// theirs to see; another person's is not.
	q := addPerson(t, db, pat, "Quinn")
	if _, err := db.CreateReferral(ctx, pat, store.ReferralInput{PersonID: q.ID, ResourceName: "The pantry on Elm St"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateReferral(ctx, pat, store.ReferralInput{PersonID: p.ID, ResourceName: "Housing help desk"}); err != nil {
		t.Fatal(err)
	}
	l, err := db.AccessHistory(ctx, me, p.ID, store.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	referrals := 0
	for _, e := range l.Items {
		if e.RecordType == "referral" {
			referrals++
		}
	}
	if referrals != 1 {
		t.Fatalf("%d referral entries in Maria's history, want her own one", referrals)
	}
}
