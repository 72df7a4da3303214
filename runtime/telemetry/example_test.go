package telemetry_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/infgen/infgen/runtime/admin"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/telemetry"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

func hello(ctx workflow.Context, name string) (string, error) {
	if err := workflow.Sleep(ctx, 0); err != nil {
		return "", err
	}
	return "hello " + name, nil
}

// On the embedded default the runtime's metrics are on: ServeAdmin serves
// them at /metrics, in the Prometheus text format.
func Example_metrics() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "metrics")
	defer os.RemoveAll(dir)
	rt, err := local.Open(filepath.Join(dir, "app.db"))
	if err != nil {
		panic(err)
	}
	defer rt.Close()
	addr, err := rt.ServeAdmin(ctx, admin.Options{})
	if err != nil {
		panic(err)
	}
	w, err := rt.NewWorker(worker.Options{Admin: addr, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	_ = worker.RegisterWorkflow(w, "hello", hello)
	if err := w.Start(ctx); err != nil {
		panic(err)
	}
	defer w.Stop()
	c, _ := rt.NewClient(ctx)
	defer c.Close()
	if _, err := client.Execute[string](ctx, c, client.StartParams{Workflow: "hello", ID: "h1", Input: "you"}); err != nil {
		panic(err)
	}

	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "infgen_workflows_") {
			fmt.Println(sc.Text())
		}
	}
	// Output:
	// infgen_workflows_finished_total{infgen_status="completed",infgen_workflow="hello"} 1
	// infgen_workflows_started_total{infgen_workflow="hello"} 1
}

// Traces go to the exporter of your choice (OTLP, Jaeger, …) through a
// tracer provider built by NewTracerProvider; here, the SDK's in-memory one.
func Example_traces() {
	ctx := context.Background()
	exp := tracetest.NewInMemoryExporter()
	tp := telemetry.NewTracerProvider(sdktrace.WithSyncer(exp))
	defer tp.Shutdown(ctx)

	rt, err := local.Open("") // state in memory
	if err != nil {
		panic(err)
	}
	defer rt.Close()
	w, err := rt.NewWorker(worker.Options{TracerProvider: tp, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	_ = worker.RegisterWorkflow(w, "hello", hello)
	if err := w.Start(ctx); err != nil {
		panic(err)
	}
	defer w.Stop()
	c, _ := rt.NewClient(ctx)
	defer c.Close()
	if _, err := client.Execute[string](ctx, c, client.StartParams{Workflow: "hello", ID: "h1", Input: "you"}); err != nil {
		panic(err)
	}

	var names []string
	for _, s := range exp.GetSpans() {
		names = append(names, s.Name)
	}
	slices.Sort(names)
	fmt.Println(names)
	// Output:
	// [timer workflow hello]
}
