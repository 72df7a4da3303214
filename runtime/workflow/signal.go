package workflow

import (
	"encoding/json"
	"fmt"
	"time"
)

// Channel receives the signals sent to a workflow under one name, in the
// order they arrived. Values are JSON-encoded by the sender.
type Channel[T any] struct {
	name string
}

// SignalChannel returns the channel of the signals named name.
func SignalChannel[T any](name string) Channel[T] { return Channel[T]{name: name} }

// Name returns the channel's name.
func (c Channel[T]) Name() string { return c.name }

// Receive blocks until a signal arrives on the channel and returns it. In
// a canceled scope (see WithCancel) it returns a *CanceledError instead,
// leaving the signals where they are.
func (c Channel[T]) Receive(ctx Context) (T, error) {
	s := ctx.coroutine().Scheduler()
	ctx.coroutine().Block(func() bool { return ctx.Err() != nil || s.HasSignal(c.name) })
	if err := ctx.Err(); err != nil {
		var zero T
		return zero, err
	}
	return c.pop(ctx)
}

// ReceiveTimeout waits at most d for a signal. ok is false on timeout. In a
// canceled scope it returns a *CanceledError, as Receive does.
func (c Channel[T]) ReceiveTimeout(ctx Context, d time.Duration) (v T, ok bool, err error) {
	s := ctx.coroutine().Scheduler()
	if !s.HasSignal(c.name) {
		t := NewTimer(ctx, d)
		ctx.coroutine().Block(func() bool { return ctx.Err() != nil || s.HasSignal(c.name) || t.Ready() })
	}
	if err := ctx.Err(); err != nil {
		return v, false, err
	}
	if !s.HasSignal(c.name) {
		return v, false, nil
	}
	v, err = c.pop(ctx)
	return v, err == nil, err
}

// TryReceive returns a signal if one is waiting, without blocking.
func (c Channel[T]) TryReceive(ctx Context) (v T, ok bool, err error) {
	if !ctx.coroutine().Scheduler().HasSignal(c.name) {
		return v, false, nil
	}
	v, err = c.pop(ctx)
	return v, err == nil, err
}

func (c Channel[T]) pop(ctx Context) (T, error) {
	var v T
	raw, _ := ctx.coroutine().Scheduler().PopSignal(c.name)
	if len(raw) == 0 {
		return v, nil
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, fmt.Errorf("workflow: decode signal %q: %w", c.name, err)
	}
	return v, nil
}
