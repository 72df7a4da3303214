package client_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/internal/message"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/embedded"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/storage/postgres"
	"github.com/infgen/infgen/runtime/storage/storagetest"
	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

type empty struct{}

// env is a client over a fault-injecting store and transport, with
// workflows in every state: w-run waits for a signal on "go", w-done has
// completed, w-fail failed on a task, and one dead letter is stored.
type env struct {
	store  *faultStore
	tr     *faultTransport
	client *client.Client
	dead   string
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// register adds the test's workflows and services to w.
func register(t *testing.T, w *worker.Worker) {
	t.Helper()
	ok := worker.Handle(codec.JSON{}, func(context.Context, *empty) (*empty, error) { return &empty{}, nil })
	fail := worker.Handle(codec.JSON{}, func(context.Context, *empty) (*empty, error) { return nil, errors.New("declined") })
	require.NoError(t, w.RegisterService(worker.Service{Name: "svc", Methods: []worker.Method{
		{Name: "OK", Handler: ok}, {Name: "Fail", Handler: fail, Retry: new(retry.None())},
	}}))
	call := func(ctx workflow.Context, method string) error {
		_, err := workflow.Dispatch[*empty](ctx, workflow.Call{Service: "svc", Method: method, Input: &empty{}}).Await(ctx)
		return err
	}
	require.NoError(t, worker.RegisterWorkflow(w, "wait", func(ctx workflow.Context, _ empty) (int, error) {
		if err := call(ctx, "OK"); err != nil {
			return 0, err
		}
		return workflow.SignalChannel[int]("go").Receive(ctx)
	}))
	require.NoError(t, worker.RegisterWorkflow(w, "done", func(ctx workflow.Context, _ empty) (int, error) { return 1, nil }))
	require.NoError(t, worker.RegisterWorkflow(w, "fail", func(ctx workflow.Context, _ empty) (int, error) {
		return 0, call(ctx, "Fail")
	}))
}

// stores are the storages the steering tests run on: memory and the
// embedded file always, PostgreSQL when INFGEN_POSTGRES_DSN is set.
var stores = []struct {
	name string
	open func(t *testing.T) storage.Storage
}{
	{"memory", func(*testing.T) storage.Storage { return memstore.New() }},
	{"embedded", func(t *testing.T) storage.Storage {
		s, err := embedded.Open(filepath.Join(t.TempDir(), "state.db"))
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}},
	{"postgres", func(t *testing.T) storage.Storage {
		dsn := storagetest.ServerEnv(t, "INFGEN_POSTGRES_DSN")
		s, err := postgres.Open(context.Background(), dsn, postgres.WithTablePrefix(fmt.Sprintf("steer%x_", rand.Uint32())), postgres.WithMaxConns(4))
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}},
}

func newEnv(t *testing.T, open func(t *testing.T) storage.Storage) *env {
	t.Helper()
	ctx := context.Background()
	mt := memory.New()
	e := &env{store: newFaultStore(open(t)), tr: &faultTransport{Transport: mt}}
	w, err := worker.New(worker.Options{Transport: e.tr, Storage: e.store, Logger: quiet()})
	require.NoError(t, err)
	register(t, w)
	require.NoError(t, w.Start(ctx))
	c, err := client.New(ctx, client.Options{Transport: e.tr, Storage: e.store, Logger: quiet(), PollInterval: 10 * time.Millisecond})
	require.NoError(t, err)
	e.client = c
	t.Cleanup(func() { _ = c.Close(); _ = w.Stop(); _ = mt.Close() })

	_, err = c.Start(ctx, client.StartParams{Workflow: "wait", ID: "w-run", Tags: []string{"t"}})
	require.NoError(t, err)
	_, err = client.Execute[int](ctx, c, client.StartParams{Workflow: "done", ID: "w-done", Tags: []string{"old"}})
	require.NoError(t, err)
	_, err = client.Execute[int](ctx, c, client.StartParams{Workflow: "fail", ID: "w-fail"})
	require.Error(t, err)
	require.Eventually(t, func() bool {
		d, err := c.Describe(ctx, "w-run")
		return err == nil && d.Steps == 1 && d.PendingTasks == 0
	}, 10*time.Second, 5*time.Millisecond, "w-run never waited for its signal")
	require.NoError(t, e.tr.Publish(ctx, &transport.PublishParams{Topic: message.WorkflowTopic("wait"),
		Message: transport.Message{Key: "x", Payload: []byte("not a message")}}))
	require.Eventually(t, func() bool {
		dls, err := c.DeadLetters(ctx)
		if err != nil || len(dls) == 0 {
			return false
		}
		e.dead = dls[0].ID
		return true
	}, 10*time.Second, 5*time.Millisecond, "the bad message was not dead-lettered")
	require.NoError(t, w.Stop()) // from here on, only the client writes
	// w-fresh never steps: a start of it again writes and wakes it.
	_, err = c.Start(ctx, client.StartParams{Workflow: "wait", ID: "w-fresh"})
	require.NoError(t, err)
	return e
}

// steering lists every operation that changes workflow state.
var steering = []struct {
	name string
	op   func(ctx context.Context, e *env) error
}{
	{"start", func(ctx context.Context, e *env) error {
		_, err := e.client.Start(ctx, client.StartParams{Workflow: "wait", ID: "new", Tags: []string{"t"}, Timeout: time.Hour})
		return err
	}},
	{"start/unstepped", func(ctx context.Context, e *env) error {
		_, err := e.client.Start(ctx, client.StartParams{Workflow: "wait", ID: "w-fresh"})
		return err
	}},
	{"restart", func(ctx context.Context, e *env) error {
		_, err := e.client.Start(ctx, client.StartParams{Workflow: "done", ID: "w-done", RestartIfFinished: true, Tags: []string{"new"}})
		return err
	}},
	{"signal-with-start/new", func(ctx context.Context, e *env) error {
		_, err := e.client.SignalWithStart(ctx, client.StartParams{Workflow: "wait", ID: "new"}, "go", 1)
		return err
	}},
	{"signal-with-start/running", func(ctx context.Context, e *env) error {
		_, err := e.client.SignalWithStart(ctx, client.StartParams{Workflow: "wait", ID: "w-run"}, "go", 1)
		return err
	}},
	{"signal", func(ctx context.Context, e *env) error {
		_, err := e.client.Signal(ctx, client.Target{ID: "w-run"}, "go", 1)
		return err
	}},
	{"signal/tag", func(ctx context.Context, e *env) error {
		_, err := e.client.Signal(ctx, client.Target{Tag: "t"}, "go", 1)
		return err
	}},
	{"signal-once", func(ctx context.Context, e *env) error {
		return e.client.SignalOnce(ctx, "w-run", "go", "delivery-1", 1)
	}},
	{"signal-with-start-once/new", func(ctx context.Context, e *env) error {
		_, err := e.client.SignalWithStartOnce(ctx, client.StartParams{Workflow: "wait", ID: "new"}, "go", "delivery-1", 1)
		return err
	}},
	{"cancel", func(ctx context.Context, e *env) error {
		_, err := e.client.Cancel(ctx, client.Target{ID: "w-run"})
		return err
	}},
	{"retry", func(ctx context.Context, e *env) error {
		_, err := e.client.RetryTasks(ctx, "w-fail")
		return err
	}},
	{"redrive", func(ctx context.Context, e *env) error { return e.client.Redrive(ctx, e.dead) }},
	{"restart/same-input", func(ctx context.Context, e *env) error {
		_, err := e.client.Restart(ctx, "w-fail")
		return err
	}},
	{"drop-dead-letter", func(ctx context.Context, e *env) error { return e.client.DropDeadLetter(ctx, e.dead) }},
}

// TestFailedWriteChangesNothing fails the storage's first, second, ...
// write of every steering operation in turn: each failed operation must
// leave every record and tag byte for byte as it was, until the operation
// succeeds.
func TestFailedWriteChangesNothing(t *testing.T) {
	t.Parallel()
	for _, st := range stores {
		for _, tc := range steering {
			t.Run(st.name+"/"+tc.name, func(t *testing.T) { failEachWrite(t, st.open, tc.op) })
		}
	}
}

func failEachWrite(t *testing.T, open func(t *testing.T) storage.Storage, op func(context.Context, *env) error) {
	ctx := context.Background()
	for n := 1; ; n++ {
		require.Less(t, n, 10, "the operation never succeeded")
		e := newEnv(t, open)
		before := e.store.snapshot(t)
		e.store.arm(n)
		err := op(ctx, e)
		fired := e.store.fired
		e.store.arm(0)
		if !fired {
			require.NoError(t, err, "write %d", n)
			require.NotEqual(t, before, e.store.snapshot(t), "the operation succeeded but stored nothing")
			return
		}
		require.ErrorIs(t, err, errInjected, "write %d failed", n)
		require.Equal(t, before, e.store.snapshot(t), "write %d failed but the store changed", n)
	}
}

// TestFailedWakeChangesNothing makes the transport refuse every message:
// the operations whose write must be followed by a wake-up undo it.
func TestFailedWakeChangesNothing(t *testing.T) {
	t.Parallel()
	for _, st := range stores {
		for _, tc := range steering {
			if tc.name == "drop-dead-letter" {
				continue // one write, no message to send
			}
			t.Run(st.name+"/"+tc.name, func(t *testing.T) { failWake(t, st.open, tc.op) })
		}
	}
}

func failWake(t *testing.T, open func(t *testing.T) storage.Storage, op func(context.Context, *env) error) {
	e := newEnv(t, open)
	before := e.store.snapshot(t)
	e.tr.setFailing(true)
	err := op(context.Background(), e)
	e.tr.setFailing(false)
	require.ErrorIs(t, err, errInjected)
	require.ErrorContains(t, err, "nothing was changed")
	require.Equal(t, before, e.store.snapshot(t))
}

// TestInvalidRequestChangesNothing: requests refused by validation leave
// the store as it was (retrying a completed workflow used to tag it active,
// so that it was listed as running).
func TestInvalidRequestChangesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, stores[0].open)
	before := e.store.snapshot(t)
	for _, tc := range []struct {
		name string
		op   func() error
		is   error
	}{
		{"retry completed", func() error { _, err := e.client.RetryTasks(ctx, "w-done"); return err }, client.ErrNotFailed},
		{"retry running", func() error { _, err := e.client.RetryTasks(ctx, "w-run"); return err }, client.ErrNotFailed},
		{"retry unknown", func() error { _, err := e.client.RetryTasks(ctx, "nope"); return err }, client.ErrNotFound},
		{"signal finished", func() error { _, err := e.client.Signal(ctx, client.Target{ID: "w-done"}, "go", 1); return err }, client.ErrFinished},
		{"cancel unknown", func() error { _, err := e.client.Cancel(ctx, client.Target{ID: "nope"}); return err }, client.ErrNotFound},
		{"signal-with-start finished", func() error {
			_, err := e.client.SignalWithStart(ctx, client.StartParams{Workflow: "done", ID: "w-done"}, "go", 1)
			return err
		}, client.ErrFinished},
		{"start misspelt", func() error {
			_, err := e.client.Start(ctx, client.StartParams{Workflow: "wiat", ID: "x"})
			return err
		}, client.ErrUnknownWorkflow},
		{"redrive unknown", func() error { return e.client.Redrive(ctx, "nope") }, client.ErrNoDeadLetter},
	} {
		require.ErrorIs(t, tc.op(), tc.is, tc.name)
		require.Equal(t, before, e.store.snapshot(t), tc.name)
	}
	running, err := e.client.ListRunning(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"w-fresh", "w-run"}, running)
}
