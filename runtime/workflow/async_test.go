package workflow_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
	"github.com/infgen/infgen/runtime/workflowtest"
)

type echoIn struct{ Text string }

type echoOut struct{ Text string }

// echoStub is shaped like a generated stub: its method runs a task through
// workflow.Execute.
type echoStub struct{}

func (echoStub) Echo(ctx workflow.Context, in *echoIn, opts ...workflow.CallOption) (*echoOut, error) {
	return workflow.Execute[*echoOut](ctx, workflow.Call{Service: "echo", Method: "Echo", Input: in}, opts...)
}

// EchoTo is Echo through workflow.ExecuteTo, as generated OpenAPI stubs
// call it.
func (echoStub) EchoTo(ctx workflow.Context, in *echoIn, opts ...workflow.CallOption) (*echoOut, error) {
	var out *echoOut
	err := workflow.ExecuteTo(ctx, workflow.Call{Service: "echo", Method: "Echo", Input: in}, &out, opts...)
	return out, err
}

func registerEcho(w *worker.Worker) error {
	return w.RegisterService(worker.Service{Name: "echo", Methods: []worker.Method{{
		Name: "Echo",
		Handler: worker.Handle(codec.JSON{}, func(_ context.Context, in *echoIn) (*echoOut, error) {
			if in.Text == "" {
				return nil, errors.New("nothing to echo")
			}
			return &echoOut{Text: in.Text + "!"}, nil
		}),
	}}})
}

// TestAsyncRunsStubCallsSideBySide starts two stub calls without waiting:
// neither is ready when Async returns, both complete, and a failed one
// reports its error through its Deferred.
func TestAsyncRunsStubCallsSideBySide(t *testing.T) {
	t.Parallel()
	both := workflow.Define("async.both", func(ctx workflow.Context, _ struct{}) ([]string, error) {
		s := echoStub{}
		a := workflow.Async(ctx, s.Echo, &echoIn{Text: "a"})
		b := workflow.Async(ctx, s.Echo, &echoIn{Text: "b"})
		bad := workflow.Async(ctx, s.Echo, &echoIn{})
		if a.Ready() || b.Ready() {
			return nil, errors.New("Async waited")
		}
		if err := workflow.AwaitAll(ctx, a, b); err != nil {
			return nil, err
		}
		ra, _ := a.Await(ctx)
		rb, _ := b.Await(ctx)
		_, err := bad.Await(ctx)
		return []string{ra.Text, rb.Text, err.Error()}, nil
	})
	env := workflowtest.NewEnv(t, func(w *worker.Worker) error {
		if err := registerEcho(w); err != nil {
			return err
		}
		return w.RegisterWorkflow(both)
	})
	got, err := workflowtest.ExecuteRef(env, both, struct{}{}, client.StartParams{ID: "both"})
	require.NoError(t, err)
	require.Equal(t, "a!", got[0])
	require.Equal(t, "b!", got[1])
	require.Contains(t, got[2], "nothing to echo")
}

// TestAsyncOfAFunctionThatCallsNoTask runs the function to its end.
func TestAsyncOfAFunctionThatCallsNoTask(t *testing.T) {
	t.Parallel()
	none := workflow.Define("async.none", func(ctx workflow.Context, _ struct{}) (string, error) {
		d := workflow.Async(ctx, func(_ workflow.Context, s string, _ ...workflow.CallOption) (string, error) { return s + "?", nil }, "x")
		if !d.Ready() {
			return "", errors.New("not ready")
		}
		return d.Await(ctx)
	})
	env := workflowtest.NewEnv(t, func(w *worker.Worker) error { return w.RegisterWorkflow(none) })
	got, err := workflowtest.ExecuteRef(env, none, struct{}{}, client.StartParams{ID: "none"})
	require.NoError(t, err)
	require.Equal(t, "x?", got)
}

// TestExecuteToAsExecute runs a stub method that calls ExecuteTo, waiting
// and through Async: the result and the task's error arrive as through
// Execute.
func TestExecuteToAsExecute(t *testing.T) {
	t.Parallel()
	wf := workflow.Define("execute.to", func(ctx workflow.Context, _ struct{}) ([]string, error) {
		s := echoStub{}
		r, err := s.EchoTo(ctx, &echoIn{Text: "a"})
		if err != nil {
			return nil, err
		}
		_, failed := s.EchoTo(ctx, &echoIn{})
		d := workflow.Async(ctx, s.EchoTo, &echoIn{Text: "b"})
		if d.Ready() {
			return nil, errors.New("Async waited")
		}
		rb, err := d.Await(ctx)
		if err != nil {
			return nil, err
		}
		return []string{r.Text, failed.Error(), rb.Text}, nil
	})
	env := workflowtest.NewEnv(t, func(w *worker.Worker) error {
		if err := registerEcho(w); err != nil {
			return err
		}
		return w.RegisterWorkflow(wf)
	})
	got, err := workflowtest.ExecuteRef(env, wf, struct{}{}, client.StartParams{ID: "to"})
	require.NoError(t, err)
	require.Equal(t, "a!", got[0])
	require.Contains(t, got[1], "nothing to echo")
	require.Equal(t, "b!", got[2])
}
