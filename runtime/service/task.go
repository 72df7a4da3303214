package service

import "context"

// Task describes the task a service method is executing.
type Task struct {
	// ID is stable across retries and redeliveries; it is the task's
	// idempotency key unless the call set one (see IdempotencyKey).
	ID string
	// WorkflowID and WorkflowName identify the workflow that asked for the task.
	WorkflowID   string
	WorkflowName string
	// Service and Method name what is called.
	Service string
	Method  string
	// Attempt is 1 on the first execution and grows with each retry.
	Attempt int
	// Tags are the workflow's tags, then those of the call (workflow.WithTags).
	Tags []string
	// Meta is free-form metadata attached to the task by the workflow.
	Meta map[string]string
	// IdempotencyKey is the key the workflow's call set
	// (workflow.WithIdempotencyKey), or empty: the task id is the key then.
	// Read it with the IdempotencyKey function.
	IdempotencyKey string
	// TraceParent is the W3C trace context of the task; generated HTTP and
	// gRPC implementations forward it as the traceparent header.
	TraceParent string
}

type taskKey struct{}

// WithTask returns a context carrying t; the runtime calls it before invoking
// a service method.
func WithTask(ctx context.Context, t Task) context.Context {
	return context.WithValue(ctx, taskKey{}, t)
}

// TaskFrom returns the task carried by ctx, if any.
func TaskFrom(ctx context.Context) (Task, bool) {
	t, ok := ctx.Value(taskKey{}).(Task)
	return t, ok
}

// IdempotencyKey returns the idempotency key of the task carried by ctx: the
// key its call set with workflow.WithIdempotencyKey, else the task id (both
// are the same for every attempt); "" outside a task. Generated clients
// send it where the spec declares an idempotency key.
func IdempotencyKey(ctx context.Context) string {
	t, _ := TaskFrom(ctx)
	if t.IdempotencyKey != "" {
		return t.IdempotencyKey
	}
	return t.ID
}
