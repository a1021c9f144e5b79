package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"peerpath/internal/core"
	"reflect"
	"strings"
	"time"

	"peerpath/internal/auth"
	"peerpath/internal/i18n"
	"peerpath/internal/store"
)

//go:embed all:templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages holds one parsed template set per page: the layout and partials,
// plus the page's own file.
type pages struct {
	base   *template.Template // the layout and shared partials alone
	byName map[string]*template.Template
}

func parsePages(funcs template.FuncMap) (*pages, error) {
	base, err := template.New("base").Funcs(funcs).ParseFS(templateFS, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{base: base, byName: map[string]*template.Template{}}
	for _, f := range files {
		name := path.Base(f)
		if strings.HasPrefix(name, "_") {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if t, err = t.ParseFS(templateFS, f); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// Names lists the page templates, for the test that renders every one.
func (p *pages) Names() []string {
	var out []string
	for n := range p.byName {
		out = append(out, n)
	}
	return out
}

// view is what every page template receives: the page's own data in D, and
// what the layout needs around it.
type view struct {
	P         *store.Principal
	Nav       []navItem
	Flash     string
	RequestID string
	Path      string
	D         any
	L         *i18n.Localizer // the reader's language (localizer in i18n.go)
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, data any) error {
	return s.renderStatus(w, r, http.StatusOK, name, data)
}

// renderStatus renders a page into a buffer first, so a template error never
// sends half a page.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, name string, data any) error {
	t, ok := s.pages.byName[name]
	if !ok {
		return fmt.Errorf("no template %s", name)
	}
	p := principal(r)
	startAudit(w) // the page's audit entry commits while it is rendered
	v := view{P: p, Nav: s.nav(r, p), RequestID: requestID(r), Path: r.URL.Path, D: data, L: localizer(r)}
	v.Flash = v.L.Message(takeFlash(w, r)) // a store's message carried over a redirect, in the page's language
	formsSpeak(data, v.L)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.log.Error("rendering", "template", name, "request_id", requestID(r), "err", err)
		if name != "error.html" {
			return fmt.Errorf("rendering %s: %w", name, err)
		}
		http.Error(w, v.L.T("messages.errors.page_failed", "Reference", requestID(r)), http.StatusInternalServerError)
		return nil
	}
	s.renderedMu.Lock()
	if s.rendered == nil {
		s.rendered = map[string]bool{}
	}
	s.rendered[name] = true
	s.renderedMu.Unlock()
	page := buf.Bytes()
	if p != nil {
		page = addFormTokens(page) // one-time tokens (reliability.go)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(page)
	return err
}

// renderFragment renders one template of a page (or, with page "", one of
// the shared partials) without the layout: the answer to an htmx request
// that swaps part of a page.
func (s *Server) renderFragment(w http.ResponseWriter, r *http.Request, page, name string, data any) error {
	t := s.pages.base
	if page != "" {
		var ok bool
		if t, ok = s.pages.byName[page]; !ok {
			return fmt.Errorf("no template %s", page)
		}
	}
	formsSpeak(data, localizer(r))
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("rendering %s/%s: %w", page, name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, err := buf.WriteTo(w)
	return err
}

// flash carries one short message to the next page (after a redirect). It
// holds fixed phrases, never details about a person.
func setFlash(w http.ResponseWriter, msg string) {
	http.SetCookie(w, &http.Cookie{Name: "flash", Value: url.QueryEscape(msg), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: 60})
}

func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie("flash")
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: "flash", Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	msg, _ := url.QueryUnescape(c.Value)
	return msg
}

// redirect sends the browser on after a successful form (303 See Other, so
// a reload does not send the form again), with an optional flash message.
func redirect(w http.ResponseWriter, r *http.Request, to, flash string) error {
	if flash != "" {
		setFlash(w, flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

func (s *Server) funcs() template.FuncMap {
	m := template.FuncMap{
		"asset":     func(name string) string { return s.assets.url(name) },
		"field":     newField,
		"roleLabel": roleLabel, // a role in words: roleLabel .L "peer"
		"label":     label,     // plain words for a stored value: label .L "mode" "in_person"
		"day":       fmtDay,    // a YYYY-MM-DD date as "30 Nov 2026"
		"dayIn":     dayIn,     // the same in the reader's language: dayIn .L "2026-11-30" gives "30 de noviembre de 2026"
		"date":      func(t time.Time) string { return fmtDate(t) },
		"datetime":  func(t time.Time) string { return fmtDateTime(t) },
		// One time format (issue 16): every time of day through core.
		"clock":     core.TimeOfDay,   // an instant's time of day: "10:00 am"
		"hhmm":      core.TimeOf,      // a stored time of day "13:30" as "1:30 pm"
		"hhmmRange": core.TimeRangeOf, // two stored times as "9:30 am–4:00 pm"
		"iso":       func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"version":   func() string { return s.version },
		"mailOn":    func() bool { return s.mail }, // an SMTP server is set up (email)
		"join":      strings.Join,
		"has": func(list any, v string) bool {
			switch l := list.(type) {
			case []string:
				for _, x := range l {
					if x == v {
						return true
					}
				}
			case []auth.Role:
				for _, x := range l {
					if string(x) == v {
						return true
					}
				}
			}
			return false
		},
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return fmt.Sprintf("%d %s", n, one)
			}
			return fmt.Sprintf("%d %s", n, many)
		},
		// Cohorts (issue 8): dates stored as YYYY-MM-DD, and percentages.
		"pct": store.Rate,
		// Workforce development (issue 5).
		"ymd":            fmtYMD,
		"minutes":        minutesLabel,    // minutes .L 90 is "1 h 30 min"
		"specialisation": specialisation,  // specialisation .L "deaf"
		"modeLabel":      supervisionMode, // modeLabel .L "in-person"
		// Groups (issue 7).
		"weekday": weekday, // weekday .L 1 is "Monday"
		"ymdOf":   func(t time.Time) string { return core.Today(t) },
		// Plans (issue 7): a phone number as a link that dials it.
		"telURL": telURL,
		// A person's recovery picture (issue 13): a change with its sign.
		"signed": signedNumber,
		"minus":  func(a, b int) int { return a - b },
		"yesNo":  yesNo,
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},

		// First day (issue 16): what a stage needs, in plain words.
		"stageNeeds": stageNeeds,
	}
	// The message catalogue: {{t .L "key"}} and {{tn .L "key" count}}.
	for k, f := range i18n.Funcs() {
		m[k] = f
	}
	return m
}

// Times are shown in Massachusetts time: the users are there.
var local = core.Local

func fmtDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(local).Format("2 Jan 2006")
}

func fmtDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return core.DateTime(t)
}

// assets serves the embedded static files under content-hashed URLs, so
// browsers may cache them for a year and still get a new file the moment it
// changes.
type assets struct {
	fsys   fs.FS
	hashOf map[string]string
}

func newAssets(override fs.FS) (*assets, error) {
	fsys := override
	if fsys == nil {
		sub, err := fs.Sub(staticFS, "static")
		if err != nil {
			return nil, err
		}
		fsys = sub
	}
	a := &assets{fsys: fsys, hashOf: map[string]string{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.hashOf[p] = hex.EncodeToString(sum[:])[:12]
		return nil
	})
	return a, err
}

func (a *assets) url(name string) string {
	h, ok := a.hashOf[name]
	if !ok {
		panic("no static file " + name) // a template names a file that does not exist: caught by the render-every-template test
	}
	return "/static/" + h + "/" + name
}

func (s *Server) static(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("path")
	h, ok := s.assets.hashOf[name]
	if !ok {
		http.NotFound(w, r)
		return nil
	}
	if r.PathValue("hash") == h {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	http.ServeFileFS(w, r, s.assets.fsys, name)
	return nil
}

// form holds what a person typed and what is wrong with it, so a page that
// fails validation comes back with every value still there.
type form struct {
	Values url.Values
	Errors map[string]string
	L      *i18n.Localizer // the page's language, set by render (formsSpeak) for the partials
}

func newForm(v url.Values) *form {
	if v == nil {
		v = url.Values{}
	}
	return &form{Values: v, Errors: map[string]string{}}
}

func (f *form) Get(k string) string { return strings.TrimSpace(f.Values.Get(k)) }

// Raw returns a value untrimmed (passwords, notes).
func (f *form) Raw(k string) string { return f.Values.Get(k) }

func (f *form) Checked(k string) bool {
	v := f.Values.Get(k)
	return v == "on" || v == "true" || v == "1" || v == "yes"
}

func (f *form) Has(k, v string) bool {
	for _, x := range f.Values[k] {
		if x == v {
			return true
		}
	}
	return false
}

func (f *form) Err(k string) string { return f.Errors[k] }

// Fail adds the field errors of err to the form and reports whether err was
// a validation error (which the page shows beside the fields).
func (f *form) Fail(err error) bool {
	e, ok := asInvalid(err)
	if !ok {
		return false
	}
	for k, v := range e.Fields {
		f.Errors[k] = v
	}
	if len(e.Fields) == 0 {
		f.Errors[""] = e.Message
	}
	return true
}

// translateErrors puts the form's messages in its language. The store's
// messages are catalogued under their English text (errors.*.toml, see
// i18n.Localizer.Message); one the catalogue does not hold (one built with
// numbers or names in it, or the web layer's own, already in the page's
// language) stays as it is, so translating twice does no harm.
func (f *form) translateErrors() {
	if f.L == nil {
		return
	}
	for k, v := range f.Errors {
		f.Errors[k] = f.L.Message(v)
	}
}

// formsSpeak gives every form a page's data holds (a *form field of the data
// struct, or a value of a data map) the page's language, so the partials a
// form is handed to ("field", "error-summary", "portal-errors") can say their
// own words in it, and translates the form's error messages into it.
func formsSpeak(data any, l *i18n.Localizer) {
	v := reflect.ValueOf(data)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	set := func(x reflect.Value) {
		if f, ok := x.Interface().(*form); ok && f != nil {
			f.L = l
			f.translateErrors()
		}
	}
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			if t.Field(i).IsExported() && t.Field(i).Type == reflect.TypeFor[*form]() {
				set(v.Field(i))
			}
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return
		}
		for it := v.MapRange(); it.Next(); {
			if e := it.Value(); e.Kind() == reflect.Interface && !e.IsNil() || e.Kind() == reflect.Pointer {
				set(e)
			}
		}
	}
}

