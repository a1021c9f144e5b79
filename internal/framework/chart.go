package framework

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"peerpath/internal/core"
)

// Chart is a parsed, validated development chart. It is immutable once
// parsed: accessors return copies, so a chart can be shared freely (MA2014
// returns the same *Chart to every caller).
type Chart struct {
	id, title, version, jurisdiction, published, source string

	stages   []StageInfo
	items    []Item
	codes    []EthicsCodeInfo
	byKey    map[string]int
	stageIdx map[Stage]int
}

// ID is the chart's identifier, e.g. "ma-2014".
func (c *Chart) ID() string { return c.id }

// Title is the chart's title.
func (c *Chart) Title() string { return c.title }

// Version is the version of the chart file.
func (c *Chart) Version() string { return c.version }

// Jurisdiction is where the chart applies, e.g. "US-MA".
func (c *Chart) Jurisdiction() string { return c.jurisdiction }

// Published is the month the source was published, as YYYY-MM.
func (c *Chart) Published() string { return c.published }

// Source is a short citation of the document the chart follows.
func (c *Chart) Source() string { return c.source }

// Stages returns the stages in order.
func (c *Chart) Stages() []StageInfo { return slices.Clone(c.stages) }

// StageIndex returns the position of stage in the chart's order, or -1 if the
// chart has no such stage.
func (c *Chart) StageIndex(stage Stage) int {
	if i, ok := c.stageIdx[stage]; ok {
		return i
	}
	return -1
}

// StageByKey returns the stage with the given key.
func (c *Chart) StageByKey(stage Stage) (StageInfo, bool) {
	i := c.StageIndex(stage)
	if i < 0 {
		return StageInfo{}, false
	}
	return c.stages[i], true
}

// stageName is the stage's display name, or its key when it has none.
func (c *Chart) stageName(stage Stage) string {
	if s, ok := c.StageByKey(stage); ok && s.Name != "" {
		return s.Name
	}
	return string(stage)
}

// LookupStage reads a stage as a person typed it: an exact key of this chart
// first, then the spellings ParseStage accepts, provided this chart defines
// the result. Anything else is an invalid-input error listing this chart's
// stage keys.
func (c *Chart) LookupStage(s string) (Stage, error) {
	if c.StageIndex(Stage(s)) >= 0 {
		return Stage(s), nil
	}
	if st := normaliseStage(s); st != "" && c.StageIndex(st) >= 0 {
		return st, nil
	}
	keys := make([]string, len(c.stages))
	for i, st := range c.stages {
		keys[i] = string(st.Key)
	}
	msg := "must be one of " + strings.Join(keys, ", ")
	return "", &core.Error{
		Kind:    core.KindInvalid,
		Message: fmt.Sprintf("Unknown stage %q: it %s.", s, msg),
		Fields:  map[string]string{"stage": msg},
	}
}

// Item returns the item with the given key.
func (c *Chart) Item(key string) (Item, bool) {
	i, ok := c.byKey[key]
	if !ok {
		return Item{}, false
	}
	return c.items[i], true
}

// Items returns every item in chart order.
func (c *Chart) Items() []Item { return slices.Clone(c.items) }

// EthicsCodes returns the codes of ethics or conduct the chart's items ask
// people to sign. A chart that defines none has one: a code keyed "cps"
// that every worker signs, which is what ethics_attestation meant before
// codes had keys.
func (c *Chart) EthicsCodes() []EthicsCodeInfo {
	if c == nil {
		return nil
	}
	if len(c.codes) == 0 {
		return []EthicsCodeInfo{{Key: DefaultEthicsCode, Title: "Code of Ethics", Tracks: []Track{TrackBoth}}}
	}
	out := make([]EthicsCodeInfo, len(c.codes))
	for i, e := range c.codes {
		out[i] = e
		out[i].Tracks = slices.Clone(e.Tracks)
	}
	return out
}

