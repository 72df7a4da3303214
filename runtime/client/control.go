package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/infgen/infgen/runtime/internal/engine"
	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/message"
	"github.com/infgen/infgen/runtime/storage"
)

// Target selects workflows by id, or by tag (all workflows carrying it).
type Target struct {
	ID  string
	Tag string
}

// ids resolves a target to workflow ids.
func (c *Client) ids(ctx context.Context, t Target) ([]string, error) {
	if t.ID != "" {
		return []string{t.ID}, nil
	}
	if t.Tag == "" {
		return nil, errors.New("client: target needs an ID or a Tag")
	}
	return c.ListByTag(ctx, t.Tag)
}

// ListByTag returns the ids of the workflows carrying tag.
func (c *Client) ListByTag(ctx context.Context, tag string) ([]string, error) {
	return c.list(ctx, engine.UserTag(tag), "tag "+tag)
}

// ListRunning returns the ids of the workflows not finished yet.
func (c *Client) ListRunning(ctx context.Context) ([]string, error) {
	return c.list(ctx, engine.TagActive, "running workflows")
}

// ListParked returns the ids of the workflows parked because the deployed
// code cannot replay them (Describe says why).
func (c *Client) ListParked(ctx context.Context) ([]string, error) {
	return c.list(ctx, engine.TagParked, "parked workflows")
}

// list returns the workflow ids under a storage tag, in id order.
func (c *Client) list(ctx context.Context, tag, what string) ([]string, error) {
	var all []string
	after := ""
	for {
		ids, err := c.st.ListTag(ctx, &storage.ListTagParams{Tag: tag, After: after, Limit: 1000})
		if err != nil {
			return nil, fmt.Errorf("client: list %s: %w", what, err)
		}
		all = append(all, engine.IDsFromKeys(ids)...)
		if len(ids) < 1000 {
			return all, nil
		}
		after = engine.StateKey(all[len(all)-1])
	}
}

// Signal sends value (JSON-encoded) on a workflow's signal channel. The
// signal is stored before Signal returns, so it is not lost if a process
// dies. With a Tag it returns the number of running workflows signaled.
func (c *Client) Signal(ctx context.Context, t Target, channel string, value any) (int, error) {
	payload, err := json.Marshal(value)
	if err != nil {
		return 0, fmt.Errorf("client: encode signal %q: %w", channel, err)
	}
	ev := history.Event{Kind: history.EventSignal, Channel: channel, Payload: payload, ID: engine.NewID()}
	return c.deliver(ctx, t, ev)
}

// Cancel cancels workflows; their pending tasks are abandoned and their
// children canceled.
func (c *Client) Cancel(ctx context.Context, t Target) (int, error) {
	return c.deliver(ctx, t, history.Event{Kind: history.EventCancelRequested})
}

// deliver appends an event to the inbox of each target workflow and wakes it.
func (c *Client) deliver(ctx context.Context, t Target, ev history.Event) (int, error) {
	ids, err := c.ids(ctx, t)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		st, err := engine.Update(ctx, c.st, id, func(st *history.State) error {
			if st.Status.Terminal() {
				return ErrFinished
			}
			st.Inbox = append(st.Inbox, ev)
			return nil
		})
		switch {
		case errors.Is(err, storage.ErrNotFound):
			if t.ID != "" {
				return 0, fmt.Errorf("%w: %s", ErrNotFound, id)
			}
			continue
		case errors.Is(err, ErrFinished):
			if t.ID != "" {
				return 0, fmt.Errorf("%w: %s", ErrFinished, id)
			}
			continue
		case err != nil:
			return n, fmt.Errorf("client: %s to %s: %w", ev.Kind, id, err)
		}
		if err := c.wake(ctx, st, message.Wake, 0); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// RetryTasks retries the tasks whose final failure made a workflow fail: the
// failures are removed from its history and the tasks run again, so the
// workflow goes on as if they had not failed. It returns how many tasks were
// retried.
func (c *Client) RetryTasks(ctx context.Context, id string) (int, error) {
	n := 0
	// Tag first: a crash after the update must leave the workflow findable.
	if err := c.st.AddTag(ctx, &storage.TagParams{Tag: engine.TagActive, ID: engine.StateKey(id)}); err != nil {
		return 0, err
	}
	st, err := engine.Update(ctx, c.st, id, func(st *history.State) error {
		n = 0
		if st.Status != history.Failed || len(st.Batches) == 0 {
			return fmt.Errorf("client: retry tasks of %s: the workflow is %s, not failed", id, st.Status)
		}
		last := &st.Batches[len(st.Batches)-1]
		kept := last.Events[:0:0]
		for _, ev := range last.Events {
			if ev.Kind != history.EventTaskFailed {
				kept = append(kept, ev)
				continue
			}
			if st.Tasks == nil {
				st.Tasks = map[int]*history.PendingTask{}
			}
			st.Tasks[ev.Seq] = &history.PendingTask{Attempt: 1}
			n++
		}
		if n == 0 {
			return fmt.Errorf("client: retry tasks of %s: it did not fail on a task", id)
		}
		if len(kept) == 0 {
			st.Batches = st.Batches[:len(st.Batches)-1]
		} else {
			last.Events = kept
		}
		st.Status, st.Error, st.Output = history.Running, nil, nil
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, c.wake(ctx, st, message.Recover, 0)
}
