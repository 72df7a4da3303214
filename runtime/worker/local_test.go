package worker_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/storage"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// countingTransport counts the task messages published to service topics.
type countingTransport struct {
	*memory.Transport
	tasks atomic.Int64
}

func (t *countingTransport) Publish(ctx context.Context, p *transport.PublishParams) error {
	if strings.HasPrefix(p.Topic, "service.") {
		t.tasks.Add(1)
	}
	return t.Transport.Publish(ctx, p)
}

// writeStore counts the writes of workflow states, and fails the next ones
// while failPuts is positive.
type writeStore struct {
	storage.Storage
	puts     atomic.Int64
	failPuts atomic.Int64
}

func (s *writeStore) Put(ctx context.Context, p *storage.PutParams) (int64, error) {
	if strings.HasPrefix(p.ID, "wf/") {
		if s.failPuts.Add(-1) >= 0 {
			return 0, errors.New("disk full (injected)")
		}
		s.puts.Add(1)
	}
	return s.Storage.Put(ctx, p)
}

// localEnv is an env whose worker runs its own tasks inline, over a
// counting transport and store (the client uses the raw ones).
func localEnv(t *testing.T, register func(w *worker.Worker)) (*env, *countingTransport, *writeStore) {
	t.Helper()
	tr := &countingTransport{Transport: memory.New()}
	raw := memstore.New()
	store := &writeStore{Storage: raw}
	e := &env{t: t, tr: tr.Transport, store: raw}
	w, err := worker.New(worker.Options{Transport: tr, Storage: store, Logger: testLogger()})
	require.NoError(t, err)
	register(w)
	require.NoError(t, w.Start(context.Background()))
	e.worker = w
	c, err := client.New(context.Background(), client.Options{Transport: tr.Transport, Storage: raw, PollInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	e.client = c
	t.Cleanup(func() {
		_ = c.Close()
		_ = w.Stop()
		_ = tr.Close()
	})
	return e, tr, store
}

// TestLocalTasksRunInTheStep checks that a worker serving both the
// workflow and its service runs a chain of ten tasks with no task message
// and one write of the state by the worker (the client writes the start),
// each task once.
func TestLocalTasksRunInTheStep(t *testing.T) {
	t.Parallel()
	m := &mathService{}
	e, tr, store := localEnv(t, func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "chain", chain))
	})
	got, err := client.Execute[int](ctxT(t), e.client, client.StartParams{Workflow: "chain", ID: "ten", Input: 10})
	require.NoError(t, err)
	require.Equal(t, 10, got)
	require.EqualValues(t, 10, m.calls.Load())
	require.Zero(t, tr.tasks.Load(), "task messages published")
	require.EqualValues(t, 1, store.puts.Load(), "state writes by the worker")
	d, err := e.client.Describe(ctxT(t), "ten")
	require.NoError(t, err)
	require.Equal(t, 10, d.Steps, "each task is a command of the history")
}

// TestLocalTasksRunAgainWhenTheStepIsNotSaved fails the worker's first
// writes: the tasks run inline are lost with the step, and the message that
// triggered it, redelivered, runs them again. The workflow finishes with
// the right result.
func TestLocalTasksRunAgainWhenTheStepIsNotSaved(t *testing.T) {
	t.Parallel()
	m := &mathService{}
	e, _, store := localEnv(t, func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "chain", chain))
	})
	store.failPuts.Store(2)
	got, err := client.Execute[int](ctxT(t), e.client, client.StartParams{Workflow: "chain", Input: 3})
	require.NoError(t, err)
	require.Equal(t, 3, got)
	require.EqualValues(t, 3*3, m.calls.Load(), "three deliveries of the start, the first two not saved, each ran the three tasks")
}

