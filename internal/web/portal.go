package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/i18n"
	"peerpath/internal/printout"
	"peerpath/internal/store"
)

// The person's own portal (issue 18), under /portal, and their data in the
// API under /api/v1/me/…
//
// The portal user is a separate kind of user (store.User.IsPortal): wrap
// (route.go) answers them 404 on every route that is not auth.PermPortal,
// public or in portalShared, and staff never reach a PermPortal route. The
// person's own id comes from their session, never from the address: the
// store's visibility rule gives a portal actor their own record and nothing
// else, so even a guessed id elsewhere would be "not found".
//
// Every page is in the person's language (i18n: the language on their
// record, the switcher's choice, then the browser's).

// portalShared are the routes outside the portal a portal user may reach:
// the home address (which sends them to /portal), signing out and their own
// sign-in security.
var portalShared = map[string]bool{
	"GET /{$}":                                    true,
	"POST /logout":                                true,
	"GET /settings/security":                      true,
	"POST /settings/security/totp":                true,
	"POST /settings/security/totp/confirm":        true,
	"POST /settings/security/totp/disable":        true,
	"POST /settings/security/recovery-codes":      true,
	"POST /settings/security/sign-out-everywhere": true,
	"POST /settings/password":                     true,
}

// portalReaches reports whether a portal user may use a route.
func portalReaches(rt route) bool {
	return rt.Perm == auth.PermPortal || rt.Perm == auth.PermPublic || portalShared[rt.Method+" "+rt.Pattern]
}

// me is the person the portal user is, with their language set on the
// request for the rest of it.
func (s *Server) me(r *http.Request) (store.Person, *http.Request, error) {
	a := s.actor(r)
	if !a.IsPerson() {
		return store.Person{}, r, core.NotFound("This page")
	}
	p, err := s.store.Person(r.Context(), a, a.PersonID)
	if err != nil {
		return store.Person{}, r, err
	}
	return p, withLanguage(r, LocalizerFor(r, p.PreferredLanguage)), nil
}

// portalNav is the portal's navigation, in the reader's language.
func portalNav(r *http.Request) []navItem {
	l := localizer(r)
	links := []struct{ key, href string }{
		{"portal.nav.home", "/portal"},
		{"portal.nav.plans", "/portal/safety-plan"},
		{"portal.nav.goals", "/portal/goals"},
		{"portal.nav.consents", "/portal/consents"},
		{"portal.nav.access", "/portal/access"},
	}
	var out []navItem
	for _, k := range links {
		cur := r.URL.Path == k.href || (k.href != "/portal" && strings.HasPrefix(r.URL.Path, k.href))
		out = append(out, navItem{Label: l.T(k.key), Href: k.href, Current: cur})
	}
	return out
}

// ---- Home ----

type portalSession struct {
	Group string
	On    string // YYYY-MM-DD
	Start string // HH:MM
}

type portalHomeView struct {
	Person   store.Person
	Plans    []*store.PlanKind
	Sessions []portalSession
	Langs    []option
}

// upcomingSessions are the next meetings, in the coming four weeks, of the
// weekly groups the person belongs to.
func upcomingSessions(groups []store.PersonGroup, today time.Time) []portalSession {
	var out []portalSession
	for _, g := range groups {
		if g.LeftOn != "" || g.StartTime == "" || g.Weekday < 0 || g.Weekday > 6 {
			continue
		}
		d := today
		for d.Weekday() != time.Weekday(g.Weekday) {
			d = d.AddDate(0, 0, 1)
		}
		for ; d.Before(today.AddDate(0, 0, 28)); d = d.AddDate(0, 0, 7) {
			out = append(out, portalSession{Group: g.Name, On: core.Today(d), Start: g.StartTime})
		}
	}
	// Soonest first.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].On+out[j].Start < out[j-1].On+out[j-1].Start; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	if len(out) > 8 {
		out = out[:8]
	}
	return out
}

func (s *Server) portalHome(w http.ResponseWriter, r *http.Request) error {
	p, r, err := s.me(r)
	if err != nil {
		return err
	}
	groups, err := s.store.PersonGroups(r.Context(), s.actor(r), p.ID)
	if err != nil {
		return err
	}
	v := portalHomeView{Person: p, Plans: store.PlanKinds, Sessions: upcomingSessions(groups, s.clock.Now().In(local)), Langs: languageOptions()}
	return s.render(w, r, "portal_home.html", v)
}

func languageOptions() []option {
	var out []option
	for _, l := range i18n.Languages {
		out = append(out, option{Value: l, Label: i18n.LanguageName(l)})
	}
	return out
}

