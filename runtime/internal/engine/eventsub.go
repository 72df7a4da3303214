package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/infgen/infgen/runtime/internal/cloudevent"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/transport"
)

// EventKey is the key of the record that deduplicates the deliveries of
// one event to one subscription: a hash, as event ids and subscription
// names have no bound on their length.
func EventKey(subscription, eventID string) string {
	h := sha256.Sum256([]byte(subscription + "\x00" + eventID))
	return "evt/" + hex.EncodeToString(h[:16])
}

// eventRecord is the dedup record of an event in a subscription: claimed
// while a handler runs ("handling", until Until), then "done", or "failed"
// when the handler returned an error (the next delivery claims it again).
type eventRecord struct {
	Subscription string    `json:"subscription"`
	ID           string    `json:"id"`
	Type         string    `json:"type"`
	Status       string    `json:"status"`
	Until        time.Time `json:"until,omitzero"`
	Done         time.Time `json:"done,omitzero"`
	// Failures counts the handlings that returned an error: the event is a
	// dead letter after MaxRedeliveries of them (deliveries that found the
	// event claimed by another do not count).
	Failures int `json:"failures,omitempty"`
}

const (
	eventHandling = "handling"
	eventDone     = "done"
	eventFailed   = "failed"
)

// ErrEventBusy is returned (and the delivery negatively acknowledged) when
// another delivery of the same event is being handled in the subscription:
// the delivery comes again later and finds the event done.
var ErrEventBusy = errors.New("the event is being handled by another delivery")

// EventSubscription is a handler of one event type in a named subscription.
type EventSubscription struct {
	Type         string
	Subscription string
	Handler      func(ctx context.Context, ev *cloudevent.Event) error
	// Lease bounds one handling: the handler's context ends then, and a
	// claim older than that is taken over by the next delivery.
	Lease time.Duration
}

// HandleEvent is the transport handler of an event subscription. Each
// event is handled once per subscription, whatever the number of its
// deliveries: a dedup record claimed with a compare-and-set before the
// handler runs (a delivery that finds it claimed is redelivered later) is
// marked done after it returns; a failed handling releases the claim,
// counting the failure in the record, and the delivery comes again; after
// MaxRedeliveries failed handlings it is a dead letter. A delivery that
// waits for another's claim is no failure: a claim left by a process that
// died (for up to the lease) delays the event, never sets it aside.
func (e *Engine) HandleEvent(s *EventSubscription) transport.Handler {
	lease := s.Lease
	if lease <= 0 {
		lease = time.Minute
	}
	return func(ctx context.Context, d *transport.Delivery) error {
		ev, err := cloudevent.Decode(d.Payload)
		if err != nil {
			return e.deadLetter(ctx, d, err.Error())
		}
		key := EventKey(s.Subscription, ev.ID)
		rec, err := e.store.Get(ctx, &storage.GetParams{ID: key})
		var version int64
		failures := 0
		switch {
		case errors.Is(err, storage.ErrNotFound):
		case err != nil:
			return fmt.Errorf("read the dedup record of event %s: %w", ev.ID, err)
		default:
			var r eventRecord
			if err := json.Unmarshal(rec.Data, &r); err != nil {
				return fmt.Errorf("decode the dedup record of event %s: %w", ev.ID, err)
			}
			if r.Status == eventDone {
				e.ackQueued(ctx, s.Subscription, ev)
				return nil // a redelivery of an event handled already
			}
			if r.Status == eventHandling && time.Now().Before(r.Until) {
				return ErrEventBusy
			}
			// A failed handling, or the claim of one that died.
			version, failures = rec.Version, r.Failures
		}
		if failures >= e.maxRedeliveries {
			_ = e.store.Delete(ctx, &storage.DeleteParams{ID: key, Version: version})
			// The dead letter keeps the event now (client.Redrive publishes
			// it again): its stored copy is settled for this subscription.
			e.ackQueued(ctx, s.Subscription, ev)
			return e.deadLetter(ctx, d, fmt.Sprintf("handling event %s (%s) in subscription %s failed %d times", ev.ID, ev.Type, s.Subscription, failures))
		}
		r := eventRecord{Subscription: s.Subscription, ID: ev.ID, Type: ev.Type, Status: eventHandling, Until: time.Now().Add(lease).UTC(), Failures: failures}
		data, _ := json.Marshal(r)
		claimed, err := e.store.Put(ctx, &storage.PutParams{ID: key, Data: data, Version: version})
		if errors.Is(err, storage.ErrConflict) {
			return ErrEventBusy
		}
		if err != nil {
			return fmt.Errorf("claim event %s: %w", ev.ID, err)
		}
		hctx, cancel := context.WithTimeout(ctx, lease)
		err = callEventHandler(hctx, s.Handler, ev)
		cancel()
		if err != nil {
			// Release the claim, counting the failure, so that the
			// redelivery handles the event (or sets it aside).
			r.Status, r.Until, r.Failures = eventFailed, time.Time{}, failures+1
			data, _ = json.Marshal(r)
			if _, perr := e.store.Put(context.WithoutCancel(ctx), &storage.PutParams{ID: key, Data: data, Version: claimed}); perr != nil {
				_ = e.store.Delete(context.WithoutCancel(ctx), &storage.DeleteParams{ID: key, Version: claimed})
			}
			e.log.Warn("event handler failed; the event will be redelivered", "subscription", s.Subscription, "event_id", ev.ID,
				"type", ev.Type, "failures", r.Failures, "error", err)
			return err
		}
		r.Status, r.Until, r.Done = eventDone, time.Time{}, e.now()
		data, _ = json.Marshal(r)
		if _, err := e.store.Put(context.WithoutCancel(ctx), &storage.PutParams{ID: key, Data: data, Version: claimed,
			AddTags: []string{EventsDoneTag(r.Done)}}); err != nil {
			// The handler succeeded: acknowledge. The claim runs out and a
			// later delivery of the same event (none is expected) would
			// handle it again.
			e.log.Warn("event handled but not marked done", "subscription", s.Subscription, "event_id", ev.ID, "error", err)
			return nil
		}
		e.ackQueued(context.WithoutCancel(ctx), s.Subscription, ev)
		return nil
	}
}

func callEventHandler(ctx context.Context, h func(context.Context, *cloudevent.Event) error, ev *cloudevent.Event) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("event handler panicked: %v\n%s", r, debug.Stack())
		}
	}()
	return h(ctx, ev)
}
