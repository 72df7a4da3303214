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
}

// Dispatch asks a service to execute a task and returns at once; the
// returned Deferred yields the decoded output (Out is usually a pointer
// type). opts are recorded with the task (see CallOption). Generated stubs
// call it; a workflow calls the stubs. Canceling ctx's scope abandons the
// task (see WithCancel).
func Dispatch[Out any](ctx Context, call Call, opts ...CallOption) Deferred[Out] {
	o := collectCallOptions(opts)
	c := call.Codec
	if c == nil {
		c = codec.JSON{}
	}
	name := call.Service + "." + call.Method
	in, err := encodeInput(c, call.Input)
	if err != nil {
		f := &replay.Future{}
		f.ResolveLocal(nil, fmt.Errorf("workflow: encode input of %s: %w", name, err))
		return &deferred[Out]{f: f}
	}
	types := ctx.coroutine().Scheduler().ErrorTypes()
	types.Add(call.Errors...)
	f := start(ctx, func() *replay.Future {
		return ctx.coroutine().Issue(history.Command{
			Kind: history.CommandTask, Name: name, Input: in, Codec: c.Name(),
			Meta: o.meta, Timeout: o.timeout, Retry: o.retry, IdempotencyKey: o.idempotencyKey, Tags: o.tags,
			DataSchema: dataschema.Of(reflect.TypeFor[Out]()),
		})
	})
	return &deferred[Out]{f: f, decode: decoder[Out](c), types: types}
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
		if len(raw) == 0 {
			return out, nil
		}
		if err := c.Unmarshal(raw, &out); err != nil {
			return out, fmt.Errorf("workflow: decode result: %w", err)
		}
		return out, nil
	}
}
