package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/infgen/infgen/runtime/internal/engine"
	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/message"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/transport"
)

// ErrFinished is returned when signaling or canceling a finished workflow.
var ErrFinished = errors.New("client: workflow already finished")

// ErrNotFound is returned for an unknown workflow id.
var ErrNotFound = errors.New("client: workflow not found")

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
	tr   transport.Transport
	st   storage.Storage
	log  *slog.Logger
	poll time.Duration
	now  func() time.Time

	mu      sync.Mutex
	waiters map[string][]chan struct{}
	sub     transport.Subscription
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
	c := &Client{tr: o.Transport, st: o.Storage, log: o.Logger, poll: o.PollInterval, now: o.Now, waiters: map[string][]chan struct{}{}}
	sub, err := o.Transport.Subscribe(ctx, &transport.SubscribeParams{
		Topic: message.CompletedTopic, Subscription: "client-" + engine.NewID(), Mode: transport.Shared,
		Handler: c.onCompleted, Concurrency: 1, Ephemeral: true,
	})
	if err != nil {
		return nil, fmt.Errorf("client: subscribe to completions: %w", err)
	}
	c.sub = sub
	return c, nil
}

// Close stops the client's subscription.
func (c *Client) Close() error { return c.sub.Close() }

func (c *Client) onCompleted(_ context.Context, d *transport.Delivery) error {
	env, err := message.Decode(d.Payload)
	if err != nil {
		return nil // not ours to dead-letter: notifications are best effort
	}
	c.mu.Lock()
	ws := c.waiters[env.WorkflowID]
	delete(c.waiters, env.WorkflowID)
	c.mu.Unlock()
	for _, w := range ws {
		close(w)
	}
	return nil
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
}

// Start starts a workflow (or finds the existing one with the same id) and
// returns its id at once.
func (c *Client) Start(ctx context.Context, p StartParams) (string, error) {
	st, err := c.newState(&p)
	if err != nil {
		return "", err
	}
	if err := c.create(ctx, st, p); err != nil {
		if errors.Is(err, errExists) {
			return p.ID, nil // starting is idempotent
		}
		return "", err
	}
	return p.ID, c.launch(ctx, st, p)
}

// SignalWithStart sends value on a workflow's signal channel, starting the
// workflow first (p's input and tags) when no instance with p.ID exists:
// the signal travels in the same write as the start, so it is never lost
// between the two. An instance that has finished is an ErrFinished error,
// unless p.RestartIfFinished starts a new run with the signal waiting.
// It is the way to feed events to one workflow per entity (a customer, an
// order) without knowing whether it runs yet.
func (c *Client) SignalWithStart(ctx context.Context, p StartParams, channel string, value any) (string, error) {
	if p.ID == "" {
		return "", errors.New("client: SignalWithStart needs StartParams.ID (the workflow to signal)")
	}
	payload, err := json.Marshal(value)
	if err != nil {
		return "", fmt.Errorf("client: encode signal %q: %w", channel, err)
	}
	ev := history.Event{Kind: history.EventSignal, Channel: channel, Payload: payload, ID: engine.NewID()}
	st, err := c.newState(&p)
	if err != nil {
		return "", err
	}
	st.Inbox = append(st.Inbox, ev)
	for i := 0; ; i++ {
		err := c.create(ctx, st, p)
		if err == nil {
			return p.ID, c.launch(ctx, st, p)
		}
		if !errors.Is(err, errExists) {
			return "", err
		}
		// It exists (and did not restart): signal it where it is.
		_, err = c.deliver(ctx, Target{ID: p.ID}, ev)
		if errors.Is(err, ErrNotFound) && i < 3 {
			continue // deleted meanwhile: create it
		}
		return p.ID, err
	}
}

// errExists reports, from create, an instance that exists and was kept.
var errExists = errors.New("client: the workflow exists")

// newState checks p, fills in a missing id, and returns the state of the
// workflow it starts.
func (c *Client) newState(p *StartParams) (*history.State, error) {
	if p.Workflow == "" {
		return nil, errors.New("client: StartParams.Workflow is empty")
	}
	if p.ID == "" {
		p.ID = engine.NewID()
	}
	in, err := json.Marshal(p.Input)
	if err != nil {
		return nil, fmt.Errorf("client: encode input of %s: %w", p.Workflow, err)
	}
	st := engine.NewState(p.ID, p.Workflow, in, p.Tags, "", c.now())
	if p.Timeout > 0 {
		st.Deadline = st.Created.Add(p.Timeout)
	}
	return st, nil
}

// create writes st as a new instance, or as a new run of a finished one
// with p.RestartIfFinished; errExists when an instance is kept instead.
func (c *Client) create(ctx context.Context, st *history.State, p StartParams) error {
	_, err := engine.Save(ctx, c.st, st, 0, engine.CreateTags(st), nil)
	switch {
	case err == nil:
		return nil
	case !errors.Is(err, storage.ErrConflict):
		return fmt.Errorf("client: start %s: %w", p.ID, err)
	case !p.RestartIfFinished:
		return errExists
	}
	restarted, err := c.restart(ctx, st)
	switch {
	case err != nil:
		return err
	case !restarted:
		return errExists
	}
	return nil
}

// launch wakes a created workflow's engine, and schedules its timeout.
func (c *Client) launch(ctx context.Context, st *history.State, p StartParams) error {
	if err := c.wake(ctx, st, message.Wake, 0); err != nil {
		return err
	}
	if p.Timeout > 0 {
		return c.wake(ctx, st, message.Timeout, p.Timeout)
	}
	return nil
}

// restart replaces a finished instance with st, a new run; it reports false
// when the instance is running.
func (c *Client) restart(ctx context.Context, st *history.State) (bool, error) {
	for i := 0; ; i++ {
		old, version, err := engine.Load(ctx, c.st, st.ID)
		if errors.Is(err, storage.ErrNotFound) { // deleted meanwhile: create
			version, old = 0, &history.State{}
		} else if err != nil {
			return false, fmt.Errorf("client: restart %s: %w", st.ID, err)
		}
		if version > 0 && !old.Status.Terminal() {
			return false, nil
		}
		st.Run = 1
		if version > 0 {
			st.Run = max(old.Run, 1) + 1
		}
		var remove []string
		for _, t := range old.Tags {
			if !slices.Contains(st.Tags, t) {
				remove = append(remove, engine.UserTag(t))
			}
		}
		_, err = engine.Save(ctx, c.st, st, version, engine.CreateTags(st), remove)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, storage.ErrConflict) && i < 20:
			continue // changed meanwhile: look again
		}
		return false, fmt.Errorf("client: restart %s: %w", st.ID, err)
	}
}

// wake publishes a message to a workflow's engine.
func (c *Client) wake(ctx context.Context, st *history.State, kind message.Kind, delay time.Duration) error {
	payload, err := message.Encode(&message.Envelope{Kind: kind, ID: engine.NewID(), WorkflowID: st.ID, WorkflowName: st.Name})
	if err != nil {
		return err
	}
	headers := map[string]string{}
	if tp := engine.ChildSpan(st.TraceParent); tp != "" {
		headers["traceparent"] = tp
	}
	err = c.tr.Publish(ctx, &transport.PublishParams{
		Topic:        message.WorkflowTopic(st.Name),
		Message:      transport.Message{Key: st.ID, Payload: payload, Headers: headers},
		DeliverAfter: delay,
	})
	if err != nil {
		return fmt.Errorf("client: notify workflow %s (its request is stored and a worker restart will pick it up): %w", st.ID, err)
	}
	return nil
}