// EthicsCode returns the code with the given key.
func (c *Chart) EthicsCode(key string) (EthicsCodeInfo, bool) {
	for _, e := range c.EthicsCodes() {
		if e.Key == key {
			return e, true
		}
	}
	return EthicsCodeInfo{}, false
}

// DefaultEthicsCode is the code an attestation is to when none is named:
// the Massachusetts CPS Code of Ethics.
const DefaultEthicsCode = "cps"

// ethicsCodeOf is the code an item's met_by rule asks for, or "".
func (c *Chart) ethicsCodeOf(m MetBy) string {
	switch {
	case m.EthicsCode != "":
		return m.EthicsCode
	case m.EthicsAttestation:
		return c.EthicsCodes()[0].Key
	}
	return ""
}

// OrgChoices returns the items whose applicability or strength the
// organisation chooses, in chart order.
func (c *Chart) OrgChoices() []Item {
	var out []Item
	for _, it := range c.items {
		if it.OrgChoice() {
			out = append(out, it)
		}
	}
	return out
}

// CountsGroupSessions reports whether any item is met by facilitated group
// sessions, so that callers gather that fact only for charts that use it.
func (c *Chart) CountsGroupSessions() bool {
	if c == nil {
		return false
	}
	for _, it := range c.items {
		if it.MetBy.GroupSessionsFacilitated > 0 {
			return true
		}
	}
	return false
}

// chartFile is the on-disk shape. Stages and items stay raw so each can be
// checked on its own and its problems reported against its key.
type chartFile struct {
	ID           string            `json:"id"`
	Title        string            `json:"title"`
	Version      string            `json:"version"`
	Jurisdiction string            `json:"jurisdiction"`
	Published    string            `json:"published"`
	Source       string            `json:"source"`
	EthicsCodes  []EthicsCodeInfo  `json:"ethics_codes"`
	Stages       []json.RawMessage `json:"stages"`
	Items        []json.RawMessage `json:"items"`
}

// itemFile is an item as written; met_by stays raw so unknown rules can be
// named.
type itemFile struct {
	Key            string          `json:"key"`
	Kind           Kind            `json:"kind"`
	Stage          Stage           `json:"stage"`
	Track          Track           `json:"track"`
	Label          string          `json:"label"`
	Description    string          `json:"description"`
	CarriesForward bool            `json:"carries_forward"`
	Strength       Strength        `json:"strength"`
	Supersedes     string          `json:"supersedes"`
	Grandfather    bool            `json:"grandfather"`
	Acronym        string          `json:"acronym"`
	MetBy          json.RawMessage `json:"met_by"`
	Conditional    bool            `json:"conditional"`
	Question       string          `json:"question"`
	StrengthOpts   []Strength      `json:"strength_options"`
}

// The field names each object may have. encoding/json matches names without
// regard to case; checking them here first keeps "Label" from quietly
// counting as "label" and lets the message say which item had the bad field.
var (
	chartFields = []string{"id", "title", "version", "jurisdiction", "published", "source", "ethics_codes", "stages", "items"}
	stageFields = []string{"key", "name", "summary"}
	itemFields  = []string{"key", "kind", "stage", "track", "label", "description", "carries_forward",
		"strength", "supersedes", "grandfather", "acronym", "met_by", "conditional", "question", "strength_options"}
	metByRules = []string{"experience_months", "credential", "ethics_attestation", "ethics_code", "previous_experience", "group_sessions_facilitated"}
)

var slugRE = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*$`)

// maxKeyLen keeps keys short enough to use in URLs and database columns.
const maxKeyLen = 100

// Problem is one thing wrong with a chart. Key is the offending item's key
// ("" for problems with the chart as a whole, its stages, or an item with no
// key); Field is the JSON field at fault.
type Problem struct {
	Key     string `json:"key,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// String gives the problem as one line naming the item and field.
