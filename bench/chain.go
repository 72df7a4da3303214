package main

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"
)

// chainEngine runs chain workflows on one workflow engine.
type chainEngine interface {
	// Name is the engine name printed in the RESULT line.
	Name() string
	// Run starts one chain workflow of k sequential no-op tasks under id and
	// waits until it has completed, checking its result.
	Run(ctx context.Context, id string, k int) error
	// Extra returns key=value pairs describing the setup, for the RESULT line.
	Extra() [][2]string
	// Close stops workers and releases connections and files.
	Close() error
}

// taskCounter is an engine that counts the no-op tasks its service ran, so
// that a run can check each ran exactly once.
type taskCounter interface {
	TasksRun() int64
}

// openEngine starts the engine the configuration names.
func openEngine(ctx context.Context, cfg chainConfig, log *slog.Logger) (chainEngine, error) {
	switch cfg.Engine {
	case "infgen":
		return openInfgen(ctx, cfg, log)
	case "temporal":
		return openTemporal(ctx, cfg, log)
	}
	return nil, fmt.Errorf("unknown engine %q", cfg.Engine)
}

// runChain runs the three phases of the chain workload on e: warm-up,
// single-workflow latency (one at a time), then throughput (cfg.N
// workflows, cfg.C in flight).
func runChain(ctx context.Context, e chainEngine, cfg chainConfig, log *slog.Logger) (chainResult, error) {
	res := chainResult{Engine: e.Name()}
	run := runID()
	seq := 0
	sequential := func(phase string, count int) ([]time.Duration, error) {
		ds := make([]time.Duration, 0, count)
		for range count {
			seq++
			d, err := timed(ctx, e, fmt.Sprintf("chain-%s-%s-%d", run, phase, seq), cfg)
			if err != nil {
				return nil, fmt.Errorf("%s phase, workflow %d: %w", phase, seq, err)
			}
			ds = append(ds, d)
		}
		return ds, nil
	}

	log.Info("warm-up", "workflows", cfg.Warmup)
	if _, err := sequential("warmup", cfg.Warmup); err != nil {
		return res, err
	}
	log.Info("latency phase: one workflow at a time", "workflows", cfg.Latency, "k", cfg.K)
	lat, err := sequential("latency", cfg.Latency)
	if err != nil {
		return res, err
	}
	res.P50, res.P99 = percentile(lat, 50), percentile(lat, 99)
	log.Info("latency measured", "p50", res.P50, "p99", res.P99)

	log.Info("throughput phase", "workflows", cfg.N, "in_flight", cfg.C, "k", cfg.K)
	cpu0 := processCPU()
	loaded, elapsed, err := concurrent(ctx, e, cfg, run)
	cpu := processCPU() - cpu0
	if err != nil {
		return res, err
	}
	res.Workflows, res.Tasks, res.Elapsed = cfg.N, cfg.N*cfg.K, elapsed
	exactlyOnce, calls := "n/a", "n/a"
	if tc, ok := e.(taskCounter); ok {
		want := int64(cfg.Warmup+cfg.Latency+cfg.N) * int64(cfg.K)
		got := tc.TasksRun()
		if got != want {
			return res, fmt.Errorf("the service ran %d tasks, want exactly %d (every workflow's k tasks, once each)", got, want)
		}
		exactlyOnce, calls = "ok", strconv.FormatInt(got, 10)
	}
	res.LoadedP50, res.LoadedP99 = percentile(loaded, 50), percentile(loaded, 99)
	res.Extra = append([][2]string{
		{"n", strconv.Itoa(cfg.N)}, {"k", strconv.Itoa(cfg.K)}, {"c", strconv.Itoa(cfg.C)},
		{"elapsed", fmtDur(elapsed)}, {"loaded_p50", fmtDur(res.LoadedP50)}, {"loaded_p99", fmtDur(res.LoadedP99)},
		{"exactly_once", exactlyOnce}, {"calls", calls}, {"cpu_per_task", fmtDur(cpu / time.Duration(cfg.N*cfg.K))},
	}, e.Extra()...)
	return res, nil
}

// concurrent runs cfg.N workflows with cfg.C in flight and returns their
// individual latencies and the wall time of the whole phase.
func concurrent(ctx context.Context, e chainEngine, cfg chainConfig, run string) ([]time.Duration, time.Duration, error) {
	var (
		next atomic.Int64
		mu   sync.Mutex
		ds   = make([]time.Duration, 0, cfg.N)
	)
	g, gctx := errgroup.WithContext(ctx)
	start := time.Now()
	for range min(cfg.C, cfg.N) {
		g.Go(func() error {
			for {
				i := next.Add(1)
				if i > int64(cfg.N) {
					return nil
				}
				d, err := timed(gctx, e, fmt.Sprintf("chain-%s-load-%d", run, i), cfg)
				if err != nil {
					return fmt.Errorf("throughput phase, workflow %d: %w", i, err)
				}
				mu.Lock()
				ds = append(ds, d)
				mu.Unlock()
			}
		})
	}
	if err := g.Wait(); err != nil {
		return nil, 0, err
	}
	return ds, time.Since(start), nil
}

// timed runs one workflow under the per-workflow timeout and returns how
// long it took from start to result.
func timed(ctx context.Context, e chainEngine, id string, cfg chainConfig) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	start := time.Now()
	if err := e.Run(ctx, id, cfg.K); err != nil {
		return 0, fmt.Errorf("%s workflow %s: %w", e.Name(), id, err)
	}
	return time.Since(start), nil
}

// processCPU returns the CPU time (user and system) this process used so
// far: divided by the tasks of a phase, a cost that the load of other
// processes on the machine inflates much less than wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// runID makes workflow ids unique across runs sharing a server or a file.
func runID() string { return strconv.FormatInt(time.Now().UnixNano(), 36) }