// setLanguage keeps the reader's choice of language in a cookie (and, for a
// person signed in to their portal, on their account) and goes back where
// they were (public: the acceptance page has the switcher too).
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) error {
	lang := i18n.Match(r.URL.Query().Get("to"))
	if p := principal(r); p != nil && p.User.IsPortal() {
		// Kept on the person's account, so it follows them to any device.
		if err := s.store.SetLanguage(r.Context(), s.actor(r), lang); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: lang, Path: "/", HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
	back := safeNext(r.URL.Query().Get("next"))
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// ---- Plans ----

// portalSection is a plan section with its words in the reader's language.
type portalSection struct {
	store.PlanSection
	Heading, Hint string
	Rows          []contactRow
}

type portalPlanView struct {
	Kind     *store.PlanKind
	Plan     store.Plan
	Sections []portalSection
	Form     *form
	Saved    bool
}

// sectionWords are a section's heading and hint in the reader's language.
func sectionWords(l *i18n.Localizer, k *store.PlanKind, key string) (string, string) {
	base := "plan." + k.Key + "." + key
	hint := l.T(base + ".hint")
	if hint == base+".hint" {
		hint = ""
	}
	return l.T(base), hint
}

func (s *Server) portalPlanView(r *http.Request, k *store.PlanKind, plan store.Plan, f *form) portalPlanView {
	l := localizer(r)
	v := portalPlanView{Kind: k, Plan: plan, Form: f}
	for _, sec := range plan.Sections {
		ps := portalSection{PlanSection: sec}
		ps.Heading, ps.Hint = sectionWords(l, k, sec.Key)
		if f != nil && sec.Type == store.SectionContacts {
			ps.Rows = contactRows(f, sec.Key, extraRows)
		}
		v.Sections = append(v.Sections, ps)
	}
	return v
}

func (s *Server) portalPlan(k *store.PlanKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, r, err := s.me(r)
		if err != nil {
			return err
		}
		plan, err := s.store.Plan(r.Context(), s.actor(r), k, p.ID)
		if err != nil {
			return err
		}
		return s.render(w, r, "portal_plan.html", s.portalPlanView(r, k, plan, nil))
	}
}

func (s *Server) portalPlanEdit(k *store.PlanKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, r, err := s.me(r)
		if err != nil {
			return err
		}
		plan, err := s.store.Plan(r.Context(), s.actor(r), k, p.ID)
		if err != nil {
			return err
		}
		return s.render(w, r, "portal_plan_form.html", s.portalPlanView(r, k, plan, planForm(plan)))
	}
}

// portalSavePlan saves the person's own edit: a new version marked as
// theirs, which their worker sees with what changed.
func (s *Server) portalSavePlan(k *store.PlanKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, r, err := s.me(r)
		if err != nil {
			return err
		}
		f, err := postForm(r)
		if err != nil {
			return err
		}
		l := localizer(r)
		_, err = s.store.SavePlan(r.Context(), s.actor(r), k, p.ID, planInput(k, f))
		if f.Fail(err) || core.KindOf(err) == core.KindConflict {
			if core.KindOf(err) == core.KindConflict {
				f.Errors["version"] = l.T("portal.plan.conflict")
			}
			for key, msg := range f.Errors {
				if strings.HasSuffix(key, ".phone") {
					f.Errors[key] = l.T("portal.plan.phone_error")
				} else if key != "version" && msg != "" {
					f.Errors[key] = l.T("portal.plan.item_error")
				}
			}
			plan, perr := s.store.Plan(r.Context(), s.actor(r), k, p.ID)
			if perr != nil {
				return perr
			}
			status := http.StatusUnprocessableEntity
			if core.KindOf(err) == core.KindConflict {
				status = http.StatusConflict
			}
			return s.renderStatus(w, r, status, "portal_plan_form.html", s.portalPlanView(r, k, plan, f))
		}
		if err != nil {
			return err
		}
		return redirect(w, r, "/portal/"+k.Slug, l.T("portal.plan.saved"))
	}
}

// portalPlanPDF prints the person's plan or pocket card in their language.
func (s *Server) portalPlanPDF(k *store.PlanKind, card bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, r, err := s.me(r)
		if err != nil {
			return err
		}
		return s.writePlanPDF(w, r, k, p, card)
	}
}

// ---- Goals ----

type portalGoalsView struct {
	Goals   []store.Goal
	Picture store.RecoveryPicture
	Form    *form
}

func (s *Server) portalGoalsView(r *http.Request, p store.Person, f *form) (portalGoalsView, error) {
	a := s.actor(r)
	goals, err := s.store.ListGoals(r.Context(), a, p.ID, store.Page{Limit: 50})
	if err != nil {
		return portalGoalsView{}, err
	}
	pic, err := s.store.RecoveryPicture(r.Context(), a, p.ID)
	if err != nil {
		return portalGoalsView{}, err
	}
	if f == nil {
		f = newForm(nil)
	}
	return portalGoalsView{Goals: goals.Items, Picture: pic, Form: f}, nil
}

func (s *Server) portalGoals(w http.ResponseWriter, r *http.Request) error {
	p, r, err := s.me(r)
	if err != nil {
		return err
	}
	v, err := s.portalGoalsView(r, p, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, "portal_goals.html", v)
}

