package workflowtest_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
	"github.com/infgen/infgen/runtime/workflowtest"
)

// doubleThenWait doubles its input through the math service, then waits.
func doubleThenWait(ctx workflow.Context, n int) (int, error) {
	d, err := callDouble(ctx, n)
	if err != nil {
		return 0, err
	}
	_, err = workflow.SignalChannel[string]("go").Receive(ctx)
	return d, err
}

// sleepThenDouble is a new version that sleeps first: it issues a timer
// where the history has the task.
func sleepThenDouble(ctx workflow.Context, n int) (int, error) {
	if err := workflow.Sleep(ctx, time.Hour); err != nil {
		return 0, err
	}
	return doubleThenWait(ctx, n)
}

func TestReplayAllRunningWorkflows(t *testing.T) {
	t.Parallel()
	rt, err := local.Open("")
	require.NoError(t, err)
	defer rt.Close()
	w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, w.RegisterService(worker.Service{Name: "math", Methods: []worker.Method{{Name: "Double", Handler: worker.Handle(codec.JSON{}, double)}}}))
	require.NoError(t, worker.RegisterWorkflow(w, "doubler", doubleThenWait))
	require.NoError(t, worker.RegisterWorkflow(w, "other", doubleThenWait))
	require.NoError(t, w.Start(t.Context()))
	defer w.Stop()
	c, err := rt.NewClient(t.Context())
	require.NoError(t, err)
	defer c.Close()
	for _, id := range []string{"d-2", "d-1"} {
		_, err := c.Start(t.Context(), client.StartParams{Workflow: "doubler", ID: id, Input: 21})
		require.NoError(t, err)
	}
	_, err = c.Start(t.Context(), client.StartParams{Workflow: "other", ID: "o-1", Input: 1})
	require.NoError(t, err)
	_, err = c.Start(t.Context(), client.StartParams{Workflow: "doubler", ID: "done", Input: 1})
	require.NoError(t, err)
	for _, id := range []string{"d-1", "d-2", "o-1", "done"} {
		require.Eventually(t, func() bool {
			tasks, err := c.Tasks(t.Context(), id)
			return err == nil && len(tasks) == 1 && tasks[0].Status == client.TaskCompleted
		}, 10*time.Second, 5*time.Millisecond, id)
	}
	_, err = c.Signal(t.Context(), client.Target{ID: "done"}, "go", "now")
	require.NoError(t, err)
	_, err = c.Await(t.Context(), "done")
	require.NoError(t, err)

	same, err := workflowtest.ReplayAll(t.Context(), c, workflow.Define("doubler", doubleThenWait))
	require.NoError(t, err)
	require.Equal(t, []workflowtest.ReplayResult{
		{ID: "d-1", Workflow: "doubler", Version: 1}, {ID: "d-2", Workflow: "doubler", Version: 1}, {ID: "o-1", Workflow: "other", Version: 1, Skipped: true},
	}, same, "the finished workflow is not replayed; one without a definition is skipped")

	changed, err := workflowtest.ReplayAll(t.Context(), c, workflow.Define("doubler", sleepThenDouble), workflow.Define("other", doubleThenWait))
	require.NoError(t, err)
	require.Len(t, changed, 3)
	for _, r := range changed[:2] {
		require.True(t, r.Failed(), "%+v", r)
		require.Equal(t, 0, r.Step)
		require.Contains(t, r.Expected, "math.Double")
		require.Contains(t, r.Found, "timer")
		require.Contains(t, r.Error, "is not deterministic at step 0")
	}
	require.False(t, changed[2].Failed())
	require.False(t, changed[2].Skipped)
}
