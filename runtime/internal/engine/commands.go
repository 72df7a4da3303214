package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/message"
	"github.com/infgen/infgen/runtime/storage"
)

// The engine's commands are the only way workflow state changes from
// outside a workflow step: start (and signal-with-start, restart), signal,
// cancel and retry. Each one loads the state, validates the request against
// it, then writes it once (one compare-and-set that carries the tag changes
// too), and only then wakes the workflow's engine. When that wake-up cannot
// be sent the write is undone, so a command that fails changes nothing.

// Errors of the commands; package client re-exports them.
var (
	// ErrNotFound is returned for an unknown workflow id.
	ErrNotFound = errors.New("workflow not found")
	// ErrFinished is returned when signaling or canceling a finished workflow.
	ErrFinished = errors.New("workflow already finished")
	// ErrNotFailed is returned when retrying the tasks of a workflow that
	// did not fail on a task.
	ErrNotFailed = errors.New("workflow did not fail on a task")
	// ErrNotFinished is returned when restarting a workflow that runs.
	ErrNotFinished = errors.New("workflow has not finished")
)

// StartCommand asks for a workflow to start.
type StartCommand struct {
	Workflow string
	// ID is the instance's id; empty generates one.
	ID string
	// Input is the JSON-encoded input.
	Input []byte
	Tags  []string
	// Timeout, when positive, fails the workflow if it has not finished by then.
	Timeout time.Duration
	// RestartIfFinished starts a new run over a finished instance.
	RestartIfFinished bool
	// Signal, when set, is delivered with the start: in the new instance's
	// first write, or appended to a running one (signal-with-start).
	Signal *Signal
	// AllowUnregistered starts a workflow that no worker has registered on
	// this store yet (it waits for one).
	AllowUnregistered bool
	// TraceParent is the W3C trace context of the caller: the parent of the
	// run's span ("" starts a new trace).
	TraceParent string
}

// Signal is a value sent on a workflow's signal channel.
type Signal struct {
	Channel string
	// Payload is the JSON-encoded value.
	Payload []byte
	// Key, when set, delivers the signal at most once: a signal whose key
	// the instance has already received is acknowledged and dropped (a
	// webhook's delivery id; see history.State.SignalKeys).
	Key string
}

// StartResult says what Start did.
type StartResult struct {
	ID string
	// Created is set when a new instance (or a new run) was written; else
	// ID names an existing instance, of status Status.
	Created bool
	Status  Status
	// Run is the number of the run that was written, when Created: its
	// end, or the end of a run it continues as, is announced with a number
	// at least as high.
	Run int
}

// Start starts a workflow, or finds the instance with the same id.
func (e *Engine) Start(ctx context.Context, c *StartCommand) (*StartResult, error) {
	if c.Workflow == "" {
		return nil, errors.New("start: the workflow name is empty")
	}
	if !c.AllowUnregistered {
		if err := e.CheckWorkflow(ctx, c.Workflow); err != nil {
			return nil, err
		}
	}
	id := c.ID
	if id == "" {
		id = NewID()
	}
	var signal *history.Event
	if c.Signal != nil {
		signal = &history.Event{Kind: history.EventSignal, Channel: c.Signal.Channel, Payload: c.Signal.Payload, ID: NewID()}
	}
	for i := 0; ; i++ {
		var res *StartResult
		var w *write
		var st *history.State
		var err error
		if i == 0 {
			// Most starts are of a new id: write first, read only when
			// it exists (one round trip instead of two).
			res, w, st, err = e.tryCreate(ctx, c, id, signal)
		}
		if i > 0 || errors.Is(err, storage.ErrConflict) {
			res, w, st, err = e.tryStart(ctx, c, id, signal)
		}
		if errors.Is(err, storage.ErrConflict) && i < 20 {
			continue // changed meanwhile: look again
		}
		if err != nil || w == nil {
			return res, err
		}
		var seed *write
		if res.Created {
			seed = w
		}
		err = e.wake(ctx, st, message.Wake, 0, seed)
		if err == nil && res.Created && c.Timeout > 0 {
			err = e.wake(ctx, st, message.Timeout, c.Timeout, nil)
		}
		if err != nil {
			if err := e.undoAfter(ctx, w, fmt.Sprintf("start %s", id), err); err != nil {
				return nil, err
			}
			return res, nil // another command changed the run since: it stands
		}
		if res.Created && w.old != nil {
			// A new run replaced a finished one: its sealed history goes.
			if old, err := history.Unmarshal(w.old.Data); err == nil {
				deleteSegments(ctx, e.store, id, old.RunID, old.Sealed)
			}
		}
		return res, nil
	}
}

// tryCreate writes a new instance; ErrConflict when the id exists.
func (e *Engine) tryCreate(ctx context.Context, c *StartCommand, id string, signal *history.Event) (*StartResult, *write, *history.State, error) {
	st := e.newRun(c, id, signal, nil)
	w, err := e.put(ctx, st, nil, CreateTags(st), nil)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("start %s: %w", id, err)
	}
	return &StartResult{ID: id, Created: true, Status: st.Status, Run: st.Run}, w, st, nil
}

