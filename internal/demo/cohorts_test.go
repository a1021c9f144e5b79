package demo_test

import (
	"testing"

	"peerpath/internal/cohort"
	"peerpath/internal/demo"
	"peerpath/internal/printout"
	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

// TestDemoCohorts loads the demo twice: the cohorts are there once, with
// the story they are meant to tell.
func TestDemoCohorts(t *testing.T) {
	db := testkit.NewStore(t)
	var d demo.Demo
	for range 2 {
		var err error
		if d, err = demo.Load(t.Context(), db.Store); err != nil {
			t.Fatal(err)
		}
	}
	tr := d.Users["trainer"].Actor("test")
	l := testkit.Must[store.List[store.CohortSummary]](t)(db.ListCohorts(t.Context(), tr, store.Page{}))
	if len(l.Items) != 2 {
		t.Fatalf("demo cohorts after two loads: %d", len(l.Items))
	}
	byName := map[string]store.CohortSummary{}
	for _, c := range l.Items {
		byName[c.Name] = c
	}
	cps := byName["Fall CPS course, Riverbend"]
	if cps.Enrolled != 12 || cps.Completed != 2 || cps.Waitlisted != 1 || cps.NextSession == "" {
		t.Fatalf("CPS cohort: %+v", cps)
	}
	page := testkit.Must[store.CohortPage](t)(db.CohortParticipants(t.Context(), tr, cps.ID, store.Page{}))
	certified := map[string]bool{}
	for _, p := range page.Participants.Items {
		if p.Certificate != nil {
			certified[p.Name] = p.Certificate.Demo
		}
	}
	if len(certified) != 2 || !certified["José Ñúñez"] || !certified["Aisha Bello"] {
		t.Fatalf("CPS certificates (all marked demo): %v", certified)
	}
	ican := byName["Somerville High School ICAN, spring"]
	if ican.Enrolled != 10 || ican.Completed != 9 || ican.NextSession != "" {
		t.Fatalf("ICAN cohort: %+v", ican)
	}
	// Two ICAN graduates' names print in Arabic and Korean script.
	icanPage := testkit.Must[store.CohortPage](t)(db.CohortParticipants(t.Context(), tr, ican.ID, store.Page{}))
	for _, name := range []string{"Fatima Rahman (فاطمة رحمن)", "Jae-won Park (박재원)"} {
		found := false
		for _, p := range icanPage.Participants.Items {
			if p.Name == name && p.Certificate != nil {
				found = true
				if _, err := printout.CertificatePDF(printout.Certificate{Recipient: p.Name, Programme: "ICAN", Demo: true}); err != nil {
					t.Errorf("%s: %v", name, err)
				}
			}
		}
		if !found {
			t.Errorf("no ICAN certificate for %s", name)
		}
	}
	mine := testkit.Must[[]store.MyCourse](t)(db.MyCourses(t.Context(), d.Users["peer"].Actor("test")))
	if len(mine) != 1 || mine[0].Progress.Status != cohort.Enrolled || mine[0].Progress.Result.Holds {
		t.Fatalf("Pat's own course: %+v", mine)
	}
	hosts := testkit.Must[store.List[store.HostCompany]](t)(db.HostCompanies(t.Context(), tr, store.Page{}))
	if len(hosts.Items) != 5 {
		t.Fatalf("host companies: %d", len(hosts.Items))
	}
}