func (p Problem) String() string {
	var b strings.Builder
	if p.Key != "" {
		fmt.Fprintf(&b, "item %q: ", p.Key)
	}
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// ValidationError lists everything wrong with a chart, so whoever wrote it
// can fix it in one pass rather than one error at a time.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	noun := "problems"
	if len(parts) == 1 {
		noun = "problem"
	}
	return fmt.Sprintf("invalid chart (%d %s): %s", len(parts), noun, strings.Join(parts, "; "))
}

// CoreError converts the problems into an invalid-input *core.Error whose
// Fields are keyed "items.<key>.<field>" (or the field alone for problems
// with the chart as a whole), so the web layer can show them item by item.
func (e *ValidationError) CoreError() *core.Error {
	fields := make(map[string]string, len(e.Problems))
	for _, p := range e.Problems {
		name := p.Field
		if p.Key != "" {
			name = "items." + p.Key
			if p.Field != "" {
				name += "." + p.Field
			}
		}
		if name == "" {
			name = "chart"
		}
		if prev, ok := fields[name]; ok {
			fields[name] = prev + "; " + p.Message
		} else {
			fields[name] = p.Message
		}
	}
	noun := "problems"
	if len(e.Problems) == 1 {
		noun = "problem"
	}
	return &core.Error{
		Kind:    core.KindInvalid,
		Message: fmt.Sprintf("The chart was not loaded: it has %d %s.", len(e.Problems), noun),
		Fields:  fields,
	}
}

// Unwrap lets core.KindOf and errors.As see a ValidationError as an
// invalid-input *core.Error.
func (e *ValidationError) Unwrap() error { return e.CoreError() }

// collector gathers problems while a chart is checked.
type collector struct{ problems []Problem }

func (c *collector) add(key, field, format string, args ...any) {
	c.problems = append(c.problems, Problem{Key: key, Field: field, Message: fmt.Sprintf(format, args...)})
}

func (c *collector) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: c.problems}
}

// unknownFields reports the names in obj that are not in allowed, sorted so
// the messages come out in a stable order.
func unknownFields(obj map[string]json.RawMessage, allowed []string) []string {
	var out []string
	for k := range obj {
		if !slices.Contains(allowed, k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// decodeStrict decodes one JSON value into v, refusing unknown fields.
func decodeStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// describeJSONError turns a decoding error into a field and a message that
// make sense to someone editing the file.
func describeJSONError(err error) (field, msg string) {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Type != nil {
		f := te.Field
		if i := strings.LastIndex(f, "."); i >= 0 {
			f = f[i+1:]
		}
		return f, fmt.Sprintf("has the wrong type: expected %s, found a JSON %s", jsonTypeName(te.Type.Kind().String()), te.Value)
	}
	return "", err.Error()
}

func jsonTypeName(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice":
		return "a list"
	case "map", "struct":
		return "an object"
	case "int", "int64", "float64":
		return "a number"
	}
	return goKind
}

// Parse reads and validates a chart. On any problem it returns a
// *ValidationError listing all of them, each naming the offending item's key
// and field; nothing is returned half-loaded.
func Parse(data []byte) (*Chart, error) {
	var col collector

	var top map[string]json.RawMessage
	if err := decodeStrict(data, &top); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			col.add("", "", "the chart must be one JSON object, not a JSON %s", te.Value)
		} else {
			col.add("", "", "the chart must be one JSON object: %v", err)
		}
		return nil, col.err()
	}
	if top == nil {
		col.add("", "", "the chart must be a JSON object")
		return nil, col.err()
	}
	for _, f := range unknownFields(top, chartFields) {
		col.add("", f, "unknown field %q (allowed: %s)", f, strings.Join(chartFields, ", "))
	}
	if len(col.problems) > 0 {
		return nil, col.err()
	}
	var cf chartFile
	if err := decodeStrict(data, &cf); err != nil {
		field, msg := describeJSONError(err)
		col.add("", field, "%s", msg)
		return nil, col.err()
	}

	c := &Chart{
		id: cf.ID, title: cf.Title, version: cf.Version, jurisdiction: cf.Jurisdiction,
		published: cf.Published, source: cf.Source,
		byKey: map[string]int{}, stageIdx: map[Stage]int{},
	}
	switch {
	case strings.TrimSpace(cf.ID) == "":
		col.add("", "id", "the chart needs an id, e.g. \"ma-2014\"")
	case !slugRE.MatchString(cf.ID):
		col.add("", "id", "id %q must be a lowercase slug (a-z, 0-9, '.', '-', '_')", cf.ID)
	}
	if strings.TrimSpace(cf.Title) == "" {
		col.add("", "title", "the chart needs a title")
	}
	if cf.Published != "" {
		if _, err := time.Parse("2006-01", cf.Published); err != nil {
			col.add("", "published", "published %q must be a year and month, YYYY-MM", cf.Published)
		}
	}

	c.parseStages(cf.Stages, &col)
	c.parseEthicsCodes(cf.EthicsCodes, &col)
	files := c.parseItems(cf.Items, &col)
	c.checkSupersedes(files, &col)
	c.checkEthicsCodes(&col)

	if err := col.err(); err != nil {
		return nil, err
	}
	return c, nil
}

