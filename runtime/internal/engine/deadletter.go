package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

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
}

// deadLetter stores the delivery with the reason and acknowledges it, so
// that a poisonous message never blocks or kills a worker.
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
	return nil
}
