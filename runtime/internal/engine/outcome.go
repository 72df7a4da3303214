package engine

import (
	"encoding/json"
	"time"

	"github.com/infgen/infgen/runtime/internal/cloudevent"
	"github.com/infgen/infgen/runtime/internal/history"
)

// Outcome event types: a workflow's are "<workflow name>.<outcome>", a
// task's "<service>.<method>.<outcome>".
const (
	OutcomeStarted   = "started"
	OutcomeCompleted = "completed"
	OutcomeFailed    = "failed"
	OutcomeCanceled  = "canceled"
)

// EventSource is the CloudEvents source of the events a workflow publishes.
func EventSource(workflow string) string { return "/workflows/" + workflow }

// EventID is the id of an event a run publishes: stable for every
// publication of the event, unique across runs (the run id is).
func EventID(st *history.State, label string) string {
	return st.ID + "/" + st.RunID + "/" + label
}

// event queues a CloudEvent of st's run on the topic of its type.
func (o *outbox) event(st *history.State, typ, label string, now time.Time, data []byte, codec string) *cloudevent.Event {
	ev := &cloudevent.Event{ID: EventID(st, label), Source: EventSource(st.Name), SpecVersion: cloudevent.SpecVersion,
		Type: typ, Subject: st.ID, Time: now.UTC()}
	ct := ""
	if codec == "proto" {
		ct = "application/protobuf"
	}
	ev.SetData(data, ct)
	o.msgs = append(o.msgs, outMsg{Topic: cloudevent.Topic(typ), Key: st.ID, Event: ev})
	return ev
}

// emit queues the event of an emit command.
func (e *Engine) emit(st *history.State, cmd history.Command, now time.Time, out *outbox) {
	ev := out.event(st, cmd.Name, itoa(cmd.Seq), now, cmd.Input, cmd.Codec)
	if s := cmd.Meta[history.EmitSubject]; s != "" {
		ev.Subject = s
	}
	ev.DataSchema = cmd.Meta[history.EmitDataSchema]
}

// outcomes queues the outcome events of a batch of history events just
// applied (when Options.OutcomeEvents is set): the run started, a task
// completed or failed for good.
func (e *Engine) outcomes(st *history.State, events []history.Event, now time.Time, out *outbox) {
	if !e.outcomeEvents {
		return
	}
	for _, ev := range events {
		switch ev.Kind {
		case history.EventStarted:
			out.event(st, st.Name+"."+OutcomeStarted, OutcomeStarted, now, st.Input, "")
		case history.EventTaskCompleted, history.EventTaskFailed:
			if ev.Seq >= len(st.Commands) {
				continue
			}
			cmd := st.Commands[ev.Seq]
			if ev.Kind == history.EventTaskCompleted {
				out.event(st, cmd.Name+"."+OutcomeCompleted, itoa(ev.Seq)+"."+OutcomeCompleted, now, ev.Payload, cmd.Codec).DataSchema = cmd.DataSchema
				continue
			}
			out.event(st, cmd.Name+"."+OutcomeFailed, itoa(ev.Seq)+"."+OutcomeFailed, now, errorData(ev.Error), "")
		}
	}
}

// finished queues the event of a run's end (when Options.OutcomeEvents is
// set): its output, or its error.
func (e *Engine) finished(st *history.State, now time.Time, out *outbox) {
	if !e.outcomeEvents {
		return
	}
	switch st.Status {
	case history.Completed:
		out.event(st, st.Name+"."+OutcomeCompleted, OutcomeCompleted, now, st.Output, "")
	case history.Failed:
		out.event(st, st.Name+"."+OutcomeFailed, OutcomeFailed, now, errorData(st.Error), "")
	case history.Canceled:
		out.event(st, st.Name+"."+OutcomeCanceled, OutcomeCanceled, now, errorData(st.Error), "")
	}
}

func errorData(e *history.Error) []byte {
	if e == nil {
		return nil
	}
	b, err := json.Marshal(e)
	if err != nil {
		return nil
	}
	return b
}