func (s *Server) portalAddProgress(w http.ResponseWriter, r *http.Request) error {
	p, r, err := s.me(r)
	if err != nil {
		return err
	}
	gid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	l := localizer(r)
	_, err = s.store.AddProgress(r.Context(), s.actor(r), gid, f.Get("note"))
	if f.Fail(err) {
		f.Errors = map[string]string{"note": storeSays(l, f.Errors["progress"], "portal.goals.note_error")}
		f.Values.Set("goal", id(gid))
		v, verr := s.portalGoalsView(r, p, f)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "portal_goals.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/portal/goals", l.T("portal.goals.saved"))
}

// storeSays is the store's message msg in the person's language when the
// catalogue holds it (errors.*.toml), and the portal's own message (the key
// fallback) when it does not: a message built with a number in it, such as
// "Use at most 4000 characters.", is English only.
func storeSays(l *i18n.Localizer, msg, fallback string) string {
	if i18n.HasMessage(msg) {
		return l.Message(msg)
	}
	return l.T(fallback)
}

// ---- Consents ----

// The consents page lists both kinds of consent on the person's record:
// the consent to peer support, and their consents to share records under 42
// CFR Part 2 (the newest version of each, in the person's language: to
// whom, what, why, until when, and whether it stands). Withdrawing one goes
// through a page that says in plain words what withdrawing means, and asks
// to confirm.

type portalConsentsView struct {
	Peer  []store.Consent
	Part2 []portalPart2
	Form  *form
}

// portalPart2 is a Part 2 consent as the person reads it.
type portalPart2 struct {
	ID                                   int64
	Recipient, Information, Purpose      string
	Until, SignedOn, State, Withdrawable string
	Current                              bool
}

// dayIn writes a YYYY-MM-DD date in the language of l: "2 January 2026",
// "2 de enero de 2026".
func dayIn(l *i18n.Localizer, d string) string {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return d
	}
	if l.Lang() == "en" {
		return t.Format("2 January 2006")
	}
	return l.T("date.long", "Day", t.Day(), "Month", l.T("month."+strconv.Itoa(int(t.Month()))), "Year", t.Year())
}

// part2State is whether a Part 2 consent stands, as a key for the API and
// words for the page.
func part2State(l *i18n.Localizer, c store.Consent, today string) (key, words string) {
	switch {
	case !c.Current() && c.RevokedBy == "person":
		return "withdrawn", l.T("portal.part2.withdrawn_by_you", "Date", dayIn(l, c.WithdrawnOn))
	case !c.Current():
		return "withdrawn", l.T("portal.part2.withdrawn", "Date", dayIn(l, c.WithdrawnOn))
	case c.ExpiresOn != "" && c.ExpiresOn < today:
		return "ended", l.T("portal.part2.ended", "Date", dayIn(l, c.ExpiresOn))
	}
	return "in_effect", l.T("portal.part2.in_effect")
}

func toPortalPart2(l *i18n.Localizer, c store.Consent, today string) portalPart2 {
	v := portalPart2{ID: c.ID, Recipient: c.Recipient, Information: c.Information, Purpose: c.Purpose, SignedOn: dayIn(l, c.GivenOn)}
	if c.ExpiresOn != "" {
		v.Until = dayIn(l, c.ExpiresOn)
	} else {
		v.Until = c.ExpiryEvent
	}
	var key string
	key, v.State = part2State(l, c, today)
	v.Current = key == "in_effect"
	return v
}

// myConsents are the person's consents of both kinds, newest first; of a
// Part 2 consent changed since, only its newest version.
func (s *Server) myConsents(r *http.Request) ([]store.Consent, error) {
	a := s.actor(r)
	cs, err := s.store.Consents(r.Context(), a, a.PersonID)
	if err != nil {
		return nil, err
	}
	out := cs[:0]
	for _, c := range cs {
		if !c.Superseded() {
			out = append(out, c)
		}
	}
	return out, nil
}

func (s *Server) portalConsents(w http.ResponseWriter, r *http.Request) error {
	_, r, err := s.me(r)
	if err != nil {
		return err
	}
	cs, err := s.myConsents(r)
	if err != nil {
		return err
	}
	l, today := localizer(r), s.store.Today()
	v := portalConsentsView{Form: newForm(nil)}
	for _, c := range cs {
		if c.Kind == store.ConsentPart2 {
			v.Part2 = append(v.Part2, toPortalPart2(l, c, today))
		} else {
			v.Peer = append(v.Peer, c)
		}
	}
	return s.render(w, r, "portal_consents.html", v)
}

type portalWithdrawView struct {
	Part2 *portalPart2
	Peer  *store.Consent
	ID    int64
	Form  *form
}

// portalWithdrawPage asks the person to confirm withdrawing one of their
// consents, saying what it means. Another person's consent is not found.
func (s *Server) portalWithdrawPage(w http.ResponseWriter, r *http.Request) error {
	_, r, err := s.me(r)
	if err != nil {
		return err
	}
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	cs, err := s.myConsents(r)
	if err != nil {
		return err
	}
	l, today := localizer(r), s.store.Today()
	for _, c := range cs {
		if c.ID != cid {
			continue
		}
		if !c.Current() {
			return redirect(w, r, "/portal/consents", l.T("portal.consents.already"))
		}
		v := portalWithdrawView{ID: c.ID, Form: newForm(nil)}
		if c.Kind == store.ConsentPart2 {
			p := toPortalPart2(l, c, today)
			v.Part2 = &p
		} else {
			v.Peer = &c
		}
		return s.render(w, r, "portal_consent_withdraw.html", v)
	}
	return core.NotFound("The consent")
}

