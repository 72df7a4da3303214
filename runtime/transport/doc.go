// Package transport defines how infgen moves messages between clients,
// workflow engines and service executors, and the conformance suite
// (package transporttest) every implementation must pass.
//
// A Transport is deliberately small, in the style of a database driver:
// Publish a message to a topic, possibly after a delay, and Subscribe a
// handler to a topic in one of two modes:
//
//   - Shared: the messages of a topic are spread over every handler that
//     subscribed with the same subscription name (service executors).
//   - KeyShared: as Shared, but all messages carrying the same key are
//     handled one at a time, in publish order, by one handler (workflow
//     engines, keyed by workflow id).
//
// A handler that returns nil acknowledges the message; one that returns an
// error asks for redelivery later, and the redelivery count grows by one.
// Implementations: package memory (in process, the embedded default) and
// package pulsar (Apache Pulsar).
package transport
