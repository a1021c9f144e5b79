package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/i18n"
	"peerpath/internal/printout"
	"peerpath/internal/store"
)

// A person's plans (issue 7): the safety plan, the wellness plan and crisis
// preferences, one set of handlers for the three kinds (store.PlanKind). A
// plan is written with the person, on one form: a box per section with one
// item per line, and name and phone rows for the contact sections, with a
// button that adds rows without JavaScript. Every save is a new version;
// the versions page says what changed in each. A form that fails keeps what
// was typed; one sent after the session ended is kept as a draft and offered
// back here (?draft=), like every other form.

// planBase is where a person's plan of kind k lives.
func planBase(k *store.PlanKind, personID int64) string {
	return "/people/" + id(personID) + "/" + k.Slug
}

// ---- Viewing ----

type personPlanView struct {
	Kind       *store.PlanKind
	Person     store.Person
	Plan       store.Plan
	Status     store.PlanStatus
	Base       string // the plan's address
	Today      string
	CrisisNote string // crisis preferences: the word on advance directives in Massachusetts
	Changes    []store.SectionChange
	Previous   int // a version page: the version it is compared with (0 for none)
	Latest     int // a version page: the latest version
}

func (s *Server) planPerson(r *http.Request) (store.Person, error) {
	pid, err := pathID(r, "id")
	if err != nil {
		return store.Person{}, err
	}
	return s.store.Person(r.Context(), s.actor(r), pid)
}

func (s *Server) personPlanPage(k *store.PlanKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := s.planPerson(r)
		if err != nil {
			return err
		}
		plan, err := s.store.Plan(r.Context(), s.actor(r), k, p.ID)
		if err != nil {
			return err
		}
		st, err := s.store.PlanStatusOf(r.Context(), p, plan)
		if err != nil {
			return err
		}
		return s.render(w, r, "plan.html", personPlanView{Kind: k, Person: p, Plan: plan, Status: st, Base: planBase(k, p.ID),
			Today: s.store.Today(), CrisisNote: crisisNote(k)})
	}
}

// ---- Writing ----

// contactRow is one name-and-phone row of the form. Its fields are named
// "<section>.<n>.name" and ".phone": the store's error keys, so each
// message lands beside its row and the error summary links to it.
type contactRow struct {
	N                 int
	Prefix            string // "<section>.<n>"
	Name, Phone       string
	NameErr, PhoneErr string
}

// Num numbers the row for people (from 1).
func (c contactRow) Num() int { return c.N + 1 }

// NameKey and PhoneKey name the row's fields (their ids add "f-").
func (c contactRow) NameKey() string  { return c.Prefix + ".name" }
func (c contactRow) PhoneKey() string { return c.Prefix + ".phone" }

type planFormSection struct {
	store.PlanSectionSpec
	Rows []contactRow // contact sections
}

type planFormView struct {
	Kind       *store.PlanKind
	Person     store.Person
	Form       *form
	Base       string
	Next       int // the version this save makes
	Sections   []planFormSection
	FromDraft  bool
	CrisisNote string
	Conflict   bool // someone saved a newer version meanwhile
	// Natural supports offered for "People I can ask for help" (issue 13).
	Supports []store.NaturalSupport
}

// extraRows is how many empty rows a contact section gets: room to add
// people without JavaScript.
const extraRows = 2

// contactRows reads the rows of section key from the form (every index up
// to the last one sent, so the store's row numbers match), with at least
// extra empty rows at the end.
func contactRows(f *form, key string, extra int) []contactRow {
	last := -1
	for k := range f.Values {
		rest, ok := strings.CutPrefix(k, key+".")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSuffix(rest, ".name"), ".phone"))
		if err == nil && n >= 0 && n < 1000 && n > last {
			last = n
		}
	}
	var rows []contactRow
	empty := 0
	for n := 0; n <= last; n++ {
		c := contactRow{N: n, Prefix: fmt.Sprintf("%s.%d", key, n)}
		c.Name, c.Phone = f.Values.Get(c.NameKey()), f.Values.Get(c.PhoneKey())
		c.NameErr, c.PhoneErr = f.Err(c.NameKey()), f.Err(c.PhoneKey())
		rows = append(rows, c)
		if strings.TrimSpace(c.Name+c.Phone) == "" {
			empty++
		} else {
			empty = 0
		}
	}
	for ; empty < extra; empty++ {
		n := len(rows)
		rows = append(rows, contactRow{N: n, Prefix: fmt.Sprintf("%s.%d", key, n)})
	}
	return rows
}

