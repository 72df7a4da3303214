package client_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
)

// TestRestartAndDropDeadLetter: a finished workflow restarts as a new run
// with its input and tags, a running one is refused; a dropped dead letter
// leaves the list and can be neither dropped nor re-driven again.
func TestRestartAndDropDeadLetter(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	e := newEnv(t, stores[0].open)
	c := e.client

	run, err := c.Restart(ctx, "w-done")
	require.NoError(t, err)
	require.Equal(t, 2, run)
	d, err := c.Describe(ctx, "w-done")
	require.NoError(t, err)
	require.Equal(t, client.Running, d.Status)
	require.Equal(t, 2, d.Run)
	require.Equal(t, []string{"old"}, d.Tags)
	raw, err := c.State(ctx, "w-done")
	require.NoError(t, err)
	var st struct {
		Input json.RawMessage `json:"input"`
		Run   int             `json:"run"`
	}
	require.NoError(t, json.Unmarshal(raw, &st))
	require.Equal(t, 2, st.Run)
	require.Empty(t, st.Input, "the first run had no input")

	_, err = c.Restart(ctx, "w-run")
	require.ErrorIs(t, err, client.ErrNotFinished)
	require.EqualError(t, err, "restart w-run: workflow has not finished: it is running")
	_, err = c.Restart(ctx, "nobody")
	require.ErrorIs(t, err, client.ErrNotFound)

	require.NoError(t, c.DropDeadLetter(ctx, e.dead))
	dls, err := c.DeadLetters(ctx)
	require.NoError(t, err)
	require.Empty(t, dls)
	require.ErrorIs(t, c.DropDeadLetter(ctx, e.dead), client.ErrNoDeadLetter)
	require.ErrorIs(t, c.Redrive(ctx, e.dead), client.ErrNoDeadLetter)
	require.ErrorIs(t, c.DropDeadLetter(ctx, "nope"), client.ErrNoDeadLetter)
}
