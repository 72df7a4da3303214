// Package engine is the heart of the runtime: it handles the messages of
// workflow instances (loading state, replaying the workflow, saving state
// with optimistic concurrency, publishing commands) and executes service
// tasks. Package worker is its public face; package client uses its store
// helpers.
package engine
