package web

import (
	"cmp"
	"strconv"
	"strings"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/i18n"
	"peerpath/internal/reporting"
	"peerpath/internal/store"
)

// The words of a report on its page and in its printout, in the reader's
// language: translateReport is the one place that puts them in. The store
// writes a report in English (internal/store/reports.go), and every part
// of it has a key; the catalogue (internal/i18n/reports.*.toml) has its
// words by that key:
//
//	reports.section.<section>        a section's heading
//	reports.table.<table>            a table's title
//	reports.note.<table>             its note (or the table's NoteKey)
//	reports.column.<table>.<column>  a column, where a table names it its own way,
//	reports.column.<column>          else by its key alone
//	reports.row.<table>.<row>        a row (or the row's LabelKey)
//	reports.total.<table>            the total row
//
// Rows named by a stored value (a contact's kind, a life area, a worker's
// stage…) take the words of that value (reportLabels). A part the
// catalogue has no words for keeps the store's English: rows that are
// people's own words (the reasons support ended, the organisation's areas
// of need) show as they were written. The CSV and the API are data for
// other programs and stay English (report, labelReport).

// reportWords are the words of a report that are not in its tables: the
// period, and how a hidden figure reads.
type reportWords struct {
	Period   string
	Hidden   string // a count from 1 to 10 in a shared report
	notShown string // a figure worked out from a hidden count
	decimal  string // the decimal mark
}

// Cell writes a value as Value.Text does, in the reader's words.
func (w reportWords) Cell(v reporting.Value, kind string) string {
	if v.Hidden {
		if kind == reporting.KindCount {
			return w.Hidden
		}
		return w.notShown
	}
	s := v.Text(kind)
	if w.decimal != "." {
		s = strings.Replace(s, ".", w.decimal, 1)
	}
	return s
}

// translateReport puts a report's titles, notes, column and row labels,
// its title and scope into the language of l, and gives the rest of its
// words.
func translateReport(rep *reporting.Report, l *i18n.Localizer) reportWords {
	tr := func(fallback, key string, args reporting.Args) string {
		if !labelKeys()[key] {
			return fallback
		}
		return l.T(key, reportArgs(l, args)...)
	}
	labelReport(rep, l)
	rep.Title = tr(rep.Title, "messages.reports.kind."+rep.Kind, nil)
	switch rep.Scope.Kind {
	case reporting.ScopeOrg, reporting.ScopeWorker:
		rep.ScopeFor = tr(rep.ScopeFor, "reports.scope."+rep.Scope.Kind, nil)
	case reporting.ScopeProgramme:
		rep.ScopeFor = tr(rep.ScopeFor, "reports.scope.programme", reporting.Args{"Name": rep.Scope.Name})
	case reporting.ScopeTeam:
		if n, ok := rep.ScopeArgs["Count"].(int); ok {
			rep.ScopeFor = l.N("n.reports.scope.team", n)
		}
	}
	stored := reportLabels(l)
	for _, sec := range rep.Sections {
		sec.Title = tr(sec.Title, "reports.section."+sec.Key, nil)
		for _, t := range sec.Tables {
			t.Title = tr(t.Title, "reports.table."+t.Key, nil)
			if t.Note != "" {
				t.Note = tr(t.Note, "reports.note."+cmp.Or(t.NoteKey, t.Key), t.NoteArgs)
			}
			for i, c := range t.Columns {
				t.Columns[i].Label = tr(tr(c.Label, "reports.column."+c.Key, nil), "reports.column."+t.Key+"."+c.Key, nil)
			}
			for i, row := range t.Rows {
				if _, ok := stored[t.Key][row.Key]; ok {
					continue // labelReport has named it
				}
				t.Rows[i].Label = tr(row.Label, "reports.row."+t.Key+"."+cmp.Or(row.LabelKey, row.Key), row.Args)
			}
			if t.Total != nil {
				t.Total.Label = tr(t.Total.Label, "reports.total."+t.Key, nil)
			}
		}
	}
	return reportWords{
		Period:   l.T("reports.period", "From", reportDay(l, rep.Period.From), "To", reportDay(l, rep.Period.To)),
		Hidden:   hiddenCount(l),
		notShown: l.T("reports.not_shown"),
		decimal:  l.T("reports.decimal_mark"),
	}
}

// reportArgs are a label's values as pairs for Localizer.T, a date written
// in the language of l.
func reportArgs(l *i18n.Localizer, args reporting.Args) []any {
	var out []any
	for k, v := range args {
		if d, ok := v.(reporting.Day); ok {
			v = reportDay(l, string(d))
		}
		out = append(out, k, v)
	}
	return out
}

// reportDay writes a date as the reports do: "5 January 2026", "5 de enero
// de 2026".
func reportDay(l *i18n.Localizer, d string) string {
	t, err := time.Parse(core.DateLayout, d)
	if err != nil || l.Lang() == "en" {
		return reporting.LongDate(d)
	}
	return l.T("date.long", "Day", t.Day(), "Month", l.T("month."+strconv.Itoa(int(t.Month()))), "Year", t.Year())
}

// describeChart says what a chart shows, in the language of l.
func describeChart(l *i18n.Localizer) func(series []string, rows int, hidden bool) string {
	return func(series []string, rows int, hidden bool) string {
		d := l.T("reports.chart.describe", "Series", strings.Join(series, " "+l.T("reports.chart.and")+" "), "Rows", rows)
		if hidden {
			d += " " + l.T("reports.chart.hidden", "Limit", reporting.SmallMax+1)
		}
		return d
	}
}

// hiddenCount is how a hidden count reads ("fewer than 11").
func hiddenCount(l *i18n.Localizer) string {
	return l.T("reports.hidden", "Limit", reporting.SmallMax+1)
}

// scopeChoice names a scope offered on the reports page in the language
// of l ("Programme: Bridge", "Team of Sam Supervisor"), or as the store
// wrote it.
func scopeChoice(l *i18n.Localizer, c store.ScopeChoice) string {
	kind, _, _ := strings.Cut(c.Value, ":")
	key := "reports.choice." + kind
	if !labelKeys()[key] {
		return c.Label
	}
	return l.T(key, "Name", c.Name)
}
