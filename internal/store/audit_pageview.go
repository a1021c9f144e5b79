package store

import (
	"context"
	"strings"
	"sync"

	"peerpath/internal/audit"
)

// A page view gathers the audited reads one request makes, so that the page
// writes one audit entry listing everything it showed ("People you support"
// shows the people and the follow-ups due; a person's page the person and
// their groups) instead of one entry per query.

// PageView collects the read entries of one request.
type PageView struct {
	mu      sync.Mutex
	entries []audit.Entry
	done    bool
}

type pageViewKey struct{}

// WithPageView returns a context in which audited reads are collected by
// the returned PageView rather than written one by one. The caller must
// call FlushPageView before any of the response is sent.
func WithPageView(ctx context.Context) (context.Context, *PageView) {
	pv := &PageView{}
	return context.WithValue(ctx, pageViewKey{}, pv), pv
}

func pageViewFrom(ctx context.Context) *PageView {
	pv, _ := ctx.Value(pageViewKey{}).(*PageView)
	return pv
}

// add collects e unless the view was already written, or e is someone
// else's (then the caller writes it directly).
func (pv *PageView) add(e audit.Entry) bool {
	pv.mu.Lock()
	defer pv.mu.Unlock()
	if pv.done {
		return false
	}
	if len(pv.entries) > 0 && (pv.entries[0].OrgID != e.OrgID || pv.entries[0].UserID != e.UserID) {
		return false
	}
	pv.entries = append(pv.entries, e)
	return true
}

// FlushPageView writes the page's one audit entry, if it read anything,
// and returns once it is committed. Reads made after it are written
// directly. Calling it again does nothing.
func (s *Store) FlushPageView(ctx context.Context, pv *PageView) error {
	pv.mu.Lock()
	es := pv.entries
	pv.entries, pv.done = nil, true
	pv.mu.Unlock()
	if len(es) == 0 {
		return nil
	}
	return s.audit.write(ctx, mergeReads(es))
}

// mergeReads makes one entry of a page's reads. The first read names the
// record (so filtering the log by record still finds the page); the detail
// lists what each read showed, in order, without repeats.
func mergeReads(es []audit.Entry) audit.Entry {
	m := es[0]
	var parts []string
	seen := map[string]bool{}
	for i, e := range es {
		part := e.Detail
		if i > 0 && (e.RecordType != m.RecordType || e.RecordID != m.RecordID) {
			part = e.RecordType
			if e.RecordID != "" {
				part += " " + e.RecordID
			}
			if e.Detail != "" {
				part += ": " + e.Detail
			}
		}
		if part == "" || seen[part] {
			continue
		}
		seen[part] = true
		parts = append(parts, part)
	}
	m.Detail = strings.Join(parts, "; ")
	return m
}
