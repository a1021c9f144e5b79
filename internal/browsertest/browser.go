// Package browsertest walks peerpath's main journeys in a real Chromium,
// driven by chromedp, and runs axe-core on every page visited: a journey
// fails on any WCAG 2.2 A/AA violation. Outside CI the tests skip, saying
// so, when no browser is installed; in CI (CI=true) a missing browser fails.
// They run once, on SQLite: the store and HTTP tests cover PostgreSQL.
package browsertest

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"peerpath/internal/testkit"
)

//go:embed testdata/axe.min.js
var axeSource string

// Browser is one Chromium shared by a package's tests.
type Browser struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Start launches the browser, or says why not: skip reports a reason to skip
// (no browser outside CI); err is a failure.
func Start() (b *Browser, skip string, err error) {
	if testkit.Postgres() {
		return nil, "browser journeys run once, on SQLite; the PostgreSQL run covers the store and HTTP tests", nil
	}
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			return nil, "", fmt.Errorf("no Chromium found, and CI=true: install Debian's chromium package")
		}
		return nil, "no Chromium on this machine: browser journeys skipped (apt-get install chromium to run them)", nil
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	if err := chromedp.Do(bctx); err != nil {
		bcancel()
		acancel()
		return nil, "", fmt.Errorf("starting Chromium: %w", err)
	}
	return &Browser{ctx: bctx, cancel: func() { bcancel(); acancel() }}, "", nil
}

// Close stops the browser.
func (b *Browser) Close() { b.cancel() }

// Tab is one tab in the browser, for one test, against one server.
type Tab struct {
	t    *testing.T
	ctx  context.Context
	base string
	// bestPractice adds axe's best-practice rules (landmarks, unique
	// region labels, heading order) to the WCAG ones; see BestPractice.
	bestPractice bool
}

// BestPractice makes axe check every later page against its best-practice
// rules too (issue 16). Journeys opt in as the pages they visit are made
// clean, so a journey that passes today keeps passing.
func (tab *Tab) BestPractice() { tab.bestPractice = true }

// NewTab opens a tab for t against the server at base. It closes with the test.
func (b *Browser) NewTab(t *testing.T, base string) *Tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	// Confirmations (data-confirm) are answered OK, as a person clicking OK would.
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: "window.confirm = () => true;"}); err != nil {
		t.Fatal(err)
	}
	tctx, tcancel := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(tcancel)
	return &Tab{t: t, ctx: tctx, base: base}
}

// SignIn signs in as the user with this email and the fixtures' password.
func (tab *Tab) SignIn(email string) {
	tab.t.Helper()
	tab.Visit("/login")
	tab.Fill("#f-email", email)
	tab.Fill("#f-password", testkit.Password)
	tab.Submit("main form button[type=submit]")
}

// SignOut signs out with the header's button, opening the phone Menu first
// when the navigation is folded behind it, as a person on a phone would.
func (tab *Tab) SignOut() {
	tab.t.Helper()
	if eval[bool](tab, `(() => { const b = document.querySelector("header .nav-toggle"); return !!b && !b.hidden && b.offsetParent !== null && b.getAttribute("aria-expanded") !== "true"; })()`) {
		tab.Click("header .nav-toggle")
	}
	tab.Submit("header form[action='/logout'] button")
}

// Phone makes the tab the size of a phone, with touch.
func (tab *Tab) Phone() {
	tab.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
}

// visible waits up to 15 seconds for the element matched by sel to be
// visible, and fails saying which element it waited for: a hidden control
// (say, folded behind the phone Menu) fails fast and plainly.
func (tab *Tab) visible(sel string) {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		tab.t.Fatalf("browser: waited for %s to be visible: %v (at %s)", sel, err, tab.Path())
	}
}

func (tab *Tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tab.t.Helper()
	if err := chromedp.Do(tab.ctx, actions...); err != nil {
		tab.t.Fatalf("browser: %v (at %s)", err, tab.Path())
	}
}

func eval[T any](tab *Tab, js string, opts ...chromedp.EvaluateOption) T {
	tab.t.Helper()
	v, err := chromedp.Run(tab.ctx, chromedp.Evaluate[T](js, opts...))
	if err != nil {
		tab.t.Fatalf("browser: evaluating script: %v (at %s)", err, tab.Path())
	}
	return v
}

// Visit opens a path and checks the page with axe.
func (tab *Tab) Visit(path string) {
	tab.t.Helper()
	tab.do(chromedp.Navigate(tab.base+path), chromedp.WaitReady(chromedp.CSS("body")))
	tab.Axe()
}

