package web

import (
	"strings"
	"testing"

	"peerpath/internal/i18n"
	"peerpath/internal/reporting"
)

// TestReportWordsInTheReadersLanguage: the words reports.go adds to a
// report (row labels kept as keys by the store, chart titles, the days
// under the weekly chart) come from the catalogue in the reader's language,
// and are Go's old English words in English.
func TestReportWordsInTheReadersLanguage(t *testing.T) {
	for _, c := range []struct {
		lang, stage, track, day, chart string
	}{
		{"en", "Stage II", "Addiction recovery", "5 Jan", "Contacts per week"},
		{"es", "Etapa II", "Recuperación de adicciones", "5 ene", "Contactos por semana"},
		{"pt", "Etapa II", "Recuperação da dependência química", "5 jan", "Contatos por semana"},
	} {
		l := i18n.In(c.lang)
		rep := &reporting.Report{Sections: []*reporting.Section{{Tables: []*reporting.Table{
			{Key: "workers_by_stage", Rows: []reporting.Row{{Key: "2", Label: "2"}}},
			{Key: "workers_by_track", Rows: []reporting.Row{{Key: "addiction", Label: "addiction"}}},
			{Key: "contacts_per_week", Columns: []reporting.Column{{Key: "contacts", Label: "Contacts", Kind: "count"}},
				Rows: []reporting.Row{{Key: "2026-01-05", Label: "2026-01-05", Values: []reporting.Value{{N: 3}}}}},
		}}}}
		labelReport(rep, l)
		tables := rep.Sections[0].Tables
		if got := tables[0].Rows[0].Label; got != c.stage {
			t.Errorf("%s: stage row %q, want %q", c.lang, got, c.stage)
		}
		if got := tables[1].Rows[0].Label; got != c.track {
			t.Errorf("%s: track row %q, want %q", c.lang, got, c.track)
		}
		if got := shortDay(l, "2026-01-05"); got != c.day {
			t.Errorf("%s: shortDay %q, want %q", c.lang, got, c.day)
		}
		if svg := string(reportCharts(rep, l)["contacts_per_week"]); !strings.Contains(svg, c.chart) {
			t.Errorf("%s: the weekly chart is not titled %q:\n%s", c.lang, c.chart, svg)
		}
	}
	if got := shortDay(i18n.In("es"), "not a day"); got != "not a day" {
		t.Errorf("shortDay of a wrong day: %q", got)
	}
}
