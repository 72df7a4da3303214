package client_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
)

// TestSignalOnceDeduplicates: a signal sent again with the same key is
// acknowledged without changing anything, on every store, also once the
// workflow has finished; another key is delivered.
func TestSignalOnceDeduplicates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			e := newEnv(t, st.open)
			require.NoError(t, e.client.SignalOnce(ctx, "w-run", "go", "d1", 1))
			after := e.store.snapshot(t)
			require.NoError(t, e.client.SignalOnce(ctx, "w-run", "go", "d1", 2))
			_, err := e.client.SignalWithStartOnce(ctx, client.StartParams{Workflow: "wait", ID: "w-run"}, "go", "d1", 3)
			require.NoError(t, err)
			require.Equal(t, after, e.store.snapshot(t), "a redelivery changed the store")
			require.NoError(t, e.client.SignalOnce(ctx, "w-run", "go", "d2", 4))
			require.NotEqual(t, after, e.store.snapshot(t), "a new key was not delivered")

			_, err = e.client.SignalWithStartOnce(ctx, client.StartParams{Workflow: "wait", ID: "fresh"}, "go", "k", 1)
			require.NoError(t, err)
			started := e.store.snapshot(t)
			_, err = e.client.SignalWithStartOnce(ctx, client.StartParams{Workflow: "wait", ID: "fresh"}, "go", "k", 1)
			require.NoError(t, err)
			require.Equal(t, started, e.store.snapshot(t), "a redelivered signal-with-start changed the store")

			require.ErrorIs(t, e.client.SignalOnce(ctx, "w-done", "go", "d3", 1), client.ErrFinished)
			require.ErrorIs(t, e.client.SignalOnce(ctx, "nope", "go", "d3", 1), client.ErrNotFound)
		})
	}
}
