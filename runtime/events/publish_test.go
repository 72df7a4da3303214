package events_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/events"
	"github.com/infgen/infgen/runtime/internal/engine"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/storage"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

type AddInput struct{ A, B int }
type AddOutput struct{ Sum int }

func registerMath(w *worker.Worker) {
	err := w.RegisterService(worker.Service{Name: "math", Methods: []worker.Method{
		{Name: "Add", Handler: worker.Handle(codec.JSON{}, func(_ context.Context, in *AddInput) (*AddOutput, error) {
			return &AddOutput{Sum: in.A + in.B}, nil
		})},
		{Name: "Reject", Handler: worker.Handle(codec.JSON{}, func(_ context.Context, in *AddInput) (*AddOutput, error) {
			return nil, service.Permanentf("rejected %d", in.A)
		})},
	}})
	if err != nil {
		panic(err)
	}
}

func add(ctx workflow.Context, method string, a, b int) (*AddOutput, error) {
	return workflow.Dispatch[*AddOutput](ctx, workflow.Call{Service: "math", Method: method, Codec: codec.JSON{}, Input: &AddInput{A: a, B: b}}).Await(ctx)
}

type Placed struct {
	Order string `json:"order"`
	Sum   int    `json:"sum"`
}

// TestOutcomeAndEmittedEvents runs a workflow that completes a task, fails
// one, emits an event and completes, and checks every CloudEvent it
// publishes, as subscribers receive them. The tasks run inside the
// workflow's steps (the default).
func TestOutcomeAndEmittedEvents(t *testing.T) {
	t.Parallel()
	outcomeAndEmittedEvents(t, nil, nil, worker.Options{})
}

// TestOutcomeEventsWithTransportTasks sends every task through the
// transport (worker.Options.DisableLocalTasks): the same events are
// published.
func TestOutcomeEventsWithTransportTasks(t *testing.T) {
	t.Parallel()
	outcomeAndEmittedEvents(t, nil, nil, worker.Options{DisableLocalTasks: true})
}

func outcomeAndEmittedEvents(t *testing.T, tr transport.Transport, store storage.Storage, o worker.Options) {
	ctx := ctxT(t)
	wf := unique("orders.place")
	emitted := wf + ".placed"
	types := []string{wf + ".started", "math.Add.completed", "math.Reject.failed", emitted, wf + ".completed"}
	got := make(chan *events.Event, 16)
	// Task outcome types (math.Add.completed) are shared with the other
	// tests, and a broker keeps the events of earlier runs: only this
	// workflow's events count.
	orderID := unique("order-")
	o.OutcomeEvents = true
	e := newEnv(t, tr, store, o, func(w *worker.Worker) {
		registerMath(w)
		require.NoError(t, worker.RegisterWorkflow(w, wf, func(ctx workflow.Context, order string) (int, error) {
			out, err := add(ctx, "Add", 1, 2)
			if err != nil {
				return 0, err
			}
			if _, err := add(ctx, "Reject", 7, 0); err == nil {
				return 0, fmt.Errorf("Reject succeeded")
			}
			if err := workflow.Emit(ctx, workflow.Event{Type: emitted, Data: Placed{Order: order, Sum: out.Sum},
				DataSchema: "https://example.com/schemas/placed.json"}); err != nil {
				return 0, err
			}
			return out.Sum, nil
		}))
		for _, typ := range types {
			require.NoError(t, events.Subscribe(w, typ, func(_ context.Context, ev *events.Event) error {
				if ev.Subject == orderID {
					got <- ev
				}
				return nil
			}, events.Name(wf)))
		}
	})
	id, err := e.client.Start(ctx, client.StartParams{Workflow: wf, ID: orderID, Input: "o-1"})
	require.NoError(t, err)
	sum, err := client.Result[int](ctx, e.client, id)
	require.NoError(t, err)
	require.Equal(t, 3, sum)

	byType := map[string]*events.Event{}
	for range types {
		select {
		case ev := <-got:
			require.NotContains(t, byType, ev.Type, "handled twice")
			byType[ev.Type] = ev
		case <-ctx.Done():
			t.Fatalf("events received: %v", byType)
		}
	}
	for _, typ := range types {
		ev := byType[typ]
		require.NotNil(t, ev, typ)
		require.Equal(t, "1.0", ev.SpecVersion)
		require.Equal(t, "/workflows/"+wf, ev.Source)
		require.Equal(t, id, ev.Subject)
		require.True(t, strings.HasPrefix(ev.ID, id+"/"), ev.ID)
		require.False(t, ev.Time.IsZero())
		require.Equal(t, "application/json", ev.DataContentType, typ)
	}
	require.JSONEq(t, `"o-1"`, string(byType[wf+".started"].Data))
	require.JSONEq(t, `{"Sum":3}`, string(byType["math.Add.completed"].Data))
	require.JSONEq(t, `3`, string(byType[wf+".completed"].Data))
	require.Contains(t, string(byType["math.Reject.failed"].Data), "rejected 7")
	placed, err := events.Decode[Placed](byType[emitted])
	require.NoError(t, err)
	require.Equal(t, Placed{Order: "o-1", Sum: 3}, *placed)
	require.Equal(t, "https://example.com/schemas/placed.json", byType[emitted].DataSchema)
	// A task's completed event names the Go type of its result; the
	// workflow's events and a failure's name none.
	require.Equal(t, "urn:infgen:go:github.com/infgen/infgen/runtime/events_test.AddOutput", byType["math.Add.completed"].DataSchema)
	for _, typ := range []string{wf + ".started", "math.Reject.failed", wf + ".completed"} {
		require.Empty(t, byType[typ].DataSchema, typ)
	}
	// Ids are "<workflow id>/<run id>/<step>".
	run := strings.Split(byType[wf+".started"].ID, "/")[1]
	require.Equal(t, id+"/"+run+"/started", byType[wf+".started"].ID)
	require.Equal(t, id+"/"+run+"/0.completed", byType["math.Add.completed"].ID)
	require.Equal(t, id+"/"+run+"/1.failed", byType["math.Reject.failed"].ID)
	require.Equal(t, id+"/"+run+"/2", byType[emitted].ID)
	require.Equal(t, id+"/"+run+"/completed", byType[wf+".completed"].ID)
}

