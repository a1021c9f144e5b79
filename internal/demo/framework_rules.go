package demo

import (
	"context"
	"errors"
	"fmt"

	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/store"
	"peerpath/internal/workforce"
)

// The career framework's organisation rules (issue 12), in the demo:
//
//   - Riverbend reads "CPS required or preferred" as required at Stages
//     III–V and does not ask for CORI. Grace Holloway, a Stage IV director,
//     was grandfathered at Stage III (CPS and professional experience); the
//     waiver carries to Stages IV and V.
//   - Riley Novak joined this week and nobody has chosen a track yet: the
//     readiness page asks for one.
//   - Harbor Recovery Support Center, a second demo organisation, publishes
//     its own RSC code of conduct and asks for CORI. Rae Santos, a recovery
//     coach on the addiction track, has signed it.
//
// Everything is made up.

// HarborName is the demo Recovery Support Center's name.
const HarborName = "Harbor Recovery Support Center (demo)"

// harborCode is Harbor's own code of conduct, replacing the placeholder.
const harborCode = `Harbor Recovery Support Center: our code of conduct (a made-up demo text)

1. We welcome every path to recovery and every person who walks in.
2. We keep what people share with us private, and say plainly where the limits are.
3. We keep honest boundaries: no romantic or business relationships, loans or valuable gifts with the people we support.
4. We share our own recovery stories when they help, never to take the floor.
5. We do not give clinical advice; we link people with those who do.
6. We look after our own recovery and ask for support when we need it.`

