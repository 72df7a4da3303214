package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/infgen/infgen/runtime/internal/engine"
	"github.com/infgen/infgen/runtime/internal/inputschema"
	"github.com/infgen/infgen/runtime/internal/message"
	"github.com/infgen/infgen/runtime/internal/telemetry"
	"github.com/infgen/infgen/runtime/internal/workflowdef"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/workflow"
)

// Options configure a Worker.
type Options struct {
	// Transport and Storage are required.
	Transport transport.Transport
	Storage   storage.Storage
	// Logger receives structured logs (default slog.Default()).
	Logger *slog.Logger
	// WorkflowConcurrency bounds how many instances of one workflow name are
	// handled at once by this worker (default 64).
	WorkflowConcurrency int
	// Recover re-drives the pending work of every unfinished workflow when the
	// worker starts. RecoverAuto (the default) does it when the transport is
	// not durable (the embedded default), where a crash loses in-flight
	// messages; parked workflows are always retried on start.
	Recover RecoverMode
	// MaxRedeliveries is how many times a message may fail before it is set
	// aside as a dead letter (default 10).
	MaxRedeliveries int
	// Heartbeat is how often the worker refreshes its record in the worker
	// registry (default 10s); a worker not seen for three heartbeats is
	// shown as stale.
	Heartbeat time.Duration
	// Admin is the address of the worker's admin API, recorded in the
	// registry so that the ops CLI can reach it ("" when it has none).
	Admin string
	// CacheSize is how many running workflows the worker keeps in memory
	// between their steps: the state as last written and the workflow
	// function suspended where it waits, so that a step neither reads the
	// state back nor replays the history (default 4096; negative: none).
	// The stored version guards it: when anything else wrote the workflow
	// since (a client, another worker), the step runs on the stored state,
	// replaying it.
	CacheSize int
	// HistorySegment is how many batches of events or commands of a run's
	// stored history are sealed together into a record of their own, so
	// that the state written at each step stays small however long the
	// run (default 64; negative: the whole history stays in the state).
	HistorySegment int
	// DisableLocalTasks sends every task through the transport. By default
	// a workflow step runs the tasks it issues to services registered on
	// this worker in the step itself, saving their results with the step,
	// instead of sending each one through the transport to whichever worker
	// takes it (Temporal's eager and local activities do the same). A step
	// with three such tasks is one write and no messages where it was four
	// writes and six messages: on Pulsar, several times the throughput.
	// A task runs in the step only while its service has a free slot of its
	// Concurrency (shared with the tasks taken from the transport) and while
	// its method's recent attempts took less than 100 ms on average
	// (LocalSlowAfter); otherwise, and for retries after a back-off,
	// it goes through the transport. While it runs, the workflow's other
	// messages (signals, a cancel) are recorded but acted on when the step
	// is saved; a crash before the save runs the task again (at least once,
	// as always). See docs/scaling.md.
	DisableLocalTasks bool
	// Now is the clock of workflow time (workflow.Now, timers, deadlines):
	// time.Now unless a test environment (workflowtest.Env) passes a
	// virtual one.
	Now func() time.Time
	// MeterProvider receives the runtime's metrics (workflows, tasks,
	// timers, dead letters; see docs/observability.md). nil records none;
	// config.Run and local.Runtime.NewWorker pass a Prometheus one served
	// at /metrics of the admin API (runtime/telemetry).
	MeterProvider metric.MeterProvider
	// SchedulePoll is how often the worker looks for schedule firings due
	// (default 1s; negative: the worker fires no schedules). A firing
	// comes due sooner when its time is known; a command given to this
	// worker, or the end of a run a buffered firing waits for, wakes it at
	// once. Every worker may fire schedules: each firing starts once (see
	// docs/schedules.md).
	SchedulePoll time.Duration
	// TracerProvider receives one trace per workflow run. nil records none.
	// Build it with telemetry.NewTracerProvider (or give yours
	// telemetry.IDGenerator) so that a run's spans share its parent.
	TracerProvider trace.TracerProvider
	// OutcomeEvents publishes the outcomes of the workflows this worker
	// runs (started, completed, failed, canceled) and of their tasks
	// (completed, failed for good) as CloudEvents on "events.<type>"
	// topics, through the same outbox as the workflow's state (see
	// docs/events.md). Off by default: each outcome costs a message.
	// Events a workflow emits (workflow.Emit) are published either way.
	OutcomeEvents bool
	// EventRetention is how long the dedup record of an event a
	// subscription of this worker handled is kept (default 7 days;
	// negative: forever). A delivery of the event that comes later runs
	// its handler again. A worker with event subscriptions deletes older
	// records when it starts and every hour (see docs/events.md); events
	// kept in storage for their subscribers (on a transport that is not
	// durable) are dropped after it too.
	EventRetention time.Duration
}

