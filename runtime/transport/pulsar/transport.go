package pulsar

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	pc "github.com/apache/pulsar-client-go/pulsar"
	pclog "github.com/apache/pulsar-client-go/pulsar/log"

	"github.com/infgen/infgen/runtime/transport"
)

const (
	// delayTopic is the logical name of the Shared topic that holds delayed
	// messages until they are due.
	delayTopic = "infgen.delay"
	// delaySubscription is the forwarders' subscription on delayTopic.
	delaySubscription = "infgen-delay-forwarder"
	// propTarget is the property of a delayed message that names its
	// logical target topic.
	propTarget = "infgen-target-topic"
	// propDueAt is the property of a delayed message that holds its due
	// time in Unix microseconds.
	propDueAt = "infgen-due-at"
	// forwarderConcurrency bounds the delayed messages one process forwards at once.
	forwarderConcurrency = 8
)

// Transport is a transport.Transport on Apache Pulsar. Create it with New.
type Transport struct {
	cfg    Config
	log    *slog.Logger
	client pc.Client
	admin  *admin // nil with Config.SkipTopology

	closed    atomic.Bool
	closeOnce sync.Once

	mu        sync.Mutex
	producers map[string]*producerEntry // by full topic name
	batchers  map[string]*producerEntry // batching producers, by full topic name
	topics    map[string]*topicEntry    // topics known to exist, by full topic name
	ephemeral map[string]struct{}       // topics given ephemeral policies, by full topic name
	subs      map[*subscription]struct{}
}

var _ transport.Transport = (*Transport)(nil)

// producerEntry is a cached producer, created once by the first publisher.
type producerEntry struct {
	ready    chan struct{}
	producer pc.Producer
	err      error
	// inflight counts the sends to the topic waiting for the broker's
	// receipt (on the direct producer's entry, for both producers).
	inflight atomic.Int32
}

// Batching. Each send waits for the broker to persist the message; a
// batch of messages is persisted (and dispatched) as one entry, which costs
// the broker about as much as one message. Batching holds a message up to
// batchDelay, though, so it is used only when it pays: for messages that
// need no order within their key (PublishParams.Unordered), sent while
// busyInflight or more sends to the same topic wait for their receipt. An
// idle worker sends at once; a busy one batches.
const (
	busyInflight = 4
	batchDelay   = time.Millisecond
	batchMax     = 128
)

// topicEntry records that a topic was created, once per process.
type topicEntry struct {
	ready chan struct{}
	err   error
}

// New connects to the broker, creates the tenant and namespace when missing,
// sets their policies (retention, deduplication, delayed delivery) and starts
// this process's forwarder of delayed messages.
func New(ctx context.Context, cfg Config) (*Transport, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	t := &Transport{
		cfg:       cfg,
		log:       cfg.Logger.With("transport", "pulsar", "url", cfg.URL),
		producers: map[string]*producerEntry{},
		batchers:  map[string]*producerEntry{},
		topics:    map[string]*topicEntry{},
		ephemeral: map[string]struct{}{},
		subs:      map[*subscription]struct{}{},
	}
	if !cfg.SkipTopology {
		if t.admin, err = newAdmin(cfg); err != nil {
			return nil, err
		}
		if err := t.admin.ensureNamespace(ctx, cfg); err != nil {
			return nil, fmt.Errorf("pulsar: set up namespace %s/%s on %s: %w", cfg.Tenant, cfg.Namespace, cfg.AdminURL, err)
		}
	}
	opts := pc.ClientOptions{
		URL:                        cfg.URL,
		OperationTimeout:           cfg.OperationTimeout,
		ConnectionTimeout:          cfg.OperationTimeout,
		TLSTrustCertsFilePath:      cfg.TLSCAFile,
		TLSAllowInsecureConnection: cfg.TLSInsecure,
		Logger:                     pclog.NewLoggerWithSlog(slog.New(minLevel{cfg.Logger.Handler(), slog.LevelWarn})),
	}
	if cfg.Token != "" {
		opts.Authentication = pc.NewAuthenticationToken(cfg.Token)
	}
	if t.client, err = pc.NewClient(opts); err != nil {
		return nil, fmt.Errorf("pulsar: create client for %s: %w", cfg.URL, err)
	}
	if err := t.startForwarder(ctx); err != nil {
		t.client.Close()
		return nil, err
	}
	return t, nil
}

