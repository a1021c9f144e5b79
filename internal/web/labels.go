package web

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/i18n"
	"peerpath/internal/store"
)

// Plain words for the values of people's records. The stored values (and
// the API's) are the keys; people only ever see their words, which are in the
// message catalogue as labels.<kind>.<value> (internal/i18n/labels.*.toml),
// with a few words of explanation for some choices as
// labels.hint.<kind>.<value>.

// labelKeys is the set of the catalogue's keys, read once: a value the
// catalogue has no words for shows as itself, never as a key.
var labelKeys = sync.OnceValue(func() map[string]bool {
	keys, err := i18n.Keys("en")
	if err != nil {
		panic("labels: " + err.Error()) // the catalogue is embedded: its test catches this first
	}
	out := make(map[string]bool, len(keys))
	for _, k := range keys {
		out[k] = true
	}
	return out
})

// label is the template function: label .L "mode" "in_person" is "In
// person" (nil is English).
func label(l *i18n.Localizer, kind, value string) string {
	k := "labels." + kind + "." + value
	if !labelKeys()[k] {
		return value
	}
	if l == nil {
		l = i18n.In("en")
	}
	return l.T(k)
}

// labelsIn is every value of a kind with its words in one language (nil is
// English), for tables that name rows by stored value (reports.go).
func labelsIn(l *i18n.Localizer, kind string) map[string]string {
	prefix := "labels." + kind + "."
	out := map[string]string{}
	for k := range labelKeys() {
		if v, ok := strings.CutPrefix(k, prefix); ok && !strings.Contains(v, ".") {
			out[v] = label(l, kind, v)
		}
	}
	return out
}

// optionHint explains some choices in a few words, under the option; "" for
// the others.
func optionHint(l *i18n.Localizer, kind, value string) string {
	k := "labels.hint." + kind + "." + value
	if !labelKeys()[k] {
		return ""
	}
	if l == nil {
		l = i18n.In("en")
	}
	return l.T(k)
}

// option is one choice of a radio or checkbox group.
type option struct {
	Value, Label, Hint string
}

// options are the choices of one kind, in the reader's language: options(localizer(r), "mode", store.ContactModes).
func options(l *i18n.Localizer, kind string, values []string) []option {
	out := make([]option, len(values))
	for i, v := range values {
		out[i] = option{Value: v, Label: label(l, kind, v), Hint: optionHint(l, kind, v)}
	}
	return out
}

func workerOptions(ws []store.WorkerRef) []option {
	out := make([]option, len(ws))
	for i, w := range ws {
		out[i] = option{Value: id(w.ID), Label: w.Name}
	}
	return out
}

// formInt reads a whole number from a form; empty gives def. A value that is
// not a number is reported on the field.
func formInt(f *form, name string, def int) int {
	v := f.Get(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		f.Errors[name] = "Enter a whole number."
		return def
	}
	return n
}

// formIDs reads a list of ids (checkboxes).
func formIDs(f *form, name string) []int64 {
	var out []int64
	for _, v := range f.Values[name] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

// splitComma reads a comma-separated list ("Peer bridger, Young adult").
func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// localInputLayout is what an <input type="datetime-local"> sends.
const localInputLayout = core.LocalInputLayout

// parseLocal reads a datetime-local value as Massachusetts time.
func parseLocal(v string) (time.Time, bool) {
	for _, layout := range []string{localInputLayout, localInputLayout + ":05"} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(v), local); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func localInput(t time.Time) string { return t.In(local).Format(localInputLayout) }

// fmtDay shows a stored YYYY-MM-DD date the way other dates are shown.
func fmtDay(d string) string {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return d
	}
	return t.Format("2 Jan 2006")
}