// RecoverMode says when a worker re-drives unfinished workflows on start.
type RecoverMode int

// Recover modes.
const (
	RecoverAuto RecoverMode = iota
	RecoverAlways
	RecoverNever
)

// Worker hosts service executors and workflow engines over a transport and
// a storage. Register services and workflows, then Start.
type Worker struct {
	opts   Options
	engine *engine.Engine
	// unobserve ends the state cache's metrics (nil without metrics).
	unobserve func() error

	mu       sync.Mutex
	services []registeredService
	events   []EventSubscription
	started  bool
	subs     []transport.Subscription
	// info is the worker's registry record; stopBeat ends its heartbeat.
	info     *engine.WorkerInfo
	stopBeat context.CancelFunc
	beatDone chan struct{}
	// stopRecover ends the recovery sweep Start began; recoverDone is
	// closed when it has ended.
	stopRecover context.CancelFunc
	recoverDone chan struct{}
	// stopSchedules ends the schedule loop; schedulesDone is closed when
	// it has ended.
	stopSchedules context.CancelFunc
	schedulesDone chan struct{}
	// stopPrune ends the event prune loop; pruneDone is closed when it
	// has ended.
	stopPrune context.CancelFunc
	pruneDone chan struct{}
}

type registeredService struct {
	name        string
	concurrency int
}

// New returns a worker.
func New(o Options) (*Worker, error) {
	if o.Transport == nil || o.Storage == nil {
		return nil, errors.New("worker: Options.Transport and Options.Storage are required")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = 10 * time.Second
	}
	if o.WorkflowConcurrency <= 0 {
		o.WorkflowConcurrency = 64
	}
	if o.SchedulePoll == 0 {
		o.SchedulePoll = time.Second
	}
	if o.EventRetention == 0 {
		o.EventRetention = engine.DefaultEventRetention
	}
	eo := engine.Options{Transport: o.Transport, Storage: o.Storage, Logger: o.Logger, MaxRedeliveries: o.MaxRedeliveries, Now: o.Now,
		CacheSize: o.CacheSize, SegmentSize: o.HistorySegment, LocalTasks: !o.DisableLocalTasks, OutcomeEvents: o.OutcomeEvents}
	if o.MeterProvider != nil || o.TracerProvider != nil {
		mp, tp := o.MeterProvider, o.TracerProvider
		if mp == nil {
			mp = metricnoop.NewMeterProvider()
		}
		if tp == nil {
			tp = tracenoop.NewTracerProvider()
		}
		obs, err := telemetry.New(mp, tp, o.TracerProvider != nil)
		if err != nil {
			return nil, fmt.Errorf("worker: %w", err)
		}
		eo.Observer = obs
		e := engine.New(eo)
		unobserve, err := obs.ObserveCache(e.CacheStats)
		if err != nil {
			return nil, fmt.Errorf("worker: %w", err)
		}
		return &Worker{opts: o, engine: e, unobserve: unobserve}, nil
	}
	return &Worker{opts: o, engine: engine.New(eo)}, nil
}

// LocalSlowAfter is the average duration of a method's recent attempts
// above which its tasks no longer run inside workflow steps but go through
// the transport (see Options.DisableLocalTasks).
const LocalSlowAfter = engine.LocalSlowAfter

// ServiceOption adjusts a registered service.
type ServiceOption func(*serviceOptions)

type serviceOptions struct {
	concurrency int
	retry       *retry.Policy
	timeout     time.Duration
	methods     map[string]*retry.Settings
}

// method returns the per-method settings of name, created on first use.
func (o *serviceOptions) method(name string) *retry.Settings {
	if o.methods == nil {
		o.methods = map[string]*retry.Settings{}
	}
	if o.methods[name] == nil {
		o.methods[name] = &retry.Settings{}
	}
	return o.methods[name]
}

// WithConcurrency bounds how many tasks of the service run at once in this
// worker, taken from the transport and run in workflow steps together
// (default 16).
func WithConcurrency(n int) ServiceOption { return func(o *serviceOptions) { o.concurrency = n } }

// WithRetry sets the service's retry policy (per-service configuration): it
// applies to the methods for which neither the call, the method's
// configuration (WithMethodRetry) nor the spec (worker.Method.Retry) sets
// one. See retry.Layer for the precedence.
func WithRetry(p retry.Policy) ServiceOption { return func(o *serviceOptions) { o.retry = &p } }

