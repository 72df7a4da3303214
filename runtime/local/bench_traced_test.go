package local_test

import (
	"context"
	"log/slog"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/telemetry"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// BenchmarkTracedChain3 is BenchmarkChain3 with tracing on: every span is
// built and handed to a batching exporter that drops it, so that the cost
// measured is the runtime's, not an exporter's.
func BenchmarkTracedChain3(b *testing.B) {
	ctx := context.Background()
	tp := telemetry.NewTracerProvider(sdktrace.WithBatcher(tracetest.NewNoopExporter()))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	rt, err := local.Open(benchPath(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = rt.Close() })
	w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler), TracerProvider: tp})
	if err != nil {
		b.Fatal(err)
	}
	err = w.RegisterService(worker.Service{Name: "noop", Methods: []worker.Method{{Name: "Do",
		Handler: worker.Handle(codec.JSON{}, func(context.Context, *noop) (*noop, error) { return &noop{}, nil })}}})
	if err != nil {
		b.Fatal(err)
	}
	_ = worker.RegisterWorkflow(w, "chain", func(ctx workflow.Context, k int) (int, error) {
		for i := 0; i < k; i++ {
			if _, err := workflow.Dispatch[*noop](ctx, workflow.Call{Service: "noop", Method: "Do", Input: &noop{}}).Await(ctx); err != nil {
				return 0, err
			}
		}
		return k, nil
	})
	if err := w.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	c, _ := rt.NewClient(ctx)
	defer c.Close()
	b.ResetTimer()
	for b.Loop() {
		if _, err := client.Execute[int](ctx, c, client.StartParams{Workflow: "chain", Input: 3}); err != nil {
			b.Fatal(err)
		}
	}
}