// tryStart makes Start's one write; w is nil when nothing was written.
func (e *Engine) tryStart(ctx context.Context, c *StartCommand, id string, signal *history.Event) (*StartResult, *write, *history.State, error) {
	old, rec, err := e.loadRecord(ctx, id)
	switch {
	case errors.Is(err, storage.ErrNotFound): // deleted meanwhile
		return e.tryCreate(ctx, c, id, signal)
	case err != nil:
		return nil, nil, nil, fmt.Errorf("start %s: %w", id, err)
	case old.Status.Terminal() && c.RestartIfFinished:
		st := e.newRun(c, id, signal, old)
		var remove []string
		for _, t := range old.Tags {
			if !slices.Contains(st.Tags, t) {
				remove = append(remove, UserTag(t))
			}
		}
		w, err := e.put(ctx, st, rec, CreateTags(st), remove)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("start %s: %w", id, err)
		}
		return &StartResult{ID: id, Created: true, Status: st.Status, Run: st.Run}, w, st, nil
	case signal == nil && !unstepped(old): // starting is idempotent
		return &StartResult{ID: id, Status: old.Status}, nil, nil, nil
	case signal == nil:
		// The run exists but has not stepped: the start that created it
		// may yet fail to wake it and delete it again. This start writes
		// it once more (unchanged) and wakes it too, so that it never
		// reports a run that the other one then deletes: the other one's
		// undo finds the record changed and leaves it.
		w, err := e.put(ctx, old, rec, nil, nil)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("start %s: %w", id, err)
		}
		return &StartResult{ID: id, Status: old.Status}, w, old, nil
	case c.Signal.Key != "" && old.HasSignalKey(c.Signal.Key): // delivered before
		return &StartResult{ID: id, Status: old.Status}, nil, nil, nil
	case old.Status.Terminal():
		return nil, nil, nil, fmt.Errorf("%w: %s", ErrFinished, id)
	}
	old.Inbox = append(old.Inbox, *signal)
	if c.Signal.Key != "" {
		old.AddSignalKey(c.Signal.Key)
	}
	w, err := e.put(ctx, old, rec, nil, nil)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("signal-with-start %s: %w", id, err)
	}
	return &StartResult{ID: id, Status: old.Status}, w, old, nil
}

// unstepped reports whether no step has run on st yet: a run just
// created, whose wake-up may still be on its way, or lost.
func unstepped(st *history.State) bool {
	return !st.Status.Terminal() && st.LastTrigger == "" && len(st.Batches) == 0 && st.Sealed == nil
}

// newRun returns the state of a new instance, or of the run after old.
func (e *Engine) newRun(c *StartCommand, id string, signal *history.Event, old *history.State) *history.State {
	st := NewState(id, c.Workflow, c.Input, c.Tags, c.TraceParent, e.now())
	if c.Timeout > 0 {
		st.Deadline = st.Created.Add(c.Timeout)
	}
	if signal != nil {
		st.Inbox = append(st.Inbox, *signal)
		if c.Signal.Key != "" {
			st.AddSignalKey(c.Signal.Key)
		}
	}
	if old != nil {
		st.Run = max(old.Run, 1) + 1
	}
	return st
}

// Signal appends a signal to a running workflow's inbox and wakes it. A
// signal with a Key the instance has received before changes nothing and
// returns nil, whatever the instance's status.
func (e *Engine) Signal(ctx context.Context, id string, s Signal) error {
	ev := history.Event{Kind: history.EventSignal, Channel: s.Channel, Payload: s.Payload, ID: NewID()}
	if s.Key == "" {
		return e.deliver(ctx, id, ev, "signal "+s.Channel+" to "+id)
	}
	return e.modify(ctx, id, "signal "+s.Channel+" to "+id, nil, message.Wake, func(st *history.State) error {
		switch {
		case st.HasSignalKey(s.Key):
			return errUnchanged
		case st.Status.Terminal():
			return fmt.Errorf("%w: %s", ErrFinished, id)
		}
		st.Inbox = append(st.Inbox, ev)
		st.AddSignalKey(s.Key)
		return nil
	})
}

// Cancel asks a running workflow to cancel: its pending tasks are
// abandoned and its children canceled.
func (e *Engine) Cancel(ctx context.Context, id string) error {
	return e.deliver(ctx, id, history.Event{Kind: history.EventCancelRequested}, "cancel "+id)
}

// deliver appends an event to a running workflow's inbox and wakes it.
func (e *Engine) deliver(ctx context.Context, id string, ev history.Event, what string) error {
	return e.modify(ctx, id, what, nil, message.Wake, func(st *history.State) error {
		if st.Status.Terminal() {
			return fmt.Errorf("%w: %s", ErrFinished, id)
		}
		st.Inbox = append(st.Inbox, ev)
		return nil
	})
}

// RetryTasks retries the tasks whose final failure made a workflow fail:
// the failures are removed from its history and the tasks run again, so the
// workflow goes on as if they had not failed. It returns how many tasks were
// retried.
func (e *Engine) RetryTasks(ctx context.Context, id string) (int, error) {
	what := "retry the tasks of " + id
	n := 0
	err := e.modify(ctx, id, what, []string{TagActive}, message.Recover, func(st *history.State) error {
		var err error
		if n, err = reopenFailedTasks(st); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// reopenFailedTasks turns the final task failures of a failed workflow's
// last step back into pending tasks, and the workflow back to running.
func reopenFailedTasks(st *history.State) (int, error) {
	if st.Status != history.Failed || len(st.Batches) == 0 {
		return 0, fmt.Errorf("%w: it is %s", ErrNotFailed, st.Status)
	}
	last := &st.Batches[len(st.Batches)-1]
	kept := last.Events[:0:0]
	n := 0
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
		return 0, fmt.Errorf("%w: it failed in its own code", ErrNotFailed)
	}
	if len(kept) == 0 {
		st.Batches = st.Batches[:len(st.Batches)-1]
	} else {
		last.Events = kept
	}
	st.Status, st.Error, st.Output = history.Running, nil, nil
	return n, nil
}
