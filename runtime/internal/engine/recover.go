package engine

import (
	"context"
	"errors"

	"github.com/infgen/infgen/runtime/internal/message"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/transport"
)

// Recover sends a Recover message to unfinished workflows registered here:
// all of them when all is set (the transport lost its messages), otherwise
// only the parked ones (so that a fixed deployment resumes them).
func (e *Engine) Recover(ctx context.Context, all bool) error {
	tag := TagParked
	if all {
		tag = TagActive
	}
	after := ""
	for {
		ids, err := e.store.ListTag(ctx, &storage.ListTagParams{Tag: tag, After: after, Limit: 500})
		if err != nil {
			return err
		}
		for _, key := range ids {
			if err := e.recoverOne(ctx, key); err != nil {
				return err
			}
		}
		if len(ids) < 500 {
			return nil
		}
		after = ids[len(ids)-1]
	}
}

func (e *Engine) recoverOne(ctx context.Context, key string) error {
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
	payload, err := message.Encode(&message.Envelope{Kind: message.Recover, ID: NewID(), WorkflowID: st.ID, WorkflowName: st.Name})
	if err != nil {
		return err
	}
	return e.tr.Publish(ctx, &transport.PublishParams{
		Topic: message.WorkflowTopic(st.Name), Message: transport.Message{Key: st.ID, Payload: payload},
	})
}
