package transporttest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/transport"
)

// testDeliverAfter publishes delayed messages, longest delay first, and checks
// that each arrives after its delay and within timerSlack of it, on the
// logical topic, with its headers.
func testDeliverAfter(t *testing.T, f Factory, mode transport.Mode) {
	tr := newTransport(t, f)
	topic := uniqueName(t, "topic")
	c := newCollector()
	subscribe(t, tr, &transport.SubscribeParams{
		Topic: topic, Subscription: uniqueName(t, "sub"), Mode: mode,
		Handler: c.handler(0), Concurrency: 2,
	})
	delays := []time.Duration{2 * time.Second, 1200 * time.Millisecond, 300 * time.Millisecond}
	sent := make(map[string]time.Time, len(delays))
	for i, d := range delays {
		name := fmt.Sprintf("timer%d", i)
		sent[name] = time.Now()
		publish(t, tr, &transport.PublishParams{
			Topic:        topic,
			Message:      transport.Message{Key: name, Payload: []byte(name), Headers: map[string]string{"timer": name}},
			DeliverAfter: d,
		})
	}
	got := c.waitFor(t, len(delays))
	for _, r := range got {
		name := string(r.d.Payload)
		i := int(name[len(name)-1] - '0')
		elapsed := r.at.Sub(sent[name])
		require.GreaterOrEqual(t, elapsed, delays[i], "%s delivered %s after publish, before its delay %s", name, elapsed, delays[i])
		require.LessOrEqual(t, elapsed, delays[i]+timerSlack, "%s delivered %s after publish, more than %s after its delay %s", name, elapsed, timerSlack, delays[i])
		require.Equal(t, topic, r.d.Topic, "a delayed message arrives on its own topic")
		require.Equal(t, map[string]string{"timer": name}, r.d.Headers)
		require.Equal(t, name, r.d.Key)
		require.Zero(t, r.d.Redeliveries)
	}
	time.Sleep(quietPeriod)
	require.Len(t, c.snapshot(), len(delays), "a delayed message was delivered twice")
}

// testDelayedDoesNotBlockKey publishes a delayed and then an undelayed
// message with the same key on a KeyShared topic: the undelayed one must not
// wait for the delayed one.
func testDelayedDoesNotBlockKey(t *testing.T, f Factory) {
	tr := newTransport(t, f)
	topic := uniqueName(t, "topic")
	c := newCollector()
	subscribe(t, tr, &transport.SubscribeParams{
		Topic: topic, Subscription: uniqueName(t, "sub"), Mode: transport.KeyShared,
		Handler: c.handler(0), Concurrency: 1,
	})
	const delay = 2 * time.Second
	start := time.Now()
	publish(t, tr, &transport.PublishParams{
		Topic: topic, Message: transport.Message{Key: "wf", Payload: []byte("late")}, DeliverAfter: delay,
	})
	publish(t, tr, &transport.PublishParams{Topic: topic, Message: transport.Message{Key: "wf", Payload: []byte("now")}})
	first := c.waitFor(t, 1)[0]
	require.Equal(t, "now", string(first.d.Payload))
	require.Less(t, first.at.Sub(start), delay, "the undelayed message waited for the delayed one")
	second := c.waitFor(t, 2)[1]
	require.Equal(t, "late", string(second.d.Payload))
	require.GreaterOrEqual(t, second.at.Sub(start), delay)
}

// testErrorRedelivers fails a message twice and checks that it comes back
// with Redeliveries 1 and 2, unchanged, while another message is unaffected.
func testErrorRedelivers(t *testing.T, f Factory, mode transport.Mode) {
	tr := newTransport(t, f)
	topic := uniqueName(t, "topic")
	c := newCollector()
	const failures = 2
	subscribe(t, tr, &transport.SubscribeParams{
		Topic: topic, Subscription: uniqueName(t, "sub"), Mode: mode, Concurrency: 2,
		NackDelay: 100 * time.Millisecond,
		Handler: func(_ context.Context, d *transport.Delivery) error {
			c.add(received{d: copyDelivery(d), at: time.Now()})
			if string(d.Payload) == "flaky" && d.Redeliveries < failures {
				return fmt.Errorf("induced failure %d", d.Redeliveries)
			}
			return nil
		},
	})
	headers := map[string]string{"h": "v"}
	publish(t, tr, &transport.PublishParams{Topic: topic, Message: transport.Message{Key: "a", Payload: []byte("flaky"), Headers: headers}})
	publish(t, tr, &transport.PublishParams{Topic: topic, Message: transport.Message{Key: "b", Payload: []byte("fine")}})
	c.waitFor(t, failures+2)
	time.Sleep(quietPeriod)
	var flaky []int
	fine := 0
	for _, r := range c.snapshot() {
		switch string(r.d.Payload) {
		case "flaky":
			flaky = append(flaky, r.d.Redeliveries)
			require.Equal(t, "a", r.d.Key)
			require.Equal(t, headers, r.d.Headers)
			require.Equal(t, topic, r.d.Topic)
		case "fine":
			fine++
		}
	}
	require.Equal(t, []int{0, 1, 2}, flaky, "Redeliveries of a message failed twice, then acknowledged")
	require.Equal(t, 1, fine, "an acknowledged message is delivered once")
}

// testErrorHoldsKey fails the first message of a key once on a KeyShared
// subscription: the key's later messages must wait for it and keep their
// order, while another key goes ahead.
func testErrorHoldsKey(t *testing.T, f Factory) {
	tr := newTransport(t, f)
	topic := uniqueName(t, "topic")
	c := newCollector()
	const nackDelay = 500 * time.Millisecond
	subscribe(t, tr, &transport.SubscribeParams{
		Topic: topic, Subscription: uniqueName(t, "sub"), Mode: transport.KeyShared, Concurrency: 4,
		NackDelay: nackDelay,
		Handler: func(_ context.Context, d *transport.Delivery) error {
			c.add(received{d: copyDelivery(d), at: time.Now()})
			if string(d.Payload) == "k/0" && d.Redeliveries == 0 {
				return fmt.Errorf("induced failure")
			}
			return nil
		},
	})
	for i := range 3 {
		publish(t, tr, &transport.PublishParams{Topic: topic, Message: transport.Message{Key: "k", Payload: fmt.Appendf(nil, "k/%d", i)}})
	}
	publish(t, tr, &transport.PublishParams{Topic: topic, Message: transport.Message{Key: "other", Payload: []byte("other/0")}})
	c.waitFor(t, 5)
	time.Sleep(quietPeriod)
	var order []string
	var otherAt, retryAt time.Time
	for _, r := range c.snapshot() {
		p := string(r.d.Payload)
		switch {
		case p == "other/0":
			otherAt = r.at
		case p == "k/0" && r.d.Redeliveries == 1:
			retryAt = r.at
		}
		if r.d.Key == "k" {
			order = append(order, fmt.Sprintf("%s#%d", p, r.d.Redeliveries))
		}
	}
	require.Equal(t, []string{"k/0#0", "k/0#1", "k/1#0", "k/2#0"}, order,
		"a failed message holds back the later messages of its key")
	require.False(t, otherAt.IsZero(), "the other key's message was not delivered")
	require.True(t, otherAt.Before(retryAt), "another key waited for the failed one")
}
