package transporttest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/transport"
)

// testRoundTrip publishes one message and checks every field of its delivery.
func testRoundTrip(t *testing.T, f Factory) {
	tr := newTransport(t, f)
	topic := uniqueName(t, "topic")
	c := newCollector()
	subscribe(t, tr, &transport.SubscribeParams{
		Topic: topic, Subscription: uniqueName(t, "sub"), Mode: transport.Shared,
		Handler: c.handler(0), Concurrency: 1,
	})
	headers := map[string]string{
		"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"x-empty":     "",
		"x-unicode":   "grüße ✓",
	}
	payload := []byte("hello\x00world")
	before := time.Now()
	publish(t, tr, &transport.PublishParams{
		Topic:   topic,
		Message: transport.Message{Key: "wf-1", Payload: payload, Headers: headers},
	})
	got := c.waitFor(t, 1)[0].d
	require.Equal(t, "wf-1", got.Key)
	require.Equal(t, payload, got.Payload)
	require.Equal(t, headers, got.Headers, "headers must arrive exactly as published")
	require.Equal(t, topic, got.Topic, "Delivery.Topic is the logical topic name")
	require.NotEmpty(t, got.ID, "Delivery.ID identifies the delivery")
	require.Zero(t, got.Redeliveries, "first delivery")
	require.WithinRange(t, got.PublishTime, before.Add(-5*time.Second), time.Now().Add(5*time.Second),
		"PublishTime is when the message was published")
}

// testNilHeaders checks a message without headers or key.
func testNilHeaders(t *testing.T, f Factory) {
	tr := newTransport(t, f)
	topic := uniqueName(t, "topic")
	c := newCollector()
	subscribe(t, tr, &transport.SubscribeParams{
		Topic: topic, Subscription: uniqueName(t, "sub"), Mode: transport.Shared,
		Handler: c.handler(0), Concurrency: 1,
	})
	publish(t, tr, &transport.PublishParams{Topic: topic, Message: transport.Message{Payload: []byte("bare")}})
	got := c.waitFor(t, 1)[0].d
	require.Equal(t, []byte("bare"), got.Payload)
	require.Empty(t, got.Key)
	require.Empty(t, got.Headers)
}

// testSharedSpreads checks that two subscribers of one Shared subscription
// both get work and that no message is lost or handled twice.
func testSharedSpreads(t *testing.T, f Factory) {
	tr := newTransport(t, f)
	topic, subName := uniqueName(t, "topic"), uniqueName(t, "sub")
	c := newCollector()
	for i := range 2 {
		h := c.handler(i)
		subscribe(t, tr, &transport.SubscribeParams{
			Topic: topic, Subscription: subName, Mode: transport.Shared, Concurrency: 1,
			Handler: func(ctx context.Context, d *transport.Delivery) error {
				time.Sleep(5 * time.Millisecond) // slow handlers leave work for the other subscriber
				return h(ctx, d)
			},
		})
	}
	const n = 60
	for i := range n {
		publish(t, tr, &transport.PublishParams{
			Topic:   topic,
			Message: transport.Message{Key: fmt.Sprintf("k%d", i), Payload: fmt.Appendf(nil, "m%d", i)},
		})
	}
	c.waitFor(t, n)
	time.Sleep(quietPeriod)
	got := c.snapshot()
	counts := payloadCounts(got)
	require.Len(t, counts, n, "every message delivered")
	for p, k := range counts {
		require.Equal(t, 1, k, "message %s handled %d times", p, k)
	}
	perSub := [2]int{}
	for _, r := range got {
		perSub[r.sub]++
	}
	require.Positive(t, perSub[0], "subscriber 0 got no work: %v", perSub)
	require.Positive(t, perSub[1], "subscriber 1 got no work: %v", perSub)
}

