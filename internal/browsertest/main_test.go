package browsertest

import (
	"fmt"
	"os"
	"testing"
)

var browser *Browser
var skipReason string

func TestMain(m *testing.M) {
	b, skip, err := Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "browsertest:", err)
		os.Exit(1)
	}
	browser, skipReason = b, skip
	code := m.Run()
	if browser != nil {
		browser.Close()
	}
	os.Exit(code)
}

// tab opens a tab against app, or skips the test with the reason.
func need(t *testing.T) {
	t.Helper()
	if browser == nil {
		t.Skip(skipReason)
	}
}