// planForm puts a plan into form values.
func planForm(plan store.Plan) *form {
	v := url.Values{"base_version": {strconv.Itoa(plan.Version)}}
	for _, sec := range plan.Sections {
		switch sec.Type {
		case store.SectionList:
			v.Set(sec.Key, strings.Join(sec.Items, "\n"))
		case store.SectionText:
			v.Set(sec.Key, sec.Text)
		case store.SectionContacts:
			for n, c := range sec.Contacts {
				v.Set(fmt.Sprintf("%s.%d.name", sec.Key, n), c.Name)
				v.Set(fmt.Sprintf("%s.%d.phone", sec.Key, n), c.Phone)
			}
		}
	}
	return newForm(v)
}

// planInput reads the form into what the store saves.
func planInput(k *store.PlanKind, f *form) store.PlanInput {
	in := store.PlanInput{Items: map[string][]string{}, Contacts: map[string][]store.PlanContact{}, Texts: map[string]string{}}
	for _, sec := range k.Sections {
		switch sec.Type {
		case store.SectionList:
			in.Items[sec.Key] = []string{f.Raw(sec.Key)}
		case store.SectionText:
			in.Texts[sec.Key] = f.Get(sec.Key)
		case store.SectionContacts:
			for _, row := range contactRows(f, sec.Key, 0) {
				in.Contacts[sec.Key] = append(in.Contacts[sec.Key], store.PlanContact{Name: row.Name, Phone: row.Phone})
			}
		}
	}
	if b, err := strconv.Atoi(f.Get("base_version")); err == nil && b >= 0 {
		in.Base = &b
	}
	return in
}

func (s *Server) planFormView(k *store.PlanKind, p store.Person, f *form, more string) planFormView {
	base, _ := strconv.Atoi(f.Get("base_version"))
	v := planFormView{Kind: k, Person: p, Form: f, Base: planBase(k, p.ID), Next: base + 1, CrisisNote: crisisNote(k)}
	for _, spec := range k.Sections {
		sec := planFormSection{PlanSectionSpec: spec}
		if spec.Type == store.SectionContacts {
			extra := extraRows
			if more == spec.Key {
				extra += 3
			}
			sec.Rows = contactRows(f, spec.Key, extra)
		}
		v.Sections = append(v.Sections, sec)
	}
	return v
}

func (s *Server) personPlanEditPage(k *store.PlanKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := s.planPerson(r)
		if err != nil {
			return err
		}
		f, fromDraft := s.draftForm(r)
		if fromDraft {
			f.Values.Set("draft", r.URL.Query().Get("draft"))
		} else {
			plan, err := s.store.Plan(r.Context(), s.actor(r), k, p.ID)
			if err != nil {
				return err
			}
			f = planForm(plan)
		}
		v := s.planFormView(k, p, f, "")
		v.FromDraft = fromDraft
		if v.Supports, err = s.supportOffers(r, k, p, f); err != nil { // issue 13
			return err
		}
		return s.render(w, r, "plan_form.html", v)
	}
}

