package events_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/events"
	"github.com/infgen/infgen/runtime/internal/engine"
	"github.com/infgen/infgen/runtime/storage"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// publishEvent publishes ev on its topic the way the engine does.
func publishEvent(t *testing.T, ctx context.Context, tr transport.Transport, ev *events.Event) {
	t.Helper()
	b, err := events.Marshal(ev)
	require.NoError(t, err)
	require.NoError(t, tr.Publish(ctx, &transport.PublishParams{Topic: events.Topic(ev.Type),
		Message: transport.Message{Key: ev.Subject, Payload: b}, Unordered: true}))
}

// exactlyOncePerEventID publishes each of three events three times; the
// handler fails the first handling of each. Each event must be handled
// (successfully) exactly once, and every delivery acknowledged.
func exactlyOncePerEventID(t *testing.T, tr transport.Transport, store storage.Storage) {
	ctx := ctxT(t)
	if tr == nil {
		mt := memory.New()
		t.Cleanup(func() { _ = mt.Close() })
		tr = mt
	}
	rec := newRecorder(tr)
	typ := unique("test.redelivered.")
	var mu sync.Mutex
	calls, handled := map[string]int{}, map[string]int{}
	newEnv(t, rec, store, worker.Options{}, func(w *worker.Worker) {
		require.NoError(t, events.Subscribe(w, typ, func(_ context.Context, ev *events.Event) error {
			mu.Lock()
			defer mu.Unlock()
			calls[ev.ID]++
			if calls[ev.ID] == 1 {
				return errors.New("first handling fails")
			}
			handled[ev.ID]++
			return nil
		}, events.RetryDelay(20*time.Millisecond), events.Concurrency(4)))
	})
	ids := []string{unique("a/"), unique("b/"), unique("c/")}
	for range 3 {
		for _, id := range ids {
			publishEvent(t, ctx, rec, &events.Event{ID: id, Source: "/tests", Type: typ, Subject: "s", Data: []byte(`{"n":1}`)})
		}
	}
	rec.waitAcks(t, ctx, events.Topic(typ), 9)
	mu.Lock()
	defer mu.Unlock()
	for _, id := range ids {
		require.Equal(t, 1, handled[id], id)
	}
}

func TestRedeliveredEventIsHandledOnce(t *testing.T) {
	t.Parallel()
	exactlyOncePerEventID(t, nil, nil)
}

