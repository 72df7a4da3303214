// Package workflow is the API a workflow author sees.
//
// A workflow is a plain Go function func(ctx workflow.Context, in In) (Out, error)
// registered by name in a worker. It calls services through generated stubs,
// synchronously or asynchronously (Deferred), sleeps, waits for signals, starts
// child workflows. Its progress is recorded as history: when anything happens
// (a task completes, a timer fires, a signal arrives) the function is replayed
// from the start against that history, so it must be deterministic — see
// docs/workflows.md for the rules.
package workflow
