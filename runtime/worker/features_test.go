package worker_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/failure"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

func TestRetriesThenSuccessWithStableTaskID(t *testing.T) {
	t.Parallel()
	m := &mathService{failN: 2}
	e := newEnv(t, func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "chain", chain))
	})
	got, err := client.Execute[int](ctxT(t), e.client, client.StartParams{Workflow: "chain", Input: 1})
	require.NoError(t, err)
	require.Equal(t, 1, got)
	require.EqualValues(t, 3, m.calls.Load(), "two failures and a success")
	n := 0
	m.taskIDs.Range(func(_, _ any) bool { n++; return true })
	require.Equal(t, 1, n, "every attempt saw the same task id")
}

func TestExhaustedRetriesReachTheWorkflowAsTaskError(t *testing.T) {
	t.Parallel()
	m := &mathService{failN: 100}
	e := newEnv(t, func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "compensate", func(ctx workflow.Context, _ int) (string, error) {
			_, err := add(ctx, 1, 2).Await(ctx)
			var te *workflow.TaskError
			if !errors.As(err, &te) {
				return "", errors.New("expected a TaskError")
			}
			_, perr := call(ctx, "Reject", 7).Await(ctx)
			var pe *workflow.TaskError
			if !errors.As(perr, &pe) {
				return "", errors.New("expected a TaskError for Reject")
			}
			return te.Service + "." + te.Method + " attempts=" + itoa(te.Attempts) + "; reject attempts=" + itoa(pe.Attempts) + ": " + pe.Cause.Error(), nil
		}))
	})
	got, err := client.Execute[string](ctxT(t), e.client, client.StartParams{Workflow: "compensate"})
	require.NoError(t, err)
	require.Equal(t, "math.Add attempts=3; reject attempts=1: rejected 7", got)
}

func TestUncaughtTaskFailureFailsWorkflowAndRetryTasksResumesIt(t *testing.T) {
	t.Parallel()
	m := &mathService{failN: 3}
	e := newEnv(t, func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "chain", chain))
	})
	ctx := ctxT(t)
	id, err := e.client.Start(ctx, client.StartParams{Workflow: "chain", Input: 1})
	require.NoError(t, err)
	o, err := e.client.Await(ctx, id)
	require.NoError(t, err)
	require.Equal(t, client.Failed, o.Status)
	var we *failure.WorkflowError
	require.ErrorAs(t, o.Err, &we)
	var te *failure.TaskError
	require.ErrorAs(t, o.Err, &te)
	require.Equal(t, 3, te.Attempts)

	n, err := e.client.RetryTasks(ctx, id)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	got, err := client.Result[int](ctx, e.client, id)
	require.NoError(t, err)
	require.Equal(t, 1, got)
	require.EqualValues(t, 4, m.calls.Load())
}

func TestServicePanicIsRetriedNotFatal(t *testing.T) {
	t.Parallel()
	m := &mathService{}
	e := newEnv(t, func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "panics", func(ctx workflow.Context, _ int) (string, error) {
			_, err := call(ctx, "Panic", 0).Await(ctx)
			var te *workflow.TaskError
			if errors.As(err, &te) && strings.Contains(te.Cause.Error(), "panicked: boom") {
				return "caught", nil
			}
			return "", err
		}))
	})
	got, err := client.Execute[string](ctxT(t), e.client, client.StartParams{Workflow: "panics"})
	require.NoError(t, err)
	require.Equal(t, "caught", got)
}

func TestSignalsWithTimeoutAndByTag(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(w *worker.Worker) {
		require.NoError(t, worker.RegisterWorkflow(w, "collect", func(ctx workflow.Context, _ int) ([]string, error) {
			ch := workflow.SignalChannel[string]("items")
			var got []string
			for {
				v, ok, err := ch.ReceiveTimeout(ctx, 300*time.Millisecond)
				if err != nil {
					return nil, err
				}
				if !ok {
					got = append(got, "timeout")
					break
				}
				if v == "stop" {
					break
				}
				got = append(got, v)
			}
			return got, nil
		}))
	})
	ctx := ctxT(t)
	id1, err := e.client.Start(ctx, client.StartParams{Workflow: "collect", Tags: []string{"group"}})
	require.NoError(t, err)
	id2, err := e.client.Start(ctx, client.StartParams{Workflow: "collect", Tags: []string{"group"}})
	require.NoError(t, err)
	_, err = e.client.Signal(ctx, client.Target{ID: id1}, "items", "a")
	require.NoError(t, err)
	_, err = e.client.Signal(ctx, client.Target{ID: id1}, "items", "b")
	require.NoError(t, err)
	n, err := e.client.Signal(ctx, client.Target{Tag: "group"}, "items", "c")
	require.NoError(t, err)
	require.Equal(t, 2, n)
	_, err = e.client.Signal(ctx, client.Target{ID: id1}, "items", "stop")
	require.NoError(t, err)
	got1, err := client.Result[[]string](ctx, e.client, id1)
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b", "c"}, got1)
	got2, err := client.Result[[]string](ctx, e.client, id2)
	require.NoError(t, err)
	require.Equal(t, []string{"c", "timeout"}, got2)
	_, err = e.client.Signal(ctx, client.Target{ID: id1}, "items", "late")
	require.ErrorIs(t, err, client.ErrFinished)
}

