package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The long workload runs one workflow of K no-op tasks in sequence (the
// chain workflow with a large K) and compares the cost of its first 100
// tasks with that of its last 100: the time from one task's execution to
// the next is a whole engine step (the result recorded, the workflow
// resumed, the next task sent). A runtime that replays the history on
// every step shows the last tasks costing many times the first.

// longConfig is the parsed command line of the long workload.
type longConfig struct {
	chainConfig
	// Runs is how many workflows are run one after the other; the result
	// is the median of their figures.
	Runs int
}

func parseLongFlags(args []string, usage io.Writer) (longConfig, error) {
	var c longConfig
	fs := flag.NewFlagSet("long", flag.ContinueOnError)
	fs.SetOutput(usage)
	fs.IntVar(&c.K, "k", 1000, "no-op tasks of the workflow, called in sequence (at least 200)")
	fs.IntVar(&c.Runs, "runs", 3, "workflows run one after the other; the figures are their medians")
	fs.DurationVar(&c.Timeout, "timeout", 10*time.Minute, "maximum duration of one workflow")
	fs.StringVar(&c.Transport, "transport", "memory", "infgen transport: "+strings.Join(transports, "|"))
	fs.StringVar(&c.Storage, "storage", "embedded", "infgen storage: "+strings.Join(storages, "|"))
	fs.StringVar(&c.DB, "db", "", "embedded storage file (default: a new file in a temporary directory)")
	fs.StringVar(&c.CPUProfile, "cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
	fs.BoolVar(&c.Verbose, "v", false, "log the engine's info messages too (default: warnings only)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("long: unexpected arguments %q", fs.Args())
	}
	c.Engine, c.N, c.C, c.Warmup, c.Latency = "infgen", 1, 1, 0, 0
	if c.K < 200 || c.Runs < 1 {
		return c, fmt.Errorf("long: -k must be at least 200 and -runs at least 1 (got k=%d runs=%d)", c.K, c.Runs)
	}
	return c, c.validate()
}

// longResult is what the long workload measured: medians over the runs.
type longResult struct {
	K, Runs int
	// Total is the start-to-result time of one workflow.
	Total time.Duration
	// First and Last are the mean step time over the first and the last
	// 100 tasks.
	First, Last time.Duration
	Extra       [][2]string
}

// Line formats the RESULT line.
func (r longResult) Line() string {
	var b strings.Builder
	fmt.Fprintf(&b, "RESULT workload=long k=%d runs=%d total=%s first100=%s last100=%s ratio=%.2f",
		r.K, r.Runs, fmtDur(r.Total), fmtDur(r.First), fmtDur(r.Last), float64(r.Last)/float64(r.First))
	for _, kv := range r.Extra {
		fmt.Fprintf(&b, " %s=%s", kv[0], kv[1])
	}
	return b.String()
}

// long runs the long workload on an infgen engine.
func long(ctx context.Context, cfg longConfig, log, engineLog *slog.Logger) (longResult, error) {
	e, err := openInfgen(ctx, cfg.chainConfig, engineLog)
	if err != nil {
		return longResult{}, fmt.Errorf("long: %w", err)
	}
	res, err := runLong(ctx, e, cfg, log)
	if cerr := e.Close(); cerr != nil {
		log.Warn("closing the engine failed", "err", cerr)
	}
	return res, err
}

func runLong(ctx context.Context, e *infgenEngine, cfg longConfig, log *slog.Logger) (longResult, error) {
	res := longResult{K: cfg.K, Runs: cfg.Runs}
	var (
		mu    sync.Mutex
		times []time.Time
	)
	f := func(n int) {
		now := time.Now()
		mu.Lock()
		if n == len(times) {
			times = append(times, now)
		}
		mu.Unlock()
	}
	e.onTask.Store(&f)
	defer e.onTask.Store(nil)
	var totals, firsts, lasts []time.Duration
	run := runID()
	for i := range cfg.Runs {
		mu.Lock()
		times = make([]time.Time, 0, cfg.K)
		mu.Unlock()
		log.Info("long workflow", "run", i+1, "k", cfg.K)
		d, err := timed(ctx, e, "long-"+run+"-"+strconv.Itoa(i), cfg.chainConfig)
		if err != nil {
			return res, err
		}
		mu.Lock()
		ts := times
		mu.Unlock()
		if len(ts) != cfg.K {
			return res, fmt.Errorf("long: saw %d distinct tasks, want %d", len(ts), cfg.K)
		}
		first := ts[100].Sub(ts[0]) / 100
		last := ts[cfg.K-1].Sub(ts[cfg.K-101]) / 100
		log.Info("long workflow done", "total", d, "first100", first, "last100", last)
		totals, firsts, lasts = append(totals, d), append(firsts, first), append(lasts, last)
	}
	res.Total, res.First, res.Last = percentile(totals, 50), percentile(firsts, 50), percentile(lasts, 50)
	res.Extra = e.Extra()
	return res, nil
}
