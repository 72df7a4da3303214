package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/infgen/infgen/runtime/internal/engine"
)

var (
	// ErrUpdateRejected is matched (errors.Is) by the error of an update the
	// workflow rejected: its validator refused the input, or it has no
	// handler of that name. A rejected update changed nothing.
	ErrUpdateRejected = engine.ErrUpdateRejected
	// ErrUpdateFailed is matched by the error of an update whose handler
	// returned an error, or that the workflow ended (or continued as new)
	// before answering; the handler's error is the cause.
	ErrUpdateFailed = engine.ErrUpdateFailed
	// ErrUpdateNotFound is returned when waiting for an update id the
	// workflow does not have.
	ErrUpdateNotFound = engine.ErrUpdateNotFound
)

// UpdateError is the error of an update that the workflow rejected
// (Rejected, and errors.Is(err, ErrUpdateRejected)) or whose handler
// failed (errors.Is(err, ErrUpdateFailed)); Cause is the validator's or the
// handler's error.
type UpdateError = engine.UpdateError

// UpdateParams describe an update request.
type UpdateParams struct {
	// ID is the workflow's id.
	ID string
	// Update is the name of the workflow's handler (workflow.HandleUpdate).
	Update string
	// Input is encoded as JSON.
	Input any
	// UpdateID identifies the request: sending one again with the same id
	// (after a timeout, from a restarted process) does not apply it twice
	// but waits for the first one's answer. Empty generates one.
	UpdateID string
}

// Update sends an update request to a running workflow and waits for its
// answer: the JSON-encoded result of the workflow's handler. The request
// is stored before the workflow sees it, so it survives a restart of the
// workers; the wait ends with ctx (send the same UpdateID again to wait
// anew). A rejected request is an *UpdateError matching ErrUpdateRejected,
// a failed one an *UpdateError matching ErrUpdateFailed; a finished
// workflow is ErrFinished.
func (c *Client) Update(ctx context.Context, p UpdateParams) (json.RawMessage, error) {
	if p.ID == "" || p.Update == "" {
		return nil, errors.New("client: UpdateParams.ID and UpdateParams.Update are required")
	}
	in, err := json.Marshal(p.Input)
	if err != nil {
		return nil, fmt.Errorf("client: encode the input of update %q: %w", p.Update, err)
	}
	uid, err := c.e.Update(ctx, p.ID, engine.UpdateCommand{Name: p.Update, ID: p.UpdateID, Payload: in})
	if err != nil {
		return nil, err
	}
	o, err := c.awaitUpdate(ctx, p.ID, uid)
	if err != nil {
		return nil, err
	}
	return o.Output, o.Err
}

// awaitUpdate waits for the answer to an update request, woken by the
// workflow's notifications and polling in case one was missed.
func (c *Client) awaitUpdate(ctx context.Context, id, updateID string) (*engine.UpdateOutcome, error) {
	var lastErr error
	for {
		w := c.register(id, 0)
		o, err := c.e.UpdateOutcome(ctx, id, updateID)
		switch {
		case errors.Is(err, ErrNotFound), errors.Is(err, ErrUpdateNotFound):
			c.forget(id, w)
			return nil, err
		case err != nil:
			c.log.Warn("update: cannot read workflow state; retrying", "workflow_id", id, "update_id", updateID, "error", err)
			lastErr = err
		case o != nil:
			c.forget(id, w)
			return o, nil
		}
		t := time.NewTimer(c.poll)
		select {
		case <-ctx.Done():
			t.Stop()
			c.forget(id, w)
			if lastErr != nil {
				return nil, fmt.Errorf("client: update %s of %s: %w (last storage error: %v)", updateID, id, ctx.Err(), lastErr)
			}
			return nil, fmt.Errorf("client: update %s of %s: no answer yet: %w", updateID, id, ctx.Err())
		case <-w.done:
		case <-t.C:
			c.forget(id, w)
		}
		t.Stop()
	}
}

// Update sends an update request to the running workflow id, for its
// handler name, and returns the handler's result decoded into Out; see
// Client.Update.
func Update[Out any](ctx context.Context, c *Client, id, name string, in any) (Out, error) {
	var out Out
	raw, err := c.Update(ctx, UpdateParams{ID: id, Update: name, Input: in})
	if err != nil {
		return out, err
	}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			return out, fmt.Errorf("client: decode the result of update %q of %s: %w", name, id, err)
		}
	}
	return out, nil
}