// fullTopic maps a logical topic name to persistent://tenant/namespace/<prefix><topic>.
func (t *Transport) fullTopic(topic string) (string, error) {
	local := t.cfg.TopicPrefix + topic
	if topic == "" || !namePattern.MatchString(local) {
		return "", fmt.Errorf("pulsar: topic name %q: use letters, digits, '-', '_', '.', '=', ':'", topic)
	}
	return "persistent://" + t.cfg.Tenant + "/" + t.cfg.Namespace + "/" + local, nil
}

// ensureTopic creates the topic through the admin API the first time this
// process uses it.
func (t *Transport) ensureTopic(ctx context.Context, topic, full string) error {
	if t.admin == nil {
		return nil
	}
	t.mu.Lock()
	e, ok := t.topics[full]
	if !ok {
		e = &topicEntry{ready: make(chan struct{})}
		t.topics[full] = e
	}
	t.mu.Unlock()
	if !ok {
		e.err = t.admin.ensureTopic(ctx, t.cfg.TopicPrefix+topic, t.cfg.Partitions)
		if e.err != nil {
			t.mu.Lock()
			delete(t.topics, full) // try again next time
			t.mu.Unlock()
		}
		close(e.ready)
	}
	select {
	case <-e.ready:
		return e.err
	case <-ctx.Done():
		return fmt.Errorf("pulsar: create topic %s: %w", full, ctx.Err())
	}
}

// producer returns the cached producer of a topic (batching or not),
// creating it on first use.
func (t *Transport) producer(ctx context.Context, topic string, batching bool) (*producerEntry, error) {
	full, err := t.fullTopic(topic)
	if err != nil {
		return nil, err
	}
	cache := t.producers
	if batching {
		cache = t.batchers
	}
	t.mu.Lock()
	if t.closed.Load() {
		t.mu.Unlock()
		return nil, transport.ErrClosed
	}
	e, ok := cache[full]
	if !ok {
		e = &producerEntry{ready: make(chan struct{})}
		cache[full] = e
	}
	t.mu.Unlock()
	if !ok {
		e.producer, e.err = t.createProducer(ctx, topic, full, batching)
		if e.err != nil {
			t.mu.Lock()
			delete(cache, full)
			t.mu.Unlock()
		}
		close(e.ready)
	}
	select {
	case <-e.ready:
		return e, e.err
	case <-ctx.Done():
		return nil, fmt.Errorf("pulsar: create producer for %s: %w", full, ctx.Err())
	}
}

func (t *Transport) createProducer(ctx context.Context, topic, full string, batching bool) (pc.Producer, error) {
	if err := t.ensureTopic(ctx, topic, full); err != nil {
		return nil, err
	}
	opts := pc.ProducerOptions{
		Topic: full,
		// Without batching a message is sent at once; a batch waits up to
		// its delay and goes to one consumer of a Shared subscription. See
		// busyInflight for when which producer is used.
		DisableBatching: !batching,
		SendTimeout:     t.cfg.OperationTimeout,
	}
	if batching {
		opts.BatchingMaxPublishDelay = batchDelay
		opts.BatchingMaxMessages = batchMax
	}
	p, err := t.client.CreateProducer(opts)
	if err != nil {
		return nil, fmt.Errorf("pulsar: create producer for %s on %s: %w", full, t.cfg.URL, err)
	}
	return p, nil
}

