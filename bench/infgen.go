package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/events"
	"github.com/infgen/infgen/runtime/telemetry"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// step is the input and output of the no-op task: the number of tasks
// run so far in the chain.
type step struct {
	N int `json:"n"`
}

// infgenEngine is one infgen worker and one client in this process, over
// the transport and storage the configuration names.
type infgenEngine struct {
	worker *worker.Worker
	client *client.Client
	closer func() error
	extra  [][2]string
	// calls counts executions of the no-op task.
	calls atomic.Int64
	// onTask, when set, is called with the input of each no-op task.
	onTask atomic.Pointer[func(n int)]
	// spans counts the spans exported with -trace (nil without).
	spans *atomic.Int64
}

// dropExporter counts the spans it is given and keeps none.
type dropExporter struct{ spans atomic.Int64 }

func (d *dropExporter) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	d.spans.Add(int64(len(spans)))
	return nil
}

func (d *dropExporter) Shutdown(context.Context) error { return nil }

// openInfgen opens the backends, registers the no-op service and the chain
// workflow in a worker, starts it and opens a client.
func openInfgen(ctx context.Context, cfg chainConfig, log *slog.Logger) (*infgenEngine, error) {
	tr, trInfo, err := openTransport(ctx, cfg, log)
	if err != nil {
		return nil, fmt.Errorf("infgen: transport %s: %w", cfg.Transport, err)
	}
	st, stInfo, err := openStorage(ctx, cfg)
	if err != nil {
		_ = tr.Close()
		return nil, fmt.Errorf("infgen: storage %s: %w", cfg.Storage, err)
	}
	e := &infgenEngine{extra: append(append(trInfo, stInfo.extra...), [2]string{"local_tasks", strconv.FormatBool(cfg.LocalTasks)})}
	e.closer = func() error { return errors.Join(tr.Close(), st.Close(), stInfo.cleanup()) }

	var tp *sdktrace.TracerProvider
	if cfg.Trace {
		exp := &dropExporter{}
		tp = telemetry.NewTracerProvider(sdktrace.WithBatcher(exp))
		closeBackends := e.closer
		e.closer = func() error {
			err := tp.Shutdown(context.Background())
			return errors.Join(err, closeBackends())
		}
		e.extra = append(e.extra, [2]string{"trace", "true"})
		e.spans = &exp.spans
	}
	wo := worker.Options{
		Transport: tr, Storage: st, Logger: log,
		WorkflowConcurrency: orDefault(cfg.WorkflowConcurrency, max(cfg.C, 64)),
		// Every run uses fresh workflow ids: leftovers of an interrupted run
		// sharing a server must not load this one.
		Recover:           worker.RecoverNever,
		DisableLocalTasks: !cfg.LocalTasks,
		OutcomeEvents:     cfg.OutcomeEvents,
	}
	if tp != nil {
		wo.TracerProvider = tp
	}
	w, err := worker.New(wo)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("infgen: %w", err), e.closer())
	}
	taskConcurrency := orDefault(cfg.TaskConcurrency, max(cfg.C, 16))
	err = errors.Join(
		w.RegisterService(worker.Service{Name: "bench", Methods: []worker.Method{
			{Name: "Noop", Handler: worker.Handle(codec.JSON{}, e.noop)},
		}}, worker.WithConcurrency(taskConcurrency)),
		worker.RegisterWorkflow(w, "chain", chainWorkflow),
	)
	if err == nil && cfg.SubscribeEvents {
		noop := func(context.Context, *events.Event) error { return nil }
		for _, typ := range []string{"chain.started", "bench.Noop.completed", "chain.completed"} {
			err = errors.Join(err, events.Subscribe(w, typ, noop, events.Concurrency(taskConcurrency)))
		}
	}
	if err == nil {
		err = w.Start(ctx)
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("infgen: start worker: %w", err), e.closer())
	}
	e.worker = w
	c, err := client.New(ctx, client.Options{Transport: tr, Storage: st, Logger: log})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("infgen: %w", err), w.Stop(), e.closer())
	}
	e.client = c
	return e, nil
}

// noop is the service task: it only counts, and records when it ran if a
// long workload is listening.
func (e *infgenEngine) noop(_ context.Context, in *step) (*step, error) {
	e.calls.Add(1)
	if f := e.onTask.Load(); f != nil {
		(*f)(in.N)
	}
	return &step{N: in.N + 1}, nil
}

// TasksRun implements taskCounter.
func (e *infgenEngine) TasksRun() int64 { return e.calls.Load() }

// chainWorkflow calls bench.Noop k times, each call waiting for the
// previous one, and returns the number of completed calls.
func chainWorkflow(ctx workflow.Context, k int) (int, error) {
	n := 0
	for range k {
		out, err := workflow.Dispatch[*step](ctx, workflow.Call{
			Service: "bench", Method: "Noop", Codec: codec.JSON{}, Input: &step{N: n},
		}).Await(ctx)
		if err != nil {
			return n, err
		}
		n = out.N
	}
	return n, nil
}

// Name implements chainEngine.
func (e *infgenEngine) Name() string { return "infgen" }

// Run implements chainEngine.
func (e *infgenEngine) Run(ctx context.Context, id string, k int) error {
	got, err := client.Execute[int](ctx, e.client, client.StartParams{Workflow: "chain", ID: id, Input: k})
	if err != nil {
		return err
	}
	if got != k {
		return fmt.Errorf("chain of %d tasks returned %d", k, got)
	}
	return nil
}

// Extra implements chainEngine.
func (e *infgenEngine) Extra() [][2]string { return e.extra }

// Close implements chainEngine.
func (e *infgenEngine) Close() error {
	return errors.Join(e.client.Close(), e.worker.Stop(), e.closer())
}
