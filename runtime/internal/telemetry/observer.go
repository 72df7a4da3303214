package telemetry

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/infgen/infgen/runtime/internal/engine"
	"github.com/infgen/infgen/runtime/internal/history"
)

// ScopeName names the runtime's meter and tracer.
const ScopeName = "github.com/infgen/infgen/runtime"

// Attribute keys of the runtime's metrics and spans. Metrics carry only the
// low-cardinality ones (workflow name, service, method, outcome); ids go on
// spans only.
const (
	KeyWorkflow   = attribute.Key("infgen.workflow")
	KeyWorkflowID = attribute.Key("infgen.workflow.id")
	KeyRunID      = attribute.Key("infgen.run.id")
	KeyTaskID     = attribute.Key("infgen.task.id")
	KeyAttempt    = attribute.Key("infgen.task.attempt")
	KeyService    = attribute.Key("infgen.service")
	KeyMethod     = attribute.Key("infgen.method")
	KeyOutcome    = attribute.Key("infgen.outcome")
	KeyStatus     = attribute.Key("infgen.status")
	KeyTopic      = attribute.Key("infgen.topic")
	KeyChannel    = attribute.Key("infgen.signal.channel")
)

// Observer implements engine.Observer on a meter and a tracer provider.
type Observer struct {
	tracer  trace.Tracer
	tracing bool

	started, finished, parked, tasks, deadLetters metric.Int64Counter
	timers, inFlight                              metric.Int64UpDownCounter
	meter                                         metric.Meter
	latency                                       metric.Float64Histogram
	attempts                                      metric.Int64Histogram

	// attrs caches the attribute sets of the metrics by their values, so
	// that a measurement allocates none.
	attrs sync.Map // attrKey → metric.MeasurementOption
}

type attrKey struct {
	k1, k2, k3 attribute.Key
	a, b, c    string
}

// set returns the measurement option of the attributes k1=a[, k2=b[, k3=c]].
func (o *Observer) set(k1 attribute.Key, a string, k2 attribute.Key, b string, k3 attribute.Key, c string) metric.MeasurementOption {
	key := attrKey{k1, k2, k3, a, b, c}
	if v, ok := o.attrs.Load(key); ok {
		return v.(metric.MeasurementOption)
	}
	kvs := []attribute.KeyValue{k1.String(a)}
	if k2 != "" {
		kvs = append(kvs, k2.String(b))
	}
	if k3 != "" {
		kvs = append(kvs, k3.String(c))
	}
	v, _ := o.attrs.LoadOrStore(key, metric.WithAttributeSet(attribute.NewSet(kvs...)))
	return v.(metric.MeasurementOption)
}

var _ engine.Observer = (*Observer)(nil)

// New returns an observer recording metrics on mp and spans on tp; either
// may be a noop provider (tracing=false skips building spans at all).
func New(mp metric.MeterProvider, tp trace.TracerProvider, tracing bool) (*Observer, error) {
	m := mp.Meter(ScopeName)
	o := &Observer{tracer: tp.Tracer(ScopeName), tracing: tracing, meter: m}
	var errs []error
	counter := func(name, desc string) metric.Int64Counter {
		c, err := m.Int64Counter(name, metric.WithDescription(desc), metric.WithUnit("{"+"count"+"}"))
		errs = append(errs, err)
		return c
	}
	o.started = counter("infgen.workflows.started", "Workflow runs started, by workflow.")
	o.finished = counter("infgen.workflows.finished", "Workflow runs finished, by workflow and status (completed, failed, canceled).")
	o.parked = counter("infgen.workflows.parked", "Workflow runs parked because the deployed code cannot replay them, by workflow.")
	o.tasks = counter("infgen.tasks", "Task attempts, by service, method and outcome (ok, retry, failed).")
	o.deadLetters = counter("infgen.dead_letters", "Messages set aside as dead letters, by topic.")
	var err error
	o.timers, err = m.Int64UpDownCounter("infgen.timers.pending", metric.WithDescription("Durable timers scheduled and not yet fired, as seen by this worker's steps."), metric.WithUnit("{timer}"))
	errs = append(errs, err)
	o.inFlight, err = m.Int64UpDownCounter("infgen.tasks.in_flight", metric.WithDescription("Task attempts running now on this worker, by service: its backlog being worked."), metric.WithUnit("{task}"))
	errs = append(errs, err)
	o.latency, err = m.Float64Histogram("infgen.task.duration", metric.WithDescription("Duration of one task attempt, by service, method and outcome."), metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
	errs = append(errs, err)
	o.attempts, err = m.Int64Histogram("infgen.task.attempts", metric.WithDescription("Attempts a task took until it succeeded or failed for good, by service, method and outcome."), metric.WithUnit("{attempt}"),
		metric.WithExplicitBucketBoundaries(1, 2, 3, 5, 10, 20))
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("create the runtime's metric instruments: %w", err)
	}
	return o, nil
}

