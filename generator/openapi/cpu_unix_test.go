//go:build unix

package openapi_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user + system) the process used so far; the
// benchmarks report it next to wall time, which a busy machine inflates.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
