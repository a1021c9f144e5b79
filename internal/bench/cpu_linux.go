//go:build linux

package bench

import (
	"syscall"
	"time"
	"unsafe"
)

// threadCPUTime is the processor time the calling thread has used: the
// burner counts its spin in it, so that a machine busy with other work
// (which stretches wall time) does not make it burn more than a reader.
func threadCPUTime() (time.Duration, bool) {
	const clockThreadCPUTimeID = 3 // CLOCK_THREAD_CPUTIME_ID
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
