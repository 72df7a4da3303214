package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	tclient "go.temporal.io/sdk/client"
	tworker "go.temporal.io/sdk/worker"
)

// smoke runs a small chain workload (n=20, k=2, 4 in flight) with the
// given extra flags, checks the result and returns the engine, closed.
func smoke(t *testing.T, args ...string) chainEngine {
	t.Helper()
	args = append([]string{"-n", "20", "-k", "2", "-c", "4", "-warmup", "2", "-latency", "5", "-timeout", "20s"}, args...)
	cfg, err := parseChainFlags(args, io.Discard)
	require.NoError(t, err)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	e, err := openEngine(ctx, cfg, log)
	require.NoError(t, err)
	res, err := runChain(ctx, e, cfg, log)
	require.NoError(t, e.Close())
	require.NoError(t, err)

	require.Equal(t, cfg.Engine, res.Engine)
	require.Equal(t, 20, res.Workflows)
	require.Equal(t, 40, res.Tasks)
	require.Positive(t, res.P50)
	require.GreaterOrEqual(t, res.P99, res.P50)
	require.Positive(t, res.TasksPerSecond())
	require.InDelta(t, 2*res.WorkflowsPerSecond(), res.TasksPerSecond(), 1e-6)
	return e
}

// TestChainSmoke runs a small chain workload on the embedded default (memory
// transport, durable file storage) and checks every task really ran.
func TestChainSmoke(t *testing.T) {
	t.Parallel()
	e := smoke(t)
	require.EqualValues(t, (2+5+20)*2, e.(*infgenEngine).calls.Load(),
		"warm-up, latency and throughput workflows each run k tasks")
}

// TestChainTraced runs the small workload with -trace: every run's span
// and its task attempts' reach the exporter.
func TestChainTraced(t *testing.T) {
	t.Parallel()
	e := smoke(t, "-trace").(*infgenEngine)
	require.GreaterOrEqual(t, e.spans.Load(), int64((2+5+20)*(1+2)), "a run span and k task spans per workflow")
}

// TestChainOnServers runs the small workload on each server-backed setup
// whose environment variable is set (scripts/pulsar.sh env,
// scripts/services.sh env, scripts/temporal.sh env print them).
func TestChainOnServers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, env string
		args      []string
	}{
		{"pulsar", "INFGEN_PULSAR_URL", []string{"-transport", "pulsar"}},
		{"postgres", "INFGEN_POSTGRES_DSN", []string{"-storage", "postgres"}},
		{"redis", "INFGEN_REDIS_ADDR", []string{"-storage", "redis"}},
		{"mysql", "INFGEN_MYSQL_DSN", []string{"-storage", "mysql"}},
		{"temporal", EnvTemporalAddr, []string{"-engine", "temporal"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if os.Getenv(tc.env) == "" {
				t.Skipf("%s is not set: no %s server to run the chain on", tc.env, tc.name)
			}
			smoke(t, tc.args...)
		})
	}
}

// TestRunPrintsOneResultLine runs the command as main does and checks the
// single line on stdout.
func TestRunPrintsOneResultLine(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"chain", "-n", "6", "-k", "1", "-c", "2", "-warmup", "1", "-seq", "3", "-storage", "memory", "-local-tasks"}, &stdout, &stderr)
	require.NoError(t, err, stderr.String())
	// calls = (warm-up + one-at-a-time + throughput workflows) × k = (1+3+6)×1.
	line := regexp.MustCompile(`^RESULT engine=infgen workflows/s=[0-9.]+ tasks/s=[0-9.]+ p50=\S+ p99=\S+ n=6 k=1 c=2 .* exactly_once=ok calls=10 .*transport=memory storage=memory local_tasks=true\n$`)
	require.Regexp(t, line, stdout.String())
}

