package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// adopt adds a pet through the petstore's AddPet (as the stub generated
// from petstore-expanded.yml would), then waits for a signal.
func adopt(ctx workflow.Context, name string) (string, error) {
	if _, err := workflow.Dispatch[json.RawMessage](ctx, workflow.Call{
		Service: "SwaggerPetstore", Method: "AddPet",
		Input: map[string]any{"body": map[string]any{"name": name}},
	}).Await(ctx); err != nil {
		return "", err
	}
	return workflow.SignalChannel[string]("go").Receive(ctx)
}

// lookup reads a pet through FindPetByID, then waits for a signal.
func lookup(ctx workflow.Context, id int) (string, error) {
	if _, err := workflow.Dispatch[json.RawMessage](ctx, workflow.Call{
		Service: "SwaggerPetstore", Method: "FindPetByID", Input: map[string]any{"id": id},
	}).Await(ctx); err != nil {
		return "", err
	}
	return workflow.SignalChannel[string]("go").Receive(ctx)
}

// petstoreState leaves a state file holding two running workflows whose
// petstore tasks completed: adopt-1 (AddPet) and lookup-1 (FindPetByID).
// The pets the service answered have no tag.
func petstoreState(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "state.db")
	rt, err := local.Open(db)
	require.NoError(t, err)
	w, err := rt.NewWorker(worker.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	answer := func(context.Context, []byte) ([]byte, error) {
		return []byte(`{"statusCode":200,"body":{"id":7,"name":"rex"}}`), nil
	}
	require.NoError(t, w.RegisterService(worker.Service{Name: "SwaggerPetstore", Methods: []worker.Method{
		{Name: "AddPet", Handler: answer}, {Name: "FindPetByID", Handler: answer},
	}}))
	require.NoError(t, worker.RegisterWorkflow(w, "pets.adopt", adopt))
	require.NoError(t, worker.RegisterWorkflow(w, "pets.lookup", lookup))
	require.NoError(t, w.Start(t.Context()))
	c, err := rt.NewClient(t.Context())
	require.NoError(t, err)
	_, err = c.Start(t.Context(), client.StartParams{Workflow: "pets.adopt", ID: "adopt-1", Input: "rex"})
	require.NoError(t, err)
	_, err = c.Start(t.Context(), client.StartParams{Workflow: "pets.lookup", ID: "lookup-1", Input: 7})
	require.NoError(t, err)
	for _, id := range []string{"adopt-1", "lookup-1"} {
		require.Eventually(t, func() bool {
			tasks, err := c.Tasks(t.Context(), id)
			return err == nil && len(tasks) == 1 && tasks[0].Status == client.TaskCompleted
		}, 10*time.Second, 5*time.Millisecond, id)
	}
	tasks, err := c.Tasks(t.Context(), "adopt-1")
	require.NoError(t, err)
	require.Equal(t, client.TaskRecord{Seq: tasks[0].Seq, Service: "SwaggerPetstore", Method: "AddPet", Codec: "json",
		Input: []byte(`{"body":{"name":"rex"}}`), Status: client.TaskCompleted, Output: []byte(`{"statusCode":200,"body":{"id":7,"name":"rex"}}`)}, tasks[0])
	require.NoError(t, c.Close())
	require.NoError(t, w.Stop())
	require.NoError(t, rt.Close())
	return db
}

// TestCheckInFlightOnAStateFile: a response property that becomes
// required is absent from the answers recorded by running workflows, which
// the check names with their step; a compatible change passes them.
func TestCheckInFlightOnAStateFile(t *testing.T) {
	t.Setenv("INFGEN_PULSAR_URL", "")
	db := petstoreState(t)

	compatible := modified(t, sharedPetstore, "new.yml", "        tag:\n          type: string    \n",
		"        tag:\n          type: string\n        color:\n          type: string\n")
	out, stderr, code := runCheck(t, "check", "openapi", sharedPetstore, compatible, "--db", db)
	require.Equal(t, 0, code, "stdout: %s\nstderr: %s", out, stderr)
	require.Contains(t, out, "in flight: 2 workflow(s), 2 task(s) checked; 0 workflow(s) would fail\n")

	// Pet now requires a tag: both recorded answers lack it (a response
	// change oasdiff rightly calls compatible for callers).
	tagged := modified(t, sharedPetstore, "new.yml", "          required:\n          - id\n", "          required:\n          - id\n          - tag\n")
	out, stderr, code = runCheck(t, "check", "openapi", sharedPetstore, tagged, "--db", db)
	require.Equal(t, 1, code, "stdout: %s\nstderr: %s", out, stderr)
	require.Regexp(t, `(?m)^error    workflow adopt-1 \(pets.adopt\) step \d+ SwaggerPetstore.AddPet  the recorded 200 response body of POST /pets does not fit its new schema: .*tag.* \[in-flight\]$`, out)
	require.Regexp(t, `(?m)^error    workflow lookup-1 \(pets.lookup\) step \d+ SwaggerPetstore.FindPetByID  the recorded 200 response body of GET /pets/\{id\} does not fit`, out)
	require.Contains(t, out, "in flight: 2 workflow(s), 2 task(s) checked; 2 workflow(s) would fail\n")

	// A parameter that changes type: the recorded id (7) is no string.
	retyped := modified(t, sharedPetstore, "new.yml", "          description: ID of pet to fetch\n          required: true\n          schema:\n            type: integer\n            format: int64\n",
		"          description: ID of pet to fetch\n          required: true\n          schema:\n            type: string\n")
	out, _, code = runCheck(t, "check", "openapi", sharedPetstore, retyped, "--db", db, "--format", "json")
	require.Equal(t, 1, code, out)
	var doc struct {
		Findings []struct{ Rule, Workflow, Message string }
		InFlight struct{ Failing []string }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc), out)
	require.Equal(t, []string{"lookup-1"}, doc.InFlight.Failing)
	var inflight []string
	for _, f := range doc.Findings {
		if f.Rule == "in-flight" {
			inflight = append(inflight, f.Workflow+": "+f.Message)
		}
	}
	require.Len(t, inflight, 1)
	require.Contains(t, inflight[0], `lookup-1: the recorded path parameter "id" of GET /pets/{id} does not fit its new schema`)
}
