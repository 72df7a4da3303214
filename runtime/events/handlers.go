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
// id, type and data) on channel to the workflows target returns. Signals
// are deduplicated by the subscription like any handling, but a handling
// cut short by a crash after the signal was sent sends it again: a
// workflow that must not act twice keeps the ids it has seen.
func SignalWorkflow(c *client.Client, channel string, target func(ev *Event) client.Target) Handler {
	return func(ctx context.Context, ev *Event) error {
		_, err := c.Signal(ctx, target(ev), channel, SignalValue{ID: ev.ID, Type: ev.Type, Data: ev.Data})
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
