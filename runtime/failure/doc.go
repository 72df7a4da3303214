// Package failure defines the typed errors a workflow (and a client waiting
// for one) receives: a task that failed after its last attempt, a child
// workflow that failed, a timeout, a cancellation. Match them with errors.As.
// The same types are re-exported by package workflow.
package failure
