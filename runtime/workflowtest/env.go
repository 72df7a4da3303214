package workflowtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/infgen/infgen/runtime/client"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// Env runs services and workflows in memory on a virtual clock, for tests of
// workflows that wait for days or months: whenever every workflow is waiting
// for a timer (nothing queued, no task running), the clock jumps to the next
// due timer. Timers, retry back-off and workflow deadlines are skipped this
// way; tasks run in real time (a service under test may be a real HTTP
// server). workflow.Now follows the virtual clock.
//
// Time moves only inside Result, Execute and Sleep: between those calls the
// test can start workflows and send signals at a fixed virtual time.
type Env struct {
	t       testing.TB
	clock   *virtualClock
	tr      *memory.Transport
	timeout time.Duration
	updates atomic.Uint64 // numbers the update requests of Update
	settled atomic.Uint64 // the transport's activity count when settle last returned
	// Worker hosts the services and workflows registered by NewEnv's register.
	Worker *worker.Worker
	// Client talks to the workflows (Describe, State, Signal, Cancel…).
	Client *client.Client
}

// EnvOption adjusts NewEnv.
type EnvOption func(*envOptions)

type envOptions struct {
	start   time.Time
	logger  *slog.Logger
	timeout time.Duration
}

// WithStartTime sets the virtual time the environment starts at (default:
// the real time).
func WithStartTime(t time.Time) EnvOption { return func(o *envOptions) { o.start = t } }

// WithLogger sends the worker's logs to l (default: discarded).
func WithLogger(l *slog.Logger) EnvOption { return func(o *envOptions) { o.logger = l } }

// WithTimeout bounds, in real time, each Result, Execute and Sleep call
// (default one minute).
func WithTimeout(d time.Duration) EnvOption { return func(o *envOptions) { o.timeout = d } }

// NewEnv returns a started environment whose worker has what register
// registered (generated Register functions, worker.RegisterWorkflow, …).
// It is closed when the test ends.
func NewEnv(t testing.TB, register func(w *worker.Worker) error, opts ...EnvOption) *Env {
	t.Helper()
	o := envOptions{logger: slog.New(slog.DiscardHandler), timeout: time.Minute}
	for _, f := range opts {
		f(&o)
	}
	clock := newVirtualClock(o.start)
	tr := memory.New(memory.WithClock(clock))
	st := memstore.New()
	w, err := worker.New(worker.Options{Transport: tr, Storage: st, Logger: o.logger, Now: clock.Now})
	if err != nil {
		t.Fatalf("workflowtest: %v", err)
	}
	if err := register(w); err != nil {
		t.Fatalf("workflowtest: register: %v", err)
	}
	ctx := context.Background()
	if err := w.Start(ctx); err != nil {
		t.Fatalf("workflowtest: start worker: %v", err)
	}
	c, err := client.New(ctx, client.Options{Transport: tr, Storage: st, Logger: o.logger, PollInterval: 10 * time.Millisecond, Now: clock.Now})
	if err != nil {
		t.Fatalf("workflowtest: %v", err)
	}
	e := &Env{t: t, clock: clock, tr: tr, timeout: o.timeout, Worker: w, Client: c}
	t.Cleanup(func() {
		_ = c.Close()
		_ = w.Stop()
		_ = tr.Close()
		clock.stop()
		_ = st.Close()
	})
	return e
}

// Now returns the virtual time.
func (e *Env) Now() time.Time { return e.clock.Now() }

// Start starts a workflow (the test fails if it cannot) and returns its id.
// Time does not move.
func (e *Env) Start(p client.StartParams) string {
	e.t.Helper()
	id, err := e.Client.Start(context.Background(), p)
	if err != nil {
		e.t.Fatalf("workflowtest: %v", err)
	}
	return id
}

// Signal sends value on a workflow's signal channel (the test fails if it
// cannot). Time does not move.
func (e *Env) Signal(id, channel string, value any) {
	e.t.Helper()
	if _, err := e.Client.Signal(context.Background(), client.Target{ID: id}, channel, value); err != nil {
		e.t.Fatalf("workflowtest: %v", err)
	}
}

// Sleep moves the virtual time forward by d, firing the timers due on the
// way in order and letting the workflows react to each.
func (e *Env) Sleep(d time.Duration) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), e.timeout)
	defer cancel()
	target := e.clock.Now().Add(d)
	for {
		if err := e.settle(ctx); err != nil {
			e.t.Fatalf("workflowtest: Sleep(%s): %v", d, err)
		}
		due, ok := e.clock.next()
		if !ok || due.After(target) {
			break
		}
		e.clock.advanceTo(due)
	}
	e.clock.advanceTo(target)
	if err := e.settle(ctx); err != nil {
		e.t.Fatalf("workflowtest: Sleep(%s): %v", d, err)
	}
}

// Execute starts a workflow and returns its result, skipping the time it
// waits for.
func Execute[Out any](e *Env, p client.StartParams) (Out, error) {
	e.t.Helper()
	return Result[Out](e, e.Start(p))
}

