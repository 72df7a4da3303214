package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/infgen/infgen/runtime/internal/cloudevent"
	"github.com/infgen/infgen/runtime/internal/engine"
	"github.com/infgen/infgen/runtime/transport"
)

// EventSubscription is a handler of one event type (package events builds
// them: events.Subscribe).
type EventSubscription struct {
	// Type is the event type; the handler reads the topic "events.<Type>".
	Type string
	// Name names the subscription: every subscription of a type receives
	// each event once; the handlers of one name, in any number of
	// workers, share its events.
	Name string
	// Handler handles one event; an error has it redelivered.
	Handler func(ctx context.Context, ev *cloudevent.Event) error
	// Concurrency bounds how many events this worker handles at once in
	// the subscription (default 16).
	Concurrency int
	// RetryDelay is how long a failed event waits before it is delivered
	// again (default: the transport's, about a second).
	RetryDelay time.Duration
	// Timeout bounds one handling (default one minute): the handler's
	// context ends then, and a delivery of the event that comes later may
	// handle it again.
	Timeout time.Duration
}

// SubscribeEvents adds an event subscription, before Start.
func (w *Worker) SubscribeEvents(s EventSubscription) error {
	if err := cloudevent.ValidType(s.Type); err != nil {
		return fmt.Errorf("worker: subscribe: %w", err)
	}
	if s.Name == "" {
		return fmt.Errorf("worker: subscribe to %s: the subscription has no name", s.Type)
	}
	if s.Handler == nil {
		return fmt.Errorf("worker: subscribe to %s: no handler", s.Type)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.started {
		return errors.New("worker: subscribe to events before Start")
	}
	for _, o := range w.events {
		if o.Type == s.Type && o.Name == s.Name {
			return fmt.Errorf("worker: subscription %q to %s is already registered; give the second handler another name", s.Name, s.Type)
		}
	}
	w.events = append(w.events, s)
	return nil
}

func (w *Worker) subscribeEvents(ctx context.Context) error {
	for _, s := range w.events {
		if s.Concurrency <= 0 {
			s.Concurrency = 16
		}
		sub, err := w.opts.Transport.Subscribe(ctx, &transport.SubscribeParams{
			Topic: cloudevent.Topic(s.Type), Subscription: "events." + s.Name, Mode: transport.Shared,
			Handler:     w.engine.HandleEvent(&engine.EventSubscription{Type: s.Type, Subscription: s.Name, Handler: s.Handler, Lease: s.Timeout}),
			Concurrency: s.Concurrency, NackDelay: s.RetryDelay,
		})
		if err != nil {
			return fmt.Errorf("worker: subscribe to events %s: %w", s.Type, err)
		}
		w.subs = append(w.subs, sub)
	}
	return nil
}

// eventPruneEvery is how often a worker with event subscriptions prunes
// the dedup records that left the retention.
const eventPruneEvery = time.Hour

// PruneEvents deletes now the dedup records of the events handled more
// than Options.EventRetention ago (whole days), and the events kept for
// subscribers that never handled them in that time; it returns how many
// records it deleted. A worker with event subscriptions runs it when it
// starts and every hour.
func (w *Worker) PruneEvents(ctx context.Context) (int, error) {
	n, err := w.engine.PruneEvents(ctx, w.opts.EventRetention)
	if err != nil {
		return n, fmt.Errorf("worker: prune event records: %w", err)
	}
	return n, nil
}

// runEventPrune starts the prune loop when the worker has event
// subscriptions and a retention; w.mu is held.
func (w *Worker) runEventPrune(ctx context.Context) {
	if len(w.events) == 0 || w.opts.EventRetention < 0 {
		return
	}
	pctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	w.stopPrune, w.pruneDone = cancel, done
	go func() {
		defer close(done)
		t := time.NewTicker(eventPruneEvery)
		defer t.Stop()
		for {
			if n, err := w.PruneEvents(pctx); err != nil && pctx.Err() == nil {
				w.opts.Logger.Warn("event dedup records not pruned; the next pass tries again", "error", err)
			} else if n > 0 {
				w.opts.Logger.Info("event dedup records pruned", "deleted", n)
			}
			select {
			case <-pctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// stopEventPrune ends the prune loop and waits for it; w.mu is held.
func (w *Worker) stopEventPrune() {
	if w.stopPrune != nil {
		w.stopPrune()
		<-w.pruneDone
		w.stopPrune, w.pruneDone = nil, nil
	}
}
