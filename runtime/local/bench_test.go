package local_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

type noop struct{}

// BenchmarkChain3 measures one workflow of three no-op tasks in sequence,
// start to result, on the embedded default with a durable state file.
func BenchmarkChain3(b *testing.B) {
	ctx := context.Background()
	rt, w := noopRuntime(b)
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

// noopRuntime opens a runtime (closed when b ends) and a worker hosting the
// no-op service noop.Do.
func noopRuntime(b *testing.B) (*local.Runtime, *worker.Worker) {
	rt, err := local.Open(benchPath(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = rt.Close() })
	w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	err = w.RegisterService(worker.Service{Name: "noop", Methods: []worker.Method{{Name: "Do",
		Handler: worker.Handle(codec.JSON{}, func(context.Context, *noop) (*noop, error) { return &noop{}, nil })}}})
	if err != nil {
		b.Fatal(err)
	}
	return rt, w
}

// benchPath returns a state file, or "" (memory) with INFGEN_BENCH_MEMORY=1
// to separate CPU cost from fsync cost.
func benchPath(b *testing.B) string {
	if os.Getenv("INFGEN_BENCH_MEMORY") != "" {
		return ""
	}
	return filepath.Join(b.TempDir(), "state.db")
}

// loop is the input of the long-loop workflow: Steps tasks in all, a new run
// every PerRun tasks (0: never).
type loop struct{ Steps, Done, PerRun int }

// BenchmarkLongLoop measures one workflow of 500 tasks in sequence, start
// to result, with its whole history in one run and continuing as new every
// 50 tasks: each step replays the run's history, so one run costs O(n²)
// while runs of 50 cost O(n).
func BenchmarkLongLoop(b *testing.B) {
	for _, perRun := range []int{0, 50} {
		name := "one-run"
		if perRun > 0 {
			name = "new-run-every-50"
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			rt, w := noopRuntime(b)
			_ = worker.RegisterWorkflow(w, "loop", func(ctx workflow.Context, in loop) (int, error) {
				for i := 0; in.Done < in.Steps; i++ {
					if in.PerRun > 0 && i == in.PerRun {
						return 0, workflow.ContinueAsNew(ctx, in)
					}
					if _, err := workflow.Dispatch[*noop](ctx, workflow.Call{Service: "noop", Method: "Do", Input: &noop{}}).Await(ctx); err != nil {
						return 0, err
					}
					in.Done++
				}
				return in.Done, nil
			})
			if err := w.Start(ctx); err != nil {
				b.Fatal(err)
			}
			defer w.Stop()
			c, _ := rt.NewClient(ctx)
			defer c.Close()
			for b.Loop() {
				if _, err := client.Execute[int](ctx, c, client.StartParams{Workflow: "loop", Input: loop{Steps: 500, PerRun: perRun}}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