// parseStages checks and records the stage list. Order is list order; keys
// must be unique slugs.
func (c *Chart) parseStages(raws []json.RawMessage, col *collector) {
	if len(raws) == 0 {
		col.add("", "stages", "the chart needs at least one stage")
		return
	}
	for i, raw := range raws {
		where := fmt.Sprintf("stages[%d]", i)
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
			col.add("", where, "each stage must be an object with key, name and summary")
			continue
		}
		bad := unknownFields(obj, stageFields)
		for _, f := range bad {
			col.add("", where+"."+f, "unknown field %q (allowed: %s)", f, strings.Join(stageFields, ", "))
		}
		if len(bad) > 0 {
			continue
		}
		var st StageInfo
		if err := decodeStrict(raw, &st); err != nil {
			field, msg := describeJSONError(err)
			if field != "" {
				field = where + "." + field
			}
			col.add("", field, "%s", msg)
			continue
		}
		switch {
		case st.Key == "":
			col.add("", where+".key", "stage %d needs a key", i+1)
			continue
		case !slugRE.MatchString(string(st.Key)):
			col.add("", where+".key", "stage key %q must be a lowercase slug (a-z, 0-9, '.', '-', '_')", st.Key)
			continue
		}
		if _, dup := c.stageIdx[st.Key]; dup {
			col.add("", where+".key", "stage key %q is used twice", st.Key)
			continue
		}
		if strings.TrimSpace(st.Name) == "" {
			col.add("", where+".name", "stage %q needs a name", st.Key)
		}
		c.stageIdx[st.Key] = len(c.stages)
		c.stages = append(c.stages, st)
	}
}

