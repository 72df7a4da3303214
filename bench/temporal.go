package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/sdk/activity"
	tclient "go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	tworker "go.temporal.io/sdk/worker"
	tworkflow "go.temporal.io/sdk/workflow"
)

// temporalEngine runs the chain workload on a Temporal server through the
// Temporal Go SDK: one worker polling a task queue of its own and one
// client, both in this process, like the infgen engine.
type temporalEngine struct {
	client    tclient.Client
	worker    tworker.Worker
	taskQueue string
	addr      string
}

// temporalWorkerOptions sizes the Temporal worker like the infgen one. The
// SDK panics on a workflow task slot count below 2 (it keeps one for the
// sticky queue), so -c 1 gets 2 slots: still one workflow in flight.
func temporalWorkerOptions(cfg chainConfig) tworker.Options {
	return tworker.Options{
		MaxConcurrentActivityExecutionSize:     orDefault(cfg.TaskConcurrency, cfg.C),
		MaxConcurrentWorkflowTaskExecutionSize: max(orDefault(cfg.WorkflowConcurrency, cfg.C), 2),
	}
}

// openTemporal connects to the server at cfg.TemporalAddr, registers the
// chain workflow and the no-op activity, and starts a worker.
func openTemporal(ctx context.Context, cfg chainConfig, log *slog.Logger) (*temporalEngine, error) {
	c, err := tclient.DialContext(ctx, tclient.Options{
		HostPort:  cfg.TemporalAddr,
		Namespace: cfg.TemporalNamespace,
		Logger:    tlog.NewStructuredLogger(log),
	})
	if err != nil {
		return nil, fmt.Errorf("temporal: connect to %s (start a dev server with scripts/temporal.sh start): %w", cfg.TemporalAddr, err)
	}
	e := &temporalEngine{client: c, taskQueue: "infgen-bench-" + runID(), addr: cfg.TemporalAddr}
	e.worker = tworker.New(c, e.taskQueue, temporalWorkerOptions(cfg))
	e.worker.RegisterWorkflowWithOptions(temporalChain, tworkflow.RegisterOptions{Name: "chain"})
	e.worker.RegisterActivityWithOptions(temporalNoop, activity.RegisterOptions{Name: "Noop"})
	if err := e.worker.Start(); err != nil {
		c.Close()
		return nil, fmt.Errorf("temporal: start worker on task queue %s: %w", e.taskQueue, err)
	}
	return e, nil
}

// temporalNoop is the no-op activity.
func temporalNoop(_ context.Context, in step) (step, error) { return step{N: in.N + 1}, nil }

// temporalChain runs k no-op activities one after the other.
func temporalChain(ctx tworkflow.Context, k int) (int, error) {
	ctx = tworkflow.WithActivityOptions(ctx, tworkflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
	n := 0
	for range k {
		var out step
		if err := tworkflow.ExecuteActivity(ctx, "Noop", step{N: n}).Get(ctx, &out); err != nil {
			return n, err
		}
		n = out.N
	}
	return n, nil
}

// Name implements chainEngine.
func (e *temporalEngine) Name() string { return "temporal" }

// Run implements chainEngine.
func (e *temporalEngine) Run(ctx context.Context, id string, k int) error {
	run, err := e.client.ExecuteWorkflow(ctx, tclient.StartWorkflowOptions{ID: id, TaskQueue: e.taskQueue}, "chain", k)
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	var got int
	if err := run.Get(ctx, &got); err != nil {
		return fmt.Errorf("result: %w", err)
	}
	if got != k {
		return fmt.Errorf("chain of %d tasks returned %d", k, got)
	}
	return nil
}

// Extra implements chainEngine.
func (e *temporalEngine) Extra() [][2]string {
	return [][2]string{{"server", e.addr}, {"task_queue", e.taskQueue}}
}

// Close implements chainEngine.
func (e *temporalEngine) Close() error {
	e.worker.Stop()
	e.client.Close()
	return nil
}
