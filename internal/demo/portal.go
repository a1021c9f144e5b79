package demo

import (
	"context"
	"fmt"

	"peerpath/internal/core"
	"peerpath/internal/store"
)

// The person's portal (issue 18): Maria Santos has her own account and uses
// it in Spanish (the language she chose in the portal; her record says
// Portuguese, which is what her printouts and worker see). She has added a
// line to her wellness plan herself, noted how a goal is going, and asked
// for a correction her worker has not answered yet. She signs in at /login
// with PortalEmail and the demo password.

// PortalEmail is Maria's sign-in for her portal.
const PortalEmail = "maria.santos@riverbend.demo"

const portalPerson = "Maria Santos"

func loadPortal(ctx context.Context, s *store.Store, d *Demo) error {
	admin := d.Users["admin"].Actor("demo")
	people, err := s.ListPeople(ctx, admin, store.PeopleFilter{Status: store.ShowAll, Query: portalPerson}, store.Page{Limit: 5})
	if err != nil {
		return err
	}
	var row store.CaseloadRow
	for _, p := range people.Items {
		if p.PreferredName == portalPerson {
			row = p
		}
	}
	if row.ID == 0 {
		return fmt.Errorf("demo portal: no %s", portalPerson)
	}
	if u, err := s.UserByEmail(ctx, PortalEmail); err == nil {
		d.Logins = append(d.Logins, Login{Role: "Person supported (portal)", Name: portalPerson, Email: u.Email})
		return nil // loaded before
	} else if core.KindOf(err) != core.KindNotFound {
		return err
	}
	worker := d.Users[workerKey(d, row)].Actor("demo")
	email := PortalEmail
	if _, err := s.UpdatePerson(ctx, worker, row.ID, store.PersonPatch{Email: &email}); err != nil {
		return fmt.Errorf("demo portal: %w", err)
	}
	inv, err := s.InviteToPortal(ctx, worker, row.ID)
	if err != nil {
		return fmt.Errorf("demo portal invitation: %w", err)
	}
	u, err := s.AcceptPortalInvitation(ctx, inv.Token, Password, "demo")
	if err != nil {
		return fmt.Errorf("demo portal acceptance: %w", err)
	}
	me := u.Actor("demo")
	if err := s.SetLanguage(ctx, me, "es"); err != nil {
		return err
	}
	// Her own line in her wellness plan: a version marked as hers.
	plan, err := s.Plan(ctx, me, store.WellnessPlan, row.ID)
	if err != nil {
		return err
	}
	in := store.PlanInput{Items: map[string][]string{}, Contacts: map[string][]store.PlanContact{}, Texts: map[string]string{}}
	for _, sec := range plan.Sections {
		switch sec.Type {
		case store.SectionList:
			in.Items[sec.Key] = sec.Items
		case store.SectionContacts:
			in.Contacts[sec.Key] = sec.Contacts
		case store.SectionText:
			in.Texts[sec.Key] = sec.Text
		}
	}
	in.Items["staying_well"] = append(append([]string(nil), in.Items["staying_well"]...), "Llamar a Ana los domingos por la tarde")
	base := plan.Version
	in.Base = &base
	if _, err := s.SavePlan(ctx, me, store.WellnessPlan, row.ID, in); err != nil {
		return fmt.Errorf("demo portal plan: %w", err)
	}
	goals, err := s.ListGoals(ctx, me, row.ID, store.Page{Limit: 10})
	if err != nil {
		return err
	}
	for _, g := range goals.Items {
		if g.Status == "active" {
			if _, err := s.AddProgress(ctx, me, g.ID, "Fui a ver dos apartamentos cerca de mi hija. Uno me gustó mucho."); err != nil {
				return fmt.Errorf("demo portal progress: %w", err)
			}
			break
		}
	}
	if _, err := s.RequestCorrection(ctx, me, row.ID, "Mi hija se llama Ana Paula, no Ana. ¿Pueden corregirlo, por favor?"); err != nil {
		return fmt.Errorf("demo portal correction: %w", err)
	}
	d.Logins = append(d.Logins, Login{Role: "Person supported (portal)", Name: portalPerson, Email: u.Email})
	return nil
}
