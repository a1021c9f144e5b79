// Package i18n is peerpath's one message catalogue: every string a person
// reads in the portal, the printouts made for them and the emails sent to
// them, in English, Spanish and Portuguese.
//
// The catalogue is TOML files embedded in the binary, one set per part of
// peerpath, each part in every language: active.en.toml, active.es.toml and
// active.pt.toml for the portal and what people receive, and <part>.<lang>.toml
// for the staff pages (people.en.toml, …). They are read into one bundle by
// github.com/nicksnyder/go-i18n, which
// brings the CLDR plural rules (Spanish and Portuguese have a "many" form for
// a million and more) and the goi18n extract/merge tools. English is the
// source language: a key missing from another file falls back to English at
// run time, and TestEveryKeyInEveryLanguage fails before that can ship.
//
// Choosing the language: For takes what is known about the reader in order of
// preference — the language stored on their record (free text such as
// "Spanish", "Português" or "es") first, then the browser's Accept-Language
// header — and picks the first one the catalogue has, English otherwise.
//
// The messages of the store and domain packages (core.Invalid's field
// messages, Conflict, NotFound…) are catalogued the gettext way, under their
// own English text, in errors.en.toml, errors.es.toml and errors.pt.toml;
// Localizer.Message translates one, and the web layer calls it where a page
// shows one.
//
// In Go: i18n.For(p.PreferredLanguage, r.Header.Get("Accept-Language")).T("portal.home.title").
// In templates: {{t .L "portal.home.title"}}, with named values as pairs:
// {{t .L "portal.invite.expires" "When" $when}}, and plurals with {{tn .L "key" $count}}.
// docs/i18n.md says how to add a string or a language.
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed *.toml
var files embed.FS

// Languages are the catalogue's languages, English (the source) first.
var Languages = []string{"en", "es", "pt"}

var (
	bundle  *goi18n.Bundle
	matcher language.Matcher
	tags    []language.Tag
)

func init() {
	bundle = goi18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, l := range Languages {
		names, err := fileNames(l)
		if err != nil {
			panic(fmt.Sprintf("i18n: %s: %v", l, err))
		}
		for _, n := range names {
			if _, err := bundle.LoadMessageFileFS(files, n); err != nil {
				panic(fmt.Sprintf("i18n: %s: %v", n, err))
			}
		}
		tags = append(tags, language.MustParse(l))
	}
	matcher = language.NewMatcher(tags)
	buf, err := files.ReadFile("errors.en.toml")
	if err != nil {
		panic(fmt.Sprintf("i18n: %v", err))
	}
	if err := toml.Unmarshal(buf, &messages); err != nil {
		panic(fmt.Sprintf("i18n: errors.en.toml: %v", err))
	}
	buf, err = files.ReadFile("words.en.toml")
	if err != nil {
		panic(fmt.Sprintf("i18n: %v", err))
	}
	var w map[string]string
	if err := toml.Unmarshal(buf, &w); err != nil {
		panic(fmt.Sprintf("i18n: words.en.toml: %v", err))
	}
	for k := range w {
		words[strings.TrimPrefix(k, wordPrefix)] = true
	}
	for k := range messages {
		if IsFormat(k) {
			formats = append(formats, compileFormat(k))
		}
	}
	// The most specific format first: the one with the most fixed text.
	sort.Slice(formats, func(i, j int) bool {
		if formats[i].fixed != formats[j].fixed {
			return formats[i].fixed > formats[j].fixed
		}
		return formats[i].key < formats[j].key
	})
}

// messages are the store's and domain packages' messages, catalogued under
// their own English text (errors.en.toml).
var messages map[string]string

// words are the code's own words that a built message may carry as a value
// ("There is no safety plan to review yet"), catalogued in words.*.toml
// under "word." and their English, so the value is translated with the
// message around it.
var words = map[string]bool{}

const wordPrefix = "word."

// formats are the catalogued messages that are formats, most specific first.
var formats []format

// format is one catalogued format and the pattern of the messages it makes.
type format struct {
	key   string
	re    *regexp.Regexp
	fixed int // how much fixed text it has
}

// verb matches one fmt verb, with an explicit argument index, flags, width
// and precision: %d, %q, %[2]s, %.1f, %%.
var verb = regexp.MustCompile(`%(\[(\d+)\])?[-+# 0]*\d*(\.\d+)?([a-zA-Z%])`)

