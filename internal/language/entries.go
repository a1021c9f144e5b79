package language

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"peerpath/internal/core"
)

// ParseEntries reads a word list: a JSON array of entries. Unknown fields are
// errors, because a misspelt "unless_followed_by" would otherwise be ignored
// silently and the entry would flag words it was meant to leave alone. The
// error is a core.Invalid keyed by entry id, or "entry N" (counting from 1)
// for an entry without a usable id.
func ParseEntries(data []byte) ([]Entry, error) {
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		return nil, core.Invalid(map[string]string{"wordlist": "is not a JSON list of entries: " + describeJSONError(err)})
	}
	fields := make(map[string]string)
	entries := make([]Entry, 0, len(raws))
	ok := true
	for i, raw := range raws {
		var e Entry
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			// Read the id loosely so the message can still name the entry.
			var loose struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal(raw, &loose)
			addProblem(fields, entryKey(i, loose.ID), "could not be read: "+describeJSONError(err))
			ok = false
			continue
		}
		entries = append(entries, e)
	}
	if !ok {
		return nil, core.Invalid(fields)
	}
	if err := validate(entries); err != nil {
		return nil, err
	}
	return entries, nil
}

func describeJSONError(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("%v (at byte %d)", syn, syn.Offset)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) && typ.Field != "" {
		return fmt.Sprintf("%s should be %s, not a JSON %s", typ.Field, typeName(typ.Type.Kind().String()), typ.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func typeName(kind string) string {
	switch kind {
	case "slice":
		return "a list"
	case "string":
		return "text"
	case "int":
		return "a whole number"
	case "bool":
		return "true or false"
	}
	return kind
}

// Merge applies an organisation's entries to a base list (normally
// Default().Entries()). An org entry with the id of a base entry replaces it
// in place, whole: the org entry is the complete new entry, so there is never
// a question of which fields came from where. An org entry with "disabled":
// true removes the base entry of that id. Other org entries are added at the
// end in their own order. Disabled entries never appear in the result, and
// neither input is modified.
func Merge(base []Entry, org []Entry) []Entry {
	out := make([]Entry, 0, len(base)+len(org))
	at := make(map[string]int, len(base)+len(org))
	put := func(e Entry) {
		if i, ok := at[e.ID]; ok {
			out[i] = e.clone() // a disabled entry marks its slot for removal below
			return
		}
		if e.Disabled {
			return // nothing to switch off
		}
		at[e.ID] = len(out)
		out = append(out, e.clone())
	}
	for _, e := range base {
		put(e)
	}
	for _, e := range org {
		put(e)
	}
	return slices.DeleteFunc(out, func(e Entry) bool { return e.Disabled })
}

func entryKey(i int, id string) string {
	if id = strings.TrimSpace(id); id != "" {
		return id
	}
	return fmt.Sprintf("entry %d", i+1)
}

func addProblem(fields map[string]string, key, problem string) {
	if prev, ok := fields[key]; ok {
		fields[key] = prev + "; " + problem
		return
	}
	fields[key] = problem
}

func validID(id string) bool {
	if id == "" || id[0] == '-' || id[len(id)-1] == '-' {
		return false
	}
	for _, r := range id {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func joinWords(ws []string) string { return strings.Join(ws, " ") }

// validate checks a list of entries and returns a core.Invalid naming each
// entry with a problem, or nil.
func validate(entries []Entry) error {
	fields := make(map[string]string)
	firstWithID := make(map[string]int)
	phraseOwner := make(map[string]string) // a phrase in two entries would make the hint arbitrary
	for i, e := range entries {
		key := entryKey(i, e.ID)
		problem := func(format string, args ...any) { addProblem(fields, key, fmt.Sprintf(format, args...)) }

		switch {
		case strings.TrimSpace(e.ID) == "":
			problem("needs an id")
		case !validID(e.ID):
			problem("id %q may use only lower-case letters, digits and hyphens", e.ID)
		}
		if j, dup := firstWithID[e.ID]; dup && e.ID != "" {
			problem("the id is used by entries %d and %d; each id must be unique", j+1, i+1)
		} else {
			firstWithID[e.ID] = i
		}
		if e.Disabled {
			continue // only the id matters: it names the entry to switch off
		}

		if len(e.Match) == 0 {
			problem("match needs at least one word or phrase")
		}
		for _, m := range e.Match {
			ws, ok := words(m)
			if !ok {
				problem("match %q may use only letters, digits, spaces, hyphens and apostrophes", m)
				continue
			}
			p := joinWords(ws)
			if owner, taken := phraseOwner[p]; taken && owner != e.ID {
				problem("match %q is already listed by entry %q", m, owner)
				continue
			}
			phraseOwner[p] = e.ID
		}
		if strings.TrimSpace(e.Why) == "" {
			problem("why needs a short explanation of why the words can hurt or mislead")
		}
		if len(e.Suggestions) == 0 {
			problem("suggestions needs at least one alternative")
		}
		for n, s := range e.Suggestions {
			if strings.TrimSpace(s) == "" {
				problem("suggestion %d is empty", n+1)
			}
		}
		if !slices.Contains(Categories, e.Category) {
			problem("category %q must be one of %s", e.Category, strings.Join(Categories, ", "))
		}
		for _, c := range e.Context {
			if ws, ok := words(c); !ok || len(ws) != 1 {
				problem("context %q must be a single word", c)
			}
		}
		switch {
		case e.ContextWindow < 0 || e.ContextWindow > maxContextWindow:
			problem("context_window must be between 1 and %d words", maxContextWindow)
		case e.ContextWindow > 0 && len(e.Context) == 0:
			problem("context_window is set but context lists no words")
		}
		for _, p := range e.UnlessPrecededBy {
			if _, ok := words(p); !ok {
				problem("unless_preceded_by %q may use only letters, digits, spaces, hyphens and apostrophes", p)
			}
		}
		for _, p := range e.UnlessFollowedBy {
			if _, ok := words(p); !ok {
				problem("unless_followed_by %q may use only letters, digits, spaces, hyphens and apostrophes", p)
			}
		}
	}
	return core.Invalid(fields)
}
