package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"peerpath/internal/framework"
	"peerpath/internal/workforce"
)

// Readiness: everything recorded about workers is loaded for a whole set of
// workers at once (one query per kind of record, never one per worker or
// per item) and measured against the organisation's active chart in Go.

// bundle is what is recorded about one worker that readiness reads.
type bundle struct {
	worker      Worker
	roles       []RoleHeld
	trainings   []Training
	signoffs    []Signoff
	prereqs     []PrerequisiteRecord
	waivers     []WaiverRecord
	credentials []Credential
	signed      map[string]time.Time // code key → when its current version was signed
	facilitated Facilitation         // group sessions facilitated (groups.go), totals only
}

// loadBundles loads the records of many workers in seven queries, and an
// eighth for the group sessions they facilitated when groups says the
// chart counts them.
func (s *Store) loadBundles(ctx context.Context, orgID int64, workers []Worker, codes []EthicsCode, today string, groups bool) (map[int64]*bundle, error) {
	out := make(map[int64]*bundle, len(workers))
	ids := make([]int64, len(workers))
	for i, w := range workers {
		out[w.ID] = &bundle{worker: w}
		ids[i] = w.ID
	}
	if len(ids) == 0 {
		return out, nil
	}
	ph, idArgs := inList(ids, []any{orgID})
	args := idArgs
	in := " IN (" + ph + ")"

	rows, err := s.rdb.QueryContext(ctx, `SELECT user_id, id, title, organisation, from_on, to_on, peer FROM worker_roles
		WHERE org_id = $1 AND user_id`+in+` ORDER BY user_id, from_on DESC, id DESC`, args...)
	if err != nil {
		return nil, err
	}
	type roleRow struct {
		worker int64
		r      RoleHeld
	}
	roles, err := collect(rows, func(sc interface{ Scan(...any) error }) (roleRow, error) {
		var x roleRow
		err := sc.Scan(&x.worker, &x.r.ID, &x.r.Title, &x.r.Organisation, &x.r.From, &x.r.To, &x.r.Peer)
		return x, err
	})
	if err != nil {
		return nil, err
	}
	for _, x := range roles {
		out[x.worker].roles = append(out[x.worker].roles, x.r)
	}

	rows, err = s.rdb.QueryContext(ctx, "SELECT "+trainingColumns+trainingFrom+"WHERE t.org_id = $1 AND t.user_id"+in+" ORDER BY t.user_id, t.completed_on DESC, t.id DESC", args...)
	if err != nil {
		return nil, err
	}
	ts, err := collect(rows, scanTraining)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		out[t.WorkerID].trainings = append(out[t.WorkerID].trainings, t)
	}

	rows, err = s.rdb.QueryContext(ctx, `SELECT x.id, x.user_id, x.item_key, x.observed_on, x.note, x.signed_by, COALESCE(u.name, ''), x.created_at
		FROM competency_signoffs x LEFT JOIN users u ON u.id = x.signed_by
		WHERE x.org_id = $1 AND x.withdrawn_at = 0 AND x.user_id`+in+` ORDER BY x.user_id, x.observed_on DESC, x.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	sos, err := collect(rows, func(sc interface{ Scan(...any) error }) (Signoff, error) {
		var x Signoff
		var at int64
		err := sc.Scan(&x.ID, &x.WorkerID, &x.ItemKey, &x.ObservedOn, &x.Note, &x.SignedByID, &x.SignedByName, &at)
		x.CreatedAt = fromMS(at)
		return x, err
	})
	if err != nil {
		return nil, err
	}
	for _, x := range sos {
		out[x.WorkerID].signoffs = append(out[x.WorkerID].signoffs, x)
	}

	rows, err = s.rdb.QueryContext(ctx, `SELECT x.id, x.user_id, x.item_key, x.statement, x.recorded_on, COALESCE(u.name, '')
		FROM prerequisite_records x LEFT JOIN users u ON u.id = x.created_by
		WHERE x.org_id = $1 AND x.user_id`+in+` ORDER BY x.user_id, x.recorded_on DESC, x.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	prs, err := collect(rows, func(sc interface{ Scan(...any) error }) (PrerequisiteRecord, error) {
		var x PrerequisiteRecord
		err := sc.Scan(&x.ID, &x.WorkerID, &x.ItemKey, &x.Statement, &x.On, &x.RecordedBy)
		return x, err
	})
	if err != nil {
		return nil, err
	}
	for _, x := range prs {
		out[x.WorkerID].prereqs = append(out[x.WorkerID].prereqs, x)
	}

	rows, err = s.rdb.QueryContext(ctx, `SELECT x.id, x.user_id, x.item_key, x.reason, x.waived_on, x.waived_by, COALESCE(u.name, '')
		FROM waivers x LEFT JOIN users u ON u.id = x.waived_by
		WHERE x.org_id = $1 AND x.withdrawn_at = 0 AND x.user_id`+in+` ORDER BY x.user_id, x.waived_on DESC, x.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	ws, err := collect(rows, func(sc interface{ Scan(...any) error }) (WaiverRecord, error) {
		var x WaiverRecord
		err := sc.Scan(&x.ID, &x.WorkerID, &x.ItemKey, &x.Reason, &x.On, &x.ByID, &x.ByName)
		return x, err
	})
	if err != nil {
		return nil, err
	}
	for _, x := range ws {
		out[x.WorkerID].waivers = append(out[x.WorkerID].waivers, x)
	}

	creds, err := s.credentialsFor(ctx, orgID, ids, today)
	if err != nil {
		return nil, err
	}
	for id, cs := range creds {
		out[id].credentials = cs
	}
	att, err := s.attestedFor(ctx, orgID, codes, ids)
	if err != nil {
		return nil, err
	}
	for id, at := range att {
		out[id].signed = at
	}
	if groups {
		fac, err := s.facilitationFor(ctx, orgID, ids)
		if err != nil {
			return nil, err
		}
		for id, f := range fac {
			out[id].facilitated = f
		}
	}
	return out, nil
}

// Readiness is a worker measured against every stage of the active chart,
// with what to do next.
type Readiness struct {
	Chart   *framework.Chart
	Track   framework.Track
	Profile framework.Profile
	Facts   framework.Facts
	// NeedsTrack is set while nobody has chosen the worker's track: the
	// profile then has no stages, and the page asks for the choice.
	NeedsTrack bool
	// Target is the stage the worker is working towards: the one after
	// their confirmed stage or, with none confirmed, the first stage that
	// is not ready. It is "" when there is none (every stage ready, or
	// confirmed at the last one).
	Target        framework.Stage
	TargetName    string
	TargetMissing []framework.RequirementStatus
	// Stray is evidence that shows at no stage: kept against an item the
	// active chart does not have (an older chart's key), or one not on the
	// worker's track.
	Stray []StrayEvidence
}

// StrayEvidence is evidence that counts nowhere on the worker's profile.
type StrayEvidence struct {
	ItemKey string
	Label   string // the item's label, when the chart has it
	Reason  string
	Ref     framework.EvidenceRef
}

// Stage returns the readiness at one stage.
func (r Readiness) Stage(st framework.Stage) (framework.StageReadiness, bool) {
	for _, s := range r.Profile.Stages {
		if s.Stage == st {
			return s, true
		}
	}
	return framework.StageReadiness{}, false
}

// evidenceOf turns the records into evidence keyed by chart item.
func evidenceOf(b *bundle) framework.Evidence {
	ev := framework.Evidence{}
	for _, t := range b.trainings {
		if t.ItemKey == "" {
			continue
		}
		label := "Training completed: " + t.Title
		var extra []string
		if t.Provider != "" {
			extra = append(extra, t.Provider)
		}
		if t.Hours > 0 {
			extra = append(extra, t.Hours.String()+" h")
		}
		if len(extra) > 0 {
			label += " (" + strings.Join(extra, ", ") + ")"
		}
		ev[t.ItemKey] = append(ev[t.ItemKey], framework.EvidenceRef{Kind: framework.EvidenceTraining, Label: label, On: t.CompletedOn, ID: fmt.Sprintf("training:%d", t.ID)})
	}
	for _, x := range b.signoffs {
		ev[x.ItemKey] = append(ev[x.ItemKey], framework.EvidenceRef{Kind: framework.EvidenceSignoff, Label: "Signed off by " + x.SignedByName + ": " + x.Note, On: x.ObservedOn, ID: fmt.Sprintf("signoff:%d", x.ID)})
	}
	for _, x := range b.prereqs {
		ev[x.ItemKey] = append(ev[x.ItemKey], framework.EvidenceRef{Kind: framework.EvidencePrerequisite, Label: x.Statement + " (recorded by " + x.RecordedBy + ")", On: x.On, ID: fmt.Sprintf("prerequisite:%d", x.ID)})
	}
	return ev
}

// factsOf derives the facts met_by rules read.
func factsOf(b *bundle, today string) framework.Facts {
	var periods []workforce.Period
	for _, r := range b.roles {
		if r.Peer {
			periods = append(periods, workforce.Period{From: r.From, To: r.To})
		}
	}
	prev := workforce.PreviousExperience(periods, today)
	f := framework.Facts{ExperienceMonths: workforce.ExperienceMonths(periods, today),
		PreviousRoles: prev.Roles, PreviousMonths: prev.Months, CurrentFrom: prev.CurrentFrom}
	for _, c := range b.credentials {
		switch {
		case !c.Kind.Peer():
		case c.Current:
			f.Credentials = append(f.Credentials, string(c.Kind))
		case c.ExpiresOn != "" && c.ExpiresOn < today:
			// Lapsed: readiness shows its items as expired, with the
			// latest date one of this kind expired.
			if f.LapsedCredentials == nil {
				f.LapsedCredentials = map[string]string{}
			}
			if c.ExpiresOn > f.LapsedCredentials[string(c.Kind)] {
				f.LapsedCredentials[string(c.Kind)] = c.ExpiresOn
			}
		}
	}
	for code, at := range b.signed {
		if f.EthicsSigned == nil {
			f.EthicsSigned = map[string]string{}
		}
		f.EthicsSigned[code] = workforce.Today(at)
	}
	f.GroupSessions, f.GroupSessionsLast = b.facilitated.Sessions, b.facilitated.Last
	return f
}

// readinessOf measures one worker against the chart, with the
// organisation's choices about the items that leave it one.
func readinessOf(c *framework.Chart, b *bundle, today string, choices framework.Choices) Readiness {
	track := b.worker.Track
	if !track.Valid() {
		track = ""
	}
	recorded := evidenceOf(b)
	facts := factsOf(b, today)
	ev := framework.MergeEvidence(framework.AutoEvidence(c, facts), recorded)
	waivers := make([]framework.Waiver, 0, len(b.waivers))
	for _, w := range b.waivers {
		waivers = append(waivers, framework.Waiver{ItemKey: w.ItemKey, ByName: w.ByName, ByID: fmt.Sprint(w.ByID), On: w.On, Reason: w.Reason})
	}
	r := Readiness{Chart: c, Track: track, Facts: facts, Profile: framework.Measure(c, framework.Input{
		Track: track, Evidence: ev, Waivers: waivers, Choices: choices, Lapsed: framework.LapsedItems(c, facts),
	})}
	if r.NeedsTrack = r.Profile.NeedsTrack; r.NeedsTrack {
		return r
	}

	// The target stage.
	target := framework.Stage("")
	if st := b.worker.ConfirmedStage; st != "" && c.StageIndex(st) >= 0 {
		stages := c.Stages()
		if i := c.StageIndex(st); i+1 < len(stages) {
			target = stages[i+1].Key
		}
	} else {
		target, _ = framework.NextSteps(r.Profile)
	}
	if sr, ok := r.Stage(target); ok {
		r.Target, r.TargetName = target, sr.Name
		for _, req := range sr.Requirements {
			if req.Blocking && req.Status.Missing() {
				r.TargetMissing = append(r.TargetMissing, req)
			}
		}
	}

	// Evidence that shows nowhere.
	shown := map[string]bool{}
	for _, st := range r.Profile.Stages {
		for _, req := range st.Requirements {
			shown[req.Key] = true
		}
	}
	keys := make([]string, 0, len(recorded))
	for k := range recorded {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if shown[k] {
			continue
		}
		reason, label := "not in the active chart", ""
		if it, ok := c.Item(k); ok {
			reason, label = "not on this worker's track", it.Label
		}
		for _, ref := range recorded[k] {
			r.Stray = append(r.Stray, StrayEvidence{ItemKey: k, Label: label, Reason: reason, Ref: ref})
		}
	}
	return r
}

// WorkerReadiness measures a worker against every stage of the active
// chart. Reading someone else's is audited.
func (s *Store) WorkerReadiness(ctx context.Context, a Actor, workerID int64) (Worker, Readiness, error) {
	w, err := s.readWorker(ctx, a, workerID, "readiness")
	if err != nil {
		return w, Readiness{}, err
	}
	cv, err := s.ActiveChart(ctx, a.OrgID)
	if err != nil {
		return w, Readiness{}, err
	}
	codes, err := s.EthicsCodes(ctx, a.OrgID)
	if err != nil {
		return w, Readiness{}, err
	}
	choices, err := s.frameworkChoices(ctx, a.OrgID)
	if err != nil {
		return w, Readiness{}, err
	}
	today := s.today()
	bs, err := s.loadBundles(ctx, a.OrgID, []Worker{w}, codes, today, cv.Chart.CountsGroupSessions())
	if err != nil {
		return w, Readiness{}, err
	}
	return w, readinessOf(cv.Chart, bs[w.ID], today, choices), nil
}

// Development is a worker's whole development record, as their page shows it.
type Development struct {
	Worker           Worker
	Chart            ChartVersion
	Readiness        Readiness
	Roles            []RoleHeld
	ExperienceMonths int
	Trainings        []Training // latest first
	Signoffs         []Signoff
	Prerequisites    []PrerequisiteRecord
	Waivers          []WaiverRecord
	Credentials      []Credential
	Requests         []SignoffRequest // open and recently answered
	Ethics           EthicsStatus     // the CPS code (kept for older templates)
	// EthicsCodes is where the worker stands with every code, each marked
	// with whether it applies to their track.
	EthicsCodes []EthicsStatus
	Supervision periodMinutes
	Notes       []PlanNote
	Today       string
	// Groups is the group sessions the worker facilitated, by group
	// (groups.go): experience from the service records, shown beside the
	// chart, and evidence for any item whose met_by rule asks for it.
	Groups Facilitation
}

// PreviousExperience says how "previous peer support experience" was
// counted: the peer roles that ended before the current one began.
func (d Development) PreviousExperience() string {
	f := d.Readiness.Facts
	if f.PreviousRoles == 0 {
		if f.CurrentFrom != "" {
			return "None yet: no peer role on record ended before the current one began on " + f.CurrentFrom + ". The current role is not counted as previous experience."
		}
		return "None on record: no peer role has ended."
	}
	return framework.PreviousExperienceNote(f) + "."
}

// SupervisionThisMonth, …Quarter and …Year are the minutes of supervision
// in the current periods.
func (d Development) SupervisionThisMonth() int   { return d.Supervision.Month }
func (d Development) SupervisionThisQuarter() int { return d.Supervision.Quarter }
func (d Development) SupervisionThisYear() int    { return d.Supervision.Year }

// DevelopmentRecord loads a worker's whole development record. Reading
// someone else's is audited.
func (s *Store) DevelopmentRecord(ctx context.Context, a Actor, workerID int64) (Development, error) {
	w, err := s.readWorker(ctx, a, workerID, "development record")
	if err != nil {
		return Development{}, err
	}
	cv, err := s.ActiveChart(ctx, a.OrgID)
	if err != nil {
		return Development{}, err
	}
	eths, err := s.EthicsStatusesOf(ctx, a, w.ID)
	if err != nil {
		return Development{}, err
	}
	codes := make([]EthicsCode, len(eths))
	eth := eths[0]
	for i, e := range eths {
		codes[i] = e.Code
		if e.Code.Key == framework.DefaultEthicsCode {
			eth = e
		}
	}
	choices, err := s.frameworkChoices(ctx, a.OrgID)
	if err != nil {
		return Development{}, err
	}
	today := s.today()
	bs, err := s.loadBundles(ctx, a.OrgID, []Worker{w}, codes, today, false)
	if err != nil {
		return Development{}, err
	}
	b := bs[w.ID]
	// The page shows the group sessions facilitated, by group; their
	// totals are the fact met_by rules read.
	groups, err := s.facilitationOf(ctx, a.OrgID, w.ID)
	if err != nil {
		return Development{}, err
	}
	b.facilitated = Facilitation{Sessions: groups.Sessions, Minutes: groups.Minutes, Since: groups.Since, Last: groups.Last}
	d := Development{
		Worker: w, Chart: cv, Readiness: readinessOf(cv.Chart, b, today, choices), Roles: b.roles, Trainings: b.trainings,
		Signoffs: b.signoffs, Prerequisites: b.prereqs, Waivers: b.waivers, Credentials: b.credentials, Ethics: eth, EthicsCodes: eths, Today: today,
	}
	d.ExperienceMonths = d.Readiness.Facts.ExperienceMonths
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+requestColumns+requestFrom+
		"WHERE r.org_id = $1 AND r.user_id = $2 AND (r.status = 'open' OR r.decided_at >= $3) ORDER BY r.id DESC LIMIT 100",
		a.OrgID, w.ID, ms(s.now().AddDate(0, 0, -90)))
	if err != nil {
		return Development{}, err
	}
	if d.Requests, err = collect(rows, scanRequest); err != nil {
		return Development{}, err
	}
	sup, err := s.supervisionFor(ctx, a.OrgID, []int64{w.ID}, today)
	if err != nil {
		return Development{}, err
	}
	d.Supervision = sup[w.ID]
	if d.Notes, err = s.planNotes(ctx, a.OrgID, w.ID); err != nil {
		return Development{}, err
	}
	d.Groups = groups
	return d, nil
}

// MyDevelopment is what the home page says about the signed-in user's own
// development: where they are heading, what is missing, whether the Code of
// Ethics needs signing, and credentials that need renewing soon.
type MyDevelopment struct {
	UserID     int64
	TargetName string
	Missing    []framework.RequirementStatus
	// NeedsTrack: nobody has chosen the user's track yet; the home page
	// asks them to.
	NeedsTrack  bool
	EthicsDue   bool
	Reminders   []Credential // due within 90 days, or expired
	Confirmed   string       // the confirmed stage's name
	OpenAsks    int          // the user's own open sign-off requests
	Declined    int          // requests declined in the last 30 days
	AllReady    bool
	ChartTitle  string
	WorkerTrack framework.Track
}

// MyDevelopmentSummary is the home page's "Your development" section for
// the actor.
func (s *Store) MyDevelopmentSummary(ctx context.Context, a Actor) (MyDevelopment, error) {
	w, r, err := s.WorkerReadiness(ctx, a, a.UserID)
	if err != nil {
		return MyDevelopment{}, err
	}
	m := MyDevelopment{UserID: w.ID, TargetName: r.TargetName, Missing: r.TargetMissing, AllReady: r.Target == "" && !r.NeedsTrack,
		NeedsTrack: r.NeedsTrack, ChartTitle: r.Chart.Title(), WorkerTrack: r.Track}
	if sr, ok := r.Stage(w.ConfirmedStage); ok {
		m.Confirmed = sr.Name
	}
	for _, code := range r.Chart.EthicsCodes() {
		if _, signed := r.Facts.EthicsSigned[code.Key]; r.Track.Valid() && code.AppliesTo(r.Track) && !signed {
			m.EthicsDue = true
		}
	}
	today := s.today()
	creds, err := s.credentialsFor(ctx, a.OrgID, []int64{a.UserID}, today)
	if err != nil {
		return m, err
	}
	for _, c := range creds[a.UserID] {
		if c.Reminder.Due {
			m.Reminders = append(m.Reminders, c)
		}
	}
	err = s.rdb.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'declined' AND decided_at >= $3 THEN 1 ELSE 0 END), 0)
		FROM signoff_requests WHERE org_id = $1 AND user_id = $2`, a.OrgID, a.UserID, ms(s.now().AddDate(0, 0, -30))).Scan(&m.OpenAsks, &m.Declined)
	return m, err
}