// TaskAttempt starts the attempt's span (a child of the workflow run's span)
// and records its outcome, duration and, when it is the last, its attempts.
func (o *Observer) TaskAttempt(ctx context.Context, a *engine.TaskAttempt) (context.Context, func(error, bool)) {
	var span trace.Span
	if o.tracing {
		if sc, ok := SpanContext(a.TraceParent); ok {
			ctx = trace.ContextWithRemoteSpanContext(ctx, sc)
		}
		ctx, span = o.tracer.Start(ctx, a.Service+"."+a.Method, trace.WithSpanKind(trace.SpanKindInternal), trace.WithTimestamp(a.Start),
			trace.WithAttributes(KeyWorkflow.String(a.Workflow), KeyWorkflowID.String(a.WorkflowID), KeyRunID.String(a.RunID),
				KeyTaskID.String(a.TaskID), KeyAttempt.Int(a.Attempt), KeyService.String(a.Service), KeyMethod.String(a.Method)))
		a.SpanTraceParent = TraceParent(span.SpanContext())
	}
	svc := o.set(KeyService, a.Service, "", "", "", "")
	o.inFlight.Add(ctx, 1, svc)
	return ctx, func(err error, retry bool) {
		o.inFlight.Add(ctx, -1, svc)
		outcome := "ok"
		switch {
		case err != nil && retry:
			outcome = "retry"
		case err != nil:
			outcome = "failed"
		}
		attrs := o.set(KeyService, a.Service, KeyMethod, a.Method, KeyOutcome, outcome)
		o.tasks.Add(ctx, 1, attrs)
		o.latency.Record(ctx, time.Since(a.Start).Seconds(), attrs)
		if outcome != "retry" {
			o.attempts.Record(ctx, int64(a.Attempt), attrs)
		}
		if span != nil {
			span.SetAttributes(KeyOutcome.String(outcome))
			if err != nil {
				span.RecordError(err)
				span.SetStatus(codes.Error, err.Error())
			}
			span.End()
		}
	}
}

// Step counts started, finished and parked runs and pending timers, and
// records the spans of what the step applied: timers fired, signals, children
// done, and the run's own span once it finished.
func (o *Observer) Step(ctx context.Context, s *engine.Step) {
	st := s.State
	wf := o.set(KeyWorkflow, st.Name, "", "", "", "")
	if s.Started {
		o.started.Add(ctx, 1, wf)
	}
	if s.Parked {
		o.parked.Add(ctx, 1, wf)
	}
	if d := len(st.Timers) - s.TimersBefore; d != 0 {
		o.timers.Add(ctx, int64(d), wf)
	}
	if st.Status.Terminal() {
		o.finished.Add(ctx, 1, o.set(KeyWorkflow, st.Name, KeyStatus, string(st.Status), "", ""))
	}
	if o.tracing {
		o.stepSpans(ctx, s)
	}
}

