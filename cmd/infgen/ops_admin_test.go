package main

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/admin"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// TestWorkflowCommandsBesideARunningWorker runs the ops CLI on a state file
// while a worker holds it: every command goes through the worker's admin
// API, found beside the state file.
func TestWorkflowCommandsBesideARunningWorker(t *testing.T) {
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
	require.NoError(t, worker.RegisterWorkflow(w, "counter", counter))
	require.NoError(t, w.Start(t.Context()))
	defer func() { _ = w.Stop(); _ = rt.Close() }()

	// A misspelt name fails at once, stores nothing, and says which name was meant.
	out, err := infgen(t, "workflow", "start", "billing.montly", "--id", "a", "--db", db)
	require.ErrorIs(t, err, client.ErrUnknownWorkflow, out)
	require.EqualError(t, err, `unknown workflow "billing.montly" — did you mean "billing.monthly"?`)
	_, err = infgen(t, "workflow", "describe", "a", "--db", db)
	require.ErrorIs(t, err, client.ErrNotFound)

	out, err = infgen(t, "workflow", "start", "billing.monthly", "--id", "a", "--tag", "t", "--db", db)
	require.NoError(t, err)
	require.Equal(t, "workflow a: delivered\n", out)
	out, err = infgen(t, "workflow", "list", "--db", db)
	require.NoError(t, err)
	require.Contains(t, out, "billing.monthly")
	out, err = infgen(t, "workers", "list", "--db", db)
	require.NoError(t, err)
	require.Regexp(t, `(?m)^\S+\s+live\s+.*`+addr+`\s+billing\.monthly,counter\s`, out)

	out, err = infgen(t, "workflow", "signal", "a", "go", `"paid"`, "--db", db)
	require.NoError(t, err, out)
	out, err = infgen(t, "workflow", "result", "a", "--wait", "10s", "--db", db)
	require.NoError(t, err)
	require.Equal(t, "\"paid\"\n", out)

	// Refused steering changes nothing: the finished workflow stays finished.
	_, err = infgen(t, "workflow", "retry", "a", "--db", db)
	require.ErrorIs(t, err, client.ErrNotFailed)
	out, err = infgen(t, "workflow", "list", "--db", db)
	require.NoError(t, err)
	require.NotContains(t, out, "billing.monthly")
	_, err = infgen(t, "workflow", "signal", "a", "go", `"again"`, "--db", db)
	require.ErrorIs(t, err, client.ErrFinished)

	// An update is answered through the admin API; a rejected one is refused.
	_, err = infgen(t, "workflow", "start", "counter", "--id", "c", "--db", db)
	require.NoError(t, err)
	out, err = infgen(t, "workflow", "update", "c", "add", "2", "--db", db)
	require.NoError(t, err, out)
	require.Equal(t, "2\n", out)
	out, err = infgen(t, "workflow", "update", "c", "add", "3", "--db", db)
	require.NoError(t, err, out)
	require.Equal(t, "5\n", out)
	_, err = infgen(t, "workflow", "update", "c", "add", "--db", db, "--", "-1")
	require.ErrorIs(t, err, client.ErrUpdateRejected)

	// Starting a name no worker registered, on purpose.
	out, err = infgen(t, "workflow", "start", "billing.yearly", "--allow-unregistered", "--id", "y", "--db", db)
	require.NoError(t, err)
	require.Equal(t, "workflow y: delivered\nwaiting for a worker: none serves billing.yearly\n", out)

	// Once the worker is gone, the CLI opens the file itself.
	require.NoError(t, w.Stop())
	require.NoError(t, rt.Close())
	_, err = os.Stat(admin.AddrFile(db))
	require.ErrorIs(t, err, os.ErrNotExist, "the admin address outlived the worker")
	out, err = infgen(t, "workers", "list", "--db", db)
	require.NoError(t, err)
	require.Regexp(t, `(?m)^\S+\s+stopped\s`, out)
}

// TestWorkflowCommandsOnALockedFileWithoutAdmin: a worker without an admin
// API holds the file; the CLI says so and how to fix it.
func TestWorkflowCommandsOnALockedFileWithoutAdmin(t *testing.T) {
	t.Setenv("INFGEN_PULSAR_URL", "")
	t.Setenv(admin.EnvAddr, "")
	db := filepath.Join(t.TempDir(), "state.db")
	_, _, stop := openState(t, db)
	defer stop()
	var buf stringsBuilder
	_, err := infgen(t, "workflow", "list", "--db", db)
	require.ErrorContains(t, err, "is locked by another process")
	printError(&buf, err)
	require.Contains(t, buf.String(), "\nhint: a worker holding the file serves the CLI through its admin API")
}

type stringsBuilder = bytes.Buffer

// counter adds the numbers sent to its "add" update (positive ones only)
// and answers the running sum, until it is canceled.
func counter(ctx workflow.Context, _ struct{}) (int, error) {
	sum := 0
	workflow.HandleUpdate(ctx, "add", func(ctx workflow.Context, n int) (int, error) {
		sum += n
		return sum, nil
	}, workflow.WithValidator(func(n int) error {
		if n <= 0 {
			return errors.New("add a positive number")
		}
		return nil
	}))
	_, err := workflow.SignalChannel[struct{}]("stop").Receive(ctx)
	return sum, err
}
