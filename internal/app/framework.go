package app

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"

	"peerpath/internal/core"
	"peerpath/internal/framework"
)

func frameworkCheck(ctx context.Context, args []string, io stdio, getenv env) error {
	fs := flags("framework check", io)
	fs.Usage = func() {
		fmt.Fprintln(io.err, "Usage: peerpath framework check FILE\n\nValidates a career-chart file and prints a summary; exits 1 naming each bad item.")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() != 1 {
		return usagef("give exactly one chart file")
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	c, err := framework.Parse(data)
	var ve *framework.ValidationError
	if errors.As(err, &ve) {
		fmt.Fprintf(io.out, "%s is not a valid chart (%d problem(s)):\n", fs.Arg(0), len(ve.Problems))
		for _, p := range ve.Problems {
			fmt.Fprintf(io.out, "  %s\n", p.String())
		}
		return errExit1
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(io.out, "%s is valid.\n%s", fs.Arg(0), framework.Summary(c))
	return nil
}

func frameworkRequirements(ctx context.Context, args []string, io stdio, getenv env) error {
	var stage, track, chartFile string
	var asJSON bool
	fs := flags("framework requirements", io)
	fs.StringVar(&stage, "stage", "", "the stage: volunteer, 1, 2, 3, 4 or 5 (required)")
	fs.StringVar(&track, "track", "", "the track: both, mental-health or addiction (required)")
	fs.StringVar(&chartFile, "chart", "", "a chart file; default: the Massachusetts 2014 chart shipped with peerpath")
	fs.BoolVar(&asJSON, "json", false, "print a JSON array instead of a readable list")
	if err := parse(fs, args); err != nil {
		return err
	}
	if stage == "" || track == "" {
		return usagef("both --stage and --track are required")
	}
	c := framework.MA2014()
	if chartFile != "" {
		data, err := os.ReadFile(chartFile)
		if err != nil {
			return err
		}
		if c, err = framework.Parse(data); err != nil {
			return fmt.Errorf("%s: %w (run 'peerpath framework check %s' for every problem)", chartFile, err, chartFile)
		}
	}
	st, err := c.LookupStage(stage)
	if err != nil {
		return usageError{"--stage: " + message(err)}
	}
	tr, err := framework.ParseTrack(track)
	if err != nil {
		return usageError{"--track: " + message(err)}
	}
	reqs := framework.EffectiveRequirements(c, st, tr)
	if asJSON {
		enc := json.NewEncoder(io.out)
		enc.SetIndent("", "  ")
		return enc.Encode(framework.ToJSON(reqs))
	}
	return framework.WriteText(io.out, c, st, tr, reqs)
}

// message is an error's text for a person: a core error's message alone,
// without the field list the API adds.
func message(err error) string {
	if e, ok := core.As(err); ok {
		return e.Message
	}
	return err.Error()
}
