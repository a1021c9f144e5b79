package web

import (
	"net/http"
	"net/url"
	"strconv"

	"peerpath/internal/core"
	"peerpath/internal/csvout"
	"peerpath/internal/store"
	"peerpath/internal/workforce"
)

// The team's development (a supervisor's supervisees, or the whole
// organisation for an administrator), its CSV export, the renewal rules
// administrators set per credential type, and the development parts of the
// home page.

type teamView struct {
	Team      store.Team
	CanOrg    bool // an administrator may switch to the whole organisation
	NextURL   string
	ScopeName string
	CSV       string
}

// teamScope reads ?scope=; a supervisor sees their team, an administrator
// who supervises nobody sees the organisation unless they ask otherwise.
func teamScope(r *http.Request) store.TeamScope {
	switch r.URL.Query().Get("scope") {
	case "organisation":
		return store.ScopeOrganisation
	case "team":
		return store.ScopeTeam
	}
	if a := principal(r).Actor(""); a.SeesEveryWorker() && !a.SupervisesWorkers() {
		return store.ScopeOrganisation
	}
	return store.ScopeTeam
}

func (s *Server) teamDevelopment(w http.ResponseWriter, r *http.Request) error {
	scope := teamScope(r)
	t, err := s.store.TeamDevelopment(r.Context(), s.actor(r), scope, store.Page{Limit: 25, Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		return err
	}
	v := teamView{Team: t, CanOrg: s.actor(r).SeesEveryWorker(), ScopeName: localizer(r).T("messages.team.scope_team"), CSV: "/team/development.csv?scope=" + string(scope)}
	if scope == store.ScopeOrganisation {
		v.ScopeName = localizer(r).T("messages.team.scope_org")
	}
	if t.Next != "" {
		v.NextURL = "/team/development?" + url.Values{"scope": {string(scope)}, "cursor": {t.Next}}.Encode()
	}
	return s.render(w, r, "team_development.html", v)
}

func (s *Server) teamDevelopmentCSV(w http.ResponseWriter, r *http.Request) error {
	scope := teamScope(r)
	// Check the scope before any byte is written, so a refusal is a page.
	if scope == store.ScopeOrganisation && !s.actor(r).SeesEveryWorker() {
		return core.Forbidden("Only administrators export the whole organisation.")
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="development-`+string(scope)+`.csv"`)
	out := csvout.New(w)
	if err := out.Write("Worker", "Record", "Title", "Chart item", "Date", "Expires", "Provider or issuer", "Number", "Hours"); err != nil {
		return err
	}
	err := s.store.ExportTeamDevelopment(r.Context(), s.actor(r), scope, func(row store.ExportRow) error {
		return out.Write(row.WorkerName, row.Record, row.Title, row.ItemKey, row.Date, row.Expires, row.Provider, row.Number, row.Hours)
	})
	if err != nil {
		// Headers are gone; all that can be done is to log and stop.
		s.log.Error("exporting development", "request_id", requestID(r), "err", err)
		return nil
	}
	return out.Flush()
}

// ---- Renewal rules ----

type ruleRow struct {
	Kind      workforce.CredentialKind
	Label     string
	Rule      workforce.RenewalRule
	Certifies bool
}

type rulesView struct {
	Rows []ruleRow
	Form *form
}

func (s *Server) rulesView(r *http.Request, f *form) (rulesView, error) {
	rules, err := s.store.CredentialRules(r.Context(), principal(r).Org.ID)
	if err != nil {
		return rulesView{}, err
	}
	bodies, err := s.store.CertifyingBodies(r.Context(), principal(r).Org.ID)
	if err != nil {
		return rulesView{}, err
	}
	v := rulesView{Form: f}
	fill := f == nil
	if fill {
		v.Form = newForm(url.Values{})
	}
	for _, k := range workforce.CredentialKinds {
		rule := rules[k]
		v.Rows = append(v.Rows, ruleRow{Kind: k, Label: k.Label(), Rule: rule, Certifies: bodies[k]})
		if fill {
			p := string(k) + "."
			if !rule.IsZero() {
				v.Form.Values.Set(p+"hours", rule.Hours.String())
				v.Form.Values.Set(p+"ethics_hours", rule.EthicsHours.String())
				v.Form.Values.Set(p+"period_months", strconv.Itoa(rule.PeriodMonths))
			}
			if bodies[k] {
				v.Form.Values.Set(p+"certifies", "on")
			}
		}
	}
	return v, nil
}

func (s *Server) credentialRules(w http.ResponseWriter, r *http.Request) error {
	v, err := s.rulesView(r, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, "admin_credential_rules.html", v)
}

func (s *Server) saveCredentialRules(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	ups := make([]store.RuleUpdate, 0, len(workforce.CredentialKinds))
	for _, k := range workforce.CredentialKinds {
		p := string(k) + "."
		certifies := f.Checked(p + "certifies")
		u := store.RuleUpdate{Kind: k, Certifies: &certifies}
		// All three empty, or no period, is "no rule".
		period := f.Get(p + "period_months")
		if period == "" || period == "0" {
			if f.Get(p+"hours") == "" && f.Get(p+"ethics_hours") == "" || period == "0" {
				ups = append(ups, u)
				continue
			}
		}
		u.Rule.Hours, u.HoursError = workforce.ParseHours(f.Get(p+"hours"), 1000)
		u.Rule.EthicsHours, u.EthicsError = workforce.ParseHours(f.Get(p+"ethics_hours"), 1000)
		if n, err := strconv.Atoi(period); err == nil {
			u.Rule.PeriodMonths = n
		} else {
			u.PeriodsError = "Enter the period in whole months, for example 24, or leave it empty for no rule."
		}
		ups = append(ups, u)
	}
	err = s.store.SetCredentialRules(r.Context(), s.actor(r), ups)
	if err != nil && !f.Fail(err) {
		return err
	}
	if len(f.Errors) > 0 {
		v, verr := s.rulesView(r, f)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "admin_credential_rules.html", v)
	}
	return redirect(w, r, "/admin/credentials", localizer(r).T("messages.development.credential_settings_saved"))
}

// ---- The home page ----

// homeDevelopment is the home page's development sections.
type homeDevelopment struct {
	Mine *store.MyDevelopment
	Team *store.TeamAlerts
	// Shown lists at most three missing requirements in brief.
	Shown []string
	More  int
}

// homeDevelopmentFor fills the development parts of the home page: for
// those the framework charts, their own; for supervisors, their team's
// alerts too.
func (s *Server) homeDevelopmentFor(r *http.Request, inFramework, isSupervisor bool) (homeDevelopment, error) {
	var h homeDevelopment
	if inFramework {
		m, err := s.store.MyDevelopmentSummary(r.Context(), s.actor(r))
		if err != nil {
			return h, err
		}
		h.Mine = &m
		for i, req := range m.Missing {
			if i == 3 {
				h.More = len(m.Missing) - 3
				break
			}
			h.Shown = append(h.Shown, req.Label)
		}
	}
	if isSupervisor {
		t, err := s.store.TeamDevelopmentAlerts(r.Context(), s.actor(r))
		if err != nil {
			return h, err
		}
		h.Team = &t
	}
	return h, nil
}
