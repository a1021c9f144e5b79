// Package cohort holds the pure rules of programmes run in cohorts (the CPS
// course, ICAN, and programmes an organisation defines): the built-in
// programme templates, the kinds of session and attendance, the completion
// rule and what is still missing for a participant, and the shape of
// certificate verification codes. It knows nothing of the database or HTTP.
//
// # The completion rule
//
// A participant completes when every part of their cohort's rule holds:
//
//   - Attendance: sessions attended ÷ sessions that count is at least the
//     threshold (e.g. 85 %), compared exactly in whole numbers, so exactly at
//     the threshold passes. Training days, retreat days, company visits and
//     classes count; a graduation does not (it celebrates completion rather
//     than leading to it), and neither does a make-up session on its own.
//   - Late counts as present.
//   - Excused counts as missed. An excused absence is recorded (so nobody is
//     marked absent for being ill), but the hours of training were still not
//     received, and excluding excused sessions from the count would let a
//     person complete having attended almost nothing. The way to recover an
//     absence of either kind is a make-up session: attending the make-up for
//     session X counts as attending X.
//   - Sessions still to come count as not yet attended, and the message says
//     how many are still to come.
//   - Exams: the written exam passes with a score at or above the pass mark,
//     the oral exam passes or not; each within the allowed number of attempts.
//     Attempts beyond the allowance are ignored.
//   - Withdrawn, waitlisted and applied participants do not complete; what
//     is missing for them is that one thing.
//   - The numbers (threshold, pass mark, attempts) are the organisation's.
//     No source document gives them: peerpath only suggests some, and while
//     an administrator has not confirmed a cohort's rule as the
//     organisation's own, nobody completes under it (what is missing says so).
package cohort

import (
	"fmt"
	"peerpath/internal/core"
	"slices"
	"sort"
	"strings"
	"time"
)

// Kind is a programme's kind: one of the built-in templates or custom.
type Kind string

// The kinds of programme.
const (
	KindCPS    Kind = "cps"
	KindICAN   Kind = "ican"
	KindCustom Kind = "custom"
)

// SessionKind is what a session is.
type SessionKind string

// The kinds of session.
const (
	SessionTraining   SessionKind = "training"
	SessionRetreat    SessionKind = "retreat"
	SessionVisit      SessionKind = "visit"
	SessionClass      SessionKind = "class"
	SessionGraduation SessionKind = "graduation"
	SessionMakeUp     SessionKind = "makeup"
)

// AllSessionKinds lists the kinds in the order forms show them.
var AllSessionKinds = []SessionKind{SessionTraining, SessionRetreat, SessionVisit, SessionClass, SessionGraduation, SessionMakeUp}

// Label is the kind's name in plain words.
func (k SessionKind) Label() string {
	switch k {
	case SessionTraining:
		return "Training day"
	case SessionRetreat:
		return "Retreat day"
	case SessionVisit:
		return "Company visit"
	case SessionClass:
		return "Class"
	case SessionGraduation:
		return "Graduation"
	case SessionMakeUp:
		return "Make-up session"
	}
	return string(k)
}

// Counts reports whether sessions of this kind count toward attendance.
func (k SessionKind) Counts() bool {
	switch k {
	case SessionTraining, SessionRetreat, SessionVisit, SessionClass:
		return true
	}
	return false
}

// ValidSessionKind reports whether k is a known kind.
func ValidSessionKind(k SessionKind) bool { return slices.Contains(AllSessionKinds, k) }

// Mark is a participant's attendance at one session.
type Mark string

// The marks.
const (
	Present Mark = "present"
	Late    Mark = "late"
	Excused Mark = "excused"
	Absent  Mark = "absent"
)

// AllMarks lists the marks in the order forms show them.
var AllMarks = []Mark{Present, Late, Excused, Absent}

// Label is the mark in plain words.
func (m Mark) Label() string {
	switch m {
	case Present:
		return "Present"
	case Late:
		return "Late"
	case Excused:
		return "Excused"
	case Absent:
		return "Absent"
	}
	return string(m)
}

// Attended reports whether the mark counts as attending (late counts).
func (m Mark) Attended() bool { return m == Present || m == Late }

// ValidMark reports whether m is a known mark.
func ValidMark(m Mark) bool { return slices.Contains(AllMarks, m) }

// Status is where a participant stands in a cohort.
type Status string

// The statuses.
const (
	Applied    Status = "applied"
	Enrolled   Status = "enrolled"
	Waitlisted Status = "waitlisted"
	Withdrawn  Status = "withdrawn"
	Completed  Status = "completed"
)

