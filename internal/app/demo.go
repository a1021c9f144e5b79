package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"peerpath/internal/core"
	"peerpath/internal/demo"
)

// demoCmd loads the demo organisation, or with --scale a generated data set
// of many organisations (internal/demo/scale.go), for benchmarks and trials.
func demoCmd(ctx context.Context, args []string, io stdio, getenv env) error {
	var cfg Config
	var scale string
	fs := flags("demo", io)
	dbFlags(fs, &cfg, getenv)
	var names []string
	for _, s := range demo.Scales {
		names = append(names, fmt.Sprintf("%s (%s)", s.Name, s.Summary))
	}
	fs.StringVar(&scale, "scale", "", "generate a data set instead of the demo organisation: "+strings.Join(names, "; "))
	if err := parse(fs, args); err != nil {
		return err
	}
	var sc demo.Scale
	if scale != "" {
		var ok bool
		if sc, ok = demo.ScaleByName(scale); !ok {
			var valid []string
			for _, s := range demo.Scales {
				valid = append(valid, s.Name)
			}
			return usagef("--scale must be one of %s, not %q", strings.Join(valid, ", "), scale)
		}
	}
	s, err := open(ctx, cfg, core.SystemClock{}, true)
	if err != nil {
		return err
	}
	defer s.Close()
	if scale == "" {
		d, err := demo.Load(ctx, s)
		if err != nil {
			return err
		}
		fmt.Fprintf(io.out, "Demo organisation %q is loaded. Sign in as any of these, with the password %q:\n", d.Org.Name, demo.Password)
		for _, l := range d.Logins {
			fmt.Fprintf(io.out, "  %-15s %-18s %s\n", l.Role, l.Name, l.Email)
		}
		return nil
	}
	start := time.Now()
	fmt.Fprintf(io.err, "Generating %s: %s, into %s …\n", sc.Name, sc.Summary, describeDB(cfg.DB))
	g, err := demo.Generate(ctx, s, sc, io.err)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.out, "generated %d organisation(s) (%d already there), %d workers, %d people, %d contacts, %d goal cycles, %d goals, %d referrals, %d safety plan versions in %s\n",
		g.Orgs, g.Skipped, g.Workers, g.People, g.Contacts, g.Cycles, g.Goals, g.Referrals, g.PlanVersions, time.Since(start).Round(time.Second/10))
	fmt.Fprintf(io.out, "Everything in it is made up. Workers sign in as, for example, %s with the password %q.\n", demo.ScaleEmail(1, "peer", 1), demo.Password)
	return nil
}
