// Package pulsar is the transport.Transport on Apache Pulsar
// (github.com/apache/pulsar-client-go), so that workers on many machines
// share the load and survive each other's failures.
//
//	cfg, err := pulsar.ConfigFromEnv() // INFGEN_PULSAR_URL, INFGEN_PULSAR_ADMIN_URL, ...
//	if err != nil { ... }
//	tr, err := pulsar.New(ctx, cfg)
//	if err != nil { ... }
//	defer tr.Close()
//
// # Topology
//
// infgen manages its topology through the broker's admin REST API; nothing
// has to be created by hand. New creates the tenant and namespace when they
// are missing and sets the namespace policies: retention (Config.Retention,
// so that messages published before the first worker subscribes are kept),
// deduplication (Config.Deduplication) and delayed delivery (on, 100 ms tick).
// Each logical topic name maps to
//
//	persistent://<tenant>/<namespace>/<prefix><topic>
//
// and is created on first use (partitioned when Config.Partitions > 0).
// transport.Shared subscribes with a Pulsar Shared subscription,
// transport.KeyShared with Key_Shared; new subscriptions start at the
// earliest retained message.
//
// # Per-key order inside a process
//
// Key_Shared gives all messages of a key to one consumer. The consumer hands
// each message to one of Concurrency lanes chosen by the hash of its key;
// a lane handles its messages one at a time, in order, so a key's messages
// never overlap while different keys run in parallel. A handler's nil
// acknowledges the message. On an error (or panic) the message holds back its
// key: the lane tries it again after SubscribeParams.NackDelay (default 1 s)
// with Delivery.Redeliveries one higher, the key's later messages wait
// behind it in order, and other keys go on. (A broker Nack would let later
// messages of the key overtake the failed one.) Held messages stay
// unacknowledged, so if the process dies the broker redelivers them, in
// order, to the consumer that takes over the key. Delivery.Redeliveries is
// the broker's redelivery count plus the local retries.
//
// In Shared mode a failed message is negatively acknowledged and the broker
// redelivers it after NackDelay, to any consumer.
//
// # Delayed messages
//
// Pulsar's DeliverAfter is not used on the target topic, because delayed
// delivery on Key_Shared subscriptions has known broker bugs (stuck or
// out-of-order dispatch). A publish with DeliverAfter > 0 goes instead to the
// Shared topic "<prefix>infgen.delay", with DeliverAfter set and the logical
// target topic in the "infgen-target-topic" property. Every Transport runs a
// forwarder on the Shared subscription "infgen-delay-forwarder" of that
// topic: when a delayed message becomes due it is republished to its target
// (same key, payload and headers) and only then acknowledged, so a crash in
// between can duplicate it but never lose it.
//
// Producers are cached per topic and send without batching: batching would
// hold each message up to 10 ms and hand a whole batch to one Shared consumer.
package pulsar
