package web

import (
	"sync"
	"time"

	"peerpath/internal/core"
)

// limiter counts events per key in fixed windows. It lives in memory: one
// peerpath process serves an organisation, and a restart forgetting counts is
// acceptable for limits measured in minutes.
type limiter struct {
	mu     sync.Mutex
	clock  core.Clock
	max    int
	window time.Duration
	hits   map[string]*window
}

type window struct {
	start time.Time
	n     int
}

func newLimiter(clock core.Clock, max int, per time.Duration) *limiter {
	return &limiter{clock: clock, max: max, window: per, hits: map[string]*window{}}
}

// allow counts one event for key and reports whether it is within the limit.
func (l *limiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	if len(l.hits) > 50_000 {
		for k, w := range l.hits {
			if now.Sub(w.start) >= l.window {
				delete(l.hits, k)
			}
		}
	}
	w, ok := l.hits[key]
	if !ok || now.Sub(w.start) >= l.window {
		w = &window{start: now}
		l.hits[key] = w
	}
	w.n++
	return w.n <= l.max
}

// limiters are the server's rate limits.
type limiters struct {
	login        *limiter // sign-in attempts per address
	secondFactor *limiter // second-factor attempts per user
	public       *limiter // public lookups per address (certificate checks)
	projector    *limiter // classroom game projector views per address (learning)
}

func newLimiters(c core.Clock) *limiters {
	return &limiters{
		login:        newLimiter(c, 20, 15*time.Minute),
		secondFactor: newLimiter(c, 10, 15*time.Minute),
		public:       newLimiter(c, 30, time.Minute),
		projector:    newLimiter(c, 120, time.Minute),
	}
}

func rateLimited() error {
	return &core.Error{Kind: core.KindRateLimited, Message: "Too many attempts from here. Wait a few minutes and try again."}
}
