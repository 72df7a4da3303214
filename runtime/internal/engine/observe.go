package engine

import (
	"context"
	"time"

	"github.com/infgen/infgen/runtime/internal/history"
)

// Observer is told what the engine did, once it took effect: metrics and
// traces hang on it (package telemetry implements it). Its methods run on the
// engine's goroutines: they must be cheap and must not block. Options.Observer
// may be nil.
type Observer interface {
	// TaskAttempt is called before an attempt of a task runs. The context it
	// returns is the attempt's (a span in it reaches the generated client);
	// done is called with the attempt's error (nil on success) and whether
	// the retry policy runs it again.
	TaskAttempt(ctx context.Context, a *TaskAttempt) (_ context.Context, done func(err error, retry bool))
	// Step is called after a workflow step was saved, before its messages
	// are published.
	Step(ctx context.Context, s *Step)
	// DeadLetter is called when a message was set aside as a dead letter.
	DeadLetter(ctx context.Context, topic, reason string)
}

// TaskAttempt describes one attempt of a task.
type TaskAttempt struct {
	Workflow, WorkflowID, RunID, TaskID string
	Service, Method                     string
	Attempt                             int
	// TraceParent is the W3C trace context of the workflow run (from the
	// message); the observer sets SpanTraceParent to the attempt's span, if
	// it records one, which the service implementation gets (service.Task).
	TraceParent, SpanTraceParent string
	Start                        time.Time
}

// Step describes a saved workflow step.
type Step struct {
	// State is the workflow's state after the step; observers must not
	// change it.
	State *history.State
	// Events are the events the step applied (started, task results, timers
	// fired, children done, signals), in order.
	Events []history.Event
	// Started says the run started in this step; Parked that the step parked
	// it (it was not parked before).
	Started, Parked bool
	// TimersBefore is the number of pending timers before the step.
	TimersBefore int
	// Time is the step's time on the engine's clock.
	Time time.Time
}
