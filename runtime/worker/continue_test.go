package worker_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// counting is the input of a workflow that adds in runs of PerRun tasks.
type counting struct {
	Total, Left, PerRun int
	Runs                []int
}

// countInRuns adds 1 Left times, continuing as new every PerRun tasks.
func countInRuns(ctx workflow.Context, in counting) (counting, error) {
	in.Runs = append(in.Runs, ctx.Info().Run)
	for i := 0; i < in.PerRun && in.Left > 0; i++ {
		out, err := add(ctx, in.Total, 1).Await(ctx)
		if err != nil {
			return in, err
		}
		in.Total, in.Left = out.Sum, in.Left-1
	}
	if in.Left > 0 {
		return counting{}, workflow.ContinueAsNew(ctx, in)
	}
	return in, nil
}

func TestContinueAsNewKeepsHistoryPerRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(w *worker.Worker) {
		registerMath(w, &mathService{})
		require.NoError(t, w.RegisterWorkflow(workflow.Define("count", countInRuns)))
	})
	ctx := ctxT(t)
	got, err := client.Execute[counting](ctx, e.client, client.StartParams{Workflow: "count", ID: "count-1",
		Input: counting{Left: 10, PerRun: 3}})
	require.NoError(t, err)
	require.Equal(t, 10, got.Total)
	require.Equal(t, []int{1, 2, 3, 4}, got.Runs, "3+3+3+1 tasks: four runs, each told its number")

	d, err := e.client.Describe(ctx, "count-1")
	require.NoError(t, err)
	require.Equal(t, client.Completed, d.Status)
	require.Equal(t, 4, d.Run)
	require.Equal(t, 1, d.Steps, "the last run's history holds only its own task")
}

// TestContinueAsNewCarriesUnreadSignals sends three signals to a run that
// reads one and continues as new: the next run reads the other two, in order.
func TestContinueAsNewCarriesUnreadSignals(t *testing.T) {
	t.Parallel()
	type in struct{ Seen []string }
	flow := func(ctx workflow.Context, s in) ([]string, error) {
		ch := workflow.SignalChannel[string]("items")
		if ctx.Info().Run == 1 {
			// Wait until all three have arrived, read one, and move on.
			if err := workflow.Sleep(ctx, 300*time.Millisecond); err != nil {
				return nil, err
			}
			v, err := ch.Receive(ctx)
			if err != nil {
				return nil, err
			}
			return nil, workflow.ContinueAsNew(ctx, in{Seen: append(s.Seen, "run1:"+v)})
		}
		for len(s.Seen) < 3 {
			v, err := ch.Receive(ctx)
			if err != nil {
				return nil, err
			}
			s.Seen = append(s.Seen, "run2:"+v)
		}
		return s.Seen, nil
	}
	e := newEnv(t, func(w *worker.Worker) {
		require.NoError(t, w.RegisterWorkflow(workflow.Define("carry", flow)))
	})
	ctx := ctxT(t)
	id, err := e.client.Start(ctx, client.StartParams{Workflow: "carry", ID: "carry-1", Input: in{}})
	require.NoError(t, err)
	for _, v := range []string{"a", "b", "c"} {
		_, err := e.client.Signal(ctx, client.Target{ID: id}, "items", v)
		require.NoError(t, err)
	}
	got, err := client.Result[[]string](ctx, e.client, id)
	require.NoError(t, err)
	require.Equal(t, []string{"run1:a", "run2:b", "run2:c"}, got)
}

// TestContinueAsNewDropsResultsOfTheEndedRun lets a run dispatch a slow task
// and continue as new at once; the new run's first task has the same step
// number. The old task's late result must not complete the new run's task.
func TestContinueAsNewDropsResultsOfTheEndedRun(t *testing.T) {
	t.Parallel()
	var oldDone atomic.Bool
	slow := func(_ context.Context, _ *AddInput) (*AddOutput, error) {
		time.Sleep(50 * time.Millisecond)
		oldDone.Store(true)
		return &AddOutput{Sum: -1}, nil
	}
	late := func(ctx context.Context, _ *AddInput) (*AddOutput, error) {
		for !oldDone.Load() {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(5 * time.Millisecond):
			}
		}
		time.Sleep(200 * time.Millisecond) // the old result is in by now
		return &AddOutput{Sum: 42}, nil
	}
	flow := func(ctx workflow.Context, run int) (int, error) {
		if run == 1 {
			_ = workflow.Dispatch[*AddOutput](ctx, workflow.Call{Service: "jobs", Method: "Slow", Codec: codec.JSON{}, Input: &AddInput{}})
			return 0, workflow.ContinueAsNew(ctx, 2)
		}
		out, err := workflow.Dispatch[*AddOutput](ctx, workflow.Call{Service: "jobs", Method: "Late", Codec: codec.JSON{}, Input: &AddInput{}}).Await(ctx)
		if err != nil {
			return 0, err
		}
		return out.Sum, nil
	}
	e := newEnv(t, func(w *worker.Worker) {
		require.NoError(t, w.RegisterService(worker.Service{Name: "jobs", Methods: []worker.Method{
			{Name: "Slow", Handler: worker.Handle(codec.JSON{}, slow)},
			{Name: "Late", Handler: worker.Handle(codec.JSON{}, late)},
		}}))
		require.NoError(t, w.RegisterWorkflow(workflow.Define("runs", flow)))
	})
	got, err := client.Execute[int](ctxT(t), e.client, client.StartParams{Workflow: "runs", Input: 1})
	require.NoError(t, err)
	require.True(t, oldDone.Load())
	require.Equal(t, 42, got, "the new run's task result, not the ended run's")
}

// TestChildContinuingAsNewAnswersItsParent runs a child that continues as
// new three times: the parent waits through the child's runs and gets the
// last run's result.
func TestChildContinuingAsNewAnswersItsParent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(w *worker.Worker) {
		registerMath(w, &mathService{})
		require.NoError(t, w.RegisterWorkflow(workflow.Define("count", countInRuns)))
		require.NoError(t, worker.RegisterWorkflow(w, "parent", func(ctx workflow.Context, n int) (counting, error) {
			return workflow.ExecuteChild[counting](ctx, workflow.ChildCall{Workflow: "count", Input: counting{Left: n, PerRun: 2}}).Await(ctx)
		}))
	})
	got, err := client.Execute[counting](ctxT(t), e.client, client.StartParams{Workflow: "parent", Input: 7})
	require.NoError(t, err)
	require.Equal(t, 7, got.Total)
	require.Equal(t, []int{1, 2, 3, 4}, got.Runs)
}