// parseItems checks every item on its own (everything except supersedes,
// which needs all items) and records the good ones. It returns the decoded
// items by position, nil where an item could not be decoded.
func (c *Chart) parseItems(raws []json.RawMessage, col *collector) []*itemFile {
	if len(raws) == 0 {
		col.add("", "items", "the chart has no items")
		return nil
	}
	files := make([]*itemFile, len(raws))
	firstAt := map[string]int{} // key → position in the list, for duplicate messages
	for i, raw := range raws {
		where := fmt.Sprintf("items[%d]", i)
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
			col.add("", where, "each item must be a JSON object")
			continue
		}
		// Find the key first, so every later problem can name it.
		var key string
		if rk, ok := obj["key"]; ok {
			if json.Unmarshal(rk, &key) != nil {
				col.add("", where+".key", "key must be a string")
				continue
			}
		}
		// name is how problems refer to this item's field f.
		name := func(f string) (string, string) {
			if key == "" {
				return "", where + "." + f
			}
			return key, f
		}
		bad := unknownFields(obj, itemFields)
		for _, f := range bad {
			k, fl := name(f)
			col.add(k, fl, "unknown field %q (allowed: %s)", f, strings.Join(itemFields, ", "))
		}
		if len(bad) > 0 {
			continue
		}
		var it itemFile
		if err := decodeStrict(raw, &it); err != nil {
			field, msg := describeJSONError(err)
			k, fl := name(field)
			col.add(k, fl, "%s", msg)
			continue
		}
		files[i] = &it
		if c.checkItem(&it, name, firstAt, col) {
			firstAt[it.Key] = i
			c.byKey[it.Key] = len(c.items)
			c.items = append(c.items, Item{
				Key: it.Key, Kind: it.Kind, Stage: it.Stage, Track: it.Track, Label: it.Label,
				Description: it.Description, CarriesForward: it.CarriesForward, Strength: it.Strength,
				Supersedes: it.Supersedes, Grandfather: it.Grandfather, Acronym: it.Acronym,
				MetBy: parseMetBy(it.MetBy, nil), Conditional: it.Conditional, Question: strings.TrimSpace(it.Question),
				StrengthOptions: it.StrengthOpts,
			})
		}
	}
	return files
}

// checkItem reports the item's own problems and whether its key can be
// recorded (it has a usable, unused key). An item with other problems is
// still recorded so that supersedes references to it are not reported twice;
// the chart is refused anyway.
func (c *Chart) checkItem(it *itemFile, name func(string) (string, string), firstAt map[string]int, col *collector) bool {
	add := func(field, format string, args ...any) {
		k, f := name(field)
		col.add(k, f, format, args...)
	}
	keyOK := true
	switch {
	case it.Key == "":
		add("key", "the item needs a key")
		keyOK = false
	case len(it.Key) > maxKeyLen || !slugRE.MatchString(it.Key):
		add("key", "key must be a lowercase slug of at most %d characters (a-z, 0-9, '.', '-', '_')", maxKeyLen)
		keyOK = false
	default:
		if j, dup := firstAt[it.Key]; dup {
			add("key", "duplicate key: items[%d] already uses it", j)
			keyOK = false
		}
	}
	if !it.Kind.Valid() {
		add("kind", "unknown kind %q (allowed: mastery, role, competency, prerequisite, training)", it.Kind)
	}
	if c.StageIndex(it.Stage) < 0 {
		add("stage", "unknown stage %q (this chart's stages: %s)", it.Stage, c.stageKeys())
	}
	if !it.Track.Valid() {
		add("track", "unknown track %q (allowed: both, mental-health, addiction)", it.Track)
	}
	if strings.TrimSpace(it.Label) == "" {
		add("label", "the item needs a label")
	}
	switch {
	case it.Kind == KindPrerequisite && it.Strength == "":
		add("strength", "a prerequisite needs a strength: required, expected or preferred")
	case it.Kind == KindPrerequisite && !it.Strength.Valid():
		add("strength", "unknown strength %q (allowed: required, expected, preferred)", it.Strength)
	case it.Kind != KindPrerequisite && it.Strength != "":
		add("strength", "only prerequisites have a strength; this item is a %s", it.Kind)
	}
	if it.Supersedes != "" && it.Supersedes == it.Key {
		add("supersedes", "an item cannot supersede itself")
	}
	switch {
	case it.Conditional && strings.TrimSpace(it.Question) == "":
		add("question", "a conditional item needs its question: what the organisation is asked to decide whether it applies")
	case !it.Conditional && strings.TrimSpace(it.Question) != "":
		add("question", "only a conditional item has a question; add \"conditional\": true or remove the question")
	}
	if len(it.StrengthOpts) > 0 {
		switch {
		case it.Kind != KindPrerequisite:
			add("strength_options", "only prerequisites have strengths to choose between; this item is a %s", it.Kind)
		case len(it.StrengthOpts) < 2:
			add("strength_options", "list at least two strengths for the organisation to choose between, e.g. [\"required\", \"preferred\"]")
		default:
			for _, o := range it.StrengthOpts {
				if !o.Valid() {
					add("strength_options", "unknown strength %q (allowed: required, expected, preferred)", o)
				}
			}
			if it.Strength.Valid() && !slices.Contains(it.StrengthOpts, it.Strength) {
				add("strength", "the strength used until the organisation chooses (%q) must be one of strength_options", it.Strength)
			}
		}
	}
	if len(it.MetBy) > 0 {
		parseMetBy(it.MetBy, func(msg string) { add("met_by", "%s", msg) })
	}
	return keyOK
}

