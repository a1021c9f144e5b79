package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"peerpath/internal/core"
	"peerpath/internal/i18n"
	"peerpath/internal/language"
	"peerpath/internal/store"
)

// Contacts: the form a peer worker fills in on their phone after every
// meeting, and the list of a person's contacts. A note is never lost: a
// failed validation brings everything back, an expired session keeps the
// form as a draft (see rescueDraft) that this form accepts with ?draft=, and
// an unexpected failure keeps it as a draft too.

type contactFormView struct {
	Form      *form
	Person    store.Person
	Contact   store.Contact
	Edit      bool
	Action    string
	Kinds     []option
	Modes     []option
	Formats   []option
	Hints     []language.Hint
	FromDraft bool
	Checked   bool // the wording was checked without saving (no JavaScript)
	MayDelete bool
}

func (s *Server) contactFormView(l *i18n.Localizer, f *form, p store.Person) contactFormView {
	// A group session is recorded from its group; the kind is offered only
	// to a contact that already has it.
	kinds := store.ContactFormKinds
	if f.Get("kind") == store.KindGroupSession {
		kinds = store.ContactKinds
	}
	return contactFormView{Form: f, Person: p, Action: "/people/" + id(p.ID) + "/contacts/new",
		Kinds: options(l, "kind", kinds), Modes: options(l, "mode", store.ContactModes), Formats: options(l, "format", store.ContactFormats)}
}

func (s *Server) newContactPage(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := s.actor(r)
	p, err := s.store.Person(r.Context(), a, pid)
	if err != nil {
		return err
	}
	f, fromDraft := s.draftForm(r)
	if fromDraft {
		f.Values.Set("draft", r.URL.Query().Get("draft"))
	} else {
		// The worker's usual way of meeting is remembered; the format
		// follows the kind (a check-in is one-to-one unless changed), so
		// the defaults always make a contact that saves.
		_, mode, err := s.store.LastContactStyle(r.Context(), a)
		if err != nil {
			return err
		}
		f = newForm(url.Values{
			"occurred_at": {localInput(s.clock.Now())}, "duration_minutes": {strconv.Itoa(store.DefaultDuration)},
			"kind": {store.DefaultKind}, "format": {store.FormatFor(store.DefaultKind)}, "mode": {mode}, "return": {r.URL.Query().Get("return")},
		})
	}
	v := s.contactFormView(localizer(r), f, p)
	v.FromDraft = fromDraft
	v.Hints = s.wordingHints(r, f.Raw("note"))
	return s.render(w, r, "contact_form.html", v)
}

// contactInput reads the contact form; unreadable values are noted on the form.
func contactInput(f *form) store.ContactInput {
	in := store.ContactInput{
		DurationMinutes: formInt(f, "duration_minutes", store.DefaultDuration),
		Format:          f.Get("format"), Mode: f.Get("mode"), Kind: f.Get("kind"),
		Participants: f.Get("participants"), Note: f.Raw("note"),
	}
	if v := f.Get("occurred_at"); v != "" {
		t, ok := parseLocal(v)
		if !ok {
			f.Errors["occurred_at"] = "Enter the date and time, such as 2026-11-23 09:30."
		}
		in.OccurredAt = t
	}
	return in
}

func (s *Server) newContact(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := s.actor(r)
	f, err := postForm(r)
	if err != nil {
		return err
	}
	in := contactInput(f)
	if f.Get("check") != "" {
		return s.rerenderContact(w, r, http.StatusOK, f, pid, func(v *contactFormView) { v.Checked = true })
	}
	if len(f.Errors) == 0 {
		_, err = s.store.AddContact(r.Context(), a, pid, in)
	}
	if len(f.Errors) > 0 || f.Fail(err) {
		return s.rerenderContact(w, r, http.StatusUnprocessableEntity, f, pid, nil)
	}
	if err != nil {
		return s.keepNote(r, f, err)
	}
	s.discardUsedDraft(r, f)
	to := "/people/" + id(pid)
	if ret := f.Get("return"); ret != "" {
		to = safeNext(ret) // back to the list (or home page) the form was opened from
	}
	return redirect(w, r, to, localizer(r).T("messages.contacts.contact_saved"))
}

// rerenderContact shows the contact form again with what was typed and the
// wording hints for the note.
func (s *Server) rerenderContact(w http.ResponseWriter, r *http.Request, status int, f *form, pid int64, adjust func(*contactFormView)) error {
	p, err := s.store.Person(r.Context(), s.actor(r), pid)
	if err != nil {
		return err
	}
	v := s.contactFormView(localizer(r), f, p)
	v.Hints = s.wordingHints(r, f.Raw("note"))
	if adjust != nil {
		adjust(&v)
	}
	return s.renderStatus(w, r, status, "contact_form.html", v)
}

// keepNote saves the form as a draft when saving failed for a reason
// peerpath did not expect, so the words are not lost, and says where to
// find them. The cause is logged with the request id only.
func (s *Server) keepNote(r *http.Request, f *form, cause error) error {
	return s.keepWords(r, f, cause, "contact")
}