// Label is the status in plain words.
func (s Status) Label() string {
	switch s {
	case Applied:
		return "Applied"
	case Enrolled:
		return "Enrolled"
	case Waitlisted:
		return "On the waitlist"
	case Withdrawn:
		return "Withdrawn"
	case Completed:
		return "Completed"
	}
	return string(s)
}

// TakesPlace reports whether a participant in this status holds a place in
// the cohort (and so counts against its capacity and has attendance taken).
func (s Status) TakesPlace() bool { return s == Enrolled || s == Completed }

// Exam is a kind of exam.
type Exam string

// The exams.
const (
	Written Exam = "written"
	Oral    Exam = "oral"
)

// Label is the exam's name in plain words.
func (e Exam) Label() string {
	if e == Oral {
		return "Oral exam"
	}
	return "Written exam"
}

// Rule is what a participant must do to complete. A cohort keeps a copy of
// its programme's rule, so editing a programme never changes past cohorts.
//
// The numbers are the organisation's to set: the source documents give
// none. Confirmed says an administrator has confirmed them as the
// organisation's own; until then they are peerpath's suggestion, labelled
// as such, and decide nothing.
type Rule struct {
	AttendancePercent int  // 1–100
	WrittenExam       bool // a written exam applies
	WrittenPassMark   int  // percent, when WrittenExam
	OralExam          bool // an oral exam (pass or fail) applies
	Attempts          int  // attempts allowed per exam, when either applies
	Confirmed         bool // an administrator confirmed it as the organisation's rule
}

// SameNumbers reports whether two rules ask the same of participants,
// whoever confirmed them.
func (r Rule) SameNumbers(o Rule) bool {
	r.Confirmed, o.Confirmed = false, false
	return r == o
}

// Owner names whose rule it is, to put before it wherever it decides
// something: "Your organisation's rule" once confirmed, "peerpath suggests"
// (not yet confirmed) before.
func (r Rule) Owner() string {
	if r.Confirmed {
		return "Your organisation's rule"
	}
	return "peerpath suggests (not yet confirmed by your organisation)"
}

// Short is the rule's numbers in a few words, labelled with its owner:
// "Your organisation's rule: 85 % attendance, written exam pass mark 80 %,
// oral exam, 2 attempts per exam".
func (r Rule) Short() string {
	parts := []string{fmt.Sprintf("%d %% attendance", r.AttendancePercent)}
	if r.WrittenExam {
		parts = append(parts, fmt.Sprintf("written exam pass mark %d %%", r.WrittenPassMark))
	}
	if r.OralExam {
		parts = append(parts, "oral exam")
	}
	if r.HasExams() {
		parts = append(parts, plural(r.Attempts, "attempt", "attempts")+" per exam")
	}
	return r.Owner() + ": " + strings.Join(parts, ", ")
}

// NotConfirmed is what is missing for everyone while a cohort's rule is
// peerpath's suggestion.
const NotConfirmed = "Completion rule not yet confirmed by your organisation (an administrator confirms it on the cohort page)"

// Check returns a message per invalid part of the rule, keyed by form field.
func (r Rule) Check() map[string]string {
	f := map[string]string{}
	if r.AttendancePercent < 1 || r.AttendancePercent > 100 {
		f["attendance_percent"] = "Enter a percentage from 1 to 100."
	}
	if r.WrittenExam && (r.WrittenPassMark < 1 || r.WrittenPassMark > 100) {
		f["written_pass_mark"] = "Enter a pass mark from 1 to 100."
	}
	if (r.WrittenExam || r.OralExam) && (r.Attempts < 1 || r.Attempts > 10) {
		f["attempts"] = "Allow from 1 to 10 attempts."
	}
	return f
}

// HasExams reports whether any exam applies.
func (r Rule) HasExams() bool { return r.WrittenExam || r.OralExam }

// Describe says the rule in plain words, for the cohort page and the API.
func (r Rule) Describe() string {
	parts := []string{fmt.Sprintf("attend at least %d %% of the sessions that count (late counts as present; an excused absence counts as missed unless a make-up session replaces it)", r.AttendancePercent)}
	if r.WrittenExam {
		parts = append(parts, fmt.Sprintf("score at least %d %% in the written exam", r.WrittenPassMark))
	}
	if r.OralExam {
		parts = append(parts, "pass the oral exam")
	}
	s := r.Owner() + ": to complete, a participant must " + joinAnd(parts)
	if r.HasExams() {
		s += fmt.Sprintf(", with %s per exam", plural(r.Attempts, "attempt", "attempts"))
	}
	return s + "."
}

