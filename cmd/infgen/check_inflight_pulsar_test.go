package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/config"
	"github.com/infgen/infgen/runtime/worker"
)

// TestCheckInFlightOnPulsar: with the environment of a worker on Pulsar
// and PostgreSQL (INFGEN_PULSAR_URL, INFGEN_POSTGRES_DSN), --in-flight
// reads the running workflows of the shared store.
func TestCheckInFlightOnPulsar(t *testing.T) {
	if os.Getenv("INFGEN_PULSAR_URL") == "" || os.Getenv("INFGEN_POSTGRES_DSN") == "" {
		t.Skip("INFGEN_PULSAR_URL and INFGEN_POSTGRES_DSN are not set: run scripts/pulsar.sh and scripts/services.sh")
	}
	suffix := fmt.Sprintf("%x", rand.Uint32())
	t.Setenv("INFGEN_PULSAR_TOPIC_PREFIX", "check"+suffix+".")
	t.Setenv("INFGEN_POSTGRES_TABLE_PREFIX", "check"+suffix+"_")
	t.Setenv("INFGEN_REDIS_ADDR", "")
	t.Setenv("INFGEN_MYSQL_DSN", "")
	ctx := t.Context()
	b, err := config.OpenBackends(ctx, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer b.Close()
	w, err := worker.New(worker.Options{Transport: b.Transport, Storage: b.Storage, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	answer := func(context.Context, []byte) ([]byte, error) {
		return []byte(`{"statusCode":200,"body":{"id":7,"name":"rex"}}`), nil
	}
	require.NoError(t, w.RegisterService(worker.Service{Name: "SwaggerPetstore", Methods: []worker.Method{{Name: "AddPet", Handler: answer}}}))
	require.NoError(t, worker.RegisterWorkflow(w, "pets.adopt", adopt))
	require.NoError(t, w.Start(ctx))
	defer w.Stop()
	c, err := client.New(ctx, client.Options{Transport: b.Transport, Storage: b.Storage})
	require.NoError(t, err)
	defer c.Close()
	id := "adopt-" + suffix
	_, err = c.Start(ctx, client.StartParams{Workflow: "pets.adopt", ID: id, Input: "rex"})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		tasks, err := c.Tasks(ctx, id)
		return err == nil && len(tasks) == 1 && tasks[0].Status == client.TaskCompleted
	}, 20*time.Second, 50*time.Millisecond)

	tagged := modified(t, sharedPetstore, "new.yml", "          required:\n          - id\n", "          required:\n          - id\n          - tag\n")
	out, err := infgen(t, "check", "openapi", sharedPetstore, tagged, "--in-flight")
	var exit *exitError
	require.True(t, errors.As(err, &exit), "%v: %s", err, out)
	require.Equal(t, 1, exit.code, out)
	require.Contains(t, out, "workflow "+id+" (pets.adopt) step 0 SwaggerPetstore.AddPet  the recorded 200 response body of POST /pets does not fit its new schema")
	require.Contains(t, out, "in flight: 1 workflow(s), 1 task(s) checked; 1 workflow(s) would fail\n")
}
