package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// chainResult is what one run of the chain workload measured.
type chainResult struct {
	Engine string
	// Workflows and Tasks completed in the throughput phase, in Elapsed.
	Workflows, Tasks int
	Elapsed          time.Duration
	// P50 and P99 are single-workflow latencies, measured one at a time.
	P50, P99 time.Duration
	// LoadedP50 and LoadedP99 are the latencies seen in the throughput phase.
	LoadedP50, LoadedP99 time.Duration
	// Extra key=value pairs printed after the required ones, in order.
	Extra [][2]string
}

// WorkflowsPerSecond is the throughput-phase rate of completed workflows.
func (r chainResult) WorkflowsPerSecond() float64 { return rate(r.Workflows, r.Elapsed) }

// TasksPerSecond is the throughput-phase rate of completed tasks.
func (r chainResult) TasksPerSecond() float64 { return rate(r.Tasks, r.Elapsed) }

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// Line formats the single RESULT line the benchmark prints.
func (r chainResult) Line() string {
	var b strings.Builder
	fmt.Fprintf(&b, "RESULT engine=%s workflows/s=%.1f tasks/s=%.1f p50=%s p99=%s",
		r.Engine, r.WorkflowsPerSecond(), r.TasksPerSecond(), fmtDur(r.P50), fmtDur(r.P99))
	for _, kv := range r.Extra {
		fmt.Fprintf(&b, " %s=%s", kv[0], kv[1])
	}
	return b.String()
}

// fmtDur prints a duration with three significant decimals of its unit
// (1.234ms, 350.1ms, 1.2s).
func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	default:
		return d.Round(time.Microsecond).String()
	}
}

// percentile returns the nearest-rank p-th percentile (0 < p ≤ 100) of ds,
// or 0 for no samples. ds is not modified.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := int(math.Ceil(float64(len(s)) * p / 100))
	rank = min(max(rank, 1), len(s))
	return s[rank-1]
}
