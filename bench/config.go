package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// chainConfig is the parsed command line of the chain workload.
type chainConfig struct {
	// N workflows run with C in flight for the throughput phase.
	N, C int
	// K is the number of sequential tasks per workflow.
	K int
	// Warmup workflows run first and are not measured.
	Warmup int
	// Latency workflows run one at a time to measure p50 and p99.
	Latency int
	// Timeout bounds one workflow.
	Timeout time.Duration

	// Engine is "infgen" or "temporal".
	Engine string
	// Transport and Storage select the infgen backends.
	Transport, Storage string
	// DB is the embedded storage file; empty uses a file in a temporary directory.
	DB string
	// WorkflowConcurrency and TaskConcurrency bound how many workflow steps
	// and tasks the worker (infgen or Temporal) runs at once; 0 picks a
	// default from C (see the methods of the same names).
	WorkflowConcurrency, TaskConcurrency int
	// LocalTasks runs the no-op tasks inside the workflow steps, as a
	// worker does by default; false sets worker.Options.DisableLocalTasks,
	// which sends them through the transport.
	LocalTasks bool

	// OutcomeEvents publishes workflow and task outcomes as CloudEvents
	// (worker.Options.OutcomeEvents).
	OutcomeEvents bool
	// SubscribeEvents subscribes a handler that does nothing to the outcome
	// events of the chain (started, each task completed, completed): their
	// deduplication and, on the memory transport, their stored copies
	// until handled are then part of the measure.
	SubscribeEvents bool

	// Trace records a trace per workflow run (worker.Options.TracerProvider),
	// exported in batches to an exporter that drops the spans: the cost of
	// tracing without a collector's.
	Trace bool

	// CPUProfile, when set, receives a CPU profile of the whole run.
	CPUProfile string
	// Verbose logs the engines' own messages at info level, not only warnings.
	Verbose bool

	// TemporalAddr is the Temporal frontend, TemporalNamespace its namespace.
	TemporalAddr, TemporalNamespace string
}

// EnvTemporalAddr names the Temporal frontend (host:port) used by
// -engine temporal and by the Temporal smoke test.
const EnvTemporalAddr = "INFGEN_TEMPORAL_ADDR"

var (
	engines    = []string{"infgen", "temporal"}
	transports = []string{"memory", "pulsar"}
	storages   = []string{"embedded", "memory", "postgres", "redis", "mysql"}
)

// parseChainFlags parses the arguments of "bench chain".
func parseChainFlags(args []string, usage io.Writer) (chainConfig, error) {
	var c chainConfig
	fs := flag.NewFlagSet("chain", flag.ContinueOnError)
	fs.SetOutput(usage)
	fs.IntVar(&c.N, "n", 2000, "workflows in the throughput phase")
	fs.IntVar(&c.K, "k", 3, "no-op tasks per workflow, called in sequence")
	fs.IntVar(&c.C, "c", 100, "workflows in flight in the throughput phase")
	fs.IntVar(&c.Warmup, "warmup", 20, "unmeasured workflows run first, one at a time")
	fs.IntVar(&c.Latency, "latency", 200, "workflows run one at a time to measure p50/p99")
	fs.IntVar(&c.Latency, "seq", 200, "alias of -latency")
	fs.DurationVar(&c.Timeout, "timeout", time.Minute, "maximum duration of one workflow")
	fs.StringVar(&c.Engine, "engine", "infgen", "engine: "+strings.Join(engines, "|"))
	fs.StringVar(&c.Transport, "transport", "memory", "infgen transport: "+strings.Join(transports, "|"))
	fs.StringVar(&c.Storage, "storage", "embedded", "infgen storage: "+strings.Join(storages, "|"))
	fs.StringVar(&c.DB, "db", "", "embedded storage file (default: a new file in a temporary directory)")
	fs.IntVar(&c.WorkflowConcurrency, "workflow-concurrency", 0, "infgen workflow engine concurrency (default: max(c, 64))")
	fs.IntVar(&c.TaskConcurrency, "task-concurrency", 0, "infgen service task concurrency (default: max(c, 16))")
	fs.BoolVar(&c.LocalTasks, "local-tasks", true, "infgen: run the tasks inside the workflow steps (false: worker.Options.DisableLocalTasks, every task through the transport)")
	fs.BoolVar(&c.OutcomeEvents, "outcome-events", false, "infgen: publish workflow and task outcomes as CloudEvents")
	fs.BoolVar(&c.SubscribeEvents, "subscribe-events", false, "infgen: with -outcome-events, subscribe a no-op handler to the chain's outcome events")
	fs.BoolVar(&c.Trace, "trace", false, "infgen: record traces (OpenTelemetry SDK, batched to an exporter that drops them)")
	fs.StringVar(&c.CPUProfile, "cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
	fs.BoolVar(&c.Verbose, "v", false, "log the engine's info messages too (default: warnings only)")
	fs.StringVar(&c.TemporalAddr, "temporal-addr", "127.0.0.1:7233", "Temporal frontend host:port")
	fs.StringVar(&c.TemporalNamespace, "temporal-namespace", "default", "Temporal namespace")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("chain: unexpected arguments %q", fs.Args())
	}
	return c, c.validate()
}

func (c chainConfig) validate() error {
	var errs []error
	if c.N < 1 || c.K < 1 || c.C < 1 {
		errs = append(errs, fmt.Errorf("-n, -k and -c must be at least 1 (got n=%d k=%d c=%d)", c.N, c.K, c.C))
	}
	if c.Warmup < 0 || c.Latency < 0 {
		errs = append(errs, fmt.Errorf("-warmup and -latency must not be negative (got %d, %d)", c.Warmup, c.Latency))
	}
	if c.WorkflowConcurrency < 0 || c.TaskConcurrency < 0 {
		errs = append(errs, fmt.Errorf("-workflow-concurrency and -task-concurrency must not be negative (got %d, %d)", c.WorkflowConcurrency, c.TaskConcurrency))
	}
	if c.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("-timeout must be positive (got %s)", c.Timeout))
	}
	errs = append(errs, oneOf("engine", c.Engine, engines), oneOf("transport", c.Transport, transports), oneOf("storage", c.Storage, storages))
	if c.DB != "" && c.Storage != "embedded" {
		errs = append(errs, fmt.Errorf("-db is only used with -storage embedded (got -storage %s)", c.Storage))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("chain: %w", err)
	}
	return nil
}

func oneOf(flagName, v string, allowed []string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("-%s %q: want one of %s", flagName, v, strings.Join(allowed, ", "))
}

// orDefault returns v when it is positive, else def.
func orDefault(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
