// Package transporttest is the conformance suite every transport.Transport
// implementation must pass.
//
// Call Run from a test of the implementation's package with a factory that
// returns a ready Transport:
//
//	func TestConformance(t *testing.T) {
//		transporttest.Run(t, func(t *testing.T) transport.Transport {
//			tr := memory.New()
//			t.Cleanup(func() { _ = tr.Close() })
//			return tr
//		})
//	}
//
// The factory is called once per subtest, and sometimes twice in one subtest
// (two processes sharing a broker). Subtests run in parallel and every one
// uses topic and subscription names unique to it, so the factory may connect
// to one shared broker. Two transports returned by the factory within one
// subtest must reach the same messages (the same broker), or be the same
// in-process instance. The factory should close the transport in a
// t.Cleanup; the suite closes a transport itself only in the subtests that
// check Close, so Close must tolerate being called twice.
//
// What the suite checks:
//   - a published message reaches a subscriber with its key, payload, headers,
//     topic, an id and a publish time;
//   - Shared: two subscribers of one subscription both get work, and no
//     message is lost or handled twice; Concurrency bounds the handlers in
//     flight and is used (more than one at a time);
//   - KeyShared: with many keys, two subscribers and Concurrency > 1, each
//     key's messages are handled strictly one at a time and in publish order,
//     while different keys run in parallel;
//   - DeliverAfter, on Shared and KeyShared topics: not delivered before the
//     delay, delivered within one second after it, and a delayed message does
//     not hold back later undelayed messages of the same key;
//   - a handler error redelivers the message with Redeliveries incremented;
//     on a KeyShared subscription the failed message holds back the later
//     messages of its key (they wait and keep their order), not other keys;
//   - two subscriptions of one topic each get every message;
//   - Subscription.Close waits for running handlers and stops delivery (and,
//     for durable transports, leaves undelivered messages to the next
//     subscriber of the subscription; durable transports also keep messages
//     published before the first subscriber);
//   - after Close, Publish and Subscribe return transport.ErrClosed.
package transporttest