// TestLocalTaskAndSignalRace signals a workflow while its task runs inline:
// the client's write makes the step's write conflict, the step is decided
// again on the stored state with the signal, and the task's result is
// taken from memory, not from a second call.
func TestLocalTaskAndSignalRace(t *testing.T) {
	t.Parallel()
	m := &mathService{}
	inTask, release := make(chan struct{}), make(chan struct{})
	var blocked atomic.Bool
	e, _, _ := localEnv(t, func(w *worker.Worker) {
		require.NoError(t, worker.RegisterWorkflow(w, "gated", func(ctx workflow.Context, n int) (string, error) {
			out, err := call(ctx, "Gate", n).Await(ctx)
			if err != nil {
				return "", err
			}
			got, err := workflow.SignalChannel[string]("go").Receive(ctx)
			return itoa(out.Sum) + ":" + got, err
		}))
		require.NoError(t, w.RegisterService(worker.Service{Name: "math", Methods: []worker.Method{
			{Name: "Gate", Handler: worker.Handle(codec.JSON{}, func(ctx context.Context, in *AddInput) (*AddOutput, error) {
				m.calls.Add(1)
				if blocked.CompareAndSwap(false, true) {
					close(inTask)
					<-release
				}
				return &AddOutput{Sum: in.A + 1}, nil
			})},
		}}))
	})
	ctx := ctxT(t)
	id, err := e.client.Start(ctx, client.StartParams{Workflow: "gated", Input: 41})
	require.NoError(t, err)
	<-inTask
	_, err = e.client.Signal(ctx, client.Target{ID: id}, "go", "now")
	require.NoError(t, err)
	close(release)
	got, err := client.Result[string](ctx, e.client, id)
	require.NoError(t, err)
	require.Equal(t, "42:now", got)
	require.EqualValues(t, 1, m.calls.Load(), "the task ran once")
}

// TestLocalTasksOfOtherServicesUseTheTransport runs the workflow on an
// inline worker that does not serve the service: its tasks go through the
// transport to the worker that does.
func TestLocalTasksOfOtherServicesUseTheTransport(t *testing.T) {
	t.Parallel()
	m := &mathService{failN: 1}
	e, tr, _ := localEnv(t, func(w *worker.Worker) {
		require.NoError(t, worker.RegisterWorkflow(w, "chain", chain))
	})
	e.startWorker(func(w *worker.Worker) { registerMath(w, m) })
	got, err := client.Execute[int](ctxT(t), e.client, client.StartParams{Workflow: "chain", Input: 3})
	require.NoError(t, err)
	require.Equal(t, 3, got)
	require.EqualValues(t, 6, tr.tasks.Load(), "three tasks, each failing once: six task messages")
}

// TestLocalTaskRetriesAfterItsBackOff fails each task's first attempt on
// an inline worker: the retry waits for its back-off (a delayed message)
// and then runs inline.
func TestLocalTaskRetriesAfterItsBackOff(t *testing.T) {
	t.Parallel()
	m := &mathService{failN: 1}
	e, tr, _ := localEnv(t, func(w *worker.Worker) {
		registerMath(w, m)
		require.NoError(t, worker.RegisterWorkflow(w, "chain", chain))
	})
	got, err := client.Execute[int](ctxT(t), e.client, client.StartParams{Workflow: "chain", Input: 3})
	require.NoError(t, err)
	require.Equal(t, 3, got)
	require.EqualValues(t, 6, m.calls.Load(), "two attempts per task")
	require.Zero(t, tr.tasks.Load(), "task messages published")
}

