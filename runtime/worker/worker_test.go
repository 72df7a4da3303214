package worker_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/storage"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// env is a worker and a client on a fresh memory transport and store.
type env struct {
	t      *testing.T
	tr     *memory.Transport
	store  storage.Storage
	worker *worker.Worker
	client *client.Client
}

func newEnv(t *testing.T, register func(w *worker.Worker)) *env {
	t.Helper()
	e := &env{t: t, tr: memory.New(), store: memstore.New()}
	e.worker = e.startWorker(register)
	c, err := client.New(context.Background(), client.Options{Transport: e.tr, Storage: e.store, PollInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	e.client = c
	t.Cleanup(func() {
		_ = c.Close()
		_ = e.worker.Stop()
		_ = e.tr.Close()
	})
	return e
}

func (e *env) startWorker(register func(w *worker.Worker)) *worker.Worker {
	w, err := worker.New(worker.Options{Transport: e.tr, Storage: e.store, Logger: testLogger()})
	require.NoError(e.t, err)
	register(w)
	require.NoError(e.t, w.Start(context.Background()))
	return w
}

func testLogger() *slog.Logger {
	level := slog.LevelError + 4
	if os.Getenv("INFGEN_TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// --- a small service, registered the way generated code registers ---

type AddInput struct{ A, B int }
type AddOutput struct{ Sum int }

type mathService struct {
	calls    atomic.Int64
	failures sync.Map // task id → remaining failures
	failN    int
	taskIDs  sync.Map // task id → attempts seen
}

func (m *mathService) Add(ctx context.Context, in *AddInput) (*AddOutput, error) {
	m.calls.Add(1)
	task, _ := service.TaskFrom(ctx)
	n, _ := m.taskIDs.LoadOrStore(task.ID, new(atomic.Int64))
	attempts := n.(*atomic.Int64).Add(1)
	if int(attempts) <= m.failN {
		return nil, service.Retryable(fmt.Errorf("flaky add (attempt %d)", task.Attempt), 0)
	}
	return &AddOutput{Sum: in.A + in.B}, nil
}

func (m *mathService) Reject(_ context.Context, in *AddInput) (*AddOutput, error) {
	return nil, service.Permanentf("rejected %d", in.A)
}

func (m *mathService) Panic(_ context.Context, _ *AddInput) (*AddOutput, error) {
	panic("boom")
}

func registerMath(w *worker.Worker, m *mathService, opts ...worker.ServiceOption) {
	fast := retry.Policy{MaxAttempts: 3, Initial: 5 * time.Millisecond, Multiplier: 2, Max: 50 * time.Millisecond}
	opts = append([]worker.ServiceOption{worker.WithRetry(fast)}, opts...)
	err := w.RegisterService(worker.Service{Name: "math", Methods: []worker.Method{
		{Name: "Add", Handler: worker.Handle(codec.JSON{}, m.Add)},
		{Name: "Reject", Handler: worker.Handle(codec.JSON{}, m.Reject)},
		{Name: "Panic", Handler: worker.Handle(codec.JSON{}, m.Panic)},
	}}, opts...)
	if err != nil {
		panic(err)
	}
}

func add(ctx workflow.Context, a, b int) workflow.Deferred[*AddOutput] {
	return workflow.Dispatch[*AddOutput](ctx, workflow.Call{Service: "math", Method: "Add", Codec: codec.JSON{}, Input: &AddInput{A: a, B: b}})
}

func call(ctx workflow.Context, method string, a int) workflow.Deferred[*AddOutput] {
	return workflow.Dispatch[*AddOutput](ctx, workflow.Call{Service: "math", Method: method, Codec: codec.JSON{}, Input: &AddInput{A: a}})
}

// chain adds 1 to its input n times, one task after the other.
func chain(ctx workflow.Context, n int) (int, error) {
	total := 0
	for i := 0; i < n; i++ {
		out, err := add(ctx, total, 1).Await(ctx)
		if err != nil {
			return 0, err
		}
		total = out.Sum
	}
	return total, nil
}

func TestChainOfTasks(t *testing.T) {
	t.Parallel()
	m := &mathService{}
	e := newEnv(t, func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "chain", chain))
	})
	got, err := client.Execute[int](ctxT(t), e.client, client.StartParams{Workflow: "chain", Input: 5})
	require.NoError(t, err)
	require.Equal(t, 5, got)
	require.EqualValues(t, 5, m.calls.Load())
}

func TestManyConcurrentWorkflows(t *testing.T) {
	t.Parallel()
	m := &mathService{}
	e := newEnv(t, func(w *worker.Worker) {
		registerMath(w, m, worker.WithConcurrency(8))
		require.NoError(t, worker.RegisterWorkflow(w, "chain", chain))
	})
	ctx := ctxT(t)
	ids := make([]string, 200)
	for i := range ids {
		id, err := e.client.Start(ctx, client.StartParams{Workflow: "chain", Input: 3})
		require.NoError(t, err)
		ids[i] = id
	}
	for _, id := range ids {
		got, err := client.Result[int](ctx, e.client, id)
		require.NoError(t, err)
		require.Equal(t, 3, got)
	}
}

func TestParallelBranchesAndAwaitAll(t *testing.T) {
	t.Parallel()
	m := &mathService{}
	e := newEnv(t, func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "fanout", func(ctx workflow.Context, n int) (int, error) {
			ds := make([]workflow.Deferred[*AddOutput], n)
			aw := make([]workflow.Awaitable, n)
			for i := range ds {
				ds[i] = add(ctx, i, i)
				aw[i] = ds[i]
			}
			if err := workflow.AwaitAll(ctx, aw...); err != nil {
				return 0, err
			}
			// A branch with its own sequence of steps.
			b := workflow.Go(ctx, func(ctx workflow.Context) (int, error) { return chain(ctx, 2) })
			sum := 0
			for _, d := range ds {
				out, err := d.Await(ctx)
				if err != nil {
					return 0, err
				}
				sum += out.Sum
			}
			extra, err := b.Await(ctx)
			return sum + extra, err
		}))
	})
	got, err := client.Execute[int](ctxT(t), e.client, client.StartParams{Workflow: "fanout", Input: 4})
	require.NoError(t, err)
	require.Equal(t, 0+2+4+6+2, got)
}

func TestTimerAndAwaitAny(t *testing.T) {
	t.Parallel()
	m := &mathService{}
	e := newEnv(t, func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "race", func(ctx workflow.Context, _ int) (string, error) {
			start := workflow.Now(ctx)
			if err := workflow.Sleep(ctx, 50*time.Millisecond); err != nil {
				return "", err
			}
			slow := workflow.NewTimer(ctx, time.Hour)
			fast := add(ctx, 1, 1)
			i, err := workflow.AwaitAny(ctx, slow, fast)
			if err != nil {
				return "", err
			}
			if workflow.Now(ctx).Sub(start) < 50*time.Millisecond {
				return "", errors.New("slept too little")
			}
			return fmt.Sprintf("winner=%d", i), nil
		}))
	})
	got, err := client.Execute[string](ctxT(t), e.client, client.StartParams{Workflow: "race"})
	require.NoError(t, err)
	require.Equal(t, "winner=1", got)
}

func itoa(i int) string { return fmt.Sprint(i) }