// TestTemporalWorkerTakesOneInFlight builds the Temporal worker of -c 1
// without a server (a lazy client): the SDK panicked on one workflow task
// slot.
func TestTemporalWorkerTakesOneInFlight(t *testing.T) {
	t.Parallel()
	cfg, err := parseChainFlags([]string{"-engine", "temporal", "-c", "1"}, io.Discard)
	require.NoError(t, err)
	c, err := tclient.NewLazyClient(tclient.Options{HostPort: "127.0.0.1:1"})
	require.NoError(t, err)
	defer c.Close()
	require.NotPanics(t, func() { tworker.New(c, "q", temporalWorkerOptions(cfg)) })
}

func TestParseChainFlagsRejects(t *testing.T) {
	t.Parallel()
	for name, args := range map[string][]string{
		"zero n":          {"-n", "0"},
		"engine":          {"-engine", "cadence"},
		"transport":       {"-transport", "kafka"},
		"storage":         {"-storage", "sqlite"},
		"db without file": {"-storage", "memory", "-db", "x.db"},
		"extra argument":  {"extra"},
		"negative":        {"-latency", "-1"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := parseChainFlags(args, io.Discard)
			require.Error(t, err)
		})
	}
}

// TestUnavailableBackendsSayWhy checks that a missing server address is
// named in the error (not parallel: it sets environment variables).
func TestUnavailableBackendsSayWhy(t *testing.T) {
	t.Setenv("INFGEN_PULSAR_URL", "")
	t.Setenv("INFGEN_POSTGRES_DSN", "")
	t.Setenv("INFGEN_REDIS_ADDR", "")
	t.Setenv("INFGEN_MYSQL_DSN", "")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for flags, want := range map[[2]string]string{
		{"-transport", "pulsar"}: "INFGEN_PULSAR_URL",
		{"-storage", "postgres"}: "INFGEN_POSTGRES_DSN",
		{"-storage", "redis"}:    "INFGEN_REDIS_ADDR",
		{"-storage", "mysql"}:    "INFGEN_MYSQL_DSN",
	} {
		cfg, err := parseChainFlags(flags[:], io.Discard)
		require.NoError(t, err)
		_, err = openInfgen(context.Background(), cfg, log)
		require.ErrorContains(t, err, want)
	}
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	ms := func(ns ...int) []time.Duration {
		ds := make([]time.Duration, len(ns))
		for i, n := range ns {
			ds[i] = time.Duration(n) * time.Millisecond
		}
		return ds
	}
	require.Zero(t, percentile(nil, 50))
	require.Equal(t, 7*time.Millisecond, percentile(ms(7), 99))
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[99-i] = i + 1 // unsorted on purpose
	}
	require.Equal(t, 50*time.Millisecond, percentile(ms(hundred...), 50))
	require.Equal(t, 99*time.Millisecond, percentile(ms(hundred...), 99))
	require.Equal(t, 100*time.Millisecond, percentile(ms(hundred...), 100))
	require.Equal(t, 2*time.Millisecond, percentile(ms(3, 1, 2), 50))
}

func TestResultLine(t *testing.T) {
	t.Parallel()
	r := chainResult{Engine: "x", Workflows: 10, Tasks: 30, Elapsed: 2 * time.Second,
		P50: 1234567 * time.Nanosecond, P99: 350 * time.Millisecond, Extra: [][2]string{{"k", "3"}}}
	require.Equal(t, "RESULT engine=x workflows/s=5.0 tasks/s=15.0 p50=1.23ms p99=350ms k=3", r.Line())
}

// TestLongSmoke runs the long workload once with the smallest k on memory
// storage and checks its RESULT line.
func TestLongSmoke(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"long", "-k", "200", "-runs", "1", "-storage", "memory"}, &stdout, &stderr)
	require.NoError(t, err, stderr.String())
	line := regexp.MustCompile(`^RESULT workload=long k=200 runs=1 total=\S+ first100=\S+ last100=\S+ ratio=[0-9.]+ .*transport=memory storage=memory local_tasks=false\n$`)
	require.Regexp(t, line, stdout.String())
}
