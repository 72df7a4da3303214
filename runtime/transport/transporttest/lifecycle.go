package transporttest

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/transport"
)

// testSubscriptionClose checks that Subscription.Close waits for a running
// handler, that nothing is delivered to a closed subscription, and, for
// durable transports, that messages published meanwhile go to the next
// subscriber of the same subscription.
func testSubscriptionClose(t *testing.T, f Factory) {
	tr := newTransport(t, f)
	topic, subName := uniqueName(t, "topic"), uniqueName(t, "sub")
	c := newCollector()
	started := make(chan struct{}, 1)
	var finished atomic.Bool
	record := c.handler(0)
	sub := subscribe(t, tr, &transport.SubscribeParams{
		Topic: topic, Subscription: subName, Mode: transport.Shared, Concurrency: 1,
		Handler: func(ctx context.Context, d *transport.Delivery) error {
			err := record(ctx, d)
			if string(d.Payload) == "slow" {
				started <- struct{}{}
				time.Sleep(300 * time.Millisecond)
				finished.Store(true)
			}
			return err
		},
	})
	publish(t, tr, &transport.PublishParams{Topic: topic, Message: transport.Message{Payload: []byte("slow")}})
	select {
	case <-started:
	case <-time.After(waitTimeout):
		require.FailNow(t, "the first message was not delivered")
	}
	require.NoError(t, sub.Close())
	require.True(t, finished.Load(), "Subscription.Close returned while a handler was still running")

	publish(t, tr, &transport.PublishParams{Topic: topic, Message: transport.Message{Payload: []byte("after")}})
	time.Sleep(quietPeriod)
	for _, r := range c.snapshot() {
		require.NotEqual(t, "after", string(r.d.Payload), "delivered to a closed subscription")
	}
	if !tr.Durable() {
		return
	}
	next := newCollector()
	subscribe(t, tr, &transport.SubscribeParams{
		Topic: topic, Subscription: subName, Mode: transport.Shared, Concurrency: 1, Handler: next.handler(1),
	})
	deadline := time.Now().Add(waitTimeout)
	for {
		counts := payloadCounts(next.snapshot())
		if counts["after"] > 0 {
			break
		}
		require.True(t, time.Now().Before(deadline), "the message published while nobody subscribed never reached the next subscriber")
		time.Sleep(20 * time.Millisecond)
	}
}

// testClose checks that Close stops delivery and that Publish and Subscribe
// then return transport.ErrClosed.
func testClose(t *testing.T, f Factory) {
	tr := newTransport(t, f)
	topic, subName := uniqueName(t, "topic"), uniqueName(t, "sub")
	c := newCollector()
	subscribe(t, tr, &transport.SubscribeParams{
		Topic: topic, Subscription: subName, Mode: transport.KeyShared, Handler: c.handler(0), Concurrency: 1,
	})
	publish(t, tr, &transport.PublishParams{Topic: topic, Message: transport.Message{Key: "k", Payload: []byte("before")}})
	c.waitFor(t, 1)
	require.NoError(t, tr.Close())

	ctx := context.Background()
	err := tr.Publish(ctx, &transport.PublishParams{Topic: topic, Message: transport.Message{Payload: []byte("x")}})
	require.ErrorIs(t, err, transport.ErrClosed, "Publish after Close")
	err = tr.Publish(ctx, &transport.PublishParams{Topic: topic, Message: transport.Message{Payload: []byte("x")}, DeliverAfter: time.Second})
	require.ErrorIs(t, err, transport.ErrClosed, "delayed Publish after Close")
	_, err = tr.Subscribe(ctx, &transport.SubscribeParams{
		Topic: topic, Subscription: subName, Mode: transport.KeyShared, Handler: c.handler(0), Concurrency: 1,
	})
	require.ErrorIs(t, err, transport.ErrClosed, "Subscribe after Close")

	if tr.Durable() {
		// Another process keeps publishing to the topic; the closed transport
		// must not deliver it.
		other := newTransport(t, f)
		publish(t, other, &transport.PublishParams{Topic: topic, Message: transport.Message{Key: "k", Payload: []byte("after")}})
	}
	time.Sleep(quietPeriod)
	require.Len(t, c.snapshot(), 1, "delivered after Close")
	require.NotPanics(t, func() { _ = tr.Close() }, "second Close")
}
