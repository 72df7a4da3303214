package pulsar

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	pc "github.com/apache/pulsar-client-go/pulsar"

	"github.com/infgen/infgen/runtime/transport"
)

// defaultNackDelay is how long a negatively acknowledged message waits when
// SubscribeParams.NackDelay is zero.
const defaultNackDelay = time.Second

// laneBuffer is how many received messages may wait for one KeyShared lane.
const laneBuffer = 8

// rawHandler handles one Pulsar message, delivered redeliveries times
// before; nil acknowledges it, an error asks for a redelivery.
type rawHandler func(ctx context.Context, m pc.Message, redeliveries int) error

// subscription is one Pulsar consumer and the goroutines that feed its
// handler: a receive loop dispatching to Concurrency lanes. In KeyShared mode
// a message goes to the lane chosen by the hash of its key (see keyLane); in
// Shared mode all lanes take from one queue and a failed message is
// negatively acknowledged, for the broker to redeliver to any consumer.
type subscription struct {
	t         *Transport
	consumer  pc.Consumer
	log       *slog.Logger
	handler   rawHandler
	hctx      context.Context // handlers' context: values of Subscribe's, never canceled
	nackDelay time.Duration
	stop      context.CancelFunc
	wg        sync.WaitGroup
	once      sync.Once
}

var _ transport.Subscription = (*subscription)(nil)

// Subscribe starts a consumer on the topic: a Pulsar Shared subscription for
// transport.Shared, Key_Shared for transport.KeyShared. A new subscription
// starts at the earliest retained message, so messages published before any
// worker subscribed are not lost. The context bounds the subscribe call only.
func (t *Transport) Subscribe(ctx context.Context, p *transport.SubscribeParams) (transport.Subscription, error) {
	if p.Handler == nil {
		return nil, fmt.Errorf("pulsar: subscribe to %q: Handler is nil", p.Topic)
	}
	topic, handler := p.Topic, p.Handler
	h := func(ctx context.Context, m pc.Message, redeliveries int) error {
		d := &transport.Delivery{
			Message:      transport.Message{Key: m.Key(), Payload: m.Payload(), Headers: m.Properties()},
			Topic:        topic,
			ID:           m.ID().String(),
			Redeliveries: redeliveries,
			PublishTime:  m.PublishTime(),
		}
		return handler(ctx, d)
	}
	return t.subscribe(ctx, subOptions{topic: p.Topic, name: p.Subscription, mode: p.Mode, concurrency: p.Concurrency,
		nackDelay: p.NackDelay, ephemeral: p.Ephemeral}, h)
}

// subOptions are the settings of one consumer.
type subOptions struct {
	topic, name string
	mode        transport.Mode
	concurrency int
	nackDelay   time.Duration
	ephemeral   bool
}

func (t *Transport) subscribe(ctx context.Context, o subOptions, h rawHandler) (*subscription, error) {
	topic, name, mode, concurrency, nackDelay := o.topic, o.name, o.mode, o.concurrency, o.nackDelay
	if t.closed.Load() {
		return nil, transport.ErrClosed
	}
	if name == "" {
		return nil, fmt.Errorf("pulsar: subscribe to %q: Subscription name is empty", topic)
	}
	full, err := t.fullTopic(topic)
	if err != nil {
		return nil, err
	}
	if err := t.ensureTopic(ctx, topic, full); err != nil {
		return nil, err
	}
	concurrency = max(concurrency, 1)
	if nackDelay <= 0 {
		nackDelay = defaultNackDelay
	}
	precision := int64(4) // nack delays rounded to 16 ms, not the default 256 ms
	opts := pc.ConsumerOptions{
		Topic:                       full,
		SubscriptionName:            name,
		Type:                        pc.Shared,
		SubscriptionInitialPosition: pc.SubscriptionPositionEarliest,
		NackRedeliveryDelay:         nackDelay,
		NackPrecisionBit:            &precision,
		// A small prefetch queue leaves work for the other workers of a
		// Shared subscription instead of one worker hoarding it.
		ReceiverQueueSize:  min(max(4*concurrency, 16), 1000),
		AckGroupingOptions: &pc.AckGroupingOptions{MaxSize: 1000, MaxTime: 10 * time.Millisecond},
	}
	if mode == transport.KeyShared {
		opts.Type = pc.KeyShared
	}
	if o.ephemeral {
		opts.SubscriptionMode = pc.NonDurable
		opts.SubscriptionInitialPosition = pc.SubscriptionPositionLatest
	}
	consumer, err := t.client.Subscribe(opts)
	if err != nil {
		return nil, fmt.Errorf("pulsar: subscribe %q to %s (%s) on %s: %w", name, full, mode, t.cfg.URL, err)
	}
	s := &subscription{
		t:         t,
		consumer:  consumer,
		log:       t.log.With("topic", full, "subscription", name),
		handler:   h,
		hctx:      context.WithoutCancel(ctx),
		nackDelay: nackDelay,
	}
	t.mu.Lock()
	if t.closed.Load() {
		t.mu.Unlock()
		consumer.Close()
		return nil, transport.ErrClosed
	}
	t.subs[s] = struct{}{}
	t.mu.Unlock()
	s.start(mode, concurrency)
	return s, nil
}