func (c *Chart) stageKeys() string {
	keys := make([]string, len(c.stages))
	for i, s := range c.stages {
		keys[i] = string(s.Key)
	}
	if len(keys) == 0 {
		return "none defined"
	}
	return strings.Join(keys, ", ")
}

// parseMetBy reads a met_by object. Problems go to report when it is not nil;
// whatever is bad is left out of the result.
func parseMetBy(raw json.RawMessage, report func(string)) MetBy {
	if report == nil {
		report = func(string) {}
	}
	var m MetBy
	if len(raw) == 0 || string(raw) == "null" {
		return m
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		report("met_by must be an object naming one rule: " + strings.Join(metByRules, ", "))
		return m
	}
	allowed := strings.Join(metByRules, ", ")
	for _, f := range unknownFields(obj, metByRules) {
		report(fmt.Sprintf("unknown met_by rule %q (allowed: %s)", f, allowed))
	}
	known := 0
	for _, r := range metByRules {
		if _, ok := obj[r]; ok {
			known++
		}
	}
	switch {
	case len(obj) == 0:
		report("met_by names no rule (allowed: " + allowed + ")")
		return m
	case known > 1:
		report("met_by must name exactly one rule")
		return MetBy{}
	}
	if v, ok := obj["experience_months"]; ok {
		var n int
		if json.Unmarshal(v, &n) != nil || n <= 0 {
			report("experience_months must be a whole number of months greater than zero")
		} else {
			m.ExperienceMonths = n
		}
	}
	if v, ok := obj["credential"]; ok {
		var s string
		if json.Unmarshal(v, &s) != nil || !slugRE.MatchString(s) {
			report("credential must be a lowercase slug such as \"cps\" or \"recovery-coach\"")
		} else {
			m.Credential = s
		}
	}
	if v, ok := obj["ethics_attestation"]; ok {
		var b bool
		if json.Unmarshal(v, &b) != nil || !b {
			report("ethics_attestation must be true")
		} else {
			m.EthicsAttestation = true
		}
	}
	if v, ok := obj["ethics_code"]; ok {
		var s string
		if json.Unmarshal(v, &s) != nil || !slugRE.MatchString(s) {
			report("ethics_code must name one of the chart's ethics_codes, such as \"cps\" or \"rsc\"")
		} else {
			m.EthicsCode = s
		}
	}
	if v, ok := obj["previous_experience"]; ok {
		var b bool
		if json.Unmarshal(v, &b) != nil || !b {
			report("previous_experience must be true")
		} else {
			m.PreviousExperience = true
		}
	}
	if v, ok := obj["group_sessions_facilitated"]; ok {
		var n int
		if json.Unmarshal(v, &n) != nil || n <= 0 {
			report("group_sessions_facilitated must be a whole number of sessions greater than zero")
		} else {
			m.GroupSessionsFacilitated = n
		}
	}
	return m
}

