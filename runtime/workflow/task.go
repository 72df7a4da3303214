package workflow

import (
	"fmt"
	"reflect"

	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/failure"
	"github.com/infgen/infgen/runtime/internal/dataschema"
	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/replay"
)

// Call describes a service task; generated stubs fill it in.
type Call struct {
	Service string
	Method  string
	// Codec encodes Input and decodes the output (codec.JSON for OpenAPI
	// services, codec.Proto for gRPC services).
	Codec codec.Codec
	Input any
	// Errors are the error types the service may fail with (generated
	// stubs pass their package's ErrorTypes()): a failure of one of them
	// reaches the workflow as that type, so errors.As matches it, in any
	// process and on replay. Other failures are *RemoteError.
	Errors []failure.ErrorType
	// Options apply to the call before the opts of Dispatch or Execute
	// (which win): generated stubs pass the options of the stub here.
	Options []CallOption
}

// Dispatch asks a service to execute a task and returns at once; the
// returned Deferred yields the decoded output (Out is usually a pointer
// type). opts are recorded with the task (see CallOption). Canceling ctx's
// scope abandons the task (see WithCancel). To start a generated stub's
// method without waiting, use Async.
func Dispatch[Out any](ctx Context, call Call, opts ...CallOption) Deferred[Out] {
	p, c := dispatch(ctx, call, opts, reflect.TypeFor[Out]())
	return &deferred[Out]{core: p, decode: decoder[Out](c)}
}

// Execute asks a service to execute a task and waits for its decoded output
// (Out is usually a pointer type): Dispatch followed by Await. Unlike
// Dispatch it instantiates no generic type, and it is not inlined.
// Generated stub methods call ExecuteTo, its form that is not generic.
//
//go:noinline
func Execute[Out any](ctx Context, call Call, opts ...CallOption) (Out, error) {
	var out Out
	raw, c, err := execute(ctx, call, opts, reflect.TypeFor[Out]())
	if err == nil {
		err = decodeResult(c, raw, &out)
	}
	return out, err
}

// ExecuteTo is Execute with the output decoded into *out, out a non-nil
// pointer to the result (a **Output for a generated method): the result
// is left as it is when the task has no output. Generated stubs call it:
// unlike Execute it is not generic, so a package with a thousand methods
// compiles no instantiation per method.
func ExecuteTo(ctx Context, call Call, out any, opts ...CallOption) error {
	raw, c, err := execute(ctx, call, opts, reflect.TypeOf(out).Elem())
	if err == nil {
		err = decodeResult(c, raw, out)
	}
	return err
}

// execute is Execute's body: it dispatches the task and waits for its
// recorded output, or hands the task to the Async capturing ctx.
func execute(ctx Context, call Call, opts []CallOption, out reflect.Type) ([]byte, codec.Codec, error) {
	p, c := dispatch(ctx, call, opts, out)
	if w, ok := ctx.(*wctx); ok && w.capture != nil && !w.capture.taken {
		*w.capture = capture{p: p, codec: c, taken: true}
		return nil, c, errCaptured
	}
	ctx.coroutine().Block(p.f.Done)
	raw, err := p.raw()
	return raw, c, err
}

// dispatch issues the task of call, whose output is of type out, and
// returns its pending result and the codec of its output.
func dispatch(ctx Context, call Call, opts []CallOption, out reflect.Type) (pending, codec.Codec) {
	o := collectCallOptions(call.Options, opts)
	c := call.Codec
	if c == nil {
		c = codec.JSON{}
	}
	name := call.Service + "." + call.Method
	in, err := encodeInput(c, call.Input)
	if err != nil {
		f := &replay.Future{}
		f.ResolveLocal(nil, fmt.Errorf("workflow: encode input of %s: %w", name, err))
		return pending{f: f}, c
	}
	types := ctx.coroutine().Scheduler().ErrorTypes()
	types.Add(call.Errors...)
	f := start(ctx, func() *replay.Future {
		return ctx.coroutine().Issue(history.Command{
			Kind: history.CommandTask, Name: name, Input: in, Codec: c.Name(),
			Meta: o.meta, Timeout: o.timeout, Retry: o.retry, IdempotencyKey: o.idempotencyKey, Tags: o.tags,
			DataSchema: dataschema.Of(out),
		})
	})
	return pending{f: f, types: types}, c
}

func encodeInput(c codec.Codec, in any) ([]byte, error) {
	if in == nil {
		return nil, nil
	}
	return c.Marshal(in)
}

// decoder returns a function decoding raw bytes into Out with c.
func decoder[Out any](c codec.Codec) func([]byte) (Out, error) {
	return func(raw []byte) (Out, error) {
		var out Out
		err := decodeResult(c, raw, &out)
		return out, err
	}
}

// decodeResult decodes a recorded result into the pointer out with c; an
// empty result leaves *out as it is (the zero value).
func decodeResult(c codec.Codec, raw []byte, out any) error {
	if len(raw) == 0 {
		return nil
	}
	if err := c.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("workflow: decode result: %w", err)
	}
	return nil
}
