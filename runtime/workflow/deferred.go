package workflow

import (
	"github.com/infgen/infgen/runtime/internal/errconv"
	"github.com/infgen/infgen/runtime/internal/replay"
)

// Awaitable is anything a workflow can wait for; every Deferred is one.
type Awaitable interface {
	awaitable() *pending
}

// Deferred is the result of an asynchronous step: a task, a timer, a child
// workflow, a branch started with Go.
type Deferred[T any] interface {
	Awaitable
	// Await blocks the workflow until the result is known and returns it.
	Await(ctx Context) (T, error)
	// Ready reports, without blocking, whether the result is known.
	Ready() bool
}

// pending is the untyped part of a Deferred: its future and how a recorded
// error reads. Keeping it out of the generic type keeps each instantiation
// small: a generated package instantiates Deferred once per method.
type pending struct {
	f    *replay.Future
	wrap func(error) error // adds context to a recorded error (task, child)
	// types decode recorded errors: the error types of the workflow
	// execution (nil: none).
	types *errconv.Types
}

// raw returns the recorded result, or the error the step ended with.
func (p *pending) raw() ([]byte, error) {
	if err := p.f.LocalErr(); err != nil {
		return nil, err
	}
	raw, rec := p.f.Value()
	if rec != nil {
		var types errconv.Types
		if p.types != nil {
			types = *p.types
		}
		err := types.ToError(rec)
		if p.wrap != nil {
			err = p.wrap(err)
		}
		return nil, err
	}
	return raw, nil
}

// err is the error the step ended with, if any.
func (p *pending) err() error {
	_, err := p.raw()
	return err
}

// deferred is the Deferred implementation over a replay future.
type deferred[T any] struct {
	core   pending
	decode func([]byte) (T, error) // nil: the zero T
}

func (d *deferred[T]) awaitable() *pending { return &d.core }

func (d *deferred[T]) Ready() bool { return d.core.f.Done() }

func (d *deferred[T]) Await(ctx Context) (T, error) {
	ctx.coroutine().Block(d.core.f.Done)
	var zero T
	raw, err := d.core.raw()
	if err != nil || d.decode == nil {
		return zero, err
	}
	return d.decode(raw)
}

// Ready returns a Deferred that is already resolved with v.
func Ready[T any](v T) Deferred[T] {
	f := &replay.Future{}
	f.ResolveLocal(nil, nil)
	return &deferred[T]{core: pending{f: f}, decode: func([]byte) (T, error) { return v, nil }}
}

// failed returns a Deferred that is already resolved with err.
func failed[T any](err error) Deferred[T] {
	f := &replay.Future{}
	f.ResolveLocal(nil, err)
	return &deferred[T]{core: pending{f: f}}
}
