package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/config"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// waiter returns the first value signaled on "go".
func waiter(ctx workflow.Context, _ struct{}) (string, error) {
	return workflow.SignalChannel[string]("go").Receive(ctx)
}

// openState opens the state file with a worker running waiter.
func openState(t *testing.T, path string) (*local.Runtime, *client.Client, func()) {
	t.Helper()
	rt, err := local.Open(path)
	require.NoError(t, err)
	w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, worker.RegisterWorkflow(w, "waiter", waiter))
	require.NoError(t, w.Start(t.Context()))
	c, err := rt.NewClient(t.Context())
	require.NoError(t, err)
	return rt, c, func() {
		_ = c.Close()
		_ = w.Stop()
		_ = rt.Close()
	}
}

// infgen runs the CLI in-process and returns its output and error.
func infgen(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

// TestWorkflowCommandsOnAStateFile leaves two waiting workflows and a dead
// letter in a state file, inspects and signals them with the CLI while no
// worker runs, and checks that a worker started on the file again applies
// the signal.
func TestWorkflowCommandsOnAStateFile(t *testing.T) {
	t.Setenv("INFGEN_PULSAR_URL", "")
	db := filepath.Join(t.TempDir(), "state.db")
	rt, c, stop := openState(t, db)
	for _, id := range []string{"w-1", "w-2"} {
		_, err := c.Start(t.Context(), client.StartParams{Workflow: "waiter", ID: id, Tags: []string{"batch"}})
		require.NoError(t, err)
	}
	require.NoError(t, rt.Transport.Publish(t.Context(), &transport.PublishParams{
		Topic: "workflow.waiter", Message: transport.Message{Key: "w-1", Payload: []byte("not a message")}}))
	require.Eventually(t, func() bool {
		dls, err := c.DeadLetters(t.Context())
		return err == nil && len(dls) == 1
	}, 5*time.Second, 10*time.Millisecond)
	stop()

	out, err := infgen(t, "workflow", "list", "--db", db)
	require.NoError(t, err)
	require.Regexp(t, `(?m)^w-1 +waiter +1 +running +1 +0 +0 tasks, 0 timers, 0 children`, out)
	require.Contains(t, out, "w-2")

	out, err = infgen(t, "workflow", "list", "--db", db, "--tag", "batch", "--json")
	require.NoError(t, err)
	var ds []client.Description
	require.NoError(t, json.Unmarshal([]byte(out), &ds), out)
	require.Len(t, ds, 2)

	out, err = infgen(t, "workflow", "state", "--db", db, "w-2")
	require.NoError(t, err)
	require.Contains(t, out, `"runId"`, "the whole state")

	out, err = infgen(t, "dead-letters", "list", "--db", db)
	require.NoError(t, err)
	require.Contains(t, out, "workflow.waiter")
	require.Contains(t, out, "not a message")

	_, err = infgen(t, "dead-letters", "redrive", "--all", "--db", db)
	require.ErrorContains(t, err, "no worker runs on the state file", "a re-drive would be lost without the workers' transport")
	_, err = infgen(t, "workflow", "signal", "--db", db, "w-1", "go", "{bad")
	require.ErrorContains(t, err, "not JSON")
	_, err = infgen(t, "workflow", "describe", "--db", filepath.Join(t.TempDir(), "none.db"), "w-1")
	require.ErrorContains(t, err, "no state file at")

	out, err = infgen(t, "workflow", "start", "--db", db, "--id", "w-3", "--tag", "batch", "waiter", "{}")
	require.NoError(t, err)
	require.Contains(t, out, "workflow w-3: stored in the state file")
	_, err = infgen(t, "workflow", "result", "--db", db, "w-3")
	require.ErrorContains(t, err, "w-3 is still running")

	out, err = infgen(t, "workflow", "signal", "--db", db, "w-4", "go", `"started by its signal"`, "--start", "waiter", "--input", "{}")
	require.NoError(t, err)
	require.Contains(t, out, "sent to w-4 (started if it did not exist)")
	_, err = infgen(t, "workflow", "signal", "--db", db, "--tag", "batch", "go", "1", "--start", "waiter")
	require.ErrorContains(t, err, "--start needs the workflow's id")

	out, err = infgen(t, "workflow", "signal", "--db", db, "--tag", "batch", "go", `"hello"`)
	require.NoError(t, err)
	require.Contains(t, out, "sent to 3 workflow(s)")

	_, c, stop = openState(t, db)
	for _, id := range []string{"w-1", "w-2", "w-3"} {
		got, err := client.Result[string](t.Context(), c, id)
		require.NoError(t, err, id)
		require.Equal(t, "hello", got, id)
	}
	got, err := client.Result[string](t.Context(), c, "w-4")
	require.NoError(t, err)
	require.Equal(t, "started by its signal", got)
	stop()
	out, err = infgen(t, "workflow", "result", "--db", db, "w-3")
	require.NoError(t, err)
	require.Equal(t, "\"hello\"\n", out)
	_, _, stop = openState(t, db)
	defer stop()
	out, err = infgen(t, "workflow", "list", "--db", db)
	require.ErrorContains(t, err, "locked", "a worker owns the file: %s", out)
}

// TestWorkflowCommandsOnPulsar runs the commands against a live worker on
// Pulsar and PostgreSQL (INFGEN_PULSAR_URL, INFGEN_POSTGRES_DSN): a signal
// sent from the CLI reaches the running workflow at once, and a re-driven
// dead letter goes back to its topic.
func TestWorkflowCommandsOnPulsar(t *testing.T) {
	if os.Getenv("INFGEN_PULSAR_URL") == "" || os.Getenv("INFGEN_POSTGRES_DSN") == "" {
		t.Skip("INFGEN_PULSAR_URL and INFGEN_POSTGRES_DSN are not set: run scripts/pulsar.sh and scripts/services.sh")
	}
	suffix := fmt.Sprintf("%x", rand.Uint32())
	t.Setenv("INFGEN_PULSAR_TOPIC_PREFIX", "cli"+suffix+".")
	t.Setenv("INFGEN_POSTGRES_TABLE_PREFIX", "cli"+suffix+"_") // dead letters of other tests stay apart
	t.Setenv("INFGEN_REDIS_ADDR", "")
	t.Setenv("INFGEN_MYSQL_DSN", "")
	ctx := t.Context()
	b, err := config.OpenBackends(ctx, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer b.Close()
	w, err := worker.New(worker.Options{Transport: b.Transport, Storage: b.Storage, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, worker.RegisterWorkflow(w, "waiter", waiter))
	require.NoError(t, w.Start(ctx))
	defer w.Stop()
	c, err := client.New(ctx, client.Options{Transport: b.Transport, Storage: b.Storage})
	require.NoError(t, err)
	defer c.Close()

	_, err = c.Start(ctx, client.StartParams{Workflow: "waiter", ID: "w-" + suffix})
	require.NoError(t, err)
	require.NoError(t, b.Transport.Publish(ctx, &transport.PublishParams{
		Topic: "workflow.waiter", Message: transport.Message{Key: "w-" + suffix, Payload: []byte("not a message")}}))
	var first []client.DeadLetter
	require.Eventually(t, func() bool {
		first, err = c.DeadLetters(ctx)
		return err == nil && len(first) == 1
	}, 20*time.Second, 50*time.Millisecond)

	out, err := infgen(t, "workflow", "list")
	require.NoError(t, err)
	require.Contains(t, out, "w-"+suffix)
	out, err = infgen(t, "dead-letters", "redrive", "--all")
	require.NoError(t, err)
	require.Contains(t, out, "1 dead letter(s) re-driven")
	require.Eventually(t, func() bool { // the same garbage, set aside again under a new id
		again, err := c.DeadLetters(ctx)
		return err == nil && len(again) == 1 && again[0].ID != first[0].ID
	}, 20*time.Second, 50*time.Millisecond)

	go func() { // once the CLI has started it
		for ctx.Err() == nil {
			if _, err := c.Signal(ctx, client.Target{ID: "w2-" + suffix}, "go", "second"); !errors.Is(err, client.ErrNotFound) {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	out, err = infgen(t, "workflow", "start", "waiter", "--id", "w2-"+suffix, "--wait", "20s")
	require.NoError(t, err)
	require.Contains(t, out, `"second"`, "started, waited for, printed")

	out, err = infgen(t, "workflow", "signal", "w-"+suffix, "go", `"live"`)
	require.NoError(t, err)
	require.Contains(t, out, "delivered")
	got, err := client.Result[string](ctx, c, "w-"+suffix)
	require.NoError(t, err)
	require.Equal(t, "live", got)

	// A schedule created from the CLI is fired by the worker over Pulsar.
	out, err = infgen(t, "schedule", "create", "tick", "waiter", "--every", "1s", "--overlap", "allow-all")
	require.NoError(t, err)
	require.Contains(t, out, "schedule tick: delivered\n")
	require.Eventually(t, func() bool {
		ids, err := c.ListByTag(ctx, "schedule:tick")
		return err == nil && len(ids) >= 2
	}, 20*time.Second, 50*time.Millisecond, "the worker did not fire the schedule")
	out, err = infgen(t, "schedule", "trigger", "tick")
	require.NoError(t, err)
	require.Regexp(t, `^workflow tick@\S+Z: delivered\n$`, out)
	out, err = infgen(t, "schedule", "list")
	require.NoError(t, err)
	require.Regexp(t, `(?m)^tick\s+waiter\s+every 1s\s+active\s`, out)
	out, err = infgen(t, "schedule", "delete", "tick")
	require.NoError(t, err)
	require.Equal(t, "schedule tick: deleted\n", out)
}
