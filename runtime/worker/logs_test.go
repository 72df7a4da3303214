package worker_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/config"
	"github.com/infgen/infgen/runtime/retry"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// syncBuffer is a bytes.Buffer safe for the worker's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the JSON log records written so far.
func (b *syncBuffer) lines(t *testing.T) []map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(b.buf.Bytes()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &rec), "a log line is JSON: %s", sc.Text())
		out = append(out, rec)
	}
	return out
}

// TestTaskFailureLogCarriesIDs checks that the log line of a failed task
// attempt, written by the handler the configuration chooses, carries the
// workflow id, run id, task id, attempt and trace id, and that the
// workflow's own lines carry the run and trace ids too.
func TestTaskFailureLogCarriesIDs(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	cfg, err := config.Parse("worker.yaml", []byte("log_level: info\nlog_format: json\n"))
	require.NoError(t, err)
	tr, store := memory.New(), memstore.New()
	w, err := worker.New(worker.Options{Transport: tr, Storage: store, Logger: cfg.LoggerTo(logs)})
	require.NoError(t, err)
	require.NoError(t, w.RegisterService(worker.Service{Name: "flaky", Methods: []worker.Method{{
		Name: "Fail",
		Handler: worker.Handle(codec.JSON{}, func(context.Context, *AddInput) (*AddOutput, error) {
			return nil, errors.New("card declined")
		}),
	}}}))
	once := retry.Policy{MaxAttempts: 1, Initial: time.Millisecond}
	require.NoError(t, worker.RegisterWorkflow(w, "logged", func(ctx workflow.Context, _ int) (int, error) {
		_, err := workflow.Dispatch[*AddOutput](ctx, workflow.Call{Service: "flaky", Method: "Fail", Input: &AddInput{}}, workflow.WithRetry(once)).Await(ctx)
		return 0, err
	}))
	require.NoError(t, w.Start(context.Background()))
	c, err := client.New(context.Background(), client.Options{Transport: tr, Storage: store, PollInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = c.Close()
		_ = w.Stop()
		_ = tr.Close()
	})
	ctx := ctxT(t)
	_, err = client.Execute[int](ctx, c, client.StartParams{Workflow: "logged", ID: "log-1"})
	require.Error(t, err)
	raw, err := c.State(ctx, "log-1")
	require.NoError(t, err)
	var st struct {
		RunID       string `json:"runId"`
		TraceParent string `json:"traceparent"`
	}
	require.NoError(t, json.Unmarshal(raw, &st))
	require.NotEmpty(t, st.RunID)
	traceID := st.TraceParent[3:35]

	var failed, finished map[string]any
	for _, rec := range logs.lines(t) {
		switch rec["msg"] {
		case "task attempt failed":
			failed = rec
		case "workflow finished":
			finished = rec
		}
	}
	require.NotNil(t, failed, "a task attempt failed line")
	require.Equal(t, "WARN", failed["level"])
	require.Equal(t, "log-1", failed["workflow_id"])
	require.Equal(t, st.RunID, failed["run_id"])
	require.Equal(t, st.RunID+"-0", failed["task_id"])
	require.EqualValues(t, 1, failed["attempt"])
	require.Equal(t, traceID, failed["trace_id"])
	require.Equal(t, "card declined", failed["error"])

	require.NotNil(t, finished, "a workflow finished line")
	require.Equal(t, "log-1", finished["workflow_id"])
	require.Equal(t, st.RunID, finished["run_id"])
	require.Equal(t, traceID, finished["trace_id"])
	require.Equal(t, "failed", finished["status"])
}