func (s *Server) portalWithdrawConsent(w http.ResponseWriter, r *http.Request) error {
	_, r, err := s.me(r)
	if err != nil {
		return err
	}
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	l := localizer(r)
	c, err := s.store.WithdrawConsent(r.Context(), s.actor(r), cid, "", f.Get("note"))
	switch core.KindOf(err) {
	case core.KindConflict:
		return redirect(w, r, "/portal/consents", l.T("portal.consents.already"))
	case core.KindInvalid:
		return redirect(w, r, "/portal/consents", l.T("portal.consents.note_error"))
	}
	if err != nil {
		return err
	}
	if c.Kind == store.ConsentPart2 {
		return redirect(w, r, "/portal/consents", l.T("portal.part2.withdrawn_now"))
	}
	return redirect(w, r, "/portal/consents", l.T("portal.consents.withdrawn"))
}

// ---- Corrections ----

type portalCorrectionsView struct {
	Requests []store.CorrectionRequest
	Form     *form
}

func (s *Server) portalCorrections(w http.ResponseWriter, r *http.Request) error {
	p, r, err := s.me(r)
	if err != nil {
		return err
	}
	cs, err := s.store.Corrections(r.Context(), s.actor(r), p.ID)
	if err != nil {
		return err
	}
	return s.render(w, r, "portal_corrections.html", portalCorrectionsView{Requests: cs, Form: newForm(nil)})
}

