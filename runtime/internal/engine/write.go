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
	"github.com/infgen/infgen/runtime/transport"
)

// write is one compare-and-set of a workflow's state made by a command,
// remembered so that it can be undone when the wake-up that must follow it
// cannot be sent.
type write struct {
	id string
	// old is the record before the write; nil when the write created it.
	old     *storage.Record
	version int64
	add     []string
	// data is the record written.
	data []byte
}

// errUnchanged, from a modify change function, means there is nothing to
// write: the command has already taken effect.
var errUnchanged = errors.New("unchanged")

// modify is the shape of every command on an existing workflow: load its
// state, let change validate and alter it, write it once (with the tags in
// add) at the version read, retrying when it changed meanwhile, then wake
// the workflow with a kind message, undoing the write if the wake-up cannot
// be sent. change's error is returned as it is (errUnchanged: nil, nothing
// written).
func (e *Engine) modify(ctx context.Context, id, what string, add []string, kind message.Kind, change func(*history.State) error) error {
	for i := 0; ; i++ {
		st, rec, err := e.loadRecord(ctx, id)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			return fmt.Errorf("%w: %s", ErrNotFound, id)
		case err != nil:
			return fmt.Errorf("%s: %w", what, err)
		}
		if err := change(st); errors.Is(err, errUnchanged) {
			return nil
		} else if err != nil {
			return err
		}
		w, err := e.put(ctx, st, rec, add, nil)
		if errors.Is(err, storage.ErrConflict) && i < 50 {
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if err := e.wake(ctx, st, kind, 0, nil); err != nil {
			return e.undoAfter(ctx, w, what, err)
		}
		return nil
	}
}

// loadRecord reads a workflow's state together with its stored record.
// Its history holds only what follows the sealed part, if any: commands
// change the state, never the history before its last batch.
func (e *Engine) loadRecord(ctx context.Context, id string) (*history.State, *storage.Record, error) {
	return loadHead(ctx, e.store, id)
}

// put writes st over old (nil: st must not exist yet), changing tags in the
// same write.
func (e *Engine) put(ctx context.Context, st *history.State, old *storage.Record, add, remove []string) (*write, error) {
	var version int64
	if old != nil {
		version = old.Version
	}
	st.Updated = e.now()
	data, err := st.Marshal()
	if err != nil {
		return nil, fmt.Errorf("workflow %s: encode state: %w", st.ID, err)
	}
	v, err := e.store.Put(ctx, &storage.PutParams{ID: StateKey(st.ID), Data: data, Version: version, AddTags: add, RemoveTags: remove})
	if err != nil {
		return nil, err
	}
	return &write{id: st.ID, old: old, version: v, add: add, data: data}, nil
}

// errTookEffect reports, from undo, a write that was not undone because a
// worker has acted on it since: the command took effect after all.
var errTookEffect = errors.New("the workflow has changed since: the command took effect")

// undo restores the record a write replaced (byte for byte) with the tags
// that state had, or deletes the record the write created.
func (e *Engine) undo(ctx context.Context, w *write) error {
	key := StateKey(w.id)
	if w.old == nil {
		err := e.store.Delete(ctx, &storage.DeleteParams{ID: key, Version: w.version})
		if errors.Is(err, storage.ErrConflict) {
			return errTookEffect
		}
		if err != nil {
			return err
		}
		var errs []error
		for _, t := range w.add {
			errs = append(errs, e.store.RemoveTag(ctx, &storage.TagParams{Tag: t, ID: key}))
		}
		return errors.Join(errs...)
	}
	old, err := history.Unmarshal(w.old.Data)
	if err != nil {
		return err
	}
	had := storedTags(old)
	var remove []string
	for _, t := range w.add {
		if !slices.Contains(had, t) {
			remove = append(remove, t)
		}
	}
	_, err = e.store.Put(ctx, &storage.PutParams{ID: key, Data: w.old.Data, Version: w.version, AddTags: had, RemoveTags: remove})
	if errors.Is(err, storage.ErrConflict) {
		return errTookEffect
	}
	return err
}

// undoAfter undoes w after the wake-up that had to follow it failed with
// cause, and says what became of the command.
func (e *Engine) undoAfter(ctx context.Context, w *write, what string, cause error) error {
	// The caller's context may be what failed: undo on a fresh one.
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	switch err := e.undo(uctx, w); {
	case errors.Is(err, errTookEffect):
		return nil
	case err != nil:
		return fmt.Errorf("%s: cannot notify the workflow's engine (%w), nor undo the stored request (%v): a worker recovering the workflow applies it", what, cause, err)
	}
	return fmt.Errorf("%s: cannot notify the workflow's engine, nothing was changed: %w", what, cause)
}

// storedTags returns the storage tags a workflow's state carries.
func storedTags(st *history.State) []string {
	tags := []string{NameTag(st.Name)}
	if !st.Status.Terminal() {
		tags = append(tags, TagActive)
	}
	if st.Parked != nil && !st.Status.Terminal() {
		tags = append(tags, TagParked)
	}
	for _, t := range st.Tags {
		tags = append(tags, UserTag(t))
	}
	return tags
}

// maxSeedState bounds the state record a start's wake-up carries (see
// message.Envelope.State): a larger one is read from storage.
const maxSeedState = 16 << 10

// wake publishes a message to a workflow's engine; w, when set, is the
// write of a new run, which the wake-up carries so that the engine need
// not read it back.
func (e *Engine) wake(ctx context.Context, st *history.State, kind message.Kind, delay time.Duration, w *write) error {
	env := &message.Envelope{Kind: kind, ID: NewID(), WorkflowID: st.ID, WorkflowName: st.Name}
	if w != nil && len(w.data) <= maxSeedState {
		env.State, env.Version = w.data, w.version
	}
	payload, err := message.Encode(env)
	if err != nil {
		return err
	}
	headers := map[string]string{}
	if tp := ChildSpan(st.TraceParent); tp != "" {
		headers["traceparent"] = tp
	}
	return e.tr.Publish(ctx, &transport.PublishParams{
		Topic:        message.WorkflowTopic(st.Name),
		Message:      transport.Message{Key: st.ID, Payload: payload, Headers: headers},
		DeliverAfter: delay,
	})
}
