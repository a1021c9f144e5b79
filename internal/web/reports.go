package web

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/csvout"
	"peerpath/internal/i18n"
	"peerpath/internal/printout"
	"peerpath/internal/reporting"
	"peerpath/internal/store"
)

// This file serves the organisation's reports (activity, outcomes,
// workforce) as a page with charts, CSV, a printable PDF and JSON. Every
// format reads the same query: from, to, scope, share=funder and, for the
// workforce, expiring_days.
//
// The words this file adds (field messages, tab and chart titles, the
// PDF's title and footer) come from the catalogue (messages.reports.*) in
// the reader's language, and so do the report's own words on the page and
// in the PDF (translateReport, report_words.go). The CSV and the API are
// data for other programs and stay English: their words are the store's,
// the API's messages are part of its contract.

// reportRequest reads a report's query. An unknown scope is "not found";
// a wrong period or window is a validation error naming the field, in the
// language of l.
func (s *Server) reportRequest(r *http.Request, l *i18n.Localizer) (reporting.Scope, reporting.Period, store.ReportOptions, error) {
	q := r.URL.Query()
	a := s.actor(r)
	var opt store.ReportOptions
	sc := store.DefaultReportScope(a)
	if v := strings.TrimSpace(q.Get("scope")); v != "" {
		var ok bool
		if sc, ok = reporting.ParseScope(v); !ok {
			return sc, reporting.Period{}, opt, core.NotFound("The report")
		}
	}
	p, err := reporting.ParsePeriod(q.Get("from"), q.Get("to"), s.store.Today())
	f := map[string]string{}
	if e, ok := asInvalid(err); ok {
		f = e.Fields
	} else if err != nil {
		return sc, p, opt, err
	}
	switch v := q.Get("share"); v {
	case "", "internal":
	case "funder":
		opt.Shared = true
	default:
		f["share"] = l.T("messages.reports.share")
	}
	if v := strings.TrimSpace(q.Get("expiring_days")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.MaxExpiringDays {
			f["expiring_days"] = l.T("messages.reports.expiring_days", "Max", store.MaxExpiringDays)
		}
		opt.ExpiringDays = n
	}
	return sc, p, opt, core.Invalid(f)
}

// report reads the report the request asks for, its messages in the
// language of l and its words in English (the CSV's and the API's; the page
// and the PDF translate them: translateReport).
func (s *Server) report(r *http.Request, kind string, l *i18n.Localizer) (*reporting.Report, error) {
	sc, p, opt, err := s.reportRequest(r, l)
	if err != nil {
		return nil, err
	}
	rep, err := s.store.Report(r.Context(), s.actor(r), kind, sc, p, opt)
	if err != nil {
		return nil, err
	}
	labelReport(rep, i18n.In("en"))
	return rep, nil
}

// reportLabels names in plain words, in the language of l, the rows of
// each table that the store names by a stored value: their keys.
func reportLabels(l *i18n.Localizer) map[string]map[string]string {
	in := func(prefix string, keys ...string) map[string]string {
		m := map[string]string{}
		for _, k := range keys {
			m[k] = l.T(prefix + k)
		}
		return m
	}
	return map[string]map[string]string{
		"contacts_by_kind":   labelsIn(l, "kind"),
		"contacts_by_mode":   labelsIn(l, "mode"),
		"contacts_by_format": labelsIn(l, "format"),
		"goals_by_area":      labelsIn(l, "life_area"),
		"workers_by_stage":   in("messages.reports.stage.", "volunteer", "1", "2", "3", "4", "5"),
		"workers_by_track":   in("messages.reports.track.", "mental-health", "addiction", "both"),
		"supervision":        labelsIn(l, "supervision_mode"),
	}
}

// labelReport names the rows reportLabels knows, in the language of l.
func labelReport(rep *reporting.Report, l *i18n.Localizer) {
	labels := reportLabels(l)
	for _, sec := range rep.Sections {
		for _, t := range sec.Tables {
			if m := labels[t.Key]; m != nil {
				for i, row := range t.Rows {
					if words, ok := m[row.Key]; ok {
						t.Rows[i].Label = words
					}
				}
			}
		}
	}
}

// ---- The page ----

type orgReportView struct {
	Kind    string
	Kinds   []reportTab
	Form    *form
	Scopes  []store.ScopeChoice
	Report  *reporting.Report
	Charts  map[string]template.HTML
	Query   template.URL // the report's query, for the CSV and PDF links (built by url.Values)
	Words   reportWords  // the report's words beyond its tables
	Hidden  string       // how a hidden count reads, for the form's hint
	Expires bool
}

type reportTab struct {
	Kind, Label, Href string
	Current           bool
}

