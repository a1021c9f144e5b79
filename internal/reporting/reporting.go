// Package reporting holds what the organisation's reports need that is not
// SQL: the period and scope a report covers and how they are checked, the
// tables a report is made of, the small-number rule for reports shared
// outside the organisation, and the server-drawn SVG charts.
package reporting

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"peerpath/internal/core"
)

// MaxYears is the longest period one report covers.
const MaxYears = 5

// Period is the dates a report covers, both included, as YYYY-MM-DD.
type Period struct {
	From, To string
}

// ParsePeriod checks a period typed in (empty from and to mean the twelve
// months up to today). Field errors name "from" or "to".
func ParsePeriod(from, to, today string) (Period, error) {
	from, to = strings.TrimSpace(from), strings.TrimSpace(to)
	t, _ := time.Parse(core.DateLayout, today)
	if to == "" {
		to = today
	}
	if from == "" {
		if tt, err := time.Parse(core.DateLayout, to); err == nil {
			from = tt.AddDate(-1, 0, 1).Format(core.DateLayout)
		}
	}
	f := map[string]string{}
	ft, ferr := time.Parse(core.DateLayout, from)
	tt, terr := time.Parse(core.DateLayout, to)
	if ferr != nil {
		f["from"] = "Enter the first day of the period as a date, such as 2026-01-01."
	}
	if terr != nil {
		f["to"] = "Enter the last day of the period as a date, such as 2026-12-31."
	}
	if ferr == nil && terr == nil {
		switch {
		case tt.Before(ft):
			f["to"] = "The period ends before it starts: choose a last day on or after the first day."
		case tt.After(t):
			f["to"] = "A report cannot cover days still to come: choose today or an earlier last day."
		case ft.Before(tt.AddDate(-MaxYears, 0, 1)):
			f["from"] = fmt.Sprintf("A report covers at most %d years: choose a later first day.", MaxYears)
		}
	}
	return Period{From: from, To: to}, core.Invalid(f)
}

// Bounds are the instants the period starts and ends (exclusive) in
// Massachusetts time.
func (p Period) Bounds() (from, to time.Time) {
	f, _ := time.ParseInLocation(core.DateLayout, p.From, core.Local)
	t, _ := time.ParseInLocation(core.DateLayout, p.To, core.Local)
	return f, t.AddDate(0, 0, 1)
}

// Contains reports whether the date d (YYYY-MM-DD) lies in the period.
func (p Period) Contains(d string) bool { return d >= p.From && d <= p.To }

// Weeks are the Mondays of the weeks the period touches, in order.
func (p Period) Weeks() []string {
	var out []string
	for w := WeekOf(p.From); w <= p.To; w = AddDays(w, 7) {
		out = append(out, w)
	}
	return out
}

// String is the period in words.
func (p Period) String() string { return LongDate(p.From) + " to " + LongDate(p.To) }

// WeekOf is the Monday of the week of date d.
func WeekOf(d string) string {
	t, err := time.Parse(core.DateLayout, d)
	if err != nil {
		return d
	}
	back := (int(t.Weekday()) + 6) % 7
	return t.AddDate(0, 0, -back).Format(core.DateLayout)
}

// AddDays adds n days to date d.
func AddDays(d string, n int) string {
	t, err := time.Parse(core.DateLayout, d)
	if err != nil {
		return d
	}
	return t.AddDate(0, 0, n).Format(core.DateLayout)
}

// LongDate writes a date as "5 January 2026".
func LongDate(d string) string {
	t, err := time.Parse(core.DateLayout, d)
	if err != nil {
		return d
	}
	return strconv.Itoa(t.Day()) + " " + t.Month().String() + " " + strconv.Itoa(t.Year())
}

// Scope kinds.
const (
	ScopeOrg       = "org"
	ScopeProgramme = "programme"
	ScopeTeam      = "team"
	ScopeWorker    = "worker"
)

// Scope is whom a report covers: the organisation, the people of one
// service programme, a supervisor's team, or one worker.
type Scope struct {
	Kind string
	ID   int64  // the service programme, the supervisor or the worker
	Name string // the programme's name, once the store has found it (not part of String)
}

