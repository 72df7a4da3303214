package service

import (
	"errors"
	"fmt"
	"time"
)

// A RetryClassifier is an error that knows whether retrying may succeed.
// Errors that do not implement it are retried (network errors, panics, …).
type RetryClassifier interface {
	error
	Retryable() bool
}

// A RetryAfterer is an error that knows when a retry may succeed, such as an
// HTTP 429 or 503 with a Retry-After header, or a gRPC google.rpc.RetryInfo.
type RetryAfterer interface {
	error
	RetryAfter() time.Duration
}

// Error is the error contract between service implementations and the
// runtime. Generated code returns it; so may hand-written services.
type Error struct {
	// Err is the underlying error (for example a decoded error body).
	Err error
	// NoRetry marks the failure as permanent: retrying cannot help.
	NoRetry bool
	// After, when positive, is the minimum delay before the next attempt.
	After time.Duration
}

// Error returns the message of the underlying error.
func (e *Error) Error() string {
	if e.Err == nil {
		return "service error"
	}
	return e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Retryable reports whether the task may be retried.
func (e *Error) Retryable() bool { return !e.NoRetry }

// RetryAfter returns the minimum delay before the next attempt, or 0.
func (e *Error) RetryAfter() time.Duration { return e.After }

// Permanent marks err as not retryable.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &Error{Err: err, NoRetry: true}
}

// Permanentf formats a permanent error.
func Permanentf(format string, args ...any) error {
	return Permanent(fmt.Errorf(format, args...))
}

// Retryable marks err as retryable, not before after (0: policy decides).
func Retryable(err error, after time.Duration) error {
	if err == nil {
		return nil
	}
	return &Error{Err: err, After: after}
}

// IsRetryable reports whether err may be retried: true unless some error in
// its chain implements RetryClassifier and says no.
func IsRetryable(err error) bool {
	var c RetryClassifier
	if errors.As(err, &c) {
		return c.Retryable()
	}
	return true
}

// RetryAfter returns the delay requested by the first error in err's chain
// that implements RetryAfterer, or 0.
func RetryAfter(err error) time.Duration {
	var a RetryAfterer
	if errors.As(err, &a) {
		return a.RetryAfter()
	}
	return 0
}
