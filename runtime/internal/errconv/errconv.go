package errconv

import (
	"errors"

	"github.com/infgen/infgen/runtime/failure"
	"github.com/infgen/infgen/runtime/internal/history"
)

// ToError turns a recorded error into a typed Go error.
func ToError(r *history.Error) error {
	if r == nil {
		return nil
	}
	var cause error
	if r.Cause != nil {
		cause = ToError(r.Cause)
	}
	switch r.Kind {
	case "task":
		if cause == nil {
			cause = &failure.RemoteError{Message: r.Message}
		}
		return &failure.TaskError{Service: r.Service, Method: r.Method, TaskID: r.TaskID, Attempts: r.Attempts, Cause: cause}
	case "child":
		return &failure.ChildError{Workflow: r.Workflow, ID: r.ID, Cause: cause}
	case "timeout":
		return &failure.TimeoutError{}
	case "canceled":
		return &failure.CanceledError{Reason: r.Message}
	}
	if cause != nil {
		return &wrapped{msg: r.Message, cause: cause}
	}
	return &failure.RemoteError{Message: r.Message}
}

// FromError records a Go error, keeping the structure of typed errors.
func FromError(err error) *history.Error {
	if err == nil {
		return nil
	}
	var te *failure.TaskError
	var ce *failure.ChildError
	var to *failure.TimeoutError
	var ca *failure.CanceledError
	switch {
	case errors.As(err, &te) && te == err:
		return &history.Error{Kind: "task", Message: err.Error(), Service: te.Service, Method: te.Method,
			TaskID: te.TaskID, Attempts: te.Attempts, Cause: FromError(te.Cause)}
	case errors.As(err, &ce) && ce == err:
		return &history.Error{Kind: "child", Message: err.Error(), Workflow: ce.Workflow, ID: ce.ID, Cause: FromError(ce.Cause)}
	case errors.As(err, &to) && to == err:
		return &history.Error{Kind: "timeout", Message: err.Error()}
	case errors.As(err, &ca) && ca == err:
		return &history.Error{Kind: "canceled", Message: ca.Reason}
	}
	rec := &history.Error{Kind: "workflow", Message: err.Error()}
	if inner := errors.Unwrap(err); inner != nil {
		rec.Cause = FromError(inner)
	}
	return rec
}

// wrapped is an error with a message and a typed cause.
type wrapped struct {
	msg   string
	cause error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.cause }