// Fill types into the field matched by sel, replacing what is there.
func (tab *Tab) Fill(sel, text string) {
	tab.t.Helper()
	css := chromedp.CSS(sel)
	tab.visible(sel)
	eval[bool](tab, fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = ""; return true; })()`, sel))
	tab.do(chromedp.SendKeys(css, text))
}

// Check ticks a checkbox or chooses a radio button.
func (tab *Tab) Check(sel string) {
	tab.t.Helper()
	tab.visible(sel)
	tab.do(chromedp.Click(chromedp.CSS(sel)))
}

// Select chooses an option (by value) in a select.
func (tab *Tab) Select(sel, value string) {
	tab.t.Helper()
	tab.visible(sel)
	tab.do(chromedp.SetValue(chromedp.CSS(sel), value))
}

// Submit clicks a button that sends a form or follows a link, waits for the
// next page, and checks it with axe.
func (tab *Tab) Submit(sel string) {
	tab.t.Helper()
	eval[bool](tab, `document.documentElement.dataset.ppOld = "1"; true`)
	tab.visible(sel)
	tab.do(chromedp.Click(chromedp.CSS(sel)))
	tab.until(`document.readyState === "complete" && document.documentElement.dataset.ppOld !== "1"`, 20*time.Second, "a new page after clicking "+sel)
	tab.Axe()
}

// Upload chooses a file from disk in the file input matched by sel.
func (tab *Tab) Upload(sel, path string) {
	tab.t.Helper()
	tab.visible(sel)
	tab.do(chromedp.SetUploadFiles(chromedp.CSS(sel), []string{path}))
}

// Click clicks an element that does not leave the page (htmx, copy buttons).
func (tab *Tab) Click(sel string) {
	tab.t.Helper()
	tab.visible(sel)
	tab.do(chromedp.Click(chromedp.CSS(sel)))
}

// Text returns the visible text of the element matched by sel.
func (tab *Tab) Text(sel string) string {
	tab.t.Helper()
	s := eval[string](tab, fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? e.innerText : ""; })()`, sel))
	return strings.Join(strings.Fields(s), " ")
}

// WaitText waits until the element matched by sel contains want.
func (tab *Tab) WaitText(sel, want string) {
	tab.t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.innerText.includes(%q); })()`, sel, want)
	tab.until(js, 10*time.Second, fmt.Sprintf("%q in %s", want, sel))
}

// until waits for a script to return true. Errors while a page is being
// replaced are expected and retried.
func (tab *Tab) until(js string, limit time.Duration, what string) {
	tab.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ok, err := chromedp.Run(tab.ctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			tab.t.Fatalf("waited %v for %s (at %s; last error %v)", limit, what, tab.Path(), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// MustSee fails unless the page's main text contains each of want.
func (tab *Tab) MustSee(want ...string) {
	tab.t.Helper()
	text := tab.Text("main")
	for _, w := range want {
		if !strings.Contains(text, w) {
			tab.t.Fatalf("the page at %s does not say %q; it says:\n%s", tab.Path(), w, text)
		}
	}
}

// URL is the tab's current address.
func (tab *Tab) URL() string {
	u, _ := chromedp.Run(tab.ctx, chromedp.Location())
	return u
}

// Path is the tab's current path and query.
func (tab *Tab) Path() string { return strings.TrimPrefix(tab.URL(), tab.base) }

// Eval runs JavaScript in the page and returns its result as a string.
func (tab *Tab) Eval(js string) string {
	tab.t.Helper()
	return eval[string](tab, js)
}

type axeViolation struct {
	ID          string `json:"id"`
	Impact      string `json:"impact"`
	Description string `json:"description"`
	Nodes       []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// Axe runs axe-core on the current page for WCAG 2.0, 2.1 and 2.2 at levels
// A and AA (and best practice, once the tab asks for it), and fails the
// test on any violation.
func (tab *Tab) Axe() {
	tab.t.Helper()
	if !eval[bool](tab, `typeof window.axe !== "undefined"`) {
		eval[bool](tab, axeSource+";true")
	}
	tags := `"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"`
	if tab.bestPractice {
		tags += `, "best-practice"`
	}
	raw := eval[string](tab, `axe.run(document, {runOnly: {type: "tag", values: [`+tags+`]}, resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise)
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		tab.t.Fatalf("axe result: %v", err)
	}
	for _, v := range vs {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprint(n.Target)+" "+n.HTML)
		}
		tab.t.Errorf("accessibility (%s, %s) at %s: %s\n  %s", v.ID, v.Impact, tab.Path(), v.Description, strings.Join(where, "\n  "))
	}
	if len(vs) > 0 {
		tab.t.FailNow()
	}
}
