package web

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"peerpath/internal/auth"
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

// roleLabel names a role in words (the catalogue's role.*), the role's key
// for one it does not know.
func roleLabel(l *i18n.Localizer, r auth.Role) string {
	k := "role." + string(r)
	if !labelKeys()[k] {
		return string(r)
	}
	if l == nil {
		l = i18n.In("en")
	}
	return l.T(k)
}

// weekday names a day of the week, 1 (Monday) to 7 (Sunday), as groups store
// it; "" for any other number.
func weekday(l *i18n.Localizer, d int) string {
	if d < 1 || d > 7 {
		return ""
	}
	return label(l, "weekday", strconv.Itoa(d))
}

// weekdays are the stored days of the week, Monday first.
var weekdays = []string{"1", "2", "3", "4", "5", "6", "7"}

// specialisation names a peer specialisation: the known ones in words, any
// other as typed.
func specialisation(l *i18n.Localizer, s string) string { return label(l, "specialisation", s) }

// specialisations are the known specialisations with their words, for the
// profile form.
func specialisations(l *i18n.Localizer) []struct{ Key, Label string } {
	out := make([]struct{ Key, Label string }, len(store.Specialisations))
	for i, sp := range store.Specialisations {
		out[i].Key, out[i].Label = sp.Key, specialisation(l, sp.Key)
	}
	return out
}

// supervisionMode names how a supervision session was held.
func supervisionMode(l *i18n.Localizer, m string) string { return label(l, "supervision_mode", m) }

// supervisionModes are the choices of how a supervision session was held.
func supervisionModes(l *i18n.Localizer) []option {
	values := make([]string, len(store.SupervisionModes))
	for i, m := range store.SupervisionModes {
		values[i] = m.Value
	}
	return options(l, "supervision_mode", values)
}

// minutesLabel shows a length of time: "45 min", "2 h", "1 h 30 min".
func minutesLabel(l *i18n.Localizer, m int) string {
	if l == nil {
		l = i18n.In("en")
	}
	h, rest := m/60, m%60
	switch {
	case h == 0:
		return l.T("labels.duration.minutes", "M", rest)
	case rest == 0:
		return l.T("labels.duration.hours", "H", h)
	}
	return l.T("labels.duration.hours_minutes", "H", h, "M", rest)
}

// yesNo are the choices yes and no (common.yes, common.no).
func yesNo(l *i18n.Localizer) []option {
	if l == nil {
		l = i18n.In("en")
	}
	return []option{{Value: "yes", Label: l.T("common.yes")}, {Value: "no", Label: l.T("common.no")}}
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
