package language

import (
	"slices"
	"strings"
	"testing"

	"peerpath/internal/core"
)

func entry(id string, match ...string) Entry {
	return Entry{ID: id, Match: match, Why: "why " + id, Suggestions: []string{"person"}, Category: CategoryLabelling}
}

func TestMerge(t *testing.T) {
	base := []Entry{entry("client", "client"), entry("patient", "patient"), entry("crazy", "crazy")}
	baseBefore := slices.Clone(base)
	override := entry("patient", "patient", "patients")
	override.Why = "our own words"
	org := []Entry{
		override,
		{ID: "crazy", Disabled: true},
		entry("service-user", "service user"),
		{ID: "not-shipped", Disabled: true}, // switching off something that is not there is harmless
	}
	merged := Merge(base, org)

	var ids []string
	for _, e := range merged {
		ids = append(ids, e.ID)
	}
	if want := []string{"client", "patient", "service-user"}; !slices.Equal(ids, want) {
		t.Fatalf("merged ids = %v, want %v", ids, want)
	}
	if merged[1].Why != "our own words" || len(merged[1].Match) != 2 {
		t.Errorf("override not applied: %+v", merged[1])
	}
	if base[1].Why != baseBefore[1].Why || len(base) != 3 {
		t.Error("Merge modified its input")
	}
	merged[0].Match[0] = "changed"
	if base[0].Match[0] != "client" {
		t.Error("Merge result shares memory with its input")
	}

	l, err := NewList(merged)
	if err != nil {
		t.Fatal(err)
	}
	runChecks(t, l, []checkCase{
		{"overridden", "two patients", []string{"patient:patients"}},
		{"disabled", "crazy day", nil},
		{"added", "a service user", []string{"service-user:service user"}},
	})
}

func TestMergeWithDefault(t *testing.T) {
	merged := Merge(Default().Entries(), []Entry{{ID: "crazy", Disabled: true}})
	l, err := NewList(merged)
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() != Default().Len()-1 {
		t.Errorf("len = %d, want %d", l.Len(), Default().Len()-1)
	}
	if h := l.Check("a crazy week with a client"); !slices.Equal(got(h), []string{"client:client"}) {
		t.Errorf("got %q", got(h))
	}
}

func TestMergeReenable(t *testing.T) {
	merged := Merge([]Entry{entry("a", "alpha")}, []Entry{{ID: "a", Disabled: true}, entry("a", "alpha", "alphas")})
	if len(merged) != 1 || len(merged[0].Match) != 2 {
		t.Errorf("merged = %+v", merged)
	}
}

func TestNewListSkipsDisabled(t *testing.T) {
	l, err := NewList([]Entry{entry("a", "alpha"), {ID: "b", Disabled: true}})
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() != 1 {
		t.Errorf("len = %d", l.Len())
	}
}

// fieldsOf returns the fields of a core.Invalid error, failing the test for
// any other kind of error.
func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	if err == nil {
		t.Fatal("expected an error")
	}
	ce, ok := core.As(err)
	if !ok || ce.Kind != core.KindInvalid {
		t.Fatalf("error %v is not core.Invalid", err)
	}
	return ce.Fields
}

