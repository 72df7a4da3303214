package workflowtest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
	"github.com/infgen/infgen/runtime/workflowtest"
)

// ledger is a service whose Do steps can be undone by Undo; a step named
// "fail…" fails for good, an undo of a step named "stuck…" too. It counts
// what it did and each undo's attempts.
type ledger struct {
	mu    sync.Mutex
	log   []string
	tries map[string]int
}

func (l *ledger) handle(what string) func(context.Context, *string) (*string, error) {
	return func(_ context.Context, in *string) (*string, error) {
		l.mu.Lock()
		defer l.mu.Unlock()
		if what == "undo" {
			l.tries[*in]++
		}
		if (what == "do" && strings.HasPrefix(*in, "fail")) || (what == "undo" && strings.HasPrefix(*in, "stuck")) {
			return nil, service.Permanentf("%s %s refused", what, *in)
		}
		l.log = append(l.log, what+" "+*in)
		return in, nil
	}
}

func (l *ledger) done() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.log...)
}

// sagaFlow does each step, registering its undo, and compensates at the
// first failure; it returns the compensation's error text, or "none".
func sagaFlow(opts ...workflow.SagaOption) func(ctx workflow.Context, steps []string) (string, error) {
	return func(ctx workflow.Context, steps []string) (string, error) {
		saga := workflow.NewSaga(opts...)
		for _, s := range steps {
			if _, err := workflow.Dispatch[*string](ctx, workflow.Call{Service: "ledger", Method: "Do", Input: s}).Await(ctx); err != nil {
				cerr := saga.Compensate(ctx)
				again := saga.Compensate(ctx) // runs nothing
				if again != nil {
					return "", fmt.Errorf("second Compensate: %w", again)
				}
				if cerr == nil {
					return "none", nil
				}
				return cerr.Error(), nil
			}
			saga.Add(workflow.Compensation{
				Name: "undo " + s,
				Start: func(ctx workflow.Context, opts ...workflow.CallOption) workflow.Awaitable {
					return workflow.Dispatch[*string](ctx, workflow.Call{Service: "ledger", Method: "Undo", Input: s}, opts...)
				},
			})
		}
		return "completed", nil
	}
}

func newLedgerEnv(t *testing.T, defs ...workflow.Definition) (*workflowtest.Env, *ledger) {
	l := &ledger{tries: map[string]int{}}
	env := workflowtest.NewEnv(t, func(w *worker.Worker) error {
		if err := w.RegisterService(worker.Service{Name: "ledger", Methods: []worker.Method{
			{Name: "Do", Handler: worker.Handle(codec.JSON{}, l.handle("do"))},
			{Name: "Undo", Handler: worker.Handle(codec.JSON{}, l.handle("undo"))},
		}}); err != nil {
			return err
		}
		return w.RegisterWorkflow(defs...)
	})
	return env, l
}

// TestSagaCompensatesInReverseAndReplays: the undos run last first, once,
// and the recorded history replays on the same code but not on code that
// does not compensate.
func TestSagaCompensatesInReverseAndReplays(t *testing.T) {
	t.Parallel()
	flow := workflow.Define("saga.reverse", sagaFlow())
	env, l := newLedgerEnv(t, flow)
	out, err := workflowtest.ExecuteRef(env, flow, []string{"a", "b", "c", "fail-d", "e"}, client.StartParams{ID: "saga-reverse"})
	require.NoError(t, err)
	require.Equal(t, "none", out)
	require.Equal(t, []string{"do a", "do b", "do c", "undo c", "undo b", "undo a"}, l.done())

	state, err := env.Client.State(context.Background(), "saga-reverse")
	require.NoError(t, err)
	require.NoError(t, workflowtest.Replay(flow, state))

	// Code that forgets to compensate ends where the history went on.
	forgetful := workflow.Define("saga.reverse", func(ctx workflow.Context, steps []string) (string, error) {
		for _, s := range steps {
			if _, err := workflow.Dispatch[*string](ctx, workflow.Call{Service: "ledger", Method: "Do", Input: s}).Await(ctx); err != nil {
				return "none", nil
			}
		}
		return "completed", nil
	})
	require.Error(t, workflowtest.Replay(forgetful, state))
}

// TestSagaReportsEveryFailedCompensation: sequentially, a failed undo does
// not stop the others, and each failure is in the error; with StopOnError
// the rest are listed as not run.
func TestSagaReportsEveryFailedCompensation(t *testing.T) {
	t.Parallel()
	keepGoing := workflow.Define("saga.all", sagaFlow(workflow.WithCompensationOptions(workflow.WithRetry(retry.Policy{MaxAttempts: 2}))))
	stop := workflow.Define("saga.stop", sagaFlow(workflow.StopOnError()))
	parallel := workflow.Define("saga.parallel", sagaFlow(workflow.Parallel()))
	env, l := newLedgerEnv(t, keepGoing, stop, parallel)

	out, err := workflowtest.ExecuteRef(env, keepGoing, []string{"stuck-1", "a", "stuck-2", "fail"}, client.StartParams{ID: "saga-all"})
	require.NoError(t, err)
	require.Equal(t, "workflow: 2 compensations failed: undo stuck-2: ", out[:len("workflow: 2 compensations failed: undo stuck-2: ")])
	require.Contains(t, out, "; undo stuck-1: ")
	require.Contains(t, l.done(), "undo a")
	// A permanent failure is not retried, whatever the policy.
	require.Equal(t, 1, l.tries["stuck-1"])

	out, err = workflowtest.ExecuteRef(env, stop, []string{"b", "stuck-3", "fail"}, client.StartParams{ID: "saga-stop"})
	require.NoError(t, err)
	require.Contains(t, out, "1 compensation failed: undo stuck-3: ")
	require.Contains(t, out, "not run: undo b")
	require.NotContains(t, l.done(), "undo b")

	out, err = workflowtest.ExecuteRef(env, parallel, []string{"stuck-4", "c", "fail"}, client.StartParams{ID: "saga-parallel"})
	require.NoError(t, err)
	require.Contains(t, out, "1 compensation failed: undo stuck-4: ")
	require.Contains(t, l.done(), "undo c")
	state, err := env.Client.State(context.Background(), "saga-parallel")
	require.NoError(t, err)
	require.NoError(t, workflowtest.Replay(parallel, state))
}

// TestSagaCompensatesInACanceledScope: the step failed because its scope
// was canceled; the compensations still run.
func TestSagaCompensatesInACanceledScope(t *testing.T) {
	t.Parallel()
	flow := workflow.Define("saga.canceled", func(ctx workflow.Context, _ struct{}) (string, error) {
		saga := workflow.NewSaga()
		saga.AddFunc("undo x", func(ctx workflow.Context) error {
			_, err := workflow.Dispatch[*string](ctx, workflow.Call{Service: "ledger", Method: "Undo", Input: "x"}).Await(ctx)
			return err
		})
		scoped, cancel := workflow.WithCancel(ctx)
		cancel()
		_, err := workflow.Dispatch[*string](scoped, workflow.Call{Service: "ledger", Method: "Do", Input: "y"}).Await(scoped)
		var canceled *workflow.CanceledError
		if !errors.As(err, &canceled) {
			return "", fmt.Errorf("want a CanceledError, got %v", err)
		}
		return fmt.Sprint(saga.Len()), saga.Compensate(scoped)
	})
	env, l := newLedgerEnv(t, flow)
	out, err := workflowtest.ExecuteRef(env, flow, struct{}{}, client.StartParams{ID: "saga-canceled"})
	require.NoError(t, err)
	require.Equal(t, "1", out)
	require.Equal(t, []string{"undo x"}, l.done())
}
