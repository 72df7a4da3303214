// Package memory is an in-process Transport: the embedded default, and the
// transport of tests. Messages live in memory only (Durable reports false), so
// the engine re-drives pending work from storage after a crash.
//
// It honours the same contract as the Pulsar transport: Shared and KeyShared
// subscriptions, per-key ordering, DeliverAfter, negative acknowledgement with
// a redelivery count, and messages published before anyone subscribed are
// kept for the first subscription.
package memory
