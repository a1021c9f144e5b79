package core

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestTimeFormat(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, Local)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for got, want := range map[string]string{
		TimeOfDay(at("2026-12-06 10:00")):                            "10:00 am",
		TimeOfDay(at("2026-12-06 13:05").UTC()):                      "1:05 pm", // shown in Massachusetts time whatever the zone
		TimeOfDay(at("2026-07-06 00:30")):                            "12:30 am",
		TimeRange(at("2026-12-06 09:30"), at("2026-12-06 16:00")):    "9:30 am–4:00 pm",
		DateTime(at("2026-12-06 18:00")):                             "6 Dec 2026, 6:00 pm",
		TimeOf("13:30"):                                              "1:30 pm",
		TimeOf("09:30"):                                              "9:30 am",
		TimeOf("not a time"):                                         "not a time",
		TimeRangeOf("09:30", "16:00"):                                "9:30 am–4:00 pm",
		TimeRangeOf("18:00", ""):                                     "6:00 pm",
		TimeOfDayUntil(at("2026-12-06 10:04").Add(30 * time.Second)): "10:05 am",
		TimeOfDayUntil(at("2026-12-06 10:04")):                       "10:04 am",
		TimeOfDay(time.Time{}):                                       "",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

// TestNoOtherTimeLayouts keeps every time of day on one format: no Go code
// (tests aside) or template outside this file writes a clock layout of its
// own, and no template prints a stored HH:MM time as it is.
func TestNoOtherTimeLayouts(t *testing.T) {
	layouts := regexp.MustCompile(`15:04|[^0-9]3:04|03:04|time\.Kitchen|"PM"|"pm"`)
	rawTime := regexp.MustCompile(`\{\{\s*[$.\w]*(StartTime|EndTime|StartsAt)\s*\}\}|(StartTime|EndTime)\}\}[^{]{0,20}\{\{\.\}\}`)
	root := filepath.Join("..", "..")
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); n == ".git" || n == "testdata" || n == "vendor" || n == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		goFile := strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go")
		html := strings.HasSuffix(path, ".html")
		if !goFile && !html || strings.HasSuffix(filepath.ToSlash(path), "internal/core/timefmt.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		for i, line := range strings.Split(string(b), "\n") {
			if layouts.MatchString(line) {
				t.Errorf("%s:%d writes a time layout of its own; use core.TimeOfDay, core.TimeOf, core.DateTime (templates: clock, hhmm, hhmmRange, datetime): %s", path, i+1, strings.TrimSpace(line))
			}
			if html && rawTime.MatchString(line) {
				t.Errorf("%s:%d prints a stored time as it is; use hhmm or hhmmRange: %s", path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("only %d files checked: the walk missed the code", checked)
	}
}
