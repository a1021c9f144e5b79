package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"peerpath/internal/core"
	"peerpath/internal/i18n"
	"peerpath/internal/printout"
	"peerpath/internal/store"
)

// Consent under 42 CFR Part 2, disclosures, the notice that travels with
// each disclosure and the accounting of disclosures (issue 18): the pages
// on a person's record and the printouts. The store decides who may see
// and do what; the regulation's words are in docs/part2.md.

// part2Notice is the statement 42 CFR 2.32(a)(2) allows to accompany a
// disclosure made with consent, word for word. It is law, not interface
// text, so it is printed in English in every language, with a plain-words
// explanation from the catalogue beneath it.
const part2Notice = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."

// ---- Consents ----

type consentsView struct {
	Person   store.Person
	Consents []store.Consent
	Form     *form // a revocation that failed
	FormFor  int64 // the consent it was for
}

// FormOf is the revocation form of consent cid: the one that failed, if
// it is this consent's, or none.
func (v consentsView) FormOf(cid int64) *form {
	if v.FormFor == cid {
		return v.Form
	}
	return nil
}

func (s *Server) consentsPage(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderConsents(w, r, http.StatusOK, pid, newForm(nil), 0)
}

func (s *Server) renderConsents(w http.ResponseWriter, r *http.Request, status int, pid int64, f *form, cid int64) error {
	a := s.actor(r)
	p, err := s.store.Person(r.Context(), a, pid)
	if err != nil {
		return err
	}
	cs, err := s.store.Consents(r.Context(), a, pid)
	if err != nil {
		return err
	}
	return s.renderStatus(w, r, status, "part2_consents.html", consentsView{Person: p, Consents: cs, Form: f, FormFor: cid})
}

type part2ConsentView struct {
	Person   store.Person
	Form     *form
	Replaces store.Consent
	Methods  []option
}

func (s *Server) signatureMethods(l *i18n.Localizer) []option {
	out := make([]option, len(store.SignatureMethods))
	for i, m := range store.SignatureMethods {
		out[i] = option{Value: m, Label: l.T("part2.consent.signature." + m)}
	}
	return out
}

func (s *Server) part2ConsentPage(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := s.actor(r)
	p, err := s.store.Person(r.Context(), a, pid)
	if err != nil {
		return err
	}
	l := LocalizerFor(nil, p.PreferredLanguage)
	v := url.Values{"signed_on": {s.store.Today()}, "how_to_revoke": {l.T("part2.consent.how_to_revoke.default")}, "signature_method": {"typed"}}
	var old store.Consent
	if rep := r.URL.Query().Get("replaces"); rep != "" {
		cid, err := strconv.ParseInt(rep, 10, 64)
		if err != nil {
			return core.NotFound("The consent to change")
		}
		if old, err = s.store.Consent(r.Context(), a, cid); err != nil {
			return err
		}
		if old.PersonID != pid || old.Kind != store.ConsentPart2 {
			return core.NotFound("The consent to change")
		}
		v = url.Values{"replaces": {rep}, "person_name": {old.PersonName}, "discloser": {old.Discloser}, "information": {old.Information},
			"recipient": {old.Recipient}, "purpose": {old.Purpose}, "how_to_revoke": {old.HowToRevoke}, "expires_on": {old.ExpiresOn},
			"expiry_event": {old.ExpiryEvent}, "signed_on": {s.store.Today()}, "signature_method": {"typed"}}
		if old.TPO {
			v.Set("tpo", "on")
		}
	}
	f := newForm(v)
	if d, ok := s.draftForm(r); ok {
		f = d
	}
	return s.render(w, r, "part2_consent_form.html", part2ConsentView{Person: p, Form: f, Replaces: old, Methods: s.signatureMethods(localizer(r))})
}

func part2Input(f *form) store.Part2ConsentInput {
	rep, _ := strconv.ParseInt(f.Get("replaces"), 10, 64)
	return store.Part2ConsentInput{PersonName: f.Get("person_name"), Discloser: f.Get("discloser"), Information: f.Get("information"),
		Recipient: f.Get("recipient"), TPO: f.Checked("tpo"), Purpose: f.Get("purpose"), HowToRevoke: f.Get("how_to_revoke"),
		ExpiresOn: f.Get("expires_on"), ExpiryEvent: f.Get("expiry_event"), SignedOn: f.Get("signed_on"),
		SignatureMethod: f.Get("signature_method"), SignedName: f.Get("signed_name"), Witness: f.Get("witness"),
		SignatureImage: f.Get("signature_image"), Replaces: rep}
}

