package worker_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// TestRestartIfFinished starts an id again: a finished instance is returned
// as it is by default and replaced by a new run with RestartIfFinished; a
// running one is never replaced.
func TestRestartIfFinished(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(w *worker.Worker) {
		registerMath(w, &mathService{})
		require.NoError(t, worker.RegisterWorkflow(w, "chain", chain))
		require.NoError(t, worker.RegisterWorkflow(w, "waiter", func(ctx workflow.Context, _ struct{}) (string, error) {
			return workflow.SignalChannel[string]("go").Receive(ctx)
		}))
	})
	ctx := ctxT(t)
	got, err := client.Execute[int](ctx, e.client, client.StartParams{Workflow: "chain", ID: "cus-1", Input: 2, Tags: []string{"plan:a"}})
	require.NoError(t, err)
	require.Equal(t, 2, got)

	got, err = client.Execute[int](ctx, e.client, client.StartParams{Workflow: "chain", ID: "cus-1", Input: 5})
	require.NoError(t, err)
	require.Equal(t, 2, got, "without RestartIfFinished the finished instance is the answer")

	got, err = client.Execute[int](ctx, e.client, client.StartParams{Workflow: "chain", ID: "cus-1", Input: 5,
		Tags: []string{"plan:b"}, RestartIfFinished: true})
	require.NoError(t, err)
	require.Equal(t, 5, got, "a new run with the new input")
	d, err := e.client.Describe(ctx, "cus-1")
	require.NoError(t, err)
	require.Equal(t, 2, d.Run)
	ids, err := e.client.ListByTag(ctx, "plan:a")
	require.NoError(t, err)
	require.Empty(t, ids, "the old run's tags went with it")
	ids, err = e.client.ListByTag(ctx, "plan:b")
	require.NoError(t, err)
	require.Equal(t, []string{"cus-1"}, ids)

	_, err = e.client.Start(ctx, client.StartParams{Workflow: "waiter", ID: "w-1"})
	require.NoError(t, err)
	_, err = e.client.Start(ctx, client.StartParams{Workflow: "waiter", ID: "w-1", RestartIfFinished: true})
	require.NoError(t, err)
	_, err = e.client.Signal(ctx, client.Target{ID: "w-1"}, "go", "first run")
	require.NoError(t, err)
	out, err := client.Result[string](ctx, e.client, "w-1")
	require.NoError(t, err)
	require.Equal(t, "first run", out)
	d, err = e.client.Describe(ctx, "w-1")
	require.NoError(t, err)
	require.Equal(t, 1, d.Run, "a running instance is not replaced")
}

// collect gathers "event" signals until "done".
func collect(ctx workflow.Context, _ struct{}) ([]string, error) {
	var got []string
	ch := workflow.SignalChannel[string]("event")
	for {
		v, err := ch.Receive(ctx)
		if err != nil || v == "done" {
			return got, err
		}
		got = append(got, v)
	}
}

// TestSignalWithStart feeds events to one workflow per entity: the first
// signal starts it, later ones reach the running instance, a finished one
// refuses them unless RestartIfFinished starts a new run with the signal.
func TestSignalWithStart(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(w *worker.Worker) {
		require.NoError(t, worker.RegisterWorkflow(w, "collect", collect))
	})
	ctx := ctxT(t)
	p := client.StartParams{Workflow: "collect", ID: "order-1"}
	for _, v := range []string{"a", "b", "done"} {
		id, err := e.client.SignalWithStart(ctx, p, "event", v)
		require.NoError(t, err)
		require.Equal(t, "order-1", id)
	}
	got, err := client.Result[[]string](ctx, e.client, "order-1")
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b"}, got, "the first signal was not lost to the start")

	_, err = e.client.SignalWithStart(ctx, p, "event", "late")
	require.ErrorIs(t, err, client.ErrFinished)

	p.RestartIfFinished = true
	for _, v := range []string{"c", "done"} {
		_, err := e.client.SignalWithStart(ctx, p, "event", v)
		require.NoError(t, err)
	}
	got, err = client.Result[[]string](ctx, e.client, "order-1")
	require.NoError(t, err)
	require.Equal(t, []string{"c"}, got, "a new run, started with its signal")

	_, err = e.client.SignalWithStart(ctx, client.StartParams{Workflow: "collect"}, "event", "x")
	require.ErrorContains(t, err, "needs StartParams.ID")
}
