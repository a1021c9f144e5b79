package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"peerpath/internal/core"
	"peerpath/internal/framework"
	"peerpath/internal/i18n"
	"peerpath/internal/store"
)

// chartFor returns the chart a framework page shows: the one named by
// ?chart= (any version the organisation holds), or the active one.
func (s *Server) chartFor(r *http.Request) (store.ChartVersion, error) {
	orgID := principal(r).Org.ID
	if raw := r.URL.Query().Get("chart"); raw != "" {
		cid, err := parseID("chart", raw)
		if err != nil {
			return store.ChartVersion{}, core.NotFound("The chart")
		}
		return s.store.ChartVersion(r.Context(), orgID, cid)
	}
	return s.store.ActiveChart(r.Context(), orgID)
}

// trackParam reads ?track=, defaulting to both.
func trackParam(r *http.Request) (framework.Track, error) {
	raw := r.URL.Query().Get("track")
	if raw == "" {
		return framework.TrackBoth, nil
	}
	t, err := framework.ParseTrack(raw)
	if err != nil {
		return "", core.Malformed("track", fmt.Sprintf("Unknown track %s: use both, mental-health or addiction.", quote(raw)))
	}
	return t, nil
}

func quote(s string) string { return `"` + s + `"` }

// trackChoice is one option of the track selector.
type trackChoice struct {
	Value, Label string
	Selected     bool
}

func trackChoices(l *i18n.Localizer, selected framework.Track) []trackChoice {
	var out []trackChoice
	for _, t := range []framework.Track{framework.TrackBoth, framework.TrackMentalHealth, framework.TrackAddiction} {
		out = append(out, trackChoice{Value: string(t), Label: label(l, "track", string(t)), Selected: t == selected})
	}
	return out
}

// kindSection is the items of one kind within a stage.
type kindSection struct {
	Kind    framework.Kind
	Heading string
	Items   []framework.Requirement
}

// kindHeadings are the kinds of a stage's items in the order shown; each
// heading is labels.requirement_kind.<kind>.
var kindHeadings = []framework.Kind{framework.KindCompetency, framework.KindPrerequisite, framework.KindTraining, framework.KindMastery, framework.KindRole}

func groupByKind(l *i18n.Localizer, reqs []framework.Requirement) []kindSection {
	var out []kindSection
	for _, k := range kindHeadings {
		sec := kindSection{Kind: k, Heading: label(l, "requirement_kind", string(k))}
		for _, r := range reqs {
			if r.Kind == k {
				sec.Items = append(sec.Items, r)
			}
		}
		if len(sec.Items) > 0 {
			out = append(out, sec)
		}
	}
	return out
}

type stageSection struct {
	Stage   framework.StageInfo
	New     []kindSection // items first listed at this stage
	Carried []kindSection // items carried into it from earlier stages
	NCarry  int
}

type frameworkView struct {
	Chart      store.ChartVersion
	Track      framework.Track
	Tracks     []trackChoice
	Stages     []stageSection
	ChartParam string // ?chart= when browsing a version other than the active one
	StageName  map[framework.Stage]string
}

// chartParam is the ?chart= a page was asked for ("" for the active chart),
// carried into its links so browsing stays on the same version.
func chartParam(r *http.Request) string { return r.URL.Query().Get("chart") }

func stageNames(c *framework.Chart) map[framework.Stage]string {
	m := map[framework.Stage]string{}
	for _, st := range c.Stages() {
		m[st.Key] = st.Name
	}
	return m
}

func (s *Server) frameworkPage(w http.ResponseWriter, r *http.Request) error {
	cv, err := s.chartFor(r)
	if err != nil {
		return err
	}
	track, err := trackParam(r)
	if err != nil {
		return err
	}
	v := frameworkView{Chart: cv, Track: track, Tracks: trackChoices(localizer(r), track), ChartParam: chartParam(r), StageName: stageNames(cv.Chart)}
	for _, st := range cv.Chart.Stages() {
		var own, carried []framework.Requirement
		for _, req := range framework.EffectiveRequirements(cv.Chart, st.Key, track) {
			if req.Carried {
				carried = append(carried, req)
			} else {
				own = append(own, req)
			}
		}
		v.Stages = append(v.Stages, stageSection{Stage: st, New: groupByKind(localizer(r), own), Carried: groupByKind(localizer(r), carried), NCarry: len(carried)})
	}
	return s.render(w, r, "framework.html", v)
}

type itemView struct {
	Chart        store.ChartVersion
	Item         framework.Item
	StageName    map[framework.Stage]string
	AppliesAt    []framework.StageInfo
	Supersedes   *framework.Item
	SupersededBy []framework.Item
	ChartParam   string
	Glossary     []glossaryLink
}

// glossaryLink is a glossary term that mentions a chart item.
type glossaryLink struct {
	Term, Slug string
}

func (s *Server) frameworkItem(w http.ResponseWriter, r *http.Request) error {
	cv, err := s.chartFor(r)
	if err != nil {
		return err
	}
	it, ok := cv.Chart.Item(r.PathValue("key"))
	if !ok {
		return core.NotFound("This chart item")
	}
	v := itemView{Chart: cv, Item: it, StageName: stageNames(cv.Chart), ChartParam: chartParam(r)}
	track := it.Track
	for _, st := range cv.Chart.Stages() {
		for _, req := range framework.EffectiveRequirements(cv.Chart, st.Key, track) {
			if req.Key == it.Key {
				v.AppliesAt = append(v.AppliesAt, st)
				break
			}
		}
	}
	if it.Supersedes != "" {
		if prev, ok := cv.Chart.Item(it.Supersedes); ok {
			v.Supersedes = &prev
		}
	}
	for _, other := range cv.Chart.Items() {
		if other.Supersedes == it.Key {
			v.SupersededBy = append(v.SupersededBy, other)
		}
	}
	v.Glossary = s.glossaryLinks(r, it)
	return s.render(w, r, "framework_item.html", v)
}