func (s *Server) recordPart2Consent(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	a := s.actor(r)
	_, err = s.store.RecordPart2Consent(r.Context(), a, pid, part2Input(f))
	if status, shown := formFailure(f, err); shown {
		p, perr := s.store.Person(r.Context(), a, pid)
		if perr != nil {
			return perr
		}
		return s.renderStatus(w, r, status, "part2_consent_form.html", part2ConsentView{Person: p, Form: f, Methods: s.signatureMethods(localizer(r))})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/people/"+id(pid)+"/consents", localizer(r).T("messages.part2.consent_recorded"))
}

// formFailure puts a validation error's messages beside the fields, and a
// conflict's message at the top, and answers the status to show the form
// again with; shown is false for any other error.
func formFailure(f *form, err error) (status int, shown bool) {
	if f.Fail(err) {
		return http.StatusUnprocessableEntity, true
	}
	if e, ok := core.As(err); ok && e.Kind == core.KindConflict {
		f.Errors[""] = e.Message
		return http.StatusConflict, true
	}
	return 0, false
}

func (s *Server) revokeConsent(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	a := s.actor(r)
	c, err := s.store.Consent(r.Context(), a, cid)
	if err != nil {
		return err
	}
	_, err = s.store.RevokeConsent(r.Context(), a, c.PersonID, cid, store.Revocation{Note: f.Get("note")})
	if status, shown := formFailure(f, err); shown {
		return s.renderConsents(w, r, status, c.PersonID, f, cid)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/people/"+id(c.PersonID)+"/consents", localizer(r).T("messages.part2.revocation_recorded"))
}

// revokeDraftPage shows a revocation rescued from an expired session on the
// consents page; without a draft it leads there.
func (s *Server) revokeDraftPage(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.store.Consent(r.Context(), s.actor(r), cid)
	if err != nil {
		return err
	}
	f, ok := s.draftForm(r)
	if !ok {
		return redirect(w, r, "/people/"+id(c.PersonID)+"/consents", "")
	}
	return s.renderConsents(w, r, http.StatusOK, c.PersonID, f, cid)
}

// ---- Disclosures ----

type disclosuresView struct {
	Person      store.Person
	Disclosures store.List[store.Disclosure]
	Consents    []store.Consent // active Part 2 consents, to choose from
	Form        *form
	Next        string
}

func (s *Server) disclosuresPage(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f := newForm(url.Values{"disclosed_on": {s.store.Today()}})
	if d, ok := s.draftForm(r); ok {
		f = d
	}
	return s.renderDisclosures(w, r, http.StatusOK, pid, f)
}

func (s *Server) renderDisclosures(w http.ResponseWriter, r *http.Request, status int, pid int64, f *form) error {
	a := s.actor(r)
	p, err := s.store.Person(r.Context(), a, pid)
	if err != nil {
		return err
	}
	page, err := listPage(r)
	if err != nil {
		return err
	}
	l, err := s.store.ListDisclosures(r.Context(), a, pid, page)
	if err != nil {
		return err
	}
	cs, err := s.store.Consents(r.Context(), a, pid)
	if err != nil {
		return err
	}
	today := s.store.Today()
	var active []store.Consent
	for _, c := range cs {
		if c.ActiveOn(today) {
			active = append(active, c)
		}
	}
	v := disclosuresView{Person: p, Disclosures: l, Consents: active, Form: f}
	if l.Next != "" {
		v.Next = nextPageURL(r, l.Next)
	}
	return s.renderStatus(w, r, status, "disclosures.html", v)
}

func disclosureInput(f *form) store.DisclosureInput {
	cid, _ := strconv.ParseInt(f.Get("consent_id"), 10, 64)
	return store.DisclosureInput{Recipient: f.Get("recipient"), Purpose: f.Get("purpose"), Information: f.Get("information"),
		DisclosedOn: f.Get("disclosed_on"), ConsentID: cid, Emergency: f.Checked("emergency"),
		EmergencyNature: f.Get("emergency.nature"), RecipientAffiliation: f.Get("emergency.recipient_affiliation"),
		DisclosedTime: f.Get("emergency.disclosed_time"), DisclosedByName: f.Get("emergency.disclosed_by")}
}

func (s *Server) recordDisclosure(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	d, err := s.store.RecordDisclosure(r.Context(), s.actor(r), pid, disclosureInput(f))
	if status, shown := formFailure(f, err); shown {
		return s.renderDisclosures(w, r, status, pid, f)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/people/"+id(pid)+"/disclosures#d-"+id(d.ID), localizer(r).T("messages.part2.disclosure_recorded"))
}

// ---- Printouts ----

// printLanguage is the language of a printout: ?lang= first, then what
// the caller prefers.
func printLanguage(r *http.Request, prefs ...string) *i18n.Localizer {
	return i18n.For(append([]string{r.URL.Query().Get("lang")}, prefs...)...)
}

// localDay writes a YYYY-MM-DD day for a reader of l: "30 Nov 2026" in
// English, "30/11/2026" in Spanish and Portuguese.
func localDay(l *i18n.Localizer, d string) string {
	if l.Lang() == "en" || len(d) != 10 {
		return fmtDay(d)
	}
	return d[8:10] + "/" + d[5:7] + "/" + d[0:4]
}

// consentSection is a Part 2 consent as printed: every element of §2.31.
func consentSection(l *i18n.Localizer, heading string, c store.Consent) printout.Section {
	item := func(key, v string) string { return l.T(key) + ": " + v }
	sec := printout.Section{Heading: heading, Items: []string{
		item("part2.consent.person_name", c.PersonName),
		item("part2.consent.discloser", c.Discloser),
		item("part2.consent.information", c.Information),
		item("part2.consent.recipient", c.Recipient),
		item("part2.consent.purpose", c.Purpose),
	}}
	if c.TPO {
		sec.Items = append(sec.Items, l.T("part2.consent.tpo"))
	}
	expiry := c.ExpiryEvent
	if c.ExpiresOn != "" {
		expiry = localDay(l, c.ExpiresOn)
	}
	sec.Items = append(sec.Items,
		item("part2.consent.how_to_revoke", c.HowToRevoke),
		item("part2.consent.expiry", expiry),
		item("part2.consent.signature", l.T("part2.consent.signature."+c.SignatureMethod)+signedBy(l, c)),
		item("part2.consent.signed_on", localDay(l, c.GivenOn)),
		l.T("part2.consent.version", "Version", c.Version)+" · "+consentState(l, c))
	return sec
}

func signedBy(l *i18n.Localizer, c store.Consent) string {
	out := ""
	if c.SignedName != "" {
		out += " — " + c.SignedName
	}
	if c.WitnessedBy != "" {
		out += " (" + l.T("part2.consent.witness") + ": " + c.WitnessedBy + ")"
	}
	return out
}

func consentState(l *i18n.Localizer, c store.Consent) string {
	switch {
	case c.WithdrawnOn != "" && c.RevokedBy == "person":
		return l.T("people.part2.withdrawn_by_person", "Day", localDay(l, c.WithdrawnOn))
	case c.WithdrawnOn != "":
		return l.T("part2.consent.revoked", "Day", localDay(l, c.WithdrawnOn))
	case c.Superseded():
		return l.T("part2.consent.superseded")
	}
	return l.T("part2.consent.active")
}

// consentPDF prints a Part 2 consent, in the person's language (or ?lang=),
// for the person to read and sign or keep.
func (s *Server) consentPDF(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := s.actor(r)
	c, err := s.store.Consent(r.Context(), a, cid)
	if err != nil {
		return err
	}
	if c.Kind != store.ConsentPart2 {
		return core.NotFound("The Part 2 consent")
	}
	p, err := s.store.Person(r.Context(), a, c.PersonID)
	if err != nil {
		return err
	}
	l := printLanguage(r, p.PreferredLanguage)
	doc := printout.Plan{Title: l.T("part2.consent.title"), PersonName: c.PersonName, Demo: principal(r).Org.IsDemo,
		Subtitle: l.T("part2.consent.lead"),
		Sections: []printout.Section{consentSection(l, "", c)}}
	pdf, err := printout.RecordPDF("consent", doc)
	if err != nil {
		return err
	}
	return writePDF(w, fmt.Sprintf("part2-consent-%d-v%d", c.SeriesID, c.Version), pdf)
}

// disclosureNoticePDF prints what travels with a disclosure: the §2.32
// notice (on every page), what was disclosed, and a copy of the consent.
// English unless ?lang= asks for Spanish or Portuguese.
func (s *Server) disclosureNoticePDF(w http.ResponseWriter, r *http.Request) error {
	did, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.store.DisclosureForPrinting(r.Context(), s.actor(r), did)
	if err != nil {
		return err
	}
	l := printLanguage(r, "en")
	doc := printout.Plan{Title: l.T("part2.notice.title"), PersonName: d.Person.PreferredName, Demo: principal(r).Org.IsDemo,
		Subtitle: localDay(l, d.DisclosedOn),
		Footer:   l.T("part2.notice.statement_heading") + ": " + part2Notice + "\n" + l.T("part2.notice.meaning")}
	doc.Sections = append(doc.Sections,
		printout.Section{Heading: l.T("part2.notice.statement_heading"), Items: []string{part2Notice, l.T("part2.notice.meaning")}},
		disclosureSection(l, d.Disclosure))
	if d.Consent != nil {
		doc.Sections = append(doc.Sections, consentSection(l, l.T("part2.notice.copy"), *d.Consent))
	}
	pdf, err := printout.RecordPDF("disclosure notice", doc)
	if err != nil {
		return err
	}
	return writePDF(w, "disclosure-"+id(d.ID)+"-notice", pdf)
}

func disclosureSection(l *i18n.Localizer, d store.Disclosure) printout.Section {
	item := func(key, v string) string { return l.T(key) + ": " + v }
	sec := printout.Section{Heading: l.T("part2.notice.disclosure"), Items: []string{
		item("part2.notice.to", d.Recipient),
		item("part2.notice.what", d.Information),
		item("part2.notice.when", localDay(l, d.DisclosedOn)),
		item("part2.notice.why", d.Purpose),
	}}
	if d.Emergency {
		sec.Items = append(sec.Items, l.T("part2.notice.emergency"),
			item("part2.notice.emergency.nature", d.EmergencyNature),
			item("part2.notice.emergency.affiliation", d.RecipientAffiliation),
			item("part2.notice.emergency.by", d.DisclosedByName),
			item("part2.notice.emergency.time", core.TimeOf(d.DisclosedTime)))
	}
	return sec
}

// ---- The accounting of disclosures ----

type accountingView struct {
	Acc store.Accounting
}

func (s *Server) accounting(r *http.Request) (store.Accounting, error) {
	pid, err := pathID(r, "id")
	if err != nil {
		return store.Accounting{}, err
	}
	return s.store.DisclosureAccounting(r.Context(), s.actor(r), pid, r.URL.Query().Get("from"))
}

func (s *Server) accountingPage(w http.ResponseWriter, r *http.Request) error {
	acc, err := s.accounting(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "disclosure_accounting.html", accountingView{Acc: acc})
}

// accountingPDF prints the accounting for the person, in their language
// (or ?lang=), with the notice on every page.
func (s *Server) accountingPDF(w http.ResponseWriter, r *http.Request) error {
	acc, err := s.accounting(r)
	if err != nil {
		return err
	}
	return writeAccountingPDF(w, printLanguage(r, acc.Person.PreferredLanguage), acc, principal(r).Org.IsDemo)
}

// writeAccountingPDF prints an accounting of disclosures in the language of
// l, oldest first: the staff's printout for the person, and the person's
// own from their portal.
func writeAccountingPDF(w http.ResponseWriter, l *i18n.Localizer, acc store.Accounting, demo bool) error {
	doc := printout.Plan{Title: l.T("part2.accounting.title"), PersonName: acc.Person.PreferredName, Demo: demo,
		Subtitle: l.T("part2.accounting.period", "From", localDay(l, acc.From), "To", localDay(l, acc.To)),
		Footer:   part2Notice}
	doc.Sections = append(doc.Sections, printout.Section{Items: []string{l.T("part2.accounting.lead")}})
	if len(acc.Disclosures) == 0 {
		doc.Sections = append(doc.Sections, printout.Section{Items: []string{l.T("part2.accounting.none")}})
	}
	for _, d := range acc.Disclosures {
		sec := disclosureSection(l, d)
		sec.Heading = localDay(l, d.DisclosedOn) + " — " + d.Recipient
		if c, ok := acc.Consents[d.ConsentID]; ok {
			sec.Items = append(sec.Items, l.T("part2.accounting.under", "Day", localDay(l, c.GivenOn), "Version", c.Version))
		}
		doc.Sections = append(doc.Sections, sec)
	}
	pdf, err := printout.RecordPDF("accounting of disclosures", doc)
	if err != nil {
		return err
	}
	return writePDF(w, "accounting-of-disclosures-"+strings.ReplaceAll(acc.To, "-", ""), pdf)
}