// Publish sends a message. A message with DeliverAfter > 0 goes to the
// Shared delay topic, naming its target in a property; a forwarder
// republishes it to the target when it is due (see the package docs).
// An Ephemeral message goes to the persistent topic like any other (its
// subscribers cannot tell), and the topic is given ephemeral policies: no
// retention and a message TTL (see markEphemeral).
func (t *Transport) Publish(ctx context.Context, p *transport.PublishParams) error {
	if t.closed.Load() {
		return transport.ErrClosed
	}
	msg := &pc.ProducerMessage{Payload: p.Message.Payload, Key: p.Message.Key, Properties: p.Message.Headers}
	topic := p.Topic
	if p.DeliverAfter > 0 {
		target, err := t.fullTopic(p.Topic)
		if err != nil {
			return err
		}
		if err := t.ensureTopic(ctx, p.Topic, target); err != nil {
			return err
		}
		due := time.Now().Add(p.DeliverAfter)
		props := make(map[string]string, len(p.Message.Headers)+2)
		for k, v := range p.Message.Headers {
			props[k] = v
		}
		props[propTarget] = p.Topic
		props[propDueAt] = strconv.FormatInt(due.UnixMicro(), 10)
		msg.Properties = props
		msg.DeliverAt = due
		topic = delayTopic
	}
	if err := t.send(ctx, topic, msg, p.Unordered && p.DeliverAfter == 0); err != nil {
		return err
	}
	if p.Ephemeral && p.DeliverAfter == 0 {
		full, _ := t.fullTopic(topic)
		t.markEphemeral(topic, full)
	}
	return nil
}

// send publishes msg to a logical topic and waits for the broker's
// receipt; unordered messages may be batched (see busyInflight).
func (t *Transport) send(ctx context.Context, topic string, msg *pc.ProducerMessage, unordered bool) error {
	e, err := t.producer(ctx, topic, false)
	if err != nil {
		return err
	}
	prod := e.producer
	if unordered && e.inflight.Load() >= busyInflight {
		b, err := t.producer(ctx, topic, true)
		if err != nil {
			return err
		}
		prod = b.producer
	}
	e.inflight.Add(1)
	_, err = prod.Send(ctx, msg)
	e.inflight.Add(-1)
	if err != nil {
		if t.closed.Load() || errors.Is(err, pc.ErrProducerClosed) {
			return fmt.Errorf("pulsar: publish to %s: %w", prod.Topic(), transport.ErrClosed)
		}
		return fmt.Errorf("pulsar: publish to %s on %s: %w", prod.Topic(), t.cfg.URL, err)
	}
	return nil
}

// Durable reports true: the broker persists messages (BookKeeper) and keeps
// unacknowledged ones for the next subscriber.
func (t *Transport) Durable() bool { return true }

// Close stops every subscription (waiting for running handlers), closes the
// producers and the client. It is safe to call more than once.
func (t *Transport) Close() error {
	t.closeOnce.Do(func() {
		t.mu.Lock()
		t.closed.Store(true)
		subs := make([]*subscription, 0, len(t.subs))
		for s := range t.subs {
			subs = append(subs, s)
		}
		t.mu.Unlock()
		for _, s := range subs {
			_ = s.Close()
		}
		t.mu.Lock()
		producers := t.producers
		t.producers = map[string]*producerEntry{}
		for k, e := range t.batchers {
			producers["batching "+k] = e
		}
		t.batchers = map[string]*producerEntry{}
		t.mu.Unlock()
		for _, e := range producers {
			<-e.ready
			if e.producer != nil {
				e.producer.Close()
			}
		}
		t.client.Close()
	})
	return nil
}

// minLevel is a slog.Handler that drops records below a level; it keeps the
// Pulsar client's chatty info logs out of the application's log.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

// Handle logs the client's failed reconnection attempts as warnings: the
// client keeps trying with back-off while a broker restarts, and a restart
// is not an error of the worker.
func (h minLevel) Handle(ctx context.Context, r slog.Record) error {
	if r.Level == slog.LevelError && strings.Contains(r.Message, "at reconnect") {
		r.Level = slog.LevelWarn
		if r.Level < h.min || !h.Handler.Enabled(ctx, r.Level) {
			return nil
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(as), h.min}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.min}
}
