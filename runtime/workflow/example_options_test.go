package workflow_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/workflow"
)

// describe calls the sandbox's service that reports what it sees of its
// task, with opts.
func describe(ctx workflow.Context, opts ...workflow.CallOption) (string, error) {
	s, err := workflow.Dispatch[*string](ctx, workflow.Call{Service: "greeter", Method: "Describe", Input: struct{}{}}, opts...).Await(ctx)
	if err != nil {
		return "", err
	}
	return *s, nil
}

// ExampleWithTimeout bounds each attempt of a task: the service's context
// has that deadline.
func ExampleWithTimeout() {
	flow := workflow.Define("example.withtimeout", func(ctx workflow.Context, _ struct{}) (string, error) {
		return describe(ctx, workflow.WithTimeout(5*time.Second))
	})
	fmt.Println(execute(flow, struct{}{}))
	// Output: attempt 1, key <task id>, meta map[], tags [], timeout 5s <nil>
}

// ExampleWithRetry sets a task's retry policy: here one attempt only, so
// the service's failure reaches the workflow at once.
func ExampleWithRetry() {
	flow := workflow.Define("example.withretry", func(ctx workflow.Context, _ struct{}) (string, error) {
		_, err := workflow.Dispatch[*string](ctx, workflow.Call{Service: "greeter", Method: "Missing"},
			workflow.WithRetry(retry.Policy{MaxAttempts: 1})).Await(ctx)
		var te *workflow.TaskError
		if errors.As(err, &te) {
			return fmt.Sprintf("failed after %d attempt(s)", te.Attempts), nil
		}
		return "", err
	})
	fmt.Println(execute(flow, struct{}{}))
	// Output: failed after 1 attempt(s) <nil>
}

// ExampleWithIdempotencyKey gives a task a business key instead of its
// task id: generated clients send it as the API's idempotency key.
func ExampleWithIdempotencyKey() {
	flow := workflow.Define("example.withkey", func(ctx workflow.Context, _ struct{}) (string, error) {
		return describe(ctx, workflow.WithIdempotencyKey("invoice-2026-01"))
	})
	fmt.Println(execute(flow, struct{}{}))
	// Output: attempt 1, key invoice-2026-01, meta map[], tags [], timeout 1m0s <nil>
}

// ExampleWithMeta attaches metadata the service sees.
func ExampleWithMeta() {
	flow := workflow.Define("example.withmeta", func(ctx workflow.Context, _ struct{}) (string, error) {
		return describe(ctx, workflow.WithMeta("reason", "monthly"))
	})
	fmt.Println(execute(flow, struct{}{}))
	// Output: attempt 1, key <task id>, meta map[reason:monthly], tags [], timeout 1m0s <nil>
}

// ExampleWithTags adds tags to a task, after the workflow's own; given to a
// child, they tag the child workflow.
func ExampleWithTags() {
	flow := workflow.Define("example.withtags", func(ctx workflow.Context, _ struct{}) (string, error) {
		return describe(ctx, workflow.WithTags("urgent"))
	})
	s := newSandbox(flow)
	defer s.close()
	fmt.Println(client.ExecuteRef(s.ctx, s.c, flow, struct{}{}, client.StartParams{Tags: []string{"customer:42"}}))
	// Output: attempt 1, key <task id>, meta map[], tags [customer:42 urgent], timeout 1m0s <nil>
}

// ExampleWithChildID names a child workflow: with a business key, the
// child can be signaled, described and canceled by that id.
func ExampleWithChildID() {
	child := workflow.Define("example.namedchild", func(ctx workflow.Context, _ struct{}) (string, error) {
		return ctx.Info().ID + " (parent " + ctx.Info().ParentID + ")", nil
	})
	parent := workflow.Define("example.namedparent", func(ctx workflow.Context, _ struct{}) (string, error) {
		return child.Run(ctx, struct{}{}, workflow.WithChildID("invoice-2026-01"))
	})
	s := newSandbox(parent, child)
	defer s.close()
	fmt.Println(client.ExecuteRef(s.ctx, s.c, parent, struct{}{}, client.StartParams{ID: "customer-42"}))
	// Output: invoice-2026-01 (parent customer-42) <nil>
}
