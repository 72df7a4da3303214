package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/infgen/infgen/runtime/internal/engine"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/transport"
)

var (
	// ErrFinished is returned when signaling or canceling a finished workflow.
	ErrFinished = engine.ErrFinished
	// ErrNotFound is returned for an unknown workflow id.
	ErrNotFound = engine.ErrNotFound
	// ErrNotFailed is returned by RetryTasks for a workflow that did not
	// fail on a task.
	ErrNotFailed = engine.ErrNotFailed
	// ErrUnknownWorkflow is matched by the error of starting a workflow
	// name that no worker has registered on the store.
	ErrUnknownWorkflow = engine.ErrUnknownWorkflow
	// ErrNoDeadLetter is returned by Redrive for an unknown dead letter id.
	ErrNoDeadLetter = engine.ErrNoDeadLetter
	// ErrNotFinished is returned by Restart for a workflow that runs.
	ErrNotFinished = engine.ErrNotFinished
)

// UnknownWorkflowError is the error of starting a workflow name that no
// worker has registered on the store; Suggestions are the closest
// registered names.
type UnknownWorkflowError = engine.UnknownWorkflowError

// Options configure a Client.
type Options struct {
	Transport transport.Transport
	Storage   storage.Storage
	Logger    *slog.Logger
	// PollInterval is how often Await re-reads the state in case a
	// completion notification was missed (default 1s).
	PollInterval time.Duration
	// Now is the clock of start times and workflow deadlines (default
	// time.Now; a test environment passes a virtual clock).
	Now func() time.Time
}

// Client talks to workflows.
type Client struct {
	e    *engine.Engine
	tr   transport.Transport
	log  *slog.Logger
	poll time.Duration

	mu      sync.Mutex
	waiters map[string][]*waiter
	sub     transport.Subscription
}

// waiter waits for a workflow's notifications (its completion, the answer
// to an update).
type waiter struct {
	// run, when positive, is the first run whose completion counts: the
	// end of an earlier run of the workflow leaves the waiter waiting; -1
	// while that run is not known yet, the notices being held meanwhile.
	run  int
	held []engine.Notice
	done chan struct{}
	// outcome is set before done is closed when the notification carried
	// it; else the waiter reads the state.
	outcome *Outcome
}