// testSharedConcurrency checks that Concurrency bounds the handlers in flight
// and that the subscriber does use more than one.
func testSharedConcurrency(t *testing.T, f Factory) {
	tr := newTransport(t, f)
	topic := uniqueName(t, "topic")
	const concurrency, n = 3, 30
	var flight inFlight
	c := newCollector()
	h := c.handler(0)
	subscribe(t, tr, &transport.SubscribeParams{
		Topic: topic, Subscription: uniqueName(t, "sub"), Mode: transport.Shared, Concurrency: concurrency,
		Handler: func(ctx context.Context, d *transport.Delivery) error {
			flight.enter()
			defer flight.leave()
			time.Sleep(20 * time.Millisecond)
			return h(ctx, d)
		},
	})
	for i := range n {
		publish(t, tr, &transport.PublishParams{
			Topic:   topic,
			Message: transport.Message{Key: fmt.Sprintf("k%d", i), Payload: fmt.Appendf(nil, "m%d", i)},
		})
	}
	c.waitFor(t, n)
	require.LessOrEqual(t, flight.peak(), concurrency, "more handlers in flight than Concurrency")
	require.GreaterOrEqual(t, flight.peak(), 2, "Concurrency %d but handlers never overlapped", concurrency)
}

// testTwoSubscriptions checks that each subscription of a topic gets every message.
func testTwoSubscriptions(t *testing.T, f Factory) {
	tr := newTransport(t, f)
	topic := uniqueName(t, "topic")
	cs := [2]*collector{newCollector(), newCollector()}
	for i, c := range cs {
		subscribe(t, tr, &transport.SubscribeParams{
			Topic: topic, Subscription: uniqueName(t, fmt.Sprintf("sub%d", i)), Mode: transport.Shared,
			Handler: c.handler(i), Concurrency: 2,
		})
	}
	const n = 20
	for i := range n {
		publish(t, tr, &transport.PublishParams{Topic: topic, Message: transport.Message{Payload: fmt.Appendf(nil, "m%d", i)}})
	}
	for _, c := range cs {
		c.waitFor(t, n)
	}
	time.Sleep(quietPeriod)
	for i, c := range cs {
		counts := payloadCounts(c.snapshot())
		require.Len(t, counts, n, "subscription %d misses messages", i)
		for p, k := range counts {
			require.Equal(t, 1, k, "subscription %d handled %s %d times", i, p, k)
		}
	}
}

// testRetainedBeforeSubscribe checks that a durable transport keeps messages
// published before the first subscriber of a topic.
func testRetainedBeforeSubscribe(t *testing.T, f Factory) {
	tr := newTransport(t, f)
	if !tr.Durable() {
		t.Skip("transport is not durable: messages published before any subscriber may be dropped")
	}
	topic := uniqueName(t, "topic")
	for i := range 3 {
		publish(t, tr, &transport.PublishParams{Topic: topic, Message: transport.Message{Payload: fmt.Appendf(nil, "early%d", i)}})
	}
	c := newCollector()
	subscribe(t, tr, &transport.SubscribeParams{
		Topic: topic, Subscription: uniqueName(t, "sub"), Mode: transport.KeyShared,
		Handler: c.handler(0), Concurrency: 1,
	})
	require.Len(t, payloadCounts(c.waitFor(t, 3)), 3)
}

// testUnorderedBurst publishes many unordered messages at once, as a busy
// worker publishes tasks (a transport may batch them): each is delivered,
// with its key and headers.
func testUnorderedBurst(t *testing.T, f Factory) {
	tr := newTransport(t, f)
	topic := uniqueName(t, "topic")
	const n = 300
	c := newCollector()
	subscribe(t, tr, &transport.SubscribeParams{
		Topic: topic, Subscription: uniqueName(t, "sub"), Mode: transport.Shared, Concurrency: 8, Handler: c.handler(0),
	})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			publish(t, tr, &transport.PublishParams{Topic: topic, Unordered: true, Message: transport.Message{
				Key: fmt.Sprintf("k%d", i), Payload: fmt.Appendf(nil, "m%d", i), Headers: map[string]string{"h": fmt.Sprint(i)},
			}})
		})
	}
	wg.Wait()
	got := c.waitFor(t, n)
	counts := payloadCounts(got)
	for i := range n {
		require.GreaterOrEqual(t, counts[fmt.Sprintf("m%d", i)], 1, "message %d", i)
	}
	for _, r := range got {
		i := strings.TrimPrefix(string(r.d.Payload), "m")
		require.Equal(t, "k"+i, r.d.Key)
		require.Equal(t, i, r.d.Headers["h"])
	}
}
