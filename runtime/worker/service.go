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

// HandleMethod is Handle for method m of impl, given as a method expression
// of an interface impl implements (Service.Method, a
// func(Service, context.Context, In) (Out, error)): the handler decodes and
// encodes as Handle's does, and calls m with impl through reflection (a few
// hundred nanoseconds a task, next to the task's transport and storage).
// Generated Register functions keep a service's methods as a table of
// method expressions: static data, where a closure calling Handle per
// method had the compiler build three functions and a dictionary for each
// of a thousand operations. It fails when m is not such a function or impl
// is not a Service.
func HandleMethod(c codec.Codec, impl any, m any) (HandlerFunc, error) {
	mv := reflect.ValueOf(m)
	t := mv.Type()
	if mv.Kind() != reflect.Func || t.IsVariadic() || t.NumIn() != 3 || t.NumOut() != 2 ||
		t.In(1) != reflect.TypeFor[context.Context]() || t.Out(1) != reflect.TypeFor[error]() {
		return nil, fmt.Errorf("worker: HandleMethod: %s is not a method expression func(S, context.Context, In) (Out, error)", t)
	}
	if impl == nil || !reflect.TypeOf(impl).AssignableTo(t.In(0)) {
		return nil, fmt.Errorf("worker: HandleMethod: %T does not implement %s", impl, t.In(0))
	}
	recv := reflect.New(t.In(0)).Elem()
	recv.Set(reflect.ValueOf(impl))
	return handle(c, t.In(2), func(ctx context.Context, in any) (any, error) {
		res := mv.Call([]reflect.Value{recv, reflect.ValueOf(&ctx).Elem(), reflect.ValueOf(in)})
		err, _ := res[1].Interface().(error)
		return res[0].Interface(), err
	}), nil
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
