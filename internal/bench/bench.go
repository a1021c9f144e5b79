// Package bench is `peerpath bench`: a benchmark of a peer worker's day on
// a generated data set (`peerpath demo --scale …`). It starts peerpath's
// real web server and a bare baseline (baseline.go: the same queries behind
// a plain net/http handler, without sessions, audit or middleware) on
// 127.0.0.1, on the same database, and drives both with the same requests,
// alternating between them every quarter of a second so that both see the
// same machine. It reports the median and 99th percentile of each page at
// each concurrency, and peerpath's ratio to the baseline; then contact saves
// from many clients, many sessions doing a worker's mix at once, and
// whether readers slow a worker's saves more than plain CPU contention
// would. All traffic goes to the two local servers, bounded in time.
// It is not part of `go test ./...`; docs/performance.md has the figures.
package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/demo"
	"peerpath/internal/store"
	"peerpath/internal/web"
)

// Scenario names, for Config.Only.
const (
	CaseloadJSON = "caseload-json" // GET /api/v1/caseload
	CaseloadHTML = "caseload-html" // GET /people ("People you support")
	PersonJSON   = "person-json"   // GET /api/v1/people/{id}
	PersonHTML   = "person-html"   // GET /people/{id} (the person's record)
	ContactsJSON = "contacts"      // GET /api/v1/people/{id}/contacts
	SaveContact  = "save"          // POST /api/v1/people/{id}/contacts
	Saves        = "saves"         // contact saves from Config.Savers clients: saves per second
	Sessions     = "sessions"      // Config.Sessions sessions doing a worker's mix, counting errors
	Contention   = "contention"    // one worker's saves alone, beside readers, beside CPU burners
)

// Pages are the per-page comparisons, in the order they run.
var Pages = []string{CaseloadJSON, CaseloadHTML, PersonJSON, PersonHTML, ContactsJSON, SaveContact}

// Config says what to run.
type Config struct {
	Store       *store.Store // peerpath's, on the generated data
	Baseline    *store.Store // a second pool on the same database, for the baseline
	Org         int          // which generated organisation's workers act (from 1)
	Concurrency []int
	Duration    time.Duration // per page and concurrency, shared between peerpath and the baseline
	Savers      int
	Sessions    int
	SessionTime time.Duration
	Readers     int
	Only        []string // scenario names; all when empty
	Out         io.Writer
}

// Limits keep the benchmark bounded whatever it is asked.
const (
	maxClients  = 1000
	maxDuration = 10 * time.Minute
	maxSlice    = 250 * time.Millisecond
)

type target int

const (
	peerpath target = iota
	bare
)

type worker struct {
	id      string
	token   string // API token
	session string // session cookie
	people  []int64
	next    atomic.Uint64
}

func (w *worker) person() int64 { return w.people[int(w.next.Add(1))%len(w.people)] }

type runner struct {
	cfg     Config
	orgID   int64
	urls    [2]string
	client  *http.Client
	workers []*worker
}

// Run runs the benchmark and writes its report (Markdown) to cfg.Out.
func Run(ctx context.Context, cfg Config) error {
	for _, c := range cfg.Concurrency {
		if c < 1 || c > maxClients {
			return fmt.Errorf("concurrency %d: use 1 to %d", c, maxClients)
		}
	}
	if cfg.Savers < 1 || cfg.Savers > maxClients || cfg.Sessions < 1 || cfg.Sessions > maxClients || cfg.Readers < 1 || cfg.Readers > maxClients {
		return fmt.Errorf("savers, sessions and readers: use 1 to %d", maxClients)
	}
	if cfg.Duration <= 0 || cfg.Duration > maxDuration || cfg.SessionTime <= 0 || cfg.SessionTime > maxDuration {
		return fmt.Errorf("durations: use more than 0 and at most %s", maxDuration)
	}
	r := &runner{cfg: cfg}
	if err := r.setUp(ctx); err != nil {
		return err
	}
	srv, err := web.New(web.Config{Store: cfg.Store, Clock: core.SystemClock{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "bench"})
	if err != nil {
		return err
	}
	for i, h := range []http.Handler{srv, newBaseline(cfg.Baseline, r.actors())} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		go hs.Serve(ln) //nolint:errcheck // ends with Close below
		defer hs.Close()
		r.urls[i] = "http://" + ln.Addr().String()
	}
	r.client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConns: 2 * maxClients, MaxIdleConnsPerHost: maxClients, DisableCompression: true}}
	defer r.client.CloseIdleConnections()
	return r.report(ctx)
}

