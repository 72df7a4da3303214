package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/infgen/infgen/runtime/internal/message"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/transport"
)

// DeadLetter is a message set aside because it could not be handled.
type DeadLetter struct {
	ID           string            `json:"id"`
	Topic        string            `json:"topic"`
	Key          string            `json:"key,omitempty"`
	Payload      []byte            `json:"payload"`
	Headers      map[string]string `json:"headers,omitempty"`
	Reason       string            `json:"reason"`
	Redeliveries int               `json:"redeliveries"`
	Time         time.Time         `json:"time"`
	// Redriven is when the message was published again (client.Redrive);
	// such a record is no longer listed.
	Redriven time.Time `json:"redriven,omitzero"`
	// Dropped is when the message was dropped (client.DropDeadLetter):
	// taken off the list without being published again.
	Dropped time.Time `json:"dropped,omitzero"`
}

// deadLetter stores the delivery with the reason and acknowledges it, so
// that a poisonous message never blocks or kills a worker. The stored record
// is the one to inspect and re-drive (client.DeadLetters, client.Redrive);
// a copy is also published on the dead-letter topic for whoever watches it
// (an alert, an archive). That copy is best effort: when it cannot be
// published, the stored record is still there.
func (e *Engine) deadLetter(ctx context.Context, d *transport.Delivery, reason string) error {
	dl := DeadLetter{ID: NewID(), Topic: d.Topic, Key: d.Key, Payload: d.Payload, Headers: d.Headers,
		Reason: reason, Redeliveries: d.Redeliveries, Time: time.Now().UTC()}
	data, err := json.Marshal(dl)
	if err != nil {
		return err
	}
	if _, err := e.store.Put(ctx, &storage.PutParams{ID: DeadLetterKey(dl.ID), Data: data, AddTags: []string{TagDeadLetters}}); err != nil {
		return fmt.Errorf("store dead letter: %w", err)
	}
	e.log.Error("message set aside as a dead letter", "dead_letter_id", dl.ID, "topic", d.Topic, "key", d.Key, "reason", reason)
	if e.obs != nil {
		e.obs.DeadLetter(ctx, d.Topic, reason)
	}
	err = e.tr.Publish(ctx, &transport.PublishParams{Topic: message.DeadLetterTopic,
		Message: transport.Message{Key: dl.ID, Payload: data, Headers: map[string]string{"reason": oneLine(reason)}}})
	if err != nil {
		e.log.Warn("dead letter stored but not published on the dead-letter topic", "dead_letter_id", dl.ID, "error", err)
	}
	return nil
}

// oneLine makes a reason fit a message header.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 512 {
		s = string(r[:512])
	}
	return s
}

// DropDeadLetter takes a dead letter off the list without publishing it
// again: one write keeps the record, marked dropped, as a trace. An unknown
// id, or one already re-driven or dropped, is an ErrNoDeadLetter error; a
// failed write changes nothing.
func (e *Engine) DropDeadLetter(ctx context.Context, id string) error {
	key := DeadLetterKey(id)
	rec, err := e.store.Get(ctx, &storage.GetParams{ID: key})
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("%w: %s", ErrNoDeadLetter, id)
	}
	if err != nil {
		return fmt.Errorf("drop dead letter %s: %w", id, err)
	}
	var dl DeadLetter
	if err := json.Unmarshal(rec.Data, &dl); err != nil {
		return fmt.Errorf("drop dead letter %s: the dead letter is corrupt: %w", id, err)
	}
	if !dl.Redriven.IsZero() || !dl.Dropped.IsZero() {
		return fmt.Errorf("%w: %s was already re-driven or dropped", ErrNoDeadLetter, id)
	}
	dl.Dropped = e.now()
	data, err := json.Marshal(dl)
	if err != nil {
		return err
	}
	_, err = e.store.Put(ctx, &storage.PutParams{ID: key, Data: data, Version: rec.Version, RemoveTags: []string{TagDeadLetters}})
	if errors.Is(err, storage.ErrConflict) {
		return fmt.Errorf("drop dead letter %s: it changed meanwhile (re-driven?), nothing was changed: %w", id, err)
	}
	if err != nil {
		return fmt.Errorf("drop dead letter %s: nothing was changed: %w", id, err)
	}
	return nil
}