// keepWords is keepNote for any form with words worth keeping; what names
// what was not saved ("contact", "session").
func (s *Server) keepWords(r *http.Request, f *form, cause error, what string) error {
	if k := core.KindOf(cause); k != core.KindInternal {
		return cause
	}
	s.log.Error("saving a "+what, "request_id", requestID(r), "err", cause)
	p := principal(r)
	if p == nil || s.store.SaveDraft(r.Context(), p.User.ID, r.URL.Path, f.Values) != nil {
		return cause
	}
	return &core.Error{Kind: core.KindInternal, Message: fmt.Sprintf("Something went wrong on our side and the %s was not saved. Your words are kept: find them under Your drafts (on the home page) and try again. Reference %s.", what, requestID(r))}
}

// discardUsedDraft removes the draft a form was continued from, once saved.
func (s *Server) discardUsedDraft(r *http.Request, f *form) {
	p := principal(r)
	if d, err := strconv.ParseInt(f.Get("draft"), 10, 64); err == nil && p != nil {
		s.store.DeleteDraft(r.Context(), p.User.ID, d) //nolint:errcheck // a stale draft is harmless; the user can discard it
	}
}

type contactsView struct {
	Person   store.Person
	Contacts []store.Contact
	NextURL  string
	Me       int64
	MayEdit  bool // a supervisor or administrator may correct any contact
}

func (s *Server) contactsPage(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := s.actor(r)
	p, err := s.store.Person(r.Context(), a, pid)
	if err != nil {
		return err
	}
	l, err := s.store.ListContacts(r.Context(), a, pid, store.Page{Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		return err
	}
	return s.render(w, r, "contacts.html", contactsView{Person: p, Contacts: l.Items, NextURL: nextPageURL(r, l.Next), Me: a.UserID, MayEdit: a.CanAssign()})
}

func (s *Server) contactForEdit(r *http.Request) (store.Contact, store.Person, error) {
	cid, err := pathID(r, "id")
	if err != nil {
		return store.Contact{}, store.Person{}, err
	}
	a := s.actor(r)
	c, err := s.store.Contact(r.Context(), a, cid)
	if err != nil {
		return c, store.Person{}, err
	}
	if c.FromGroupSession() { // groups (issue 7)
		return c, store.Person{}, core.Conflict("This contact comes from a group session: correct the session's attendance on the group's page instead.")
	}
	if !a.MayChangeContact(c) {
		return c, store.Person{}, core.Forbidden("Only the worker who recorded this contact, or a supervisor, can change it.")
	}
	p, err := s.store.Person(r.Context(), a, c.PersonID)
	return c, p, err
}

func (s *Server) editContactView(f *form, c store.Contact, p store.Person, r *http.Request) contactFormView {
	v := s.contactFormView(localizer(r), f, p)
	v.Edit, v.Contact, v.MayDelete = true, c, true
	v.Action = "/contacts/" + id(c.ID) + "/edit"
	v.Hints = s.wordingHints(r, f.Raw("note"))
	return v
}

func (s *Server) editContactPage(w http.ResponseWriter, r *http.Request) error {
	c, p, err := s.contactForEdit(r)
	if err != nil {
		return err
	}
	f, fromDraft := s.draftForm(r)
	if fromDraft {
		f.Values.Set("draft", r.URL.Query().Get("draft"))
	} else {
		f = newForm(url.Values{
			"occurred_at": {localInput(c.OccurredAt)}, "duration_minutes": {strconv.Itoa(c.DurationMinutes)},
			"kind": {c.Kind}, "format": {c.Format}, "mode": {c.Mode}, "participants": {c.Participants}, "note": {c.Note},
		})
	}
	v := s.editContactView(f, c, p, r)
	v.FromDraft = fromDraft
	return s.render(w, r, "contact_form.html", v)
}

func (s *Server) editContact(w http.ResponseWriter, r *http.Request) error {
	c, p, err := s.contactForEdit(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	in := contactInput(f)
	if f.Get("check") != "" {
		v := s.editContactView(f, c, p, r)
		v.Checked = true
		return s.render(w, r, "contact_form.html", v)
	}
	if len(f.Errors) == 0 {
		_, err = s.store.UpdateContact(r.Context(), s.actor(r), c.ID, in)
	}
	if len(f.Errors) > 0 || f.Fail(err) {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "contact_form.html", s.editContactView(f, c, p, r))
	}
	if err != nil {
		return s.keepNote(r, f, err)
	}
	s.discardUsedDraft(r, f)
	return redirect(w, r, "/people/"+id(p.ID)+"/contacts", localizer(r).T("messages.contacts.contact_changed"))
}

func (s *Server) deleteContact(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pid, err := s.store.DeleteContact(r.Context(), s.actor(r), cid)
	if err != nil {
		return err
	}
	return redirect(w, r, "/people/"+id(pid)+"/contacts", localizer(r).T("messages.contacts.contact_deleted"))
}
