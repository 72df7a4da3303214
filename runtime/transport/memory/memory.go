package memory

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/infgen/infgen/runtime/transport"
)

// defaultNackDelay is the redelivery delay after a handler error.
const defaultNackDelay = time.Second

// Transport is an in-memory transport.Transport.
type Transport struct {
	mu       sync.Mutex
	topics   map[string]*topic
	closed   bool
	seq      atomic.Uint64
	timers   sync.WaitGroup
	clock    Clock
	activity atomic.Uint64 // counts hand-outs, acknowledgements and redeliveries
}

// Clock schedules the delivery of delayed messages (PublishParams.DeliverAfter).
type Clock interface {
	// Now is the current time.
	Now() time.Time
	// AfterFunc calls f in its own goroutine after d.
	AfterFunc(d time.Duration, f func())
}

// wallClock is the real clock.
type wallClock struct{}

func (wallClock) Now() time.Time                      { return time.Now() }
func (wallClock) AfterFunc(d time.Duration, f func()) { time.AfterFunc(d, f) }

// Option configures New.
type Option func(*Transport)

// WithClock delivers delayed messages on c instead of the wall clock: a test
// environment passes a virtual clock that it advances when the system is
// idle (see workflowtest.Env).
func WithClock(c Clock) Option { return func(t *Transport) { t.clock = c } }

// New returns an empty in-memory transport.
func New(opts ...Option) *Transport {
	t := &Transport{topics: map[string]*topic{}, clock: wallClock{}}
	for _, o := range opts {
		o(t)
	}
	return t
}

var (
	_ transport.Transport          = (*Transport)(nil)
	_ transport.SubscriptionLister = (*Transport)(nil)
)

// topic holds the subscriptions of one topic, and the messages published
// before the first subscription existed.
type topic struct {
	subs    map[string]*group
	backlog []*transport.Delivery
}

// Durable reports false: messages are lost when the process dies.
func (t *Transport) Durable() bool { return false }

// Publish delivers the message to every subscription of the topic, after
// p.DeliverAfter.
func (t *Transport) Publish(ctx context.Context, p *transport.PublishParams) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if p.Topic == "" {
		return fmt.Errorf("memory: publish: empty topic")
	}
	d := &transport.Delivery{
		Message:     p.Message,
		Topic:       p.Topic,
		ID:          strconv.FormatUint(t.seq.Add(1), 10),
		PublishTime: t.clock.Now(),
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return transport.ErrClosed
	}
	if p.DeliverAfter > 0 {
		t.timers.Add(1)
		t.clock.AfterFunc(p.DeliverAfter, func() {
			defer t.timers.Done()
			t.mu.Lock()
			defer t.mu.Unlock()
			if !t.closed {
				t.route(d)
			}
		})
		return nil
	}
	if p.Ephemeral && len(t.topic(d.Topic).subs) == 0 {
		return nil
	}
	t.route(d)
	return nil
}

// route hands d to each subscription of its topic; t.mu is held.
func (t *Transport) route(d *transport.Delivery) {
	tp := t.topic(d.Topic)
	if len(tp.subs) == 0 {
		tp.backlog = append(tp.backlog, d)
		return
	}
	first := true
	for _, g := range tp.subs {
		c := d
		if !first {
			cp := *d
			c = &cp
		}
		first = false
		g.push(c)
	}
}

func (t *Transport) topic(name string) *topic {
	tp := t.topics[name]
	if tp == nil {
		tp = &topic{subs: map[string]*group{}}
		t.topics[name] = tp
	}
	return tp
}

// Subscribe starts p.Concurrency goroutines handling the topic's messages.
func (t *Transport) Subscribe(ctx context.Context, p *transport.SubscribeParams) (transport.Subscription, error) {
	if p.Topic == "" || p.Subscription == "" || p.Handler == nil {
		return nil, fmt.Errorf("memory: subscribe: topic, subscription and handler are required")
	}
	n := p.Concurrency
	if n < 1 {
		n = 1
	}
	nack := p.NackDelay
	if nack <= 0 {
		nack = defaultNackDelay
	}
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil, transport.ErrClosed
	}
	tp := t.topic(p.Topic)
	g := tp.subs[p.Subscription]
	if g == nil {
		g = newGroup(p.Mode)
		g.ephemeral = p.Ephemeral
		tp.subs[p.Subscription] = g
		for _, d := range tp.backlog {
			g.push(d)
		}
		tp.backlog = nil
	}
	t.mu.Unlock()

	s := &subscription{t: t, g: g, handler: p.Handler, nackDelay: nack, stop: make(chan struct{})}
	if p.Ephemeral {
		s.drop = func() { t.dropGroup(p.Topic, p.Subscription, g) }
	}
	s.ctx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	for range n {
		s.wg.Add(1)
		go s.loop()
	}
	g.mu.Lock()
	g.consumers++
	g.mu.Unlock()
	return s, nil
}

// dropGroup forgets an ephemeral subscription, so that no message piles up
// for it once it is closed.
func (t *Transport) dropGroup(topic, name string, g *group) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tp := t.topics[topic]; tp != nil && tp.subs[name] == g {
		delete(tp.subs, name)
	}
	g.close()
}

// Close stops every subscription and rejects further publishes.
func (t *Transport) Close() error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil
	}
	t.closed = true
	var groups []*group
	for _, tp := range t.topics {
		for _, g := range tp.subs {
			groups = append(groups, g)
		}
	}
	t.mu.Unlock()
	for _, g := range groups {
		g.close()
	}
	return nil
}

// Subscriptions returns how many subscriptions the topic has (for tests and
// diagnostics).
func (t *Transport) Subscriptions(topic string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tp := t.topics[topic]; tp != nil {
		return len(tp.subs)
	}
	return 0
}

// SubscriptionNames returns the names of the topic's subscriptions,
// ephemeral ones left out (transport.SubscriptionLister).
func (t *Transport) SubscriptionNames(topic string) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	tp := t.topics[topic]
	if tp == nil {
		return nil
	}
	names := make([]string, 0, len(tp.subs))
	for name, g := range tp.subs {
		if !g.ephemeral {
			names = append(names, name)
		}
	}
	return names
}

// Backlog returns how many messages wait for the topic's first subscription.
func (t *Transport) Backlog(topic string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tp := t.topics[topic]; tp != nil {
		return len(tp.backlog)
	}
	return 0
}

// Busy reports how many messages are queued, being handled, or waiting for
// redelivery after a failure, over all subscriptions (messages published
// before any subscription, and delayed messages not yet due, are not
// counted), and a counter that moves each time a message is handed out,
// acknowledged or put back. A test environment reads both to tell when the
// system has settled: no work left, and none done between two looks.
func (t *Transport) Busy() (messages int, activity uint64) {
	t.mu.Lock()
	for _, tp := range t.topics {
		for _, g := range tp.subs {
			messages += g.busy()
		}
	}
	t.mu.Unlock()
	return messages, t.activity.Load()
}
