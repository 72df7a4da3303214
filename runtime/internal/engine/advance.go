package engine

import (
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/message"
	"github.com/infgen/infgen/runtime/internal/replay"
)

// advance applies events: it records them as a new batch, runs the
// workflow on them and turns its new commands into messages. A workflow
// that cannot be replayed on this code is parked with its events kept in
// the inbox.
//
// exec is the workflow's execution suspended after the previous step (nil:
// none): when it ran on exactly the history before this batch, the events
// are applied to it without replaying the history. advance returns the
// execution to keep for the next step, or nil (and closes it) when the
// workflow cannot go on from it: finished, parked, continued as new.
func (e *Engine) advance(st *history.State, exec *replay.Execution, events []history.Event, now time.Time, resume bool, out *outbox) *replay.Execution {
	if st.Parked != nil && !resume {
		exec.Close()
		st.Inbox = events
		return nil
	}
	for _, ev := range events {
		switch ev.Kind {
		case history.EventCancelRequested:
			exec.Close()
			e.finish(st, history.Canceled, nil, &history.Error{Kind: history.ErrorKindCanceled, Message: "canceled by request"}, now, out)
			return nil
		case history.EventTimedOut:
			exec.Close()
			e.finish(st, history.Failed, nil, &history.Error{Kind: history.ErrorKindTimeout, Message: "workflow timed out"}, now, out)
			return nil
		}
	}
	fn, version, ok := e.workflow(st.Name, st.Version)
	if !ok {
		exec.Close()
		e.park(st, events, now, fmt.Sprintf("version %d of workflow %q is not registered on this worker; deploy it to resume", st.Version, st.Name))
		return nil
	}
	st.Version = version
	st.Batches = append(st.Batches, history.Batch{Time: now, Events: events})
	var res replay.Result
	if exec != nil && exec.Resumable(st) {
		res = exec.Resume()
	} else {
		exec.Close()
		exec, res = replay.Start(fn, st)
	}
	if res.Nondeterminism != nil || res.Panic != nil {
		exec.Close()
		st.Batches = st.Batches[:len(st.Batches)-1]
		reason := res.Panic
		if res.Nondeterminism != nil {
			reason = res.Nondeterminism
		}
		e.park(st, events, now, reason.Error())
		return nil
	}
	if st.Parked != nil {
		e.logRun(st, slog.LevelInfo, "workflow resumed")
		st.Parked = nil
	}
	e.outcomes(st, events, now, out)
	for _, cmd := range res.Commands {
		if !e.outcomeEvents {
			cmd.DataSchema = "" // only the completed event needs it
		}
		st.Commands = append(st.Commands, cmd)
		e.schedule(st, cmd, now, out)
	}
	// Rejected update requests leave the new batch (the whole batch when
	// nothing else is in it, after which the execution no longer matches
	// the history: the next step replays, see Resumable).
	e.recordUpdates(st, res.Updates, out)
	if res.Done {
		exec.Close()
		if res.Err != nil && res.Err.Kind == history.ErrorKindContinueAsNew {
			e.continueAsNew(st, res.Output, res.Unread, res.Undecided, now, out)
			return nil
		}
		if res.Err != nil {
			e.finish(st, history.Failed, nil, res.Err, now, out)
		} else {
			e.finish(st, history.Completed, res.Output, nil, now, out)
		}
		return nil
	}
	return exec
}

func (e *Engine) park(st *history.State, events []history.Event, now time.Time, reason string) {
	if st.Parked == nil || st.Parked.Reason != reason {
		e.logRun(st, slog.LevelError, "workflow parked", "reason", reason)
	}
	st.Inbox = events
	st.Parked = &history.Park{Reason: reason, Since: now}
}

// schedule turns a new command into pending work and messages.
func (e *Engine) schedule(st *history.State, cmd history.Command, now time.Time, out *outbox) {
	switch cmd.Kind {
	case history.CommandTask:
		if st.Tasks == nil {
			st.Tasks = map[int]*history.PendingTask{}
		}
		st.Tasks[cmd.Seq] = &history.PendingTask{Attempt: 1}
		e.executeTask(st, cmd, 1, out)
	case history.CommandTimer:
		if st.Timers == nil {
			st.Timers = map[int]time.Time{}
		}
		st.Timers[cmd.Seq] = now.Add(cmd.Duration)
		out.toSelf(st, cmd.Duration, &message.Envelope{Kind: message.Timer, Seq: cmd.Seq})
	case history.CommandChild:
		if st.Children == nil {
			st.Children = map[int]string{}
		}
		st.Children[cmd.Seq] = cmd.ChildID
		e.startChild(st, cmd, out)
	case history.CommandEmit:
		e.emit(st, cmd, now, out)
	case history.CommandCancel:
		// The workflow canceled a pending step: its timer never fires, its
		// task is not retried and its result is dropped, its child is
		// canceled (and its result dropped).
		delete(st.Timers, cmd.Target)
		delete(st.Tasks, cmd.Target)
		if id, ok := st.Children[cmd.Target]; ok {
			delete(st.Children, cmd.Target)
			name := st.Commands[cmd.Target].Name
			out.add(message.WorkflowTopic(name), id, 0, &message.Envelope{Kind: message.Cancel, WorkflowID: id, WorkflowName: name})
		}
	}
}

