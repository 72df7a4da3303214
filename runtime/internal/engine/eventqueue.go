package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/infgen/infgen/runtime/internal/cloudevent"
	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/transport"
)

// On a transport that is not durable (the memory transport of the embedded
// default) a published event lives only in the process: a kill -9 before
// its subscribers handled it would lose it. So the engine keeps a copy of
// each such event in storage, a queue record, until every subscription of
// its type has handled it:
//
//  1. A step whose outbox holds events that a subscription reads is saved
//     with the tag TagEventOutbox on its state, in the same compare-and-set.
//  2. After that write, each of those events is written as a queue record
//     (EventQueueKey, create-only, tagged TagEventQueue), then the state's
//     tag is removed, then the outbox is published.
//  3. A subscription that handled an event (its dedup record is done)
//     deletes the queue record once every subscription of the type has.
//  4. A starting worker queues the events of the states still tagged (a
//     crash between 1 and 2: RecoverEventOutboxes), then publishes every
//     queued event again (RepublishEvents); the dedup records make the
//     copies that were handled already harmless.
//
// On a durable transport (Pulsar) none of this happens: the broker keeps
// the events.
const (
	// TagEventOutbox tags the states whose last saved outbox holds events
	// not yet written as queue records.
	TagEventOutbox = "infgen:event-outbox"
	// TagEventQueue tags the queue records.
	TagEventQueue = "infgen:event-queue"
)

// EventQueueKey is the key of the queue record of an event.
func EventQueueKey(eventID string) string {
	h := sha256.Sum256([]byte(eventID))
	return "evq/" + hex.EncodeToString(h[:16])
}

// queuedEvent is a queue record: an event as it is published.
type queuedEvent struct {
	ID     string          `json:"id"`
	Topic  string          `json:"topic"`
	Key    string          `json:"key"`
	Queued time.Time       `json:"queued"`
	Event  json.RawMessage `json:"event"`
}

// eventTopicPrefix starts the topic of every event.
var eventTopicPrefix = cloudevent.Topic("")

// subscriptionPrefix starts the transport subscription name of an event
// subscription (see worker.SubscribeEvents).
const subscriptionPrefix = "events."

// keepsEvents reports whether the engine keeps events in storage until they
// are handled: when the transport forgets them in a crash.
func (e *Engine) keepsEvents() bool { return !e.durable }

// subscribed reports whether a subscription reads the topic: true when the
// transport cannot tell.
func (e *Engine) subscribed(topic string) bool {
	l, ok := e.tr.(transport.SubscriptionLister)
	if !ok {
		return true
	}
	for _, n := range l.SubscriptionNames(topic) {
		if strings.HasPrefix(n, subscriptionPrefix) {
			return true
		}
	}
	return false
}

// eventsToQueue returns the messages of out that are events a
// subscription reads, when the engine keeps events; nil otherwise.
func (e *Engine) eventsToQueue(out *outbox) []*outMsg {
	if !e.keepsEvents() {
		return nil
	}
	var q []*outMsg
	for i := range out.msgs {
		m := &out.msgs[i]
		if (m.Event != nil || strings.HasPrefix(m.Topic, eventTopicPrefix)) && e.subscribed(m.Topic) {
			q = append(q, m)
		}
	}
	return q
}

// queueEvents writes a queue record for each event of q (one written
// already is left as it is), then takes the state of workflow id off
// TagEventOutbox. A step calls it after saving its state, before
// publishing.
func (e *Engine) queueEvents(ctx context.Context, id string, q []*outMsg) error {
	if len(q) == 0 {
		return nil
	}
	for _, m := range q {
		if err := e.queueEvent(ctx, m); err != nil {
			return err
		}
	}
	if err := e.store.RemoveTag(ctx, &storage.TagParams{Tag: TagEventOutbox, ID: StateKey(id)}); err != nil {
		return fmt.Errorf("workflow %s: untag the queued events: %w", id, err)
	}
	return nil
}

func (e *Engine) queueEvent(ctx context.Context, m *outMsg) error {
	raw := m.raw
	if raw == nil {
		var err error
		if raw, err = m.encode(); err != nil {
			return err
		}
		m.raw = raw
	}
	id := ""
	if m.Event != nil {
		id = m.Event.ID
	} else {
		ev, err := cloudevent.Decode(raw)
		if err != nil {
			return fmt.Errorf("decode a stored event: %w", err)
		}
		id = ev.ID
	}
	data, err := json.Marshal(queuedEvent{ID: id, Topic: m.Topic, Key: m.Key, Queued: e.now(), Event: raw})
	if err != nil {
		return err
	}
	key := EventQueueKey(id)
	_, err = e.store.Put(ctx, &storage.PutParams{ID: key, Data: data, AddTags: []string{TagEventQueue}})
	if err != nil && !errors.Is(err, storage.ErrConflict) {
		return fmt.Errorf("queue event %s: %w", id, err)
	}
	return nil
}

// ackQueued deletes the queue record of an event that subscription sub has
// handled, when every other subscription of its type has handled it too
// (their dedup records are done). Best effort: a record left behind is
// published again by the next start and acknowledged then.
func (e *Engine) ackQueued(ctx context.Context, sub string, ev *cloudevent.Event) {
	if !e.keepsEvents() {
		return
	}
	if l, ok := e.tr.(transport.SubscriptionLister); ok {
		for _, n := range l.SubscriptionNames(cloudevent.Topic(ev.Type)) {
			name, ok := strings.CutPrefix(n, subscriptionPrefix)
			if !ok || name == sub {
				continue
			}
			if !e.eventDone(ctx, name, ev.ID) {
				return
			}
		}
	}
	e.deleteQueued(ctx, EventQueueKey(ev.ID))
}

