// Package retry defines retry policies: exponential back-off with jitter, a
// maximum number of attempts, and the classification of errors (see
// service.IsRetryable and service.RetryAfter).
package retry
