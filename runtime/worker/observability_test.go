package worker_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// TestTraceContextReachesServices checks that the W3C trace context of a
// workflow travels in message headers down to the service implementation,
// with the workflow's trace id and a fresh span id per hop.
func TestTraceContextReachesServices(t *testing.T) {
	t.Parallel()
	seen := make(chan service.Task, 4)
	e := newEnv(t, func(w *worker.Worker) {
		require.NoError(t, w.RegisterService(worker.Service{Name: "probe", Methods: []worker.Method{{
			Name: "Look",
			Handler: worker.Handle(codec.JSON{}, func(ctx context.Context, in *AddInput) (*AddOutput, error) {
				task, _ := service.TaskFrom(ctx)
				seen <- task
				return &AddOutput{}, nil
			}),
		}}}))
		require.NoError(t, worker.RegisterWorkflow(w, "traced", func(ctx workflow.Context, _ int) (int, error) {
			for range 2 {
				if _, err := workflow.Dispatch[*AddOutput](ctx, workflow.Call{Service: "probe", Method: "Look", Input: &AddInput{}}).Await(ctx); err != nil {
					return 0, err
				}
			}
			return 0, nil
		}))
	})
	ctx := ctxT(t)
	_, err := client.Execute[int](ctx, e.client, client.StartParams{Workflow: "traced", ID: "trace-1", Tags: []string{"t1"}})
	require.NoError(t, err)
	raw, err := e.client.State(ctx, "trace-1")
	require.NoError(t, err)
	var st struct{ TraceParent string }
	require.NoError(t, json.Unmarshal(raw, &st))
	require.Len(t, st.TraceParent, 55)
	traceID := st.TraceParent[3:35]
	a, b := <-seen, <-seen
	for _, task := range []service.Task{a, b} {
		require.Len(t, task.TraceParent, 55)
		require.Equal(t, traceID, task.TraceParent[3:35], "same trace")
		require.NotEqual(t, st.TraceParent, task.TraceParent, "new span")
		require.Equal(t, []string{"t1"}, task.Tags)
		require.Equal(t, "trace-1", task.WorkflowID)
	}
	require.NotEqual(t, a.ID, b.ID)
}