// StartRef starts the workflow ref refers to with input in (the test fails if
// it cannot) and returns its id, as client.StartRef does. Time does not move.
func StartRef[In, Out any](e *Env, ref workflow.Ref[In, Out], in In, p client.StartParams) string {
	e.t.Helper()
	id, err := client.StartRef(context.Background(), e.Client, ref, in, p)
	if err != nil {
		e.t.Fatalf("workflowtest: %v", err)
	}
	return id
}

// ExecuteRef starts the workflow ref refers to with input in and returns its
// result, skipping the time it waits for.
func ExecuteRef[In, Out any](e *Env, ref workflow.Ref[In, Out], in In, p client.StartParams) (Out, error) {
	e.t.Helper()
	return Result[Out](e, StartRef(e, ref, in, p))
}

// Result returns the result of a workflow, moving the virtual clock to each
// next timer while the workflow waits. A workflow that waits for something
// no timer will bring (a signal the test did not send) returns an error
// saying so rather than hanging.
func Result[Out any](e *Env, id string) (Out, error) {
	var zero Out
	ctx, cancel := context.WithTimeout(context.Background(), e.timeout)
	defer cancel()
	for {
		if err := e.settle(ctx); err != nil {
			return zero, fmt.Errorf("workflowtest: result of %s: %w", id, err)
		}
		d, err := e.Client.Describe(ctx, id)
		if err != nil {
			return zero, err
		}
		switch {
		case d.Status.Terminal():
			return client.Result[Out](ctx, e.Client, id)
		case d.Parked != "":
			return zero, fmt.Errorf("workflowtest: workflow %s is parked: %s", id, d.Parked)
		}
		due, ok := e.clock.next()
		if !ok && !e.stillQuiet() {
			continue // a timer fired on its own meanwhile (a short back-off): settle again
		}
		if !ok {
			return zero, fmt.Errorf("workflowtest: workflow %s (%s) waits and nothing will wake it: no timer is due and no message is in flight; "+
				"send what it waits for (Env.Signal) before asking for its result", id, d.Name)
		}
		e.clock.advanceTo(due)
	}
}

// stillQuiet reports whether nothing happened since settle returned: no
// message queued or handled, no callback of the clock running. A short
// timer fires by itself in real time, and may have fired since.
func (e *Env) stillQuiet() bool {
	n, activity := e.tr.Busy()
	return n == 0 && activity == e.settled.Load() && !e.clock.busy()
}

// settle waits until no message is queued or being handled and no delayed
// message is being handed over by the clock, twice in a row with no
// activity in between.
func (e *Env) settle(ctx context.Context) error {
	var last uint64
	quiet := 0
	for quiet < 2 {
		n, activity := e.tr.Busy()
		switch {
		case n == 0 && activity == last && !e.clock.busy():
			quiet++
		default:
			quiet = 0
		}
		last = activity
		e.settled.Store(activity)
		select {
		case <-ctx.Done():
			return errors.New("the workflows did not settle in time (a task still running?): raise WithTimeout")
		case <-time.After(time.Millisecond):
		}
	}
	return nil
}

// Update sends an update request to a workflow (the test fails if it cannot
// be stored) and returns the handler's answer decoded into Out, moving the
// virtual clock to each next timer while the workflow works on it, as
// Result does. A rejected update is an error matching
// client.ErrUpdateRejected.
func Update[Out any](e *Env, id, name string, in any) (Out, error) {
	e.t.Helper()
	var zero Out
	ctx, cancel := context.WithTimeout(context.Background(), e.timeout)
	defer cancel()
	type answer struct {
		out Out
		err error
	}
	uid := "workflowtest-" + strconv.FormatUint(e.updates.Add(1), 10)
	answers := make(chan answer, 1)
	go func() {
		raw, err := e.Client.Update(ctx, client.UpdateParams{ID: id, Update: name, Input: in, UpdateID: uid})
		var out Out
		if err == nil && len(raw) > 0 {
			if derr := json.Unmarshal(raw, &out); derr != nil {
				err = fmt.Errorf("workflowtest: decode the result of update %q: %w", name, derr)
			}
		}
		answers <- answer{out, err}
	}()
	// Time stands still until the request is stored.
	for {
		select {
		case a := <-answers: // refused at once (finished, unknown id)
			return a.out, a.err
		case <-ctx.Done():
			return zero, fmt.Errorf("workflowtest: update %q of %s was not stored in time", name, id)
		case <-time.After(time.Millisecond):
		}
		raw, err := e.Client.State(ctx, id)
		if err == nil && bytes.Contains(raw, []byte(strconv.Quote(uid))) {
			break
		}
	}
	for {
		if err := e.settle(ctx); err != nil {
			return zero, fmt.Errorf("workflowtest: update %q of %s: %w", name, id, err)
		}
		select {
		case a := <-answers:
			return a.out, a.err
		default:
		}
		due, ok := e.clock.next()
		if !ok {
			a := <-answers // no timer will move: the answer is on its way, or ctx ends
			return a.out, a.err
		}
		e.clock.advanceTo(due)
	}
}