// WithTimeout bounds each attempt of the service's tasks (per-service
// configuration), with the same precedence as WithRetry; without any
// timeout set, retry.DefaultTimeout applies.
func WithTimeout(d time.Duration) ServiceOption { return func(o *serviceOptions) { o.timeout = d } }

// WithMethodRetry sets the retry policy of one method (per-method
// configuration): it wins over the spec-derived default and the service's
// policy, and yields only to a workflow.WithRetry on the call. method is
// the name tasks are routed by (worker.Method.Name).
func WithMethodRetry(method string, p retry.Policy) ServiceOption {
	return func(o *serviceOptions) { o.method(method).Policy = &p }
}

// WithMethodTimeout bounds each attempt of one method's tasks (per-method
// configuration), with the same precedence as WithMethodRetry.
func WithMethodTimeout(method string, d time.Duration) ServiceOption {
	return func(o *serviceOptions) { o.method(method).Timeout = d }
}

// RegisterService registers a service implementation, usually through the
// Register function of a generated package. Each method's retry policy and
// attempt timeout are resolved per task by retry.Layers.Resolve: the call's
// options, then WithMethodRetry/WithMethodTimeout, then the method's own
// (spec-derived) Retry and Timeout, then WithRetry/WithTimeout, then the
// runtime's defaults.
func (w *Worker) RegisterService(s Service, opts ...ServiceOption) error {
	o := serviceOptions{concurrency: 16}
	for _, opt := range opts {
		opt(&o)
	}
	if s.Name == "" {
		return errors.New("worker: service name is empty")
	}
	svc := &engine.Service{Name: s.Name, Methods: map[string]*engine.Method{}, Errors: s.Errors, Concurrency: max(o.concurrency, 1)}
	serviceLayer := retry.Settings{Policy: o.retry, Timeout: o.timeout}
	for _, m := range s.Methods {
		if m.Handler == nil {
			return fmt.Errorf("worker: service %s: method %q has no handler", s.Name, m.Name)
		}
		em := &engine.Method{Handler: m.Handler, Layers: retry.Layers{
			Spec:          retry.Settings{Policy: m.Retry, Timeout: m.Timeout},
			ServiceConfig: serviceLayer,
		}}
		if mc := o.methods[m.Name]; mc != nil {
			em.Layers.MethodConfig = *mc
		}
		svc.Methods[m.Name] = em
	}
	for _, name := range slices.Sorted(maps.Keys(o.methods)) {
		if svc.Methods[name] == nil {
			return fmt.Errorf("worker: service %s: per-method retry or timeout configured for %q, which is not a method of it (methods: %s)",
				s.Name, name, strings.Join(slices.Sorted(maps.Keys(svc.Methods)), ", "))
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.started {
		return errors.New("worker: register services before Start")
	}
	if err := w.engine.RegisterService(svc); err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	w.services = append(w.services, registeredService{name: s.Name, concurrency: max(o.concurrency, 1)})
	return nil
}

// RegisterWorkflow registers workflow definitions (see workflow.Define).
func (w *Worker) RegisterWorkflow(defs ...workflow.Definition) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.started {
		return errors.New("worker: register workflows before Start")
	}
	for _, d := range defs {
		if d.Name() == "" {
			return errors.New("worker: workflow name is empty")
		}
		fn := workflowdef.Entry(d, w.opts.Logger)
		if fn == nil {
			return fmt.Errorf("worker: workflow %q has no function: declare it with workflow.Define(name, fn)", d.Name())
		}
		if err := w.engine.RegisterWorkflow(d.Name(), d.Version(), fn); err != nil {
			return fmt.Errorf("worker: %w", err)
		}
		if t := workflowdef.InputType(d); t != nil {
			w.engine.SetInputSchema(d.Name(), d.Version(), inputschema.JSON(t))
		}
	}
	return nil
}

// RegisterWorkflow is a shorthand for w.RegisterWorkflow(workflow.Define(name, fn, opts...)).
func RegisterWorkflow[In, Out any](w *Worker, name string, fn func(workflow.Context, In) (Out, error), opts ...workflow.DefineOption) error {
	return w.RegisterWorkflow(workflow.Define(name, fn, opts...))
}

// Start subscribes to the topics of the registered services and workflows
// and, when needed, begins re-driving unfinished workflows in the
// background (see Options.Recover); Stop waits for that sweep to end.
func (w *Worker) Start(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.started {
		return errors.New("worker: already started")
	}
	// Event subscriptions come first: a step keeps in storage the events
	// that a subscription reads when the transport is not durable, and
	// queues those a crash left in a saved outbox before any step can
	// overwrite it (see docs/events.md).
	if err := w.subscribeEvents(ctx); err != nil {
		w.closeSubs()
		return err
	}
	if w.opts.Recover != RecoverNever {
		if err := w.engine.RecoverEventOutboxes(ctx); err != nil {
			w.closeSubs()
			return fmt.Errorf("worker: queue the events of saved steps: %w", err)
		}
	}
	for _, s := range w.services {
		sub, err := w.opts.Transport.Subscribe(ctx, &transport.SubscribeParams{
			Topic: message.ServiceTopic(s.name), Subscription: "executors", Mode: transport.Shared,
			Handler: w.engine.HandleTask, Concurrency: s.concurrency,
		})
		if err != nil {
			w.closeSubs()
			return fmt.Errorf("worker: subscribe service %s: %w", s.name, err)
		}
		w.subs = append(w.subs, sub)
	}
	for _, name := range w.engine.Workflows() {
		sub, err := w.opts.Transport.Subscribe(ctx, &transport.SubscribeParams{
			Topic: message.WorkflowTopic(name), Subscription: "engines", Mode: transport.KeyShared,
			Handler: w.engine.HandleWorkflow, Concurrency: w.opts.WorkflowConcurrency,
		})
		if err != nil {
			w.closeSubs()
			return fmt.Errorf("worker: subscribe workflow %s: %w", name, err)
		}
		w.subs = append(w.subs, sub)
	}
	if err := w.announce(ctx); err != nil {
		w.closeSubs()
		return err
	}
	w.started = true
	w.runSchedules(ctx)
	w.runEventPrune(ctx)
	mode := w.opts.Recover
	all := mode == RecoverAlways || (mode == RecoverAuto && !w.opts.Transport.Durable())
	if mode == RecoverNever {
		return nil
	}
	// The sweep lists the workflows now and recovers them beside the
	// handlers, so that a restart on many unfinished workflows is ready at
	// once; workflows written after this point are being handled already.
	since := w.now()
	keys, err := w.engine.RecoverList(ctx, all)
	if err != nil {
		w.stopScheduleLoop()
		w.closeSubs()
		w.retire()
		return fmt.Errorf("worker: list unfinished workflows: %w", err)
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	w.stopRecover, w.recoverDone = cancel, done
	go func() {
		defer close(done)
		if err := w.engine.RepublishEvents(rctx); err != nil && rctx.Err() == nil {
			w.opts.Logger.Error("worker: publish the events kept in storage: they are published again at the next start",
				"error", err, "hint", "check the storage, then restart the worker")
		}
		if err := w.engine.Recover(rctx, keys, since); err != nil && rctx.Err() == nil {
			w.opts.Logger.Error("worker: recover unfinished workflows: the ones not reached yet wait for their next message or the next start",
				"error", err, "hint", "check the storage and the transport, then restart the worker")
		}
	}()
	return nil
}

// Stop stops handling messages and waits for running handlers.
func (w *Worker) Stop() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopRecover != nil {
		w.stopRecover()
		<-w.recoverDone
		w.stopRecover, w.recoverDone = nil, nil
	}
	w.stopScheduleLoop()
	w.stopEventPrune()
	w.closeSubs()
	w.engine.DropCache()
	if w.unobserve != nil {
		_ = w.unobserve() // only fails on an unknown registration
		w.unobserve = nil
	}
	if w.started {
		w.retire()
	}
	w.started = false
	return nil
}

// CachedWorkflows returns how many running workflows the worker keeps in
// memory between their steps (see Options.CacheSize).
func (w *Worker) CachedWorkflows() int { return w.engine.CachedWorkflows() }

func (w *Worker) closeSubs() {
	for _, s := range w.subs {
		_ = s.Close()
	}
	w.subs = nil
}

// runSchedules starts the schedule loop (see Options.SchedulePoll).
func (w *Worker) runSchedules(ctx context.Context) {
	if w.opts.SchedulePoll < 0 {
		return
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	w.stopSchedules, w.schedulesDone = cancel, done
	go func() {
		defer close(done)
		w.engine.RunSchedules(sctx, w.opts.SchedulePoll)
	}()
}

// stopScheduleLoop ends the schedule loop and waits for it.
func (w *Worker) stopScheduleLoop() {
	if w.stopSchedules != nil {
		w.stopSchedules()
		<-w.schedulesDone
		w.stopSchedules, w.schedulesDone = nil, nil
	}
}
