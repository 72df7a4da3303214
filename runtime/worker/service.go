package worker

import (
	"context"
	"fmt"
	"reflect"
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

// Handle adapts a typed method to a HandlerFunc using codec c. In and Out
// are usually pointers to the request and response types, as generated
// methods take and return them: the input is decoded into a new value of
// In's element type, and a nil Out encodes no output. Non-pointer types are
// decoded and encoded as values.
//
// Handle is instantiated once per method of every generated service, and a
// spec can have a thousand: its generic part is a single call, and with
// pointer type arguments all instantiations share one compiled body.
//
//go:noinline
func Handle[In, Out any](c codec.Codec, fn func(context.Context, In) (Out, error)) HandlerFunc {
	return handle(c, reflect.TypeFor[In](), func(ctx context.Context, in any) (any, error) { return fn(ctx, in.(In)) })
}

// handle is Handle's body, for an input of type in and any method fn.
func handle(c codec.Codec, in reflect.Type, fn func(context.Context, any) (any, error)) HandlerFunc {
	ptr := in.Kind() == reflect.Pointer
	alloc := in
	if ptr {
		alloc = in.Elem()
	}
	return func(ctx context.Context, data []byte) ([]byte, error) {
		v := reflect.New(alloc)
		if len(data) > 0 {
			if err := c.Unmarshal(data, v.Interface()); err != nil {
				return nil, &DecodeError{Err: err}
			}
		}
		if !ptr {
			v = v.Elem()
		}
		out, err := fn(ctx, v.Interface())
		if err != nil {
			return nil, err
		}
		if isNil(out) {
			return nil, nil
		}
		b, err := c.Marshal(out)
		if err != nil {
			return nil, fmt.Errorf("encode output: %w", err)
		}
		return b, nil
	}
}

// isNil reports whether v is nil or holds a nil pointer, map or slice.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch r := reflect.ValueOf(v); r.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
		return r.IsNil()
	}
	return false
}

// DecodeError reports a task input that cannot be decoded; such a task is
// not retried.
type DecodeError struct{ Err error }

func (e *DecodeError) Error() string   { return "decode task input: " + e.Err.Error() }
func (e *DecodeError) Unwrap() error   { return e.Err }
func (e *DecodeError) Retryable() bool { return false }