func joinAnd(parts []string) string {
	switch len(parts) {
	case 1:
		return parts[0]
	case 2:
		return parts[0] + " and " + parts[1]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Template is a built-in programme with its default settings.
type Template struct {
	Kind         Kind
	Name         string // as printed on certificates
	Description  string
	SessionKinds []SessionKind // make-up sessions are always possible
	// Rule is peerpath's suggestion, never confirmed: the source documents
	// give no pass mark, number of attempts or attendance threshold.
	Rule     Rule
	Students bool // participants are school students (school, grade, guardian)
}

// SuggestedCustomRule is what the form for a new programme starts from:
// peerpath's suggestion, for the organisation to change and confirm.
var SuggestedCustomRule = Rule{AttendancePercent: 80, WrittenPassMark: 80, Attempts: 2}

// Templates are the built-in programmes. Their rules are suggestions; an
// organisation confirms or changes them (pass mark, attempts, threshold),
// and its settings apply to new cohorts only.
var Templates = []Template{
	{
		Kind:         KindCPS,
		Name:         "Certified Peer Specialist course",
		Description:  "Single-day trainings over about eight weeks and a three-day retreat, then a written and an oral exam.",
		SessionKinds: []SessionKind{SessionTraining, SessionRetreat},
		Rule:         Rule{AttendancePercent: 85, WrittenExam: true, WrittenPassMark: 80, OralExam: true, Attempts: 2},
	},
	{
		Kind:         KindICAN,
		Name:         "ICAN: Institute for Careers and Networking",
		Description:  "High-school students with disabilities visit five to seven host companies, then graduate with a certificate; the aim is internships and jobs.",
		SessionKinds: []SessionKind{SessionVisit, SessionGraduation},
		Rule:         Rule{AttendancePercent: 80},
		Students:     true,
	},
}

// TemplateFor returns the built-in template of kind k.
func TemplateFor(k Kind) (Template, bool) {
	for _, t := range Templates {
		if t.Kind == k {
			return t, true
		}
	}
	return Template{}, false
}

// Session is what the rule needs to know about a session.
type Session struct {
	ID      int64
	Kind    SessionKind
	On      string // YYYY-MM-DD
	MakesUp int64  // for a make-up session: the session it replaces
}

// Attempt is one sitting of an exam.
type Attempt struct {
	Exam   Exam
	On     string // YYYY-MM-DD
	Seq    int64  // orders attempts on the same day (the record's id)
	Score  int    // written exam: percent
	Passed bool   // oral exam: the result
}

// Participant is what the rule needs to know about a participant.
type Participant struct {
	Status      Status
	WithdrawnOn string
	Marks       map[int64]Mark // by session id
	Attempts    []Attempt
}

// ExamResult is where a participant stands on one exam.
type ExamResult struct {
	Exam     Exam
	Applies  bool
	Passed   bool
	Used     int // attempts that count
	Allowed  int
	Best     int // best written score so far; 0 when none
	PassMark int // the written exam's pass mark
}

// Exhausted reports whether no attempts remain and the exam is not passed.
func (e ExamResult) Exhausted() bool { return e.Applies && !e.Passed && e.Used >= e.Allowed }

// Result is the rule applied to one participant.
type Result struct {
	Holds    bool
	Missing  []string // in plain words; empty when Holds
	Attended int      // sessions that count, attended (make-ups included)
	Counting int      // sessions that count
	Upcoming int      // sessions that count and are still to come
	Excused  int      // excused absences not made up
	Percent  int      // Attended ÷ Counting, rounded down
	Written  ExamResult
	Oral     ExamResult
}

// Evaluate applies the rule to a participant, given the cohort's sessions and
// today's date (YYYY-MM-DD, to tell sessions still to come).
func Evaluate(r Rule, sessions []Session, p Participant, today string) Result {
	var res Result
	// Which make-up sessions the participant attended, by the session each replaces.
	madeUp := map[int64]bool{}
	for _, s := range sessions {
		if s.Kind == SessionMakeUp && s.MakesUp != 0 && p.Marks[s.ID].Attended() {
			madeUp[s.MakesUp] = true
		}
	}
	for _, s := range sessions {
		if !s.Kind.Counts() {
			continue
		}
		res.Counting++
		switch {
		case p.Marks[s.ID].Attended() || madeUp[s.ID]:
			res.Attended++
		case s.On > today:
			res.Upcoming++
		case p.Marks[s.ID] == Excused:
			res.Excused++
		}
	}
	if res.Counting > 0 {
		res.Percent = res.Attended * 100 / res.Counting
	}
	res.Written = examResult(r, Written, p.Attempts)
	res.Oral = examResult(r, Oral, p.Attempts)

	// Someone without a place lacks that first; listing every session and
	// exam after it would bury the one thing that matters.
	switch p.Status {
	case Withdrawn:
		return res.without("Withdrew on " + FormatDay(p.WithdrawnOn))
	case Waitlisted:
		return res.without("On the waitlist: not enrolled yet")
	case Applied:
		return res.without("Applied: not enrolled yet")
	}
	var missing []string
	switch {
	case res.Counting == 0:
		missing = append(missing, "No sessions scheduled yet")
	case res.Attended*100 < r.AttendancePercent*res.Counting:
		m := fmt.Sprintf("Attendance %d %% — your organisation's rule: %d %%", res.Percent, r.AttendancePercent)
		if !r.Confirmed {
			m = fmt.Sprintf("Attendance %d %% — peerpath suggests %d %%", res.Percent, r.AttendancePercent)
		}
		var notes []string
		if res.Upcoming > 0 {
			notes = append(notes, plural(res.Upcoming, "session", "sessions")+" still to come")
		}
		if res.Excused > 0 {
			notes = append(notes, plural(res.Excused, "excused absence", "excused absences")+" not yet made up")
		}
		if len(notes) > 0 {
			m += " (" + strings.Join(notes, "; ") + ")"
		}
		missing = append(missing, m)
	}
	for _, e := range []ExamResult{res.Written, res.Oral} {
		if !e.Applies || e.Passed {
			continue
		}
		if e.Exhausted() {
			missing = append(missing, fmt.Sprintf("%s not passed — all %s used", e.Exam.Label(), plural(e.Allowed, "attempt", "attempts")))
		} else {
			missing = append(missing, fmt.Sprintf("%s not yet passed (%d of %d attempts used)", e.Exam.Label(), e.Used, e.Allowed))
		}
	}
	if !r.Confirmed {
		missing = append(missing, NotConfirmed)
	}
	res.Missing = missing
	res.Holds = len(missing) == 0
	return res
}

func (res Result) without(reason string) Result {
	res.Missing, res.Holds = []string{reason}, false
	return res
}

func examResult(r Rule, exam Exam, attempts []Attempt) ExamResult {
	e := ExamResult{Exam: exam, Allowed: r.Attempts}
	switch exam {
	case Written:
		e.Applies, e.PassMark = r.WrittenExam, r.WrittenPassMark
	case Oral:
		e.Applies = r.OralExam
	}
	if !e.Applies {
		return e
	}
	var mine []Attempt
	for _, a := range attempts {
		if a.Exam == exam {
			mine = append(mine, a)
		}
	}
	sort.SliceStable(mine, func(i, j int) bool {
		if mine[i].On != mine[j].On {
			return mine[i].On < mine[j].On
		}
		return mine[i].Seq < mine[j].Seq
	})
	for i, a := range mine {
		if i >= e.Allowed {
			break // attempts beyond the allowance do not count
		}
		e.Used++
		if exam == Written {
			e.Best = max(e.Best, a.Score)
			if a.Score >= r.WrittenPassMark {
				e.Passed = true
			}
		} else if a.Passed {
			e.Passed = true
		}
		if e.Passed {
			break
		}
	}
	return e
}

// Today is the date at t in Massachusetts, as YYYY-MM-DD.
func Today(t time.Time) string { return core.Today(t) }

// ParseDay reads a YYYY-MM-DD date.
func ParseDay(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// FormatDay shows a YYYY-MM-DD date as "23 Nov 2026"; anything else as it is.
func FormatDay(s string) string {
	t, ok := ParseDay(s)
	if !ok {
		return s
	}
	return t.Format("2 Jan 2006")
}

// FormatDayLong shows a YYYY-MM-DD date as "23 November 2026", for
// certificates.
func FormatDayLong(s string) string {
	t, ok := ParseDay(s)
	if !ok {
		return s
	}
	return t.Format("2 January 2006")
}

// Covered is something a company visit covered.
type Covered struct {
	Key   string
	Label string
}

// VisitCovers lists what a company visit may cover, in form order.
var VisitCovers = []Covered{
	{"tour", "A tour of the company"},
	{"hiring", "How the company hires"},
	{"openings", "Internships and job openings"},
	{"skills", "Skills the work needs"},
}

// CoveredLabel is the label of a covered key.
func CoveredLabel(key string) string {
	for _, c := range VisitCovers {
		if c.Key == key {
			return c.Label
		}
	}
	return key
}
