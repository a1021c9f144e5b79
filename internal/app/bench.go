package app

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"peerpath/internal/bench"
	"peerpath/internal/core"
	"peerpath/internal/store"
)

// benchCmd runs the benchmark of a worker's day (internal/bench) on a
// database holding a generated data set.
func benchCmd(ctx context.Context, args []string, io stdio, getenv env) error {
	var cfg Config
	var conc, only, profile string
	b := bench.Config{Out: io.out}
	fs := flags("bench", io)
	dbFlags(fs, &cfg, getenv)
	fs.IntVar(&b.Org, "org", 1, "which generated organisation's workers act")
	fs.StringVar(&conc, "concurrency", "1,8", "clients per page, comma-separated")
	fs.DurationVar(&b.Duration, "duration", 20*time.Second, "time per page and concurrency (half peerpath, half the baseline), and per part of the contention test")
	fs.IntVar(&b.Savers, "savers", 32, "clients saving contacts at once")
	fs.IntVar(&b.Sessions, "sessions", 200, "sessions doing a worker's mix at once")
	fs.DurationVar(&b.SessionTime, "sessions-duration", 60*time.Second, "how long the sessions run")
	fs.IntVar(&b.Readers, "readers", 8, "readers (and CPU burners) beside one worker's saves")
	fs.StringVar(&only, "only", "", "run only these, comma-separated: "+strings.Join(slices.Concat(bench.Pages, []string{bench.Saves, bench.Sessions, bench.Contention}), ", "))
	fs.StringVar(&profile, "cpuprofile", "", "write a CPU profile of the whole run (peerpath and the baseline, one process) to this file, for go tool pprof")
	if err := parse(fs, args); err != nil {
		return err
	}
	for _, v := range strings.Split(conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 {
			return usagef("--concurrency must be numbers such as 1,8, not %q", conc)
		}
		b.Concurrency = append(b.Concurrency, n)
	}
	known := slices.Concat(bench.Pages, []string{bench.Saves, bench.Sessions, bench.Contention})
	for _, v := range strings.Split(only, ",") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		if !slices.Contains(known, v) {
			return usagef("--only: %q is not one of %s", v, strings.Join(known, ", "))
		}
		b.Only = append(b.Only, v)
	}
	s, err := open(ctx, cfg, core.SystemClock{}, false)
	if err != nil {
		return err
	}
	defer s.Close()
	keys, err := loadKeys(ctx, cfg, s, false)
	if err != nil {
		return err
	}
	base, err := store.Open(ctx, cfg.DB, store.Options{Keys: keys})
	if err != nil {
		return err
	}
	defer base.Close()
	b.Store, b.Baseline = s, base
	fmt.Fprintf(io.err, "peerpath bench on %s (%s)\n", describeDB(cfg.DB), s.Dialect())
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	return bench.Run(ctx, b)
}
