package worker

import (
	"context"
	"fmt"
	"time"

	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/failure"
	"github.com/infgen/infgen/runtime/retry"
)

// HandlerFunc executes one task: it decodes input, calls the implementation
// and encodes the output.
type HandlerFunc func(ctx context.Context, input []byte) ([]byte, error)

// Method is one method of a registered service.
type Method struct {
	// Name is the method name used by workflow stubs.
	Name string
	// Handler executes the method.
	Handler HandlerFunc
	// Retry is the method's retry policy derived from the spec (generated
	// Register functions set it from x-infgen-retry or the gRPC service
	// config); nil leaves it to the service's (WithRetry) or the runtime's.
	// A per-call workflow.WithRetry and WithMethodRetry win over it.
	Retry *retry.Policy
	// Timeout bounds one attempt, derived from the spec like Retry (0: the
	// service's WithTimeout, else retry.DefaultTimeout).
	Timeout time.Duration
}

// Service is a service implementation, as generated Register functions
// describe it.
type Service struct {
	// Name is the service name used by workflow stubs.
	Name    string
	Methods []Method
	// Errors are the error types the methods fail with (generated packages
	// pass their ErrorTypes()): such a failure crosses to the workflow as
	// the type's name and payload, and a workflow whose call names the type
	// receives it typed.
	Errors []failure.ErrorType
}

// Handle adapts a typed method to a HandlerFunc using codec c.
func Handle[In, Out any](c codec.Codec, fn func(context.Context, *In) (*Out, error)) HandlerFunc {
	// The generic part is as small as can be: a generated package
	// instantiates Handle once per method, and each instantiation on a
	// struct is compiled on its own.
	return handle(c, func() any { return new(In) }, func(ctx context.Context, in any) (any, error) {
		out, err := fn(ctx, in.(*In))
		if err != nil || out == nil {
			return nil, err
		}
		return out, nil
	})
}

// handle is Handle's body, for any input made by fresh and any method fn.
func handle(c codec.Codec, fresh func() any, fn func(context.Context, any) (any, error)) HandlerFunc {
	return func(ctx context.Context, data []byte) ([]byte, error) {
		in := fresh()
		if len(data) > 0 {
			if err := c.Unmarshal(data, in); err != nil {
				return nil, &DecodeError{Err: err}
			}
		}
		out, err := fn(ctx, in)
		if err != nil {
			return nil, err
		}
		if out == nil {
			return nil, nil
		}
		b, err := c.Marshal(out)
		if err != nil {
			return nil, fmt.Errorf("encode output: %w", err)
		}
		return b, nil
	}
}

// DecodeError reports a task input that cannot be decoded; such a task is
// not retried.
type DecodeError struct{ Err error }

func (e *DecodeError) Error() string   { return "decode task input: " + e.Err.Error() }
func (e *DecodeError) Unwrap() error   { return e.Err }
func (e *DecodeError) Retryable() bool { return false }
