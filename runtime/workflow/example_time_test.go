package workflow_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/infgen/infgen/runtime/workflow"
)

// hour is long: what waits for it in the examples never sees it pass.
const hour = time.Hour

// ExampleSleep waits, durably: a restart of the worker does not shorten or
// lose the wait.
func ExampleSleep() {
	flow := workflow.Define("example.sleep", func(ctx workflow.Context, d time.Duration) (bool, error) {
		start := workflow.Now(ctx)
		if err := workflow.Sleep(ctx, d); err != nil {
			return false, err
		}
		return workflow.Now(ctx).Sub(start) >= d, nil
	})
	fmt.Println(execute(flow, 10*time.Millisecond))
	// Output: true <nil>
}

// ExampleNow reads the time replay-safely: the time at which the current
// step first ran, the same on every replay.
func ExampleNow() {
	flow := workflow.Define("example.now", func(ctx workflow.Context, _ struct{}) (bool, error) {
		before := workflow.Now(ctx)
		if err := workflow.Sleep(ctx, time.Millisecond); err != nil { // the workflow replays from here on
			return false, err
		}
		return !workflow.Now(ctx).Before(before), nil
	})
	fmt.Println(execute(flow, struct{}{}))
	// Output: true <nil>
}

// ExampleNewTimer starts a timer and waits for it next to a task.
func ExampleNewTimer() {
	flow := workflow.Define("example.newtimer", func(ctx workflow.Context, _ struct{}) (string, error) {
		soon := workflow.NewTimer(ctx, 10*time.Millisecond)
		late := workflow.NewTimer(ctx, hour)
		i, err := workflow.AwaitAny(ctx, late, soon)
		if err != nil {
			return "", err
		}
		late.Cancel() // not needed any more: it never fires
		return fmt.Sprint("timer ", i, " fired first"), nil
	})
	fmt.Println(execute(flow, struct{}{}))
	// Output: timer 1 fired first <nil>
}

// ExampleTimer_Cancel cancels a reminder once the answer came: the timer
// never fires, and waiting for it gives a *CanceledError.
func ExampleTimer_Cancel() {
	flow := workflow.Define("example.timercancel", func(ctx workflow.Context, name string) (string, error) {
		reminder := workflow.NewTimer(ctx, hour)
		answer, err := greet(ctx, name).Await(ctx)
		if err != nil {
			return "", err
		}
		reminder.Cancel()
		_, err = reminder.Await(ctx)
		var ce *workflow.CanceledError
		return fmt.Sprint(*answer, "; reminder canceled: ", errors.As(err, &ce)), nil
	})
	fmt.Println(execute(flow, "ada"))
	// Output: hello ada; reminder canceled: true <nil>
}
