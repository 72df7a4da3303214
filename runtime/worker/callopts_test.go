package worker_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
	"github.com/infgen/infgen/runtime/workflowtest"
)

// seen is what a service saw of one attempt.
type seen struct {
	Attempt        int
	TaskID         string
	IdempotencyKey string
	Timeout        time.Duration // rounded to the minute
	Meta           map[string]string
	Tags           []string
}

// recorder keeps what a service saw, attempt after attempt.
type recorder struct {
	mu  sync.Mutex
	got []seen
}

func (r *recorder) record(ctx context.Context) seen {
	task, _ := service.TaskFrom(ctx)
	s := seen{Attempt: task.Attempt, TaskID: task.ID, IdempotencyKey: service.IdempotencyKey(ctx), Meta: task.Meta, Tags: task.Tags}
	if dl, ok := ctx.Deadline(); ok {
		s.Timeout = time.Until(dl).Round(time.Minute)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, s)
	return s
}

func (r *recorder) all() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seen(nil), r.got...)
}

// invoiceRetry is the policy the workflow asks for: more attempts than the
// service's own policy allows.
var invoiceRetry = retry.Policy{MaxAttempts: 4, Initial: time.Millisecond, Multiplier: 1, Max: time.Millisecond}

// charge calls the "billing.Charge" task with per-call options.
func charge(ctx workflow.Context, _ struct{}) (string, error) {
	out, err := workflow.Dispatch[*string](ctx, workflow.Call{Service: "billing", Method: "Charge", Codec: codec.JSON{}},
		workflow.WithRetry(invoiceRetry), workflow.WithTimeout(7*time.Minute), workflow.WithIdempotencyKey("invoice-7"),
		workflow.WithMeta("reason", "monthly"), workflow.WithTags("plan:pro")).Await(ctx)
	if err != nil {
		return "", err
	}
	return *out, nil
}

// TestCallOptionsReachTheTask: the options of a call are what the service
// sees on every attempt (the idempotency key, meta, tags and timeout) and
// decide how often it is retried, over the service's policy.
func TestCallOptionsReachTheTask(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	e := newEnv(t, func(w *worker.Worker) {
		fn := func(ctx context.Context, _ *struct{}) (*string, error) {
			if s := rec.record(ctx); s.Attempt < 4 {
				return nil, service.Retryable(errors.New("card processor unavailable"), 0)
			}
			ok := "charged"
			return &ok, nil
		}
		require.NoError(t, w.RegisterService(worker.Service{Name: "billing", Methods: []worker.Method{
			{Name: "Charge", Handler: worker.Handle(codec.JSON{}, fn)},
		}}, worker.WithRetry(retry.Policy{MaxAttempts: 2, Initial: time.Millisecond}), worker.WithTimeout(time.Hour)))
		require.NoError(t, worker.RegisterWorkflow(w, "charge", charge))
	})
	ctx := ctxT(t)
	_, err := e.client.Start(ctx, client.StartParams{Workflow: "charge", ID: "cus-1", Tags: []string{"customer"}})
	require.NoError(t, err)
	out, err := client.Result[string](ctx, e.client, "cus-1")
	require.NoError(t, err, "the call's 4 attempts, not the service's 2")
	require.Equal(t, "charged", out)
	got := rec.all()
	require.Len(t, got, 4)
	for i, s := range got {
		require.Equal(t, i+1, s.Attempt)
		require.Equal(t, "invoice-7", s.IdempotencyKey, "attempt %d", s.Attempt)
		require.NotEqual(t, s.IdempotencyKey, s.TaskID)
		require.Equal(t, got[0].TaskID, s.TaskID)
		require.Equal(t, 7*time.Minute, s.Timeout, "attempt %d: the call's timeout, not the service's hour", s.Attempt)
		require.Equal(t, map[string]string{"reason": "monthly"}, s.Meta)
		require.Equal(t, []string{"customer", "plan:pro"}, s.Tags, "the workflow's tags, then the call's")
	}
}

// TestCallTimeoutIsEnforced: an attempt that outlives the call's timeout is
// canceled and reported as timed out.
func TestCallTimeoutIsEnforced(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(w *worker.Worker) {
		hang := func(ctx context.Context, _ *struct{}) (*struct{}, error) {
			<-ctx.Done() // only the timeout ends it
			return nil, nil
		}
		require.NoError(t, w.RegisterService(worker.Service{Name: "slow", Methods: []worker.Method{
			{Name: "Hang", Handler: worker.Handle(codec.JSON{}, hang), Timeout: time.Hour},
		}}))
		require.NoError(t, worker.RegisterWorkflow(w, "hang", func(ctx workflow.Context, _ struct{}) (struct{}, error) {
			_, err := workflow.Dispatch[*struct{}](ctx, workflow.Call{Service: "slow", Method: "Hang"},
				workflow.WithTimeout(20*time.Millisecond), workflow.WithRetry(retry.None())).Await(ctx)
			return struct{}{}, err
		}))
	})
	ctx := ctxT(t)
	_, err := client.Execute[struct{}](ctx, e.client, client.StartParams{Workflow: "hang"})
	var failed *workflow.TaskError
	require.ErrorAs(t, err, &failed)
	require.Equal(t, 1, failed.Attempts)
	require.ErrorContains(t, err, "slow.Hang timed out after 20ms")
}

