package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/message"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/transport"
)

// HandleWorkflow is the transport handler of workflow topics.
func (e *Engine) HandleWorkflow(ctx context.Context, d *transport.Delivery) error {
	env, err := message.Decode(d.Payload)
	if err != nil {
		return e.deadLetter(ctx, d, err.Error())
	}
	if d.Redeliveries >= e.maxRedeliveries {
		return e.deadLetter(ctx, d, fmt.Sprintf("handling failed %d times", d.Redeliveries))
	}
	var memo *localRun
	if e.local {
		memo = newLocalRun()
	}
	for i := 0; ; i++ {
		err = e.step(ctx, env, d.Headers["traceparent"], memo)
		if errors.Is(err, storage.ErrConflict) && i < 20 {
			continue
		}
		break
	}
	if err != nil {
		log := e.log.With("workflow", env.WorkflowName, "workflow_id", env.WorkflowID)
		if env.RunID != "" {
			log = log.With("run_id", env.RunID)
		}
		if tid := TraceID(d.Headers["traceparent"]); tid != "" {
			log = log.With("trace_id", tid)
		}
		log.Error("workflow step failed; the message will be redelivered", "message", env.Kind, "error", err)
	}
	return err
}

// errStale reports a step that cannot be decided on cached state: it is
// decided again on the stored state.
var errStale = errors.New("cached state not usable for this step")

// step handles one message for one workflow instance: on the state kept in
// memory by the previous step when there is one (see cached), else on the
// stored state. memo is not nil when the engine runs its own tasks locally
// (see runLocal).
func (e *Engine) step(ctx context.Context, env *message.Envelope, traceparent string, memo *localRun) error {
	if c := e.cache.take(env.WorkflowID); c != nil {
		err := e.stepOn(ctx, c, true, env, traceparent, memo)
		if !errors.Is(err, errStale) {
			return err
		}
	} else if c := seeded(env); c != nil {
		// The wake-up of a new run carries the record the client wrote:
		// step on it as on a cached state, without replaying; when anything
		// wrote the record since, the step runs on the stored state.
		if memo != nil {
			memo.own = len(c.st.Inbox)
		}
		err := e.stepOn(ctx, c, true, env, traceparent, memo)
		if !errors.Is(err, errStale) && !errors.Is(err, storage.ErrConflict) {
			return err
		}
	}
	st, version, err := Load(ctx, e.store, env.WorkflowID)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		if env.Kind != message.Start {
			e.log.Debug("message for an unknown workflow dropped", "workflow_id", env.WorkflowID, "message", env.Kind)
			return nil
		}
		st = NewState(env.WorkflowID, env.WorkflowName, env.Payload, env.Tags, traceparent, e.now())
		st.Parent = env.Parent
		version = -1 // created by this step
	case err != nil:
		return err
	}
	return e.stepOn(ctx, &cached{id: env.WorkflowID, st: st, version: version}, false, env, traceparent, memo)
}

// seeded returns the state record a wake-up carries, as a cache entry at
// its version, or nil.
func seeded(env *message.Envelope) *cached {
	if env.Kind != message.Wake || len(env.State) == 0 || env.Version <= 0 {
		return nil
	}
	st, err := history.Unmarshal(env.State)
	if err != nil || st.ID != env.WorkflowID || !st.Complete() {
		return nil
	}
	return &cached{id: st.ID, st: st, version: env.Version}
}

