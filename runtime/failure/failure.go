package failure

import (
	"fmt"
	"time"
)

// TaskError is returned to a workflow when a task failed for good: after its
// last attempt, or at once for a non-retryable error.
type TaskError struct {
	Service  string
	Method   string
	TaskID   string
	Attempts int
	// Cause is the service's error as seen by the workflow (a *RemoteError
	// when it came from another process).
	Cause error
}

func (e *TaskError) Error() string {
	return fmt.Sprintf("task %s.%s (id %s) failed after %d attempt(s): %v", e.Service, e.Method, e.TaskID, e.Attempts, e.Cause)
}

// Unwrap returns the cause.
func (e *TaskError) Unwrap() error { return e.Cause }

// ChildError is returned when a child workflow failed or was canceled.
type ChildError struct {
	Workflow string
	ID       string
	Cause    error
}

func (e *ChildError) Error() string {
	return fmt.Sprintf("child workflow %s (id %s) failed: %v", e.Workflow, e.ID, e.Cause)
}

// Unwrap returns the cause.
func (e *ChildError) Unwrap() error { return e.Cause }

// WorkflowError is what a client receives for a workflow that failed.
type WorkflowError struct {
	Workflow string
	ID       string
	Cause    error
}

func (e *WorkflowError) Error() string {
	return fmt.Sprintf("workflow %s (id %s) failed: %v", e.Workflow, e.ID, e.Cause)
}

// Unwrap returns the cause.
func (e *WorkflowError) Unwrap() error { return e.Cause }

// RemoteError is an error that happened in another process or an earlier
// run and that the workflow cannot decode into a Go type: known by its
// message and, when the service named its type (see [ErrorType]), by that
// type's name and encoded value. A workflow whose calls name the type (as
// generated stubs do) receives the typed error instead.
type RemoteError struct {
	Message string
	// Type is the registered name of the error's type ("PaymentService.RequestPaymentError"),
	// or empty for an error of no registered type.
	Type string
	// Payload is the error encoded by its type (JSON for generated OpenAPI
	// errors), when Type is set.
	Payload []byte
}

func (e *RemoteError) Error() string { return e.Message }

// TimeoutError reports a workflow that exceeded its timeout.
type TimeoutError struct {
	Timeout time.Duration
}

func (e *TimeoutError) Error() string {
	if e.Timeout > 0 {
		return fmt.Sprintf("timed out after %s", e.Timeout)
	}
	return "timed out"
}

// CanceledError reports a canceled workflow.
type CanceledError struct {
	Reason string
}

func (e *CanceledError) Error() string {
	if e.Reason == "" {
		return "canceled"
	}
	return "canceled: " + e.Reason
}