// fieldView is one labelled input, rendered by the "field" partial with its
// hint and error tied to it for screen readers.
type fieldView struct {
	L                                         *i18n.Localizer // the form's language, for the partial's own words
	ID, Name, Label, Type, Value, Error, Hint string
	Autocomplete, Inputmode, Min, Max         string
	Required, Autofocus                       bool
	Rows                                      int
}

// newField builds a field from a form: field .Form "email" "Email address"
// "type=email" "autocomplete=username" "required" "hint=…".
func newField(f *form, name, label string, opts ...string) fieldView {
	v := fieldView{ID: "f-" + name, Name: name, Label: label, Type: "text"}
	if f != nil {
		v.L = f.L
		v.Value, v.Error = f.Values.Get(name), f.Errors[name]
	}
	for _, o := range opts {
		k, val, _ := strings.Cut(o, "=")
		switch k {
		case "type":
			v.Type = val
		case "autocomplete":
			v.Autocomplete = val
		case "inputmode":
			v.Inputmode = val
		case "hint":
			v.Hint = val
		case "required":
			v.Required = true
		case "autofocus":
			v.Autofocus = true
		case "min":
			v.Min = val
		case "max":
			v.Max = val
		case "rows":
			fmt.Sscan(val, &v.Rows)
		case "value":
			if v.Value == "" {
				v.Value = val
			}
		}
	}
	if v.Type == "password" {
		v.Value = "" // never sent back into a page
	}
	return v
}

// Describedby ties the hint and the error to the input for screen readers.
func (v fieldView) Describedby() string {
	var ids []string
	if v.Hint != "" {
		ids = append(ids, v.ID+"-hint")
	}
	if v.Error != "" {
		ids = append(ids, v.ID+"-error")
	}
	return strings.Join(ids, " ")
}