// stepOn decides one step on c.st, stored at c.version, and saves it. On
// cached state (fromCache) every outcome that would save nothing is
// errStale. After any error c is closed, as its state may be half-changed;
// after a successful write c goes (back) to the cache, unless the workflow
// finished or is parked.
func (e *Engine) stepOn(ctx context.Context, c *cached, fromCache bool, env *message.Envelope, traceparent string, memo *localRun) error {
	st := c.st
	keep := false
	defer func() {
		if !keep {
			c.close()
		}
	}()
	if st.Status.Terminal() {
		if fromCache {
			return errStale
		}
		return e.late(ctx, st, env)
	}
	wasParked := st.Parked != nil
	timersBefore := len(st.Timers)
	if env.ID != "" && env.ID == st.LastTrigger {
		if fromCache {
			return errStale
		}
		// The previous handling of this message saved its state but may not
		// have published its outbox before the process died.
		o, err := decodeOutbox(st.Outbox)
		if err != nil {
			return err
		}
		if err := e.queueEvents(ctx, st.ID, e.eventsToQueue(o)); err != nil {
			return err
		}
		return e.publish(ctx, o, st.TraceParent)
	}
	run, sealed := st.RunID, st.Sealed
	now := e.now()
	out := &outbox{}
	events, changed := e.translate(st, env, now, out)
	if env.Kind == message.Recover {
		e.redrive(st, now, out)
		changed = true
	}
	// A parked workflow resumes on its whole kept inbox (see advance).
	own, later := st.Inbox, []history.Event(nil)
	if memo != nil && !wasParked {
		own, later = memo.split(st.Inbox)
	}
	events = append(slices.Clip(own), events...) // later shares own's array
	st.Inbox = nil
	if len(events) > 0 {
		c.exec = e.advance(st, c.exec, events, now, env.Kind == message.Recover, out)
		changed = true
	}
	if changed && memo != nil {
		events = append(events, e.runLocal(ctx, c, out, memo)...)
	}
	if len(later) > 0 {
		e.applyLater(c, later, now, out)
		events = append(events, later...)
		changed = true
	}
	if !changed {
		if fromCache {
			return errStale
		}
		return nil
	}
	if err := e.checkTargets(ctx, st, out); err != nil {
		return err
	}
	var obs *Step
	if e.obs != nil {
		obs = &Step{State: st, TimersBefore: timersBefore, Time: now, Parked: st.Parked != nil && !wasParked}
		if st.Parked == nil {
			obs.Events = events
			for _, ev := range events {
				obs.Started = obs.Started || ev.Kind == history.EventStarted
			}
		}
	}
	queue := e.eventsToQueue(out)
	version, err := e.commit(ctx, st, c.version, env.ID, wasParked, out, queue != nil, obs)
	if err != nil {
		return err
	}
	if st.RunID != run {
		deleteSegments(ctx, e.store, st.ID, run, sealed) // the run continued as new
	}
	if st.Status.Terminal() && scheduled(st) {
		e.NudgeSchedules() // a firing may wait for this run to end
	}
	if !st.Status.Terminal() && st.Parked == nil {
		c.version = version
		keep = true
		e.cache.put(c)
	}
	if err := e.queueEvents(ctx, st.ID, queue); err != nil {
		return err // redelivered: the saved step queues and publishes its outbox
	}
	return e.publish(ctx, out, st.TraceParent)
}

// commit saves the state of a step with its outbox, tells the observer
// (when obs is not nil) and returns the new version; the caller then
// publishes the outbox.
// queued says that events of out are to be queued (see eventqueue.go): the
// state is tagged TagEventOutbox in the same write.
func (e *Engine) commit(ctx context.Context, st *history.State, version int64, trigger string, wasParked bool, out *outbox, queued bool, obs *Step) (int64, error) {
	st.Updated = e.now()
	st.LastTrigger = trigger
	raw, err := out.encode()
	if err != nil {
		return 0, err
	}
	st.Outbox = raw
	var add, remove []string
	if version < 0 {
		version, add = 0, CreateTags(st)
	}
	if queued {
		add = append(add, TagEventOutbox)
	}
	switch {
	case st.Status.Terminal():
		remove = append(remove, TagActive, TagParked)
	case st.Parked != nil && !wasParked:
		add = append(add, TagParked)
	case st.Parked == nil && wasParked:
		remove = append(remove, TagParked)
	}
	v, err := saveStep(ctx, e.store, st, version, add, remove, e.segmentSize)
	if err != nil {
		return 0, err
	}
	if obs != nil {
		e.obs.Step(ctx, obs)
	}
	return v, nil
}

// logRun logs msg at level with the attributes of a workflow run: its name,
// id, run number and id, and trace id. Nothing is built when the level is
// off.
func (e *Engine) logRun(st *history.State, level slog.Level, msg string, args ...any) {
	ctx := context.Background()
	if !e.log.Enabled(ctx, level) {
		return
	}
	e.log.With("workflow", st.Name, "workflow_id", st.ID, "run", st.Run, "run_id", st.RunID, "trace_id", TraceID(st.TraceParent)).Log(ctx, level, msg, args...)
}

// NewState returns the state of a workflow about to start.
func NewState(id, name string, input []byte, tags []string, traceparent string, now time.Time) *history.State {
	now = now.UTC()
	from := ""
	if tp := ChildSpan(traceparent); tp != "" {
		from, traceparent = traceparent, tp
	} else {
		traceparent = NewTraceParent()
	}
	return &history.State{
		ID: id, Name: name, RunID: NewID(), Run: 1, Status: history.Running, Tags: tags, Input: input,
		TraceParent: traceparent, TraceFrom: from, Created: now, Updated: now,
		Inbox: []history.Event{{Kind: history.EventStarted}},
	}
}

// late handles a message for a finished workflow.
func (e *Engine) late(ctx context.Context, st *history.State, env *message.Envelope) error {
	switch env.Kind {
	case message.Start, message.Recover:
		// A parent re-driving its child, or a recovery sweep: make sure the
		// parent and the clients know the outcome.
		if err := e.store.RemoveTag(ctx, &storage.TagParams{Tag: TagActive, ID: StateKey(st.ID)}); err != nil {
			return err
		}
		out := &outbox{}
		e.notify(st, out)
		return e.publish(ctx, out, st.TraceParent)
	case message.Cancel:
		out := &outbox{}
		e.cancelChildren(st, out)
		return e.publish(ctx, out, st.TraceParent)
	}
	return nil
}
