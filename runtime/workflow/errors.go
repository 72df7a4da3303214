package workflow

import "github.com/infgen/infgen/runtime/failure"

// TaskError is returned when a task failed for good; see failure.TaskError.
type TaskError = failure.TaskError

// ChildError is returned when a child workflow failed; see failure.ChildError.
type ChildError = failure.ChildError

// RemoteError is an error known by its message (and the name and payload
// of a type the workflow does not know); see failure.RemoteError.
type RemoteError = failure.RemoteError

// TimeoutError reports a timeout; see failure.TimeoutError.
type TimeoutError = failure.TimeoutError

// CanceledError reports a cancellation; see failure.CanceledError.
type CanceledError = failure.CanceledError