func TestChildWorkflowsSyncAndAsync(t *testing.T) {
	t.Parallel()
	m := &mathService{}
	e := newEnv(t, func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "chain", chain))
		require.NoError(t, worker.RegisterWorkflow(w, "failing", func(ctx workflow.Context, _ int) (int, error) {
			return 0, errors.New("child says no")
		}))
		require.NoError(t, worker.RegisterWorkflow(w, "parent", func(ctx workflow.Context, n int) (string, error) {
			a := workflow.ExecuteChild[int](ctx, workflow.ChildCall{Workflow: "chain", Input: n})
			b, err := workflow.ExecuteChild[int](ctx, workflow.ChildCall{Workflow: "chain", ID: workflow.Info(ctx.Info()).ID + "-b", Input: 2}).Await(ctx)
			if err != nil {
				return "", err
			}
			av, err := a.Await(ctx)
			if err != nil {
				return "", err
			}
			_, ferr := workflow.ExecuteChild[int](ctx, workflow.ChildCall{Workflow: "failing"}).Await(ctx)
			var ce *workflow.ChildError
			if !errors.As(ferr, &ce) || ce.Workflow != "failing" {
				return "", errors.New("expected a ChildError")
			}
			return itoa(av) + "+" + itoa(b) + " / " + ce.Cause.Error(), nil
		}))
	})
	ctx := ctxT(t)
	got, err := client.Execute[string](ctx, e.client, client.StartParams{Workflow: "parent", ID: "p1", Input: 3})
	require.NoError(t, err)
	require.Equal(t, "3+2 / child says no", got)
	d, err := e.client.Describe(ctx, "p1-b")
	require.NoError(t, err)
	require.Equal(t, client.Completed, d.Status)
}

func TestCancelReachesChildrenAndPendingTasks(t *testing.T) {
	t.Parallel()
	m := &mathService{failN: 1000}
	e := newEnv(t, func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "sleeper", func(ctx workflow.Context, _ int) (int, error) {
			return 0, workflow.Sleep(ctx, time.Hour)
		}))
		require.NoError(t, worker.RegisterWorkflow(w, "parent", func(ctx workflow.Context, _ int) (int, error) {
			child := workflow.ExecuteChild[int](ctx, workflow.ChildCall{Workflow: "sleeper", ID: "child-of-cancel"})
			task := add(ctx, 1, 1)
			return 0, workflow.AwaitAll(ctx, child, task)
		}))
	})
	ctx := ctxT(t)
	id, err := e.client.Start(ctx, client.StartParams{Workflow: "parent"})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		d, err := e.client.Describe(ctx, "child-of-cancel")
		return err == nil && d.PendingTimers == 1
	}, 5*time.Second, 10*time.Millisecond)
	_, err = e.client.Cancel(ctx, client.Target{ID: id})
	require.NoError(t, err)
	o, err := e.client.Await(ctx, id)
	require.NoError(t, err)
	require.Equal(t, client.Canceled, o.Status)
	var ce *failure.CanceledError
	require.ErrorAs(t, o.Err, &ce)
	co, err := e.client.Await(ctx, "child-of-cancel")
	require.NoError(t, err)
	require.Equal(t, client.Canceled, co.Status)
	calls := m.calls.Load()
	time.Sleep(100 * time.Millisecond)
	require.Equal(t, calls, m.calls.Load(), "no retry of a canceled workflow's task runs")
}

func TestIdempotentStartWithCallerID(t *testing.T) {
	t.Parallel()
	m := &mathService{}
	e := newEnv(t, func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "chain", chain))
	})
	ctx := ctxT(t)
	for range 3 {
		id, err := e.client.Start(ctx, client.StartParams{Workflow: "chain", ID: "order-42", Input: 2})
		require.NoError(t, err)
		require.Equal(t, "order-42", id)
	}
	got, err := client.Result[int](ctx, e.client, "order-42")
	require.NoError(t, err)
	require.Equal(t, 2, got)
	id, err := e.client.Start(ctx, client.StartParams{Workflow: "chain", ID: "order-42", Input: 9})
	require.NoError(t, err)
	got, err = client.Result[int](ctx, e.client, id)
	require.NoError(t, err)
	require.Equal(t, 2, got, "the existing instance is returned")
	require.EqualValues(t, 2, m.calls.Load())
}

func TestWorkflowTimeout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(w *worker.Worker) {
		require.NoError(t, worker.RegisterWorkflow(w, "slow", func(ctx workflow.Context, _ int) (int, error) {
			return 0, workflow.Sleep(ctx, time.Hour)
		}))
	})
	ctx := ctxT(t)
	_, err := client.Execute[int](ctx, e.client, client.StartParams{Workflow: "slow", Timeout: 100 * time.Millisecond})
	var to *failure.TimeoutError
	require.ErrorAs(t, err, &to)
}

func TestInlineAndRandomAreReplaySafe(t *testing.T) {
	t.Parallel()
	m := &mathService{}
	calls := 0
	e := newEnv(t, func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "inline", func(ctx workflow.Context, _ int) ([]string, error) {
			v, err := workflow.Inline(ctx, "read-config", func() (string, error) { calls++; return "cfg", nil })
			if err != nil {
				return nil, err
			}
			u1 := workflow.NewUUID(ctx)
			if _, err := add(ctx, 1, 1).Await(ctx); err != nil {
				return nil, err
			}
			u2 := workflow.NewUUID(ctx)
			if _, err := add(ctx, 1, 1).Await(ctx); err != nil {
				return nil, err
			}
			return []string{v, u1, u2}, nil
		}))
	})
	ctx := ctxT(t)
	got, err := client.Execute[[]string](ctx, e.client, client.StartParams{Workflow: "inline"})
	require.NoError(t, err)
	require.Equal(t, "cfg", got[0])
	require.NotEqual(t, got[1], got[2])
	require.Len(t, got[1], 36)
	require.Equal(t, 1, calls, "the inline function ran once although the workflow replayed three times")
}
