package events

import (
	"context"
	"encoding/json"

	"github.com/infgen/infgen/runtime/client"
)

// StartWorkflow returns a handler that starts workflow with the input
// input returns for the event. The workflow's id is derived from the
// event's ("<workflow>/<event id>"), so that starting is idempotent: a
// redelivered event, or one handled again after a crash, finds the
// workflow it started and starts no other.
func StartWorkflow(c *client.Client, workflow string, input func(ev *Event) (any, error)) Handler {
	return func(ctx context.Context, ev *Event) error {
		in, err := input(ev)
		if err != nil {
			return err
		}
		_, err = c.Start(ctx, client.StartParams{Workflow: workflow, ID: WorkflowID(workflow, ev), Input: in})
		return err
	}
}

// WorkflowID is the id StartWorkflow gives the workflow it starts for ev.
func WorkflowID(workflow string, ev *Event) string { return workflow + "/" + ev.ID }

// SignalWorkflow returns a handler that sends a SignalValue (the event's
// id, type and data) on channel to the workflows target returns. To a
// workflow named by id the signal is sent once per event id
// (client.SignalOnce, keyed by the event id): an event handled again after
// a crash does not signal twice. To workflows named by tag it is a plain
// signal to each, which a handling cut short and run again repeats.
func SignalWorkflow(c *client.Client, channel string, target func(ev *Event) client.Target) Handler {
	return func(ctx context.Context, ev *Event) error {
		v := SignalValue{ID: ev.ID, Type: ev.Type, Data: ev.Data}
		t := target(ev)
		if t.ID != "" {
			return c.SignalOnce(ctx, t.ID, channel, "event:"+ev.ID, v)
		}
		_, err := c.Signal(ctx, t, channel, v)
		return err
	}
}

// SignalValue is the value SignalWorkflow sends: the event's id, type and
// data.
type SignalValue struct {
	ID   string          `json:"id"`
	Type string          `json:"type"`
	Data json.RawMessage `json:"data,omitempty"`
}
