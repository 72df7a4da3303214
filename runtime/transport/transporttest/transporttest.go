package transporttest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/transport"
)

// Factory returns a Transport for one subtest. See the package documentation.
type Factory func(t *testing.T) transport.Transport

const (
	// waitTimeout bounds every wait for a delivery, so a broken transport
	// fails instead of hanging the test binary.
	waitTimeout = 30 * time.Second
	// quietPeriod is how long the suite watches for deliveries that must not
	// happen (duplicates, deliveries after Close).
	quietPeriod = 500 * time.Millisecond
	// timerSlack is how late a delayed message may arrive after its due time
	// before the suite calls it lost or mis-scheduled. It is generous: a
	// loaded 2-core CI machine delays deliveries by over a second, and the
	// typical lateness is measured by benchmarks (docs/benchmarks.md), not
	// asserted here; what is asserted is "not early, not forgotten".
	timerSlack = 3 * time.Second
)

// Run runs the conformance suite against the transports the factory returns.
func Run(t *testing.T, factory Factory) {
	t.Helper()
	cases := []struct {
		name string
		fn   func(t *testing.T, f Factory)
	}{
		{"RoundTrip", testRoundTrip},
		{"NilHeaders", testNilHeaders},
		{"SharedSpreads", testSharedSpreads},
		{"SharedConcurrency", testSharedConcurrency},
		{"UnorderedBurst", testUnorderedBurst},
		{"KeySharedOrder", testKeySharedOrder},
		{"DeliverAfterShared", func(t *testing.T, f Factory) { testDeliverAfter(t, f, transport.Shared) }},
		{"DeliverAfterKeyShared", func(t *testing.T, f Factory) { testDeliverAfter(t, f, transport.KeyShared) }},
		{"DelayedDoesNotBlockKey", testDelayedDoesNotBlockKey},
		{"ErrorRedelivers", func(t *testing.T, f Factory) { testErrorRedelivers(t, f, transport.Shared) }},
		{"ErrorRedeliversKeyShared", func(t *testing.T, f Factory) { testErrorRedelivers(t, f, transport.KeyShared) }},
		{"ErrorHoldsKey", testErrorHoldsKey},
		{"TwoSubscriptions", testTwoSubscriptions},
		{"RetainedBeforeSubscribe", testRetainedBeforeSubscribe},
		{"SubscriptionClose", testSubscriptionClose},
		{"Close", testClose},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.fn(t, factory)
		})
	}
}

// newTransport calls the factory and checks its result.
func newTransport(t *testing.T, f Factory) transport.Transport {
	t.Helper()
	tr := f(t)
	require.NotNil(t, tr, "factory returned a nil Transport")
	return tr
}

// uniqueName returns a topic or subscription name unique to this test run:
// lower-case letters, digits, '-' and '.', safe for every broker.
func uniqueName(t *testing.T, kind string) string {
	slug := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		default:
			return '-'
		}
	}, t.Name())
	if len(slug) > 60 {
		slug = slug[len(slug)-60:]
	}
	return fmt.Sprintf("tt.%s.%s-%x", kind, slug, rand.Uint64())
}

// subscribe subscribes and registers the subscription's Close as a cleanup.
func subscribe(t *testing.T, tr transport.Transport, p *transport.SubscribeParams) transport.Subscription {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	defer cancel()
	sub, err := tr.Subscribe(ctx, p)
	require.NoError(t, err, "subscribe to %q as %q", p.Topic, p.Subscription)
	require.NotNil(t, sub, "Subscribe returned a nil Subscription without an error")
	t.Cleanup(func() { _ = sub.Close() })
	return sub
}

// publish publishes one message and fails the test on error.
func publish(t *testing.T, tr transport.Transport, p *transport.PublishParams) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	require.NoError(t, tr.Publish(ctx, p), "publish to %q", p.Topic)
}

// received is one delivery as a collector saw it.
type received struct {
	d   transport.Delivery
	at  time.Time
	sub int
}

// collector records deliveries, from one or more subscribers.
type collector struct {
	mu     sync.Mutex
	got    []received
	notify chan struct{}
}

func newCollector() *collector {
	return &collector{notify: make(chan struct{}, 1)}
}

// handler returns a Handler that records deliveries tagged with sub.
func (c *collector) handler(sub int) transport.Handler {
	return func(_ context.Context, d *transport.Delivery) error {
		c.add(received{d: copyDelivery(d), at: time.Now(), sub: sub})
		return nil
	}
}

func (c *collector) add(r received) {
	c.mu.Lock()
	c.got = append(c.got, r)
	c.mu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

// snapshot returns a copy of what was received so far.
func (c *collector) snapshot() []received {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]received(nil), c.got...)
}

// waitFor waits until at least n deliveries were received.
func (c *collector) waitFor(t *testing.T, n int) []received {
	t.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	for {
		got := c.snapshot()
		if len(got) >= n {
			return got
		}
		select {
		case <-c.notify:
		case <-deadline.C:
			require.FailNowf(t, "timed out", "received %d of %d messages within %s", len(got), n, waitTimeout)
		}
	}
}

// copyDelivery copies a delivery so that a transport reusing its buffers
// cannot change what the test checks later.
func copyDelivery(d *transport.Delivery) transport.Delivery {
	cp := *d
	cp.Payload = append([]byte(nil), d.Payload...)
	if d.Headers != nil {
		cp.Headers = make(map[string]string, len(d.Headers))
		for k, v := range d.Headers {
			cp.Headers[k] = v
		}
	}
	return cp
}

// payloadCounts counts deliveries per payload.
func payloadCounts(got []received) map[string]int {
	counts := make(map[string]int, len(got))
	for _, r := range got {
		counts[string(r.d.Payload)]++
	}
	return counts
}

// inFlight tracks how many handlers run at once.
type inFlight struct {
	mu       sync.Mutex
	now, max int
}

func (f *inFlight) enter() {
	f.mu.Lock()
	f.now++
	f.max = max(f.max, f.now)
	f.mu.Unlock()
}

func (f *inFlight) leave() {
	f.mu.Lock()
	f.now--
	f.mu.Unlock()
}

func (f *inFlight) peak() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.max
}