func (s *Server) reportPage(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		a, l := s.actor(r), localizer(r)
		f := newForm(r.URL.Query())
		scopes, err := s.store.ReportScopes(r.Context(), a)
		if err != nil {
			return err
		}
		for i, sc := range scopes {
			scopes[i].Label = scopeChoice(l, sc)
		}
		v := orgReportView{Kind: kind, Form: f, Scopes: scopes, Hidden: hiddenCount(l), Expires: kind == store.ReportWorkforce}
		if f.Get("scope") == "" {
			f.Values.Set("scope", store.DefaultReportScope(a).String())
		}
		for _, k := range store.ReportKinds {
			q := url.Values{"scope": {f.Get("scope")}, "from": {f.Get("from")}, "to": {f.Get("to")}, "share": {f.Get("share")}}
			v.Kinds = append(v.Kinds, reportTab{Kind: k, Label: l.T("messages.reports.kind." + k), Href: "/reports/" + k + "?" + q.Encode(), Current: k == kind})
		}
		rep, err := s.report(r, kind, l)
		if f.Fail(err) {
			return s.renderStatus(w, r, http.StatusUnprocessableEntity, "reports.html", v)
		}
		if err != nil {
			return err
		}
		f.Values.Set("from", rep.Period.From)
		f.Values.Set("to", rep.Period.To)
		v.Words = translateReport(rep, l)
		v.Report, v.Charts = rep, reportCharts(rep, l)
		q := url.Values{"scope": {rep.Scope.String()}, "from": {rep.Period.From}, "to": {rep.Period.To}}
		if rep.Shared {
			q.Set("share", "funder")
		}
		if x := f.Get("expiring_days"); x != "" {
			q.Set("expiring_days", x)
		}
		v.Query = template.URL(q.Encode()) //nolint:gosec // url.Values.Encode escapes every value
		return s.render(w, r, "reports.html", v)
	}
}

// reportCharts draws the charts of a report (translated: translateReport),
// by the key of the table each is drawn from, titled and described in the
// language of l.
func reportCharts(rep *reporting.Report, l *i18n.Localizer) map[string]template.HTML {
	out := map[string]template.HTML{}
	add := func(key string, series ...string) {
		t := rep.Table(key)
		if t == nil {
			return
		}
		c := reporting.Chart{ID: "chart-" + key, Title: l.T("messages.reports.chart." + key), Table: t, Series: series, Describe: describeChart(l)}
		if key == "contacts_per_week" {
			c.ShortLabel = func(r reporting.Row) string { return shortDay(l, r.Key) }
		}
		out[key] = template.HTML(c.SVG()) //nolint:gosec // drawn by reporting.Chart, which escapes every text it writes
	}
	add("contacts_per_week", "contacts")
	add("recovery_capital_distribution", "first", "latest")
	add("goals_by_area", "set", "achieved")
	return out
}

// shortDay writes 2026-01-05 as "5 Jan" (in Spanish "5 ene", in
// Portuguese "5 jan"): the day and the first three letters of the month's
// name in the catalogue.
func shortDay(l *i18n.Localizer, d string) string {
	t, err := time.Parse(core.DateLayout, d)
	if err != nil {
		return d
	}
	month := []rune(l.T("month." + strconv.Itoa(int(t.Month()))))
	if len(month) > 3 {
		month = month[:3]
	}
	return strconv.Itoa(t.Day()) + " " + string(month)
}

// ---- CSV and PDF ----

func (s *Server) reportCSV(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		rep, err := s.report(r, kind, localizer(r))
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", reportFileName(rep, "csv")))
		out := csvout.New(w)
		if err := out.Write("Report", "Scope", "From", "To", "Shared", "Section", "Table", "Row", "Column", "Value"); err != nil {
			return err
		}
		shared := "internal"
		if rep.Shared {
			shared = "funder"
		}
		for _, sec := range rep.Sections {
			for _, t := range sec.Tables {
				for _, row := range tableRows(t) {
					for i, c := range t.Columns {
						if err := out.Write(rep.Title, rep.Scope.String(), rep.Period.From, rep.Period.To, shared, sec.Title, t.Title, row.Label, c.Label, row.Values[i].Plain(c.Kind)); err != nil {
							return err
						}
					}
				}
			}
		}
		return out.Flush()
	}
}

func tableRows(t *reporting.Table) []reporting.Row {
	if t.Total == nil {
		return t.Rows
	}
	return append(append([]reporting.Row(nil), t.Rows...), *t.Total)
}

func reportFileName(rep *reporting.Report, ext string) string {
	name := fmt.Sprintf("%s-%s-%s-to-%s", rep.Kind, strings.NewReplacer(":", "-", " ", "-").Replace(rep.Scope.String()), rep.Period.From, rep.Period.To)
	if rep.Shared {
		name += "-funder"
	}
	return name + "." + ext
}

