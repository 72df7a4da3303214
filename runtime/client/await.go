package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/infgen/infgen/runtime/internal/engine"
)

// Status of a workflow.
type Status = engine.Status

// Workflow statuses.
const (
	Running   = engine.Running
	Completed = engine.Completed
	Failed    = engine.Failed
	Canceled  = engine.Canceled
)

// Outcome is a finished workflow's result.
type Outcome = engine.Outcome

// Await waits until the workflow finishes and returns its outcome. The
// returned error is about waiting (context done, unknown id); the
// workflow's own failure is in Outcome.Err. Storage errors are retried until
// ctx ends.
func (c *Client) Await(ctx context.Context, id string) (*Outcome, error) {
	return c.await(ctx, id, nil)
}

// await waits for a workflow's outcome. w, when set, is a waiter
// registered before the workflow's run was written: its notification
// cannot have been missed, so the state is read only if the notification
// does not come with the outcome within the poll interval.
func (c *Client) await(ctx context.Context, id string, w *waiter) (*Outcome, error) {
	var lastErr error
	run := 0 // the first run whose end counts (0: any)
	if w != nil {
		run = w.run
	}
	for {
		if w == nil {
			w = c.register(id, run)
			o, err := c.e.Outcome(ctx, id)
			if errors.Is(err, ErrNotFound) {
				c.forget(id, w)
				return nil, err
			}
			if err != nil {
				// The storage may be restarting: keep waiting until ctx ends.
				c.log.Warn("await: cannot read workflow state; retrying", "workflow_id", id, "error", err)
				lastErr = err
			}
			if o != nil {
				c.forget(id, w)
				return o, nil
			}
		}
		t := time.NewTimer(c.poll)
		select {
		case <-ctx.Done():
			t.Stop()
			c.forget(id, w)
			if lastErr != nil {
				return nil, fmt.Errorf("client: await %s: %w (last storage error: %v)", id, ctx.Err(), lastErr)
			}
			return nil, ctx.Err()
		case <-w.done:
			if w.outcome != nil {
				t.Stop()
				return w.outcome, nil
			}
		case <-t.C:
			c.forget(id, w)
		}
		t.Stop()
		w = nil
	}
}

// register adds a waiter for the workflow's completion notification (of
// run run or a later one, when run is set).
func (c *Client) register(id string, run int) *waiter {
	w := &waiter{run: run, done: make(chan struct{})}
	c.mu.Lock()
	c.waiters[id] = append(c.waiters[id], w)
	c.mu.Unlock()
	return w
}

// setRun sets the run a waiter waits for, and hands it the notice held
// meanwhile that it accepts, if any.
func (c *Client) setRun(id string, w *waiter, run int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	w.run = run
	for _, n := range w.held {
		if w.accepts(n) {
			c.remove(id, w)
			w.outcome = n.Outcome
			close(w.done)
			break
		}
	}
	w.held = nil
}

func (c *Client) forget(id string, w *waiter) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.remove(id, w)
}

// remove takes a waiter off the list; c.mu is held.
func (c *Client) remove(id string, w *waiter) {
	ws := c.waiters[id]
	for i, x := range ws {
		if x == w {
			c.waiters[id] = append(ws[:i], ws[i+1:]...)
			break
		}
	}
	if len(c.waiters[id]) == 0 {
		delete(c.waiters, id)
	}
}

// Result waits for a workflow and decodes its output into Out; a failed
// workflow returns its *failure.WorkflowError.
func Result[Out any](ctx context.Context, c *Client, id string) (Out, error) {
	o, err := c.Await(ctx, id)
	if err != nil {
		var out Out
		return out, err
	}
	return decodeOutcome[Out](id, o)
}

// Execute starts a workflow and waits for its result.
func Execute[Out any](ctx context.Context, c *Client, p StartParams) (Out, error) {
	var zero Out
	cmd, err := p.command(ctx)
	if err != nil {
		return zero, err
	}
	if cmd.ID == "" {
		cmd.ID = engine.NewID()
	}
	// Listen before starting, so that the new run's notification, which
	// carries the outcome, cannot be missed: no read of the state is needed.
	w := c.register(cmd.ID, -1)
	res, err := c.e.Start(ctx, cmd)
	if err != nil {
		c.forget(cmd.ID, w)
		return zero, err
	}
	if !res.Created {
		c.forget(cmd.ID, w)
		return Result[Out](ctx, c, res.ID)
	}
	c.setRun(cmd.ID, w, res.Run)
	o, err := c.await(ctx, res.ID, w)
	if err != nil {
		return zero, err
	}
	return decodeOutcome[Out](res.ID, o)
}

// decodeOutcome returns a workflow's output decoded into Out, or its error.
func decodeOutcome[Out any](id string, o *Outcome) (Out, error) {
	var out Out
	if o.Err != nil {
		return out, o.Err
	}
	if len(o.Output) > 0 {
		if err := json.Unmarshal(o.Output, &out); err != nil {
			return out, fmt.Errorf("client: decode output of %s: %w", id, err)
		}
	}
	return out, nil
}
