package web

import (
	"strings"
	"testing"

	"peerpath/internal/i18n"
	"peerpath/internal/reporting"
	"peerpath/internal/store"
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
		translateReport(rep, l)
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

// TestReportInSpanish: translateReport, the one place a report is put into
// the reader's language for its page and PDF, gives a report's sections,
// tables, notes (with their values), columns, rows, totals, period, scope
// and hidden counts in Spanish and Portuguese, and leaves the rows that
// are people's own words as they were written.
func TestReportInSpanish(t *testing.T) {
	report := func() *reporting.Report {
		served := &reporting.Table{Key: "people_served", Title: "People served", Note: "New: support began in the period. Active: had at least one contact in the period. Closed: support ended in the period.",
			Columns: []reporting.Column{{Key: "people", Label: "People", Kind: reporting.KindCount}}}
		served.Add("new", "New", 3)
		reasons := &reporting.Table{Key: "closed_reasons", Title: "Why support ended", Columns: []reporting.Column{{Key: "people", Label: "People", Kind: reporting.KindCount}}}
		reasons.Add("reason_1", "moved to boston", 2)
		reasons.Add("reason_2", "(no reason written)", 1)
		reasons.Rows[1].LabelKey = "no_reason"
		reasons.Sum("All closed")
		weeks := &reporting.Table{Key: "contacts_per_week", Title: "Contacts per week", Columns: []reporting.Column{{Key: "contacts", Label: "Contacts", Kind: reporting.KindCount}}}
		weeks.Add("2026-01-05", "Week of 5 January 2026", 4)
		weeks.Rows[0].LabelKey, weeks.Rows[0].Args = "week", reporting.Args{"Day": reporting.Day("2026-01-05")}
		kinds := &reporting.Table{Key: "contacts_by_kind", Title: "Contacts by kind", Columns: []reporting.Column{{Key: "contacts", Label: "Contacts", Kind: reporting.KindCount}, {Key: "hours", Label: "Hours", Kind: reporting.KindHours}}}
		kinds.Add("check_in", "check_in", 12, 1.5)
		kinds.Sum("All contacts")
		creds := &reporting.Table{Key: "credentials", Title: "Credentials", Note: "As on 30 June 2026, the last day of the period. Your organisation's window for expiring: 60 days.",
			NoteArgs: reporting.Args{"Day": reporting.Day("2026-06-30"), "Days": 60}, Columns: []reporting.Column{{Key: "credentials", Label: "Credentials", Kind: reporting.KindCount}}}
		creds.Add("expiring", "Expiring within 60 days", 2)
		creds.Rows[0].Args = reporting.Args{"Days": 60}
		needs := &reporting.Table{Key: "needs_by_area", Title: "Areas of need named and met", Columns: []reporting.Column{{Key: "named", Label: "Named", Kind: reporting.KindCount}}}
		needs.Add("childcare", "Childcare", 5)
		return &reporting.Report{Kind: "activity", Title: "Activity", Scope: reporting.Scope{Kind: reporting.ScopeTeam, ID: 4}, ScopeFor: "a supervisor's team of 3",
			ScopeArgs: reporting.Args{"Count": 3}, Period: reporting.Period{From: "2026-01-01", To: "2026-06-30"}, Shared: true,
			Sections: []*reporting.Section{
				{Key: "people", Title: "People served", Tables: []*reporting.Table{served, reasons}},
				{Key: "contacts", Title: "Contacts", Tables: []*reporting.Table{kinds, weeks}},
				{Key: "credentials_supervision", Title: "Credentials and supervision", Tables: []*reporting.Table{creds}},
				{Key: "change", Title: "Stages of change and areas of need", Tables: []*reporting.Table{needs}},
			}}
	}
	for _, c := range []struct {
		lang string
		want []string
	}{
		{"es", []string{"Actividad", "el equipo de un supervisor (3 personas)", "del 1 de enero de 2026 al 30 de junio de 2026", "menos de 11", "no se muestra", "1,5",
			"Personas atendidas", "Nuevas: el acompañamiento empezó en el periodo. Activas: tuvieron al menos un contacto en el periodo. Cerradas: el acompañamiento terminó en el periodo.", "Personas", "Nuevas",
			"moved to boston", "(no se escribió ningún motivo)", "Todos los cierres",
			"Contactos por tipo", "Horas", "Ver cómo está", "Todos los contactos", "Semana del 5 de enero de 2026",
			"Al 30 de junio de 2026, el último día del periodo. El plazo de tu organización para las que están por vencer: 60 días.", "Vencen en 60 días o menos",
			"Childcare"}},
		{"pt", []string{"Atividade", "a equipe de um supervisor (3 pessoas)", "de 1 de janeiro de 2026 a 30 de junho de 2026", "menos de 11", "não mostrado", "1,5",
			"Pessoas atendidas", "Novas", "(nenhum motivo escrito)", "Semana de 5 de janeiro de 2026", "Vencem em até 60 dias", "Childcare"}},
		{"en", []string{"Activity", "a supervisor's team of 3", "1 January 2026 to 30 June 2026", "fewer than 11", "not shown", "1.5",
			"People served", "New: support began in the period. Active: had at least one contact in the period. Closed: support ended in the period.", "People", "New", "moved to boston", "(no reason written)", "All closed",
			"Check-in", "Week of 5 January 2026", "As on 30 June 2026, the last day of the period. Your organisation's window for expiring: 60 days.", "Expiring within 60 days"}},
	} {
		rep := report()
		w := translateReport(rep, i18n.In(c.lang))
		got := map[string]bool{rep.Title: true, rep.ScopeFor: true, w.Period: true, w.Hidden: true,
			w.Cell(reporting.Value{N: 4, Hidden: true}, reporting.KindHours): true, w.Cell(reporting.Value{N: 1.5}, reporting.KindHours): true}
		for _, sec := range rep.Sections {
			got[sec.Title] = true
			for _, tb := range sec.Tables {
				got[tb.Title], got[tb.Note] = true, true
				for _, col := range tb.Columns {
					got[col.Label] = true
				}
				for _, r := range tableRows(tb) {
					got[r.Label] = true
				}
			}
		}
		for _, want := range c.want {
			if !got[want] {
				t.Errorf("%s: no %q among %v", c.lang, want, got)
			}
		}
	}
	for _, c := range []store.ScopeChoice{{Value: "org", Label: "The whole organisation"}, {Value: "programme:3", Label: "Programme: Bridge", Name: "Bridge"},
		{Value: "team:4", Label: "Team of Sam Supervisor", Name: "Sam Supervisor"}, {Value: "worker:7", Label: "Worker: Pat Peer", Name: "Pat Peer"}} {
		if got := scopeChoice(i18n.In("en"), c); got != c.Label {
			t.Errorf("the scope %s in English: %q", c.Value, got)
		}
	}
	if got := scopeChoice(i18n.In("es"), store.ScopeChoice{Value: "team:4", Label: "Team of Sam Supervisor", Name: "Sam Supervisor"}); got != "Equipo de Sam Supervisor" {
		t.Errorf("a team to choose in Spanish: %q", got)
	}
	drawn := &reporting.Table{Key: "goals_by_area", Columns: []reporting.Column{{Key: "set", Label: "Set", Kind: reporting.KindCount}, {Key: "achieved", Label: "Achieved", Kind: reporting.KindCount}},
		Rows: []reporting.Row{{Key: "home", Label: "Home", Values: []reporting.Value{{N: 3, Hidden: true}, {N: 12}}}}}
	english := reporting.Chart{ID: "c", Title: "Goals", Table: drawn, Series: []string{"set", "achieved"}}
	translated := english
	translated.Describe = describeChart(i18n.In("en"))
	if got, want := translated.SVG(), english.SVG(); got != want {
		t.Errorf("a chart described in English:\n%s\nwas\n%s", got, want)
	}
	chart := describeChart(i18n.In("es"))([]string{"Primera", "Más reciente"}, 5, true)
	if chart != "Gráfico de barras de Primera y Más reciente en 5 filas; la tabla de abajo da todas las cifras. Las cifras menores de 11 no se dibujan." {
		t.Errorf("a chart described in Spanish: %q", chart)
	}
}
