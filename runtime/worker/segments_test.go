package worker_test

import (
	"context"
	"encoding/json"
	"errors"
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
	"github.com/infgen/infgen/runtime/workflowtest"
)

// segmentStore tracks the history segments written and deleted, and the
// size of the largest state record written.
type segmentStore struct {
	storage.Storage
	mu       sync.Mutex
	live     map[string]bool
	written  int
	maxState atomic.Int64
}

func newSegmentStore() *segmentStore {
	return &segmentStore{Storage: memstore.New(), live: map[string]bool{}}
}

func (s *segmentStore) Put(ctx context.Context, p *storage.PutParams) (int64, error) {
	v, err := s.Storage.Put(ctx, p)
	if err == nil && strings.HasPrefix(p.ID, "wfh/") {
		s.mu.Lock()
		s.live[p.ID] = true
		s.written++
		s.mu.Unlock()
	}
	if err == nil && strings.HasPrefix(p.ID, "wf/") && int64(len(p.Data)) > s.maxState.Load() {
		s.maxState.Store(int64(len(p.Data)))
	}
	return v, err
}

func (s *segmentStore) Delete(ctx context.Context, p *storage.DeleteParams) error {
	err := s.Storage.Delete(ctx, p)
	if err == nil {
		s.mu.Lock()
		delete(s.live, p.ID)
		s.mu.Unlock()
	}
	return err
}

func (s *segmentStore) segments() (live, written int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live), s.written
}

// segmentEnv is a worker sealing every 8 batches or commands, with the
// given cache size, and a client, on a segmentStore. Its tasks go through
// the transport, so that each one is a step of its own.
func segmentEnv(t *testing.T, cacheSize int, register func(w *worker.Worker)) (*env, *segmentStore) {
	t.Helper()
	store := newSegmentStore()
	e := &env{t: t, tr: memory.New(), store: store}
	w, err := worker.New(worker.Options{Transport: e.tr, Storage: store, Logger: testLogger(), CacheSize: cacheSize, HistorySegment: 8, DisableLocalTasks: true})
	require.NoError(t, err)
	register(w)
	require.NoError(t, w.Start(context.Background()))
	e.worker = w
	c, err := client.New(context.Background(), client.Options{Transport: e.tr, Storage: store, PollInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	e.client = c
	t.Cleanup(func() {
		_ = c.Close()
		_ = e.worker.Stop()
		_ = e.tr.Close()
	})
	return e, store
}

// TestLongHistoryIsSealedInSegments runs a workflow of 100 tasks with and
// without the cache (without, every step reads the state and its segments
// back): the state written at each step stays small, the history is
// sealed in segments, the client's State shows the whole history, which
// replays.
func TestLongHistoryIsSealedInSegments(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		cache int
	}{{"cache", 0}, {"no-cache", -1}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := &mathService{}
			def := workflow.Define("chain", chain)
			e, store := segmentEnv(t, tc.cache, func(w *worker.Worker) {
				registerMath(w, m)
				require.NoError(t, w.RegisterWorkflow(def))
			})
			ctx := ctxT(t)
			got, err := client.Execute[int](ctx, e.client, client.StartParams{Workflow: "chain", ID: "long", Input: 100})
			require.NoError(t, err)
			require.Equal(t, 100, got)
			require.EqualValues(t, 100, m.calls.Load())
			live, _ := store.segments()
			require.GreaterOrEqual(t, live, 10, "history sealed in segments of 8")
			require.Less(t, store.maxState.Load(), int64(8*1024), "the state record stays small")

			d, err := e.client.Describe(ctx, "long")
			require.NoError(t, err)
			require.Equal(t, 100, d.Steps)
			state, err := e.client.State(ctx, "long")
			require.NoError(t, err)
			var full struct {
				Batches  []json.RawMessage `json:"batches"`
				Commands []json.RawMessage `json:"commands"`
				Sealed   json.RawMessage   `json:"sealed"`
			}
			require.NoError(t, json.Unmarshal(state, &full))
			require.Len(t, full.Commands, 100)
			require.Len(t, full.Batches, 101)
			require.Nil(t, full.Sealed)
			require.NoError(t, workflowtest.Replay(def, state))
		})
	}
}

