package enginetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/failure"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// RestartParams configure RestartDuringWorkflows.
type RestartParams struct {
	// Restart stops and starts the server behind the storage, once.
	Restart func(t *testing.T)
	// Workflows is the number of workflows (default 20), Steps the tasks each
	// calls in sequence (default 20).
	Workflows, Steps int
	// StepDelay is how long each task takes (default 25ms), so that the
	// workflows are still running while the server is down.
	StepDelay time.Duration
	// Timeout bounds the whole run after the restart (default 2 minutes).
	Timeout time.Duration
}

type counter struct {
	N int `json:"n"`
}

// RestartDuringWorkflows starts chain workflows on a worker over st, restarts
// the server once a fifth of their tasks have run, and checks that every
// workflow completes with the number of steps it made. The engine must retry
// what failed while the server was down.
func RestartDuringWorkflows(t *testing.T, st storage.Storage, p RestartParams) {
	t.Helper()
	if p.Workflows == 0 {
		p.Workflows = 20
	}
	if p.Steps == 0 {
		p.Steps = 20
	}
	if p.StepDelay == 0 {
		p.StepDelay = 25 * time.Millisecond
	}
	if p.Timeout == 0 {
		p.Timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), p.Timeout+time.Minute)
	defer cancel()

	var b [6]byte
	_, _ = rand.Read(b[:])
	run := hex.EncodeToString(b[:])
	service, wfName := "outage"+run, "outage-chain-"+run

	var calls atomic.Int64
	step := func(ctx context.Context, in *counter) (*counter, error) {
		calls.Add(1)
		select {
		case <-time.After(p.StepDelay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return &counter{N: in.N + 1}, nil
	}
	chain := func(ctx workflow.Context, k int) (int, error) {
		n := 0
		for range k {
			out, err := workflow.Dispatch[*counter](ctx, workflow.Call{
				Service: service, Method: "Step", Codec: codec.JSON{}, Input: &counter{N: n},
			}).Await(ctx)
			if err != nil {
				return n, err
			}
			n = out.N
		}
		return n, nil
	}

	tr := memory.New()
	defer tr.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	w, err := worker.New(worker.Options{Transport: tr, Storage: st, Logger: log, Recover: worker.RecoverNever})
	require.NoError(t, err)
	require.NoError(t, w.RegisterService(worker.Service{Name: service, Methods: []worker.Method{
		{Name: "Step", Handler: worker.Handle(codec.JSON{}, step)},
	}}))
	require.NoError(t, worker.RegisterWorkflow(w, wfName, chain))
	require.NoError(t, w.Start(ctx))
	defer w.Stop()
	c, err := client.New(ctx, client.Options{Transport: tr, Storage: st, Logger: log})
	require.NoError(t, err)
	defer c.Close()

	ids := make([]string, p.Workflows)
	for i := range ids {
		ids[i], err = c.Start(ctx, client.StartParams{Workflow: wfName, ID: fmt.Sprintf("%s-%d", wfName, i), Input: p.Steps})
		require.NoError(t, err, "start workflow %d", i)
	}

	results := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			results[i] = await(ctx, c, id, p)
		})
	}

	total := int64(p.Workflows * p.Steps)
	for calls.Load() < total/5 && ctx.Err() == nil {
		time.Sleep(2 * time.Millisecond)
	}
	before := calls.Load()
	p.Restart(t)
	after := calls.Load()
	t.Logf("restarted the server between tasks %d and %d of %d", before, after, total)
	wg.Wait()
	for i, err := range results {
		require.NoError(t, err, "workflow %s", ids[i])
	}
	require.GreaterOrEqual(t, calls.Load(), total, "every task ran at least once")
}

// await waits for the workflow's result like an application would: a failed
// workflow is final, any other error (the storage being down) is retried.
func await(ctx context.Context, c *client.Client, id string, p RestartParams) error {
	ctx, cancel := context.WithTimeout(ctx, p.Timeout)
	defer cancel()
	var wfErr *failure.WorkflowError
	for {
		got, err := client.Result[int](ctx, c, id)
		switch {
		case err == nil && got != p.Steps:
			return fmt.Errorf("workflow %s made %d steps, want %d", id, got, p.Steps)
		case err == nil:
			return nil
		case errors.As(err, &wfErr) || ctx.Err() != nil:
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}
