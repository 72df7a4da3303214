package worker_test

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/storage"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// TestRestartRecoversOnlyWorkflowsWithWorkInFlight stops a worker whose
// in-memory transport then goes away with its messages, as a crash of the
// embedded default would, and starts a new one on the same storage. The
// workflow waiting for a task is recovered (its task sent again); the one
// waiting for a signal is left alone, neither replayed nor written (nothing
// of it was in flight), and still completes when signaled. Start returns
// before the recovery sweep ends; Stop waits for it.
func TestRestartRecoversOnlyWorkflowsWithWorkInFlight(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	store := memstore.New()
	var runs atomic.Int64 // executions of the waiting workflow's code, replays included
	waiting := func(ctx workflow.Context, _ int) (int, error) {
		runs.Add(1)
		return workflow.SignalChannel[int]("go").Receive(ctx)
	}
	block := make(chan struct{})
	var calls atomic.Int64
	stuck := func(ctx context.Context, in *AddInput) (*AddOutput, error) {
		if calls.Add(1) == 1 {
			<-block // the first attempt never answers: its process "dies"
		}
		return &AddOutput{Sum: in.A + in.B}, nil
	}
	start := func(tr *memory.Transport, st storage.Storage) (*worker.Worker, *client.Client) {
		w, err := worker.New(worker.Options{Transport: tr, Storage: st, Logger: testLogger()})
		require.NoError(t, err)
		require.NoError(t, w.RegisterService(worker.Service{Name: "math", Methods: []worker.Method{
			{Name: "Add", Handler: worker.Handle(codec.JSON{}, stuck)},
		}}))
		require.NoError(t, worker.RegisterWorkflow(w, "waiting", waiting))
		require.NoError(t, worker.RegisterWorkflow(w, "adding", func(ctx workflow.Context, n int) (int, error) {
			out, err := add(ctx, n, 1).Await(ctx)
			if err != nil {
				return 0, err
			}
			return out.Sum, nil
		}))
		require.NoError(t, w.Start(ctx))
		c, err := client.New(ctx, client.Options{Transport: tr, Storage: st, PollInterval: 20 * time.Millisecond})
		require.NoError(t, err)
		return w, c
	}

	tr1 := memory.New()
	w1, c1 := start(tr1, store)
	_, err := c1.Start(ctx, client.StartParams{Workflow: "waiting", ID: "waiting"})
	require.NoError(t, err)
	_, err = c1.Start(ctx, client.StartParams{Workflow: "adding", ID: "adding", Input: 41})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return runs.Load() == 1 && calls.Load() == 1 }, 10*time.Second, 5*time.Millisecond)
	// Wait until the waiting workflow's step is stored.
	require.Eventually(t, func() bool {
		state, err := c1.State(ctx, "waiting")
		var st struct{ Batches []json.RawMessage }
		return err == nil && json.Unmarshal(state, &st) == nil && len(st.Batches) == 1
	}, 10*time.Second, 5*time.Millisecond)
	before, err := c1.Describe(ctx, "waiting")
	require.NoError(t, err)
	require.NoError(t, c1.Close())
	go func() { _ = w1.Stop() }() // the blocked task holds Stop; the process is gone anyway
	require.NoError(t, tr1.Close())

	tr2 := memory.New()
	t.Cleanup(func() { close(block); _ = tr2.Close() })
	w2, c2 := start(tr2, store)
	got, err := client.Result[int](ctx, c2, "adding")
	require.NoError(t, err)
	require.Equal(t, 42, got, "the task lost with the first process was sent again")
	require.NoError(t, c2.Close())
	require.NoError(t, w2.Stop()) // waits for the sweep
	after, err := c1.Describe(ctx, "waiting")
	require.NoError(t, err)
	require.Equal(t, before.Updated, after.Updated, "the sweep wrote the workflow waiting for a signal")
	require.Equal(t, int64(1), runs.Load(), "the workflow waiting for a signal was replayed on restart")

	w3, c3 := start(tr2, store)
	t.Cleanup(func() { _ = c3.Close(); _ = w3.Stop() })

	_, err = c3.Signal(ctx, client.Target{ID: "waiting"}, "go", 7)
	require.NoError(t, err)
	got, err = client.Result[int](ctx, c3, "waiting")
	require.NoError(t, err)
	require.Equal(t, 7, got)
}
