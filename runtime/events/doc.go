// Package events publishes and consumes CloudEvents 1.0: the outcomes of
// workflows and tasks (worker.Options.OutcomeEvents) and the events
// workflows emit (workflow.Emit), each on the topic of its type
// ("events.<type>"). Subscribe registers a durable, deduplicated handler of
// an event type in a worker; StartWorkflow and SignalWorkflow build
// handlers that start or signal workflows. A handled event is remembered
// for worker.Options.EventRetention (7 days by default); on a transport
// that is not durable (the embedded default) the events a subscription
// reads are also kept in storage until handled, so that kill -9 loses
// none. See docs/events.md.
//
// It owns no state: deduplication and dead letters are the engine's, behind
// worker.Worker. It imports worker and client, and must not import the
// engine, a storage or a transport implementation.
package events
