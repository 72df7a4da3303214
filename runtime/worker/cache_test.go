package worker_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/storage"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// countingStore counts the reads of workflow states.
type countingStore struct {
	storage.Storage
	stateGets atomic.Int64
}

func (s *countingStore) Get(ctx context.Context, p *storage.GetParams) (*storage.Record, error) {
	if strings.HasPrefix(p.ID, "wf/") {
		s.stateGets.Add(1)
	}
	return s.Storage.Get(ctx, p)
}

// entries counts how many times workflow functions were entered: once per
// replay from the start.
type entries struct{ n atomic.Int64 }

// chain returns the chain workflow counting its entries.
func (c *entries) chain(ctx workflow.Context, n int) (int, error) {
	c.n.Add(1)
	return chain(ctx, n)
}

// signalled waits for a task, then a signal, then a task again.
func (c *entries) signalled(ctx workflow.Context, n int) (string, error) {
	c.n.Add(1)
	a, err := add(ctx, n, 1).Await(ctx)
	if err != nil {
		return "", err
	}
	got, err := workflow.SignalChannel[string]("go").Receive(ctx)
	if err != nil {
		return "", err
	}
	b, err := add(ctx, a.Sum, 1).Await(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d:%s", b.Sum, got), nil
}

// cacheEnv is an env whose worker has the given cache size and counts its
// reads of workflow states (the client's are not counted). Its tasks go
// through the transport, so that each one is a step of its own.
func cacheEnv(t *testing.T, cacheSize int, register func(w *worker.Worker)) (*env, *countingStore) {
	t.Helper()
	raw := memstore.New()
	store := &countingStore{Storage: raw}
	e := &env{t: t, tr: memory.New(), store: raw}
	w, err := worker.New(worker.Options{Transport: e.tr, Storage: store, Logger: testLogger(), CacheSize: cacheSize, DisableLocalTasks: true})
	require.NoError(t, err)
	register(w)
	require.NoError(t, w.Start(context.Background()))
	e.worker = w
	c, err := client.New(context.Background(), client.Options{Transport: e.tr, Storage: raw, PollInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	e.client = c
	t.Cleanup(func() {
		_ = c.Close()
		_ = e.worker.Stop()
		_ = e.tr.Close()
	})
	return e, store
}

// TestCachedWorkflowResumesWithoutReplay checks the cache's hit path: a
// workflow of ten tasks enters its function once and its state is read
// once by the worker, where without the cache every step reads it and
// replays the history from the start.
func TestCachedWorkflowResumesWithoutReplay(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		cacheSize int
		entries   int64
		reads     int64
	}{
		// The first step takes the state the client wrote from its wake-up.
		{"cache", 0, 1, 0},
		{"no-cache", -1, 11, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := &mathService{}
			var c entries
			e, store := cacheEnv(t, tc.cacheSize, func(w *worker.Worker) {
				registerMath(w, m)
				require.NoError(t, worker.RegisterWorkflow(w, "chain", c.chain))
			})
			ctx := ctxT(t)
			got, err := client.Execute[int](ctx, e.client, client.StartParams{Workflow: "chain", Input: 10})
			require.NoError(t, err)
			require.Equal(t, 10, got)
			require.EqualValues(t, 10, m.calls.Load())
			require.Equal(t, tc.entries, c.n.Load(), "entries of the workflow function")
			require.Equal(t, tc.reads, store.stateGets.Load(), "state reads by the worker (one per step but the first, or none)")
		})
	}
}

// TestCacheFallsBackWhenAClientWrote checks the stale-version fallback: a
// signal, written to the stored state by a client while the worker keeps
// the workflow in memory, reaches the workflow, which replays once from
// the stored state and is cached again after.
func TestCacheFallsBackWhenAClientWrote(t *testing.T) {
	t.Parallel()
	m := &mathService{}
	var c entries
	e, _ := cacheEnv(t, 0, func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "signalled", c.signalled))
	})
	ctx := ctxT(t)
	id, err := e.client.Start(ctx, client.StartParams{Workflow: "signalled", Input: 1})
	require.NoError(t, err)
	waitFor(t, e.client, id, func(d *client.Description) bool { return d.Steps == 1 && d.PendingTasks == 0 })
	_, err = e.client.Signal(ctx, client.Target{ID: id}, "go", "now")
	require.NoError(t, err)
	got, err := client.Result[string](ctx, e.client, id)
	require.NoError(t, err)
	require.Equal(t, "3:now", got)
	require.EqualValues(t, 2, c.n.Load(), "entered at the start, and replayed once after the client's write")
}

