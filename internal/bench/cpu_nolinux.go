//go:build !linux

package bench

import "time"

// threadCPUTime is unknown here: the burner counts its spin in wall time.
func threadCPUTime() (time.Duration, bool) { return 0, false }
