package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// A stylesheet with an unclosed block silently applies every later rule
// inside it (a merge once left the phone styles inside @media print), so
// the braces of every embedded stylesheet must balance.
func TestStylesheetsAreBalanced(t *testing.T) {
	comments := regexp.MustCompile(`(?s)/\*.*?\*/`)
	strs := regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'`)
	err := fs.WalkDir(staticFS, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".css") {
			return err
		}
		b, _ := fs.ReadFile(staticFS, path)
		css := strs.ReplaceAllString(comments.ReplaceAllStringFunc(string(b), func(c string) string {
			return strings.Repeat("\n", strings.Count(c, "\n"))
		}), `""`)
		var open []int
		line := 1
		for _, ch := range css {
			switch ch {
			case '\n':
				line++
			case '{':
				open = append(open, line)
			case '}':
				if len(open) == 0 {
					t.Errorf("%s:%d: a } closes nothing", path, line)
					continue
				}
				open = open[:len(open)-1]
			}
		}
		for _, l := range open {
			t.Errorf("%s:%d: this { is never closed", path, l)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