func (s *Server) savePersonPlan(k *store.PlanKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := s.planPerson(r)
		if err != nil {
			return err
		}
		f, err := postForm(r)
		if err != nil {
			return err
		}
		if offer := f.Get("offer"); offer != "" { // issue 13: add a natural support the person chose, unsaved
			if err := s.addOffered(r, k, p, f, offer); err != nil {
				return err
			}
		}
		if more := f.Get("more"); more != "" || f.Get("offer") != "" {
			// "Add more rows": the same form again, with room for more.
			v := s.planFormView(k, p, f, more)
			v.FromDraft = f.Get("draft") != ""
			if v.Supports, err = s.supportOffers(r, k, p, f); err != nil { // issue 13
				return err
			}
			return s.render(w, r, "plan_form.html", v)
		}
		a := s.actor(r)
		saved, err := s.store.SavePlan(r.Context(), a, k, p.ID, planInput(k, f))
		if f.Fail(err) {
			v := s.planFormView(k, p, f, "")
			if v.Supports, err = s.supportOffers(r, k, p, f); err != nil { // issue 13
				return err
			}
			return s.renderStatus(w, r, http.StatusUnprocessableEntity, "plan_form.html", v)
		}
		if core.KindOf(err) == core.KindConflict {
			// Someone saved meanwhile: keep every word, say so, and let the
			// next save replace theirs knowingly.
			e, _ := core.As(err)
			f.Errors[""] = e.Message
			latest, lerr := s.store.Plan(r.Context(), a, k, p.ID)
			if lerr != nil {
				return lerr
			}
			f.Values.Set("base_version", strconv.Itoa(latest.Version))
			v := s.planFormView(k, p, f, "")
			v.Conflict = true
			return s.renderStatus(w, r, http.StatusConflict, "plan_form.html", v)
		}
		if err != nil {
			return s.keepNote(r, f, err)
		}
		s.discardUsedDraft(r, f)
		return redirect(w, r, planBase(k, p.ID), localizer(r).T("messages.plans.version_saved."+k.Key, "Version", saved.Version))
	}
}

func (s *Server) reviewPersonPlan(k *store.PlanKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		pid, err := pathID(r, "id")
		if err != nil {
			return err
		}
		f, err := postForm(r)
		if err != nil {
			return err
		}
		var base *int
		if b, err := strconv.Atoi(f.Get("base_version")); err == nil {
			base = &b
		}
		saved, err := s.store.ReviewPlan(r.Context(), s.actor(r), k, pid, base)
		if err != nil {
			return err
		}
		return redirect(w, r, planBase(k, pid), localizer(r).T("messages.plans.reviewed_unchanged", "Version", saved.Version))
	}
}

// reviewDraftPage answers the address of the review button when a draft
// of it is continued: there is nothing typed to offer back, so it shows
// the plan, where the button is.
func (s *Server) reviewDraftPage(k *store.PlanKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		pid, err := pathID(r, "id")
		if err != nil {
			return err
		}
		return redirect(w, r, planBase(k, pid), "")
	}
}

// ---- Versions ----

type planVersionsView struct {
	Kind     *store.PlanKind
	Person   store.Person
	Base     string
	Versions []store.PlanVersion
	NextURL  string
}

func (s *Server) personPlanVersions(k *store.PlanKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := s.planPerson(r)
		if err != nil {
			return err
		}
		l, err := s.store.PlanVersions(r.Context(), s.actor(r), k, p.ID, store.Page{Cursor: r.URL.Query().Get("cursor"), Limit: 20})
		if err != nil {
			return err
		}
		return s.render(w, r, "plan_versions.html", planVersionsView{Kind: k, Person: p, Base: planBase(k, p.ID), Versions: l.Items, NextURL: nextPageURL(r, l.Next)})
	}
}

func (s *Server) personPlanVersion(k *store.PlanKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := s.planPerson(r)
		if err != nil {
			return err
		}
		n, err := strconv.Atoi(r.PathValue("version"))
		if err != nil || n < 1 {
			return core.NotFound("This version")
		}
		a := s.actor(r)
		v, err := s.store.PlanVersion(r.Context(), a, k, p.ID, n)
		if err != nil {
			return err
		}
		latest, err := s.store.Plan(r.Context(), a, k, p.ID)
		if err != nil {
			return err
		}
		return s.render(w, r, "plan_version.html", personPlanView{Kind: k, Person: p, Plan: v.Plan, Base: planBase(k, p.ID), Today: s.store.Today(),
			Changes: v.Changes, Previous: n - 1, Latest: latest.Version, CrisisNote: crisisNote(k)})
	}
}

// ---- Printing ----