func (r *runner) wants(name string) bool {
	return len(r.cfg.Only) == 0 || slices.Contains(r.cfg.Only, name)
}

// setUp finds the generated organisation's peer workers and their active
// people, and gives each worker an API token and a session.
func (r *runner) setUp(ctx context.Context) error {
	s := r.cfg.Store
	org, err := s.OrganisationByName(ctx, demo.ScaleOrgName(r.cfg.Org))
	if err != nil {
		return fmt.Errorf("no generated organisation %d here: run peerpath demo --scale … first (%w)", r.cfg.Org, err)
	}
	r.orgID = org.ID
	peers, err := s.UsersWithRole(ctx, org.ID, auth.RolePeer)
	if err != nil {
		return err
	}
	want := max(r.cfg.Savers, r.cfg.Sessions, r.cfg.Readers+1, slices.Max(append([]int{1}, r.cfg.Concurrency...)))
	for _, u := range peers {
		if len(r.workers) == want {
			break
		}
		a := u.Actor("127.0.0.1")
		l, err := s.Bare().Caseload(ctx, a, store.Page{Limit: 100})
		if err != nil {
			return err
		}
		w := &worker{id: idString(u.ID)}
		for _, row := range l.Items {
			w.people = append(w.people, row.ID)
		}
		if len(w.people) == 0 {
			continue
		}
		if w.token, _, err = s.CreateAPIToken(ctx, a, "peerpath bench"); err != nil {
			return err
		}
		if w.session, err = s.CreateSession(ctx, u.ID, false, "127.0.0.1"); err != nil {
			return err
		}
		r.workers = append(r.workers, w)
	}
	if len(r.workers) == 0 {
		return errors.New("the generated organisation has no peer worker with active people")
	}
	return nil
}

func idString(id int64) string { return fmt.Sprint(id) }

// actors are the baseline's "sessions": the workers by id, in memory.
func (r *runner) actors() map[string]store.Actor {
	out := map[string]store.Actor{}
	for _, w := range r.workers {
		var id int64
		fmt.Sscan(w.id, &id) //nolint:errcheck // made by idString
		out[w.id] = store.Actor{UserID: id, OrgID: r.orgID, Roles: []auth.Role{auth.RolePeer}, IP: "127.0.0.1"}
	}
	return out
}

var saveBody = []byte(`{"format":"individual","mode":"phone","kind":"check_in","duration_minutes":15,"note":"Short call: the week is going okay."}`)

// request builds one request of a kind, to a target, as worker w.
func (r *runner) request(ctx context.Context, t target, w *worker, kind string) *http.Request {
	var path string
	method, html := http.MethodGet, false
	switch kind {
	case CaseloadJSON:
		path = "/api/v1/caseload"
	case CaseloadHTML:
		path, html = "/people", true
	case PersonJSON:
		path = fmt.Sprintf("/api/v1/people/%d", w.person())
	case PersonHTML:
		path, html = fmt.Sprintf("/people/%d", w.person()), true
	case ContactsJSON:
		path = fmt.Sprintf("/api/v1/people/%d/contacts", w.person())
	case SaveContact:
		path, method = fmt.Sprintf("/api/v1/people/%d/contacts", w.person()), http.MethodPost
	}
	var body io.Reader
	if method == http.MethodPost {
		body = bytes.NewReader(saveBody)
	}
	req, _ := http.NewRequestWithContext(ctx, method, r.urls[t]+path, body)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	switch {
	case t == bare:
		req.Header.Set(userHeader, w.id)
	case html:
		req.AddCookie(&http.Cookie{Name: "peerpath_session", Value: w.session})
	default:
		req.Header.Set("Authorization", "Bearer "+w.token)
	}
	return req
}

