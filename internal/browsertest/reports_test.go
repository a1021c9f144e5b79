package browsertest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"peerpath/internal/demo"
	"peerpath/internal/reporting"
	"peerpath/internal/testkit"
)

// TestAdministratorsYearlyReport is issue 17's journey: the demo's
// administrator opens Reports, asks for a year of activity, reads the
// contacts-per-week chart and its table, moves to outcomes, marks the
// report for a funder (small numbers hidden), and takes its PDF and CSV.
// axe, with its best-practice rules, checks every page.
func TestAdministratorsYearlyReport(t *testing.T) {
	need(t)
	app, _ := testkit.NewDemoApp(t)
	tab := browser.NewTab(t, app.HTTP.URL)
	tab.BestPractice()
	tab.Visit("/login")
	tab.Fill("#f-email", "dana.admin@riverbend.demo")
	tab.Fill("#f-password", demo.Password)
	tab.Submit("main form button[type=submit]")

	tab.Submit("header nav a[href='/reports']")
	tab.MustSee("Activity report", "People served", "Contacts per week", "Weekly check-ins kept")
	today := app.DB.Today()
	from := reporting.AddDays(today, -364)
	setValue(tab, "#f-from", from)
	setValue(tab, "#f-to", today)
	tab.Submit("main form.report-form button[type=submit]")
	tab.MustSee(reporting.Period{From: from, To: today}.String(), "the whole organisation", "For use inside the organisation")
	if n := tab.Eval(`String(document.querySelectorAll("#t-contacts_per_week ~ figure svg rect.bar").length)`); n == "0" {
		t.Fatal("the contacts-per-week chart draws no bars")
	}
	if tab.Eval(`document.querySelector("figure.report-chart svg").getAttribute("role")`) != "img" {
		t.Fatal("the chart is not an image to assistive technology")
	}

	tab.Submit("nav[aria-label='Reports'] a[href^='/reports/outcomes']")
	tab.MustSee("Outcomes report", "Goals set and achieved, by life area", "Recovery capital, first and latest", "Movement between stages of change", "Areas of need named and met")
	tab.Check("#f-share")
	tab.Submit("main form.report-form button[type=submit]")
	tab.MustSee("For sharing outside the organisation", reporting.Hidden)

	for _, c := range []struct{ sel, want string }{
		{"a[href^='/reports/outcomes.pdf']", "200 application/pdf %PDF-"},
		{"a[href^='/reports/outcomes.csv']", "200 text/csv; charset=utf-8 "},
	} {
		href := tab.Eval(fmt.Sprintf(`document.querySelector(%q).getAttribute("href")`, c.sel))
		if !strings.Contains(href, "share=funder") || !strings.Contains(href, "from="+from) {
			t.Fatalf("the link %s does not keep the report's choices: %s", c.sel, href)
		}
		got := eval[string](tab, fmt.Sprintf(`fetch(%q).then(async r => {
			const b = new Uint8Array(await r.arrayBuffer());
			return r.status + " " + r.headers.get("content-type") + " " + (r.headers.get("content-type") == "application/pdf" ? String.fromCharCode(...b.slice(0, 5)) : "");
		})`, href), chromedp.EvalAwaitPromise)
		if got != c.want {
			t.Fatalf("%s: %q", href, got)
		}
	}
	csv := eval[string](tab, fmt.Sprintf(`fetch(%q).then(r => r.text())`, tab.Eval(`document.querySelector("a[href^='/reports/outcomes.csv']").getAttribute("href")`)), chromedp.EvalAwaitPromise)
	if !strings.Contains(csv, "Outcomes,org,"+from+","+today+",funder,Goals,") {
		t.Fatalf("the CSV: %.400s", csv)
	}

	// On a phone the page still works, and the chart fits.
	tab.Phone()
	tab.Visit("/reports/activity")
	if w := tab.Eval(`String(document.querySelector("figure.report-chart svg").getBoundingClientRect().width <= window.innerWidth)`); w != "true" {
		t.Fatal("the chart is wider than the phone")
	}
}