// stepSpans records the spans of a step. The run's span has the span id of
// the run's trace context, so that it is the parent of the spans recorded
// before it ended, in any process; it needs the tracer provider to take its
// ids from IDGenerator.
func (o *Observer) stepSpans(ctx context.Context, s *engine.Step) {
	st := s.State
	run, ok := SpanContext(st.TraceParent)
	if !ok {
		return
	}
	rctx := trace.ContextWithRemoteSpanContext(ctx, run)
	base := []attribute.KeyValue{KeyWorkflow.String(st.Name), KeyWorkflowID.String(st.ID), KeyRunID.String(st.RunID)}
	for _, ev := range s.Events {
		var name string
		start := s.Time
		attrs := base
		switch ev.Kind {
		case history.EventTimerFired:
			name = "timer"
			if ev.Seq < len(st.Commands) {
				start = s.Time.Add(-st.Commands[ev.Seq].Duration)
			}
		case history.EventSignal:
			name = "signal " + ev.Channel
			attrs = append(attrs, KeyChannel.String(ev.Channel))
		case history.EventChildCompleted, history.EventChildFailed:
			name = "child"
			if ev.Seq < len(st.Commands) {
				name = "child " + st.Commands[ev.Seq].Name
			}
		default:
			continue
		}
		_, span := o.tracer.Start(rctx, name, trace.WithTimestamp(start), trace.WithAttributes(attrs...))
		if ev.Error != nil {
			span.SetStatus(codes.Error, ev.Error.Message)
		}
		span.End(trace.WithTimestamp(s.Time))
	}
	if !st.Status.Terminal() {
		return
	}
	pctx := ctx
	if from, ok := SpanContext(st.TraceFrom); ok {
		pctx = trace.ContextWithRemoteSpanContext(ctx, from)
	}
	pctx = WithSpanID(pctx, run.TraceID(), run.SpanID())
	opts := []trace.SpanStartOption{trace.WithTimestamp(st.Created), trace.WithAttributes(append(base, KeyStatus.String(string(st.Status)))...)}
	if st.TraceFrom == "" {
		opts = append(opts, trace.WithNewRoot())
	}
	_, span := o.tracer.Start(pctx, "workflow "+st.Name, opts...)
	if st.Error != nil {
		span.SetStatus(codes.Error, st.Error.Message)
	}
	span.End(trace.WithTimestamp(s.Time))
}

// DeadLetter counts the dead letter.
func (o *Observer) DeadLetter(ctx context.Context, topic, _ string) {
	o.deadLetters.Add(ctx, 1, o.set(KeyTopic, topic, "", "", "", ""))
}

// ObserveCache reports the engine's state cache through stats, read at each
// collection: hits, misses and evictions as counters, the size as a gauge.
// stop ends the reports (the worker stopped).
func (o *Observer) ObserveCache(stats func() engine.CacheStats) (stop func() error, err error) {
	m := o.meter
	hits, err1 := m.Int64ObservableCounter("infgen.state_cache.hits", metric.WithDescription("Workflow steps that found their workflow in the state cache."), metric.WithUnit("{step}"))
	misses, err2 := m.Int64ObservableCounter("infgen.state_cache.misses", metric.WithDescription("Workflow steps that read their workflow from storage: not in the state cache."), metric.WithUnit("{step}"))
	evictions, err3 := m.Int64ObservableCounter("infgen.state_cache.evictions", metric.WithDescription("Workflows dropped from the state cache to make room (worker.Options.CacheSize)."), metric.WithUnit("{workflow}"))
	size, err4 := m.Int64ObservableGauge("infgen.state_cache.size", metric.WithDescription("Workflows in the state cache now."), metric.WithUnit("{workflow}"))
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return nil, fmt.Errorf("create the state cache's metric instruments: %w", err)
	}
	reg, err := m.RegisterCallback(func(_ context.Context, ob metric.Observer) error {
		s := stats()
		ob.ObserveInt64(hits, int64(s.Hits))
		ob.ObserveInt64(misses, int64(s.Misses))
		ob.ObserveInt64(evictions, int64(s.Evictions))
		ob.ObserveInt64(size, int64(s.Size))
		return nil
	}, hits, misses, evictions, size)
	if err != nil {
		return nil, fmt.Errorf("observe the state cache: %w", err)
	}
	return reg.Unregister, nil
}