// do sends a request and reads the whole answer.
func (r *runner) do(req *http.Request) (time.Duration, error) {
	start := time.Now()
	resp, err := r.client.Do(req)
	if err != nil {
		return time.Since(start), err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	if err == nil && (resp.StatusCode < 200 || resp.StatusCode > 299) {
		err = fmt.Errorf("status %d", resp.StatusCode)
	}
	return d, err
}

// sample collects latencies and errors.
type sample struct {
	mu     sync.Mutex
	lat    []time.Duration
	errors map[string]int
	time   time.Duration // how long the target was driven
}

func (s *sample) add(lat []time.Duration, errs map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lat = append(s.lat, lat...)
	for k, v := range errs {
		if s.errors == nil {
			s.errors = map[string]int{}
		}
		s.errors[k] += v
	}
}

func (s *sample) pct(p float64) time.Duration {
	if len(s.lat) == 0 {
		return 0
	}
	sort.Slice(s.lat, func(i, j int) bool { return s.lat[i] < s.lat[j] })
	return s.lat[min(len(s.lat)-1, int(p*float64(len(s.lat))))]
}

func (s *sample) errCount() int {
	n := 0
	for _, v := range s.errors {
		n += v
	}
	return n
}

func (s *sample) rate() float64 {
	if s.time <= 0 {
		return 0
	}
	return float64(len(s.lat)) / s.time.Seconds()
}

// drive runs conc clients for d, each sending requests of kind as its own
// worker. With both set, the clients alternate between peerpath and the
// baseline every quarter of a second.
func (r *runner) drive(ctx context.Context, kinds []string, conc int, d time.Duration, both bool, first int) [2]*sample {
	out := [2]*sample{{}, {}}
	var phase atomic.Int32
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var wg sync.WaitGroup
	if both {
		wg.Go(func() {
			t := time.NewTicker(min(maxSlice, d/8))
			defer t.Stop()
			last := time.Now()
			for {
				select {
				case <-ctx.Done():
					out[phase.Load()].time += time.Since(last)
					return
				case now := <-t.C:
					out[phase.Load()].time += now.Sub(last)
					last = now
					phase.Store(1 - phase.Load())
				}
			}
		})
	} else {
		out[peerpath].time = d
	}
	for i := range conc {
		w := r.workers[(first+i)%len(r.workers)]
		wg.Go(func() {
			var lat [2][]time.Duration
			errs := [2]map[string]int{{}, {}}
			for k := 0; ctx.Err() == nil; k++ {
				t := target(phase.Load())
				kind := kinds[k%len(kinds)]
				dur, err := r.do(r.request(context.WithoutCancel(ctx), t, w, kind))
				if err != nil {
					errs[t][fmt.Sprintf("%s: %v", kind, err)]++
					continue
				}
				lat[t] = append(lat[t], dur)
			}
			out[0].add(lat[0], errs[0])
			out[1].add(lat[1], errs[1])
		})
	}
	wg.Wait()
	return out
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

func ratio(a, b time.Duration) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", float64(a)/float64(b))
}

func (r *runner) report(ctx context.Context) error {
	out := r.cfg.Out
	fmt.Fprintf(out, "peerpath bench: %d workers of %s, %s per page and concurrency, started %s\n\n",
		len(r.workers), demo.ScaleOrgName(r.cfg.Org), r.cfg.Duration, time.Now().UTC().Format(time.RFC3339))
	var pages []string
	for _, p := range Pages {
		if r.wants(p) {
			pages = append(pages, p)
		}
	}
	if len(pages) > 0 {
		fmt.Fprintln(out, "| page | clients | peerpath median ms | p99 ms | req/s | baseline median ms | p99 ms | req/s | ratio median | ratio p99 | errors |")
		fmt.Fprintln(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
		for _, p := range pages {
			for _, c := range r.cfg.Concurrency {
				s := r.drive(ctx, []string{p}, c, r.cfg.Duration, true, 0)
				pp, bl := s[peerpath], s[bare]
				fmt.Fprintf(out, "| %s | %d | %s | %s | %.0f | %s | %s | %.0f | %s | %s | %d / %d |\n", p, c,
					ms(pp.pct(0.5)), ms(pp.pct(0.99)), pp.rate(), ms(bl.pct(0.5)), ms(bl.pct(0.99)), bl.rate(),
					ratio(pp.pct(0.5), bl.pct(0.5)), ratio(pp.pct(0.99), bl.pct(0.99)), pp.errCount(), bl.errCount())
				printErrors(out, pp, bl)
			}
		}
		fmt.Fprintln(out)
	}
	if r.wants(Saves) {
		s := r.drive(ctx, []string{SaveContact}, r.cfg.Savers, r.cfg.Duration, true, 0)
		pp, bl := s[peerpath], s[bare]
		fmt.Fprintf(out, "Contact saves from %d clients: peerpath %.0f/s (median %s ms, p99 %s ms), baseline %.0f/s (median %s ms, p99 %s ms); errors %d / %d\n\n",
			r.cfg.Savers, pp.rate(), ms(pp.pct(0.5)), ms(pp.pct(0.99)), bl.rate(), ms(bl.pct(0.5)), ms(bl.pct(0.99)), pp.errCount(), bl.errCount())
		printErrors(out, pp, bl)
	}
	if r.wants(Sessions) {
		mix := []string{CaseloadHTML, PersonHTML, ContactsJSON, SaveContact, PersonJSON, CaseloadJSON, PersonHTML, SaveContact}
		s := r.drive(ctx, mix, r.cfg.Sessions, r.cfg.SessionTime, false, 0)[peerpath]
		fmt.Fprintf(out, "%d sessions for %s, each in turn: %s: %d requests (%.0f/s), median %s ms, p99 %s ms, errors: %d\n\n",
			r.cfg.Sessions, r.cfg.SessionTime, strings.Join(mix, ", "), len(s.lat), s.rate(), ms(s.pct(0.5)), ms(s.pct(0.99)), s.errCount())
		printErrors(out, s, &sample{})
	}
	if r.wants(Contention) {
		r.contention(ctx)
	}
	return nil
}

func printErrors(out io.Writer, ss ...*sample) {
	for i, s := range ss {
		for k, v := range s.errors {
			fmt.Fprintf(out, "    error (%d): %s (%d times)\n", i+1, k, v)
		}
	}
}

// contention measures one worker's contact saves alone, beside Readers
// clients reading person records, and beside as many "burner" clients that
// do what the readers do to this process's processor time and nothing else:
// each sends requests, no faster than a reader did, to a handler that spins
// for as long as a reader's request took in processor time (measured),
// touching no database and holding no lock. If readers slow the saves more
// than burners do, the saves wait on something the readers hold (a lock,
// the one SQLite writer), not on the processor. On PostgreSQL the readers'
// time inside the database server is not reproduced by the burners.
func (r *runner) contention(ctx context.Context) {
	out := r.cfg.Out
	n := r.cfg.Readers
	fmt.Fprintf(out, "One worker's contact saves (median / p99 ms), alone, beside %d readers of person records, and beside %d clients of a handler that only burns the processor time a reader's request took:\n\n", n, n)
	fmt.Fprintln(out, "| server | alone | with readers | with CPU burners | readers slow-down | CPU slow-down | CPU per reader request | process CPU alone / readers / burners (cores) |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, t := range []target{peerpath, bare} {
		// beside runs n clients sending requests made by mk until ctx ends,
		// counting them; with every set, each client sends one request
		// every so often at most.
		beside := func(mk func(ctx context.Context, w *worker) *http.Request, count *atomic.Int64, every time.Duration) func(ctx context.Context) {
			return func(ctx context.Context) {
				var wg sync.WaitGroup
				for i := range n {
					w := r.workers[(1+i)%len(r.workers)]
					wg.Go(func() {
						for ctx.Err() == nil {
							start := time.Now()
							if _, err := r.do(mk(context.WithoutCancel(ctx), w)); err == nil {
								count.Add(1)
							}
							if wait := every - time.Since(start); wait > 0 {
								select {
								case <-ctx.Done():
								case <-time.After(wait):
								}
							}
						}
					})
				}
				wg.Wait()
			}
		}
		saves := func(d time.Duration, load func(ctx context.Context)) (*sample, time.Duration) {
			ctx, cancel := context.WithTimeout(ctx, d)
			defer cancel()
			cpu0 := cpuTime()
			var wg sync.WaitGroup
			if load != nil {
				wg.Go(func() { load(ctx) })
			}
			s := &sample{time: d}
			w := r.workers[0]
			var lat []time.Duration
			errs := map[string]int{}
			for ctx.Err() == nil {
				d, err := r.do(r.request(context.WithoutCancel(ctx), t, w, SaveContact))
				if err != nil {
					errs[err.Error()]++
					continue
				}
				lat = append(lat, d)
			}
			s.add(lat, errs)
			cancel()
			wg.Wait()
			return s, cpuTime() - cpu0
		}
		burn := func(spin time.Duration) func(ctx context.Context, w *worker) *http.Request {
			return func(ctx context.Context, w *worker) *http.Request {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/burn?us=%d", r.urls[bare], spin.Microseconds()), nil)
				return req
			}
		}
		d := r.cfg.Duration
		alone, cpuAlone := saves(d, nil)
		var reads, burns, idle atomic.Int64
		readers, cpuReaders := saves(d, beside(func(ctx context.Context, w *worker) *http.Request { return r.request(ctx, t, w, PersonHTML) }, &reads, 0))
		// A reader request's processor time: the process's time beside the
		// readers less its saves' (at the time per save measured alone);
		// less again what an empty request to the burner costs.
		_, cpuIdle := saves(d/4, beside(burn(0), &idle, 0))
		perSave, perRead, perEmpty := time.Duration(0), time.Duration(0), time.Duration(0)
		if len(alone.lat) > 0 && reads.Load() > 0 && idle.Load() > 0 {
			perSave = cpuAlone / time.Duration(len(alone.lat))
			perRead = (cpuReaders - perSave*time.Duration(len(readers.lat))) / time.Duration(reads.Load())
			perEmpty = cpuIdle / time.Duration(idle.Load()) // an upper bound: it includes the saves alongside
		}
		// Each burner sends its requests no faster than a reader did.
		var every time.Duration
		if reads.Load() > 0 {
			every = time.Duration(int64(d) * int64(n) / reads.Load())
		}
		burners, cpuBurners := saves(d, beside(burn(max(0, perRead-perEmpty)), &burns, every))
		cores := func(c time.Duration) float64 { return c.Seconds() / d.Seconds() }
		fmt.Fprintf(out, "| %s | %s / %s | %s / %s | %s / %s | %s | %s | %s ms | %.2f / %.2f / %.2f |\n", []string{"peerpath", "baseline"}[t],
			ms(alone.pct(0.5)), ms(alone.pct(0.99)), ms(readers.pct(0.5)), ms(readers.pct(0.99)), ms(burners.pct(0.5)), ms(burners.pct(0.99)),
			ratio(readers.pct(0.5), alone.pct(0.5)), ratio(burners.pct(0.5), alone.pct(0.5)), ms(perRead),
			cores(cpuAlone), cores(cpuReaders), cores(cpuBurners))
		printErrors(out, alone, readers, burners)
	}
	fmt.Fprintln(out)
}
