//go:build !unix

package bench

import "time"

// cpuTime is unknown here: the CPU burners then burn without pause.
func cpuTime() time.Duration { return 0 }
