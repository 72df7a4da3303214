package events_test

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/events"
	"github.com/infgen/infgen/runtime/internal/engine"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/embedded"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
)

// TestDedupRecordsArePruned prunes the dedup records on the memory store.
func TestDedupRecordsArePruned(t *testing.T) {
	t.Parallel()
	dedupRecordsArePruned(t, memstore.New())
}

// TestDedupRecordsArePrunedOnEmbedded prunes them in the state file of the
// embedded default.
func TestDedupRecordsArePrunedOnEmbedded(t *testing.T) {
	t.Parallel()
	s, err := embedded.Open(filepath.Join(t.TempDir(), "state.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	dedupRecordsArePruned(t, s)
}

// dedupRecordsArePruned handles one event ten days ago and one two days
// ago (the worker's clock says so), then prunes with the default
// retention of seven days: the old record is deleted, and the event
// handled again when it comes again; the recent one is kept, and its
// event still handled once. The clock stays near the real time, as other
// tests share the servers' stores.
func dedupRecordsArePruned(t *testing.T, store storage.Storage) {
	ctx := ctxT(t)
	var offset atomic.Int64
	now := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	typ := unique("test.pruned.")
	var mu sync.Mutex
	calls := map[string]int{}
	mt := memory.New()
	t.Cleanup(func() { _ = mt.Close() })
	rec := newRecorder(mt)
	e := newEnv(t, rec, store, worker.Options{Now: now}, func(w *worker.Worker) {
		require.NoError(t, events.Subscribe(w, typ, func(_ context.Context, ev *events.Event) error {
			mu.Lock()
			defer mu.Unlock()
			calls[ev.ID]++
			return nil
		}))
	})
	old, recent := unique("old/"), unique("recent/")
	handle := func(id string, n int) {
		t.Helper()
		publishEvent(t, ctx, rec, &events.Event{ID: id, Source: "/tests", Type: typ})
		rec.waitAcks(t, ctx, events.Topic(typ), 1)
		mu.Lock()
		defer mu.Unlock()
		require.Equal(t, n, calls[id], id)
	}
	offset.Store(int64(-10 * 24 * time.Hour))
	handle(old, 1)
	offset.Store(int64(-2 * 24 * time.Hour))
	handle(recent, 1)
	offset.Store(0)
	// (The pass the worker began when it started may be the one that
	// deletes it: both count.)
	_, err := e.worker.PruneEvents(ctx)
	require.NoError(t, err)
	_, err = store.Get(ctx, &storage.GetParams{ID: engine.EventKey(events.DefaultName, old)})
	require.ErrorIs(t, err, storage.ErrNotFound, "the record of an event handled ten days ago was kept")
	r, err := store.Get(ctx, &storage.GetParams{ID: engine.EventKey(events.DefaultName, recent)})
	require.NoError(t, err, "the record of an event handled two days ago was pruned")
	require.Contains(t, string(r.Data), `"status":"done"`)
	tagged, err := store.ListTag(ctx, &storage.ListTagParams{Tag: engine.EventsDoneTag(time.Now().Add(-10 * 24 * time.Hour))})
	require.NoError(t, err)
	require.NotContains(t, tagged, engine.EventKey(events.DefaultName, old))

	// Out of the retention, a delivery runs the handler again; within it,
	// never.
	handle(old, 2)
	handle(recent, 1)
}