func (s *Server) portalRequestCorrection(w http.ResponseWriter, r *http.Request) error {
	p, r, err := s.me(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	l := localizer(r)
	_, err = s.store.RequestCorrection(r.Context(), s.actor(r), p.ID, f.Raw("request"))
	if f.Fail(err) {
		f.Errors = map[string]string{"request": storeSays(l, f.Errors["request"], "portal.corrections.request_error")}
		cs, cerr := s.store.Corrections(r.Context(), s.actor(r), p.ID)
		if cerr != nil {
			return cerr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "portal_corrections.html", portalCorrectionsView{Requests: cs, Form: f})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/portal/corrections", l.T("portal.corrections.sent"))
}

// ---- Who has looked at my record ----

// accessLine is one line of the access history in the reader's language.
type accessLine struct {
	At   time.Time
	Who  string
	Role string
	What string
}

func accessLines(l *i18n.Localizer, es []store.AccessEntry) []accessLine {
	out := make([]accessLine, 0, len(es))
	for _, e := range es {
		var roles []string
		for _, r := range e.Roles {
			roles = append(roles, l.T("role."+string(r)))
		}
		verb := "portal.access.read"
		switch e.Action {
		case "create":
			verb = "portal.access.create"
		case "update", "delete":
			verb = "portal.access.update"
		}
		part := "portal.access.part." + e.RecordType
		if e.RecordType == "person" {
			part = "portal.access.part.person"
			if d := strings.ReplaceAll(e.Detail, " ", "_"); d != "" && d != "record" {
				if w := l.T("portal.access.part.person." + d); w != "portal.access.part.person."+d {
					part = "portal.access.part.person." + d
				}
			}
		}
		what := l.T(part)
		if what == part {
			what = l.T("portal.access.part.other")
		}
		out = append(out, accessLine{At: e.At, Who: e.Name, Role: strings.Join(roles, ", "), What: l.T(verb, "Part", what)})
	}
	return out
}

func (s *Server) portalAccess(w http.ResponseWriter, r *http.Request) error {
	p, r, err := s.me(r)
	if err != nil {
		return err
	}
	l, err := s.store.AccessHistory(r.Context(), s.actor(r), p.ID, store.Page{Limit: 100, Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		return err
	}
	return s.render(w, r, "portal_access.html", accessView{Lines: accessLines(localizer(r), l.Items), Next: l.Next, Earlier: r.URL.Query().Get("cursor") != ""})
}

// accessView is one page of "who has looked at my record".
type accessView struct {
	Lines   []accessLine
	Next    string // the cursor of the earlier entries, if any
	Earlier bool   // this page is not the newest
}

// ---- Downloading the record ----

// myRecordJSON is the person's record as they download it.
type myRecordJSON struct {
	Person            personJSON         `json:"person"`
	SafetyPlan        planDocJSON        `json:"safety_plan"`
	WellnessPlan      planDocJSON        `json:"wellness_plan"`
	CrisisPreferences planDocJSON        `json:"crisis_preferences"`
	Goals             []goalJSON         `json:"goals"`
	Consents          []myConsentJSON    `json:"consents"`
	Corrections       []correctionJSON   `json:"correction_requests"`
	AccessHistory     []accessEntryJSON  `json:"access_history"`
	Disclosures       []myDisclosureJSON `json:"disclosures"`
	ExportedAt        time.Time          `json:"exported_at"`
}

type myRecord struct {
	Person      store.Person
	Plans       []store.Plan
	Goals       []store.Goal
	Consents    []store.Consent
	Corrections []store.CorrectionRequest
	Access      []store.AccessEntry
	Disclosures store.Accounting
}

func (s *Server) loadMyRecord(r *http.Request, p store.Person) (myRecord, error) {
	a := s.actor(r)
	ctx := r.Context()
	out := myRecord{Person: p}
	for _, k := range store.PlanKinds {
		plan, err := s.store.PlanToPrint(ctx, a, k, p.ID, "download")
		if err != nil {
			return out, err
		}
		out.Plans = append(out.Plans, plan)
	}
	goals, err := s.store.ListGoals(ctx, a, p.ID, store.Page{Limit: 100})
	if err != nil {
		return out, err
	}
	out.Goals = goals.Items
	// Both kinds of consent, the newest version of each.
	if out.Consents, err = s.myConsents(r); err != nil {
		return out, err
	}
	if out.Corrections, err = s.store.Corrections(ctx, a, p.ID); err != nil {
		return out, err
	}
	// The whole history, page by page.
	for pg := (store.Page{Limit: store.MaxLimit}); ; {
		l, err := s.store.AccessHistory(ctx, a, p.ID, pg)
		if err != nil {
			return out, err
		}
		out.Access = append(out.Access, l.Items...)
		if l.Next == "" {
			break
		}
		pg.Cursor = l.Next
	}
	out.Disclosures, err = s.store.MyDisclosures(ctx, a)
	return out, err
}

func (s *Server) portalRecordJSON(w http.ResponseWriter, r *http.Request) error {
	p, r, err := s.me(r)
	if err != nil {
		return err
	}
	rec, err := s.loadMyRecord(r, p)
	if err != nil {
		return err
	}
	out := myRecordJSON{Person: toPersonJSON(p, s.store.Today()), SafetyPlan: toPlanDoc(rec.Plans[0]), WellnessPlan: toPlanDoc(rec.Plans[1]),
		CrisisPreferences: toPlanDoc(rec.Plans[2]), Goals: []goalJSON{}, Consents: toMyConsents(rec.Consents, s.store.Today()),
		Corrections: toCorrections(rec.Corrections), AccessHistory: toAccessJSON(rec.Access),
		Disclosures: toMyDisclosures(rec.Disclosures, s.store.Today()), ExportedAt: s.clock.Now().UTC()}
	for _, g := range rec.Goals {
		out.Goals = append(out.Goals, toGoalJSON(g))
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="my-record.json"`)
	_, err = w.Write(b)
	return err
}

// portalRecordPDF prints the person's whole record (plans, goals, consents,
// correction requests, who it was shared with) in their language, with the
// plan printout's layout.
func (s *Server) portalRecordPDF(w http.ResponseWriter, r *http.Request) error {
	p, r, err := s.me(r)
	if err != nil {
		return err
	}
	rec, err := s.loadMyRecord(r, p)
	if err != nil {
		return err
	}
	l := localizer(r)
	doc := printout.Plan{Title: l.T("portal.record.title"), PersonName: p.PreferredName, Demo: principal(r).Org.IsDemo,
		Subtitle: l.T("portal.record.printed", "Date", printedDate(s.clock.Now())), Words: printWords(l)}
	for i, k := range store.PlanKinds {
		for _, sec := range rec.Plans[i].Sections {
			if sec.Empty() {
				continue
			}
			h, _ := sectionWords(l, k, sec.Key)
			doc.Sections = append(doc.Sections, printout.Section{Heading: l.T("plan."+k.Key+".title") + ": " + h, Items: sec.Lines()})
		}
	}
	var goals []string
	for _, g := range rec.Goals {
		line := g.Text
		for _, n := range g.Progress {
			line += "\n" + fmtDate(n.CreatedAt) + ": " + n.Note
		}
		goals = append(goals, line)
	}
	if len(goals) > 0 {
		doc.Sections = append(doc.Sections, printout.Section{Heading: l.T("portal.goals.title"), Items: goals})
	}
	var consents []string
	today := s.store.Today()
	for _, c := range rec.Consents {
		if c.Kind == store.ConsentPart2 {
			v := toPortalPart2(l, c, today)
			consents = append(consents, l.T("portal.part2.heading", "Recipient", v.Recipient)+"\n"+
				l.T("portal.part2.what")+": "+v.Information+"\n"+l.T("portal.part2.why")+": "+v.Purpose+"\n"+
				l.T("portal.part2.until")+": "+v.Until+"\n"+l.T("portal.part2.signed")+": "+v.SignedOn+"\n"+v.State)
			continue
		}
		line := l.T("portal.consents.given", "Date", dayIn(l, c.GivenOn)) + ": " + c.Covers
		if !c.Current() {
			line += "\n" + l.T("portal.consents.withdrawn_on", "Date", dayIn(l, c.WithdrawnOn))
		}
		consents = append(consents, line)
	}
	if len(consents) > 0 {
		doc.Sections = append(doc.Sections, printout.Section{Heading: l.T("portal.consents.title"), Items: consents})
	}
	var corr []string
	for _, c := range rec.Corrections {
		line := c.Request
		if c.Answer != "" {
			line += "\n" + c.Answer
		}
		corr = append(corr, line)
	}
	if len(corr) > 0 {
		doc.Sections = append(doc.Sections, printout.Section{Heading: l.T("portal.corrections.title"), Items: corr})
	}
	// Who the records were shared with, newest first, as on the page.
	var shared []string
	for _, d := range portalDisclosures(l, rec.Disclosures, today).Items {
		line := l.T("portal.disclosures.heading", "Recipient", d.Recipient) + "\n" + l.T("portal.disclosures.when") + ": " + d.On + "\n" +
			l.T("portal.disclosures.what") + ": " + d.Information + "\n" + l.T("portal.disclosures.why") + ": " + d.Purpose + "\n" + l.T("portal.disclosures.allowed_by") + ": "
		switch {
		case d.Emergency:
			line += l.T("portal.disclosures.emergency") + " " + d.Nature
		case d.Consent != nil:
			line += l.T("portal.disclosures.consent", "Recipient", d.Consent.Recipient, "Date", d.Consent.SignedOn)
		}
		shared = append(shared, line)
	}
	if len(shared) > 0 {
		doc.Sections = append(doc.Sections, printout.Section{Heading: l.T("portal.disclosures.title"), Items: shared})
	}
	pdf, err := printout.PlanPDF(doc)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="my-record.pdf"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(pdf)))
	_, err = w.Write(pdf)
	return err
}

// ---- Accepting an invitation ----

type acceptView struct {
	Token   string
	Info    store.PortalInvitationInfo
	Problem string // the invitation cannot be used: said plainly
	Form    *form
	Done    bool
	Langs   []option
	Next    string
}

// invitationProblem is the plain answer for an invitation that cannot be
// used, in the reader's language.
func invitationProblem(l *i18n.Localizer, err error) string {
	switch {
	case errors.Is(err, store.ErrInvitationUsed):
		return l.T("portal.accept.used")
	case errors.Is(err, store.ErrInvitationExpired):
		return l.T("portal.accept.expired")
	case errors.Is(err, store.ErrInvitationUnknown):
		return l.T("portal.accept.unknown")
	}
	return ""
}

// invitationProblem answers an invitation that cannot be used (410 Gone),
// plainly and in the language of the person it was made for.
func (s *Server) invitationProblem(w http.ResponseWriter, r *http.Request, token string, err error, v acceptView) error {
	lang, lerr := s.store.InvitationLanguage(r.Context(), token)
	if lerr != nil {
		return lerr
	}
	r = withLanguage(r, LocalizerFor(r, lang))
	v.Problem = invitationProblem(localizer(r), err)
	if v.Problem == "" {
		return err
	}
	v.Info = store.PortalInvitationInfo{}
	return s.renderStatus(w, r, http.StatusGone, "portal_accept.html", v)
}

func (s *Server) acceptPage(w http.ResponseWriter, r *http.Request) error {
	token := strings.TrimSpace(r.URL.Query().Get("token"))
	v := acceptView{Token: token, Form: newForm(url.Values{"token": {token}}), Langs: languageOptions(), Next: r.URL.RequestURI()}
	if token == "" {
		return s.render(w, r, "portal_accept.html", v) // a form for the code
	}
	info, err := s.store.PortalInvitationFor(r.Context(), token)
	if err != nil {
		return s.invitationProblem(w, r, token, err, v)
	}
	v.Info = info
	r = withLanguage(r, LocalizerFor(r, info.Language))
	return s.render(w, r, "portal_accept.html", v)
}

func (s *Server) accept(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	token := f.Get("token")
	v := acceptView{Token: token, Form: f, Langs: languageOptions(), Next: "/portal/accept?token=" + url.QueryEscape(token)}
	if !s.limits.login.allow(s.clientIP(r)) {
		return rateLimited()
	}
	info, err := s.store.PortalInvitationFor(r.Context(), token)
	if err != nil {
		return s.invitationProblem(w, r, token, err, v)
	}
	v.Info = info
	r = withLanguage(r, LocalizerFor(r, info.Language))
	l := localizer(r)
	if f.Raw("password") != f.Raw("password_again") {
		f.Errors["password_again"] = l.T("portal.accept.mismatch")
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "portal_accept.html", v)
	}
	_, err = s.store.AcceptPortalInvitation(r.Context(), token, f.Raw("password"), s.clientIP(r))
	if msg := invitationProblem(l, err); msg != "" {
		return s.invitationProblem(w, r, token, err, v)
	}
	if core.KindOf(err) == core.KindInvalid {
		f.Errors["password"] = l.T("portal.accept.weak")
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "portal_accept.html", v)
	}
	if err != nil {
		return err
	}
	v.Done = true
	return s.render(w, r, "portal_accept.html", v)
}

// ---- Staff: inviting, and answering corrections ----

type portalInviteView struct {
	Person  store.Person
	Link    string
	Code    string
	Login   string
	Expires time.Time
	Emailed string
}

func (s *Server) portalLink(r *http.Request, token string) string {
	return s.baseURL(r) + "/portal/accept?token=" + url.QueryEscape(token)
}

func (s *Server) invitePersonToPortal(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := s.actor(r)
	invite := s.store.InviteToPortal
	if s.mail { // the organisation has set up sending: the link goes by email too
		invite = func(ctx context.Context, a store.Actor, pid int64) (store.PortalInvitation, error) {
			return s.store.SendPortalInvitation(ctx, a, pid, func(token string) string { return s.portalLink(r, token) })
		}
	}
	inv, err := invite(r.Context(), a, pid)
	if err != nil {
		return err
	}
	p, err := s.store.Person(r.Context(), a, pid)
	if err != nil {
		return err
	}
	// The invitation page is printed or read out to the person: in their language.
	r = withLanguage(r, LocalizerFor(nil, p.PreferredLanguage))
	return s.render(w, r, "portal_invite.html", portalInviteView{Person: p, Link: s.portalLink(r, inv.Token), Code: inv.Code, Login: inv.Login, Expires: inv.ExpiresAt, Emailed: inv.Emailed})
}

func (s *Server) answerCorrection(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	cid, err := pathID(r, "cid")
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	c, err := s.store.AnswerCorrection(r.Context(), s.actor(r), cid, f.Get("status"), f.Raw("answer"))
	if core.KindOf(err) == core.KindInvalid {
		return redirect(w, r, "/people/"+id(pid)+"#corrections", localizer(r).T("messages.portal.correction_choose"))
	}
	if err != nil {
		return err
	}
	if c.PersonID != pid {
		return core.NotFound("The request")
	}
	return redirect(w, r, "/people/"+id(pid)+"#corrections", localizer(r).T("messages.portal.correction_answered"))
}

// ---- API ----

type portalInvitationJSON struct {
	Link      string    `json:"link" doc:"the one-time link the person opens to set their password"`
	Code      string    `json:"code" doc:"the same invitation as a short code to read out or print (XXXX-XXXX)"`
	Login     string    `json:"login" doc:"what the person signs in with at /login: their email, or a sign-in name"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (s *Server) apiPortalInvitation(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	inv, err := s.store.InviteToPortal(r.Context(), s.actor(r), pid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, portalInvitationJSON{Link: s.portalLink(r, inv.Token), Code: inv.Code, Login: inv.Login, ExpiresAt: inv.ExpiresAt})
	return nil
}

type acceptJSON struct {
	Token    string `json:"token" doc:"the invitation link's token, or its short code"`
	Password string `json:"password"`
}

type acceptedJSON struct {
	Login string `json:"login" doc:"sign in with this at /login"`
}

func (s *Server) apiAccept(w http.ResponseWriter, r *http.Request) error {
	if !s.limits.login.allow(s.clientIP(r)) {
		return rateLimited()
	}
	var in acceptJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	u, err := s.store.AcceptPortalInvitation(r.Context(), in.Token, in.Password, s.clientIP(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, acceptedJSON{Login: u.Email})
	return nil
}

func (s *Server) apiMePlan(k *store.PlanKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		a := s.actor(r)
		p, err := s.store.Plan(r.Context(), a, k, a.PersonID)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, toPlanDoc(p))
		return nil
	}
}

func (s *Server) apiMePutPlan(k *store.PlanKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		a := s.actor(r)
		var raw struct {
			Version  *int                       `json:"version"`
			Sections map[string]json.RawMessage `json:"sections"`
		}
		if err := decodeJSON(r, &raw); err != nil {
			return err
		}
		in, err := planInputJSON(k, raw.Sections)
		if err != nil {
			return err
		}
		in.Base = raw.Version
		p, err := s.store.SavePlan(r.Context(), a, k, a.PersonID, in)
		if err != nil {
			return sectionFields(err)
		}
		writeJSON(w, http.StatusOK, toPlanDoc(p))
		return nil
	}
}

func (s *Server) apiMeGoals(w http.ResponseWriter, r *http.Request) error {
	a := s.actor(r)
	l, err := s.store.ListGoals(r.Context(), a, a.PersonID, store.Page{Limit: 100})
	if err != nil {
		return err
	}
	out := listJSON[goalJSON]{Items: []goalJSON{}}
	for _, g := range l.Items {
		out.Items = append(out.Items, toGoalJSON(g))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type myConsentJSON struct {
	ID          string `json:"id"`
	Kind        string `json:"kind" enum:"peer_support,part2" doc:"peer_support: the consent to peer support; part2: a consent to share records under 42 CFR Part 2"`
	GivenOn     string `json:"given_on" doc:"the day it was given (signed)"`
	Covers      string `json:"covers" doc:"what a consent to peer support covers; empty for part2"`
	WithdrawnOn string `json:"withdrawn_on" doc:"empty while the consent stands"`
	WithdrawnBy string `json:"withdrawn_by" enum:",person,worker" doc:"who recorded the withdrawal of a part2 consent: the person in their portal, or a worker; empty otherwise"`
	State       string `json:"state" enum:"in_effect,withdrawn,ended" doc:"ended: a part2 consent past its expiry date"`
	Recipient   string `json:"recipient" doc:"part2: to whom the records may be disclosed"`
	Information string `json:"information" doc:"part2: what may be disclosed"`
	Purpose     string `json:"purpose" doc:"part2: why"`
	ExpiresOn   string `json:"expires_on" doc:"part2: the day it ends, or empty when it ends with an event"`
	ExpiryEvent string `json:"expiry_event" doc:"part2: the event it ends with, or empty"`
}

func toMyConsents(cs []store.Consent, today string) []myConsentJSON {
	out := []myConsentJSON{}
	l := i18n.In("en")
	for _, c := range cs {
		j := myConsentJSON{ID: id(c.ID), Kind: c.Kind, GivenOn: c.GivenOn, Covers: c.Covers, WithdrawnOn: c.WithdrawnOn, State: "in_effect"}
		if !c.Current() {
			j.State = "withdrawn"
		}
		if c.Kind == store.ConsentPart2 {
			j.Covers = ""
			j.Recipient, j.Information, j.Purpose, j.ExpiresOn, j.ExpiryEvent = c.Recipient, c.Information, c.Purpose, c.ExpiresOn, c.ExpiryEvent
			j.State, _ = part2State(l, c, today)
			if !c.Current() {
				j.WithdrawnBy = c.RevokedBy
			}
		}
		out = append(out, j)
	}
	return out
}

func (s *Server) apiMeConsents(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.myConsents(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listJSON[myConsentJSON]{Items: toMyConsents(cs, s.store.Today())})
	return nil
}

type meWithdrawJSON struct {
	Note string `json:"note,omitempty"`
}

func (s *Server) apiMeWithdrawConsent(w http.ResponseWriter, r *http.Request) error {
	a := s.actor(r)
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in meWithdrawJSON
	if r.ContentLength != 0 { // the body may be left out (OptionalBody)
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
	}
	c, err := s.store.WithdrawConsent(r.Context(), a, cid, "", in.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toMyConsents([]store.Consent{c}, s.store.Today())[0])
	return nil
}

type accessEntryJSON struct {
	At     time.Time `json:"at"`
	Who    string    `json:"who"`
	Roles  []string  `json:"roles"`
	Action string    `json:"action" doc:"read, create, update or delete"`
	What   string    `json:"what" doc:"the part of the record: person, safety_plan, wellness_plan, crisis_preferences, strengths, goal, consent or contact"`
	Detail string    `json:"detail"`
}

func toAccessJSON(es []store.AccessEntry) []accessEntryJSON {
	out := []accessEntryJSON{}
	for _, e := range es {
		roles := []string{}
		for _, r := range e.Roles {
			roles = append(roles, auth.RoleLabel(r))
		}
		out = append(out, accessEntryJSON{At: e.At, Who: e.Name, Roles: roles, Action: e.Action, What: e.RecordType, Detail: e.Detail})
	}
	return out
}

func (s *Server) apiMeAccess(w http.ResponseWriter, r *http.Request) error {
	a := s.actor(r)
	pg, err := listPage(r)
	if err != nil {
		return err
	}
	es, err := s.store.AccessHistory(r.Context(), a, a.PersonID, pg)
	if err != nil {
		return err
	}
	acc, err := s.store.MyDisclosures(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, accessHistoryJSON{listJSON: listJSON[accessEntryJSON]{Items: toAccessJSON(es.Items), NextCursor: es.Next}, Disclosures: toMyDisclosures(acc, s.store.Today())})
	return nil
}

type correctionJSON struct {
	ID         string    `json:"id"`
	Request    string    `json:"request"`
	AskedAt    time.Time `json:"asked_at"`
	Status     string    `json:"status" enum:"open,made,declined"`
	Answer     string    `json:"answer"`
	AnsweredBy string    `json:"answered_by"`
}

func toCorrections(cs []store.CorrectionRequest) []correctionJSON {
	out := []correctionJSON{}
	for _, c := range cs {
		out = append(out, correctionJSON{ID: id(c.ID), Request: c.Request, AskedAt: c.AskedAt, Status: c.Status, Answer: c.Answer, AnsweredBy: c.AnsweredBy})
	}
	return out
}

type newCorrectionJSON struct {
	Request string `json:"request" doc:"what is wrong in the record and what it should say"`
}

func (s *Server) apiMeCorrection(w http.ResponseWriter, r *http.Request) error {
	a := s.actor(r)
	var in newCorrectionJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.store.RequestCorrection(r.Context(), a, a.PersonID, in.Request)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toCorrections([]store.CorrectionRequest{c})[0])
	return nil
}
