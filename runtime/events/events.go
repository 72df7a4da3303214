package events

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/infgen/infgen/runtime/internal/cloudevent"
	"github.com/infgen/infgen/runtime/worker"
)

// Event is a CloudEvents 1.0 event, in the spec's JSON event format on the
// wire.
type Event = cloudevent.Event

// Handler handles one event. Returning an error has the event delivered
// again (after RetryDelay); after the worker's MaxRedeliveries failed
// handlings it is set aside as a dead letter.
type Handler func(ctx context.Context, ev *Event) error

// Topic is the topic events of a type travel on: "events.<type>".
func Topic(eventType string) string { return cloudevent.Topic(eventType) }

// DefaultName is the name of a subscription that is not given one.
const DefaultName = "default"

// Option adjusts a subscription.
type Option func(*worker.EventSubscription)

// Name names the subscription (default DefaultName). Each named
// subscription of a type receives every event of it once; the handlers of
// one name share its events, in one worker or many. Give a name when two
// programs (or two handlers) each need every event.
func Name(name string) Option { return func(s *worker.EventSubscription) { s.Name = name } }

// Concurrency bounds how many events a worker handles at once in the
// subscription (default 16).
func Concurrency(n int) Option { return func(s *worker.EventSubscription) { s.Concurrency = n } }

// RetryDelay is how long a failed event waits before it is delivered again
// (default: the transport's, about a second).
func RetryDelay(d time.Duration) Option {
	return func(s *worker.EventSubscription) { s.RetryDelay = d }
}

// Timeout bounds one handling (default one minute): the handler's context
// ends then, and a later delivery of the same event may handle it again.
func Timeout(d time.Duration) Option { return func(s *worker.EventSubscription) { s.Timeout = d } }

// Subscribe registers h for the events of eventType in w, before w.Start.
// The subscription is durable (on Pulsar: a durable Shared subscription of
// the topic) and each event is handled once per subscription even when it
// is delivered more than once (see docs/events.md for the exact promise).
func Subscribe(w *worker.Worker, eventType string, h Handler, opts ...Option) error {
	s := worker.EventSubscription{Type: eventType, Name: DefaultName, Concurrency: 16, Handler: h}
	for _, o := range opts {
		o(&s)
	}
	return w.SubscribeEvents(s)
}

// Typed is an event type whose data decodes into a T. A generated package
// declares one per method of a service, in the fields of its
// <Service>Events variable (PaymentServiceEvents.RequestPaymentCompleted,
// an events.Typed[*RequestPaymentOutput]); subscribe to it with On.
//
// Typed is data rather than a method per event so that a generated package
// with a thousand operations does not compile a thousand subscription
// functions. It is not comparable (compare the Type fields).
type Typed[T any] struct {
	_ [0]func() // no equality function for the compiler to generate per struct holding Typed values

	// Type is the CloudEvents type of the events.
	Type string
}

// On registers h for the events of type e in w, before w.Start, with their
// data decoded into a T as SubscribeData does:
//
//	err := events.On(w, payment.PaymentServiceEvents.RequestPaymentCompleted,
//		func(ctx context.Context, ev *events.Event, out *payment.RequestPaymentOutput) error { … })
func On[T any](w *worker.Worker, e Typed[T], h func(ctx context.Context, ev *Event, data T) error, opts ...Option) error {
	return SubscribeData(w, e.Type, h, opts...)
}

// SubscribeData is Subscribe with the event's data decoded into a new
// value of T's element type when T is a pointer (such as the *Output of a
// generated method), or into a T: from JSON, or from binary data when it is
// a protobuf message (a gRPC method's response). With pointer type
// arguments all instantiations share one compiled body.
//
//go:noinline
func SubscribeData[T any](w *worker.Worker, eventType string, h func(ctx context.Context, ev *Event, data T) error, opts ...Option) error {
	return subscribeData(w, eventType, reflect.TypeFor[T](), func(ctx context.Context, ev *Event, data any) error {
		return h(ctx, ev, data.(T))
	}, opts)
}

// subscribeData is SubscribeData's body, for data of type t.
func subscribeData(w *worker.Worker, eventType string, t reflect.Type, h func(context.Context, *Event, any) error, opts []Option) error {
	ptr := t.Kind() == reflect.Pointer
	alloc := t
	if ptr {
		alloc = t.Elem()
	}
	return Subscribe(w, eventType, func(ctx context.Context, ev *Event) error {
		v := reflect.New(alloc)
		if err := decodeInto(ev, v.Interface()); err != nil {
			return err
		}
		if !ptr {
			v = v.Elem()
		}
		return h(ctx, ev, v.Interface())
	}, opts...)
}

// Decode decodes the event's data into a T: JSON data, or binary data
// (data_base64) when *T is a protobuf message (a gRPC method's response).
func Decode[T any](ev *Event) (*T, error) {
	v := new(T)
	if err := decodeInto(ev, v); err != nil {
		return nil, err
	}
	return v, nil
}

// decodeInto decodes the event's data into the pointer v.
func decodeInto(ev *Event, v any) error {
	if len(ev.DataBase64) > 0 {
		m, ok := v.(proto.Message)
		if !ok {
			return fmt.Errorf("events: decode the data of %s event %s: binary data (%s) into %T, not a protobuf message", ev.Type, ev.ID, ev.DataContentType, v)
		}
		if err := proto.Unmarshal(ev.DataBase64, m); err != nil {
			return fmt.Errorf("events: decode the data of %s event %s: %w", ev.Type, ev.ID, err)
		}
		return nil
	}
	if len(ev.Data) == 0 {
		return nil
	}
	if err := json.Unmarshal(ev.Data, v); err != nil {
		return fmt.Errorf("events: decode the data of %s event %s: %w", ev.Type, ev.ID, err)
	}
	return nil
}

// Unmarshal reads an event in the CloudEvents JSON event format (the form
// it has on its topic).
func Unmarshal(b []byte) (*Event, error) { return cloudevent.Decode(b) }

// Marshal returns an event in the CloudEvents JSON event format.
func Marshal(ev *Event) ([]byte, error) { return cloudevent.Encode(ev) }
