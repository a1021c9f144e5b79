package web_test

import (
	"cmp"
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"peerpath/internal/i18n"
	"peerpath/internal/reporting"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
	"peerpath/internal/web"
)

// TestReportWordsComeFromTheCatalogue builds every report of a small
// organisation, for the organisation and for a supervisor's team (shared,
// so with hidden counts): every section, table, note, column, row and
// total the store writes has its words in the catalogue (reports.*.toml, or
// labels.* for a stored value), but for the rows that are people's own
// words; in English, the translated report is word for word what the store
// wrote; in Spanish, no part the catalogue has words for is left in
// English.
func TestReportWordsComeFromTheCatalogue(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.DB.NewTeam(t, "Report words")
	ctx := context.Background()
	for i, who := range []store.User{tm.Peer, tm.Peer, tm.OtherPeer} {
		p, err := app.DB.CreatePerson(ctx, testkit.Actor(who), store.PersonInput{PreferredName: fmt.Sprintf("Person %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := app.DB.AddContact(ctx, testkit.Actor(who), p.ID, store.ContactInput{OccurredAt: app.DB.Clock.Now().Add(-time.Hour), DurationMinutes: 30, Mode: "phone", Kind: "check_in"}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := i18n.Keys("en")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, k := range list {
		keys[k] = true
	}
	// Rows that are people's own words: the reasons support ended, the
	// organisation's areas of need.
	ownWords := func(table string, r reporting.Row) bool {
		return (table == "closed_reasons" && r.LabelKey == "") || table == "needs_by_area"
	}
	period, err := reporting.ParsePeriod("", "", app.DB.Today())
	if err != nil {
		t.Fatal(err)
	}
	sameInSpanish := map[string]bool{"BARC-10": true}
	for _, kind := range store.ReportKinds {
		for _, sc := range []reporting.Scope{{Kind: reporting.ScopeOrg}, {Kind: reporting.ScopeTeam, ID: tm.Supervisor.ID}} {
			build := func() *reporting.Report {
				rep, err := app.DB.Report(ctx, testkit.Actor(tm.Admin), kind, sc, period, store.ReportOptions{Shared: sc.Kind == reporting.ScopeTeam})
				if err != nil {
					t.Fatal(err)
				}
				web.EnglishReport(rep)
				return rep
			}
			orig, en, es := build(), build(), build()
			name := kind + " " + sc.String()

			for _, sec := range orig.Sections {
				if !keys["reports.section."+sec.Key] {
					t.Errorf("%s: no reports.section.%s for %q", name, sec.Key, sec.Title)
				}
				for _, tb := range sec.Tables {
					if !keys["reports.table."+tb.Key] {
						t.Errorf("%s: no reports.table.%s for %q", name, tb.Key, tb.Title)
					}
					if note := "reports.note." + cmp.Or(tb.NoteKey, tb.Key); tb.Note != "" && !keys[note] {
						t.Errorf("%s: no %s for %q", name, note, tb.Note)
					}
					for _, c := range tb.Columns {
						if !keys["reports.column."+c.Key] && !keys["reports.column."+tb.Key+"."+c.Key] {
							t.Errorf("%s: no reports.column.%s(.%s) for %q", name, tb.Key, c.Key, c.Label)
						}
					}
					for _, r := range tb.Rows {
						row := "reports.row." + tb.Key + "." + cmp.Or(r.LabelKey, r.Key)
						if !ownWords(tb.Key, r) && !web.ReportRowIsStored(tb.Key, r.Key) && !keys[row] {
							t.Errorf("%s: no %s for %q", name, row, r.Label)
						}
					}
					if tb.Total != nil && !keys["reports.total."+tb.Key] {
						t.Errorf("%s: no reports.total.%s for %q", name, tb.Key, tb.Total.Label)
					}
				}
			}

			p, hidden := web.TranslateReport(en, "en")
			if got, was := reportWords(en), reportWords(orig); !reflect.DeepEqual(got, was) {
				for i := range min(len(got), len(was)) {
					if got[i] != was[i] {
						t.Errorf("%s: in English %q, was %q", name, got[i], was[i])
					}
				}
				t.Errorf("%s: in English the report's words changed", name)
			}
			if p != orig.Period.String() || hidden != reporting.Hidden {
				t.Errorf("%s: in English the period is %q and a hidden count %q", name, p, hidden)
			}

			p, hidden = web.TranslateReport(es, "es")
			if p == orig.Period.String() || hidden != "menos de 11" || es.Title == orig.Title || es.ScopeFor == orig.ScopeFor {
				t.Errorf("%s: in Spanish, the period %q, a hidden count %q, the title %q, the scope %q", name, p, hidden, es.Title, es.ScopeFor)
			}
			english := func(what, key, got, was string) {
				if keys[key] && got == was && !sameInSpanish[got] {
					t.Errorf("%s: %s %s is still English in Spanish: %q", name, what, key, got)
				}
			}
			for i, sec := range es.Sections {
				was := orig.Sections[i]
				english("section", "reports.section."+sec.Key, sec.Title, was.Title)
				for j, tb := range sec.Tables {
					wt := was.Tables[j]
					english("table", "reports.table."+tb.Key, tb.Title, wt.Title)
					english("note", "reports.note."+cmp.Or(tb.NoteKey, tb.Key), tb.Note, wt.Note)
					for k, c := range tb.Columns {
						if got, was := c.Label, wt.Columns[k].Label; got == was && !sameInSpanish[got] {
							t.Errorf("%s: the column %s.%s is still English in Spanish: %q", name, tb.Key, c.Key, got)
						}
					}
					for k, r := range tb.Rows {
						english("row", "reports.row."+tb.Key+"."+cmp.Or(r.LabelKey, r.Key), r.Label, wt.Rows[k].Label)
					}
					if tb.Total != nil {
						english("total", "reports.total."+tb.Key, tb.Total.Label, wt.Total.Label)
					}
				}
			}
		}
	}
}

// reportWords lists every word of a report but its figures: its title and
// scope, and its sections' and tables' titles, notes, columns and rows.
func reportWords(rep *reporting.Report) []string {
	out := []string{rep.Title, rep.ScopeFor}
	for _, sec := range rep.Sections {
		out = append(out, sec.Title)
		for _, tb := range sec.Tables {
			out = append(out, tb.Title, tb.Note)
			for _, c := range tb.Columns {
				out = append(out, c.Label)
			}
			for _, r := range tb.Rows {
				out = append(out, r.Label)
			}
			if tb.Total != nil {
				out = append(out, tb.Total.Label)
			}
		}
	}
	return out
}
