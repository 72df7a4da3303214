// Package cloudevent is the CloudEvents 1.0 event the runtime publishes and
// delivers (workflow and task outcomes, events a workflow emits), in the
// spec's JSON event format (structured content mode), and the topic an
// event type travels on. It imports only the standard library: the engine
// builds events with it, package events (the public API) re-exports it.
package cloudevent