// TestLocalTasksStayWithinTheServiceConcurrency runs eight workflows on a
// worker whose service allows two tasks at once. Two tasks run in their
// steps and hold until a third has gone through the transport, since no
// slot was free for it in its step; the tasks taken from the transport
// wait for a slot too: never more than two run at once, and each runs
// once.
func TestLocalTasksStayWithinTheServiceConcurrency(t *testing.T) {
	t.Parallel()
	var running, most, calls atomic.Int64
	gate := make(chan struct{})
	e, tr, _ := localEnv(t, func(w *worker.Worker) {
		require.NoError(t, worker.RegisterWorkflow(w, "one", func(ctx workflow.Context, n int) (int, error) {
			out, err := call(ctx, "Held", n).Await(ctx)
			if err != nil {
				return 0, err
			}
			return out.Sum, nil
		}))
		require.NoError(t, w.RegisterService(worker.Service{Name: "math", Methods: []worker.Method{
			{Name: "Held", Handler: worker.Handle(codec.JSON{}, func(ctx context.Context, in *AddInput) (*AddOutput, error) {
				calls.Add(1)
				n := running.Add(1)
				defer running.Add(-1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				<-gate
				return &AddOutput{Sum: in.A + 1}, nil
			})},
		}}, worker.WithConcurrency(2)))
	})
	open := sync.OnceFunc(func() { close(gate) })
	t.Cleanup(open) // before the worker stops, should the test fail
	ctx := ctxT(t)
	var ids []string
	for i := range 8 {
		id, err := e.client.Start(ctx, client.StartParams{Workflow: "one", Input: i})
		require.NoError(t, err)
		ids = append(ids, id)
	}
	require.Eventually(t, func() bool { return tr.tasks.Load() > 0 }, 10*time.Second, time.Millisecond,
		"with both slots taken, a task goes through the transport")
	open()
	for i, id := range ids {
		got, err := client.Result[int](ctx, e.client, id)
		require.NoError(t, err)
		require.Equal(t, i+1, got)
	}
	require.LessOrEqual(t, most.Load(), int64(2), "tasks running at once")
	require.EqualValues(t, 8, calls.Load(), "each task ran once")
}

// TestSlowMethodsGoThroughTheTransport runs a chain whose first task takes
// longer than worker.LocalSlowAfter: it ran in its step (nothing was known
// of the method), and the next tasks go through the transport, so that a
// slow service does not hold its workflows' steps.
func TestSlowMethodsGoThroughTheTransport(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	e, tr, _ := localEnv(t, func(w *worker.Worker) {
		require.NoError(t, worker.RegisterWorkflow(w, "chain", chain))
		require.NoError(t, w.RegisterService(worker.Service{Name: "math", Methods: []worker.Method{
			{Name: "Add", Handler: worker.Handle(codec.JSON{}, func(ctx context.Context, in *AddInput) (*AddOutput, error) {
				if calls.Add(1) == 1 {
					time.Sleep(2 * worker.LocalSlowAfter)
				}
				return &AddOutput{Sum: in.A + in.B}, nil
			})},
		}}))
	})
	got, err := client.Execute[int](ctxT(t), e.client, client.StartParams{Workflow: "chain", Input: 3})
	require.NoError(t, err)
	require.Equal(t, 3, got)
	require.EqualValues(t, 2, tr.tasks.Load(), "task messages: the two after the slow one")
}

// TestTaskInAStepIsVisible blocks a task running inside its step: the
// workflow's history does not record it until the step is saved, but its
// worker reports it at its heartbeats, so that Describe shows what the
// workflow is doing; once it ends, the history records it.
func TestTaskInAStepIsVisible(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	open := sync.OnceFunc(func() { close(release) })
	e := &env{t: t, tr: memory.New(), store: memstore.New()}
	w, err := worker.New(worker.Options{Transport: e.tr, Storage: e.store, Logger: testLogger(), Heartbeat: 20 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, worker.RegisterWorkflow(w, "one", func(ctx workflow.Context, n int) (int, error) {
		out, err := call(ctx, "Slow", n).Await(ctx)
		if err != nil {
			return 0, err
		}
		return out.Sum, nil
	}))
	require.NoError(t, w.RegisterService(worker.Service{Name: "math", Methods: []worker.Method{
		{Name: "Slow", Handler: worker.Handle(codec.JSON{}, func(ctx context.Context, in *AddInput) (*AddOutput, error) {
			<-release
			return &AddOutput{Sum: in.A + 1}, nil
		})},
	}}))
	require.NoError(t, w.Start(context.Background()))
	t.Cleanup(func() { open(); _ = w.Stop() })
	c, err := client.New(context.Background(), client.Options{Transport: e.tr, Storage: e.store, PollInterval: 20 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })

	ctx := ctxT(t)
	id, err := c.Start(ctx, client.StartParams{Workflow: "one", Input: 41})
	require.NoError(t, err)
	var d *client.Description
	require.Eventually(t, func() bool {
		d, err = c.Describe(ctx, id)
		require.NoError(t, err)
		return len(d.InSteps) > 0
	}, 10*time.Second, 20*time.Millisecond, "the task running in its step is reported")
	require.Zero(t, d.PendingTasks, "the history has not recorded the task yet")
	got := d.InSteps[0]
	require.Equal(t, []any{"math", "Slow", 1, 0, w.Info().ID}, []any{got.Service, got.Method, got.Attempt, got.Seq, got.Worker})
	require.Less(t, time.Since(got.Since), time.Minute)

	open()
	out, err := client.Result[int](ctx, c, id)
	require.NoError(t, err)
	require.Equal(t, 42, out)
	tasks, err := c.Tasks(ctx, id)
	require.NoError(t, err)
	require.Len(t, tasks, 1)
	require.Equal(t, client.TaskCompleted, tasks[0].Status)
}

// TestLocalTaskIssuedBeforeASignalStaysIssued races a signal with a task
// running in its step: the workflow waits for a timer or a "stop" signal,
// whichever comes first, and charges when the timer fires. The step that
// handles the timer runs the charge; meanwhile the client stores "stop".
// The step's write conflicts and it is decided again on the stored state:
// the timer, which this step's message brings, and the charge's result
// must still come before the signal stored meanwhile, or the decision
// would not issue the charge that ran (a side effect its workflow never
// records).
func TestLocalTaskIssuedBeforeASignalStaysIssued(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	inTask, release := make(chan struct{}), make(chan struct{})
	stop := workflow.SignalChannel[string]("stop")
	e, _, _ := localEnv(t, func(w *worker.Worker) {
		require.NoError(t, worker.RegisterWorkflow(w, "bill", func(ctx workflow.Context, n int) (string, error) {
			outcome := ""
			workflow.Select(ctx,
				workflow.OnReceive(stop, func(string, error) { outcome = "stopped" }),
				workflow.OnReady(workflow.NewTimer(ctx, 20*time.Millisecond), func(time.Time, error) { outcome = "charge" }),
			)
			if outcome == "stopped" {
				return outcome, nil
			}
			out, err := call(ctx, "Charge", n).Await(ctx)
			if err != nil {
				return "", err
			}
			return "charged " + itoa(out.Sum), nil
		}))
		require.NoError(t, w.RegisterService(worker.Service{Name: "math", Methods: []worker.Method{
			{Name: "Charge", Handler: worker.Handle(codec.JSON{}, func(ctx context.Context, in *AddInput) (*AddOutput, error) {
				if calls.Add(1) == 1 {
					close(inTask)
					<-release
				}
				return &AddOutput{Sum: in.A}, nil
			})},
		}}))
	})
	ctx := ctxT(t)
	id, err := e.client.Start(ctx, client.StartParams{Workflow: "bill", Input: 7})
	require.NoError(t, err)
	<-inTask
	_, err = e.client.Signal(ctx, client.Target{ID: id}, stop.Name(), "too late")
	require.NoError(t, err)
	close(release)
	got, err := client.Result[string](ctx, e.client, id)
	require.NoError(t, err)
	require.Equal(t, "charged 7", got, "the charge ran: its workflow must have issued it")
	require.EqualValues(t, 1, calls.Load())
}
