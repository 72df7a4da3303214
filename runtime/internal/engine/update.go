package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/infgen/infgen/runtime/internal/errconv"
	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/message"
	"github.com/infgen/infgen/runtime/internal/replay"
	"github.com/infgen/infgen/runtime/storage"
)

// Updates: a request into a running workflow, answered by a handler the
// workflow registered (workflow.HandleUpdate). The Update command stores
// the request in the workflow's inbox, and its status in State.Updates, in
// one write, then wakes the workflow, as Signal does. The workflow's step
// applies it: the workflow validates it; a rejected request is dropped from
// the batch (history never holds it) and answered at once; an accepted one
// stays in history and is answered when its handler returns. Answers are
// written to State.Updates in the step that produces them and announced on
// the completion topic, where waiting clients hear of them (they poll too).

var (
	// ErrUpdateRejected is matched by the error of an update the workflow
	// rejected (its validator refused it, or it has no handler for it).
	ErrUpdateRejected = errors.New("update rejected")
	// ErrUpdateFailed is matched by the error of an update whose handler
	// failed, or that the workflow ended (or continued as new) before
	// answering.
	ErrUpdateFailed = errors.New("update failed")
	// ErrUpdateNotFound is returned for an update id the workflow never
	// received (or answered two runs ago).
	ErrUpdateNotFound = errors.New("update not found")
)

// UpdateCommand asks a running workflow for an update.
type UpdateCommand struct {
	// Name is the update's handler.
	Name string
	// ID identifies the request: sending the same id again is the same
	// request (it is not applied twice). Empty generates one.
	ID string
	// Payload is the JSON-encoded input.
	Payload []byte
}

