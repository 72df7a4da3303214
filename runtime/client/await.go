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
	var lastErr error
	for {
		ch := make(chan struct{})
		c.mu.Lock()
		c.waiters[id] = append(c.waiters[id], ch)
		c.mu.Unlock()
		o, err := c.e.Outcome(ctx, id)
		if errors.Is(err, ErrNotFound) {
			c.forget(id, ch)
			return nil, err
		}
		if err != nil {
			// The storage may be restarting: keep waiting until ctx ends.
			c.log.Warn("await: cannot read workflow state; retrying", "workflow_id", id, "error", err)
			lastErr = err
		}
		if o != nil {
			c.forget(id, ch)
			return o, nil
		}
		t := time.NewTimer(c.poll)
		select {
		case <-ctx.Done():
			t.Stop()
			c.forget(id, ch)
			if lastErr != nil {
				return nil, fmt.Errorf("client: await %s: %w (last storage error: %v)", id, ctx.Err(), lastErr)
			}
			return nil, ctx.Err()
		case <-ch:
		case <-t.C:
			c.forget(id, ch)
		}
		t.Stop()
	}
}

func (c *Client) forget(id string, ch chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ws := c.waiters[id]
	for i, w := range ws {
		if w == ch {
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
	var out Out
	o, err := c.Await(ctx, id)
	if err != nil {
		return out, err
	}
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

// Execute starts a workflow and waits for its result.
func Execute[Out any](ctx context.Context, c *Client, p StartParams) (Out, error) {
	id, err := c.Start(ctx, p)
	if err != nil {
		var zero Out
		return zero, err
	}
	return Result[Out](ctx, c, id)
}