// TestCallOptionsSurviveRestartAndReplay runs the charge workflow on the
// embedded store, stops the process while the first attempt runs (its
// messages, in memory, are lost), and restarts on the same file with a
// worker whose service policy allows only 2 attempts: the task is re-driven
// from the recorded command, so every attempt still runs with the call's
// options and the workflow completes on the 4th. The recorded state then
// replays on the workflow's code.
func TestCallOptionsSurviveRestartAndReplay(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.db")
	rec := &recorder{}
	register := func(w *worker.Worker, fn func(context.Context, *struct{}) (*string, error)) {
		require.NoError(t, w.RegisterService(worker.Service{Name: "billing", Methods: []worker.Method{
			{Name: "Charge", Handler: worker.Handle(codec.JSON{}, fn)},
		}}, worker.WithRetry(retry.Policy{MaxAttempts: 2, Initial: time.Millisecond})))
		require.NoError(t, worker.RegisterWorkflow(w, "charge", charge))
	}
	ctx := ctxT(t)

	// First process: the first attempt starts, then the process goes away.
	rt, err := local.Open(path)
	require.NoError(t, err)
	started, release := make(chan struct{}), make(chan struct{})
	w, err := rt.NewWorker(worker.Options{Logger: testLogger(), DisableLocalTasks: true})
	require.NoError(t, err)
	register(w, func(ctx context.Context, _ *struct{}) (*string, error) {
		rec.record(ctx)
		close(started)
		<-release
		return nil, errors.New("lost with the process")
	})
	require.NoError(t, w.Start(ctx))
	c, err := rt.NewClient(ctx)
	require.NoError(t, err)
	_, err = c.Start(ctx, client.StartParams{Workflow: "charge", ID: "cus-1", Tags: []string{"customer"}})
	require.NoError(t, err)
	<-started
	require.NoError(t, rt.Transport.Close()) // in-flight messages are gone
	close(release)
	require.NoError(t, w.Stop())
	require.NoError(t, c.Close())
	require.NoError(t, rt.Storage.Close())

	// Second process, on the same file.
	rt, err = local.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = rt.Close() })
	w, err = rt.NewWorker(worker.Options{Logger: testLogger(), DisableLocalTasks: true})
	require.NoError(t, err)
	register(w, func(ctx context.Context, _ *struct{}) (*string, error) {
		if s := rec.record(ctx); s.Attempt < 4 {
			return nil, service.Retryable(errors.New("card processor unavailable"), 0)
		}
		ok := "charged"
		return &ok, nil
	})
	require.NoError(t, w.Start(ctx))
	t.Cleanup(func() { _ = w.Stop() })
	c, err = rt.NewClient(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	out, err := client.Result[string](ctx, c, "cus-1")
	require.NoError(t, err, "the recorded policy (4 attempts) survived the restart")
	require.Equal(t, "charged", out)

	got := rec.all()
	require.Equal(t, []int{1, 1, 2, 3, 4}, attempts(got), "attempt 1 re-driven after the restart, then retried")
	for _, s := range got {
		require.Equal(t, "invoice-7", s.IdempotencyKey)
		require.Equal(t, 7*time.Minute, s.Timeout)
		require.Equal(t, got[0].TaskID, s.TaskID)
	}

	state, err := c.State(ctx, "cus-1")
	require.NoError(t, err)
	var recorded struct {
		Commands []struct {
			Retry          *retry.Policy     `json:"retry"`
			Timeout        time.Duration     `json:"timeout"`
			IdempotencyKey string            `json:"idempotencyKey"`
			Meta           map[string]string `json:"meta"`
			Tags           []string          `json:"tags"`
		} `json:"commands"`
	}
	require.NoError(t, json.Unmarshal(state, &recorded))
	require.Len(t, recorded.Commands, 1)
	cmd := recorded.Commands[0]
	require.Equal(t, &invoiceRetry, cmd.Retry, "the options are part of the command in history")
	require.Equal(t, 7*time.Minute, cmd.Timeout)
	require.Equal(t, "invoice-7", cmd.IdempotencyKey)
	require.Equal(t, []string{"plan:pro"}, cmd.Tags)
	require.NoError(t, workflowtest.Replay(workflow.Define("charge", charge), state))
}

func attempts(got []seen) []int {
	var out []int
	for _, s := range got {
		out = append(out, s.Attempt)
	}
	return out
}