// ParseScope reads "org", "programme:{id}", "team:{id}" or "worker:{id}";
// empty is the organisation. ok is false for anything else.
func ParseScope(s string) (Scope, bool) {
	s = strings.TrimSpace(s)
	if s == "" || s == ScopeOrg {
		return Scope{Kind: ScopeOrg}, true
	}
	kind, rest, found := strings.Cut(s, ":")
	if !found {
		return Scope{}, false
	}
	switch kind {
	case ScopeProgramme, ScopeTeam, ScopeWorker:
		id, err := strconv.ParseInt(rest, 10, 64)
		return Scope{Kind: kind, ID: id}, err == nil && id > 0
	}
	return Scope{}, false
}

// String is the scope as the API writes it.
func (s Scope) String() string {
	switch s.Kind {
	case ScopeProgramme, ScopeTeam, ScopeWorker:
		return s.Kind + ":" + strconv.FormatInt(s.ID, 10)
	}
	return ScopeOrg
}

// Column kinds.
const (
	KindCount   = "count"   // a number of people, contacts, sessions …: small ones are hidden when shared
	KindHours   = "hours"   // hours, to one decimal
	KindPercent = "percent" // a share, worked out from counts
	KindMean    = "mean"    // an average score, worked out from counts
)

// Column is one column of a table. A percent or mean column names the
// count column it rests on (Of): when that count is hidden, so is it.
type Column struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Kind  string `json:"kind" enum:"count,hours,percent,mean"`
	Of    string `json:"-"`
}

// Value is one cell.
type Value struct {
	N      float64
	Hidden bool
}

// Row is one line of a table.
type Row struct {
	Key    string
	Label  string
	Values []Value
	// LabelKey names the row's words in the catalogue when that is not its
	// Key (every week's row is "week"); Args are the values its label
	// carries (see Args).
	LabelKey string
	Args     Args
}

// Args are the values written into a label or note in Go (a number of
// days, a date), by name, so that the catalogue's words for it in another
// language can carry them too (internal/web translates a report for the
// page and printout; the English written here is the fallback, and what
// the CSV and API give). A date is a Day.
type Args map[string]any

// Day is a date (YYYY-MM-DD) among Args: written in the reader's
// language.
type Day string

// Table is one part of a report.
type Table struct {
	Key   string
	Title string
	Note  string // how the figures were worked out, and whose settings they use
	// NoteKey names the note in the catalogue when that is not the table's
	// Key; NoteArgs are the values it carries.
	NoteKey  string
	NoteArgs Args
	Columns  []Column
	Rows     []Row
	// Total is the sum of the rows (count and hours columns); nil for a
	// table whose rows do not add up (new, active and closed people).
	Total *Row
}

// Section is a heading over tables.
type Section struct {
	Key    string
	Title  string
	Tables []*Table
}

// Report is one report: what, for whom, over which period.
type Report struct {
	Kind     string // activity, outcomes or workforce
	Title    string
	Scope    Scope
	ScopeFor string // the scope in words
	// ScopeArgs are the values ScopeFor carries beyond the scope itself
	// (a team's size, as "Count").
	ScopeArgs Args
	Period    Period
	Shared    bool // made for sharing outside the organisation: small numbers hidden
	Sections  []*Section
}

// Table finds a table by key, or nil.
func (r *Report) Table(key string) *Table {
	for _, s := range r.Sections {
		for _, t := range s.Tables {
			if t.Key == key {
				return t
			}
		}
	}
	return nil
}

// Col is the index of a column, or -1.
func (t *Table) Col(key string) int {
	for i, c := range t.Columns {
		if c.Key == key {
			return i
		}
	}
	return -1
}

// Cell is the value in row key (or "total") and column col.
func (t *Table) Cell(row, col string) (Value, bool) {
	ci := t.Col(col)
	if ci < 0 {
		return Value{}, false
	}
	if row == "total" && t.Total != nil {
		return t.Total.Values[ci], true
	}
	for _, r := range t.Rows {
		if r.Key == row {
			return r.Values[ci], true
		}
	}
	return Value{}, false
}

// Add appends a row of numbers, one per column.
func (t *Table) Add(key, label string, nums ...float64) {
	r := Row{Key: key, Label: label, Values: make([]Value, len(t.Columns))}
	for i := range r.Values {
		if i < len(nums) {
			r.Values[i].N = nums[i]
		}
	}
	t.Rows = append(t.Rows, r)
}