// TestTwoWorkersShareWorkflows runs workflows on two workers of one
// transport and store: the memory transport hands each message of a
// workflow to either worker, so each worker's cached state is often stale
// (the other one wrote since) and must be detected as such. Every
// workflow finishes with the right result, every task ran once, and
// signals sent meanwhile are all received.
func TestTwoWorkersShareWorkflows(t *testing.T) {
	t.Parallel()
	m := &mathService{}
	var c entries
	register := func(w *worker.Worker) {
		registerMath(w, m, worker.WithConcurrency(4))
		require.NoError(t, worker.RegisterWorkflow(w, "chain", c.chain))
		require.NoError(t, worker.RegisterWorkflow(w, "signalled", c.signalled))
	}
	e, _ := cacheEnv(t, 0, register)
	second, err := worker.New(worker.Options{Transport: e.tr, Storage: e.store, Logger: testLogger()})
	require.NoError(t, err)
	register(second)
	require.NoError(t, second.Start(context.Background()))
	t.Cleanup(func() { _ = second.Stop() })

	ctx := ctxT(t)
	const n = 40
	var chains, signals []string
	for i := range n {
		id, err := e.client.Start(ctx, client.StartParams{Workflow: "chain", Input: 6})
		require.NoError(t, err)
		chains = append(chains, id)
		id, err = e.client.Start(ctx, client.StartParams{Workflow: "signalled", Input: i})
		require.NoError(t, err)
		signals = append(signals, id)
	}
	var wg sync.WaitGroup
	for i, id := range signals {
		wg.Go(func() {
			_, err := e.client.Signal(ctx, client.Target{ID: id}, "go", fmt.Sprint("s", i))
			require.NoError(t, err)
		})
	}
	wg.Wait()
	for _, id := range chains {
		got, err := client.Result[int](ctx, e.client, id)
		require.NoError(t, err)
		require.Equal(t, 6, got)
	}
	for i, id := range signals {
		got, err := client.Result[string](ctx, e.client, id)
		require.NoError(t, err)
		require.Equal(t, fmt.Sprintf("%d:s%d", i+2, i), got)
	}
	require.EqualValues(t, n*6+n*2, m.calls.Load(), "each task ran once")
	require.Greater(t, c.n.Load(), int64(2*n), "some steps found their cached state stale and replayed")
	m.taskIDs.Range(func(k, v any) bool {
		require.EqualValues(t, 1, v.(*atomic.Int64).Load(), "task %v", k)
		return true
	})
}

// TestCacheEvictsBeyondItsSize runs more waiting workflows than the cache
// holds, down to a cache of one: the least recently used are evicted (their
// coroutines ended) and replayed from storage when their turn comes.
func TestCacheEvictsBeyondItsSize(t *testing.T) {
	t.Parallel()
	for _, size := range []int{1, 2} {
		t.Run(fmt.Sprint("size-", size), func(t *testing.T) {
			t.Parallel()
			testCacheEvicts(t, size)
		})
	}
}

func testCacheEvicts(t *testing.T, size int) {
	m := &mathService{}
	var c entries
	e, _ := cacheEnv(t, size, func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "signalled", c.signalled))
	})
	ctx := ctxT(t)
	const n = 8
	ids := make([]string, n)
	for i := range ids {
		id, err := e.client.Start(ctx, client.StartParams{Workflow: "signalled", Input: i})
		require.NoError(t, err)
		ids[i] = id
	}
	for _, id := range ids {
		waitFor(t, e.client, id, func(d *client.Description) bool { return d.Steps == 1 && d.PendingTasks == 0 })
	}
	require.LessOrEqual(t, e.worker.CachedWorkflows(), size)
	for i, id := range ids {
		_, err := e.client.Signal(ctx, client.Target{ID: id}, "go", fmt.Sprint(i))
		require.NoError(t, err)
	}
	for i, id := range ids {
		got, err := client.Result[string](ctx, e.client, id)
		require.NoError(t, err)
		require.Equal(t, fmt.Sprintf("%d:%d", i+2, i), got)
	}
	require.Greater(t, c.n.Load(), int64(n), "evicted workflows replayed")
	require.EqualValues(t, 0, e.worker.CachedWorkflows(), "finished workflows leave the cache")
}

// TestSignalRightAfterStart signals workflows right after starting them,
// before their first step as a rule: the wake-up of the start carries the
// state the client wrote, which the signal's write makes stale; the first
// step must notice and run on the stored state, signal included.
func TestSignalRightAfterStart(t *testing.T) {
	t.Parallel()
	m := &mathService{}
	var c entries
	e, _ := cacheEnv(t, 0, func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "signalled", c.signalled))
	})
	ctx := ctxT(t)
	const n = 50
	for i := range n {
		id := fmt.Sprint("early-", i)
		_, err := e.client.Start(ctx, client.StartParams{Workflow: "signalled", ID: id, Input: i})
		require.NoError(t, err)
		_, err = e.client.Signal(ctx, client.Target{ID: id}, "go", fmt.Sprint(i))
		require.NoError(t, err)
	}
	for i := range n {
		got, err := client.Result[string](ctx, e.client, fmt.Sprint("early-", i))
		require.NoError(t, err)
		require.Equal(t, fmt.Sprintf("%d:%d", i+2, i), got)
	}
	dead, err := e.client.DeadLetters(ctx)
	require.NoError(t, err)
	require.Empty(t, dead, "no wake-up was set aside")
}
