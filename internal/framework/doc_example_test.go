package framework

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// The example in docs/framework-chart.md must parse and behave as the page
// says, so the documentation cannot drift from the code.
func TestDocExample(t *testing.T) {
	md, err := os.ReadFile("../../docs/framework-chart.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(md), "```json\n")
	if !ok {
		t.Fatal("no JSON example in the document")
	}
	example, _, _ := strings.Cut(rest, "```")
	c, err := Parse([]byte(example))
	if err != nil {
		t.Fatalf("the documented example does not parse: %v", err)
	}
	var got []string
	for _, r := range EffectiveRequirements(c, "senior", TrackAddiction) {
		got = append(got, r.Key)
	}
	want := []string{"entry.comp.listening", "senior.prereq.experience", "senior.prereq.recovery-coach"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("senior/addiction = %v, want %v", got, want)
	}
}
