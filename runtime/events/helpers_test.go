package events_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/events"
	"github.com/infgen/infgen/runtime/storage"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
)

func testLogger() *slog.Logger {
	level := slog.LevelError + 4
	if os.Getenv("INFGEN_TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func unique(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// recorder is a transport that records every event it publishes, checks
// each one against the store at that moment (check), and reports every
// delivery an event subscription acknowledges.
type recorder struct {
	transport.Transport
	mu        sync.Mutex
	published []*events.Event
	// check, when set, is called for each event published; an error it
	// returns is recorded in violations.
	check      func(ev *events.Event) error
	violations []string
	// failEvents fails that many event publications.
	failEvents atomic.Int64
	// acks receives the topic of each event delivery a handler acknowledged.
	acks chan string
}

func newRecorder(tr transport.Transport) *recorder {
	return &recorder{Transport: tr, acks: make(chan string, 1024)}
}

func (r *recorder) Publish(ctx context.Context, p *transport.PublishParams) error {
	if !strings.HasPrefix(p.Topic, "events.") {
		return r.Transport.Publish(ctx, p)
	}
	if r.failEvents.Add(-1) >= 0 {
		return errors.New("injected publish failure")
	}
	ev, err := events.Unmarshal(p.Message.Payload)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.published = append(r.published, ev)
	if r.check != nil {
		if err := r.check(ev); err != nil {
			r.violations = append(r.violations, err.Error())
		}
	}
	r.mu.Unlock()
	return r.Transport.Publish(ctx, p)
}

func (r *recorder) Subscribe(ctx context.Context, p *transport.SubscribeParams) (transport.Subscription, error) {
	if !strings.HasPrefix(p.Topic, "events.") {
		return r.Transport.Subscribe(ctx, p)
	}
	cp := *p
	h := p.Handler
	cp.Handler = func(ctx context.Context, d *transport.Delivery) error {
		err := h(ctx, d)
		if err == nil {
			r.acks <- d.Topic
		}
		return err
	}
	return r.Transport.Subscribe(ctx, &cp)
}

// SubscriptionNames is the wrapped transport's (transport.SubscriptionLister).
func (r *recorder) SubscriptionNames(topic string) []string {
	if l, ok := r.Transport.(transport.SubscriptionLister); ok {
		return l.SubscriptionNames(topic)
	}
	return nil
}

// events returns the events published so far of a type.
func (r *recorder) events(typ string) []*events.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*events.Event
	for _, ev := range r.published {
		if ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

// waitAcks waits until n deliveries of topic were acknowledged.
func (r *recorder) waitAcks(t *testing.T, ctx context.Context, topic string, n int) {
	t.Helper()
	for n > 0 {
		select {
		case got := <-r.acks:
			if got == topic {
				n--
			}
		case <-ctx.Done():
			t.Fatalf("%d acknowledgements of %s still missing", n, topic)
		}
	}
}

// faultyStore fails the writes whose data contains match, failPuts times.
type faultyStore struct {
	storage.Storage
	match    []byte
	failPuts atomic.Int64
	failed   atomic.Int64
	// onFail is called at each failed write.
	onFail func()
}

func (s *faultyStore) Put(ctx context.Context, p *storage.PutParams) (int64, error) {
	if s.match != nil && bytes.Contains(p.Data, s.match) && s.failPuts.Add(-1) >= 0 {
		s.failed.Add(1)
		if s.onFail != nil {
			s.onFail()
		}
		return 0, errors.New("injected storage failure")
	}
	return s.Storage.Put(ctx, p)
}

// env is a worker and a client over tr and store.
type env struct {
	tr     transport.Transport
	store  storage.Storage
	worker *worker.Worker
	client *client.Client
}

func newEnv(t *testing.T, tr transport.Transport, store storage.Storage, o worker.Options, register func(w *worker.Worker)) *env {
	t.Helper()
	if tr == nil {
		mt := memory.New()
		t.Cleanup(func() { _ = mt.Close() })
		tr = mt
	}
	if store == nil {
		store = memstore.New()
	}
	o.Transport, o.Storage, o.Logger = tr, store, testLogger()
	w, err := worker.New(o)
	require.NoError(t, err)
	register(w)
	require.NoError(t, w.Start(context.Background()))
	c, err := client.New(context.Background(), client.Options{Transport: tr, Storage: store, PollInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = c.Close()
		_ = w.Stop()
	})
	return &env{tr: tr, store: store, worker: w, client: c}
}
