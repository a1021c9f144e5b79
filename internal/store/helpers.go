package store

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Small helpers every noun's file uses.

// inList appends ids to args and returns the placeholders for them,
// numbered after the arguments already there, for one "IN (…)" query that
// loads related rows for a whole page instead of a query per row:
//
//	ph, args := inList(ids, []any{orgID}) // "$2, $3, …", [orgID, ids…]
func inList(ids []int64, args []any) (string, []any) {
	ph := make([]string, len(ids))
	for i, id := range ids {
		args = append(args, id)
		ph[i] = fmt.Sprintf("$%d", len(args))
	}
	return strings.Join(ph, ", "), args
}

// uniqueIDs returns the positive ids of ids, sorted, each once.
func uniqueIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	out = slices.Compact(out)
	return slices.DeleteFunc(out, func(v int64) bool { return v <= 0 })
}

// checkText records in f a message for field when v is empty and required
// (empty names the message) or longer than maxLen characters. It trims
// nothing: callers trim what should be trimmed.
func checkText(f map[string]string, field, v string, maxLen int, empty string) {
	n := utf8.RuneCountInString(v)
	switch {
	case n == 0 && empty != "":
		f[field] = empty
	case n > maxLen:
		f[field] = fmt.Sprintf("Use at most %d characters (this has %d).", maxLen, n)
	}
}