func (e *Engine) executeTask(st *history.State, cmd history.Command, attempt int, out *outbox) {
	service, method := splitName(cmd.Name)
	tags := st.Tags
	if len(cmd.Tags) > 0 {
		tags = append(slices.Clip(st.Tags), cmd.Tags...)
	}
	out.add(message.ServiceTopic(service), st.ID, 0, &message.Envelope{
		Kind: message.ExecuteTask, WorkflowID: st.ID, WorkflowName: st.Name, Seq: cmd.Seq, RunID: st.RunID,
		TaskID: TaskID(st, cmd.Seq), Service: service, Method: method, Attempt: attempt,
		Codec: cmd.Codec, Payload: cmd.Input, Meta: cmd.Meta, Tags: tags,
		Timeout: cmd.Timeout, Retry: cmd.Retry, IdempotencyKey: cmd.IdempotencyKey,
	})
}

func (e *Engine) startChild(st *history.State, cmd history.Command, out *outbox) {
	out.add(message.WorkflowTopic(cmd.Name), cmd.ChildID, 0, &message.Envelope{
		Kind: message.Start, WorkflowID: cmd.ChildID, WorkflowName: cmd.Name, Payload: cmd.Input, Tags: cmd.Tags,
		Parent: &history.ParentRef{ID: st.ID, Name: st.Name, Seq: cmd.Seq, RunID: st.RunID},
	})
}

func splitName(name string) (service, method string) {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '.' {
			return name[:i], name[i+1:]
		}
	}
	return name, ""
}

// finish ends the workflow.
func (e *Engine) finish(st *history.State, status history.Status, output []byte, err *history.Error, now time.Time, out *outbox) {
	st.Status, st.Output, st.Error = status, output, err
	st.Parked = nil
	st.Inbox = nil
	e.failUpdates(st, fmt.Sprintf("the workflow ended (%s) before answering the update", status), nil, out)
	e.cancelChildren(st, out)
	st.Tasks, st.Timers, st.Children = nil, nil, nil
	e.notify(st, out)
	e.finished(st, now, out)
	e.logRun(st, slog.LevelInfo, "workflow finished", "status", string(status))
}

// notify tells the parent and the clients about a finished workflow.
func (e *Engine) notify(st *history.State, out *outbox) {
	if p := st.Parent; p != nil {
		env := &message.Envelope{Kind: message.ChildResult, WorkflowID: p.ID, WorkflowName: p.Name, Seq: p.Seq, RunID: p.RunID, Payload: st.Output}
		if st.Status != history.Completed {
			env.Error = &history.Error{Kind: history.ErrorKindChild, Message: st.Error.Message, Workflow: st.Name, ID: st.ID, Cause: st.Error}
		}
		out.add(message.WorkflowTopic(p.Name), p.ID, 0, env)
	}
	// The outcome travels with the notification: a client that waits for
	// this run needs not read the state.
	out.add(message.CompletedTopic, st.ID, 0, &message.Envelope{Kind: message.Completed, WorkflowID: st.ID, WorkflowName: st.Name,
		RunID: st.RunID, Run: max(st.Run, 1), Status: st.Status, Payload: st.Output, Error: st.Error})
}

func (e *Engine) cancelChildren(st *history.State, out *outbox) {
	for seq, id := range st.Children {
		name := st.Commands[seq].Name
		out.add(message.WorkflowTopic(name), id, 0, &message.Envelope{Kind: message.Cancel, WorkflowID: id, WorkflowName: name})
	}
}

// redrive re-sends the messages of all pending work: used after a crash of a
// process whose transport lost its in-flight messages.
func (e *Engine) redrive(st *history.State, now time.Time, out *outbox) {
	for seq, t := range st.Tasks {
		if t.RetryAt.IsZero() {
			e.executeTask(st, st.Commands[seq], t.Attempt, out)
			continue
		}
		out.toSelf(st, max(t.RetryAt.Sub(now), 0), &message.Envelope{Kind: message.Retry, Seq: seq, Attempt: t.Attempt + 1})
	}
	for seq, due := range st.Timers {
		out.toSelf(st, max(due.Sub(now), 0), &message.Envelope{Kind: message.Timer, Seq: seq})
	}
	for seq := range st.Children {
		e.startChild(st, st.Commands[seq], out)
	}
	if !st.Deadline.IsZero() {
		out.toSelf(st, max(st.Deadline.Sub(now), 0), &message.Envelope{Kind: message.Timeout})
	}
}
