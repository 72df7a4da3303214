package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/infgen/infgen/runtime/internal/engine"
)

// Target selects workflows by id, or by tag (all workflows carrying it).
type Target struct {
	ID  string
	Tag string
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

func (c *Client) list(ctx context.Context, tag, what string) ([]string, error) {
	ids, err := c.e.List(ctx, tag)
	if err != nil {
		return nil, fmt.Errorf("client: list %s: %w", what, err)
	}
	return ids, nil
}

// Signal sends value (JSON-encoded) on a workflow's signal channel. The
// signal is stored before Signal returns, so it is not lost if a process
// dies. With a Tag it returns the number of running workflows signaled.
func (c *Client) Signal(ctx context.Context, t Target, channel string, value any) (int, error) {
	payload, err := json.Marshal(value)
	if err != nil {
		return 0, fmt.Errorf("client: encode signal %q: %w", channel, err)
	}
	s := engine.Signal{Channel: channel, Payload: payload}
	return c.each(ctx, t, func(id string) error { return c.e.Signal(ctx, id, s) })
}

// SignalOnce sends value on workflow id's signal channel at most once per
// key (a webhook's delivery id): when the instance already received a signal
// with key — the instance keeps the last history.MaxSignalKeys keys —
// nothing changes and SignalOnce returns nil, even if the instance has
// finished since. Without a key it is Signal by id.
func (c *Client) SignalOnce(ctx context.Context, id, channel, key string, value any) error {
	if id == "" {
		return errors.New("client: SignalOnce needs a workflow id")
	}
	payload, err := json.Marshal(value)
	if err != nil {
		return fmt.Errorf("client: encode signal %q: %w", channel, err)
	}
	return c.e.Signal(ctx, id, engine.Signal{Channel: channel, Payload: payload, Key: key})
}

// Cancel cancels workflows; their pending tasks are abandoned and their
// children canceled.
func (c *Client) Cancel(ctx context.Context, t Target) (int, error) {
	return c.each(ctx, t, func(id string) error { return c.e.Cancel(ctx, id) })
}

// each applies a command to the target's workflows. With a tag, the
// workflows that finished or vanished meanwhile are skipped.
func (c *Client) each(ctx context.Context, t Target, cmd func(id string) error) (int, error) {
	if t.ID != "" {
		if err := cmd(t.ID); err != nil {
			return 0, err
		}
		return 1, nil
	}
	if t.Tag == "" {
		return 0, errors.New("client: target needs an ID or a Tag")
	}
	ids, err := c.ListByTag(ctx, t.Tag)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		err := cmd(id)
		switch {
		case errors.Is(err, ErrNotFound), errors.Is(err, ErrFinished):
			continue
		case err != nil:
			return n, err
		}
		n++
	}
	return n, nil
}

// RetryTasks retries the tasks whose final failure made a workflow fail: the
// failures are removed from its history and the tasks run again, so the
// workflow goes on as if they had not failed. It returns how many tasks were
// retried. A workflow that did not fail on a task is an ErrNotFailed error,
// and is left as it was.
func (c *Client) RetryTasks(ctx context.Context, id string) (int, error) {
	return c.e.RetryTasks(ctx, id)
}

// ListParams select a page of workflow ids, in id order. The ids come from
// one storage index: those carrying Tag; else, with Name, the workflows of
// that name; else the running ones, or the parked ones with Parked (or
// Status "parked"). They start with Prefix, come after the id After (the
// previous page's Next), and number at most Limit (1 to 1000).
//
// Name (beside a Tag, or with Parked), Status and the time ranges are not
// served by an index: each candidate's state is read, at most
// engine.MaxFilterScan (1,000) per page, so such a page may hold fewer than
// Limit ids, even none, and still have a Next.
type ListParams struct {
	Tag    string
	Parked bool
	// Name keeps the workflows of that name.
	Name string
	// Status keeps the workflows in that status: running, parked,
	// completed, failed or canceled. Without a Tag or a Name only running
	// or parked can be listed: no index holds every workflow.
	Status Status
	Prefix string
	After  string
	Limit  int
	// StartedAfter and StartedBefore bound when the workflow's current run
	// started, UpdatedAfter and UpdatedBefore when it last changed (after:
	// included, before: excluded; zero: no bound).
	StartedAfter, StartedBefore time.Time
	UpdatedAfter, UpdatedBefore time.Time
}

// Parked is the ListParams status of a running workflow parked because the
// deployed code cannot replay it.
const Parked Status = engine.StatusParked

// ListPage is a page of workflow ids in id order; Next is the After of the
// following page ("" on the last).
type ListPage struct {
	IDs  []string `json:"ids"`
	Next string   `json:"next,omitempty"`
}

// List returns one page of workflow ids. Without the filters that no index
// serves (see ListParams), it reads one page of storage however many
// workflows there are.
func (c *Client) List(ctx context.Context, p ListParams) (*ListPage, error) {
	q := engine.ListQuery{Prefix: p.Prefix, After: p.After, Limit: p.Limit, Filter: engine.ListFilter{
		Name: p.Name, Status: string(p.Status),
		StartedFrom: p.StartedAfter, StartedTo: p.StartedBefore, UpdatedFrom: p.UpdatedAfter, UpdatedTo: p.UpdatedBefore}}
	parked := p.Parked || p.Status == Parked
	var what string
	switch {
	case p.Tag != "":
		q.Tag, what = engine.UserTag(p.Tag), "tag "+p.Tag
		if p.Parked {
			q.Filter.Status = engine.StatusParked
		}
	case parked:
		q.Tag, what = engine.TagParked, "parked workflows"
		q.Filter.Status = ""
	case p.Name != "":
		q.Tag, what = engine.NameTag(p.Name), "workflows "+p.Name
		q.Filter.Name = ""
	case p.Status == "" || p.Status == Running:
		q.Tag, what = engine.TagActive, "running workflows"
		q.Filter.Status = ""
	default:
		return nil, fmt.Errorf("client: list %s workflows: give a name or a tag as well: no index holds every workflow", p.Status)
	}
	ids, next, err := c.e.ListPage(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("client: list %s: %w", what, err)
	}
	return &ListPage{IDs: ids, Next: next}, nil
}

// Restart starts a new run of a finished workflow with the input and tags
// of its last run, and returns the new run's number. A workflow that runs
// is an ErrNotFinished error, and is left as it was.
func (c *Client) Restart(ctx context.Context, id string) (int, error) {
	return c.e.Restart(ctx, id)
}

// DropDeadLetter takes a dead letter off the list without publishing it
// again (the record stays, marked dropped). An unknown id, or one already
// re-driven or dropped, is an ErrNoDeadLetter error.
func (c *Client) DropDeadLetter(ctx context.Context, id string) error {
	return c.e.DropDeadLetter(ctx, id)
}
