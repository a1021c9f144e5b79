// Package recovery holds the pure logic of a person's recovery picture:
// assessment instruments (data files, not code), their scoring, the stages
// of change, the areas of need, and the geometry of the chart of recovery
// capital over time. It imports nothing of peerpath's but core.
package recovery

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Instrument is an assessment of recovery capital: statements the person
// answers on one scale. Instruments are read from JSON files (those shipped
// in instruments/, and any an organisation adds), so a new one needs no
// change of code.
type Instrument struct {
	Key       string `json:"key"`
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
	Citation  string `json:"citation"`
	Licence   string `json:"licence,omitempty"`
	Intro     string `json:"intro,omitempty"`
	Scale     Scale  `json:"scale"`
	Items     []Item `json:"items"`
}

// Scale is the range of an answer, with a label for every value from Min to Max.
type Scale struct {
	Min    int      `json:"min"`
	Max    int      `json:"max"`
	Labels []string `json:"labels"`
}

// Item is one statement.
type Item struct {
	Key  string `json:"key"`
	Text string `json:"text"`
}

// Limits of an instrument file.
const (
	MaxItems     = 100
	MaxScaleSize = 11
	MaxFileBytes = 256 << 10
)

var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Parse reads and checks an instrument file. The error says, in plain
// words, what is wrong with it.
func Parse(b []byte) (Instrument, error) {
	var in Instrument
	if len(b) > MaxFileBytes {
		return in, fmt.Errorf("the file is larger than %d KB", MaxFileBytes>>10)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return in, fmt.Errorf("the file is not an instrument in JSON: %v", err)
	}
	in.Name, in.ShortName, in.Citation = strings.TrimSpace(in.Name), strings.TrimSpace(in.ShortName), strings.TrimSpace(in.Citation)
	switch {
	case !keyPattern.MatchString(in.Key):
		return in, fmt.Errorf("key must be lower-case letters, digits and _ (at most 40), starting with a letter")
	case in.Name == "" || utf8.RuneCountInString(in.Name) > 200:
		return in, fmt.Errorf("name must be 1 to 200 characters")
	case in.Citation == "":
		return in, fmt.Errorf("citation is needed: say where the instrument comes from")
	case in.Scale.Min < 0 || in.Scale.Max <= in.Scale.Min || in.Scale.Max-in.Scale.Min+1 > MaxScaleSize:
		return in, fmt.Errorf("scale must run from min to a larger max, with at most %d values", MaxScaleSize)
	case len(in.Scale.Labels) != in.Scale.Max-in.Scale.Min+1:
		return in, fmt.Errorf("scale needs one label for each value from %d to %d", in.Scale.Min, in.Scale.Max)
	case len(in.Items) == 0 || len(in.Items) > MaxItems:
		return in, fmt.Errorf("items must hold 1 to %d statements", MaxItems)
	}
	if in.ShortName == "" {
		in.ShortName = in.Name
	}
	seen := map[string]bool{}
	for i, it := range in.Items {
		if !keyPattern.MatchString(it.Key) || seen[it.Key] {
			return in, fmt.Errorf("item %d needs a key of its own (lower-case letters, digits and _)", i+1)
		}
		seen[it.Key] = true
		if strings.TrimSpace(it.Text) == "" {
			return in, fmt.Errorf("item %d has no statement", i+1)
		}
	}
	return in, nil
}

// Lowest and Highest are the totals of a complete assessment at the ends of
// the scale (10 and 60 for the BARC-10).
func (in Instrument) Lowest() int  { return in.Scale.Min * len(in.Items) }
func (in Instrument) Highest() int { return in.Scale.Max * len(in.Items) }

// Label is the words for answer value v.
func (in Instrument) Label(v int) string {
	if v < in.Scale.Min || v > in.Scale.Max {
		return ""
	}
	return in.Scale.Labels[v-in.Scale.Min]
}

// Values lists the answer values in order.
func (in Instrument) Values() []int {
	var out []int
	for v := in.Scale.Min; v <= in.Scale.Max; v++ {
		out = append(out, v)
	}
	return out
}

// Score checks answers (nil is "prefer not to answer") and returns the
// total of the answers given and whether every statement was answered.
// Field errors name "answers" for a wrong count and "answers.<n>" (n from
// 0) for a value off the scale.
func (in Instrument) Score(answers []*int) (total int, complete bool, fields map[string]string) {
	fields = map[string]string{}
	if len(answers) != len(in.Items) {
		fields["answers"] = fmt.Sprintf("Give %d answers, one for each statement (null for “prefer not to answer”); %d were given.", len(in.Items), len(answers))
		return 0, false, fields
	}
	complete = true
	for i, a := range answers {
		if a == nil {
			complete = false
			continue
		}
		if *a < in.Scale.Min || *a > in.Scale.Max {
			fields[fmt.Sprintf("answers.%d", i)] = fmt.Sprintf("Choose an answer from %d (%s) to %d (%s), or prefer not to answer.",
				in.Scale.Min, strings.ToLower(in.Scale.Labels[0]), in.Scale.Max, strings.ToLower(in.Scale.Labels[len(in.Scale.Labels)-1]))
			continue
		}
		total += *a
	}
	return total, complete, fields
}

//go:embed instruments/*.json
var shippedFS embed.FS

var shipped = mustShipped()