// IsFormat reports whether a catalogued message is a format (has a verb
// other than %%).
func IsFormat(s string) bool {
	for _, m := range verb.FindAllStringSubmatch(s, -1) {
		if m[4] != "%" {
			return true
		}
	}
	return false
}

// Verbs lists a format's verbs by the value each one shows (1 for the
// first value), such as ["1d", "2q"], so a test can check that a
// translation shows the same values in the same ways.
func Verbs(s string) []string {
	var out []string
	n := 0
	for _, m := range verb.FindAllStringSubmatch(s, -1) {
		if m[4] == "%" {
			continue
		}
		if m[2] != "" {
			n, _ = strconv.Atoi(m[2])
		} else {
			n++
		}
		out = append(out, strconv.Itoa(n)+m[4])
	}
	return out
}

// compileFormat turns an English format into the anchored pattern of the
// messages it makes, one group per value.
func compileFormat(key string) format {
	var b strings.Builder
	b.WriteString("^")
	fixed, last := 0, 0
	for _, m := range verb.FindAllStringSubmatchIndex(key, -1) {
		lit := key[last:m[0]]
		fixed += len(lit)
		b.WriteString(regexp.QuoteMeta(lit))
		last = m[1]
		switch key[m[8]:m[9]] {
		case "%":
			b.WriteString("%")
		case "d":
			b.WriteString(`(-?\d+)`)
		case "f", "g":
			b.WriteString(`(-?\d+(?:\.\d+)?)`)
		case "q":
			b.WriteString(`("(?:[^"\\]|\\.)*")`)
		default:
			b.WriteString(`(.+?)`)
		}
	}
	lit := key[last:]
	fixed += len(lit)
	b.WriteString(regexp.QuoteMeta(lit))
	b.WriteString("$")
	return format{key: key, re: regexp.MustCompile(b.String()), fixed: fixed}
}

// asStrings rewrites a translated format's verbs as %[n]s, as the values
// come back out of the English message as text already formatted.
func asStrings(f string) string {
	n := 0
	return verb.ReplaceAllStringFunc(f, func(v string) string {
		m := verb.FindStringSubmatch(v)
		if m[4] == "%" {
			return v
		}
		if m[2] != "" {
			n, _ = strconv.Atoi(m[2])
		} else {
			n++
		}
		return "%[" + strconv.Itoa(n) + "]s"
	})
}

// Localizer speaks one language. The zero value is not usable; get one from
// For or In.
type Localizer struct {
	lang string
	l    *goi18n.Localizer
}

// In returns the localizer for one of Languages (English for anything else).
func In(lang string) *Localizer {
	lang = Match(lang)
	return &Localizer{lang: lang, l: goi18n.NewLocalizer(bundle, lang)}
}

// For returns the localizer for the first of prefs the catalogue has. Each
// pref is a stored language (free text or a tag) or an Accept-Language header.
func For(prefs ...string) *Localizer { return In(Match(prefs...)) }

// Match returns the code ("en", "es" or "pt") of the first preference the
// catalogue can serve, "en" when none can.
func Match(prefs ...string) string {
	for _, p := range prefs {
		if c := match(p); c != "" {
			return c
		}
	}
	return "en"
}

// names maps how languages are written on people's records to codes. Kept
// short: anything else is tried as a language tag.
var names = map[string]string{
	"english": "en", "inglés": "en", "ingles": "en", "inglês": "en",
	"spanish": "es", "español": "es", "espanol": "es", "castellano": "es", "espanhol": "es",
	"portuguese": "pt", "português": "pt", "portugues": "pt", "portugués": "pt",
	"brazilian portuguese": "pt", "portuguese (brazil)": "pt", "português do brasil": "pt",
}

func match(p string) string {
	p = strings.TrimSpace(strings.ToLower(p))
	if p == "" {
		return ""
	}
	if c, ok := names[p]; ok {
		return c
	}
	// An Accept-Language header ("es-US,es;q=0.9,en;q=0.8") or a single tag.
	wanted, _, err := language.ParseAcceptLanguage(p)
	if err != nil || len(wanted) == 0 {
		return ""
	}
	for _, w := range wanted {
		if _, i, conf := matcher.Match(w); conf >= language.High {
			return Languages[i]
		}
	}
	return ""
}

// Lang is the localizer's language code, for <html lang>.
func (l *Localizer) Lang() string { return l.lang }