func TestParseEntriesErrorsNameTheEntry(t *testing.T) {
	cases := []struct {
		name     string
		json     string
		key      string // the field the problem is reported under
		contains string
	}{
		{"not JSON", `[{"id": "x",}]`, "wordlist", "not a JSON list"},
		{"not a list", `{"id": "x"}`, "wordlist", "not a JSON list"},
		{"unknown field", `[{"id": "case", "unles_followed_by": ["of"]}]`, "case", `unknown field "unles_followed_by"`},
		{"wrong type", `[{"id": "case", "match": "case"}]`, "case", "match should be a list"},
		{"missing why", `[{"id": "client", "match": ["client"], "suggestions": ["person"], "category": "labelling"}]`, "client", "why needs"},
		{"no suggestions", `[{"id": "client", "match": ["client"], "why": "w", "suggestions": [], "category": "labelling"}]`, "client", "suggestions needs"},
		{"empty suggestion", `[{"id": "client", "match": ["client"], "why": "w", "suggestions": [" "], "category": "labelling"}]`, "client", "suggestion 1 is empty"},
		{"no match", `[{"id": "client", "why": "w", "suggestions": ["p"], "category": "labelling"}]`, "client", "match needs"},
		{"bad match", `[{"id": "client", "match": ["client!"], "why": "w", "suggestions": ["p"], "category": "labelling"}]`, "client", `match "client!"`},
		{"bad category", `[{"id": "client", "match": ["client"], "why": "w", "suggestions": ["p"], "category": "rude"}]`, "client", `category "rude"`},
		{"context phrase", `[{"id": "clean", "match": ["clean"], "why": "w", "suggestions": ["p"], "category": "clinical", "context": ["drug test"]}]`, "clean", `context "drug test" must be a single word`},
		{"window without context", `[{"id": "clean", "match": ["clean"], "why": "w", "suggestions": ["p"], "category": "clinical", "context_window": 3}]`, "clean", "context_window is set"},
		{"window too wide", `[{"id": "clean", "match": ["clean"], "why": "w", "suggestions": ["p"], "category": "clinical", "context": ["ua"], "context_window": 99}]`, "clean", "context_window must be"},
		{"bad unless", `[{"id": "case", "match": ["case"], "why": "w", "suggestions": ["p"], "category": "labelling", "unless_followed_by": ["of;"]}]`, "case", `unless_followed_by "of;"`},
		{"no id uses the position", `[{"id": "a", "match": ["a"], "why": "w", "suggestions": ["p"], "category": "labelling"}, {"match": ["b"], "why": "w", "suggestions": ["p"], "category": "labelling"}]`, "entry 2", "needs an id"},
		{"bad id", `[{"id": "Bad Id", "match": ["b"], "why": "w", "suggestions": ["p"], "category": "labelling"}]`, "Bad Id", "id \"Bad Id\" may use only"},
		{"duplicate id", `[{"id": "a", "match": ["a"], "why": "w", "suggestions": ["p"], "category": "labelling"}, {"id": "a", "match": ["b"], "why": "w", "suggestions": ["p"], "category": "labelling"}]`, "a", "entries 1 and 2"},
		{"phrase in two entries", `[{"id": "a", "match": ["non-compliant"], "why": "w", "suggestions": ["p"], "category": "power"}, {"id": "b", "match": ["Non Compliant"], "why": "w", "suggestions": ["p"], "category": "power"}]`, "b", `already listed by entry "a"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseEntries([]byte(tc.json))
			fields := fieldsOf(t, err)
			msg, ok := fields[tc.key]
			if !ok {
				t.Fatalf("no problem reported under %q; fields = %v", tc.key, fields)
			}
			if !strings.Contains(msg, tc.contains) {
				t.Errorf("fields[%q] = %q, want it to contain %q", tc.key, msg, tc.contains)
			}
		})
	}
}

func TestParseEntriesCollectsEveryProblem(t *testing.T) {
	_, err := ParseEntries([]byte(`[{"id": "a", "match": [], "why": "", "suggestions": [], "category": ""}, {"id": "b", "match": ["b"], "why": "", "suggestions": ["p"], "category": "power"}]`))
	fields := fieldsOf(t, err)
	if len(fields) != 2 {
		t.Errorf("fields = %v, want problems for a and b", fields)
	}
	if n := strings.Count(fields["a"], ";"); n < 3 {
		t.Errorf("fields[a] = %q, want all four problems", fields["a"])
	}
}

func TestParseEntriesDisabledNeedsOnlyID(t *testing.T) {
	entries, err := ParseEntries([]byte(`[{"id": "crazy", "disabled": true}]`))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || !entries[0].Disabled {
		t.Errorf("entries = %+v", entries)
	}
}

func TestNewListValidates(t *testing.T) {
	_, err := NewList([]Entry{entry("a", "alpha"), {ID: "b", Match: []string{"beta"}}})
	fields := fieldsOf(t, err)
	if _, ok := fields["b"]; !ok || len(fields) != 1 {
		t.Errorf("fields = %v, want only b", fields)
	}
}