// printedDate is how printouts write a date.
func printedDate(t time.Time) string { return t.In(local).Format("2 January 2006") }

// crisisFooter lists the organisation's crisis lines for the foot of a
// printout, leaving out those the plan already lists.
func crisisFooter(l *i18n.Localizer, set store.PlanSettings, plan store.Plan, extra string) string {
	listed := map[string]bool{}
	for _, sec := range plan.Sections {
		for _, c := range sec.Contacts {
			if d := phoneDigits(c.Phone); d != "" {
				listed[d] = true
			}
		}
	}
	var lines []string
	for _, c := range set.CrisisLines {
		if !listed[phoneDigits(c.Phone)] {
			lines = append(lines, c.String())
		}
	}
	out := ""
	if len(lines) > 0 {
		out = l.T("print.crisis_lines", "Lines", strings.Join(lines, " · "))
	}
	if extra != "" {
		if out != "" {
			out += "\n"
		}
		out += extra
	}
	return out
}

// telURL makes a tel: link of a phone number (checked by the store): its
// leading + and digits, without an extension. html/template allows only
// http, https and mailto links unless told the URL is safe; this one is
// built from digits alone.
func telURL(phone string) template.URL {
	v := strings.TrimSpace(phone)
	if i := strings.IndexAny(strings.ToLower(v), "ex#;,"); i > 0 {
		v = v[:i]
	}
	plus := ""
	if strings.HasPrefix(v, "+") {
		plus = "+"
	}
	return template.URL("tel:" + plus + phoneDigits(v))
}

