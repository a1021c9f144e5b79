package web

import (
	"net/http"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/framework"
	"peerpath/internal/store"
)

// The career framework's organisation rules (issue 12): the codes of ethics
// through the API, and the administrators' page (and API) for the chart's
// items whose reading the organisation chooses: conditional items such as
// CORI, and "required or preferred" strengths. Choosing a worker's track
// lives with the readiness page (development.go).

// ethicsCodeJSON is one code of ethics with its current version, and where
// the caller stands with it.
type ethicsCodeJSON struct {
	Key     string                `json:"key" doc:"cps, rsc, or another code the active chart names"`
	Title   string                `json:"title"`
	Tracks  []string              `json:"tracks" doc:"the tracks whose workers sign it; a worker on both tracks signs every code"`
	Current ethicsCodeVersionJSON `json:"current"`
	Applies bool                  `json:"applies" doc:"the code applies to the caller's track (false while the caller has no track)"`
	Signed  bool                  `json:"signed" doc:"the caller has signed the current version"`
}

type ethicsCodeVersionJSON struct {
	Hash        string    `json:"hash" doc:"SHA-256 of the text; send it back with the code's key to sign"`
	Title       string    `json:"title"`
	Shipped     bool      `json:"shipped" doc:"the text shipped with peerpath (its CPS summary, or the RSC placeholder) rather than the organisation's own"`
	PublishedAt time.Time `json:"published_at"`
	Text        string    `json:"text"`
}

