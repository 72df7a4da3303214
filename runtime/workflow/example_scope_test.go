package workflow_test

import (
	"errors"
	"fmt"

	"github.com/infgen/infgen/runtime/workflow"
)

// ExampleWithCancel runs a step in a scope and cancels it: the timer
// started in the scope never fires, what waits for it gets a
// *CanceledError, and work started in the canceled scope does not start.
// The workflow's own context goes on.
func ExampleWithCancel() {
	flow := workflow.Define("example.withcancel", func(ctx workflow.Context, name string) (string, error) {
		sctx, cancel := workflow.WithCancel(ctx)
		slow := workflow.NewTimer(sctx, hour)
		quick := greet(ctx, name) // in the workflow's scope
		if _, err := quick.Await(ctx); err != nil {
			return "", err
		}
		cancel()
		var ce *workflow.CanceledError
		_, err := slow.Await(ctx)
		after := workflow.Sleep(sctx, hour)
		_, done := sctx.Done().Await(ctx)
		return fmt.Sprint("timer canceled: ", errors.As(err, &ce), ", sleep after: ", errors.As(after, &ce),
			", done: ", done != nil, ", scope err: ", sctx.Err() != nil, ", workflow err: ", ctx.Err()), nil
	})
	fmt.Println(execute(flow, "ada"))
	// Output: timer canceled: true, sleep after: true, done: true, scope err: true, workflow err: <nil> <nil>
}
