package local_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

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
