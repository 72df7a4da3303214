// Package failure defines the typed errors a workflow (and a client waiting
// for one) receives: a task that failed after its last attempt, a child
// workflow that failed, a timeout, a cancellation. Match them with errors.As.
// The same types are re-exported by package workflow.
//
// A service's own error types cross processes as data when they are
// described by an ErrorType (generated packages list theirs in
// ErrorTypes()): the error is recorded as the type's name and encoded
// payload, and decoded again in the workflow, so that errors.As on the
// service's type works there too. Errors of other types arrive as a
// RemoteError.
package failure