func (s *Server) reportPDF(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		l := localizer(r)
		rep, err := s.report(r, kind, l)
		if err != nil {
			return err
		}
		words := translateReport(rep, l)
		p := printout.Plan{Title: l.T("people.reports.report", "Title", rep.Title), PersonName: "", Subtitle: words.Period + " · " + rep.ScopeFor}
		for _, sec := range rep.Sections {
			for _, t := range sec.Tables {
				ps := printout.Section{Heading: t.Title}
				for _, row := range tableRows(t) {
					var vals []string
					for i, c := range t.Columns {
						vals = append(vals, c.Label+": "+words.Cell(row.Values[i], c.Kind))
					}
					ps.Items = append(ps.Items, row.Label+" — "+strings.Join(vals, " · "))
				}
				if t.Note != "" {
					ps.Items = append(ps.Items, t.Note)
				}
				p.Sections = append(p.Sections, ps)
			}
		}
		if rep.Shared {
			p.Footer = l.T("messages.reports.pdf_shared", "Hidden", words.Hidden)
		} else {
			p.Footer = l.T("messages.reports.pdf_inside")
		}
		pdf, err := printout.ReportPDF(p)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", reportFileName(rep, "pdf")))
		w.Write(pdf) //nolint:errcheck // the client went away
		return nil
	}
}

// ---- JSON ----

type reportJSON struct {
	Report           string              `json:"report" enum:"activity,outcomes,workforce"`
	Title            string              `json:"title"`
	Scope            string              `json:"scope" doc:"org, programme:{service programme id}, team:{supervisor id} or worker:{id}"`
	ScopeDescription string              `json:"scope_description"`
	From             string              `json:"from"`
	To               string              `json:"to"`
	Shared           bool                `json:"shared" doc:"Made for sharing outside the organisation: counts from 1 to 10, and a second count wherever a total would give one away, are null."`
	Sections         []reportSectionJSON `json:"sections"`
}

type reportSectionJSON struct {
	Key    string            `json:"key"`
	Title  string            `json:"title"`
	Tables []reportTableJSON `json:"tables"`
}

type reportTableJSON struct {
	Key     string             `json:"key"`
	Title   string             `json:"title"`
	Note    string             `json:"note"`
	Columns []reportColumnJSON `json:"columns"`
	Rows    []reportRowJSON    `json:"rows"`
	Total   *reportRowJSON     `json:"total,omitempty" doc:"The sum of the rows; left out where the rows do not add up."`
}

type reportColumnJSON struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Kind  string `json:"kind" enum:"count,hours,percent,mean"`
}

type reportRowJSON struct {
	Key    string     `json:"key"`
	Label  string     `json:"label"`
	Values []*float64 `json:"values" doc:"One per column. null where a small number is hidden, or where there is nothing to work a percent or mean from."`
}

func reportToJSON(rep *reporting.Report) reportJSON {
	out := reportJSON{Report: rep.Kind, Title: rep.Title, Scope: rep.Scope.String(), ScopeDescription: rep.ScopeFor,
		From: rep.Period.From, To: rep.Period.To, Shared: rep.Shared, Sections: []reportSectionJSON{}}
	row := func(r reporting.Row) reportRowJSON {
		j := reportRowJSON{Key: r.Key, Label: r.Label, Values: make([]*float64, len(r.Values))}
		for i, v := range r.Values {
			if !v.Hidden && !math.IsNaN(v.N) {
				n := math.Round(v.N*100) / 100
				j.Values[i] = &n
			}
		}
		return j
	}
	for _, sec := range rep.Sections {
		sj := reportSectionJSON{Key: sec.Key, Title: sec.Title, Tables: []reportTableJSON{}}
		for _, t := range sec.Tables {
			tj := reportTableJSON{Key: t.Key, Title: t.Title, Note: t.Note, Columns: []reportColumnJSON{}, Rows: []reportRowJSON{}}
			for _, c := range t.Columns {
				tj.Columns = append(tj.Columns, reportColumnJSON{Key: c.Key, Label: c.Label, Kind: c.Kind})
			}
			for _, r := range t.Rows {
				tj.Rows = append(tj.Rows, row(r))
			}
			if t.Total != nil {
				tot := row(*t.Total)
				tj.Total = &tot
			}
			sj.Tables = append(sj.Tables, tj)
		}
		out.Sections = append(out.Sections, sj)
	}
	return out
}

func (s *Server) apiReport(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		rep, err := s.report(r, kind, i18n.In("en"))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, reportToJSON(rep))
		return nil
	}
}

// reportQueryDoc documents the query every report takes.
var reportQueryDoc = []queryParam{
	{Name: "from", Description: "First day of the period, YYYY-MM-DD; twelve months before `to` when left out."},
	{Name: "to", Description: "Last day of the period, YYYY-MM-DD, not after today; today when left out. A period covers at most 5 years."},
	{Name: "scope", Description: "org, programme:{id} (a service programme's id, as GET /api/v1/programmes lists them), team:{supervisor id} or worker:{id}; by default the organisation for an administrator, their team for a supervisor, their own for a worker. A scope that does not exist, or that you may not see, is 404."},
	{Name: "share", Enum: []string{"internal", "funder"}, Description: "funder: for sharing outside the organisation, with counts from 1 to 10 hidden."},
	{Name: "expiring_days", Description: "Workforce: your organisation's window for expiring credentials, in days (90 when left out)."},
}