// TestOutcomeEventsAreOffByDefault checks that a worker without
// OutcomeEvents publishes only the events workflows emit.
func TestOutcomeEventsAreOffByDefault(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	rec := newRecorder(memory.New())
	t.Cleanup(func() { _ = rec.Close() })
	wf := unique("quiet")
	e := newEnv(t, rec, nil, worker.Options{}, func(w *worker.Worker) {
		registerMath(w)
		require.NoError(t, worker.RegisterWorkflow(w, wf, func(ctx workflow.Context, _ int) (int, error) {
			if _, err := add(ctx, "Add", 1, 1); err != nil {
				return 0, err
			}
			return 0, workflow.Emit(ctx, workflow.Event{Type: wf + ".said", Data: "hi"})
		}))
	})
	id := unique("quiet/")
	_, err := client.Execute[int](ctx, e.client, client.StartParams{Workflow: wf, ID: id, Input: 1})
	require.NoError(t, err)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.Len(t, rec.published, 1)
	require.Equal(t, wf+".said", rec.published[0].Type)
	// Nor does the history record the schema of the task's result.
	st, err := e.store.Get(ctx, &storage.GetParams{ID: engine.StateKey(id)})
	require.NoError(t, err)
	require.NotContains(t, string(st.Data), "dataSchema")
}

// TestEmitIsPublishedOnceAcrossReplays runs a workflow that emits an event
// and then takes more steps, replaying its whole history at each step (no
// cache): the event is published once, by the step that recorded it.
func TestEmitIsPublishedOnceAcrossReplays(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	rec := newRecorder(memory.New())
	t.Cleanup(func() { _ = rec.Close() })
	wf := unique("replayer")
	e := newEnv(t, rec, nil, worker.Options{CacheSize: -1}, func(w *worker.Worker) {
		registerMath(w)
		require.NoError(t, worker.RegisterWorkflow(w, wf, func(ctx workflow.Context, n int) (int, error) {
			sum := 0
			for i := range n {
				if err := workflow.Emit(ctx, workflow.Event{Type: wf + ".step", Data: i}); err != nil {
					return 0, err
				}
				out, err := add(ctx, "Add", sum, 1)
				if err != nil {
					return 0, err
				}
				sum = out.Sum
			}
			return sum, nil
		}))
	})
	id, err := e.client.Start(ctx, client.StartParams{Workflow: wf, Input: 4})
	require.NoError(t, err)
	got, err := client.Result[int](ctx, e.client, id)
	require.NoError(t, err)
	require.Equal(t, 4, got)
	evs := rec.events(wf + ".step")
	require.Len(t, evs, 4)
	for i, ev := range evs {
		require.JSONEq(t, fmt.Sprint(i), string(ev.Data))
	}
}

// TestNoEventUnlessTheStepCommits fails the storage write of the step that
// records an emitted event (and a task's outcome): nothing is published
// while the write fails, and once it succeeds each event is published
// once, after its step is in storage.
func TestNoEventUnlessTheStepCommits(t *testing.T) {
	t.Parallel()
	t.Run("local tasks", func(t *testing.T) { t.Parallel(); noEventUnlessTheStepCommits(t, worker.Options{OutcomeEvents: true}) })
	t.Run("transport tasks", func(t *testing.T) {
		t.Parallel()
		noEventUnlessTheStepCommits(t, worker.Options{OutcomeEvents: true, DisableLocalTasks: true})
	})
}

