package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/infgen/infgen/runtime/internal/engine"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/transport"
)

// Description summarizes a workflow.
type Description struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Version int       `json:"version"`
	Status  Status    `json:"status"`
	Tags    []string  `json:"tags,omitempty"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	// Parked explains why the workflow cannot progress on the deployed code.
	Parked string `json:"parked,omitempty"`
	// PendingTasks, PendingTimers and PendingChildren count waiting work.
	PendingTasks    int `json:"pendingTasks"`
	PendingTimers   int `json:"pendingTimers"`
	PendingChildren int `json:"pendingChildren"`
	// Steps is the number of commands the current run issued.
	Steps int `json:"steps"`
	// Run is 1 for the first run, one more after each ContinueAsNew.
	Run int `json:"run"`
}

// Describe returns a summary of a workflow.
func (c *Client) Describe(ctx context.Context, id string) (*Description, error) {
	st, _, err := engine.Load(ctx, c.st, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	d := &Description{ID: st.ID, Name: st.Name, Version: st.Version, Status: st.Status, Tags: st.Tags,
		Created: st.Created, Updated: st.Updated, PendingTasks: len(st.Tasks), PendingTimers: len(st.Timers),
		PendingChildren: len(st.Children), Steps: len(st.Commands), Run: max(st.Run, 1)}
	if st.Parked != nil {
		d.Parked = st.Parked.Reason
	}
	return d, nil
}

// State returns a workflow's full state, history included, as JSON.
func (c *Client) State(ctx context.Context, id string) (json.RawMessage, error) {
	rec, err := c.st.Get(ctx, &storage.GetParams{ID: engine.StateKey(id)})
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	return rec.Data, nil
}

// DeadLetter is a message set aside because it could not be handled.
type DeadLetter = engine.DeadLetter

// DeadLetters lists the dead letters.
func (c *Client) DeadLetters(ctx context.Context) ([]DeadLetter, error) {
	var out []DeadLetter
	after := ""
	for {
		ids, err := c.st.ListTag(ctx, &storage.ListTagParams{Tag: engine.TagDeadLetters, After: after, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, key := range ids {
			rec, err := c.st.Get(ctx, &storage.GetParams{ID: key})
			if errors.Is(err, storage.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			var dl DeadLetter
			if err := json.Unmarshal(rec.Data, &dl); err != nil {
				return nil, fmt.Errorf("client: dead letter %s is corrupt: %w", key, err)
			}
			out = append(out, dl)
		}
		if len(ids) < 500 {
			return out, nil
		}
		after = ids[len(ids)-1]
	}
}

// Redrive publishes a dead letter again on its topic and removes it.
func (c *Client) Redrive(ctx context.Context, id string) error {
	rec, err := c.st.Get(ctx, &storage.GetParams{ID: engine.DeadLetterKey(id)})
	if err != nil {
		return fmt.Errorf("client: redrive %s: %w", id, err)
	}
	var dl DeadLetter
	if err := json.Unmarshal(rec.Data, &dl); err != nil {
		return fmt.Errorf("client: dead letter %s is corrupt: %w", id, err)
	}
	err = c.tr.Publish(ctx, &transport.PublishParams{Topic: dl.Topic, Message: transport.Message{Key: dl.Key, Payload: dl.Payload, Headers: dl.Headers}})
	if err != nil {
		return fmt.Errorf("client: redrive %s: %w", id, err)
	}
	if err := c.st.Delete(ctx, &storage.DeleteParams{ID: engine.DeadLetterKey(id), Version: rec.Version}); err != nil {
		return err
	}
	return c.st.RemoveTag(ctx, &storage.TagParams{Tag: engine.TagDeadLetters, ID: engine.DeadLetterKey(id)})
}
