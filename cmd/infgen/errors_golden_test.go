package main

import (
	"bytes"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/admin"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/worker"
)

var updateErrors = flag.Bool("update-errors", false, "rewrite testdata/errors.golden")

// TestErrorMessages runs failing commands and compares what they print
// (as main prints it: "infgen: what: why" and an optional "hint:" line)
// with testdata/errors.golden; -update-errors rewrites it.
func TestErrorMessages(t *testing.T) {
	t.Setenv("INFGEN_PULSAR_URL", "")
	t.Setenv(admin.EnvAddr, "")
	dir := t.TempDir()
	db := filepath.Join(dir, "state.db")
	// A state file on which a worker registered billing.monthly, then stopped.
	rt, err := local.Open(db)
	require.NoError(t, err)
	w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, worker.RegisterWorkflow(w, "billing.monthly", waiter))
	require.NoError(t, w.Start(t.Context()))
	require.NoError(t, w.Stop())
	require.NoError(t, rt.Close())
	// (A truncated file's message holds sizes that depend on the page size:
	// TestWorkflowCommandsOnADamagedStateFile checks it.)
	empty := filepath.Join(dir, "empty.db")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	spec := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(spec, []byte("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: {200: {$ref: '#/components/responses/Nope'}}\n"), 0o644))

	saga := filepath.Join(dir, "saga.yaml")
	require.NoError(t, os.WriteFile(saga, []byte("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /charges:\n    post:\n      operationId: createCharge\n      x-infgen-compensate: {operationId: refundCharges, args: {chargeId: $response.body#/id}}\n      responses: {'201': {description: ok}}\n  /charges/{chargeId}:\n    delete:\n      operationId: refundCharge\n      parameters: [{name: chargeId, in: path, required: true, schema: {type: string}}]\n      responses: {'204': {description: ok}}\n"), 0o644))

	cases := []struct {
		name string
		args []string
	}{
		{"misspelt workflow", []string{"workflow", "start", "billing.montly", "--db", db}},
		{"unknown workflow id", []string{"workflow", "describe", "cus_0099", "--db", db}},
		{"retry unknown id", []string{"workflow", "retry", "nope", "--db", db}},
		{"signal value not JSON", []string{"workflow", "signal", "cus_1", "go", "paid", "--db", db}},
		{"wait without a worker", []string{"workflow", "start", "billing.monthly", "--wait", "5s", "--db", db}},
		{"no state file", []string{"workflow", "list", "--db", filepath.Join(dir, "missing.db")}},
		{"empty state file", []string{"workflow", "list", "--db", empty}},
		{"update without a worker", []string{"workflow", "update", "cus_1", "change-plan", "{}", "--db", db}},
		{"redrive without a worker", []string{"dead-letters", "redrive", "--all", "--db", db}},
		{"no admin API answers", []string{"workflow", "list", "--admin", "127.0.0.1:1"}},
		{"unresolved $ref", []string{"generate", "openapi", spec, "--out", filepath.Join(dir, "out")}},
		{"unknown compensation", []string{"generate", "openapi", saga, "--out", filepath.Join(dir, "out")}},
		{"missing spec", []string{"generate", "openapi", filepath.Join(dir, "nope.yaml"), "--out", filepath.Join(dir, "out")}},
		{"select an unknown operation", []string{"generate", "openapi", "../../golden/openapi-select/input/spec.yaml", "--operations", "getOrders", "--out", filepath.Join(dir, "out")}},
		{"unknown command", []string{"workflow", "reboot", "x"}},
		{"check with one spec", []string{"check", "openapi", spec}},
		{"check an unresolved $ref", []string{"check", "openapi", spec, spec}},
		{"check format", []string{"check", "proto", "--format", "xml", "a.proto", "b.proto"}},
		{"bad cron expression", []string{"schedule", "create", "nightly", "billing.monthly", "--cron", "0 2 * *", "--db", db}},
		{"cron field out of range", []string{"schedule", "create", "nightly", "billing.monthly", "--cron", "0 25 * * *", "--db", db}},
		{"unknown schedule", []string{"schedule", "trigger", "nightly", "--db", db}},
		{"check in flight without a state file", []string{"check", "openapi", "../../examples/billing/api/invoice.yaml", "../../examples/billing/api/invoice.yaml", "--db", filepath.Join(dir, "missing.db")}},
		{"check replay without code", []string{"check", "replay", "--db", db}},
	}
	var got bytes.Buffer
	for _, tc := range cases {
		_, err := infgen(t, tc.args...)
		require.Error(t, err, tc.name)
		var out bytes.Buffer
		printError(&out, err)
		text := strings.ReplaceAll(out.String(), dir, "$DIR")
		require.NotContains(t, strings.TrimSuffix(text, "\n"), "\n\n", "%s: a blank line inside the message", tc.name)
		require.Equal(t, 1, strings.Count(text, "infgen:"), "%s: one prefix, once: %q", tc.name, text)
		fmt.Fprintf(&got, "== %s: infgen %s\n%s", tc.name, strings.ReplaceAll(strings.Join(tc.args, " "), dir, "$DIR"), text)
	}
	golden := filepath.Join("testdata", "errors.golden")
	if *updateErrors {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, got.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test ./cmd/infgen -run TestErrorMessages -update-errors")
	require.Equal(t, string(want), got.String())
}