func noEventUnlessTheStepCommits(t *testing.T, o worker.Options) {
	ctx := ctxT(t)
	rec := newRecorder(memory.New())
	t.Cleanup(func() { _ = rec.Close() })
	store := &faultyStore{Storage: memstore.New(), match: []byte(`"kind":"emit"`)}
	store.failPuts.Store(3)
	var publishedAtFailure []int
	store.onFail = func() {
		rec.mu.Lock()
		publishedAtFailure = append(publishedAtFailure, len(rec.published))
		rec.mu.Unlock()
	}
	wf := unique("committer")
	rec.check = func(ev *events.Event) error {
		// Called under rec.mu: the step's state must be stored already.
		r, err := store.Storage.Get(context.Background(), &storage.GetParams{ID: engine.StateKey(ev.Subject)})
		if err != nil {
			return fmt.Errorf("%s published before its workflow was stored: %v", ev.Type, err)
		}
		if ev.Type != wf+".started" && !strings.Contains(string(r.Data), `"kind":"emit"`) {
			return fmt.Errorf("%s published before its step was stored", ev.Type)
		}
		return nil
	}
	e := newEnv(t, rec, store, o, func(w *worker.Worker) {
		registerMath(w)
		require.NoError(t, worker.RegisterWorkflow(w, wf, func(ctx workflow.Context, _ int) (int, error) {
			out, err := add(ctx, "Add", 2, 3)
			if err != nil {
				return 0, err
			}
			return out.Sum, workflow.Emit(ctx, workflow.Event{Type: wf + ".done", Data: out.Sum})
		}))
	})
	id, err := e.client.Start(ctx, client.StartParams{Workflow: wf, Input: 0})
	require.NoError(t, err)
	got, err := client.Result[int](ctx, e.client, id)
	require.NoError(t, err)
	require.Equal(t, 5, got)
	require.EqualValues(t, 3, store.failed.Load())
	// The result is known once the last step is stored; its outbox (the
	// completed event) is published right after.
	require.Eventually(t, func() bool {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		for _, ev := range rec.published {
			if ev.Type == wf+".completed" {
				return true
			}
		}
		return false
	}, 10*time.Second, 5*time.Millisecond)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.Empty(t, rec.violations)
	// The task's and the emitted event were published only after the
	// failures. The started event was committed before them, by the client;
	// with tasks through the transport, the failing step is the one after
	// the task's, so it was published by then too.
	want := []int{1, 1, 1}
	if !o.DisableLocalTasks {
		for i, n := range publishedAtFailure {
			require.LessOrEqual(t, n, 1, "events published at failure %d", i)
		}
		want = publishedAtFailure
	}
	require.Equal(t, want, publishedAtFailure)
	counts := map[string]int{}
	for _, ev := range rec.published {
		counts[ev.Type]++
	}
	require.Equal(t, map[string]int{wf + ".started": 1, "math.Add.completed": 1, wf + ".done": 1, wf + ".completed": 1}, counts)
}

// TestEventIsRepublishedAfterAFailedPublish fails the publication of an
// event after its step was stored: the step's message is redelivered and
// the stored outbox published again, with the same event id.
func TestEventIsRepublishedAfterAFailedPublish(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	rec := newRecorder(memory.New())
	t.Cleanup(func() { _ = rec.Close() })
	rec.failEvents.Store(1)
	wf := unique("republish")
	e := newEnv(t, rec, nil, worker.Options{}, func(w *worker.Worker) {
		require.NoError(t, worker.RegisterWorkflow(w, wf, func(ctx workflow.Context, _ int) (int, error) {
			if err := workflow.Emit(ctx, workflow.Event{Type: wf + ".hello", Data: 1}); err != nil {
				return 0, err
			}
			return 1, workflow.Sleep(ctx, time.Millisecond)
		}))
	})
	_, err := client.Execute[int](ctx, e.client, client.StartParams{Workflow: wf, Input: 0})
	require.NoError(t, err)
	evs := rec.events(wf + ".hello")
	require.Len(t, evs, 1)
	require.True(t, strings.HasSuffix(evs[0].ID, "/0"), evs[0].ID)
}

// TestDecodeProtobufData decodes binary data (a gRPC method's response,
// published as data_base64) into its message type.
func TestDecodeProtobufData(t *testing.T) {
	t.Parallel()
	b, err := proto.Marshal(wrapperspb.String("hello"))
	require.NoError(t, err)
	ev := &events.Event{ID: "1", Source: "/t", Type: "t.x"}
	ev.SetData(b, "application/protobuf")
	require.Equal(t, "application/protobuf", ev.DataContentType)
	raw, err := events.Marshal(ev)
	require.NoError(t, err)
	require.Contains(t, string(raw), `"data_base64":`)
	back, err := events.Unmarshal(raw)
	require.NoError(t, err)
	got, err := events.Decode[wrapperspb.StringValue](back)
	require.NoError(t, err)
	require.Equal(t, "hello", got.GetValue())
	_, err = events.Decode[Placed](back)
	require.ErrorContains(t, err, "not a protobuf message")
}