// Update stores an update request for a running workflow and wakes it. It
// returns the request's id, to wait for its answer with UpdateOutcome. A
// request with the id of one the workflow already has changes nothing.
func (e *Engine) Update(ctx context.Context, workflowID string, c UpdateCommand) (string, error) {
	if c.Name == "" {
		return "", errors.New("update: the update name is empty")
	}
	id := c.ID
	if id == "" {
		id = NewID()
	}
	what := fmt.Sprintf("update %s of %s", c.Name, workflowID)
	err := e.modify(ctx, workflowID, what, nil, message.Wake, func(st *history.State) error {
		if u := st.Updates[id]; u != nil {
			if u.Name != c.Name {
				return fmt.Errorf("%s: the workflow has update id %s for update %q already", what, id, u.Name)
			}
			return errUnchanged // sent before: wait for that one's answer
		}
		if st.Status.Terminal() {
			return fmt.Errorf("%w: %s", ErrFinished, workflowID)
		}
		if st.Updates == nil {
			st.Updates = map[string]*history.Update{}
		}
		st.Updates[id] = &history.Update{Name: c.Name, Status: history.UpdateRequested}
		st.Inbox = append(st.Inbox, history.Event{Kind: history.EventUpdate, Update: c.Name, ID: id, Payload: c.Payload})
		return nil
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

// UpdateOutcome is the answer to an update request.
type UpdateOutcome struct {
	// Output is the handler's JSON-encoded result.
	Output json.RawMessage
	// Err is an *UpdateError: the request was rejected, or the handler
	// failed (or the workflow ended before it answered).
	Err error
}

// UpdateError is the error of an update request that the workflow rejected
// (Rejected; errors.Is(err, ErrUpdateRejected)) or whose handler failed
// (errors.Is(err, ErrUpdateFailed)).
type UpdateError struct {
	Workflow string
	ID       string
	Update   string
	UpdateID string
	Rejected bool
	// Cause is the validator's or the handler's error, as the workflow
	// returned it (a *failure.RemoteError in another process).
	Cause error
}

func (e *UpdateError) Error() string {
	what := "failed"
	if e.Rejected {
		what = "was rejected"
	}
	return fmt.Sprintf("update %q of workflow %s (id %s) %s: %v", e.Update, e.Workflow, e.ID, what, e.Cause)
}

// Unwrap returns the cause.
func (e *UpdateError) Unwrap() error { return e.Cause }

// Is matches ErrUpdateRejected for a rejected update, ErrUpdateFailed for
// one that failed.
func (e *UpdateError) Is(target error) bool {
	if e.Rejected {
		return target == ErrUpdateRejected
	}
	return target == ErrUpdateFailed
}

// UpdateOutcome returns the answer to an update request, or nil while the
// workflow has not answered it.
func (e *Engine) UpdateOutcome(ctx context.Context, workflowID, updateID string) (*UpdateOutcome, error) {
	st, _, err := e.loadRecord(ctx, workflowID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, workflowID)
	}
	if err != nil {
		return nil, err
	}
	u := st.Updates[updateID]
	switch {
	case u == nil:
		return nil, fmt.Errorf("%w: %s of workflow %s", ErrUpdateNotFound, updateID, workflowID)
	case !u.Status.Answered():
		return nil, nil
	case u.Status == history.UpdateCompleted:
		return &UpdateOutcome{Output: json.RawMessage(u.Output)}, nil
	}
	return &UpdateOutcome{Err: &UpdateError{Workflow: st.Name, ID: st.ID, Update: u.Name, UpdateID: updateID,
		Rejected: u.Status == history.UpdateRejected, Cause: errconv.ToError(u.Error)}}, nil
}

// recordUpdates writes what a replay made of the update requests: the
// rejected ones leave the new batch (the last one) and are answered, the
// accepted ones are marked so, and those whose handler returned are
// answered. Each answer is announced to the clients.
func (e *Engine) recordUpdates(st *history.State, results []replay.UpdateResult, out *outbox) {
	rejected := map[string]bool{}
	for _, r := range results {
		u := st.Updates[r.ID]
		if u == nil { // a request stored before its status was (cannot happen with this engine)
			if st.Updates == nil {
				st.Updates = map[string]*history.Update{}
			}
			u = &history.Update{Name: r.Name, Status: history.UpdateRequested}
			st.Updates[r.ID] = u
		}
		switch {
		case u.Status.Answered():
		case r.Rejected != nil:
			rejected[r.ID] = true
			e.answerUpdate(st, r.ID, history.UpdateRejected, nil, r.Rejected, out)
		case r.Done && r.Err != nil:
			e.answerUpdate(st, r.ID, history.UpdateFailed, nil, r.Err, out)
		case r.Done:
			e.answerUpdate(st, r.ID, history.UpdateCompleted, r.Output, nil, out)
		default:
			u.Status = history.UpdateAccepted
		}
	}
	if len(rejected) == 0 || len(st.Batches) == 0 {
		return
	}
	last := &st.Batches[len(st.Batches)-1]
	kept := last.Events[:0:0]
	for _, ev := range last.Events {
		if ev.Kind != history.EventUpdate || !rejected[ev.ID] {
			kept = append(kept, ev)
		}
	}
	if len(kept) == 0 {
		st.Batches = st.Batches[:len(st.Batches)-1]
		return
	}
	last.Events = kept
}

// answerUpdate records the answer to an update request and announces it.
func (e *Engine) answerUpdate(st *history.State, id string, status history.UpdateStatus, output []byte, err *history.Error, out *outbox) {
	u := st.Updates[id]
	u.Status, u.Output, u.Error, u.Run = status, output, err, max(st.Run, 1)
	out.add(message.CompletedTopic, st.ID, 0, &message.Envelope{Kind: message.UpdateDone, WorkflowID: st.ID, WorkflowName: st.Name, UpdateID: id})
}

// failUpdates answers every request the workflow has not answered (accepted,
// or not seen yet) with an error: the run ends. keep, when set, says which
// requests not seen yet go on to the next run instead.
func (e *Engine) failUpdates(st *history.State, why string, keep map[string]bool, out *outbox) {
	for _, id := range sortedKeys(st.Updates) {
		u := st.Updates[id]
		if u.Status.Answered() || (keep[id] && u.Status == history.UpdateRequested) {
			continue
		}
		e.answerUpdate(st, id, history.UpdateFailed, nil, &history.Error{Kind: history.ErrorKindWorkflow, Message: why}, out)
	}
}

// pruneUpdates forgets the answers given before the run that is ending
// (st.Run): a client had that whole run to read them.
func pruneUpdates(st *history.State) {
	for id, u := range st.Updates {
		if u.Status.Answered() && u.Run < max(st.Run, 1) {
			delete(st.Updates, id)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
