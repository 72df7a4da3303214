package local_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

type Greeting struct{ Name, Text string }

// Example runs a service and a workflow on the embedded default: one
// process, one state file, no server.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "infgen-example")
	defer os.RemoveAll(dir)

	rt, err := local.Open(filepath.Join(dir, "state.db"))
	if err != nil {
		panic(err)
	}
	defer rt.Close()
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	w, _ := rt.NewWorker(worker.Options{Logger: quiet})

	// A service, registered the way generated Register functions do it.
	greet := func(_ context.Context, in *Greeting) (*Greeting, error) {
		return &Greeting{Name: in.Name, Text: "Hello, " + in.Name}, nil
	}
	_ = w.RegisterService(worker.Service{Name: "greeter", Methods: []worker.Method{
		{Name: "Greet", Handler: worker.Handle(codec.JSON{}, greet)},
	}})

	// A workflow: two tasks in parallel, then one after the other.
	_ = worker.RegisterWorkflow(w, "hello", func(ctx workflow.Context, names []string) (string, error) {
		call := func(name string) workflow.Deferred[*Greeting] {
			return workflow.Dispatch[*Greeting](ctx, workflow.Call{Service: "greeter", Method: "Greet", Input: &Greeting{Name: name}})
		}
		a, b := call(names[0]), call(names[1])
		if err := workflow.AwaitAll(ctx, a, b); err != nil {
			return "", err
		}
		ga, _ := a.Await(ctx)
		gb, _ := b.Await(ctx)
		last, err := call("everyone").Await(ctx)
		if err != nil {
			return "", err
		}
		return ga.Text + ". " + gb.Text + ". " + last.Text + ".", nil
	})
	_ = w.Start(ctx)
	defer w.Stop()

	c, _ := rt.NewClient(ctx)
	defer c.Close()
	out, err := client.Execute[string](ctx, c, client.StartParams{Workflow: "hello", ID: "greeting-1", Input: []string{"Ada", "Linus"}})
	fmt.Println(out, err)
	// Output: Hello, Ada. Hello, Linus. Hello, everyone. <nil>
}

// Countdown is the input of the countdown workflow below.
type Countdown struct {
	From   int
	Ticks  []int
	PerRun int
}

// Example_continueAsNew shows a loop that would otherwise grow its history
// forever: every PerRun ticks the workflow continues as new, handing over
// what it has done so far in its input.
func Example_continueAsNew() {
	ctx := context.Background()
	rt, err := local.Open("") // in memory
	if err != nil {
		panic(err)
	}
	defer rt.Close()
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	w, _ := rt.NewWorker(worker.Options{Logger: quiet})
	_ = worker.RegisterWorkflow(w, "countdown", func(ctx workflow.Context, in Countdown) (Countdown, error) {
		for i := 0; in.From > 0; i++ {
			if i == in.PerRun {
				return Countdown{}, workflow.ContinueAsNew(ctx, in)
			}
			if err := workflow.Sleep(ctx, time.Millisecond); err != nil {
				return in, err
			}
			in.Ticks = append(in.Ticks, ctx.Info().Run)
			in.From--
		}
		return in, nil
	})
	_ = w.Start(ctx)
	defer w.Stop()

	c, _ := rt.NewClient(ctx)
	defer c.Close()
	out, err := client.Execute[Countdown](ctx, c, client.StartParams{Workflow: "countdown", ID: "countdown-1", Input: Countdown{From: 5, PerRun: 2}})
	d, _ := c.Describe(ctx, "countdown-1")
	fmt.Println("ticks by run:", out.Ticks, err)
	fmt.Println("runs:", d.Run, "steps in the last run:", d.Steps)
	// Output:
	// ticks by run: [1 1 2 2 3] <nil>
	// runs: 3 steps in the last run: 1
}
