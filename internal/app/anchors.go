package app

import (
	"context"
	"log/slog"
	"path/filepath"
	"time"

	"peerpath/internal/audit"
	"peerpath/internal/store"
)

// anchorEvery is how often serve copies the chains' heads to the anchor
// file (issue 15: at least every minute).
const anchorEvery = 30 * time.Second

// anchorPath is the anchor file in the data directory.
func (c Config) anchorPath() string { return filepath.Join(c.dataDir(), audit.AnchorFile) }

// anchorer appends every organisation's chain head to the anchor file when
// it has moved since the last time, so that `audit verify` can tell a chain
// cut back to an older head (a restored copy of the database) from one that
// simply ended there.
type anchorer struct {
	s    *store.Store
	path string
	key  []byte
	log  *slog.Logger
	last map[int64]int64 // org → seq last anchored by this process
}

func newAnchorer(s *store.Store, path string, key []byte, log *slog.Logger) *anchorer {
	return &anchorer{s: s, path: path, key: key, log: log, last: map[int64]int64{}}
}

// anchor writes the heads that moved; it is safe to call at any time.
func (a *anchorer) anchor(ctx context.Context) error {
	heads, err := a.s.AuditHeads(ctx)
	if err != nil {
		return err
	}
	var moved []audit.Anchor
	for _, h := range heads {
		if a.last[h.OrgID] != h.Seq {
			moved = append(moved, h)
		}
	}
	if err := audit.AppendAnchors(a.path, a.key, moved); err != nil {
		return err
	}
	for _, h := range moved {
		a.last[h.OrgID] = h.Seq
	}
	return nil
}

// run anchors at start and every anchorEvery until ctx ends (serve anchors
// once more after the last request).
func (a *anchorer) run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		a.anchorOrLog(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (a *anchorer) anchorOrLog(ctx context.Context) {
	if err := a.anchor(ctx); err != nil && ctx.Err() == nil {
		a.log.Error("anchoring the audit chains", "file", a.path, "err", err)
	}
}
