package events_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/events"
	"github.com/infgen/infgen/runtime/internal/engine"
	"github.com/infgen/infgen/runtime/storage"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// TestEventsSurviveALostTransport is the in-process form of the kill -9
// test of runtime/local, on the memory store.
func TestEventsSurviveALostTransport(t *testing.T) {
	t.Parallel()
	eventsSurviveALostTransport(t, memstore.New())
}

// dyingStore is a store that dies (every call fails) once trap returns
// true for a write: what a process killed at that moment leaves behind.
type dyingStore struct {
	storage.Storage
	trap func(p *storage.PutParams) bool
	dead atomic.Bool
	died chan struct{}
	once sync.Once
}

var errDied = errors.New("the process died")

func (s *dyingStore) Put(ctx context.Context, p *storage.PutParams) (int64, error) {
	if s.dead.Load() {
		return 0, errDied
	}
	if s.trap != nil && s.trap(p) {
		s.dead.Store(true)
		s.once.Do(func() { close(s.died) })
		return 0, errDied
	}
	return s.Storage.Put(ctx, p)
}

func (s *dyingStore) Get(ctx context.Context, p *storage.GetParams) (*storage.Record, error) {
	if s.dead.Load() {
		return nil, errDied
	}
	return s.Storage.Get(ctx, p)
}

func (s *dyingStore) Delete(ctx context.Context, p *storage.DeleteParams) error {
	if s.dead.Load() {
		return errDied
	}
	return s.Storage.Delete(ctx, p)
}

func (s *dyingStore) AddTag(ctx context.Context, p *storage.TagParams) error {
	if s.dead.Load() {
		return errDied
	}
	return s.Storage.AddTag(ctx, p)
}

func (s *dyingStore) RemoveTag(ctx context.Context, p *storage.TagParams) error {
	if s.dead.Load() {
		return errDied
	}
	return s.Storage.RemoveTag(ctx, p)
}

func (s *dyingStore) ListTag(ctx context.Context, p *storage.ListTagParams) ([]string, error) {
	if s.dead.Load() {
		return nil, errDied
	}
	return s.Storage.ListTag(ctx, p)
}

func (s *dyingStore) Close() error { return nil }