// parseEthicsCodes checks the codes of ethics the chart defines: unique slug
// keys, a title, and the tracks whose workers sign each.
func (c *Chart) parseEthicsCodes(codes []EthicsCodeInfo, col *collector) {
	seen := map[string]bool{}
	for i, e := range codes {
		where := fmt.Sprintf("ethics_codes[%d]", i)
		switch {
		case !slugRE.MatchString(e.Key):
			col.add("", where+".key", "code key %q must be a lowercase slug such as \"cps\" or \"rsc\"", e.Key)
			continue
		case seen[e.Key]:
			col.add("", where+".key", "code key %q is used twice", e.Key)
			continue
		}
		seen[e.Key] = true
		if strings.TrimSpace(e.Title) == "" {
			col.add("", where+".title", "code %q needs a title", e.Key)
		}
		if len(e.Tracks) == 0 {
			col.add("", where+".tracks", "code %q needs the tracks whose workers sign it (both, mental-health, addiction)", e.Key)
		}
		for _, t := range e.Tracks {
			if !t.Valid() {
				col.add("", where+".tracks", "unknown track %q (allowed: both, mental-health, addiction)", t)
			}
		}
		c.codes = append(c.codes, EthicsCodeInfo{Key: e.Key, Title: strings.TrimSpace(e.Title), Tracks: slices.Clone(e.Tracks)})
	}
}

// checkEthicsCodes reports every item whose met_by names a code the chart
// does not define.
func (c *Chart) checkEthicsCodes(col *collector) {
	for _, it := range c.items {
		if it.MetBy.EthicsCode == "" {
			continue
		}
		if _, ok := c.EthicsCode(it.MetBy.EthicsCode); !ok {
			keys := make([]string, 0, len(c.codes))
			for _, e := range c.EthicsCodes() {
				keys = append(keys, e.Key)
			}
			col.add(it.Key, "met_by", "ethics_code %q is not one of the chart's ethics_codes (%s)", it.MetBy.EthicsCode, strings.Join(keys, ", "))
		}
	}
}

// checkSupersedes checks every supersedes reference once all items are
// known: the target exists, is of an earlier stage and of a compatible track.
func (c *Chart) checkSupersedes(files []*itemFile, col *collector) {
	for i, it := range files {
		if it == nil || it.Supersedes == "" || it.Supersedes == it.Key {
			continue
		}
		key, field := it.Key, "supersedes"
		if key == "" {
			field = fmt.Sprintf("items[%d].supersedes", i)
		}
		j, ok := c.byKey[it.Supersedes]
		if !ok {
			col.add(key, field, "supersedes %q, which is not an item in this chart", it.Supersedes)
			continue
		}
		target := c.items[j]
		from, to := c.StageIndex(target.Stage), c.StageIndex(it.Stage)
		if from >= 0 && to >= 0 && from >= to {
			col.add(key, field, "supersedes %q of stage %q, which is not earlier than this item's stage %q",
				it.Supersedes, target.Stage, it.Stage)
		}
		if !tracksCompatible(it.Track, target.Track) {
			col.add(key, field, "an item on the %s track cannot supersede %q, which is on the %s track", it.Track, it.Supersedes, target.Track)
		}
	}
}

// tracksCompatible reports whether an item of track a may supersede one of
// track b. Shared items and items of the same field mix freely; a
// mental-health item replacing an addiction one (or the reverse) would make
// the replaced item vanish for nobody, or for the wrong people.
func tracksCompatible(a, b Track) bool {
	return a == b || a == TrackBoth || b == TrackBoth
}

// MarshalJSON writes the chart in the file format Parse reads, so a chart
// can be served, saved and loaded again unchanged.
func (c *Chart) MarshalJSON() ([]byte, error) {
	type out struct {
		ID           string           `json:"id"`
		Title        string           `json:"title"`
		Version      string           `json:"version,omitempty"`
		Jurisdiction string           `json:"jurisdiction,omitempty"`
		Published    string           `json:"published,omitempty"`
		Source       string           `json:"source,omitempty"`
		EthicsCodes  []EthicsCodeInfo `json:"ethics_codes,omitempty"`
		Stages       []StageInfo      `json:"stages"`
		Items        []Item           `json:"items"`
	}
	return json.Marshal(out{c.id, c.title, c.version, c.jurisdiction, c.published, c.source, c.codes, c.stages, c.items})
}
