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
	if p.Workflow == "" {
		return "", errors.New("client: StartParams.Workflow is empty")
	}
	if p.ID == "" {
		p.ID = engine.NewID()
	}
	in, err := json.Marshal(p.Input)
	if err != nil {
		return "", fmt.Errorf("client: encode input of %s: %w", p.Workflow, err)
	}
	st := engine.NewState(p.ID, p.Workflow, in, p.Tags, "", c.now())
	if p.Timeout > 0 {
		st.Deadline = st.Created.Add(p.Timeout)
	}
	if _, err := engine.Save(ctx, c.st, st, 0, engine.CreateTags(st), nil); err != nil {
		if !errors.Is(err, storage.ErrConflict) {
			return "", fmt.Errorf("client: start %s: %w", p.ID, err)
		}
		// It exists: starting is idempotent, unless a finished one restarts.
		restarted := false
		if p.RestartIfFinished {
			if restarted, err = c.restart(ctx, st); err != nil {
				return "", err
			}
		}
		if !restarted {
			return p.ID, nil
		}
	}
	if err := c.wake(ctx, st, message.Wake, 0); err != nil {
		return p.ID, err
	}
	if p.Timeout > 0 {
		if err := c.wake(ctx, st, message.Timeout, p.Timeout); err != nil {
			return p.ID, err
		}
	}
	return p.ID, nil
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
		st.Run = max(old.Run, 1) + 1
		if version == 0 {
			st.Run = 1
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
