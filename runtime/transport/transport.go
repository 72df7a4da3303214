package transport

import (
	"context"
	"errors"
	"time"
)

// ErrClosed is returned by a Transport used after Close.
var ErrClosed = errors.New("transport: closed")

// Mode is the delivery mode of a subscription.
type Mode int

const (
	// Shared spreads messages over all handlers of a subscription, in any order.
	Shared Mode = iota
	// KeyShared delivers the messages of one key to one handler at a time, in
	// the order they were published (modulo DeliverAfter).
	KeyShared
)

// String returns the mode's name.
func (m Mode) String() string {
	switch m {
	case Shared:
		return "shared"
	case KeyShared:
		return "key-shared"
	default:
		return "unknown"
	}
}

// Message is what travels on a topic.
type Message struct {
	// Key orders messages in KeyShared subscriptions (a workflow id).
	Key string
	// Payload is the encoded body; the transport never looks inside.
	Payload []byte
	// Headers carry metadata such as the W3C traceparent.
	Headers map[string]string
}

// Delivery is a Message as a handler receives it.
type Delivery struct {
	Message
	// Topic the message was received from.
	Topic string
	// ID identifies the delivery within the transport, for logs.
	ID string
	// Redeliveries counts how many times this message was delivered before
	// (0 on first delivery).
	Redeliveries int
	// PublishTime is when the message was published.
	PublishTime time.Time
}

// Handler processes one delivery. Returning nil acknowledges it; returning an
// error negatively acknowledges it so that it is delivered again later.
type Handler func(ctx context.Context, d *Delivery) error

// PublishParams are the parameters of Transport.Publish.
type PublishParams struct {
	// Topic is the logical topic name, e.g. "workflow.billing" or "service.payments".
	Topic string
	// Message is the message to publish.
	Message Message
	// DeliverAfter delays delivery; zero delivers at once.
	DeliverAfter time.Duration
	// Ephemeral messages are only for the subscriptions that exist when they
	// are published, and may be dropped (notifications; Pulsar: a
	// non-persistent topic). Ephemeral and DeliverAfter are not combined.
	Ephemeral bool
	// Unordered says that the message needs no order relative to the other
	// messages of its key: it goes to a topic read by Shared subscriptions
	// (a service's tasks, notifications). The transport may then batch it
	// with others when busy.
	Unordered bool
}

// SubscribeParams are the parameters of Transport.Subscribe.
type SubscribeParams struct {
	// Topic is the logical topic name.
	Topic string
	// Subscription names the group of handlers that share the topic's messages.
	Subscription string
	// Mode is Shared or KeyShared.
	Mode Mode
	// Handler processes deliveries.
	Handler Handler
	// Concurrency bounds how many deliveries this subscriber handles at once
	// (at least 1).
	Concurrency int
	// NackDelay is how long a negatively acknowledged message waits before it is
	// delivered again; zero means the transport's default (about one second).
	NackDelay time.Duration
	// Ephemeral subscriptions belong to one process: they receive the
	// messages published while they exist and vanish when closed, leaving no
	// backlog behind (client notifications; Pulsar: a non-durable
	// subscription starting at the latest message).
	Ephemeral bool
}

// Subscription is an active subscriber; Close stops it and waits for running
// handlers to return.
type Subscription interface {
	Close() error
}

// Transport publishes and delivers messages. Implementations are safe for
// concurrent use.
type Transport interface {
	// Publish sends a message. When it returns nil the message will be
	// delivered (at least once) to every subscription of the topic that exists
	// or is created later, for transports that retain messages.
	Publish(ctx context.Context, p *PublishParams) error
	// Subscribe starts delivering the topic's messages to p.Handler until the
	// returned Subscription is closed.
	Subscribe(ctx context.Context, p *SubscribeParams) (Subscription, error)
	// Durable reports whether published messages survive a crash of this
	// process. The engine re-drives pending work from storage when they do not.
	Durable() bool
	// Close releases the transport and closes its subscriptions.
	Close() error
}

// SubscriptionLister is implemented by a transport that knows every
// subscription of its topics (the memory transport: they are all in its
// process). The engine asks it, on a transport that is not Durable, which
// subscriptions must handle an event before it forgets the event's stored
// copy (see docs/events.md).
type SubscriptionLister interface {
	// SubscriptionNames returns the names of the topic's subscriptions that
	// outlive a handler (not Ephemeral ones), in any order.
	SubscriptionNames(topic string) []string
}
