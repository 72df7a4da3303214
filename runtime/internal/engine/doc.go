// Package engine is the heart of the runtime and the only code that changes
// workflow state. It handles the messages of workflow instances (loading
// state, replaying the workflow, saving state with optimistic concurrency,
// publishing commands), executes service tasks, and serves the commands
// that come from outside a workflow (commands.go: start, signal, cancel,
// retry; update.go: update; each validated, then written once, then
// woken, and undone when the wake-up cannot be sent), the read API
// (inspect.go), the worker registry (registry.go), durable schedules
// (schedule*.go: records changed by their commands and by the firing pass
// every worker runs), the CloudEvents a step publishes through its outbox
// (outcome.go) and the deduplicated handling of events by subscribers
// (eventsub.go). It tells an optional Observer (observe.go) about saved
// steps, task attempts and dead letters; metrics and traces are built there
// (runtime/internal/telemetry), not here.
//
// Package worker is its public face for hosting workflows and services;
// package client for commands and reads. It depends on storage and
// transport through their interfaces only, and must not import package
// client, worker or any storage or transport implementation.
package engine
