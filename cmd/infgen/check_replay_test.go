package main

import (
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// greet is the deployed code: it sleeps an hour, then waits for a signal.
func greet(ctx workflow.Context, name string) (string, error) {
	if err := workflow.Sleep(ctx, time.Hour); err != nil {
		return "", err
	}
	return workflow.SignalChannel[string]("go").Receive(ctx)
}

// greeterPackage writes a workflow package into the module (under
// testdata, removed after the test) defining "greeter" with body, and
// returns its --workflow spec.
func greeterPackage(t *testing.T, body string) string {
	t.Helper()
	require.NoError(t, os.MkdirAll("testdata", 0o755))
	dir, err := os.MkdirTemp("testdata", "replay-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	src := "package greeter\n\nimport (\n\t\"time\"\n\n\t\"github.com/infgen/infgen/runtime/workflow\"\n)\n\n" +
		"var _ = time.Hour\n\n" +
		"// Workflow is the greeter.\nvar Workflow = workflow.Define(\"greeter\", func(ctx workflow.Context, name string) (string, error) {\n" + body + "})\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "greeter.go"), []byte(src), 0o644))
	return "github.com/infgen/infgen/cmd/infgen/" + filepath.ToSlash(dir) + ".Workflow"
}

// TestCheckReplayFindsIncompatibleCode: two greeters wait in a state file
// after their timer; code that replays their history passes, code that
// issues another first step fails with the step, for each of them.
func TestCheckReplayFindsIncompatibleCode(t *testing.T) {
	t.Setenv("INFGEN_PULSAR_URL", "")
	db := filepath.Join(t.TempDir(), "state.db")
	rt, err := local.Open(db)
	require.NoError(t, err)
	w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, worker.RegisterWorkflow(w, "greeter", greet))
	require.NoError(t, worker.RegisterWorkflow(w, "waiter", waiter))
	require.NoError(t, w.Start(t.Context()))
	c, err := rt.NewClient(t.Context())
	require.NoError(t, err)
	for _, id := range []string{"g-1", "g-2"} {
		_, err = c.Start(t.Context(), client.StartParams{Workflow: "greeter", ID: id, Input: "ann"})
		require.NoError(t, err)
	}
	_, err = c.Start(t.Context(), client.StartParams{Workflow: "waiter", ID: "w-1"})
	require.NoError(t, err)
	for _, id := range []string{"g-1", "g-2"} {
		require.Eventually(t, func() bool {
			d, err := c.Describe(t.Context(), id)
			return err == nil && d.Steps == 1
		}, 10*time.Second, 5*time.Millisecond)
	}
	require.NoError(t, c.Close())
	require.NoError(t, w.Stop())
	require.NoError(t, rt.Close())

	same := greeterPackage(t, "\tif err := workflow.Sleep(ctx, time.Hour); err != nil {\n\t\treturn \"\", err\n\t}\n\treturn workflow.SignalChannel[string](\"go\").Receive(ctx)\n")
	out, stderr, code := runCheck(t, "check", "replay", "--workflow", same, "--db", db)
	require.Equal(t, 0, code, "stdout: %s\nstderr: %s", out, stderr)
	require.Contains(t, out, "info     workflow w-1 (waiter v1)  not replayed: no --workflow defines waiter [replay]\n")
	require.Contains(t, out, "in flight: 3 workflow(s), 2 replayed; 0 workflow(s) would fail\n")

	changed := greeterPackage(t, "\tif _, err := workflow.SignalChannel[string](\"go\").Receive(ctx); err != nil {\n\t\treturn \"\", err\n\t}\n\treturn name, workflow.Sleep(ctx, time.Hour)\n")
	out, stderr, code = runCheck(t, "check", "replay", "--workflow", changed, "--db", db, "--format", "json")
	require.Equal(t, 1, code, "stdout: %s\nstderr: %s", out, stderr)
	var doc struct {
		Breaking bool
		Findings []struct {
			Severity, Workflow, Message string
			Step                        int
		}
		InFlight struct{ Failing []string }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc), out)
	require.True(t, doc.Breaking)
	require.Equal(t, []string{"g-1", "g-2"}, doc.InFlight.Failing)
	require.Equal(t, "error", doc.Findings[0].Severity)
	require.Equal(t, "g-1", doc.Findings[0].Workflow)
	require.Regexp(t, `^not deterministic at step 0: history has timer .*, the new code issues `, doc.Findings[0].Message)
	require.Contains(t, stderr, "infgen: 2 breaking change(s)")

	_, stderr, code = runCheck(t, "check", "replay", "--db", db)
	require.Equal(t, 2, code, stderr)
	require.Contains(t, stderr, "--workflow IMPORT_PATH.Name")
}
