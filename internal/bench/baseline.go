package bench

import (
	"crypto/sha256"
	"encoding/json"
	"html/template"
	"net/http"
	"runtime"
	"strconv"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/store"
)

// baseline is the yardstick: a bare net/http handler serving the same
// pages from the same queries (store.Bare) on its own connection pool,
// with no sessions (the worker is named in a header and looked up in a
// map), no audit entries, no middleware, and the smallest template that
// shows the same rows. What peerpath takes beyond it is the cost of its
// own machinery.
type baseline struct {
	db     store.Bare
	actors map[string]store.Actor // by user id
	mux    *http.ServeMux
}

// userHeader names the worker a baseline request acts as.
const userHeader = "X-Bench-User"

var baselinePages = template.Must(template.New("list").Parse(`<!doctype html><html lang="en"><title>People you support</title><main><h1>People you support</h1>
<table><tr><th>Name</th><th>Next check-in</th><th>Last contact</th><th>Workers</th><th>Follow-ups</th><th>Safety plan</th></tr>
{{range .Rows}}<tr><td><a href="/people/{{.ID}}">{{.PreferredName}}</a></td><td>{{.CheckInDueOn}}</td><td>{{.LastContactAt.Format "2 Jan 2006"}}</td>
<td>{{range .Workers}}{{.Name}} {{end}}</td><td>{{range .FollowUps}}{{.ResourceName}} {{.FollowUpOn}} {{end}}</td><td>{{.SafetyPlan.Version}}</td></tr>{{end}}</table>
<h2>Follow-ups due</h2><ul>{{range .FollowUps}}<li>{{.PersonName}}: {{.ResourceName}} {{.FollowUpOn}}</li>{{end}}</ul></main></html>`))

var baselineRecord = template.Must(template.New("record").Funcs(template.FuncMap{"datetime": core.DateTime}).Parse(`<!doctype html><html lang="en"><title>{{.R.PreferredName}}</title><main><h1>{{.R.PreferredName}}</h1>
<p>{{.R.Pronouns}} · {{.R.PreferredLanguage}} · next check-in {{.R.CheckInDueOn}}</p>
<h2>Recent contacts</h2><ul>{{range .R.Contacts}}<li>{{datetime .OccurredAt}} {{.Kind}} {{.Mode}}: {{.Note}}</li>{{end}}</ul>
<h2>Goals</h2>{{range .R.Cycles}}<p>{{.StartsOn}} to {{.EndsOn}}</p>{{end}}
<h2>Referrals</h2><ul>{{range .R.Referrals}}<li>{{.ResourceName}} {{.Status}} {{.FollowUpOn}}</li>{{end}}</ul>
<h2>Plans</h2><ul>{{range .R.Plans}}<li>{{.Version}}</li>{{end}}</ul>
<h2>Groups</h2><ul>{{range .Groups}}<li>{{.Name}}</li>{{end}}</ul>
<h2>Recovery</h2><p>{{len .Picture.Supports}} {{.Picture.Advocacy}} {{.Picture.OpenRights}}</p>
<h2>Corrections</h2><ul>{{range .Corrections}}<li>{{.Status}}</li>{{end}}</ul></main></html>`))

func newBaseline(db *store.Store, actors map[string]store.Actor) *baseline {
	b := &baseline{db: db.Bare(), actors: actors, mux: http.NewServeMux()}
	b.mux.HandleFunc("GET /api/v1/caseload", b.caseloadJSON)
	b.mux.HandleFunc("GET /people", b.caseloadHTML)
	b.mux.HandleFunc("GET /api/v1/people/{id}", b.personJSON)
	b.mux.HandleFunc("GET /people/{id}", b.personHTML)
	b.mux.HandleFunc("GET /api/v1/people/{id}/contacts", b.contactsJSON)
	b.mux.HandleFunc("POST /api/v1/people/{id}/contacts", b.saveContact)
	b.mux.HandleFunc("GET /burn", burnHandler)
	return b
}

// ServeHTTP serves each request with a request cache of its own, as
// peerpath's pages have, so both sides run the same queries.
func (b *baseline) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mux.ServeHTTP(w, r.WithContext(store.WithRequestCache(r.Context())))
}

