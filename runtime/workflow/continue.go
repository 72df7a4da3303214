package workflow

import (
	"encoding/json"
	"fmt"
)

// ContinueAsNewError asks the runtime to end the current run of the workflow
// and start a new run of the same instance with Input. Create it with
// ContinueAsNew and return it from the workflow function.
type ContinueAsNewError struct {
	// input is the next run's input, encoded as JSON.
	input json.RawMessage
}

func (e *ContinueAsNewError) Error() string {
	return "workflow: continue as new (return this error from the workflow function)"
}

// ContinueAsNew returns the error that, returned by the workflow function,
// ends the current run and starts the next run of the same instance with
// input. Long-lived workflows (a loop over months, a subscription) use it to
// keep their recorded history small: the new run starts with an empty
// history, so its replays cost what a fresh instance costs.
//
//	if billedThisRun == 12 {
//		return Result{}, workflow.ContinueAsNew(ctx, next)
//	}
//
// The instance keeps its id, tags, parent and timeout; it runs on the newest
// registered version of the workflow (the way to move a long-lived instance
// onto new code). Signals the ending run received but did not read are
// delivered to the new run, in order. Its pending tasks and timers are
// abandoned (their results, if they come, are dropped) and its child
// workflows are canceled: wait for what must finish before continuing.
// Clients waiting for the result get the result of the last run.
func ContinueAsNew[In any](ctx Context, input In) error {
	b, err := json.Marshal(input)
	if err != nil {
		return fmt.Errorf("workflow %s: continue as new: encode input: %w", ctx.Info().Name, err)
	}
	return &ContinueAsNewError{input: b}
}
