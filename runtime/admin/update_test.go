package admin_test

import (
	"errors"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/admin"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// counter adds what updates bring, refusing negative amounts.
func counter(ctx workflow.Context, n int) (int, error) {
	workflow.HandleUpdate(ctx, "add", func(ctx workflow.Context, d int) (int, error) {
		if d == 13 {
			return 0, errors.New("unlucky")
		}
		n += d
		return n, nil
	}, workflow.WithValidator(func(d int) error {
		if d < 0 {
			return errors.New("negative")
		}
		return nil
	}))
	_, err := workflow.SignalChannel[struct{}]("stop").Receive(ctx)
	return n, err
}

// TestUpdateThroughTheAPI: an update sent through the admin API is answered
// as through a client, and its errors keep their meaning.
func TestUpdateThroughTheAPI(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	rt, err := local.Open("")
	require.NoError(t, err)
	defer rt.Close()
	w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, worker.RegisterWorkflow(w, "counter", counter))
	require.NoError(t, w.Start(ctx))
	defer w.Stop()
	addr, err := rt.ServeAdmin(ctx, admin.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	c := admin.Dial(addr, "")

	id, err := c.Start(ctx, client.StartParams{Workflow: "counter", ID: "n", Input: 1})
	require.NoError(t, err)
	raw, err := c.Update(ctx, client.UpdateParams{ID: id, Update: "add", Input: 2})
	require.NoError(t, err)
	require.JSONEq(t, "3", string(raw))

	_, err = c.Update(ctx, client.UpdateParams{ID: id, Update: "add", Input: -1})
	require.ErrorIs(t, err, client.ErrUpdateRejected)
	require.ErrorContains(t, err, "negative")
	_, err = c.Update(ctx, client.UpdateParams{ID: id, Update: "add", Input: 13})
	require.ErrorIs(t, err, client.ErrUpdateFailed)
	require.ErrorContains(t, err, "unlucky")
	_, err = c.Update(ctx, client.UpdateParams{ID: "nope", Update: "add", Input: 1})
	require.ErrorIs(t, err, client.ErrNotFound)
}
