package framework

import (
	"bytes"
	_ "embed"
	"sync"
)

// ma2014JSON is the Massachusetts chart as shipped. It is data so that a
// correction is a change to one file, reviewed like any other.
//
//go:embed charts/ma-2014.json
var ma2014JSON []byte

var ma2014 = sync.OnceValue(func() *Chart {
	c, err := Parse(ma2014JSON)
	if err != nil {
		// Only a broken build can get here; TestMA2014Parses guards it.
		panic("framework: embedded charts/ma-2014.json is invalid: " + err.Error())
	}
	return c
})

// MA2014 returns the April 2014 Massachusetts Peer Professional Workforce
// Development Guidelines chart. It is parsed once and shared.
func MA2014() *Chart { return ma2014() }

// MA2014JSON returns a copy of the embedded chart file, for serving or as a
// starting point for an organisation's own chart.
func MA2014JSON() []byte { return bytes.Clone(ma2014JSON) }