// New returns a client and subscribes it to completion notifications.
func New(ctx context.Context, o Options) (*Client, error) {
	if o.Transport == nil || o.Storage == nil {
		return nil, errors.New("client: Options.Transport and Options.Storage are required")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	e := engine.New(engine.Options{Transport: o.Transport, Storage: o.Storage, Logger: o.Logger, Now: o.Now})
	c := &Client{e: e, tr: o.Transport, log: o.Logger, poll: o.PollInterval, waiters: map[string][]*waiter{}}
	sub, err := e.WatchCompletions(ctx, c.onCompleted)
	if err != nil {
		return nil, fmt.Errorf("client: subscribe to completions: %w", err)
	}
	c.sub = sub
	return c, nil
}

// Close stops the client's subscription.
func (c *Client) Close() error { return c.sub.Close() }

// accepts reports whether a notice is one the waiter waits for.
func (w *waiter) accepts(n engine.Notice) bool {
	return w.run <= 0 || n.Run <= 0 || n.Run >= w.run
}

// onCompleted wakes the calls waiting for a workflow's notifications,
// handing them the outcome a completion notice carries.
func (c *Client) onCompleted(n engine.Notice) {
	c.mu.Lock()
	ws := c.waiters[n.WorkflowID]
	var woken []*waiter
	kept := ws[:0]
	for _, w := range ws {
		switch {
		case w.run < 0:
			w.held = append(w.held, n)
			kept = append(kept, w)
		case !w.accepts(n):
			kept = append(kept, w) // the end of an earlier run
		default:
			woken = append(woken, w)
		}
	}
	if len(kept) == 0 {
		delete(c.waiters, n.WorkflowID)
	} else {
		c.waiters[n.WorkflowID] = kept
	}
	c.mu.Unlock()
	for _, w := range woken {
		w.outcome = n.Outcome
		close(w.done)
	}
}

// StartParams describe a workflow to start.
type StartParams struct {
	// Workflow is the registered name.
	Workflow string
	// ID is the workflow id; empty generates one. Starting an id that exists
	// returns that instance (idempotent start).
	ID string
	// Input is encoded as JSON.
	Input any
	// Tags let Signal and Cancel address groups of workflows.
	Tags []string
	// Timeout, when positive, fails the workflow if it has not finished by then.
	Timeout time.Duration
	// RestartIfFinished starts a new run when an instance with ID exists but
	// has finished (completed, failed or canceled): a customer who comes
	// back, a job run again. The finished run's state and history are
	// replaced (keep them with State first if they matter); Describe counts
	// the run. A running instance is returned as it is, as without it.
	RestartIfFinished bool
	// AllowUnregistered starts the workflow even though no worker has ever
	// registered its name on this store (it waits until one does); without
	// it such a start fails with ErrUnknownWorkflow, as a misspelt name
	// would otherwise wait forever.
	AllowUnregistered bool
}

// Start starts a workflow (or finds the existing one with the same id) and
// returns its id at once. A workflow name that no worker has ever
// registered on this store is an *UnknownWorkflowError (errors.Is
// ErrUnknownWorkflow) naming the closest registered names, unless
// p.AllowUnregistered is set.
func (c *Client) Start(ctx context.Context, p StartParams) (string, error) {
	cmd, err := p.command(ctx)
	if err != nil {
		return "", err
	}
	res, err := c.e.Start(ctx, cmd)
	if err != nil {
		return "", err
	}
	return res.ID, nil
}

// SignalWithStart sends value on a workflow's signal channel, starting the
// workflow first (p's input and tags) when no instance with p.ID exists:
// the signal travels in the same write as the start, so it is never lost
// between the two. An instance that has finished is an ErrFinished error,
// unless p.RestartIfFinished starts a new run with the signal waiting.
// It is the way to feed events to one workflow per entity (a customer, an
// order) without knowing whether it runs yet.
func (c *Client) SignalWithStart(ctx context.Context, p StartParams, channel string, value any) (string, error) {
	return c.SignalWithStartOnce(ctx, p, channel, "", value)
}

// SignalWithStartOnce is SignalWithStart delivering the signal at most once
// per key (a webhook's delivery id): when the instance already received a
// signal with key, nothing changes and the call succeeds — even if the
// instance has finished since. An empty key deduplicates nothing.
func (c *Client) SignalWithStartOnce(ctx context.Context, p StartParams, channel, key string, value any) (string, error) {
	if p.ID == "" {
		return "", errors.New("client: SignalWithStart needs StartParams.ID (the workflow to signal)")
	}
	cmd, err := p.command(ctx)
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(value)
	if err != nil {
		return "", fmt.Errorf("client: encode signal %q: %w", channel, err)
	}
	cmd.Signal = &engine.Signal{Channel: channel, Payload: payload, Key: key}
	res, err := c.e.Start(ctx, cmd)
	if err != nil {
		return "", err
	}
	return res.ID, nil
}

// command checks p and returns the engine's start command; the span in ctx,
// if any, becomes the parent of the run's span.
func (p *StartParams) command(ctx context.Context) (*engine.StartCommand, error) {
	if p.Workflow == "" {
		return nil, errors.New("client: StartParams.Workflow is empty")
	}
	in, err := json.Marshal(p.Input)
	if err != nil {
		return nil, fmt.Errorf("client: encode input of %s: %w", p.Workflow, err)
	}
	cmd := &engine.StartCommand{Workflow: p.Workflow, ID: p.ID, Input: in, Tags: p.Tags, Timeout: p.Timeout,
		RestartIfFinished: p.RestartIfFinished, AllowUnregistered: p.AllowUnregistered}
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		cmd.TraceParent = "00-" + sc.TraceID().String() + "-" + sc.SpanID().String() + "-" + sc.TraceFlags().String()
	}
	return cmd, nil
}