// glossaryLinks lists the glossary terms that an item names.
func (s *Server) glossaryLinks(r *http.Request, it framework.Item) []glossaryLink {
	var out []glossaryLink
	for _, e := range s.glossaryFor(r, it.Key) {
		out = append(out, glossaryLink{Term: e.Term, Slug: e.Slug})
	}
	return out
}

type compareView struct {
	Chart      store.ChartVersion
	Form       *form
	Stages     []framework.StageInfo
	Tracks     []trackChoice
	From, To   framework.StageInfo
	Sections   []kindSection
	Done       bool
	StageName  map[framework.Stage]string
	ChartParam string
	TotalAdded int
}

func (s *Server) frameworkCompare(w http.ResponseWriter, r *http.Request) error {
	cv, err := s.chartFor(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := newForm(q)
	stages := cv.Chart.Stages()
	if f.Get("from") == "" && f.Get("to") == "" && len(stages) > 1 {
		f.Values.Set("from", string(stages[0].Key))
		f.Values.Set("to", string(stages[1].Key))
	}
	track, terr := trackParam(r)
	if terr != nil {
		f.Errors["track"] = "Choose one of the tracks."
		track = framework.TrackBoth
	}
	v := compareView{Chart: cv, Form: f, Stages: stages, Tracks: trackChoices(localizer(r), track), StageName: stageNames(cv.Chart), ChartParam: chartParam(r)}
	from, ferr := cv.Chart.LookupStage(f.Get("from"))
	if ferr != nil {
		f.Errors["from"] = "Choose a stage."
	}
	to, toErr := cv.Chart.LookupStage(f.Get("to"))
	if toErr != nil {
		f.Errors["to"] = "Choose a stage."
	}
	if len(f.Errors) == 0 {
		reqs, err := framework.Diff(cv.Chart, from, to, track)
		if f.Fail(err) {
			if msg := f.Errors["to"]; msg != "" {
				f.Errors["to"] = fmt.Sprintf("Choose a stage after the first one (%s).", msg)
			}
		} else if err != nil {
			return err
		} else {
			v.Done, v.Sections, v.TotalAdded = true, groupByKind(localizer(r), reqs), len(reqs)
			v.From, _ = cv.Chart.StageByKey(from)
			v.To, _ = cv.Chart.StageByKey(to)
		}
	}
	status := http.StatusOK
	if len(f.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return s.renderStatus(w, r, status, "framework_compare.html", v)
}

type chartsAdminView struct {
	Versions []store.ChartVersion
	Form     *form
	Problems []framework.Problem
	Message  string
}

func (s *Server) chartsAdmin(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.store.ChartVersions(r.Context(), principal(r).Org.ID)
	if err != nil {
		return err
	}
	f, ok := s.draftForm(r)
	if !ok {
		f = newForm(nil)
	}
	return s.render(w, r, "admin_frameworks.html", chartsAdminView{Versions: vs, Form: f})
}

// readChartUpload takes a chart from a file field or, failing that, a
// pasted text field.
func readChartUpload(r *http.Request, f *form) ([]byte, error) {
	file, _, err := r.FormFile("file")
	if err == nil {
		defer file.Close()
		return io.ReadAll(io.LimitReader(file, store.MaxChartSize+1))
	}
	if !errors.Is(err, http.ErrMissingFile) && !errors.Is(err, http.ErrNotMultipart) {
		return nil, core.Invalid(map[string]string{"file": "The file could not be read. Try choosing it again."})
	}
	return []byte(strings.TrimSpace(f.Raw("text"))), nil
}

func (s *Server) chartsImport(w http.ResponseWriter, r *http.Request) error {
	f, err := parseMultipart(r)
	if err != nil {
		return err
	}
	data, err := readChartUpload(r, f)
	var v store.ChartVersion
	if err == nil {
		v, err = s.store.ImportChart(r.Context(), s.actor(r), data)
	}
	if err != nil {
		view := chartsAdminView{Form: f}
		var ve *framework.ValidationError
		switch {
		case errors.As(err, &ve):
			view.Problems, view.Message = ve.Problems, ve.CoreError().Message
		case core.KindOf(err) == core.KindConflict:
			view.Message = err.Error()
		case !f.Fail(err):
			return err
		}
		if f.Errors["chart"] != "" {
			f.Errors["file"] = f.Errors["chart"]
			delete(f.Errors, "chart")
		}
		if view.Versions, err = s.store.ChartVersions(r.Context(), principal(r).Org.ID); err != nil {
			return err
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "admin_frameworks.html", view)
	}
	return redirect(w, r, "/admin/frameworks", localizer(r).T("messages.framework.loaded", "Title", v.Title, "Version", v.Version))
}

func (s *Server) chartsActivate(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.store.ActivateChart(r.Context(), s.actor(r), cid); err != nil {
		return err
	}
	return redirect(w, r, "/admin/frameworks", localizer(r).T("messages.framework.chart_active"))
}