// start launches the receive loop and the lanes.
func (s *subscription) start(mode transport.Mode, concurrency int) {
	recvCtx, stop := context.WithCancel(context.Background())
	s.stop = stop
	lanes := make([]chan pc.Message, concurrency)
	if mode == transport.KeyShared {
		for i := range lanes {
			// A little slack per lane, so that one busy key does not stall
			// the receive loop, and with it every other lane, at once.
			lanes[i] = make(chan pc.Message, laneBuffer)
		}
	} else {
		shared := make(chan pc.Message, concurrency)
		for i := range lanes {
			lanes[i] = shared
		}
	}
	s.wg.Add(1 + concurrency)
	go func() {
		defer s.wg.Done()
		defer func() {
			if mode == transport.KeyShared {
				for _, l := range lanes {
					close(l)
				}
			} else {
				close(lanes[0])
			}
		}()
		s.receive(recvCtx, mode, lanes)
	}()
	for _, lane := range lanes {
		if mode == transport.KeyShared {
			l := &keyLane{s: s, in: lane, held: map[string]*heldKey{}}
			go func() {
				defer s.wg.Done()
				l.run(recvCtx)
			}()
			continue
		}
		go func() {
			defer s.wg.Done()
			for m := range lane {
				if recvCtx.Err() != nil {
					continue // closing: left unacknowledged, the broker redelivers it
				}
				if err := s.attempt(m, 0); err != nil {
					s.consumer.Nack(m)
				}
			}
		}()
	}
}

// receive reads messages from the consumer and hands each to its lane.
func (s *subscription) receive(ctx context.Context, mode transport.Mode, lanes []chan pc.Message) {
	for {
		m, err := s.consumer.Receive(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			var perr *pc.Error
			if errors.As(err, &perr) && perr.Result() == pc.ConsumerClosed {
				s.log.Error("pulsar: consumer closed by the client library; this subscription no longer receives messages", "err", err)
				return
			}
			s.log.Warn("pulsar: receive failed; retrying", "err", err)
			select {
			case <-time.After(100 * time.Millisecond):
			case <-ctx.Done():
				return
			}
			continue
		}
		lane := lanes[0]
		if mode == transport.KeyShared {
			lane = lanes[laneOf(m.Key(), len(lanes))]
		}
		select {
		case lane <- m:
		case <-ctx.Done():
			return
		}
	}
}

// laneOf maps a key to one of n lanes.
func laneOf(key string, n int) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	return int(h.Sum32() % uint32(n))
}

// attempt runs the handler on one message that this process already tried
// local times, and acknowledges it on success. The handler sees the broker's
// redelivery count plus local. On error (or panic) the message is left to
// the caller, unacknowledged.
func (s *subscription) attempt(m pc.Message, local int) error {
	redeliveries := int(m.RedeliveryCount()) + local
	err := s.call(m, redeliveries)
	if err == nil {
		if aerr := s.consumer.Ack(m); aerr != nil {
			s.log.Warn("pulsar: acknowledge failed; the message will be redelivered", "id", m.ID().String(), "err", aerr)
		}
		return nil
	}
	s.log.Debug("pulsar: handler failed; the message will be redelivered", "id", m.ID().String(),
		"key", m.Key(), "redeliveries", redeliveries, "err", err)
	return err
}

// call runs the handler, turning a panic into an error.
func (s *subscription) call(m pc.Message, redeliveries int) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("pulsar: handler panicked", "id", m.ID().String(), "panic", r, "stack", string(debug.Stack()))
			err = fmt.Errorf("handler panicked: %v", r)
		}
	}()
	return s.handler(s.hctx, m, redeliveries)
}

// Close stops delivery, waits for running handlers to return and closes the
// consumer; messages received but not yet handled go back to the broker.
func (s *subscription) Close() error {
	s.once.Do(func() {
		s.stop()
		s.wg.Wait()
		s.consumer.Close()
		s.t.mu.Lock()
		delete(s.t.subs, s)
		s.t.mu.Unlock()
	})
	return nil
}
