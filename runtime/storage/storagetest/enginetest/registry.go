package enginetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// WorkerRegistry checks the worker registry on st: a worker records what
// it serves; starting a name no worker registered fails at once with a
// suggestion, unless allowed; a stopped worker's names stay known. tr is
// the transport (nil: a fresh memory transport); st may be shared with
// other tests (the names are unique to this run).
func WorkerRegistry(t *testing.T, st storage.Storage, tr transport.Transport) {
	t.Helper()
	ctx := context.Background()
	if tr == nil {
		mt := memory.New()
		t.Cleanup(func() { _ = mt.Close() })
		tr = mt
	}
	log := slog.New(slog.DiscardHandler)
	// Random first, so that the names of other runs on a shared store are
	// too far from these to be suggested.
	name := randomID() + "-registry.monthly"
	svc := "registry-" + randomID()

	w, err := worker.New(worker.Options{Transport: tr, Storage: st, Logger: log})
	require.NoError(t, err)
	require.NoError(t, w.RegisterService(worker.Service{Name: svc, Methods: []worker.Method{{Name: "Charge",
		Handler: worker.Handle(codec.JSON{}, func(_ context.Context, in *int) (*int, error) { return in, nil })}}}))
	require.NoError(t, worker.RegisterWorkflow(w, name, func(ctx workflow.Context, in int) (int, error) { return in + 1, nil }))
	require.NoError(t, w.Start(ctx))
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = w.Stop()
		}
	})

	c, err := client.New(ctx, client.Options{Transport: tr, Storage: st, Logger: log, PollInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	defer c.Close()

	workers, err := c.Workers(ctx)
	require.NoError(t, err)
	me := findWorker(workers, w.Info().ID)
	require.NotNil(t, me, "the worker's record is not in the registry")
	require.True(t, me.Serves(name))
	require.True(t, me.Live(time.Now()))
	require.Equal(t, []client.ServiceInfo{{Name: svc, Methods: []string{"Charge"}}}, me.Services)
	require.NotZero(t, me.PID)

	misspelt := name[:len(name)-2] // "….month"
	_, err = c.Start(ctx, client.StartParams{Workflow: misspelt})
	require.ErrorIs(t, err, client.ErrUnknownWorkflow)
	require.ErrorContains(t, err, `unknown workflow "`+misspelt+`" — did you mean "`+name+`"?`)
	ids, err := c.ListRunning(ctx)
	require.NoError(t, err)
	require.NotContains(t, ids, "", "a refused start stored a workflow")

	out, err := client.Execute[int](ctx, c, client.StartParams{Workflow: name, Input: 41})
	require.NoError(t, err)
	require.Equal(t, 42, out)

	early := randomID() + "-registry.later"
	id, err := c.Start(ctx, client.StartParams{Workflow: early, AllowUnregistered: true})
	require.NoError(t, err)
	d, err := c.Describe(ctx, id)
	require.NoError(t, err)
	require.Equal(t, client.Running, d.Status)
	_, err = c.Cancel(ctx, client.Target{ID: id})
	require.NoError(t, err)

	require.NoError(t, w.Stop())
	stopped = true
	workers, err = c.Workers(ctx)
	require.NoError(t, err)
	me = findWorker(workers, w.Info().ID)
	require.NotNil(t, me)
	require.True(t, me.Stopped)
	require.False(t, me.Live(time.Now()))

	// A fresh client (nothing cached) still knows the name: registered once
	// on this store, it stays known, and a start waits for a worker.
	c2, err := client.New(ctx, client.Options{Transport: tr, Storage: st, Logger: log})
	require.NoError(t, err)
	defer c2.Close()
	id, err = c2.Start(ctx, client.StartParams{Workflow: name, Input: 1})
	require.NoError(t, err)
	_, err = c2.Cancel(ctx, client.Target{ID: id})
	require.NoError(t, err)
}

func findWorker(ws []client.WorkerInfo, id string) *client.WorkerInfo {
	for i := range ws {
		if ws[i].ID == id {
			return &ws[i]
		}
	}
	return nil
}

// randomID returns 8 random hex digits.
func randomID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
