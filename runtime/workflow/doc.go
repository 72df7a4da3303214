// Package workflow is the API a workflow author sees.
//
// A workflow is a plain Go function func(ctx workflow.Context, in In) (Out, error),
// declared once as a typed reference (var Monthly = workflow.Define("billing.monthly", Billing))
// that registers it in a worker, starts it from a client (client.StartRef) and
// runs it as a child (Monthly.Run). It calls services through generated stubs,
// synchronously or asynchronously (Deferred), with per-call options
// (WithTimeout, WithRetry, WithIdempotencyKey, …) at the top of the runtime's
// precedence of retry and timeout settings; it sleeps, waits for signals,
// starts child workflows. Its progress is recorded as history: when anything happens
// (a task completes, a timer fires, a signal arrives) the function is replayed
// from the start against that history, so it must be deterministic — see
// docs/workflows.md for the rules.
package workflow