// reqKey names one list of effective requirements.
type reqKey struct {
	chart *framework.Chart
	stage framework.Stage
	track framework.Track
}

// effectiveCache keeps the effective requirements of each chart, stage and
// track. Parsed charts are immutable and shared (see parsedCharts), so a
// list, once made, is right for as long as the process runs; a team page
// then needs no requirement lists of its own.
var effectiveCache sync.Map // reqKey → []framework.Requirement

func effective(c *framework.Chart, st framework.Stage, t framework.Track) []framework.Requirement {
	k := reqKey{c, st, t}
	if v, ok := effectiveCache.Load(k); ok {
		return v.([]framework.Requirement)
	}
	reqs := framework.EffectiveRequirements(c, st, t)
	effectiveCache.Store(k, reqs)
	return reqs
}

// keysOf reduces a bundle to what summaryOf reads: which items have
// recorded evidence, and which are waived.
func keysOf(b *bundle) (evidence, waived map[string]bool) {
	evidence, waived = map[string]bool{}, map[string]bool{}
	for k := range evidenceOf(b) {
		evidence[k] = true
	}
	for _, w := range b.waivers {
		waived[w.ItemKey] = true
	}
	return evidence, waived
}

// summaryOf is the team page's short form of readinessOf: the target stage
// and how many blocking requirements are missing there, from the set of
// items with evidence rather than the evidence itself, and without building
// the whole profile. It follows the same rules, through the same
// framework.Assessor (TestSummaryAgreesWithReadiness checks it against
// readinessOf). A worker without a track has no target.
func summaryOf(c *framework.Chart, b *bundle, evidence, waived map[string]bool, today string, choices framework.Choices) (target framework.Stage, name string, missing int) {
	track := b.worker.Track
	if !track.Valid() {
		return "", "", 0
	}
	facts := factsOf(b, today)
	ev := framework.AutoEvidence(c, facts)
	for k := range evidence {
		ev[k] = append(ev[k], framework.EvidenceRef{Kind: framework.EvidenceSignoff})
	}
	waivers := make([]framework.Waiver, 0, len(waived))
	for k := range waived {
		waivers = append(waivers, framework.Waiver{ItemKey: k})
	}
	as := framework.NewAssessor(c, framework.Input{Track: track, Evidence: ev, Waivers: waivers, Choices: choices, Lapsed: framework.LapsedItems(c, facts)})
	missingAt := func(st framework.Stage) int {
		n := 0
		for _, r := range effective(c, st, track) {
			if r.Kind.Descriptive() {
				continue
			}
			if rs := as.Assess(r); rs.Blocking && rs.Status.Missing() {
				n++
			}
		}
		return n
	}
	stages := c.Stages()
	if st := b.worker.ConfirmedStage; st != "" && c.StageIndex(st) >= 0 {
		i := c.StageIndex(st)
		if i+1 >= len(stages) {
			return "", "", 0
		}
		return stages[i+1].Key, stages[i+1].Name, missingAt(stages[i+1].Key)
	}
	for _, st := range stages {
		if n := missingAt(st.Key); n > 0 {
			return st.Key, st.Name, n
		}
	}
	return "", "", 0
}