func mustShipped() []Instrument {
	files, err := fs.Glob(shippedFS, "instruments/*.json")
	if err != nil {
		panic(err)
	}
	var out []Instrument
	for _, f := range files {
		b, err := shippedFS.ReadFile(f)
		if err != nil {
			panic(err)
		}
		in, err := Parse(b)
		if err != nil {
			panic(fmt.Sprintf("recovery: shipped instrument %s: %v", f, err))
		}
		out = append(out, in)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// DefaultInstrument is the key of the instrument taken unless another is
// chosen.
const DefaultInstrument = "barc10"

// Shipped lists the instruments that come with peerpath.
func Shipped() []Instrument { return append([]Instrument(nil), shipped...) }

// ShippedFile returns the JSON file of a shipped instrument, for an
// organisation to copy and adapt.
func ShippedFile(key string) ([]byte, bool) {
	b, err := shippedFS.ReadFile("instruments/" + key + ".json")
	return b, err == nil
}

// ---- Stages of change ----

// Stages of change, in order.
var Stages = []string{"precontemplation", "contemplation", "preparation", "action", "maintenance"}

// StageWords describes each stage in plain words, as the person's view.
var StageWords = map[string]string{
	"precontemplation": "Not thinking about a change here right now.",
	"contemplation":    "Thinking about a change, and weighing it up.",
	"preparation":      "Getting ready: planning first steps soon.",
	"action":           "Making the change now.",
	"maintenance":      "Keeping a change going, and finding what helps it last.",
}

// StageNames are the stages' names for people.
var StageNames = map[string]string{
	"precontemplation": "Not yet thinking about it",
	"contemplation":    "Thinking about it",
	"preparation":      "Getting ready",
	"action":           "Doing it",
	"maintenance":      "Keeping it going",
}

// ---- Areas of need ----

// Area is one life area in the guided check of needs.
type Area struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	// LifeArea is the goals' life area (health, home, purpose, community)
	// that a goal started from this need takes; empty lets the worker choose.
	LifeArea string `json:"life_area,omitempty"`
}

// DefaultAreas are the areas of need unless an organisation sets its own.
var DefaultAreas = []Area{
	{"housing", "Housing", "home"},
	{"income_and_benefits", "Income and benefits", "home"},
	{"work_and_education", "Work and education", "purpose"},
	{"physical_health", "Physical health", "health"},
	{"emotional_wellbeing", "Emotional wellbeing", "health"},
	{"substance_use", "Substance use", "health"},
	{"relationships_and_family", "Relationships and family", "community"},
	{"legal_matters", "Legal matters", "community"},
	{"transport", "Transport", "community"},
	{"food", "Food", "home"},
	{"safety", "Safety", "home"},
	{"meaning_and_spirituality", "Meaning and spirituality", "purpose"},
}

// AreaKey makes a key from an area's label: "Child care" is child_care.
func AreaKey(label string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(strings.TrimSpace(label)) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			under = false
		case !under && b.Len() > 0:
			b.WriteByte('_')
			under = true
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// ---- The chart ----

// Point is one assessment on the chart.
type Point struct {
	TakenOn  string // YYYY-MM-DD
	Total    int
	Complete bool
}

// ChartPoint is a point placed on the chart, in the SVG's units.
type ChartPoint struct {
	Point
	X, Y float64
}

// Tick is a line across the chart at a value.
type Tick struct {
	Value int
	Y     float64
}

// Chart is the geometry of the chart of totals over time: a server-drawn
// SVG, whose accessible alternative is the table beside it.
type Chart struct {
	Width, Height float64
	Left, Right   float64 // the plot's edges
	Top, Bottom   float64
	Points        []ChartPoint
	Line          string // the polyline's points through complete assessments
	Ticks         []Tick
	First, Last   string // the dates at the ends of the time axis
}

// Layout places points (oldest first) on a chart from lowest to highest.
// Time runs by day along the x axis; partial totals are drawn but not
// joined into the line, since they are not comparable.
func Layout(points []Point, lowest, highest int, days func(from, to string) int) Chart {
	c := Chart{Width: 640, Height: 260, Left: 44, Right: 624, Top: 16, Bottom: 224}
	if len(points) == 0 || highest <= lowest {
		return c
	}
	c.First, c.Last = points[0].TakenOn, points[len(points)-1].TakenOn
	span := days(c.First, c.Last)
	round := func(v float64) float64 { return math.Round(v*10) / 10 }
	y := func(v int) float64 {
		return round(c.Bottom - float64(v-lowest)/float64(highest-lowest)*(c.Bottom-c.Top))
	}
	step := (highest - lowest) / 5
	if step < 1 {
		step = 1
	}
	for v := lowest; v <= highest; v += step {
		c.Ticks = append(c.Ticks, Tick{Value: v, Y: y(v)})
	}
	var line []string
	for _, p := range points {
		x := (c.Left + c.Right) / 2
		if span > 0 {
			x = round(c.Left + float64(days(c.First, p.TakenOn))/float64(span)*(c.Right-c.Left))
		}
		cp := ChartPoint{Point: p, X: x, Y: y(max(lowest, min(highest, p.Total)))}
		c.Points = append(c.Points, cp)
		if p.Complete {
			line = append(line, fmt.Sprintf("%.1f,%.1f", cp.X, cp.Y))
		}
	}
	c.Line = strings.Join(line, " ")
	return c
}
