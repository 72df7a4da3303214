package engine

import (
	"context"
	"errors"
	"time"

	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/message"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/transport"
)

// RecoverList lists the unfinished workflows a recovery sweep visits: all
// of them when all is set (the transport lost its messages), otherwise only
// the parked ones (so that a fixed deployment resumes them). Listing takes
// keys only; Recover then reads each state, so a worker lists before it
// serves and recovers beside its handlers.
func (e *Engine) RecoverList(ctx context.Context, all bool) ([]string, error) {
	tag := TagParked
	if all {
		tag = TagActive
	}
	var keys []string
	after := ""
	for {
		ids, err := e.store.ListTag(ctx, &storage.ListTagParams{Tag: tag, After: after, Limit: 500})
		if err != nil {
			return nil, err
		}
		keys = append(keys, ids...)
		if len(ids) < 500 {
			return keys, nil
		}
		after = ids[len(ids)-1]
	}
}

// Recover sends a Recover message to each listed workflow registered here
// that may have lost one: not to an idle one (see idle), nor to one written
// after since, whose messages are being handled.
func (e *Engine) Recover(ctx context.Context, keys []string, since time.Time) error {
	for _, key := range keys {
		if err := e.recoverOne(ctx, key, since); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) recoverOne(ctx context.Context, key string, since time.Time) error {
	id := IDFromKey(key)
	st, _, err := loadHead(ctx, e.store, id)
	if errors.Is(err, storage.ErrNotFound) {
		// Tagged by an older release before a crash prevented the state
		// from being written.
		return e.store.RemoveTag(ctx, &storage.TagParams{Tag: TagActive, ID: key})
	}
	if err != nil {
		e.log.Error("cannot recover workflow", "workflow_id", id, "error", err)
		return nil
	}
	if _, _, ok := e.workflow(st.Name, 0); !ok {
		return nil
	}
	if idle(st) || st.Updated.After(since) {
		return nil
	}
	payload, err := message.Encode(&message.Envelope{Kind: message.Recover, ID: NewID(), WorkflowID: st.ID, WorkflowName: st.Name})
	if err != nil {
		return err
	}
	return e.tr.Publish(ctx, &transport.PublishParams{
		Topic: message.WorkflowTopic(st.Name), Message: transport.Message{Key: st.ID, Payload: payload},
	})
}

// idle reports whether a running workflow has nothing a lost message could
// have carried: it has stepped, and it only waits for a signal or an update
// that a client stores before it sends its message (no task, timer, child or
// deadline pending, nothing in its inbox, no update unanswered, not parked).
// Recovering it would replay it for nothing; the next signal wakes it.
func idle(st *history.State) bool {
	if st.Status != history.Running || st.Parked != nil || (len(st.Batches) == 0 && st.Sealed == nil) {
		return false
	}
	if len(st.Inbox) > 0 || len(st.Tasks) > 0 || len(st.Timers) > 0 || len(st.Children) > 0 || !st.Deadline.IsZero() {
		return false
	}
	for _, u := range st.Updates {
		if u.Status == history.UpdateRequested || u.Status == history.UpdateAccepted {
			return false
		}
	}
	return true
}