// Sum sets the total row from the rows: counts and hours add up; a percent
// or mean column of the total is left for the caller (SetDerived).
func (t *Table) Sum(label string) {
	tot := Row{Key: "total", Label: label, Values: make([]Value, len(t.Columns))}
	for _, r := range t.Rows {
		for i, c := range t.Columns {
			if c.Kind == KindCount || c.Kind == KindHours {
				tot.Values[i].N += r.Values[i].N
			}
		}
	}
	t.Total = &tot
}

// SmallMax is the largest count hidden in a shared report: counts from 1
// to SmallMax show as "fewer than 11".
const SmallMax = 10

// Hidden is how a hidden count reads.
const Hidden = "fewer than 11"

func small(v Value) bool { return v.N >= 1 && v.N <= SmallMax }

// Protect applies the small-number rule to every table of a report made for
// sharing: every count from 1 to 10 is hidden (primary suppression), and in
// a table whose rows add up to a total, a second count of the same column
// is hidden wherever exactly one is, so that the total less the others
// cannot give it away (complementary suppression); a figure worked out from
// a hidden count is hidden with it.
func (r *Report) Protect() {
	r.Shared = true
	for _, s := range r.Sections {
		for _, t := range s.Tables {
			t.protect()
		}
	}
}

func (t *Table) protect() {
	var rows []*Row
	for i := range t.Rows {
		rows = append(rows, &t.Rows[i])
	}
	if t.Total != nil {
		rows = append(rows, t.Total)
	}
	for ci, c := range t.Columns {
		if c.Kind != KindCount {
			continue
		}
		for _, r := range rows {
			if small(r.Values[ci]) {
				r.Values[ci].Hidden = true
			}
		}
		if t.Total == nil || t.Total.Values[ci].Hidden {
			continue
		}
		hidden, best := 0, -1
		for i := range t.Rows {
			v := t.Rows[i].Values[ci]
			switch {
			case v.Hidden:
				hidden++
			case v.N > 0 && (best < 0 || v.N < t.Rows[best].Values[ci].N):
				best = i
			}
		}
		if hidden == 1 {
			if best >= 0 {
				t.Rows[best].Values[ci].Hidden = true
			} else {
				t.Total.Values[ci].Hidden = true
			}
		}
	}
	for ci, c := range t.Columns {
		if c.Of == "" {
			continue
		}
		oi := t.Col(c.Of)
		for _, r := range rows {
			if oi >= 0 && r.Values[oi].Hidden {
				r.Values[ci].Hidden = true
			}
		}
	}
	// Hours of a hidden count would hint at it in a one-column breakdown
	// (an hour-long kind of contact), so they go with it.
	for ci, c := range t.Columns {
		if c.Kind != KindHours {
			continue
		}
		for _, r := range rows {
			for oi, o := range t.Columns {
				if o.Kind == KindCount && r.Values[oi].Hidden {
					r.Values[ci].Hidden = true
				}
			}
		}
	}
}

// Text writes a value for people: a count as a whole number, hours to one
// decimal, a percent with its sign, a mean to one decimal; a hidden value
// as "fewer than 11" (a count) or "hidden" (what rests on one).
func (v Value) Text(kind string) string {
	if v.Hidden {
		if kind == KindCount {
			return Hidden
		}
		return "not shown"
	}
	if math.IsNaN(v.N) {
		return "–"
	}
	switch kind {
	case KindPercent:
		return oneDecimal(v.N, 0) + " %"
	case KindHours, KindMean:
		return oneDecimal(v.N, 1)
	}
	return oneDecimal(v.N, 0)
}

// oneDecimal rounds half away from zero (1.25 hours is 1.3), as people
// round, rather than to even.
func oneDecimal(v float64, places int) string {
	p := math.Pow(10, float64(places))
	return strconv.FormatFloat(math.Round(v*p)/p, 'f', places, 64)
}

// Plain is a value for a CSV cell: the number without units, or the
// hidden text.
func (v Value) Plain(kind string) string {
	if v.Hidden || math.IsNaN(v.N) {
		return v.Text(kind)
	}
	switch kind {
	case KindHours, KindMean:
		return oneDecimal(v.N, 1)
	}
	return oneDecimal(v.N, 0)
}

// Ratio is part of whole as a percent, NaN when whole is 0.
func Ratio(part, whole float64) float64 {
	if whole == 0 {
		return math.NaN()
	}
	return 100 * part / whole
}
