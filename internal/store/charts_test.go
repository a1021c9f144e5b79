package store_test

import (
	"strings"
	"testing"

	"peerpath/internal/core"
	"peerpath/internal/framework"
	"peerpath/internal/testkit"
)

const smallChart = `{"id":"rsc-2026","title":"Harbor RSC chart","version":"2","published":"2026-01","source":"ours",
 "stages":[{"key":"volunteer","name":"Volunteer"},{"key":"1","name":"Stage I"}],
 "items":[
  {"key":"v.c","kind":"competency","stage":"volunteer","track":"both","label":"Listens well","carries_forward":true},
  {"key":"s1.p","kind":"prerequisite","stage":"1","track":"addiction","label":"Recovery Coach","strength":"required"}]}`

func TestChartsPerOrganisation(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Charts")
	admin := testkit.Actor(tm.Admin)
	active, err := db.ActiveChart(ctx, tm.Org.ID)
	if err != nil || !active.Shipped || active.Chart.ID() != "ma-2014" || active.ItemCount != len(framework.MA2014().Items()) {
		t.Fatalf("the shipped chart is not active by default: %+v %v", active, err)
	}
	v, err := db.ImportChart(ctx, admin, []byte(smallChart))
	if err != nil {
		t.Fatal(err)
	}
	if v.Active || v.ImportedBy != "Alex Admin" || v.ItemCount != 2 || v.Chart.Title() != "Harbor RSC chart" {
		t.Fatalf("imported: %+v", v)
	}
	if _, err := db.ImportChart(ctx, admin, []byte(smallChart)); core.KindOf(err) != core.KindConflict {
		t.Fatalf("the same file twice: %v", err)
	}
	if err := db.ActivateChart(ctx, admin, v.ID); err != nil {
		t.Fatal(err)
	}
	active, _ = db.ActiveChart(ctx, tm.Org.ID)
	if active.ID != v.ID {
		t.Fatalf("active is %d, want %d", active.ID, v.ID)
	}
	all, _ := db.ChartVersions(ctx, tm.Org.ID)
	actives := 0
	for _, c := range all {
		if c.Active {
			actives++
		}
	}
	if len(all) != 2 || actives != 1 {
		t.Fatalf("%d charts, %d active", len(all), actives)
	}

	// Another organisation neither sees nor changes these, and keeps its own default.
	other := db.NewTeam(t, "Other")
	if _, err := db.ChartVersion(ctx, other.Org.ID, v.ID); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("reading another organisation's chart: %v", err)
	}
	if err := db.ActivateChart(ctx, testkit.Actor(other.Admin), v.ID); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("activating another organisation's chart: %v", err)
	}
	if a, _ := db.ActiveChart(ctx, other.Org.ID); !a.Shipped {
		t.Fatal("the other organisation's active chart changed")
	}
}

func TestChartImportReportsEveryProblem(t *testing.T) {
	db := testkit.NewStore(t)
	tm := db.NewTeam(t, "Bad charts")
	bad := strings.Replace(smallChart, `"stage":"1","track":"addiction"`, `"stage":"7","track":"sideways"`, 1)
	bad = strings.Replace(bad, `"strength":"required"`, `"strength":"mandatory"`, 1)
	_, err := db.ImportChart(ctx, testkit.Actor(tm.Admin), []byte(bad))
	e, ok := core.As(err)
	if !ok || e.Kind != core.KindInvalid {
		t.Fatalf("a bad chart: %v", err)
	}
	for _, want := range []string{"items.s1.p.stage", "items.s1.p.track", "items.s1.p.strength"} {
		if e.Fields[want] == "" {
			t.Errorf("no problem reported for %s: %v", want, e.Fields)
		}
	}
	if _, err := db.ImportChart(ctx, testkit.Actor(tm.Admin), []byte("not json")); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("not JSON: %v", err)
	}
	if vs, _ := db.ChartVersions(ctx, tm.Org.ID); len(vs) != 1 {
		t.Fatalf("a failed import left %d charts", len(vs))
	}
}
