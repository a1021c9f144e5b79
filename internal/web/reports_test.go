package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"peerpath/internal/store"
	"peerpath/internal/testkit"
)

func TestReportsOverTheAPI(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.DB.NewTeam(t, "Report API")
	pat := testkit.Actor(tm.Peer)
	for i := range 12 {
		p, err := app.DB.CreatePerson(context.Background(), pat, store.PersonInput{PreferredName: fmt.Sprintf("Person %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := app.DB.AddContact(context.Background(), pat, p.ID, store.ContactInput{OccurredAt: app.DB.Clock.Now().Add(-time.Hour), DurationMinutes: 30, Mode: "phone", Kind: "check_in"}); err != nil {
			t.Fatal(err)
		}
	}
	admin := app.APIClient(t, tm.Admin)
	res := admin.Get("/api/v1/reports/activity?from=2026-01-01&to=2026-11-23")
	if res.Status != 200 {
		t.Fatalf("the activity report: %d %s", res.Status, res.Body)
	}
	var rep struct {
		Scope    string
		Shared   bool
		Sections []struct {
			Tables []struct {
				Key  string
				Rows []struct {
					Key    string
					Values []*float64
				}
				Total *struct{ Values []*float64 }
			}
		}
	}
	cell := func(table, row string) *float64 {
		for _, s := range rep.Sections {
			for _, tb := range s.Tables {
				if tb.Key != table {
					continue
				}
				if row == "total" {
					return tb.Total.Values[0]
				}
				for _, r := range tb.Rows {
					if r.Key == row {
						return r.Values[0]
					}
				}
			}
		}
		t.Fatalf("no %s/%s", table, row)
		return nil
	}
	if err := json.Unmarshal([]byte(res.Body), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Scope != "org" || rep.Shared || *cell("contacts_by_kind", "check_in") != 12 || *cell("people_served", "new") != 12 {
		t.Errorf("the report: %s", res.Body)
	}
	// For a funder: 12 stays, and the single small count is not given
	// away by the total.
	res = admin.Get("/api/v1/reports/activity?from=2026-01-01&to=2026-11-23&share=funder")
	if err := json.Unmarshal([]byte(res.Body), &rep); err != nil || res.Status != 200 {
		t.Fatal(res.Status, err)
	}
	if !rep.Shared || *cell("contacts_by_kind", "check_in") != 12 || cell("contacts_by_kind", "advocacy") == nil || *cell("contacts_by_kind", "total") != 12 {
		t.Errorf("the shared report: %s", res.Body)
	}

	csv := admin.Get("/api/v1/reports/activity.csv?from=2026-01-01&to=2026-11-23&share=funder")
	if csv.Status != 200 || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(csv.Body, "Activity,org,2026-01-01,2026-11-23,funder,Contacts,Contacts by kind,Check-in,Contacts,12") {
		t.Errorf("the CSV: %d %s", csv.Status, csv.Body)
	}
	for _, kind := range store.ReportKinds {
		if res := admin.Get("/api/v1/reports/" + kind); res.Status != 200 {
			t.Errorf("%s with the default period: %d %s", kind, res.Status, res.Body)
		}
	}

	// Bad periods name their field; an unknown scope is not found.
	for q, field := range map[string]string{
		"from=2026-05-01&to=2026-04-01": "to",
		"from=2026-01-01&to=2026-12-01": "to",
		"from=2020-01-01&to=2026-11-01": "from",
		"from=first&to=2026-11-01":      "from",
		"share=everyone":                "share",
		"expiring_days=0":               "expiring_days",
	} {
		res := admin.Get("/api/v1/reports/workforce?" + q)
		if res.Status != 422 || !strings.Contains(res.Body, `"`+field+`"`) {
			t.Errorf("%s: %d %s", q, res.Status, res.Body)
		}
	}
	// The API's messages stay English: they are part of its contract.
	if res := admin.Get("/api/v1/reports/workforce?expiring_days=0"); !strings.Contains(res.Body, "Enter a number of days from 1 to 730.") {
		t.Errorf("expiring_days=0: %s", res.Body)
	}
	for _, sc := range []string{"region:1", "team:999999", "worker:abc", "programme:Nothing", "programme:999999"} {
		if res := admin.Get("/api/v1/reports/outcomes?scope=" + sc); res.Status != 404 {
			t.Errorf("scope %s: %d %s", sc, res.Status, res.Body)
		}
	}
}

// A programme is named by its service programme's id, in the API, the
// CSV, the PDF and the page's scope selector; an id of another
// organisation, or none, is 404 (JSON for the API).
func TestReportOfAProgramme(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.DB.NewTeam(t, "Programme report")
	other := app.DB.NewTeam(t, "Programme elsewhere")
	ctx := context.Background()
	for i, who := range []store.User{tm.Peer, tm.Peer, tm.OtherPeer, other.Peer} {
		programmes := []string{"Bridge"}
		if i == 2 {
			programmes = []string{"Harbour"}
		}
		p, err := app.DB.CreatePerson(ctx, testkit.Actor(who), store.PersonInput{PreferredName: fmt.Sprintf("Person %d", i), Programmes: programmes})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := app.DB.AddContact(ctx, testkit.Actor(who), p.ID, store.ContactInput{OccurredAt: app.DB.Clock.Now().Add(-time.Hour), DurationMinutes: 30, Mode: "phone", Kind: "check_in"}); err != nil {
			t.Fatal(err)
		}
	}
	programme := func(admin store.User, name string) int64 {
		ps, err := app.DB.FollowUpSchedules(ctx, testkit.Actor(admin))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.Name == name {
				return p.ID
			}
		}
		t.Fatalf("no programme %s", name)
		return 0
	}
	bridge, theirs := programme(tm.Admin, "Bridge"), programme(other.Admin, "Bridge")
	scope := fmt.Sprintf("programme:%d", bridge)
	admin := app.APIClient(t, tm.Admin)
	res := admin.Get("/api/v1/reports/activity?from=2026-01-01&to=2026-11-23&scope=" + scope)
	var rep struct {
		Scope            string `json:"scope"`
		ScopeDescription string `json:"scope_description"`
	}
	if err := json.Unmarshal([]byte(res.Body), &rep); err != nil || res.Status != 200 || rep.Scope != scope || rep.ScopeDescription != "the programme Bridge" {
		t.Fatalf("the Bridge programme's report: %d %s", res.Status, res.Body)
	}
	if !strings.Contains(res.Body, `"key":"new","label":"New","values":[2]`) {
		t.Errorf("the Bridge programme's new people: %s", res.Body)
	}
	csv := admin.Get("/api/v1/reports/activity.csv?from=2026-01-01&to=2026-11-23&scope=" + scope)
	if csv.Status != 200 || !strings.Contains(csv.Body, "Activity,"+scope+",2026-01-01,2026-11-23,internal,Contacts,Contacts by kind,Check-in,Contacts,2") {
		t.Errorf("the programme's CSV: %d %s", csv.Status, csv.Body)
	}
	for _, sc := range []string{fmt.Sprintf("programme:%d", theirs), "programme:999999", "programme:Bridge"} {
		res := admin.Get("/api/v1/reports/outcomes?scope=" + sc)
		if res.Status != 404 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") || !strings.Contains(res.Body, `"error"`) {
			t.Errorf("scope %s: %d %s %s", sc, res.Status, res.Header.Get("Content-Type"), res.Body)
		}
	}
	c := app.SessionClient(t, tm.Admin)
	page := c.Get("/reports/activity?from=2026-01-01&to=2026-11-23&scope=" + scope)
	if page.Status != 200 || !strings.Contains(page.Body, `<option value="`+scope+`" selected>Programme: Bridge</option>`) ||
		!strings.Contains(page.Body, fmt.Sprintf(`<option value="programme:%d">Programme: Harbour</option>`, programme(tm.Admin, "Harbour"))) ||
		!strings.Contains(page.Body, "scope=programme%3A"+fmt.Sprint(bridge)) {
		t.Errorf("the page's scope selector: %d %s", page.Status, page.Body)
	}
	if pdf := c.Get("/reports/activity.pdf?scope=" + scope); pdf.Status != 200 || !strings.Contains(pdf.Header.Get("Content-Disposition"), "activity-programme-"+fmt.Sprint(bridge)+"-") {
		t.Errorf("the programme's PDF: %d %s", pdf.Status, pdf.Header)
	}
	if res := c.Get(fmt.Sprintf("/reports/activity?scope=programme:%d", theirs)); res.Status != 404 {
		t.Errorf("another organisation's programme on the page: %d", res.Status)
	}
}

func TestWhoSeesWhichReport(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.DB.NewTeam(t, "Report roles")
	other := app.DB.NewTeam(t, "Report strangers")
	team := fmt.Sprintf("team:%d", tm.Supervisor.ID)
	pat, olu := fmt.Sprintf("worker:%d", tm.Peer.ID), fmt.Sprintf("worker:%d", tm.OtherPeer.ID)
	for _, c := range []struct {
		who   store.User
		scope string
		want  int
	}{
		{tm.Admin, "org", 200}, {tm.Admin, team, 200}, {tm.Admin, pat, 200},
		{tm.Supervisor, "", 200}, {tm.Supervisor, team, 200}, {tm.Supervisor, pat, 200}, {tm.Supervisor, "org", 404},
		{tm.Peer, "", 200}, {tm.Peer, pat, 200}, {tm.Peer, olu, 404}, {tm.Peer, team, 404}, {tm.Peer, "org", 404},
		{tm.Trainer, "", 403},
		{other.Admin, pat, 404}, {other.Admin, team, 404},
	} {
		res := app.APIClient(t, c.who).Get("/api/v1/reports/activity?scope=" + c.scope)
		if res.Status != c.want {
			t.Errorf("%s asking for %q: %d, want %d", c.who.Name, c.scope, res.Status, c.want)
		}
	}
}

func TestReportPages(t *testing.T) {
	app := testkit.NewApp(t)
	tm := app.DB.NewTeam(t, "Report pages")
	c := app.SessionClient(t, tm.Admin)
	page := c.Get("/reports/activity?from=2026-01-01&to=2026-11-23")
	if page.Status != 200 || !strings.Contains(page.Body, `<svg class="chart"`) || !strings.Contains(page.Body, "Contacts per week") {
		t.Fatalf("the activity page: %d %s", page.Status, testkit.Text(page.Body))
	}
	for _, kind := range store.ReportKinds {
		if res := c.Get("/reports/" + kind + "?share=funder"); res.Status != 200 || !strings.Contains(res.Body, "For sharing outside the organisation") {
			t.Errorf("%s for a funder: %d", kind, res.Status)
		}
		pdf := c.Get("/reports/" + kind + ".pdf")
		if pdf.Status != 200 || pdf.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.Body, "%PDF") {
			t.Errorf("%s PDF: %d %s", kind, pdf.Status, pdf.Header)
		}
		if csv := c.Get("/reports/" + kind + ".csv"); csv.Status != 200 || !strings.Contains(csv.Body, "Report,Scope,From,To") {
			t.Errorf("%s CSV: %d", kind, csv.Status)
		}
	}
	bad := c.Get("/reports/activity?from=2026-05-01&to=2026-04-01")
	if bad.Status != 422 || !strings.Contains(testkit.Text(bad.Body), "The period ends before it starts") {
		t.Errorf("a period backwards: %d", bad.Status)
	}
	if bad := c.Get("/reports/activity?share=everyone"); bad.Status != 422 || !strings.Contains(testkit.Text(bad.Body), "Choose internal, or funder") {
		t.Errorf("share=everyone on the page: %d %s", bad.Status, testkit.Text(bad.Body))
	}
	if res := c.Get("/reports"); res.Status != 303 && res.Status != 302 {
		t.Errorf("/reports: %d", res.Status)
	}
}
