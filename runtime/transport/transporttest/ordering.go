package transporttest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/transport"
)

// keyOrder checks that the messages of each key are handled one at a time
// and in publish order.
type keyOrder struct {
	mu         sync.Mutex
	busy       map[string]bool
	next       map[string]int
	violations []string
	flight     inFlight
}

func newKeyOrder() *keyOrder {
	return &keyOrder{busy: map[string]bool{}, next: map[string]int{}}
}

// handle wraps h with the ordering checks. Payloads are "<key>/<seq>".
func (o *keyOrder) handle(h transport.Handler) transport.Handler {
	return func(ctx context.Context, d *transport.Delivery) error {
		key, seqText, _ := strings.Cut(string(d.Payload), "/")
		seq, _ := strconv.Atoi(seqText)
		o.mu.Lock()
		if o.busy[d.Key] {
			o.violations = append(o.violations, fmt.Sprintf("key %s: %s started while another message of the key was running", d.Key, d.Payload))
		}
		if key != d.Key {
			o.violations = append(o.violations, fmt.Sprintf("payload %s delivered with key %s", d.Payload, d.Key))
		}
		if seq != o.next[d.Key] {
			o.violations = append(o.violations, fmt.Sprintf("key %s: got seq %d, want %d", d.Key, seq, o.next[d.Key]))
		}
		o.next[d.Key] = seq + 1
		o.busy[d.Key] = true
		o.mu.Unlock()
		o.flight.enter()

		time.Sleep(2 * time.Millisecond) // widen the window in which a second handler of the key would overlap

		o.flight.leave()
		o.mu.Lock()
		o.busy[d.Key] = false
		o.mu.Unlock()
		return h(ctx, d)
	}
}

func (o *keyOrder) problems() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.violations...)
}

// testKeySharedOrder publishes many keys concurrently to two KeyShared
// subscribers with Concurrency > 1 and checks per-key serial, in-order
// handling while different keys run in parallel.
func testKeySharedOrder(t *testing.T, f Factory) {
	tr := newTransport(t, f)
	topic, subName := uniqueName(t, "topic"), uniqueName(t, "sub")
	order := newKeyOrder()
	c := newCollector()
	for i := range 2 {
		subscribe(t, tr, &transport.SubscribeParams{
			Topic: topic, Subscription: subName, Mode: transport.KeyShared, Concurrency: 4,
			Handler: order.handle(c.handler(i)),
		})
	}
	const keys, perKey = 24, 12
	var wg sync.WaitGroup
	errs := make(chan error, keys)
	for k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := fmt.Sprintf("wf-%02d", k)
			for seq := range perKey {
				ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
				err := tr.Publish(ctx, &transport.PublishParams{
					Topic:   topic,
					Message: transport.Message{Key: key, Payload: fmt.Appendf(nil, "%s/%d", key, seq)},
				})
				cancel()
				if err != nil {
					errs <- fmt.Errorf("publish %s/%d: %w", key, seq, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	c.waitFor(t, keys*perKey)
	time.Sleep(quietPeriod)
	require.Empty(t, order.problems(), "per-key ordering violated")
	require.Len(t, payloadCounts(c.snapshot()), keys*perKey, "every message delivered")
	require.Len(t, c.snapshot(), keys*perKey, "no message handled twice")
	require.GreaterOrEqual(t, order.flight.peak(), 2, "different keys never ran in parallel")
}
