package workflow

import (
	"fmt"

	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/failure"
	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/replay"
)

// Dispatch asks a service to execute a task and returns at once; the
// returned Deferred yields the decoded output (Out is usually a pointer
// type). opts are recorded with the task (see CallOption). Generated stubs
// call it; a workflow calls the stubs.
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
	f := ctx.coroutine().Issue(history.Command{
		Kind: history.CommandTask, Name: name, Input: in, Codec: c.Name(),
		Meta: o.meta, Timeout: o.timeout, Retry: o.retry, IdempotencyKey: o.idempotencyKey, Tags: o.tags,
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