func (b *baseline) who(w http.ResponseWriter, r *http.Request) (store.Actor, int64, bool) {
	a, ok := b.actors[r.Header.Get(userHeader)]
	if !ok {
		http.Error(w, "who?", http.StatusUnauthorized)
		return a, 0, false
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return a, id, true
}

func reply(w http.ResponseWriter, status int, v any, err error) {
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) //nolint:errcheck // the client went away
}

func page(w http.ResponseWriter, t *template.Template, v any, err error) {
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	t.Execute(w, v) //nolint:errcheck // the client went away
}

func (b *baseline) caseloadJSON(w http.ResponseWriter, r *http.Request) {
	if a, _, ok := b.who(w, r); ok {
		l, err := b.db.Caseload(r.Context(), a, store.Page{})
		reply(w, http.StatusOK, l, err)
	}
}

func (b *baseline) caseloadHTML(w http.ResponseWriter, r *http.Request) {
	a, _, ok := b.who(w, r)
	if !ok {
		return
	}
	l, err := b.db.Caseload(r.Context(), a, store.Page{})
	var due []store.Referral
	if err == nil {
		due, err = b.db.FollowUpsDue(r.Context(), a, 20)
	}
	page(w, baselinePages, struct {
		Rows      []store.CaseloadRow
		FollowUps []store.Referral
	}{l.Items, due}, err)
}

func (b *baseline) personJSON(w http.ResponseWriter, r *http.Request) {
	if a, id, ok := b.who(w, r); ok {
		p, err := b.db.Person(r.Context(), a, id)
		reply(w, http.StatusOK, p, err)
	}
}

func (b *baseline) personHTML(w http.ResponseWriter, r *http.Request) {
	a, id, ok := b.who(w, r)
	if !ok {
		return
	}
	// The person page's reads, in its order (internal/web/people.go).
	ctx := r.Context()
	rec, err := b.db.PersonRecord(ctx, a, id)
	var groups []store.PersonGroup
	var picture store.RecoveryPicture
	var corrections []store.CorrectionRequest
	if err == nil {
		groups, err = b.db.PersonGroups(ctx, a, id)
	}
	if err == nil {
		picture, err = b.db.RecoveryPicture(ctx, a, id)
	}
	if err == nil {
		_, err = b.db.PortalAccount(ctx, a, id)
	}
	if err == nil {
		corrections, err = b.db.Corrections(ctx, a, id)
	}
	page(w, baselineRecord, struct {
		R           store.PersonRecord
		Groups      []store.PersonGroup
		Picture     store.RecoveryPicture
		Corrections []store.CorrectionRequest
	}{rec, groups, picture, corrections}, err)
}

func (b *baseline) contactsJSON(w http.ResponseWriter, r *http.Request) {
	if a, id, ok := b.who(w, r); ok {
		l, err := b.db.Contacts(r.Context(), a, id, store.Page{})
		reply(w, http.StatusOK, l, err)
	}
}

func (b *baseline) saveContact(w http.ResponseWriter, r *http.Request) {
	a, id, ok := b.who(w, r)
	if !ok {
		return
	}
	var in struct {
		Format, Mode, Kind, Note string
		DurationMinutes          int `json:"duration_minutes"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c, err := b.db.AddContact(r.Context(), a, id, store.ContactInput{OccurredAt: time.Now(), DurationMinutes: in.DurationMinutes,
		Format: in.Format, Mode: in.Mode, Kind: in.Kind, Note: in.Note})
	reply(w, http.StatusCreated, c, err)
}

// burnHandler spins for ?us= microseconds of processor time (at most a
// second) and answers: the contention test's stand-in for a reader that
// only uses the processor. The time is the thread's own where the system
// tells it, so that other work on the machine does not stretch the burn.
func burnHandler(w http.ResponseWriter, r *http.Request) {
	us, _ := strconv.Atoi(r.URL.Query().Get("us"))
	spin := time.Duration(min(max(us, 0), 1_000_000)) * time.Microsecond
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	clock := threadCPUTime
	if _, ok := threadCPUTime(); !ok {
		start := time.Now()
		clock = func() (time.Duration, bool) { return time.Since(start), true }
	}
	t0, _ := clock()
	var sum [32]byte
	for t, _ := clock(); t-t0 < spin; t, _ = clock() {
		for range 20 {
			sum = sha256.Sum256(sum[:])
		}
		runtime.Gosched() // take turns, as a reader's many small steps do
	}
	w.Write(sum[:1]) //nolint:errcheck // the client went away
}