func (s *Server) apiEthicsCodes(w http.ResponseWriter, r *http.Request) error {
	all, err := s.store.EthicsStatusesOf(r.Context(), s.actor(r), principal(r).User.ID)
	if err != nil {
		return err
	}
	out := listJSON[ethicsCodeJSON]{Items: make([]ethicsCodeJSON, 0, len(all))}
	for _, st := range all {
		c := st.Code
		tracks := make([]string, len(c.Tracks))
		for i, t := range c.Tracks {
			tracks[i] = string(t)
		}
		out.Items = append(out.Items, ethicsCodeJSON{Key: c.Key, Title: c.Title, Tracks: tracks, Applies: st.Applies, Signed: st.Signed != nil,
			Current: ethicsCodeVersionJSON{Hash: c.Current.Hash, Title: c.Current.Title, Shipped: c.Current.Shipped, PublishedAt: c.Current.PublishedAt.UTC(), Text: c.Current.Text}})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// frameworkChoiceJSON is one item the organisation decides about, in the
// chart's own words, with its decision.
type frameworkChoiceJSON struct {
	ItemKey         string     `json:"item_key"`
	Label           string     `json:"label" doc:"the chart's own words"`
	Description     string     `json:"description,omitempty"`
	Stage           string     `json:"stage"`
	Track           string     `json:"track" enum:"both,mental-health,addiction"`
	Conditional     bool       `json:"conditional" doc:"applies only where the organisation asks for it"`
	Question        string     `json:"question,omitempty" doc:"for a conditional item: what the organisation is asked"`
	Applies         bool       `json:"applies" doc:"a conditional item the organisation has switched on (items that are not conditional always apply)"`
	StrengthOptions []string   `json:"strength_options,omitempty" doc:"the strengths the organisation may choose between"`
	Strength        string     `json:"strength" enum:"required,expected,preferred" doc:"the strength readiness uses: the organisation's choice, or the chart's default reading"`
	Chosen          bool       `json:"chosen" doc:"the organisation chose the strength (false: the chart's default reading)"`
	UpdatedAt       *time.Time `json:"updated_at"`
	UpdatedBy       string     `json:"updated_by,omitempty"`
}

// frameworkChoiceInJSON decides one item; absent fields stay as they are.
type frameworkChoiceInJSON struct {
	Applies  *bool   `json:"applies,omitempty" doc:"conditional items only"`
	Strength *string `json:"strength,omitempty" doc:"one of the item's strength_options, or \"\" for the chart's default reading"`
}

func toFrameworkChoiceJSON(c store.FrameworkChoice) frameworkChoiceJSON {
	it := c.Item
	out := frameworkChoiceJSON{ItemKey: it.Key, Label: it.Label, Description: it.Description, Stage: string(it.Stage), Track: string(it.Track),
		Conditional: it.Conditional, Question: it.Question, Applies: !it.Conditional || c.Applies,
		Strength: string(c.EffectiveStrength()), Chosen: c.Strength != "", UpdatedBy: c.UpdatedByName}
	for _, o := range it.StrengthOptions {
		out.StrengthOptions = append(out.StrengthOptions, string(o))
	}
	if c.Decided() {
		out.UpdatedAt = rfc3339(c.UpdatedAt)
	}
	return out
}

func (s *Server) apiFrameworkChoices(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.store.FrameworkChoices(r.Context(), s.actor(r))
	if err != nil {
		return err
	}
	out := listJSON[frameworkChoiceJSON]{Items: make([]frameworkChoiceJSON, 0, len(cs))}
	for _, c := range cs {
		out.Items = append(out.Items, toFrameworkChoiceJSON(c))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiSetFrameworkChoice(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	var in frameworkChoiceInJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	cs, err := s.store.FrameworkChoices(r.Context(), s.actor(r))
	if err != nil {
		return err
	}
	found := false
	for _, c := range cs {
		found = found || c.Item.Key == key
	}
	if !found {
		return core.NotFound("The item")
	}
	err = s.store.SetFrameworkChoices(r.Context(), s.actor(r), []store.FrameworkChoiceInput{{ItemKey: key, Applies: in.Applies, Strength: in.Strength}})
	if e, ok := core.As(err); ok && e.Kind == core.KindInvalid {
		// The store names fields as the page does; the API's are plain.
		fields := map[string]string{}
		for k, v := range e.Fields {
			switch k {
			case "applies-" + key:
				k = "applies"
			case "strength-" + key:
				k = "strength"
			}
			fields[k] = v
		}
		return core.Invalid(fields)
	}
	if err != nil {
		return err
	}
	cs, err = s.store.FrameworkChoices(r.Context(), s.actor(r))
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.Item.Key == key {
			writeJSON(w, http.StatusOK, toFrameworkChoiceJSON(c))
		}
	}
	return nil
}

// frameworkChoiceRow is one item on the administrators' page.
type frameworkChoiceRow struct {
	store.FrameworkChoice
	StageName string
	Options   []trackChoice // the strengths, as radio choices
}

type frameworkChoicesView struct {
	Rows       []frameworkChoiceRow
	ChartTitle string
	Form       *form
}

func (s *Server) frameworkChoicesView(r *http.Request, f *form) (frameworkChoicesView, error) {
	cs, err := s.store.FrameworkChoices(r.Context(), s.actor(r))
	if err != nil {
		return frameworkChoicesView{}, err
	}
	cv, err := s.store.ActiveChart(r.Context(), principal(r).Org.ID)
	if err != nil {
		return frameworkChoicesView{}, err
	}
	if f == nil {
		f = newForm(nil)
		for _, c := range cs {
			if c.Item.Conditional {
				applies := "no"
				if c.Applies {
					applies = "yes"
				}
				f.Values.Set("applies-"+c.Item.Key, applies)
			}
			if len(c.Item.StrengthOptions) > 0 {
				f.Values.Set("strength-"+c.Item.Key, string(c.EffectiveStrength()))
			}
		}
	}
	v := frameworkChoicesView{ChartTitle: cv.Title, Form: f}
	for _, c := range cs {
		row := frameworkChoiceRow{FrameworkChoice: c}
		if st, ok := cv.Chart.StageByKey(c.Item.Stage); ok {
			row.StageName = st.Name
		}
		for _, o := range c.Item.StrengthOptions {
			row.Options = append(row.Options, trackChoice{Value: string(o), Label: string(o), Selected: f.Get("strength-"+c.Item.Key) == string(o)})
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

func (s *Server) frameworkChoicesPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.frameworkChoicesView(r, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, "admin_framework_choices.html", v)
}

func (s *Server) saveFrameworkChoices(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	cv, err := s.store.ActiveChart(r.Context(), principal(r).Org.ID)
	if err != nil {
		return err
	}
	var in []store.FrameworkChoiceInput
	for _, it := range cv.Chart.OrgChoices() {
		x := store.FrameworkChoiceInput{ItemKey: it.Key}
		if it.Conditional {
			switch f.Get("applies-" + it.Key) {
			case "yes", "no":
				yes := f.Get("applies-"+it.Key) == "yes"
				x.Applies = &yes
			default:
				f.Errors["applies-"+it.Key] = "Answer yes or no."
			}
		}
		if len(it.StrengthOptions) > 0 {
			st := f.Get("strength-" + it.Key)
			x.Strength = &st
		}
		in = append(in, x)
	}
	if len(f.Errors) == 0 {
		err = s.store.SetFrameworkChoices(r.Context(), s.actor(r), in)
		f.Fail(err)
	}
	if len(f.Errors) > 0 {
		v, verr := s.frameworkChoicesView(r, f)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "admin_framework_choices.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin/framework-choices", localizer(r).T("messages.framework.choices_saved"))
}

// Meaning says what the strength in effect means for readiness.
func (r frameworkChoiceRow) Meaning() string {
	if len(r.Item.StrengthOptions) == 0 {
		return ""
	}
	if r.EffectiveStrength().Blocks() {
		return "blocks readiness until met or waived"
	}
	return "an advantage that does not block"
}

// DefaultStrength is the chart's reading until the organisation chooses.
func (r frameworkChoiceRow) DefaultStrength() framework.Strength { return r.Item.Strength }