// TestFailingEventBecomesDeadLetter has a handler that always fails: after
// MaxRedeliveries the event is a dead letter, and redriving it (once the
// handler is fixed) handles it once.
func TestFailingEventBecomesDeadLetter(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	typ := unique("test.poison.")
	var mu sync.Mutex
	calls, fixed := 0, false
	e := newEnv(t, nil, nil, worker.Options{MaxRedeliveries: 3}, func(w *worker.Worker) {
		require.NoError(t, events.Subscribe(w, typ, func(_ context.Context, ev *events.Event) error {
			mu.Lock()
			defer mu.Unlock()
			calls++
			if !fixed {
				return errors.New("cannot handle this")
			}
			return nil
		}, events.RetryDelay(10*time.Millisecond)))
	})
	id := unique("poison/")
	publishEvent(t, ctx, e.tr, &events.Event{ID: id, Source: "/tests", Type: typ})
	var dl client.DeadLetter
	for dl.ID == "" {
		dls, err := e.client.DeadLetters(ctx)
		require.NoError(t, err)
		for _, d := range dls {
			if d.Topic == events.Topic(typ) {
				dl = d
			}
		}
		select {
		case <-ctx.Done():
			t.Fatal("no dead letter")
		case <-time.After(20 * time.Millisecond):
		}
	}
	require.Contains(t, dl.Reason, "handling event "+id)
	mu.Lock()
	require.Equal(t, 3, calls) // deliveries 0, 1, 2 ran the handler; the 4th was set aside
	fixed = true
	mu.Unlock()

	require.NoError(t, e.client.Redrive(ctx, dl.ID))
	for {
		mu.Lock()
		n := calls
		mu.Unlock()
		if n == 4 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("the redriven event was not handled")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// TestEventsStartWorkflowsOnce starts a workflow per event, from events
// delivered twice: each event starts one workflow.
func TestEventsStartWorkflowsOnce(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	typ := unique("test.order.placed.")
	wf := unique("fulfil")
	var c *client.Client
	e := newEnv(t, nil, nil, worker.Options{}, func(w *worker.Worker) {
		require.NoError(t, worker.RegisterWorkflow(w, wf, func(_ workflow.Context, p Placed) (string, error) {
			return "shipped " + p.Order, nil
		}))
		require.NoError(t, events.Subscribe(w, typ, func(ctx context.Context, ev *events.Event) error {
			return events.StartWorkflow(c, wf, func(ev *events.Event) (any, error) { return events.Decode[Placed](ev) })(ctx, ev)
		}))
	})
	c = e.client
	ev := &events.Event{ID: unique("ev-"), Source: "/tests", Type: typ, Data: []byte(`{"order":"o-7","sum":3}`)}
	publishEvent(t, ctx, e.tr, ev)
	publishEvent(t, ctx, e.tr, ev)
	id := events.WorkflowID(wf, ev)
	for {
		if _, err := c.State(ctx, id); err == nil {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("the event started no workflow")
		case <-time.After(20 * time.Millisecond):
		}
	}
	got, err := client.Result[string](ctx, c, id)
	require.NoError(t, err)
	require.Equal(t, "shipped o-7", got)
	d, err := c.Describe(ctx, id)
	require.NoError(t, err)
	require.Equal(t, 1, d.Run)
}

// TestEventsSignalWorkflows signals a waiting workflow with an event: it
// receives the event's id, type and data, once, even when the handler runs
// twice for the event (as after a crash before the dedup record was done).
func TestEventsSignalWorkflows(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	typ := unique("test.charge.settled.")
	wf := unique("waiter")
	var c *client.Client
	mt := memory.New()
	t.Cleanup(func() { _ = mt.Close() })
	rec := newRecorder(mt)
	e := newEnv(t, rec, nil, worker.Options{}, func(w *worker.Worker) {
		require.NoError(t, worker.RegisterWorkflow(w, wf, func(ctx workflow.Context, _ int) (string, error) {
			ch := workflow.SignalChannel[events.SignalValue]("settled")
			v, err := ch.Receive(ctx)
			if err != nil {
				return "", err
			}
			// A second signal would be here by the time the "done" one
			// arrives: signals of one workflow are handled in order.
			if _, err := workflow.SignalChannel[int]("done").Receive(ctx); err != nil {
				return "", err
			}
			if _, again, err := ch.TryReceive(ctx); err != nil || again {
				return "signaled twice", err
			}
			return v.Type + " " + v.ID + " " + string(v.Data), nil
		}))
		require.NoError(t, events.Subscribe(w, typ, func(ctx context.Context, ev *events.Event) error {
			return events.SignalWorkflow(c, "settled", func(ev *events.Event) client.Target { return client.Target{ID: ev.Subject} })(ctx, ev)
		}))
	})
	c = e.client
	id, err := c.Start(ctx, client.StartParams{Workflow: wf, ID: unique("charge-"), Input: 0})
	require.NoError(t, err)
	ev := &events.Event{ID: "ev-1", Source: "/tests", Type: typ, Subject: id, Data: []byte(`{"amount":5}`)}
	publishEvent(t, ctx, e.tr, ev)
	rec.waitAcks(t, ctx, events.Topic(typ), 1) // the signal is stored
	// The same event handled again, past the subscription's dedup record.
	require.NoError(t, events.SignalWorkflow(c, "settled", func(ev *events.Event) client.Target { return client.Target{ID: ev.Subject} })(ctx, ev))
	_, err = c.Signal(ctx, client.Target{ID: id}, "done", 1)
	require.NoError(t, err)
	got, err := client.Result[string](ctx, c, id)
	require.NoError(t, err)
	require.Equal(t, typ+` ev-1 {"amount":5}`, got)
}

// TestClaimOfADeadHandlingIsTakenOver stores the claim a handling leaves
// when its process dies mid-way (status handling, until a moment soon):
// deliveries wait while it is live, and the first one after it ran out
// handles the event, once.
func TestClaimOfADeadHandlingIsTakenOver(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	mt := memory.New()
	t.Cleanup(func() { _ = mt.Close() })
	rec := newRecorder(mt)
	store := memstore.New()
	typ := unique("test.orphaned.")
	id := unique("orphan/")
	until := time.Now().Add(300 * time.Millisecond).UTC()
	claim := fmt.Sprintf(`{"subscription":%q,"id":%q,"type":%q,"status":"handling","until":%q}`, events.DefaultName, id, typ, until.Format(time.RFC3339Nano))
	_, err := store.Put(ctx, &storage.PutParams{ID: engine.EventKey(events.DefaultName, id), Data: []byte(claim)})
	require.NoError(t, err)
	var mu sync.Mutex
	var handledAt []time.Time
	// The default MaxRedeliveries (10): the deliveries that wait for the
	// claim (about 15, every 20ms for 300ms) are no failures.
	newEnv(t, rec, store, worker.Options{}, func(w *worker.Worker) {
		require.NoError(t, events.Subscribe(w, typ, func(context.Context, *events.Event) error {
			mu.Lock()
			defer mu.Unlock()
			handledAt = append(handledAt, time.Now())
			return nil
		}, events.RetryDelay(20*time.Millisecond)))
	})
	publishEvent(t, ctx, rec, &events.Event{ID: id, Source: "/tests", Type: typ})
	publishEvent(t, ctx, rec, &events.Event{ID: id, Source: "/tests", Type: typ})
	rec.waitAcks(t, ctx, events.Topic(typ), 2)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, handledAt, 1)
	require.False(t, handledAt[0].Before(until), "handled while the claim was live")
	r, err := store.Get(ctx, &storage.GetParams{ID: engine.EventKey(events.DefaultName, id)})
	require.NoError(t, err)
	require.Contains(t, string(r.Data), `"status":"done"`)
}