func loadFrameworkRules(ctx context.Context, s *store.Store, d *Demo) error {
	var errs []error
	try := func(_ int64, err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	dana := d.Users["admin"]
	da := dana.Actor("local")
	today := s.Today()
	months := func(n int) string { return workforce.AddMonths(today, -n) }
	str := func(v string) *string { return &v }

	grace, created, err := demoUser(ctx, s, d, "grandfathered", person{"grandfathered", "Grace Holloway", "grace.director@riverbend.demo", []auth.Role{auth.RoleSupervisor}, "admin", false})
	if err != nil {
		return err
	}
	if created {
		// Dana and Teresa work on both tracks; a track is never assumed,
		// so the demo says so.
		for _, k := range []string{"admin", "trainer"} {
			u := d.Users[k]
			_, err := s.UpdateWorker(ctx, da, u.ID, store.WorkerUpdate{Track: str("both")})
			try(0, err)
		}
		required := "required"
		try(0, s.SetFrameworkChoices(ctx, da, []store.FrameworkChoiceInput{
			{ItemKey: "s3.prereq.cps", Strength: &required}, {ItemKey: "s4.prereq.cps", Strength: &required}, {ItemKey: "s5.prereq.cps", Strength: &required},
		}))
		ga := grace.Actor("local")
		_, err := s.UpdateWorker(ctx, ga, grace.ID, store.WorkerUpdate{Track: str("mental-health")})
		try(0, err)
		try(s.AddRoleHeld(ctx, ga, grace.ID, store.NewRoleHeld{Title: "Peer specialist", Organisation: "Valley Drop-In Center", From: months(270), To: months(160), Peer: true}))
		try(s.AddRoleHeld(ctx, ga, grace.ID, store.NewRoleHeld{Title: "Program director", Organisation: "Riverbend RLC", From: months(159), Peer: true}))
		try(s.Waive(ctx, da, grace.ID, "s3.prereq.cps", "Grandfather clause: a peer specialist since 2004, before the CPS course began; certification not required of her."))
		try(s.Waive(ctx, da, grace.ID, "s3.prereq.professional-experience", "Grandfather clause: nine years as a peer specialist at Valley Drop-In Center before this role."))
		_, err = s.ConfirmStage(ctx, da, grace.ID, "4", months(30))
		try(0, err)
		if cur, err := s.CurrentEthics(ctx, d.Org.ID); err == nil {
			_, _, err = s.Attest(ctx, ga, cur.Hash, grace.Name)
			try(0, err)
		} else {
			try(0, err)
		}
	}

	// Riley: invited without a track.
	if _, _, err := demoUser(ctx, s, d, "no-track", person{"no-track", "Riley Novak", "riley.peer@riverbend.demo", []auth.Role{auth.RolePeer}, "admin", false}); err != nil {
		return err
	}

	// Harbor Recovery Support Center.
	org, _, err := s.EnsureOrganisation(ctx, store.System(), HarborName, true)
	if err != nil {
		return fmt.Errorf("demo RSC: %w", err)
	}
	harbor := &Demo{Org: org, Users: map[string]store.User{}}
	morgan, _, err := demoUser(ctx, s, harbor, "admin", person{"admin", "Morgan Reyes", "morgan.admin@harbor.demo", []auth.Role{auth.RoleAdmin, auth.RoleSupervisor}, "", false})
	if err != nil {
		return err
	}
	rae, created, err := demoUser(ctx, s, harbor, "peer", person{"peer", "Rae Santos", "rae.coach@harbor.demo", []auth.Role{auth.RolePeer}, "admin", false})
	if err != nil {
		return err
	}
	for _, l := range harbor.Logins {
		l.Role += " (Harbor RSC)"
		d.Logins = append(d.Logins, l)
	}
	d.Users["rsc-admin"], d.Users["rsc-peer"] = morgan, rae
	if created {
		ma, ra := morgan.Actor("local"), rae.Actor("local")
		yes := true
		try(0, s.SetFrameworkChoices(ctx, ma, []store.FrameworkChoiceInput{{ItemKey: "v.prereq.cori", Applies: &yes}}))
		v, perr := s.PublishEthicsCode(ctx, ma, "rsc", "Harbor RSC code of conduct", harborCode)
		try(0, perr)
		_, err = s.UpdateWorker(ctx, ra, rae.ID, store.WorkerUpdate{Track: str("addiction")})
		try(0, err)
		_, err = s.UpdateWorker(ctx, ma, morgan.ID, store.WorkerUpdate{Track: str("addiction")})
		try(0, err)
		try(s.AddRoleHeld(ctx, ra, rae.ID, store.NewRoleHeld{Title: "Volunteer, all-recovery meeting", Organisation: "Harbor RSC", From: months(40), To: months(22), Peer: true}))
		try(s.AddRoleHeld(ctx, ra, rae.ID, store.NewRoleHeld{Title: "Recovery coach", Organisation: "Harbor RSC", From: months(20), Peer: true}))
		try(s.AddPrerequisiteRecord(ctx, ra, rae.ID, store.NewPrerequisiteRecord{ItemKey: "v.prereq.cori", Statement: "CORI cleared for the RSC", On: months(21)}))
		try(s.AddCredential(ctx, ra, rae.ID, store.NewCredential{Kind: workforce.CredentialRecoveryCoach, Issuer: "Massachusetts Board of Substance Abuse Counselor Certification", IssuedOn: months(12)}))
		try(s.AddTraining(ctx, ra, rae.ID, store.NewTraining{ItemKey: "v.train.narcan", Provider: "Harbor RSC", CompletedOn: months(19), Hours: 200}))
		if perr == nil {
			_, _, err = s.AttestCode(ctx, ra, "rsc", v.Hash, rae.Name)
			try(0, err)
		}
		_, err = s.ConfirmStage(ctx, ma, rae.ID, "1", months(10))
		try(0, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("demo framework rules: %w", err)
	}
	return nil
}

// demoUser finds or creates one demo user of d's organisation, with the
// demo password, adding them to d's users and logins. created says whether
// this call made them.
func demoUser(ctx context.Context, s *store.Store, d *Demo, key string, w person) (store.User, bool, error) {
	u, err := s.UserByEmail(ctx, w.email)
	created := false
	if core.KindOf(err) == core.KindNotFound {
		hash, herr := auth.HashPassword(Password)
		if herr != nil {
			return u, false, herr
		}
		in := store.NewUser{OrgID: d.Org.ID, Email: w.email, Name: w.name, Roles: w.roles, PasswordHash: hash}
		if w.supervisor != "" {
			in.SupervisorID = d.Users[w.supervisor].ID
		}
		u, err = s.CreateUser(ctx, store.System(), in)
		created = err == nil
	}
	if err != nil {
		return u, false, fmt.Errorf("demo user %s: %w", w.email, err)
	}
	if u.OrgID != d.Org.ID {
		return u, false, fmt.Errorf("demo user %s belongs to another organisation", w.email)
	}
	d.Users[key] = u
	d.Logins = append(d.Logins, Login{Role: auth.RoleLabel(w.roles[0]), Name: w.name, Email: w.email})
	return u, created, nil
}
