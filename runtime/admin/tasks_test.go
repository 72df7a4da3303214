package admin_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/admin"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// TestTasksThroughTheAPI: the recorded tasks of a workflow (one answered,
// one failed, one pending) read the same through the admin API as from the
// client, binary payloads included. The tasks go through the transport: a
// task running inside its step is recorded when the step is saved.
func TestTasksThroughTheAPI(t *testing.T) {
	t.Parallel()
	rt, err := local.Open("")
	require.NoError(t, err)
	defer rt.Close()
	w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler), DisableLocalTasks: true})
	require.NoError(t, err)
	block := make(chan struct{})
	require.NoError(t, w.RegisterService(worker.Service{Name: "pkg.Svc", Methods: []worker.Method{
		{Name: "Ok", Handler: func(context.Context, []byte) ([]byte, error) { return []byte{0x08, 0x01}, nil }},
		{Name: "Fail", Handler: func(context.Context, []byte) ([]byte, error) { return nil, errBroken }},
		{Name: "Wait", Handler: func(ctx context.Context, _ []byte) ([]byte, error) {
			select {
			case <-block:
			case <-ctx.Done():
			}
			return nil, ctx.Err()
		}},
	}}, worker.WithRetry(noRetry)))
	require.NoError(t, worker.RegisterWorkflow(w, "three", func(ctx workflow.Context, _ struct{}) (string, error) {
		_, _ = workflow.Dispatch[[]byte](ctx, workflow.Call{Service: "pkg.Svc", Method: "Ok", Codec: rawCodec{}, Input: []byte{0x0a, 0x00}}).Await(ctx)
		_, _ = workflow.Dispatch[[]byte](ctx, workflow.Call{Service: "pkg.Svc", Method: "Fail", Input: map[string]int{"n": 1}}).Await(ctx)
		return workflow.Dispatch[string](ctx, workflow.Call{Service: "pkg.Svc", Method: "Wait"}).Await(ctx)
	}))
	require.NoError(t, w.Start(t.Context()))
	defer func() { close(block); _ = w.Stop() }()
	c, err := rt.NewClient(t.Context())
	require.NoError(t, err)
	defer c.Close()
	srv, err := admin.Serve(c, admin.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	defer srv.Close()
	_, err = c.Start(t.Context(), client.StartParams{Workflow: "three", ID: "t-1"})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		tasks, err := c.Tasks(t.Context(), "t-1")
		return err == nil && len(tasks) == 3
	}, 10*time.Second, 5*time.Millisecond)
	local, err := c.Tasks(t.Context(), "t-1")
	require.NoError(t, err)
	require.Equal(t, []client.TaskRecord{
		{Seq: local[0].Seq, Service: "pkg.Svc", Method: "Ok", Codec: "raw", Input: []byte{0x0a, 0x00}, Status: client.TaskCompleted, Output: []byte{0x08, 0x01}},
		{Seq: local[1].Seq, Service: "pkg.Svc", Method: "Fail", Codec: "json", Input: []byte(`{"n":1}`), Status: client.TaskFailed, Error: local[1].Error},
		{Seq: local[2].Seq, Service: "pkg.Svc", Method: "Wait", Codec: "json", Status: client.TaskPending},
	}, local)
	require.Contains(t, local[1].Error, "broken")
	remote, err := admin.Dial(srv.Addr(), "").Tasks(t.Context(), "t-1")
	require.NoError(t, err)
	require.Equal(t, local, remote)
	_, err = admin.Dial(srv.Addr(), "").Tasks(t.Context(), "nope")
	require.ErrorIs(t, err, client.ErrNotFound)
}

var (
	errBroken = errors.New("broken")
	noRetry   = retry.Policy{MaxAttempts: 1}
)

// rawCodec passes bytes through, as a binary codec records them.
type rawCodec struct{}

func (rawCodec) Name() string                  { return "raw" }
func (rawCodec) Marshal(v any) ([]byte, error) { return v.([]byte), nil }
func (rawCodec) Unmarshal(data []byte, v any) error {
	*v.(*[]byte) = data
	return nil
}
