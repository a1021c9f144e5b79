package web

import (
	"net/http"
	"sync"

	"peerpath/internal/store"
)

// One audit entry per page view (issue 14): every route's handler runs in a
// store page view, which gathers the audited reads it makes; the page's one
// entry is written, and committed, just before the first byte of the
// response goes out. A read is therefore on record before anyone sees it,
// and "People you support" or a person's page writes one entry listing all
// it showed instead of one per query.

// auditedWriter writes the page view's entry before the response starts.
// A handler that has made its last read may start the write early
// (startAudit), so the commit runs while the page is rendered or the JSON
// encoded; the first byte still waits for it.
type auditedWriter struct {
	http.ResponseWriter
	startOnce sync.Once
	done      chan struct{} // closed when the entry is committed (or failed)
	once      sync.Once
	err       error
	flush     func() error
	onFail    func(w http.ResponseWriter, err error) // answers instead when the entry could not be written
	failed    bool
}

// start begins writing the entry, once, without waiting for it.
func (w *auditedWriter) start() {
	w.startOnce.Do(func() {
		w.done = make(chan struct{})
		go func() {
			w.err = w.flush()
			close(w.done)
		}()
	})
}

func (w *auditedWriter) before() bool {
	w.once.Do(func() {
		w.start()
		<-w.done
		if w.err != nil {
			w.failed = true
			w.onFail(w.ResponseWriter, w.err)
		}
	})
	return !w.failed
}

// startAudit starts writing the page view's audit entry of the request w
// answers, if it has one: render and writeJSON call it before they do their
// work, when the handler's reads are done. Reads made after it are written
// on their own, as after a flush.
func startAudit(w http.ResponseWriter) {
	for {
		switch x := w.(type) {
		case *auditedWriter:
			x.start()
			return
		case interface{ Unwrap() http.ResponseWriter }:
			w = x.Unwrap()
		default:
			return
		}
	}
}

func (w *auditedWriter) WriteHeader(code int) {
	if w.before() {
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *auditedWriter) Write(b []byte) (int, error) {
	if !w.before() {
		return 0, w.err
	}
	return w.ResponseWriter.Write(b)
}

func (w *auditedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withPageView runs h in a page view of its own.
func (s *Server) withPageView(w http.ResponseWriter, r *http.Request, h func(w http.ResponseWriter, r *http.Request)) {
	ctx, pv := store.WithPageView(r.Context())
	r = r.WithContext(ctx)
	aw := &auditedWriter{ResponseWriter: w, flush: func() error { return s.store.FlushPageView(ctx, pv) }}
	aw.onFail = func(w http.ResponseWriter, err error) { s.fail(w, r, err) }
	h(aw, r)
	aw.before() // a handler that wrote nothing at all
}