// TestSealedWorkflowTakesCommands sends a signal to, cancels, and retries
// the failed tasks of workflows whose history is sealed: the client reads
// and writes their state record only, and the workflows go on.
func TestSealedWorkflowTakesCommands(t *testing.T) {
	t.Parallel()
	m := &mathService{}
	e, _ := segmentEnv(t, 0, func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "steps-then-signal", func(ctx workflow.Context, n int) (string, error) {
			total, err := chain(ctx, n)
			if err != nil {
				return "", err
			}
			v, err := workflow.SignalChannel[string]("go").Receive(ctx)
			if err != nil {
				return "", err
			}
			out, err := call(ctx, v, total).Await(ctx)
			if err != nil {
				return "", err
			}
			return itoa(out.Sum), nil
		}))
	})
	ctx := ctxT(t)
	for _, id := range []string{"signal", "retry", "cancel"} {
		_, err := e.client.Start(ctx, client.StartParams{Workflow: "steps-then-signal", ID: id, Input: 30})
		require.NoError(t, err)
		waitFor(t, e.client, id, func(d *client.Description) bool { return d.Steps == 30 && d.PendingTasks == 0 })
	}
	_, err := e.client.Cancel(ctx, client.Target{ID: "cancel"})
	require.NoError(t, err)
	_, err = client.Result[string](ctx, e.client, "cancel")
	require.Error(t, err)
	d, err := e.client.Describe(ctx, "cancel")
	require.NoError(t, err)
	require.Equal(t, client.Canceled, d.Status)

	_, err = e.client.Signal(ctx, client.Target{ID: "signal"}, "go", "Add")
	require.NoError(t, err)
	got, err := client.Result[string](ctx, e.client, "signal")
	require.NoError(t, err)
	require.Equal(t, "30", got)

	_, err = e.client.Signal(ctx, client.Target{ID: "retry"}, "go", "Reject")
	require.NoError(t, err)
	_, err = client.Result[string](ctx, e.client, "retry")
	require.Error(t, err)
	n, err := e.client.RetryTasks(ctx, "retry")
	require.NoError(t, err)
	require.Equal(t, 1, n)
	_, err = client.Result[string](ctx, e.client, "retry")
	require.Error(t, err, "Reject fails again")
	d, err = e.client.Describe(ctx, "retry")
	require.NoError(t, err)
	require.Equal(t, client.Failed, d.Status)
	require.Equal(t, 31, d.Steps)
}

// runCount counts the runs of a workflow that continues as new.
type runCount struct{ Runs int }

// TestContinueAsNewDropsSealedSegments checks that the segments of a run
// that continued as new, or that a restart replaced, are deleted.
func TestContinueAsNewDropsSealedSegments(t *testing.T) {
	t.Parallel()
	m := &mathService{}
	e, store := segmentEnv(t, 0, func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "runs", func(ctx workflow.Context, in runCount) (runCount, error) {
			for range 30 {
				if _, err := add(ctx, 1, 1).Await(ctx); err != nil {
					return in, err
				}
			}
			in.Runs++
			if in.Runs < 3 {
				return in, workflow.ContinueAsNew(ctx, in)
			}
			return in, nil
		}))
	})
	ctx := ctxT(t)
	got, err := client.Execute[runCount](ctx, e.client, client.StartParams{Workflow: "runs", ID: "r"})
	require.NoError(t, err)
	require.Equal(t, 3, got.Runs)
	live, written := store.segments()
	require.Greater(t, written, 2*live, "the first runs' segments were deleted")
	require.Positive(t, live, "the last run's history stays")

	got, err = client.Execute[runCount](ctx, e.client, client.StartParams{Workflow: "runs", ID: "r", RestartIfFinished: true, Input: runCount{Runs: 2}})
	require.NoError(t, err)
	require.Equal(t, 3, got.Runs)
	live2, _ := store.segments()
	require.LessOrEqual(t, live2, live, "the replaced run's segments were deleted")
	_, err = store.Storage.Get(ctx, &storage.GetParams{ID: "wf/r"})
	require.False(t, errors.Is(err, storage.ErrNotFound))
}
