package store

import (
	"context"
	"slices"
	"strings"
	"sync"

	"peerpath/internal/audit"
)

// A page view gathers the audited reads one request makes, so that the page
// writes one audit entry per record listing everything it showed of it
// ("People you support" shows the people and the follow-ups due; a person's
// page the person and their groups) instead of one entry per query, and
// waits for the audit writer once.

// PageView collects the read entries of one request.
type PageView struct {
	mu      sync.Mutex
	entries []audit.Entry
	done    bool
}

type pageViewKey struct{}

// WithPageView returns a context in which audited reads are collected by
// the returned PageView rather than written one by one, and reads share a
// request cache (WithRequestCache). The caller must
// call FlushPageView before any of the response is sent.
func WithPageView(ctx context.Context) (context.Context, *PageView) {
	pv := &PageView{}
	return context.WithValue(WithRequestCache(ctx), pageViewKey{}, pv), pv
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

// FlushPageView writes the page's audit entry, if it read anything, and
// returns once it is committed. Reads made after it are written directly.
// Calling it again does nothing.
func (s *Store) FlushPageView(ctx context.Context, pv *PageView) error {
	pv.mu.Lock()
	es := pv.entries
	pv.entries, pv.done = nil, true
	pv.mu.Unlock()
	if len(es) == 0 {
		return nil
	}
	return s.audit.write(ctx, mergeReads(es)...)
}

// mergeReads makes one entry per record a page read, its detail listing
// what the page showed of it, in order and without repeats: a person's
// page (the record, their groups) or "People you support" (the people, the
// follow-ups due) make one entry. A page that showed different records (a
// person and their safety plan) keeps one entry for each, so the log can
// still be searched by record; they are written together, in one batch.
func mergeReads(es []audit.Entry) []audit.Entry {
	type key struct{ typ, id string }
	var out []audit.Entry
	at := map[key]int{}
	details := map[key][]string{}
	for _, e := range es {
		k := key{e.RecordType, e.RecordID}
		if _, ok := at[k]; !ok {
			at[k] = len(out)
			out = append(out, e)
		}
		if e.Detail != "" && !slices.Contains(details[k], e.Detail) {
			details[k] = append(details[k], e.Detail)
		}
	}
	for k, i := range at {
		out[i].Detail = strings.Join(details[k], "; ")
	}
	return out
}