// loadSummaries loads, for many workers at once, only what summaryOf and
// the team page read: peer roles, credentials, the ethics signature, the
// number of group sessions facilitated (only when groups says the chart
// counts them), and the keys of items with evidence or a waiver (one query
// over the four kinds of record, distinct keys only).
func (s *Store) loadSummaries(ctx context.Context, orgID int64, workers []Worker, codes []EthicsCode, today string, groups bool) (map[int64]*bundle, map[int64]map[string]bool, map[int64]map[string]bool, error) {
	bs := make(map[int64]*bundle, len(workers))
	evidence, waived := map[int64]map[string]bool{}, map[int64]map[string]bool{}
	ids := make([]int64, len(workers))
	for i, w := range workers {
		bs[w.ID] = &bundle{worker: w}
		evidence[w.ID], waived[w.ID] = map[string]bool{}, map[string]bool{}
		ids[i] = w.ID
	}
	if len(ids) == 0 {
		return bs, evidence, waived, nil
	}
	ph, idArgs := inList(ids, []any{orgID})
	args := idArgs
	in := " IN (" + ph + ")"
	rows, err := s.rdb.QueryContext(ctx, `SELECT user_id, item_key, 0 FROM training_completions WHERE org_id = $1 AND item_key <> '' AND user_id`+in+`
		UNION SELECT user_id, item_key, 0 FROM competency_signoffs WHERE org_id = $1 AND withdrawn_at = 0 AND user_id`+in+`
		UNION SELECT user_id, item_key, 0 FROM prerequisite_records WHERE org_id = $1 AND user_id`+in+`
		UNION SELECT user_id, item_key, 1 FROM waivers WHERE org_id = $1 AND withdrawn_at = 0 AND user_id`+in, args...)
	if err != nil {
		return nil, nil, nil, err
	}
	err = func() error {
		defer rows.Close()
		for rows.Next() {
			var id int64
			var key string
			var isWaiver int
			if err := rows.Scan(&id, &key, &isWaiver); err != nil {
				return err
			}
			if isWaiver == 1 {
				waived[id][key] = true
			} else {
				evidence[id][key] = true
			}
		}
		return rows.Err()
	}()
	if err != nil {
		return nil, nil, nil, err
	}
	rows, err = s.rdb.QueryContext(ctx, `SELECT user_id, id, from_on, to_on FROM worker_roles WHERE org_id = $1 AND peer AND user_id`+in, args...)
	if err != nil {
		return nil, nil, nil, err
	}
	err = func() error {
		defer rows.Close()
		for rows.Next() {
			var id int64
			r := RoleHeld{Peer: true}
			if err := rows.Scan(&id, &r.ID, &r.From, &r.To); err != nil {
				return err
			}
			bs[id].roles = append(bs[id].roles, r)
		}
		return rows.Err()
	}()
	if err != nil {
		return nil, nil, nil, err
	}
	creds, err := s.credentialsFor(ctx, orgID, ids, today)
	if err != nil {
		return nil, nil, nil, err
	}
	for id, cs := range creds {
		bs[id].credentials = cs
	}
	att, err := s.attestedFor(ctx, orgID, codes, ids)
	if err != nil {
		return nil, nil, nil, err
	}
	for id, at := range att {
		bs[id].signed = at
	}
	if groups {
		fac, err := s.facilitationFor(ctx, orgID, ids)
		if err != nil {
			return nil, nil, nil, err
		}
		for id, f := range fac {
			bs[id].facilitated = f
		}
	}
	return bs, evidence, waived, nil
}
