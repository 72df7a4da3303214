package workflow

import (
	"encoding/json"
	"fmt"

	"github.com/infgen/infgen/runtime/internal/cloudevent"
	"github.com/infgen/infgen/runtime/internal/history"
)

// Event is an event a workflow publishes with Emit.
type Event struct {
	// Type names what happened, e.g. "payments.charge.settled"; it is the
	// CloudEvents type and names the topic ("events.<type>").
	Type string
	// Data is the event's payload, encoded as JSON.
	Data any
	// Subject is the CloudEvents subject (default: the workflow id).
	Subject string
	// DataSchema is the URI of Data's schema, if any.
	DataSchema string
}

// Emit publishes an event as a CloudEvent on the topic of its type (see
// docs/events.md). It is a step of the workflow, recorded in its history:
// the event is published once the step that emits it is saved, and never
// again when the workflow replays; its id ("<workflow id>/<run id>/<step>")
// is the same on every delivery, for subscribers to deduplicate by.
// Changing the type of an emitted event, or adding or removing an Emit,
// changes the command sequence like any other step (see versioning).
func Emit(ctx Context, ev Event) error {
	if err := cloudevent.ValidType(ev.Type); err != nil {
		return fmt.Errorf("workflow: emit: %w", err)
	}
	data, err := json.Marshal(ev.Data)
	if err != nil {
		return fmt.Errorf("workflow: emit %s: encode data: %w", ev.Type, err)
	}
	var meta map[string]string
	if ev.Subject != "" || ev.DataSchema != "" {
		meta = map[string]string{}
		if ev.Subject != "" {
			meta[history.EmitSubject] = ev.Subject
		}
		if ev.DataSchema != "" {
			meta[history.EmitDataSchema] = ev.DataSchema
		}
	}
	ctx.coroutine().Emit(history.Command{Name: ev.Type, Input: data, Codec: "json", Meta: meta})
	return nil
}