// eventDone reports whether subscription sub has handled the event.
func (e *Engine) eventDone(ctx context.Context, sub, id string) bool {
	rec, err := e.store.Get(ctx, &storage.GetParams{ID: EventKey(sub, id)})
	if err != nil {
		return false
	}
	var r eventRecord
	return json.Unmarshal(rec.Data, &r) == nil && r.Status == eventDone
}

// deleteQueued deletes a queue record and its tag, best effort.
func (e *Engine) deleteQueued(ctx context.Context, key string) {
	// A queue record is written once (create-only): its version is the
	// first one, and the delete needs no read unless a store numbers
	// otherwise.
	err := e.store.Delete(ctx, &storage.DeleteParams{ID: key, Version: 1})
	if errors.Is(err, storage.ErrConflict) {
		var rec *storage.Record
		if rec, err = e.store.Get(ctx, &storage.GetParams{ID: key}); err == nil {
			err = e.store.Delete(ctx, &storage.DeleteParams{ID: key, Version: rec.Version})
		}
	}
	if err == nil || errors.Is(err, storage.ErrNotFound) {
		_ = e.store.RemoveTag(ctx, &storage.TagParams{Tag: TagEventQueue, ID: key})
	}
}

// RecoverEventOutboxes writes the queue records of the events of every
// state still tagged TagEventOutbox: steps saved by a process that died
// before it queued their events. A worker on a transport that is not
// durable calls it when it starts, after subscribing to events and before
// handling workflow messages (a step would overwrite the outbox).
func (e *Engine) RecoverEventOutboxes(ctx context.Context) error {
	if !e.keepsEvents() {
		return nil
	}
	keys, err := e.listTag(ctx, TagEventOutbox)
	if err != nil {
		return fmt.Errorf("list the unqueued event outboxes: %w", err)
	}
	for _, key := range keys {
		if err := e.recoverEventOutbox(ctx, key); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) recoverEventOutbox(ctx context.Context, key string) error {
	for range 10 {
		st, rec, err := loadHead(ctx, e.store, IDFromKey(key))
		if errors.Is(err, storage.ErrNotFound) {
			return e.store.RemoveTag(ctx, &storage.TagParams{Tag: TagEventOutbox, ID: key})
		}
		if err != nil {
			return err
		}
		if err := e.queueOutbox(ctx, st); err != nil {
			return err
		}
		// Untag with a compare-and-set: a step saved since may hold events
		// of its own that it has not queued yet.
		_, err = e.store.Put(ctx, &storage.PutParams{ID: key, Data: rec.Data, Version: rec.Version, RemoveTags: []string{TagEventOutbox}})
		if !errors.Is(err, storage.ErrConflict) {
			return err
		}
	}
	return nil // changing under us: its writer queues its events
}

// queueOutbox writes the queue records of the events of st's saved outbox.
func (e *Engine) queueOutbox(ctx context.Context, st *history.State) error {
	for _, raw := range st.Outbox {
		if !bytes.Contains(raw, []byte(`"topic":"`+eventTopicPrefix)) {
			continue
		}
		o, err := decodeOutbox([]json.RawMessage{raw})
		if err != nil {
			return fmt.Errorf("workflow %s: %w", st.ID, err)
		}
		for _, m := range e.eventsToQueue(o) {
			if err := e.queueEvent(ctx, m); err != nil {
				return err
			}
		}
	}
	return nil
}

// RepublishEvents publishes every queued event again: a worker on a
// transport that is not durable calls it when it starts, after subscribing
// to events, so that the events a crash took from memory before their
// subscribers handled them are handled (once per subscription: a copy
// handled already finds its dedup record done).
func (e *Engine) RepublishEvents(ctx context.Context) error {
	if !e.keepsEvents() {
		return nil
	}
	keys, err := e.listTag(ctx, TagEventQueue)
	if err != nil {
		return fmt.Errorf("list the queued events: %w", err)
	}
	for _, key := range keys {
		rec, err := e.store.Get(ctx, &storage.GetParams{ID: key})
		if errors.Is(err, storage.ErrNotFound) {
			_ = e.store.RemoveTag(ctx, &storage.TagParams{Tag: TagEventQueue, ID: key})
			continue
		}
		if err != nil {
			return fmt.Errorf("read queued event %s: %w", key, err)
		}
		var q queuedEvent
		if err := json.Unmarshal(rec.Data, &q); err != nil {
			e.log.Error("queued event is corrupt; dropped", "key", key, "error", err)
			e.deleteQueued(ctx, key)
			continue
		}
		err = e.tr.Publish(ctx, &transport.PublishParams{Topic: q.Topic, Message: transport.Message{Key: q.Key, Payload: q.Event}, Unordered: true})
		if err != nil {
			return fmt.Errorf("publish queued event %s: %w", q.ID, err)
		}
	}
	return nil
}

// QueuedEvents returns how many events are kept in storage until their
// subscribers handle them (for tests and diagnostics).
func (e *Engine) QueuedEvents(ctx context.Context) (int, error) {
	keys, err := e.listTag(ctx, TagEventQueue)
	return len(keys), err
}

// listTag returns every id of a tag.
func (e *Engine) listTag(ctx context.Context, tag string) ([]string, error) {
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