// eventsSurviveALostTransport runs, on a memory transport and store, four
// workflows that emit three events each while the two subscriptions of
// the type cannot handle them, then a fifth whose first event's step is
// saved when the process dies, before that event was queued. A new
// transport (the restarted process) on the same store must handle every
// event once in each subscription, and keep none afterwards.
func eventsSurviveALostTransport(t *testing.T, store storage.Storage) {
	ctx := ctxT(t)
	typ := unique("test.durable.")
	wf := unique("durable")
	const emits = 3
	define := func(w *worker.Worker) {
		require.NoError(t, worker.RegisterWorkflow(w, wf, func(ctx workflow.Context, n int) (int, error) {
			for i := 0; i < emits; i++ {
				if err := workflow.Emit(ctx, workflow.Event{Type: typ, Data: i}); err != nil {
					return 0, err
				}
				if err := workflow.Sleep(ctx, time.Millisecond); err != nil {
					return 0, err
				}
			}
			return n, nil
		}))
	}

	// The first process: its handlers wait until it dies.
	last := wf + "-last"
	dying := &dyingStore{Storage: store, died: make(chan struct{})}
	dying.trap = func(p *storage.PutParams) bool {
		return strings.HasPrefix(p.ID, "evq/") && strings.Contains(string(p.Data), `"key":"`+last+`"`)
	}
	release := make(chan struct{})
	blocked := func(context.Context, *events.Event) error {
		<-release
		return errors.New("the process died")
	}
	t1 := memory.New()
	w1, err := worker.New(worker.Options{Transport: t1, Storage: dying, Logger: testLogger()})
	require.NoError(t, err)
	define(w1)
	require.NoError(t, events.Subscribe(w1, typ, blocked, events.Name("a"), events.Concurrency(1), events.Timeout(200*time.Millisecond)))
	require.NoError(t, events.Subscribe(w1, typ, blocked, events.Name("b"), events.Concurrency(1), events.Timeout(200*time.Millisecond)))
	require.NoError(t, w1.Start(ctx))
	c1, err := client.New(ctx, client.Options{Transport: t1, Storage: dying, PollInterval: 10 * time.Millisecond})
	require.NoError(t, err)
	var ids []string
	for i := 0; i < 4; i++ {
		id := fmt.Sprintf("%s-%d", wf, i)
		ids = append(ids, id)
		_, err := c1.Start(ctx, client.StartParams{Workflow: wf, ID: id, Input: i})
		require.NoError(t, err)
		_, err = client.Result[int](ctx, c1, id)
		require.NoError(t, err)
	}
	_, err = c1.Start(ctx, client.StartParams{Workflow: wf, ID: last, Input: 4})
	require.NoError(t, err)
	ids = append(ids, last)
	select {
	case <-dying.died:
	case <-ctx.Done():
		t.Fatal("the first event of the last workflow was never queued")
	}
	close(release)
	_ = c1.Close()
	_ = w1.Stop()
	_ = t1.Close()
	outboxes, err := store.ListTag(ctx, &storage.ListTagParams{Tag: engine.TagEventOutbox})
	require.NoError(t, err)
	require.Contains(t, outboxes, engine.StateKey(last), "the dying step was saved with its events unqueued")

	// The restarted process.
	var mu sync.Mutex
	handled := map[string]int{}
	done := make(chan struct{})
	want := 2 * emits * len(ids)
	handler := func(sub string) events.Handler {
		return func(_ context.Context, ev *events.Event) error {
			mu.Lock()
			defer mu.Unlock()
			handled[sub+" "+ev.ID]++
			if len(handled) == want {
				close(done)
			}
			return nil
		}
	}
	t2 := memory.New()
	t.Cleanup(func() { _ = t2.Close() })
	w2, err := worker.New(worker.Options{Transport: t2, Storage: store, Logger: testLogger()})
	require.NoError(t, err)
	define(w2)
	require.NoError(t, events.Subscribe(w2, typ, handler("a"), events.Name("a")))
	require.NoError(t, events.Subscribe(w2, typ, handler("b"), events.Name("b")))
	require.NoError(t, w2.Start(ctx))
	t.Cleanup(func() { _ = w2.Stop() })
	select {
	case <-done:
	case <-ctx.Done():
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("%d of %d handlings after the restart: %v", len(handled), want, handled)
	}
	c2, err := client.New(ctx, client.Options{Transport: t2, Storage: store, PollInterval: 10 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c2.Close() })
	_, err = client.Result[int](ctx, c2, last)
	require.NoError(t, err)
	// Handled once each, and forgotten once both subscriptions have.
	for {
		queued, err := store.ListTag(ctx, &storage.ListTagParams{Tag: engine.TagEventQueue})
		require.NoError(t, err)
		var mine []string
		for _, k := range queued {
			rec, err := store.Get(ctx, &storage.GetParams{ID: k})
			if err == nil && strings.Contains(string(rec.Data), `"topic":"`+events.Topic(typ)+`"`) {
				mine = append(mine, k)
			}
		}
		if len(mine) == 0 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%d events still kept after both subscriptions handled them", len(mine))
		case <-time.After(10 * time.Millisecond):
		}
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, handled, want)
	for k, n := range handled {
		require.Equal(t, 1, n, "%s handled %d times", k, n)
		_, id, _ := strings.Cut(k, " ")
		require.True(t, strings.HasPrefix(id, wf+"-"), k)
	}
	outboxes, err = store.ListTag(ctx, &storage.ListTagParams{Tag: engine.TagEventOutbox})
	require.NoError(t, err)
	require.NotContains(t, outboxes, engine.StateKey(last))
}
