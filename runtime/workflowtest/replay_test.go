package workflowtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
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

var update = flag.Bool("update", false, "record testdata/*.json again from a live run")

type num struct{ N int }

func double(_ context.Context, in *num) (*num, error) { return &num{N: in.N * 2}, nil }

func callDouble(ctx workflow.Context, n int) (int, error) {
	out, err := workflow.Dispatch[*num](ctx, workflow.Call{Service: "math", Method: "Double", Codec: codec.JSON{}, Input: &num{N: n}}).Await(ctx)
	if err != nil {
		return 0, err
	}
	return out.N, nil
}

// pipeline is the code whose recorded history lives in testdata.
func pipeline(ctx workflow.Context, n int) (int, error) {
	a, err := callDouble(ctx, n)
	if err != nil {
		return 0, err
	}
	if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
		return 0, err
	}
	b := workflow.ExecuteChild[int](ctx, workflow.ChildCall{Workflow: "square", Input: a})
	c, err := callDouble(ctx, a)
	if err != nil {
		return 0, err
	}
	bv, err := b.Await(ctx)
	return bv + c, err
}

func square(_ workflow.Context, n int) (int, error) { return n * n, nil }

// reordered does the same work in another order.
func reordered(ctx workflow.Context, n int) (int, error) {
	if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
		return 0, err
	}
	return pipeline(ctx, n)
}

const recorded = "testdata/pipeline.json"

func TestRecordedHistoryReplaysOnCurrentCode(t *testing.T) {
	t.Parallel()
	if *update {
		record(t)
	}
	state, err := os.ReadFile(recorded)
	require.NoError(t, err, "run go test ./runtime/workflowtest -update to record it")
	require.NoError(t, workflowtest.Replay(workflow.Define("pipeline", pipeline), state))

	err = workflowtest.Replay(workflow.Define("pipeline", reordered), state)
	require.ErrorContains(t, err, "not deterministic at step 0: history has task math.Double, code issued timer")
}

func record(t *testing.T) {
	rt, err := local.Open("")
	require.NoError(t, err)
	defer rt.Close()
	w, err := rt.NewWorker(worker.Options{})
	require.NoError(t, err)
	require.NoError(t, w.RegisterService(worker.Service{Name: "math", Methods: []worker.Method{{Name: "Double", Handler: worker.Handle(codec.JSON{}, double)}}}))
	require.NoError(t, w.RegisterWorkflow(workflow.Define("pipeline", pipeline), workflow.Define("square", square)))
	ctx := context.Background()
	require.NoError(t, w.Start(ctx))
	defer w.Stop()
	c, err := rt.NewClient(ctx)
	require.NoError(t, err)
	got, err := client.Execute[int](ctx, c, client.StartParams{Workflow: "pipeline", ID: "recorded-1", Input: 3})
	require.NoError(t, err)
	require.Equal(t, 36+12, got)
	state, err := c.State(ctx, "recorded-1")
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Dir(recorded), 0o755))
	var pretty bytes.Buffer
	require.NoError(t, json.Indent(&pretty, state, "", "  "))
	require.NoError(t, os.WriteFile(recorded, pretty.Bytes(), 0o644))
}