func phoneDigits(v string) string {
	var b strings.Builder
	for _, r := range v {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func crisisNote(k *store.PlanKind) string {
	if k == store.CrisisPreferences {
		return advanceDirectiveNote
	}
	return ""
}

// advanceDirectiveNote is the plain word on psychiatric advance directives
// in Massachusetts that crisis preferences carry, on the page and in print.
const advanceDirectiveNote = "Massachusetts has no law that makes a psychiatric advance directive binding: these preferences tell people what the person wants, but nobody is required to follow them. A health care proxy is binding: it names someone to make health care decisions when the person cannot."

// printablePlan turns a plan into what printout draws, in the language of
// l: the pocket card keeps the sections marked for it; both leave out empty
// sections.
func printablePlan(l *i18n.Localizer, k *store.PlanKind, p store.Person, plan store.Plan, set store.PlanSettings, card, demo bool) printout.Plan {
	out := printout.Plan{Title: l.T("plan." + k.Key + ".print_title"), PersonName: p.PreferredName, Demo: demo, Words: printWords(l)}
	date := printedDateIn(l, plan.SavedAt)
	switch {
	case plan.Version == 0:
		out.Subtitle = l.T("print.not_written")
	case plan.Reviewed:
		out.Subtitle = l.T("print.version_reviewed", "Version", plan.Version, "Date", date)
	default:
		out.Subtitle = l.T("print.version", "Version", plan.Version, "Date", date)
	}
	for _, sec := range plan.Sections {
		if sec.Empty() || (card && !sec.Card) {
			continue
		}
		h, _ := sectionWords(l, k, sec.Key)
		out.Sections = append(out.Sections, printout.Section{Heading: h, Items: sec.Lines()})
	}
	extra := ""
	if k == store.CrisisPreferences {
		extra = l.T("plan.crisis_preferences.note")
	}
	out.Footer = crisisFooter(l, set, plan, extra)
	return out
}

// printWords are the printout's own words in the language of l.
func printWords(l *i18n.Localizer) printout.Words {
	return printout.Words{PageOf: l.T("print.page_of"), Continued: l.T("print.continued"), NotReal: l.T("print.not_real"),
		CutAndFold: l.T("print.cut_and_fold"), CardNote: l.T("print.card_note"), SeeFull: l.T("print.see_full")}
}

// printedDateIn writes a date for a printout in the language of l: "2
// January 2026", "2 de enero de 2026", "2 de janeiro de 2026".
func printedDateIn(l *i18n.Localizer, t time.Time) string {
	if l.Lang() == "en" {
		return printedDate(t)
	}
	t = t.In(local)
	return l.T("date.long", "Day", t.Day(), "Month", l.T("month."+strconv.Itoa(int(t.Month()))), "Year", t.Year())
}

// personPlanPDF prints a person's plan: the whole plan on one page, or the
// pocket card, in the person's language (their record's, else the
// browser's). A PDF is the person's record like the page: the same access
// rule, audited (as a printing), never cached, and named without the
// person's name (downloads folders and shared printers list file names).
func (s *Server) personPlanPDF(k *store.PlanKind, card bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := s.planPerson(r)
		if err != nil {
			return err
		}
		return s.writePlanPDF(w, withLanguage(r, LocalizerFor(r, p.PreferredLanguage)), k, p, card)
	}
}

// writePlanPDF answers with the plan or pocket card of person p, in the
// request's language (for staff and the portal alike).
func (s *Server) writePlanPDF(w http.ResponseWriter, r *http.Request, k *store.PlanKind, p store.Person, card bool) error {
	what := "one page"
	if card {
		what = "pocket card"
	}
	plan, err := s.store.PlanToPrint(r.Context(), s.actor(r), k, p.ID, what)
	if err != nil {
		return err
	}
	set, err := s.store.PlanSettings(r.Context(), p.OrgID)
	if err != nil {
		return err
	}
	doc := printablePlan(localizer(r), k, p, plan, set, card, principal(r).Org.IsDemo)
	render, name := printout.PlanPDF, k.Slug
	if card {
		render, name = printout.PocketCardPDF, k.Slug+"-pocket-card"
	}
	pdf, err := render(doc)
	if err != nil {
		return err
	}
	if plan.Version > 0 {
		name += "-v" + strconv.Itoa(plan.Version)
	}
	return writePDF(w, name, pdf)
}

// ---- The organisation's plan settings ----

type planSettingsView struct {
	Form     *form
	Rows     []contactRow
	Defaults []store.PlanContact
	OwnLines bool
}

func (s *Server) planSettingsView(f *form, own bool, more bool) planSettingsView {
	extra := 1
	if more {
		extra = 3
	}
	return planSettingsView{Form: f, Rows: contactRows(f, "crisis_lines", extra), Defaults: store.DefaultCrisisLines, OwnLines: own}
}

func (s *Server) planSettingsPage(w http.ResponseWriter, r *http.Request) error {
	set, err := s.store.PlanSettings(r.Context(), principal(r).Org.ID)
	if err != nil {
		return err
	}
	f, ok := s.draftForm(r)
	if !ok {
		v := url.Values{"plan_review_days": {strconv.Itoa(set.ReviewDays)}}
		for n, c := range set.CrisisLines {
			v.Set(fmt.Sprintf("crisis_lines.%d.name", n), c.Name)
			v.Set(fmt.Sprintf("crisis_lines.%d.phone", n), c.Phone)
		}
		f = newForm(v)
	}
	return s.render(w, r, "admin_plans.html", s.planSettingsView(f, set.OwnLines, false))
}

func (s *Server) savePlanSettings(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	cur, err := s.store.PlanSettings(r.Context(), principal(r).Org.ID)
	if err != nil {
		return err
	}
	if f.Get("more") != "" {
		return s.render(w, r, "admin_plans.html", s.planSettingsView(f, cur.OwnLines, true))
	}
	in := store.PlanSettings{ReviewDays: formInt(f, "plan_review_days", 0)}
	if f.Get("defaults") != "" {
		in.CrisisLines = nil // back to peerpath's lines
	} else {
		for _, row := range contactRows(f, "crisis_lines", 0) {
			in.CrisisLines = append(in.CrisisLines, store.PlanContact{Name: row.Name, Phone: row.Phone})
		}
	}
	if len(f.Errors) == 0 {
		_, err = s.store.UpdatePlanSettings(r.Context(), s.actor(r), in)
	}
	if len(f.Errors) > 0 || f.Fail(err) {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "admin_plans.html", s.planSettingsView(f, cur.OwnLines, false))
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin/plans", localizer(r).T("messages.plans.plan_settings_saved"))
}