// T returns the message id in the localizer's language, filled with the named
// values given as pairs ("Name", "Maria"). A key the catalogue lacks shows as
// the key itself, so a missing string is visible and the test catches it.
func (l *Localizer) T(id string, pairs ...any) string {
	return l.localize(id, nil, pairs)
}

// N is T for a message with plural forms, chosen by count (also available to
// the message as {{.Count}}).
func (l *Localizer) N(id string, count int, pairs ...any) string {
	return l.localize(id, count, append([]any{"Count", count}, pairs...))
}

func (l *Localizer) localize(id string, count any, pairs []any) string {
	var data map[string]any
	if len(pairs) > 0 {
		data = make(map[string]any, len(pairs)/2)
		for i := 0; i+1 < len(pairs); i += 2 {
			data[fmt.Sprint(pairs[i])] = pairs[i+1]
		}
	}
	s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if s == "" && err != nil {
		return id
	}
	return s
}

// Message returns a message of the store or a domain package (a
// core.Error's message or field message, catalogued under its English text
// in errors.*.toml) in the localizer's language.
//
// A message built at run time ("Use at most 80 characters.") is catalogued
// under its format ("Use at most %d characters."), the gettext c-format way:
// Message finds the format the message was made from, takes the values back
// out of it and puts them into the translated format, which may reorder them
// with explicit indexes ("%[2]d … %[1]d"). A message the catalogue does not
// hold comes back as it is, in English.
func (l *Localizer) Message(msg string) string {
	if HasMessage(msg) {
		if l.lang == "en" {
			return msg
		}
		return l.T(msg)
	}
	if l.lang == "en" {
		return msg
	}
	f, vals := findFormat(msg)
	if f == nil {
		return msg
	}
	args := make([]any, len(vals))
	for i, v := range vals {
		if words[v] {
			args[i] = l.T(wordPrefix + v) // "safety plan", a word of the code's
		} else {
			// A message or a catalogued piece of one inside another ("%s
			// Still missing: %s."); anything else comes back as it is.
			args[i] = l.Message(v)
		}
	}
	return fmt.Sprintf(asStrings(l.T(f.key)), args...)
}

// findFormat returns the catalogued format msg was made from, most specific
// first, and the values it was given, as text; nil when there is none.
func findFormat(msg string) (*format, []string) {
	for i := range formats {
		if vals := formats[i].re.FindStringSubmatch(msg); vals != nil {
			return &formats[i], vals[1:]
		}
	}
	return nil, nil
}

// HasMessage reports whether the catalogue holds msg, a message of the
// store or a domain package, so Message says it in every language.
func HasMessage(msg string) bool {
	_, ok := messages[msg]
	return ok
}

// Funcs are the template functions: t (T) and tn (N), each taking the
// localizer first.
func Funcs() map[string]any {
	return map[string]any{
		"t": func(l *Localizer, id string, pairs ...any) string {
			if l == nil {
				l = In("en")
			}
			return l.T(id, pairs...)
		},
		"tn": func(l *Localizer, id string, count int, pairs ...any) string {
			if l == nil {
				l = In("en")
			}
			return l.N(id, count, pairs...)
		},
	}
}

// fileNames lists one language's catalogue files, sorted.
func fileNames(lang string) ([]string, error) {
	names, err := fs.Glob(files, "*."+lang+".toml")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no catalogue files for %s", lang)
	}
	sort.Strings(names)
	return names, nil
}

// Keys lists the message ids of one language's files, sorted; for tests and
// tools. A key written twice (in two files, or twice in one) is an error.
func Keys(lang string) ([]string, error) {
	names, err := fileNames(lang)
	if err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]string{}
	for _, n := range names {
		buf, err := files.ReadFile(n)
		if err != nil {
			return nil, err
		}
		mf, err := goi18n.ParseMessageFileBytes(buf, n, map[string]goi18n.UnmarshalFunc{"toml": toml.Unmarshal})
		if err != nil {
			return nil, err
		}
		for _, m := range mf.Messages {
			if prev, ok := seen[m.ID]; ok {
				return nil, fmt.Errorf("%q is in both %s and %s", m.ID, prev, n)
			}
			seen[m.ID] = n
			out = append(out, m.ID)
		}
	}
	sort.Strings(out)
	return out, nil
}

// LanguageName is the name of a catalogue language in that language, for a
// language switcher.
func LanguageName(code string) string {
	switch code {
	case "es":
		return "Español"
	case "pt":
		return "Português"
	}
	return "English"
}
