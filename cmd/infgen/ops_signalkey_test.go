package main

import (
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/admin"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/worker"
)

// TestSignalWithKey: `workflow signal --key` delivers once per key, through
// a running worker's admin API: a repeat is acknowledged even after the
// signal finished the workflow, another key is refused as for any finished
// workflow.
func TestSignalWithKey(t *testing.T) {
	t.Setenv("INFGEN_PULSAR_URL", "")
	t.Setenv(admin.EnvAddr, "")
	t.Setenv(admin.EnvToken, "")
	db := filepath.Join(t.TempDir(), "state.db")
	rt, err := local.Open(db)
	require.NoError(t, err)
	addr, err := rt.ServeAdmin(t.Context(), admin.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler), Admin: addr})
	require.NoError(t, err)
	require.NoError(t, worker.RegisterWorkflow(w, "billing.monthly", waiter))
	require.NoError(t, w.Start(t.Context()))
	defer func() { _ = w.Stop(); _ = rt.Close() }()

	out, err := infgen(t, "workflow", "signal", "k", "go", `"first"`, "--key", "evt_1", "--start", "billing.monthly", "--db", db)
	require.NoError(t, err, out)
	out, err = infgen(t, "workflow", "result", "k", "--wait", "10s", "--db", db)
	require.NoError(t, err)
	require.Equal(t, "\"first\"\n", out)
	out, err = infgen(t, "workflow", "signal", "k", "go", `"first"`, "--key", "evt_1", "--db", db)
	require.NoError(t, err, out)
	require.Contains(t, out, `signal "go" with key "evt_1" sent to k (once`)
	_, err = infgen(t, "workflow", "signal", "k", "go", `"second"`, "--key", "evt_2", "--db", db)
	require.ErrorIs(t, err, client.ErrFinished)
	_, err = infgen(t, "workflow", "signal", "--tag", "t", "go", `"x"`, "--key", "evt_3", "--db", db)
	require.ErrorContains(t, err, "--key needs the workflow's id, not --tag")
	out, err = infgen(t, "workflow", "result", "k", "--db", db)
	require.NoError(t, err)
	require.Equal(t, "\"first\"\n", out)
}
