package workflow_test

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// sandbox is what the examples run in: an in-memory runtime, a worker with
// the examples' greeter service, and a client.
type sandbox struct {
	ctx context.Context
	rt  *local.Runtime
	w   *worker.Worker
	c   *client.Client
}

// newSandbox starts a worker with the greeter service and defs.
func newSandbox(defs ...workflow.Definition) *sandbox {
	ctx := context.Background()
	rt, err := local.Open("") // in memory
	if err != nil {
		panic(err)
	}
	w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	greet := func(_ context.Context, name *string) (*string, error) {
		s := "hello " + *name
		return &s, nil
	}
	if err := w.RegisterService(worker.Service{Name: "greeter", Methods: []worker.Method{
		{Name: "Greet", Handler: worker.Handle(codec.JSON{}, greet)},
		{Name: "Describe", Handler: worker.Handle(codec.JSON{}, describeTask)},
	}}); err != nil {
		panic(err)
	}
	if err := w.RegisterWorkflow(defs...); err != nil {
		panic(err)
	}
	if err := w.Start(ctx); err != nil {
		panic(err)
	}
	c, err := rt.NewClient(ctx, func(o *client.Options) { o.Logger = slog.New(slog.DiscardHandler) })
	if err != nil {
		panic(err)
	}
	return &sandbox{ctx: ctx, rt: rt, w: w, c: c}
}

// describeTask says what a service sees of the task it runs.
func describeTask(ctx context.Context, _ *struct{}) (*string, error) {
	task, _ := service.TaskFrom(ctx)
	dl, _ := ctx.Deadline()
	key := service.IdempotencyKey(ctx)
	if key == task.ID {
		key = "<task id>" // new for every call
	}
	s := fmt.Sprintf("attempt %d, key %s, meta %v, tags %v, timeout %s", task.Attempt, key,
		task.Meta, task.Tags, time.Until(dl).Round(time.Second))
	return &s, nil
}

func (s *sandbox) close() {
	_ = s.c.Close()
	_ = s.w.Stop()
	_ = s.rt.Close()
}

// greet calls the greeter service: what a generated stub method does.
func greet(ctx workflow.Context, name string) workflow.Deferred[*string] {
	return workflow.Dispatch[*string](ctx, workflow.Call{Service: "greeter", Method: "Greet", Input: name})
}

// execute runs a workflow to its end in a fresh sandbox and returns its
// result.
func execute[In, Out any](ref workflow.Ref[In, Out], in In, more ...workflow.Definition) (Out, error) {
	s := newSandbox(append([]workflow.Definition{ref}, more...)...)
	defer s.close()
	return client.ExecuteRef(s.ctx, s.c, ref, in, client.StartParams{})
}
