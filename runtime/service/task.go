package service

import "context"

// Task describes the task a service method is executing.
type Task struct {
	// ID is stable across retries and redeliveries: use it as an idempotency key.
	ID string
	// WorkflowID and WorkflowName identify the workflow that asked for the task.
	WorkflowID   string
	WorkflowName string
	// Service and Method name what is called.
	Service string
	Method  string
	// Attempt is 1 on the first execution and grows with each retry.
	Attempt int
	// Tags are the workflow's tags.
	Tags []string
	// Meta is free-form metadata attached to the task by the workflow.
	Meta map[string]string
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

// IdempotencyKey returns the id of the task carried by ctx, or "" outside a task.
func IdempotencyKey(ctx context.Context) string {
	t, _ := TaskFrom(ctx)
	return t.ID
}
